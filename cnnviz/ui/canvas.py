"""A drawing canvas (Streamlit components v2): draw a digit with the mouse, a pen or a finger.

The browser code (``static/canvas.js``) only draws and averages the canvas
down to a small grid of grey levels; Python turns that into an MNIST-style
digit (:func:`cnnviz.data.digits.mnist_style`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import streamlit as st

__all__ = ["drawing_canvas"]

_STATIC = Path(__file__).with_name("static")
# Registered once at import: re-registering per call would replace the definition.
_component = st.components.v2.component(
    "cnnviz_canvas", html='<div class="cnnviz-canvas"></div>\n',
    css=(_STATIC / "canvas.css").read_text(encoding="utf-8"),
    js=(_STATIC / "canvas.js").read_text(encoding="utf-8"), isolate_styles=True,
)


def _noop() -> None:
    """Callback for the state value: v2 only returns states that have one."""


def parse_drawing(value: object) -> np.ndarray | None:
    """The browser's ``{"grid", "pixels"}`` as a (grid, grid) array in [0, 1]; None if absent.

    Anything malformed is treated as no drawing (it comes from a browser).

    >>> parse_drawing({"grid": 2, "pixels": [0, 255, 255, 0]})
    array([[0., 1.],
           [1., 0.]])
    >>> parse_drawing({"grid": 2, "pixels": [1]}) is None
    True
    """
    if not isinstance(value, Mapping):
        return None
    grid, pixels = value.get("grid"), value.get("pixels")
    if not isinstance(grid, int) or not 1 <= grid <= 512:
        return None
    if not isinstance(pixels, list) or len(pixels) != grid * grid:
        return None
    try:
        arr = np.asarray(pixels, dtype=np.float64).reshape(grid, grid)
    except (TypeError, ValueError):
        return None
    if not np.isfinite(arr).all():
        return None
    return np.clip(arr, 0, 255) / 255.0


def drawing_canvas(*, key: str, size: int = 240, grid: int = 48) -> np.ndarray | None:
    """Show the canvas; return the last finished drawing as (grid, grid) in [0, 1], or None."""
    result = _component(key=key, data={"size": int(size), "grid": int(grid)},
                        height=size + 50, on_drawing_change=_noop)
    return parse_drawing(result.get("drawing") if result is not None else None)

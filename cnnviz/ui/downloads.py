"""Downloads of a page's maps: a PNG at display size and CSV, each made only when clicked."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable

import numpy as np
import streamlit as st

from cnnviz.plots.gif import map_png


def png_file(values: np.ndarray, mapping: str) -> Callable[[], bytes]:
    """The map as a PNG at display size with its numbers (:func:`cnnviz.plots.gif.map_png`),
    made only when the download button is clicked."""
    return functools.partial(map_png, values, mapping)


def csv_file(values: np.ndarray) -> Callable[[], bytes]:
    """:func:`csv_bytes`, made only when the download button is clicked."""
    return functools.partial(csv_bytes, values)


def csv_bytes(values: np.ndarray) -> bytes:
    """A 2-D matrix (or each channel of a 3-D one, one after another) as CSV."""
    arr = np.asarray(values, dtype=np.float64)
    planes = [arr] if arr.ndim == 2 else [arr[:, :, c] for c in range(arr.shape[2])]
    buf = io.StringIO()
    for c, plane in enumerate(planes):
        if len(planes) > 1:
            buf.write(f"# channel {c}\n")
        np.savetxt(buf, plane, delimiter=",", fmt="%.10g")
    return buf.getvalue().encode()


def grid_exports(values: np.ndarray, *, name: str, mapping: str, key: str,
                 where: object = None) -> None:
    """Slides out for one grid: PNG (numbers drawn up to 16 × 16, at least 512 px a side)
    and CSV. The numbers copy as LaTeX and Markdown from the grid's own map element
    (its "LaTeX" and "Markdown" buttons, ``meta["copy"]``): one way to copy a grid."""
    where = where or st
    a, b, _ = where.columns(3)
    plane0 = values if np.ndim(values) == 2 else np.asarray(values)[:, :, 0]
    a.download_button(f"{name} (PNG)", png_file(plane0, mapping), f"{key}.png",
                      mime="image/png", key=f"{key}_png", icon=":material/image:")
    b.download_button(f"{name} (CSV)", csv_file(values), f"{key}.csv", mime="text/csv",
                      key=f"{key}_csv", icon=":material/table:")

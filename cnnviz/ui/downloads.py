"""Downloads of a page's maps: a PNG at display size and CSV, each made only when clicked."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable

import numpy as np
import streamlit as st

from cnnviz.lessons.export import bmatrix, markdown_table
from cnnviz.plots.gif import map_png

from . import share


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
    """Slides out for one grid: PNG (numbers drawn up to 16 × 16, at least 512 px a side),
    CSV, and the numbers as a LaTeX ``bmatrix`` and a Markdown table to copy."""
    where = where or st
    a, b, c = where.columns(3)
    plane0 = values if np.ndim(values) == 2 else np.asarray(values)[:, :, 0]
    a.download_button(f"{name} (PNG)", png_file(plane0, mapping), f"{key}.png",
                      mime="image/png", key=f"{key}_png", icon=":material/image:")
    b.download_button(f"{name} (CSV)", csv_file(values), f"{key}.csv", mime="text/csv",
                      key=f"{key}_csv", icon=":material/table:")
    with c.popover("LaTeX / Markdown", icon=":material/content_copy:"):
        grid_text(values, key=key)


def grid_text(values: np.ndarray, *, key: str) -> None:
    """The grid as a LaTeX ``bmatrix`` and a Markdown table, each with a copy button."""
    if max(np.shape(values)[:2]) > 32:
        st.caption("Larger than 32 × 32: too many numbers for a slide; use the CSV.")
        return
    share.copy_text("Copy LaTeX (bmatrix)", bmatrix(values), key=f"{key}_latex")
    share.copy_text("Copy Markdown table", markdown_table(values), key=f"{key}_md")

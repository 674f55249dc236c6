"""Small display helpers every page uses: intro text, shapes with formulas, downloads."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import streamlit as st

from cnnviz.core.conv import ConvGeometry
from cnnviz.core.layers import size_formula
from cnnviz.core.text import exact_digits
from cnnviz.lessons.export import bmatrix, markdown_table
from cnnviz.plots.gif import map_png

from . import charts, presenter, share, views
from .cached import grid_figure, image_figure


class PageStop(Exception):
    """Raised by :func:`stop`; ``app.py`` catches it."""


def stop() -> None:
    """End the page here, as ``st.stop()`` would.

    ``st.stop()`` also ends ``app.py``'s run, so the page's link and the
    link's notices could not be written after it: this ends only the page.
    """
    raise PageStop


def fragment(func: Callable[..., None]) -> Callable[..., None]:
    """``st.fragment`` for a page's part that reruns on its own widgets.

    A widget inside reruns only the fragment (not the sidebar, the title or
    the intro). :func:`stop` inside ends the fragment: in a fragment's own
    rerun ``app.py``, which catches it otherwise, is not running. Put a
    fragment last on its page, so that nothing after it depends on a stop.
    """
    @functools.wraps(func)
    def run(*args, **kwargs) -> None:
        try:
            func(*args, **kwargs)
        except PageStop:
            pass
        finally:
            views.refresh()  # the saved view follows the fragment's widgets

    return st.fragment(run)


_STATIC = Path(__file__).with_name("static")
_APP_CSS = (_STATIC / "app.css").read_text(encoding="utf-8")
# Registered once at import, like the animator.
_chart_names = st.components.v2.component(
    "cnnviz_chart_names", html="<span></span>", js=(_STATIC / "labels.js").read_text("utf-8"))


def page_style() -> None:
    """The app-wide styles, ``static/app.css`` (KaTeX overflow, the browser's reduced
    motion for Streamlit's own transitions); ``app.py`` adds them before the page, so
    that they apply from the page's first element on."""
    st.html(f"<style>{_APP_CSS}</style>")


def chart_names() -> None:
    """``static/labels.js``, which names every Plotly chart after its title for screen
    readers; ``app.py`` adds it last, in the sidebar's foot."""
    with st.sidebar:
        _chart_names(key="cnnviz_chart_names", height=0)


def intro(text: str) -> None:
    """The two or three sentences that open a page: what it teaches (not in presenter mode,
    where the teacher says it and the grids need the room)."""
    if not presenter.on():
        st.markdown(text)


def shape_formulas(geom: ConvGeometry, *, what: str = "window") -> None:
    """The output-size formula per axis, filled in with the user's numbers.

    The floor is made visible when the division is not whole, and the rows or
    columns the window never reaches are pointed out.
    """
    for axis, name in ((0, "H"), (1, "W")):
        f = size_formula(geom.in_shape[axis], geom.kernel_shape[axis], pad=geom.padding[axis],
                         stride=geom.stride[axis], dilation=geom.dilation[axis], axis=name)
        st.latex(f.latex)
        if not f.exact:
            st.caption(f"As the lectures say it: {f.words}.")
    rows, cols = geom.unreached
    if rows or cols:
        parts = [f"{n} {word}" for n, word in ((rows, "row(s) at the bottom"),
                                                (cols, "column(s) at the right")) if n]
        st.warning(f"The {what} never reaches the last {' and '.join(parts)} of the padded "
                   "input: the stride steps past them.")


def feature_maps(
    image: np.ndarray, maps: list[tuple[str, np.ndarray]], mapping: str, *, key: str
) -> int:
    """The input beside each map, one column each; returns the channel shown.

    Maps with channels (a 2-D kernel on a colour image) show one channel at a
    time, picked by a radio under ``key``.
    """
    channel = 0
    if any(values.ndim == 3 for _, values in maps):
        depth = max(values.shape[2] for _, values in maps if values.ndim == 3)
        channel = st.radio("Channel shown", range(depth), key=f"{key}_channel", horizontal=True,
                           format_func=lambda c: ("R", "G", "B")[c] if depth == 3 else str(c),
                           help="A 2-D kernel on a colour image filters each channel on its own.")
    panels = [(f"Input a: {shape_text(image.shape)}", image, None), *(
        (f"{title}: {shape_text(values.shape)}", plane(values, channel), mapping)
        for title, values in maps)]
    for start in range(0, len(panels), 2):
        for col, (title, values, how) in zip(st.columns(2), panels[start:start + 2],
                                             strict=False):
            # Two figures a row: about 265 px each at 1280 px, 350 in presenter mode.
            width = 350 if presenter.on() else 265
            # A typed or lecture matrix's 0.876 is printed as 0.876, not 0.88.
            digits = exact_digits(values)
            fig = image_figure(values, title=title, width=width, digits=digits) if how is None \
                else grid_figure(values, title=title, mapping=how, width=width, digits=digits)
            charts.chart(col, fig, key=f"{key}_panel{start}_{title[:6]}")
    return channel


def plane(values: np.ndarray, channel: int) -> np.ndarray:
    """One channel of a (H, W, C) array; a 2-D array as it is."""
    return values[:, :, channel] if values.ndim == 3 else values


def shape_text(shape: tuple[int, ...]) -> str:
    """(5, 5, 3) → '5 × 5 × 3'."""
    return " × ".join(str(n) for n in shape)


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

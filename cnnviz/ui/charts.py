"""Place a grid or a chart on the page: the app's map element, or a Plotly chart.

:func:`cnnviz.plots.figures.grid_figure` and
:func:`~cnnviz.plots.figures.image_figure` return a
:class:`~cnnviz.plots.figures.Picture` for every grid, with its numbers when
it is small; charts (loss curves, probabilities) are Plotly figures.
:func:`chart` places either, so a page need not know which::

    from cnnviz.ui import cached, charts

    charts.chart(col, cached.grid_figure(z, title="Feature map"), key="pg_z")

Why the map element (``static/mapview.js``): Streamlit's Plotly chart costs
the browser 40 to 100 ms on every rerun that changes it (and 2.3 s for
Plotly's script on the first one of a session); the element draws the
grid's PNG and numbers on a canvas in a few ms, with the same title,
subtitle, colour bar, outlines and read-out (``bench/rerun_latency.py``
measures both). ``on_pick`` makes a grid's cells clickable.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from cnnviz.plots.figures import Picture

from . import served

__all__ = ["chart", "pick_into", "pick_row_into", "picked", "svg"]

_STATIC = Path(__file__).with_name("static")
# Registered once at import, like the animator. Not style-isolated: its classes
# are prefixed ("cm-"), and pages, tests and the benchmark find it by test id.
# Its script and style (51 KB) are served once per browser (cnnviz.ui.served), not
# sent inside every map: a page of 21 maps sent them 21 times.
_map = st.components.v2.component(
    # The slot is in the page as soon as the element is, before its script has run:
    # bench/rerun_latency.py waits until every slot holds a drawn map.
    "cnnviz_map", html='<span hidden data-cnnviz-slot="map"></span>',
    js=served.script("mapview", (_STATIC / "mapview.js").read_text(encoding="utf-8"),
                     css=(_STATIC / "mapview.css").read_text(encoding="utf-8")),
    isolate_styles=False)


def chart(where: Any, fig: Any, *, key: str,
          on_pick: Callable[[int, int], None] | None = None, **kwargs: Any) -> None:
    """Place ``fig`` in ``where`` (``st``, a column, a container) under ``key``.

    A :class:`~cnnviz.plots.figures.Picture` goes to the map element (as tall
    as the picture it draws, at most its ``height``); SVG text the app drew
    (:mod:`cnnviz.plots.svgcharts`) to :func:`svg`; anything else to
    ``where.plotly_chart(fig, key=key, **kwargs)``.

    ``on_pick(row, col)``, for a picture: a click on a cell (or Enter on the
    keyboard's cell) calls it before the rerun it starts, as a widget's
    ``on_change`` would; it typically sets the widgets that choose that cell.
    """
    if isinstance(fig, str):  # an SVG chart the app drew (cnnviz.plots.svgcharts)
        svg(where, fig, key=key)
        return
    if isinstance(fig, Picture):
        data = fig.pack(pick=on_pick is not None)
        # "content": the element takes the picture's height, at most meta["height"].
        with _inside(where):
            if on_pick is None:
                _map(key=key, data=data, height="content")
            else:
                _map(key=key, data=data, height="content",
                     on_pick_change=lambda: picked(key, on_pick))
    else:
        where.plotly_chart(fig, key=key, **kwargs)


def picked(key: str, on_pick: Callable[[int, int], None]) -> None:
    """Hand the cell the map element ``key`` reported (its trigger "pick") to ``on_pick``.

    The browser sends ``[row, col]``; anything else (no value, a stale or
    malformed one) is ignored rather than raised: a click is no place for a traceback.
    """
    state = st.session_state.get(key)
    value = state.get("pick") if hasattr(state, "get") else getattr(state, "pick", None)
    try:
        row, col = (int(v) for v in value)
    except (TypeError, ValueError):
        return
    if row >= 0 and col >= 0:
        on_pick(row, col)


def pick_into(row_key: str, col_key: str) -> Callable[[int, int], None]:
    """An ``on_pick`` that sets the two number inputs choosing a cell (their session keys).

    The picked cell is one of the grid's own cells, so it lies inside the
    inputs' bounds wherever the inputs can reach every cell of that grid (the
    pages' inputs go to 63 or 4096; their grids are at most 16 and 1024 a side).
    """

    def pick(row: int, col: int) -> None:
        st.session_state[row_key] = row
        st.session_state[col_key] = col

    return pick


def pick_row_into(row_key: str, col_key: str,
                  cell_of: Callable[[int], tuple[int, int] | None]) -> Callable[[int, int], None]:
    """An ``on_pick`` for a matrix whose rows are output cells (W, im2col): the picked row
    goes through ``cell_of`` (row → (r, c), or None for a row that is none) into the two
    number inputs, as :func:`pick_into` does."""
    into = pick_into(row_key, col_key)

    def pick(row: int, _col: int) -> None:
        cell = cell_of(row)
        if cell is not None:
            into(*cell)

    return pick


def _inside(where: Any) -> contextlib.AbstractContextManager:
    """``where`` as a context for a component call: a column or container, or the
    page itself for ``st`` (the module is no context manager)."""
    return contextlib.nullcontext() if where is st else where


# An SVG drawn as it is: st.html strips SVG (DOMPurify), and st.markdown would
# parse a redrawn histogram's 8 KB as Markdown on every rerun.
_svg = st.components.v2.component(
    "cnnviz_svg", html="<span hidden></span>", isolate_styles=False,
    js="export default function ({ data, parentElement }) {"
       " parentElement.innerHTML = data.svg; }")


def svg(where: Any, text: str, *, key: str) -> None:
    """Place an SVG the app made (``cnnviz.plots.histogram.histogram_svg``,
    :mod:`cnnviz.plots.svgcharts`) in ``where``.

    Only for SVG text generated by the app, with every user string escaped: it
    goes into the page as it is.
    """
    with _inside(where):
        _svg(key=key, data={"svg": text}, height="content")

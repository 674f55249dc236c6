"""Place a grid on the page: a Plotly chart, or the app's map element for a big map.

:func:`cnnviz.plots.figures.grid_figure` and
:func:`~cnnviz.plots.figures.image_figure` return a Plotly figure for a grid
with numbers and a :class:`~cnnviz.plots.figures.Picture` for a grid too big
for them. :func:`chart` places either, so a page need not know which::

    from cnnviz.ui import cached, charts

    charts.chart(col, cached.grid_figure(z, title="Feature map"), key="pg_z")

Why the map element (``static/mapview.js``): Streamlit's Plotly chart costs
the browser 40 to 100 ms on every rerun that changes it; the element draws
the map's PNG on a canvas in a few ms, with the same title, subtitle, colour
bar, outlines and read-out (``bench/rerun_latency.py`` measures both).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from cnnviz.plots.figures import Picture

__all__ = ["chart"]

_STATIC = Path(__file__).with_name("static")
# Registered once at import, like the animator. Not style-isolated: its classes
# are prefixed ("cm-"), and pages, tests and the benchmark find it by test id.
_map = st.components.v2.component(
    "cnnviz_map", html="<span hidden></span>",
    css=(_STATIC / "mapview.css").read_text(encoding="utf-8"),
    js=(_STATIC / "mapview.js").read_text(encoding="utf-8"), isolate_styles=False)


def chart(where: Any, fig: Any, *, key: str, **kwargs: Any) -> None:
    """Place ``fig`` in ``where`` (``st``, a column, a container) under ``key``.

    A :class:`~cnnviz.plots.figures.Picture` goes to the map element at its
    own height; anything else to ``where.plotly_chart(fig, key=key, **kwargs)``.
    """
    if isinstance(fig, Picture):
        if where is st:
            _map(key=key, data=fig.data, height=fig.data["height"])
        else:
            with where:
                _map(key=key, data=fig.data, height=fig.data["height"])
    else:
        where.plotly_chart(fig, key=key, **kwargs)

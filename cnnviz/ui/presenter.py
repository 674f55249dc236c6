"""Presenter mode: one switch, kept in the link (``?present=true``), that fits a projector.

At 1280 × 720 the app's first screen should hold a page's grids and its
essential controls. The switch (sidebar, every page) does four things:

- :func:`switch` injects :file:`static/presenter.css` (larger type, a narrow
  sidebar, little padding, dark text instead of grey captions);
- :func:`on` tells the rest of the UI: :func:`cnnviz.ui.show.intro` leaves the
  pages' introductions out, :mod:`cnnviz.ui.cached` builds the grid figures
  at projector size (:func:`cnnviz.plots.figures.grid_figure` with
  ``present=True``: taller, larger numbers, see
  :data:`cnnviz.plots.display.NUMBER_FIT`), the step-by-step animation gets
  larger cells and its keyboard shortcuts on screen;
- Step by step puts its settings below the animation, the Playground gives
  the maps more of the width.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from . import state as k

__all__ = ["CSS", "ROW", "first_section", "on", "ordered_boxes", "share_row", "switch"]

#: The page's row in presenter mode at 1280 × 720 (px): the window less the narrow sidebar
#: (232 px), the page's padding, a scrollbar (15 px) and two small column gaps (17 px).
ROW = 955

CSS = (Path(__file__).with_name("static") / "presenter.css").read_text(encoding="utf-8")


def on() -> bool:
    """Whether presenter mode is on in this session."""
    return bool(st.session_state.get(k.PRESENT, False))


def switch() -> bool:
    """The sidebar switch (in the link) and, when on, the mode's CSS; returns whether it is on."""
    present = st.sidebar.toggle(
        "Presenter mode", key=k.PRESENT, **k.LINK,
        help="For a projector at 1280 × 720: large type and cells, intros hidden, the "
             "settings below the results, the keyboard shortcuts on screen.")
    if present:
        # A <style> alone takes no room on the page.
        st.html(f"<style>{CSS}</style>")
    return bool(present)



def share_row(needs: list[int]) -> list:
    """``st.columns`` in proportion to the widths (px) the row's parts need.

    A grid's need is :func:`cnnviz.plots.figures.numbers_width`: its numbers at the
    presenter's size (NUMBER_FIT's one rule). While the needs add up to :data:`ROW`
    or less, every part gets at least its need.
    """
    return st.columns([max(1, int(n)) for n in needs], gap="small")


def first_section(key: str, sections: tuple[str, ...]) -> int:
    """Which of a page's sections comes first (in the link under ``key``); its index.

    A lecture example names its key result's section (e.g. ``shp_first=network``), so
    that result is on the first screen at 1280 × 720; the page builds its sections in
    ``st.container()`` boxes in this order.
    """
    name = st.radio("Show first", sections, key=key, horizontal=True, **k.LINK,
                    help="Put one section at the top, for one screen on a projector.")
    return sections.index(name)


def ordered_boxes(first: int, default: list[int], places: list | None = None) -> dict:
    """A box per section (``places``, else new ``st.container()``s), in ``default`` order
    with ``first`` on top: ``{section: box}``."""
    order = [first] + [i for i in default if i != first]
    return dict(zip(order, places or [st.container() for _ in order], strict=True))

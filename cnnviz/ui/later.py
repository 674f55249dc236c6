"""What lies below a page's first screen, drawn after that screen: first visits show sooner.

A browser's first visit pays for every element of a page on its busy main thread
(10 to 20 ms each: Colour volumes has 73 below the first screen of 84). So a
long page calls :func:`fold` where its first screen ends (a section's start that
lies below the screen at 1280 × 720 and at 1400 × 1000)::

    show.shape_formulas(geom)
    later.fold(height=900)  # the sections below: drawn after the first screen
    st.header("Dilation: spreading the taps")

In the **first run of a browser's session** the page ends there, as
:func:`cnnviz.ui.show.stop` ends it, with one light element in place of the rest
(a line saying the rest is on its way, about as tall as the rest, so the scroll
bar barely moves). Once the browser has drawn the first screen, that element
(``static/later.js``) sets its trigger, and the rerun draws the whole page,
exactly as it is drawn without a fold.

- **Every later run draws everything at once**: a rerun, a page switch, a
  class's follow. Only the session's first run pays for the booting frontend and
  every element on a busy main thread; after it the app is loaded, and a page
  switch stays one run, as before (no placeholder, no second rerun, nothing new
  for Back and the class mode's page switches to get wrong).
- **No setting of the link is lost**: the link's values that the first run did
  not reach (a widget below the fold, bound to the address; a value the page
  reads by hand) stay in the address and are read in the next run
  (:func:`cnnviz.ui.links.hold`).
- **Inside a fragment** (a ``show.fragment``, such as the Playground's workbench)
  the element's trigger would rerun the fragment alone; its callback asks for a
  run of the whole app instead, so that the link's held values are checked
  (a value no page knows is still named) in the run that draws the rest.
- **Only a browser** defers: the session's first request names it (its
  ``User-Agent`` starts with ``Mozilla/``, as every browser's does). AppTest
  sends no headers, and the benchmarks' protocol clients name themselves, so
  they get whole pages from the first run, as before.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from . import links, show

__all__ = ["PLACEHOLDER_TEXT", "browser", "fold"]

#: What the stand-in says, on screen and to a screen reader, until the rest is drawn.
PLACEHOLDER_TEXT = "The rest of this page is on its way…"

# Registered once at import, like the animator. Its own HTML is the stand-in; not
# style-isolated, so that pages, tests and the benchmark find it by its attribute.
_later = st.components.v2.component(
    "cnnviz_later",
    html=('<div data-cnnviz-later role="status" aria-busy="true" '
          f'style="opacity: 0.6; font-size: 0.875rem;">{PLACEHOLDER_TEXT}</div>'),
    js=(Path(__file__).with_name("static") / "later.js").read_text(encoding="utf-8"),
    isolate_styles=False)

_KEY = "cnnviz_later"


def browser() -> bool:
    """Whether this session's page runs in a browser (its first request's ``User-Agent``)."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # noqa: BLE001 - no request behind this run: not a browser
        return False
    return agent.startswith("Mozilla/")


def _drawn() -> None:
    """The trigger's callback: a run of the whole app, also for a fold inside a fragment
    (a widget's callback that calls ``st.rerun()`` makes its interaction a full-app rerun),
    so that ``app.py`` checks the link's held values (:func:`cnnviz.ui.links.finish`)."""
    st.rerun()


def fold(*, when: bool = True, height: int = 600) -> None:
    """Everything the page draws after this call comes after its first screen.

    In the first run of a browser's session (and ``when``), draw the stand-in,
    ``height`` px tall at least (about what it stands for), and end the page
    here (:class:`cnnviz.ui.show.PageStop`); in any other run, return at once.
    Call it where a section that lies below the first screen begins, and only
    where nothing drawn above it depends on what is drawn after it; not inside a
    plain ``st.fragment``, which shows what is raised in it (``show.fragment`` is fine).
    """
    if not when or not links.first_run() or not browser():
        return
    links.hold()
    _later(key=_KEY, data={"height": int(height)}, height="content", on_drawn_change=_drawn)
    raise show.PageStop("")

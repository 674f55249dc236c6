"""The one place that touches Streamlit's internals: make every run go through ``app.py``.

Streamlit treats a ``pages/`` folder beside the main script as an old-style
multipage app until the first ``st.navigation`` call in the server process.
So the first visits after a server start (thirty at once in a classroom, some
on deep links such as ``/animation?src=Pattern``) would run ``app.py`` or a
page script on its own: no router, no wide layout, a page list made from file
names. The product keeps ``pages/`` beside ``app.py``, so each run checks for
itself: if Streamlit's legacy runner (``_mpa_v1``) is on the call stack, it
switches that mode off and reruns on the same URL, now through the router.

``app.py`` and the first line of every page script call :func:`ensure_routed`;
nothing else does, and no other module touches Streamlit internals
(Streamlit is pinned to 1.67 in requirements.txt).
"""

from __future__ import annotations

import sys

import streamlit as st


def ensure_routed() -> None:
    """Rerun through ``app.py``'s ``st.navigation`` if Streamlit's legacy mode drives this run."""
    from streamlit.runtime.pages_manager import PagesManager

    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_mpa_v1":
            PagesManager.uses_pages_directory = False
            st.rerun()
        frame = frame.f_back

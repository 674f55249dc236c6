"""Lecture lists: the five lectures' worked examples in order, each one click and one link."""

import streamlit as st

from cnnviz.lessons import lectures
from cnnviz.ui import lectures as lecture_ui
from cnnviz.ui import presenter, router, show

router.ensure_routed()
st.title("Lecture lists")
show.intro(
    "Each lecture's worked examples, in the lecture's order. One click opens the page with the "
    "example's numbers and every setting it needs (nothing of the last example stays); the "
    "link is the example, so it can be shared or put on a slide. On an example's page, "
    "Previous and Next walk the list: PageDown and PageUp (a presentation clicker's keys) or "
    "Alt+→ and Alt+← do the same."
)
st.caption(f"{len(lectures.EXAMPLES)} worked examples in {len(lectures.LECTURES)} lectures.")
st.html(lecture_ui.list_html(present=presenter.on()))

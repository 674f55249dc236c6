"""Lecture lists: the five lectures' worked examples in order, each one click and one link."""

import functools

import streamlit as st

from cnnviz.lessons import lectures
from cnnviz.plots.handout import handout
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
base = lecture_ui.app_base()
with st.container(horizontal=True, gap="small"):
    st.download_button(
        "Handout: all five lectures (HTML)", functools.partial(handout, base=base),
        "cnnviz_handout.html", mime="text/html", key="handout_all", icon=":material/print:",
        help="One file to print (A4 or Letter) or share: the numbers in tables, the maps as "
             "pictures, a link to each example.")
    for number in lectures.LECTURES:
        st.download_button(f"Lecture {number}", functools.partial(handout, number, base=base),
                           f"cnnviz_lecture_{number}.html", mime="text/html",
                           key=f"handout_{number}", width="content")
st.html(lecture_ui.list_html(present=presenter.on()))

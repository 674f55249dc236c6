"""cnnviz: the router and the shared sidebar.

Run with ``streamlit run app.py``. Every page is a small script in ``pages/``;
the image source lives in the sidebar so that it is kept across pages, and
every setting that defines a view lives in the URL (see :mod:`cnnviz.ui.links`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from cnnviz.ui import links, presenter, router, show, views

HERE = Path(__file__).parent / "pages"

router.ensure_routed()
st.set_page_config(page_title="cnnviz: see how a convolution computes",
                   page_icon=str(Path(__file__).parent / "assets" / "favicon.png"), layout="wide")


def page(file: str, title: str, icon: str, **kwargs) -> st.Page:
    """One lesson: a script in pages/ with a Material icon (no emoji font needed)."""
    return st.Page(HERE / file, title=title, icon=f":material/{icon}:", **kwargs)


PAGES = {
    "Convolution": [
        page("playground.py", "Playground", "grid_on", default=True),
        page("animation.py", "Step by step", "play_circle"),
        page("colour.py", "Colour volumes and filter banks", "palette"),
        page("pooling.py", "Pooling", "compress"),
    ],
    "Networks": [
        page("shapes.py", "Shapes and parameters", "straighten"),
        page("receptive_field.py", "Receptive field", "center_focus_strong"),
    ],
    "Under the hood": [
        page("matrix.py", "Convolution as a matrix", "table_chart"),
        page("correlation.py", "Correlation vs convolution", "flip"),
        page("transposed.py", "Transposed convolution and dilation", "open_in_full"),
    ],
    "Learning": [
        page("learn_kernel.py", "Learn a kernel", "trending_down"),
        page("digits.py", "A small CNN on handwritten digits", "draw"),
    ],
}

page = st.navigation(PAGES)
views.receive({p.url_path: p for group in PAGES.values() for p in group})
links.start()
presenter.switch()
notices = st.container()  # above the page: where a bad link is reported
try:
    page.run()
except show.PageStop:
    pass  # the page said why it stopped; the link and its notices still follow
links.finish(notices)
views.sidebar(page.url_path)
st.sidebar.caption(":material/link: This page's address is a link to exactly this view: copy it "
                   "to share it, or reload without losing anything.")

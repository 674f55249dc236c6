"""cnnviz: the router and the shared sidebar.

Run with ``streamlit run app.py``. Every page is a small script in ``pages/``;
the image source lives in the sidebar so that it is kept across pages.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from cnnviz.ui import state

HERE = Path(__file__).parent / "pages"

st.set_page_config(page_title="cnnviz: see how a convolution computes", page_icon="🔍",
                   layout="wide")

PAGES = {
    "Convolution": [
        st.Page(HERE / "playground.py", title="Playground", icon="🧮", default=True),
    ],
}

state.keep()
page = st.navigation(PAGES)
page.run()

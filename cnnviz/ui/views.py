"""Save this view as a small JSON file, and load one back (sidebar, every page).

A view is its link (:mod:`cnnviz.ui.links`): the page and every setting in
the URL's query string, typed matrices and kernels included. The file
(:mod:`cnnviz.data.views`) holds them and the link itself. Loading a file is
opening its link: after :func:`cnnviz.data.views.read_view` has checked the
file (size, JSON, keys, page, text values), the browser goes to the link, so
every value passes the same parsers and refusals as a link typed into the
address bar (a refused one gets the link's notice, the rest is shown). A file
that fails the check changes nothing: the view stays as it was and a message
under the loader says what is wrong.

``app.py`` calls :func:`receive` before the page (a loaded file is acted on
before any widget is drawn) and :func:`sidebar` after :func:`links.finish`
(so the snapshot holds the link as this run left it).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import streamlit as st

from cnnviz.data.views import link_of, read_view, view_json

__all__ = ["receive", "refresh", "sidebar", "snapshot"]

UPLOAD = "view_upload"
_INCOMING = "_view_incoming"  # bytes of a file just chosen in the loader
_ERROR = "_view_error"
_GO = "_view_go"  # the link the browser is sent to
SNAPSHOT = "_view_snapshot"  # (page, params): this run's view, for tests
_HOLDER = "_view_holder"  # the view the download builds its file from

_go = st.components.v2.component(
    "cnnviz_open_view",
    html="<span></span>",
    # A full load of the link: a fresh session opens it as any shared link.
    js="export default function ({ data }) {\n"
       "  if (data && typeof data.url === 'string' && data.url) window.location.assign(data.url);\n"
       "}\n",
)


def _chosen() -> None:
    upload = st.session_state.get(UPLOAD)
    if upload is not None:
        st.session_state[_INCOMING] = upload.getvalue()


def receive(pages: Mapping[str, st.Page]) -> None:
    """Act on a view file chosen in the loader: check it, then send the browser to its link.

    ``pages`` maps each page's URL path ("" for the home page) to its page.
    """
    data = st.session_state.pop(_INCOMING, None)
    if data is None:
        return
    try:
        view = read_view(data, pages=list(pages))
    except ValueError as err:
        st.session_state[_ERROR] = f"This file was not loaded: {err}. The view is as it was."
        return
    st.session_state.pop(_ERROR, None)
    st.session_state[_GO] = link_of(view.page, view.params)


def snapshot(page: str) -> tuple[str, dict[str, str]]:
    """This view: the page's URL path and the settings its link carries now."""
    return page, dict(st.query_params.to_dict())


def refresh() -> None:
    """Bring the saved view up to date after a fragment's own rerun (:func:`show.fragment`).

    A widget inside a fragment reruns only the fragment, not ``app.py``'s
    sidebar, so the download drawn there would keep the link as it was.
    """
    holder = st.session_state.get(_HOLDER)
    if holder is not None:
        holder["params"] = dict(st.query_params.to_dict())
        st.session_state[SNAPSHOT] = (holder["page"], dict(holder["params"]))


def _view_file(holder: dict) -> bytes:
    """The view file, from the view as it is when the button is clicked.

    Runs on Streamlit's download thread, without the session: it reads the
    holder that this session's runs (and its fragments' runs) keep current.
    """
    page, params, base = holder["page"], dict(holder["params"]), holder.get("base")
    link = link_of(page, params)
    if base:  # the full address for a person reading the file, where Streamlit knows it
        link = base.split("?")[0] + link[len(page or "./"):]
    return view_json(page, params, link)


def sidebar(page: str) -> None:
    """The download of this view and the loader, at the bottom of the sidebar."""
    target = st.session_state.pop(_GO, None)
    if target is not None:
        st.sidebar.info(f"Opening the loaded view: `{target[:80]}`…")
        _go(key="view_go", data={"url": target}, height=0)
    path, params = snapshot(page)
    st.session_state[SNAPSHOT] = (path, params)
    base = getattr(st.context, "url", None)
    # One dict per session, the same object from run to run: the button's callable reads it.
    holder = st.session_state.setdefault(_HOLDER, {})
    holder.update(page=path, params=params,
                  base=base if isinstance(base, str) and base.startswith("http") else None)
    sb = st.sidebar
    sb.download_button(
        "This view (JSON)", functools.partial(_view_file, holder),
        "cnnviz_view.json", mime="application/json", key="dl_view", icon=":material/save:",
        help="The page and every setting of its link (matrices and kernels typed in included) "
             "and the link itself, as a small file to load back later.")
    sb.file_uploader("Load a view (JSON)", type=["json"], key=UPLOAD, on_change=_chosen,
                     help="A file saved with “This view (JSON)”: opens that page with its "
                          "settings, as its link would.")
    if _ERROR in st.session_state:
        sb.error(st.session_state[_ERROR], icon=":material/error:")

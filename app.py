"""cnnviz: the router and the shared sidebar.

Run with ``streamlit run app.py``. Every page is a small script in ``pages/``;
the image source lives in the sidebar so that it is kept across pages, and
every setting that defines a view lives in the URL (see :mod:`cnnviz.ui.links`).

This file is read twice. ``streamlit run`` first imports it (not as
``__main__``) to find a server app: that is :data:`app`, Streamlit's public
``st.App`` serving this very script, with a guard against deep paths that would
otherwise show a blank page. Then every session runs it as ``__main__``: the router.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from cnnviz.ui import router, warm

HERE = Path(__file__).parent / "pages"


def page(file: str, title: str, icon: str, **kwargs) -> Callable[[], st.Page]:
    """One lesson: a script in pages/ with a Material icon (no emoji font needed).

    Made when a session runs (:func:`main`), not when the server imports this file.
    """
    return functools.partial(st.Page, HERE / file, title=title, icon=f":material/{icon}:",
                             **kwargs)


PAGES = {
    "Convolution": [
        page("playground.py", "Playground", "grid_on", default=True),
        page("animation.py", "Step by step", "play_circle"),
        page("colour.py", "Colour volumes and filter banks", "palette"),
        page("pooling.py", "Pooling", "compress"),
        page("quiz.py", "Practice: predict, then reveal", "quiz"),
        page("compare.py", "Side by side", "compare"),
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
        page("own_network.py", "Your own network", "upload_file"),
    ],
    "Lectures": [
        page("lectures.py", "Lecture lists", "school"),
    ],
}


def main() -> None:
    """One run of a session: route to the page, check the link, show its notices."""
    # Not at import: the server imports this file first, before any session.
    from cnnviz.ui import classroom, lectures, links, presenter, share, show, sources, views
    from cnnviz.ui.animator import hold_keys, keys_done
    router.ensure_routed()
    st.set_page_config(page_title="cnnviz: see how a convolution computes",
                       page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
                       layout="wide")
    lessons = {section: [make() for make in group] for section, group in PAGES.items()}
    current = st.navigation(lessons)
    views.receive({p.url_path: p for group in lessons.values() for p in group})
    # The first switch away from an opened link must keep the image source (Streamlit drops it)
    links.carry(current, sources.CARRIED, sources.KEPT, skip=classroom.following())
    links.start(current.url_path)
    pages = {p.url_path: p for group in lessons.values() for p in group}
    classroom.before_page(current.url_path, pages)  # class mode: join, follow the teacher
    sources.open_link()  # a lecture matrix in the link brings its settings
    presenter.switch()
    share.copy_link()  # the address is the view: a visible way to copy it
    # The app's styles, the history rule (one Back press per view), the typed-number guard,
    # the chart names and the key keeper are in every page's HTML (cnnviz/ui/head.py)
    # Step by step in presenter mode: a clicker's keys pressed before the animation is there
    hold_keys(presenter.on() and current.url_path == "animation")
    notices = st.container()  # above the page: where a bad link is reported
    # a lecture list's example: its place, Previous / Next (a following student: the place)
    lectures.banner(current.url_path, lead=not classroom.following())
    room_bar = st.container()  # class mode: the room's bar and question, above the page
    stopped = None
    show.take_stop()  # a reason left by a fragment's own rerun is not this run's
    try:
        current.run()
    except show.PageStop as stop:  # the page said why; the link and its notices still follow
        stopped = stop.why or "the page's message says why"
    stopped = stopped or show.take_stop()  # a fragment that stopped says why too
    links.finish(notices, stopped=stopped)
    links.note_carried(current, sources.CARRIED, sources.KEPT)
    keys_done()  # held keys no animation took go back to the page (a run that drew none)
    classroom.after_page(room_bar, current.url_path, pages)
    views.sidebar(current.url_path)
    st.sidebar.caption(":material/link: This page's address is a link to exactly this view: "
                       "copy it to share it, or reload without losing anything.")


if __name__ == "__main__":
    main()
else:  # imported by `streamlit run app.py`: the server, with this file as its script
    from cnnviz.ui import class_push, head, served

    app = st.App(__file__, middleware=[Middleware(router.NoSuchPage),
                                       Middleware(head.PageHead)],  # every page's own head
                 on_script_error=router.unexpected_error,
                 lifespan=warm.lifespan,  # the digits page's one-off work, before any visitor
                 routes=class_push.routes()  # class mode's push route (server-sent events)
                 + served.routes())  # the big component scripts, fetched once, not in every element

"""Lecture lists in the app: which example a page shows, Previous / Next, the list itself.

An example is opened by its link (:func:`cnnviz.lessons.lectures.href`): the
page, the example's settings and ``ex=<id>``. A link opens as a fresh page, so
the example's settings are applied exactly as any shared link's are
(:mod:`cnnviz.ui.links`), and nothing of the last example leaks into it.
``ex`` stays in the link while its page is shown, so a reload or a copied link
keeps the place in the list; on another page it is dropped.
"""

from __future__ import annotations

import contextlib
import html
from pathlib import Path

import streamlit as st

from cnnviz.lessons import lectures

from . import links, presenter

__all__ = ["banner", "current", "list_html", "shown"]

LIST_PAGE = "lectures"
_CURRENT = "_lecture_example"  # the id of the example this session's page shows
_STATIC = Path(__file__).with_name("static")
_nav = st.components.v2.component(
    "cnnviz_lecture_nav", html="<span hidden></span>",
    css=(_STATIC / "lecturenav.css").read_text(encoding="utf-8"),
    js=(_STATIC / "lecturenav.js").read_text(encoding="utf-8"), isolate_styles=False)


def _parse(text: str) -> str:
    return lectures.find(text).id


def current(page: str) -> lectures.Step | None:
    """The example shown on ``page`` (its url path; "" is the Playground), if any.

    Read from the link when a session opens it; kept in the link while its page
    is shown; forgotten on any other page.
    """
    linked = links.linked(lectures.PARAM, _parse)
    if linked is not None:
        st.session_state[_CURRENT] = linked
    example_id = st.session_state.get(_CURRENT)
    if example_id is None:
        return None
    step = lectures.find(example_id)
    if (step.page == "playground" and page != "") or (step.page != "playground"
                                                       and step.page != page):
        del st.session_state[_CURRENT]
        return None
    links.put(lectures.PARAM, step.id)
    return step


def shown() -> bool:
    """Whether this run's page shows a lecture list's example.

    Returns
    -------
    bool
        True when the session's example belongs to this page.

    Notes
    -----
    It reads what :func:`current` left in the session, so it is true only after
    :func:`banner` (which calls it) ran in this run: ``app.py`` runs the banner above
    every page, before the page's script, and that is when the example of another
    page is forgotten. A page's script may call it; nothing that runs before the
    banner may.
    """
    return st.session_state.get(_CURRENT) is not None


def _lecture_of(step: lectures.Step) -> lectures.Lecture:
    return lectures.LECTURES[step.id.split(".")[0]]


def position(step: lectures.Step) -> str:
    """Where ``step`` sits: "Lecture 002 · 1 of 6" (a further step: "1a of 6").

    >>> position(lectures.find("002.1a"))
    'Lecture 002 · 1a of 6'
    """
    lecture = _lecture_of(step)
    return f"Lecture {lecture.number} · {step.id.split('.')[1]} of {len(lecture.examples)}"


def banner(page: str, *, lead: bool = True) -> lectures.Step | None:
    """Above the page: the example's place, its title and note, Previous / Next.

    ``lead``: False for a student following the teacher in class mode, who sees where the
    teacher is in the list but does not walk it (Previous / Next and their keys would
    only reload the page onto the teacher's item again).
    """
    step = current(page)
    if step is None:
        return None
    if not lead:
        with st.container(key="lecture_banner"):
            st.markdown(f"**{position(step)}: {step.title}**")
            st.caption((step.note + " · " if step.note else "")
                       + "The teacher moves through the list; your page follows.")
        return step
    present = presenter.on()
    prev_id, next_id = lectures.neighbours(step.id)

    def item(example_id: str | None) -> dict | None:
        if example_id is None:
            return None
        other = lectures.find(example_id)
        return {"href": lectures.href(other, present=present),
                "title": f"{other.id} {other.title}"}

    list_href = f"{LIST_PAGE}?present=true" if present else LIST_PAGE
    with st.container(key="lecture_banner"):
        # Presenter mode: the title and Previous / Next on one line, to leave the screen to
        # the example.
        text, nav = st.columns([3, 2], vertical_alignment="center") if present else (st, st)
        text.markdown(f"**{position(step)}: {step.title}**")
        if step.note:
            text.caption(step.note)
        with nav if present else contextlib.nullcontext():
            _nav(key="lecture_nav", data={"prev": item(prev_id), "next": item(next_id),
                                          "position": "All examples", "list": list_href},
                 height="content")
    return step


def app_base() -> str:
    """The app's address up to its pages ("http://host:8501/"), for links in a handout.

    Empty when the address is unknown (a test): the links are then relative.
    """
    url = st.context.url or ""
    if not url.startswith(("http://", "https://")):
        return ""
    return url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[0] + "/"


def list_html(*, present: bool = False) -> str:
    """The five lectures as ordered lists of links, one per example (and further step)."""
    parts = []
    for lecture in lectures.LECTURES.values():
        parts.append(f'<section class="ln-lecture"><h3>Lecture {lecture.number}: '
                     f"{html.escape(lecture.title)}</h3>"
                     f'<p class="ln-source">{html.escape(lecture.source)}</p><ol>')
        for example in lecture.examples:
            sub = "".join(
                f'<li><a href="{html.escape(lectures.href(s, present=present))}">'
                f"{html.escape(s.title)}</a></li>" for s in example.further)
            parts.append(
                f'<li value="{example.number}"><a href="'
                f'{html.escape(lectures.href(example, present=present))}">'
                f"{html.escape(example.title)}</a>"
                + (f"<ul>{sub}</ul>" if sub else "") + "</li>")
        parts.append("</ol></section>")
    return "".join(parts)

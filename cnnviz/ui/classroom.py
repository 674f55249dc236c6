"""Class mode: a teacher leads a room, the students' pages follow, the room answers live.

``app.py`` calls three functions around the page:

- :func:`before_page` (after :func:`cnnviz.ui.links.start`, before any widget):
  joins a room from ``?room=CODE``, restores a reloaded tab's place, and for a
  following student applies the teacher's newer view. Applying is opening the
  teacher's link in this session: the session's view state is dropped (what
  the class keys, the student's own upload and scores hold is kept), the
  teacher's widget values are set, the manual link values go through
  :func:`cnnviz.ui.links.reopen` (so they pass the same checks as any link),
  and :func:`st.switch_page` moves to the teacher's page when it differs.
- :func:`after_page`: the teacher's view is published when it changed; the
  room's bar above the page (follow/break away, the open question, pause),
  the teacher's join screen; the listener component.
- :func:`sidebar`: Start a class, join by code, the teacher's controls.

Who leads: the teacher key (128 bits) lives in the teacher's session and in
the tab's ``sessionStorage`` (so a reload keeps control, see
``static/classroom.js``); it is never in a link, the QR code, the published
view or anything drawn, except the "teacher link" shown on request. Every
teacher action is checked by the store against the key's digest
(:mod:`cnnviz.data.rooms`). A student's session only reads the room, and
writes only its own nickname and answer.

How followers wake: see :mod:`cnnviz.ui.class_push` (server-sent events).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import json
import os
import socket
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import numpy as np
import streamlit as st
from streamlit.errors import StreamlitAPIException

from cnnviz.core.kernels import KERNELS
from cnnviz.core.text import format_number
from cnnviz.core.trace import ConvTrace
from cnnviz.data import rooms
from cnnviz.lessons import lectures as lecture_lists
from cnnviz.lessons import quiz as quiz_lesson
from cnnviz.plots.figures import grids_figure

from . import charts, class_push, lectures, links, predict, presenter, sources, stepper
from . import quiz as quiz_ui
from . import state as k

__all__ = ["after_page", "before_page", "sidebar"]

ROOM = "room"  # the join link's query value: the code, nothing else
TEACH = "teach"  # the teacher link's value (shown on request only): code.key

CODE, ROLE, KEY, SID, NAME = "_class_code", "_class_role", "_class_key", "_class_sid", "_class_name"
FOLLOW, APPLIED, VIEW, RECALL = "_class_follow", "_class_applied", "_class_view", "_class_recall"
TRIES, PUBLISHED, DOWN, NOTE = "_class_tries", "_class_published", "_class_down", "_class_note"
SEEN = "_class_seen"  # the room as this run read it (a Room), for the panels after the page
RESULT = "_class_result"  # qid -> what this student's last answer got
JOIN_ERROR = "_class_join_error"
IMAGE_SENT = "_class_image_sent"  # the digest of the teacher's upload the room has
MEMORY = "_class_memory"  # what the tab keeps for a reload, sent once after it changes
ADDRESS = "_class_address"  # a follow applied this run: the link the address bar must show
NAMES = "_class_names"  # every name the teacher's link has had in this class
NAME_SHOWN = "_class_name_shown"  # the nickname the box was last set to
SLOT = "_class_slot"  # this run's place for the Class box in the sidebar
DEFAULTS = "_class_defaults"  # name -> the value a widget had where no link set it (_apply)
RESET = "_class_reset"  # values to set again after a follow's page switch (see _apply)
LEARN = "_class_learn"  # names whose defaults the switch's run reads (see _apply)
FRESH = "_class_fresh"  # the id a link's room=CODE gave this session, until the tab's own is known
STALLED = "_class_stalled"  # the browser cannot hear the push route now (its listener says)

#: Session keys an applied view keeps (everything else is view state, dropped).
KEEP_PREFIXES = ("_class", "class_", "_upload_kept", "_quiz_score", "_predict_score",
                 "cnn_model", *links.SESSION_KEYS)
#: Settings that stay each person's own: presenter mode is the projector's.
OWN = frozenset({"present", ROOM, TEACH, "nopage"})
#: Wrong codes a session may try in :data:`TRY_WINDOW` seconds.
MAX_TRIES, TRY_WINDOW = 5, 600.0

_STATIC = Path(__file__).with_name("static")
_listener = st.components.v2.component(
    "cnnviz_class", html="<span hidden></span>",
    js=(_STATIC / "classroom.js").read_text(encoding="utf-8"))


def _noop() -> None:
    """Trigger callbacks: v2 returns only the triggers that have one; the rerun is the point."""


def _stalled_changed() -> None:
    """The listener says whether it hears the push route (a callback: before the bar)."""
    state = st.session_state.get("class_listener")
    stalled = state.get("stalled") if isinstance(state, Mapping) else None
    st.session_state[STALLED] = stalled is True


def store() -> rooms.RoomStore:
    """This server's room store (one per process, shared with the push route)."""
    return class_push.shared_store()


def role() -> str | None:
    """"teacher", "student" or None (alone)."""
    return st.session_state.get(ROLE)


def following() -> bool:
    """Whether this session is a student following the teacher (pages put what the teacher
    shows first: on a phone, the settings fold away below it)."""
    return role() == "student" and bool(st.session_state.get(FOLLOW))


def _leave(message: str | None = None) -> None:
    for key in (CODE, ROLE, KEY, SID, NAME, FOLLOW, APPLIED, VIEW, RECALL, PUBLISHED, DOWN, SEEN,
                STALLED):
        st.session_state.pop(key, None)
    st.session_state[MEMORY] = {"forget": True}
    if message:
        st.session_state[NOTE] = message
    if ROOM in st.query_params:
        del st.query_params[ROOM]


def _remember() -> None:
    """What this tab keeps for a reload (sessionStorage, via the listener)."""
    if role() == "teacher":
        saved = {"code": st.session_state[CODE], "key": st.session_state[KEY]}
    else:
        saved = {"code": st.session_state[CODE], "sid": st.session_state[SID],
                 "name": st.session_state[NAME],
                 "follow": bool(st.session_state.get(FOLLOW, True))}
    st.session_state[MEMORY] = {"remember": json.dumps(saved)}


# --- joining, starting, restoring ------------------------------------------------------------


def _tries_left() -> int:
    now = time.time()
    tries = [t for t in st.session_state.get(TRIES, []) if now - t < TRY_WINDOW]
    st.session_state[TRIES] = tries
    return MAX_TRIES - len(tries)


def join(text: str, *, sid: str | None = None, name: str | None = None,
         follow: bool = True) -> str | None:
    """Join the room with code ``text``; returns a message saying why not, or None.

    ``follow``: whether the page follows the teacher (a reloaded tab keeps its choice).
    """
    if _tries_left() <= 0:
        return ("Too many wrong codes: wait a few minutes, then type the code from the board "
                "again.")
    try:
        code = rooms.clean_code(text)
    except ValueError as err:
        st.session_state[TRIES].append(time.time())
        return f"That is not a class code: {err}."
    sid = sid or rooms.secrets.token_hex(8)
    name = rooms.clean_text(name, rooms.MAX_NICKNAME) or rooms.nickname()
    try:
        status = store().join(code, sid, name)
    except rooms.StoreDown:
        return "The class cannot be reached right now; you are working on your own. Try again."
    if status == "gone":
        st.session_state[TRIES].append(time.time())
        return (f"There is no class {code} now: it ended, expired, or the code is mistyped. "
                "The app works on its own meanwhile.")
    if status == "full":
        return f"Class {code} is full ({rooms.MAX_STUDENTS} students). The app works on its own."
    st.session_state.update({CODE: code, ROLE: "student", SID: sid, NAME: name,
                             FOLLOW: bool(follow), APPLIED: 0, RECALL: None})
    st.session_state.pop(VIEW, None)
    _remember()
    return None


def _join_typed() -> None:
    """The Join button: the typed code (a callback, so the page already follows)."""
    message = join(st.session_state.get("class_code_in") or "")
    if message:
        st.session_state[JOIN_ERROR] = message


def start_class() -> None:
    """Start a class: a room led by a fresh key kept in this session (a button callback)."""
    key = rooms.new_key()
    try:
        code = store().create(key)
    except rooms.StoreDown:
        st.session_state[NOTE] = "The class could not be started: the store is unreachable."
        return
    st.session_state.update({CODE: code, ROLE: "teacher", KEY: key, "class_show_join": True})
    st.session_state.pop(PUBLISHED, None)
    _remember()


def _restore(saved: str) -> None:
    """A reloaded tab's place, from its sessionStorage (checked against the store)."""
    try:
        data = json.loads(saved)
        code = rooms.clean_code(str(data.get("code", "")))
    except (ValueError, TypeError, AttributeError):
        return
    fresh = st.session_state.pop(FRESH, None)
    if fresh is not None:
        if code != st.session_state.get(CODE) or str(data.get("sid")) == fresh:
            return  # the link names another class (the link wins), or this is the tab's own
        # This tab had joined before the reload: it comes back as itself, and the id the
        # link gave this session leaves the room (it answered nothing yet).
        with contextlib.suppress(rooms.StoreDown):
            store().leave(code, fresh)
    if "key" in data:
        key = str(data["key"])[:64]
        try:
            ok = store().is_teacher(code, key)
        except rooms.StoreDown:
            ok = False
        if ok:
            st.session_state.update({CODE: code, ROLE: "teacher", KEY: key})
        else:
            st.session_state[MEMORY] = {"forget": True}
        return
    sid = str(data.get("sid", ""))[:32]
    if sid.isalnum() and sid != st.session_state.get(SID):
        message = join(code, sid=sid, name=str(data.get("name", "")),
                       follow=data.get("follow") is not False)
        if message:
            st.session_state[MEMORY] = {"forget": True}


def _teacher_link(code: str, key: str) -> str:
    return f"{public_base()}/?{urlencode({TEACH: f'{code}.{key}'})}"


def _take_teacher_link(text: str) -> None:
    code, _, key = text.partition(".")
    try:
        code = rooms.clean_code(code)
        ok = store().is_teacher(code, key)
    except (ValueError, rooms.StoreDown):
        ok = False
    if ok:
        st.session_state.update({CODE: code, ROLE: "teacher", KEY: key})
        _remember()
    else:
        st.session_state[NOTE] = "That teacher link does not lead a class now."


# --- the join address --------------------------------------------------------------------------


def lan_address() -> str | None:
    """This machine's address on the local network (no packet is sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def public_base() -> str:
    """The app's address for students: ``CNNVIZ_PUBLIC_URL``, else the LAN address."""
    chosen = os.environ.get("CNNVIZ_PUBLIC_URL", "").strip().rstrip("/")
    if chosen:
        return chosen
    port = st.get_option("server.port") or 8501
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    host = lan_address() or "localhost"
    return f"http://{host}:{port}" + (f"/{base}" if base else "")


def join_link(code: str) -> str:
    """The students' link: the app's public address with ``?room=CODE`` and nothing else."""
    return f"{public_base()}/?{ROOM}={code}"


def qr_png(text: str, *, scale: int) -> bytes:
    """A QR code of ``text`` as PNG bytes (segno, pure Python)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=3)
    return out.getvalue()


# --- following -----------------------------------------------------------------------------


def _view_now(page: str) -> dict:
    """The teacher's view: the page, its link's values, and the values the widgets hold (typed)
    for every name the teacher's link has had in this class, without what stays each
    person's own.

    Any name is carried (no list of known names: a new setting follows as it is). The
    values of names the link no longer shows are their defaults now: a follower's widget
    is set back to them, which the browser then shows (a dropped value would not reach it).
    """
    query = {n: v for n, v in st.query_params.to_dict().items() if n not in OWN}
    names = st.session_state.setdefault(NAMES, set())
    if not names:  # a reloaded tab (Next in a lecture list): the names the room's view had
        room = st.session_state.get(SEEN)
        if isinstance(room, rooms.Room):
            names.update(str(n) for n in room.view.get("values", {}))
    names.update(query)
    while len(names) > links.MAX_PARAMS * 4:  # bounded, whatever links the teacher opens
        names.pop()
    values = {}
    for name in sorted(names):
        if name in st.session_state:
            value = st.session_state[name]
            if isinstance(value, bool | int | float | str):
                values[name] = value
    view = {"page": page, "query": query, "values": values}
    kept = st.session_state.get(sources.UPLOAD_KEPT)
    if query.get(k.SOURCE) == "Upload" and kept is not None:
        view["image"] = hashlib.sha256(kept[1]).hexdigest()[:32]
    return view


def _apply(view: Mapping[str, Any], current: str, pages: Mapping[str, Any], code: str) -> None:
    """Open the teacher's ``view`` in this session (see the module's docstring)."""
    page = view.get("page")
    if page not in pages:
        return
    query = {str(n): str(v)[: links.MAX_VALUE_CHARS] for n, v in view.get("query", {}).items()
             if isinstance(n, str) and n not in OWN}
    values = {n: v for n, v in view.get("values", {}).items()
              if isinstance(n, str) and n not in OWN and not n.startswith(KEEP_PREFIXES)
              and isinstance(v, bool | int | float | str)}
    # A value of this student's own link that the teacher's view does not set (a setting
    # changed while exploring alone): a widget whose value is dropped takes it back from the
    # address, and the browser keeps showing it. The teacher's value is the widget's
    # default, which an earlier follow saw (DEFAULTS, see _settle_address): it is set over
    # the student's, as a value the view sets, so the widget, the browser and the address
    # bar take it in this run, as in any follow. A widget no follow has seen yet (unknown)
    # is dropped, and the switch below opens the page from the teacher's address, where it
    # takes its default; that run reads it and sets it in one more run, so that the
    # browser's widget is told too (see _settle_address). No page is loaded afresh.
    stale = [n for n in st.query_params if n not in OWN and n not in values
             and n in st.session_state]
    seen = st.session_state.get(DEFAULTS, {})
    reset = {n: seen[n] for n in stale if n in seen}
    unknown = [n for n in stale if n not in seen]
    # Every other value of the view goes; a value the teacher's view sets is set over the
    # old one, not dropped first: Streamlit then sends it to the browser's widget and writes
    # it into the address bar itself.
    for key in list(st.session_state.keys()):
        if not key.startswith(KEEP_PREFIXES) and key not in values and key not in reset:
            try:
                del st.session_state[key]
            except Exception:  # noqa: BLE001, S112 - a widget drawn already this run
                continue
    # Values bound to widgets reach the URL through the widgets (session state below);
    # Streamlit refuses to set or drop such a query value directly, and says so.
    for name in list(st.query_params):
        if name not in query and name != ROOM:
            with contextlib.suppress(StreamlitAPIException):
                del st.query_params[name]
    bound = set()  # names a widget holds: they reach the URL through the widget
    for name, text in query.items():
        try:
            st.query_params[name] = text
        except StreamlitAPIException:
            bound.add(name)
    if st.query_params.get(ROOM) != code:
        st.query_params[ROOM] = code
    if view.get("image") and query.get(k.SOURCE) == "Upload":
        with contextlib.suppress(rooms.StoreDown):
            image = store().image(code)
            if image is not None:  # the teacher's upload, in place of this student's own
                st.session_state[sources.UPLOAD_KEPT] = image
    links.reopen({**query, ROOM: code})
    links.incoming(ROOM)  # the class's own value: not a setting the page must use
    for name, value in {**values, **reset}.items():
        st.session_state[name] = value
    # After the page: the address bar shows the teacher's link (see _settle_address).
    st.session_state[ADDRESS] = {**query, ROOM: code}
    if unknown:
        st.session_state[LEARN] = unknown
    if reset and page != current:
        # The switch's run sets them again: a value set before a switch reaches the widget,
        # but the browser is told only of a value set in the run that draws it.
        st.session_state[RESET] = reset
    if page != current or unknown:
        # Streamlit refuses a bound name here too (the image source, drawn on every page):
        # its widget, set above, writes it.
        st.switch_page(pages[page], query_params={
            **{n: v for n, v in query.items() if n not in bound}, ROOM: code})


def _settle_address() -> None:
    """After a followed view's page: the browser's address shows the teacher's page and query
    string, with this student's room, so that a copied link or a reload is the teacher's view.

    Widgets already wrote the values they hold; what is left (a manual value, or one the
    browser never heard of) is written here, and the whole link is sent once.
    """
    target = st.session_state.pop(ADDRESS, None)
    learn = st.session_state.pop(LEARN, None) or []
    if not target or not following():
        return
    # What the widgets hold where the teacher's link sets nothing is each one's default:
    # kept, so that a later follow can put back a value this student changed alone.
    seen = st.session_state.setdefault(DEFAULTS, {})
    for name in list(st.session_state.keys()):
        value = st.session_state[name]
        if (isinstance(name, str) and not name.startswith(("_", *KEEP_PREFIXES))
                and name not in OWN and name not in target and name not in st.query_params
                and isinstance(value, bool | int | float | str)
                and (name in seen or len(seen) < links.MAX_PARAMS * 4)):  # bounded
            seen[name] = value
    for name in list(st.query_params):
        if name not in target:
            with contextlib.suppress(StreamlitAPIException):
                del st.query_params[name]
    for name, text in target.items():
        if st.query_params.get(name) != text:
            with contextlib.suppress(StreamlitAPIException):
                st.query_params[name] = text
    st.query_params.update()  # sends the whole link (values set by widgets included)
    # Widgets a follow dropped that no follow had seen (see _apply): drawn now with their
    # defaults, which the browser has not been told. Set in one more run, as Back does.
    learned = {n: seen[n] for n in learn if n in seen and n in st.session_state}
    if learned:
        st.session_state[RESET] = learned
        st.rerun()


def _room() -> rooms.Room | None | str:
    """The room this session is in, None if it is gone, "down" if the store is unreachable."""
    try:
        return store().room(st.session_state[CODE])
    except rooms.StoreDown:
        return "down"


def before_page(current: str, pages: Mapping[str, Any]) -> None:
    """Join, restore, take a teacher link, and apply the teacher's newer view (see above)."""
    # The sidebar's Class box sits high, right below the pages (drawn after the page, see
    # sidebar()): a teacher new to the app finds Start a class without scrolling.
    st.session_state[SLOT] = st.sidebar.container()
    for name, value in (st.session_state.pop(RESET, None) or {}).items():
        st.session_state[name] = value  # a follow's page switch: see _apply
    restore = st.session_state.pop("_class_restore", None)
    if restore and (role() is None or FRESH in st.session_state):
        _restore(restore)
    teach = links.incoming(TEACH)
    if teach is not None:
        del st.query_params[TEACH]  # out of the address bar at once
        _take_teacher_link(teach[:80])
    asked = links.incoming(ROOM)
    if asked is not None and role() is None:
        message = join(asked[:400])  # clean_code bounds its work and counts what it got
        if message:
            st.session_state[NOTE] = message
            if ROOM in st.query_params:
                del st.query_params[ROOM]
        else:
            st.session_state[FRESH] = st.session_state[SID]
    if role() is None:
        return
    room = _room()
    st.session_state[SEEN] = room
    if room == "down":
        st.session_state[DOWN] = True
        return
    st.session_state.pop(DOWN, None)
    if room is None:
        _leave("Your class has ended (or expired after three hours without activity). The app "
               "goes on working on its own.")
        return
    if role() != "student":
        return
    if st.session_state.get(RECALL) is None:
        st.session_state[RECALL] = room.recall
    elif room.recall > st.session_state[RECALL]:
        st.session_state[RECALL] = room.recall
        _set_follow(True)
        st.session_state.pop(VIEW, None)  # as Back to the teacher: apply the view again
    if not st.session_state.get(FOLLOW):
        st.session_state[APPLIED] = room.version
        return
    if room.paused:
        return  # frozen where it is; the notice and the veil come after the page
    st.session_state[APPLIED] = room.version
    seen = json.dumps(room.view, sort_keys=True)
    if room.view.get("page") is not None and seen != st.session_state.get(VIEW):
        st.session_state[VIEW] = seen
        _apply(room.view, current, pages, room.code)


def publish(page: str) -> None:
    """The teacher's view goes to the room when it changed (``app.py`` and fragments)."""
    if role() != "teacher":
        return
    view = _view_now(page)
    text = json.dumps(view, sort_keys=True)
    if text == st.session_state.get(PUBLISHED):
        return
    try:
        if view.get("image") and view["image"] != st.session_state.get(IMAGE_SENT):
            # The teacher's upload goes to the room first, so a follower finds it.
            name, data = st.session_state[sources.UPLOAD_KEPT]
            if store().put_image(st.session_state[CODE], st.session_state[KEY], name, data):
                st.session_state[IMAGE_SENT] = view["image"]
        version = store().publish(st.session_state[CODE], st.session_state[KEY], view)
    except (rooms.StoreDown, ValueError):
        return  # tried again on the next run
    if version is not None:
        st.session_state[PUBLISHED] = text
        class_push.nudge(st.session_state[CODE])


def publish_from_fragment() -> None:
    """After a fragment's own rerun: publish the view the saved-view holder now holds."""
    holder = st.session_state.get("_view_holder")
    if holder and role() == "teacher":
        publish(holder.get("page", ""))


# --- teacher actions (button callbacks) --------------------------------------------------------


def _teacher_call(name: str, *args: Any, **kwargs: Any) -> Any:
    if role() != "teacher":  # a forged trigger from a student's browser: nothing to do
        return None
    try:
        result = getattr(store(), name)(st.session_state[CODE], st.session_state[KEY],
                                        *args, **kwargs)
    except rooms.StoreDown:
        st.session_state[NOTE] = "The class store is unreachable; try again in a moment."
        return None
    class_push.nudge(st.session_state[CODE])
    return result


def _end() -> None:
    _teacher_call("end")
    _leave("The class has ended: the room and every answer in it are deleted.")


def _pause(paused: bool) -> None:
    _teacher_call("set_paused", paused)


def _ask(question: dict) -> None:
    seconds = st.session_state.get("class_countdown") or 0
    _teacher_call("ask", question, seconds=float(seconds) or None)


# --- the questions -------------------------------------------------------------------------


def practice_question(kind: str, seed: int, level: int) -> dict:
    """The room question for Practice's question (the same seed for everyone)."""
    q = quiz_lesson.make_question(kind, seed, level)
    return {"source": "practice", "kind": kind, "seed": int(seed), "level": int(level),
            "prompt": q.prompt}


def step_question(prompt: str, value: float, worked: list[str], *,
                  window: Any = None, weights: Any = None, bias: float = 0.0) -> dict:
    """The room question for Step by step's "predict the next value".

    ``window``, ``weights``: the input under the kernel at that step and the kernel, each
    (f_H, f_W, n_c), which the room's box draws beside the question (a phone's first screen
    shows the box, not the animation). Left out when they would not fit the store's bound
    on a question (:data:`cnnviz.data.rooms.MAX_VIEW_BYTES`); the prompt then says where.
    """
    question = {"source": "step", "prompt": prompt, "value": float(value),
                "worked": list(worked)}
    if window is not None and weights is not None:
        drawn = dict(question, window=np.asarray(window, dtype=float).tolist(),
                     weights=np.asarray(weights, dtype=float).tolist(), bias=float(bias))
        if len(json.dumps(drawn, separators=(",", ":"))) <= rooms.MAX_VIEW_BYTES:
            return drawn
        question["prompt"] = prompt + " (The window and the kernel are in the animation.)"
    return question


def offer(question: dict) -> None:
    """A page hands the question it shows now; the teacher's bar offers Ask the room."""
    if role() == "teacher":
        st.session_state["_class_offer"] = question


def offer_practice(question: quiz_lesson.Question) -> None:
    """Practice's question, offered to the room (teacher only)."""
    if role() == "teacher":
        kind = st.session_state.get(k.QUIZ_KIND) or question.kind
        offer(practice_question(kind, question.seed, question.level))


def offer_step(grid: Any, kernel: Any, cfg: Any, n_steps: int) -> None:
    """Step by step's next value, offered to the room (teacher only)."""
    if role() != "teacher":
        return
    target = stepper.current_step() + 1
    if target >= n_steps:
        return
    value, lines, cell = predict.worked_step(grid, kernel, cfg, target)
    s = ConvTrace(grid, kernel, settings=cfg).step(target)
    offer(step_question(predict.step_prompt(target, n_steps, cell, cfg), value, lines,
                        window=s.values, weights=s.weights, bias=s.bias))


def _canonical(question: dict, text: str) -> tuple[str | None, bool, str]:
    """(the answer as the histogram writes it, right?, a message) for what a student typed.

    None when the text is no answer (nothing is sent, the message says why).
    """
    if question.get("source") == "practice":
        q = quiz_lesson.make_question(question["kind"], question["seed"], question["level"])
        if q.kind == "kernel":
            # Kept as the title everyone sees (histogram, CSV, "You said"); checked by name.
            text = next((n for n in q.choices if text == KERNELS[n].title), text)
        verdict = quiz_lesson.check(q, text)
        if not verdict.scored:
            return None, False, verdict.message
        if q.kind == "shape":
            got = quiz_lesson.parse_shape(text)
            got = (got[0], got[0]) if len(got) == 1 else got
            said = " × ".join(str(g) for g in got)
        elif q.kind == "kernel":
            said = KERNELS[text].title
        else:
            said = format_number(quiz_lesson.parse_number(text))
        return said, verdict.status == "right", ""
    try:
        guess = quiz_lesson.parse_number(text)
    except ValueError as err:
        return None, False, f"{err}."
    return (format_number(guess), quiz_lesson.close_enough(guess, question["value"]), "")


def _worked(question: dict) -> tuple[str, list[str]]:
    """The answer and its working, shown to everyone on Reveal."""
    if question.get("source") == "practice":
        q = quiz_lesson.make_question(question["kind"], question["seed"], question["level"])
        # The question's own working: re-checking answer_text found none for a kernel
        # question (its text is the kernel's title, not one of the choices' names).
        return q.answer_text, list(q.worked)
    return format_number(question["value"]), list(question.get("worked", []))


def _send_answer(question: dict, qid: int) -> None:
    text = rooms.clean_text(st.session_state.get(f"class_answer_{qid}") or "", rooms.MAX_ANSWER)
    said, right, message = _canonical(question, text)
    if said is None:
        st.session_state[RESULT] = {"qid": qid, "status": "unreadable", "message": message}
        return
    try:
        status = store().answer(st.session_state[CODE], st.session_state[SID], qid, said, right)
    except rooms.StoreDown:
        status = "down"
    messages = {
        "ok": f"Sent: {said}. You may change it until answers close.",
        "closed": "Answers are closed: yours was not counted.",
        "stale": "The teacher has moved on to another question.",
        "gone": "The class has ended.", "not joined": "You are not in this class any more.",
        "down": "The class cannot be reached; try again in a moment."}
    st.session_state[RESULT] = {"qid": qid, "status": status, "message": messages[status]}


# --- what is drawn -----------------------------------------------------------------------------


def _page_title(pages: Mapping[str, Any], path: str) -> str:
    page = pages.get(path)
    return getattr(page, "title", path) if page is not None else path


def teacher_on(view: Mapping[str, Any], pages: Mapping[str, Any]) -> str:
    """Where the teacher's ``view`` is: the page, Step by step's step, a lecture list's item.

    >>> teacher_on({"page": "pooling", "query": {"ex": "002.5"}}, {})
    "pooling · Lecture 002 · 5 of 6: (Max) pooling: the rectangle map's top-left 4 × 4"
    >>> teacher_on({"page": "animation", "query": {"step": "16"}}, {})
    'animation, step 17'
    """
    where = _page_title(pages, view.get("page", ""))
    query = view.get("query", {})
    step = query.get("step")
    if view.get("page") == "animation":
        where += f", step {int(step) + 1 if str(step).isdigit() else 1}"
    try:
        item = lecture_lists.find(str(query.get(lecture_lists.PARAM, "")))
    except (KeyError, ValueError):
        item = None
    if item is not None:
        where += f" · {lectures.position(item)}: {item.title}"
    return where


def _student_bar(box: Any, room: rooms.Room, pages: Mapping[str, Any]) -> None:
    with box:
        following = st.session_state.get(FOLLOW)
        name = st.session_state.get(NAME, "")
        if room.paused and following:
            # A veil over the whole page, the notice on it: nothing under it can be used.
            st.html("<div role='alertdialog' aria-label='Paused by the teacher' "
                    "style='position:fixed;inset:0;z-index:999990;background:rgba(255,255,255,"
                    ".88);display:flex;align-items:center;justify-content:center;"
                    "font-size:1.6rem;text-align:center;padding:2rem'>"
                    "<div><b>Paused by the teacher.</b><br>Eyes to the front: your screen "
                    "comes back when the teacher goes on.</div></div>")
        if room.question is not None:
            # The question first: on a phone its figures, the answer box and Send then fit
            # the first screen (the bar below it was 165 px of it).
            _student_question(room)
        cols = st.columns([3, 1.2], vertical_alignment="center")
        if following:
            if st.session_state.get(STALLED):
                # The browser cannot hear the push route (its notice says "Following paused:
                # reconnecting…"): this page shows the teacher's view as it last was.
                cols[0].warning(f"Class **{room.code}**: Following paused: reconnecting… Your "
                                "page catches up with the teacher when the connection is back.",
                                icon=":material/sync_problem:")
            else:
                cols[0].info(f"Class **{room.code}**: you follow the teacher.",
                             icon=":material/groups:")
            cols[0].text(f"Your nickname: {name}")
            cols[1].button("Explore on my own", key="class_break", icon=":material/explore:",
                           on_click=_set_follow, args=(False,),
                           width="stretch")
        else:
            cols[0].info(f"Class **{room.code}**: you explore on your own. The teacher is on: "
                         f"{teacher_on(room.view, pages)}.", icon=":material/explore:")
            cols[1].button("Back to the teacher", key="class_back", type="primary",
                           icon=":material/undo:", width="stretch", on_click=_back)


def _rename() -> None:
    """The nickname box changed (a callback): the room gets the new name, plain text."""
    clean = rooms.clean_text(st.session_state.get("class_name_in") or "", rooms.MAX_NICKNAME)
    if not clean or clean == st.session_state.get(NAME):
        st.session_state[NAME_SHOWN] = None  # the box shows the nickname kept
        return
    try:
        if store().rename(st.session_state[CODE], st.session_state[SID], clean):
            st.session_state[NAME] = clean
            _remember()
    except rooms.StoreDown:
        st.session_state["_class_rename_down"] = True
    st.session_state[NAME_SHOWN] = None  # shown as kept (cut to its length)


def _set_follow(follow: bool) -> None:
    """Follow the teacher, or explore alone; the tab remembers it for a reload."""
    st.session_state[FOLLOW] = follow
    _remember()


def _back() -> None:
    _set_follow(True)
    st.session_state.pop(VIEW, None)  # apply the teacher's view again, whatever it is


#: The room's answer box: not "Your answer", which Practice's own box (never sent) is called.
ROOM_ANSWER = "Your answer to the class"


def question_figures(q: Mapping[str, Any], *, key: str) -> None:
    """What the room's question ``q`` is about, drawn in its box: Practice's own figures
    (:func:`cnnviz.ui.quiz.show_figures`), or Step by step's window and kernel. On a phone
    the page's own figures are screens further down; these are with the answer box."""
    if q.get("source") == "practice":
        question = quiz_lesson.make_question(q["kind"], q["seed"], q["level"])
        quiz_ui.show_figures(question, key=key, compact=True)
        return
    if "window" not in q:
        return
    window, weights = np.asarray(q["window"], float), np.asarray(q["weights"], float)
    bias = float(q.get("bias", 0.0))
    # One picture: a channel's window above its kernel, the channels side by side (one
    # channel: the window beside the kernel). Three rows of two separate grids pushed the
    # answer box below a phone's first screen, and printed the window's numbers too small.
    n = window.shape[2]
    names = ["R", "G", "B"] if n == 3 else [f"channel {c + 1}" for c in range(n)]
    label = (lambda what, c: what) if n == 1 else (lambda what, c: f"{what}, {names[c]}")
    grids = ([(label("input a", c), window[:, :, c]) for c in range(n)]
             + [(label("kernel k", c), weights[:, :, c]) for c in range(n)])
    charts.chart(st, grids_figure(
        grids, columns=2 if n == 1 else n, mappings=["minmax"] * n + ["diverging"] * n,
        title="The input under the kernel" + (", channel by channel" if n > 1 else ""),
        note="a: grey, each its own min … max; k: blue < 0, white = 0, red > 0",
        cell=36 if n == 1 else 28), key=f"{key}_step")
    if bias:
        st.markdown(f"Bias $b$ = {format_number(bias)}")


def _student_question(room: rooms.Room) -> None:
    q, qid = room.question, room.qid
    with st.container(border=True):
        st.markdown(f"**The teacher asks the room:** {q.get('prompt', '')}")
        if not room.revealed:
            question_figures(q, key=f"class_q{qid}")
        mine = None
        try:
            mine = store().my_answer(room.code, st.session_state[SID], qid)
        except rooms.StoreDown:
            pass
        result = st.session_state.get(RESULT)
        result = result if result and result.get("qid") == qid else None
        open_now = not room.closed and (room.deadline is None or time.time() < room.deadline)
        if room.revealed:
            answer, worked = _worked(q)
            st.success(f"The answer: **{answer}**", icon=":material/lightbulb:")
            if mine is not None:
                right = _canonical(q, mine)[1]
                (st.success if right else st.error)(
                    f"You said {mine}: {'right' if right else 'not this time'}.")
            st.markdown("**Worked out:**\n\n" + "\n\n".join(worked))
            return
        if open_now:
            with st.form(f"class_form_{qid}", border=False):
                question = (quiz_lesson.make_question(q["kind"], q["seed"], q["level"])
                            if q.get("source") == "practice" else None)
                if question is not None and question.kind == "kernel":
                    # Numbered as the kernels drawn above, with the titles Practice shows.
                    number = {name: i for i, name in enumerate(question.choices, 1)}
                    # The prompt above asks "Which one?": the label is for screen readers
                    # only, so that Send stays on a phone's first screen.
                    st.radio(ROOM_ANSWER, question.choices, key=f"class_answer_{qid}",
                             index=None, horizontal=True, label_visibility="collapsed",
                             format_func=lambda name: f"{number[name]}: {KERNELS[name].title}")
                else:
                    st.text_input(ROOM_ANSWER, key=f"class_answer_{qid}",
                                  max_chars=rooms.MAX_ANSWER, placeholder="e.g. 4 × 4 or 14")
                st.form_submit_button("Send my answer", type="primary", icon=":material/send:",
                                      on_click=_send_answer, args=(q, qid))
            if room.deadline is not None:
                left = max(0, int(room.deadline - time.time()))
                st.caption(f"Answers close in about {left} s.")
        else:
            st.info("Answers are closed. The answer comes when the teacher reveals it.")
        if result is not None:
            shown = {"ok": st.success, "unreadable": st.warning}.get(result["status"], st.error)
            shown(result["message"])
        elif mine is not None:
            st.caption(f"Your answer: {mine}")


def _teacher_bar(box: Any, room: rooms.Room) -> None:
    with box:
        if st.session_state.get("class_show_join"):
            _join_screen(room)
        offer = st.session_state.pop("_class_offer", None)
        q = room.question
        if offer is not None or q is not None:
            with st.container(border=True):
                if offer is not None and (q is None or q.get("prompt") != offer.get("prompt")):
                    a, b = st.columns([3, 1], vertical_alignment="bottom")
                    a.markdown(f"**Ask the room:** {offer['prompt']}")
                    b.button("Ask the room", key="class_ask",
                             icon=":material/campaign:", on_click=_ask, args=(offer,),
                             width="stretch")
                if q is not None:
                    _teacher_question()


@st.fragment(run_every=2)
def _live_counts() -> None:
    """The teacher's live numbers (one session: a 2-second timer costs little)."""
    code, key = st.session_state.get(CODE), st.session_state.get(KEY)
    if not code or not key:
        return
    try:
        tally = store().tally(code, key)
        room = store().room(code)
    except rooms.StoreDown:
        st.caption("The class store is unreachable; the counts come back with it.")
        return
    if tally is None or room is None:
        return
    st.metric("Students joined", room.students)
    if room.question is not None:
        st.markdown(f"**{tally.answered} of {tally.joined} answered**")


@st.fragment(run_every=2)
def _teacher_question() -> None:
    """The open question on the teacher's screen, its count going up live (one session: a
    2-second timer costs little); read afresh at each tick."""
    code = st.session_state.get(CODE)
    try:
        room = store().room(code) if code and role() == "teacher" else None
    except rooms.StoreDown:
        st.caption("The class store is unreachable; the question comes back with it.")
        return
    if room is None or room.question is None:
        if st.session_state.pop("_class_asked_shown", None):
            st.rerun(scope="app")  # cleared or ended: the page offers the next question
        return
    st.session_state["_class_asked_shown"] = True
    q = room.question
    st.markdown(f"**Asked:** {q.get('prompt', '')}")
    try:
        tally = store().tally(room.code, st.session_state[KEY])
    except rooms.StoreDown:
        tally = None
    if tally is not None:
        state = ("revealed" if room.revealed else "closed" if room.closed
                 else "open" if room.deadline is None or time.time() < room.deadline
                 else "closed (time up)")
        st.markdown(f"**{tally.answered} of {tally.joined} answered** · answers {state}")
        if room.revealed:
            answer, worked = _worked(q)
            share = tally.correct / tally.answered if tally.answered else 0
            st.success(f"The answer: **{answer}**. Right: {tally.correct} of {tally.answered} "
                       f"({share:.0%}).", icon=":material/lightbulb:")
            if tally.histogram:
                st.html(histogram_html(tally.histogram))
            st.markdown("**Worked out:**\n\n" + "\n\n".join(worked))
            st.caption("Next: show the next question on the page (Practice: New question; "
                       "Step by step: step on), then Ask the room.")
        else:
            st.caption("The share right and the answers' histogram stay hidden until you "
                       "reveal them.")
    a, b, c, d = st.columns(4)
    a.button("Reveal", key="class_reveal", type="primary", icon=":material/visibility:",
             on_click=_teacher_call, args=("reveal",), disabled=room.revealed, width="stretch")
    b.button("Close answers", key="class_close", icon=":material/lock:",
             on_click=_teacher_call, args=("close",), disabled=room.closed, width="stretch")
    # A callable: the file is made when the teacher clicks, with every answer so far (the
    # teacher's page does not rerun when a student answers; bytes made now went stale).
    c.download_button("Results (CSV)", _results_csv_later(room.code, st.session_state[KEY]),
                      f"class_{room.code}.csv",
                      mime="text/csv", key="class_csv", icon=":material/download:",
                      width="stretch", help="Nicknames and answers: for you, never projected.")
    d.button("Clear", key="class_clear", icon=":material/delete:", on_click=_teacher_call,
             args=("clear",), width="stretch", help="Drop this question and its answers.")


def histogram_html(counts: Mapping[str, int]) -> str:
    """The answers' histogram as plain HTML bars (answers escaped; no names, ever).

    >>> "&lt;b&gt;" in histogram_html({"<b>": 2, "4": 1})
    True
    """
    top = max(counts.values()) if counts else 1
    rows = []
    for answer, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:12]:
        width = max(2, round(100 * n / top))
        rows.append(f"<div style='display:flex;align-items:center;gap:.6rem;margin:.2rem 0'>"
                    f"<span style='min-width:7rem;text-align:right;font-family:monospace'>"
                    f"{_html_text(answer)}</span><span style='background:#4a78b5;height:1.3rem;"
                    f"width:{width}%;max-width:60%'></span><span>{n}</span></div>")
    return ("<div role='img' aria-label='How many students gave each answer'>"
            + "".join(rows) + "</div>")


def results_csv(answers: list[rooms.Answer]) -> str:
    """The room's results as CSV; cells that a spreadsheet would run as formulas are quoted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["nickname", "answer", "correct", "time (UTC)"])
    for a in answers:
        cells = [a.nickname, a.answer]
        cells = ["'" + c if c[:1] in ("=", "+", "-", "@") and not _numeric(c) else c
                 for c in cells]
        writer.writerow([*cells, "yes" if a.correct else "no",
                         time.strftime("%H:%M:%S", time.gmtime(a.at))])
    return out.getvalue()


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _results_csv_later(code: str, key: str) -> Any:
    """What makes the results file on the click (no Streamlit in it: it runs outside the
    script)."""

    def make() -> str:
        try:
            answers = store().answers(code, key) or []
        except rooms.StoreDown:
            answers = []
        return results_csv(answers)

    return make


def _join_screen(room: rooms.Room) -> None:
    """The code, the link and the QR code: big in presenter mode (scan from the back)."""
    link = join_link(room.code)
    big = presenter.on()
    with st.container(border=True):
        a, b = st.columns([1, 1.3] if big else [1, 2], vertical_alignment="center")
        png = base64.b64encode(qr_png(link, scale=12 if big else 6)).decode("ascii")
        size = 460 if big else 220
        a.html(f"<figure style='margin:0;text-align:center'><img src='data:image/png;base64,{png}'"
               f" width='{size}' height='{size}' data-testid='class-qr' style='image-rendering:"
               f"pixelated' alt='QR code of the join link for class {room.code}'>"
               f"<figcaption>Scan to join</figcaption></figure>")
        with b:
            size = "5.5rem" if big else "3rem"
            st.html(f"<div style='font-size:1.2rem'>Join with the code</div>"
                    f"<div style='font-size:{size};font-weight:700;letter-spacing:.15em;"
                    f"font-family:monospace' aria-label='class code'>{room.code}</div>"
                    f"<div style='font-size:1.1rem'>or open <a href='{quote(link, safe=':/?=')}'"
                    f" data-testid='class-join-link'>{_html_text(link)}</a></div>")
            if lan_address() is None and not os.environ.get("CNNVIZ_PUBLIC_URL"):
                st.warning("Only `localhost` is known: students' devices cannot open it. Run "
                           "with `--server.address 0.0.0.0` on the room's network, or set "
                           "`CNNVIZ_PUBLIC_URL`.", icon=":material/wifi_off:")
            st.button("Hide the join screen", key="class_hide_join",
                      on_click=lambda: st.session_state.update({"class_show_join": False}))


def _html_text(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def after_page(box: Any, current: str, pages: Mapping[str, Any]) -> None:
    """Publish the teacher's view; draw the room's bar in ``box`` (above the page)."""
    _bar(box, current, pages)
    sidebar()
    listener()


def _bar(box: Any, current: str, pages: Mapping[str, Any]) -> None:
    note = st.session_state.pop(NOTE, None)
    if note:
        with box:
            st.info(note, icon=":material/groups:")
    if role() is None:
        return
    if st.session_state.get(DOWN):
        with box:
            st.warning("The class cannot be reached right now: you work on your own, and "
                       "following resumes when it is back.", icon=":material/cloud_off:")
        return
    room = st.session_state.get(SEEN)
    if not isinstance(room, rooms.Room):
        return
    if role() == "teacher":
        publish(current)
        _teacher_bar(box, room)
    else:
        _student_bar(box, room, pages)
        _settle_address()


def listener() -> None:
    """The browser's end of class mode (``static/classroom.js``), in the sidebar, no pixels."""
    fresh = FRESH in st.session_state  # joined by the link: the tab may have its own place
    data: dict[str, Any] = {"restore": role() is None or fresh}
    memory = st.session_state.pop(MEMORY, None)
    if memory:
        data.update(memory)
    if role() == "student":
        base = str(st.get_option("server.baseUrlPath") or "").strip("/")
        prefix = f"/{base}" if base else ""
        data["events"] = prefix + class_push.PATH.format(code=st.session_state[CODE])
        data["version"] = int(st.session_state.get(APPLIED) or 0)
    with st.sidebar:
        result = _listener(key="class_listener", data=data, height=0,
                           on_wake_change=_noop, on_restore_change=_noop,
                           on_stalled_change=_stalled_changed)
    saved = getattr(result, "restore", None)
    if saved and (role() is None or fresh) and isinstance(saved, str) and len(saved) < 400:
        st.session_state["_class_restore"] = saved
        st.rerun()


def sidebar() -> None:
    """Start a class, join one by code, or (a teacher) the room's controls."""
    sb = st.session_state.get(SLOT) or st.sidebar
    with sb.expander("Class", expanded=role() is not None, icon=":material/groups:"):
        if role() is None:
            st.button("Start a class", key="class_start", on_click=start_class,
                      icon=":material/co_present:", width="stretch",
                      help="A room with a code and a QR code: the students' pages follow yours, "
                           "and you can ask the room questions.")
            # The code box only on request: pages keep their own widgets to themselves.
            if st.session_state.get("class_typing"):
                st.text_input("Class code", key="class_code_in", max_chars=12,
                              placeholder="e.g. HK7M2P")
                st.button("Join the class", key="class_join", icon=":material/login:",
                          on_click=_join_typed)
            else:
                st.button("Join a class", key="class_join_open", icon=":material/login:",
                          width="stretch", help="Type the code your teacher shows.",
                          on_click=lambda: st.session_state.update({"class_typing": True}))
            if JOIN_ERROR in st.session_state:
                st.error(st.session_state.pop(JOIN_ERROR), icon=":material/error:")
        elif role() == "teacher":
            code = st.session_state[CODE]
            st.markdown(f"You lead class **{code}**.")
            _live_counts()
            st.toggle("Show the join screen", key="class_show_join")
            room = st.session_state.get(SEEN)
            paused = isinstance(room, rooms.Room) and room.paused
            st.button("Bring everyone back", key="class_recall",
                      on_click=_teacher_call, args=("recall",), width="stretch",
                      help="Every student who explores on their own follows you again.")
            st.button("Go on" if paused else "Pause", key="class_pause",
                      icon=":material/play_arrow:" if paused else ":material/pause:",
                      on_click=_pause, args=(not paused,), width="stretch",
                      help="Freeze the students' screens, with a notice.")
            st.selectbox("Countdown for questions", (0, 30, 60, 120), key="class_countdown",
                         format_func=lambda s: "none" if not s else f"{s} s")
            if st.toggle("Show the teacher link", key="class_show_key",
                         help="To take control from another device. Keep it private: it is not "
                              "for students, and it is not shown on the projector unless asked."):
                st.code(_teacher_link(code, st.session_state[KEY]), language=None)
            st.button("End class", key="class_end", icon=":material/logout:", on_click=_end,
                      width="stretch", help="Deletes the room and every answer in it.")
        else:
            st.markdown(f"You are in class **{st.session_state[CODE]}**.")
            if (st.session_state.get(NAME_SHOWN) != st.session_state.get(NAME)
                    or "class_name_in" not in st.session_state):  # (a page switch drops it)
                # The nickname this session has (a reloaded tab's own comes back): set before
                # the box is drawn, so the browser shows it too.
                st.session_state["class_name_in"] = st.session_state.get(NAME, "")
                st.session_state[NAME_SHOWN] = st.session_state.get(NAME)
            st.text_input("Your nickname", key="class_name_in", max_chars=rooms.MAX_NICKNAME,
                          on_change=_rename, help="Only the teacher's results file shows it.")
            if st.session_state.pop("_class_rename_down", None):
                st.caption("Not saved: the class cannot be reached.")
            st.button("Leave the class", key="class_leave", icon=":material/logout:",
                      on_click=_leave)

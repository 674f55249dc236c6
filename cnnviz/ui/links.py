"""What widgets cannot keep or link by themselves: the link values set by hand, and notices.

Simple widgets keep their values and put them in the link on their own
(:data:`cnnviz.ui.state.LINK`). This module does the rest, by hand, in one
place:

- **Manual link values.** The kernel's values, the data editors' tables, the
  animation's step and speed, and choices whose list shows titles
  (:func:`select`) are written to ``st.query_params`` by the page that shows
  them (:func:`put`), and read back once, when a session opens a link
  (:func:`incoming`). A page that does not use one drops it from the URL, so a
  link says only what its page shows.
- **Untrusted links.** Every value in a URL is checked before use: an
  oversized one, one a widget refused (text for a number, a number out of
  range, an unknown preset) or one no page knows falls back to its default,
  and a notice names it. Values are shown as plain text in a code span, never
  as Markdown or HTML, and never used as a path.
- **Uploads** cannot travel in a URL: a link made with one opens on the default
  photo, with a notice saying why.

Tables and grids are written as link text by :mod:`cnnviz.core.codec`, and the
editable grids that use these values live in :mod:`cnnviz.ui.grid`.

``app.py`` calls :func:`start` before the page runs and :func:`finish` after
it (also when the page stops early).
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import streamlit as st
from streamlit.errors import StreamlitAPIException

from . import router
from . import state as k

T = TypeVar("T")

#: Link values set by hand (besides the choices drawn by :func:`select`).
KERNEL = "k"
STEP = "step"
SPEED = "speed"
PLAY = "play"  # Step by step plays: "1", or absent
SLICES = "w"  # the colour page's three filter slices, when not their presets

#: A link value longer than this is refused unread, and :func:`put` never writes one: a
#: 16 × 16 typed matrix with cells of up to 30 characters fits (the app writes cells as
#: typed; at 2,000 a 16 × 16 matrix of nine-digit decimals was written, then refused on
#: reload). deploy/nginx.conf's request-line buffer takes several such values.
MAX_VALUE_CHARS = 8192
#: A link with more values than this has its extra values ignored.
MAX_PARAMS = 64

_INITIAL = "_link_initial"  # the query values the session opened with (first run only)
_OPENED = "_link_opened"  # set once the first run has started
_NOTICES = "_link_notices"
_USED = "_link_used"  # manual names a page wrote this run
_MANUAL = "_link_manual"  # every manual name written in this session
_CONSUMED = "_link_consumed"  # manual names read from the link in the first run
_SENT = "_link_sent"  # {name: value}: what put(resend=True) last sent to the browser
_SEEN = "_link_seen"  # {name: (value, link text)}: widget values and links as the last run ended
_PAGE_RUN = "_link_page_run"  # set from start() to finish(): a page's run, not a fragment's own
_CARRY = "_link_carry"  # (page, link texts, values) until the session's first page switch
_RESTORE = "_link_restore"  # values for the run after carry()'s switch
_VISITS = "_link_visits"  # [(page path, query)]: addresses the session showed (for Back)
_HOLD = "_link_hold"  # set by hold(): this run draws part of its page in the next run
_LATER = "_link_later"  # {name: value}: the opened link's values that part will read
_ENDED = "_link_first_ended"  # set once a page's run has ended in this session
_PAGE = "_link_page"  # the page this run draws (start's ``page``), for _LATER's owner
#: Session keys of this module that outlive a change of view (class mode's follow clears
#: the student's other state): a follow is no session's first run (cnnviz.ui.later).
SESSION_KEYS = (_ENDED,)
_VISITS_KEPT = 64


def shown(value: object, limit: int = 40) -> str:
    """A value from a URL as safe, short plain text for a notice.

    Only letters, digits and a few separators survive ("%" too, so an address
    with a broken escape such as ``/%ff`` is named as typed); the rest becomes
    "?". The result goes in a code span, so Markdown cannot act on it.

    >>> shown("abc")
    'abc'
    >>> shown("<img src=x onerror=alert(1)>"), shown("/%ff")
    ('?img src=x onerror=alert(1)?', '/%ff')
    >>> len(shown("x" * 100)), shown("x" * 100)[-1]
    (40, '…')
    """
    text = re.sub(r"[^\w .,;:+\-/=()%]", "?", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notice(text: str) -> None:
    """Show ``text`` above the page until the person dismisses it."""
    notes = st.session_state.setdefault(_NOTICES, [])
    if text not in notes:
        notes.append(text)


def withdraw(text: str) -> None:
    """Take back notice ``text``: what it said is no longer so (a link's missing upload,
    uploaded since)."""
    notes = st.session_state.get(_NOTICES)
    if notes and text in notes:
        notes.remove(text)


#: The notice of a link made with an upload; withdrawn once this session has one.
UPLOAD_NOTICE = ("This link was made with an uploaded image, which cannot travel in a link: "
                 "the default photo is shown. Upload the image again to see it here.")


def _refuse(name: str, value: object, why: str) -> None:
    notice(f"The link's `{shown(name, 20)}={shown(value)}` was ignored ({why}); "
           "the default is used instead.")


def start(page: str | None = None) -> None:
    """Check the link a session opens with, before any widget reads it (``app.py``).

    ``page``: the page this run draws (its URL path). Link values a folded page
    held for its next run (:func:`hold`) are dropped, unread and unreported, when
    the next run draws another page: the person left before the rest was drawn,
    and they were never this page's.
    """
    st.session_state[_USED] = []
    st.session_state[_PAGE_RUN] = True
    if page is not None:
        if st.session_state.get(_PAGE, page) != page:
            st.session_state.pop(_LATER, None)
        st.session_state[_PAGE] = page
    if st.session_state.get(_OPENED):
        relink()
        return
    # Streamlit turns a number input's link value into an int while it draws the
    # widget, and `inf` raises OverflowError there, inside Streamlit, where no page
    # code can catch it. Widgets seed from the link the run started with, so such
    # a value is dropped from the URL and the run starts again without it.
    # Streamlit reads them with Python's int()/float(), which also take "1_0" (10)
    # and "２" (2): a number the link does not show. Those go the same way.
    refused = {name: why for name in list(st.query_params)[:MAX_PARAMS]
               if (why := _number_problem(st.query_params.get(name, "")[:MAX_VALUE_CHARS]))}
    if refused:
        for name, why in refused.items():
            _refuse(name, st.query_params.get(name, ""), why)
            del st.query_params[name]
        st.rerun()
    st.session_state[_OPENED] = True
    # Nothing is bound to a widget yet in a session's first run, so a refused
    # value can still be deleted from the URL. (Widgets seed from the query
    # string as the session opened it; Streamlit drops what a widget cannot
    # take, and finish() reports that.)
    initial = {}
    for i, name in enumerate(list(st.query_params)):
        value = st.query_params.get(name, "")
        if not name:  # "/?=": no setting has no name (and no session key may be "")
            notice(f"The link's value `{shown(value)}` with no name was ignored." if value
                   else "The link's `=` with no name and no value was ignored.")
            with contextlib.suppress(Exception):
                del st.query_params[name]
        elif i >= MAX_PARAMS or len(value) > MAX_VALUE_CHARS or len(name) > 40:
            _refuse(name, value, "too long" if i < MAX_PARAMS else "too many values")
            del st.query_params[name]
        else:
            initial[name] = value
            values = st.query_params.get_all(name)
            if len(values) > 1:  # the last is used (widgets and hand-read values alike)
                notice(f"The link gives `{shown(name, 20)}` {len(values)} times; the last, "
                       f"`{shown(value)}`, is used.")
                st.query_params[name] = value  # and a copied link says only that one
    missing = initial.pop(k.NO_PAGE, None)
    if missing is not None:  # set by router.NoSuchPage's redirect
        del st.query_params[k.NO_PAGE]
        notice(f"There is no page at `{shown(missing, 60)}`, so the app opened on its first "
               "page. The pages are listed in the sidebar.")
    # (sources.UPLOAD_KEPT: a class's image, from the teacher, is already there)
    if initial.get(k.SOURCE) == "Upload" and st.session_state.get("_upload_kept") is None:
        notice(UPLOAD_NOTICE)
    st.session_state[_INITIAL] = initial


def reopen(query: Mapping[str, str] | None = None) -> None:
    """Open the URL's current query as a fresh link in this session (class mode's follow).

    The values are checked as when a session opens a link; manual values are
    read back once through :func:`incoming`. ``query``: the link being opened, when
    the URL cannot say it yet (a value bound to a widget reaches the URL through
    the widget, later in the run); its values are checked the same way.
    """
    st.session_state.pop(_OPENED, None)
    start()
    if query is not None:
        st.session_state[_INITIAL] = {
            name: value for name, value in list(query.items())[:MAX_PARAMS]
            if len(name) <= 40 and len(value) <= MAX_VALUE_CHARS and name != k.NO_PAGE
            and _number_problem(value) is None}


#: A number as a link writes it: ASCII digits, an optional sign, point and exponent.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _number_problem(value: str) -> str | None:
    """Why a link value Python would read as a number cannot be used, or None.

    None for text (its widget or parser checks it) and for a plain number.
    Python's ``int``/``float`` (and so Streamlit's binding of number inputs)
    read ``1_0`` as 10 and full-width ``２`` as 2, and a finite number too large
    for a float as infinity.

    >>> [_number_problem(v) for v in ("2", "-1.5e3", "1e308", "sobel_x", "inf", "-Infinity")]
    [None, None, None, None, 'not a finite number', 'not a finite number']
    >>> _number_problem("1_0"), _number_problem("２")
    ('“_” inside a number: write the digits only', '“２” is not one of the digits 0 to 9')
    >>> _number_problem("9" * 500), _number_problem("1e400")
    ('out of range: beyond what any setting takes', 'out of range: beyond what any setting takes')
    """
    try:
        number = float(value)
    except ValueError:
        return None
    if _PLAIN_NUMBER.fullmatch(value):
        # Written plainly, so finite: only too large for a float.
        return None if math.isfinite(number) else "out of range: beyond what any setting takes"
    odd = next((ch for ch in value if ch.isdigit() and ch not in "0123456789"), None)
    if odd is not None:
        return f"“{odd}” is not one of the digits 0 to 9"
    if "_" in value:
        return "“_” inside a number: write the digits only"
    if not math.isfinite(number):
        return "not a finite number"
    return None  # spaces around a plain number: read as typed


def opening() -> Mapping[str, str]:
    """The whole link a session opens with, in its first run only (empty afterwards).

    For settings that follow from others (a lecture matrix brings its kernel);
    read a value for use with :func:`incoming` or :func:`linked`.
    """
    return dict(st.session_state.get(_INITIAL) or {})


def is_opening() -> bool:
    """Whether this run opens a link: a session's first run, or class mode's follow."""
    return st.session_state.get(_INITIAL) is not None


def incoming(name: str) -> str | None:
    """The value the link brought for a manual ``name``, in the session's first run only
    (or, for a part of the page that run drew later, in the run that draws it: :func:`hold`)."""
    for where in (_INITIAL, _LATER):
        initial = st.session_state.get(where)
        if initial is not None and name in initial:
            st.session_state.setdefault(_CONSUMED, set()).add(name)
            return initial[name]
    return None


def first_run() -> bool:
    """Whether no page's run has ended yet in this session: the run that opens its link."""
    return not st.session_state.get(_ENDED)


def hold() -> None:
    """This run ends its page early and draws the rest in the next run (:mod:`cnnviz.ui.later`).

    The opened link's values that no widget or page code reached in this run
    are neither refused nor dropped from the address: :func:`finish` keeps them
    for the next run, where :func:`incoming` still gives them and the widgets
    bound to them find them in the address, and checks them there.
    """
    st.session_state[_HOLD] = True


def linked(name: str, parse: Callable[[str], T]) -> T | None:
    """What the link brought for a manual ``name``, parsed; None if absent or unusable.

    ``parse`` raises ValueError saying what is wrong; the value is then
    refused with a notice naming it (:func:`refuse`), so every hand-read link
    value is checked the same way. Only in the session's first run.
    """
    text = incoming(name)
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as err:
        refuse(name, text, str(err))
        return None


def refuse(name: str, value: object, why: str) -> None:
    """Drop a manual link value the page cannot use, with a notice naming it."""
    _refuse(name, value, why)
    put(name, None)


def put(name: str, value: str | None, *, resend: bool = False, say: bool = True) -> bool:
    """Write a manual link value (``None`` or ``""`` removes it); the page uses ``name``.

    Returns False when ``value`` is longer than :data:`MAX_VALUE_CHARS`: it is
    then left out of the link, which never carries a value its reader would
    refuse, and a notice says so (``say=False``: the caller says it beside its
    own input instead). The notice goes once the value fits again.

    ``resend``: compare with what this session last sent for ``name``, not with
    the link the rerun brought. A rerun asked for while another runs carries the
    browser's query string from before that run changed it, and Streamlit takes a
    rerun's query string as the link; so "already written" may be stale, and the
    browser would keep the other run's value (Step by step's ``step=``).
    """
    used = st.session_state.setdefault(_USED, [])
    if name not in used:  # a fragment's reruns put again without a new page run
        used.append(name)
    st.session_state.setdefault(_MANUAL, set()).add(name)
    fits = not value or len(value) <= MAX_VALUE_CHARS
    told = f"This view's `{shown(name, 20)}` is too long for a link"
    notes = st.session_state.get(_NOTICES) or []
    for old in [n for n in notes if n.startswith(told)]:
        notes.remove(old)  # said of an earlier value
    if not fits:
        if say:
            notice(f"{told} ({len(value or ''):,} characters; at most {MAX_VALUE_CHARS:,}): it "
                   "stays on this screen, and a reload or a shared link shows the default "
                   "instead.")
        value = None
    sent = st.session_state.setdefault(_SENT, {})
    stale = resend and sent.get(name) != (value or None)
    sent[name] = value or None
    if value:
        if stale or st.query_params.get(name) != value:
            st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]
    elif stale:
        st.query_params.update()  # sends the whole link, without ``name``
    return fits


# ---------------------------------------------------------------- bound widgets' links
#
# A widget bound with ``bind="query-params"`` has its new value written into the
# URL by the browser, by a registry of bindings kept per widget id. When a bound
# widget moves to another place on the page (presenter mode and a following
# student put Step by step's settings below the animation; other pages swap their
# columns), its old copy can leave the page one render after the new one arrived,
# and removing it unregisters the id: the new copy's binding is gone, and its
# changes never reach the link (Step by step's "animate=Pooling", issue 18).
# Streamlit writes a bound value into the link itself when the value is set
# through ``st.session_state`` (its own fix for reloads), so a run that finds a
# changed value its link does not show sets it again, before the widget is
# drawn. (``st.query_params[name] = ...`` raises for a bound name.)

_SIMPLE = (str, int, float, bool)


def _plain(value: object) -> bool:
    """A value a linked widget holds: text, a number, a switch, or a list of them."""
    if isinstance(value, _SIMPLE):
        return True
    return isinstance(value, list | tuple) and all(isinstance(v, _SIMPLE) for v in value)


def _link_text(name: str) -> tuple[str, ...] | None:
    values = st.query_params.get_all(name)
    return tuple(values) if values else None


def _bound(name: str) -> bool:
    """Whether ``name`` (absent from the link) is bound to a widget: Streamlit refuses
    to delete a bound name, and says a free one is missing; neither changes anything."""
    try:
        del st.query_params[name]
    except StreamlitAPIException:
        return True
    except KeyError:
        return False
    return False


def remember() -> None:
    """At the end of a run (a page's or a fragment's): each widget value and its link text."""
    manual = st.session_state.get(_MANUAL, set())
    seen = {}
    for name in list(st.session_state.keys()):
        if not isinstance(name, str) or name.startswith("_") or name in manual:
            continue
        value = st.session_state[name]
        if _plain(value):
            seen[name] = (value, _link_text(name))
    st.session_state[_SEEN] = seen


def relink() -> list[str]:
    """Before the widgets are drawn: set again each bound value the browser did not link.

    A value that changed since the last run while its link text stayed the same
    was not written by the browser (its binding was lost). Streamlit then writes
    the value (or removes a default) when the widget is drawn. (A value that did
    not change but left the link, replaced by an older run's, Streamlit writes
    back by itself.) Returns the names set again.
    """
    seen = st.session_state.get(_SEEN)
    if not seen:
        return []
    again = []
    for name, (before, text_before) in seen.items():
        if name not in st.session_state:
            continue
        value = st.session_state[name]
        if not _plain(value) or value == before or _link_text(name) != text_before:
            continue
        if text_before is None and not _bound(name):
            continue  # a widget not in the link, or a value of the app's own
        try:
            st.session_state[name] = value
        except StreamlitAPIException:  # a button's or an upload's: not bound, not settable
            continue
        again.append(name)
    return again


def fragment_starts() -> None:
    """A fragment's body begins (:func:`cnnviz.ui.show.fragment`): in its own rerun, the
    link is checked as :func:`relink` says (a page's run checked it in :func:`start`)."""
    if not st.session_state.get(_PAGE_RUN):
        relink()


def _accepted(text: str, value: object) -> bool:
    """Whether a widget's value is what the link said (Streamlit drops what it refuses)."""
    if isinstance(value, bool):
        return text.lower() == str(value).lower()
    if isinstance(value, int | float):
        try:
            return float(text) == float(value)
        except ValueError:
            return False
    # Linked choices show their option with "_" written as a space.
    return text in (str(value), str(value).replace("_", " "))


def finish(slot: Any, *, stopped: str | None = None) -> None:
    """After the page: drop unused manual values, report refused ones, show the notices.

    ``slot`` is a container above the page, so notices appear where the
    person is looking. ``stopped`` is why the page ended early, if it did: a
    value it never reached is then reported with that reason, not as unknown.
    """
    used = set(st.session_state.get(_USED, ()))
    for name in st.session_state.get(_MANUAL, ()):
        if name not in used and name in st.query_params:
            del st.query_params[name]
    held = st.session_state.pop(_HOLD, False)
    later = st.session_state.pop(_LATER, None) or {}  # held by the last run, reached now
    initial = {**later, **(st.session_state.pop(_INITIAL, None) or {})}
    consumed = st.session_state.pop(_CONSUMED, set())
    if held:  # the page draws the rest next run: what this run did not reach waits for it
        waiting = {name: text for name, text in initial.items()
                   if name not in consumed and name not in st.session_state}
        if waiting:
            st.session_state[_LATER] = waiting
        initial = {name: text for name, text in initial.items() if name not in waiting}
    st.session_state[_ENDED] = True
    if initial:
        for name, text in initial.items():
            if name in consumed:
                continue
            if name not in st.session_state:
                if stopped is not None:
                    notice(f"The link's `{shown(name, 20)}={shown(text)}` was not used: the page "
                           f"stopped before it ({stopped}; see the message on the page).")
                else:
                    _refuse(name, text, "not a setting of this page")
                if name in st.query_params:
                    try:
                        del st.query_params[name]
                    except Exception:  # noqa: BLE001 - a widget bound it after all
                        pass
            elif not _accepted(text, st.session_state[name]):
                # Streamlit either fell back to the default or changed the value
                # (2.7 → 2 in a whole-number input): say what the control shows.
                notice(f"The link's `{shown(name, 20)}={shown(text)}` was ignored (not a value "
                       f"this control takes): it shows `{shown(st.session_state[name])}`.")
    remember()
    st.session_state[_PAGE_RUN] = False
    notes = st.session_state.get(_NOTICES)
    if notes:
        with slot:
            st.warning("\n\n".join(notes), icon=":material/link_off:")
            st.button("Dismiss", key="link_notices_dismiss",
                      on_click=lambda: st.session_state.pop(_NOTICES, None))


def carry(page: Any, linked: Sequence[str], kept: Sequence[str], *, skip: bool = False) -> None:
    """On a session's first page switch, bring back the sidebar's values the switch dropped.

    Streamlit 1.67 loses the values a session's first run gave the shared
    sidebar's widgets (from the link it opened with: a shared link, a lecture
    item) when the person first switches to another page: that page showed the
    default photo, and its link said so. Later switches keep them. So the first
    switch sets the ``kept`` values again before any widget is drawn and, if
    the link lost some of the ``linked`` ones (bound to the URL), goes to the
    same page again with them (``st.switch_page`` takes the link's values).
    ``skip``: someone else moved the page (a student following the teacher).
    :func:`note_carried` keeps what the last run ended with.
    """
    _back(page, linked)
    restore = st.session_state.pop(_RESTORE, None)
    if restore:  # the run after the switch below: before the widgets read them
        for name, value in restore.items():
            with contextlib.suppress(StreamlitAPIException):
                st.session_state[name] = value
    before = st.session_state.get(_CARRY)
    if not before or before[0] == page.url_path:  # not yet noted, or switched before
        return
    st.session_state[_CARRY] = ()  # the first switch only
    if skip:
        return
    _, texts, values = before
    values = {name: value for name, value in values.items() if name in kept and _plain(value)}
    lost = {name: text for name, text in texts.items()
            if text is not None and name in linked and name not in st.query_params}
    if lost:
        st.session_state[_RESTORE] = values
        st.switch_page(page, query_params={**st.query_params.to_dict(), **lost})
    for name, value in values.items():
        with contextlib.suppress(StreamlitAPIException):
            st.session_state[name] = value


def _back(page: Any, linked: Sequence[str]) -> None:
    """Back or Forward to a page: its link's shared values come back with it.

    On a history step Streamlit 1.67 drops from the address's query the values bound
    to a widget another page drew (the shared sidebar's image source), and a dropped
    bound value means the widget's default there: Back to the page a link opened
    showed ``/`` and the default photo. The server never sees the dropped values
    (``st.context.url`` has no query), so the page's address as this session last
    showed it with the same remaining values (:func:`note_carried` keeps them) gives
    them back, and the run switches to the same page with them (the browser keeps
    one entry: ``static/history.js``, in every page's HTML head: :mod:`cnnviz.ui.head`).
    """
    if not router.history_navigation():
        return
    now = st.query_params.to_dict()
    for path, query in reversed(st.session_state.get(_VISITS, ())):
        if path == page.url_path and {n: v for n, v in query.items() if n in now} == now:
            lost = {n: v for n, v in query.items() if n in linked and n not in now}
            if lost:
                st.switch_page(page, query_params={**now, **lost})
            return


def note_carried(page: Any, linked: Sequence[str], kept: Sequence[str]) -> None:
    """After a run, until the first page switch: the link texts of ``linked`` and the
    values of ``kept`` (:func:`carry`). Every run: the page's address (:func:`_back`)."""
    visit = (page.url_path, {n: v for n, v in st.query_params.to_dict().items()
                             if isinstance(v, str)})
    visits = st.session_state.setdefault(_VISITS, [])
    if not visits or visits[-1] != visit:
        visits.append(visit)
        del visits[:-_VISITS_KEPT]  # bounded: the last pages this session showed
    if st.session_state.get(_CARRY) != ():
        st.session_state[_CARRY] = (
            page.url_path, {name: st.query_params.get(name) for name in linked},
            {name: st.session_state[name] for name in kept if name in st.session_state})


def select(label: str, options: Sequence[Any], *, key: str, default: Any,
           format_func: Callable[[Any], str] = str, where: Any = None, **kwargs: Any) -> Any:
    """A select box whose choice travels in the link by its short name, not its title.

    Streamlit would write a bound select box's formatted title in the URL
    ("Sobel%20x%20(vertical%20edges)"); this writes the option itself
    (``corr_kernel=sobel_x``) and leaves the default out. ``where`` is
    ``st`` (default), ``st.sidebar`` or a column.
    """
    options = list(options)

    def option(text: str) -> Any:
        for o in options:
            if str(o) == text:
                return o
        raise ValueError("not one of the choices")

    chosen = linked(key, option)
    if chosen is not None:
        st.session_state[key] = chosen
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    value = (where or st).selectbox(label, options, key=key, format_func=format_func,
                                   **k.KEEP, **kwargs)
    put(key, None if value == default else str(value))
    return value

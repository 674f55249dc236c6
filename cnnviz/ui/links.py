"""What widgets cannot keep or link by themselves: tables, the kernel, the step, uploads, notices.

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
- **Data editor tables** survive page switches (:class:`EditorRows`).

``app.py`` calls :func:`start` before the page runs and :func:`finish` after
it (also when the page stops early).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import streamlit as st

from cnnviz.core.cells import parse_matrix
from cnnviz.core.kernels import kernel_from_table
from cnnviz.core.text import format_table

from . import state as k

T = TypeVar("T")

#: Link values set by hand (besides the choices drawn by :func:`select`).
KERNEL = "k"
STEP = "step"
SPEED = "speed"
SLICES = "w"  # the colour page's three filter slices, when not their presets

#: A link value longer than this is refused unread (a 16 × 16 table fits easily).
MAX_VALUE_CHARS = 2000
#: A link with more values than this has its extra values ignored.
MAX_PARAMS = 64

_INITIAL = "_link_initial"  # the query values the session opened with (first run only)
_OPENED = "_link_opened"  # set once the first run has started
_NOTICES = "_link_notices"
_USED = "_link_used"  # manual names a page wrote this run
_MANUAL = "_link_manual"  # every manual name written in this session
_CONSUMED = "_link_consumed"  # manual names read from the link in the first run
_SENT = "_link_sent"  # {name: value}: what put(resend=True) last sent to the browser


def shown(value: object, limit: int = 40) -> str:
    """A value from a URL as safe, short plain text for a notice.

    Only letters, digits and a few separators survive; the rest becomes "?".
    The result goes in a code span, so Markdown cannot act on it.

    >>> shown("abc")
    'abc'
    >>> shown("<img src=x onerror=alert(1)>")
    '?img src=x onerror=alert(1)?'
    >>> len(shown("x" * 100)), shown("x" * 100)[-1]
    (40, '…')
    """
    text = re.sub(r"[^\w .,;:+\-/=()]", "?", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notice(text: str) -> None:
    """Show ``text`` above the page until the person dismisses it."""
    notes = st.session_state.setdefault(_NOTICES, [])
    if text not in notes:
        notes.append(text)


def _refuse(name: str, value: object, why: str) -> None:
    notice(f"The link's `{shown(name, 20)}={shown(value)}` was ignored ({why}); "
           "the default is used instead.")


def start() -> None:
    """Check the link a session opens with, before any widget reads it (``app.py``)."""
    st.session_state[_USED] = []
    if st.session_state.get(_OPENED):
        return
    st.session_state[_OPENED] = True
    # Nothing is bound to a widget yet in a session's first run, so a refused
    # value can still be deleted from the URL. (Widgets seed from the query
    # string as the session opened it; Streamlit drops what a widget cannot
    # take, and finish() reports that.)
    initial = {}
    for i, name in enumerate(list(st.query_params)):
        value = st.query_params.get(name, "")
        if i >= MAX_PARAMS or len(value) > MAX_VALUE_CHARS or len(name) > 40:
            _refuse(name, value, "too long" if i < MAX_PARAMS else "too many values")
            del st.query_params[name]
        else:
            initial[name] = value
    missing = initial.pop(k.NO_PAGE, None)
    if missing is not None:  # set by router.NoSuchPage's redirect
        del st.query_params[k.NO_PAGE]
        notice(f"There is no page at `{shown(missing, 60)}`, so the app opened on its first "
               "page. The pages are listed in the sidebar.")
    if initial.get(k.SOURCE) == "Upload":
        notice("This link was made with an uploaded image, which cannot travel in a link: "
               "the default photo is shown. Upload the image again to see it here.")
    st.session_state[_INITIAL] = initial


def incoming(name: str) -> str | None:
    """The value the link brought for a manual ``name``, in the session's first run only."""
    initial = st.session_state.get(_INITIAL)
    if initial is None or name not in initial:
        return None
    st.session_state.setdefault(_CONSUMED, set()).add(name)
    return initial[name]


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


def put(name: str, value: str | None, *, resend: bool = False) -> None:
    """Write a manual link value (``None`` or ``""`` removes it); the page uses ``name``.

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


def finish(slot: Any) -> None:
    """After the page: drop unused manual values, report refused ones, show the notices.

    ``slot`` is a container above the page, so notices appear where the
    person is looking.
    """
    used = set(st.session_state.get(_USED, ()))
    for name in st.session_state.get(_MANUAL, ()):
        if name not in used and name in st.query_params:
            del st.query_params[name]
    initial = st.session_state.pop(_INITIAL, None)
    consumed = st.session_state.pop(_CONSUMED, set())
    if initial:
        for name, text in initial.items():
            if name in consumed:
                continue
            if name not in st.session_state:
                _refuse(name, text, "not a setting of this page")
                if name in st.query_params:
                    try:
                        del st.query_params[name]
                    except Exception:  # noqa: BLE001 - a widget bound it after all
                        pass
            elif not _accepted(text, st.session_state[name]):
                _refuse(name, text, "not a value this control takes")
    notes = st.session_state.get(_NOTICES)
    if notes:
        with slot:
            st.warning("\n\n".join(notes), icon=":material/link_off:")
            st.button("Dismiss", key="link_notices_dismiss",
                      on_click=lambda: st.session_state.pop(_NOTICES, None))


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


# --- tables in links -------------------------------------------------------------


def encode_rows(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> str:
    """Editor rows as compact link text: fields joined by ",", rows by ";".

    >>> encode_rows([{"type": "conv", "k": 3, "s": None}], ("type", "k", "s"))
    'conv,3,'
    """
    def text(v: object) -> str:
        if v is None or v != v:  # None, NaN, pandas.NA compare unequal to themselves
            return ""
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)

    return ";".join(",".join(text(row.get(c)) for c in columns) for row in rows)


def decode_rows(text: str, columns: Sequence[str], *, numeric: Sequence[str] = (),
                max_rows: int = 64) -> list[dict[str, object]]:
    """Link text back to editor rows; raises ValueError naming the row that is wrong.

    Numeric columns become ints (empty: None); others stay text.

    >>> decode_rows("conv,3,;pool,2,2", ("type", "k", "s"), numeric=("k", "s"))
    [{'type': 'conv', 'k': 3, 's': None}, {'type': 'pool', 'k': 2, 's': 2}]
    >>> decode_rows("conv,x,1", ("type", "k", "s"), numeric=("k", "s"))
    Traceback (most recent call last):
    ...
    ValueError: row 1, column k: 'x' is not a whole number
    """
    rows = []
    parts = text.split(";")
    if len(parts) > max_rows:
        raise ValueError(f"at most {max_rows} rows, got {len(parts)}")
    for r, part in enumerate(parts, start=1):
        fields = part.split(",")
        if len(fields) != len(columns):
            raise ValueError(f"row {r} has {len(fields)} fields, expected {len(columns)}")
        row: dict[str, object] = {}
        for column, field in zip(columns, fields, strict=True):
            field = field.strip()
            if column in numeric:
                if not field:
                    row[column] = None
                elif re.fullmatch(r"\d{1,6}", field):
                    row[column] = int(field)
                else:
                    raise ValueError(f"row {r}, column {column}: {field!r} is not a whole number")
            else:
                row[column] = field or None
        rows.append(row)
    return rows


def encode_grid(table: Sequence[Sequence[str]]) -> str:
    """A grid of cell texts as link text: cells joined by ",", rows by ";".

    >>> encode_grid([["1", "0", "-1"], ["1/9", "2", "0.5"]])
    '1,0,-1;1/9,2,0.5'
    """
    return ";".join(",".join(str(c).strip() for c in row) for row in table)


def decode_grid(text: str, *, max_side: int) -> list[list[str]]:
    """Link text back to a rectangular grid of cell texts (at most ``max_side`` a side).

    >>> decode_grid("1,0,-1;2,0,-2", max_side=11)
    [['1', '0', '-1'], ['2', '0', '-2']]
    >>> decode_grid("1,2;3", max_side=11)
    Traceback (most recent call last):
    ...
    ValueError: row 2 has 1 cells where row 1 has 2
    """
    rows = [row.split(",") for row in text.split(";")]
    if len(rows) > max_side or any(len(row) > max_side for row in rows):
        raise ValueError(f"a side is longer than {max_side}")
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            raise ValueError(f"row {r} has {len(row)} cells where row 1 has {len(rows[0])}")
    return [[cell.strip() for cell in row] for row in rows]


def decode_number_grid(text: str, *, max_side: int) -> list[list[str]]:
    """:func:`decode_grid` whose every cell is a finite number (kept as the text typed).

    >>> decode_number_grid("1/9,0;x,1", max_side=11)
    Traceback (most recent call last):
    ...
    ValueError: kernel cell (row 2, column 1) is not a number: 'x'
    """
    table = decode_grid(text, max_side=max_side)
    kernel_from_table(table)  # names the row and column of a bad cell
    return table


# --- typed matrices --------------------------------------------------------------

#: A typed matrix up to this side travels in the link.
TYPED_LINK_MAX = 16


def typed_matrix(label: str, *, key: str, link: str, default: str, name: str = "matrix",
                 max_side: int = 64, where: Any = None, height: int = 180) -> np.ndarray:
    """A matrix the person types or pastes into a text box; returns its values.

    Spaces, commas or tabs between numbers (a block copied from a spreadsheet
    works), negatives and fractions, ``[[1, 2], [3, 4]]`` too
    (:func:`cnnviz.core.cells.parse_matrix`). A bad cell is reported by row
    and column under the box, the text stays as typed, and the last good
    matrix is returned until it is fixed. Up to :data:`TYPED_LINK_MAX` a side
    it travels in the link as ``1,2;3,4``.
    """
    where = where or st

    def checked(text: str) -> str:
        parse_matrix(text, name=name, max_side=min(max_side, TYPED_LINK_MAX))
        return text

    text = linked(link, checked)
    if text is not None:
        st.session_state[key] = text.replace(";", "\n").replace(",", " ")
    st.session_state.setdefault(key, default)
    typed = where.text_area(
        label, key=key, height=height, **k.KEEP,
        help="Numbers separated by spaces, commas or tabs (a block copied from a spreadsheet "
             "works); negative numbers and fractions such as 1/9 too. [[1, 2], [3, 4]] works.")
    last = f"_{key}_last_good"
    try:
        values = parse_matrix(typed, name=name, max_side=max_side)
    except ValueError as err:
        where.error(f"{err}. The last good {name} stays in use until this is fixed; your text "
                    "is kept.", icon=":material/error:")
        put(link, st.query_params.get(link))
        return st.session_state.get(last, parse_matrix(default, name=name))
    st.session_state[last] = values
    small = max(values.shape) <= TYPED_LINK_MAX
    put(link, encode_grid(format_table(values)) if small else None)
    if not small:
        where.caption(f"Larger than {TYPED_LINK_MAX} × {TYPED_LINK_MAX}: this {name} does not "
                      "travel in the page's link.")
    return values


# --- data editors ---


def with_edits(table: Sequence[Sequence[str]], editor_key: str) -> list[list[str]]:
    """A grid of cell texts with its data editor's live edits applied (a copy).

    The editor's edits are absolute cell texts, so applying them again is
    harmless; edits outside the grid (an editor from before a resize) are
    ignored.
    """
    out = [list(row) for row in table]
    edits = st.session_state.get(editor_key) or {}
    for r, cols in (edits.get("edited_rows") or {}).items():
        for c, text in cols.items():
            if int(r) < len(out) and int(c) < len(out[0]):
                out[int(r)][int(c)] = "" if text is None else str(text)
    return out


class EditorRows:
    """A data editor's table kept in session state, safe across page switches, in the link.

    The base rows live under ``name``; the editor's key carries a version that
    a whole-table change bumps (dropping the editor's own edits). Streamlit
    forgets an editor's edits when another page runs, so the edited table is
    also saved after every run and becomes the base again when the editor
    comes back without its edits.

    The table travels in the link under ``link`` (:func:`encode_rows`) when it
    is not its preset's; a linked table is read back once and must pass
    ``check`` (which raises ValueError naming what is wrong) before it is used.
    """

    def __init__(self, name: str, *, link: str, columns: Sequence[str],
                 numeric: Sequence[str] = (), check: Callable[[list[dict]], object] = list,
                 max_rows: int = 64) -> None:
        self.name, self.link, self.columns = name, link, tuple(columns)
        self.numeric, self.check, self.max_rows = tuple(numeric), check, max_rows

    @property
    def key(self) -> str:
        """The current editor's widget key."""
        return self.key_in(st.session_state)

    def key_in(self, session: Any) -> str:
        """The editor's key in ``session`` (a test's view of session state, say)."""
        version = session[self.name + "_version"] if self.name + "_version" in session else 0
        return f"{self.name}_editor_{version}"

    def rows(self, default: Callable[[], list[dict]]) -> list[dict]:
        """The base rows (``default()`` the first time), with lost edits folded back in."""
        if self.name not in st.session_state:
            st.session_state[self.name] = default()
        saved = st.session_state.get(self.name + "_saved")
        if (self.key not in st.session_state and saved is not None
                and saved != st.session_state[self.name]):
            self.replace(saved)
        rows = linked(self.link, self._checked)
        if rows is not None:
            self.replace(rows)
        return st.session_state[self.name]

    def _checked(self, text: str) -> list[dict]:
        rows = decode_rows(text, self.columns, numeric=self.numeric, max_rows=self.max_rows)
        self.check(rows)
        return rows

    def replace(self, rows: list[dict]) -> None:
        """Make ``rows`` the table, dropping the editor's edits."""
        st.session_state[self.name] = rows
        st.session_state[self.name + "_saved"] = rows
        st.session_state[self.name + "_version"] = (
            st.session_state.get(self.name + "_version", 0) + 1)

    def save(self, rows: list[dict], preset: list[dict]) -> None:
        """Remember the edited table for the editor's next appearance; link it unless ``preset``."""
        st.session_state[self.name + "_saved"] = rows
        text = encode_rows(rows, self.columns)
        put(self.link, None if text == encode_rows(preset, self.columns) else text)


# --- uploads -------------------------------------------------------------------------

_UPLOAD_KEPT = "_upload_kept"  # (file name, bytes) of the last good upload


def keep_upload(name: str, data: bytes) -> None:
    """Remember an upload that decoded, so it follows the student from page to page."""
    st.session_state[_UPLOAD_KEPT] = (name, data)


def kept_upload() -> tuple[str, bytes] | None:
    """The last good upload of this session, if any."""
    return st.session_state.get(_UPLOAD_KEPT)

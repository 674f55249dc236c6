"""Editable grids that survive page switches and travel in the link: one class for every editor.

A grid's table lives in session state under its name: cell texts for a matrix
(so "1/9" or a typo survives a rerun exactly as typed), dict rows for a layer
table. Its editor's key carries a version, ``{editor}_{version}``, which a
whole-table change (a preset, a resize, a button) bumps, so the editor starts
afresh without its old edits. The editor's edits are absolute, so folding them
into the stored table on every run is harmless, and the table outlives the
editor state Streamlit drops when another page runs.

:class:`Grid` is a matrix of cell texts (the kernel, the colour slices, the
transposed page's matrices), drawn by the app's own cell grid
(``static/cellgrid/``: one ``<input>`` per cell, the grid one Tab stop with the
arrows inside it; its state ``"cells"`` is the whole table of texts, sent on
Enter, on leaving a cell and on a paste). It
replaced Streamlit's data editor there, whose DataFrame and Arrow scripts
(about 1.5 MB) a first visit loaded before the page's first screen was ready.
:class:`Rows` is a table of layer rows drawn by the same cell grid in its rows
mode (choices, whole numbers, a row added or deleted), which travels in the link
as ``encode_rows`` text (the shapes and receptive-field stacks);
:func:`typed_matrix` a matrix typed or pasted into a text box.
Tests write an editor's edits through :meth:`Grid.key_in`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import streamlit as st

from cnnviz.core.cells import matrix_cells, number_cell, parse_matrix
from cnnviz.core.codec import (
    decode_rows,
    encode_grid,
    encode_rows,
    split_rows,
    text_rows,
)
from cnnviz.core.text import format_table

from . import links, presenter, served
from . import state as k
from .charts import _inside
from .esm import join_modules

_CELLGRID = Path(__file__).with_name("static") / "cellgrid"
# Registered once at import, like the map element; its script and style (a few KB) are
# served once per browser (cnnviz.ui.served). Not style-isolated: its classes start
# with "cg-", and tests find it by its test id.
_cells = st.components.v2.component(
    "cnnviz_cells", html='<span hidden data-cnnviz-slot="cells"></span>',
    js=served.script("cellgrid", join_modules(_CELLGRID, "main"),
                     css=(_CELLGRID / "cellgrid.css").read_text(encoding="utf-8")),
    isolate_styles=False)


# The cell grid's height as cellgrid.css draws it (px, in Chromium): its frame (the border
# and the row of column numbers), each row of cells, and each bad cell's one-line message
# under it; presenter mode's (its root font is 17 px, not 16) second. Measured; the browser
# test (tests/e2e/test_cells.py) checks every grid's first frame against its drawn height.
_FRAME_PX = MappingProxyType({False: 30.765625, True: 33.25})
_ROW_PX = MappingProxyType({False: 36.1875, True: 37.546875})
_MESSAGE_PX = MappingProxyType({False: 23.6875, True: 26.90625})


def drawn_height(rows: int, *, bad: int = 0, present: bool = False) -> int:
    """The height (px, whole) a cell grid of ``rows`` rows with ``bad`` bad cells takes.

    The element is given it from its first frame, before its script has loaded (it was
    Streamlit's 40 px placeholder, then nothing, then the grid: everything below jumped),
    and the grid keeps it as its least height. A message that wraps, a paste's note and a
    sideways scrollbar make the grid taller, once drawn.

    >>> drawn_height(3), drawn_height(3, present=True), drawn_height(11), drawn_height(1, bad=1)
    (140, 146, 429, 91)
    """
    return math.ceil(_FRAME_PX[present] + rows * _ROW_PX[present] + bad * _MESSAGE_PX[present])


def _noop() -> None:
    """The state's callback: components v2 keep only the states that have one."""


def edited_cells(state: Any) -> list[list[str]] | None:
    """The table of texts a cell grid's state holds (its ``"cells"``), or None.

    It comes from a browser: anything but a non-empty list of equally long lists
    is no table, and every cell is read as text (None as empty).

    >>> edited_cells({"cells": [["1", "1/9"], ["x", None]]})
    [['1', '1/9'], ['x', '']]
    >>> edited_cells({"cells": [["1"], ["2", "3"]]}) is None, edited_cells(None) is None
    (True, True)
    """
    value = state.get("cells") if hasattr(state, "get") else getattr(state, "cells", None)
    if not isinstance(value, list) or not value or not all(
            isinstance(row, list) and row and len(row) == len(value[0]) for row in value):
        return None
    return [["" if text is None else str(text) for text in row] for row in value]


class Grid:
    """A table kept under ``name``, shown in an editor keyed ``{editor}_{version}``.

    ``version`` and ``editor`` default to ``{name}_version`` and
    ``{name}_editor``; grids that share a version key (the colour page's three
    slices) start afresh together.
    """

    def __init__(self, name: str, *, version: str | None = None, editor: str | None = None
                 ) -> None:
        self.name = name
        self.version = version or f"{name}_version"
        self.prefix = editor or f"{name}_editor"

    def key_in(self, session: Any) -> str:
        """The editor's key in ``session`` (st.session_state, or a test's view of it)."""
        version = session[self.version] if self.version in session else 0
        return f"{self.prefix}_{version}"

    @property
    def key(self) -> str:
        """The current editor's widget key."""
        return self.key_in(st.session_state)

    def exists(self) -> bool:
        """Whether the table has been set in this session."""
        return self.name in st.session_state

    def replace(self, table: Any) -> None:
        """Make ``table`` the grid's, dropping the editor's edits."""
        st.session_state[self.name] = table
        st.session_state[self.version] = st.session_state.get(self.version, 0) + 1

    def load(self, values: np.ndarray) -> None:
        """:meth:`replace` with a matrix's values, written as :func:`format_table` writes them."""
        self.replace(format_table(values))

    def current(self) -> list[list[str]]:
        """The cell texts with the live editor's edits applied (a copy).

        The cell grid's state is the whole table; one of another shape (an editor
        from before a resize) is ignored.
        """
        out = [list(row) for row in st.session_state[self.name]]
        edited = edited_cells(st.session_state.get(self.key))
        if edited is not None and len(edited) == len(out) and len(edited[0]) == len(out[0]):
            return edited
        return out

    def cells(self, where: Any = None, *, label: str = "") -> list[list[str]]:
        """Draw the grid of cell texts in ``where`` (default ``st``); the table with its edits.

        The edits are saved into the stored table, so they outlive the editor.
        ``label`` names the grid for screen readers ("Kernel": each cell is
        "Kernel, row 1, column 1"). A cell that is not a number is marked in the
        grid with :func:`cnnviz.core.cells.number_cell`'s message; the caller
        still reports the table as a whole.
        """
        table = st.session_state[self.name] = self.current()
        bad = []
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                try:
                    number_cell(text, r + 1, c + 1)
                except ValueError as err:
                    bad.append([r, c, str(err)[0].upper() + str(err)[1:]])
        present = presenter.on()
        height = drawn_height(len(table), bad=len(bad), present=present)
        with _inside(where or st):
            # A height in px holds the grid's place from its first frame; once drawn, the grid
            # takes its own (cellgrid.css), at least this.
            _cells(key=self.key, data={"cells": table, "bad": bad, "label": label,
                                       "present": present, "height": height},
                   height=height, on_cells_change=_noop)
        return table


def edited_rows(state: Any, width: int) -> list[list[str]] | None:
    """The table of texts a layer table's state holds (its ``"cells"``), or None.

    Like :func:`edited_cells`, but its rows may be any in number (none: every row
    deleted), each ``width`` cells long.

    >>> edited_rows({"cells": [["conv", "3"], ["pool", None]]}, 2)
    [['conv', '3'], ['pool', '']]
    >>> edited_rows({"cells": []}, 2), edited_rows({"cells": [["conv"]]}, 2)
    ([], None)
    """
    value = state.get("cells") if hasattr(state, "get") else getattr(state, "cells", None)
    if not isinstance(value, list) or not all(
            isinstance(row, list) and len(row) == width for row in value):
        return None
    return [["" if text is None else str(text) for text in row] for row in value]


def _text(value: object) -> str:
    """A row's cell as its table shows it: what :func:`cnnviz.core.codec.encode_rows`
    writes of it (empty for None, a whole float without ".0").

    >>> [_text(v) for v in (None, 3, 2.0, "conv", "x1")]
    ['', '3', '2', 'conv', 'x1']
    """
    return encode_rows([{"v": value}], ("v",))


def _column(name: str, config: Any) -> dict:
    """One column's description for the table, from its ``st.column_config`` entry.

    A SelectboxColumn gives a column of choices; any other, a column of whole numbers
    with its range. The help, with the choices or the range after it, is the header's
    tooltip and each cell's description for a screen reader. The range is said, not
    enforced here: a value beyond it reaches the page's own check, which names the
    layer when the stack cannot run.

    >>> _column("k", {"help": "Kernel size", "type_config": {
    ...     "type": "number", "min_value": 1, "max_value": 11, "step": 1}})["help"]
    'Kernel size. A whole number, 1 to 11.'
    """
    config = dict(config or {})
    kind = dict(config.get("type_config") or {})
    help_text = str(config.get("help") or "").strip()
    column: dict[str, Any] = {"name": name, "label": str(config.get("label") or name)}
    if kind.get("type") == "selectbox":
        column["options"] = [str(o) for o in kind.get("options") or ()]
        says = "One of " + ", ".join(column["options"]) + "."
    else:
        low, high = kind.get("min_value"), kind.get("max_value")
        says = ("A whole number" + (f", {low} to {high}" if low is not None and high is not None
                                    else f", at least {low}" if low is not None
                                    else f", at most {high}" if high is not None else "") + ".")
        column.update(min=low, max=high, step=kind.get("step"))
    if help_text and help_text[-1] not in ".!?":
        help_text += "."
    column["help"] = " ".join(t for t in (help_text, says) if t)
    return column


class Rows(Grid):
    """A table of layer rows, in the link under ``link`` when it is not its preset's.

    Drawn by the app's cell grid in its rows mode (:meth:`editor`): a column of
    choices for each SelectboxColumn of the column configuration, whole numbers
    elsewhere, an empty cell meaning the default ("—"), a button to add a row and one
    to delete each. The element's state ``"cells"`` is the whole table of texts, sent
    on Enter, on leaving a cell, on a choice, and on adding or deleting a row.

    The stored table (under ``name``) is the rows the editor's version started
    from; the edited rows are saved after every run (``{name}_saved``) and become the
    table again when the editor comes back without its edits (Streamlit drops an
    element's state when another page runs). A linked table is read back once and
    must pass ``check`` (which raises ValueError naming what is wrong) before it is
    used.
    """

    def __init__(self, name: str, *, link: str, columns: Sequence[str],
                 numeric: Sequence[str] = (), check: Callable[[list[dict]], object] = list,
                 max_rows: int = 64) -> None:
        super().__init__(name)
        self.link, self.columns = link, tuple(columns)
        self.numeric, self.check, self.max_rows = tuple(numeric), check, max_rows

    def rows(self, default: Callable[[], list[dict]]) -> list[dict]:
        """The stored rows (``default()`` the first time), with lost edits folded back in."""
        if not self.exists():
            st.session_state[self.name] = default()
        saved = st.session_state.get(self.name + "_saved")
        if (self.key not in st.session_state and saved is not None
                and saved != st.session_state[self.name]):
            self.replace(saved)
        rows = links.linked(self.link, self._checked)
        if rows is not None:
            self.replace(rows)
        return st.session_state[self.name]

    def _checked(self, text: str) -> list[dict]:
        if text.startswith(AS_TYPED):
            # A table with cells that could not be read, as typed (see editor): shown
            # again as it was, each such cell marked with its message by the editor, and
            # the preset's result until it is fixed.
            table = split_rows(text.removeprefix(AS_TYPED), self.columns,
                               max_rows=self.max_rows)
            return text_rows(table, self.columns, numeric=self.numeric)[0]
        rows = decode_rows(text, self.columns, numeric=self.numeric, max_rows=self.max_rows)
        self.check(rows)
        return rows

    def replace(self, table: Any) -> None:
        """Make ``table`` the rows, dropping the editor's edits."""
        super().replace(table)
        st.session_state[self.name + "_saved"] = table

    def texts(self, rows: list[dict]) -> list[list[str]]:
        """The table's texts: the live editor's (the whole table) or else ``rows``'."""
        edited = edited_rows(st.session_state.get(self.key), len(self.columns))
        return edited if edited is not None else [
            [_text(row.get(c)) for c in self.columns] for row in rows]

    def editor(self, rows: list[dict], preset: list[dict], columns: dict[str, Any], *,
               label: str = "Layers", item: str = "layer") -> list[dict]:
        """Draw ``rows`` as an editable table (rows can be added and deleted); the rows.

        ``columns`` is the column configuration (``st.column_config`` entries by
        column). ``label`` names the table for screen readers and ``item`` its rows
        ("layer": "Layer 2, k", "Delete layer 2", "Add a layer"). A cell that cannot
        be read (text in a number column, a choice not offered) is marked at the
        table with :func:`cnnviz.core.codec.text_rows`' message and kept as typed, and
        the last good rows are returned until it is fixed. The edited rows are
        remembered for the editor's next appearance, and the returned rows linked
        unless they are ``preset``.
        """
        spec = [_column(c, columns.get(c)) for c in self.columns]
        texts = self.texts(rows)
        edited, bad = text_rows(texts, self.columns, numeric=self.numeric,
                                choices={c["name"]: c["options"] for c in spec
                                         if "options" in c})
        st.session_state[self.name + "_saved"] = edited
        good = self.name + "_good"
        if not bad:
            st.session_state[good] = edited
        out = edited if not bad else st.session_state.get(good, preset)
        _cells(key=self.key, data={
            "cells": texts, "label": label, "present": presenter.on(), "columns": spec,
            "bad": [[r, c, message[0].upper() + message[1:]] for r, c, message in bad],
            "after": (f"Until {'it is' if len(bad) == 1 else 'they are'} fixed, the page "
                      "uses the last good table; your text is kept.") if bad else "",
            "rows": {"item": item, "max": self.max_rows}},
            height="content", on_cells_change=_noop)
        text = encode_rows(out, self.columns)
        if bad and not any("," in t or ";" in t for row in texts for t in row):
            # The table as typed, so that a reload or a shared link shows it again with
            # its messages (:data:`AS_TYPED`, as a typed matrix's); a text with the link's
            # own separators cannot travel, and the last good table's link stays.
            text = AS_TYPED + ";".join(",".join(row) for row in texts)
        links.put(self.link, None if text == encode_rows(preset, self.columns) else text)
        return out


def _as_text(text: str) -> str:
    r"""``text`` with the characters Markdown acts on escaped, for a message.

    ``:``, ``.`` and ``@`` too: Streamlit's Markdown turns ``www.x.example``,
    ``http://…`` and ``a@b.c`` into links by themselves, and ``:name:`` into an
    icon, and a link's text reaches the message (found by review24).

    >>> _as_text("cell (row 1, column 2) is not a number: '[a](b)*$x$'")
    "cell (row 1, column 2) is not a number\\: '\\[a\\](b)\\*\\$x\\$'"
    >>> _as_text("www.evil.example http://x.y a@b.c :material/home:")
    'www\\.evil\\.example http\\://x\\.y a\\@b\\.c \\:material/home\\:'
    """
    return re.sub(r"([\\`*_\[\]<>$~|#:.@])", r"\\\1", text)


#: A typed matrix up to this side travels in the link.
TYPED_LINK_MAX = 16
#: Marks a typed matrix's link value that is the text exactly as typed (one that is not a
#: matrix yet), rather than a good matrix's cells as ``1,2;3,4``.
AS_TYPED = "typed:"


def typed_matrix(label: str, *, key: str, link: str, default: str, name: str = "matrix",
                 max_side: int = 64, where: Any = None, height: int = 180) -> np.ndarray:
    """A matrix the person types or pastes into a text box; returns its values.

    Spaces, commas or tabs between numbers (a block copied from a spreadsheet
    works), negatives and fractions, ``[[1, 2], [3, 4]]`` too
    (:func:`cnnviz.core.cells.parse_matrix`). A bad cell is reported by row
    and column under the box, the text stays as typed, and the last good
    matrix is returned until it is fixed. Up to :data:`TYPED_LINK_MAX` a side
    it travels in the link as ``1,2;3,4``; a text that is no matrix yet travels
    as typed, after :data:`AS_TYPED`, so a reload or a shared link shows it
    again with its message (and the default matrix's result until it is fixed).
    """
    where = where or st

    def checked(text: str) -> str:
        if text.startswith(AS_TYPED):  # shown as typed; the box below reports what is wrong
            return text.removeprefix(AS_TYPED)
        parse_matrix(text, name=name, max_side=min(max_side, TYPED_LINK_MAX))
        return text.replace(";", "\n").replace(",", " ")

    text = links.linked(link, checked)
    if text is not None:
        st.session_state[key] = text
    st.session_state.setdefault(key, default)
    typed = where.text_area(
        label, key=key, height=height, **k.KEEP,
        help="Numbers separated by spaces, commas or tabs (a block copied from a spreadsheet "
             "works); negative numbers and fractions such as 1/9 too. [[1, 2], [3, 4]] works.")
    last = f"_{key}_last_good"
    try:
        values = parse_matrix(typed, name=name, max_side=max_side)
    except ValueError as err:
        # The text may come from a link someone else made: its cells are shown as text, not
        # as Markdown (no links, emphasis or formulas made of them).
        where.error(f"{_as_text(str(err))}. The last good {name} stays in use until this is "
                    "fixed; your text "
                    "is kept.", icon=":material/error:")
        # The text as typed, so that a reload keeps it (unless the link could not hold it:
        # then the last good matrix's link stays).
        as_typed = AS_TYPED + typed
        links.put(link, as_typed if len(as_typed) <= links.MAX_VALUE_CHARS
                  else st.query_params.get(link))
        return st.session_state.get(last, parse_matrix(default, name=name))
    st.session_state[last] = values
    small = max(values.shape) <= TYPED_LINK_MAX
    # The cells exactly as typed: a reload or a shared link shows the same numbers.
    fits = links.put(link, encode_grid(matrix_cells(typed, name=name)) if small else None,
                     say=False)  # said beside the box
    if not small:
        where.caption(f"Larger than {TYPED_LINK_MAX} × {TYPED_LINK_MAX}: this {name} does not "
                      "travel in the page's link.")
    elif not fits:
        where.caption(f"Its cells are too long for a link (over {links.MAX_VALUE_CHARS:,} "
                      f"characters in all): this {name} does not travel in the page's link.")
    return values

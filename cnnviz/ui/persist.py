"""Keep a page's own inputs when the student visits another page and comes back.

Streamlit drops the state of every widget a run does not draw, so after a
visit to another page a page's inputs would fall back to their minimum values
and a data editor would lose its edits. Here each value is also copied to a
shadow key, which belongs to no widget and so survives:

- :func:`restore` gives a widget its last value (or a fallback) before it is drawn;
- :func:`remember` copies the current values after the widgets are drawn;
- :func:`fold_rows` puts an editor's last table back when its edits were dropped.

The shared settings use :func:`cnnviz.ui.state.keep` instead, which ``app.py``
runs on every page; these helpers serve page-specific inputs.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from . import state as k


def _shadow(key: str) -> str:
    return f"_kept_{key}"


def restore(key: str, fallback: Any) -> Any:
    """Give widget ``key`` its value from the last visit, else ``fallback``."""
    return k.default(key, st.session_state.get(_shadow(key), fallback))


def remember(*keys: str) -> None:
    """Store the current values of ``keys`` for the next visit."""
    for key in keys:
        if key in st.session_state:
            st.session_state[_shadow(key)] = st.session_state[key]


def remember_rows(rows_key: str, rows: list[dict]) -> None:
    """Store a data editor's current table (base rows with the edits applied)."""
    st.session_state[_shadow(rows_key)] = rows


def forget_rows(rows_key: str) -> None:
    """Drop the stored table (after the base rows were replaced, e.g. by a preset)."""
    st.session_state.pop(_shadow(rows_key), None)


def fold_rows(rows_key: str, version_key: str, editor_key: str) -> None:
    """If the editor under ``editor_key`` lost its edits, make its last table the base rows.

    The version is bumped so that a fresh editor (a new key) shows the table.
    """
    live = st.session_state.get(_shadow(rows_key))
    if editor_key in st.session_state or live is None or live == st.session_state[rows_key]:
        return
    st.session_state[rows_key] = live
    st.session_state[version_key] = st.session_state.get(version_key, 0) + 1

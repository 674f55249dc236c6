"""Widgets of the "Receptive field" page: the stack editor, the cell picker, the maps.

The stack lives in session state as editor rows; picking a preset replaces
them and bumps a version (the editor's key), and asks for the output cell to
be re-centred, since the last map's size changes with the stack.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from cnnviz.lessons.receptive_field import (
    COLUMNS,
    KINDS,
    MAX_LAYERS,
    PRESETS,
    Region,
    RFLayer,
    centre_cell,
    describe_level,
    preset_rows,
)
from cnnviz.plots.figures import grid_figure

from . import persist

PRESET, ROWS, VERSION = "rf_preset", "rf_rows", "rf_version"
ROW, COL, RECENTRE, SIZE = "rf_row", "rf_col", "rf_recentre", "rf_size"
CHANNELS, LAST_SHAPE = "rf_channels", "rf_last_shape"


def _load() -> None:
    st.session_state[ROWS] = preset_rows(st.session_state[PRESET])
    persist.forget_rows(ROWS)
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
    st.session_state[RECENTRE] = True


def editor_key() -> str:
    """Key of the current layer editor (a new one after every preset load)."""
    return f"rf_layers_{st.session_state.get(VERSION, 0)}"


def layer_editor() -> list[dict]:
    """Preset picker and the editable stack (type, k, s, p, d); returns the rows."""
    persist.restore(PRESET, "three_3x3")
    if ROWS not in st.session_state:
        _load()
    persist.fold_rows(ROWS, VERSION, editor_key())
    st.selectbox("Preset stack", list(PRESETS), key=PRESET, on_change=_load,
                 format_func=lambda name: PRESETS[name].title)
    rows = st.session_state[ROWS]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in COLUMNS[1:]:
        frame[col] = frame[col].astype("Int64")
    number = st.column_config.NumberColumn
    edited = st.data_editor(
        frame, key=editor_key(), num_rows="dynamic", hide_index=True, width="stretch",
        placeholder="—",
        column_config={
            "type": st.column_config.SelectboxColumn("type", options=KINDS, required=True,
                                                     help="conv, or max pool"),
            "k": number("k", min_value=1, max_value=11, step=1, help="Kernel (window) size."),
            "s": number("s", min_value=1, max_value=8, step=1, help="Stride; empty: 1."),
            "p": number("p", min_value=0, max_value=16, step=1, help="Padding; empty: 0."),
            "d": number("d", min_value=1, max_value=8, step=1, help="Dilation; empty: 1."),
        })
    st.caption(f"The first row is layer [1], the next [2], … Up to {MAX_LAYERS} layers: add a "
               "row at the bottom of the table, delete one by selecting it.")
    rows = edited.astype(object).where(edited.notna(), None).to_dict("records")
    persist.remember_rows(ROWS, rows)
    persist.remember(PRESET)
    return rows


def size_picker() -> int:
    """Longest side the image is shrunk to for this page."""
    persist.restore(SIZE, 32)
    size = st.select_slider("Work on the image at (longest side, pixels)",
                            options=(16, 24, 32, 48, 64), key=SIZE,
                            on_change=lambda: st.session_state.update({RECENTRE: True}),
                            help="At most 16: the maps show their numbers.")
    persist.remember(SIZE)
    return int(size)


def _centre(shape: tuple[int, int]) -> None:
    st.session_state[ROW], st.session_state[COL] = centre_cell(shape)


def cell_picker(shape: tuple[int, int]) -> tuple[int, int]:
    """Row and column of the output cell in the last map.

    Centred at first, after a preset or size change, and when the last map's
    shape changes (another image or stack) so that the cell no longer lies in it.
    """
    centre = centre_cell(shape)
    persist.restore(ROW, centre[0])
    persist.restore(COL, centre[1])
    moved = st.session_state.get(LAST_SHAPE) != tuple(shape)
    outside = st.session_state[ROW] >= shape[0] or st.session_state[COL] >= shape[1]
    if st.session_state.pop(RECENTRE, False) or (moved and outside):
        _centre(shape)
    st.session_state[LAST_SHAPE] = tuple(shape)
    a, b = st.columns(2)
    r = a.number_input("Output row", 0, 1023, key=ROW)
    c = b.number_input("Output col", 0, 1023, key=COL)
    persist.remember(ROW, COL)
    st.button("Centre cell", key="rf_centre", on_click=_centre, args=(shape,))
    return int(r), int(c)


def levels(maps: Sequence[np.ndarray], regions: Sequence[Region], counts: Sequence[np.ndarray],
           layers: Sequence[RFLayer]) -> None:
    """Every map with the rectangle of cells the output cell depends on, two per row.

    Two per row leaves room for the numbers that maps up to 16×16 show.
    """
    last = len(maps) - 1
    for start in range(0, len(maps), 2):
        for col, level in zip(st.columns(2, gap="large"), range(start, min(start + 2, len(maps))),
                              strict=False):
            region, values = regions[level], maps[level]
            name = "input a^[0]" if level == 0 else f"a^[{level}] after {layers[level - 1].label}"
            fig = grid_figure(values, title=name, digits=2, height=460,
                              highlight=[] if region.empty else [region.rect],
                              cells=[(region.rows[0], region.cols[0])] if level == last else [])
            col.plotly_chart(fig, key=f"rf_level_{level}")
            col.caption(describe_level(level, region, counts[level], values.shape,
                                       is_output=level == last))


def channels_input() -> int:
    """Channels in and out of every layer, for the parameter comparison."""
    persist.restore(CHANNELS, 1)
    box = st.columns(3)[0]
    channels = box.number_input("Channels C in and out of every layer (the lectures: 1)", 1, 512,
                                key=CHANNELS)
    persist.remember(CHANNELS)
    return int(channels)

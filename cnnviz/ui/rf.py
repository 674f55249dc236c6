"""Widgets of the "Receptive field" page: the stack editor, the cell picker, the maps.

The stack lives in session state as editor rows; picking a preset replaces
them and bumps a version (the editor's key), and asks for the output cell to
be re-centred, since the last map's size changes with the stack.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
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
    parse_layers,
    preset_rows,
)
from cnnviz.ui.cached import grid_figure

from . import charts, grid, links
from . import state as k

PRESET, STACK = "rf_preset", "rf_stack"
ROW, COL, RECENTRE, SIZE = "rf_row", "rf_col", "rf_recentre", "rf_size"
CHANNELS, LAST_SHAPE, CENTRED = "rf_channels", "rf_last_shape", "_rf_centred"
LAST_SIZE = "_rf_last_size"
DEFAULT = "three_3x3"
TABLE = grid.Rows("rf_rows", link=STACK, columns=COLUMNS, numeric=COLUMNS[1:],
                  check=parse_layers, max_rows=MAX_LAYERS)


def _load() -> None:
    TABLE.replace(preset_rows(st.session_state[PRESET]))
    st.session_state[RECENTRE] = True


def layer_editor() -> list[dict]:
    """Preset picker and the editable stack (type, k, s, p, d); returns the rows."""
    preset = links.select("Preset stack", list(PRESETS), key=PRESET, default=DEFAULT,
                          on_change=_load, format_func=lambda name: PRESETS[name].title)
    rows = TABLE.rows(lambda: preset_rows(preset))
    number = st.column_config.NumberColumn
    rows = TABLE.editor(rows, preset_rows(preset), {
        "type": st.column_config.SelectboxColumn("type", options=KINDS, required=True,
                                                 help="conv, or max pool"),
        "k": number("k", min_value=1, max_value=11, step=1, help="Kernel (window) size."),
        "s": number("s", min_value=1, max_value=8, step=1, help="Stride; empty: 1."),
        "p": number("p", min_value=0, max_value=16, step=1, help="Padding; empty: 0."),
        "d": number("d", min_value=1, max_value=8, step=1, help="Dilation; empty: 1."),
    })
    st.caption(f"The first row is layer [1], the next [2], … Up to {MAX_LAYERS} layers: add one "
               "with the button under the table, delete one with its ✕. An empty cell (—) "
               "takes its default.")
    return rows


def size_picker() -> int:
    """Longest side the image is shrunk to for this page."""
    size = st.select_slider("Work on the image at (longest side, pixels)",
                            options=(16, 24, 32, 48, 64), value=32, key=SIZE, **k.LINK,
                            help="At most 16: the maps show their numbers.")
    # A new size re-centres the cell (compared by hand: a link or a page switch
    # can change the value without a change event).
    if st.session_state.get(LAST_SIZE, size) != size:
        st.session_state[RECENTRE] = True
    st.session_state[LAST_SIZE] = size
    return int(size)


def _centre(shape: tuple[int, int]) -> None:
    st.session_state[ROW], st.session_state[COL] = centre_cell(shape)


def cell_picker(shape: tuple[int, int]) -> tuple[int, int]:
    """Row and column of the output cell in the last map.

    Centred at first, after a preset or size change, and when the last map's
    shape changes (another image or stack) so that the cell no longer lies in it.
    """
    if not st.session_state.get(CENTRED):  # the first visit starts in the middle
        st.session_state[CENTRED] = True
        _centre(shape)
    moved = st.session_state.get(LAST_SHAPE) != tuple(shape)
    outside = st.session_state[ROW] >= shape[0] or st.session_state[COL] >= shape[1]
    if st.session_state.pop(RECENTRE, False) or (moved and outside):
        _centre(shape)
    st.session_state[LAST_SHAPE] = tuple(shape)
    a, b = st.columns(2)
    r = a.number_input("Output row", 0, 1023, key=ROW, **k.LINK)
    c = b.number_input("Output col", 0, 1023, key=COL, **k.LINK)
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
                              picked=[(region.rows[0], region.cols[0])] if level == last else [])
            # A click on a cell of the last map follows that output cell.
            charts.chart(col, fig, key=f"rf_level_{level}",
                         on_pick=charts.pick_into(ROW, COL) if level == last else None)
            col.caption(describe_level(level, region, counts[level], values.shape,
                                       is_output=level == last))


FIRST = "rf_first"
FIRST_CHOICES = ("the region", "three 3×3 vs one 7×7")


def compare_first() -> bool:
    """Whether the page opens on "three 3×3 vs one 7×7" (lecture 003's example 7)."""
    return st.radio("Show first", FIRST_CHOICES, key=FIRST, horizontal=True, **k.LINK,
                    help="The lecture's comparison at the top of the page, for one screen "
                         "on a projector.") == FIRST_CHOICES[1]


def channels_input() -> int:
    """Channels in and out of every layer, for the parameter comparison."""
    box = st.columns(3)[0]
    channels = box.number_input("Channels C in and out of every layer (the lectures: 1)", 1, 512,
                                1, key=CHANNELS, **k.LINK)
    return int(channels)

"""Widgets of the "Shapes and parameters" page: the size calculator and the stack editor.

The stack lives in session state as editor rows; the app's layer table
(:meth:`cnnviz.ui.grid.Rows.editor`) shows them and keeps the user's edits
under a versioned key. Loading a preset replaces
the rows and bumps the version, which gives the editor a new key and so drops
the old edits (the same pattern as the kernel editor).
"""

from __future__ import annotations

from types import MappingProxyType

import pandas as pd
import streamlit as st

from cnnviz.lessons.formulas import size_latex
from cnnviz.lessons.networks import ARCHITECTURES
from cnnviz.lessons.shapes import (
    COLUMNS,
    COMPARISON_EXAMPLES,
    EXERCISES,
    KINDS,
    MODES,
    NUMERIC_COLUMNS,
    PAD_CHOICES,
    PADDINGS,
    Calculation,
    StackReport,
    architecture_rows,
    parse_stack,
)

from . import grid, links, presenter
from . import state as k

CALC_KEYS = MappingProxyType({"n": "shp_n", "f": "shp_f", "padding": "shp_pad", "p": "shp_p",
                              "stride": "shp_s", "dilation": "shp_d"})
PRESET, STACK = "shp_preset", "stack"
NUMERIC = NUMERIC_COLUMNS
SHAPE_KEYS = ("shp_nh", "shp_nw", "shp_nc")


def _check_rows(rows: list[dict]) -> None:
    """A linked stack must be one the editor could hold: known paddings, a valid stack."""
    for row in rows:
        if row["p"] is not None and row["p"] not in PADDINGS:
            raise ValueError(f"p must be one of {', '.join(PADDINGS)}, got {row['p']!r}")
    parse_stack(rows)


TABLE = grid.Rows("shp_rows", link=STACK, columns=COLUMNS, numeric=NUMERIC,
                  check=_check_rows)
LOG = "shp_log"
TITLES = MappingProxyType({"lenet5": "LeNet-5", "alexnet": "AlexNet", "vgg16": "VGG16"})


FIRST = "shp_first"
SECTIONS = ("output size", "dense vs convolution", "network")


def first_section() -> int:
    """Which of the page's three sections comes first (a lecture example's key result)."""
    return presenter.first_section(FIRST, SECTIONS)


def _exercise(name: str) -> None:
    for key, value in EXERCISES[name].items():
        st.session_state[CALC_KEYS[key]] = value


def calculator_inputs() -> dict:
    """The lectures' exercises as buttons, then n, f, padding, s, d; keyword args for calculate."""
    first = EXERCISES["10×10, f = 3, s = 2"]
    st.caption("The lectures' exercises:")
    for col, name in zip(st.columns(len(EXERCISES)), EXERCISES, strict=True):
        col.button(name, key=f"shp_ex_{list(EXERCISES).index(name)}", on_click=_exercise,
                   args=(name,), width="stretch")
    a, b, c, d = st.columns(4)
    n = a.number_input("Input n", 1, 512, first["n"], key=CALC_KEYS["n"], **k.LINK,
                       help="n_H = n_W = n here.")
    f = b.number_input("Filter f", 1, 31, first["f"], key=CALC_KEYS["f"], **k.LINK)
    s = c.number_input("Stride s", 1, 16, first["stride"], key=CALC_KEYS["stride"], **k.LINK)
    dil = d.number_input("Dilation d", 1, 8, first["dilation"], key=CALC_KEYS["dilation"],
                         **k.LINK)
    left, right = st.columns([2, 1])
    padding = left.radio("Padding", PAD_CHOICES, PAD_CHOICES.index(first["padding"]),
                         key=CALC_KEYS["padding"], horizontal=True, **k.LINK,
                         help="valid: p = 0. same: the output keeps ⌈n/s⌉. custom: p zeros on "
                              "each side.")
    p = right.number_input("p (custom)", 0, 32, first["p"], key=CALC_KEYS["p"], **k.LINK,
                           disabled=padding != "custom")
    return {"n": int(n), "f": int(f), "padding": padding, "p": int(p), "stride": int(s),
            "dilation": int(dil)}


def calculation(calc: Calculation) -> None:
    """The padding used, the filled-in formula, the floor explained, unread rows warned."""
    st.markdown(f"Padding $p$: {calc.pad[0]} before, {calc.pad[1]} after ({calc.padding}); "
                f"the padded input is {calc.padded} wide.")
    st.latex(size_latex(calc.formula))
    for note in calc.notes:
        st.markdown(note)
    for note in calc.unread_notes:
        st.warning(note)


def _load(name: str) -> None:
    TABLE.replace(architecture_rows(name))
    for key, value in zip(SHAPE_KEYS, ARCHITECTURES[name].input_shape, strict=True):
        st.session_state[key] = value


def stack_editor() -> tuple[tuple[int, int, int], list[dict], str]:
    """Preset picker, input shape and the editable stack; returns (shape, rows, preset)."""
    preset = links.select("Load a preset into the editor", list(TITLES), key=PRESET,
                          default="lenet5", format_func=TITLES.get,
                          on_change=lambda: _load(st.session_state[PRESET]))
    rows = TABLE.rows(lambda: architecture_rows(preset))
    st.caption(ARCHITECTURES[preset].source + " Dropout and torchvision's adaptive pool are left "
               "out: they change no shape and have no parameters here.")
    cols = st.columns(3)
    n_h, n_w, n_c = (int(col.number_input(label, 1, 2048, value, key=key, **k.LINK))
                     for col, label, key, value in zip(
                         cols, ("Input n_H", "Input n_W", "Input n_c"), SHAPE_KEYS,
                         # The preset's own input: a link naming only the preset fits it.
                         ARCHITECTURES[preset].input_shape, strict=True))
    cfg = st.column_config
    rows = TABLE.editor(rows, architecture_rows(preset), {
        "type": cfg.SelectboxColumn("type", options=KINDS, required=True),
        "filters/units": cfg.NumberColumn("filters/units", min_value=1, step=1,
                                          help="Filters n_c^[l] of a conv; units of a dense."),
        "f": cfg.NumberColumn("f", min_value=1, max_value=64, step=1,
                              help="Filter or pool window side."),
        "s": cfg.NumberColumn("s", min_value=1, max_value=32, step=1,
                              help="Stride; empty: 1 (conv) or f (pool)."),
        "p": cfg.SelectboxColumn("p", options=PADDINGS, help="Zeros per side."),
        "d": cfg.NumberColumn("d", min_value=1, max_value=16, step=1, help="Dilation."),
        "mode": cfg.SelectboxColumn("mode", options=MODES,
                                    help="Pool: max or avg. Activation: its function."),
    })
    return (n_h, n_w, n_c), rows, preset


def log_toggle() -> bool:
    """Linear or logarithmic axis for the parameters chart."""
    log = st.toggle("Logarithmic scale", key=LOG, **k.LINK,
                    help="Dense layers dwarf the convolutions; a log scale shows both.")
    return log


def report_table(report: StackReport) -> None:
    """The per-layer table, numbers with thousands separators."""
    number = st.column_config.NumberColumn
    table = report.table()
    st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3,
                 column_config={
        "l": number("l", width="small"),
        "parameters": number("parameters", format="localized"),
        "multiply-adds": number("multiply-adds", format="localized"),
        "activations": number("activations (values)", format="localized"),
        "float32": st.column_config.TextColumn("memory (float32)"),
    })


def totals(report: StackReport) -> None:
    """The totals as metrics."""
    items = report.totals()
    for col, (label, value) in zip(st.columns(len(items)), items.items(), strict=True):
        col.metric(label, value)


COUNTS = "shp_counts"
ALL_COUNTS = "all"


def counts_example() -> str | None:
    """Which example's counts the table shows (a lecture example: only its own rows)."""
    options = (ALL_COUNTS, *dict.fromkeys(COMPARISON_EXAMPLES))
    # links.select: the link holds "003.1", not the title Streamlit would write.
    name = links.select("Rows", options, key=COUNTS, default=ALL_COUNTS,
                        format_func=lambda o: ("all the lectures' counts" if o == ALL_COUNTS
                                               else f"lecture {o.replace('.', ', example ')}"))
    return None if name == ALL_COUNTS else name


def comparisons(rows: list[dict[str, str]]) -> None:
    """The lectures' comparisons as a static table, long descriptions wrapped."""
    st.table(pd.DataFrame(rows).set_index("what"))

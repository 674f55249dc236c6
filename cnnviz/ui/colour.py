"""Widgets and panels of the colour page: the R, G, B filter slices, one step, the bank.

Each slice is a :class:`~cnnviz.ui.grid.Grid` of cell texts (so "1/9" or a typo
survives a rerun as typed); the three share one version, so a preset or a
resize starts all three editors afresh.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnnviz.core import kernels
from cnnviz.core.codec import decode_number_grid, encode_grid
from cnnviz.core.text import format_table
from cnnviz.core.trace import ConvTrace, Step
from cnnviz.data import samples
from cnnviz.lessons import colour as volumes
from cnnviz.plots.figures import NUMBERS_MAX_SIDE, numbers_cell, numbers_width
from cnnviz.ui import presenter
from cnnviz.ui.cached import grid_figure

from . import charts, links, show, state
from .grid import Grid

MAX_F = 7
MAX_FILTERS = 16
NAMES = volumes.CHANNEL_NAMES
COLOURS = ("red", "green", "blue")

F = "cv_f"
PRESETS = tuple(f"cv_{n.lower()}" for n in NAMES)
VERSION = "colour_version"
GRIDS = tuple(Grid(f"colour_table_{n}", version=VERSION, editor=f"colour_editor_{n}")
              for n in NAMES)
ERROR = "colour_error"
BIAS, PAD, STRIDE = "cv_bias", "cv_p", "cv_s"
ROW, COL = "cv_row", "cv_col"
N_FILTERS = "cv_filters"
BANK = tuple(f"cv_bank{i + 1}" for i in range(MAX_FILTERS))
DEFAULT_SLICE = "vertical_edge"
DEFAULT_F = 3


def _title(name: str) -> str:
    return "All zeros" if name == "zeros" else kernels.KERNELS[name].title


def _load(tables: list[np.ndarray] | list[list[list[str]]]) -> None:
    """The three slices' new values (arrays) or cell texts; every editor starts afresh."""
    for grid, table in zip(GRIDS, tables, strict=True):
        grid.replace(table if isinstance(table, list) else format_table(table))


def _on_preset(c: int) -> None:
    GRIDS[c].load(volumes.slice_preset(st.session_state[PRESETS[c]], st.session_state[F]))


def _on_resize() -> None:
    f = st.session_state[F]
    try:
        tables = [volumes.fit_slice(kernels.kernel_from_table(g.current()), f) for g in GRIDS]
    except ValueError as err:
        st.session_state[ERROR] = f"{err}. Fix that cell first; f stays as it was."
        st.session_state[F] = len(st.session_state[GRIDS[0].name])
        return
    _load(tables)


def set_filter(weights: np.ndarray) -> None:
    """Replace the three slices by a (f, f, 3) filter (e.g. the lecture's)."""
    w = np.asarray(weights, dtype=np.float64)
    f = max(w.shape[:2])
    st.session_state[F] = f
    _load([volumes.fit_slice(w[:, :, c], f) for c in range(3)])


def use_example(item) -> None:
    """The Colour volumes page as a lecture's colour example sets it: its filter and cell.

    ``item`` is a :class:`~cnnviz.data.samples.LectureInput` or a sidebar ``Source``
    made from one (which knows no cell: (0, 0)).
    """
    set_filter(item.kernel)
    row, col = getattr(item, "cell", (0, 0))
    st.session_state.update({BIAS: float(item.bias), PAD: int(item.padding),
                             STRIDE: int(item.stride), ROW: row, COL: col})


def load_lecture() -> None:
    """The lectures' worked example: the 10 × 10 × 3 edge volume, its filter, cell (0, 3)."""
    st.session_state[state.SOURCE] = "Lecture"
    st.session_state[state.LECTURE] = "vertical_edge"
    set_filter(samples.LECTURE_INPUTS["vertical_edge"].kernel)
    st.session_state.update({BIAS: 0.0, PAD: 0, STRIDE: 1, ROW: 0, COL: 3})


def _init() -> None:
    st.session_state.setdefault(VERSION, 0)
    f = st.session_state.get(F, DEFAULT_F)
    for c, key in enumerate(PRESETS):
        # A preset from the link decides the slice's table (select() checks it again),
        # also over a lecture example's filter that the same link brought.
        if links.incoming(key) in volumes.SLICE_PRESETS:
            st.session_state[key] = links.incoming(key)
            st.session_state.pop(GRIDS[c].name, None)
        st.session_state.setdefault(key, DEFAULT_SLICE)
    for c, grid in enumerate(GRIDS):
        if not grid.exists():
            st.session_state[grid.name] = format_table(
                volumes.slice_preset(st.session_state[PRESETS[c]], f))
    tables = links.linked(links.SLICES, _slices_from_link)
    if tables is not None:
        st.session_state[F] = len(tables[0])
        _load(tables)


def _slices_from_link(text: str) -> list[list[list[str]]]:
    """The three f × f slices of a link, "r|g|b", each a grid "a,b;c,d" of numbers."""
    grids = text.split("|")
    if len(grids) != 3:
        raise ValueError(f"3 slices separated by '|' expected, got {len(grids)}")
    tables = [decode_number_grid(g, max_side=MAX_F) for g in grids]
    f = len(tables[0])
    if any(len(t) != f or len(t[0]) != f for t in tables):
        raise ValueError("the three slices must be f × f with the same f")
    return tables


def _slices_link(slices: list[np.ndarray]) -> str | None:
    """The slices in the link, unless each is what its preset box says."""
    f = len(slices[0])
    if all(np.array_equal(volumes.slice_preset(st.session_state[PRESETS[c]], f), slices[c])
           for c in range(3)):
        return None
    return "|".join(encode_grid(g.current()) for g in GRIDS)


def filter_editor() -> np.ndarray | None:
    """The filter size and the three slice editors; the (f, f, 3) filter, or None after errors."""
    _init()
    st.columns([1, 3])[0].number_input("Filter size f (the filter is f × f × 3)", 1, MAX_F,
                                       DEFAULT_F, key=F, on_change=_on_resize, **state.LINK)
    error = st.session_state.pop(ERROR, None)
    if error:
        st.error(error)
    slices = []
    for c, col in enumerate(st.columns(3, gap="medium")):
        name = NAMES[c]
        col.markdown(f"**Slice {name}**: meets the {COLOURS[c]} channel")
        links.select(f"Preset for slice {name}", volumes.SLICE_PRESETS, key=PRESETS[c],
                     default=DEFAULT_SLICE, where=col, on_change=_on_preset, args=(c,),
                     format_func=_title)
        table = GRIDS[c].cells(col, label=f"Slice {name}")
        try:
            slices.append(kernels.kernel_from_table(table))
        except ValueError as err:
            col.error(f"Slice {name}: {err}. Your other entries are kept.")
    if len(slices) != 3:
        links.put(links.SLICES, st.query_params.get(links.SLICES))  # the last good ones
        return None
    links.put(links.SLICES, _slices_link(slices))
    return np.stack(slices, axis=2)


def layer_controls(*, with_cell: bool = True) -> tuple[float, int, int, int | None, int | None]:
    """Bias, padding, stride and the output cell to explain: (b, p, s, row, col).

    Without ``with_cell`` the cell is picked elsewhere (:func:`cell_picker`, beside
    the sums in presenter mode) and row and column are None.
    """
    cols = st.columns(5)
    b = cols[0].number_input("Bias b", -1000.0, 1000.0, 0.0, step=1.0, key=BIAS, **state.LINK)
    p = cols[1].number_input("Padding p", 0, 8, 0, key=PAD, **state.LINK)
    s = cols[2].number_input("Stride s", 1, 8, 1, key=STRIDE, **state.LINK)
    if not with_cell:
        return float(b), int(p), int(s), None, None
    r, c = cell_picker(cols[3], cols[4])
    return float(b), int(p), int(s), r, c


def cell_picker(row_where, col_where) -> tuple[int, int]:
    """The output cell to explain: (row, column)."""
    r = row_where.number_input("Output row", 0, 4096, 0, key=ROW, **state.LINK)
    c = col_where.number_input("Output column", 0, 4096, 3, key=COL, **state.LINK)
    return int(r), int(c)


FIRST = "cv_first"
#: The page's sections: one output cell's sums, the filter's editor, the bank of filters.
SECTIONS = ("one output cell", "the filter", "the bank")
CELL, FILTER, BANK_SECTION = range(3)


def first_section() -> int:
    """Which section leads (a lecture example's key result, e.g. ``cv_first=the bank``)."""
    return presenter.first_section(FIRST, SECTIONS)


def bank_lines(lines, *, columns: int = 1) -> None:
    """The bank's shapes and parameter count, one line each, in ``columns`` columns."""
    cols = st.columns(columns) if columns > 1 else [st]
    per = -(-len(lines) // columns)
    for i, line in enumerate(lines):
        cols[i // per].markdown(f"**{line.label}**: ${line.latex}$")


SHOWN = "cv_show"  # presenter mode: the one channel shown beside its partial sum


def channel_switch(where) -> int:
    """Presenter mode's switch: which channel is shown beside its partial sum."""
    name = where.radio("Channel shown", NAMES, key=SHOWN, horizontal=True, **state.LINK,
                       help="One channel at a time with its numbers at full size (where "
                            "all three would print them smaller); the total adds all "
                            "three partial sums.")
    return NAMES.index(name)


#: Presenter mode at 1280 × 720: the sums' column (px) in the page's row
#: (:data:`cnnviz.ui.presenter.ROW`), and the height (px) the screen leaves a grid's
#: cells under the lecture's banner and the page's title.
SUMS_WIDTH, PRESENT_CELLS_HEIGHT = 180, 440
ONE_GRID = "cv_grid"  # presenter mode, when the row holds one grid: which one
ONE_GRIDS = ("Output z", "Input channel")


def presenter_columns(trace: ConvTrace | None) -> tuple[list, bool]:
    """Presenter mode's row: ``[grid, sums, grid]`` columns, and whether it holds one grid.

    The row is shared in the proportions the channel and the output need for their
    numbers to print at the presenter's size (:func:`cnnviz.plots.figures.numbers_width`,
    NUMBER_FIT's one rule). Where the two cannot both be that large beside the sums
    (lecture 004's padded 12 × 12 channel and its 10 × 10 map), the row holds one of
    them with its numbers, with a switch (:func:`grid_switch`), rather than shrink the
    numbers; the other goes small, in colours only, into the sums' column
    (:func:`one_channel`'s ``small``).
    """
    if trace is None:
        return presenter.share_row([360, SUMS_WIDTH, 400]), False
    need_in = numbers_width(trace.padded) if trace.padded.shape[0] <= 16 else 360
    need_out = numbers_width(trace.output) if max(trace.out_shape) <= 16 else 400
    if need_in + need_out + SUMS_WIDTH <= presenter.ROW:
        return presenter.share_row([need_in, SUMS_WIDTH, need_out]), False
    # numbers_width estimates the text's width; the browser measures it, a few px more.
    widest = min(max(need_in, need_out) + MEASURED, presenter.ROW - SUMS_WIDTH)
    grid, sums = presenter.share_row([widest, presenter.ROW - widest])
    return [grid, sums, grid], True


#: What the browser's measured numbers may need beyond numbers_width's estimate (px).
MEASURED = 16


def grid_switch(where) -> bool:
    """Presenter mode, one grid at a time: True to show the output, False the input channel."""
    return where.radio("Grid shown", ONE_GRIDS, key=ONE_GRID, horizontal=True, **state.LINK,
                       help="The channel and the output do not both fit beside the sums "
                            "with their numbers at a readable size: one has its numbers, "
                            "the other is small, in colours (its values under the "
                            "pointer).") == ONE_GRIDS[0]


def one_channel(trace: ConvTrace, step: Step | None, c: int, mapping: str, columns,
                shown: str = "both", small=None) -> None:
    """Presenter mode on one screen: channel ``c`` with the window, its partial sum and the
    total beside it, and the output with the cell (``columns``: :func:`presenter_columns`;
    ``shown``: ``"both"``, or ``"output"`` or ``"input"`` where the row holds one grid with
    its numbers: the other goes into ``small``, in colours only, its window or cell marked
    and its values in the read-out).
    The window's slice and products follow below the screen, at the same size rule."""
    name = NAMES[c]
    f_h, f_w = trace.geometry.kernel_shape
    rect = [] if step is None else [(int(step.rows[0]), int(step.cols[0]), f_h, f_w)]
    padded = "padded " if any(sum(p) for p in trace.geometry.padding) else ""
    left, mid, right = columns
    if shown == "output":
        left = small
    elif shown == "input":
        right = small
    # (the small one's title short: one line in the sums' column, more room for its cells)
    charts.chart(left, grid_figure(trace.padded[:, :, c],
                                   title=f"{name} channel" + ("" if shown == "output"
                                                              else f" ({padded}input)"),
                                   highlight=rect, colorbar=False,
                                   height=170 if shown == "output" else 300, width=360,
                                   show_numbers=False if shown == "output" else None),
                 key=f"colour_plane_{c}")
    cell = [] if step is None else [(step.out_row, step.out_col)]
    # The output is the key result. Lecture 004's padded map, ten rows of "-1204", needs
    # cells 53 px wide for its numbers at the presenter's size: 530 px of rows would run
    # past the screen's foot, so its cells are wider than tall there (``wide``).
    tall = trace.out_shape[0] * numbers_cell(trace.output) > PRESENT_CELLS_HEIGHT
    size = f"{trace.out_shape[0]} × {trace.out_shape[1]}"
    charts.chart(right, grid_figure(trace.output, title=f"Output z {size}" if shown == "input"
                                    else f"Output z: one map {size}",
                                    mapping=mapping, picked=cell, colorbar=False,
                                    height=(170 if shown == "input" else
                                            PRESENT_CELLS_HEIGHT if tall else 390),
                                    width=460, wide=tall,
                                    show_numbers=False if shown == "input" else None),
                 key="colour_output")
    if step is None:
        return
    with mid:
        # (the cell is the picker's, just above: one line each, so the total fits too)
        st.markdown(f"**Layer {name}**")
        show.sum_line(st, volumes.channel_equation(step, c))
        st.markdown("**Total**, the bias included")
        show.sum_line(st, volumes.total_equation(step))
    # The window, its slice of the filter and the products (written out in the sum above)
    # as grids below the screen: in the sums' narrow column their numbers would shrink.
    cols = st.columns(3, gap="small")
    panels = ((f"{name} window a", step.values[:, :, c], "abs"),
              (f"slice {name} of w", step.weights[:, :, c], "diverging"),
              ("products a · w", step.products[:, :, c], "diverging"))
    for j, (title, values, how) in enumerate(panels):
        charts.chart(cols[j], grid_figure(values, title=title, mapping=how,
                                          colorbar=False, height=190),
                     key=f"colour_step_{name}_{j}")


#: Off the projector at 1280 × 720, the page's row (px): the window less the sidebar and the
#: page's padding. Three channels that need more than this for their numbers at the
#: presenter's size (the size Step by step prints them at, see :func:`input_panels`) do
#: not share it equally.
NORMAL_ROW = 820


def input_panels(trace: ConvTrace, step: Step | None) -> None:
    """The (padded) R, G and B planes of the input, the window outlined on each.

    Where the three cannot print their numbers side by side as large as Step by step
    prints one channel (lecture 004's 10 × 10 × 3: 11-12 px at 1280 × 720, against 16),
    a switch picks the channel that does, in half the row, and the other two show their
    colours only (their values under the pointer), never smaller numbers.
    """
    f_h, f_w = trace.geometry.kernel_shape
    rect = [] if step is None else [(int(step.rows[0]), int(step.cols[0]), f_h, f_w)]
    padded = "padded " if any(sum(p) for p in trace.geometry.padding) else ""
    rows = trace.padded.shape[0]
    shown = None
    need = numbers_width(trace.padded) if max(trace.padded.shape[:2]) <= NUMBERS_MAX_SIDE else 0
    if 3 * need > NORMAL_ROW:
        shown = channel_switch(st)
    # The one with its numbers: half the row at least, more if its numbers need it.
    big = min(max(need, NORMAL_ROW // 2), NORMAL_ROW * 7 // 10)
    small = (NORMAL_ROW - big) // 2
    widths = [1, 1, 1] if shown is None else [big if c == shown else small for c in range(3)]
    for c, col in enumerate(st.columns(widths)):
        fig = grid_figure(trace.padded[:, :, c], title=f"{NAMES[c]} channel ({padded}input)",
                          highlight=rect, colorbar=False,
                          # the one printing its numbers as tall as its width lets its cells be
                          height=380 if shown is None else max(380, 100 + 48 * rows),
                          width=320 if presenter.on() else 260,  # three a row
                          show_numbers=None if shown in (None, c) else False)
        charts.chart(col, fig, key=f"colour_plane_{c}")


def output_needs_the_row(trace: ConvTrace) -> bool:
    """Off the projector: whether the output's numbers need more than half the row.

    Where they do (lecture 004's padded 10 × 10 map, ten rows of sums such as "-1204"),
    the map takes the row (:func:`output_panel`'s ``row``): in half of it, it showed its
    colours only, where its numbers are the lesson.
    """
    return (max(trace.out_shape) <= NUMBERS_MAX_SIDE
            and numbers_width(trace.output) > NORMAL_ROW // 2)


#: The cell side (px) of an output that takes the row: Step by step's largest
#: (cnnviz/ui/static/animator/grid.js, MAX_CELL), so its numbers print as large as there.
ROW_CELL = 56


def output_panel(trace: ConvTrace, step: Step | None, mapping: str, *,
                 row: bool = False) -> None:
    """The one output map of the filter, the explained cell marked (in half the row, or
    ``row``: the whole row, its cells as large as Step by step's)."""
    cell = [] if step is None else [(step.out_row, step.out_col)]
    fig = grid_figure(trace.output, title=f"Output z: one map {trace.out_shape[0]} × "
                      f"{trace.out_shape[1]}", mapping=mapping, picked=cell,
                      height=120 + ROW_CELL * trace.out_shape[0] if row else 380,
                      width=NORMAL_ROW if row else
                      480 if presenter.on() else 400)  # half the row
    # A click on a cell explains that cell (the "Output row" and "Output column" inputs).
    charts.chart(st, fig, key="colour_output", on_pick=charts.pick_into(ROW, COL))


def step_panels(step: Step) -> None:
    """Layer R, Layer G, Layer B: window, slice, products and partial sum; then the total."""
    for c, name in enumerate(NAMES):
        st.markdown(f"**Layer {name}**")
        cols = st.columns([1, 1, 1, 1.4])
        panels = ((f"{name} window a", step.values[:, :, c]),
                  (f"slice {name} of the filter w", step.weights[:, :, c]),
                  ("products a · w", step.products[:, :, c]))
        for j, (title, values) in enumerate(panels):
            # The window in black-to-white magnitude (not stretched: 0.78 and 0.79 look alike).
            how = "abs" if j == 0 else "diverging"
            fig = grid_figure(values, title=title, mapping=how, colorbar=False, height=230)
            charts.chart(cols[j], fig, key=f"colour_step_{name}_{j}")
        cols[3].markdown(f"Partial sum of layer {name}:")
        show.sum_line(cols[3], volumes.channel_equation(step, c))
    st.markdown(f"**Total** at output cell (row {step.out_row}, column {step.out_col}):")
    show.sum_line(st, volumes.total_equation(step))


def bank_picker() -> list[str]:
    """How many filters n_c^[l] and a preset for each; returns the preset names."""
    n = int(st.columns([1, 3])[0].number_input("Number of filters $n_c^{[l]}$", 1, MAX_FILTERS,
                                               4, key=N_FILTERS, **state.LINK))
    names = []
    cols = st.columns(4)
    for i in range(n):
        names.append(links.select(f"Filter {i + 1}", volumes.SLICE_PRESETS[1:], key=BANK[i],
                                  default=volumes.DEFAULT_BANK[i], where=cols[i % 4],
                                  format_func=_title))
    return names


def bank_maps(maps: np.ndarray, names: list[str], mapping: str) -> None:
    """One small heatmap per filter of the output volume, four per row (presenter mode:
    as many as the row holds with their numbers at the presenter's size)."""
    per_row = 4
    if presenter.on() and max(maps.shape[:2]) <= 16:
        per_row = int(np.clip(presenter.ROW // numbers_width(maps), 1, 4))
    for i, name in enumerate(names):
        if i % per_row == 0:
            cols = st.columns(per_row)
        fig = grid_figure(maps[:, :, i], title=f"Map {i + 1}: {_title(name)}", mapping=mapping,
                          colorbar=False, height=280)
        charts.chart(cols[i % per_row], fig, key=f"colour_map_{i}")

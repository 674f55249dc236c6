"""The kernel picker and editable grid, shared by the playground and the animation.

The kernel is a :class:`~cnnviz.ui.grid.Grid` of cell texts (so "1/9" or a typo
survives a rerun exactly as typed); buttons that replace the whole kernel start
its editor afresh.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnnviz.core import kernels
from cnnviz.core._checks import exact_sum
from cnnviz.core.codec import decode_number_grid, encode_grid
from cnnviz.core.text import format_number
from cnnviz.data import samples

from . import links
from . import state as k
from .grid import Grid

MAX_SIDE = 11
DEFAULT = "sharpen"
TABLE, ERROR = "kernel_table", "kernel_action_error"
GRID = Grid(TABLE, version="kernel_version", editor="kernel_editor")
LAST_GOOD = "kernel_last_good"  # the last kernel whose every cell was a number
BASE = "kernel_base"  # the preset the grid last started from
CUSTOM = "custom"  # the preset box's name for a kernel that is no preset


def _set_table(values: np.ndarray) -> None:
    GRID.load(values)
    name = _name_of(st.session_state[TABLE])
    if name != CUSTOM:  # what "Reset" goes back to after edits
        st.session_state[BASE] = name
    st.session_state[k.KERNEL_ROWS], st.session_state[k.KERNEL_COLS] = values.shape


def _set_cells(table: list[list[str]]) -> None:
    GRID.replace(table)
    st.session_state[k.KERNEL_ROWS], st.session_state[k.KERNEL_COLS] = len(table), len(table[0])


def set_kernel(values: np.ndarray) -> None:
    """Replace the kernel (e.g. with a lecture matrix's companion filter).

    A colour filter that repeats one slice on every channel is edited as that
    slice; one whose slices differ is reported on the page.
    """
    try:
        table = kernels.common_slice(values)
    except ValueError as err:
        st.session_state[ERROR] = str(err)
        return
    _set_table(table)


# What a lecture's one click replaces, so that "Back to my kernel" can put it back.
MINE = "kernel_before_lecture"
_LAYER_KEYS = (k.BIAS, k.ACTIVATION, k.PAD_KIND, k.PAD_TOP, k.PAD_BOTTOM, k.PAD_LEFT,
               k.PAD_RIGHT, k.PAD_MODE, k.STRIDE_H, k.STRIDE_W, k.DIL_H, k.DIL_W, k.FLIP,
               k.COLOUR_MODE, k.POOL_ON, k.POOL_MODE, k.POOL_SIZE, k.POOL_STRIDE)


def use_lecture(source, *, keep: frozenset[str] = frozenset(), remember: bool = True) -> None:
    """Load everything a lecture example computes with, flip off (a callback).

    A lecture example brings all of its settings, so nothing from the last
    example leaks into it: its filter (a pooling example: the 1 × 1 identity, so
    the map is the matrix itself), bias, padding and stride, no dilation, and
    pooling on exactly when the example pools (on the Playground and on the
    Pooling page). A bias in the lecture means the filter is read as a neuron,
    wᵀx + w0, followed by ReLU; a colour filter means one f×f×3 filter whose
    channels are summed (also loaded into the Colour volumes page's slices).
    The kernel and settings it replaces are kept for :func:`back_to_mine` if
    ``remember``; the settings named in ``keep`` (a link's own) are left as they are.
    """
    if not GRID.exists():  # chosen on a page without the kernel editor
        _set_table(kernels.get_kernel(DEFAULT))
    if MINE not in st.session_state and remember:
        st.session_state[MINE] = {
            "table": [list(row) for row in current_table()],
            **{key: st.session_state[key] for key in _LAYER_KEYS if key in st.session_state}}
    pooling = source.kernel is None
    if links.KERNEL not in keep:
        set_kernel(np.ones((1, 1)) if pooling else source.kernel)
    padding = 0 if pooling else int(source.padding)
    stride = 1 if pooling else int(source.stride)
    settings = {
        k.BIAS: float(source.bias), k.ACTIVATION: "relu" if source.bias else "none",
        # The lectures compute cross-correlation on zero padding, no dilation.
        k.FLIP: False, k.PAD_MODE: "zeros", k.PAD_KIND: "custom" if padding else "valid",
        **({key: padding for key in (k.PAD_TOP, k.PAD_BOTTOM, k.PAD_LEFT, k.PAD_RIGHT)}
           if padding else {}),
        k.STRIDE_H: stride, k.STRIDE_W: stride, k.DIL_H: 1, k.DIL_W: 1, k.POOL_ON: pooling}
    from . import stepper  # Step by step animates what the example computes
    settings[stepper.MODE] = "Pooling" if pooling else "Convolution"
    if pooling:
        settings.update({k.POOL_MODE: "max",
                         k.POOL_SIZE: int(getattr(source, "pool_size", None) or 2),
                         k.POOL_STRIDE: int(source.stride)})
    elif np.ndim(source.kernel) == 3:
        settings[k.COLOUR_MODE] = COLOUR_SUMMED
    for key, value in settings.items():
        if key not in keep:
            st.session_state[key] = value
    if pooling:
        from . import pooling as pool_ui  # the Pooling page's own controls
        pool_ui.use_example(source)
    elif np.ndim(source.kernel) == 3:
        from . import colour as colour_ui  # the Colour volumes page's filter slices
        colour_ui.use_example(source)


def use_lecture_named(name: str | None) -> None:
    """:func:`use_lecture` for the lecture matrix ``name`` (the sidebar's choice)."""
    item = samples.LECTURE_INPUTS.get(name or "")
    if item is not None:
        use_lecture(item)


def back_to_mine() -> None:
    """Undo the lecture's one click: the kernel and layer settings from before it."""
    mine = st.session_state.pop(MINE, None)
    if mine is None:
        return
    _set_cells(mine.pop("table"))
    for key in _LAYER_KEYS:
        if key in mine:
            st.session_state[key] = mine[key]


# Short, because a linked choice is written in the link as it reads.
COLOUR_EACH = "each channel"
COLOUR_SUMMED = "summed"


def colour_mode() -> bool:
    """On a colour image: True to sum the channels (one f×f×3 filter), False for per channel."""
    return st.radio(
        "A 2-D kernel on a colour image", (COLOUR_EACH, COLOUR_SUMMED), key=k.COLOUR_MODE,
        horizontal=True, **k.LINK,
        help="each channel: filter R, G and B on their own (what \"sharpen this photo\" "
             "means). summed: one f×f×3 filter whose channels' partial sums add up (what a "
             "CNN layer does).") == COLOUR_SUMMED


def _name_of(table: list[list[str]]) -> str:
    """The preset whose values the grid holds, else :data:`CUSTOM` (also for a bad cell).

    Some presets share their numbers (Prewitt x is Vertical edges): the one in
    the box wins, so a student who picks Prewitt x keeps seeing Prewitt x.
    """
    try:
        values = kernels.kernel_from_table(table)
    except ValueError:
        return CUSTOM
    chosen = st.session_state.get(k.KERNEL_PRESET)
    names = [chosen, *kernels.KERNELS] if chosen in kernels.KERNELS else kernels.KERNELS
    for name in names:
        preset = kernels.KERNELS[name]
        if preset.values.shape == values.shape and np.array_equal(preset.values, values):
            return name
    return CUSTOM


def _on_preset() -> None:
    if st.session_state[k.KERNEL_PRESET] != CUSTOM:
        _set_table(kernels.get_kernel(st.session_state[k.KERNEL_PRESET]))


def _on_resize() -> None:
    rows, cols = st.session_state[k.KERNEL_ROWS], st.session_state[k.KERNEL_COLS]
    # Keep the centre, as every page does; new cells start at 0.
    GRID.replace(kernels.resize_kernel(current_table(), (rows, cols)))


def _on_edit(action: str) -> None:
    try:
        current = kernels.kernel_from_table(current_table())
        if action == "normalise":
            new = kernels.normalise_kernel(current)
        elif action == "negate":
            new = kernels.negate(current)
        elif action == "transpose":
            new = kernels.transpose(current)
        elif action == "random":
            seed = st.session_state.get(GRID.version, 0)
            new = kernels.random_kernel(current.shape, seed=seed, integers=True)
        else:  # reset: the numbers of the preset the grid last started from
            new = kernels.get_kernel(st.session_state.get(BASE, DEFAULT))
    except ValueError as err:
        st.session_state[ERROR] = str(err)
        return
    _set_table(new)


def _on_generate() -> None:
    size, sigma = st.session_state[k.GEN_SIZE], st.session_state[k.GEN_SIGMA]
    gaussian = st.session_state[k.GEN_KIND] == "Gaussian"
    make = kernels.gaussian_kernel if gaussian else kernels.log_kernel
    try:
        _set_table(make(size, sigma))
    except ValueError as err:
        st.session_state[ERROR] = str(err)


def current_table() -> list[list[str]]:
    """The kernel's cell texts with the live editor's edits applied."""
    return GRID.current()


def _from_link(text: str) -> str | list[list[str]]:
    """The kernel a link brings: a preset's name, or its cells as "a,b;c,d" (checked)."""
    if text in kernels.KERNELS:
        return text
    return decode_number_grid(text, max_side=MAX_SIDE)


def _load_link() -> None:
    """Load the kernel a session's link brought, if any (refused with a notice if bad)."""
    value = links.linked(links.KERNEL, _from_link)
    if value is None:
        return
    if isinstance(value, str):
        st.session_state[k.KERNEL_PRESET] = value
        _set_table(kernels.get_kernel(value))
        return
    _set_cells(value)


def _to_link(table: list[list[str]]) -> str | None:
    """The kernel in the link: nothing for the default, a preset's name, else its cells."""
    name = _name_of(table)
    if name == CUSTOM:
        return encode_grid(table)
    return None if name == DEFAULT else name


def _init() -> None:
    if not GRID.exists():
        _set_table(kernels.get_kernel(DEFAULT))
    _load_link()


def linked_table() -> list[list[str]]:
    """The kernel's cell texts on a page without the editor, kept in that page's link.

    The Pooling page pools the Playground's feature map with this kernel: it
    must come from the link a session opens with, and go back into the link,
    or a shared link would pool another kernel's map.
    """
    _init()
    table = current_table()
    try:
        kernels.kernel_from_table(table)
    except ValueError:
        links.put(links.KERNEL, st.query_params.get(links.KERNEL))
    else:
        links.put(links.KERNEL, _to_link(table))
    return table


def last_good() -> np.ndarray:
    """The last kernel whose cells were all numbers (the default before any)."""
    return st.session_state.get(LAST_GOOD, kernels.get_kernel(DEFAULT))


BAD_CELL = ("A kernel cell is not a number yet (the kernel editor says which): the maps show "
            "the last good kernel until it is fixed.")


def kernel_editor() -> np.ndarray | None:
    """Draw the kernel picker and grid; return the kernel, or None after an error message.

    The cells the user typed are never lost: a bad cell is reported and stays
    in the grid for correction.
    """
    _init()
    # The box always names what is in the grid: a preset's name, or "custom".
    st.session_state[k.KERNEL_PRESET] = _name_of(current_table())
    preset = st.selectbox(
        "Kernel preset", [*kernels.KERNELS, CUSTOM], key=k.KERNEL_PRESET, on_change=_on_preset,
        format_func=lambda n: ("Custom: your own numbers" if n == CUSTOM
                               else kernels.KERNELS[n].title), **k.KEEP)
    st.caption("The numbers in the grid are your own." if preset == CUSTOM
               else kernels.KERNELS[preset].meaning)
    if MINE in st.session_state:
        st.button("Back to my kernel", key="kernel_back", on_click=back_to_mine,
                  icon=":material/undo:", help="The kernel and layer settings from before the "
                                               "lecture's example.")
    c1, c2 = st.columns(2)
    c1.number_input("Rows f_H", 1, MAX_SIDE, key=k.KERNEL_ROWS, on_change=_on_resize, **k.KEEP)
    c2.number_input("Columns f_W", 1, MAX_SIDE, key=k.KERNEL_COLS, on_change=_on_resize,
                    **k.KEEP)
    table = GRID.cells(label="Kernel")
    # A row that wraps: each label whole, at any width and in presenter mode's larger type.
    with st.container(horizontal=True, gap="small"):
        for action in ("normalise", "negate", "transpose", "random", "reset"):
            st.button(action.capitalize(), key=f"kernel_{action}", on_click=_on_edit,
                      args=(action,), width="content")
    with st.expander("Generate a Gaussian or Laplacian of Gaussian"):
        g1, g2, g3 = st.columns(3)
        g1.radio("Kind", ("Gaussian", "LoG"), key=k.GEN_KIND, **k.KEEP)
        g2.number_input("Size", 1, MAX_SIDE, 5, key=k.GEN_SIZE, **k.KEEP)
        g3.number_input("σ", 0.1, 10.0, 1.0, step=0.1, key=k.GEN_SIGMA, **k.KEEP)
        st.button("Use this kernel", key="kernel_generate", on_click=_on_generate)
    error = st.session_state.pop(ERROR, None)
    if error:
        st.error(error)
    try:
        values = kernels.kernel_from_table(table)
    except ValueError as err:
        st.error(f"{err}. Fix the cell; your other entries are kept.")
        # The link keeps the last good kernel until the cell is fixed.
        links.put(links.KERNEL, st.query_params.get(links.KERNEL))
        return None
    st.session_state[LAST_GOOD] = values
    links.put(links.KERNEL, _to_link(table))
    # exact_sum: a sum past float64 is ∞ here, with no NumPy overflow warning.
    st.caption(f"Kernel {values.shape[0]}×{values.shape[1]}, sum "
               f"{format_number(exact_sum(values), 3)}: {kernels.kind_of(values)}")
    return values

"""Widgets of the pooling page: the pool's hyperparameters, its input, the lecture example."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import streamlit as st

from cnnviz.core import kernels
from cnnviz.core.conv import conv2d
from cnnviz.data import samples
from cnnviz.plots.figures import numbers_width

from . import kernel as kernel_ui
from . import presenter
from . import state as k

MODE, KH, KW = "pl_mode", "pl_kh", "pl_kw"
SAME_STRIDE, SH, SW = "pl_same", "pl_sh", "pl_sw"
PH, PW = "pl_ph", "pl_pw"
FEATURE_MAP, CHANNEL, ROW, COL = "pl_fmap", "pl_ch", "pl_row", "pl_col"
LECTURE = "max_pool_4x4"
MODES = MappingProxyType(
    {"max": "max pooling: the largest value", "avg": "average pooling: the mean"})


def use_example(item: samples.LectureInput) -> None:
    """The Pooling page's controls as a lecture's pooling example sets them (a callback)."""
    size = int(getattr(item, "pool_size", None) or 2)
    st.session_state.update({MODE: "max", KH: size, KW: size,
                             SAME_STRIDE: int(item.stride) == size, SH: int(item.stride),
                             SW: int(item.stride), PH: 0, PW: 0, FEATURE_MAP: False,
                             ROW: 0, COL: 0})


def _load_lecture() -> None:
    st.session_state[k.SOURCE] = "Lecture"
    st.session_state[k.LECTURE] = LECTURE
    kernel_ui.use_lecture(samples.LECTURE_INPUTS[LECTURE])


def controls() -> dict:
    """Mode, size, stride and padding per axis; returns pool2d's keyword arguments."""
    st.button("The lectures' example: lecture 002's 4 × 4, 2 × 2 max pooling, stride 2",
              key="pooling_lecture", on_click=_load_lecture, icon=":material/school:")
    c = st.columns([1.4, 1, 1, 1, 1])
    mode = c[0].radio("Mode", tuple(MODES), key=MODE, **k.LINK,
                      help=" ".join(f"{m}: {d}." for m, d in MODES.items()))
    size = (int(c[1].number_input("Pool size rows k_H", 1, 16, 2, key=KH, **k.LINK)),
            int(c[2].number_input("Pool size cols k_W", 1, 16, 2, key=KW, **k.LINK)))
    padding = (int(c[3].number_input("Padding rows", 0, 8, 0, key=PH, **k.LINK,
                                     help="Cells added above and below; at most half the size.")),
               int(c[4].number_input("Padding cols", 0, 8, 0, key=PW, **k.LINK,
                                     help="Cells added left and right; at most half the size.")))
    c = st.columns([1.4, 1, 1, 2])
    # Short: at 1280 × 720 in presenter mode "(the default)" was cut off; the help says it.
    same = c[0].toggle("Stride s = pool size", True, key=SAME_STRIDE, **k.LINK,
                       help="On by default, as in the lectures: windows side by side, no "
                            "overlap. Switch off to choose the stride per axis.")
    stride = None
    if not same:
        stride = (int(c[1].number_input("Stride rows s_H", 1, 16, 2, key=SH, **k.LINK)),
                  int(c[2].number_input("Stride cols s_W", 1, 16, 2, key=SW, **k.LINK)))
    return {"size": size, "stride": stride, "padding": padding, "mode": mode}


def playground_kernel() -> tuple[np.ndarray, str]:
    """The playground's current kernel, or its default (Sharpen) if it has none or a bad cell."""
    default = kernels.get_kernel("sharpen")
    table = kernel_ui.linked_table()  # from the link, and kept in it
    try:
        values = kernels.kernel_from_table(table)
    except ValueError as err:
        return default, f"The playground's kernel has a bad cell ({err}); Sharpen is used."
    return values, f"The playground's kernel, {values.shape[0]} × {values.shape[1]}."


def pool_input(image: np.ndarray) -> tuple[np.ndarray, str] | None:
    """The map to pool: the image, or the playground's feature map (None after an error)."""
    if not st.toggle("Pool the playground's feature map instead of the image", key=FEATURE_MAP,
                     **k.LINK,
                     help="z = a ⋆ k with the playground's kernel k (valid, stride 1, bias 0)."):
        return image, "the image"
    values, note = playground_kernel()
    try:
        z = conv2d(image, values)
    except ValueError as err:
        st.error(f"The playground's kernel does not fit this image: {err}")
        return None
    st.caption(note + " Feature map z = a ⋆ k, valid, stride 1, no bias.")
    return z, "the feature map z"


def channel_picker(x: np.ndarray) -> tuple[int, str]:
    """Which channel of a colour map to show, and a title suffix naming it."""
    if x.ndim == 2:
        return 0, ""
    c = "RGB".index(st.radio("Channel shown", tuple("RGB"), key=CHANNEL, horizontal=True,
                             **k.LINK,
                             help="Pooling works on each channel on its own: n_c stays the same."))
    return c, f" (channel {'RGB'[c]})"


def window_picker() -> tuple[int, int]:
    """The output cell whose window is explained."""
    a, b = st.columns(2)
    return (int(a.number_input("Output row", 0, 4096, 0, key=ROW, **k.LINK)),
            int(b.number_input("Output column", 0, 4096, 0, key=COL, **k.LINK)))


#: Presenter mode: the side column (px) with the cell picker and the window's max(…).
SIDE = 210


def presenter_columns(plane: np.ndarray, out: np.ndarray, *, digits: int = 2) -> list:
    """Presenter mode's row: the input, the pooled map and the side column.

    Shared by what each grid needs for its numbers at the presenter's size
    (:func:`cnnviz.plots.figures.numbers_width`). Where the input's cannot be that large
    beside the output (a 16 × 16 photo's "0.78"), the output keeps its need and the
    input takes the rest: its numbers print where they fit, else its colours alone.
    """
    need_out = numbers_width(out, digits=digits) if max(out.shape) <= 16 else 340
    need_in = numbers_width(plane, digits=digits) if max(plane.shape) <= 16 else 400
    if need_in + need_out + SIDE > presenter.ROW:
        need_in = max(300, presenter.ROW - SIDE - need_out)
    return presenter.share_row([need_in, need_out, SIDE])

"""Widgets for the layer's hyperparameters; each returns plain core arguments.

Widget ranges never depend on other widgets (Streamlit would reset them);
impossible combinations are left to the core, whose ValueError the page shows.
"""

from __future__ import annotations

import streamlit as st

from cnnviz.core.activations import ACTIVATIONS
from cnnviz.core.conv import ConvSettings
from cnnviz.plots.display import MAPPINGS, auto_mapping

from . import presenter
from . import state as k

PAD_KINDS = ("valid", "same", "full", "custom")
PAD_MODES = ("zeros", "reflect", "replicate", "circular")


def _pair(label: str, key_h: str, key_w: str, lo: int, hi: int, help: str) -> tuple[int, int]:
    a, b = st.columns(2)
    h = a.number_input(f"{label} rows", lo, hi, 1, key=key_h, help=help, **k.LINK)
    w = b.number_input(f"{label} cols", lo, hi, 1, key=key_w, help=help, **k.LINK)
    return int(h), int(w)


def conv_settings(*, with_activation: bool = True) -> ConvSettings:
    """Padding, pad mode, stride, dilation, flip, bias and activation."""
    kind = st.radio("Padding p", PAD_KINDS, key=k.PAD_KIND, horizontal=True, **k.LINK,
                    help="valid: p = 0. same: output keeps ⌈n/s⌉. full: every partial overlap. "
                         "custom: cells per side.")
    padding: object = kind
    if kind == "custom":
        cols = st.columns(4)
        sides = []
        for col, key, name in zip(cols, (k.PAD_TOP, k.PAD_BOTTOM, k.PAD_LEFT, k.PAD_RIGHT),
                                  ("top", "bottom", "left", "right"), strict=True):
            sides.append(int(col.number_input(name, 0, 32, 1, key=key, **k.LINK)))
        padding = ((sides[0], sides[1]), (sides[2], sides[3]))
    pad_mode = st.selectbox("Pad with", PAD_MODES, key=k.PAD_MODE, **k.LINK,
                            help="zeros; reflect (mirror without the edge); replicate (copy the "
                                 "edge); circular (wrap around).")
    stride = _pair("Stride s", k.STRIDE_H, k.STRIDE_W, 1, 16, "How far the window moves per step.")
    dilation = _pair("Dilation d", k.DIL_H, k.DIL_W, 1, 8, "Spacing between the kernel's taps.")
    flip = st.toggle("Flip the kernel (true convolution)", key=k.FLIP, **k.LINK,
                     help="CNNs compute cross-correlation (no flip). Mathematics flips the kernel "
                          "by 180° first.")
    bias = st.number_input("Bias b", -1000.0, 1000.0, 0.0, step=0.1, key=k.BIAS, format="%.3f",
                           **k.LINK)
    activation, slope = "none", 0.01
    if with_activation:
        activation = st.selectbox("Activation", list(ACTIVATIONS), key=k.ACTIVATION, **k.LINK,
                                  help=" ".join(f"{n}: {d}" for n, d in ACTIVATIONS.items()))
        if activation == "leaky_relu":
            slope = st.number_input("Leaky slope", 0.0, 1.0, 0.1, step=0.01, key=k.SLOPE,
                                    **k.LINK)
    return ConvSettings(stride=stride, padding=padding, dilation=dilation, pad_mode=pad_mode,
                        flip=flip, bias=float(bias), activation=activation, slope=float(slope))


def pool_settings(*, optional: bool = True) -> dict | None:
    """Pooling mode, size and stride; None when pooling is switched off."""
    if optional:
        if not st.toggle("Pool after the activation", key=k.POOL_ON, **k.LINK):
            return None
    a, b, c = st.columns(3)
    mode = a.selectbox("Pooling", ("max", "avg"), key=k.POOL_MODE, **k.LINK)
    size = b.number_input("Pool size", 1, 16, 2, key=k.POOL_SIZE, **k.LINK)
    stride = c.number_input("Pool stride", 1, 16, 2, key=k.POOL_STRIDE, **k.LINK,
                            help="The lectures' default: equal to the pool size.")
    return {"size": int(size), "stride": int(stride), "mode": mode}


def mapping_picker(*, kernel_sum: float = 0.0, unit_input: bool = True) -> str:
    """How signed values become colours: never a silent clamp.

    "auto" picks by the kernel (see :func:`cnnviz.plots.display.auto_mapping`) and
    says which mapping it chose.
    """
    choice = st.radio("Show values as", ("auto", *MAPPINGS), key=k.MAPPING, horizontal=True,
                      **k.LINK,
                      help=" ".join(f"{n}: {d}" for n, d in MAPPINGS.items()))
    if choice != "auto":
        return choice
    chosen = auto_mapping(kernel_sum, unit_input)
    # Presenter mode: the name only (the figure's subtitle says what it did).
    st.caption(f"auto → **{chosen}**" + ("" if presenter.on() else f": {MAPPINGS[chosen]}"))
    return chosen

"""Widgets for the layer's hyperparameters; each returns plain core arguments.

Widget ranges never depend on other widgets (Streamlit would reset them);
impossible combinations are left to the core, whose ValueError the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from cnnviz.core.activations import ACTIVATIONS
from cnnviz.core.conv import ConvSettings as CoreConvSettings
from cnnviz.plots.display import MAPPINGS, auto_mapping

from . import state as k

PAD_KINDS = ("valid", "same", "full", "custom")
PAD_MODES = ("zeros", "reflect", "replicate", "circular")


class ConvSettings(CoreConvSettings):
    """:class:`cnnviz.core.conv.ConvSettings`, built as :func:`conv_settings` builds it.

    The type lives in the core; this adapter only keeps the widgets' call
    ``ConvSettings(conv_kwargs, bias, activation, slope)`` and the pages'
    ``cfg.conv`` (the keywords of :func:`cnnviz.conv2d`) working. New code can
    build the core type directly with named fields.
    """

    def __init__(self, conv: Mapping[str, Any] | None = None, bias: float = 0.0,
                 activation: str = "none", slope: float = 0.01, **fields: Any) -> None:
        super().__init__(**{**(conv or {}), **fields}, bias=bias, activation=activation,
                         slope=slope)

    @property
    def conv(self) -> dict[str, Any]:
        """Keyword arguments for conv2d (stride, padding, dilation, pad_mode, flip)."""
        return self.conv_kwargs


def _pair(label: str, key_h: str, key_w: str, lo: int, hi: int, help: str) -> tuple[int, int]:
    k.default(key_h, 1)
    k.default(key_w, 1)
    a, b = st.columns(2)
    h = a.number_input(f"{label} rows", lo, hi, key=key_h, help=help)
    w = b.number_input(f"{label} cols", lo, hi, key=key_w, help=help)
    return int(h), int(w)


def conv_settings(*, with_activation: bool = True) -> ConvSettings:
    """Padding, pad mode, stride, dilation, flip, bias and activation."""
    k.default(k.PAD_KIND, "valid")
    kind = st.radio("Padding p", PAD_KINDS, key=k.PAD_KIND, horizontal=True,
                    help="valid: p = 0. same: output keeps ⌈n/s⌉. full: every partial overlap. "
                         "custom: cells per side.")
    padding: object = kind
    if kind == "custom":
        cols = st.columns(4)
        sides = []
        for col, key, name in zip(cols, (k.PAD_TOP, k.PAD_BOTTOM, k.PAD_LEFT, k.PAD_RIGHT),
                                  ("top", "bottom", "left", "right"), strict=True):
            k.default(key, 1)
            sides.append(int(col.number_input(name, 0, 32, key=key)))
        padding = ((sides[0], sides[1]), (sides[2], sides[3]))
    k.default(k.PAD_MODE, "zeros")
    pad_mode = st.selectbox("Pad with", PAD_MODES, key=k.PAD_MODE,
                            help="zeros; reflect (mirror without the edge); replicate (copy the "
                                 "edge); circular (wrap around).")
    stride = _pair("Stride s", k.STRIDE_H, k.STRIDE_W, 1, 16, "How far the window moves per step.")
    dilation = _pair("Dilation d", k.DIL_H, k.DIL_W, 1, 8, "Spacing between the kernel's taps.")
    k.default(k.FLIP, False)
    flip = st.toggle("Flip the kernel (true convolution)", key=k.FLIP,
                     help="CNNs compute cross-correlation (no flip). Mathematics flips the kernel "
                          "by 180° first.")
    k.default(k.BIAS, 0.0)
    bias = st.number_input("Bias b", -1000.0, 1000.0, step=0.1, key=k.BIAS, format="%.3f")
    activation, slope = "none", 0.01
    if with_activation:
        k.default(k.ACTIVATION, "none")
        activation = st.selectbox("Activation", list(ACTIVATIONS), key=k.ACTIVATION,
                                  help=" ".join(f"{n}: {d}" for n, d in ACTIVATIONS.items()))
        if activation == "leaky_relu":
            k.default(k.SLOPE, 0.1)
            slope = st.number_input("Leaky slope", 0.0, 1.0, step=0.01, key=k.SLOPE)
    conv = {"stride": stride, "padding": padding, "dilation": dilation, "pad_mode": pad_mode,
            "flip": flip}
    return ConvSettings(conv, float(bias), activation, float(slope))


def pool_settings(*, optional: bool = True) -> dict | None:
    """Pooling mode, size and stride; None when pooling is switched off."""
    if optional:
        k.default(k.POOL_ON, False)
        if not st.toggle("Pool after the activation", key=k.POOL_ON):
            return None
    k.default(k.POOL_MODE, "max")
    k.default(k.POOL_SIZE, 2)
    k.default(k.POOL_STRIDE, 2)
    a, b, c = st.columns(3)
    mode = a.selectbox("Pooling", ("max", "avg"), key=k.POOL_MODE)
    size = b.number_input("Pool size", 1, 16, key=k.POOL_SIZE)
    stride = c.number_input("Pool stride", 1, 16, key=k.POOL_STRIDE,
                            help="The lectures' default: equal to the pool size.")
    return {"size": int(size), "stride": int(stride), "mode": mode}


def mapping_picker(*, kernel_sum: float = 0.0, unit_input: bool = True) -> str:
    """How signed values become colours: never a silent clamp.

    "auto" picks by the kernel (see :func:`cnnviz.plots.display.auto_mapping`) and
    says which mapping it chose.
    """
    k.default(k.MAPPING, "auto")
    choice = st.radio("Show values as", ("auto", *MAPPINGS), key=k.MAPPING, horizontal=True,
                      help=" ".join(f"{n}: {d}" for n, d in MAPPINGS.items()))
    if choice != "auto":
        return choice
    chosen = auto_mapping(kernel_sum, unit_input)
    st.caption(f"auto → **{chosen}**: {MAPPINGS[chosen]}")
    return chosen

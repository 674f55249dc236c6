"""The colour page's last section: a 1×1 convolution, and depthwise-separable vs standard.

Self-contained (its own widgets, keys ``sep_*``), drawn at the end of the page by
:func:`section`; the numbers come from :mod:`cnnviz.lessons.separable`.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnnviz.core.text import NUMBERS_MAX_SIDE
from cnnviz.lessons import separable as sep
from cnnviz.plots.figures import grid_figure, numbers_width

from . import charts, presenter, show
from . import state as k

__all__ = ["section"]


def section(volume: np.ndarray) -> None:
    """Both demonstrations on the page's (H, W, 3) volume."""
    present = presenter.on()  # projector size: its numbers by the presenter's rule
    st.header("1×1 convolutions and depthwise-separable layers")
    st.markdown(
        "A **1×1 convolution** has $f = 1$: each output value mixes one pixel's channels, "
        "$z = w_R R + w_G G + w_B B + b$, so it changes the depth $n_c$ and nothing else. "
        "Inception (lecture 002) uses 1×1 convolutions to shrink the depth before its "
        "expensive 3×3 and 5×5 ones.")
    mixes = list(sep.MIXES)
    maps = sep.pointwise(volume, np.array([sep.MIXES[m] for m in mixes]).T)
    h, w = volume.shape[:2]
    cols = _pair(maps[:, :, 0], maps[:, :, 1], present)
    for i, name in enumerate(mixes):
        charts.chart(cols[i], grid_figure(maps[:, :, i], title=f"1×1 filter {i + 1}: {name}",
                                          colorbar=False, height=280, present=present),
                     key=f"sep_mix_{i}")
    cy, cx = h // 2, w // 2
    st.caption(f"At the centre pixel ({cy}, {cx}), filter 1: "
               f"{sep.mix_equation(sep.MIXES[mixes[0]], volume[cy, cx])}. Output "
               f"{show.shape_text(maps.shape)}: same n_H and n_W, depth 3 → 2; "
               "(1·1·3 + 1)·2 = 8 parameters.")

    st.subheader("Depthwise-separable against standard, on this volume")
    st.markdown(
        "A standard layer's every filter is $f \\times f \\times n_c$. A **depthwise-separable** "
        "layer (MobileNet) first filters each channel on its own with one $f \\times f$ kernel "
        "(a depthwise convolution, groups $= n_c$), then mixes the channels with $F$ 1×1 "
        "filters (pointwise). Same output shape, a fraction of the cost: "
        "$\\frac{1}{F} + \\frac{1}{f^2}$ of the multiply-adds.")
    c1, c2, c3 = st.columns(3)
    f = int(c1.selectbox("Filter size f", (1, 3, 5, 7), index=1, key="sep_f", **k.KEEP))
    filters = int(c2.number_input("Output channels F", 1, 256, 16, key="sep_filters", **k.KEEP))
    pad = int(c3.number_input("Padding p", 0, 5, f // 2, key="sep_pad", **k.KEEP))
    try:
        cost = sep.costs(volume.shape, f=f, filters=filters, padding=pad)
        depth, separated = sep.separable(volume, f, filters, padding=pad)
        plain = sep.standard(volume, f, filters, padding=pad)
    except ValueError as err:
        st.error(f"This layer does not fit the volume ({show.shape_text(volume.shape)}): {err}")
        return
    rows = [
        {"layer": f"standard: {filters} filters {f}×{f}×{volume.shape[2]}",
         "output": show.shape_text(plain.shape), "parameters": f"{cost.standard.params:,}",
         "counted as": cost.standard.formula, "multiply-adds": f"{cost.standard.macs:,}",
         "multiply-adds as": cost.standard.macs_formula},
        {"layer": f"depthwise: {volume.shape[2]} kernels {f}×{f}, one per channel",
         "output": show.shape_text(depth.shape), "parameters": f"{cost.depthwise.params:,}",
         "counted as": cost.depthwise.formula, "multiply-adds": f"{cost.depthwise.macs:,}",
         "multiply-adds as": cost.depthwise.macs_formula},
        {"layer": f"pointwise: {filters} filters 1×1×{volume.shape[2]}",
         "output": show.shape_text(separated.shape), "parameters": f"{cost.pointwise.params:,}",
         "counted as": cost.pointwise.formula, "multiply-adds": f"{cost.pointwise.macs:,}",
         "multiply-adds as": cost.pointwise.macs_formula},
        {"layer": "depthwise-separable, in all", "output": show.shape_text(separated.shape),
         "parameters": f"{cost.depthwise.params + cost.pointwise.params:,}", "counted as": "",
         "multiply-adds": f"{cost.depthwise.macs + cost.pointwise.macs:,}",
         "multiply-adds as": f"{cost.ratio:.1%} of standard"},
    ]
    st.dataframe(rows, hide_index=True, key="sep_costs")
    left, right = _pair(plain[:, :, 0], separated[:, :, 0], present)
    charts.chart(left, grid_figure(plain[:, :, 0], title="Standard layer, output channel 1",
                                   colorbar=False, height=280, present=present),
                 key="sep_standard")
    charts.chart(right, grid_figure(separated[:, :, 0],
                                    title="Depthwise-separable, output channel 1",
                                    colorbar=False, height=280, present=present),
                 key="sep_separable")
    st.caption("Both with seeded random weights (the depthwise kernels are Sobel x, Sobel y and "
               "a blur, one per channel): the shapes and costs are the point, not the pictures.")


def _pair(a: np.ndarray, b: np.ndarray, present: bool) -> list:
    """Two grids side by side; in presenter mode one under the other where the row cannot
    hold both with their numbers at the presenter's size (NUMBER_FIT's rule)."""
    if not present or max(a.shape) > NUMBERS_MAX_SIDE:
        return st.columns(2)
    need = max(numbers_width(a), numbers_width(b))
    if 2 * need <= presenter.ROW:
        return presenter.share_row([need, need])
    return [presenter.share_row([need, max(1, presenter.ROW - need)])[0] for _ in range(2)]

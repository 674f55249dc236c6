"""Transposed convolution and dilation: undoing a stride, spreading the taps."""

import streamlit as st

from cnnviz.core.kernels import kernel_choices
from cnnviz.lessons.transposed import SMALL_INPUTS, dilation_view, step_lines, transposed_view
from cnnviz.ui import charts, later, links, router, settings, show, sources
from cnnviz.ui import state as k
from cnnviz.ui.cached import grid_figure
from cnnviz.ui.transposed import grid_row, matrix_editor, transpose_settings

router.ensure_routed()
st.title("Transposed convolution and dilation")
show.intro(
    "A convolution with stride $s > 1$ shrinks its input. A **transposed convolution** goes the "
    "other way: every input cell stamps a copy of the kernel, scaled by its value, into an "
    "output $s$ times larger, and overlapping copies add up. The lectures compute it with an "
    "ordinary convolution: insert zeros, pad, slide the kernel turned by 180°. **Dilation** "
    "spreads a kernel's taps $d$ apart, so a small kernel sees a larger region."
)
source = sources.image_source()

st.header("Transposed convolution: undoing a stride")
KERNELS = {n: (kern.title, kern.values) for n, kern in kernel_choices(4, 2).items()}
c1, c2, c3 = st.columns(3, gap="large")
with c1:
    x = matrix_editor("Input x", "tr_x", SMALL_INPUTS, "two", help="Pick a preset, then edit.")
with c2:
    kernel = matrix_editor("Kernel k", "tr_k", KERNELS, "box_ones_3")
with c3:
    hyper = transpose_settings(None if x is None else x.shape,
                               None if kernel is None else kernel.shape)

tv = None
if x is not None and kernel is not None:
    try:
        tv = transposed_view(x, kernel, **hyper)
    except ValueError as err:
        st.error(f"These settings do not give a transposed convolution: {err}")
if tv is not None:
    st.markdown("**Output size** of a transposed convolution, per axis:")
    for latex in tv.size_latex:
        st.latex(latex)
    steps = tv.steps
    st.markdown("\n".join(step_lines(tv.steps)))
    grid_row([(f"Input x: {show.shape_text(steps.x.shape)}", steps.x, {"height": 260}),
              (f"1. zeros inserted: {show.shape_text(steps.upsampled.shape)}", steps.upsampled,
               {"cells": tv.upsampled_cells, "height": 300}),
              (f"2. border added: {show.shape_text(steps.padded.shape)}", steps.padded,
               {"cells": tv.padded_cells, "show_numbers": True, "height": 380})],
             "tr_steps", widths=[1, 1, 1.5])
    grid_row([("Kernel k", kernel, {"height": 260, "digits": 3}),
              ("k turned by 180°", steps.turned_kernel, {"height": 260, "digits": 3}),
              (f"3. output: {show.shape_text(steps.output.shape)}", steps.output,
               {"show_numbers": True, "height": 360}),
              ("Direct scatter-add of x[i, j] · k", tv.direct,
               {"show_numbers": True, "height": 360})], "tr_result", widths=[1, 1, 1.6, 1.6])
    if tv.max_difference == 0:
        st.success("✓ The three steps give exactly the direct scatter-add: max |difference| = 0.")
    else:
        st.error(f"The steps and the direct scatter-add differ by up to {tv.max_difference:.3g}.")
    st.markdown("**Round trip**: a convolution with the same $f$, $s$, $p$ (and $d$) maps the "
                "output back to the input's shape:")
    for latex in tv.back_latex:
        st.latex(latex)
    if tv.maps_back:
        st.success(f"✓ Back to the input's shape {show.shape_text(tv.back_shape)}.")
    else:
        st.warning(f"Here it gives {show.shape_text(tv.back_shape)}, not the input's "
                   f"{show.shape_text(steps.x.shape)}: output_padding must be below the stride "
                   "for the round trip to hold.")

later.fold(height=1200)  # dilation lies below the first screen
st.header("Dilation: spreading the taps")
DIL = kernel_choices(5)
d1, d2, d3 = st.columns([1, 1, 1.3], gap="large")
name = links.select("Kernel", list(DIL), key="tr_dil_kernel", default="sobel_x", where=d1,
                    format_func=lambda n: DIL[n].title)
d = d1.number_input("Dilation d", 1, 4, 2, key="tr_dil_d", help="Spacing between the taps.",
                    **k.LINK)
if source is None:
    show.stop()
try:
    dv = dilation_view(source.image, DIL[name].values, d)
except ValueError as err:
    st.error(f"This dilated kernel does not fit the image: {err}")
    show.stop()
charts.chart(d2, grid_figure(dv.kernel, title="Kernel k", mapping="diverging", colorbar=False,
                            height=260), key="tr_dil_k")
charts.chart(d3, grid_figure(dv.dilated, title=f"Dilated kernel: the taps (magenta) {d} apart",
                            mapping="diverging", colorbar=False, cells=dv.taps, height=320),
                key="tr_dil_dilated")
st.markdown("Effective kernel size:")
st.latex(dv.effective_latex)
with d1:
    mapping = settings.mapping_picker(kernel_sum=dv.kernel_sum, unit_input=dv.unit_input)
grid_row([(f"Input a: {show.shape_text(dv.image.shape)}", dv.image, {"mapping": None}),
          (f"conv2d(a, k, dilation={d})", dv.by_dilation, {"mapping": mapping, "colorbar": True}),
          ("conv2d(a, dilated k)", dv.by_dilated_kernel, {"mapping": mapping, "colorbar": True})],
         "tr_dil_maps")
if dv.max_difference == 0:
    st.success("✓ Identical maps: max |difference| = 0. A dilated convolution is an ordinary "
               "convolution whose kernel has zeros between its taps.")
else:
    st.error(f"The two maps differ by up to {dv.max_difference:.3g}.")
show.shape_formulas(dv.geometry)

"""Convolution as a matrix multiplication: im2col, the banded weight matrix W, weight sharing."""

import streamlit as st

from cnnviz.core.kernels import kernel_choices
from cnnviz.lessons import matrix as mview
from cnnviz.plots.matrix import product_figure, window_figure
from cnnviz.ui import (
    cached,
    charts,
    grid,
    links,
    presenter,
    router,
    settings,
    show,
    sources,
)
from cnnviz.ui import state as k
from cnnviz.ui.cached import grid_figure

router.ensure_routed()
st.title("Convolution as a matrix multiplication")
show.intro(
    "A convolution is a matrix product. Unroll the input $a^{[l-1]}$ into a vector $x$ "
    "(row after row): then the feature map is $y = Wx + b$, where each row of the sparse, banded "
    "matrix $W$ holds the $f \\times f$ kernel at the pixels of one window. Or unroll every "
    "window into a row of the **im2col** matrix and multiply it by the unrolled kernel. "
    "A fully connected layer would learn every entry of $W$; the convolution learns only $f "
    "\\cdot f$ of them and repeats them (weight sharing)."
)

source = sources.image_source()
KERNELS = kernel_choices(mview.MAX_KERNEL_SIDE)
present = presenter.on()
# Presenter mode: the output cell's row of W, its window and the map first; settings below.
first, second = st.container(), st.container()
controls, results = (second, first) if present else (first, second)
with controls:
    c1, c2, c3 = st.columns(3, gap="large")
with c1:
    side = st.number_input("Input side (pixels, longest side)", 1, mview.MAX_SIDE, 6,
                           key="mx_side", **k.LINK,
                           help=f"The image is shrunk to this size; at most {mview.MAX_SIDE}: "
                                "W has one column per pixel.")
    name = links.select("Kernel", [*KERNELS, "typed"], key="mx_kernel", default="numbered_3",
                        format_func=lambda n: ("Type your own" if n == "typed"
                                               else KERNELS[n].title))
    if name == "typed":
        kernel = grid.typed_matrix("Your kernel: one row per line", key="mx_typed",
                                    link="mx_k", default="1 2\n3 4", name="kernel",
                                    max_side=mview.MAX_KERNEL_SIDE, height=110)
    else:
        kernel = KERNELS[name].values
        st.caption(KERNELS[name].meaning)
    charts.chart(st, grid_figure(kernel, title="Kernel k", mapping="diverging",
                                colorbar=False, height=200), key="mx_kernel_fig")
with c3:
    st.markdown("**Output cell to follow**")
    a, b = st.columns(2)
    row = a.number_input("Row r", 0, 63, 0, key="mx_row", **k.LINK)
    col = b.number_input("Column c", 0, 63, 0, key="mx_col", **k.LINK)
with c2:
    cfg = settings.conv_settings(with_activation=False)

if source is None:
    show.stop()
try:
    small = mview.small_input(source.image, side)
    mv = mview.matrix_view(small.values, kernel, settings=cfg)
except ValueError as err:
    st.error(f"These settings cannot be drawn as a matrix: {err}")
    show.stop()
cell = mv.cell(row, col)
with c3:
    if cell.note:
        st.warning(cell.note)
    if small.note:
        st.caption(small.note)
with controls:
    st.markdown(f"**Output size**: input {show.shape_text(mv.x.shape)}, kernel "
                f"{show.shape_text(mv.kernel.shape)}, padding {mv.geometry.padding}:")
    show.shape_formulas(mv.geometry)

with results:
    st.header("One output cell = one row of W = one row of im2col")
    st.markdown(f"Output cell $({cell.row}, {cell.col})$ is row $i = r \\cdot n_W^{{[l]}} + c = "
                f"{cell.index}$ of both matrices. Its window (amber) on the padded input "
                f"(the dashed line is the input's edge) and the sum it computes:")
    show.sum_line(st, f"y[{cell.index}] = {cell.sum_text}")
    w1, w2 = st.columns(2)
    height = 300 if present else 400
    charts.chart(w1, cached.figure(window_figure, mv.padded, cell.window, cell.taps,
                                  mv.geometry.padding,
                                  title=f"Padded input {show.shape_text(mv.padded.shape)}",
                                  height=height, present=present), key="mx_window")
    charts.chart(w2, grid_figure(mv.output, title=f"Feature map "
                                 f"{show.shape_text(mv.output.shape)}", mapping="diverging",
                                 picked=[(cell.row, cell.col)], height=height), key="mx_output",
                 on_pick=charts.pick_into("mx_row", "mx_col"))

st.header("y = W x + b: the weight matrix")
st.markdown("Each row of $W$ is the kernel laid on one window; the columns are the pixels of "
            "$x$ (drawn under $W$, so each column sits above its pixel). The magenta pixels are "
            "the ones row $i$ reads; white entries are zeros. Click a row to follow its "
            "output cell.")
charts.chart(st, cached.figure(
    product_figure, mv.weights, mv.x.ravel(), mv.by_matrix, row=cell.index,
    vector_cells=cell.pixels,
    title=f"W ({show.shape_text(mv.weights.shape)}) · x + b = y", names=("W", "x", "y"),
    row_names=mv.out_names, col_names=mv.pixel_names, blank_zeros=True, present=present),
    key="mx_w", on_pick=charts.pick_row_into("mx_row", "mx_col", mv.output_cell))

st.header("y = im2col(x) · k + b")
# Presenter mode: the text above and the figure across the page, so that its numbers
# print at the presenter minimum as everywhere else (in two-thirds of the row: 13 px).
i1, i2 = (st, st) if present else st.columns([1, 2], gap="large")
i1.markdown("Here the *input* is unrolled instead: row $i$ of im2col holds the pixels under "
            "window $i$ (padding included), in the order of the kernel's taps; the kernel "
            "becomes one vector." + (" With the flip on, that vector is the kernel turned by "
                                     "180°." if cfg.flip else ""))
charts.chart(i2, cached.figure(
    product_figure, mv.cols, mv.taps.ravel(), mv.by_im2col, row=cell.index,
    title=f"im2col ({show.shape_text(mv.cols.shape)}) · k + b",
    names=("im2col", "k", "y"), row_names=mv.out_names, col_names=mv.tap_ticks,
    col_ticks=mv.tap_ticks, max_width=820 if present else 560, present=present),
    key="mx_im2col",
    on_pick=charts.pick_row_into("mx_row", "mx_col", mv.output_cell))

st.header("Three ways, one result")
if mv.identical:
    st.success(f"✓ W x + b, im2col · k + b and the sliding window (conv2d) give the same "
               f"{mv.geometry.n_steps} outputs: max |difference| = {mv.max_difference:.2g} "
               "(anything below about 1e-12 is float64 rounding in the last digits).")
else:
    st.error(f"The three results differ: max |difference| = {mv.max_difference:.3g}.")
st.subheader("What W looks like")
st.markdown("\n".join(f"- {line}" for line in mview.fact_lines(mv.facts)))
st.subheader("Fully connected vs convolution")
st.markdown("\n".join(f"- {line}" for line in mview.param_lines(mv.params)))

"""Correlation vs convolution: the same kernel with and without its 180° turn."""

import streamlit as st

from cnnviz.core.kernels import flip, kernel_choices
from cnnviz.core.text import format_number
from cnnviz.lessons.correlation import compare_flip, impulse_response
from cnnviz.ui import charts, grid, later, links, router, settings, show, sources
from cnnviz.ui import state as k
from cnnviz.ui.cached import grid_figure, image_figure

router.ensure_routed()
st.title("Correlation vs convolution")
show.intro(
    "A CNN lays the kernel $k$ on each window of $a^{[l-1]}$ as it is and sums the products: "
    "that is **cross-correlation**, $a \\star k$, although every framework calls it "
    "convolution. Convolution as mathematics defines it, $a * k$, first turns the kernel by 180° "
    "(flips it on both axes). Pick a kernel and see when the turn changes the feature map."
)

source = sources.image_source()
KERNELS = kernel_choices(5)
TYPED = "typed"
c1, c2, c3 = st.columns([1.2, 1, 1], gap="large")
with c1:
    name = links.select("Kernel", [*KERNELS, TYPED], key="corr_kernel", default="asymmetric_3",
                        format_func=lambda n: ("Type your own" if n == TYPED
                                               else KERNELS[n].title),
                        help="Symmetric kernels (Gaussian, box, Laplacian, sharpen) give "
                             "identical maps; try Sobel or the asymmetric one.")
    if name == TYPED:  # the lectures' flip example to start with
        kernel = grid.typed_matrix("Your kernel: one row per line", key="corr_typed",
                                    link="corr_k", default="3 4 5\n1 0 2\n-1 9 7",
                                    name="kernel", max_side=11, height=110)
    else:
        kernel = KERNELS[name].values
        st.caption(KERNELS[name].meaning)
    padding = st.radio("Padding p", ("same", "valid"), key="corr_pad", horizontal=True, **k.LINK,
                       help="same: zeros around so that the map keeps the image's size.")
GRID = {"mapping": "diverging", "colorbar": False, "height": 240, "digits": 3}
charts.chart(c2, grid_figure(kernel, title="k (cross-correlation, CNN)", **GRID), key="corr_k")
charts.chart(c3, grid_figure(flip(kernel), title="k turned by 180° (convolution)", **GRID),
                key="corr_turned")
if source is None:
    show.stop()
try:
    fc = compare_flip(source.image, kernel, padding=padding)
except ValueError as err:
    st.error(f"This kernel does not fit this image: {err}")
    show.stop()
with c1:
    mapping = settings.mapping_picker(kernel_sum=fc.kernel_sum, unit_input=fc.unit_input)
if fc.identical:
    st.success(f"✓ {fc.explanation}")
else:
    st.info(fc.explanation)
if source.image.ndim == 3:
    st.caption("The colour image is compared in grey (mean of R, G, B): the flip acts on every "
               "channel in the same way.")

maps = st.columns(4)
charts.chart(maps[0], image_figure(fc.image, title=f"Input a: {show.shape_text(fc.image.shape)}"),
                     key="corr_input")
charts.chart(maps[1], grid_figure(fc.correlation, title="Cross-correlation a ⋆ k (CNN)",
                                 mapping=mapping), key="corr_corr")
charts.chart(maps[2], grid_figure(fc.convolution, title="Convolution a ∗ k (turned k)",
                                 mapping=mapping), key="corr_conv")
charts.chart(maps[3], grid_figure(fc.difference, title="Difference (a ∗ k) − (a ⋆ k)",
                                 mapping="diverging"), key="corr_diff")
st.metric("max |difference| between the two maps", format_number(fc.max_difference, 4),
          help="Computed over every cell of the two feature maps.")
st.markdown(f"**Output size** (the same for both maps), padding {fc.geometry.padding}:")
show.shape_formulas(fc.geometry)

later.fold(height=850)  # the why and the impulse response lie below the first screen
st.header("Why CNNs get away with it")
st.markdown(
    "- The kernel of a CNN is **learned**. If the best filter for a task is some $k$, a network "
    "computing true convolution would simply learn $k$ turned by 180° and produce the same "
    "feature map; skipping the turn saves work and changes nothing.\n"
    "- For a kernel designed by hand (Sobel, emboss, the lectures' edge filters), the turn "
    "matters: written for cross-correlation, it must be turned before a true-convolution "
    "routine such as `scipy.signal.convolve2d` gives the same result.\n"
    "- Symmetric kernels (Gaussian, box blur, Laplacian, sharpen) equal their own turn, so both "
    "operations agree exactly: pick one above and the difference map becomes 0 everywhere."
)

st.header("See the turn in the numbers: the impulse response")
demo = impulse_response(kernel)
st.markdown(
    "Filter an input that is 0 everywhere except for a single 1 (an *impulse*). Each output "
    "cell then holds the one kernel weight that lands on the 1: cross-correlation reads the "
    "kernel backwards and writes it out **turned by 180°**, convolution writes out the "
    "**kernel itself**. That is why mathematics defines convolution with the turn: the "
    "impulse response of a filter is then the filter."
)
panels = [(f"Impulse a: {show.shape_text(demo.impulse.shape)}", demo.impulse),
          ("a ⋆ k: k turned by 180°", demo.correlation), ("a ∗ k: k itself", demo.convolution)]
for i, (col, (title, values)) in enumerate(zip(st.columns(3), panels, strict=True)):
    charts.chart(col, grid_figure(values, title=title, **{**GRID, "height": 300}),
                     key=f"corr_impulse_{i}")

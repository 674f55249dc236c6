"""Receptive field: which input pixels one output cell depends on, layer by layer."""

import streamlit as st

from cnnviz.data.pixels import downscale
from cnnviz.lessons import receptive_field as rf
from cnnviz.ui import charts, later, router, show, sources
from cnnviz.ui import rf as ui
from cnnviz.ui.cached import grid_figure, image_figure

router.ensure_routed()
st.title("Receptive field")
show.intro(
    "One value of layer $[l]$ is computed from an $f \\times f$ window of layer $[l-1]$, and "
    "each of those from a window of layer $[l-2]$, and so on: stacked layers see a growing "
    "region of the input, the **receptive field**, $r = 1 + \\sum_l d_l (k_l - 1) "
    "\\prod_{i<l} s_i$. Pick an output cell and follow its region back to the image; then see "
    "why three $3 \\times 3$ convolutions beat one $7 \\times 7$."
)

source = sources.image_source()
first = ui.compare_first()
compare_top = st.container()  # "three 3×3 vs one 7×7" here when it comes first
controls, main = st.columns([1, 2], gap="large")
with controls:
    rows = ui.layer_editor()
    size = ui.size_picker()
if source is None:
    show.stop()
try:
    layers = rf.parse_layers(rows)
    image = downscale(source.image, size)
    maps = rf.feature_maps(image, layers)
except ValueError as err:
    controls.error(f"This stack cannot run: {err}. Your rows are kept; fix that layer.")
    show.stop()
with controls:
    cell = ui.cell_picker(maps[-1].shape)
    try:
        regions = rf.back_project(image.shape[:2], layers, cell)
    except ValueError as err:
        st.error(f"Pick another cell: {err}.")
        show.stop()
counts = rf.path_counts(image.shape[:2], layers, cell)
latex, r = rf.rf_formula(layers)
with main:
    field = regions[0]
    charts.chart(st, image_figure(image, title=f"Input {show.shape_text(image.shape)}: the "
                                 f"region output cell {cell} depends on",
                                 highlight=[] if field.empty else [field.rect], height=460),
                    key="rf_image")
    st.markdown(f"**Receptive field: {r} × {r}** input pixels (`cnnviz.receptive_field`): "
                "$r = 1 + \\sum_l d_l (k_l - 1) \\prod_{i<l} s_i$, layer by layer:")
    st.latex(latex)
    st.caption(rf.describe_level(0, field, counts[0], image.shape[:2]))

# The maps layer by layer lie below the first screen (and the comparison, unless it leads).
later.fold(when=not first, height=2400)
st.subheader("Layer by layer")
st.markdown("Each map of the stack, with the cells the chosen output cell depends on. Here every "
            "conv averages its window (weights $1/k^2$) and every pool takes the max: the weights "
            "change the values, never which cells are read. Colour images are averaged to grey.")
ui.levels(maps, regions, counts, layers)
if not field.empty:
    paths, note = st.columns([3, 2], gap="large")
    charts.chart(paths, grid_figure(rf.crop(counts[0], field), digits=0, height=440,
                                   title="Paths from each input pixel in the rectangle to the "
                                         "output cell"), key="rf_paths")
    note.markdown("**How much each pixel counts.** A path picks one tap in every layer's window; "
                  "the number of paths from a pixel to the output cell says how often its value "
                  "enters the sum. Pixels near the centre count most, so the *effective* "
                  "receptive field is smaller than the rectangle. 0 inside the rectangle: never "
                  "read (dilation or a stride larger than the window skips it).")

with compare_top if first else st.container():
    st.subheader("Why three 3×3 convolutions instead of one 7×7?")
    costs = rf.three_3x3_vs_7x7(ui.channels_input())
    centre = rf.centre_cell(image.shape[:2])
    for col, cost in zip(st.columns(2), costs, strict=True):
        seen = rf.back_project(image.shape[:2], cost.layers, centre)[0]
        charts.chart(col, image_figure(image, title=f"{cost.title}: sees "
                                       f"{cost.receptive_field} × {cost.receptive_field}",
                                       highlight=[seen.rect], height=260 if first else 360),
                     key=f"rf_cmp_{cost.relus}")
        col.metric("Parameters (with biases)", cost.params_text)
        col.latex(cost.formula)
        col.markdown(cost.relu_text)

"""Shapes and parameters: the size formula, the lectures' scale arguments, a layer-stack builder."""

import streamlit as st

from cnnviz.lessons import shapes
from cnnviz.plots import shapes as shape_plots
from cnnviz.ui import charts, later, presenter, router, show
from cnnviz.ui import shapes as ui

router.ensure_routed()
st.title("Shapes and parameters")
show.intro(
    "Each layer $[l]$ turns an $n_H^{[l-1]} \\times n_W^{[l-1]} \\times n_c^{[l-1]}$ volume into "
    "$n_H^{[l]} \\times n_W^{[l]} \\times n_c^{[l]}$, one axis at a time by "
    "$n^{[l]} = \\lfloor (n^{[l-1]} + 2p - f)/s \\rfloor + 1$, and a convolution layer learns "
    "$(f \\cdot f \\cdot n_c^{[l-1]} + 1) \\cdot n_c^{[l]}$ parameters whatever the image size. "
    "Work the formula out below, see why convolutions need so few parameters, then build a whole "
    "network and count its shapes, parameters and memory layer by layer."
)

first = ui.first_section()
boxes = [st.container() for _ in ui.SECTIONS]
order = [first] + [i for i in range(len(ui.SECTIONS)) if i != first]
box = {section: boxes[place] for place, section in enumerate(order)}

with box[0]:
    st.header("1. Output size of one layer")
    inputs, picture = st.columns([1, 1], gap="large")
    with inputs:
        args = ui.calculator_inputs()
    try:
        calc = shapes.calculate(**args)
    except ValueError as err:
        calc = None
        inputs.error(f"No output for these numbers: {err}")
    if calc is not None:
        with inputs:
            ui.calculation(calc)
        charts.chart(picture, shape_plots.coverage_figure(calc), key="shp_coverage")
        picture.caption("Each cell: how many window positions read it (row count × column "
                        "count); the real input is outlined. 0 = never read. Border pixels are "
                        "read less often than central ones; padding evens that out.")
    with st.expander("Valid vs same padding", expanded=True):
        st.markdown(
            "**Valid**: $p = 0$; the output shrinks by $f - 1$ (for $s = 1$). **Same**: pad so "
            "the output keeps the input size ($\\lceil n/s \\rceil$ with stride $s$). For "
            "$s = 1$ that takes $p = (f-1)/2$ zeros on each side, a whole number only for odd "
            "$f$: that is why odd filters are preferred (symmetric padding, a centre pixel), "
            "while an even $f$ needs one more zero on one side. For these numbers:")
        st.markdown(shapes.same_explanation(args["n"], args["f"], args["stride"],
                                            args["dilation"]))

# Sections 2 and 3 lie below the first screen, unless a link leads with one of them.
later.fold(when=first == 0, height=2800)
with box[1]:
    st.header("2. Dense against convolution: the lectures' counts")
    st.markdown("A dense layer connects every input to every neuron, so its size grows with the "
                "image; a convolution layer's filters are shared by all positions.")
    ui.comparisons(shapes.comparison_rows(ui.counts_example()))


def network() -> None:
    """Section 3; a stack that cannot run is a message, and the other sections still show."""
    st.header("3. Build a network")
    st.markdown("Edit the stack, one row per layer from the top (the first row is layer $[1]$; "
                "empty cells take the usual defaults), or load LeNet-5, AlexNet or VGG16 and "
                "change it. Add a layer with the button under the table; delete one with its ✕.")
    # Presenter mode: the totals and the layer table first, the editor below them.
    top, bottom = st.container(), st.container()
    results, editor = (top, bottom) if presenter.on() else (bottom, top)
    with editor:
        shape, rows, preset = ui.stack_editor()
    with results:
        try:
            report = shapes.analyse_stack(shape, shapes.parse_stack(rows))
        except ValueError as err:
            st.error(f"This stack cannot run: {err}. Your rows are kept; fix that layer.")
            return
        ui.totals(report)
        if shapes.follows_preset(rows, preset):  # not for a stack of another shape
            check = shapes.published_check(preset, report.total_params)
            (st.success if check.matches else st.info)(f"{ui.TITLES[preset]}: {check.message}")
        ui.report_table(report)
    st.caption("Multiply-adds: one example, conv and dense layers. Activations: the values each "
               "layer outputs for one example (float32: 4 bytes each). Receptive field: the "
               "input region one value of that layer sees.")
    charts.chart(st, shape_plots.params_figure(report, log=ui.log_toggle()), key="shp_params")
    with st.expander("Size formulas, layer by layer"):
        for label, latex in shapes.layer_formulas(report):
            st.markdown(label)
            st.latex(latex)


with box[2]:
    network()

"""Colour volumes and filter banks: one f × f × 3 filter step by step, then a bank of filters."""

import streamlit as st

from cnnviz.core.trace import ConvTrace
from cnnviz.lessons import colour as volumes
from cnnviz.ui import (
    cached,
    colour,
    downloads,
    later,
    presenter,
    router,
    separable,
    settings,
    show,
    sources,
)

router.ensure_routed()
st.title("Colour volumes and filter banks")
show.intro(
    "A colour image is a volume $a^{[l-1]}$ of shape $n_H \\times n_W \\times n_c$ with "
    "$n_c = 3$ channels (R, G, B). One filter has the same depth, $f \\times f \\times n_c$: each "
    "slice multiplies its own channel, the three partial sums plus the bias $b$ give **one** "
    "output value, so one filter gives one map. A bank of $n_c^{[l]}$ filters gives "
    "$n_c^{[l]}$ maps: the output volume, with $(f \\cdot f \\cdot n_c^{[l-1]} + 1) \\cdot "
    "n_c^{[l]}$ parameters to learn."
)

source = sources.image_source()
if source is None:
    show.stop()
try:
    volume, note = volumes.as_volume(source.image)
except ValueError as err:
    st.error(f"This image cannot be used as a colour volume: {err}")
    show.stop()
if note:
    st.info(note)
if source.note:
    st.info(source.note)

present = presenter.on()
# Presenter mode: one screen holds one channel beside its partial sum, the output, the cell
# picker and the total; the heading, the lecture button and the filter's editor go below.
# A lecture example whose key result is the filter or the bank puts that section first.
# In presenter mode the switch itself goes below the sections, off the first screen.
lead = None if present else colour.first_section()
places = [st.container() for _ in colour.SECTIONS]
if present:
    with st.container():
        lead = colour.first_section()
box = presenter.ordered_boxes(
    lead, [colour.CELL, colour.FILTER, colour.BANK_SECTION] if present
    else [colour.FILTER, colour.CELL, colour.BANK_SECTION], places)
controls, results = box[colour.FILTER], box[colour.CELL]
with controls:
    st.header("One filter over the three channels")
    st.button("The lectures' example: 10 × 10 × 3 volume, vertical-edge filter on every slice",
              key="colour_lecture", on_click=colour.load_lecture, icon=":material/school:")
    weights = colour.filter_editor()
    bias, pad, stride, row, col = colour.layer_controls(with_cell=not present)
    mapping = settings.mapping_picker(
        kernel_sum=0.0 if weights is None else volumes.gain(weights), unit_input=False)
with results:
    trace = None
    if weights is not None:
        try:
            trace = ConvTrace(volume, weights, bias, stride=stride, padding=pad)
        except ValueError as err:
            st.error(f"This filter does not fit this image: {err}")
    if present:
        # The switches and the cell picker above the sums, between the channel and the
        # output: the grids start at the top of the row.
        columns, one_grid = colour.presenter_columns(trace)
        grids, small = "both", None
        with columns[1]:
            switches = st.container()
            if one_grid:
                # The grid without its numbers goes small, beside the switches.
                switches, small = st.columns(2, gap="small")
                grids = "output" if colour.grid_switch(switches) else "input"
            shown = colour.channel_switch(switches)
            row, col = colour.cell_picker(*st.columns(2, gap="small"))
    if weights is not None:
        if trace is not None:
            try:
                step = trace.at(row, col)
            except ValueError as err:
                (columns[1] if present else st).warning(
                    f"No such output cell: {err}. Pick a row and column inside the map.")
                step = None
            if present:
                colour.one_channel(trace, step, shown, mapping, columns, grids, small)
                downloads.grid_exports(trace.output, name="Output map", mapping=mapping,
                                  key="colour_map")
            else:
                colour.input_panels(trace, step)
                # The output beside its shapes, or on a row of its own where its numbers
                # need more than half the row to print.
                row = colour.output_needs_the_row(trace)
                left, right = (st.container(), st.container()) if row else st.columns(2)
                with left:
                    colour.output_panel(trace, step, mapping, row=row)
                    downloads.grid_exports(trace.output, name="Output map", mapping=mapping,
                                      key="colour_map")
                with right:
                    st.markdown(f"Input {show.shape_text(volume.shape)} with one filter "
                                f"{show.shape_text(weights.shape)} → one map "
                                f"{show.shape_text(trace.out_shape)}:")
                    show.shape_formulas(trace.geometry)
                # The step's panels, the bank and the 1×1 section lie below the first screen.
                later.fold(when=lead != colour.BANK_SECTION, height=900)
                if step is not None:
                    colour.step_panels(step)

bank_first = present and lead == colour.BANK_SECTION
# The bank and the 1×1 section lie below the first screen unless a lecture example leads with it.
later.fold(when=lead != colour.BANK_SECTION, height=2300)
with box[colour.BANK_SECTION]:
    st.header("A bank of filters: the output volume")
    if not bank_first:
        st.markdown("Each filter below is a preset kernel put on **every** slice (R, G and B), "
                    "so it is $f \\times f \\times 3$. Each filter gives one map; stacking the "
                    "maps gives the output volume with $n_c^{[l]}$ channels, one per filter.")
    # Leading in presenter mode: the shapes and the maps on the first screen, the picker below.
    boxes = st.container(), st.container()
    shown, picked = boxes if bank_first else boxes[::-1]
    with picked:
        names = colour.bank_picker()
    try:
        bank, bank_note = volumes.bank_from_presets(names, n_c=3)
        maps = cached.conv2d(volume, bank, stride=stride, padding=pad)
    except ValueError as err:
        st.error(f"This bank does not fit this image: {err}")
        show.stop()
    with picked if bank_first else shown:
        if bank_note:
            st.caption(bank_note)
        st.caption(f"Same padding p = {pad} and stride s = {stride} as above; bias 0 for every "
                   "filter.")
    with shown:
        colour.bank_lines(volumes.bank_shapes(volume.shape, bank.shape[0], len(names),
                                              maps.shape[:2]), columns=3 if bank_first else 1)
    with shown:
        colour.bank_maps(maps, names, mapping)

# Self-contained last section (issue 21): 1×1 convolutions and depthwise-separable layers.
separable.section(volume)

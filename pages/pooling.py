"""Pooling: max and average over each channel, which cell wins each window, and the shape."""

import streamlit as st

import cnnviz
from cnnviz.core.pool import pool_geometry
from cnnviz.core.text import exact_digits
from cnnviz.core.trace import PoolTrace
from cnnviz.lessons import pooling
from cnnviz.plots.pooling import pool_figure
from cnnviz.ui import charts, downloads, presenter, router, settings, show, sources
from cnnviz.ui import pooling as pool_ui
from cnnviz.ui.cached import grid_figure, image_figure

router.ensure_routed()
st.title("Pooling")
show.intro(
    "A pooling layer slides a $k_H \\times k_W$ window with stride $s$ over **each channel on "
    "its own** and keeps the window's largest value (max pooling, the most common) or its mean "
    "(average pooling). It shrinks $n_H$ and $n_W$ with the same size formula as a convolution, "
    "keeps $n_c$, and has **no parameters to learn**: only hyperparameters (mode, size, stride). "
    "By default the stride equals the pool size, so the windows sit side by side."
)

source = sources.image_source()
present = presenter.on()
# Presenter mode: the maps, the window's max(…) and the cell picker on the first screen;
# the pool's settings below them.
first, second = st.container(), st.container()
controls, results = (second, first) if present else (first, second)
with controls:
    p = pool_ui.controls()
if source is None:
    show.stop()
with controls:
    picked = pool_ui.pool_input(source.image)
if picked is None:
    show.stop()
x, what = picked
try:
    geom = pool_geometry(x.shape, p["size"], stride=p["stride"], padding=p["padding"])
    pooled = cnnviz.pool2d(x, **p)
except ValueError as err:
    st.error(f"This pool does not fit {what} ({show.shape_text(x.shape)}): {err}")
    show.stop()
with controls:
    if source.note:
        st.info(source.note)
    st.info(
        f"**Nothing to learn**: pooling has 0 parameters. Its hyperparameters here: mode "
        f"**{p['mode']}**, size **{show.shape_text(geom.kernel_shape)}**, stride "
        f"**{show.shape_text(geom.stride)}**, padding **{show.shape_text(p['padding'])}**. "
        f"It pools every channel separately, so $n_c$ does not change: "
        f"{show.shape_text(x.shape)} → **{show.shape_text(pooled.shape)}**."
    )
    mapping = settings.mapping_picker(kernel_sum=pooling.display_sum(x),
                                      unit_input=pooling.in_unit_range(x))
with results:
    channel, label = pool_ui.channel_picker(x)
plane, out = show.plane(x, channel), show.plane(pooled, channel)

if pooling.is_small(x):
    trace = PoolTrace(plane, p["size"], stride=p["stride"], padding=p["padding"], mode=p["mode"])
    # A typed matrix's 0.876 is printed (and copied) as 0.876, not 0.88.
    digits = exact_digits(plane)
    with results:
        if present:
            left, right, side = pool_ui.presenter_columns(plane, out, digits=digits)
            with side:
                st.markdown(f"**{show.shape_text(x.shape)} → {show.shape_text(pooled.shape)}**, "
                            f"{p['mode']} {show.shape_text(geom.kernel_shape)}, stride "
                            f"{show.shape_text(geom.stride)}: pick an output cell.")
                row, col = pool_ui.window_picker()
            size = {"height": 420, "width": 400}
        else:
            st.markdown("**Which window?** Pick an output cell; its window is outlined in orange "
                        "on the input, every window is dotted, and each max-pooling winner is "
                        "boxed magenta.")
            row, col = pool_ui.window_picker()
            left, right = st.columns(2)
            size = {"height": 520}
        try:
            index = pooling.window_index(trace, row, col)
        except ValueError as err:
            st.warning(f"No such output cell: {err}.")
            index = None
        charts.chart(left, pool_figure(
            plane, trace, index, title=f"Input, {what}: {show.shape_text(plane.shape)}{label}",
            mapping=mapping, present=present, digits=digits, **size), key="pooling_in")
        charts.chart(right, grid_figure(
            out, title=f"{p['mode']} pooled {show.shape_text(out.shape)}{label}", digits=digits,
            mapping=mapping, highlight=[] if index is None else [(row, col, 1, 1)],
            **({"height": 420, "width": 340} if present else size)), key="pooling_out",
            on_pick=charts.pick_into(pool_ui.ROW, pool_ui.COL))
        if index is not None:
            where = side if present else st
            where.markdown(f"Window of output cell (row {row}, column {col}):")
            show.sum_line(where, pooling.window_equation(trace, index))
else:
    with results:
        st.caption("Each pooled pixel stands for one window of the input: zoom in (or pick a "
                   "larger pool, or a working size of 16 in the sidebar to see every window and "
                   "winner).")
        left, right = st.columns(2)
        charts.chart(left, grid_figure(
            plane, title=f"Input, {what}: {show.shape_text(plane.shape)}{label}",
            mapping=mapping), key="pooling_in_big")
        charts.chart(right, grid_figure(out, title=f"{p['mode']} pooled "
                                       f"{show.shape_text(out.shape)}{label}", mapping=mapping),
                     key="pooling_out_big")
        if x.ndim == 3 and pooling.in_unit_range(x):
            a, b = st.columns(2)
            charts.chart(a, image_figure(x, title="All three channels"), key="pooling_rgb_in")
            charts.chart(b, image_figure(pooled, title="Each channel pooled, recombined"),
                         key="pooling_rgb_out")

downloads.grid_exports(pooled, name="Pooled map", mapping=mapping, key="pooled_map")

st.subheader("Output size")
st.markdown("The same formula as a convolution, with the pool size in place of $f$:")
show.shape_formulas(geom, what="pool window")

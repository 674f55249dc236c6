"""Step by step: the window slides over the input, one output cell per step."""

import streamlit as st

from cnnviz.core.kernels import stack_channels
from cnnviz.core.pool import pool_geometry
from cnnviz.ui import (
    cached,
    charts,
    classroom,
    in_code,
    kernel,
    lectures,
    predict,
    presenter,
    router,
    settings,
    show,
    sources,
    state,
    stepper,
)
from cnnviz.ui.animator import animator
from cnnviz.ui.cached import image_figure

router.ensure_routed()
st.title("Step by step")
INTRO = (
    "Watch the layer compute: the $f \\times f$ window moves over the padded input $a^{[l-1]}$ "
    "with stride $s$; at each step the values under the window are multiplied by the kernel, "
    "summed, the bias $b$ is added, and the result fills one cell of the output. Press **Play** "
    "(or space), step with ← → (or a clicker's Page Down/Up), jump with Home/End, scrub the "
    "timeline, or click an output cell to see its window; **A** takes the keys there. On a "
    "colour image each channel's partial sum is shown, then the total."
)
# A lecture list's example: the banner above names it and the animation says its own keys,
# so the animation comes first and the intro goes under it with the settings (as in
# presenter mode). Off the projector at 1280 × 720, four lines of intro and the settings
# put 004.6a's animation below the first screen.
lecture_item = lectures.shown()
if not lecture_item:
    show.intro(INTRO)

source = sources.image_source()


@show.fragment
def step_by_step(source: sources.Source | None) -> None:
    """Settings and the animation: a setting, or the animation's report of where it rests,
    reruns only this part (not the sidebar), and the link follows."""
    if source is None:
        show.stop()
    # Presenter mode: the animation first, its settings below it.
    first, second = st.container(), st.container()
    # A student following a class too: what the teacher shows comes first (phones); and a
    # lecture list's example, whose settings are the example's.
    stage_first = presenter.on() or classroom.following() or lecture_item
    settings_box, stage = (second, first) if stage_first else (first, second)
    if lecture_item:
        with settings_box:
            show.intro(INTRO)
    with settings_box:
        grid_col, kernel_col, where_col = st.columns([1.2, 1.2, 0.8], gap="large")
    with grid_col:
        mode = st.radio("Animate", ("Convolution", "Pooling"), key=stepper.MODE, horizontal=True,
                        **state.LINK)
        grid, where, note = stepper.animation_grid(source.image, picture=source.picture)
    with where_col:
        if grid.shape[:2] != source.image.shape[:2]:
            charts.chart(st, image_figure(source.image, title="Where the grid sits", highlight=[
                (where.top, where.left, where.height, where.width)], height=240), key="anim_where")
    with kernel_col:
        if mode == "Convolution":
            with st.expander("Kernel", expanded=False):
                if source.kernel is not None:
                    st.button("Use this matrix's lecture settings", key="anim_lecture_kernel",
                              on_click=kernel.use_lecture, args=(source,),
                              help="Its kernel, bias, padding and stride, as in the lecture.")
                k = kernel.kernel_editor()
            with st.expander("Layer: padding, stride, dilation, flip, bias, activation"):
                cfg = settings.conv_settings()
        else:
            pool = settings.pool_settings(optional=False)
            if grid.ndim == 3:
                channel = st.radio("Channel (pooling works on each channel separately)",
                                   tuple("RGB"), key=stepper.CHANNEL, horizontal=True, **state.LINK)
                grid = show.plane(grid, "RGB".index(channel))

    with stage:
        try:
            if mode == "Convolution":
                if k is None:  # said here too: the editor may be folded away
                    st.error(kernel.BAD_CELL)
                    k = kernel.last_good()
                filt = stack_channels(k, grid.shape[2]) if grid.ndim == 3 else k
                geom = cfg.geometry(grid.shape, k.shape)
                payload = cached.conv_payload(grid, filt, cfg.bias, cfg.trace_kwargs)
            else:
                geom = pool_geometry(grid.shape, pool["size"], stride=pool["stride"])
                payload = cached.pool_payload(grid, pool)
        except ValueError as err:
            st.error(f"These settings do not fit this grid: {err}")
            show.stop("these settings do not fit this grid")
        # Animation first: with the settings (the animation's own summary line says the shapes).
        (settings_box if stage_first else st).caption(
            f"{note} Input {show.shape_text(grid.shape)} → output "
            f"{show.shape_text(geom.out_shape)}: **{geom.n_steps} "
            f"{'step' if geom.n_steps == 1 else 'steps'}**.")
        start, speed = stepper.start_and_speed(geom.n_steps)
        # The animation first, the Motion setting under it (a projector: with the settings).
        stage_slot = st.container()
        with settings_box if stage_first else st.container():
            motion = stepper.motion()
        with stage_slot:
            animator(payload, key=stepper.VIEW, start_step=start, goto=stepper.goto(geom.n_steps),
                     play=stepper.play(), playing=stepper.playing(), speed=speed, motion=motion,
                     on_change=stepper.on_view)
        stepper.remember_view()
        if mode == "Convolution":
            predict.predict_panel(grid, filt, cfg, geom.n_steps)
            classroom.offer_step(grid, filt, cfg, geom.n_steps)  # class mode: ask the room
            stepper.gif_button(grid, filt, cfg, geom.n_steps)
        with st.expander("Why this output size?"):
            show.shape_formulas(geom, what="window")
        if mode == "Convolution":
            in_code.code_panel(grid, filt, cfg, key="anim")


step_by_step(source)

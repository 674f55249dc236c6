"""Learn a kernel: gradient descent finds a hidden kernel from an image and its target output."""

import streamlit as st

from cnnviz.lessons import learn_kernel as lk
from cnnviz.plots.svgcharts import loss_svg, weights_svg
from cnnviz.ui import cached, charts, later, learning, links, router, settings, show, sources
from cnnviz.ui import state as k
from cnnviz.ui.cached import grid_figure, image_figure

router.ensure_routed()
st.title("Learn a kernel")
show.intro(
    "Why choose the filter numbers by hand? In deep learning the kernel's weights are "
    "**trainable**: the network learns them. Here a hidden kernel $k^*$ turns the image $a$ into a "
    "target map $y = a \\star k^* + b^*$. Starting from zeros (or small random numbers), "
    "**gradient descent** on the mean squared error $L = \\frac{1}{M}\\sum (z - y)^2$ of the "
    "output $z = a \\star k + b$ changes the kernel a little at each step, "
    "$k \\leftarrow k - \\eta\\, \\partial L / \\partial k$, until it finds $k^*$ again."
)

source = sources.image_source()
controls, main = st.columns([1, 2.6], gap="large")
with controls:
    target = links.select("Hidden target kernel k*", list(lk.TARGETS), key="lk_target",
                          default="sobel_x", format_func=lambda n: lk.TARGETS[n])
    seed = st.number_input("Seed (random kernel, random start, noise)", 0, 9999, 0,
                           key="lk_seed", **k.LINK)
    init = st.radio("Start from", ("zeros", "random"), key="lk_init", horizontal=True, **k.LINK,
                    help="random: small weights, normal with σ = 0.1, like a fresh layer.")
    lr = st.select_slider("Learning rate η", options=lk.LEARNING_RATES, value=1.0, key="lk_lr",
                          **k.LINK, help="The size of each step. Too large and the loss blows up.")
    momentum = st.select_slider("Momentum β", options=lk.MOMENTA, value=0.9, key="lk_beta",
                                **k.LINK, help="v ← βv − η∂L/∂k, k ← k + v. β = 0 is plain "
                                               "gradient descent; momentum keeps rolling along "
                                               "a long, narrow valley of the loss.")
    steps = st.number_input("Steps", 1, 2000, 500, step=50, key="lk_steps", **k.LINK)
    noise = st.select_slider("Noise added to the target (σ, % of the target's spread)",
                             options=lk.NOISE_PERCENT, value=0, key="lk_noise", **k.LINK)
    learn_bias = st.toggle("Learn a bias b too", value=True, key="lk_learn_b", **k.LINK)
    centre = st.toggle("Centre the input (subtract its mean)", value=True, key="lk_centre",
                       **k.LINK, help="Inputs are normalised before training: the brightness "
                                      "no longer drags the weights along, and descent is faster.")
    with st.expander("Padding, stride and the target's bias b* (as in the playground)"):
        conv = settings.conv_settings(with_activation=False)

if source is None:
    show.stop()
try:
    lesson = cached.kernel_lesson(source.image, target, lr=lr, steps=int(steps),
                                  momentum=momentum, settings=conv, learn_bias=learn_bias,
                                  init=init, noise_percent=noise, seed=int(seed),
                                  centre=centre)
except ValueError as err:
    st.error(f"This setting cannot run: {err}")
    show.stop("this setting cannot run")
run = lesson.run

with main:
    notes = lk.input_notes(source.image, centre=centre)
    top = st.columns([1.3, 1.3, 1])
    size = show.shape_text(lesson.image.shape)
    charts.chart(top[0], image_figure(lesson.image, title=f"Input a: {size}"), key="lk_input")
    charts.chart(top[1], grid_figure(lesson.target, title=f"Target y = a ⋆ k* + b*"
                                    f"{' + noise' if lesson.noise else ''}: "
                                    f"{show.shape_text(lesson.target.shape)}",
                                    mapping="diverging"), key="lk_target_map")
    charts.chart(top[2], grid_figure(lesson.target_kernel, title="Hidden kernel k*",
                                    mapping="diverging", colorbar=False, height=260, digits=3),
                        key="lk_kstar")
    top[2].caption(f"b* = {lesson.target_bias:g}. " + "; ".join(notes))
    if run.diverged_at is not None:
        st.error(lesson.blow_up_text(), icon=":material/trending_up:")
    else:
        st.success(lesson.summary(), icon=":material/check_circle:")
    st.caption(lk.stable_text(run))


def draw(t: int) -> None:
    """Everything that depends on the shown step t."""
    view = cached.kernel_step(lesson, t)
    m = st.columns(4)
    m[0].metric("Step t", f"{t} of {run.steps}")
    m[1].metric("Loss L", f"{view.loss:.4g}")
    m[2].metric("Largest |k − k*|", f"{view.max_error:.3g}")
    m[3].metric("Bias b (target b*)", f"{view.bias:.4g} ({lesson.target_bias:g})")
    g = st.columns(4)
    small = {"mapping": "diverging", "colorbar": False, "height": 260, "digits": 3}
    charts.chart(g[0], grid_figure(view.kernel, title=f"Kernel k at step {t}", **small),
                      key="lk_k")
    charts.chart(g[1], grid_figure(view.difference, title="k − k*", **small),
                      key="lk_kdiff")
    charts.chart(g[2], grid_figure(view.output, title=f"Output z = a ⋆ k + b: "
                                  f"{show.shape_text(view.output.shape)}", mapping="diverging",
                                  height=260), key="lk_z")
    charts.chart(g[3], grid_figure(view.error, title="Error δ = z − y", mapping="diverging",
                                  height=260), key="lk_err")

    st.subheader("The gradient is a cross-correlation of the input with the error")
    st.latex(lk.gradient_latex(lesson.settings.stride))
    explain, grad, used = st.columns([1.6, 1, 1])
    explain.markdown(lk.gradient_text(lesson, view))
    charts.chart(grad, grid_figure(view.gradient, title="∂L/∂k = (2/M)(a ⋆ δ), by conv2d",
                                  **small), key="lk_grad")
    charts.chart(used, grid_figure(run.gradients[t], title="∂L/∂k the run used (Xᵀδ)", **small),
                      key="lk_grad_run")
    curves = st.columns(2)
    charts.chart(curves[0], cached.figure(loss_svg, run.losses, current=t,
                                         diverged_at=run.diverged_at,
                                         best=run.optimum_loss if lesson.noise else None),
                           key="lk_loss")
    charts.chart(curves[1], cached.figure(weights_svg, run.kernels, lesson.target_kernel,
                                         current=t), key="lk_weights")


# The player, the step's maps, the gradient and the curves lie below the first screen.
later.fold(height=1300)
learning.player(run.steps, draw)

r"""What the learn-a-kernel page shows: gradient descent finding a hidden kernel.

"Why choose the filter numbers by hand? In deep learning the kernel
parameters are trainable." A hidden target kernel ``k*`` (Sobel x, a blur,
sharpen or a seeded random one) and bias ``b*`` make the target map
``y = a ⋆ k* + b*`` (plus noise if asked) from the image ``a``; gradient
descent on the mean squared error starts from zeros or small random weights
and finds ``k*`` again. :func:`run_lesson` computes the whole run once
(:func:`cnnviz.core.descent.descend`); :func:`step_view` opens any step: the
kernel, the output ``z`` (:func:`cnnviz.conv2d`), the error ``δ = z − y`` and
the gradient, computed as the page says it is, the cross-correlation of the
input with the error (:func:`cnnviz.core.descent.kernel_gradient`), next to
the chain-rule gradient the run used.

>>> from cnnviz.data import samples
>>> a = samples.load_photo("camera", mode="gray", max_side=64)
>>> lesson = run_lesson(a, "sobel_x", lr=1.0, steps=400, momentum=0.9)
>>> lesson.converged_at is not None and lesson.converged_at <= 400
True
>>> view = step_view(lesson, lesson.run.steps)
>>> bool(view.gradient_check < 1e-12), view.max_error < 1e-3
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from threadpoolctl import threadpool_limits

from cnnviz.core._checks import as_int
from cnnviz.core.conv import ConvSettings, conv2d
from cnnviz.core.descent import BLOW_UP, Descent, descend, kernel_gradient, mse
from cnnviz.core.kernels import kernel_choices, random_kernel
from cnnviz.core.text import format_number
from cnnviz.data.pixels import downscale
from cnnviz.lessons.shapes import _sci

__all__ = [
    "LEARNING_RATES",
    "MAX_SIDE",
    "MOMENTA",
    "NOISE_PERCENT",
    "TARGETS",
    "TOLERANCE",
    "KernelLesson",
    "StepView",
    "gradient_latex",
    "gradient_text",
    "input_notes",
    "prepare_input",
    "run_lesson",
    "stable_text",
    "step_view",
    "target_kernel",
]

#: The hidden kernels to choose from: name → title ("random" is seeded).
TARGETS: Mapping[str, str] = MappingProxyType({
    "sobel_x": "Sobel x (vertical edges)",
    "box_blur_3": "Blur (box 3×3, all 1/9)",
    "sharpen": "Sharpen",
    "random": "Random 3×3 (uniform in [−1, 1], seeded)",
})
#: Images are shrunk to this longest side: hundreds of steps stay instant.
MAX_SIDE = 128
#: "Recovered" means every weight within this of the target.
TOLERANCE = 1e-3
#: The page's choices: learning rates η, momenta β, noise σ (% of the target's spread).
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0)
MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
NOISE_PERCENT = (0, 1, 5, 10, 25, 50)


def target_kernel(name: str, seed: int = 0) -> np.ndarray:
    """The hidden kernel ``k*`` by name (see :data:`TARGETS`).

    >>> target_kernel("sobel_x")
    array([[ 1.,  0., -1.],
           [ 2.,  0., -2.],
           [ 1.,  0., -1.]])
    >>> target_kernel("random", seed=1).shape
    (3, 3)
    """
    if name not in TARGETS:
        raise ValueError(f"target must be one of {sorted(TARGETS)}, got {name!r}")
    if name == "random":
        return random_kernel(3, seed=as_int(seed, "seed", minimum=0))
    return np.array(kernel_choices(3, 3)[name].values)


def prepare_input(image: np.ndarray, *, centre: bool = True) -> tuple[np.ndarray, list[str]]:
    """The grey input ``a`` the kernel is learned on, and notes on what was done.

    Colour is averaged to grey; the image is shrunk to :data:`MAX_SIDE`; with
    ``centre`` its mean is subtracted, as inputs are normalised before
    training (it takes the image's brightness out of the way of the weights:
    the loss bowl gets rounder and descent faster).

    >>> a, notes = prepare_input(np.ones((4, 4, 3)))
    >>> a.shape, float(a.mean()), notes[0]
    ((4, 4), 0.0, 'colour averaged to grey (mean of R, G, B)')
    """
    arr = np.asarray(image, dtype=np.float64)
    notes = []
    if arr.ndim == 3:
        arr = arr.mean(axis=2)
        notes.append("colour averaged to grey (mean of R, G, B)")
    if max(arr.shape) > MAX_SIDE:
        old = arr.shape
        arr = downscale(arr, MAX_SIDE)
        notes.append(f"shrunk from {old[0]}×{old[1]} to {arr.shape[0]}×{arr.shape[1]}")
    if centre:
        mean = float(arr.mean())
        arr = arr - mean
        notes.append(f"centred: its mean {format_number(mean, 3)} subtracted")
    return arr, notes


@dataclass(frozen=True)
class KernelLesson:
    """One run: the input, the hidden kernel, the target map and every step of descent."""

    image: np.ndarray
    target_kernel: np.ndarray
    target_bias: float
    target: np.ndarray
    clean_target: np.ndarray
    noise: float  # σ of the noise added to the target, in output units
    settings: ConvSettings
    learn_bias: bool
    run: Descent

    @property
    def converged_at(self) -> int | None:
        """The first step with every weight (and the learned bias) within TOLERANCE of k*, b*."""
        err = np.abs(self.run.kernels - self.target_kernel).max(axis=(1, 2))
        err = np.maximum(err, np.abs(self.run.biases - self.target_bias))
        hits = np.flatnonzero(err < TOLERANCE)
        return int(hits[0]) if len(hits) else None

    def blow_up_text(self) -> str | None:
        """Why the run stopped early, in numbers; None if it did not blow up."""
        run = self.run
        if run.diverged_at is None:
            return None
        limit = run.curvature.stable_lr(run.momentum)
        beta = "(1 + β)" if run.momentum else ""
        how = f"with momentum β = {format_number(run.momentum, 3)} " if run.momentum else ""
        return (f"The loss blew up at step {run.diverged_at}: the learning rate η = "
                f"{format_number(run.lr, 4)} is too large. On this image gradient descent "
                f"{how}is stable only for η < 2{beta}/λ_max = {limit:.3g} (λ_max = "
                f"{run.curvature.lam_max:.3g}, the steepest curvature of the loss "
                "bowl): each step overshoots the bottom by more than it corrects. Lower η. "
                + self._stop_text())

    def _stop_text(self) -> str:
        """Where and why the plots stop: a loss that is no number, or the run's size limit."""
        run, last = self.run, self.run.diverged_at - 1
        if run.stop_loss is None or not math.isfinite(run.stop_loss):
            return f"The plots stop at step {last}, the last whose loss is a finite number."
        limit = _sci(BLOW_UP).removeprefix("1·")  # 10⁸
        return (f"The plots stop at step {last}: at step {run.diverged_at} the loss reached "
                f"{_sci(run.stop_loss)}, still a finite number but more than {limit} times its "
                f"first value ({format_number(run.losses[0], 4)}), the size at which this page "
                "stops a run.")

    def summary(self) -> str:
        """How close the run got, in one or two sentences."""
        run = self.run
        err = float(np.abs(run.kernels[-1] - self.target_kernel).max())
        text = (f"After {run.steps} steps the largest |k − k*| is {err:.2g}.")
        if self.converged_at is not None:
            text += f" Every weight was within {TOLERANCE:g} of k* from step {self.converged_at}."
        if self.noise > 0:
            best = float(np.abs(run.optimum - self.target_kernel).max())
            gap = float(np.abs(run.kernels[-1] - run.optimum).max())
            text += (" With noise on the target no kernel fits exactly: the best possible "
                     f"(least squares) differs from k* by up to {best:.2g}, and descent heads for "
                     f"it (now {gap:.2g} away).")
        return text


def run_lesson(
    image: np.ndarray, target: str, *, lr: float, steps: int, momentum: float = 0.9,
    settings: ConvSettings | None = None, learn_bias: bool = True, init: str = "zeros",
    noise: float = 0.0, seed: int = 0, centre: bool = True,
) -> KernelLesson:
    """Make the target from the hidden kernel and run gradient descent on it.

    Parameters
    ----------
    image : numpy.ndarray
        (H, W) or (H, W, 3); see :func:`prepare_input`.
    target : str
        A key of :data:`TARGETS`.
    lr, steps, momentum, learn_bias, init :
        As in :func:`cnnviz.core.descent.descend`.
    settings : ConvSettings, optional
        Padding, stride, dilation, pad mode, flip, and the target's bias ``b*``.
    noise : float
        Standard deviation of the Gaussian noise added to the target, as a
        fraction of the clean target's standard deviation (0 to 1).
    seed : int
        Seeds the random target kernel, the random start and the noise.
    centre : bool
        Subtract the image's mean first.

    Raises
    ------
    ValueError
        Naming the argument (from the core, or ``noise`` outside [0, 1]).
    """
    cfg = settings or ConvSettings()
    if not (isinstance(noise, int | float) and 0 <= noise <= 1):
        raise ValueError(f"noise must be a fraction from 0 to 1, got {noise!r}")
    a, _ = prepare_input(image, centre=centre)
    k_star = target_kernel(target, seed)
    clean = conv2d(a, k_star, cfg.bias, **cfg.conv_kwargs)
    sigma = float(noise) * float(clean.std())
    y = clean
    if sigma:
        y = clean + np.random.default_rng(seed).normal(0.0, sigma, clean.shape)
    # The descent learns its own bias: its settings carry only the geometry.
    run = descend(a, y, k_star.shape, lr=lr, steps=steps, momentum=momentum,
                  learn_bias=learn_bias, init=init, seed=seed,
                  settings=ConvSettings(**cfg.conv_kwargs))
    return KernelLesson(a, k_star, cfg.bias, y, clean, sigma, cfg, learn_bias, run)


@dataclass(frozen=True)
class StepView:
    """Step ``t`` of a run, recomputed with the core: what the page draws."""

    t: int
    kernel: np.ndarray
    bias: float
    output: np.ndarray
    error: np.ndarray
    gradient: np.ndarray
    bias_gradient: float
    loss: float
    gradient_check: float  # max |cross-correlation gradient − chain-rule gradient|
    max_error: float  # the largest |k − k*|
    difference: np.ndarray  # k − k*


def step_view(lesson: KernelLesson, t: int) -> StepView:
    """Open step ``t`` (0 … steps) of the run.

    The output is :func:`cnnviz.conv2d` with the step's kernel and bias, and
    the gradient is the cross-correlation of the input with the error
    (:func:`cnnviz.core.descent.kernel_gradient`); ``gradient_check`` is its
    distance to the gradient the run itself used.
    """
    t = as_int(t, "t", minimum=0)
    if t > lesson.run.steps:
        raise ValueError(f"t must be at most {lesson.run.steps}, got {t}")
    cfg = lesson.settings
    k = lesson.run.kernels[t]
    b = float(lesson.run.biases[t])
    # conv2d adds one BLAS axpy per tap, and the error map as a kernel has thousands of
    # taps: one thread, so that two do not wait for each other on a busy machine.
    with threadpool_limits(1, user_api="blas"):
        z = conv2d(lesson.image, k, b, **cfg.conv_kwargs)
        err = z - lesson.target
        g, gb = kernel_gradient(lesson.image, err, k.shape,
                                settings=ConvSettings(**cfg.conv_kwargs))
    check = float(np.abs(g - lesson.run.gradients[t]).max())
    if lesson.learn_bias:
        check = max(check, abs(gb - float(lesson.run.bias_gradients[t])))
    diff = k - lesson.target_kernel
    return StepView(t, k, b, z, err, g, gb, mse(z, lesson.target), check,
                    float(np.abs(diff).max()), diff)


def gradient_latex(stride: tuple[int, int]) -> str:
    r"""The gradient formula in the lectures' notation, with the stride written in.

    >>> "s = 1" in gradient_latex((1, 1))
    False
    """
    sh, sw = stride
    rows = "y" if sh == 1 else f"{sh}y"
    cols = "x" if sw == 1 else f"{sw}x"
    # Two aligned lines: on one line the formula is wider than a laptop's page
    # and KaTeX makes it a scroll box that a keyboard cannot reach.
    return (r"\begin{aligned}\frac{\partial L}{\partial k_{ij}} &= \frac{2}{M}\sum_{y,x} "
            rf"\delta_{{yx}}\, a_{{{rows}+i,\,{cols}+j}} = \frac{{2}}{{M}}\,"
            r"(a \star \delta)_{ij}, \\ "
            r"\frac{\partial L}{\partial b} &= \frac{2}{M}\sum_{y,x}\delta_{yx}\end{aligned}")


def stable_text(run: Descent) -> str:
    """The learning rates that work on this image, from the loss bowl's curvature."""
    c = run.curvature
    limit = c.stable_lr(run.momentum)
    kappa = "∞" if math.isinf(c.condition) else f"{c.condition:.3g}"
    return (f"Loss bowl: curvature λ_max = {c.lam_max:.3g}, λ_min = {c.lam_min:.3g}, so "
            f"κ = λ_max/λ_min = {kappa}. Stable for η < {limit:.3g}"
            + (" (2(1 + β)/λ_max)" if run.momentum else " (2/λ_max)") + ".")


def input_notes(image: np.ndarray, *, centre: bool) -> list[str]:
    """What :func:`prepare_input` did to this image, for a caption."""
    return prepare_input(image, centre=centre)[1]


def gradient_text(lesson: KernelLesson, view: StepView) -> str:
    """Why the gradient is a cross-correlation, with this run's numbers (Markdown)."""
    m = view.error.size
    (sh, sw), (dh, dw) = lesson.settings.stride, lesson.settings.dilation
    apart = "" if (sh, sw) == (1, 1) else f", its cells {sh} × {sw} apart (the stride)"
    picks = "" if (dh, dw) == (1, 1) else f"; every {dh}th × {dw}th cell of the result is a tap"
    turned = " Flip is on, so the result is turned by 180° back to k." if lesson.settings.flip \
        else ""
    return (f"Weight $k_{{ij}}$ multiplies, in each of the $M = {m}$ windows, the input pixel "
            f"at offset $(i, j)$; so $\\partial L/\\partial k_{{ij}}$ adds up the error "
            f"$\\delta$ times exactly those pixels. That is a cross-correlation: the error map "
            f"slides over the (padded) input as if it were the kernel{apart}{picks}, giving one "
            f"number per weight, then times $2/M$.{turned}\n\n"
            f"Computed that way with `conv2d` (left grid) and as the run computed it, the "
            f"matrix product $X^\\top\\delta$ of the unrolled windows (im2col, right grid): "
            f"they agree to {view.gradient_check:.1e}. The bias gradient is "
            f"$\\frac{{2}}{{M}}\\sum\\delta$ = {view.bias_gradient:.3g}.")

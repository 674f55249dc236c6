r"""Learning one kernel by gradient descent: the lectures' turning point in miniature.

A hidden target kernel ``k*`` (and bias ``b*``) turns an image ``a`` into a
target map ``y = a ⋆ k* + b*`` (plus noise, if asked). Starting from zeros or
small random weights, gradient descent on the mean squared error

.. math:: L(k, b) = \frac{1}{M} \sum_{y,x} (z_{yx} - y_{yx})^2, \qquad z = a \star k + b

over the ``M`` output cells finds the kernel again. Its gradient is itself a
cross-correlation, of the (padded) input with the output error
``δ = z − y``:

.. math:: \frac{\partial L}{\partial k_{ij}} = \frac{2}{M} \sum_{y,x} δ_{yx}\,
          a_{ys+i,\,xs+j} = \frac{2}{M} (a \star_s δ)_{ij}, \qquad
          \frac{\partial L}{\partial b} = \frac{2}{M} \sum_{y,x} δ_{yx}

where ``⋆_s`` lays the error map on the input with its cells ``s`` apart
(dilation = the stride). :func:`kernel_gradient` computes exactly that with
:func:`cnnviz.conv2d`; :func:`descend` runs the same gradient as the matrix
product ``(2/M) Xᵀδ`` of the unrolled windows (:func:`cnnviz.core.matrix.im2col`),
which is the same sum, and fast enough for hundreds of steps.

Because ``z`` is linear in the weights, the loss is a quadratic bowl with
Hessian ``H = (2/M) XᵀX``: gradient descent is stable only for a learning
rate ``η < 2/λ_max`` (with momentum β: ``η < 2(1 + β)/λ_max``), and it crawls
along the directions of small eigenvalues. :class:`Curvature` gives those
numbers, so the page can say *why* a run blew up or crawled.

>>> a = np.random.default_rng(0).random((12, 12))
>>> sobel = np.array([[1., 0, -1], [2, 0, -2], [1, 0, -1]])
>>> run = descend(a, conv2d(a, sobel), (3, 3), lr=0.5, steps=300, momentum=0.9)
>>> run.diverged_at is None, bool(np.abs(run.kernels[-1] - sobel).max() < 1e-3)
(True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from cnnviz.core._checks import as_float_array, as_int, check_finite, to_float
from cnnviz.core.conv import (
    ConvSettings,
    conv2d,
    pad_image,
    plan_conv,
    settings_from,
    unroll_windows,
)

__all__ = ["Curvature", "Descent", "curvature", "descend", "kernel_gradient", "mse"]

#: A run "blows up" once its loss exceeds the first loss by this factor (or is not finite).
BLOW_UP = 1e8


def _grey(image: object) -> np.ndarray:
    img = as_float_array(image, "image")
    if img.ndim != 2 or 0 in img.shape:
        raise ValueError(f"image must be a non-empty 2-D (H, W) array, got shape {img.shape}")
    check_finite(img, "image")
    return np.asarray(img, dtype=np.float64)


def mse(z: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error over the output cells.

    >>> mse(np.array([1.0, 3.0]), np.array([0.0, 0.0]))
    5.0
    """
    return float(np.mean((np.asarray(z, float) - np.asarray(y, float)) ** 2))


def kernel_gradient(
    image: object, error: object, kernel_shape: tuple[int, int], *,
    settings: ConvSettings | None = None, **conv: object,
) -> tuple[np.ndarray, float]:
    """``∂L/∂k`` and ``∂L/∂b`` of the mean squared error, as a cross-correlation.

    ``∂L/∂k = (2/M)·(a_padded ⋆ δ)``: the error map ``δ = z − y`` is laid on
    the padded input as a kernel, its cells ``s`` apart (``dilation=stride``
    in :func:`cnnviz.conv2d`); the kernel's dilation ``d`` picks every d-th
    cell of the result, and ``flip`` turns it back.

    Parameters
    ----------
    image : array_like, (H, W)
        The input ``a``.
    error : array_like, (n_H', n_W')
        ``z − y`` on the output grid.
    kernel_shape : (int, int)
        ``(f_H, f_W)``.
    settings : ConvSettings, optional
        Or the keywords stride, padding, dilation, pad_mode, flip.

    Returns
    -------
    (numpy.ndarray, float)
        The gradient for each weight, shaped like the kernel, and for the bias.

    Examples
    --------
    >>> a = np.arange(16.0).reshape(4, 4)
    >>> g, gb = kernel_gradient(a, np.ones((2, 2)), (3, 3))
    >>> g  # each weight sees four input values; 2/M = 1/2
    array([[ 5.,  7.,  9.],
           [13., 15., 17.],
           [21., 23., 25.]])
    >>> gb
    2.0
    """
    cfg = settings_from(settings, **conv)
    a = _grey(image)
    delta = as_float_array(error, "error")
    geom = plan_conv((a.shape[0], a.shape[1]), (kernel_shape[0], kernel_shape[1]), settings=cfg)
    if delta.shape != geom.out_shape:
        raise ValueError(f"error must have the output's shape {geom.out_shape}, got {delta.shape}")
    padded = pad_image(a, geom.padding, cfg.pad_mode)
    # The sum over output cells of δ times the input each weight met: a cross-correlation
    # of the padded input with δ, whose taps sit s apart (the stride) on the input.
    full = conv2d(padded, delta, dilation=geom.stride)
    (fh, fw), (dh, dw) = geom.kernel_shape, geom.dilation
    grad = full[: (fh - 1) * dh + 1 : dh, : (fw - 1) * dw + 1 : dw] * (2.0 / delta.size)
    if cfg.flip:  # the weights met the input turned by 180°
        grad = grad[::-1, ::-1]
    return np.ascontiguousarray(grad), float(2.0 * delta.sum() / delta.size)


@dataclass(frozen=True)
class Curvature:
    """The loss bowl's shape: eigenvalues of its Hessian ``(2/M) XᵀX`` (bias column included).

    Attributes
    ----------
    lam_max, lam_min : float
        Largest and smallest eigenvalue.
    condition : float
        ``λ_max / λ_min`` (inf when a direction is flat).
    """

    lam_max: float
    lam_min: float

    @property
    def condition(self) -> float:
        """``κ = λ_max / λ_min``: how much narrower the valley is than it is long."""
        return self.lam_max / self.lam_min if self.lam_min > 0 else math.inf

    def stable_lr(self, momentum: float = 0.0) -> float:
        """The largest learning rate that does not blow up: ``2(1 + β)/λ_max``.

        >>> Curvature(4.0, 0.01).stable_lr(), Curvature(4.0, 0.01).stable_lr(0.5)
        (0.5, 0.75)
        """
        return 2.0 * (1.0 + momentum) / self.lam_max if self.lam_max > 0 else math.inf


def _design(a: np.ndarray, kernel_shape: tuple[int, int], cfg: ConvSettings,
            learn_bias: bool) -> np.ndarray:
    # The windows unrolled as im2col does (cnnviz.core.matrix.im2col), with the geometry
    # conv2d uses, flip included: X @ k.ravel() is then conv2d's output.
    geom = cfg.geometry(a.shape, kernel_shape)
    x = unroll_windows(pad_image(a[:, :, None], geom.padding, cfg.pad_mode), geom)
    if cfg.flip:  # the turned kernel meets the window: reversed columns take k as it is
        x = x[:, ::-1]
    return np.hstack([x, np.ones((len(x), 1))]) if learn_bias else x


def curvature(image: object, kernel_shape: tuple[int, int], *,
              settings: ConvSettings | None = None, learn_bias: bool = True) -> Curvature:
    """Eigenvalues of the loss's Hessian for this image and geometry.

    >>> c = curvature(np.eye(4), (1, 1), learn_bias=False)  # M = 16 cells, four ones
    >>> c.lam_max, c.lam_min
    (0.5, 0.5)
    """
    cfg = settings or ConvSettings()
    a = _grey(image)
    x = _design(a, (kernel_shape[0], kernel_shape[1]), cfg, learn_bias)
    eig = np.linalg.eigvalsh(2.0 * (x.T @ x) / len(x))
    return Curvature(float(eig[-1]), float(max(eig[0], 0.0)))


@dataclass(frozen=True)
class Descent:
    """Every step of one run of gradient descent on a kernel.

    Attributes
    ----------
    kernels : numpy.ndarray, (T + 1, f_H, f_W)
        The kernel before step 1, after step 1, ... (only the finite ones).
    biases : numpy.ndarray, (T + 1,)
    losses : numpy.ndarray, (T + 1,)
        The loss of each kernel.
    gradients : numpy.ndarray, (T + 1, f_H, f_W)
        ``∂L/∂k`` at each kernel; ``bias_gradients`` likewise.
    diverged_at : int or None
        The step whose loss blew up (not finite, or :data:`BLOW_UP` times the
        first); the arrays stop before it.
    stop_loss : float or None
        The loss at ``diverged_at`` that stopped the run: not finite, or finite
        but past :data:`BLOW_UP` times the first loss (None if it ran to the end).
    optimum : numpy.ndarray, (f_H, f_W)
        The least-squares kernel: the best any kernel can do on these data
        (equal to the target when there is no noise).
    optimum_bias, optimum_loss : float
    curvature : Curvature
    """

    kernels: np.ndarray
    biases: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    bias_gradients: np.ndarray
    diverged_at: int | None
    optimum: np.ndarray
    optimum_bias: float
    optimum_loss: float
    curvature: Curvature
    lr: float
    momentum: float
    stop_loss: float | None = None

    @property
    def steps(self) -> int:
        """Steps recorded (the last index of :attr:`kernels`)."""
        return len(self.kernels) - 1


def _positive(value: object, name: str, *, upper: float | None = None, zero: bool = False
              ) -> float:
    try:
        v = to_float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    low_ok = v >= 0 if zero else v > 0
    if not math.isfinite(v) or not low_ok or (upper is not None and v >= upper):
        bound = f" and below {upper:g}" if upper is not None else ""
        raise ValueError(f"{name} must be {'at least 0' if zero else 'above 0'}{bound}, got {v!r}")
    return v


def descend(
    image: object, target: object, kernel_shape: tuple[int, int], *, lr: float,
    steps: int, momentum: float = 0.0, learn_bias: bool = True, init: str = "zeros",
    seed: int = 0, settings: ConvSettings | None = None,
) -> Descent:
    """Run gradient descent (with optional momentum) on the kernel and bias.

    Parameters
    ----------
    image : array_like, (H, W)
        The input ``a``.
    target : array_like, (n_H', n_W')
        What the output should be.
    kernel_shape : (int, int)
        Shape of the kernel to learn.
    lr : float
        The learning rate η.
    steps : int
        How many updates (1 to 10,000).
    momentum : float
        β in ``v ← βv − η∇L``, ``k ← k + v`` (0: plain gradient descent).
    learn_bias : bool
        Learn a bias ``b`` too (else it stays 0).
    init : {"zeros", "random"}
        Start from zeros, or from small random weights (normal, σ = 0.1).
    seed : int
        For ``init="random"``.
    settings : ConvSettings, optional
        Padding, stride, dilation, pad mode and flip of the convolution (its
        bias is ignored: the bias is learned).

    Returns
    -------
    Descent

    Raises
    ------
    ValueError
        Naming the argument: a learning rate that is not positive, momentum
        outside [0, 1), an unknown init, a target of the wrong shape.
    """
    cfg = settings or ConvSettings()
    a = _grey(image)
    shape = (as_int(kernel_shape[0], "kernel_shape", minimum=1),
             as_int(kernel_shape[1], "kernel_shape", minimum=1))
    lr = _positive(lr, "lr")
    momentum = _positive(momentum, "momentum", upper=1.0, zero=True)
    steps = as_int(steps, "steps", minimum=1)
    if steps > 10_000:
        raise ValueError(f"steps must be at most 10000, got {steps}")
    if init not in ("zeros", "random"):
        raise ValueError(f"init must be 'zeros' or 'random', got {init!r}")
    y = as_float_array(target, "target").astype(np.float64)
    geom = plan_conv(a.shape, shape, settings=cfg)
    if y.shape != geom.out_shape:
        raise ValueError(f"target must have the output's shape {geom.out_shape}, got {y.shape}")
    check_finite(y, "target")
    x = _design(a, shape, cfg, learn_bias)
    yv = y.ravel()
    m = len(yv)
    n = shape[0] * shape[1]
    w = np.zeros(x.shape[1])
    if init == "random":
        w[:n] = np.random.default_rng(as_int(seed, "seed", minimum=0)).normal(0.0, 0.1, n)
    velocity = np.zeros_like(w)
    ws: list[np.ndarray] = []
    losses: list[float] = []
    grads: list[np.ndarray] = []
    diverged: int | None = None
    stop_loss: float | None = None
    # One BLAS thread: these (M × 10) products are too small to share, and on a busy
    # 2-core machine two threads wait for each other (10–50× slower, measured).
    with np.errstate(over="ignore", invalid="ignore"), threadpool_limits(1, user_api="blas"):
        for t in range(steps + 1):
            err = x @ w - yv
            loss = float(err @ err) / m
            if not math.isfinite(loss) or (losses and loss > BLOW_UP * max(losses[0], 1e-300)):
                diverged, stop_loss = t, loss
                break
            g = (2.0 / m) * (x.T @ err)
            ws.append(w.copy())
            losses.append(loss)
            grads.append(g)
            if t == steps:
                break
            velocity = momentum * velocity - lr * g
            w = w + velocity
    ws_arr, g_arr = np.array(ws), np.array(grads)
    best, *_ = np.linalg.lstsq(x, yv, rcond=None)
    res = x @ best - yv
    eig = np.linalg.eigvalsh(2.0 * (x.T @ x) / m)

    def kernels(flat: np.ndarray) -> np.ndarray:
        return flat[:, :n].reshape(-1, *shape)

    zeros = np.zeros(len(ws_arr))
    return Descent(
        kernels=kernels(ws_arr), biases=ws_arr[:, n] if learn_bias else zeros,
        losses=np.array(losses), gradients=kernels(g_arr),
        bias_gradients=g_arr[:, n] if learn_bias else zeros, diverged_at=diverged,
        optimum=kernels(best[None])[0], optimum_bias=float(best[n]) if learn_bias else 0.0,
        optimum_loss=float(res @ res) / m, curvature=Curvature(float(eig[-1]),
                                                                float(max(eig[0], 0.0))),
        lr=lr, momentum=momentum, stop_loss=stop_loss)

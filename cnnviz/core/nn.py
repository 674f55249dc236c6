r"""A small CNN in NumPy: forward and backward passes, and training with Adam.

The network is a stack of the layer specs of :mod:`cnnviz.core.layers`
(:class:`~cnnviz.core.layers.Conv`, ``Activation("relu")``,
:class:`~cnnviz.core.layers.Pool` with ``mode="max"``,
:class:`~cnnviz.core.layers.Flatten`, :class:`~cnnviz.core.layers.Dense`
and a final ``Activation("softmax")``), so the layer-stack table, its shapes
and its parameter counts (:func:`~cnnviz.core.layers.propagate`) describe the
very network that is trained.

Shapes follow the lectures: a batch of ``m`` examples is
``m × n_H × n_W × n_c`` (channels last); a convolution's weights are
``f × f × n_c^[l-1] × n_c^[l]`` and its biases ``n_c^[l]``. Each layer has a
forward function returning its output and a cache, and a backward function
taking ``dL/d(output)`` and the cache and returning ``dL/d(input)`` (and the
gradients of its parameters). Every backward pass is checked against finite
differences in ``tests/unit/test_nn.py``.

Speed: the convolution unrolls every window of the whole batch into one
matrix (im2col) and does a single matrix product; its backward pass is two
matrix products and one strided add per kernel tap (f·f of them), and max
pooling loops over the f·f taps of its window only. No Python loop runs per
pixel or per example.

>>> spec = digit_net()
>>> [info.output_shape for info in describe(spec)][:3]
[(28, 28, 8), (28, 28, 8), (14, 14, 8)]
>>> params = init_params(spec, (28, 28, 1), seed=0)
>>> probs = predict(params, spec, np.zeros((2, 28, 28, 1), np.float32))
>>> probs.shape, bool(np.allclose(probs.sum(axis=1), 1))
((2, 10), True)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from threadpoolctl import threadpool_limits

from cnnviz.core._checks import as_int, as_per_side, same_padding, window_count, window_rows
from cnnviz.core.conv import plan_conv, unroll_windows
from cnnviz.core.layers import Activation, Conv, Dense, Flatten, Layer, LayerInfo, Pool, propagate

__all__ = [
    "Adam",
    "History",
    "Trained",
    "accuracy",
    "conv_backward",
    "conv_forward",
    "dense_backward",
    "dense_forward",
    "describe",
    "digit_net",
    "forward",
    "gradients",
    "init_params",
    "maxpool_backward",
    "maxpool_forward",
    "predict",
    "relu_backward",
    "relu_forward",
    "saliency",
    "shift_augment",
    "softmax",
    "softmax_cross_entropy",
    "train",
]

Params = dict[str, np.ndarray]


# --- convolution --------------------------------------------------------------


def _conv_padding(layer: Conv, n_h: int, n_w: int) -> tuple[tuple[int, int], tuple[int, int]]:
    if layer.dilation != 1:
        raise ValueError(f"dilation must be 1 in a trained network, got {layer.dilation}")
    f, s = layer.kernel_size, layer.stride
    if layer.padding == "valid":
        return (0, 0), (0, 0)
    if layer.padding == "same":
        return same_padding(n_h, f, s), same_padding(n_w, f, s)
    return as_per_side(layer.padding)


def conv_forward(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, *, stride: int = 1,
    padding: object = 0,
) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Cross-correlate a batch with a filter bank: ``z = a ⋆ W + b``, as ``conv2d`` does.

    Parameters
    ----------
    x : numpy.ndarray, (m, n_H, n_W, n_c)
        The batch, channels last.
    w : numpy.ndarray, (f, f, n_c, F)
        The filters (the lectures' rank-4 weight tensor).
    b : numpy.ndarray, (F,)
        One bias per filter.
    stride : int
        ``s``, the same on both axes.
    padding : int, pair or ((top, bottom), (left, right))
        Zeros around each example.

    Returns
    -------
    z : numpy.ndarray, (m, n_H', n_W', F)
    cache : tuple
        What :func:`conv_backward` needs.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> z, _ = conv_forward(x, np.ones((2, 2, 1, 1)), np.zeros(1), stride=2)
    >>> z[0, :, :, 0]
    array([[10., 18.],
           [42., 50.]])
    """
    if x.ndim != 4:
        raise ValueError(f"x must be (m, n_H, n_W, n_c), got shape {x.shape}")
    if w.ndim != 4 or w.shape[2] != x.shape[3]:
        raise ValueError(f"w must be (f, f, {x.shape[3]}, F) for this x, got shape {w.shape}")
    s = as_int(stride, "stride", minimum=1)
    (pt, pb), (pl, pr) = as_per_side(padding)
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0))) if pt or pb or pl or pr else x
    fh, fw, channels, n_filters = w.shape
    oh, ow = window_count(xp.shape[1], fh, s), window_count(xp.shape[2], fw, s)
    if oh < 1 or ow < 1:
        raise ValueError(f"the {fh}×{fw} filter does not fit the padded input {xp.shape[1:3]}")
    # im2col: row (example, y, x) holds the window's values in (i, j, c) order, which is
    # also the order of w.reshape(f·f·c, F). One contiguous slab copy per tap.
    m = x.shape[0]
    geom = plan_conv(xp.shape[1:3], (fh, fw), stride=s)
    cols = unroll_windows(xp.astype(np.result_type(x, w), copy=False), geom)
    w2 = w.reshape(fh * fw * channels, n_filters)
    z = (cols @ w2 + b).reshape(m, oh, ow, n_filters)
    return z, (x.shape, xp.shape, (pt, pb, pl, pr), s, cols, w2, w.shape)


def conv_backward(dz: np.ndarray, cache: tuple[Any, ...], *, need_dx: bool = True
                  ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of a convolution: ``dL/da``, ``dL/dW`` and ``dL/db`` from ``dL/dz``.

    ``dL/dW`` is the cross-correlation of the input with the output error
    (one matrix product of the unrolled windows with ``dz``); ``dL/da`` adds
    each window's share ``dz · W`` back where the window was read. The first
    layer needs no ``dL/da`` (``need_dx=False`` skips it and returns None).
    """
    x_shape, xp_shape, (pt, pb, pl, pr), s, cols, w2, w_shape = cache
    fh, fw, channels, n_filters = w_shape
    m, oh, ow, _ = dz.shape
    dz2 = dz.reshape(-1, n_filters)
    dw = (cols.T @ dz2).reshape(w_shape)
    db = dz2.sum(axis=0)
    if not need_dx:
        return None, dw, db
    dcols = (dz2 @ w2.T).reshape(m, oh, ow, fh, fw, channels)
    dxp = np.zeros(xp_shape, dtype=dz.dtype)
    for i in range(fh):  # one strided add per tap, never per pixel
        for j in range(fw):
            dxp[:, window_rows(i, oh, s), window_rows(j, ow, s), :] += dcols[:, :, :, i, j]
    dx = dxp[:, pt:xp_shape[1] - pb, pl:xp_shape[2] - pr, :]
    return dx, dw, db


# --- ReLU, max pooling, dense ---------------------------------------------------


def relu_forward(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``max(z, 0)``; the cache is where ``z > 0``.

    >>> relu_forward(np.array([-1.0, 2.0]))[0]
    array([0., 2.])
    """
    positive = z > 0
    return z * positive, positive


def relu_backward(da: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """The gradient flows only where the input was positive."""
    grad: np.ndarray = da * positive
    return grad


def maxpool_forward(x: np.ndarray, size: int = 2, stride: int | None = None
                    ) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Max over ``size × size`` windows of each channel; the window never hangs over the edge.

    >>> x = np.array([1., 5, 2, 0, 3, 4, 8, 7, 6, 1, 0, 2, 9, 2, 1, 3]).reshape(1, 4, 4, 1)
    >>> maxpool_forward(x)[0][0, :, :, 0]
    array([[5., 8.],
           [9., 3.]])
    """
    size = as_int(size, "size", minimum=1)
    s = size if stride is None else as_int(stride, "stride", minimum=1)
    if x.ndim != 4:
        raise ValueError(f"x must be (m, n_H, n_W, n_c), got shape {x.shape}")
    oh, ow = window_count(x.shape[1], size, s), window_count(x.shape[2], size, s)
    if oh < 1 or ow < 1:
        raise ValueError(f"size {size} is larger than the input {x.shape[1:3]}")
    # One strided view per tap of the window; the running maximum and which tap gave it.
    # A strict ">" keeps the first maximum on a tie, as PyTorch does.
    out = x[:, window_rows(0, oh, s), window_rows(0, ow, s)].copy()
    winner = np.zeros(out.shape, dtype=np.int16)
    for t in range(1, size * size):
        i, j = divmod(t, size)
        tap = x[:, window_rows(i, oh, s), window_rows(j, ow, s)]
        better = tap > out
        np.copyto(out, tap, where=better)
        winner[better] = t
    return out, (x.shape, size, s, winner)


def maxpool_backward(dout: np.ndarray, cache: tuple[Any, ...]) -> np.ndarray:
    """Each window's gradient goes to its winner only (the others did not affect the output)."""
    x_shape, size, s, winner = cache
    _, oh, ow, _ = dout.shape
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for t in range(size * size):
        i, j = divmod(t, size)
        dx[:, window_rows(i, oh, s), window_rows(j, ow, s), :] += dout * (winner == t)
    return dx


def dense_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A fully connected layer on a flat batch: ``x W + b`` (``x`` is ``m × n``).

    >>> dense_forward(np.ones((1, 2)), np.eye(2), np.array([1.0, 0.0]))
    array([[2., 1.]])
    """
    z: np.ndarray = x @ w + b
    return z


def dense_backward(dz: np.ndarray, x: np.ndarray, w: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``dL/dx``, ``dL/dW``, ``dL/db`` of a dense layer."""
    return dz @ w.T, x.T @ dz, dz.sum(axis=0)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities over the last axis (shifted by the maximum, so no overflow).

    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]])).round(3)
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probs: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return probs


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray
                          ) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against one-hot targets; its gradient.

    Returns ``(loss, dL/dlogits, probabilities)``; the gradient is
    ``(p − y) / m`` for one-hot ``y``.

    >>> loss, grad, p = softmax_cross_entropy(np.zeros((1, 4)), np.array([2]))
    >>> round(loss, 4), grad.round(2).tolist()
    (1.3863, [[0.25, 0.25, -0.75, 0.25]])
    """
    labels = np.asarray(labels)
    if labels.shape != logits.shape[:1]:
        raise ValueError(f"labels must have shape {logits.shape[:1]}, got {labels.shape}")
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    loss = float(-log_p[rows, labels].mean())
    p = np.exp(log_p)
    grad = p.copy()
    grad[rows, labels] -= 1
    return loss, grad / len(labels), p


# --- a network of layer specs ---------------------------------------------------


def digit_net() -> tuple[Layer, ...]:
    """The digit classifier: conv 3×3 ×8 → ReLU → pool → conv 3×3 ×16 → ReLU → pool → dense.

    >>> from cnnviz.core.layers import total_params
    >>> total_params(describe(digit_net()))
    9098
    """
    return (
        Conv(8, 3, padding="same"),
        Activation("relu"),
        Pool(2),
        Conv(16, 3, padding="same"),
        Activation("relu"),
        Pool(2),
        Flatten(),
        Dense(10),
        Activation("softmax"),
    )


def describe(spec: Sequence[Layer], input_shape: Sequence[int] = (28, 28, 1)
             ) -> list[LayerInfo]:
    """Shapes and parameter counts of ``spec`` (:func:`cnnviz.core.layers.propagate`)."""
    return propagate(tuple(input_shape), list(spec))


def _check_spec(spec: Sequence[Layer]) -> None:
    for i, layer in enumerate(spec):
        last = i == len(spec) - 1
        ok = isinstance(layer, Conv | Flatten | Dense) or (
            isinstance(layer, Pool) and layer.mode == "max" and layer.padding == 0) or (
            isinstance(layer, Activation) and (layer.name == "relu"
                                               or (layer.name == "softmax" and last)))
        if not ok:
            raise ValueError(f"spec[{i}] must be Conv, ReLU, unpadded max Pool, Flatten, Dense or "
                             f"a final softmax, got {getattr(layer, 'label', layer)!r}")
    if not spec or not isinstance(spec[-1], Activation) or spec[-1].name != "softmax":
        raise ValueError("spec must end with Activation('softmax')")


def init_params(spec: Sequence[Layer], input_shape: Sequence[int], *, seed: int = 0,
                dtype: Any = np.float32) -> Params:
    """He-initialised weights (normal, variance 2/fan-in) and zero biases, by layer number.

    Keys are ``"W3"``, ``"b3"`` for layer ``[3]`` (numbered from 1 like
    :func:`describe`). The same seed gives the same weights.

    >>> sorted(init_params(digit_net(), (28, 28, 1)))
    ['W1', 'W4', 'W8', 'b1', 'b4', 'b8']
    """
    _check_spec(spec)
    rng = np.random.default_rng(as_int(seed, "seed", minimum=0))
    params: Params = {}
    for info in describe(spec, input_shape):
        layer, n = info.layer, info.index
        if isinstance(layer, Conv):
            shape: tuple[int, ...] = (layer.kernel_size, layer.kernel_size, info.input_shape[2],
                                      layer.filters)
            fan_in = math.prod(shape[:3])
            units = layer.filters
        elif isinstance(layer, Dense):
            shape = (info.input_shape[0], layer.units)
            fan_in, units = shape[0], layer.units
        else:
            continue
        params[f"W{n}"] = (rng.standard_normal(shape) * math.sqrt(2 / fan_in)).astype(dtype)
        params[f"b{n}"] = np.zeros(units, dtype=dtype)
    return params


def forward(params: Mapping[str, np.ndarray], spec: Sequence[Layer], x: np.ndarray,
            *, keep: bool = False) -> tuple[np.ndarray, list[Any]]:
    """Run the batch ``x`` (m, n_H, n_W, n_c) through ``spec``.

    Returns the logits (before the softmax) and a list with one entry per
    layer: its cache for :func:`gradients`, or, with ``keep=True``, its
    output (the feature maps; the softmax layer's entry holds the
    probabilities).
    """
    a = x
    cache: Any
    record: list[Any] = []
    for n, layer in enumerate(spec, start=1):
        if isinstance(layer, Conv):
            pad = _conv_padding(layer, a.shape[1], a.shape[2])
            a, cache = conv_forward(a, params[f"W{n}"], params[f"b{n}"], stride=layer.stride,
                                    padding=pad)
        elif isinstance(layer, Activation) and layer.name == "relu":
            a, cache = relu_forward(a)
        elif isinstance(layer, Pool):
            a, cache = maxpool_forward(a, layer.size, layer.stride)
        elif isinstance(layer, Flatten):
            cache = a.shape
            a = a.reshape(a.shape[0], -1)
        elif isinstance(layer, Dense):
            cache = a
            a = dense_forward(a, params[f"W{n}"], params[f"b{n}"])
        else:  # the final softmax: the logits are returned, the loss applies it
            record.append(softmax(a) if keep else None)
            continue
        record.append(a if keep else cache)
    return a, record


def gradients(params: Mapping[str, np.ndarray], spec: Sequence[Layer], x: np.ndarray,
              labels: np.ndarray) -> tuple[float, Params, np.ndarray]:
    """Backpropagation: the batch's mean cross-entropy, its gradients, the probabilities."""
    logits, caches = forward(params, spec, x)
    loss, d, probs = softmax_cross_entropy(logits, labels)
    grads, _ = _backward(params, spec, caches, d, need_input=False)
    return loss, grads, probs


def _backward(params: Mapping[str, np.ndarray], spec: Sequence[Layer], caches: list[Any],
              d: np.ndarray, *, need_input: bool) -> tuple[Params, np.ndarray | None]:
    """From ``dL/dlogits`` back through every layer: the parameters' gradients, ``dL/dx``."""
    grads: Params = {}
    for n in range(len(spec) - 1, 0, -1):  # the softmax (last) is in the loss already
        layer, cache = spec[n - 1], caches[n - 1]
        if isinstance(layer, Conv):
            dx, grads[f"W{n}"], grads[f"b{n}"] = conv_backward(d, cache,
                                                               need_dx=n > 1 or need_input)
            if dx is None:  # the first layer: nothing below it needs a gradient
                break
            d = dx
        elif isinstance(layer, Activation):
            d = relu_backward(d, cache)
        elif isinstance(layer, Pool):
            d = maxpool_backward(d, cache)
        elif isinstance(layer, Flatten):
            d = d.reshape(cache)
        else:
            d, grads[f"W{n}"], grads[f"b{n}"] = dense_backward(d, cache, params[f"W{n}"])
    return grads, d if need_input else None


def saliency(params: Mapping[str, np.ndarray], spec: Sequence[Layer], x: np.ndarray,
             target: int | None = None) -> tuple[np.ndarray, int, np.ndarray]:
    """Gradient saliency: how the top class's probability changes with each input value.

    ``∂p_t/∂x`` for one example ``x`` (n_H, n_W, n_c), exactly, by the network's
    own backward pass: the softmax's ``∂p_t/∂z = p_t (e_t − p)`` sent back through
    every layer (checked against finite differences in ``tests/unit/test_nn.py``).

    Returns
    -------
    gradient : numpy.ndarray, (n_H, n_W, n_c)
    target : int
        The class (the most probable one unless given).
    probs : numpy.ndarray
        The class probabilities.
    """
    _check_spec(spec)
    batch = np.asarray(x, dtype=np.float64)[None]
    p64 = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    logits, caches = forward(p64, spec, batch)
    p = softmax(logits)[0]
    t = int(np.argmax(p)) if target is None else as_int(target, "target", minimum=0)
    if t >= len(p):
        raise ValueError(f"target must be below {len(p)}, got {t}")
    d = p[t] * (np.eye(len(p))[t] - p)
    _, dx = _backward(p64, spec, caches, d[None], need_input=True)
    assert dx is not None  # need_input: the first layer sent its gradient down
    return dx[0], t, p


def predict(params: Mapping[str, np.ndarray], spec: Sequence[Layer], x: np.ndarray,
            *, batch: int = 500) -> np.ndarray:
    """Class probabilities (m, classes), in batches so memory stays small."""
    out = [softmax(forward(params, spec, x[i:i + batch])[0]) for i in range(0, len(x), batch)]
    return np.concatenate(out)


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of examples whose most probable class is the label.

    >>> accuracy(np.array([[0.9, 0.1], [0.3, 0.7]]), np.array([0, 0]))
    0.5
    """
    return float(np.mean(probs.argmax(axis=1) == labels))


# --- training ----------------------------------------------------------------------


@dataclass
class Adam:
    """Adam (Kingma and Ba, 2015): steps scaled by running gradient moments.

    ``step`` updates ``params`` in place.
    """

    lr: float = 0.003
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    m: Params = field(default_factory=dict)
    v: Params = field(default_factory=dict)

    def step(self, params: Params, grads: Params) -> None:
        """One update of every parameter from its gradient."""
        self.t += 1
        c1, c2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        for name, g in grads.items():
            m = self.m.setdefault(name, np.zeros_like(g))
            v = self.v.setdefault(name, np.zeros_like(g))
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            params[name] -= (self.lr / c1) * m / (np.sqrt(v / c2) + self.eps)


def shift_augment(x: np.ndarray, rng: np.random.Generator, max_shift: int = 2) -> np.ndarray:
    """Move each image (m, n_H, n_W, n_c) by up to ``max_shift`` pixels, filling with zeros.

    A digit moved a little is still the same digit: the network sees more
    variety than the training set holds.

    >>> x = np.zeros((1, 5, 5, 1)); x[0, 2, 2, 0] = 1
    >>> float(shift_augment(x, np.random.default_rng(0)).sum())
    1.0
    """
    r = as_int(max_shift, "max_shift", minimum=0)
    if r == 0:
        return x
    m, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (r, r), (r, r), (0, 0)))
    views = sliding_window_view(padded, (h, w), axis=(1, 2))  # (m, 2r+1, 2r+1, c, h, w)
    dy, dx = rng.integers(0, 2 * r + 1, size=(2, m))
    shifted: np.ndarray = views[np.arange(m), dy, dx].transpose(0, 2, 3, 1)
    return shifted


@dataclass
class History:
    """What training measured: per-step loss, per-epoch test accuracy, the time taken."""

    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    epoch_steps: list[int] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def arrays(self) -> dict[str, np.ndarray]:
        """As arrays, to be saved beside the weights."""
        return {"h_steps": np.array(self.steps), "h_loss": np.array(self.loss),
                "h_train_acc": np.array(self.train_accuracy),
                "h_epoch_steps": np.array(self.epoch_steps),
                "h_test_acc": np.array(self.test_accuracy), "h_seconds": np.array(self.seconds)}

    @classmethod
    def from_arrays(cls, data: Mapping[str, np.ndarray]) -> History:
        """Back from :meth:`arrays`."""
        return cls([int(v) for v in data["h_steps"]], [float(v) for v in data["h_loss"]],
                   [float(v) for v in data["h_train_acc"]],
                   [int(v) for v in data["h_epoch_steps"]],
                   [float(v) for v in data["h_test_acc"]], float(data["h_seconds"]))


@dataclass
class Trained:
    """The result of :func:`train`: parameters, their network, the history."""

    params: Params
    spec: tuple[Layer, ...]
    history: History


def train(
    spec: Sequence[Layer], x_train: np.ndarray, y_train: np.ndarray, *,
    x_test: np.ndarray | None = None, y_test: np.ndarray | None = None,
    epochs: int = 12, batch_size: int = 32, lr: float = 0.003, lr_decay: float = 0.8,
    max_shift: int = 2, seed: int = 0, every: int = 10,
    callback: Callable[[int, int, History], None] | None = None, blas_threads: int | None = 1,
) -> Trained:
    """Mini-batch training with Adam on softmax cross-entropy; reproducible for a seed.

    Parameters
    ----------
    spec : sequence of layer specs
        The network (:func:`digit_net`).
    x_train, y_train : numpy.ndarray
        Images (m, n_H, n_W, n_c) scaled to [0, 1], and labels 0..9.
    x_test, y_test : numpy.ndarray, optional
        Held out: only measured after each epoch, never trained on.
    epochs, batch_size : int
        Passes over the training set, examples per step.
    lr, lr_decay : float
        Adam's step size, multiplied by ``lr_decay`` after each epoch.
    max_shift : int
        Random shifts of up to this many pixels (:func:`shift_augment`); 0: none.
    seed : int
        Seeds the initial weights, the shuffling and the shifts.
    every : int
        Record the (smoothed) loss and accuracy every this many steps.
    callback : callable, optional
        ``callback(step, total_steps, history)`` after each recording, and after
        each epoch's test accuracy.
    blas_threads : int or None
        BLAS threads while training (None: leave as is). The matrices are
        small, so one thread is 2–5× faster than two on a busy 2-core machine
        (the threads wait for each other); the old setting comes back after.

    Returns
    -------
    Trained
    """
    epochs = as_int(epochs, "epochs", minimum=1)
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    every = as_int(every, "every", minimum=1)
    if not (isinstance(lr, int | float) and lr > 0 and math.isfinite(lr)):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    if len(x_train) != len(y_train) or len(x_train) == 0:
        raise ValueError(f"x_train and y_train must have the same non-zero length, got "
                         f"{len(x_train)} and {len(y_train)}")
    spec = tuple(spec)
    if blas_threads is None:
        return _train(spec, x_train, y_train, x_test, y_test, epochs, batch_size, lr, lr_decay,
                      max_shift, seed, every, callback)
    with threadpool_limits(limits=as_int(blas_threads, "blas_threads", minimum=1),
                           user_api="blas"):
        return _train(spec, x_train, y_train, x_test, y_test, epochs, batch_size, lr, lr_decay,
                      max_shift, seed, every, callback)


def _train(spec: tuple[Layer, ...], x_train: np.ndarray, y_train: np.ndarray,
           x_test: np.ndarray | None, y_test: np.ndarray | None, epochs: int, batch_size: int,
           lr: float, lr_decay: float, max_shift: int, seed: int, every: int,
           callback: Callable[[int, int, History], None] | None) -> Trained:
    params = init_params(spec, x_train.shape[1:], seed=seed, dtype=x_train.dtype)
    rng = np.random.default_rng(seed + 1)
    opt = Adam(lr=lr)
    history = History()
    start = time.perf_counter()
    per_epoch = -(-len(x_train) // batch_size)
    total = epochs * per_epoch
    step, run_loss, run_hits, run_n = 0, 0.0, 0, 0
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            xb = shift_augment(x_train[idx], rng, max_shift)
            loss, grads, probs = gradients(params, spec, xb, y_train[idx])
            opt.step(params, grads)
            step += 1
            # Loss and accuracy of the batches since the last record (before each update).
            run_loss += loss * len(idx)
            run_hits += int((probs.argmax(axis=1) == y_train[idx]).sum())
            run_n += len(idx)
            if step % every == 0 or step == total:
                history.steps.append(step)
                history.loss.append(run_loss / run_n)
                history.train_accuracy.append(run_hits / run_n)
                run_loss, run_hits, run_n = 0.0, 0, 0
                if callback is not None:
                    callback(step, total, history)
        opt.lr *= lr_decay
        if x_test is not None and y_test is not None:
            history.epoch_steps.append(step)
            history.test_accuracy.append(accuracy(predict(params, spec, x_test), y_test))
            if callback is not None:  # once more, now with the epoch's test accuracy
                callback(step, total, history)
    history.seconds = time.perf_counter() - start
    return Trained(params, spec, history)

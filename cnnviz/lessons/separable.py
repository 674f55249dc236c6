r"""1×1 convolutions and depthwise-separable layers, on the colour page's volume.

Lecture 002's Inception reduces channel depth with 1×1 convolutions: each
output value mixes one pixel's channels, ``z = w_R·R + w_G·G + w_B·B + b``
(:func:`pointwise`). A depthwise-separable layer (MobileNet) splits a standard
``f × f × n_c → F`` convolution into a depthwise ``f × f`` filter per channel
(``groups = n_c``) followed by a 1×1 pointwise mix into ``F`` channels
(:func:`separable`); :func:`costs` counts the parameters with the generalised
formula (:func:`cnnviz.core.graph.conv_weight_params`) and the multiply-adds,
side by side with the standard layer. Both run through :func:`cnnviz.conv2d`.

>>> c = costs((32, 32, 3), f=3, filters=16, padding=1)
>>> (c.standard.params, c.depthwise.params, c.pointwise.params)
(448, 30, 64)
>>> (c.standard.macs, c.depthwise.macs + c.pointwise.macs)
(442368, 76800)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from cnnviz.core.conv import conv2d
from cnnviz.core.graph import conv_weight_params
from cnnviz.core.kernels import kernel_choices
from cnnviz.core.layers import size_formula
from cnnviz.core.text import format_number, product_terms

__all__ = ["MIXES", "Cost", "Costs", "costs", "mix_equation", "pointwise", "separable",
           "standard"]

#: Two 1×1 filters over R, G, B: brightness as the eye weighs it (ITU-R BT.601), and
#: red against green.
MIXES = MappingProxyType({"brightness (0.299 R + 0.587 G + 0.114 B)": (0.299, 0.587, 0.114),
                          "red minus green (R − G)": (1.0, -1.0, 0.0)})


def pointwise(volume: np.ndarray, weights: np.ndarray, bias: np.ndarray | float = 0.0
              ) -> np.ndarray:
    """A 1×1 convolution: ``weights`` (n_c, F) mixes each pixel's channels into F maps.

    >>> pointwise(np.ones((2, 2, 3)), np.array([[1.0], [2.0], [3.0]]))[:, :, 0]
    array([[6., 6.],
           [6., 6.]])
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != volume.shape[2]:
        raise ValueError(f"weights must be ({volume.shape[2]}, F) for this volume, got shape "
                         f"{w.shape}")
    return conv2d(volume, w[None, None], bias)


def mix_equation(weights: tuple[float, ...], pixel: np.ndarray) -> str:
    """One output value of a 1×1 filter written out, e.g. '0.299·0.5 + … = 0.41'."""
    terms = " + ".join(product_terms([format_number(w) for w in weights],
                                     [format_number(float(v)) for v in pixel]))
    total = float(np.dot(weights, pixel))
    return f"{terms} = {format_number(total)}"


def _depthwise_kernels(n_c: int, f: int) -> np.ndarray:
    """One f × f kernel per channel (f × f × n_c): Sobel x, Sobel y, a blur, … in turn."""
    choices = kernel_choices(f, f)
    names = [n for n in ("sobel_x", "sobel_y", f"box_blur_{f}", "laplacian_4", "sharpen")
             if n in choices and choices[n].values.shape == (f, f)]
    if not names:
        names = [n for n, k in choices.items() if k.values.shape == (f, f)][:3]
    if not names:  # no hand-made kernel of this size: a box blur on every channel
        return np.full((f, f, n_c), 1.0 / (f * f))
    return np.stack([choices[names[c % len(names)]].values for c in range(n_c)], axis=2)


def _pointwise_weights(n_c: int, filters: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n_c, filters)) / np.sqrt(n_c)


def separable(volume: np.ndarray, f: int, filters: int, *, padding: int = 0,
              stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Depthwise (one f × f kernel per channel), then pointwise (1×1, n_c → F).

    Returns the depthwise maps (H', W', n_c) and the output (H', W', F).
    """
    n_c = volume.shape[2]
    kernels = _depthwise_kernels(n_c, f)
    depth = np.stack([conv2d(volume[:, :, c], kernels[:, :, c], stride=stride, padding=padding)
                      for c in range(n_c)], axis=2)
    return depth, pointwise(depth, _pointwise_weights(n_c, filters))


def standard(volume: np.ndarray, f: int, filters: int, *, padding: int = 0,
             stride: int = 1, seed: int = 1) -> np.ndarray:
    """A standard f × f × n_c → F convolution with seeded random filters (H', W', F)."""
    n_c = volume.shape[2]
    bank = np.random.default_rng(seed).standard_normal((f, f, n_c, filters)) / (f * np.sqrt(n_c))
    return conv2d(volume, bank, stride=stride, padding=padding)


@dataclass(frozen=True)
class Cost:
    """A layer's parameters (and how they are counted), multiply-adds and output shape."""

    params: int
    formula: str
    macs: int
    macs_formula: str
    out_shape: tuple[int, int, int]


@dataclass(frozen=True)
class Costs:
    """The standard layer against its depthwise-separable twin."""

    standard: Cost
    depthwise: Cost
    pointwise: Cost

    @property
    def ratio(self) -> float:
        """Separable multiply-adds over standard ones: 1/F + 1/f²."""
        return (self.depthwise.macs + self.pointwise.macs) / self.standard.macs


def costs(shape: tuple[int, int, int], *, f: int, filters: int, padding: int = 0,
          stride: int = 1) -> Costs:
    """Parameters and multiply-adds of both layers on an (H, W, n_c) volume.

    Raises ValueError (from the size formula) when the filter does not fit.
    """
    h, w, n_c = (int(v) for v in shape)
    oh = size_formula(h, f, pad=(padding, padding), stride=stride).n_out
    ow = size_formula(w, f, pad=(padding, padding), stride=stride, axis="W").n_out
    out = oh * ow
    sp, sf = conv_weight_params((filters, n_c, f, f))
    dp, df = conv_weight_params((n_c, 1, f, f), groups=n_c)
    pp, pf = conv_weight_params((filters, n_c, 1, 1))
    return Costs(
        Cost(sp, sf, out * f * f * n_c * filters, f"{oh}·{ow}·{f}·{f}·{n_c}·{filters}",
             (oh, ow, filters)),
        Cost(dp, df, out * f * f * n_c, f"{oh}·{ow}·{f}·{f}·{n_c}", (oh, ow, n_c)),
        Cost(pp, pf, out * n_c * filters, f"{oh}·{ow}·{n_c}·{filters}", (oh, ow, filters)))

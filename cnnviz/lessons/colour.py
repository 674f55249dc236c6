r"""Colour volumes, one filter over all channels, and banks of filters.

On a colour image a^[l-1] of shape ``n_H × n_W × n_c`` (n_c = 3: R, G, B) one
filter has the input's depth, ``f × f × n_c``: each slice meets its own
channel and gives a partial sum; the partial sums plus the bias give one
output value. A bank of ``n_c^[l]`` filters gives ``n_c^[l]`` maps, the output
volume. This module turns what a page shows about that into numbers and text;
the arithmetic of the convolution itself stays in :mod:`cnnviz.core.conv` and
:mod:`cnnviz.core.trace`.

>>> volume, note = as_volume(np.zeros((4, 5)))
>>> volume.shape
(4, 5, 3)
>>> bank, _ = bank_from_presets(["sobel_x", "box_blur_3"])
>>> bank.shape
(3, 3, 3, 2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from cnnviz.core._checks import as_float_array, as_int, check_finite, exact_sum
from cnnviz.core.kernels import KERNELS, get_kernel, resize_kernel
from cnnviz.core.layers import conv_params
from cnnviz.core.text import addends, factor, format_number
from cnnviz.core.trace import Step

__all__ = [
    "CHANNEL_NAMES",
    "DEFAULT_BANK",
    "SLICE_PRESETS",
    "ShapeLine",
    "as_volume",
    "bank_from_presets",
    "bank_shapes",
    "channel_equation",
    "fit_slice",
    "gain",
    "slice_preset",
    "total_equation",
]

CHANNEL_NAMES = ("R", "G", "B")

#: Names a filter slice can start from: every kernel preset, plus all zeros.
SLICE_PRESETS: tuple[str, ...] = ("zeros", *KERNELS)

#: A varied first choice for each of up to 16 filters of a bank.
DEFAULT_BANK: tuple[str, ...] = (
    "vertical_edge", "horizontal_edge", "sobel_x", "sobel_y", "box_blur_3", "sharpen",
    "laplacian_4", "laplacian_8", "emboss", "prewitt_x", "prewitt_y", "scharr_x", "scharr_y",
    "identity", "laplacian_4_neg", "horizontal_edge_rev",
)


def as_volume(image: object) -> tuple[np.ndarray, str]:
    """The image as an ``n_H × n_W × 3`` volume, and a note if it had to be made one.

    A grey image becomes three equal channels (R = G = B), so that every
    slice of a filter sees the same plane.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, 3)

    Returns
    -------
    volume : numpy.ndarray
        float64, (H, W, 3).
    note : str
        Empty for a colour image; otherwise says what was done.

    Raises
    ------
    ValueError
        For any other shape, or non-finite values.

    Examples
    --------
    >>> v, note = as_volume([[1, 2]])
    >>> v[0, 1].tolist(), note.startswith("The grey image")
    ([2.0, 2.0, 2.0], True)
    >>> as_volume(np.zeros((2, 2, 4)))
    Traceback (most recent call last):
    ...
    ValueError: image must be (H, W) or (H, W, 3), got shape (2, 2, 4)
    """
    arr = np.asarray(as_float_array(image, "image"), dtype=np.float64)
    if arr.ndim == 2 and arr.size:
        check_finite(arr, "image")
        return np.repeat(arr[:, :, None], 3, axis=2), (
            "The grey image was copied into three equal channels R = G = B, so the volume is "
            f"{arr.shape[0]} × {arr.shape[1]} × 3. Choose Channels: Colour in the sidebar for "
            "a photo's real colours.")
    if arr.ndim == 3 and arr.shape[2] == 3 and arr.size:
        check_finite(arr, "image")
        return arr.copy(), ""
    raise ValueError(f"image must be (H, W) or (H, W, 3), got shape {arr.shape}")


def fit_slice(values: object, f: int) -> np.ndarray:
    """A 2-D kernel made ``f × f`` around its centre: zero border added, or border cut.

    Growing keeps what the kernel does (zero taps add nothing); shrinking keeps
    the centre. With an odd difference, the extra row or column is at the
    bottom/right: :func:`cnnviz.core.kernels.resize_kernel`, the rule of every editor.

    Examples
    --------
    >>> fit_slice([[1, 2], [3, 4]], 4)
    array([[0., 0., 0., 0.],
           [0., 1., 2., 0.],
           [0., 3., 4., 0.],
           [0., 0., 0., 0.]])
    >>> fit_slice(np.arange(25.0).reshape(5, 5), 3)[0]
    array([6., 7., 8.])
    """
    n = as_int(f, "f", minimum=1)
    return resize_kernel(values, (n, n))


def slice_preset(name: str, f: int) -> np.ndarray:
    """The preset ``name`` (or ``"zeros"``) as an ``f × f`` slice (see :func:`fit_slice`).

    >>> slice_preset("vertical_edge", 3)[0].tolist()
    [1.0, 0.0, -1.0]
    >>> slice_preset("zeros", 2).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    n = as_int(f, "f", minimum=1)
    if name == "zeros":
        return np.zeros((n, n))
    return fit_slice(get_kernel(name), n)


def gain(weights: object) -> float:
    """What the filter gives on an input of all ones: the sum of all its weights.

    0 means the filter only responds to change (edges); a blur on each of three
    channels has gain 3, so its output can reach three times the input range.

    A sum beyond float64's range (weights like 1e308) is ``±inf``, not an
    ``OverflowError``; convolving with such a filter then raises a
    ``ValueError`` saying the output overflows, for the page to show.

    >>> gain(np.ones((3, 3, 3)) / 9)
    3.0
    >>> gain([[1e308, 1e308]])
    inf
    """
    arr = np.asarray(as_float_array(weights, "weights"), dtype=np.float64)
    check_finite(arr, "weights")
    total = exact_sum(arr)
    return float(round(total, 12)) if math.isfinite(total) else total


def channel_equation(step: Step, channel: int, digits: int = 3) -> str:
    """One slice's products and partial sum, negatives in brackets: ``a·w + … = sum``.

    >>> from cnnviz.core.trace import ConvTrace
    >>> x = np.zeros((3, 3, 3)); x[:, 0, :] = 25
    >>> w = np.tile(np.array([[1.0, 0, -1]] * 3)[:, :, None], (1, 1, 3))
    >>> channel_equation(ConvTrace(x, w).at(0, 0), 0)
    '25·1 + 0·0 + 0·(−1) + 25·1 + 0·0 + 0·(−1) + 25·1 + 0·0 + 0·(−1) = 75'
    """
    c = as_int(channel, "channel", minimum=0)
    if c >= step.values.shape[2]:
        raise ValueError(f"channel must be below {step.values.shape[2]}, got {c}")
    terms = [f"{factor(format_number(a, digits))}·{factor(format_number(w, digits))}" for a, w in
             zip(step.values[:, :, c].ravel(), step.weights[:, :, c].ravel(), strict=True)]
    return " + ".join(terms) + f" = {format_number(step.partial_sums[c], digits)}"


def total_equation(step: Step, names: Sequence[str] = CHANNEL_NAMES, digits: int = 3) -> str:
    """The total of a colour step as the lectures add it: partial sums plus bias.

    >>> from cnnviz.core.trace import ConvTrace
    >>> t = ConvTrace(np.ones((3, 3, 3)), np.ones((3, 3, 3)), bias=-1)
    >>> total_equation(t.at(0, 0))
    '9 (R) + 9 (G) + 9 (B) + (−1) (bias b) = 26'
    """
    sums = addends([format_number(v, digits) for v in step.partial_sums])
    parts = [f"{s} ({names[c] if c < len(names) else c})" for c, s in enumerate(sums)]
    return (" + ".join(parts) + f" + {factor(format_number(step.bias, digits))} (bias b) = "
            f"{format_number(step.total, digits)}")


def bank_from_presets(names: Sequence[str], n_c: int = 3) -> tuple[np.ndarray, str]:
    """A bank ``f × f × n_c × F`` with each preset on every channel, and a note on ``f``.

    Every filter must have the same ``f``: the largest preset sets it and the
    smaller ones get a border of zeros (which changes nothing they compute).

    Parameters
    ----------
    names : sequence of str
        One preset name (or "zeros") per filter, F = len(names) ≥ 1.
    n_c : int
        Depth of the input volume (3 for RGB).

    Returns
    -------
    bank : numpy.ndarray, (f, f, n_c, F)
    note : str
        Empty when every preset already was ``f × f``.

    Examples
    --------
    >>> bank, note = bank_from_presets(["sharpen", "gaussian_5"], n_c=1)
    >>> bank.shape, bank[2, 2, 0, 0]
    ((5, 5, 1, 2), np.float64(5.0))
    >>> note
    'f = 5 (the largest preset); the 3 × 3 presets get a border of zeros: Sharpen.'
    """
    if isinstance(names, str) or not len(names):
        raise ValueError(f"names must be a list of at least one preset, got {names!r}")
    depth = as_int(n_c, "n_c", minimum=1)
    kernels = [slice_preset(name, 1) if name == "zeros" else get_kernel(name) for name in names]
    f = max(max(k.shape) for k in kernels)
    bank = np.stack([np.repeat(fit_slice(k, f)[:, :, None], depth, axis=2) for k in kernels],
                    axis=3)
    smaller = {n: k.shape for n, k in zip(names, kernels, strict=True)
               if n != "zeros" and k.shape != (f, f)}
    note = ""
    if smaller:
        sizes = sorted({f"{h} × {w}" for h, w in smaller.values()})
        note = (f"f = {f} (the largest preset); the {', '.join(sizes)} presets get a border of "
                f"zeros: {', '.join(KERNELS[n].title for n in smaller)}.")
    return bank, note


class ShapeLine(NamedTuple):
    """One line of the shape summary: what it is and its LaTeX with the numbers."""

    label: str
    latex: str


def bank_shapes(
    in_shape: Sequence[int], f: int, n_filters: int, out_shape: Sequence[int]
) -> list[ShapeLine]:
    r"""The shapes of a convolution layer and its parameter count, filled in.

    Parameters
    ----------
    in_shape : (n_H, n_W, n_c) of the input volume a^[l-1].
    f : filter side.
    n_filters : n_c^[l], the number of filters.
    out_shape : (n_H^[l], n_W^[l]) of each output map.

    Examples
    --------
    >>> lines = bank_shapes((10, 10, 3), 3, 3, (8, 8))
    >>> [line.label for line in lines][-1]
    'Parameters to learn'
    >>> lines[-1].latex.endswith("= 84")
    True
    """
    n_h, n_w, n_c = (as_int(v, "in_shape", minimum=1) for v in in_shape)
    f = as_int(f, "f", minimum=1)
    n_f = as_int(n_filters, "n_filters", minimum=1)
    o_h, o_w = (as_int(v, "out_shape", minimum=1) for v in out_shape[:2])
    params = conv_params(f, n_c, n_f)
    x = r" \times "
    return [
        ShapeLine("Input volume", rf"a^{{[l-1]}}:\ n_H^{{[l-1]}}{x}n_W^{{[l-1]}}{x}n_c^{{[l-1]}}"
                  rf" = {n_h}{x}{n_w}{x}{n_c}"),
        ShapeLine("One filter", rf"f{x}f{x}n_c^{{[l-1]}} = {f}{x}{f}{x}{n_c}"),
        ShapeLine("All weights",
                  rf"f{x}f{x}n_c^{{[l-1]}}{x}n_c^{{[l]}} = {f}{x}{f}{x}{n_c}{x}{n_f}"),
        ShapeLine("Biases", rf"n_c^{{[l]}} = {n_f}\ \text{{(one per filter)}}"),
        ShapeLine("Output volume", rf"a^{{[l]}}:\ n_H^{{[l]}}{x}n_W^{{[l]}}{x}n_c^{{[l]}}"
                  rf" = {o_h}{x}{o_w}{x}{n_f}"),
        ShapeLine("Parameters to learn",
                  rf"(f \cdot f \cdot n_c^{{[l-1]}} + 1) \cdot n_c^{{[l]}} = "
                  rf"({f} \cdot {f} \cdot {n_c} + 1) \cdot {n_f} = {params}"),
    ]

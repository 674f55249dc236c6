"""Transposed convolution ("deconvolution"), and the dilated kernel.

A transposed convolution runs a convolution's wiring backwards: each input
cell scatters ``x[i, j] · kernel`` into the output, at ``(i·s, j·s)`` minus the
padding, and overlapping contributions add up. The result is the transpose of
the convolution's matrix applied to x (``conv_matrix(...).T @ x.ravel()``),
which is where the name comes from. It upsamples by the stride.

The lectures explain it with ordinary convolution only, and
:func:`transpose_as_conv_steps` returns each intermediate array of that path:

1. insert s − 1 zeros between the input cells;
2. pad d(f − 1) − p cells around (plus ``output_padding`` at the bottom/right);
3. slide the kernel turned by 180° with stride 1.

Semantics and argument names are PyTorch's
(``torch.nn.functional.conv_transpose2d`` with one input and one output
channel): the kernel is used as given, in the cross-correlation orientation of
:func:`cnnviz.conv2d`.

>>> conv_transpose2d([[1, 2], [3, 4]], [[1, 1], [1, 1]])
array([[ 1.,  3.,  2.],
       [ 4., 10.,  6.],
       [ 3.,  7.,  4.]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnviz.core._checks import (
    Pair,
    PerSide,
    as_float_array,
    as_int,
    as_pair,
    check_finite,
    check_no_overflow,
)
from cnnviz.core.conv import conv2d

__all__ = [
    "TransposeSteps",
    "conv_transpose2d",
    "dilate_kernel",
    "transpose_as_conv_steps",
    "transposed_output_size",
]


def transposed_output_size(
    n: int,
    kernel_size: int,
    *,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """Size of a transposed convolution's output along one axis.

    ``(n − 1)·s − 2p + d(f − 1) + output_padding + 1``: the inverse of the
    convolution size formula. A stride-s convolution maps s neighbouring
    input sizes to the same output size (the floor), so ``output_padding``
    picks which one to come back to; like PyTorch it must be smaller than the
    stride or the dilation.

    Parameters
    ----------
    n : int
        Input size along the axis.
    kernel_size : int
        Filter size f.
    stride, padding, output_padding, dilation : int, keyword-only
        s ≥ 1, p ≥ 0, 0 ≤ output_padding < max(s, d), d ≥ 1.

    Raises
    ------
    ValueError
        Naming the parameter and its value, for any out-of-range argument or
        an output size below 1.

    Examples
    --------
    >>> transposed_output_size(2, 2, stride=2)
    4
    >>> transposed_output_size(3, 3, stride=2, padding=1, output_padding=1)
    6
    """
    n, f, s, p, op, d = _axis_args(n, kernel_size, stride, output_padding, dilation, padding)
    if op >= max(s, d):
        raise ValueError(
            f"output_padding must be smaller than stride or dilation (below {max(s, d)}), "
            f"got {op}"
        )
    out = (n - 1) * s - 2 * p + d * (f - 1) + op + 1
    if out < 1:
        raise ValueError(
            f"padding={p} is too large: the output size (n − 1)·s − 2p + d(f − 1) + "
            f"output_padding + 1 would be {out} for n={n}, kernel_size={f}, stride={s}, "
            f"dilation={d}, output_padding={op}"
        )
    return out


def max_transposed_padding(
    n: int,
    kernel_size: int,
    *,
    stride: int = 1,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """The largest padding p that still leaves an output along one axis.

    Solves ``(n − 1)·s − 2p + d(f − 1) + output_padding + 1 ≥ 1`` for p, so a
    padding control can offer exactly the values :func:`transposed_output_size`
    accepts.

    Examples
    --------
    >>> max_transposed_padding(2, 3, stride=2)   # full size 5: cut 2 from each side
    2
    >>> transposed_output_size(2, 3, stride=2, padding=2)
    1
    >>> max_transposed_padding(1, 1)
    0
    """
    n, f, s, _, op, d = _axis_args(n, kernel_size, stride, output_padding, dilation)
    return ((n - 1) * s + d * (f - 1) + op) // 2


def _axis_args(n: object, kernel_size: object, stride: object, output_padding: object,
               dilation: object, padding: object = 0) -> tuple[int, int, int, int, int, int]:
    """The one-axis arguments as checked ints, (n, f, s, p, output_padding, d), checked in
    that order so that the first bad one is the one named."""
    return (as_int(n, "n", minimum=1), as_int(kernel_size, "kernel_size", minimum=1),
            as_int(stride, "stride", minimum=1), as_int(padding, "padding", minimum=0),
            as_int(output_padding, "output_padding", minimum=0),
            as_int(dilation, "dilation", minimum=1))


def _spread(arr: np.ndarray, step: Pair) -> np.ndarray:
    """Put ``step - 1`` zeros between neighbouring cells of the first two axes."""
    sh, sw = step
    h, w = arr.shape[:2]
    out = np.zeros(((h - 1) * sh + 1, (w - 1) * sw + 1) + arr.shape[2:], dtype=arr.dtype)
    out[::sh, ::sw] = arr
    return out


def _as_2d(value: object, name: str) -> np.ndarray:
    arr = as_float_array(value, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (H, W), got shape {arr.shape}")
    if 0 in arr.shape:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return arr


def dilate_kernel(kernel: object, dilation: object) -> np.ndarray:
    """The kernel with ``d − 1`` zeros between its taps: what dilation slides.

    ``conv2d(x, k, dilation=d) == conv2d(x, dilate_kernel(k, d))``: a dilated
    kernel is an ordinary, larger kernel of size d(f − 1) + 1 whose extra
    taps are 0.

    Parameters
    ----------
    kernel : array_like, (f_H, f_W) or (f_H, f_W, C)
    dilation : int or (int, int)
        d ≥ 1 per axis.

    Raises
    ------
    ValueError
        If kernel is not a non-empty 2-D or 3-D array or dilation is below 1.

    Examples
    --------
    >>> dilate_kernel([[1, 2], [3, 4]], (1, 3))
    array([[1., 0., 0., 2.],
           [3., 0., 0., 4.]])
    """
    ker = as_float_array(kernel, "kernel")
    if ker.ndim not in (2, 3):
        raise ValueError(f"kernel must be (f_H, f_W) or (f_H, f_W, C), got shape {ker.shape}")
    if 0 in ker.shape:
        raise ValueError(f"kernel must not be empty, got shape {ker.shape}")
    return _spread(ker, as_pair(dilation, "dilation", minimum=1))


def _plan(
    x_shape: Pair, k_shape: Pair, stride: object, padding: object, output_padding: object,
    dilation: object,
) -> tuple[Pair, Pair, Pair, Pair, Pair]:
    """Validate per-axis hyperparameters; return s, p, output_padding, d, out_shape."""
    s = as_pair(stride, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    op = as_pair(output_padding, "output_padding", minimum=0)
    d = as_pair(dilation, "dilation", minimum=1)
    out_h, out_w = (
        transposed_output_size(x_shape[i], k_shape[i], stride=s[i], padding=p[i],
                               output_padding=op[i], dilation=d[i])
        for i in (0, 1)
    )
    return s, p, op, d, (out_h, out_w)


def _as_scalar_bias(bias: object) -> float:
    b = as_float_array(bias, "bias")
    if b.size != 1:
        raise ValueError(f"bias must be one number (one output channel), got shape {b.shape}")
    check_finite(b, "bias")
    return float(b.ravel()[0])


def conv_transpose2d(
    x: object,
    kernel: object,
    bias: object = 0.0,
    *,
    stride: object = 1,
    padding: object = 0,
    output_padding: object = 0,
    dilation: object = 1,
) -> np.ndarray:
    """Transposed convolution of an (H, W) input: scatter, add, crop.

    Every input cell (i, j) adds ``x[i, j] · kernel[a, b]`` to output cell
    ``(i·s + a·d − p, j·s + b·d − p)``; cells that several windows reach sum
    their contributions. ``output_padding`` extends the output at the bottom
    and right only (it chooses among the input sizes a strided convolution
    maps to the same size); it adds no value of its own.

    Parameters
    ----------
    x : array_like, (H, W)
    kernel : array_like, (f_H, f_W)
        Used as given (PyTorch's orientation), not turned.
    bias : float, optional
        Added to every output cell.
    stride, padding, output_padding, dilation : int or (int, int), keyword-only
        s ≥ 1, p ≥ 0 (cropped from each side of the full scatter),
        0 ≤ output_padding < max(s, d), d ≥ 1.

    Returns
    -------
    numpy.ndarray
        Shape given by :func:`transposed_output_size` per axis; float32 for a
        float32 input, float64 otherwise.

    Raises
    ------
    ValueError
        Naming the parameter and the value: non-2-D, empty or non-finite
        arrays, a stride or dilation below 1, a negative padding, an
        output_padding not below max(stride, dilation), an output size below 1.
        Also "the output overflows float64: ..." when finite x, kernel and
        bias give values beyond the dtype's range (as :func:`cnnviz.conv2d`).

    Examples
    --------
    Stride 2 with a 2×2 kernel places one scaled copy of the kernel per
    input cell, side by side:

    >>> conv_transpose2d([[1, 2], [3, 4]], [[1, 0], [0, -1]], stride=2)
    array([[ 1.,  0.,  2.,  0.],
           [ 0., -1.,  0., -2.],
           [ 3.,  0.,  4.,  0.],
           [ 0., -3.,  0., -4.]])
    """
    arr = _as_2d(x, "x")
    ker = _as_2d(kernel, "kernel")
    check_finite(ker, "kernel")
    b = _as_scalar_bias(bias)
    (sh, sw), (ph, pw), _, (dh, dw), (oh, ow) = _plan(
        arr.shape, ker.shape, stride, padding, output_padding, dilation
    )
    out_dtype = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)
    work = np.promote_types(out_dtype, np.float32)
    xw = arr.astype(work, copy=False)
    h, w = arr.shape
    # The uncropped scatter, plus room for output_padding rows/columns that
    # may lie past it (they stay 0, as in PyTorch).
    full = np.zeros((max((h - 1) * sh + dh * (ker.shape[0] - 1) + 1, ph + oh),
                     max((w - 1) * sw + dw * (ker.shape[1] - 1) + 1, pw + ow)), dtype=work)
    # One strided slice per kernel tap: every input cell scatters that tap at once.
    # Past the float range the sums become inf, which check_no_overflow turns into
    # a ValueError naming the magnitudes: no NumPy warning first.
    with np.errstate(over="ignore", invalid="ignore"):
        for (a, c), wt in np.ndenumerate(ker.astype(work)):
            if wt == 0:
                continue
            full[a * dh : a * dh + (h - 1) * sh + 1 : sh,
                 c * dw : c * dw + (w - 1) * sw + 1 : sw] += wt * xw
        out = full[ph : ph + oh, pw : pw + ow] + work.type(b)
    check_no_overflow(out, "the output", {"kernel": ker, "x": arr, "bias": b})
    return np.ascontiguousarray(out, dtype=out_dtype)


@dataclass(frozen=True)
class TransposeSteps:
    """A transposed convolution as the lectures compute it, one array per step.

    Attributes
    ----------
    x : the (H, W) input.
    upsampled : x with s − 1 zeros between cells (step 1).
    border : ((top, bottom), (left, right)) cells added around ``upsampled``:
        d(f − 1) − p, plus output_padding at the bottom/right. A negative
        amount means that many rows or columns are cut off instead (the
        padding p is larger than d(f − 1)).
    padded : ``upsampled`` with ``border`` applied (step 2).
    turned_kernel : the kernel turned by 180°.
    output : conv2d(padded, turned_kernel, bias, dilation=d), stride 1 (step 3);
        equal to :func:`conv_transpose2d`.
    stride, padding, output_padding, dilation : per axis.

    :func:`cnnviz.lessons.transposed.step_lines` says the three steps in words.
    """

    x: np.ndarray
    upsampled: np.ndarray
    border: PerSide
    padded: np.ndarray
    turned_kernel: np.ndarray
    output: np.ndarray
    stride: Pair
    padding: Pair
    output_padding: Pair
    dilation: Pair


def _pad_or_crop(arr: np.ndarray, border: PerSide) -> np.ndarray:
    """Pad with zeros where ``border`` is positive, cut off where it is negative."""
    (t, b), (le, r) = border
    padded = np.pad(arr, ((max(t, 0), max(b, 0)), (max(le, 0), max(r, 0))))
    h, w = padded.shape
    return padded[max(-t, 0) : h - max(-b, 0), max(-le, 0) : w - max(-r, 0)]


def transpose_as_conv_steps(
    x: object,
    kernel: object,
    bias: object = 0.0,
    *,
    stride: object = 1,
    padding: object = 0,
    output_padding: object = 0,
    dilation: object = 1,
) -> TransposeSteps:
    """Compute a transposed convolution with zeros, padding and an ordinary conv2d.

    Same arguments, validation and result as :func:`conv_transpose2d`; the
    intermediate arrays are kept so a page can draw each step. The output
    really is computed this way (through :func:`cnnviz.conv2d`), not copied
    from the direct definition, so tests comparing both check the lectures'
    explanation.

    Examples
    --------
    >>> st = transpose_as_conv_steps([[1, 2], [3, 4]], [[1, 0], [0, -1]], stride=2)
    >>> st.upsampled.shape, st.border, st.padded.shape, st.output.shape
    ((3, 3), ((1, 1), (1, 1)), (5, 5), (4, 4))
    >>> st.turned_kernel
    array([[-1.,  0.],
           [ 0.,  1.]])
    >>> st.output[:2]
    array([[ 1.,  0.,  2.,  0.],
           [ 0., -1.,  0., -2.]])
    """
    arr = _as_2d(x, "x")
    ker = _as_2d(kernel, "kernel")
    check_finite(ker, "kernel")
    b = _as_scalar_bias(bias)
    s, p, op, d, out_shape = _plan(arr.shape, ker.shape, stride, padding, output_padding,
                                   dilation)
    upsampled = _spread(arr, s)
    reach = [di * (f - 1) - pi for di, f, pi in zip(d, ker.shape, p, strict=True)]
    border: PerSide = ((reach[0], reach[0] + op[0]), (reach[1], reach[1] + op[1]))
    padded = _pad_or_crop(upsampled, border)
    turned = ker[::-1, ::-1].copy()
    output = conv2d(padded, turned, b, dilation=d)
    assert output.shape == out_shape  # the size formula and the three steps agree
    return TransposeSteps(
        x=arr, upsampled=upsampled, border=border, padded=padded, turned_kernel=turned,
        output=output, stride=s, padding=p, output_padding=op, dilation=d,
    )

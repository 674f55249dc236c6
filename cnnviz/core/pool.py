"""Pooling: where the windows sit and what each one keeps.

Pooling slides a window of ``k_H × k_W`` cells with stride ``s`` over each
channel on its own and keeps the window's maximum (max pooling) or mean
(average pooling). It has hyperparameters (mode, size, stride, padding) and no
parameters to learn. The windows are placed by the same planner as a
convolution's (:func:`cnnviz.core.conv.plan_conv`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cnnviz.core._checks import all_finite, as_float_array, as_pair, check_mode, check_out
from cnnviz.core._scratch import Scratch
from cnnviz.core.conv import ConvGeometry, _pad_into, plan_conv

__all__ = ["pool2d", "pool_geometry"]

# Pooling works through blocks of output rows whose row-reduced input is about
# this size, so the second (column) step reads it from cache.
_POOL_BLOCK_BYTES = 1 << 19


def pool_geometry(
    in_shape: Sequence[int], size: object, *, stride: object = None, padding: object = 0
) -> ConvGeometry:
    """Where the pooling windows sit: :func:`cnnviz.core.conv.plan_conv` with pool arguments.

    Same rules as :func:`pool2d`: stride defaults to the size, the
    padding (per axis, on both sides) may be at most half the size.

    Examples
    --------
    >>> g = pool_geometry((4, 4), 2)
    >>> g.stride, g.out_shape
    ((2, 2), (2, 2))
    >>> pool_geometry((5, 5), 3, stride=(2, 1), padding=1).out_shape
    (3, 5)
    >>> pool_geometry((4, 4), 2, padding=(2, 0))
    Traceback (most recent call last):
    ...
    ValueError: padding must be at most half the pool size (2, 2), got (2, 0)
    """
    k = as_pair(size, "size", minimum=1)
    s = k if stride is None else as_pair(stride, "stride", minimum=1)
    ph, pw = as_pair(padding, "padding", minimum=0)
    if 2 * ph > k[0] or 2 * pw > k[1]:
        # A window made mostly of padding would pool nothing real (PyTorch's rule).
        raise ValueError(f"padding must be at most half the pool size {k}, got {(ph, pw)}")
    return plan_conv((in_shape[0], in_shape[1]), k, stride=s, padding=((ph, ph), (pw, pw)),
                     window="pool window")


def pool2d(
    x: object,
    size: object = 2,
    *,
    stride: object = None,
    padding: object = 0,
    mode: str = "max",
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Max or average pooling over (H, W), or over each channel of (H, W, C).

    Parameters
    ----------
    x : array_like, (H, W) or (H, W, C)
    size : int or (int, int)
        Pool window per axis.
    stride : int or (int, int), optional, keyword-only
        Defaults to ``size``: windows side by side, no overlap.
    padding : int or (int, int), keyword-only
        Cells added on each side. Max pooling pads with -inf so padding never
        wins; average pooling pads with zeros that count in the mean
        (PyTorch's default).
    mode : {"max", "avg"}, keyword-only
    out : numpy.ndarray, optional, keyword-only
        Where to write the result, instead of a new array: exactly the
        result's shape and dtype (the input's float type, float64 for
        integers), writeable, any memory layout. If an error is raised, its
        contents are unspecified.

    Returns
    -------
    numpy.ndarray
        A new array, or ``out`` if given; never a view of a buffer cnnviz reuses.

    Raises
    ------
    ValueError
        Naming the parameter: a bad size, stride, padding or mode, an empty or
        wrongly shaped ``x``, or an ``out`` of the wrong shape or dtype.

    Examples
    --------
    >>> pool2d(np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]))
    array([[6., 8.],
           [3., 4.]])
    >>> pool2d(np.arange(16.0).reshape(4, 4), 2, mode="avg")
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    arr = as_float_array(x, "x")
    if arr.ndim not in (2, 3):
        raise ValueError(f"x must be 2-D (H, W) or 3-D (H, W, C), got shape {arr.shape}")
    if 0 in arr.shape:
        raise ValueError(f"x must not be empty, got shape {arr.shape}")
    check_mode(mode, "mode", ("max", "avg"))
    geom = pool_geometry(arr.shape, size, stride=stride, padding=padding)
    check_out(out, geom.out_shape + arr.shape[2:], arr.dtype)
    k = geom.kernel_shape
    work = arr.astype(np.promote_types(arr.dtype, np.float32), copy=False)
    # As in conv2d: straight into ``out`` unless it shares memory with the input.
    direct = out is not None and out.dtype == work.dtype and not np.may_share_memory(out, arr)
    res = out if out is not None and direct else np.empty(geom.out_shape + arr.shape[2:],
                                                         dtype=work.dtype)
    with Scratch() as scratch:
        if mode == "max":
            # -inf padding never wins a window.
            _pool(_padded(work, geom, scratch, -np.inf), geom, np.maximum, res, scratch)
        else:
            # A sum past the float range is inf, caught just below: no NumPy warning.
            with np.errstate(over="ignore", invalid="ignore"):
                _pool(_padded(work, geom, scratch, 0.0), geom, np.add, res, scratch,
                      divisor=k[0] * k[1])
            if not all_finite(res) and all_finite(work):
                # A window's sum passed the float range (values near 1e308) though
                # its mean fits: divide first, then add.
                _pool(_padded(work / (k[0] * k[1]), geom, scratch, 0.0), geom, np.add, res,
                      scratch)
    if out is None:
        return res if res.dtype == arr.dtype else res.astype(arr.dtype)
    if res is not out:
        np.copyto(out, res, casting="unsafe")  # float32 work, float16 input: as astype does
    return out


def _padded(work: np.ndarray, geom: ConvGeometry, scratch: Scratch, fill: float) -> np.ndarray:
    """``work`` padded by ``fill`` on the two spatial axes, in a scratch buffer (or as it is)."""
    (ph, _), (pw, _) = geom.padding
    if not (ph or pw):
        return work
    hp, wp = geom.padded_shape
    dest = scratch.empty((hp, wp) + work.shape[2:], work.dtype)
    # _pad_into pads the last two axes: move channels to the front (views).
    _pad_into(np.moveaxis(work, (0, 1), (-2, -1)), np.moveaxis(dest, (0, 1), (-2, -1)),
              geom.padding, "zeros", fill=fill)
    return dest


def _pool(
    padded: np.ndarray,
    geom: ConvGeometry,
    op: np.ufunc,
    out: np.ndarray,
    scratch: Scratch,
    divisor: int | None = None,
) -> None:
    """Reduce every window of ``padded`` into ``out`` with ``op``, then divide by ``divisor``.

    A window's reduction is separable: first along each row (the k_W columns
    of every window, strided views of whole rows), then down the columns (k_H
    rows of that partial result). That is (k_W - 1) + (k_H - 1) operations
    instead of k_H k_W - 1, all in place. Working through blocks of output rows
    keeps the partial result in cache between the two steps.
    """
    (oh, ow), (sh, sw), (kh, kw) = geom.out_shape, geom.stride, geom.kernel_shape
    rest = padded.shape[2:]
    part_row_bytes = ow * int(np.prod(rest, dtype=int)) * padded.itemsize
    rows = max(1, min(oh, _POOL_BLOCK_BYTES // (part_row_bytes * sh)))
    part = scratch.empty(((rows - 1) * sh + kh, ow) + rest, padded.dtype)
    for r0 in range(0, oh, rows):
        rb = min(rows, oh - r0)
        span = (rb - 1) * sh + kh  # input rows the block's windows cover
        src = padded[r0 * sh : r0 * sh + span]
        cols = [src[:, j : j + (ow - 1) * sw + 1 : sw] for j in range(kw)]
        if kw == 1:
            row_red = cols[0]
        else:
            row_red = part[:span]
            op(cols[0], cols[1], out=row_red)
            for c in cols[2:]:
                op(row_red, c, out=row_red)
        rows_i = [row_red[i : i + (rb - 1) * sh + 1 : sh] for i in range(kh)]
        block = out[r0 : r0 + rb]
        if kh == 1:
            np.copyto(block, rows_i[0])
        else:
            op(rows_i[0], rows_i[1], out=block)
            for r in rows_i[2:]:
                op(block, r, out=block)
        if divisor is not None:
            np.divide(block, divisor, out=block)

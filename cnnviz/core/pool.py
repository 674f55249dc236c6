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

from cnnviz.core._checks import as_float_array, as_pair, check_mode
from cnnviz.core.conv import ConvGeometry, pad_image, plan_conv

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
    return plan_conv(tuple(in_shape[:2]), k, stride=s, padding=((ph, ph), (pw, pw)),
                     window="pool window")


def pool2d(
    x: object,
    size: object = 2,
    *,
    stride: object = None,
    padding: object = 0,
    mode: str = "max",
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
    k = geom.kernel_shape
    (ph, _), (pw, _) = geom.padding
    work = arr.astype(np.promote_types(arr.dtype, np.float32), copy=False)
    if mode == "max":
        padded = work
        if ph or pw:
            padded = np.pad(
                work, [(ph, ph), (pw, pw)] + [(0, 0)] * (arr.ndim - 2), constant_values=-np.inf
            )
        out = _pool(padded, geom, np.maximum)
    else:
        out = _pool(pad_image(work, geom.padding), geom, np.add, divisor=k[0] * k[1])
        if not np.all(np.isfinite(out)) and np.all(np.isfinite(work)):
            # A window's sum passed the float range (values near 1e308) though
            # its mean fits: divide first, then add.
            out = _pool(pad_image(work / (k[0] * k[1]), geom.padding), geom, np.add)
    return np.ascontiguousarray(out, dtype=arr.dtype)


def _pool(
    padded: np.ndarray, geom: ConvGeometry, op: np.ufunc, divisor: int | None = None
) -> np.ndarray:
    """Reduce every window of ``padded`` with ``op``, then divide by ``divisor`` if given.

    A window's reduction is separable: first along each row (the k_W columns
    of every window, strided views of whole rows), then down the columns (k_H
    rows of that partial result). That is (k_W - 1) + (k_H - 1) operations
    instead of k_H k_W - 1, all in place. Working through blocks of output rows
    keeps the partial result in cache between the two steps.
    """
    (oh, ow), (sh, sw), (kh, kw) = geom.out_shape, geom.stride, geom.kernel_shape
    rest = padded.shape[2:]
    out = np.empty((oh, ow) + rest, dtype=padded.dtype)
    part_row_bytes = ow * int(np.prod(rest, dtype=int)) * padded.itemsize
    rows = max(1, min(oh, _POOL_BLOCK_BYTES // (part_row_bytes * sh)))
    part = np.empty(((rows - 1) * sh + kh, ow) + rest, dtype=padded.dtype)
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
    return out

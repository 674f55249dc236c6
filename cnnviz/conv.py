"""Convolution, pooling and the output-size formula.

``conv2d`` computes what CNNs call convolution: cross-correlation, the kernel
laid on the input as it is. ``flip=True`` turns the kernel by 180 degrees first,
which is the convolution of mathematics and signal processing
(``scipy.signal.convolve2d``).

Shapes are channels last, as in the lectures and in Pillow: an image is
(n_H, n_W) or (n_H, n_W, n_c); a kernel is (f_H, f_W), (f_H, f_W, n_c) or a bank
(f_H, f_W, n_c, F).

Speed comes from one idea: a kernel tap (i, j) touches the same strided slice
of the padded input for every output cell, so the whole layer is one
multiply-add of a slice per tap (or, for a bank of filters, one matrix product
of the unrolled windows). No Python loop ever runs per pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import (
    PAD_MODES,
    Pair,
    PerSide,
    as_float_array,
    as_int,
    as_pair,
    check_finite,
    check_mode,
    effective_size,
    resolve_padding,
)

__all__ = ["ConvGeometry", "conv2d", "output_size", "pad_image", "plan_conv", "pool2d"]

# Rank-1 kernels with at least this many taps run as two 1-D passes: a 15×15
# Gaussian costs 30 slice updates instead of 225. Smaller kernels (every
# lecture kernel) keep the direct sum, which is exact for integer data.
_SEPARABLE_MIN_TAPS = 49


@dataclass(frozen=True)
class ConvGeometry:
    """Where every window of a convolution sits.

    Attributes
    ----------
    in_shape : (n_H, n_W) of the input before padding.
    kernel_shape : (f_H, f_W).
    stride, dilation : per axis.
    padding : ((top, bottom), (left, right)).
    out_shape : (n_H', n_W') of the output.
    """

    in_shape: Pair
    kernel_shape: Pair
    stride: Pair
    dilation: Pair
    padding: PerSide

    @property
    def padded_shape(self) -> Pair:
        """Shape of the input once padded."""
        (t, b), (left, r) = self.padding
        return self.in_shape[0] + t + b, self.in_shape[1] + left + r

    @property
    def effective_kernel(self) -> Pair:
        """Span of the dilated kernel, d (f - 1) + 1, per axis."""
        return (
            effective_size(self.kernel_shape[0], self.dilation[0]),
            effective_size(self.kernel_shape[1], self.dilation[1]),
        )

    @property
    def out_shape(self) -> Pair:
        """Output size per axis: floor((n + p_before + p_after - d (f - 1) - 1) / s) + 1."""
        return tuple(  # type: ignore[return-value]
            (p - e) // s + 1
            for p, e, s in zip(self.padded_shape, self.effective_kernel, self.stride, strict=True)
        )

    @property
    def n_steps(self) -> int:
        """Number of window positions (output cells)."""
        return self.out_shape[0] * self.out_shape[1]

    @property
    def unreached(self) -> Pair:
        """Rows and columns at the bottom/right of the padded input no window reaches."""
        return tuple(  # type: ignore[return-value]
            p - ((o - 1) * s + e)
            for p, o, s, e in zip(
                self.padded_shape, self.out_shape, self.stride, self.effective_kernel, strict=True
            )
        )


def plan_conv(
    in_shape: tuple[int, int],
    kernel_shape: tuple[int, int],
    *,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    flip: bool = False,
) -> ConvGeometry:
    """Validate the hyperparameters of a convolution and place its windows.

    ``flip`` says the kernel will be turned (true convolution), which mirrors
    where ``"same"`` puts an even kernel's odd extra cell.

    Raises ``ValueError`` naming the parameter and the value received when a
    stride or dilation is below 1, a padding is negative or unknown, or the
    (dilated) kernel is larger than the padded input.

    >>> g = plan_conv((6, 6), (3, 3), stride=5, padding=1)
    >>> g.out_shape, g.unreached
    ((2, 2), (0, 0))
    >>> plan_conv((5, 5), (3, 3), padding="same").padding
    ((1, 1), (1, 1))
    """
    s = as_pair(stride, "stride", minimum=1)
    d = as_pair(dilation, "dilation", minimum=1)
    k = (int(kernel_shape[0]), int(kernel_shape[1]))
    n = (int(in_shape[0]), int(in_shape[1]))
    if min(n) < 1:
        raise ValueError(f"image must have at least one row and one column, got shape {n}")
    if min(k) < 1:
        raise ValueError(f"kernel must have at least one row and one column, got shape {k}")
    pad = resolve_padding(padding, n, k, s, d)
    if flip and isinstance(padding, str) and padding == "same":
        # True convolution mirrors the kernel's origin too, so the odd extra
        # cell of an even kernel goes top/left, exactly as convolve2d does.
        pad = (pad[0][::-1], pad[1][::-1])
    geom = ConvGeometry(n, k, s, d, pad)
    for axis, name in enumerate(("rows", "columns")):
        if geom.effective_kernel[axis] > geom.padded_shape[axis]:
            span = geom.effective_kernel[axis]
            what = f"kernel of {k[0]}×{k[1]}"
            if d[axis] > 1:
                what += f" dilated by {d[axis]} spans {span} {name}, which"
            raise ValueError(
                f"kernel is larger than the padded input: the {what} does not fit in "
                f"{geom.padded_shape[axis]} padded {name} (input {n[0]}×{n[1]}, padding {pad})"
            )
    return geom


def pad_image(image: np.ndarray, padding: PerSide, pad_mode: str = "zeros") -> np.ndarray:
    """Pad the two spatial axes of ``image`` by ``((top, bottom), (left, right))``.

    ``pad_mode`` uses PyTorch's names: ``"zeros"``, ``"reflect"``,
    ``"replicate"`` and ``"circular"`` (numpy's constant, reflect, edge, wrap).

    >>> pad_image(np.array([[1., 2.], [3., 4.]]), ((0, 0), (1, 1)), "replicate")
    array([[1., 1., 2., 2.],
           [3., 3., 4., 4.]])
    """
    check_mode(pad_mode, "pad_mode", tuple(PAD_MODES))
    widths = [tuple(padding[0]), tuple(padding[1])] + [(0, 0)] * (image.ndim - 2)
    if not any(any(w) for w in widths):
        return image
    return np.pad(image, widths, mode=PAD_MODES[pad_mode])


def output_size(
    n: int, kernel_size: int, *, padding: object = 0, stride: int = 1, dilation: int = 1
) -> int:
    """Size of a convolution's output along one axis.

    ``n_out = floor((n + 2p - d (f - 1) - 1) / s) + 1``; ``padding`` is per
    side (symmetric), or one of ``"valid"``, ``"same"``, ``"full"``.

    Parameters
    ----------
    n : int
        Input size along the axis, ``n^[l-1]``.
    kernel_size : int
        Filter size ``f``.
    padding : int or str, keyword-only
        Zeros added on each side, ``p``.
    stride : int, keyword-only
        Step of the window, ``s``.
    dilation : int, keyword-only
        Spacing of the kernel's taps, ``d``.

    Raises
    ------
    ValueError
        If an argument is out of range or the output would be smaller than 1.

    Examples
    --------
    >>> output_size(6, 3, padding=1, stride=5)
    2
    >>> output_size(32, 5)
    28
    >>> output_size(7, 3, padding="same", stride=2)
    4
    """
    n = as_int(n, "n", minimum=1)
    k = as_int(kernel_size, "kernel_size", minimum=1)
    s = as_int(stride, "stride", minimum=1)
    d = as_int(dilation, "dilation", minimum=1)
    if isinstance(padding, str):
        (before, after), _ = resolve_padding(padding, (n, n), (k, k), (s, s), (d, d))
    else:
        before = after = as_int(padding, "padding", minimum=0)
    span = n + before + after - effective_size(k, d)
    if span < 0:
        raise ValueError(
            f"output_size would be below 1: kernel_size={k} (dilation={d}) is larger than "
            f"n={n} plus padding={before + after}"
        )
    return span // s + 1


def _prepare(image: object, kernel: object) -> tuple[np.ndarray, np.ndarray, np.dtype, str]:
    """Coerce the arrays and decide which of the four shape cases applies.

    Returns the image as (H, W, C), the kernel as (f_H, f_W, C, F), the result
    dtype, and the case: ``"single"`` (one filter, 2-D output), ``"bank"``
    (F filters, 3-D output) or ``"depthwise"`` (a 2-D kernel on each channel).
    """
    img = as_float_array(image, "image")
    ker = as_float_array(kernel, "kernel")
    if img.ndim not in (2, 3):
        raise ValueError(f"image must be 2-D (H, W) or 3-D (H, W, C), got shape {img.shape}")
    if ker.ndim not in (2, 3, 4):
        raise ValueError(
            "kernel must be (kh, kw), (kh, kw, C) or (kh, kw, C, F), "
            f"got shape {ker.shape}"
        )
    if 0 in img.shape:
        raise ValueError(f"image must not be empty, got shape {img.shape}")
    if 0 in ker.shape:
        raise ValueError(f"kernel must not be empty, got shape {ker.shape}")
    check_finite(ker, "kernel")
    # float32 stays float32, float64 stays float64; integers were made float64.
    out_dtype = img.dtype if img.dtype.kind == "f" else np.dtype(np.float64)
    work = np.promote_types(out_dtype, np.float32)
    img3 = img[:, :, None] if img.ndim == 2 else img
    channels = img3.shape[2]
    if ker.ndim == 2:
        case = "depthwise" if img.ndim == 3 else "single"
        ker4 = ker[:, :, None, None]
    else:
        case = "single" if ker.ndim == 3 else "bank"
        ker4 = ker[:, :, :, None] if ker.ndim == 3 else ker
        if ker4.shape[2] != channels:
            raise ValueError(
                f"kernel has {ker4.shape[2]} channels but image has {channels}: "
                f"kernel shape {ker.shape}, image shape {img.shape}"
            )
    return img3.astype(work, copy=False), ker4.astype(work, copy=False), out_dtype, case


def _as_bias(bias: object, n_filters: int, dtype: np.dtype) -> np.ndarray:
    arr = as_float_array(bias, "bias")
    if arr.ndim == 0:
        arr = np.full(n_filters, arr, dtype=np.float64)
    arr = arr.ravel()
    if arr.size != n_filters:
        raise ValueError(
            f"bias must be a scalar or one value per filter ({n_filters}), got {arr.size} values"
        )
    check_finite(arr, "bias")
    return arr.astype(dtype, copy=False)


def _tap(padded: np.ndarray, geom: ConvGeometry, i: int, j: int) -> np.ndarray:
    """The strided slice of ``padded`` that kernel tap (i, j) multiplies."""
    (oh, ow), (sh, sw), (dh, dw) = geom.out_shape, geom.stride, geom.dilation
    r0, c0 = i * dh, j * dw
    return padded[r0 : r0 + (oh - 1) * sh + 1 : sh, c0 : c0 + (ow - 1) * sw + 1 : sw]


def _separable(k2: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Column and row factors (u, v) with outer(u, v) == k2, if k2 has rank 1."""
    if k2.size < _SEPARABLE_MIN_TAPS or min(k2.shape) < 2:
        return None
    u, s, vt = np.linalg.svd(k2.astype(np.float64))
    if s[0] == 0 or s[1] > 1e-10 * s[0]:
        return None
    return u[:, 0] * s[0], vt[0]


def _correlate_planes(padded: np.ndarray, k2: np.ndarray, geom: ConvGeometry) -> np.ndarray:
    """One 2-D kernel over every plane of ``padded`` (H, W, ...): a sum of taps."""
    factors = _separable(k2)
    if factors is not None:
        u, v = factors
        # Rows pass first at full resolution (stride applied only on the last
        # axis), then columns; dilation and stride carry over unchanged.
        (oh, ow), (sh, sw), (dh, dw) = geom.out_shape, geom.stride, geom.dilation
        rows = padded.shape[0]
        tmp = np.zeros((rows, ow) + padded.shape[2:], dtype=padded.dtype)
        for j, w in enumerate(v.astype(padded.dtype)):
            c0 = j * dw
            tmp += w * padded[:, c0 : c0 + (ow - 1) * sw + 1 : sw]
        out = np.zeros((oh, ow) + padded.shape[2:], dtype=padded.dtype)
        for i, w in enumerate(u.astype(padded.dtype)):
            r0 = i * dh
            out += w * tmp[r0 : r0 + (oh - 1) * sh + 1 : sh]
        return out
    out = np.zeros(geom.out_shape + padded.shape[2:], dtype=padded.dtype)
    scratch = np.empty_like(out)
    for (i, j), w in np.ndenumerate(k2):
        if w == 0:
            continue  # a zero tap adds nothing; Sobel and Laplacians are a third zeros
        np.multiply(_tap(padded, geom, i, j), w, out=scratch)
        out += scratch
    return out


def _unroll(padded: np.ndarray, geom: ConvGeometry) -> np.ndarray:
    """im2col: one row per output cell, columns ordered (i, j, c) like the kernel."""
    fh, fw = geom.kernel_shape
    oh, ow = geom.out_shape
    channels = padded.shape[2]
    cols = np.empty((oh, ow, fh, fw, channels), dtype=padded.dtype)
    for i in range(fh):
        for j in range(fw):
            cols[:, :, i, j, :] = _tap(padded, geom, i, j)
    return cols.reshape(oh * ow, fh * fw * channels)


def conv2d(
    image: object,
    kernel: object,
    bias: object = 0.0,
    *,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    pad_mode: str = "zeros",
    flip: bool = False,
) -> np.ndarray:
    """Slide ``kernel`` over ``image``: multiply element-wise, sum, add ``bias``.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
        The input volume a^[l-1], channels last.
    kernel : array_like
        (f_H, f_W): one filter; on a (H, W, C) image it filters each channel on
        its own and the result is (H', W', C). (f_H, f_W, C): one filter over
        C channels, result (H', W'). (f_H, f_W, C, F): a bank of F filters,
        result (H', W', F).
    bias : float or array_like, optional
        Added to every output value: a scalar, or one value per filter.
    stride, dilation : int or (int, int), keyword-only
        Step of the window and spacing of the taps, per axis.
    padding : int, pair, ((top, bottom), (left, right)) or str, keyword-only
        ``"valid"`` (no padding), ``"same"`` (``ceil(n / s)`` outputs, any odd
        extra at the bottom/right, or top/left with ``flip=True`` as
        ``convolve2d`` does) or ``"full"`` (effective kernel size - 1).
    pad_mode : {"zeros", "reflect", "replicate", "circular"}, keyword-only
        What the padding cells hold.
    flip : bool, keyword-only
        Turn the kernel by 180 degrees first: true convolution, equal to
        ``scipy.signal.convolve2d``. The default computes cross-correlation,
        which is what CNNs do and call convolution.

    Returns
    -------
    numpy.ndarray
        Float32 for a float32 image, float64 for float64, integer or bool inputs.

    Raises
    ------
    ValueError
        Naming the parameter and the value: a stride or dilation below 1, a
        negative or unknown padding, an unknown pad_mode, a kernel larger than
        the padded input, a non-finite kernel or bias, mismatched channels.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> conv2d(x, np.ones((2, 2)), stride=2)
    array([[10., 18.],
           [42., 50.]])
    >>> conv2d(x, [[1, 0], [0, -1]], 1.0, flip=True)
    array([[6., 6., 6.],
           [6., 6., 6.],
           [6., 6., 6.]])
    """
    img, ker, out_dtype, case = _prepare(image, kernel)
    if flip:
        ker = ker[::-1, ::-1]
    check_mode(pad_mode, "pad_mode", tuple(PAD_MODES))
    geom = plan_conv(
        img.shape[:2], ker.shape[:2], stride=stride, padding=padding, dilation=dilation, flip=flip
    )
    padded = pad_image(img, geom.padding, pad_mode)
    n_filters = img.shape[2] if case == "depthwise" else ker.shape[3]
    b = _as_bias(bias, n_filters, img.dtype)

    if case == "depthwise":
        out = _correlate_planes(padded, ker[:, :, 0, 0], geom)
    elif ker.shape[3] == 1:
        # One filter: channel planes contiguous so each tap slice is a plain
        # strided view; the channel sum then costs one add per channel.
        planes = np.moveaxis(padded, 2, 0)
        out = np.zeros(geom.out_shape, dtype=img.dtype)
        for c in range(planes.shape[0]):
            out += _correlate_planes(np.ascontiguousarray(planes[c]), ker[:, :, c, 0], geom)
        out = out[:, :, None]
    else:
        cols = _unroll(padded, geom)
        out = (cols @ ker.reshape(-1, ker.shape[3])).reshape(geom.out_shape + (ker.shape[3],))
    out += b
    if case == "single":
        out = out[:, :, 0]
    return np.ascontiguousarray(out, dtype=out_dtype)


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
    k = as_pair(size, "size", minimum=1)
    s = k if stride is None else as_pair(stride, "stride", minimum=1)
    ph, pw = as_pair(padding, "padding", minimum=0)
    if 2 * ph > k[0] or 2 * pw > k[1]:
        # A window made mostly of padding would pool nothing real (PyTorch's rule).
        raise ValueError(f"padding must be at most half the pool size {k}, got {(ph, pw)}")
    geom = plan_conv(arr.shape[:2], k, stride=s, padding=((ph, ph), (pw, pw)))
    work = arr.astype(np.promote_types(arr.dtype, np.float32), copy=False)
    if mode == "max":
        padded = np.pad(
            work, [(ph, ph), (pw, pw)] + [(0, 0)] * (arr.ndim - 2), constant_values=-np.inf
        )
        out = _tap(padded, geom, 0, 0).copy()
        for i in range(k[0]):
            for j in range(k[1]):
                if i or j:
                    np.maximum(out, _tap(padded, geom, i, j), out=out)
    else:
        padded = pad_image(work, geom.padding)
        out = np.zeros(geom.out_shape + arr.shape[2:], dtype=work.dtype)
        for i in range(k[0]):
            for j in range(k[1]):
                out += _tap(padded, geom, i, j)
        out /= k[0] * k[1]
    return np.ascontiguousarray(out, dtype=arr.dtype)

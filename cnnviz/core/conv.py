"""Convolution, its settings and the output-size formula.

:class:`ConvSettings` is the one type for a layer's hyperparameters (stride,
padding, dilation, pad mode, flip, bias, activation); :func:`plan_conv` turns
it and the shapes into a :class:`ConvGeometry` (where every window sits).
:func:`prepare_operands`, :func:`as_bias` and :func:`unroll_windows` are the
pieces :func:`conv2d` is built from that the trace and the matrix view reuse,
so they can never disagree with the feature map.

``conv2d`` computes what CNNs call convolution: cross-correlation, the kernel
laid on the input as it is. ``flip=True`` turns the kernel by 180 degrees first,
which is the convolution of mathematics and signal processing
(``scipy.signal.convolve2d``).

Shapes are channels last, as in the lectures and in Pillow: an image is
(n_H, n_W) or (n_H, n_W, n_c); a kernel is (f_H, f_W), (f_H, f_W, n_c) or a bank
(f_H, f_W, n_c, F).

Speed comes from one idea: a kernel tap (i, j) touches the same shifted copy
of the padded input for every output cell, so the whole layer is one
multiply-add per tap (BLAS axpy over one contiguous run of memory, see "the
fast core" below) or, for a bank of filters, one matrix product of the unrolled
windows. No Python loop ever runs per pixel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from cnnviz.core._checks import (
    PAD_MODES,
    PADDING_NAMES,
    Pair,
    PerSide,
    all_finite,
    as_float_array,
    as_int,
    as_pair,
    as_per_side,
    check_finite,
    check_mode,
    check_no_overflow,
    check_out,
    effective_size,
    resolve_padding,
    to_float,
    window_count,
    window_rows,
)
from cnnviz.core._scratch import Scratch
from cnnviz.core.activations import ACTIVATIONS

__all__ = [
    "ConvGeometry",
    "ConvSettings",
    "as_bias",
    "conv2d",
    "output_size",
    "pad_image",
    "plan_conv",
    "prepare_operands",
    "settings_from",
    "unroll_windows",
]

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

    @cached_property
    def padded_shape(self) -> Pair:
        """Shape of the input once padded."""
        (t, b), (left, r) = self.padding
        return self.in_shape[0] + t + b, self.in_shape[1] + left + r

    @cached_property
    def effective_kernel(self) -> Pair:
        """Span of the dilated kernel, d (f - 1) + 1, per axis."""
        return (
            effective_size(self.kernel_shape[0], self.dilation[0]),
            effective_size(self.kernel_shape[1], self.dilation[1]),
        )

    @cached_property  # read several times per conv2d call; the fields are frozen
    def out_shape(self) -> Pair:
        """Output size per axis: floor((n + p_before + p_after - d (f - 1) - 1) / s) + 1."""
        (ph, pw), (eh, ew) = self.padded_shape, self.effective_kernel
        return window_count(ph, eh, self.stride[0]), window_count(pw, ew, self.stride[1])

    @property
    def n_steps(self) -> int:
        """Number of window positions (output cells)."""
        return self.out_shape[0] * self.out_shape[1]

    @property
    def unreached(self) -> Pair:
        """Rows and columns at the bottom/right of the padded input no window reaches."""
        (ph, pw), (oh, ow), (sh, sw), (eh, ew) = (
            self.padded_shape, self.out_shape, self.stride, self.effective_kernel)
        return ph - ((oh - 1) * sh + eh), pw - ((ow - 1) * sw + ew)


@dataclass(frozen=True)
class ConvSettings:
    """The hyperparameters of one convolution layer, checked once.

    The one type every part of cnnviz passes around for "how to convolve":
    :func:`plan_conv`, :class:`cnnviz.core.trace.ConvTrace` and
    :func:`cnnviz.lessons.matrix.matrix_view` accept it as ``settings=``, and
    the UI's widgets build one. :func:`conv2d` keeps its plain keywords (see
    :attr:`conv_kwargs`). Frozen and hashable, so it can key a cache.

    Parameters
    ----------
    stride, dilation : int or (int, int)
        Stored as (rows, cols), each at least 1.
    padding : int, pair, ((top, bottom), (left, right)) or str
        Stored per side, or as one of ``"valid"``, ``"same"``, ``"full"``
        (which depend on the shapes, so stay names until :meth:`geometry`).
    pad_mode : {"zeros", "reflect", "replicate", "circular"}
    flip : bool
        True convolution (kernel turned by 180°) instead of cross-correlation.
    bias : float
        One filter's bias b (finite).
    activation : str
        A key of :data:`cnnviz.core.activations.ACTIVATIONS`.
    slope : float
        The leaky ReLU's slope (finite).

    Raises
    ------
    ValueError
        Naming the field and the value received, as :func:`conv2d` does.

    Examples
    --------
    >>> s = ConvSettings(stride=2, padding=1)
    >>> s.stride, s.padding
    ((2, 2), ((1, 1), (1, 1)))
    >>> s.geometry((6, 6), (3, 3)).out_shape
    (3, 3)
    >>> sorted(s.conv_kwargs)
    ['dilation', 'flip', 'pad_mode', 'padding', 'stride']
    >>> ConvSettings(dilation=0)
    Traceback (most recent call last):
    ...
    ValueError: dilation must be at least 1, got 0
    """

    stride: Pair = (1, 1)
    padding: PerSide | str = ((0, 0), (0, 0))
    dilation: Pair = (1, 1)
    pad_mode: str = "zeros"
    flip: bool = False
    bias: float = 0.0
    activation: str = "none"
    slope: float = 0.01

    def __post_init__(self) -> None:
        # Normalise in place (frozen: through object.__setattr__), so two
        # settings that mean the same compare and hash equal.
        put = object.__setattr__
        put(self, "stride", as_pair(self.stride, "stride", minimum=1))
        if isinstance(self.padding, str):
            check_mode(self.padding, "padding", PADDING_NAMES)
        else:
            put(self, "padding", as_per_side(self.padding))
        put(self, "dilation", as_pair(self.dilation, "dilation", minimum=1))
        check_mode(self.pad_mode, "pad_mode", tuple(PAD_MODES))
        if not isinstance(self.flip, bool | np.bool_) and self.flip not in (0, 1):
            raise ValueError(f"flip must be True or False, got {self.flip!r}")
        put(self, "flip", bool(self.flip))
        if not (type(self.bias) is float and math.isfinite(self.bias)):  # else kept as it is
            put(self, "bias", float(as_bias(self.bias, 1, np.dtype(np.float64))[0]))
        check_mode(self.activation, "activation", tuple(ACTIVATIONS))
        put(self, "slope", _finite_float(self.slope, "slope"))

    @property
    def conv_kwargs(self) -> dict[str, Any]:
        """The keywords of :func:`conv2d`: stride, padding, dilation, pad_mode, flip."""
        return {"stride": self.stride, "padding": self.padding, "dilation": self.dilation,
                "pad_mode": self.pad_mode, "flip": self.flip}

    @property
    def trace_kwargs(self) -> dict[str, Any]:
        """Everything :class:`cnnviz.core.trace.ConvTrace` takes besides image, kernel and bias."""
        return {**self.conv_kwargs, "activation": self.activation, "slope": self.slope}

    def geometry(
        self, in_shape: tuple[int, ...], kernel_shape: tuple[int, ...], *, window: str = "kernel"
    ) -> ConvGeometry:
        """Where the windows sit for an input and a kernel of these shapes (:func:`plan_conv`).

        Only the first two entries of each shape are used, so an (H, W, C)
        image and an (f_H, f_W, C) filter can be passed as they are.
        """
        return plan_conv((in_shape[0], in_shape[1]), (kernel_shape[0], kernel_shape[1]),
                         settings=self, window=window)


def _finite_float(value: object, name: str) -> float:
    try:
        v = to_float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


def settings_from(settings: ConvSettings | None, **keywords: Any) -> ConvSettings:
    """``settings``, or a :class:`ConvSettings` built from the keywords a function received.

    The functions that accept ``settings=`` also keep their keyword
    arguments (stride, padding, ...). Passing ``settings`` together with a
    keyword that is not at its default would leave one of them ignored, so
    that is a ``ValueError`` naming the keywords.

    >>> settings_from(None, stride=2).stride
    (2, 2)
    >>> settings_from(ConvSettings(flip=True), stride=1).flip
    True
    >>> settings_from(ConvSettings(), stride=2)
    Traceback (most recent call last):
    ...
    ValueError: pass either settings or keywords, not both: got settings and stride=2
    """
    if settings is None:
        return ConvSettings(**keywords)
    if not isinstance(settings, ConvSettings):
        raise ValueError(f"settings must be a ConvSettings, got {type(settings).__name__}")
    clash = [f"{name}={value!r}" for name, value in keywords.items()
             if not _is_default(name, value)]
    if clash:
        raise ValueError("pass either settings or keywords, not both: got settings and "
                         + ", ".join(clash))
    return settings


# The defaults of the keywords settings_from receives, as they are written in
# signatures: recognised without building two ConvSettings (every conv2d call
# passes plan_conv four of them; building them was a third of a small call's time).
# Read-only: modules are shared by every session (test_no_module_level_mutable_state).
_PLAIN_DEFAULTS: Mapping[str, object] = MappingProxyType(
    {"stride": 1, "padding": 0, "dilation": 1, "pad_mode": "zeros", "flip": False})


def _is_default(name: str, value: object) -> bool:
    """Whether keyword ``name`` means its default (stride 1 and (1, 1) both do)."""
    plain = _PLAIN_DEFAULTS.get(name)
    if plain is not None and type(value) is type(plain) and value == plain:
        return True
    try:
        keyword: dict[str, Any] = {name: value}
        return ConvSettings(**keyword) == ConvSettings()
    except ValueError:
        return False


def plan_conv(
    in_shape: tuple[int, int],
    kernel_shape: tuple[int, int],
    *,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    flip: bool = False,
    window: str = "kernel",
    settings: ConvSettings | None = None,
) -> ConvGeometry:
    """Validate the hyperparameters of a convolution and place its windows.

    ``flip`` says the kernel will be turned (true convolution), which mirrors
    where ``"same"`` puts an even kernel's odd extra cell. ``window`` names the
    sliding window in messages ("kernel", or "pool window" for pooling).
    ``settings`` (a :class:`ConvSettings`) may stand in for stride, padding,
    dilation and flip (see :func:`settings_from`).

    Raises ``ValueError`` naming the parameter and the value received when a
    stride or dilation is below 1, a padding is negative or unknown, or the
    (dilated) kernel is larger than the padded input.

    >>> g = plan_conv((6, 6), (3, 3), stride=5, padding=1)
    >>> g.out_shape, g.unreached
    ((2, 2), (0, 0))
    >>> plan_conv((5, 5), (3, 3), padding="same").padding
    ((1, 1), (1, 1))
    """
    cfg = settings_from(settings, stride=stride, padding=padding, dilation=dilation, flip=flip)
    s, d, padding, flip = cfg.stride, cfg.dilation, cfg.padding, cfg.flip
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
            what = f"{window} of {k[0]}×{k[1]}"
            if d[axis] > 1:
                what += f" dilated by {d[axis]} spans {span} {name}, which"
            raise ValueError(
                f"{window} is larger than the padded input: the {what} does not fit in "
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
    widths = [(int(padding[0][0]), int(padding[0][1])), (int(padding[1][0]), int(padding[1][1]))]
    widths += [(0, 0)] * (image.ndim - 2)
    if not any(any(w) for w in widths):
        return image
    padded: np.ndarray = np.pad(image, widths, mode=PAD_MODES[pad_mode])
    return padded


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
    n_out = window_count(n + before + after, effective_size(k, d), s)
    if n_out < 1:
        raise ValueError(
            f"output_size would be below 1: kernel_size={k} (dilation={d}) is larger than "
            f"n={n} plus padding={before + after}"
        )
    return n_out


def prepare_operands(
    image: object, kernel: object
) -> tuple[np.ndarray, np.ndarray, np.dtype, str]:
    """Check an image and a kernel as :func:`conv2d` does, and say how they combine.

    Shared by :func:`conv2d` and :class:`cnnviz.core.trace.ConvTrace`, so a
    trace accepts and rejects exactly what the convolution does.

    Returns
    -------
    image : numpy.ndarray, (H, W, C)
        In the working precision (float32 or wider).
    kernel : numpy.ndarray, (f_H, f_W, C, F)
        Likewise; a 2-D kernel becomes (f_H, f_W, 1, 1).
    dtype : numpy.dtype
        Of the result: the image's float type, float64 for integers.
    case : str
        ``"single"`` (one filter, 2-D output), ``"bank"`` (F filters, 3-D
        output) or ``"depthwise"`` (a 2-D kernel on each channel).

    Raises
    ------
    ValueError
        For a wrong number of dimensions, an empty array, a non-finite
        kernel, or channels that do not match, naming the shapes.

    Examples
    --------
    >>> img, ker, dtype, case = prepare_operands(np.ones((4, 4, 3)), np.ones((3, 3, 3)))
    >>> img.shape, ker.shape, dtype, case
    ((4, 4, 3), (3, 3, 3, 1), dtype('float64'), 'single')
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
    if img3.dtype == work and ker4.dtype == work:  # nothing to convert (the usual case)
        return img3, ker4, out_dtype, case
    # A float64 kernel past float32's range becomes inf in float32 work: conv2d then
    # raises its own "overflows float32" ValueError, so NumPy's warning is not needed.
    with np.errstate(over="ignore"):
        return img3.astype(work, copy=False), ker4.astype(work, copy=False), out_dtype, case


def as_bias(bias: object, n_filters: int, dtype: np.dtype) -> np.ndarray:
    """One finite bias per filter, as a 1-D array of ``dtype``.

    A scalar applies to every filter.

    Raises
    ------
    ValueError
        If the count is neither 1 nor ``n_filters``, or a value is not finite.

    Examples
    --------
    >>> as_bias(0.5, 3, np.dtype(np.float32))
    array([0.5, 0.5, 0.5], dtype=float32)
    >>> as_bias([1, 2], 3, np.dtype(np.float64))
    Traceback (most recent call last):
    ...
    ValueError: bias must be a scalar or one value per filter (3), got 2 values
    """
    if type(bias) is float and math.isfinite(bias):  # the common case, without the checks
        return np.full(n_filters, bias, dtype=np.float64).astype(dtype, copy=False)
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


# ---- the fast core ----------------------------------------------------------------------------
#
# Laid out flat, row after row, the input that kernel tap (i, j) multiplies is
# ONE contiguous run of the padded plane, starting at i d_H W + j d_W, provided
# the output is accumulated in a buffer whose rows are as wide as the input's
# (W): output cell (r, c) sits at r W + c, and the last W - n_W' cells of each
# buffer row, which straddle two input rows, are cut away at the end. A
# contiguous multiply-add y += a x is BLAS's axpy: one fused, vectorised pass,
# threaded by OpenBLAS on long arrays, where numpy needs a multiply and an add
# over 2-D strided views (5x slower for 3×3 on 512²). A stride becomes stride 1
# by first splitting the planes into their stride phases (see _Phases);
# dilation only moves the start of each run.
#
# The order is pinned: every result must stay bit-identical to what it was
# (tests/unit/test_conv_bits.py), and OpenBLAS's axpy fuses each multiply-add
# (FMA, one rounding) in its vector loop. NumPy has no FMA, and einsum or a
# multiply then an add round twice, so one BLAS pass per tap is the floor:
# 512² float32 3×3 is 4 blocks × 9 taps of 4–5 µs, 0.15–0.18 ms with one thread
# (`python bench/bench_conv.py --only a --floor` prints the parts). Python
# threads over row blocks were tried and not kept: on this 2-core machine
# shared by other jobs they were slower (0.278 vs 0.229 ms median), and a
# server's sessions already keep every core busy.
#
# Memory: the padded planes, the stride phases, the accumulator, the separable
# pass and the im2col blocks are scratch buffers (cnnviz.core._scratch),
# borrowed for one call and kept mapped between calls. Allocated fresh, each of
# them was page-faulted in on every call: ~1000 faults, 5 ms, for 0.5 ms of
# arithmetic on 512² with 3×3. So every buffer here may start as garbage and is
# fully written before it is read (``init`` in _accumulate). Only the result
# is a new array, or the caller's ``out``.

# Work through long buffers in blocks of this size, so the block being
# accumulated and the runs it reads stay in L2 cache (1 MB a core here) for all
# of its taps instead of streaming from memory once per tap (1024² float32:
# 6.8 ms -> 4.7 ms for 27 taps). 256 KB: the block plus the rows its taps read
# fit L2 with room to spare; 1 MB did not (512² float32 3×3: 0.43 -> 0.38 ms
# median, one BLAS thread); smaller blocks lose more to the per-call cost of
# axpy (64 KB: 0.49 ms). Measured again once the fixed cost per call was cut
# (2026-12-06, one BLAS thread, interleaved, medians): 32 KB 0.298 ms, 64 KB
# 0.254, 128 KB 0.231, 256 KB 0.222, 512 KB 0.232, 1 MB 0.252. Blocking never
# changes a result: every cell still gets its taps in the same order, so the
# sums are bit-identical (tests/unit/test_conv_blocks.py, test_conv_bits.py).
_BLOCK_BYTES = 256 << 10
# Size of one block of unrolled windows (im2col) for a bank of filters: the
# whole unrolled input would be 28 MB for 512²×3 with 3×3 filters. Measured on
# 2 cores, 8 MB blocks beat L2-sized ones (4.5 ms vs 5.8 ms for that case):
# the copies stream anyway, and fewer blocks mean fewer calls.
_IM2COL_BYTES = 8 << 20

_BLAS_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


@cache
def _blas(name: str, dtype: np.dtype) -> Callable[..., np.ndarray] | None:
    """scipy's BLAS routine ``name`` for float32 or float64, ``None`` for other precisions.

    Every BLAS call in this module goes through scipy's OpenBLAS, never numpy's
    (``np.matmul``): the two libraries keep separate thread pools whose idle
    threads spin for a while after each call, and alternating between them on
    2 cores made each call 5-40x slower.
    """
    if dtype not in _BLAS_DTYPES:
        return None
    # Imported on first use: scipy.linalg takes ~0.15 s to import, which
    # ``import cnnviz`` (and every page that never convolves) need not pay.
    from scipy.linalg import get_blas_funcs

    gemm: Callable[..., np.ndarray] = get_blas_funcs(name, dtype=dtype)
    return gemm


def _surely_finite(arr: np.ndarray) -> bool:
    """Whether ``arr`` holds no NaN or infinity, at the cost of one BLAS asum.

    The sum of the magnitudes is finite only if every value is (a NaN or an
    infinity cannot cancel out of it), so True is certain. False may also mean
    the sum passed the dtype's range: callers then test the values one by one
    (:func:`check_no_overflow` does). For 512² float32: ~10 µs, where NumPy's
    sum (``all_finite``) took ~35 µs, a tenth of the whole convolution.
    """
    asum = _blas("asum", arr.dtype)
    if asum is None or not arr.flags.c_contiguous:
        return all_finite(arr)
    return math.isfinite(asum(arr.reshape(-1)))


def _accumulate(
    src: np.ndarray,
    out: np.ndarray,
    n: int,
    taps: list[tuple[int, float]],
    start: int = 0,
    *,
    init: bool = False,
) -> None:
    """``out[start + p] += w * src[off + p]`` for ``p < n``, for every ``(off, w)`` in ``taps``.

    ``src`` and ``out`` are 1-D, C-contiguous and of the same dtype. With
    ``init``, ``out[start : start + n]`` may hold anything (a reused scratch
    buffer): the first tap overwrites it (``w * src``, as ``0 + w * src`` would
    round), or zeros do if there is no tap.
    """
    if not taps:
        if init:
            out[start : start + n] = 0
        return
    axpy = _blas("axpy", out.dtype)
    block = max(1, _BLOCK_BYTES // out.itemsize)
    for s in range(0, n, block):
        m = min(block, n - s)
        first = init
        for off, w in taps:
            if first:
                np.multiply(src[off + s : off + s + m], w, out=out[start + s : start + s + m])
                first = False
            elif axpy is None:  # float128 and the like: numpy, with a temporary
                out[start + s : start + s + m] += w * src[off + s : off + s + m]
            # Positional arguments (x, y, n, a, offx, incx, offy, incy): f2py parses
            # keywords ~0.8 µs slower per call, a fifth of a 64K-element axpy.
            elif axpy(src, out, m, w, off + s, 1, start + s, 1) is not out:
                # f2py silently works on a copy when an array is not exactly
                # what BLAS wants; that would lose the update, so never let it pass.
                raise RuntimeError("BLAS axpy did not update the buffer in place")


class _Phases:
    """Padded planes (C, H_p, W_p), split by stride phase and laid out flat.

    Phase (a, b) holds the padded rows a, a + s_H, ... and columns b, b + s_W,
    ... as an (H_q, W_q) plane. Output cell (r, c) reads padded cell
    (r s_H + y, c s_W + x) for a tap displaced by (y, x) = (i d_H, j d_W), which
    is cell (r + y // s_H, c + x // s_W) of phase (y % s_H, x % s_W): with the
    output laid out W_q wide, every tap is again one contiguous run of ``flat``.
    With stride 1 there is one phase, the planes themselves, and nothing is
    copied. Cells a phase lacks (the padded size need not divide by the stride)
    stay zero; only the scrap columns of the output read them.
    """

    def __init__(self, planes: np.ndarray, geom: ConvGeometry, scratch: Scratch) -> None:
        sh, sw = geom.stride
        if (sh, sw) == (1, 1):
            grid = planes[:, None, None]
        else:
            (dh, dw), (fh, fw) = geom.dilation, geom.kernel_shape
            c, hp, wp = planes.shape
            grid = scratch.empty((c, sh, sw, -(-hp // sh), -(-wp // sw)), planes.dtype)
            # Copy only the phases some tap reads: a stride wider than the
            # kernel skips whole rows and columns. The phases left out are never read.
            for a in sorted({i * dh % sh for i in range(fh)}):
                for b in sorted({j * dw % sw for j in range(fw)}):
                    part = planes[:, a::sh, b::sw]
                    ph, pw = part.shape[1:]
                    grid[:, a, b, :ph, :pw] = part
                    grid[:, a, b, ph:, :] = 0
                    grid[:, a, b, :ph, pw:] = 0
        self.shape: tuple[int, ...] = grid.shape
        self.flat = grid.reshape(-1)  # a view: planes and grid are C-contiguous

    @property
    def width(self) -> int:
        """W_q, the row length of every phase and of the output buffer."""
        return self.shape[4]

    def offset(self, channel: int, y: int, x: int) -> int:
        """Where in ``flat`` the run of the tap displaced by (y, x) starts."""
        _, sh, sw, hq, wq = self.shape
        return (((channel * sh + y % sh) * sw + x % sw) * hq + y // sh) * wq + x // sw


def _planes(img: np.ndarray, padding: PerSide, pad_mode: str, scratch: Scratch) -> np.ndarray:
    """The (H, W, C) image as padded, C-contiguous planes (C, H_p, W_p), in one copy.

    The copy is a scratch buffer. Free for an unpadded grey image: its only
    plane is a view of the input, which is only ever read.
    """
    planar = img.transpose(2, 0, 1)  # np.moveaxis(img, 2, 0), without its argument checks
    (t, b), (left, r) = padding
    if not (t or b or left or r) and planar.flags.c_contiguous:
        return planar
    dest = scratch.empty((planar.shape[0], planar.shape[1] + t + b, planar.shape[2] + left + r),
                         planar.dtype)
    return _pad_into(planar, dest, padding, pad_mode)


def _pad_into(
    src: np.ndarray, dest: np.ndarray, padding: PerSide, pad_mode: str, fill: float = 0.0
) -> np.ndarray:
    """Write ``src`` (..., H, W) padded on its last two axes into ``dest`` (..., H_p, W_p).

    Exactly ``np.pad`` (``pad_image``), with ``fill`` as the constant of
    ``"zeros"``, but into a buffer the caller owns. The other modes map every
    padded row and column to a source row and column (the map is ``np.pad`` of
    an ``arange``, so even a padding wider than the image reflects or wraps as
    numpy does), then copy the border strips from the interior.

    >>> src = np.arange(6.0).reshape(2, 3)
    >>> all(np.array_equal(_pad_into(src, np.empty((5, 7)), ((1, 2), (3, 1)), mode),
    ...                    pad_image(src, ((1, 2), (3, 1)), mode))
    ...     for mode in ("zeros", "reflect", "replicate", "circular"))
    True
    """
    (t, b), (left, r) = padding
    h, w = src.shape[-2:]
    dest[..., t : t + h, left : left + w] = src
    if pad_mode == "zeros":
        dest[..., :t, :] = fill
        dest[..., t + h :, :] = fill
        dest[..., t : t + h, :left] = fill
        dest[..., t : t + h, left + w :] = fill
        return dest
    mode = PAD_MODES[pad_mode]
    rows = np.pad(np.arange(h), (t, b), mode=mode) + t
    cols = np.pad(np.arange(w), (left, r), mode=mode) + left
    inner = dest[..., left : left + w]
    if t:
        inner[..., :t, :] = inner[..., rows[:t], :]
    if b:
        inner[..., t + h :, :] = inner[..., rows[t + h :], :]
    if left:
        dest[..., :left] = dest[..., cols[:left]]
    if r:
        dest[..., left + w :] = dest[..., cols[left + w :]]
    return dest


def _tap(padded: np.ndarray, geom: ConvGeometry, i: int, j: int) -> np.ndarray:
    """The strided slice of ``padded`` that kernel tap (i, j) multiplies."""
    (oh, ow), (sh, sw), (dh, dw) = geom.out_shape, geom.stride, geom.dilation
    return padded[..., window_rows(i * dh, oh, sh), window_rows(j * dw, ow, sw), :]


def _separable(k2: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Column and row factors (u, v) with outer(u, v) == k2, if k2 has rank 1."""
    if k2.size < _SEPARABLE_MIN_TAPS or min(k2.shape) < 2:
        return None
    u, s, vt = np.linalg.svd(k2.astype(np.float64))
    # Rank 1 up to the kernel's own rounding: a float32 Gaussian is never
    # exactly rank 1 (s[1] / s[0] ~ 1e-8), yet its two passes agree with the
    # direct sum to float32 precision.
    tol = max(1e-10, 8 * float(np.finfo(k2.dtype).eps)) if k2.dtype.kind == "f" else 1e-10
    if s[0] == 0 or s[1] > tol * s[0]:
        return None
    return u[:, 0] * s[0], vt[0]


def _correlate_sum(
    phases: _Phases,
    kernels: list[tuple[int, np.ndarray]],
    geom: ConvGeometry,
    buf: np.ndarray,
    scratch: Scratch,
) -> np.ndarray:
    """Sum over ``(channel, k2)`` in ``kernels`` of that plane cross-correlated with k2.

    ``buf`` is a 1-D buffer of at least n_H' W_q cells, overwritten. Returns
    it as (n_H', W_q); its columns from n_W' on are scrap for the caller to
    cut away.
    """
    (oh, ow), (dh, dw) = geom.out_shape, geom.dilation
    wq = phases.width
    n = (oh - 1) * wq + ow  # the last row needs no scrap
    buf = buf[: oh * wq]
    written = False  # whether buf holds a partial sum yet (it starts as garbage)
    taps = []  # every channel's taps together, so each block of buf meets them all in cache
    for channel, k2 in kernels:
        factors = _separable(k2)
        if factors is not None:
            _separable_sum(phases, channel, factors, geom, buf, n, scratch, init=not written)
            written = True
            continue
        fw = k2.shape[1]
        # Row-major, as np.ndenumerate walks it: the summation order. float32 and
        # float64 weights as Python floats (the same values, cheaper to pass to
        # BLAS); wider ones stay NumPy scalars, which keep their precision.
        weights = k2.ravel().tolist() if k2.dtype in _BLAS_DTYPES else list(k2.ravel())
        taps += [
            (phases.offset(channel, t // fw * dh, t % fw * dw), w)
            for t, w in enumerate(weights)
            if w != 0  # a zero tap adds nothing; Sobel and Laplacians are a third zeros
        ]
    _accumulate(phases.flat, buf, n, taps, init=not written)
    return buf.reshape(oh, wq)


def _separable_sum(
    phases: _Phases,
    channel: int,
    factors: tuple[np.ndarray, np.ndarray],
    geom: ConvGeometry,
    buf: np.ndarray,
    n: int,
    scratch: Scratch,
    *,
    init: bool,
) -> None:
    """``buf += plane ⋆ outer(u, v)`` as a pass along rows (v), then along columns (u).

    The row pass filters every row of each row phase the column pass reads,
    at the output's column stride; the column pass then strides over rows.
    With ``init``, ``buf = plane ⋆ outer(u, v)`` instead (see :func:`_accumulate`).
    """
    u, v = factors
    _, sh, sw, hq, wq = phases.shape
    dh, dw = geom.dilation
    size = hq * wq
    tmp = scratch.empty(sh * size, buf.dtype)
    m = size - (len(v) - 1) * dw // sw  # the row pass stays inside its phase
    row_taps = [(j * dw, float(w)) for j, w in enumerate(v) if w != 0]
    for a in sorted({i * dh % sh for i in range(len(u))}):
        taps = [(phases.offset(channel, a, x), w) for x, w in row_taps]
        _accumulate(phases.flat, tmp, m, taps, start=a * size, init=True)
        tmp[a * size + m : (a + 1) * size] = 0  # the row pass's unreachable tail
    col_taps = [
        ((i * dh % sh) * size + (i * dh // sh) * wq, float(w)) for i, w in enumerate(u) if w != 0
    ]
    _accumulate(tmp, buf, n, col_taps, init=init)


def unroll_windows(padded: np.ndarray, geom: ConvGeometry) -> np.ndarray:
    """im2col of an already padded (..., H_p, W_p, C) input: one row per output cell.

    Columns are ordered (i, j, c) like ``kernel.ravel()``; leading axes (a
    batch) come first in the rows. The whole unrolled matrix at once, for any
    dtype: what :func:`cnnviz.core.matrix.im2col` shows,
    :func:`cnnviz.core.matrix.conv_matrix` builds on and the digit network
    (:mod:`cnnviz.core.nn`) trains with. ``conv2d`` unrolls in blocks instead
    (``_bank``).

    >>> g = plan_conv((3, 3), (2, 2))
    >>> unroll_windows(np.arange(9.0).reshape(3, 3, 1), g)[0]
    array([0., 1., 3., 4.])
    """
    fh, fw = geom.kernel_shape
    oh, ow = geom.out_shape
    lead, channels = padded.shape[:-3], padded.shape[-1]
    cols = np.empty(lead + (oh, ow, fh, fw, channels), dtype=padded.dtype)
    for i in range(fh):
        for j in range(fw):
            cols[..., i, j, :] = _tap(padded, geom, i, j)
    return cols.reshape(-1, fh * fw * channels)


def _bank(
    planes: np.ndarray,
    ker: np.ndarray,
    bias: np.ndarray,
    geom: ConvGeometry,
    out: np.ndarray,
    scratch: Scratch,
) -> None:
    """F filters at once, into ``out`` (n_H' n_W', F), C-contiguous: im2col in blocks of output
    rows, one matrix product per block.

    Row t of the unrolled block holds, for every output cell of the block, the
    input value that weight t = (c, i, j) multiplies: a 2-D slice of plane c,
    copied row by contiguous row (27 memcpy-like copies for 3×3×3, where
    unrolling channels-last would move 3 floats at a time). A last row of ones
    carries the bias through the same product. The blocks are a scratch buffer.
    """
    fh, fw, channels, n_filters = ker.shape
    (oh, ow), (sh, sw), (dh, dw) = geom.out_shape, geom.stride, geom.dilation
    k = channels * fh * fw
    # The weights transposed, (F, k + 1), in the column-major order BLAS wants.
    weights_t = np.empty((n_filters, k + 1), dtype=planes.dtype, order="F")
    weights_t[:, :k] = ker.transpose(3, 2, 0, 1).reshape(n_filters, k)
    weights_t[:, k] = bias
    gemm = _blas("gemm", planes.dtype)
    rows = max(1, min(oh, _IM2COL_BYTES // ((k + 1) * ow * planes.itemsize)))
    store = scratch.empty((k + 1) * rows * ow, planes.dtype)
    for r0 in range(0, oh, rows):
        rb = min(rows, oh - r0)
        m = rb * ow
        cols = store[: (k + 1) * m].reshape(k + 1, m)  # contiguous, also for the last block
        for t, (c, i, j) in enumerate(np.ndindex(channels, fh, fw)):
            y, x = r0 * sh + i * dh, j * dw
            np.copyto(
                cols[t].reshape(rb, ow), planes[c, window_rows(y, rb, sh), window_rows(x, ow, sw)]
            )
        cols[k] = 1
        dest = out[r0 * ow : r0 * ow + m]
        if gemm is None:  # float128 and the like
            np.matmul(cols.T, weights_t.T, out=dest)
            continue
        # Column-major BLAS sees dest.T (F, m) = weights_t (F, k + 1) @ cols (k + 1, m),
        # and cols.T, dest.T are exactly its Fortran-ordered arrays: nothing is copied.
        result = dest.T
        if gemm(1.0, weights_t, cols.T, trans_b=1, c=result, overwrite_c=1) is not result:
            raise RuntimeError("BLAS gemm did not write the output in place")


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
    out: np.ndarray | None = None,
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
    out : numpy.ndarray, optional, keyword-only
        Where to write the result, instead of a new array: exactly the
        result's shape and dtype, writeable, any memory layout. Calling again
        with the same ``out`` allocates nothing as large as the image. If an
        error is raised, its contents are unspecified.

    Returns
    -------
    numpy.ndarray
        Float32 for a float32 image, float64 for float64, integer or bool inputs.
        A new array, or ``out`` if given. Never a view of any buffer cnnviz
        reuses, so results of separate calls are independent.

    Raises
    ------
    ValueError
        Naming the parameter and the value: a stride or dilation below 1, a
        negative or unknown padding, an unknown pad_mode, a kernel larger than
        the padded input, a non-finite kernel or bias, mismatched channels.
        Also when finite inputs give an output beyond the dtype's range
        (e.g. kernel weights of 1e308 on values above 1): the message starts
        "the output overflows float64:" (or float32) and names the largest
        kernel, image and bias magnitudes. An image that already holds NaN or
        infinity is passed through as before. And when ``out`` is not an
        array of the result's shape and dtype, or is read-only.

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
    >>> res = np.empty((2, 2))
    >>> conv2d(x, np.ones((2, 2)), stride=2, out=res) is res
    True
    """
    img, ker, out_dtype, case = prepare_operands(image, kernel)
    # The bias is per filter here, so it is checked on its own, not in ConvSettings.
    cfg = settings_from(None, stride=stride, padding=padding, dilation=dilation,
                        pad_mode=pad_mode, flip=flip)
    if cfg.flip:
        ker = ker[::-1, ::-1]
    geom = plan_conv(img.shape[:2], ker.shape[:2], settings=cfg)
    n_filters = img.shape[2] if case == "depthwise" else ker.shape[3]
    b = as_bias(bias, n_filters, img.dtype)
    shape = geom.out_shape if case == "single" else geom.out_shape + (n_filters,)
    check_out(out, shape, out_dtype)
    # The result goes straight into ``out`` when BLAS can write there and no
    # input shares its memory; otherwise into a new array (copied at the end).
    direct = (out is not None and out.dtype == img.dtype and out.flags.c_contiguous
              and not any(np.may_share_memory(out, a) for a in (img, ker, b)))
    res = out if out is not None and direct else np.empty(shape, dtype=img.dtype)
    res3 = res.reshape(geom.out_shape + (n_filters,))  # a view: res is C-contiguous
    ow = geom.out_shape[1]

    # Values near the float range overflow to inf here, which check_no_overflow
    # below turns into a ValueError naming the magnitudes: no NumPy warning first.
    with Scratch() as scratch, np.errstate(over="ignore", invalid="ignore"):
        planes = _planes(img, geom.padding, cfg.pad_mode, scratch)
        if ker.shape[3] > 1:
            _bank(planes, ker, b, geom, res3.reshape(-1, n_filters), scratch)
        else:
            phases = _Phases(planes, geom, scratch)
            buf = scratch.empty(geom.out_shape[0] * phases.width, img.dtype)
            if case == "depthwise":
                groups = [[(c, ker[:, :, 0, 0])] for c in range(n_filters)]
            else:  # one filter: the sum over channels of each plane with its slice
                groups = [[(c, ker[:, :, c, 0]) for c in range(img.shape[2])]]
            for f, group in enumerate(groups):
                # Cutting the scrap columns away, adding the bias and making the
                # result contiguous are one pass (a plain copy is faster than an add).
                valid = _correlate_sum(phases, group, geom, buf, scratch)[:, :ow]
                if b[f] == 0:
                    np.copyto(res3[:, :, f], valid)
                else:
                    np.add(valid, b[f], out=res3[:, :, f])
    if not _surely_finite(res):
        check_no_overflow(res, "the output", {"kernel": kernel, "image": img, "bias": b})
    if out is None:
        return res if res.dtype == out_dtype else res.astype(out_dtype)
    if res is not out:
        np.copyto(out, res, casting="unsafe")  # float32 work, float16 image: as astype does
    return out


"""Argument checks shared by the core.

Every public function validates its arguments here so that a bad value always
raises ``ValueError`` with a message that names the parameter and the value
received, in the style of numpy and scipy.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal, SupportsFloat, SupportsIndex, TypeGuard

import numpy as np

Pair = tuple[int, int]
PerSide = tuple[Pair, Pair]

#: cnnviz's pad modes and numpy.pad's names for them.
PAD_MODES: Mapping[str, Literal["constant", "reflect", "edge", "wrap"]] = MappingProxyType(
    {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"})
PADDING_NAMES = ("valid", "same", "full")


def _is_int(value: object) -> TypeGuard[numbers.Integral]:
    # bool is an int subclass but "padding=True" is a mistake, not a number.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def to_float(value: object) -> float:
    """``float(value)`` for any object: ``TypeError`` or ``ValueError`` as ``float`` raises them.

    >>> to_float("2.5"), to_float(np.float32(1))
    (2.5, 1.0)
    """
    if type(value) is float:  # the common case, before the slow protocol checks
        return value
    if isinstance(value, str | bytes | bytearray | SupportsFloat | SupportsIndex):
        return float(value)
    raise TypeError(f"float() argument must be a string or a real number, not "
                    f"{type(value).__name__!r}")


def as_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int``, or raise a ``ValueError`` naming ``name``.

    >>> as_int(3, "stride", minimum=1)
    3
    >>> as_int(0, "stride", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: stride must be at least 1, got 0
    """
    if type(value) is int:  # the common case, before the slower checks (abc isinstance)
        number = value
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not _is_int(value):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        number = int(value)
    if minimum is not None and number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {number}")
    return number


def as_pair(value: object, name: str, *, minimum: int | None = None) -> Pair:
    """Return ``value`` as a (rows, cols) pair of ints.

    An int applies to both axes; a sequence of two ints gives one per axis.

    >>> as_pair(2, "stride", minimum=1)
    (2, 2)
    >>> as_pair((1, 3), "dilation", minimum=1)
    (1, 3)
    """
    if type(value) is int:  # the common case, without the abc checks below
        v = as_int(value, name, minimum=minimum)
        return v, v
    if isinstance(value, Sequence | np.ndarray) and not isinstance(value, str):
        items = list(value)
        if len(items) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        try:
            a = as_int(items[0], name, minimum=minimum)
            b = as_int(items[1], name, minimum=minimum)
        except ValueError as err:
            raise ValueError(f"{err} (in {name}={value!r})") from None
        return a, b
    v = as_int(value, name, minimum=minimum)
    return v, v


def check_mode(value: object, name: str, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError``.

    >>> check_mode("max", "mode", ("max", "avg"))
    'max'
    """
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def effective_size(kernel_size: int, dilation: int) -> int:
    """Span of a dilated kernel along one axis: ``d (k - 1) + 1``.

    >>> effective_size(3, 2)
    5
    """
    return dilation * (kernel_size - 1) + 1


def window_count(padded: int, span: int, stride: int) -> int:
    """Positions of a window along one axis: ``floor((padded - span) / stride) + 1``.

    The output-size formula's one home: ``padded`` is the input plus its
    padding, ``span`` the (dilated) window's extent. Below 1 when the window
    does not fit; callers say so in their own words.

    >>> window_count(6 + 2, 3, 5), window_count(2, 3, 1)
    (2, 0)
    """
    return (padded - span) // stride + 1


def window_rows(start: int, count: int, stride: int) -> slice:
    """The ``count`` positions, ``stride`` apart from ``start``, that one tap of a window reads.

    Window unrolling's one home: tap ``i`` of every window along an axis is
    ``x[window_rows(i * d, n_out, s)]``.

    >>> list(range(10)[window_rows(1, 3, 4)])
    [1, 5, 9]
    """
    return slice(start, start + (count - 1) * stride + 1, stride)


def same_padding(n: int, kernel_size: int, stride: int = 1, dilation: int = 1) -> Pair:
    """Padding (before, after) that gives ``ceil(n / stride)`` outputs.

    Any odd extra cell goes after (bottom/right), TensorFlow's rule.

    >>> same_padding(5, 3)
    (1, 1)
    >>> same_padding(5, 4)
    (1, 2)
    >>> same_padding(6, 3, stride=2)
    (0, 1)
    """
    out = -(-n // stride)
    total = max((out - 1) * stride + effective_size(kernel_size, dilation) - n, 0)
    return total // 2, total - total // 2


def resolve_padding(
    padding: object,
    in_shape: Pair,
    kernel_shape: Pair,
    stride: Pair,
    dilation: Pair,
) -> PerSide:
    """Turn any accepted ``padding`` into ``((top, bottom), (left, right))``.

    Accepted: an int, a pair ``(ph, pw)``, per side ``((top, bottom), (left, right))``,
    or one of ``"valid"``, ``"same"``, ``"full"``.

    >>> resolve_padding(1, (5, 5), (3, 3), (1, 1), (1, 1))
    ((1, 1), (1, 1))
    >>> resolve_padding((1, 2), (5, 5), (3, 3), (1, 1), (1, 1))
    ((1, 1), (2, 2))
    >>> resolve_padding("full", (5, 5), (3, 2), (1, 1), (1, 1))
    ((2, 2), (1, 1))
    >>> resolve_padding("same", (5, 6), (2, 2), (1, 1), (1, 1))
    ((0, 1), (0, 1))
    """
    if isinstance(padding, str):
        check_mode(padding, "padding", PADDING_NAMES)
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "full":
            (fh, fw), (dh, dw) = kernel_shape, dilation
            return ((effective_size(fh, dh) - 1,) * 2, (effective_size(fw, dw) - 1,) * 2)
        return (same_padding(in_shape[0], kernel_shape[0], stride[0], dilation[0]),
                same_padding(in_shape[1], kernel_shape[1], stride[1], dilation[1]))
    return as_per_side(padding)


def as_per_side(padding: object) -> PerSide:
    """A numeric ``padding`` as ``((top, bottom), (left, right))``.

    Accepted: an int, a pair ``(ph, pw)`` or per side ``((top, bottom), (left, right))``.

    >>> as_per_side(1), as_per_side((1, 2)), as_per_side(((0, 1), (2, 3)))
    (((1, 1), (1, 1)), ((1, 1), (2, 2)), ((0, 1), (2, 3)))
    """
    # The common cases first, without the abc checks below: an int, or a
    # padding already per side (what ConvSettings stores).
    if type(padding) is int:
        p = as_int(padding, "padding", minimum=0)
        return (p, p), (p, p)
    if type(padding) is tuple and len(padding) == 2:
        a, b = padding
        if (type(a) is tuple and type(b) is tuple and len(a) == 2 and len(b) == 2
                and all(type(v) is int and v >= 0 for v in (*a, *b))):
            return (a[0], a[1]), (b[0], b[1])
    if isinstance(padding, Sequence | np.ndarray) and not isinstance(padding, str):
        items = list(padding)
        if len(items) == 2 and all(
            isinstance(i, Sequence | np.ndarray) and not isinstance(i, str) for i in items
        ):
            return as_pair(items[0], "padding", minimum=0), as_pair(items[1], "padding", minimum=0)
    ph, pw = as_pair(padding, "padding", minimum=0)
    return (ph, ph), (pw, pw)


def as_float_array(value: object, name: str) -> np.ndarray:
    """Return ``value`` as a float array without copying float inputs needlessly.

    Float arrays keep their precision; integers and bools become float64 so
    that arithmetic on uint8 images never wraps around.

    >>> as_float_array(np.array([1, 2], dtype=np.uint8), "image").dtype
    dtype('float64')
    >>> as_float_array(np.zeros(2, np.float32), "image").dtype
    dtype('float32')
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be an array of numbers, got {type(value).__name__}") from err
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    try:
        return arr.astype(np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must contain only numbers, got dtype {arr.dtype}") from err


def all_finite(arr: np.ndarray) -> bool:
    """Whether every value of ``arr`` is finite, without a temporary as large as ``arr``.

    The sum of finite values is finite unless it overflows, and one NaN or
    infinity makes it non-finite; only then are the values tested one by one.

    >>> all_finite(np.array([1e308, 1e308])), all_finite(np.array([1.0, np.nan]))
    (True, False)
    """
    if arr.dtype.kind in "biu":
        return True
    if arr.size <= 1024:  # a kernel or a bias: testing each value is cheaper than errstate
        return bool(np.isfinite(arr).all())
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowing sum is no error
        total = arr.sum()
    return bool(np.isfinite(total)) or bool(np.isfinite(arr).all())


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``arr`` holds NaN or infinity."""
    if not all_finite(arr):
        bad = arr[~np.isfinite(arr)].ravel()[0]
        raise ValueError(f"{name} must contain only finite numbers, got {bad}")


def exact_sum(values: object) -> float:
    """``math.fsum`` of finite numbers that never raises ``OverflowError``.

    ``math.fsum`` raises "intermediate overflow in fsum" as soon as a partial
    sum passes float64's largest value (1.8e308), even when the exact total
    would fit. Here such a sum is redone on the values ≥ 1 scaled by 2**-64
    (exact: a power of two), so a total that fits still comes out right (to
    rounding), and a total that does not is ``±inf``, for the caller to
    report.

    >>> exact_sum([0.1] * 10)
    1.0
    >>> exact_sum([1e308, 1e308, -1e308])
    1e+308
    >>> exact_sum([1e308, 1e308])
    inf
    """
    flat = np.asarray(values, dtype=np.float64).ravel()
    try:
        return math.fsum(flat.tolist())
    except OverflowError:
        pass
    big = np.abs(flat) >= 1.0
    scaled = math.fsum((flat[big] * 2.0**-64).tolist())  # at most n · 2**960: no overflow
    small = math.fsum(flat[~big].tolist())
    # The product is ±inf (no exception) when the total is beyond float64.
    return math.fsum([scaled * 2.0**64, small])


def check_no_overflow(out: np.ndarray, what: str, inputs: dict[str, object]) -> None:
    """Raise ``ValueError`` if ``out`` holds NaN or infinity although ``inputs`` are finite.

    Finite inputs can still give an infinite (or, as ∞ − ∞, a NaN) result when
    a product or sum passes the largest number of ``out``'s dtype, 1.8e308 for
    float64 and 3.4e38 for float32. The message says so and names the
    largest input magnitudes, e.g. ``"the output overflows float64: 3 of 9
    values are beyond ±1.8e+308 (largest magnitudes: kernel 1e+308, image
    255, bias 0); use smaller numbers"``. Inputs that
    already hold NaN or infinity are not an overflow; then nothing is raised.

    >>> check_no_overflow(np.array([np.inf]), "z", {"kernel": [1e308]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: z overflows float64: 1 of 1 values are beyond ±1.8e+308 (largest magnitudes: ...
    """
    if all_finite(out):
        return
    bad = ~np.isfinite(out)
    sizes = {}
    for name, value in inputs.items():
        arr = np.asarray(value, dtype=np.float64)
        if not np.all(np.isfinite(arr)):
            return  # not an overflow: the non-finite value came in
        sizes[name] = float(np.abs(arr).max()) if arr.size else 0.0
    limit = float(np.finfo(out.dtype).max) if out.dtype.kind == "f" else float("inf")
    parts = ", ".join(f"{name} {size:.3g}" for name, size in sizes.items())
    raise ValueError(
        f"{what} overflows {out.dtype}: {int(bad.sum())} of {out.size} values are beyond "
        f"±{limit:.2g} (largest magnitudes: {parts}); use smaller numbers"
    )


def check_out(out: object, shape: tuple[int, ...], dtype: np.dtype, name: str = "out") -> None:
    """Raise ``ValueError`` unless ``out`` is ``None`` or a writeable array of ``shape``, ``dtype``.

    >>> check_out(np.zeros((2, 3), np.float32), (2, 2), np.dtype(np.float32))
    Traceback (most recent call last):
    ...
    ValueError: out must have the result's shape (2, 2), got (2, 3)
    """
    if out is None:
        return
    if not isinstance(out, np.ndarray):
        raise ValueError(f"{name} must be a numpy array, got {type(out).__name__}")
    if out.shape != tuple(shape):
        raise ValueError(f"{name} must have the result's shape {tuple(shape)}, got {out.shape}")
    if out.dtype != dtype:
        raise ValueError(f"{name} must have the result's dtype {dtype}, got {out.dtype}")
    if not out.flags.writeable:
        raise ValueError(f"{name} must be writeable, got a read-only array")

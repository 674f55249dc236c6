"""Argument checks shared by the core.

Every public function validates its arguments here so that a bad value always
raises ``ValueError`` with a message that names the parameter and the value
received, in the style of numpy and scipy.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

Pair = tuple[int, int]
PerSide = tuple[Pair, Pair]

PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
PADDING_NAMES = ("valid", "same", "full")


def _is_int(value: object) -> bool:
    # bool is an int subclass but "padding=True" is a mistake, not a number.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def as_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int``, or raise a ``ValueError`` naming ``name``.

    >>> as_int(3, "stride", minimum=1)
    3
    >>> as_int(0, "stride", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: stride must be at least 1, got 0
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not _is_int(value):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def as_pair(value: object, name: str, *, minimum: int | None = None) -> Pair:
    """Return ``value`` as a (rows, cols) pair of ints.

    An int applies to both axes; a sequence of two ints gives one per axis.

    >>> as_pair(2, "stride", minimum=1)
    (2, 2)
    >>> as_pair((1, 3), "dilation", minimum=1)
    (1, 3)
    """
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
            return tuple(  # type: ignore[return-value]
                (effective_size(k, d) - 1,) * 2 for k, d in zip(kernel_shape, dilation, strict=True)
            )
        return tuple(  # type: ignore[return-value]
            same_padding(n, k, s, d)
            for n, k, s, d in zip(in_shape, kernel_shape, stride, dilation, strict=True)
        )
    return as_per_side(padding)


def as_per_side(padding: object) -> PerSide:
    """A numeric ``padding`` as ``((top, bottom), (left, right))``.

    Accepted: an int, a pair ``(ph, pw)`` or per side ``((top, bottom), (left, right))``.

    >>> as_per_side(1), as_per_side((1, 2)), as_per_side(((0, 1), (2, 3)))
    (((1, 1), (1, 1)), ((1, 1), (2, 2)), ((0, 1), (2, 3)))
    """
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


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``arr`` holds NaN or infinity."""
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].ravel()[0]
        raise ValueError(f"{name} must contain only finite numbers, got {bad}")

"""Scratch buffers that outlive a call, so big temporaries are not page-faulted in every time.

A convolution or pooling call needs a few temporaries as large as the image
(the padded planes, the accumulator, a block of unrolled windows). Allocated
fresh on every call, each ~1 MB buffer comes from glibc as new pages and the
kernel faults every 4 KiB page in on first touch: on 512² float32 with a 3×3
kernel that was ~1000 minor page faults and 5-6 ms per call, for 0.5 ms of
arithmetic. Here they are borrowed from a pool instead and handed back when
the call ends, pages still mapped.

Thread safety: a buffer is *checked out* (removed from the pool, under a lock)
for the length of one call, so no two calls, in the same thread or not, ever
hold the same buffer. The pool is shared by all threads rather than kept per
thread, because Streamlit runs every rerun of a session's script in a new
thread: per-thread buffers would die with each run.

Bounds: the idle buffers together hold at most :data:`SCRATCH_LIMIT_BYTES`;
when more come back, the least recently returned are freed first, and a
buffer larger than the limit is never kept (a huge one-off image does not pin
its memory). Buffers in use are not limited: a call gets what it needs.

Only temporaries come from here. What a function returns is always a fresh
array (or the caller's ``out=``), never a view of a scratch buffer.
"""

from __future__ import annotations

import math
import threading
from types import TracebackType

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["SCRATCH_LIMIT_BYTES", "Scratch", "clear_scratch", "scratch_bytes"]

# What the idle pool may hold in all. 64 MiB keeps the largest temporaries of
# a 2048² colour image in float64, far more than any page of the app needs.
SCRATCH_LIMIT_BYTES = 64 << 20
# Sizes are rounded up to this, so slightly different shapes reuse one buffer.
_GRAIN = 64 << 10

_lock = threading.Lock()
_idle: list[np.ndarray] = []  # raw uint8 buffers, least recently returned first


class Scratch:
    """The temporaries of one call: a context manager that returns them to the pool at exit.

    >>> with Scratch() as scratch:
    ...     a = scratch.empty((2, 3), np.float32)
    ...     a.shape, a.dtype
    ((2, 3), dtype('float32'))
    """

    def __init__(self) -> None:
        self._held: list[np.ndarray] = []

    def __enter__(self) -> Scratch:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        held, self._held = self._held, []
        _give_back(held)

    def empty(self, shape: int | tuple[int, ...], dtype: DTypeLike) -> np.ndarray:
        """An uninitialised C-contiguous array, valid until the ``with`` block ends."""
        dt = np.dtype(dtype)
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        nbytes = math.prod(shape) * dt.itemsize  # exact Python ints; np.prod costs ~4 µs
        raw = _take(nbytes)
        self._held.append(raw)
        out: np.ndarray = raw[:nbytes].view(dt).reshape(shape)
        return out

    def zeros(self, shape: int | tuple[int, ...], dtype: DTypeLike) -> np.ndarray:
        """Like :meth:`empty`, filled with zeros."""
        arr = self.empty(shape, dtype)
        arr.fill(0)
        return arr


def _take(nbytes: int) -> np.ndarray:
    """The smallest idle buffer of at least ``nbytes``, checked out; or a new one."""
    with _lock:
        fits = [i for i, raw in enumerate(_idle) if raw.nbytes >= nbytes]
        if fits:
            return _idle.pop(min(fits, key=lambda i: _idle[i].nbytes))
    size = max(_GRAIN, -(-nbytes // _GRAIN) * _GRAIN)
    return np.empty(size, dtype=np.uint8)


def _give_back(held: list[np.ndarray]) -> None:
    """Put ``held`` back in the pool, then free the oldest idle buffers over the limit."""
    keep = [raw for raw in held if raw.nbytes <= SCRATCH_LIMIT_BYTES]
    with _lock:
        _idle.extend(keep)
        total = sum(raw.nbytes for raw in _idle)
        while total > SCRATCH_LIMIT_BYTES:
            total -= _idle.pop(0).nbytes


def scratch_bytes() -> int:
    """Bytes the idle pool holds now (at most :data:`SCRATCH_LIMIT_BYTES`)."""
    with _lock:
        return sum(raw.nbytes for raw in _idle)


def clear_scratch() -> None:
    """Free every idle scratch buffer (buffers in use go back to the pool as usual)."""
    with _lock:
        _idle.clear()

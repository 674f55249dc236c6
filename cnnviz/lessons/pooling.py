"""What a pooling page shows: where the windows sit, which cell wins, each window's sum.

Pooling slides a window of ``k_H × k_W`` cells with stride ``s`` over each
channel on its own and keeps the window's maximum (max pooling) or mean
(average pooling). It has hyperparameters (mode, size, stride, padding) and no
parameters to learn. The numbers come from :func:`cnnviz.core.pool.pool2d` and
:class:`cnnviz.core.trace.PoolTrace`; this module places them on figures and in text.

>>> from cnnviz.core.trace import PoolTrace

# Re-exported: the page asks this module whether its input is an image in [0, 1].
from cnnviz.data.pixels import in_unit_range
>>> t = PoolTrace([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], 2)
>>> winner_cells(t)
[(1, 1), (1, 3), (2, 0), (3, 3)]
>>> window_equation(t, 0)
'max(1, 1, 5, 6) = 6'
"""

from __future__ import annotations

import numpy as np

from cnnviz.core._checks import as_int
from cnnviz.core.text import NUMBERS_MAX_SIDE, addends, format_number
from cnnviz.core.trace import PoolTrace

# Re-exported: the page asks this module whether its input is an image in [0, 1].
from cnnviz.data.pixels import in_unit_range

__all__ = [
    "display_sum",
    "in_unit_range",
    "is_small",
    "window_equation",
    "window_rects",
    "window_index",
    "winner_cells",
]


def _offset(trace: PoolTrace) -> tuple[int, int]:
    (top, _), (left, _) = trace.geometry.padding
    return top, left


def window_rects(trace: PoolTrace) -> list[tuple[int, int, int, int]]:
    """Every window as ``(top, left, height, width)`` in input cells (padding is negative).

    >>> window_rects(PoolTrace(np.zeros((3, 3)), 2, stride=1))
    [(0, 0, 2, 2), (0, 1, 2, 2), (1, 0, 2, 2), (1, 1, 2, 2)]
    """
    top, left = _offset(trace)
    g = trace.geometry
    exp = trace.export()
    kh, kw = g.kernel_shape
    return [(int(r[0]) - top, int(c[0]) - left, kh, kw)
            for r, c in zip(exp["rows"], exp["cols"], strict=True)]


def winner_cells(trace: PoolTrace) -> list[tuple[int, int]]:
    """The input cell each max-pooling window keeps, in window order; [] for average.

    Ties go to the first cell in reading order; padding never wins.

    >>> winner_cells(PoolTrace([[0, 9], [9, 0]], 2))
    [(0, 1)]
    >>> winner_cells(PoolTrace([[0, 9], [9, 0]], 2, mode="avg"))
    []
    """
    if trace.mode != "max":
        return []
    top, left = _offset(trace)
    exp = trace.export()
    kw = trace.geometry.kernel_shape[1]
    cells = []
    for rows, cols, flat in zip(exp["rows"], exp["cols"], exp["winners"], strict=True):
        i, j = divmod(int(flat), kw)
        cells.append((int(rows[i]) - top, int(cols[j]) - left))
    return cells


def window_equation(trace: PoolTrace, index: int, digits: int = 3) -> str:
    """One window's result written out, padding cells named as such.

    >>> t = PoolTrace([[1, 2], [3, 5]], 2, mode="avg")
    >>> window_equation(t, 0)
    'mean(1, 2, 3, 5) = (1 + 2 + 3 + 5) / 4 = 2.75'
    >>> window_equation(PoolTrace([[4.0]], 2, padding=1), 0)
    'max(pad −∞, pad −∞, pad −∞, 4) = 4'
    """
    step = trace.step(index)
    top, left = _offset(trace)
    h, w = trace.geometry.in_shape
    fill = "pad −∞" if trace.mode == "max" else "pad 0"
    terms = []
    for r in step.rows:
        for c in step.cols:
            inside = 0 <= r - top < h and 0 <= c - left < w
            terms.append(format_number(trace.padded[r, c], digits) if inside else fill)
    result = format_number(step.result, digits)
    if trace.mode == "max":
        return f"max({', '.join(terms)}) = {result}"
    sums = " + ".join(addends([t.replace("pad ", "") for t in terms]))
    return f"mean({', '.join(terms)}) = ({sums}) / {len(terms)} = {result}"


def window_index(trace: PoolTrace, row: int, col: int) -> int:
    """The number of the window that fills output cell (row, col), row-major.

    >>> window_index(PoolTrace(np.zeros((4, 4)), 2), 1, 0)
    2
    >>> window_index(PoolTrace(np.zeros((4, 4)), 2), 2, 0)
    Traceback (most recent call last):
    ...
    ValueError: output cell must lie in 2×2 (rows 0..1, columns 0..1), got (row=2, col=0)
    """
    oh, ow = trace.geometry.out_shape
    r = as_int(row, "row", minimum=0)
    c = as_int(col, "col", minimum=0)
    if r >= oh or c >= ow:
        raise ValueError(f"output cell must lie in {oh}×{ow} (rows 0..{oh - 1}, columns "
                         f"0..{ow - 1}), got (row={r}, col={c})")
    return r * ow + c


def display_sum(x: object) -> float:
    """What to tell :func:`cnnviz.plots.display.auto_mapping` as the "kernel sum" for pooling.

    Input and pooled map should share one colour scale, so that a 6 looks the
    same before and after. An image in [0, 1] gets 1.0 (auto then picks
    "clip", a fixed scale); anything else gets 0.0 (auto then picks
    "diverging", whose scale v / max|v| is the same before and after max
    pooling, and which shows the sign of a feature map).

    >>> display_sum([[0.2, 0.9]]), display_sum([[-1.0, 2.0]]), display_sum([[25.0]])
    (1.0, 0.0, 0.0)
    """
    return 1.0 if in_unit_range(x) else 0.0


def is_small(x: object) -> bool:
    """Whether a map is small enough (at most 16 × 16) to show its numbers and every window.

    >>> is_small(np.zeros((16, 16, 3))), is_small(np.zeros((17, 4)))
    (True, False)
    """
    arr = np.asarray(x)
    return arr.ndim >= 2 and max(arr.shape[:2]) <= NUMBERS_MAX_SIDE



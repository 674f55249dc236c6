"""Pooling windows, winners and sums against a simple loop and the lectures' 4 × 4 example."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cnnviz import pool2d
from cnnviz.core.pool import pool_geometry
from cnnviz.core.text import format_number
from cnnviz.core.trace import PoolTrace
from cnnviz.data.samples import LECTURE_INPUTS
from cnnviz.lessons import pooling
from cnnviz.plots.figures import MARK_COLOUR
from cnnviz.plots.pooling import pool_figure
from tests.readers import read_out

RNG = np.random.default_rng(5)
LECTURE = np.array(LECTURE_INPUTS["max_pool_4x4"].array)

CASES = [
    (size, stride, pad)
    for size, stride, pad in itertools.product([1, 2, 3, (2, 3)], [None, 1, 2, (1, 3)],
                                               [0, 1, (1, 0)])
    if all(2 * p <= k for p, k in zip(np.broadcast_to(pad, 2), np.broadcast_to(size, 2),
                                      strict=True))
]


def _windows_loop(x, size, stride, pad):
    """Every window as (top, left) in input cells, and its max's cell (first in reading order)."""
    kh, kw = np.broadcast_to(size, 2)
    sh, sw = (kh, kw) if stride is None else np.broadcast_to(stride, 2)
    ph, pw = np.broadcast_to(pad, 2)
    h, w = x.shape
    rects, winners = [], []
    top = -ph
    while top + kh <= h + ph:
        left = -pw
        while left + kw <= w + pw:
            rects.append((int(top), int(left), int(kh), int(kw)))
            best = None
            for i in range(top, top + kh):
                for j in range(left, left + kw):
                    if 0 <= i < h and 0 <= j < w and (best is None or x[i, j] > x[best]):
                        best = (int(i), int(j))
            winners.append(best)
            left += sw
        top += sh
    return rects, winners


@pytest.mark.parametrize("size, stride, pad", CASES)
def test_windows_and_winners_match_a_loop(size, stride, pad):
    x = RNG.integers(0, 5, size=(7, 8)).astype(float)  # small integers: ties happen
    trace = PoolTrace(x, size, stride=stride, padding=pad)
    rects, winners = _windows_loop(x, size, stride, pad)
    assert pooling.window_rects(trace) == rects
    assert pooling.winner_cells(trace) == winners
    out = pool2d(x, size, stride=stride, padding=pad).ravel()
    assert [x[cell] for cell in winners] == out.tolist()
    geom = pool_geometry(x.shape, size, stride=stride, padding=pad)
    assert geom.out_shape == pool2d(x, size, stride=stride, padding=pad).shape


def test_lecture_example():
    trace = PoolTrace(LECTURE, 2)
    # lecture 002: [[1,1,1,1],[1,1,1,2],[3,4,4,5],[2,2,1,2]] -> [[1, 2], [4, 5]]
    assert pooling.winner_cells(trace) == [(0, 0), (1, 3), (2, 1), (2, 3)]
    assert [pooling.window_equation(trace, i) for i in range(4)] == [
        "max(1, 1, 1, 1) = 1", "max(1, 1, 1, 2) = 2", "max(3, 4, 2, 2) = 4",
        "max(4, 5, 1, 2) = 5"]
    avg = PoolTrace(LECTURE, 2, mode="avg")
    assert pooling.winner_cells(avg) == []
    assert pooling.window_equation(avg, 1) == "mean(1, 1, 1, 2) = (1 + 1 + 1 + 2) / 4 = 1.25"


def test_average_counts_padding_as_zero():
    trace = PoolTrace(np.array([[4.0, 8.0]]), 2, padding=1, mode="avg")
    assert pooling.window_equation(trace, 0) == (
        "mean(pad 0, pad 0, pad 0, 4) = (0 + 0 + 0 + 4) / 4 = 1")
    assert pool2d([[4.0, 8.0]], 2, padding=1, mode="avg")[0, 0] == 1.0


def test_pool_geometry_defaults_and_errors():
    g = pool_geometry((6, 6), (2, 3))
    assert g.stride == (2, 3) and g.out_shape == (3, 2)
    with pytest.raises(ValueError, match="padding must be at most half"):
        pool_geometry((6, 6), 3, padding=2)
    with pytest.raises(ValueError, match="stride must be at least 1"):
        pool_geometry((6, 6), 2, stride=0)
    with pytest.raises(ValueError):
        pool_geometry((2, 2), 3)  # window larger than the input


def test_window_index_is_row_major_and_checked():
    trace = PoolTrace(np.zeros((6, 6)), 2)
    assert [pooling.window_index(trace, r, c) for r in range(3) for c in range(3)] == list(
        range(9))
    with pytest.raises(ValueError, match="output cell must lie in 3×3"):
        pooling.window_index(trace, 0, 3)
    with pytest.raises(ValueError, match="row must be at least 0"):
        pooling.window_index(trace, -1, 0)


def test_pool_figure_outlines_every_window_and_the_selected_one():
    trace = PoolTrace(LECTURE, 2, stride=1)
    fig = pool_figure(LECTURE, trace, 4, title="in")
    shapes = fig.meta["shapes"]
    colours = [s["line"]["color"] for s in shapes]
    assert colours.count("#9e9e9e") == 9 and colours.count(MARK_COLOUR) == 9
    bold = [s for s in shapes if s["line"]["color"] == "#ffb300"]
    assert len(bold) == 1 and (bold[0]["x0"], bold[0]["y0"]) == (0.5, 0.5)  # window (1, 1)
    assert pool_figure(LECTURE, trace).meta["shapes"][-1]["line"]["color"] == MARK_COLOUR
    assert read_out(fig)["text"][0] == [format_number(v, 2) for v in LECTURE[0]]
    with pytest.raises(ValueError, match="traced map"):
        pool_figure(np.zeros((3, 3)), trace)


def test_pool_figure_shows_windows_over_the_padding():
    x = np.arange(9.0).reshape(3, 3)
    fig = pool_figure(x, PoolTrace(x, 2, padding=1), 0)
    # A margin of room (cells: top, bottom, left, right) past the padding's width.
    assert fig.meta["margin"] == [1.1, 1.1, 1.1, 1.1]
    assert "margin" not in pool_figure(x, PoolTrace(x, 2), 0).meta


def test_display_hints():
    assert pooling.in_unit_range(np.array([[0.0, 0.5, 1.0]]))
    assert not pooling.in_unit_range(LECTURE)
    assert pooling.display_sum(np.array([[0.2]])) == 1.0
    assert pooling.display_sum(LECTURE) == 0.0
    assert pooling.display_sum(np.array([[-0.5, 0.5]])) == 0.0


def test_is_small_follows_the_numbers_limit():
    assert pooling.is_small(np.zeros((16, 16))) and pooling.is_small(np.zeros((3, 16, 3)))
    assert not pooling.is_small(np.zeros((16, 17)))

"""Heatmaps of W @ x = y with a highlighted row."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.plots.matrix import (
    READ_COLOUR,
    ROW_COLOUR,
    cell_sizes,
    product_figure,
    text_font,
    window_figure,
)


def test_three_aligned_panels_with_their_values():
    mat = np.array([[1.0, -2.0, 0.0], [0.0, 3.0, 4.0]])
    vec = np.array([1.0, 2.0, 3.0])
    fig = product_figure(mat, vec, mat @ vec, row=1, vector_cells=[1, 2])
    m, v, r = fig.data
    assert (m.xaxis, m.yaxis, v.xaxis, v.yaxis, r.xaxis, r.yaxis) == (
        "x", "y", "x", "y2", "x2", "y")
    assert np.asarray(m.text).tolist() == [["1", "-2", "0"], ["0", "3", "4"]]
    assert np.asarray(r.text).ravel().tolist() == ["-3", "18"]
    # Diverging: 0 maps to 0 (white), the largest |value| to ±1.
    z = np.asarray(m.z)
    assert z[0, 2] == 0 and z.max() == 1.0 and z.min() == -0.5
    rows = [s for s in fig.layout.shapes if s.line.color == ROW_COLOUR]
    read = [s for s in fig.layout.shapes if s.line.color == READ_COLOUR]
    assert [(s.y0, s.y1) for s in rows] == [(0.5, 1.5), (0.5, 1.5)]
    assert [s.x0 for s in read] == [0.5, 1.5]


def test_blank_zeros_hides_only_zero_numbers():
    fig = product_figure(np.array([[0.0, 2.0]]), np.ones(2), np.array([2.0]), blank_zeros=True)
    assert np.asarray(fig.data[0].text).tolist() == [["", "2"]]


def test_big_matrices_drop_numbers_but_keep_hover():
    mat = np.ones((144, 144))
    fig = product_figure(mat, np.ones(144), mat @ np.ones(144))
    assert fig.data[0].text is None
    assert "W[0, 0] = 1" in fig.data[0].customdata[0][0]
    assert fig.layout.width <= 1000


def test_long_vector_numbers_are_written_upwards():
    fig = product_figure(np.ones((16, 36)), np.full(36, 0.79), np.ones(16))
    assert fig.data[1].text is None
    assert len(fig.layout.annotations) == 36
    assert fig.layout.annotations[0].textangle == -90
    assert fig.layout.annotations[0].text == "0.79"


def test_sizes_and_fonts():
    assert cell_sizes(4, 9) == (44, 30)
    assert cell_sizes(4, 9, max_width=200) == (18, 30)
    assert text_font(np.array(["1"]), 20, 20) == 13
    assert text_font(np.array(["12.345"]), 20, 20) == 0


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match="do not fit"):
        product_figure(np.ones((2, 3)), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="row must be in 0 … 1"):
        product_figure(np.ones((2, 2)), np.ones(2), np.ones(2), row=2)


def test_window_figure_outlines_window_taps_and_input():
    fig = window_figure(np.zeros((6, 6)), (1, 1, 3, 3), [(1, 1), (1, 3), (3, 1), (3, 3)],
                        ((1, 1), (1, 1)))
    shapes = fig.meta["shapes"]
    assert len(shapes) == 6  # window, 4 taps, the input's edge
    assert shapes[-1]["line"]["dash"] == "dash"
    assert (shapes[-1]["x0"], shapes[-1]["x1"]) == (0.5, 4.5)
    plain = window_figure(np.zeros((3, 3)), (0, 0, 2, 2), [(0, 0), (0, 1), (1, 0), (1, 1)],
                          ((0, 0), (0, 0)))
    assert len(plain.meta["shapes"]) == 1  # taps fill the window; no padding

"""W @ x = y as one picture for the map element, with a highlighted row."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.plots.figures import Picture
from cnnviz.plots.matrix import (
    READ_COLOUR,
    ROW_COLOUR,
    cell_sizes,
    product_figure,
    text_font,
    window_figure,
)
from tests.app.conftest import pixels
from tests.readers import picture_data, read_out


def test_three_aligned_panels_with_their_values():
    mat = np.array([[1.0, -2.0, 0.0], [0.0, 3.0, 4.0]])
    vec = np.array([1.0, 2.0, 3.0])
    fig = product_figure(mat, vec, mat @ vec, row=1, vector_cells=[1, 2])
    assert isinstance(fig, Picture)  # the map element draws it, not Plotly
    m, v, r = read_out(fig)["panels"]
    assert (m["at"], v["at"][1], r["at"][0]) == ((0, 0), 0, 0)  # aligned with W
    assert m["text"] == [["1", "-2", "0"], ["0", "3", "4"]]
    assert [t for row in r["text"] for t in row] == ["-3", "18"]
    assert m["values"].tolist() == mat.tolist() and r["values"].ravel().tolist() == [-3, 18]
    # Diverging, each panel on its own scale: 0 is white, the largest |value| the darkest red.
    rgb = pixels(picture_data(fig))
    assert rgb[0, 2].tolist() == [247, 247, 247] and rgb[1, 2].tolist() == [103, 0, 31]
    rows = [s for s in fig.meta["shapes"] if s["line"]["color"] == ROW_COLOUR]
    read = [s for s in fig.meta["shapes"] if s["line"]["color"] == READ_COLOUR]
    assert [(s["y0"], s["y1"]) for s in rows] == [(0.5, 1.5), (0.5, 1.5)]
    assert [s["x0"] for s in read] == [0.5, 1.5]
    assert fig.meta["axes"]["rows"][:2] == ["0", "1"] and "xᵀ" in fig.meta["axes"]["rows"]


def test_read_out_names_the_entry_and_its_row_and_column():
    fig = product_figure(np.eye(2), np.ones(2), np.ones(2), row_names=["out (0, 0)", "out (0, 1)"],
                         col_names=["px (0, 0)", "px (0, 1)"])
    w, x, y = fig.meta["panels"]
    assert (w["index"], x["index"], y["index"]) == ("rc", "c", "r")
    assert w["rows"] == ["out (0, 0)", "out (0, 1)"] and x["cols"] == ["px (0, 0)", "px (0, 1)"]


def test_blank_zeros_hides_only_zero_numbers():
    fig = product_figure(np.array([[0.0, 2.0]]), np.ones(2), np.array([2.0]), blank_zeros=True)
    assert fig.meta["panels"][0]["text"] == [["", "2"]]


def test_big_matrices_drop_numbers_but_keep_the_read_out():
    mat = np.ones((144, 144))
    fig = product_figure(mat, np.ones(144), mat @ np.ones(144))
    assert fig.meta["panels"][0]["text"] is None
    assert read_out(fig)["panels"][0]["values"].shape == (144, 144)
    assert fig.meta["height"] <= 1200


def test_long_vector_numbers_are_written_upwards():
    fig = product_figure(np.ones((16, 36)), np.full(36, 0.79), np.ones(16))
    strip = fig.meta["panels"][1]
    assert strip["upright"] and strip["span"][0] >= 2  # a taller strip, numbers upwards
    assert strip["text"][0][0] == "0.79"
    assert fig.meta["aspect"] > 1  # cells as the heatmap had them: 21 wide, 30 high


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

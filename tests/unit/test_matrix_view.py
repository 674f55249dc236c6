"""The matrix page's core: small inputs, W @ x, im2col @ k and the sliding window agree."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.core.matrix import dense_equivalent_params
from cnnviz.lessons.matrix import MAX_SIDE, grey, matrix_view, param_lines, small_input
from tests.reference import conv_loop

RNG = np.random.default_rng(7)


def w_loop(kernel, shape, stride=1, pad=0, dilation=1):
    """W built from the definition: row (r, c) holds k[i, j] at pixel (r·s+i·d−p, c·s+j·d−p)."""
    h, w = shape
    fh, fw = kernel.shape
    oh = (h + 2 * pad - dilation * (fh - 1) - 1) // stride + 1
    ow = (w + 2 * pad - dilation * (fw - 1) - 1) // stride + 1
    out = np.zeros((oh * ow, h * w))
    for r in range(oh):
        for c in range(ow):
            for i in range(fh):
                for j in range(fw):
                    y, x = r * stride + i * dilation - pad, c * stride + j * dilation - pad
                    if 0 <= y < h and 0 <= x < w:
                        out[r * ow + c, y * w + x] += kernel[i, j]
    return out


@pytest.mark.parametrize("stride,pad,dilation", [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 1, 1)])
def test_three_ways_agree_with_loop_references(stride, pad, dilation):
    x = RNG.integers(-3, 4, (6, 5)).astype(float)
    k = RNG.integers(-2, 3, (3, 3)).astype(float)
    mv = matrix_view(x, k, 0.5, stride=stride, padding=pad, dilation=dilation)
    ref = conv_loop(x[:, :, None], k[:, :, None, None], 0.5, (stride, stride),
                    ((pad, pad), (pad, pad)), (dilation, dilation))[:, :, 0]
    np.testing.assert_allclose(mv.output, ref)
    np.testing.assert_allclose(mv.weights, w_loop(k, x.shape, stride, pad, dilation))
    for result in (mv.by_matrix, mv.by_im2col, mv.by_sliding):
        np.testing.assert_allclose(result, ref.ravel())
    assert mv.identical and mv.max_difference < 1e-12


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_pad_modes_and_flip(mode):
    x = RNG.random((5, 5))
    k = np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -1.0]])
    mv = matrix_view(x, k, padding=1, pad_mode=mode, flip=True)
    ref = conv_loop(x[:, :, None], k[:, :, None, None], 0.0, (1, 1), ((1, 1), (1, 1)),
                    mode=mode, flip=True)[:, :, 0]
    np.testing.assert_allclose(mv.by_im2col, ref.ravel())
    np.testing.assert_allclose(mv.by_matrix, ref.ravel())
    np.testing.assert_array_equal(mv.taps, k[::-1, ::-1])
    assert mv.padded.shape == (7, 7)


def test_same_padding_with_an_even_kernel_and_flip():
    x = RNG.random((5, 4))
    mv = matrix_view(x, [[1, 2], [3, 4]], padding="same", flip=True)
    assert mv.output.shape == (5, 4) and mv.identical


def test_cell_row_window_pixels_and_sum():
    x = np.arange(16.0).reshape(4, 4)
    mv = matrix_view(x, np.ones((2, 2)), stride=2)
    cell = mv.cell(1, 0)
    assert (cell.index, cell.window, cell.note) == (2, (2, 0, 2, 2), "")
    assert cell.pixels == [8, 9, 12, 13]
    assert cell.taps == [(2, 0), (2, 1), (3, 0), (3, 1)]
    assert cell.value == 8 + 9 + 12 + 13
    assert cell.sum_text == "1·8 + 1·9 + 1·12 + 1·13 = 42"


def test_cell_outside_is_moved_in_with_a_note():
    mv = matrix_view(np.ones((4, 4)), np.ones((3, 3)), bias=1.0)
    cell = mv.cell(7, 9)
    assert (cell.row, cell.col) == (1, 1)
    assert "Row 7 is outside" in cell.note and "Column 9 is outside" in cell.note
    assert cell.sum_text.endswith("+ 1 = 10")


def test_dilated_cell_marks_spread_taps():
    mv = matrix_view(np.ones((5, 5)), np.ones((2, 2)), dilation=2)
    cell = mv.cell(0, 0)
    assert cell.window == (0, 0, 3, 3)
    assert cell.taps == [(0, 0), (0, 2), (2, 0), (2, 2)]


def test_labels():
    mv = matrix_view(np.ones((3, 4)), np.ones((2, 2)))
    assert mv.out_names[:3] == ["output cell (0, 0)", "output cell (0, 1)", "output cell (0, 2)"]
    assert mv.pixel_names[5] == "pixel (1, 1)"
    assert mv.tap_ticks == ["(0,0)", "(0,1)", "(1,0)", "(1,1)"]


def test_facts_and_params_come_from_the_matrix():
    mv = matrix_view(np.ones((6, 6)), np.arange(9.0).reshape(3, 3))
    assert mv.facts.shape == (16, 36)
    assert mv.facts.doubly_block_toeplitz
    assert mv.params.dense_weights == 36 * 16 and mv.params.conv_weights == 9


def test_small_input_keeps_small_images_exactly():
    x = np.arange(49.0).reshape(7, 7)
    out = small_input(x, 8)
    np.testing.assert_array_equal(out.values, x)
    assert out.note == ""


def test_small_input_shrinks_by_averaging_and_rounds():
    img = np.zeros((8, 8))
    img[:, 4:] = 1.0
    out = small_input(img, 2)
    np.testing.assert_array_equal(out.values, [[0.0, 1.0], [0.0, 1.0]])
    assert "shrunk from 8×8 to 2×2" in out.note
    wide = small_input(RNG.random((30, 60)), 6)
    assert wide.values.shape == (3, 6)
    assert np.array_equal(wide.values, np.round(wide.values, 2))


def test_small_input_makes_colour_grey():
    rgb = np.dstack([np.zeros((2, 2)), np.ones((2, 2)), np.full((2, 2), 2.0)])
    out = small_input(rgb, 4)
    np.testing.assert_array_equal(out.values, np.ones((2, 2)))
    assert "grey" in out.note
    np.testing.assert_array_equal(grey(rgb), np.ones((2, 2)))


def test_too_large_inputs_are_refused_with_a_reason():
    with pytest.raises(ValueError, match=f"at most {MAX_SIDE} pixels.*fourth"):
        small_input(np.ones((3, 3)), MAX_SIDE + 1)
    with pytest.raises(ValueError, match="x must be at most"):
        matrix_view(np.ones((MAX_SIDE + 1, 2)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="kernel must be at most 5×5"):
        matrix_view(np.ones((8, 8)), np.ones((6, 6)))
    with pytest.raises(ValueError, match="kernel is larger than the padded input"):
        matrix_view(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="grey"):
        matrix_view(np.ones((2, 2, 3)), np.ones((1, 1)))


def test_param_lines_use_the_comparison_numbers():
    p = dense_equivalent_params((6, 6), (3, 3))
    lines = param_lines(p)
    assert "36 · 16 = 576 weights + 16 biases = 592 parameters" in lines[0]
    assert "9 weights + 1 bias = 10 parameters" in lines[1]
    assert "59.2 times fewer" in lines[1]

"""Transposed convolution steps, round trip and dilation, against loop references."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.lessons.transposed import (
    SMALL_INPUTS,
    dilation_view,
    transposed_size_latex,
    transposed_view,
)
from tests.reference import conv_loop

RNG = np.random.default_rng(11)


def scatter_loop(x, k, s, p, op, d):
    """Each input cell adds x[i, j]·k at (i·s + a·d, j·s + b·d); crop p, extend by op."""
    (h, w), (fh, fw) = x.shape, k.shape
    full = np.zeros(((h - 1) * s + d * (fh - 1) + 1 + op, (w - 1) * s + d * (fw - 1) + 1 + op))
    for i in range(h):
        for j in range(w):
            for a in range(fh):
                for b in range(fw):
                    full[i * s + a * d, j * s + b * d] += x[i, j] * k[a, b]
    return full[p:full.shape[0] - p, p:full.shape[1] - p]


@pytest.mark.parametrize("s,p,op,d", [(1, 0, 0, 1), (2, 0, 0, 1), (2, 1, 1, 1), (3, 2, 2, 1),
                                      (1, 1, 0, 2), (2, 3, 0, 1)])
def test_steps_and_direct_match_the_definition(s, p, op, d):
    x = RNG.integers(-3, 4, (3, 4)).astype(float)
    k = RNG.integers(-2, 3, (3, 2)).astype(float)
    tv = transposed_view(x, k, stride=s, padding=p, output_padding=op, dilation=d)
    ref = scatter_loop(x, k, s, p, op, d)
    np.testing.assert_allclose(tv.direct, ref)
    np.testing.assert_allclose(tv.steps.output, ref)
    assert tv.max_difference == 0.0
    assert tv.output_shape == ref.shape
    assert tv.maps_back and tv.back_shape == x.shape


def test_cells_mark_where_the_input_went():
    tv = transposed_view([[1, 2], [3, 4]], np.ones((3, 3)), stride=2)
    assert tv.upsampled_cells == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert tv.padded_cells == [(2, 2), (2, 4), (4, 2), (4, 4)]
    for (r, c), v in zip(tv.padded_cells, [1, 2, 3, 4], strict=True):
        assert tv.steps.padded[r, c] == v
    # padding larger than d(f − 1): the border is negative, the outer cells are cut off.
    cut = transposed_view(np.ones((4, 4)), np.ones((2, 2)), stride=1, padding=2)
    assert cut.steps.border == ((-1, -1), (-1, -1))
    assert cut.padded_cells == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_size_formula_latex_is_filled_in():
    tv = transposed_view(np.ones((3, 2)), np.ones((2, 2)), stride=3, padding=1,
                         output_padding=2)
    h, w = tv.size_latex
    assert h.endswith("= (3 - 1)\\cdot 3 - 2\\cdot 1 + 1\\cdot(2 - 1) + 2 + 1 = 8")
    assert w.endswith("= 5") and "n_W^{[l-1]}" in w
    assert tv.back_latex[0].startswith("n_H^{[l-1]} =") and tv.back_latex[0].endswith("= 3")
    assert transposed_size_latex(4, 4, stride=2, padding=1).endswith("= 8")


def test_round_trip_fails_when_output_padding_is_not_below_the_stride():
    # output_padding may reach up to the dilation: then the floor cannot bring it back.
    tv = transposed_view(np.ones((2, 2)), np.ones((2, 2)), stride=1, output_padding=1,
                         dilation=2)
    assert tv.output_shape == (5, 5)
    assert tv.back_shape == (3, 3) and not tv.maps_back


def test_invalid_combinations_raise_with_the_parameter_named():
    with pytest.raises(ValueError, match="output_padding must be smaller"):
        transposed_view(np.ones((2, 2)), np.ones((2, 2)), stride=1, output_padding=1)
    with pytest.raises(ValueError, match="padding=3 is too large"):
        transposed_view(np.ones((2, 2)), np.ones((2, 2)), padding=3)
    with pytest.raises(ValueError, match="stride must be at least 1"):
        transposed_view(np.ones((2, 2)), np.ones((2, 2)), stride=0)


def test_presets_are_small_matrices():
    for title, values in SMALL_INPUTS.values():
        assert 2 <= min(values.shape) and max(values.shape) <= 6, title
    assert SMALL_INPUTS["single"][1].sum() == 1


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_dilation_equals_the_dilated_kernel(d):
    img = RNG.random((20, 18))
    k = RNG.integers(-2, 3, (3, 2)).astype(float)
    dv = dilation_view(img, k, d)
    ref = conv_loop(img[:, :, None], k[:, :, None, None], dilation=(d, d))[:, :, 0]
    np.testing.assert_allclose(dv.by_dilation, ref)
    np.testing.assert_allclose(dv.by_dilated_kernel, ref)
    assert dv.max_difference == 0.0
    assert dv.effective == (d * 2 + 1, d + 1)
    assert dv.dilated.shape == dv.effective
    assert all(dv.dilated[r, c] == k[r // d, c // d] for r, c in dv.taps)
    assert np.count_nonzero(dv.dilated) == np.count_nonzero(k)
    assert dv.geometry.out_shape == ref.shape


def test_effective_latex():
    assert dilation_view(np.ones((9, 9)), np.ones((3, 3)), 2).effective_latex == (
        r"d(f_H - 1) + 1 = 2\cdot(3 - 1) + 1 = 5")
    assert "f_W" in dilation_view(np.ones((9, 9)), np.ones((3, 2)), 2).effective_latex


def test_dilated_kernel_too_large_is_refused():
    with pytest.raises(ValueError, match="dilated by 4 spans 9"):
        dilation_view(np.ones((6, 6)), np.ones((3, 3)), 4)

"""Colour volumes and filter banks against simple loops and the lectures' numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnviz import conv2d
from cnnviz.core.kernels import KERNELS, get_kernel
from cnnviz.core.layers import conv_params
from cnnviz.core.trace import ConvTrace
from cnnviz.data.samples import LECTURE_INPUTS
from cnnviz.lessons import colour as volumes

from ..reference import conv_loop

RNG = np.random.default_rng(11)


def _fit_loop(k: np.ndarray, n: int) -> np.ndarray:
    """Centre k in an n × n square cell by cell (extra row/column at the bottom/right)."""
    out = np.zeros((n, n))
    dr = (n - k.shape[0]) // 2 if n >= k.shape[0] else -((k.shape[0] - n) // 2)
    dc = (n - k.shape[1]) // 2 if n >= k.shape[1] else -((k.shape[1] - n) // 2)
    for i in range(k.shape[0]):
        for j in range(k.shape[1]):
            if 0 <= i + dr < n and 0 <= j + dc < n:
                out[i + dr, j + dc] = k[i, j]
    return out


def test_grey_image_becomes_three_equal_channels_with_a_note():
    grey = RNG.random((5, 7))
    volume, note = volumes.as_volume(grey)
    assert volume.shape == (5, 7, 3)
    for c in range(3):
        np.testing.assert_array_equal(volume[:, :, c], grey)
    assert "5 × 7 × 3" in note


def test_colour_image_is_kept_as_it_is():
    rgb = RNG.random((4, 3, 3))
    volume, note = volumes.as_volume(rgb)
    np.testing.assert_array_equal(volume, rgb)
    assert note == ""
    volume[0, 0, 0] = 9.0
    assert rgb[0, 0, 0] != 9.0  # a copy


@pytest.mark.parametrize("bad", [np.zeros((3, 3, 4)), np.zeros(4), np.zeros((0, 3)),
                                 [[np.nan, 1.0]]])
def test_bad_images_raise(bad):
    with pytest.raises(ValueError, match="image"):
        volumes.as_volume(bad)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 8))
def test_fit_slice_matches_a_loop(h, w, n):
    k = np.arange(1.0, h * w + 1).reshape(h, w)
    np.testing.assert_array_equal(volumes.fit_slice(k, n), _fit_loop(k, n))


@given(st.integers(1, 5), st.integers(0, 4))
def test_growing_then_shrinking_gives_the_kernel_back(f, extra):
    k = RNG.normal(size=(f, f))
    np.testing.assert_array_equal(volumes.fit_slice(volumes.fit_slice(k, f + extra), f), k)


def test_a_zero_border_changes_nothing_the_kernel_computes():
    x = RNG.normal(size=(9, 8))
    k = RNG.normal(size=(3, 3))
    grown = volumes.fit_slice(k, 5)
    np.testing.assert_allclose(conv2d(x, grown, padding=1), conv2d(x, k), atol=1e-12)


def test_fit_slice_rejects_bad_arguments():
    with pytest.raises(ValueError, match="f must be at least 1"):
        volumes.fit_slice(np.ones((3, 3)), 0)
    with pytest.raises(ValueError, match="2-D"):
        volumes.fit_slice(np.ones((3, 3, 3)), 3)


def test_slice_presets_cover_every_kernel_and_zeros():
    assert volumes.SLICE_PRESETS == ("zeros", *KERNELS)
    np.testing.assert_array_equal(volumes.slice_preset("sobel_x", 3), get_kernel("sobel_x"))
    assert volumes.slice_preset("gaussian_5", 3).shape == (3, 3)
    with pytest.raises(ValueError, match="name must be one of"):
        volumes.slice_preset("nope", 3)


def test_gain_is_the_response_to_all_ones():
    w = RNG.normal(size=(3, 3, 3))
    assert volumes.gain(w) == pytest.approx(float(conv2d(np.ones((3, 3, 3)), w)[0, 0]))
    assert volumes.gain(np.stack([get_kernel("sobel_x")] * 3, axis=2)) == 0.0


def test_lecture_volume_partial_sums_and_total():
    item = LECTURE_INPUTS["vertical_edge"]
    step = ConvTrace(item.array, item.kernel).at(0, 3)
    for c in range(3):
        text = volumes.channel_equation(step, c)
        assert text == "25·1 + 25·0 + 0·(−1) + 25·1 + 25·0 + 0·(−1) + 25·1 + 25·0 + 0·(−1) = 75"
    assert volumes.total_equation(step) == "75 (R) + 75 (G) + 75 (B) + 0 (bias b) = 225"
    with pytest.raises(ValueError, match="channel must be below 3"):
        volumes.channel_equation(step, 3)


def test_total_equation_numbers_are_the_trace_numbers():
    x, w = RNG.normal(size=(5, 5, 3)), RNG.normal(size=(3, 3, 3))
    step = ConvTrace(x, w, 0.5, padding=1).at(2, 4)
    parts = volumes.total_equation(step, digits=6).replace("(", "").replace(")", "").replace(
        "−", "-").split()
    numbers = [float(p) for p in parts if p[-1].isdigit()]
    np.testing.assert_allclose(numbers[:3], step.partial_sums, atol=1e-6)
    assert numbers[3] == 0.5 and numbers[4] == pytest.approx(step.total, abs=1e-6)


def test_bank_equals_each_preset_on_every_channel_summed():
    names = ["sobel_x", "box_blur_3", "sharpen"]
    bank, note = volumes.bank_from_presets(names)
    assert bank.shape == (3, 3, 3, 3) and note == ""
    x = RNG.normal(size=(6, 7, 3))
    out = conv2d(x, bank, stride=2, padding=1)
    np.testing.assert_allclose(out, conv_loop(x, bank, stride=(2, 2),
                                              padding=((1, 1), (1, 1))), atol=1e-12)
    for i, name in enumerate(names):
        per_channel = sum(conv2d(x[:, :, c], get_kernel(name), stride=2, padding=1)
                          for c in range(3))
        np.testing.assert_allclose(out[:, :, i], per_channel, atol=1e-12)


def test_bank_takes_the_largest_size_and_says_so():
    bank, note = volumes.bank_from_presets(["sharpen", "log_5", "zeros"], n_c=2)
    assert bank.shape == (5, 5, 2, 3)
    np.testing.assert_array_equal(bank[1:4, 1:4, 1, 0], get_kernel("sharpen"))
    assert not bank[:, :, :, 2].any()
    assert note == "f = 5 (the largest preset); the 3 × 3 presets get a border of zeros: Sharpen."


def test_bank_needs_names():
    with pytest.raises(ValueError, match="at least one preset"):
        volumes.bank_from_presets([])


@pytest.mark.parametrize("f, n_c, n_f, expected", [(3, 3, 3, 84), (3, 3, 10, 280), (5, 1, 6, 156)])
def test_bank_shapes_count_the_lectures_parameters(f, n_c, n_f, expected):
    lines = volumes.bank_shapes((32, 32, n_c), f, n_f, (30, 30))
    assert [line.label for line in lines] == ["Input volume", "One filter", "All weights",
                                              "Biases", "Output volume", "Parameters to learn"]
    assert lines[-1].latex.endswith(f"= {expected}")
    assert expected == conv_params(f, n_c, n_f)
    assert lines[2].latex.endswith(rf"{f} \times {f} \times {n_c} \times {n_f}")
    assert lines[4].latex.endswith(rf"30 \times 30 \times {n_f}")

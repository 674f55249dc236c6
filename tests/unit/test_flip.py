"""Cross-correlation against convolution, checked with scipy.signal."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from cnnviz.core.kernels import KERNELS, SMALL_KERNELS
from cnnviz.lessons.correlation import RELATIONS, compare_flip, flip_relation, impulse_response

RNG = np.random.default_rng(3)


def test_both_maps_match_scipy():
    img = RNG.random((9, 7))
    k = SMALL_KERNELS["asymmetric_3"].values
    fc = compare_flip(img, k, padding="same")
    np.testing.assert_allclose(fc.correlation, signal.correlate2d(img, k, mode="same"))
    np.testing.assert_allclose(fc.convolution, signal.convolve2d(img, k, mode="same"))
    np.testing.assert_allclose(fc.difference, fc.convolution - fc.correlation)
    assert fc.max_difference == pytest.approx(np.abs(fc.difference).max())
    assert fc.max_difference > 0
    valid = compare_flip(img, k, padding="valid")
    np.testing.assert_allclose(valid.convolution, signal.convolve2d(img, k, mode="valid"))
    assert valid.geometry.out_shape == (7, 5)


@pytest.mark.parametrize("name", [n for n, k in KERNELS.items()
                                  if flip_relation(k.values) == "symmetric"])
def test_symmetric_kernels_give_exactly_zero(name):
    fc = compare_flip(RNG.random((12, 12)), KERNELS[name].values)
    assert fc.relation == "symmetric"
    assert fc.max_difference == 0.0
    assert fc.explanation == RELATIONS["symmetric"]


def test_antisymmetric_kernel_changes_every_sign():
    fc = compare_flip(RNG.random((8, 8)), KERNELS["sobel_x"].values)
    assert fc.relation == "antisymmetric"
    np.testing.assert_allclose(fc.convolution, -fc.correlation)


def test_relation_names():
    assert flip_relation([[1, 2], [2, 1]]) == "symmetric"
    assert flip_relation([[1, 0], [0, -1]]) == "antisymmetric"
    assert flip_relation([[1, 2], [3, 4]]) == "asymmetric"


def test_colour_images_are_compared_in_grey():
    rgb = RNG.random((6, 6, 3))
    fc = compare_flip(rgb, np.ones((3, 3)), padding="valid")
    np.testing.assert_allclose(fc.image, rgb.mean(axis=2))
    assert fc.unit_input and fc.kernel_sum == 9.0


@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (3, 3), (2, 3), (5, 5)])
def test_impulse_response_shows_the_turn(shape):
    k = RNG.integers(-5, 6, shape).astype(float)
    demo = impulse_response(k)
    assert demo.impulse.sum() == 1 and demo.impulse.shape == (2 * shape[0] - 1, 2 * shape[1] - 1)
    np.testing.assert_array_equal(demo.correlation, k[::-1, ::-1])
    np.testing.assert_array_equal(demo.convolution, k)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="kernel must be a non-empty 2-D"):
        compare_flip(np.ones((4, 4)), np.ones(3))
    with pytest.raises(ValueError, match="larger than the padded input"):
        compare_flip(np.ones((2, 2)), np.ones((3, 3)), padding="valid")
    with pytest.raises(ValueError, match="finite"):
        impulse_response([[np.nan]])


def test_even_symmetric_kernel_with_same_padding_is_explained_as_a_shift():
    img = np.arange(36.0).reshape(6, 6)
    fc = compare_flip(img, np.ones((2, 2)), padding="same")
    assert fc.relation == "symmetric" and fc.shifted and not fc.identical
    assert fc.max_difference > 0 and "shifted by one cell" in fc.explanation
    valid = compare_flip(img, np.ones((2, 2)), padding="valid")
    assert valid.identical and valid.max_difference == 0

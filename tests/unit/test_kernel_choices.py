"""Extra kernels of the under-the-hood pages and the size-filtered preset list
(both in cnnviz.core.kernels)."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.core.kernels import KERNELS, SMALL_KERNELS, kernel_choices


def test_choices_respect_the_size_range():
    for lo, hi in ((1, 5), (2, 4), (2, 2), (3, 3)):
        choices = kernel_choices(hi, lo)
        assert choices
        assert all(lo <= min(k.shape) and max(k.shape) <= hi for k in choices.values())


def test_choices_contain_extras_and_lecture_presets():
    choices = kernel_choices(5)
    assert "numbered_3" in choices and "sobel_x" in choices and "gaussian_5" in choices
    assert set(KERNELS) <= set(choices)  # every lecture preset is at most 5×5
    assert "gaussian_5" not in kernel_choices(4)


def test_asymmetric_kernel_is_neither_symmetric_nor_antisymmetric():
    k = SMALL_KERNELS["asymmetric_3"].values
    np.testing.assert_array_equal(k, [[1, 2, 0], [0, 0, 0], [0, 0, -1]])
    assert not np.array_equal(k, k[::-1, ::-1])
    assert not np.array_equal(k, -k[::-1, ::-1])


def test_numbered_kernels_have_distinct_taps():
    for name in ("numbered_2", "numbered_3"):
        v = SMALL_KERNELS[name].values
        assert len(np.unique(v)) == v.size


def test_bilinear_kernel_is_the_outer_product():
    v = SMALL_KERNELS["bilinear_4"].values
    row = np.array([1, 3, 3, 1]) / 4
    np.testing.assert_allclose(v, np.outer(row, row))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="min_side must not exceed max_side"):
        kernel_choices(2, 3)
    with pytest.raises(ValueError, match="max_side"):
        kernel_choices(0)

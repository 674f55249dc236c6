"""The feature-map histogram never raises on numbers (was: "Too many bins for data range")."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import cnnviz
from cnnviz.core.kernels import KERNELS
from cnnviz.data import samples
from cnnviz.plots.display import bin_edges
from cnnviz.plots.figures import histogram_figure

EXTREMES = [0.0, -0.0, 1.0, 0.5, 1e300, -1e300, 1e-300, -1e-300, 1e308, -1e308, 5e-324,
            float(np.finfo(np.float64).max), -float(np.finfo(np.float64).max)]


def _bars(fig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    bar = fig.data[0]
    return np.asarray(bar.x, dtype=float), np.asarray(bar.y), np.asarray(bar.width, dtype=float)


def _check(values) -> None:
    arr = np.asarray(values, dtype=np.float64)
    fig = histogram_figure(arr)
    x, y, width = _bars(fig)
    assert len(fig.data) == 1  # one Bar trace, not one per bin
    assert int(y.sum()) == arr.size
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(width)) and np.all(width > 0)
    fig.to_json()  # what Streamlit sends must serialise


finite_arrays = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=12),
    elements=st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                       st.sampled_from(EXTREMES)))


@settings(max_examples=200, deadline=None)
@given(finite_arrays)
def test_histogram_figure_never_raises_on_finite_arrays(arr):
    _check(arr)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(EXTREMES)),
       st.integers(1, 300))
def test_constant_arrays_give_one_bar(value, n):
    fig = histogram_figure(np.full(n, value))
    _, y, _ = _bars(fig)
    assert y.tolist() == [n]


@pytest.mark.parametrize("values", [
    [0.5, float(np.nextafter(0.5, 1.0))],  # two neighbouring floats: one bin only
    np.full((30, 30), 1e300),  # constant far from 0: numpy's ±0.5 widening is lost
    [1e-300, 2e-300],
    [-1e308, 1e308],  # max − min overflows float64
    [-float(np.finfo(np.float64).max), float(np.finfo(np.float64).max)],
    [3.0],
])
def test_degenerate_ranges(values):
    _check(values)
    v = np.asarray(values, dtype=float)
    counts, edges = np.histogram(v, bins=bin_edges(v.min(), v.max(), 40))
    assert counts.sum() == np.size(values) and np.all(np.diff(edges) > 0)


def test_uniform_colour_image_and_non_finite_values():
    image = np.full((32, 32, 3), 0.3)
    z = cnnviz.conv2d(image, KERNELS["sobel_x"].values)
    _check(z)
    fig = histogram_figure(np.array([1.0, np.nan, np.inf, 2.0]))
    assert int(np.asarray(fig.data[0].y).sum()) == 2
    assert "2 NaN or infinite" in fig.layout.title.text
    assert int(np.asarray(histogram_figure(np.array([np.nan])).data[0].y).sum()) == 0


@pytest.mark.parametrize("size", [16, 32, 64, 96, 128])
def test_every_preset_on_the_gradient_pattern(size):
    # The tester's case: "gradient" + Sobel x at working size 32 or 64 gave a nearly
    # constant feature map, which np.histogram(bins=40) refused.
    image = samples.pattern("gradient", size)
    for kernel in KERNELS.values():
        _check(cnnviz.conv2d(image, kernel.values))


def test_bin_edges_are_increasing_and_finite():
    for lo, hi in [(0.0, 0.0), (1e300, 1e300), (-1e308, 1e308), (0.5, 0.5 + 1e-16), (-3.0, 2.0)]:
        edges = bin_edges(lo, hi, 40)
        assert np.all(np.isfinite(edges)) and np.all(np.diff(edges) > 0)
        assert edges[0] <= lo and edges[-1] >= hi
    with pytest.raises(ValueError, match="lo and hi must be finite"):
        bin_edges(1.0, 0.0, 4)


def test_the_o_n_count_equals_numpys_histogram_on_the_same_edges():
    from cnnviz.plots.display import bin_edges
    from cnnviz.plots.figures import _counts

    rng = np.random.default_rng(3)
    for trial in range(600):
        x = rng.normal(size=int(rng.integers(1, 3000))) * 10.0 ** int(rng.integers(-300, 300))
        if trial % 3 == 0:
            x = np.round(x, 1)  # many values exactly on edges
        if trial % 5 == 0:
            x = np.concatenate([x, [1e308, -1e308]])  # a span float64 cannot subtract
        if trial % 7 == 0:
            x = 0.5 + np.arange(int(rng.integers(1, 5))) * 1e-16  # a few floats wide
        if trial % 11 == 0:
            x = rng.integers(-3, 4, size=500).astype(float)
        edges = bin_edges(x.min(), x.max(), int(rng.integers(1, 60)))
        np.testing.assert_array_equal(_counts(x, edges), np.histogram(x, bins=edges)[0])

"""The feature-map histogram never raises on numbers (was: "Too many bins for data range"),
and its SVG says every bar's range and count."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import cnnviz
from cnnviz.core.kernels import KERNELS
from cnnviz.data import samples
from cnnviz.plots.display import bin_edges
from cnnviz.plots.histogram import NEGATIVE, POSITIVE, histogram, histogram_svg

EXTREMES = [0.0, -0.0, 1.0, 0.5, 1e300, -1e300, 1e-300, -1e-300, 1e308, -1e308, 5e-324,
            float(np.finfo(np.float64).max), -float(np.finfo(np.float64).max)]


def _check(values) -> None:
    arr = np.asarray(values, dtype=np.float64)
    h = histogram(arr)
    assert h.total == arr.size and h.left_out == 0
    assert len(h.edges) == len(h.counts) + 1
    assert np.all(np.isfinite(h.edges)) and np.all(np.diff(h.edges) > 0)
    svg = histogram_svg(h)
    # One bar per bin, every coordinate a finite number.
    assert svg.count('class="bar"') == len(h.counts)
    assert "nan" not in svg.lower().replace("nan or infinite", "") and "inf" not in svg


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
    assert histogram(np.full(n, value)).counts.tolist() == [n]


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
    h = histogram(np.array([1.0, np.nan, np.inf, 2.0]))
    assert (h.total, h.left_out) == (2, 2)
    assert "2 NaN or infinite values left out" in histogram_svg(h)
    assert histogram(np.array([np.nan])).total == 0
    histogram_svg(histogram(np.array([np.nan])))  # nothing to count still draws


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
    from cnnviz.plots.histogram import _counts

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


def test_the_svg_says_each_bars_range_and_count_and_marks_zero():
    h = histogram(np.array([-2.0, -1.0, -1.0, 0.5, 2.0]), bins=4)
    assert h.counts.tolist() == [1, 2, 1, 1]
    svg = histogram_svg(h, title="Raw <values> & more")
    assert "<title>-2 … -1: 1 value</title>" in svg
    assert "<title>-1 … 0: 2 values</title>" in svg
    # Blue below 0, red from 0 up; a dashed line at 0.
    assert svg.count(f'fill="{NEGATIVE}"') == 2 and svg.count(f'fill="{POSITIVE}"') == 2
    assert "stroke-dasharray" in svg
    # The title is text, never markup; the label sums it up for screen readers.
    assert "Raw &lt;values&gt; &amp; more" in svg and "<values>" not in svg
    assert 'role="img"' in svg and "5 values from -2 to 2 in 4 bars, 3 of them below 0" in svg
    # The tallest bar fills the plot's height; the others in proportion.
    heights = [float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([0-9.]+)"', svg)]
    assert heights[1] == max(heights) and heights[0] == pytest.approx(heights[1] / 2)


def test_no_zero_line_when_zero_is_out_of_range():
    assert "stroke-dasharray" not in histogram_svg(histogram(np.array([1.0, 2.0, 3.0])))

"""Kernel cells like 1e308 never crash: only documented ValueErrors, never OverflowError.

Regression: two kernel cells of 1e308 raised OverflowError ("intermediate
overflow in fsum") from kernels.kind_of on the Playground, Step-by-step and
Colour pages, and conv_transpose2d returned inf, which the figures refused
with "x must contain only finite numbers, got inf".
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnnviz
from cnnviz.core import kernels
from cnnviz.core._checks import exact_sum
from cnnviz.core.text import format_fraction, format_number, format_table
from cnnviz.core.trace import ConvTrace
from cnnviz.core.transposed import conv_transpose2d, transpose_as_conv_steps
from cnnviz.lessons import colour as volumes
from cnnviz.lessons.animation import build_conv_payload, payload_json, step_view
from cnnviz.lessons.correlation import compare_flip, flip_relation, impulse_response
from cnnviz.lessons.matrix import matrix_view
from cnnviz.lessons.transposed import dilation_view, transposed_view
from cnnviz.plots.display import MAPPINGS, map_for_display, to_uint8_image
from cnnviz.plots.figures import grid_figure, image_figure
from cnnviz.plots.histogram import histogram, histogram_svg

# Issue 17: the core raises its own ValueError on overflow, and lets no NumPy
# RuntimeWarning escape before it (each site silences its overflow where it happens).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

OVERFLOW = "overflows float64"
HUGE = [1e308, -1e308, 1.7976931348623157e308, -1.7976931348623157e308, 1e300, 9e307]


def two_cells(value: float = 1e308, shape=(3, 3)) -> np.ndarray:
    k = np.zeros(shape)
    k[0, 0] = k[0, 1] = value
    return k


IMAGE = np.linspace(0.0, 1.0, 64).reshape(8, 8)
WHITE = np.ones((8, 8))  # a uniform white image: every window sums the two cells


# --- the core: documented ValueErrors only ----------------------------------------------------


def test_exact_sum_never_raises():
    assert exact_sum([1e308, 1e308]) == math.inf
    assert exact_sum([-1e308, -1e308]) == -math.inf
    assert exact_sum([1e308, 1e308, -1e308]) == 1e308
    assert exact_sum([1e308, 1e308, -1e308, -1e308, 0.5]) == 0.5
    assert exact_sum([0.1] * 10) == 1.0


def test_kernel_descriptions_and_edits_with_1e308():
    k = two_cells()
    assert "more than float64 holds" in kernels.kind_of(k)
    assert "more than float64 holds" in kernels.kind_of(-k)
    assert kernels.kind_of([[1e308, -1e308]]) == kernels.KIND_ZERO
    assert kernels.Kernel("big", "Big", "Two huge cells.", k).sum == math.inf
    np.testing.assert_array_equal(kernels.normalise_kernel(k)[0, :2], [0.5, 0.5])
    np.testing.assert_array_equal(kernels.normalise_kernel([[1e308, -1e308, 0]]),
                                  [[1.0, -1.0, 0.0]])
    assert kernels.negate(k)[0, 0] == -1e308
    assert volumes.gain(np.repeat(k[:, :, None], 3, axis=2)) == math.inf
    assert volumes.gain(np.repeat(-k[:, :, None], 3, axis=2)) == -math.inf
    table = kernels.kernel_from_table([["1e308", "1e308"], ["0", "0"]])
    assert table[0, 0] == 1e308


@pytest.mark.parametrize("image, kernel, kwargs", [
    (WHITE, two_cells(), {}),
    (WHITE, -two_cells(), {"padding": 2, "stride": 2}),
    (WHITE, two_cells(), {"dilation": 2, "flip": True}),
    (IMAGE * 255, two_cells(1e307), {}),  # 1e307 · 255 is past the range too
    (WHITE, np.full((3, 3), 1e307), {"bias": 1e308}),  # 9e307 plus a huge bias
])
def test_conv2d_and_trace_overflow_is_a_value_error(image, kernel, kwargs):
    bias = kwargs.pop("bias", 0.0)
    with pytest.raises(ValueError, match=f"^the output {OVERFLOW}: .* values are beyond"):
        cnnviz.conv2d(image, kernel, bias, **kwargs)
    with pytest.raises(ValueError, match=OVERFLOW):
        ConvTrace(image, kernel, bias, **kwargs)


@pytest.mark.parametrize("kernel", [
    two_cells(),  # depthwise: the 2-D kernel on each channel
    np.repeat(two_cells()[:, :, None], 3, axis=2),  # one f×f×3 filter
    np.repeat(two_cells()[:, :, None, None], 3, axis=2).repeat(2, axis=3),  # a bank of two
])
def test_colour_overflow_is_a_value_error(kernel):
    with pytest.raises(ValueError, match=f"^the output {OVERFLOW}"):
        cnnviz.conv2d(np.ones((6, 6, 3)), kernel)


def test_float32_overflow_names_float32():
    with pytest.raises(ValueError, match="the output overflows float32"):
        cnnviz.conv2d(IMAGE.astype(np.float32), two_cells(1e39))


def test_one_huge_cell_that_fits_still_works():
    k = np.zeros((3, 3))
    k[1, 1] = 1e308
    z = cnnviz.conv2d(IMAGE, k)
    assert np.all(np.isfinite(z)) and z.max() == pytest.approx(1e308 * IMAGE[6, 6])


def test_non_finite_images_pass_through_as_before():
    img = IMAGE.copy()
    img[0, 0] = np.nan
    assert np.isnan(cnnviz.conv2d(img, np.ones((3, 3)))[0, 0])


def test_transposed_convolution_overflow_is_a_value_error():
    x = [[1.0, 2.0], [3.0, 4.0]]
    for func in (conv_transpose2d, transpose_as_conv_steps):
        with pytest.raises(ValueError, match=OVERFLOW):
            func(x, two_cells(), stride=2)
        with pytest.raises(ValueError, match=OVERFLOW):
            func([[1e308, 1e308], [1e308, 1e308]], np.ones((3, 3)))
    with pytest.raises(ValueError, match=OVERFLOW):
        transposed_view(x, two_cells(), stride=2)


def test_average_pooling_of_huge_values_is_their_mean():
    x = np.full((4, 4), 1e308)
    np.testing.assert_array_equal(cnnviz.pool2d(x, 2, mode="avg"), np.full((2, 2), 1e308))
    assert cnnviz.pool2d(-x, 2, mode="max")[0, 0] == -1e308


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(HUGE + [0.0, 1.0, -1.0, 0.5]), min_size=9, max_size=9),
       st.sampled_from(["valid", "same", 1]), st.integers(1, 2),
       st.sampled_from([0.0, 1e308, -1e308]))
def test_core_entry_points_raise_only_documented_errors(cells, padding, stride, bias):
    k = np.array(cells).reshape(3, 3)
    kernels.kind_of(k)
    kernels.normalise_kernel(k) if np.any(k) else None
    for call in (
        lambda: cnnviz.conv2d(IMAGE, k, bias, padding=padding, stride=stride),
        lambda: ConvTrace(IMAGE, k, bias, padding=padding, stride=stride).export(),
        lambda: conv_transpose2d(IMAGE[:3, :3], k, bias, stride=stride),
        lambda: transpose_as_conv_steps(IMAGE[:3, :3], k, bias, stride=stride),
    ):
        try:
            out = call()
        except ValueError as err:
            assert OVERFLOW in str(err), err
            continue
        arrays = out.values() if isinstance(out, dict) else [getattr(out, "output", out)]
        for arr in arrays:
            assert np.all(np.isfinite(arr))


# --- lessons and plots: never OverflowError -----------------------------------------------------


def _no_overflow_error(call):
    """Run ``call``; a ValueError that says what overflowed is fine, anything else is not."""
    try:
        return call()
    except ValueError as err:
        assert "overflow" in str(err) or "finite" in str(err), err
        return None


@pytest.mark.parametrize("value", HUGE)
def test_builders_with_huge_values(value):
    k = np.zeros((3, 3))
    k[1, 1] = value
    big = np.full((4, 4), value)
    big[0, 0] = -value
    for mapping in MAPPINGS:
        _no_overflow_error(lambda m=mapping: map_for_display(big, m).raw_of([0.0, 0.5, 1.0]))
        _no_overflow_error(lambda m=mapping: to_uint8_image(big, m))
        _no_overflow_error(lambda m=mapping: grid_figure(big, mapping=m).to_json())
    for call in (lambda: grid_figure(big).to_json(), lambda: image_figure(big).to_json(),
                 lambda: image_figure(np.repeat(big[:, :, None], 3, axis=2)).to_json(),
                 lambda: histogram_svg(histogram(big)),
                 lambda: kernels.kind_of(k), lambda: flip_relation(k),
                 lambda: impulse_response(k), lambda: compare_flip(IMAGE, k),
                 lambda: compare_flip(IMAGE, two_cells(value)),
                 lambda: matrix_view(IMAGE[:5, :5], two_cells(value)),
                 lambda: dilation_view(IMAGE, two_cells(value), 2),
                 lambda: transposed_view([[1.0, 2.0], [3.0, 4.0]], two_cells(value)),
                 lambda: format_table(big), lambda: volumes.gain(two_cells(value))):
        _no_overflow_error(call)
    for v in (value, math.inf, -math.inf, math.nan):
        format_number(v)
        format_fraction(v)


@pytest.mark.parametrize("value", HUGE)
def test_animation_payload_with_a_huge_weight(value):
    k = np.zeros((3, 3))
    k[1, 1] = value
    trace = ConvTrace(IMAGE, k, padding=1)
    payload = build_conv_payload(trace)
    text = payload_json(payload)
    assert "Infinity" not in text and "NaN" not in text
    for i in (0, trace.n_steps - 1):
        view = step_view(payload, i)
        assert view["total"] == format_number(trace.step(i).total)
    k3 = np.zeros((3, 3, 3))
    k3[1, 1, 0] = value  # on R only, so the total fits
    colour = ConvTrace(np.repeat(IMAGE[:, :, None], 3, axis=2), k3)
    step = colour.at(0, 0)
    volumes.channel_equation(step, 0)
    volumes.total_equation(step)
    build_conv_payload(colour)


def test_format_number_of_non_finite_values():
    assert (format_number(math.inf), format_number(-math.inf), format_number(math.nan)) == (
        "∞", "-∞", "NaN")
    assert format_fraction(math.inf) == "∞"

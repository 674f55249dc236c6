"""conv2d(..., out=) and pool2d(..., out=), and the in-place padding they rest on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import conv2d, pool2d
from cnnviz.core.conv import _pad_into, pad_image
from tests.reference import pad_loop

RNG = np.random.default_rng(5)

CONV_CASES = [
    ("grey", (20, 24), (3, 3), {"padding": 1}),
    ("grey valid", (20, 24), (3, 3), {}),
    ("colour one filter", (20, 24, 3), (3, 3, 3), {"stride": 2, "padding": "same"}),
    ("depthwise", (20, 24, 3), (2, 3), {"dilation": 2, "pad_mode": "reflect", "padding": 2}),
    ("bank", (20, 24, 3), (3, 3, 3, 4), {"padding": 1}),
    ("bank stride", (21, 23, 2), (3, 2, 2, 3), {"stride": (2, 3), "padding": "full"}),
    ("separable", (30, 30), (7, 7), {"padding": 3}),
]


def _kernel(shape):
    if shape == (7, 7):
        g = np.hanning(9)[1:-1]
        return np.outer(g, g)
    return RNG.standard_normal(shape)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("name", "img_shape", "ker_shape", "kw"), CONV_CASES,
                         ids=[c[0] for c in CONV_CASES])
def test_conv_out_equals_the_returned_result(name, img_shape, ker_shape, kw, dtype):
    x = RNG.random(img_shape).astype(dtype)
    k = _kernel(ker_shape).astype(dtype)
    expected = conv2d(x, k, 0.5, **kw)
    out = np.full(expected.shape, np.nan, dtype=dtype)
    assert conv2d(x, k, 0.5, **kw, out=out) is out
    np.testing.assert_array_equal(out, expected)
    # Again into the same array (warm buffers), and into a strided view.
    assert conv2d(x, k, 0.5, **kw, out=out) is out
    np.testing.assert_array_equal(out, expected)
    big = np.full((2 * expected.shape[0],) + expected.shape[1:], np.nan, dtype=dtype)
    view = big[::2]
    assert conv2d(x, k, 0.5, **kw, out=view) is view
    np.testing.assert_array_equal(view, expected)
    assert np.isnan(big[1::2]).all()  # nothing written outside the view


def test_conv_out_for_integer_and_float16_images():
    x = np.arange(48, dtype=np.uint8).reshape(6, 8)
    out = np.empty((6, 8))
    conv2d(x, np.ones((3, 3)), padding=1, out=out)
    np.testing.assert_array_equal(out, conv2d(x, np.ones((3, 3)), padding=1))
    h = x.astype(np.float16) / 64
    out16 = np.empty((4, 6), np.float16)
    conv2d(h, np.ones((3, 3)), out=out16)
    np.testing.assert_array_equal(out16, conv2d(h, np.ones((3, 3))))


def test_conv_out_may_be_the_image_itself():
    x = RNG.random((10, 12))
    expected = conv2d(x, [[2.0]], 1.0)
    assert conv2d(x, [[2.0]], 1.0, out=x) is x
    np.testing.assert_array_equal(x, expected)
    y = RNG.random((10, 12, 2))
    k = RNG.standard_normal((1, 1, 2, 2))
    expected = conv2d(y, k)
    assert conv2d(y, k, out=y) is y
    np.testing.assert_allclose(y, expected, rtol=1e-12)


@pytest.mark.parametrize(("out", "message"), [
    ([[0.0] * 3] * 3, "out must be a numpy array, got list"),
    (np.zeros((4, 4)), r"out must have the result's shape \(3, 3\), got \(4, 4\)"),
    (np.zeros((3, 3), np.float32), "out must have the result's dtype float64, got float32"),
    (np.zeros((3, 3, 1)), r"out must have the result's shape \(3, 3\), got \(3, 3, 1\)"),
])
def test_conv_out_is_checked(out, message):
    with pytest.raises(ValueError, match=message):
        conv2d(np.ones((5, 5)), np.ones((3, 3)), out=out)


def test_conv_out_must_be_writeable():
    out = np.zeros((3, 3))
    out.flags.writeable = False
    with pytest.raises(ValueError, match="out must be writeable"):
        conv2d(np.ones((5, 5)), np.ones((3, 3)), out=out)


@pytest.mark.parametrize(("shape", "kw"), [
    ((16, 18), {"size": 2}),
    ((16, 18), {"size": 3, "stride": 1, "padding": 1}),
    ((15, 17, 3), {"size": 3, "stride": 2, "padding": 1, "mode": "avg"}),
    ((15, 17, 3), {"size": (2, 3), "mode": "max"}),
])
def test_pool_out_equals_the_returned_result(shape, kw):
    x = RNG.random(shape).astype(np.float32)
    expected = pool2d(x, **kw)
    out = np.full(expected.shape, np.nan, np.float32)
    assert pool2d(x, **kw, out=out) is out
    np.testing.assert_array_equal(out, expected)
    assert pool2d(x, **kw, out=out) is out
    np.testing.assert_array_equal(out, expected)


def test_pool_out_is_checked_and_may_be_the_input():
    with pytest.raises(ValueError, match=r"out must have the result's shape \(2, 2\)"):
        pool2d(np.ones((4, 4)), 2, out=np.zeros((4, 4)))
    with pytest.raises(ValueError, match="out must have the result's dtype float64, got int64"):
        pool2d(np.ones((4, 4), int), 2, out=np.zeros((2, 2), int))
    x = RNG.random((8, 8))
    expected = pool2d(x, 3, stride=1, padding=1)
    assert pool2d(x, 3, stride=1, padding=1, out=x) is x
    np.testing.assert_array_equal(x, expected)


def test_pool_avg_out_with_huge_values_divides_first():
    x = np.full((4, 4), 1e308)
    out = np.empty((2, 2))
    pool2d(x, 2, mode="avg", out=out)
    np.testing.assert_array_equal(out, np.full((2, 2), 1e308))


@settings(max_examples=150, deadline=None)
@given(
    h=st.integers(1, 5), w=st.integers(1, 5), c=st.integers(1, 2),
    pads=st.tuples(*[st.integers(0, 11)] * 4),
    mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]),
)
def test_pad_into_equals_np_pad_and_the_loop(h, w, c, pads, mode):
    # Paddings wider than the image too: reflect bounces, circular wraps again.
    t, b, left, r = pads
    src = RNG.random((h, w, c))
    planar = np.moveaxis(src, 2, 0)
    dest = np.full((c, h + t + b, w + left + r), np.nan)
    _pad_into(planar, dest, ((t, b), (left, r)), mode)
    expected = pad_image(src, ((t, b), (left, r)), mode)
    np.testing.assert_array_equal(np.moveaxis(dest, 0, 2), expected)
    np.testing.assert_array_equal(expected, pad_loop(src, t, b, left, r, mode))

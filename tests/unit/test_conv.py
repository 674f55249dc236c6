"""conv2d, pool2d and output_size against loop references, scipy and hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss
from hypothesis import given, settings
from hypothesis import strategies as st

import cnnviz
from cnnviz import conv2d, output_size, pool2d
from tests.reference import conv_loop, pool_loop

RNG = np.random.default_rng(1234)

# The lectures' worked examples (TEACHING.md), computed by hand.
DIGIT_ONE = np.array(
    [[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0],
     [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]]
)
DETECTOR = np.array([[1, 0, 0], [1, 0, 1], [0, 1, 1]])


def test_lecture_digit_one_feature_map():
    expected = np.array(
        [[0, 1, 1, 0, 0], [1, 3, 1, 1, 0], [1, 2, 2, 2, 0], [0, 2, 2, 2, 0], [0, 1, 0, 2, 0]],
        dtype=float,
    )
    np.testing.assert_array_equal(conv2d(DIGIT_ONE, DETECTOR), expected)


def test_lecture_vertical_edge_on_colour_volume():
    img = np.zeros((10, 10, 3))
    img[:, :5, :] = 25
    edge = np.tile(np.array([[1, 0, -1]] * 3)[:, :, None], (1, 1, 3))
    out = conv2d(img, edge)
    assert out.shape == (8, 8)
    # Each channel gives 75 where the window straddles the edge; three channels add up.
    np.testing.assert_array_equal(out[0], [0, 0, 0, 225, 225, 0, 0, 0])
    np.testing.assert_array_equal(out, np.tile(out[0], (8, 1)))


def test_small_hand_case_with_stride_padding_bias():
    x = np.arange(1.0, 10.0).reshape(3, 3)
    k = np.array([[1.0, 0.0], [0.0, -1.0]])
    # Padded by 1, stride 2: windows at (0,0), (0,2), (2,0), (2,2) of the 5×5 padded input.
    expected = np.array([[-1.0, -3.0], [-7.0, -4.0]]) + 0.5
    np.testing.assert_array_equal(conv2d(x, k, 0.5, stride=2, padding=1), expected)


def test_hand_case_dilation():
    x = np.arange(25.0).reshape(5, 5)
    k = np.array([[1.0, 1.0], [1.0, 1.0]])
    # Taps at (0,0), (0,2), (2,0), (2,2): 0 + 2 + 10 + 12 = 24.
    out = conv2d(x, k, dilation=2)
    assert out.shape == (3, 3)
    assert out[0, 0] == 24
    assert out[2, 2] == 12 + 14 + 22 + 24


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("kshape", [(3, 3), (2, 2), (4, 3), (1, 5), (5, 5)])
def test_matches_scipy_correlate_and_convolve(mode, kshape):
    x = RNG.normal(size=(9, 12))
    k = RNG.normal(size=kshape)
    np.testing.assert_allclose(conv2d(x, k, padding=mode), ss.correlate2d(x, k, mode=mode))
    np.testing.assert_allclose(
        conv2d(x, k, padding=mode, flip=True), ss.convolve2d(x, k, mode=mode)
    )


@pytest.mark.parametrize("pad_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize(
    "padding",
    [0, 1, (2, 0), ((0, 2), (1, 3)), ((3, 1), (0, 0)), "same", "full", "valid"],
)
def test_matches_loop_reference_padding_and_pad_modes(pad_mode, padding):
    x = RNG.normal(size=(6, 7))
    k = RNG.normal(size=(3, 2))
    geom = cnnviz.core.conv.plan_conv((6, 7), (3, 2), padding=padding)
    expected = conv_loop(x[:, :, None], k[:, :, None, None], padding=geom.padding, mode=pad_mode)
    np.testing.assert_allclose(conv2d(x, k, padding=padding, pad_mode=pad_mode), expected[:, :, 0])


@pytest.mark.parametrize("stride", [1, 2, 3, (1, 2), (3, 1)])
@pytest.mark.parametrize("dilation", [1, 2, (1, 3), (2, 1)])
def test_matches_loop_reference_stride_dilation(stride, dilation):
    x = RNG.normal(size=(11, 13))
    k = RNG.normal(size=(3, 3))
    s = stride if isinstance(stride, tuple) else (stride, stride)
    d = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    expected = conv_loop(x[:, :, None], k[:, :, None, None], 0.25, stride=s, dilation=d,
                         padding=((1, 1), (1, 1)))
    out = conv2d(x, k, 0.25, stride=stride, dilation=dilation, padding=1)
    np.testing.assert_allclose(out, expected[:, :, 0])


def test_colour_single_filter_and_bank_and_depthwise():
    x = RNG.normal(size=(8, 9, 3))
    k3 = RNG.normal(size=(3, 3, 3))
    bank = RNG.normal(size=(3, 3, 3, 4))
    bias = np.array([0.5, -1.0, 2.0, 0.0])
    one = conv2d(x, k3, 1.5, padding=1, stride=2)
    assert one.shape == (4, 5)
    np.testing.assert_allclose(
        one, conv_loop(x, k3[..., None], 1.5, stride=(2, 2), padding=((1, 1), (1, 1)))[:, :, 0]
    )
    many = conv2d(x, bank, bias, padding="same")
    assert many.shape == (8, 9, 4)
    np.testing.assert_allclose(many, conv_loop(x, bank, bias, padding=((1, 1), (1, 1))))
    k2 = RNG.normal(size=(3, 3))
    depth = conv2d(x, k2)
    assert depth.shape == (6, 7, 3)
    for c in range(3):
        np.testing.assert_allclose(depth[:, :, c], ss.correlate2d(x[:, :, c], k2, mode="valid"))


def test_bank_on_grey_image_and_channel_sum_equals_parts():
    x = RNG.normal(size=(7, 7))
    bank = RNG.normal(size=(3, 3, 1, 2))
    out = conv2d(x, bank)
    assert out.shape == (5, 5, 2)
    np.testing.assert_allclose(out[:, :, 1], ss.correlate2d(x, bank[:, :, 0, 1], mode="valid"))
    # The lectures' point: a colour filter is the sum of its per-channel slices.
    xc = RNG.normal(size=(7, 7, 3))
    k = RNG.normal(size=(3, 3, 3))
    parts = sum(conv2d(xc[:, :, c], k[:, :, c]) for c in range(3))
    np.testing.assert_allclose(conv2d(xc, k, 2.0), parts + 2.0)


def test_large_separable_and_non_separable_kernels():
    x = RNG.normal(size=(40, 37))
    g = np.outer(np.hanning(9) + 0.1, np.hanning(9) + 0.2)  # rank 1: separable path
    np.testing.assert_allclose(conv2d(x, g, padding=3, stride=2),
                               ss.correlate2d(np.pad(x, 3), g, mode="valid")[::2, ::2])
    h = RNG.normal(size=(9, 9))  # full rank: direct path
    expected = conv_loop(x[:, :, None], h[:, :, None, None], dilation=(2, 2))[..., 0]
    np.testing.assert_allclose(conv2d(x, h, dilation=2), expected)


def test_dtypes_preserved_and_integers_do_not_wrap():
    x32 = RNG.random((6, 6)).astype(np.float32)
    assert conv2d(x32, np.ones((3, 3))).dtype == np.float32
    assert conv2d(x32.astype(np.float64), np.ones((3, 3), np.float32)).dtype == np.float64
    u8 = np.full((4, 4), 200, dtype=np.uint8)
    out = conv2d(u8, np.ones((2, 2), dtype=np.uint8))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, np.full((3, 3), 800.0))
    assert conv2d(np.eye(3, dtype=bool), np.ones((2, 2), dtype=int)).dtype == np.float64


def test_inputs_are_not_modified():
    x = RNG.normal(size=(5, 5, 3))
    k = RNG.normal(size=(3, 3, 3, 2))
    x0, k0 = x.copy(), k.copy()
    conv2d(x, k, [1.0, 2.0], padding=2, pad_mode="reflect", flip=True)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(k, k0)
    p = RNG.normal(size=(4, 4))
    p0 = p.copy()
    pool2d(p, 2, padding=1, mode="avg")
    np.testing.assert_array_equal(p, p0)


def test_accepts_lists():
    assert conv2d([[1, 2], [3, 4]], [[1]], 1).tolist() == [[2.0, 3.0], [4.0, 5.0]]


def test_same_gives_ceil_n_over_s_with_extra_at_bottom_right():
    x = RNG.normal(size=(7, 8))
    for s in (1, 2, 3):
        out = conv2d(x, np.ones((4, 4)), padding="same", stride=s)
        assert out.shape == (-(-7 // s), -(-8 // s))
    geom = cnnviz.core.conv.plan_conv((7, 8), (4, 4), padding="same")
    assert geom.padding == ((1, 2), (1, 2))


# ---- pooling -----------------------------------------------------------------------------------

def test_pool_lecture_example():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    np.testing.assert_array_equal(pool2d(x), [[6, 8], [3, 4]])
    np.testing.assert_array_equal(pool2d(x, mode="avg"), [[3.25, 5.25], [2.0, 2.0]])


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize(
    "size,stride,padding", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0)), (3, 1, 0), (1, 1, 0)]
)
def test_pool_matches_loop_reference(mode, size, stride, padding):
    x = RNG.normal(size=(9, 10))
    pair = lambda v: v if isinstance(v, tuple) else (v, v)  # noqa: E731
    k = pair(size)
    s = k if stride is None else pair(stride)
    expected = pool_loop(x, k, s, pair(padding), mode)
    np.testing.assert_allclose(pool2d(x, size, stride=stride, padding=padding, mode=mode), expected)


def test_pool_each_channel_separately():
    x = RNG.normal(size=(6, 6, 3))
    out = pool2d(x, 3)
    assert out.shape == (2, 2, 3)
    for c in range(3):
        np.testing.assert_array_equal(out[:, :, c], pool2d(x[:, :, c], 3))


def test_pool_keeps_float32():
    assert pool2d(np.ones((4, 4), np.float32)).dtype == np.float32


# ---- output_size -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "n,f,p,s,d,expected",
    [(6, 3, 1, 5, 1, 2), (10, 3, 0, 2, 1, 4), (10, 5, 1, 1, 1, 8), (32, 5, 0, 1, 1, 28),
     (7, 3, 0, 1, 2, 3), (224, 11, 2, 4, 1, 55), (5, 5, 0, 1, 1, 1)],
)
def test_output_size_examples(n, f, p, s, d, expected):
    assert output_size(n, f, padding=p, stride=s, dilation=d) == expected


def test_output_size_strings():
    assert output_size(7, 3, padding="same", stride=2) == 4
    assert output_size(7, 4, padding="same") == 7
    assert output_size(7, 3, padding="full") == 9
    assert output_size(7, 3, padding="valid") == 5


# ---- properties --------------------------------------------------------------------------------

shapes = st.tuples(st.integers(1, 9), st.integers(1, 9))
small = st.integers(1, 3)


@settings(max_examples=80, deadline=None)
@given(n=shapes, k=st.tuples(st.integers(1, 4), st.integers(1, 4)), s=small, d=small,
       p=st.integers(0, 3))
def test_shape_law(n, k, s, d, p):
    eff = [d * (kk - 1) + 1 for kk in k]
    if any(nn + 2 * p < e for nn, e in zip(n, eff, strict=True)):
        with pytest.raises(ValueError, match="kernel is larger than the padded input"):
            conv2d(np.zeros(n), np.ones(k), stride=s, dilation=d, padding=p)
        return
    out = conv2d(np.zeros(n), np.ones(k), stride=s, dilation=d, padding=p)
    assert out.shape == tuple(
        output_size(nn, kk, padding=p, stride=s, dilation=d) for nn, kk in zip(n, k, strict=True)
    )
    assert out.shape == tuple((nn + 2 * p - e) // s + 1 for nn, e in zip(n, eff, strict=True))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), a=st.floats(-3, 3), b=st.floats(-3, 3),
       pad_mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
def test_linear_in_the_kernel(seed, a, b, pad_mode):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(6, 5, 2))
    k1, k2 = rng.normal(size=(2, 3, 3, 2))
    lhs = conv2d(x, a * k1 + b * k2, padding=1, pad_mode=pad_mode)
    rhs = a * conv2d(x, k1, padding=1, pad_mode=pad_mode) + b * conv2d(
        x, k2, padding=1, pad_mode=pad_mode
    )
    np.testing.assert_allclose(lhs, rhs, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), kh=st.integers(1, 5), kw=st.integers(1, 5),
       mode=st.sampled_from(["valid", "same", "full"]))
def test_flip_equals_correlation_with_turned_kernel_and_scipy(seed, kh, kw, mode):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(7, 8))
    k = rng.normal(size=(kh, kw))
    np.testing.assert_allclose(conv2d(x, k, flip=True, padding=mode),
                               ss.convolve2d(x, k, mode=mode), atol=1e-12)
    if mode != "same":
        np.testing.assert_allclose(conv2d(x, k, flip=True, padding=mode),
                                   conv2d(x, k[::-1, ::-1], padding=mode), atol=1e-12)


# ---- one test per documented error -------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs,pattern",
    [
        ({"stride": 0}, r"stride must be at least 1, got 0"),
        ({"stride": (1, -2)}, r"stride must be at least 1, got -2"),
        ({"dilation": 0}, r"dilation must be at least 1, got 0"),
        ({"padding": -1}, r"padding must be at least 0, got -1"),
        ({"padding": ((0, -1), (0, 0))}, r"padding must be at least 0, got -1"),
        ({"padding": "middle"}, r"padding must be one of 'valid', 'same', 'full', got 'middle'"),
        ({"padding": 1.5}, r"padding must be a whole number, got 1.5"),
        ({"pad_mode": "mirror"}, r"pad_mode must be one of .*got 'mirror'"),
        ({"stride": "2"}, r"stride must be a whole number, got '2'"),
    ],
)
def test_conv2d_bad_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        conv2d(np.ones((5, 5)), np.ones((3, 3)), **kwargs)


def test_kernel_larger_than_padded_input():
    with pytest.raises(ValueError, match=r"kernel is larger than the padded input.*4 padded rows"):
        conv2d(np.ones((2, 6)), np.ones((5, 3)), padding=1)
    with pytest.raises(ValueError, match=r"dilated by 3 spans 7"):
        conv2d(np.ones((6, 6)), np.ones((3, 3)), dilation=3)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_kernel(bad):
    k = np.ones((3, 3))
    k[1, 2] = bad
    with pytest.raises(ValueError, match=r"kernel must contain only finite numbers, got"):
        conv2d(np.ones((5, 5)), k)


def test_non_finite_bias():
    with pytest.raises(ValueError, match=r"bias must contain only finite numbers, got nan"):
        conv2d(np.ones((5, 5)), np.ones((3, 3)), np.nan)


def test_mismatched_channels_and_bias_count():
    with pytest.raises(ValueError, match=r"kernel has 2 channels but image has 3"):
        conv2d(np.ones((5, 5, 3)), np.ones((3, 3, 2)))
    with pytest.raises(ValueError, match=r"kernel has 3 channels but image has 1"):
        conv2d(np.ones((5, 5)), np.ones((3, 3, 3, 2)))
    with pytest.raises(ValueError, match=r"bias must be a scalar or one value per filter \(2\)"):
        conv2d(np.ones((5, 5)), np.ones((3, 3, 1, 2)), [1.0, 2.0, 3.0])


def test_bad_shapes_and_text():
    with pytest.raises(ValueError, match=r"image must be 2-D .* got shape \(5,\)"):
        conv2d(np.ones(5), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"kernel must be \(kh, kw\).*got shape \(3,\)"):
        conv2d(np.ones((5, 5)), np.ones(3))
    with pytest.raises(ValueError, match=r"image must not be empty"):
        conv2d(np.ones((0, 5)), np.ones((1, 1)))
    with pytest.raises(ValueError, match=r"kernel must contain only numbers"):
        conv2d(np.ones((5, 5)), [["a", "b"], ["c", "d"]])


@pytest.mark.parametrize(
    "kwargs,pattern",
    [
        ({"size": 0}, r"size must be at least 1, got 0"),
        ({"stride": 0}, r"stride must be at least 1, got 0"),
        ({"padding": -1}, r"padding must be at least 0, got -1"),
        ({"padding": 2}, r"padding must be at most half the pool size"),
        ({"mode": "mean"}, r"mode must be one of 'max', 'avg', got 'mean'"),
        ({"size": 9}, r"pool window is larger than the padded input: the pool window of 9×9"),
    ],
)
def test_pool2d_bad_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        pool2d(np.ones((4, 4)), **kwargs)


@pytest.mark.parametrize(
    "args,kwargs,pattern",
    [
        ((5, 7), {}, r"output_size would be below 1: kernel_size=7"),
        ((5, 3), {"dilation": 3}, r"output_size would be below 1"),
        ((0, 3), {}, r"n must be at least 1, got 0"),
        ((5, 0), {}, r"kernel_size must be at least 1, got 0"),
        ((5, 3), {"stride": 0}, r"stride must be at least 1, got 0"),
        ((5, 3), {"padding": -2}, r"padding must be at least 0, got -2"),
    ],
)
def test_output_size_errors(args, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        output_size(*args, **kwargs)

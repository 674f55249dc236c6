"""Transposed convolution: direct scatter = zeros, padding and conv2d = W.T @ x."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnnviz import conv2d
from cnnviz.core.matrix import conv_matrix
from cnnviz.core.transposed import (
    conv_transpose2d,
    dilate_kernel,
    transpose_as_conv_steps,
    transposed_output_size,
)
from cnnviz.lessons.transposed import step_lines

RNG = np.random.default_rng(99)


def scatter_loop(x, k, stride=(1, 1), padding=(0, 0), output_padding=(0, 0), dilation=(1, 1)):
    """The definition: each input cell scatters x[i, j]·kernel; then crop p per side."""
    (h, w), (kh, kw) = x.shape, k.shape
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    ow = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    out = np.zeros((oh, ow))
    for i in range(h):
        for j in range(w):
            for a in range(kh):
                for b in range(kw):
                    r, c = i * sh + a * dh - ph, j * sw + b * dw - pw
                    if 0 <= r < oh and 0 <= c < ow:
                        out[r, c] += x[i, j] * k[a, b]
    return out


# --- hand-computed cases --------------------------------------------------------------------

def test_stride_two_places_scaled_kernel_blocks():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    k = np.array([[1.0, 2.0], [3.0, 4.0]])
    expected = np.array(
        [[1, 2, 2, 4], [3, 4, 6, 8], [3, 6, 4, 8], [9, 12, 12, 16]], dtype=float
    )
    np.testing.assert_array_equal(conv_transpose2d(x, k, stride=2), expected)
    np.testing.assert_array_equal(expected, np.kron(x, k))


def test_stride_one_overlaps_add_up():
    out = conv_transpose2d([[1, 2], [3, 4]], np.ones((2, 2)), 0.5)
    np.testing.assert_array_equal(out, np.array([[1, 3, 2], [4, 10, 6], [3, 7, 4]]) + 0.5)


def test_padding_crops_and_output_padding_adds_bottom_right():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    full = conv_transpose2d(x, np.ones((3, 3)), stride=2)
    assert full.shape == (5, 5)
    np.testing.assert_array_equal(conv_transpose2d(x, np.ones((3, 3)), stride=2, padding=1),
                                  full[1:4, 1:4])
    out = conv_transpose2d(x, np.ones((3, 3)), stride=2, padding=1, output_padding=1)
    np.testing.assert_array_equal(out, full[1:5, 1:5])
    # Past the scatter, output_padding cells stay 0 (PyTorch's behaviour).
    np.testing.assert_array_equal(conv_transpose2d([[5.0]], [[1.0]], stride=2, output_padding=1),
                                  [[5, 0], [0, 0]])


def test_kernel_is_not_turned():
    # PyTorch orientation: the kernel lands as given around each input cell.
    k = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(conv_transpose2d([[1.0]], k), k)


# --- the three paths agree -------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(
    h=st.integers(1, 5), w=st.integers(1, 5), kh=st.integers(1, 4), kw=st.integers(1, 4),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    dilation=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    op=st.tuples(st.integers(0, 2), st.integers(0, 2)), seed=st.integers(0, 2**16),
)
def test_direct_equals_steps_equals_loop(h, w, kh, kw, stride, dilation, padding, op, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=(h, w)).astype(float)
    k = rng.integers(-3, 4, size=(kh, kw)).astype(float)
    kwargs = dict(stride=stride, padding=padding, output_padding=op, dilation=dilation)
    try:
        out = conv_transpose2d(x, k, 1.5, **kwargs)
    except ValueError:
        assume(False)  # output_padding too large or output below 1
    np.testing.assert_array_equal(out, scatter_loop(x, k, stride, padding, op, dilation) + 1.5)
    steps = transpose_as_conv_steps(x, k, 1.5, **kwargs)
    np.testing.assert_array_equal(steps.output, out)
    np.testing.assert_array_equal(steps.turned_kernel, k[::-1, ::-1])
    assert steps.upsampled.shape == ((h - 1) * stride[0] + 1, (w - 1) * stride[1] + 1)


@settings(max_examples=100, deadline=None)
@given(
    m=st.tuples(st.integers(1, 9), st.integers(1, 9)), kh=st.integers(1, 4), kw=st.integers(1, 4),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
    padding=st.tuples(st.integers(0, 2), st.integers(0, 2)), seed=st.integers(0, 2**16),
)
def test_equals_transpose_of_conv_matrix(m, kh, kw, stride, dilation, padding, seed):
    rng = np.random.default_rng(seed)
    k = rng.integers(-3, 4, size=(kh, kw)).astype(float)
    try:
        W = conv_matrix(k, m, stride=stride, padding=padding, dilation=dilation)
    except ValueError:
        assume(False)
    geom_out = conv2d(np.zeros(m), k, stride=stride, padding=padding, dilation=dilation).shape
    x = rng.integers(-4, 5, size=geom_out).astype(float)
    # output_padding picks the forward input size among those with this output size.
    op = tuple(
        (mi + 2 * p - d * (f - 1) - 1) % s
        for mi, p, d, f, s in zip(m, padding, dilation, k.shape, stride, strict=True)
    )
    out = conv_transpose2d(x, k, stride=stride, padding=padding, output_padding=op,
                           dilation=dilation)
    assert out.shape == m
    np.testing.assert_array_equal(out.ravel(), W.T @ x.ravel())


def test_adjoint_of_conv2d():
    # <conv(y), x> == <y, conv_transpose(x)>: the transpose in the name.
    y = RNG.normal(size=(9, 8))
    k = RNG.normal(size=(3, 2))
    kw = dict(stride=2, padding=1, dilation=(1, 2))
    fwd = conv2d(y, k, **kw)
    x = RNG.normal(size=fwd.shape)
    back = conv_transpose2d(x, k, output_padding=(0, 1), **kw)
    assert back.shape == y.shape
    assert np.vdot(fwd, x) == pytest.approx(np.vdot(y, back))


def test_steps_when_padding_exceeds_kernel_reach():
    x = np.arange(9.0).reshape(3, 3)
    st_ = transpose_as_conv_steps(x, [[2.0]], stride=3, padding=1)
    assert st_.border == ((-1, -1), (-1, -1))
    assert st_.padded.shape == (5, 5)
    np.testing.assert_array_equal(st_.output, conv_transpose2d(x, [[2.0]], stride=3, padding=1))
    np.testing.assert_array_equal(st_.output, scatter_loop(x, np.array([[2.0]]), (3, 3), (1, 1)))


def test_steps_arrays_and_lines():
    st_ = transpose_as_conv_steps([[1, 2], [3, 4]], np.ones((3, 3)), stride=2, padding=1,
                                  output_padding=1)
    np.testing.assert_array_equal(st_.upsampled, [[1, 0, 2], [0, 0, 0], [3, 0, 4]])
    assert st_.border == ((1, 2), (1, 2))
    assert st_.padded.shape == (6, 6)
    assert st_.output.shape == (4, 4)
    lines = step_lines(st_)
    assert len(lines) == 3
    assert "2×2 → 3×3" in lines[0] and "3×3 → 6×6" in lines[1] and "6×6 → 4×4" in lines[2]


def test_dtypes():
    assert conv_transpose2d(np.ones((2, 2), np.float32), np.ones((2, 2))).dtype == np.float32
    assert conv_transpose2d(np.ones((2, 2), np.uint8) * 200, np.ones((2, 2))).max() == 800.0


def test_inputs_not_modified():
    x = RNG.normal(size=(3, 3))
    k = RNG.normal(size=(2, 2))
    x0, k0 = x.copy(), k.copy()
    conv_transpose2d(x, k, stride=2)
    transpose_as_conv_steps(x, k, stride=2)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(k, k0)


# --- output size ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "n, f, kw, expected",
    [
        (2, 2, dict(stride=2), 4),
        (2, 3, dict(), 4),
        (3, 3, dict(stride=2, padding=1), 5),
        (3, 3, dict(stride=2, padding=1, output_padding=1), 6),
        (4, 3, dict(dilation=2), 8),
        (1, 1, dict(stride=3, output_padding=2), 3),
    ],
)
def test_transposed_output_size(n, f, kw, expected):
    assert transposed_output_size(n, f, **kw) == expected


@given(n=st.integers(1, 20), f=st.integers(1, 5), s=st.integers(1, 4), d=st.integers(1, 3),
       p=st.integers(0, 3))
def test_output_size_inverts_conv_size(n, f, s, d, p):
    # Every forward size m that a conv maps to n comes back with some output_padding.
    for m in range(1, 3 * n * s + 10):
        span = m + 2 * p - d * (f - 1) - 1
        if span >= 0 and span // s + 1 == n:
            assert transposed_output_size(n, f, stride=s, padding=p, dilation=d,
                                          output_padding=span % s) == m


@pytest.mark.parametrize(
    "args, kwargs, pattern",
    [
        ((0, 3), {}, "n must be at least 1, got 0"),
        ((3, 0), {}, "kernel_size must be at least 1, got 0"),
        ((3, 3), {"stride": 0}, "stride must be at least 1, got 0"),
        ((3, 3), {"dilation": 0}, "dilation must be at least 1, got 0"),
        ((3, 3), {"padding": -1}, "padding must be at least 0, got -1"),
        ((3, 3), {"output_padding": -1}, "output_padding must be at least 0, got -1"),
        ((3, 3), {"stride": 2, "output_padding": 2},
         "output_padding must be smaller than stride or dilation .below 2., got 2"),
        ((1, 1), {"padding": 1}, "padding=1 is too large: .* would be -1"),
        ((3, 3), {"stride": 1.5}, "stride must be a whole number, got 1.5"),
    ],
)
def test_output_size_errors(args, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        transposed_output_size(*args, **kwargs)


def test_output_padding_below_dilation_is_allowed():
    assert transposed_output_size(2, 2, dilation=3, output_padding=2) == 7
    assert conv_transpose2d(np.ones((2, 2)), np.ones((2, 2)), dilation=3,
                            output_padding=2).shape == (7, 7)


@pytest.mark.parametrize(
    "args, kwargs, pattern",
    [
        ((np.ones((2, 2, 1)), np.ones((2, 2))), {}, r"x must be 2-D \(H, W\), got shape"),
        ((np.ones((0, 2)), np.ones((2, 2))), {}, "x must not be empty"),
        ((np.ones((2, 2)), np.ones((2, 2, 1))), {}, r"kernel must be 2-D"),
        ((np.ones((2, 2)), [[1.0, np.inf]]), {}, "kernel must contain only finite numbers"),
        ((np.ones((2, 2)), np.ones((2, 2)), [1.0, 2.0]), {}, "bias must be one number"),
        ((np.ones((2, 2)), np.ones((2, 2)), np.nan), {}, "bias must contain only finite"),
        ((np.ones((2, 2)), np.ones((2, 2))), {"stride": (1, 0)}, "stride must be at least 1"),
        ((np.ones((2, 2)), np.ones((2, 2))), {"padding": (0, -1)}, "padding must be at least 0"),
        ((np.ones((2, 2)), np.ones((2, 2))), {"dilation": 0}, "dilation must be at least 1"),
        ((np.ones((2, 2)), np.ones((2, 2))), {"stride": 2, "output_padding": (0, 2)},
         "output_padding must be smaller than stride or dilation"),
        ((np.ones((1, 1)), np.ones((1, 1))), {"padding": 1}, "padding=1 is too large"),
        ((np.ones((2, 2)), np.ones((2, 2))), {"padding": "same"}, "padding must be a whole"),
    ],
)
@pytest.mark.parametrize("func", [conv_transpose2d, transpose_as_conv_steps])
def test_conv_transpose_errors(func, args, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        func(*args, **kwargs)


# --- dilate_kernel ----------------------------------------------------------------------------

@pytest.mark.parametrize("d", [1, 2, 3, (1, 2), (3, 1)])
@pytest.mark.parametrize("pad_mode", ["zeros", "reflect"])
def test_dilate_kernel_equals_dilation(d, pad_mode):
    x = RNG.normal(size=(9, 10))
    k = RNG.normal(size=(3, 2))
    big = dilate_kernel(k, d)
    dd = (d, d) if isinstance(d, int) else d
    assert big.shape == (dd[0] * 2 + 1, dd[1] * 1 + 1)
    np.testing.assert_allclose(conv2d(x, big, padding=2, pad_mode=pad_mode),
                               conv2d(x, k, padding=2, pad_mode=pad_mode, dilation=d))


def test_dilate_colour_kernel_and_errors():
    k = RNG.normal(size=(2, 2, 3))
    x = RNG.normal(size=(6, 6, 3))
    np.testing.assert_allclose(conv2d(x, dilate_kernel(k, 2)), conv2d(x, k, dilation=2))
    with pytest.raises(ValueError, match="dilation must be at least 1, got 0"):
        dilate_kernel(k, 0)
    with pytest.raises(ValueError, match="kernel must be"):
        dilate_kernel(np.ones(3), 2)
    with pytest.raises(ValueError, match="kernel must not be empty"):
        dilate_kernel(np.ones((0, 3)), 2)


def test_max_transposed_padding_is_the_last_padding_with_an_output():
    from cnnviz.core.transposed import max_transposed_padding

    for n, f, s, d in itertools.product(range(1, 5), range(1, 5), range(1, 4), range(1, 4)):
        for op in range(max(s, d)):
            top = max_transposed_padding(n, f, stride=s, output_padding=op, dilation=d)
            assert transposed_output_size(n, f, stride=s, padding=top, output_padding=op,
                                          dilation=d) >= 1
            with pytest.raises(ValueError, match="padding=.* is too large"):
                transposed_output_size(n, f, stride=s, padding=top + 1, output_padding=op,
                                       dilation=d)

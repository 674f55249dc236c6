"""im2col, conv_matrix and the dense comparison against conv2d and loop references."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import sparse

from cnnviz import conv2d
from cnnviz.core.conv import pad_image, plan_conv
from cnnviz.core.matrix import (
    MAX_MATRIX_PIXELS,
    conv_matrix,
    dense_equivalent_params,
    describe_conv_matrix,
    im2col,
    window_coords,
)
from cnnviz.lessons.matrix import fact_lines
from tests.reference import conv_loop

RNG = np.random.default_rng(2024)
PAD_MODES = ["zeros", "reflect", "replicate", "circular"]
GEOMETRIES = [
    dict(stride=s, padding=p, dilation=d)
    for s, p, d in itertools.product([1, 2, (1, 3)], [0, 1, "same", ((0, 2), (1, 0))], [1, 2])
]


# --- im2col ---------------------------------------------------------------------------------

@pytest.mark.parametrize("pad_mode", PAD_MODES)
@pytest.mark.parametrize("kw", GEOMETRIES)
def test_im2col_times_kernel_is_conv2d(kw, pad_mode):
    x = RNG.normal(size=(7, 8))
    k = RNG.normal(size=(3, 2))
    cols = im2col(x, k.shape, pad_mode=pad_mode, **kw)
    out = conv2d(x, k, pad_mode=pad_mode, **kw)
    assert cols.shape == (out.size, k.size)
    np.testing.assert_allclose(cols @ k.ravel(), out.ravel(), atol=1e-12)


def test_im2col_colour_columns_ordered_like_kernel_ravel():
    x = RNG.normal(size=(6, 5, 3))
    k = RNG.normal(size=(2, 3, 3))
    cols = im2col(x, k.shape, stride=2, padding=1)
    assert cols.shape == (conv2d(x, k, stride=2, padding=1).size, 2 * 3 * 3)
    np.testing.assert_allclose(cols @ k.ravel(), conv2d(x, k, stride=2, padding=1).ravel())
    # A (kh, kw) shape on a colour image still gives all channels, in (i, j, c) order.
    np.testing.assert_array_equal(im2col(x, (2, 3), stride=2, padding=1), cols)
    # First column of row 0 is the top-left tap on channel 0 of the padded input.
    assert cols[0, 0] == 0.0 and cols[-1, -1] == pytest.approx(
        pad_image(x, ((1, 1), (1, 1)))[3 * 2 + 1, 2 * 2 + 2, 2]
    )


def test_im2col_bank_matches_conv2d():
    x = RNG.normal(size=(5, 5, 2))
    bank = RNG.normal(size=(3, 3, 2, 4))
    out = im2col(x, bank.shape, padding="same") @ bank.reshape(-1, 4)
    np.testing.assert_allclose(out.reshape(5, 5, 4), conv2d(x, bank, padding="same"))


def test_im2col_hand_case_and_flip():
    x = np.arange(9.0).reshape(3, 3)
    expected = np.array([[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]], dtype=float)
    np.testing.assert_array_equal(im2col(x, (2, 2)), expected)
    k = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(
        im2col(x, k.shape) @ k[::-1, ::-1].ravel(), conv2d(x, k, flip=True).ravel()
    )


def test_im2col_dtypes():
    assert im2col(np.ones((3, 3), np.float32), (2, 2)).dtype == np.float32
    assert im2col(np.ones((3, 3), np.uint8) * 255, (2, 2)).dtype == np.float64


@pytest.mark.parametrize("kw", GEOMETRIES)
def test_window_coords_read_the_im2col_rows(kw):
    x = RNG.normal(size=(7, 8))
    geom = plan_conv(x.shape, (3, 2), **kw)
    padded = pad_image(x, geom.padding)
    coords = window_coords(x.shape, (3, 2), **kw)
    assert coords.shape == (geom.n_steps, 6, 2)
    np.testing.assert_array_equal(padded[coords[..., 0], coords[..., 1]], im2col(x, (3, 2), **kw))


def test_window_coords_colour_shape_and_hand_case():
    assert window_coords((4, 4, 3), (2, 2, 3)).shape == (9, 4, 2)
    assert window_coords((3, 3), (2, 2), padding=1)[0].tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]


@pytest.mark.parametrize(
    "args, kwargs, pattern",
    [
        ((np.ones((3, 3, 3, 1)), (2, 2)), {}, "image must be 2-D"),
        ((np.ones((0, 3)), (2, 2)), {}, "image must not be empty"),
        ((np.ones((3, 3)), (2,)), {}, "kernel_shape must have"),
        ((np.ones((3, 3)), 2), {}, "kernel_shape must be a tuple"),
        ((np.ones((3, 3)), (0, 2)), {}, "kernel_shape must be at least 1, got 0"),
        ((np.ones((3, 3, 3)), (2, 2, 2)), {}, "kernel_shape has 2 channels but the image has 3"),
        ((np.ones((3, 3)), (2, 2)), {"stride": 0}, "stride must be at least 1, got 0"),
        ((np.ones((3, 3)), (2, 2)), {"pad_mode": "mirror"}, "pad_mode must be one of"),
        ((np.ones((3, 3)), (5, 2)), {}, "kernel is larger than the padded input"),
    ],
)
def test_im2col_errors(args, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        im2col(*args, **kwargs)


def test_window_coords_errors():
    with pytest.raises(ValueError, match="input_shape must have 2 or 3 entries"):
        window_coords((3,), (2, 2))
    with pytest.raises(ValueError, match="dilation must be at least 1, got 0"):
        window_coords((3, 3), (2, 2), dilation=0)


# --- conv_matrix ----------------------------------------------------------------------------

def _loop(x, k, stride, padding, dilation, mode, flip):
    geom = plan_conv(x.shape, k.shape, stride=stride, padding=padding, dilation=dilation,
                     flip=flip)
    return conv_loop(x[:, :, None], k[:, :, None, None], stride=geom.stride,
                     padding=geom.padding, dilation=geom.dilation, mode=mode, flip=flip)[:, :, 0]


@settings(max_examples=200, deadline=None)
@given(
    h=st.integers(1, 7), w=st.integers(1, 7), kh=st.integers(1, 4), kw=st.integers(1, 4),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
    padding=st.one_of(
        st.integers(0, 3), st.sampled_from(["valid", "same", "full"]),
        st.tuples(st.tuples(st.integers(0, 3), st.integers(0, 3)),
                  st.tuples(st.integers(0, 3), st.integers(0, 3))),
    ),
    pad_mode=st.sampled_from(PAD_MODES), flip=st.booleans(), seed=st.integers(0, 2**16),
)
def test_conv_matrix_equals_conv2d_and_loop(h, w, kh, kw, stride, dilation, padding, pad_mode,
                                             flip, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, size=(h, w)).astype(float)
    k = rng.integers(-3, 4, size=(kh, kw)).astype(float)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, pad_mode=pad_mode, flip=flip)
    try:
        expected = conv2d(x, k, **kwargs)
    except ValueError:
        assume(False)  # the kernel does not fit: not a conv_matrix question
    W = conv_matrix(k, x.shape, **kwargs)
    assert isinstance(W, sparse.csr_array)
    assert W.shape == (expected.size, h * w)
    # Small integers: every sum is exact, whatever the order.
    np.testing.assert_array_equal(W @ x.ravel(), expected.ravel())
    np.testing.assert_array_equal(
        (W @ x.ravel()).reshape(expected.shape),
        _loop(x, k, stride, padding, dilation, pad_mode, flip),
    )


def test_conv_matrix_hand_cases_duplicates_are_summed():
    k = np.array([[1.0, 2.0, 3.0]])
    side = ((0, 0), (1, 1))
    # Circular: every row is a rotation of the kernel (a circulant matrix).
    np.testing.assert_array_equal(
        conv_matrix(k, (1, 3), padding=side, pad_mode="circular").toarray(),
        [[2, 3, 1], [1, 2, 3], [3, 1, 2]],
    )
    # Reflect copies x1 into both padding cells: its column collects two taps.
    np.testing.assert_array_equal(
        conv_matrix(k, (1, 3), padding=side, pad_mode="reflect").toarray(),
        [[2, 4, 0], [1, 2, 3], [0, 4, 2]],
    )
    np.testing.assert_array_equal(
        conv_matrix(k, (1, 3), padding=side, pad_mode="replicate").toarray(),
        [[3, 3, 0], [1, 2, 3], [0, 1, 5]],
    )
    np.testing.assert_array_equal(
        conv_matrix(k, (1, 3), padding=side).toarray(), [[2, 3, 0], [1, 2, 3], [0, 1, 2]]
    )


def test_conv_matrix_keeps_zero_taps_as_stored_entries():
    sobel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    W = conv_matrix(sobel, (5, 5))
    assert W.nnz == 9 * 9
    assert np.count_nonzero(W.toarray()) == 6 * 9


def test_conv_matrix_bias_is_not_inside():
    x = RNG.normal(size=(4, 4))
    k = RNG.normal(size=(3, 3))
    np.testing.assert_allclose(conv_matrix(k, x.shape) @ x.ravel() + 0.5,
                               conv2d(x, k, 0.5).ravel())


def test_conv_matrix_size_limit():
    assert MAX_MATRIX_PIXELS == 4096
    assert conv_matrix(np.ones((3, 3)), (64, 64), padding="same").shape == (4096, 4096)
    with pytest.raises(ValueError, match=r"input_shape must have at most 4096 pixels.*\(65, 64\)"):
        conv_matrix(np.ones((3, 3)), (65, 64))


@pytest.mark.parametrize(
    "kernel, shape, kwargs, pattern",
    [
        (np.ones((3, 3, 1)), (5, 5), {}, r"kernel must be 2-D \(f_H, f_W\)"),
        (np.ones((0, 3)), (5, 5), {}, "kernel must not be empty"),
        ([[1.0, np.nan]], (5, 5), {}, "kernel must contain only finite numbers, got nan"),
        (np.ones((3, 3)), (5, 5, 3), {}, "input_shape must have 2 entries"),
        (np.ones((3, 3)), (5, 0), {}, "input_shape must be at least 1, got 0"),
        (np.ones((3, 3)), "5x5", {}, "input_shape must be a tuple"),
        (np.ones((3, 3)), (5, 5), {"pad_mode": "wrap"}, "pad_mode must be one of .* got 'wrap'"),
        (np.ones((3, 3)), (5, 5), {"padding": -1}, "padding must be at least 0, got -1"),
        (np.ones((3, 3)), (5, 5), {"dilation": 3}, "kernel is larger than the padded input"),
    ],
)
def test_conv_matrix_errors(kernel, shape, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        conv_matrix(kernel, shape, **kwargs)


# --- describe_conv_matrix -------------------------------------------------------------------

@pytest.mark.parametrize("kw", [dict(), dict(padding="same"), dict(padding="full"),
                                dict(padding=1, dilation=2), dict(padding=((0, 2), (1, 0)))])
def test_zero_padding_stride_one_is_doubly_block_toeplitz(kw):
    k = RNG.normal(size=(3, 2))
    shape = (6, 7)
    W = conv_matrix(k, shape, **kw)
    facts = describe_conv_matrix(W, shape, plan_conv(shape, k.shape, **kw).out_shape)
    assert facts.doubly_block_toeplitz
    assert facts.block_toeplitz and facts.toeplitz_blocks
    # One distinct block per kernel row, each on its own block diagonal.
    assert facts.distinct_blocks == 3 and facts.block_diagonals == 3
    assert facts.nnz == W.nnz == facts.nonzero
    assert facts.density == pytest.approx(W.nnz / np.prod(W.shape))
    assert fact_lines(facts)[-1].startswith("Doubly block Toeplitz")


def test_circular_same_is_block_circulant_hence_doubly_toeplitz():
    W = conv_matrix(RNG.normal(size=(3, 3)), (5, 5), padding="same", pad_mode="circular")
    assert describe_conv_matrix(W, (5, 5), (5, 5)).doubly_block_toeplitz


@pytest.mark.parametrize(
    "kw, block_toeplitz, toeplitz_blocks",
    [
        (dict(stride=2), False, False),
        (dict(stride=(1, 2)), True, False),
        (dict(stride=(2, 1)), False, True),
        (dict(padding="same", pad_mode="reflect"), False, False),
        (dict(padding=((0, 0), (1, 1)), pad_mode="replicate"), True, False),
    ],
)
def test_stride_and_copying_padding_break_the_bands(kw, block_toeplitz, toeplitz_blocks):
    k = RNG.normal(size=(3, 3)) + 5.0  # no zero taps, no accidental cancellation
    shape = (7, 7)
    W = conv_matrix(k, shape, **kw)
    geo = {key: v for key, v in kw.items() if key != "pad_mode"}
    facts = describe_conv_matrix(W, shape, plan_conv(shape, k.shape, **geo).out_shape)
    assert (facts.block_toeplitz, facts.toeplitz_blocks) == (block_toeplitz, toeplitz_blocks)
    assert not facts.doubly_block_toeplitz
    assert len(fact_lines(facts)) == 4


def test_describe_hand_case_and_dense_input():
    W = conv_matrix(np.arange(9.0).reshape(3, 3), (4, 4))
    facts = describe_conv_matrix(W, (4, 4), (2, 2))
    assert (facts.shape, facts.nnz, facts.nonzero, facts.nonzero_blocks) == ((4, 16), 36, 32, 6)
    assert facts.density == 36 / 64
    assert describe_conv_matrix(W.toarray(), (4, 4), (2, 2)).nonzero == 32
    empty = describe_conv_matrix(np.zeros((4, 16)), (4, 4), (2, 2))
    assert (empty.nnz, empty.distinct_blocks, empty.doubly_block_toeplitz) == (0, 0, True)
    assert "W is 4 × 16" in fact_lines(facts)[0]


def test_describe_errors():
    W = conv_matrix(np.ones((3, 3)), (4, 4))
    with pytest.raises(ValueError, match=r"matrix must be .*\(9, 16\).*got shape \(4, 16\)"):
        describe_conv_matrix(W, (4, 4), (3, 3))
    with pytest.raises(ValueError, match="matrix must be 2-D"):
        describe_conv_matrix(np.ones(16), (4, 4), (1, 1))
    with pytest.raises(ValueError, match="out_shape must have 2 entries"):
        describe_conv_matrix(W, (4, 4), (2, 2, 1))


# --- dense_equivalent_params ----------------------------------------------------------------

def test_dense_comparison_lecture_numbers():
    grey = dense_equivalent_params((200, 200), (3, 3), padding="same")
    assert (grey.n_in, grey.n_out) == (40000, 40000)
    assert grey.dense_params == 40000**2 + 40000  # ≈ 1.6·10⁹, 6.4 GB in float32
    assert grey.dense_weights * 4 == 6_400_000_000
    assert grey.conv_params == 10
    assert grey.ratio == pytest.approx(1.6e8, rel=1e-3)
    rgb = dense_equivalent_params((200, 200, 3), (3, 3, 3), padding=1, filters=3)
    assert rgb.conv_params == 84
    assert rgb.dense_weights == 120000**2  # ≈ 1.4·10¹⁰
    assert dense_equivalent_params((32, 32, 3), (3, 3), filters=10).conv_params == 280
    no_bias = dense_equivalent_params((5, 5), (3, 3), bias=False)
    assert (no_bias.dense_params, no_bias.conv_params) == (25 * 9, 9)


def test_dense_weights_are_the_conv_matrix_entries():
    p = dense_equivalent_params((6, 5), (3, 2), stride=2, padding=1)
    assert p.dense_weights == np.prod(conv_matrix(np.ones((3, 2)), (6, 5), stride=2,
                                                  padding=1).shape)


@pytest.mark.parametrize(
    "args, kwargs, pattern",
    [
        (((5, 5, 3), (3, 3, 2)), {}, "kernel_shape has 2 channels but input_shape has 3"),
        (((5, 5), (3, 3)), {"filters": 0}, "filters must be at least 1, got 0"),
        (((5,), (3, 3)), {}, "input_shape must have 2 or 3 entries"),
        (((5, 5), (7, 7)), {}, "kernel is larger than the padded input"),
    ],
)
def test_dense_comparison_errors(args, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        dense_equivalent_params(*args, **kwargs)

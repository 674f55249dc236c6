"""Kernel presets: the lectures' literal values, sums, generators and the editor's helpers."""

from __future__ import annotations

import math
import types

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnviz.core.kernels import (
    KERNELS,
    KIND_ONE,
    KIND_ZERO,
    Kernel,
    box_kernel,
    flip,
    gaussian_kernel,
    get_kernel,
    kernel_from_table,
    kind_of,
    log_kernel,
    negate,
    normalise_kernel,
    random_kernel,
    sobel_kernel,
    transpose,
)

# Literal values from shared/TEACHING.md, rows top to bottom.
TEACHING = {
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "laplacian_4": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "laplacian_4_neg": [[0, -1, 0], [-1, 4, -1], [0, -1, 0]],
    "laplacian_8": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "horizontal_edge": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
    "horizontal_edge_rev": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "vertical_edge": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    "sobel_x": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "sobel_y": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "box_ones_3": [[1, 1, 1]] * 3,
    "box_blur_3": [[1 / 9] * 3] * 3,
    "gaussian_5": np.array(
        [
            [1, 4, 7, 4, 1],
            [4, 16, 26, 16, 4],
            [7, 26, 41, 26, 7],
            [4, 16, 26, 16, 4],
            [1, 4, 7, 4, 1],
        ]
    )
    / 273,
    "puzzle_a": [[0, 1, 0], [1, 4, 1], [0, 1, 0]],
    "puzzle_b": [[0, -1, 0], [-1, 8, -1], [0, -1, 0]],
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "prewitt_x": [[1, 0, -1]] * 3,
    "prewitt_y": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "scharr_x": [[3, 0, -3], [10, 0, -10], [3, 0, -3]],
    "scharr_y": [[3, 10, 3], [0, 0, 0], [-3, -10, -3]],
}

REQUIRED = [
    "identity", "sharpen", "box_blur_3", "box_ones_3", "box_blur_5", "gaussian_5",
    "sobel_x", "sobel_y", "sobel_x_5", "sobel_y_5", "prewitt_x", "prewitt_y",
    "scharr_x", "scharr_y", "laplacian_4", "laplacian_4_neg", "laplacian_8",
    "horizontal_edge", "horizontal_edge_rev", "vertical_edge", "emboss", "log_5",
    "puzzle_a", "puzzle_b",
]  # fmt: skip


# --- registry -------------------------------------------------------------


def test_registry_has_every_required_preset_and_is_a_mappingproxy():
    assert isinstance(KERNELS, types.MappingProxyType)
    assert set(REQUIRED) <= set(KERNELS)
    assert list(KERNELS)[0] == "identity"


@pytest.mark.parametrize("name", sorted(TEACHING))
def test_literal_teaching_values(name):
    np.testing.assert_allclose(KERNELS[name].values, np.array(TEACHING[name], float), atol=1e-15)


@pytest.mark.parametrize("name", list(KERNELS))
def test_every_kernel_is_well_formed(name):
    k = KERNELS[name]
    assert k.name == name
    assert k.title.strip() and k.meaning.strip()
    assert "\n" not in k.meaning
    assert k.values.dtype == np.float64 and k.values.ndim == 2
    assert not k.values.flags.writeable
    assert k.values.shape[0] % 2 == 1 and k.values.shape[1] % 2 == 1  # a centre pixel


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        KERNELS["mine"] = KERNELS["identity"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del KERNELS["identity"]  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="read-only"):
        KERNELS["sobel_x"].values[0, 0] = 99.0
    with pytest.raises(AttributeError):
        KERNELS["sobel_x"].name = "other"  # type: ignore[misc]


def test_kernel_copies_its_input():
    source = np.ones((3, 3))
    k = Kernel("k", "K", "A test kernel.", source)
    source[0, 0] = 5.0
    assert k.values[0, 0] == 1.0
    assert source.flags.writeable  # the caller's array is left alone


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "name must be a non-empty string, got ''"),
        ({"meaning": 3}, "meaning must be a non-empty string, got 3"),
        ({"values": [1, 2]}, r"values must be a non-empty 2-D array, got shape \(2,\)"),
        ({"values": [[1, np.nan]]}, "values must contain only finite numbers, got nan"),
    ],
)
def test_kernel_rejects_bad_fields(kwargs, message):
    args = {"name": "k", "title": "K", "meaning": "m", "values": [[1.0]]} | kwargs
    with pytest.raises(ValueError, match=message):
        Kernel(**args)


@pytest.mark.parametrize(
    ("name", "total", "kind"),
    [
        ("identity", 1, KIND_ONE),
        ("sharpen", 1, KIND_ONE),
        ("box_blur_3", 1, KIND_ONE),
        ("box_blur_5", 1, KIND_ONE),
        ("gaussian_5", 1, KIND_ONE),
        ("emboss", 1, KIND_ONE),
        ("box_ones_3", 9, "sums to 9: multiplies overall brightness by 9"),
        ("puzzle_a", 8, "sums to 8: multiplies overall brightness by 8"),
        ("puzzle_b", 4, "sums to 4: multiplies overall brightness by 4"),
        ("laplacian_4", 0, KIND_ZERO),
        ("laplacian_4_neg", 0, KIND_ZERO),
        ("laplacian_8", 0, KIND_ZERO),
        ("sobel_x", 0, KIND_ZERO),
        ("sobel_y_5", 0, KIND_ZERO),
        ("scharr_x", 0, KIND_ZERO),
        ("log_5", 0, KIND_ZERO),
        ("horizontal_edge", 0, KIND_ZERO),
    ],
)
def test_sum_and_kind(name, total, kind):
    k = KERNELS[name]
    assert k.sum == total  # snapped: exactly 1.0, not 0.9999999999999999
    assert k.kind == kind


def test_kind_of_negative_and_fractional_sums():
    assert kind_of([[-1.0]]) == "sums to -1: inverts brightness"
    assert kind_of([[-2.0]]) == "sums to -2: inverts brightness and multiplies it by 2"
    assert kind_of([[0.5]]) == "sums to 0.5: multiplies overall brightness by 0.5"


@pytest.mark.parametrize(
    ("name", "symmetric"),
    [
        ("identity", True),
        ("gaussian_5", True),
        ("laplacian_8", True),
        ("puzzle_a", True),
        ("log_5", True),
        ("sobel_x", False),
        ("sobel_y", False),
        ("emboss", False),
        ("horizontal_edge", False),
    ],
)
def test_is_symmetric_under_180_degree_flip(name, symmetric):
    # One symmetry test in cnnviz: the correlation lesson's flip_relation.
    from cnnviz.lessons.correlation import flip_relation

    assert (flip_relation(KERNELS[name].values) == "symmetric") is symmetric


def test_twins_and_parts():
    v = {name: k.values for name, k in KERNELS.items()}
    np.testing.assert_array_equal(v["laplacian_4_neg"], -v["laplacian_4"])
    np.testing.assert_array_equal(v["horizontal_edge_rev"], -v["horizontal_edge"])
    np.testing.assert_array_equal(v["sobel_y"], v["sobel_x"].T)
    np.testing.assert_array_equal(v["prewitt_y"], v["prewitt_x"].T)
    np.testing.assert_array_equal(v["scharr_y"], v["scharr_x"].T)
    np.testing.assert_array_equal(v["sobel_y_5"], v["sobel_x_5"].T)
    np.testing.assert_array_equal(v["sobel_x"], np.outer([1, 2, 1], [1, 0, -1]))
    # Sharpen = identity + sign-flipped Laplacian; puzzle B = 4·identity + the same.
    np.testing.assert_array_equal(v["sharpen"], v["identity"] + v["laplacian_4_neg"])
    np.testing.assert_array_equal(v["puzzle_b"], 4 * v["identity"] + v["laplacian_4_neg"])


def test_puzzle_meanings_give_the_answer():
    assert "blur" in KERNELS["puzzle_a"].meaning and "8" in KERNELS["puzzle_a"].meaning
    assert "sharpen" in KERNELS["puzzle_b"].meaning and "4" in KERNELS["puzzle_b"].meaning


def test_vertical_edge_sign_matches_the_lectures():
    # Dark (0) on the left, light (1) on the right: an edge kernel gives negatives.
    image = np.array([[0, 0, 1, 1]] * 3, float)
    k = KERNELS["vertical_edge"].values
    response = [(image[:, j : j + 3] * k).sum() for j in range(2)]
    assert all(r < 0 for r in response)


# --- get_kernel -----------------------------------------------------------


def test_get_kernel_returns_a_writable_copy():
    k = get_kernel("sobel_x")
    assert k.flags.writeable
    k[0, 0] = 42.0
    assert KERNELS["sobel_x"].values[0, 0] == 1.0


def test_get_kernel_unknown_name_lists_choices():
    with pytest.raises(
        ValueError, match="name must be one of 'identity', .*'puzzle_b', got 'nope'"
    ):
        get_kernel("nope")


# --- generators -----------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 10])
@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.5])
def test_gaussian_sums_to_one_and_is_symmetric(size, sigma):
    g = gaussian_kernel(size, sigma)
    assert g.shape == (size, size)
    assert math.isclose(g.sum(), 1.0, rel_tol=1e-12)
    np.testing.assert_allclose(g, g[::-1, ::-1], rtol=1e-12)
    np.testing.assert_allclose(g, g.T, rtol=1e-12)


def test_gaussian_matches_sampled_exponential():
    sigma = 1.3
    g = gaussian_kernel(5, sigma)
    x = np.arange(5) - 2
    expected = np.exp(-(x[:, None] ** 2 + x[None, :] ** 2) / (2 * sigma**2))
    np.testing.assert_allclose(g, expected / expected.sum(), rtol=1e-12)


def test_lecture_gaussian_is_close_to_sigma_one():
    np.testing.assert_allclose(KERNELS["gaussian_5"].values, gaussian_kernel(5, 1.0), atol=0.02)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": 0}, "size must be at least 1, got 0"),
        ({"size": 2.5}, "size must be a whole number, got 2.5"),
        ({"sigma": 0}, "sigma must be a number greater than 0, got 0"),
        ({"sigma": -1.0}, r"sigma must be a number greater than 0, got -1.0"),
        ({"sigma": float("nan")}, "sigma must be a number greater than 0, got nan"),
        ({"sigma": "1"}, "sigma must be a number greater than 0, got '1'"),
    ],
)
def test_gaussian_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gaussian_kernel(**({"size": 3, "sigma": 1.0} | kwargs))


def test_log_kernel_is_zero_sum_centre_positive_and_symmetric():
    k = log_kernel(7, 1.2)
    assert abs(k.sum()) < 1e-12
    assert k[3, 3] == k.max() > 0
    assert math.isclose(k[k > 0].sum(), 1.0)
    np.testing.assert_allclose(k, k[::-1, ::-1], atol=1e-15)
    np.testing.assert_allclose(k, k.T, atol=1e-15)


def test_log_5_preset_has_the_shape_of_a_sampled_log():
    corr = np.corrcoef(KERNELS["log_5"].values.ravel(), log_kernel(5, 0.5).ravel())[0, 1]
    assert corr > 0.99


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": 2}, "size must be at least 3, got 2"),
        ({"sigma": 0.0}, "sigma must be a number greater than 0, got 0.0"),
    ],
)
def test_log_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        log_kernel(**({"size": 5, "sigma": 1.0} | kwargs))


def test_box_kernel():
    np.testing.assert_array_equal(box_kernel(3), np.full((3, 3), 1 / 9))
    np.testing.assert_array_equal(box_kernel(4, normalise=False), np.ones((4, 4)))
    np.testing.assert_array_equal(box_kernel(5), KERNELS["box_blur_5"].values)
    with pytest.raises(ValueError, match="size must be at least 1, got 0"):
        box_kernel(0)


def test_sobel_kernel_3_is_sobel_x():
    np.testing.assert_array_equal(sobel_kernel(3), KERNELS["sobel_x"].values)
    np.testing.assert_array_equal(sobel_kernel(3, "y"), KERNELS["sobel_y"].values)


def test_sobel_5_is_sobel_3_convolved_with_smoothing():
    # A bigger Sobel = the 3×3 one smoothed once more by [1,2,1] ⊗ [1,2,1].
    from scipy.signal import convolve2d

    smooth = np.outer([1, 2, 1], [1, 2, 1])
    np.testing.assert_array_equal(
        sobel_kernel(5), convolve2d(KERNELS["sobel_x"].values, smooth, mode="full")
    )
    np.testing.assert_array_equal(KERNELS["sobel_x_5"].values, sobel_kernel(5))


@pytest.mark.parametrize("size", [3, 5, 7, 9, 11])
def test_sobel_kernel_sizes(size):
    k = sobel_kernel(size, "x")
    assert k.shape == (size, size)
    assert k.sum() == 0
    np.testing.assert_array_equal(k[:, size // 2], 0)
    np.testing.assert_array_equal(k, -k[:, ::-1])  # antisymmetric left-right
    np.testing.assert_array_equal(sobel_kernel(size, "y"), k.T)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((4,), "size must be an odd number from 3 to 11, got 4"),
        ((13,), "size must be an odd number from 3 to 11, got 13"),
        ((1,), "size must be at least 3, got 1"),
        ((3, "z"), "axis must be one of 'x', 'y', got 'z'"),
        ((3, 0), "axis must be one of 'x', 'y', got 0"),
    ],
)
def test_sobel_kernel_errors(args, message):
    with pytest.raises(ValueError, match=message):
        sobel_kernel(*args)


# --- edits ----------------------------------------------------------------


def test_normalise_by_sum():
    np.testing.assert_allclose(normalise_kernel(np.ones((3, 3))), np.full((3, 3), 1 / 9))
    np.testing.assert_allclose(normalise_kernel(TEACHING["puzzle_a"]).sum(), 1.0)
    # A negative sum flips the sign, so that the result sums to +1.
    np.testing.assert_allclose(normalise_kernel([[0, 1, 0], [1, -5, 1], [0, 1, 0]]).sum(), 1.0)


def test_normalise_zero_sum_divides_by_positive_weights():
    k = normalise_kernel(TEACHING["sobel_x"])
    np.testing.assert_allclose(k, np.array(TEACHING["sobel_x"]) / 4)
    assert k.sum() == 0
    # A full-contrast step edge then gives exactly ±1.
    step = np.array([[1, 1, 0]] * 3, float)
    assert (step * k).sum() == 1.0


def test_normalise_all_zero_raises():
    with pytest.raises(ValueError, match="k must have a non-zero weight to normalise, got all"):
        normalise_kernel(np.zeros((3, 3)))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([1.0, 2.0], r"k must be a non-empty 2-D array, got shape \(2,\)"),
        ([[1.0, np.inf]], "k must contain only finite numbers, got inf"),
    ],
)
def test_edits_reject_bad_kernels(value, message):
    for edit in (normalise_kernel, negate, transpose, flip):
        with pytest.raises(ValueError, match=message):
            edit(value)


def test_negate_transpose_flip():
    k = np.array([[0.0, 1.0], [2.0, -3.0]])
    out = negate(k)
    np.testing.assert_array_equal(out, [[0, -1], [-2, 3]])
    assert not np.signbit(out[0, 0])  # no "-0" in the editor
    np.testing.assert_array_equal(transpose(k), k.T)
    np.testing.assert_array_equal(flip(k), [[-3, 2], [1, 0]])
    assert k[0, 1] == 1.0  # inputs untouched
    np.testing.assert_array_equal(
        negate(KERNELS["laplacian_4"].values), TEACHING["laplacian_4_neg"]
    )
    np.testing.assert_array_equal(transpose(KERNELS["sobel_x"].values), TEACHING["sobel_y"])


def test_random_kernel_is_reproducible_and_in_range():
    a = random_kernel((3, 5), seed=7)
    assert a.shape == (3, 5) and a.dtype == np.float64
    np.testing.assert_array_equal(a, random_kernel((3, 5), seed=7))
    assert np.all(np.abs(a) <= 1)
    np.testing.assert_array_equal(a, np.round(a, 2))
    assert not np.array_equal(a, random_kernel((3, 5), seed=8))
    b = random_kernel(4, seed=0, integers=True)
    assert b.shape == (4, 4)
    assert set(np.unique(b)) <= {-2.0, -1.0, 0.0, 1.0, 2.0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0,), "shape must be at least 1, got 0"),
        (((3, 3, 3),), r"shape must be an int or a pair of ints, got \(3, 3, 3\)"),
        ((3, -1), "seed must be at least 0, got -1"),
    ],
)
def test_random_kernel_errors(args, message):
    with pytest.raises(ValueError, match=message):
        random_kernel(*args)


# --- kernel_from_table ----------------------------------------------------


def test_kernel_from_table_parses_cells():
    out = kernel_from_table([["1/9", "-0.5", " 2 "], [3, 1.5, "1e-1"], ["−1", "-1/-4", "0"]])
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [[1 / 9, -0.5, 2], [3, 1.5, 0.1], [-1, 0.25, 0]])


def test_kernel_from_table_accepts_arrays():
    np.testing.assert_array_equal(kernel_from_table(np.eye(2, dtype=int)), np.eye(2))
    cells = np.array([["1", "2"], ["3", "4"]], dtype=object)
    np.testing.assert_array_equal(kernel_from_table(cells), [[1, 2], [3, 4]])


def test_kernel_from_table_never_returns_negative_zero():
    assert not np.signbit(kernel_from_table([["-0"]])[0, 0])


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["1", "2", "3"], ["4", "5", "abc"]],
            "kernel cell (row 2, column 3) is not a number: 'abc'",
        ),
        ([["1", ""]], "kernel cell (row 1, column 2) is empty: ''"),
        ([["  "]], "kernel cell (row 1, column 1) is empty: '  '"),
        ([[None, "1"]], "kernel cell (row 1, column 1) is empty: ''"),
        ([["1"], ["nan"]], "kernel cell (row 2, column 1) is not a finite number: 'nan'"),
        ([["inf"]], "kernel cell (row 1, column 1) is not a finite number: 'inf'"),
        ([[1.0, float("-inf")]], "kernel cell (row 1, column 2) is not a finite number: '-inf'"),
        ([[float("nan")]], "kernel cell (row 1, column 1) is not a finite number: 'nan'"),
        ([["1/0"]], "kernel cell (row 1, column 1) is not a finite number: '1/0'"),
        ([["1/2/3"]], "kernel cell (row 1, column 1) is not a number: '1/2/3'"),
        ([["1/"]], "kernel cell (row 1, column 1) is not a number: '1/'"),
        ([[True]], "kernel cell (row 1, column 1) is not a number: True"),
        ([[[1]]], r"kernel cell (row 1, column 1) is not a number: [1]"),
        ([["x", "y"]], "kernel cell (row 1, column 1) is not a number: 'x'"),  # first bad cell
        ([[1, 2], [3]], "kernel row 2 has 1 cell but row 1 has 2"),
        ([[1], []], "kernel row 2 has no cells"),
        ([[1], "12"], "kernel row 2 must be a list of cells, got '12'"),
        ([], "rows must hold at least one row, got an empty table"),
        ("1 2", "rows must be a list of rows, got str"),
        (np.ones(3), r"rows must be a 2-D table, got an array of shape \(3,\)"),
    ],
)
def test_kernel_from_table_errors(rows, message):
    with pytest.raises(ValueError) as info:
        kernel_from_table(rows)
    if message.startswith("kernel"):
        assert str(info.value) == message
    else:
        assert info.match(message)


@given(
    st.lists(
        st.lists(st.integers(-50, 50), min_size=1, max_size=5).map(tuple),
        min_size=1,
        max_size=5,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1)
)
def test_kernel_from_table_round_trips_text(rows):
    text = [[f" {v}/4 " for v in row] for row in rows]
    np.testing.assert_allclose(kernel_from_table(text), np.array(rows, float) / 4)


def test_common_slice_of_colour_filters():
    from cnnviz.core.kernels import common_slice, stack_channels

    k = np.array([[1.0, 0.0, -1.0]] * 3)
    np.testing.assert_array_equal(common_slice(stack_channels(k, 3)), k)
    mixed = stack_channels(k, 3)
    mixed[0, 0, 2] = 5.0
    with pytest.raises(ValueError, match=r"kernel must repeat one 2-D slice.*\(3, 3, 3\)"):
        common_slice(mixed)


def test_kind_of_generated_kernels_after_six_decimal_cells():
    from cnnviz.core.kernels import gaussian_kernel, kind_of, log_kernel
    from cnnviz.core.text import format_table

    def typed(k):
        return np.array([[float(eval(c)) for c in row] for row in format_table(k)])

    assert kind_of(typed(gaussian_kernel(5, 1.0))) == "sums to 1: keeps overall brightness"
    assert kind_of(typed(log_kernel(11, 10.0))).startswith("sums to 0")
    assert kind_of(np.zeros((3, 3))) == "all zeros: every output is just the bias"
    assert kind_of([[0.5, 0.5, 0.2]]) == "sums to 1.2: multiplies overall brightness by 1.2"


# --- resize_kernel: the one size-change rule of every editor ---------------------------------


@pytest.mark.parametrize("shape", [(1, 1), (2, 5), (3, 3), (6, 4), (7, 7)])
def test_resize_kernel_keeps_the_centre_for_numbers_and_text(shape):
    from cnnviz.core.kernels import resize_kernel

    k = np.arange(1.0, 16.0).reshape(3, 5)
    grown = resize_kernel(k, shape)
    text = resize_kernel([[str(int(v)) for v in row] for row in k], shape)
    assert grown.shape == shape and len(text) == shape[0] and len(text[0]) == shape[1]
    np.testing.assert_array_equal(kernel_from_table(text), grown)
    # The centre tap stays the centre tap (lower/right middle for even sides).
    if shape[0] % 2 and shape[1] % 2:
        assert grown[shape[0] // 2, shape[1] // 2] == k[1, 2]
    # Growing, then shrinking back, gives the kernel back.
    big = resize_kernel(k, (shape[0] + 4, shape[1] + 5))
    np.testing.assert_array_equal(resize_kernel(big, k.shape), k)


def test_resize_kernel_errors_name_the_parameter():
    from cnnviz.core.kernels import resize_kernel

    with pytest.raises(ValueError, match="shape must be at least 1, got 0"):
        resize_kernel(np.ones((3, 3)), (0, 3))
    with pytest.raises(ValueError, match=r"non-empty 2-D kernel, got shape \(3,\)"):
        resize_kernel([1, 2, 3], 2)

"""Layer stacks: shapes, parameter counts, receptive fields and the lectures' figures."""

from __future__ import annotations

import dataclasses
import math
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnviz.core.layers import (
    LRN,
    Activation,
    AdaptivePool,
    Conv,
    Dense,
    Dropout,
    Flatten,
    Pool,
    conv_params,
    dense_params,
    propagate,
    receptive_field,
    total_params,
)
from cnnviz.lessons.formulas import size_latex
from cnnviz.lessons.networks import (
    ARCHITECTURES,
    Architecture,
    alexnet,
    lenet5,
    vgg16,
)
from cnnviz.lessons.shapes import lecture_comparisons

# --- parameter counts -------------------------------------------------------


def test_conv_params_lecture_examples():
    assert conv_params(3, 3, 3) == 84
    assert conv_params(3, 3, 10) == 280
    assert 3 * conv_params(3, 1, 1) == 30
    assert conv_params(7, 1, 1) == 50
    assert conv_params(5, 6, 16) == 2416
    assert conv_params(3, 3, 64, bias=False) == 1728


def test_dense_params():
    assert dense_params(3072, 1000) + dense_params(1000, 10) == 3_083_010
    assert dense_params(9216, 4096) == 37_752_832
    assert dense_params(10, 3, bias=False) == 30


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: conv_params(0, 3, 3), "f must be at least 1, got 0"),
        (lambda: conv_params(3, 0, 3), "n_c_prev must be at least 1, got 0"),
        (lambda: conv_params(3, 3, 1.5), "n_c must be a whole number, got 1.5"),
        (lambda: dense_params(0, 3), "n_in must be at least 1, got 0"),
        (lambda: dense_params(3, -2), "n_out must be at least 1, got -2"),
    ],
)
def test_param_count_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- layer specs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "label"),
    [
        (Conv(64, 3, padding="same"), "CONV 3×3, 64 filters, s=1, p=same"),
        (Conv(1, 5, stride=2, padding=1), "CONV 5×5, 1 filter, s=2, p=1"),
        (Conv(8, 3, dilation=2, bias=False), "CONV 3×3, 8 filters, s=1, p=0, d=2, no bias"),
        (Pool(2), "MAX POOL 2×2, s=2"),
        (Pool(3, stride=2, mode="avg", padding=1), "AVG POOL 3×3, s=2, p=1"),
        (AdaptivePool(7), "ADAPTIVE AVG POOL → 7×7"),
        (Activation("relu"), "ReLU"),
        (Flatten(), "FLATTEN"),
        (Dense(4096), "FC 4096 units"),
        (Dense(10, bias=False), "FC 10 units, no bias"),
        (Dropout(0.5), "DROPOUT 0.5"),
        (LRN(5), "LRN across 5 channels"),
    ],
)
def test_labels(layer, label):
    assert layer.label == label


def test_pool_stride_defaults_to_size():
    assert Pool(3).stride == 3
    assert Pool(3, stride=1).stride == 1


def test_layer_specs_are_frozen_and_normalised():
    conv = Conv(6.0, 5)
    assert conv.filters == 6 and type(conv.filters) is int
    with pytest.raises(dataclasses.FrozenInstanceError):
        conv.filters = 7  # type: ignore[misc]
    assert Conv(6, 5) == Conv(6, 5)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Conv(0, 3), "filters must be at least 1, got 0"),
        (lambda: Conv(1, 0), "kernel_size must be at least 1, got 0"),
        (lambda: Conv(1, 3, stride=0), "stride must be at least 1, got 0"),
        (lambda: Conv(1, 3, padding=-1), "padding must be at least 0, got -1"),
        (lambda: Conv(1, 3, padding="full"), "padding must be one of 'valid', 'same', got 'full'"),
        (lambda: Conv(1, 3, padding=True), "padding must be a whole number, got True"),
        (lambda: Conv(1, 3, dilation=0), "dilation must be at least 1, got 0"),
        (lambda: Conv(1, 3, bias=1), "bias must be True or False, got 1"),
        (lambda: Pool(0), "size must be at least 1, got 0"),
        (lambda: Pool(2, stride=0), "stride must be at least 1, got 0"),
        (lambda: Pool(2, mode="min"), "mode must be one of 'max', 'avg', got 'min'"),
        (lambda: Pool(2, padding=-1), "padding must be at least 0, got -1"),
        (lambda: AdaptivePool(0), "output_size must be at least 1, got 0"),
        (lambda: AdaptivePool(6, mode="sum"), "mode must be one of 'max', 'avg', got 'sum'"),
        (lambda: Activation("gelu"), "name must be one of 'relu', .*'softmax', got 'gelu'"),
        (lambda: Dense(0), "units must be at least 1, got 0"),
        (lambda: Dense(3, bias="yes"), "bias must be True or False, got 'yes'"),
        (lambda: Dropout(1.0), "rate must be a number from 0 up to .* got 1.0"),
        (lambda: Dropout(-0.1), "rate must be a number from 0 up to .* got -0.1"),
        (lambda: LRN(0), "size must be at least 1, got 0"),
    ],
)
def test_layer_spec_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- propagate: the size formula --------------------------------------------


def test_formula_latex_matches_the_lectures():
    info = propagate((32, 32, 3), [Conv(6, 5)])[0]
    h, w = info.formulas
    assert size_latex(h) == (
        r"n_H^{[l]} = \left\lfloor \frac{32 + 2\cdot 0 - 5}{1} \right\rfloor + 1 = 28"
    )
    assert size_latex(w).startswith(r"n_W^{[l]} = ")
    assert (h.axis, h.n_in, h.pad, h.f, h.stride, h.n_out, h.exact) == (
        "H", 32, (0, 0), 5, 1, 28, True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("n", "conv", "n_out", "exact"),
    [
        (6, Conv(1, 3, stride=5, padding=1), 2, True),  # TEACHING: 6×6, f=3, p=1, s=5
        (7, Conv(1, 3, stride=5, padding=1), 2, False),
        (10, Conv(1, 3, stride=2), 4, False),  # TEACHING: 10×10, f=3, s=2
        (10, Conv(1, 5, padding=1), 8, True),  # TEACHING: 10×10, f=5, p=1
        (224, Conv(64, 11, stride=4, padding=2), 55, False),  # AlexNet conv1
    ],
)
def test_teaching_size_exercises(n, conv, n_out, exact):
    info = propagate((n, n, 1), [conv])[0]
    assert info.output_shape == (n_out, n_out, conv.filters)
    assert all(f.exact is exact for f in info.formulas)


def test_non_square_input_has_one_formula_per_axis():
    info = propagate((10, 7, 2), [Conv(4, 3, stride=2)])[0]
    assert info.output_shape == (4, 3, 4)
    assert [f.axis for f in info.formulas] == ["H", "W"]
    assert info.formulas[0].exact is False and info.formulas[1].exact is True


@pytest.mark.parametrize(
    ("n", "conv", "n_out", "pad"),
    [
        (32, Conv(8, 3, padding="same"), 32, (1, 1)),
        (32, Conv(8, 5, padding="same"), 32, (2, 2)),
        (7, Conv(8, 4, padding="same"), 7, (1, 2)),  # even filter: asymmetric
        (7, Conv(8, 3, stride=2, padding="same"), 4, (1, 1)),  # ceil(7 / 2)
        (9, Conv(8, 3, dilation=2, padding="same"), 9, (2, 2)),
        (9, Conv(8, 3, padding="valid"), 7, (0, 0)),
    ],
)
def test_same_and_valid_padding(n, conv, n_out, pad):
    info = propagate((n, n, 3), [conv])[0]
    assert info.output_shape == (n_out, n_out, 8)
    assert info.formulas[0].pad == pad


def test_same_padding_follows_the_stride_in_the_shapes_and_the_formula():
    """Issue 17's mutation gap: "same" padding computed as for stride 1 still gives 4 × 4 here,
    but with the wrong padding, and the Shapes page would print 4.5 instead of 4."""
    (h, _) = propagate((8, 8, 1), [Conv(1, 3, stride=2, padding="same")])[0].formulas
    assert h.pad == (0, 1) and h.n_out == 4 and h.exact
    assert r"\frac{8 + (0 + 1) - 3}{2}" in size_latex(h) and size_latex(h).endswith("= 4")
    assert "4.5" not in size_latex(h)


def test_asymmetric_and_dilated_formula_text():
    (h, _) = propagate((7, 7, 1), [Conv(1, 4, padding="same")])[0].formulas
    assert r"\frac{7 + (1 + 2) - 4}{1}" in size_latex(h)
    (h, _) = propagate((9, 9, 1), [Conv(1, 3, dilation=2)])[0].formulas
    assert r"\frac{9 + 2\cdot 0 - (2\cdot(3 - 1) + 1)}{1}" in size_latex(h)
    assert size_latex(h).endswith("= 5")


# --- propagate: counts ------------------------------------------------------


def test_conv_counts():
    info = propagate((32, 32, 3), [Conv(10, 3, padding=1)])[0]
    assert (info.weights, info.biases, info.params) == (270, 10, 280)
    assert info.macs == 32 * 32 * 10 * 3 * 3 * 3
    assert info.activations == 32 * 32 * 10
    assert info.index == 1 and info.input_shape == (32, 32, 3)
    assert info.label == "CONV 3×3, 10 filters, s=1, p=1"


def test_parameter_free_layers_keep_shape():
    infos = propagate(
        (8, 8, 4), [Activation("relu"), LRN(5), Dropout(0.2), Pool(2, mode="avg"), Flatten()]
    )
    assert [i.output_shape for i in infos] == [(8, 8, 4)] * 3 + [(4, 4, 4), (64,)]
    assert all(i.params == 0 and i.macs == 0 for i in infos)
    assert [i.index for i in infos] == [1, 2, 3, 4, 5]


def test_dense_counts_and_flat_input():
    infos = propagate((120,), [Dense(84), Activation("tanh"), Dense(10, bias=False)])
    assert [i.params for i in infos] == [10164, 0, 840]
    assert infos[0].macs == 120 * 84
    assert infos[0].receptive_field is None and infos[0].jump is None


def test_empty_stack():
    assert propagate((5, 5, 1), []) == []
    assert total_params([]) == 0


def test_receptive_field_and_jump_through_a_stack():
    infos = propagate((32, 32, 1), [Conv(1, 3), Pool(2), Conv(1, 3), Flatten(), Dense(2)])
    assert [i.receptive_field for i in infos] == [3, 4, 8, None, None]
    assert [i.jump for i in infos] == [1, 2, 2, None, None]


def test_padding_does_not_change_the_receptive_field():
    a = propagate((16, 16, 1), [Conv(1, 3), Conv(1, 3)])
    b = propagate((16, 16, 1), [Conv(1, 3, padding=1), Conv(1, 3, padding="same")])
    assert [i.receptive_field for i in a] == [i.receptive_field for i in b] == [3, 5]


# --- propagate: errors ------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "layers", "message"),
    [
        (
            (4, 4, 1),
            [Conv(1, 5)],
            r"^layer 1 \(layers\[0\], CONV 5×5, 1 filter, s=1, p=0\): kernel_size 5 is larger "
            r"than the padded input along n_H \(4 \+ 0 padding = 4\), so the output would be "
            r"empty \(n_H\^\[l\] < 1\)$",
        ),
        (
            (8, 3, 1),
            [Conv(1, 3), Conv(1, 2)],
            r"^layer 2 \(layers\[1\], .*\): kernel_size 2 is larger than the padded input "
            r"along n_W \(1 \+ 0 padding = 1\)",
        ),
        (
            (4, 4, 1),
            [Conv(1, 3, dilation=2)],
            r"kernel_size 3 \(spanning 5 with dilation 2\) is larger",
        ),
        ((5, 5, 1), [Conv(1, 3), Pool(4)], r"^layer 2 \(layers\[1\], MAX POOL 4×4, s=4\): size 4"),
        (
            (8, 8, 1),
            [Flatten(), Conv(1, 3)],
            r"^layer 2 \(layers\[1\], CONV 3×3, 1 filter, s=1, p=0\): a convolution needs an "
            r"n_H × n_W × n_c volume, got the flat shape \(64,\)$",
        ),
        ((10,), [Conv(1, 3)], r"^layer 1 \(layers\[0\], .*a convolution needs"),
        ((4, 4, 1), [Flatten(), Dense(3), Pool(2)], r"^layer 3 .*: pooling needs an n_H"),
        ((4,), [AdaptivePool(1)], r"^layer 1 .*: pooling needs an n_H"),
        (
            (4, 4, 2),
            [Dense(3)],
            r"^layer 1 \(layers\[0\], FC 3 units\): units needs a flat input, got the volume "
            r"\(4, 4, 2\); add Flatten\(\) before the first dense layer$",
        ),
        (
            (7, 7, 2),
            [AdaptivePool(2)],
            r"^layer 1 .*: output_size 2 must divide the input n_H = 7",
        ),
        ((6, 12, 2), [AdaptivePool(3)], r"output_size 3 needs a square input"),
        ((4, 4, 1), [Conv(1, 3), "relu"], r"^layers\[1\] must be a layer \(Conv, Pool, .*'relu'"),
        ((4, 4), [], r"^input_shape must be \(n_H, n_W, n_c\) or \(n,\), got \(4, 4\)$"),
        ((4, 0, 1), [], r"^input_shape must be at least 1, got 0 \(in input_shape=\(4, 0, 1\)\)$"),
        ("444", [], r"^input_shape must be .* got '444'$"),
        ((4, 4, 1), Conv(1, 3), r"^layers must be a list of layers, got Conv$"),
    ],
)
def test_propagate_errors(shape, layers, message):
    with pytest.raises(ValueError, match=message):
        propagate(shape, layers)


# --- architectures ----------------------------------------------------------


def _shapes(arch: Architecture) -> dict[str, tuple[int, ...]]:
    infos = propagate(arch.input_shape, arch.layers)
    # The output shape of each layer, keyed "label@index", for readable asserts.
    return {f"{i.label}@{i.index}": i.output_shape for i in infos}


@pytest.mark.parametrize("make", [lenet5, alexnet, vgg16])
def test_architectures_match_their_published_totals(make):
    arch = make()
    assert isinstance(arch, Architecture) and isinstance(arch.layers, tuple)
    assert total_params(propagate(arch.input_shape, arch.layers)) == arch.published_total
    assert arch.source


def test_published_totals():
    assert lenet5().published_total == 61_706
    assert alexnet().published_total == 61_100_840
    assert vgg16().published_total == 138_357_544


def test_lenet5_shapes_and_layer_counts():
    arch = lenet5()
    assert arch.input_shape == (32, 32, 1)
    infos = propagate(arch.input_shape, arch.layers)
    convs = [i for i in infos if isinstance(i.layer, Conv)]
    assert [c.output_shape for c in convs] == [(28, 28, 6), (10, 10, 16), (1, 1, 120)]
    assert [c.params for c in convs] == [156, 2416, 48120]
    pools = [i for i in infos if isinstance(i.layer, Pool)]
    assert [p.output_shape for p in pools] == [(14, 14, 6), (5, 5, 16)]
    assert all(p.layer.mode == "avg" for p in pools)
    dense = [i for i in infos if isinstance(i.layer, Dense)]
    assert [(d.input_shape, d.output_shape, d.params) for d in dense] == [
        ((120,), (84,), 10164),
        ((84,), (10,), 850),
    ]


def test_alexnet_shapes():
    arch = alexnet()
    infos = propagate(arch.input_shape, arch.layers)
    convs = [i for i in infos if isinstance(i.layer, Conv)]
    assert [c.output_shape for c in convs] == [
        (55, 55, 64),
        (27, 27, 192),
        (13, 13, 384),
        (13, 13, 256),
        (13, 13, 256),
    ]
    assert [c.params for c in convs] == [23296, 307392, 663936, 884992, 590080]
    flatten = next(i for i in infos if isinstance(i.layer, Flatten))
    assert flatten.input_shape == (6, 6, 256) and flatten.output_shape == (9216,)
    assert infos[-1].output_shape == (1000,)
    assert flatten.input_shape and infos[flatten.index - 2].receptive_field == 195


def test_vgg16_shapes():
    arch = vgg16()
    infos = propagate(arch.input_shape, arch.layers)
    convs = [i for i in infos if isinstance(i.layer, Conv)]
    assert len(convs) == 13
    assert all(c.layer.kernel_size == 3 for c in convs)
    assert [i.output_shape for i in infos if isinstance(i.layer, Pool)] == [
        (112, 112, 64),
        (56, 56, 128),
        (28, 28, 256),
        (14, 14, 512),
        (7, 7, 512),
    ]
    flatten = next(i for i in infos if isinstance(i.layer, Flatten))
    assert flatten.input_shape == (7, 7, 512) and flatten.output_shape == (25088,)
    assert [i.params for i in infos if isinstance(i.layer, Dense)] == [
        102_764_544,
        16_781_312,
        4_097_000,
    ]


def test_architectures_registry_is_read_only():
    assert isinstance(ARCHITECTURES, types.MappingProxyType)
    assert list(ARCHITECTURES) == ["lenet5", "alexnet", "vgg16"]
    assert ARCHITECTURES["vgg16"] == vgg16()
    with pytest.raises(TypeError):
        ARCHITECTURES["x"] = lenet5()  # type: ignore[index]


def test_architecture_unpacks_as_four_fields():
    input_shape, layers, published_total, source = alexnet()
    assert input_shape == (224, 224, 3) and published_total == 61_100_840
    assert "torchvision" in source


# --- receptive_field ----------------------------------------------------------


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ([], 1),
        ([(3, 1)], 3),
        ([(3, 1)] * 3, 7),  # three 3×3 see 7×7, like one 7×7
        ([(3, 1), (2, 2), (3, 1)], 8),  # conv3 - pool2 s2 - conv3
        ([(3, 1, 2)], 5),
        ([(3, 1, 1), (3, 1, 2), (3, 1, 4)], 15),  # WaveNet-style doubling dilations
        ([(2, 2)] * 3, 8),
        ([(11, 4), (3, 2), (5, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 2)], 195),  # AlexNet
        ([[3, 1], (3.0, 1)], 5),  # lists and whole floats are fine
    ],
)
def test_receptive_field_examples(layers, expected):
    assert receptive_field(layers) == expected


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        ([(3, 0)], r"^layer 1 \(layers\[0\] = \(3, 0\)\): stride must be at least 1, got 0$"),
        ([(3, 1), (0, 1)], r"^layer 2 \(layers\[1\] = \(0, 1\)\): kernel_size must be at least 1"),
        ([(3, 1, 0)], r"dilation must be at least 1, got 0$"),
        ([(3, 1.5)], r"stride must be a whole number, got 1.5$"),
        ([(3, True)], r"stride must be a whole number, got True$"),
        ([(3,)], r"^layer 1 \(layers\[0\] = \(3,\)\): must be \(kernel_size, stride\) or"),
        ([(3, 1, 1, 1)], r"^layer 1 \(layers\[0\] = \(3, 1, 1, 1\)\): must be"),
        ([3], r"^layer 1 \(layers\[0\] = 3\): must be"),
        ([(3, 1), "31"], r"^layer 2 \(layers\[1\] = '31'\): must be"),
        (5, r"^layers must be a list of \(kernel_size, stride\) tuples, got 5$"),
    ],
)
def test_receptive_field_errors(layers, message):
    with pytest.raises(ValueError, match=message):
        receptive_field(layers)


def _explicit_receptive_field(layers: list[tuple[int, int, int]]) -> int:
    # Start from one output position of the last layer and walk back layer by
    # layer, listing every input position each tap of each window touches.
    positions = {0}
    for k, s, d in reversed(layers):
        positions = {p * s + j * d for p in positions for j in range(k)}
    return max(positions) - min(positions) + 1


layer_tuples = st.tuples(st.integers(1, 6), st.integers(1, 3), st.integers(1, 3))


@given(st.lists(layer_tuples, max_size=6))
def test_receptive_field_matches_explicit_back_propagation(layers):
    assert receptive_field(layers) == _explicit_receptive_field(layers)
    if all(d == 1 for _, _, d in layers):
        assert receptive_field([(k, s) for k, s, _ in layers]) == receptive_field(layers)


@given(st.lists(layer_tuples, min_size=1, max_size=5))
def test_propagate_agrees_with_receptive_field(layers):
    stack = [Conv(1, k, stride=s, dilation=d, padding="same") for k, s, d in layers]
    infos = propagate((64, 64, 1), stack)
    assert infos[-1].receptive_field == receptive_field(layers)
    assert infos[-1].jump == math.prod(s for _, s, _ in layers)


# --- the lectures' comparisons ----------------------------------------------


def test_lecture_comparisons_values():
    rows = lecture_comparisons()
    assert [r.value for r in rows] == [
        3_083_010,
        1_600_040_000,
        6_400_160_000,
        14_400_120_000,
        57_600_480_000,
        84,
        280,
        30,
        50,
        921_600,
        92_160_000,
        67_500,
        67_500_000,
    ]
    assert all(len(r) == 4 for r in rows)


def test_lecture_comparisons_round_to_the_lectures_figures():
    for description, _, value, figure in lecture_comparisons():
        # The lectures round ("≈ 3M", "≈ 1.4·10¹⁰"); small counts are exact. Lecture 001
        # rounds up loosely ("almost 1M" for 921,600; "100M" for 92,160,000).
        loose = "almost 1M" in description or "100M" in description
        assert value == pytest.approx(figure, rel=0.1 if loose else 0.03), description
        if loose:
            assert value < figure, description
        if value < 1000:
            assert value == figure, description
    gigabytes = [r.value / 1e9 for r in lecture_comparisons() if "bytes" in r.description]
    assert [round(g, 1) for g in gigabytes] == [6.4, 57.6]


def test_lecture_comparison_formulas_evaluate_to_their_values():
    for description, formula, value, _ in lecture_comparisons():
        python = formula.replace("·", "*").replace("²", "**2")
        assert eval(python, {"__builtins__": {}}) == value, description  # noqa: S307

"""Receptive-field regions against brute force: perturb one input pixel, see what changes."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz import conv2d
from cnnviz.core.layers import receptive_field
from cnnviz.data.pixels import downscale
from cnnviz.lessons.receptive_field import (
    MAX_LAYERS,
    PRESETS,
    RFLayer,
    back_project,
    centre_cell,
    check_cell,
    describe_level,
    feature_maps,
    map_shapes,
    parse_layers,
    path_counts,
    preset_rows,
    rf_formula,
    three_3x3_vs_7x7,
)


def _forward(x, layers, kernels):
    for lay, k in zip(layers, kernels, strict=True):
        x = conv2d(x, k, stride=lay.stride, padding=lay.padding, dilation=lay.dilation)
    return x


def brute_dependencies(shape, layers, seed=0):
    """dep[i, j, r, c]: does output (r, c) change when input pixel (i, j) changes?

    Every layer is a convolution with random weights (a pool has the same
    geometry); the stack is linear, so a change shows unless weights cancel,
    which random Gaussian weights never do.
    """
    rng = np.random.default_rng(seed)
    kernels = [rng.normal(size=(lay.kernel_size,) * 2) + 3.0 for lay in layers]
    x = rng.normal(size=shape)
    base = _forward(x, layers, kernels)
    dep = np.zeros(shape + base.shape, dtype=bool)
    for i in range(shape[0]):
        for j in range(shape[1]):
            y = x.copy()
            y[i, j] += 1.0
            dep[i, j] = np.abs(_forward(y, layers, kernels) - base) > 1e-9
    return dep


def random_stack(rng, *, dilation=True):
    layers = []
    for _ in range(rng.integers(1, 4)):
        kind = "pool" if rng.random() < 0.3 else "conv"
        k = int(rng.integers(1, 4))
        d = int(rng.integers(1, 3)) if dilation and kind == "conv" else 1
        p_max = k // 2 if kind == "pool" else d * (k - 1)
        layers.append(RFLayer(kind, k, int(rng.integers(1, 4)), int(rng.integers(0, p_max + 1)),
                              d))
    return layers


def _fits(shape, layers):
    try:
        map_shapes(shape, layers)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("seed", range(40))
def test_regions_and_counts_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(6, 13)), int(rng.integers(6, 13)))
    layers = random_stack(rng, dilation=seed % 2 == 0)
    while not _fits(shape, layers):  # draw again until the stack fits this input
        layers = random_stack(rng, dilation=seed % 2 == 0)
    dep = brute_dependencies(shape, layers, seed)
    r_expected = receptive_field([(la.kernel_size, la.stride, la.dilation) for la in layers])
    plain = all(la.dilation == 1 and la.padding <= la.kernel_size - 1 for la in layers)
    for r in range(dep.shape[2]):
        for c in range(dep.shape[3]):
            seen = dep[:, :, r, c]
            counts = path_counts(shape, layers, (r, c))[0]
            np.testing.assert_array_equal(counts > 0, seen)
            region = back_project(shape, layers, (r, c))[0]
            assert region.raw_shape == (r_expected, r_expected)
            rows, cols = np.nonzero(seen)
            if rows.size:
                # Every contributing pixel lies inside the region...
                assert region.rows[0] <= rows.min() and rows.max() <= region.rows[1]
                assert region.cols[0] <= cols.min() and cols.max() <= region.cols[1]
                if plain:  # ...and without dilation the region is exactly their bounding box.
                    assert region.rows == (rows.min(), rows.max())
                    assert region.cols == (cols.min(), cols.max())
            elif plain:
                assert region.empty


def test_intermediate_regions_match_brute_force():
    layers = list(PRESETS["conv_pool_conv"].layers)
    shape = (12, 12)
    cell = (3, 4)
    regions = back_project(shape, layers, cell)
    for level in range(1, len(layers)):
        level_shape = map_shapes(shape, layers)[level]
        dep = brute_dependencies(level_shape, layers[level:], seed=level)[:, :, cell[0], cell[1]]
        rows, cols = np.nonzero(dep)
        assert regions[level].rows == (rows.min(), rows.max())
        assert regions[level].cols == (cols.min(), cols.max())


def test_three_3x3_regions_grow_by_two():
    regions = back_project((16, 16), PRESETS["three_3x3"].layers, (8, 8))
    assert [r.rect for r in regions] == [(5, 5, 7, 7), (6, 6, 5, 5), (7, 7, 3, 3), (8, 8, 1, 1)]


def test_corner_cell_is_clipped_but_keeps_its_raw_field():
    region = back_project((8, 8), PRESETS["one_7x7"].layers, (0, 0))[0]
    assert region.rows == (0, 3) and region.shape == (4, 4)
    assert region.raw_rows == (-3, 3) and region.raw_shape == (7, 7)


def test_cell_reading_only_padding_is_empty():
    layers = [RFLayer("conv", 2, 1, 3)]
    region = back_project((4, 4), layers, (0, 0))[0]
    assert region.empty and region.shape == (0, 0)
    assert path_counts((4, 4), layers, (0, 0))[0].sum() == 0
    assert "Only padding" in describe_level(0, region, np.zeros((4, 4)), (4, 4))


def test_path_counts_three_3x3_profile():
    counts = path_counts((9, 9), PRESETS["three_3x3"].layers, (4, 4))[0]
    profile = np.array([0, 1, 3, 6, 7, 6, 3, 1, 0])
    np.testing.assert_array_equal(counts, np.outer(profile, profile))


def test_dilated_preset_has_no_holes_but_single_dilation_does():
    counts = path_counts((32, 32), PRESETS["dilated"].layers, (16, 16))[0]
    assert np.count_nonzero(counts) == 15 * 15
    single = path_counts((9, 9), [RFLayer("conv", 3, dilation=2)], (3, 3))[0]
    assert np.count_nonzero(single) == 9


@pytest.mark.parametrize("name, r", [("three_3x3", 7), ("conv_pool_conv", 8), ("one_7x7", 7),
                                     ("dilated", 15)])
def test_rf_formula_matches_receptive_field_and_direct_sum(name, r):
    layers = PRESETS[name].layers
    latex, value = rf_formula(layers)
    direct, jump = 1, 1
    for la in layers:
        direct += la.dilation * (la.kernel_size - 1) * jump
        jump *= la.stride
    assert value == direct == r
    assert latex.endswith(f"= {r}") and latex.count(r"\cdot(") == len(layers)


def test_parse_layers_defaults_and_errors():
    assert parse_layers([{"type": "pool", "k": 2, "s": None, "p": np.nan, "d": ""}]) == [
        RFLayer("pool", 2, 1, 0, 1)]
    assert parse_layers(preset_rows("dilated")) == list(PRESETS["dilated"].layers)
    with pytest.raises(ValueError, match=r"row 2 \(no type\)"):
        parse_layers([{"type": "conv", "k": 3}, {"type": None, "k": 3}])
    with pytest.raises(ValueError, match=r"row 1 \(conv\): the k cell is empty"):
        parse_layers([{"type": "conv", "k": None}])
    with pytest.raises(ValueError, match=r"row 1 \(pool\): a pool has no dilation"):
        parse_layers([{"type": "pool", "k": 2, "d": 2}])
    with pytest.raises(ValueError, match=r"row 1 \(conv\): s must be at least 1, got 0"):
        parse_layers([{"type": "conv", "k": 3, "s": 0}])
    with pytest.raises(ValueError, match="at most"):
        parse_layers([{"type": "conv", "k": 3}] * (MAX_LAYERS + 1))
    with pytest.raises(ValueError, match="empty"):
        parse_layers([])


def test_map_shapes_names_the_layer_that_does_not_fit():
    with pytest.raises(ValueError, match=r"layer 2 \(conv 7×7"):
        map_shapes((8, 8), [RFLayer("pool", 2, 2), RFLayer("conv", 7)])


def test_check_cell_and_centre():
    assert centre_cell((32, 17)) == (16, 8)
    assert check_cell((4, 5), (3, 4)) == (3, 4)
    with pytest.raises(ValueError, match="col 5 is outside the last map: it has cols 0 to 4"):
        check_cell((4, 5), (0, 5))


def test_feature_maps_average_and_max():
    x = np.arange(16.0).reshape(4, 4)
    conv, pool = feature_maps(x, [RFLayer("conv", 2), RFLayer("pool", 3)])[1:]
    expected = np.array([[(x[i:i + 2, j:j + 2]).mean() for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(conv, expected)
    assert pool.shape == (1, 1) and pool[0, 0] == expected.max()
    colour = np.stack([x, 2 * x, 3 * x], axis=2)
    np.testing.assert_allclose(feature_maps(colour, [])[0], 2 * x)


def test_downscale_keeps_range_and_aspect():
    img = np.full((100, 60, 3), 0.25)
    small = downscale(img, 25)
    assert small.shape == (25, 15, 3)
    np.testing.assert_allclose(small, 0.25, atol=1e-6)
    with pytest.raises(ValueError, match="max_side"):
        downscale(img, 0)


@pytest.mark.parametrize("c", [1, 3, 64])
def test_three_3x3_vs_7x7_params(c):
    three, one = three_3x3_vs_7x7(c)
    assert three.params == 3 * (9 * c * c + c)
    assert one.params == 49 * c * c + c
    assert (three.receptive_field, one.receptive_field) == (7, 7)
    assert (three.relus, one.relus) == (3, 1)
    assert three.formula.endswith(f"= {three.params}")


def test_describe_level_mentions_padding_and_holes():
    layers = PRESETS["one_7x7"].layers
    regions = back_project((8, 8), layers, (0, 0))
    counts = path_counts((8, 8), layers, (0, 0))
    text = describe_level(0, regions[0], counts[0], (8, 8))
    assert "Rows 0–3" in text and "7 × 7" in text and "padding" in text
    assert "row 0, column 0" in describe_level(1, regions[1], counts[1], (8, 8), is_output=True)

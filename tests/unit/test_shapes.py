"""The size calculator and the layer-stack builder, against simple independent counts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnviz.core.layers import Conv, Dense, Flatten, Pool
from cnnviz.lessons.networks import ARCHITECTURES
from cnnviz.lessons.shapes import (
    EXERCISES,
    analyse_stack,
    architecture_rows,
    calculate,
    comparison_rows,
    format_bytes,
    layer_formulas,
    lecture_comparisons,
    parse_stack,
    published_check,
    same_explanation,
)
from cnnviz.plots.shapes import coverage_figure, params_figure
from tests.readers import read_out


def windows_loop(padded, f, s, d):
    """Slide a window along the padded axis by hand: its starts and the cells read."""
    span = d * (f - 1) + 1
    starts, reads = [], np.zeros(padded, dtype=int)
    start = 0
    while start + span <= padded:
        starts.append(start)
        for j in range(f):
            reads[start + j * d] += 1
        start += s
    return starts, reads


@given(n=st.integers(1, 40), f=st.integers(1, 9), p=st.integers(0, 5), s=st.integers(1, 7),
       d=st.integers(1, 3))
def test_calculate_matches_sliding_by_hand(n, f, p, s, d):
    padded = n + 2 * p
    if d * (f - 1) + 1 > padded:
        with pytest.raises(ValueError, match="does not fit"):
            calculate(n, f, padding="custom", p=p, stride=s, dilation=d)
        return
    calc = calculate(n, f, padding="custom", p=p, stride=s, dilation=d)
    starts, reads = windows_loop(padded, f, s, d)
    assert calc.formula.n_out == len(starts)
    np.testing.assert_array_equal(calc.coverage, reads)
    assert calc.unread_input == tuple(i - p for i in range(p, p + n) if reads[i] == 0)
    assert calc.formula.exact == ((padded - (d * (f - 1) + 1)) % s == 0)


@given(n=st.integers(1, 60), f=st.integers(1, 7), s=st.integers(1, 5))
def test_same_keeps_ceil_n_over_s(n, f, s):
    calc = calculate(n, f, padding="same", stride=s)
    assert calc.formula.n_out == math.ceil(n / s)
    assert calc.pad[1] - calc.pad[0] in (0, 1)


def test_lecture_exercises():
    results = {name: calculate(**kw) for name, kw in EXERCISES.items()}
    six, ten_s2, ten_f5 = results.values()
    assert (six.formula.n_out, six.formula.exact, six.unread_input) == (2, True, (2, 3))
    assert any("jump over" in note for note in six.unread_notes)
    assert (ten_s2.formula.n_out, ten_s2.formula.exact, ten_s2.unread_input) == (4, False, (9,))
    assert any(r"\lfloor 7/2 \rfloor = 3" in note for note in ten_s2.notes)
    assert any("row (and column) **9** is never read" in note for note in ten_s2.unread_notes)
    assert (ten_f5.formula.n_out, ten_f5.unread_input) == (8, ())


def test_valid_ignores_p_and_dilation_note():
    calc = calculate(10, 3, padding="valid", p=4, dilation=2)
    assert calc.pad == (0, 0) and calc.span == 5 and calc.formula.n_out == 6
    assert "spans" in calc.notes[0]


def test_calculate_rejects_bad_values():
    with pytest.raises(ValueError, match="padding must be one of"):
        calculate(5, 3, padding="full")
    with pytest.raises(ValueError, match="s must be at least 1"):
        calculate(5, 3, stride=0)


def test_same_explanation():
    assert "p = (f-1)/2 = (5-1)/2 = 2$ zeros on each side" in same_explanation(12, 5)
    even = same_explanation(12, 4)
    assert "asymmetric" in even and "1 before and 2 after" in even and "odd" in even
    strided = same_explanation(10, 3, 2)
    assert r"\lceil 10/2 \rceil = 5" in strided and "0 before and 1 after" in strided


def test_coverage_figure_outlines_the_input():
    fig = coverage_figure(calculate(10, 5, padding="custom", p=1))
    assert read_out(fig)["values"].shape == (12, 12)
    shape = fig.meta["shapes"][0]
    assert (shape["x0"], shape["x1"]) == (0.5, 10.5)


def test_comparison_rows_show_exact_values_and_lecture_figures():
    rows = comparison_rows()
    assert len(rows) == len(lecture_comparisons()) == 13
    assert [r["exact value"] for r in rows[5:9]] == ["84", "280", "30", "50"]
    # issue 18: lecture 001's and 004's counts, exact beside the lecture's round figures
    assert [r["exact value"] for r in rows[9:]] == ["921,600", "92,160,000", "67,500",
                                                    "67,500,000"]
    assert rows[9]["lecture's figure"].startswith("≈")
    assert rows[12]["lecture's figure"] == "67,500,000"
    assert rows[1]["exact value"] == "1,600,040,000" and rows[1]["lecture's figure"] == "≈ 1.6·10⁹"
    assert rows[2]["lecture's figure"] == "≈ 6.4 GB" and rows[4]["lecture's figure"] == "≈ 57.6 GB"


def _by_hand(shape, layers):
    """Parameters by the lectures' formulas, layer by layer."""
    total = 0
    h, w, c = shape
    flat = None
    for la in layers:
        if isinstance(la, Conv):
            pad = la.padding if isinstance(la.padding, int) else (la.kernel_size - 1) // 2
            h = (h + 2 * pad - la.kernel_size) // la.stride + 1
            w = (w + 2 * pad - la.kernel_size) // la.stride + 1
            total += (la.kernel_size ** 2 * c + 1) * la.filters
            c = la.filters
        elif isinstance(la, Pool):
            h = (h - la.size) // la.stride + 1
            w = (w - la.size) // la.stride + 1
        elif isinstance(la, Flatten):
            flat = h * w * c
        elif isinstance(la, Dense):
            total += flat * la.units + la.units
            flat = la.units
    return total


@pytest.mark.parametrize("name", ["lenet5", "alexnet", "vgg16"])
def test_presets_round_trip_to_published_totals(name):
    arch = ARCHITECTURES[name]
    layers = parse_stack(architecture_rows(name))
    report = analyse_stack(arch.input_shape, layers)
    assert report.total_params == arch.published_total == _by_hand(arch.input_shape, layers)
    check = published_check(name, report.total_params)
    assert check.matches and "matches the published count" in check.message
    assert report.table()[0]["output shape"] == " × ".join(map(str, arch.input_shape))


def test_round_figures_in_published_check():
    assert "about 60 million" in published_check("alexnet", 61_100_840).message
    assert "about 138 million" in published_check("vgg16", 138_357_544).message
    miss = published_check("vgg16", 138_357_545)
    assert not miss.matches and "+1" in miss.message


def test_table_and_totals_for_a_small_stack():
    layers = [Conv(6, 5), Pool(2, mode="avg"), Flatten(), Dense(10)]
    report = analyse_stack((32, 32, 1), layers)
    table = report.table()
    assert [row["output shape"] for row in table] == ["32 × 32 × 1", "28 × 28 × 6",
                                                      "14 × 14 × 6", "1176", "10"]
    assert table[1]["parameters"] == 156 and table[1]["multiply-adds"] == 28 * 28 * 6 * 25
    assert table[2]["receptive field"] == "6 × 6" and table[3]["receptive field"] == "whole input"
    assert table[1]["activations"] == 4704 and table[1]["float32"] == "18.8 kB"
    totals = report.totals()
    assert totals["Parameters"] == f"{156 + 1176 * 10 + 10:,}"
    assert report.total_activations == 4704 + 1176 + 1176 + 10


def test_parse_stack_errors_name_the_row():
    good = {"type": "conv", "filters/units": 4, "f": 3}
    cases = [
        ({"type": None}, r"row 2 \(no type\): no type"),
        ({"type": "dense"}, r"row 2 \(dense\): the filters/units cell is empty"),
        ({"type": "conv", "filters/units": 4, "f": 3, "p": "wide"}, r"row 2 \(conv\): p must"),
        ({"type": "pool", "f": 2, "p": "same"}, r'row 2 \(pool\): p must be a number'),
        ({"type": "pool", "f": 2, "mode": "relu"}, r"row 2 \(pool\): the mode of a pool"),
        ({"type": "activation", "mode": "max"}, r"row 2 \(activation\): the mode of an"),
        ({"type": "conv", "filters/units": 0, "f": 3}, r"row 2 \(conv\): filters/units must be"),
        ({"type": "lstm"}, r"row 2 \(lstm\): unknown type"),
    ]
    for row, message in cases:
        with pytest.raises(ValueError, match=message):
            parse_stack([good, row])


def test_parse_stack_defaults():
    layers = parse_stack([{"type": "conv", "filters/units": 8.0, "f": 3, "p": "same"},
                          {"type": "pool", "f": 3, "s": None, "mode": None},
                          {"type": "activation", "mode": float("nan")}])
    assert layers[0] == Conv(8, 3, padding="same")
    assert layers[1] == Pool(3, stride=3)
    assert layers[2].name == "relu"


def test_impossible_stacks_raise_naming_the_layer():
    with pytest.raises(ValueError, match=r"layer 2 \(layers\[1\], CONV 7×7"):
        analyse_stack((8, 8, 1), parse_stack([{"type": "pool", "f": 2},
                                              {"type": "conv", "filters/units": 1, "f": 7}]))
    with pytest.raises(ValueError, match=r"layer 1 .*add Flatten"):
        analyse_stack((8, 8, 1), [Dense(3)])


def test_layer_formulas_are_numbered():
    formulas = layer_formulas(analyse_stack((32, 32, 1), [Conv(6, 5), Pool(2)]))
    assert formulas[1][0].startswith("[2] MAX POOL")
    assert formulas[1][1].startswith("n_H^{[2]}") and formulas[1][1].endswith("= 14")
    both = layer_formulas(analyse_stack((32, 16, 1), [Conv(6, 5)]))
    assert [f[1][:3] for f in both] == ["n_H", "n_W"]


def test_params_figure_log_scale():
    """LeNet-5's five layers with parameters, as SVG bars on a log axis (an SVG: the page
    may open on this section, and Plotly's script would cost that first visit)."""
    import re

    report = analyse_stack((32, 32, 1), parse_stack(architecture_rows("lenet5")))
    svg = params_figure(report, log=True)
    assert 'data-log="true"' in svg
    assert 'data-log="false"' in params_figure(report, log=False)
    values = [float(v) for v in re.findall(r'class="bar"[^>]*data-value="([0-9.e+]+)"', svg)]
    if not values:  # the attributes in the other order
        values = [float(v) for v in re.findall(r'data-value="([0-9.e+]+)"[^>]*class="bar"', svg)]
    assert sum(values) == 61_706 and len(values) == 5


def test_format_bytes():
    assert format_bytes(999) == "999 B"
    assert format_bytes(57_600_480_000) == "57.6 GB"

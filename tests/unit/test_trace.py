"""Every step of a trace equals the core's output at that position, in every setting."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cnnviz import conv2d, pool2d
from cnnviz.core.activations import activate
from cnnviz.core.trace import ConvTrace, PoolTrace, format_number

RNG = np.random.default_rng(7)

SETTINGS = [
    dict(stride=s, padding=p, dilation=d, pad_mode=m, flip=f)
    for s, p, d, m, f in itertools.product(
        [1, 2, (1, 3)], [0, 1, "same", ((0, 2), (1, 0))], [1, 2], ["zeros", "reflect"],
        [False, True],
    )
]


@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("kw", SETTINGS[::3] + SETTINGS[1::7])
def test_every_step_equals_conv2d(colour, kw):
    x = RNG.normal(size=(8, 9, 3) if colour else (8, 9))
    k = RNG.normal(size=(3, 2, 3) if colour else (3, 2))
    t = ConvTrace(x, k, 0.75, activation="relu", **kw)
    out = conv2d(x, k, 0.75, **kw)
    assert t.out_shape == out.shape
    exp = t.export()
    np.testing.assert_allclose(exp["totals"].reshape(out.shape), out, atol=1e-12)
    np.testing.assert_allclose(exp["activated"].reshape(out.shape), np.maximum(out, 0))
    for index in (0, t.n_steps // 2, t.n_steps - 1):
        s = t.step(index)
        assert s.total == pytest.approx(out[s.out_row, s.out_col], abs=1e-12)
        np.testing.assert_allclose(s.products, s.values * s.weights)
        np.testing.assert_allclose(s.partial_sums, s.products.sum(axis=(0, 1)))
        assert s.total == pytest.approx(s.partial_sums.sum() + 0.75)
        np.testing.assert_allclose(exp["products"][index], s.products)


def test_step_fields_by_hand():
    x = np.arange(9.0).reshape(3, 3)
    t = ConvTrace(x, [[1.0, 2.0], [3.0, 4.0]], -1.0, padding=1, flip=True)
    s = t.at(0, 0)
    # Flipped kernel [[4, 3], [2, 1]] over padded window [[0, 0], [0, x00=0]].
    np.testing.assert_array_equal(s.weights[:, :, 0], [[4, 3], [2, 1]])
    np.testing.assert_array_equal(s.on_padding, [[True, True], [True, False]])
    np.testing.assert_array_equal(s.in_rows, [-1, 0])
    assert s.total == -1.0
    s = t.at(1, 1)  # window on x[0:2, 0:2] = [[0, 1], [3, 4]]
    assert s.total == 0 * 4 + 1 * 3 + 3 * 2 + 4 * 1 - 1
    assert s.equation() == "0·4 + 1·3 + 3·2 + 4·1 + (−1) = 12"


def test_colour_partial_sums_are_per_channel():
    x = np.zeros((10, 10, 3))
    x[:, :5] = 25
    edge = np.tile(np.array([[1, 0, -1]] * 3, float)[:, :, None], (1, 1, 3))
    t = ConvTrace(x, edge, 1.0)
    s = t.at(0, 3)
    np.testing.assert_array_equal(s.partial_sums, [75, 75, 75])
    assert s.total == 226
    assert s.equation(channel=1).endswith("= 75")


def test_dilated_taps_and_stride_positions():
    t = ConvTrace(np.zeros((9, 9)), np.ones((3, 3)), stride=2, dilation=2)
    s = t.step(t.n_steps - 1)
    np.testing.assert_array_equal(s.rows, [4, 6, 8])
    np.testing.assert_array_equal(s.cols, [4, 6, 8])


def test_activations_in_trace():
    x = RNG.normal(size=(5, 5))
    for name in ("none", "relu", "leaky_relu", "sigmoid", "tanh"):
        t = ConvTrace(x, np.ones((3, 3)), activation=name)
        np.testing.assert_allclose(t.activated, activate(t.output, name))
        step = t.step(4)
        assert step.activated == pytest.approx(float(activate(np.array(step.total), name)))


def test_trace_errors():
    with pytest.raises(ValueError, match=r"kernel must be one filter with the image's depth"):
        ConvTrace(np.ones((5, 5, 3)), np.ones((3, 3)))
    t = ConvTrace(np.ones((5, 5)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"index must be below the number of steps 9, got 9"):
        t.step(9)
    with pytest.raises(ValueError, match=r"output cell must lie in 3×3, got \(row=3, col=0\)"):
        t.at(3, 0)
    with pytest.raises(ValueError, match=r"activation must be one of"):
        ConvTrace(np.ones((5, 5)), np.ones((3, 3)), activation="softplus")


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("size,stride,padding", [(2, None, 0), (3, 2, 1), ((2, 3), 1, 0)])
def test_pool_trace_equals_pool2d(mode, size, stride, padding):
    x = RNG.normal(size=(7, 8))
    t = PoolTrace(x, size, stride=stride, padding=padding, mode=mode)
    out = pool2d(x, size, stride=stride, padding=padding, mode=mode)
    exp = t.export()
    np.testing.assert_array_equal(exp["results"], out.ravel())
    for i in range(t.n_steps):
        s = t.step(i)
        if mode == "max":
            assert s.values[s.winner] == s.result
            assert exp["winners"][i] == s.winner[0] * s.values.shape[1] + s.winner[1]
        else:
            assert s.result == pytest.approx(s.values.mean())


def test_format_number():
    assert format_number(-0.0) == "0"
    assert format_number(3.14159, 2) == "3.14"
    assert format_number(-12.0) == "-12"

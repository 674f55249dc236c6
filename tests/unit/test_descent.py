"""Learning a kernel: the gradient as a cross-correlation, against finite differences and
against the chain rule; descent recovers the target; a too-large rate is caught."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.core.conv import ConvSettings, conv2d
from cnnviz.core.descent import curvature, descend, kernel_gradient, mse

RNG = np.random.default_rng(3)
SOBEL_X = np.array([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]])

SETTINGS = [
    ConvSettings(),
    ConvSettings(padding="same"),
    ConvSettings(stride=2, padding=1),
    ConvSettings(stride=(2, 3), padding=((1, 2), (0, 1)), dilation=(1, 2), flip=True,
                 pad_mode="reflect"),
    ConvSettings(padding="full", pad_mode="circular", dilation=2),
]


@pytest.mark.parametrize("cfg", SETTINGS, ids=range(len(SETTINGS)))
def test_kernel_gradient_matches_finite_differences(cfg):
    a = RNG.random((11, 13))
    k = RNG.standard_normal((3, 2))
    z = conv2d(a, k, 0.3, **cfg.conv_kwargs)
    y = RNG.random(z.shape)

    def loss(kk: np.ndarray, b: float) -> float:
        return mse(conv2d(a, kk, b, **cfg.conv_kwargs), y)

    g, gb = kernel_gradient(a, z - y, k.shape, settings=cfg)
    eps = 1e-6
    numeric = np.zeros_like(k)
    for idx in np.ndindex(k.shape):
        up, down = k.copy(), k.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (loss(up, 0.3) - loss(down, 0.3)) / (2 * eps)
    np.testing.assert_allclose(g, numeric, atol=1e-8)
    assert gb == pytest.approx((loss(k, 0.3 + eps) - loss(k, 0.3 - eps)) / (2 * eps), abs=1e-8)


@pytest.mark.parametrize("cfg", SETTINGS, ids=range(len(SETTINGS)))
def test_descent_gradients_are_the_cross_correlation(cfg):
    # descend() uses the unrolled windows (X^T δ); the page shows a ⋆ δ via conv2d.
    a = RNG.random((12, 12))
    target = conv2d(a, SOBEL_X, 0.2, **cfg.conv_kwargs)
    run = descend(a, target, (3, 3), lr=0.05, steps=5, init="random", seed=1, settings=cfg)
    for t in (0, 3, 5):
        z = conv2d(a, run.kernels[t], run.biases[t], **cfg.conv_kwargs)
        assert run.losses[t] == pytest.approx(mse(z, target), rel=1e-12)
        g, gb = kernel_gradient(a, z - target, (3, 3), settings=cfg)
        np.testing.assert_allclose(run.gradients[t], g, atol=1e-12)
        assert run.bias_gradients[t] == pytest.approx(gb, abs=1e-12)


def test_descent_recovers_a_random_kernel_and_bias_on_noise():
    a = RNG.random((20, 20))
    k = RNG.uniform(-1, 1, (3, 3))
    run = descend(a, conv2d(a, k, 0.5), (3, 3), lr=0.5, steps=2000, momentum=0.9)
    assert run.diverged_at is None
    np.testing.assert_allclose(run.kernels[-1], k, atol=1e-6)
    assert run.biases[-1] == pytest.approx(0.5, abs=1e-6)
    np.testing.assert_allclose(run.optimum, k, atol=1e-9)
    assert run.losses[-1] < 1e-12 < run.losses[0]


def test_noise_leaves_the_least_squares_kernel():
    a = RNG.random((30, 30))
    y = conv2d(a, SOBEL_X) + RNG.normal(0, 0.1, (28, 28))
    run = descend(a, y, (3, 3), lr=0.5, steps=3000, momentum=0.9)
    np.testing.assert_allclose(run.kernels[-1], run.optimum, atol=1e-6)
    assert 0 < np.abs(run.optimum - SOBEL_X).max() < 0.2
    assert run.optimum_loss == pytest.approx(run.losses[-1], rel=1e-6)


def test_a_too_large_learning_rate_is_caught_not_nan():
    a = RNG.random((16, 16))
    y = conv2d(a, SOBEL_X)
    c = curvature(a, (3, 3))
    run = descend(a, y, (3, 3), lr=1.5 * c.stable_lr(), steps=500)
    assert run.diverged_at is not None and run.diverged_at < 500
    assert np.isfinite(run.losses).all() and len(run.losses) == run.diverged_at
    ok = descend(a, y, (3, 3), lr=0.9 * c.stable_lr(), steps=50)
    assert ok.diverged_at is None and ok.losses[-1] < ok.losses[0]


def test_curvature_matches_the_runs_and_momentum_widens_the_stable_range():
    a = RNG.random((10, 10))
    c = curvature(a, (3, 3), learn_bias=False)
    assert c.lam_max >= c.lam_min > 0 and c.condition >= 1
    assert c.stable_lr(0.9) == pytest.approx(1.9 * c.stable_lr())


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"lr": 0}, "lr must be above 0"), ({"lr": float("nan")}, "lr"),
    ({"momentum": 1.0}, "momentum"), ({"init": "ones"}, "init"), ({"steps": 0}, "steps"),
    ({"steps": 10_001}, "steps"),
])
def test_descend_rejects_bad_arguments(kwargs, match):
    a = np.ones((5, 5))
    args = {"lr": 0.1, "steps": 3} | kwargs
    with pytest.raises(ValueError, match=match):
        descend(a, np.zeros((3, 3)), (3, 3), **args)


def test_target_of_the_wrong_shape_is_named():
    with pytest.raises(ValueError, match="target must have the output's shape"):
        descend(np.ones((5, 5)), np.zeros((5, 5)), (3, 3), lr=0.1, steps=1)
    with pytest.raises(ValueError, match="error must have"):
        kernel_gradient(np.ones((5, 5)), np.zeros((5, 5)), (3, 3))

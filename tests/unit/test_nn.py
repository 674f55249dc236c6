"""The small CNN's layers: every backward pass against finite differences, the forward
convolution against the core's conv2d, and reproducible training."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.core import nn
from cnnviz.core.conv import conv2d
from cnnviz.core.layers import Activation, Conv, Dense, Flatten, Pool, total_params

RNG = np.random.default_rng(7)


def numeric_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar f() with respect to every entry of x (in place)."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f()
        x[idx] = old - eps
        down = f()
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, 1), (2, 1), (2, ((0, 1), (2, 0))),
                                                 (3, 2)])
def test_conv_backward_matches_finite_differences(stride, padding):
    x = RNG.standard_normal((2, 7, 6, 3))
    w = RNG.standard_normal((3, 3, 3, 4))
    b = RNG.standard_normal(4)
    z, _ = nn.conv_forward(x, w, b, stride=stride, padding=padding)
    up = RNG.standard_normal(z.shape)  # L = sum(up * z): dL/dz = up

    def loss() -> float:
        return float((nn.conv_forward(x, w, b, stride=stride, padding=padding)[0] * up).sum())

    _, cache = nn.conv_forward(x, w, b, stride=stride, padding=padding)
    dx, dw, db = nn.conv_backward(up, cache)
    np.testing.assert_allclose(dx, numeric_grad(loss, x), atol=1e-6)
    np.testing.assert_allclose(dw, numeric_grad(loss, w), atol=1e-6)
    np.testing.assert_allclose(db, numeric_grad(loss, b), atol=1e-6)


def test_first_layer_skips_the_input_gradient():
    x, w = RNG.standard_normal((1, 5, 5, 1)), RNG.standard_normal((3, 3, 1, 2))
    z, cache = nn.conv_forward(x, w, np.zeros(2))
    dx, dw, _ = nn.conv_backward(np.ones_like(z), cache, need_dx=False)
    assert dx is None and dw.shape == w.shape


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 1), (1, ((1, 0), (0, 2)))])
def test_conv_forward_is_the_cores_conv2d(stride, padding):
    # The network's batched convolution computes, per example, exactly what the app shows.
    x = RNG.standard_normal((3, 9, 8, 2))
    w = RNG.standard_normal((3, 3, 2, 5))
    b = RNG.standard_normal(5)
    z, _ = nn.conv_forward(x, w, b, stride=stride, padding=padding)
    for i in range(len(x)):
        np.testing.assert_allclose(z[i], conv2d(x[i], w, b, stride=stride, padding=padding),
                                   atol=1e-12)


def test_relu_backward_matches_finite_differences():
    x = RNG.standard_normal((2, 4, 4, 3))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink
    up = RNG.standard_normal(x.shape)
    _, positive = nn.relu_forward(x)
    numeric = numeric_grad(lambda: float((nn.relu_forward(x)[0] * up).sum()), x)
    np.testing.assert_allclose(nn.relu_backward(up, positive), numeric, atol=1e-6)


@pytest.mark.parametrize(("size", "stride", "shape"), [(2, None, (2, 6, 6, 3)),
                                                       (2, None, (1, 7, 5, 2)),
                                                       (3, 2, (2, 7, 7, 1)), (3, 1, (1, 5, 5, 2))])
def test_maxpool_backward_matches_finite_differences(size, stride, shape):
    x = RNG.permutation(np.prod(shape)).reshape(shape) / 10.0  # distinct: no ties
    out, cache = nn.maxpool_forward(x, size, stride)
    up = RNG.standard_normal(out.shape)
    numeric = numeric_grad(lambda: float((nn.maxpool_forward(x, size, stride)[0] * up).sum()), x)
    np.testing.assert_allclose(nn.maxpool_backward(up, cache), numeric, atol=1e-6)


def test_maxpool_matches_the_cores_pool2d():
    from cnnviz.core.pool import pool2d

    x = RNG.standard_normal((2, 9, 8, 3))
    out, _ = nn.maxpool_forward(x, 3, 2)
    for i in range(2):
        np.testing.assert_array_equal(out[i], pool2d(x[i], 3, stride=2, mode="max"))


def test_dense_and_softmax_cross_entropy_match_finite_differences():
    x = RNG.standard_normal((4, 6))
    w = RNG.standard_normal((6, 5))
    b = RNG.standard_normal(5)
    labels = np.array([0, 4, 2, 2])

    def loss() -> float:
        return nn.softmax_cross_entropy(nn.dense_forward(x, w, b), labels)[0]

    _, dlogits, probs = nn.softmax_cross_entropy(nn.dense_forward(x, w, b), labels)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    dx, dw, db = nn.dense_backward(dlogits, x, w)
    np.testing.assert_allclose(dx, numeric_grad(loss, x), atol=1e-6)
    np.testing.assert_allclose(dw, numeric_grad(loss, w), atol=1e-6)
    np.testing.assert_allclose(db, numeric_grad(loss, b), atol=1e-6)


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    loss, grad, p = nn.softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))
    assert np.isfinite(loss) and loss == pytest.approx(2000.0)
    assert np.isfinite(grad).all() and np.isfinite(p).all()


def test_whole_network_backprop_matches_finite_differences():
    spec = (Conv(3, 3, padding="same"), Activation("relu"), Pool(2), Conv(4, 3, stride=2,
            padding=1), Activation("relu"), Flatten(), Dense(5), Activation("softmax"))
    params = nn.init_params(spec, (8, 8, 2), seed=3, dtype=np.float64)
    for name in params:
        if name.startswith("b"):
            params[name] += RNG.standard_normal(params[name].shape) * 0.1
    x = RNG.standard_normal((3, 8, 8, 2))
    labels = np.array([1, 4, 0])
    _, grads, _ = nn.gradients(params, spec, x, labels)

    def loss() -> float:
        return nn.softmax_cross_entropy(nn.forward(params, spec, x)[0], labels)[0]

    assert sorted(grads) == sorted(params)
    for name, value in params.items():
        np.testing.assert_allclose(grads[name], numeric_grad(loss, value), atol=1e-6,
                                   err_msg=name)


def test_digit_net_shapes_and_parameters_come_from_the_layers_code():
    infos = nn.describe(nn.digit_net())
    assert [i.output_shape for i in infos] == [
        (28, 28, 8), (28, 28, 8), (14, 14, 8), (14, 14, 16), (14, 14, 16), (7, 7, 16), (784,),
        (10,), (10,)]
    assert total_params(infos) == (9 * 8 + 8) + (72 * 16 + 16) + (784 * 10 + 10)
    params = nn.init_params(nn.digit_net(), (28, 28, 1))
    assert sum(v.size for v in params.values()) == total_params(infos)


def test_spec_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"spec\[1\]"):
        nn.init_params((Conv(2, 3), Activation("tanh"), Flatten(), Dense(2),
                        Activation("softmax")), (5, 5, 1))
    with pytest.raises(ValueError, match="softmax"):
        nn.init_params((Conv(2, 3), Flatten(), Dense(2)), (5, 5, 1))


def test_training_is_reproducible_for_a_seed_and_learns():
    rng = np.random.default_rng(0)
    # Two easy classes: a bright left half or a bright right half, plus noise.
    x = rng.random((96, 8, 8, 1)).astype(np.float32) * 0.3
    y = rng.integers(0, 2, 96)
    x[y == 0, :, :4] += 0.7
    x[y == 1, :, 4:] += 0.7
    spec = (Conv(2, 3, padding="same"), Activation("relu"), Pool(2), Flatten(), Dense(2),
            Activation("softmax"))
    seen = []
    kw = {"x_test": x[64:], "y_test": y[64:], "epochs": 3, "batch_size": 16, "lr": 0.03,
          "max_shift": 1, "seed": 5, "every": 2}
    a = nn.train(spec, x[:64], y[:64], **kw,
                 callback=lambda step, total, h: seen.append((step, total)))
    b = nn.train(spec, x[:64], y[:64], **kw)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name])
    assert a.history.loss == b.history.loss
    assert a.history.test_accuracy[-1] >= 0.9
    assert seen[-1] == (12, 12) and len(a.history.epoch_steps) == 3
    assert len(seen) == 6 + 3  # every 2 steps, and after each epoch's test
    c = nn.train(spec, x[:64], y[:64], epochs=1, batch_size=16, seed=6)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_train_rejects_bad_arguments():
    x, y = np.zeros((4, 6, 6, 1)), np.zeros(4, int)
    spec = (Flatten(), Dense(2), Activation("softmax"))
    with pytest.raises(ValueError, match="lr"):
        nn.train(spec, x, y, lr=-1)
    with pytest.raises(ValueError, match="epochs"):
        nn.train(spec, x, y, epochs=0)
    with pytest.raises(ValueError, match="same non-zero length"):
        nn.train(spec, x, y[:3])


def test_shift_augment_moves_but_keeps_the_digit():
    x = np.zeros((50, 10, 10, 1))
    x[:, 4:6, 4:6] = 1
    moved = nn.shift_augment(x, np.random.default_rng(1), max_shift=2)
    assert moved.shape == x.shape
    np.testing.assert_allclose(moved.sum(axis=(1, 2, 3)), 4.0)
    assert len({tuple(np.argwhere(m[..., 0])[0]) for m in moved}) > 5


def test_saliency_of_the_shipped_network_matches_finite_differences():
    """∂p_top/∂x by the backward pass equals central differences on a few pixels.

    A little noise on the digit: on its flat black background, max-pool windows tie
    and p is not differentiable there (the one-sided differences disagree).
    """
    from cnnviz.data.digits import load_digits
    from cnnviz.lessons.digits import load_model
    model = load_model()
    noise = np.random.default_rng(3).random((28, 28, 1)) * 0.05
    x = load_digits().x[7][:, :, None].astype(np.float64) * 0.95 + noise
    grad, top, probs = nn.saliency(model.params, model.spec, x)
    assert grad.shape == (28, 28, 1) and top == int(np.argmax(probs))
    p64 = {k: v.astype(np.float64) for k, v in model.params.items()}

    def p_top(img):
        return nn.predict(p64, model.spec, img[None])[0, top]

    h = 1e-6
    for i, j in [(14, 14), (10, 12), (20, 8), (5, 16), (16, 20)]:
        up, down = x.copy(), x.copy()
        up[i, j, 0] += h
        down[i, j, 0] -= h
        numeric = (p_top(up) - p_top(down)) / (2 * h)
        assert grad[i, j, 0] == pytest.approx(numeric, rel=1e-4, abs=1e-9)
    assert np.abs(grad).max() > 1e-4  # not trivially zero
    with pytest.raises(ValueError, match="target must be below 10"):
        nn.saliency(model.params, model.spec, x, target=12)

"""The caches key big arrays exactly (Streamlit would only sample arrays of ≥ 500,000 values)."""

from __future__ import annotations

import numpy as np

import cnnviz
from cnnviz.plots.figures import grid_figure
from cnnviz.ui import cached
from tests.readers import picture_data


def test_digest_sees_one_changed_value_in_a_big_array():
    a = np.zeros((1024, 1024))
    b = a.copy()
    b[517, 3] = 1e-12
    assert cached.digest(a) != cached.digest(b)
    assert cached.digest(a) != cached.digest(a.astype(np.float32))
    assert cached.digest(a) != cached.digest(a.reshape(512, 2048))


def test_cached_results_equal_the_cores_and_follow_their_inputs():
    rng = np.random.default_rng(2)
    image = rng.uniform(size=(800, 700))  # 560,000 values: past Streamlit's sampling size
    other = image.copy()
    other[400, 350] += 1.0
    k = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
    for x in (image, other, image):
        np.testing.assert_array_equal(cached.conv2d(x, k, 0.5, padding="same"),
                                      cnnviz.conv2d(x, k, 0.5, padding="same"))
        np.testing.assert_array_equal(cached.pool2d(x, 2, mode="max"), cnnviz.pool2d(x, 2))
    a, b = cached.grid_figure(image, title="t"), cached.grid_figure(other, title="t")
    assert picture_data(a)["png"] != picture_data(b)["png"]
    assert picture_data(a)["png"] == picture_data(grid_figure(image, title="t"))["png"]
    assert cached.grid_figure(image, title="t") is a  # built once


def test_kernel_lesson_tells_two_big_images_one_pixel_apart():
    """512 × 512 × 3 is past Streamlit's sampling size: the key must be exact."""
    from cnnviz.core.conv import ConvSettings

    image = np.random.default_rng(4).uniform(size=(512, 512, 3))
    other = image.copy()
    other[300, 211, 1] = 1.0 - other[300, 211, 1]
    options = dict(lr=1.0, steps=2, momentum=0.9, settings=ConvSettings(), learn_bias=True,
                   init="zeros", noise_percent=0, seed=0, centre=True)
    a = cached.kernel_lesson(image, "sobel_x", **options)
    b = cached.kernel_lesson(other, "sobel_x", **options)
    assert not np.array_equal(a.target, b.target)


def test_evaluation_is_keyed_on_the_weights_not_a_name():
    from cnnviz.core import nn

    shipped = cached.shipped_model()
    zero = nn.Trained(params={n: np.zeros_like(v) for n, v in shipped.params.items()},
                      spec=shipped.spec, history=shipped.history)
    assert cached.evaluation(shipped).accuracy == 0.973
    assert cached.evaluation(zero).accuracy == 0.1
    assert cached.evaluation(shipped).accuracy == 0.973

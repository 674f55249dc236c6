"""The caches key big arrays exactly (Streamlit would only sample arrays of ≥ 500,000 values)."""

from __future__ import annotations

import numpy as np

import cnnviz
from cnnviz.plots.figures import grid_figure
from cnnviz.ui import cached


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
    assert a.data["png"] != b.data["png"]
    assert a.data["png"] == grid_figure(image, title="t").data["png"]
    assert cached.grid_figure(image, title="t") is a  # built once

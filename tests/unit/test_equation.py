"""Every Python rendering of a step's sum says the same thing (cnnviz.lessons.equation).

The trace (``Step.equation``), the animation's decoded payload (``step_view``,
the reference the browser follows), the predict panel and the GIF
(``step_text``) all write a sum through ``cnnviz.core.text.sum_equation`` and
name the activation as the screen does.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.core.text import applied, product_terms, sum_equation
from cnnviz.core.trace import ConvTrace
from cnnviz.lessons.animation import build_conv_payload, step_view
from cnnviz.lessons.equation import activated_name, step_text

RNG = np.random.default_rng(3)


@pytest.mark.parametrize("activation", ["none", "relu", "leaky_relu", "sigmoid", "tanh"])
def test_the_trace_the_payload_and_the_panels_write_one_sum(activation):
    image = RNG.integers(-4, 5, size=(5, 5)).astype(float)
    kernel = np.array([[1.0, -0.5, 0.0], [2.0, 0.25, -1.0], [0.0, 1.0, -3.0]])
    trace = ConvTrace(image, kernel, padding=1, activation=activation)
    payload = build_conv_payload(trace, digits=3)
    for k in range(trace.n_steps):
        step = trace.step(k)
        lines = step_view(payload, k)["equation"]
        text = step_text(step, activation)
        assert lines[0] == step.equation() == text.sum
        assert text.channels == ""
        if activation == "none":
            assert len(lines) == 1 and text.activation == ""
        else:
            assert lines[-1] == text.activation
            assert text.activation.startswith(activated_name(activation)[:-3] + "(")


def test_a_colour_step_names_each_channel_and_the_bias():
    trace = ConvTrace(np.ones((3, 3, 3)), np.ones((2, 2, 3)), bias=-1.0)
    text = step_text(trace.step(0), "none")
    assert text.channels == "4 + 4 + 4 + bias -1 = 11"
    assert text.sum.endswith(" + (−1) = 11")


def test_the_pieces():
    assert product_terms(["-2", "3"], ["0.5", "-1"]) == ["(−2)·0.5", "3·(−1)"]
    assert sum_equation(["1·2"], "1", bias="-1") == "1·2 + (−1) = 1"
    assert sum_equation([], "0") == "0 = 0"
    assert applied("ReLU", "-1.5", "0") == "ReLU(-1.5) = 0"
    assert activated_name("relu") == "ReLU(z)" and activated_name("none") == "z"

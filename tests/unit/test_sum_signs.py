"""Every sum the app writes follows the lectures' sign convention (core.text.addends, factor).

The first addend has a true minus, a later negative one is in parentheses and so is a
negative factor: "−448 + (−91) + 472", "(−0.5)·0.2"; never "-448 + -91" or "0.3·-1".
(Issue 18: the one-channel sum line wrote "−448 + -91 + 472".)
"""

from __future__ import annotations

import numpy as np

from cnnviz.core.trace import ConvTrace, PoolTrace
from cnnviz.lessons import colour as volumes
from cnnviz.lessons import pooling, quiz
from cnnviz.lessons import separable as sep
from cnnviz.plots.gif import _equation_lines

# Lecture 004's "another image", cell (0, 0): Layer R −448, G −91, B 472, total −67.
ANOTHER = ConvTrace(np.array([[[-448.0, -91.0, 472.0]]]), np.ones((1, 1, 3)))


def _plain_hyphen_sum(text: str) -> bool:
    return " + -" in text or "·-" in text or "(-" in text


def test_the_colour_total_adds_the_partial_sums_the_lectures_way():
    step = ANOTHER.at(0, 0)
    assert volumes.total_equation(step) == "−448 (R) + (−91) (G) + 472 (B) + 0 (bias b) = -67"


def test_the_slides_gif_writes_the_same_sum_as_the_screen():
    lines = _equation_lines(ANOTHER, ANOTHER.at(0, 0), 3)
    assert lines[-1] == "−448 + (−91) + 472 + 0 = -67"
    neuron = ConvTrace(np.array([[-3.0, 1.0], [2.0, -5.0]]), np.ones((2, 2)), bias=-4.0)
    assert _equation_lines(neuron, neuron.at(0, 0), 3)[-1] == "wᵀx + w₀ = −5 + (−4) = -9"


def test_an_average_pool_adds_negative_values_in_parentheses():
    trace = PoolTrace(np.array([[-1.0, -2.0], [3.0, -4.0]]), 2, mode="avg")
    assert pooling.window_equation(trace, 0) == (
        "mean(-1, -2, 3, -4) = (−1 + (−2) + 3 + (−4)) / 4 = -1")


def test_a_one_by_one_mix_puts_negative_factors_in_parentheses():
    assert sep.mix_equation((-0.5, 0.25), np.array([0.2, -1.0])) == (
        "(−0.5)·0.2 + 0.25·(−1) = -0.35")


def test_practice_works_out_a_value_with_the_same_signs():
    seen_negative_first = False
    for seed in range(60):
        question = quiz.make_question("value", seed, 3)
        that_is = question.worked[-1]
        assert not _plain_hyphen_sum(that_is), that_is
        assert not that_is.startswith("That is (−"), that_is  # the first term: a true minus
        seen_negative_first |= that_is.startswith("That is −")
    assert seen_negative_first  # the seeds include a sum that starts negative

"""The animator's screen-reader caption (static/animator/equation.js) is the Python reference.

``tests.readers.step_caption`` says what each step's caption must
read; here the browser code's own ``caption`` runs in Node on real payloads
(grey, colour, with bias and activation, padding, flip, pooling) and every
step is compared with it. The browser test (tests/e2e/test_a11y.py) then
checks one caption on the page against the core's conv2d.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from cnnviz.core.trace import ConvTrace, PoolTrace
from cnnviz.lessons.animation import (
    build_conv_payload,
    build_pool_payload,
    payload_json,
    step_view,
)
from tests.readers import step_caption

JS = Path(__file__).resolve().parents[2] / "cnnviz" / "ui" / "static" / "animator" / "equation.js"

# The equation view's text functions use no DOM: Node imports the module as it is.
DRIVER = """
import { caption, prepare } from %(module)s;
const P = prepare(JSON.parse(%(payload)s));
const out = [];
for (let k = 0; k < P.n_steps; k += 1) out.push(caption(P, k));
console.log(JSON.stringify(out));
"""


def _captions(payload: dict) -> list[str]:
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH"
    program = DRIVER % {"payload": json.dumps(payload_json(payload)),
                        "module": json.dumps(JS.as_uri())}
    done = subprocess.run([node, "--input-type=module", "-"], input=program,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


RNG = np.random.default_rng(7)
CASES = {
    "grey 2x2, no bias": build_conv_payload(ConvTrace(np.arange(16.0).reshape(4, 4),
                                                      [[1, -1], [0, 2]])),
    "grey 3x3, bias, relu, padding": build_conv_payload(ConvTrace(
        RNG.integers(-5, 6, (5, 5)).astype(float), [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
        bias=-1.5, padding=1, activation="relu")),
    "colour, flip, stride": build_conv_payload(ConvTrace(
        RNG.random((6, 6, 3)).round(2), RNG.integers(-2, 3, (3, 3, 3)).astype(float),
        bias=0.25, stride=2, flip=True)),
    "max pool": build_pool_payload(PoolTrace(RNG.integers(0, 9, (6, 6)).astype(float), 2)),
    "average pool 3": build_pool_payload(PoolTrace(RNG.random((6, 6)).round(2), 3,
                                                   mode="avg")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_caption_matches_the_python_reference(name):
    payload = CASES[name]
    captions = _captions(payload)
    assert len(captions) == payload["n_steps"]
    assert captions == [step_caption(payload, k) for k in range(payload["n_steps"])]


def test_a_caption_names_the_cell_its_value_and_the_bias():
    payload = CASES["grey 3x3, bias, relu, padding"]
    text = step_caption(payload, 7)
    assert text.startswith("Step 8 of 25: output (1, 2) = ")
    assert "bias -1.5 = " in text and "; ReLU(" in text and "…" in text


# --------------------------------------------------------------------------- sums' signs
#
# Lecture 004's "another image", cell (0, 0): Layer R −448, G −91, B 472, total −67. A sum
# of numbers is written as the lectures write it (core.text.factor, one home): the first
# addend with a true minus, a later negative one in parentheses, "−448 + (−91) + 472";
# never "-448 + -91 + 472".
SIGNED = {
    "colour partial sums": build_conv_payload(ConvTrace(
        np.array([[[-448.0, -91.0, 472.0]]]), np.ones((1, 1, 3)))),
    "neuron, negative weighted sum": build_conv_payload(ConvTrace(
        np.array([[-3.0, 1.0], [2.0, -5.0]]), np.ones((2, 2)), bias=-4.0)),
    "average pool of negatives": build_pool_payload(PoolTrace(
        np.array([[-1.0, -2.0], [3.0, -4.0]]), 2, mode="avg")),
}
CASES.update({f"signed: {name}": payload for name, payload in SIGNED.items()})

EQUATIONS = """
import { equation, prepare } from %(module)s;
const P = prepare(JSON.parse(%(payload)s));
const plain = (html) => html.replace(/<[^>]*>/g, "").replace(/&amp;/g, "&");
const out = [];
for (let k = 0; k < P.n_steps; k += 1) out.push(equation(P, k, %(only)s).lines.map(plain));
console.log(JSON.stringify(out));
"""


def _equations(payload: dict, only: int = -1) -> list[list[str]]:
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH"
    program = EQUATIONS % {"payload": json.dumps(payload_json(payload)),
                           "module": json.dumps(JS.as_uri()), "only": only}
    done = subprocess.run([node, "--input-type=module", "-"], input=program,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", list(CASES))
def test_every_equation_under_the_grids_matches_the_python_reference(name):
    payload = CASES[name]
    assert _equations(payload) == [step_view(payload, k)["equation"]
                                   for k in range(payload["n_steps"])]


def test_a_sum_of_numbers_writes_a_negative_addend_in_parentheses():
    colour = SIGNED["colour partial sums"]
    assert step_view(colour, 0)["equation"][-1] == "−448 + (−91) + 472 + 0 = -67"
    assert step_caption(colour, 0).endswith("; −448 + (−91) + 472 + bias 0 = -67.")
    # One channel at a time (a projector): the sum of the partial sums, the shown one marked.
    assert _equations(colour, only=1)[0][-1] == "R + G + B: −448 + (−91) + 472 + 0 = -67"
    neuron = SIGNED["neuron, negative weighted sum"]
    assert step_view(neuron, 0)["equation"][-1] == "wᵀx + w₀ = −5 + (−4) = -9"
    pool = SIGNED["average pool of negatives"]
    assert step_view(pool, 0)["equation"] == ["(−1 + (−2) + 3 + (−4)) / 4 = -1"]
    for payload in SIGNED.values():
        for k in range(payload["n_steps"]):
            assert " + -" not in step_caption(payload, k)
            assert not any(" + -" in line or "(-" in line
                           for line in step_view(payload, k)["equation"])

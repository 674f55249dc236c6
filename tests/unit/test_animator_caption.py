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

"""static/numbers.js: which typed text a number box would change in silence (run in Node).

Streamlit's number input reads "2.7" in a whole-number box as 2 and "1e308" as 1;
checkTyped says why such text is not applied, and lets good text through.
The browser test (tests/e2e/test_links.py) types into the Playground's boxes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[2] / "cnnviz" / "ui" / "static" / "numbers.js"

STRIDE = {"min": 1, "max": 16, "whole": True, "current": "2"}
DILATION = {"min": 1, "max": 8, "whole": True, "current": "8"}
BIAS = {"min": None, "max": None, "whole": False, "current": "0.5"}


def _check(cases: list[tuple[str, dict]]) -> list[str | None]:
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH"
    source = JS.read_text(encoding="utf-8").replace("export default function", "function _main")
    program = source + f"\nconsole.log(JSON.stringify({json.dumps(cases)}" \
                       ".map(([t, b]) => checkTyped(t, b))));\n"
    done = subprocess.run([node, "--input-type=module", "-"], input=program,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_text_the_box_would_change_is_refused_saying_why_and_what_it_keeps():
    got = _check([("2.7", STRIDE), ("1e308", DILATION), ("1e1", STRIDE), ("inf", BIAS),
                  ("1e400", BIAS), ("0", STRIDE), ("17", STRIDE), ("abc", BIAS)])
    assert got[0] == "“2.7” is not a whole number (1 to 16); the setting keeps 2."
    assert got[1] == "“1e308” is above the largest value, 8; the setting keeps 8."
    assert got[2] == "“1e1”: type the whole number in digits (1 to 16); the setting keeps 2."
    assert got[3] == "“inf” is not a number; the setting keeps 0.5."
    assert got[4] == "“1e400” is not a number; the setting keeps 0.5."
    assert got[5] == "“0” is below the smallest value, 1; the setting keeps 2."
    assert got[6] == "“17” is above the largest value, 16; the setting keeps 2."
    assert "“abc”" in got[7]


@pytest.mark.parametrize(("text", "box"), [("3", STRIDE), (" 16 ", STRIDE), ("+4", STRIDE),
                                           ("-1.5e3", BIAS), ("0.25", BIAS), ("", STRIDE)])
def test_text_the_box_takes_as_it_is_passes(text, box):
    assert _check([(text, box)]) == [None]

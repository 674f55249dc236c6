"""The map element's number rule (mapview.js ``numberFont``) is NUMBER_FIT's, run in Node.

``cnnviz.plots.display.number_font`` estimates a label's width as
``characters · char · size``; the browser measures it. Given a text measurer
that answers with that same estimate, the browser's size must be Python's,
below NUMBER_FIT's minimum the minimum while a label still fits inside its cell, else 0
(the cells show their colours only: overflowing numbers are noise), and
the ink must be black on light cells and white on dark ones.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from cnnviz.plots.display import NUMBER_FIT, number_font

JS = Path(__file__).resolve().parents[2] / "cnnviz" / "ui" / "static" / "mapview.js"

CASES = [(cell, n) for cell in (8, 14, 22, 30, 41.5, 44, 64, 97, 200) for n in (1, 2, 3, 4, 6)]

DRIVER = """
const fit = %(fit)s;
const cases = %(cases)s;
// A measurer that answers with Python's estimate: n characters of `char` em each.
const ctx = { font: "", measureText(t) {
  const px = parseFloat(this.font.split(" ")[1]);
  return { width: t.length * fit.char * px };
} };
const sizes = cases.map(([cell, n]) => numberFont(ctx, [["9".repeat(n), "1"]], cell, fit, 400));
const inks = [inkFor(0, 0, 0), inkFor(255, 255, 255), inkFor(103, 0, 31), inkFor(247, 247, 247)];
console.log(JSON.stringify({ sizes, inks }));
"""


def test_the_browsers_number_rule_is_pythons():
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH"
    source = JS.read_text(encoding="utf-8").replace("export default function", "function _main")
    program = source + DRIVER % {"fit": json.dumps(dict(NUMBER_FIT)), "cases": json.dumps(CASES)}
    done = subprocess.run([node, "--input-type=module", "-"], input=program, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for (cell, n), size in zip(CASES, out["sizes"], strict=True):
        # Python's rule; below its minimum, the minimum while the label fits inside the
        # cell (the measurer's n · char · px), else no numbers (0): none overflow.
        inside = max(n * NUMBER_FIT["char"], 1) * NUMBER_FIT["min"] <= cell
        assert size == (number_font(cell, n) or (NUMBER_FIT["min"] if inside else 0)), (
            cell, n, size)
    assert out["inks"] == ["#ffffff", "#111111", "#ffffff", "#111111"]

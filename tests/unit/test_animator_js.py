"""The animator's colour helpers (static/animator/colours.js) never throw, whatever number they get.

Regression: kernel cells of 1e308 on the step-by-step page gave a payload
scale of ±1e308; ``hi - lo`` overflowed to Infinity in the browser, the colour
bar computed ``Infinity * 0 = NaN``, and ``divergingRgb(NaN)`` indexed its
colour table with NaN and threw, so nothing was animated. The helpers run
here in Node (part of this project's machine, see the README of the env).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np

from cnnviz.core.trace import ConvTrace
from cnnviz.lessons.animation import build_conv_payload
from cnnviz.plots.display import DIVERGING_COLORS, diverging_lut

JS = Path(__file__).resolve().parents[2] / "cnnviz" / "ui" / "static" / "animator" / "colours.js"

BIG = 1.7976931348623157e308
VALUES = ["NaN", "Infinity", "-Infinity", "1e308", "-1e308", str(BIG), str(-BIG), "0", "5e-324",
          "0.5", "'∞'", "'-∞'", "'NaN'", "null", "undefined"]

DRIVER = """
import { divergingRgb, gradientCss, scaleRgb } from %(module)s;
const PAL = %(palette)s;
const values = [%(values)s];
const scales = %(scales)s;
const out = {diverging: [], scaled: [], gradients: [], errors: []};
for (const v of values) {
  try { out.diverging.push(divergingRgb(v, PAL)); } catch (e) { out.errors.push(String(e)); }
  for (const sc of scales) {
    for (const tint of [null, [255, 40, 40]]) {
      try { out.scaled.push(scaleRgb(v, sc, tint)); } catch (e) { out.errors.push(String(e)); }
    }
  }
}
for (const sc of scales) {
  try { out.gradients.push(gradientCss(sc)); } catch (e) { out.errors.push(String(e)); }
}
out.normal = [divergingRgb(0, PAL), divergingRgb(1, PAL), divergingRgb(-1, PAL),
              scaleRgb(0.5, {kind: "seq", lo: 0, hi: 1}, null),
              scaleRgb(-2, {kind: "div", lo: -4, hi: 4}, null)];
console.log(JSON.stringify(out));
"""


def _run(scales: list[dict]) -> dict:
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH"
    # The app's palette: the maps' lookup table, which the animator's script carries.
    program = DRIVER % {"values": ", ".join(VALUES), "scales": json.dumps(scales),
                        "palette": json.dumps(diverging_lut()),
                        "module": json.dumps(JS.as_uri())}
    done = subprocess.run([node, "--input-type=module", "-"], input=program,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _assert_colours(out: dict) -> None:
    assert out["errors"] == []
    for rgb in out["diverging"] + out["scaled"]:
        assert len(rgb) == 3 and all(isinstance(c, int | float) for c in rgb), rgb
        assert all(0 <= c <= 255 for c in rgb), rgb
    for css in out["gradients"]:
        assert "NaN" not in css and "undefined" not in css, css


def test_colour_helpers_never_throw_on_huge_or_non_finite_values():
    scales = [
        {"kind": "div", "lo": -1e308, "hi": 1e308},
        {"kind": "div", "lo": -BIG, "hi": BIG},
        {"kind": "seq", "lo": -BIG, "hi": BIG},
        {"kind": "seq", "lo": 0, "hi": 1e308},
        {"kind": "seq", "lo": 0, "hi": 1},
        {"kind": "div", "lo": 0, "hi": 0},
        {"kind": "seq", "lo": 3, "hi": 3},
    ]
    out = _run(scales)
    _assert_colours(out)
    # Ordinary values keep their colours: the palette's middle for 0, its ends, mid-grey.
    stops = [list(c) for c in DIVERGING_COLORS]
    assert out["normal"][0] == stops[len(stops) // 2]
    assert out["normal"][1] == stops[-1] and out["normal"][2] == stops[0]
    assert out["normal"][3] == [127.5, 127.5, 127.5]


def test_scales_of_a_real_payload_with_1e308_weights():
    # One 1e308 cell on a [0, 1] grid: the output fits, but every scale spans ±1e308.
    kernel = np.zeros((3, 3))
    kernel[1, 1] = 1e308
    payload = build_conv_payload(ConvTrace(np.linspace(0, 1, 25).reshape(5, 5), kernel))
    scales = list(payload["scales"].values())
    assert any(abs(s["hi"]) >= 1e307 for s in scales)
    _assert_colours(_run(scales))

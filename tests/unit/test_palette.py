"""One diverging palette: in plots.display, used by the heatmaps and maps, sent to the animator."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from cnnviz.core.trace import ConvTrace, PoolTrace
from cnnviz.lessons.animation import build_conv_payload, build_pool_payload
from cnnviz.plots.display import (
    DIVERGING_COLORS,
    DIVERGING_COLORSCALE,
    DIVERGING_LEVELS,
    diverging_lut,
    map_for_display,
)

STATIC = Path(__file__).parents[2] / "cnnviz" / "ui" / "static" / "animator"
COLOURS = STATIC / "colours.js"


def test_the_animators_script_carries_the_maps_lookup_table_once():
    from cnnviz.ui import animator

    lut = diverging_lut()
    assert len(lut) == DIVERGING_LEVELS
    # Every stop is one of the table's levels: -1, 0, 1 and the stops in between.
    assert [lut[i * 25] for i in range(len(DIVERGING_COLORS))] == [
        list(c) for c in DIVERGING_COLORS]
    assert animator._JS.count(json.dumps(lut, separators=(",", ":"))) == 1
    # ... and no payload repeats it (the lessons floor has no palette).
    assert "palette" not in build_conv_payload(ConvTrace(np.eye(3), [[1, -1]]))
    assert "palette" not in build_pool_payload(PoolTrace(-np.eye(4)))


def test_heatmaps_use_the_same_stops():
    dm = map_for_display([[-1.0, 1.0]], "diverging")
    assert dm.colorscale == DIVERGING_COLORSCALE
    assert [c for _, c in dm.colorscale] == [f"rgb({r},{g},{b})" for r, g, b in DIVERGING_COLORS]


def test_palette_is_colour_blind_safe_blue_white_red():
    # Negative end blue-dominant, positive end red-dominant, middle near white:
    # no red-against-green pair.
    lo, mid, hi = DIVERGING_COLORS[0], DIVERGING_COLORS[len(DIVERGING_COLORS) // 2], \
        DIVERGING_COLORS[-1]
    assert lo[2] > lo[0] and hi[0] > hi[2] and min(mid) > 230
    assert all(g <= max(r, b) for r, g, b in DIVERGING_COLORS)


def test_animator_has_no_palette_of_its_own():
    js = "".join(p.read_text() for p in STATIC.glob("*.js"))
    assert 'from "./palette.js"' in js  # the table Python writes
    assert "[33, 102, 172]" not in js and "const DIVERGING" not in js


@pytest.mark.skipif(shutil.which("node") is None,
                    reason="needs Node.js for the animator's JavaScript (tools/test.sh has it)")
def test_animator_colours_are_finite_safe():
    """Run the animator's colour functions in node: payload stops in, no exception out."""
    script = Path(__file__).with_name("palette_check.mjs")
    pal = json.dumps(diverging_lut())
    run = subprocess.run(["node", str(script), COLOURS.as_uri(), pal], capture_output=True,
                         text=True, timeout=60, check=True)
    first, second = (json.loads(line) for line in run.stdout.splitlines())
    grey = [190, 190, 190]
    # -2, 0, 2 on a ±2 scale hit the end and middle stops exactly.
    assert first[:3] == [list(DIVERGING_COLORS[0]), list(DIVERGING_COLORS[5]),
                         list(DIVERGING_COLORS[-1])]
    assert first[3:8] == [grey] * 5  # NaN, ±inf and the payload's "NaN"/"-∞" strings
    assert first[8] == list(DIVERGING_COLORS[-1])  # huge but finite: clamped, not neutral
    assert second[:3] == [grey, grey, [grey, grey]]  # zero range, no palette, bad palette

"""The SVG charts that replaced Plotly on the pages' first screens (cnnviz.plots.svgcharts)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np

from cnnviz.plots.svgcharts import loss_svg, probability_svg, training_svg, weights_svg

NS = "{http://www.w3.org/2000/svg}"


def _x(svg: str, pattern: str) -> float:
    return float(re.search(pattern, svg).group(1))


def test_every_chart_is_well_formed_svg_with_a_label_and_escaped_titles():
    title = '<script>alert("x")</script> & co'
    for svg in (training_svg([0, 1], [1.0, 0.5], [0.2, 0.4], [1], [0.5], title=title),
                probability_svg(np.full(10, 0.1), title=title),
                loss_svg(np.array([1.0, 0.5]), title=title),
                weights_svg(np.zeros((2, 3, 3)), np.eye(3), title=title)):
        root = ET.fromstring(svg)  # parses: nothing of the title is read as markup
        assert root.tag == NS + "svg" and root.get("role") == "img"
        assert root.get("aria-label").startswith(title)
        assert "<script>" not in svg


def test_the_blow_up_line_stays_inside_the_axis():
    # Six finite losses, the run blew up at step 6: its line at 5.5 was drawn past the
    # right edge (x = 5 is the axis's end), its label cut off.
    svg = loss_svg(np.array([0.2, 0.19, 0.5, 30.0, 4e3, 3e5]), current=0, diverged_at=6)
    right = 560 - 14
    line = _x(svg, r'<line x1="([\d.]+)" y1="40" x2="[\d.]+" y2="[\d.]+" stroke="#d62728"')
    assert line < right
    assert "blew up at step 6" in svg


def test_zero_losses_sit_on_the_log_axis_and_keep_their_value():
    svg = loss_svg(np.array([1.0, 0.0]), current=1)
    assert "step 1: L = 0</title>" in svg
    assert re.search(r'data-values="\[1\.0, 0\.0\]"', svg)


def test_probabilities_are_carried_exactly_and_the_best_is_marked():
    p = np.array([0.05, 0.7, *([0.03125] * 8)])
    svg = probability_svg(p, label=1)
    values = [float(v) for v in re.findall(r'data-p="([^"]+)"', svg)]
    assert values == p.tolist()
    assert svg.count('fill="#ffb000"') == 1 and svg.count('stroke-width="3"') == 1

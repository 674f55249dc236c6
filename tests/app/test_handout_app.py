"""The handout's numbers are the pages' numbers: each printed item opened as its link opens it."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest

from cnnviz.lessons import lectures
from cnnviz.plots.handout import handout

from .conftest import animators, exceptions, read, sums


def _step(example: str) -> lectures.Step:
    return next(s for s in lectures.steps() if s.id == example)


def _query(step: lectures.Step) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(lectures.href(step)).query))


def _tables(example: str) -> dict[str, np.ndarray]:
    """Every table of the example's section, by the start of its caption."""
    section = handout(example[:3]).split(f"<h2>{example} ", 1)[1].split("</section>", 1)[0]
    found = re.findall(r"<figcaption>([^<]*)</figcaption><table>(.*?)</table>", section)
    return {caption.split(":")[0]: np.array(
        [re.findall(r"<td>([^<]*)</td>", r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body)],
        dtype=float) for caption, body in found}


def test_step_by_step_001_3_animates_the_grid_the_handout_prints(open_page):
    at = open_page("pages/animation.py", query=_query(_step("001.3")))
    (element,) = animators(at)
    payload = json.loads(json.loads(element.proto.json)["payload"])
    printed = _tables("001.3")
    grid = np.array(payload["vals"], dtype=float)[np.array(payload["ids"])]
    assert np.array_equal(grid.reshape(payload["padded_shape"]),
                          printed["Input (8 × 8) from the square pattern"])
    assert np.array_equal(np.array(payload["totals"], dtype=float).reshape(6, 6),
                          printed["Output (p = 0, s = 1)"])


@pytest.mark.parametrize("example", ["001.7", "003.2"])
def test_the_matrix_page_shows_the_x_and_y_the_handout_prints(open_page, example):
    at = open_page("pages/matrix.py", query=_query(_step(example)))
    assert not at.exception, exceptions(at)
    _, x, y = read(at, "mx_w")["panels"]
    printed = _tables(example)
    # The figure carries float32; the page's x has 2 decimals, its y at most 4.
    assert np.allclose(np.asarray(x["values"]).reshape(6, 6), printed["Input x (6 × 6)"],
                       atol=1e-6)
    assert np.allclose(np.asarray(y["values"]).reshape(4, 4),
                       printed["y = W x = im2col · k (4 × 4)"], atol=0.005)
    row = 0  # both open output cell (0, 0): 003.2's a′₁₁ is named after its window's centre
    assert sums(at)[0] in handout(example[:3])
    assert sums(at)[0].startswith(f"y[{row}] = ")

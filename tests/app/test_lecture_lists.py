"""The lecture lists: every worked example opens from its link with the lecture's numbers.

The expected numbers are the lectures' own (the transcripts in ``shared/lectures``,
numbered as in ``shared/TEACHING.md``), written here: a user's clone has no
``shared`` folder, so nothing here reads it.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from cnnviz.core.kernels import kernel_from_table
from cnnviz.lessons import lectures
from cnnviz.lessons.animation import step_view
from cnnviz.ui import kernel
from cnnviz.ui import lectures as lecture_ui

from .conftest import (
    animators,
    cell_grids,
    charts,
    exceptions,
    numbers,
    page_text,
    raw,
    sums,
    title,
)

# How many worked examples each lecture has (TEACHING.md's numbering).
COUNTS = {"000": 12, "001": 9, "002": 6, "003": 7, "004": 13}

RECT_WTX = [[1, 1, 1, 1, 0], [1, 1, 1, 2, 0], [3, 4, 4, 5, 2], [2, 2, 1, 2, 1], [2, 3, 3, 3, 2]]
DIGIT_ONE = [[0, 1, 1, 0, 0], [1, 3, 1, 1, 0], [1, 2, 2, 2, 0], [0, 2, 2, 2, 0], [0, 1, 0, 2, 0]]
SIGNED = [[-67, 23, 43, 55, -72, -12, -30, 81], [313, 343, 0, 0, 0, 0, -362, -291],
          [559, 390, 0, 0, 0, 0, -423, -601], [498, 390, 0, 0, 0, 0, -423, -633],
          [498, 390, 0, 0, 0, 0, -423, -633], [559, 390, 0, 0, 0, 0, -423, -601],
          [318, 344, 0, 0, 0, 0, -367, -296], [-62, 24, 43, 55, -72, -12, -35, 76]]
SHARPEN = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]


def _open(open_page, step):
    at = open_page(f"pages/{step.page}.py", query=lectures.link_query(step))
    assert not at.exception, exceptions(at)
    # Every value of the link was taken: no notice about an ignored value.
    assert not [w.value for w in at.warning if "ignored" in w.value], step.id
    return at


def _chart(at, start: str) -> np.ndarray:
    """The values of the first chart whose title starts with ``start``."""
    from tests.readers import read_out
    for spec in charts(at):
        if title(spec).startswith(start):
            return np.asarray(read_out(spec)["values"], dtype=float)
    raise AssertionError(f"no chart titled {start!r}: {[title(c) for c in charts(at)]}")


def _printed(at, start: str) -> list[list[str]]:
    """The numbers a small grid prints in its cells, as text."""
    for spec in charts(at):
        if title(spec).startswith(start):
            printed = numbers(spec)
            assert printed is not None, f"{start!r} prints no numbers"
            return [list(row) for row in printed]
    raise AssertionError(f"no chart titled {start!r}")


def _feature_map(at) -> np.ndarray:
    return _chart(at, "Feature map z")


def _kernel_cells(at) -> np.ndarray:
    """The Playground's / Step by step's kernel grid, as numbers."""
    return kernel_from_table(cell_grids(at)[kernel.GRID.key_in(at.session_state)])


def _animation(at) -> tuple[dict, np.ndarray]:
    (element,) = animators(at)
    payload = json.loads(json.loads(element.proto.json)["payload"])
    outputs = [float(step_view(payload, i)["output"]) for i in range(payload["n_steps"])]
    return payload, np.array(outputs).reshape(payload["out_shape"])


def _comparison(at, what: str) -> tuple[str, str]:
    """(exact value, lecture's figure) of the comparison row whose text contains ``what``."""
    table = at.table[0].value
    for index, row in table.iterrows():
        if what in str(index):
            return row["exact value"], row["lecture's figure"]
    raise AssertionError(f"no comparison row {what!r}")


def _stack_row(at, column: str) -> list[str]:
    return [str(v) for v in at.dataframe[-1].value[column].tolist()]


def _text(at) -> str:
    return page_text(at) + "\n" + "\n".join(str(m.value) for m in at.latex)


# --- one check per example: the lecture's numbers on screen ---------------------


def c000_1(at):
    assert _comparison(at, "CIFAR-10") == ("3,083,010", "≈ 3·10⁶")


def _photo_kernel(kernel):
    def check(at):
        np.testing.assert_array_equal(_kernel_cells(at), kernel)
        assert _feature_map(at).ndim >= 2
    return check


c000_2 = _photo_kernel(SHARPEN)
c000_3 = _photo_kernel(np.ones((3, 3)))
c000_4 = _photo_kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]])


def c000_5(at):
    payload, out = _animation(at)
    assert payload["kernel"] == [1, 0, 0, 1, 0, 1, 0, 1, 1]
    np.testing.assert_array_equal(out, DIGIT_ONE)


def c000_6(at):
    assert raw(at, "pooling_out").shape == (8, 8)  # 16 × 16 pooled 2 × 2, stride 2: readable
    assert "Nothing to learn" in page_text(at)


def c000_7(at):
    assert "FLATTEN" in _stack_row(at, "layer")
    assert _stack_row(at, "output shape")[_stack_row(at, "layer").index("FLATTEN")] == "120"


def _edge_volume_cell(at):
    out = _chart(at, "Output z")
    np.testing.assert_array_equal(out, np.tile([0, 0, 0, 225, 225, 0, 0, 0], (8, 1)))
    # the cell of step 4 (row 0, column 3): 75 + 75 + 75 = 225
    for name in "RGB":
        np.testing.assert_array_equal(_chart(at, f"{name} window a"),
                                      [[25, 25, 0]] * 3)
    assert "(row 0, column 3)" in page_text(at)


c000_8 = _edge_volume_cell


def c000_9(at):
    assert _feature_map(at).shape == (7, 7)  # p = 1 keeps 7 × 7


def c000_10(at):
    payload, out = _animation(at)
    assert payload["stride"] == [2, 2] and out.shape == (3, 3)
    # every second window of the digit one's map: rows and columns 0, 2, 4
    np.testing.assert_array_equal(out, np.array(DIGIT_ONE)[::2, ::2])


def c000_11(at):
    assert re.search(r"\\frac\{7 \+ 2\\cdot 0 - 3\}\{2\}.*\+ 1 = 3", _text(at))


def c000_12(at):
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value.startswith("LeNet-5")
    assert _stack_row(at, "output shape")[1] == "28 × 28 × 6"
    assert "61,706" in page_text(at) or "61706" in page_text(at)


def c001_1(at):
    assert _comparison(at, "640×480 colour image: input") == ("921,600", "≈ 1·10⁶")
    assert _comparison(at, "100 units") == ("92,160,000", "≈ 1·10⁸")


def c001_2(at):
    np.testing.assert_allclose(_feature_map(at), [[0.001, 0.003, 0.876], [0, 0.002, 0.001]])
    # printed as the lecture prints them (not rounded to 0.88 and 0)
    assert _printed(at, "Feature map z") == [["0.001", "0.003", "0.876"], ["0", "0.002", "0.001"]]


def c001_3(at):
    payload, out = _animation(at)
    assert payload["kernel"] == [1] * 9 and payload["n_steps"] == out.size
    rows, cols = payload["in_shape"]
    assert out.shape == (rows - 2, cols - 2)  # Output(i, j) for every valid window


c001_4 = _photo_kernel(np.array([[1, 4, 7, 4, 1], [4, 16, 26, 16, 4], [7, 26, 41, 26, 7],
                                 [4, 16, 26, 16, 4], [1, 4, 7, 4, 1]]) / 273)
c001_5 = _photo_kernel(SHARPEN)
c001_6 = _photo_kernel([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])


def c001_7(at):
    assert _chart(at, "Feature map").shape == (4, 4)
    assert "W (16 × 36)" in " ".join(title(c) for c in charts(at))


def c001_8(at):
    assert "3 \\times 3 \\times 3 \\times 4" in page_text(at)


def c001_9(at):
    assert _feature_map(at).shape == (4, 4)  # 7 × 7, p = 1, s = 2: ⌊(7 + 2 − 3)/2⌋ + 1


def c002_1(at):
    payload, out = _animation(at)
    assert payload["bias"] == 0 and payload["activation"] == "none"
    np.testing.assert_array_equal(out, RECT_WTX)


def c002_1a(at):
    payload, out = _animation(at)
    assert payload["bias"] == -4 and payload["activation"] == "relu"
    # ReLU(wᵀx + w0): only the full match, wᵀx = 5, survives, at the top-right corner
    np.testing.assert_array_equal(out, np.maximum(np.array(RECT_WTX) - 4, 0))


def c002_2(at):
    # the rectangle padded with zeros (p = 1), stride 2: ⌊(7 + 2 − 3)/2⌋ + 1 = 4
    assert _feature_map(at).shape == (4, 4)


def c002_3(at):
    assert _stack_row(at, "output shape")[1] == "32 × 32 × 10"
    assert _stack_row(at, "parameters")[1] == "760"
    assert "p = 2" in page_text(at)


def c002_4(at):
    assert _chart(at, "Activation g(z), g = relu").min() >= 0
    assert _feature_map(at).min() < 0


def c002_5(at):
    np.testing.assert_array_equal(raw(at, "pooling_out"), [[1, 2], [4, 5]])


def c002_6(at):
    assert not at.error, [e.value for e in at.error]
    (check,) = at.success  # the published count, matched
    assert check.value.startswith("AlexNet") and "60" in check.value
    assert _stack_row(at, "output shape")[1].startswith("55 × 55 × 64")


def c003_1(at):
    assert _comparison(at, "200×200 grey image") == ("1,600,040,000", "≈ 1.6·10⁹")
    assert _comparison(at, "200×200 grey, fully") == ("6,400,160,000", "≈ 6.4 GB")
    assert _comparison(at, "RGB, fully") == ("57,600,480,000", "≈ 57.6 GB")


def c003_2(at):
    # The lecture's a′₁₁ = w₀₀·a₀₀ + … + w₂₂·a₂₂: the window at the top left, row 0 of W.
    assert _chart(at, "Feature map").shape == (4, 4)
    assert "Output cell $(0, 0)$ is row $i = r \\cdot n_W^{[l]} + c = 0$" in page_text(at)


def c003_3(at):
    np.testing.assert_array_equal(_chart(at, "Kernel A"), [[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
    np.testing.assert_array_equal(_chart(at, "Kernel B"), [[1, 0, -1]] * 3)


def c003_4(at):
    assert _feature_map(at).shape == (2, 2)


def c003_5(at):
    assert _comparison(at, "200×200×3 RGB image") == ("14,400,120,000", "≈ 1.4·10¹⁰")
    assert _comparison(at, "3 filters on an RGB") == ("84", "84")


def c003_6(at):
    assert raw(at, "pooling_out").shape == (8, 8)  # 16 × 16 pooled 2 × 2, stride 2
    assert any(t.startswith("max(") for t in sums(at))


def c003_7(at):
    assert [m.value for m in at.metric] == ["30", "50"]
    assert [m.label for m in at.metric] == ["Parameters (with biases)"] * 2
    # the comparison comes first, above the region's controls
    first_metric = next(i for i, e in enumerate(at.main) if e.type == "metric")
    editor = next(i for i, e in enumerate(at.main) if e.type == "arrow_data_frame"
                  or getattr(e, "label", "") == "Output row")
    assert first_metric < editor


def c004_1(at):
    assert _comparison(at, "150×150×3 image") == ("67,500", "67,500")
    assert _comparison(at, "1000 units") == ("67,500,000", "67,500,000")


def c004_2(at):
    np.testing.assert_array_equal(_chart(at, "Kernel A"), [[0, 1, 0], [1, 4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(_chart(at, "Kernel B"), [[0, -1, 0], [-1, 8, -1], [0, -1, 0]])


c004_3 = _edge_volume_cell


def c004_4(at):
    assert _feature_map(at).shape == (8, 8)


def c004_5(at):
    np.testing.assert_array_equal(_feature_map(at), np.tile([0, 0, 75, 0], (4, 1)))
    assert "4.5" in _text(at)


def c004_6(at):
    np.testing.assert_array_equal(_chart(at, "Output z"), SIGNED)
    for name, partial in zip("RGB", (-448, -91, 472), strict=True):
        assert _chart(at, f"{name} window a").shape == (3, 3)
        assert str(partial).replace("-", "−") in page_text(at) or str(partial) in page_text(at)
    assert "−67" in page_text(at) or "-67" in page_text(at)


def c004_6a(at):
    payload, out = _animation(at)
    assert payload["channels"] == 3 and payload["in_shape"][:2] == [10, 10]
    np.testing.assert_array_equal(out, SIGNED)
    view = step_view(payload, 0)
    assert view["partials"] == ["-448", "-91", "472"] and view["total"] == "-67"


def c004_7(at):
    np.testing.assert_array_equal(_chart(at, "Kernel A"), [[1, 1, 1], [0, 0, 0], [-1, -1, -1]])
    np.testing.assert_array_equal(_chart(at, "Kernel B"), [[1, 0, -1], [2, 0, -2], [1, 0, -1]])


def c004_8(at):
    np.testing.assert_array_equal(_chart(at, "slice R of the filter"),
                                  [[1, 1, 1], [0, 0, 0], [-1, -1, -1]])
    np.testing.assert_array_equal(_chart(at, "slice G of the filter"), np.zeros((3, 3)))
    np.testing.assert_array_equal(_chart(at, "slice B of the filter"), np.zeros((3, 3)))


def c004_9(at):
    out = _chart(at, "Output z")
    assert out.shape == (10, 10)
    assert out[0, :3].tolist() == [-801, -268, -107]
    assert out[:4, 0].tolist() == [-801, -1204, -1301, -1209]
    np.testing.assert_array_equal(out[1:9, 1:9], SIGNED)


def c004_10(at):
    assert _feature_map(at).shape == (8, 8)


def c004_11(at):
    np.testing.assert_array_equal(raw(at, "corr_k"), [[3, 4, 5], [1, 0, 2], [-1, 9, 7]])
    np.testing.assert_array_equal(raw(at, "corr_turned"), [[7, 9, -1], [2, 0, 1], [5, 4, 3]])


def c004_12(at):
    assert _stack_row(at, "parameters")[1] == "280"
    assert _stack_row(at, "output shape")[1] == "8 × 8 × 10"


def c004_13(at):
    np.testing.assert_array_equal(raw(at, "pooling_out"), np.tile([0, 225, 225, 0], (4, 1)))


def c004_13a(at):
    np.testing.assert_array_equal(raw(at, "pooling_out"), [
        [343, 55, 0, 81], [559, 0, 0, -423], [559, 0, 0, -423], [344, 55, 0, 76]])


CHECKS = {name[1:].replace("_", "."): check for name, check in dict(globals()).items()
          if re.fullmatch(r"c\d{3}_\d+a?", name)}


def test_the_lists_hold_all_47_examples_in_lecture_order():
    assert {n: len(lec.examples) for n, lec in lectures.LECTURES.items()} == COUNTS
    assert len(lectures.EXAMPLES) == sum(COUNTS.values()) == 47
    for lec in lectures.LECTURES.values():
        assert [e.number for e in lec.examples] == list(range(1, len(lec.examples) + 1))
    # every example and further step has its check, and nothing else does
    assert set(CHECKS) == {s.id for s in lectures.steps()}


@pytest.mark.parametrize("step", lectures.steps(), ids=lambda s: s.id)
def test_each_example_shows_the_lectures_numbers(open_page, step):
    at = _open(open_page, step)
    assert f"{lecture_ui.position(step)}: {step.title}" in page_text(at)
    CHECKS[step.id](at)
    # the page's section with the example's key result comes first (one screen)
    first = {"dense vs convolution": "2. ", "network": "3. "}.get(dict(step.query).get("shp_first"))
    if first:
        assert at.header[0].value.startswith(first), [h.value for h in at.header]
    # a counts example shows its own rows only, so they fit one screen
    rows = {"000.1": 1, "001.1": 2, "003.1": 3, "003.5": 2, "004.1": 2}.get(step.id)
    if rows:
        assert len(at.table[0].value) == rows
    # the example stays in the link while its page is shown
    assert at.query_params[lectures.PARAM] == [step.id] or \
        at.query_params[lectures.PARAM] == step.id


def test_the_list_page_links_every_example(open_page):
    at = open_page("pages/lectures.py")
    html = "".join(h.proto.body for h in at.get("html"))
    for step in lectures.steps():
        assert f'href="{lectures.href(step).replace("&", "&amp;")}"' in html, step.id


def test_presenter_mode_links_stay_in_presenter_mode(open_page):
    at = open_page("pages/lectures.py", query={"present": "true"})
    html = "".join(h.proto.body for h in at.get("html"))
    assert html.count("present=true") == len(lectures.steps())


def test_a_bad_example_id_is_a_notice_not_a_crash(open_page):
    at = open_page("pages/pooling.py", query={lectures.PARAM: "<script>"})
    assert not at.exception
    assert any("ex=" in w.value and "ignored" in w.value for w in at.warning)


def test_the_example_is_dropped_on_another_page(open_page):
    from .conftest import switch
    at = _open(open_page, lectures.find("002.5"))
    switch(at, "pages/shapes.py")
    assert lectures.PARAM not in at.query_params
    assert "Lecture 002" not in page_text(at)

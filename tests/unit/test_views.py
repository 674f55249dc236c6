"""The view file (cnnviz.data.views) and the rule for numbers in cells (cnnviz.plots.display)."""

from __future__ import annotations

import json

import pytest

from cnnviz.data.views import MAX_BYTES, link_of, read_view, view_json
from cnnviz.plots.display import NUMBER_FIT, number_font
from cnnviz.plots.figures import cell_pixels, grid_figure

PAGES = ["", "animation", "pooling"]


def _doc(**changes) -> bytes:
    doc = {"format": "cnnviz-view", "version": 1, "page": "animation",
           "params": {"src": "Lecture", "k": "3,4,5;1,0,2;-1,9,7"}, "link": "animation?src=x"}
    doc.update(changes)
    return json.dumps(doc).encode()


def test_a_view_round_trips_through_its_file():
    params = {"src": "Typed", "m": "1 2\n-3 4.5", "present": "true"}
    view = read_view(view_json("pooling", params, link_of("pooling", params)), pages=PAGES)
    assert (view.page, view.params) == ("pooling", params)
    assert link_of("pooling", params) == "pooling?src=Typed&m=1+2%0A-3+4.5&present=true"


@pytest.mark.parametrize(("data", "says"), [
    (b"\xff\xfe", "not text"),
    (b"[1, 2]", "not a cnnviz view"),
    (_doc(format="other"), "not a cnnviz view"),
    (_doc(extra=1), "unknown keys 'extra'"),
    (_doc(version=2), "version '2'"),
    (_doc(version=True), "version"),
    (_doc(page="../../etc/passwd"), "not a page"),
    (_doc(page=3), "not a page"),
    (_doc(params=[["src", "x"]]), "must be an object"),
    (_doc(params={"s_h": 2}), "'s_h' must be text"),
    (_doc(params={"s_h": None}), "must be text"),
    (_doc(params={"<script>": "x"}), "not one a link carries"),
    (_doc(params={"k": "1" * 2001}), "too long"),
    (_doc(params={"k": "1\x00"}), "control characters"),
    (_doc(params={f"p{i}": "1" for i in range(65)}), "at most 64"),
    (_doc(link=5), '"link" must be text'),
    (b" " * (MAX_BYTES + 1), "at most 64,000"),
])
def test_a_bad_view_file_is_refused_saying_why(data, says):
    with pytest.raises(ValueError) as err:
        read_view(data, pages=PAGES)
    assert says in str(err.value)


@pytest.mark.parametrize("where", ["link", "version", "params"])
def test_a_huge_integer_in_a_view_file_is_refused_in_the_apps_own_words(where):
    """json.loads raises a plain ValueError with Python's own text for 4,300+ digits."""
    huge = "9" * 5000
    doc = _doc().decode().replace('"animation?src=x"', "LINK")
    data = {"link": doc.replace("LINK", huge),
            "version": doc.replace('"version": 1', f'"version": {huge}').replace("LINK", '""'),
            "params": doc.replace('"src": "Lecture"', f'"src": {huge}').replace("LINK", '""'),
            }[where].encode()
    with pytest.raises(ValueError) as err:
        read_view(data, pages=PAGES)
    says = str(err.value)
    assert says == ("the file holds a number too long to read (5,000 digits); a view file "
                    "holds its settings as text, as in a link")
    assert "sys." not in says and "int_max_str_digits" not in says


def test_the_number_rule_grows_with_the_cell_and_shrinks_with_the_label():
    assert number_font(40, 1) == 20 and number_font(80, 1) == NUMBER_FIT["max"]
    assert number_font(40, 4) < number_font(40, 2) <= number_font(40, 1)
    assert [number_font(c, 3) for c in (20, 30, 40, 60)] == sorted(
        number_font(c, 3) for c in (20, 30, 40, 60))
    assert number_font(21, 1) == 0 < number_font(22, 1) == NUMBER_FIT["min"]  # readable or none
    assert number_font(27, 1, present=True) == 0 < number_font(27, 1)
    with pytest.raises(ValueError, match="cell_px"):
        number_font(0, 2)
    with pytest.raises(ValueError, match="longest"):
        number_font(30, -1)


def test_grid_figures_size_their_numbers_by_the_rule():
    import numpy as np

    def font(fig):
        return fig.meta["numbers"]["font"]

    lecture = np.eye(7)
    fig = grid_figure(lecture, present=True, width=350)  # as the Playground places it
    cell = cell_pixels((7, 7), height=fig.meta["height"], top=fig.meta["top"],
                       width=350, colorbar=False)
    assert font(fig) == number_font(cell, 1, present=True) >= 20
    # Three-digit values get a smaller font than one-digit values in the same cells.
    wide = grid_figure(lecture * 255, present=True, width=350)
    # Without a width, the figure may be one of four a row: smaller cells, smaller numbers.
    assert font(grid_figure(lecture, present=True)) < font(fig)
    assert font(wide) < font(fig)
    # Up to 16 × 16 the numbers are printed, never smaller than the rule's minimum.
    crowded = grid_figure(np.full((16, 16), -123.0))
    assert crowded.meta["numbers"]["text"][15][15] == "-123"
    assert font(crowded) >= NUMBER_FIT["min"]


def test_the_animators_own_copy_of_the_number_rule_is_the_same():
    """The animator's grid view keeps the rule's values for data without options: they agree."""
    import re
    from pathlib import Path

    js = (Path(__file__).resolve().parents[2] / "cnnviz" / "ui" / "static" / "animator"
          / "grid.js")
    body = re.search(r"const FIT = \{([^}]*)\};", js.read_text(encoding="utf-8")).group(1)
    in_js = {k: float(v) for k, v in re.findall(r"(\w+): ([\d.]+)", body)}
    # The browser measures the text, so it has no use for the character-width estimate.
    assert in_js == {k: float(v) for k, v in NUMBER_FIT.items() if k != "char"}


@pytest.mark.parametrize("data", [
    b"[" * 30_000 + b"]" * 30_000,  # 60 KB, under the 64 KB cap: RecursionError in json
    b'{"a": ' * 9_000 + b"1" + b"}" * 9_000,
    b'{"format": "cnnviz-view", "params": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
])
def test_a_deeply_nested_file_is_refused_before_parsing(data):
    assert len(data) < MAX_BYTES
    with pytest.raises(ValueError, match="nested"):
        read_view(data, pages=PAGES)


def test_brackets_inside_text_do_not_count_as_nesting():
    params = {"k": "[[[[[[[[[[" * 50, "m": "{{{{" * 100}
    view = read_view(view_json("", params, "./"), pages=PAGES)
    assert view.params == params

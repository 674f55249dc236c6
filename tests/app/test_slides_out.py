"""Slides out (issue 18): PNG and CSV of every page's grid, LaTeX and Markdown, Copy link."""

from __future__ import annotations

import json

import pytest

from cnnviz.lessons import lectures

from .conftest import exceptions


def _copies(at) -> dict[str, dict]:
    """The copy buttons on the page, by their test id (the link's has none of its own)."""
    out = {}
    for element in at.get("bidi_component"):
        if element.proto.component_name == "cnnviz_copy_link":
            data = json.loads(element.proto.json) if element.proto.json else {}
            out[data.get("testid", "copy-link")] = data
    return out


def _downloads(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def _open(open_page, example_id):
    step = lectures.find(example_id)
    at = open_page(f"pages/{step.page}.py", query=lectures.link_query(step))
    assert not at.exception, exceptions(at)
    return at


def test_pooling_offers_png_csv_latex_and_markdown(open_page):
    at = _open(open_page, "002.5")
    assert {"Pooled map (PNG)", "Pooled map (CSV)"} <= set(_downloads(at))
    copies = _copies(at)
    assert copies["pooled_map_latex"]["text"] == (
        "\\begin{bmatrix}\n1 & 2 \\\\\n4 & 5\n\\end{bmatrix}")
    assert copies["pooled_map_md"]["text"].splitlines()[2] == "| **0** | 1 | 2 |"


def test_colour_volumes_offer_png_csv_latex_and_markdown(open_page):
    at = _open(open_page, "004.6")
    assert {"Output map (PNG)", "Output map (CSV)"} <= set(_downloads(at))
    latex = _copies(at)["colour_map_latex"]["text"]
    assert latex.splitlines()[1] == "-67 & 23 & 43 & 55 & -72 & -12 & -30 & 81 \\\\"


def test_playground_feature_map_copies_as_latex(open_page):
    at = _open(open_page, "004.5")
    assert _copies(at)["pg_text_latex"]["text"].count("0 & 0 & 75 & 0") == 4


@pytest.mark.parametrize("page", ["pages/playground.py", "pages/shapes.py", "pages/lectures.py",
                                  "pages/receptive_field.py"])
def test_every_page_has_a_copy_link_button(open_page, page):
    at = open_page(page)
    assert "copy-link" in _copies(at)


def test_the_lecture_lists_page_offers_printable_handouts(open_page):
    at = open_page("pages/lectures.py")
    labels = _downloads(at)
    assert "Handout: all five lectures (HTML)" in labels
    assert [f"Lecture {n}" in labels for n in lectures.LECTURES] == [True] * 5


def test_the_flip_copies_both_kernels_as_latex(open_page):
    at = _open(open_page, "004.11")
    copies = _copies(at)
    assert copies["corr_k_text_latex"]["text"].splitlines()[1] == "3 & 4 & 5 \\\\"
    assert copies["corr_turned_text_latex"]["text"].splitlines()[1] == "7 & 9 & -1 \\\\"
    assert copies["corr_turned_text_md"]["text"].splitlines()[2] == "| **0** | 7 | 9 | -1 |"


def test_the_matrix_pages_feature_map_copies_as_markdown(open_page):
    at = _open(open_page, "003.2")
    assert len(_copies(at)["mx_output_text_md"]["text"].splitlines()) == 2 + 4  # 4 × 4 map

"""Slides out (issue 18): PNG and CSV of every page's grid, LaTeX and Markdown, Copy link.

A grid's numbers copy one way only: from its own map element's "LaTeX" and "Markdown"
buttons, which copy the texts Python sent (``meta["copy"]``, read here with ``chart``);
no page has a second, separate "LaTeX / Markdown" popover."""

from __future__ import annotations

import json

import pytest

from cnnviz.lessons import lectures

from .conftest import chart, exceptions


def _copies(at) -> dict[str, dict]:
    """The copy-link components on the page, by their test id ("copy-link")."""
    out = {}
    for element in at.get("bidi_component"):
        if element.proto.component_name == "cnnviz_copy_link":
            data = json.loads(element.proto.json) if element.proto.json else {}
            out[data.get("testid", "copy-link")] = data
    return out


def _copy(at, key: str) -> dict[str, str]:
    """What the map element ``key``'s LaTeX and Markdown buttons copy."""
    copy = chart(at, key)["copy"]
    assert copy is not None, f"{key} offers no copy"
    return copy


def _no_popovers(at) -> None:
    """The one way to copy: no separate popover, no copy-text component (issue 18)."""
    assert not at.get("popover"), [p.proto.label for p in at.get("popover")]
    assert set(_copies(at)) <= {"copy-link"}


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
    copy = _copy(at, "pooling_out")
    assert copy["latex"] == "\\begin{bmatrix}\n1 & 2 \\\\\n4 & 5\n\\end{bmatrix}"
    assert copy["markdown"].splitlines()[2] == "| **0** | 1 | 2 |"
    _no_popovers(at)


def test_colour_volumes_offer_png_csv_latex_and_markdown(open_page):
    at = _open(open_page, "004.6")
    assert {"Output map (PNG)", "Output map (CSV)"} <= set(_downloads(at))
    latex = _copy(at, "colour_output")["latex"]
    assert latex.splitlines()[1] == "-67 & 23 & 43 & 55 & -72 & -12 & -30 & 81 \\\\"
    _no_popovers(at)


def test_playground_feature_map_copies_as_latex(open_page):
    at = _open(open_page, "004.5")
    assert _copy(at, "pg_panel0_Featur")["latex"].count("0 & 0 & 75 & 0") == 4
    _no_popovers(at)


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
    assert _copy(at, "corr_k")["latex"].splitlines()[1] == "3 & 4 & 5 \\\\"
    assert _copy(at, "corr_turned")["latex"].splitlines()[1] == "7 & 9 & -1 \\\\"
    assert _copy(at, "corr_turned")["markdown"].splitlines()[2] == "| **0** | 7 | 9 | -1 |"
    _no_popovers(at)


def test_the_matrix_pages_feature_map_copies_as_markdown(open_page):
    at = _open(open_page, "003.2")
    assert len(_copy(at, "mx_output")["markdown"].splitlines()) == 2 + 4  # 4 × 4 map
    _no_popovers(at)

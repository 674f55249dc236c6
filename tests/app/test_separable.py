"""The colour page's last section under AppTest: 1×1 mixing and separable vs standard costs."""

from __future__ import annotations

from .conftest import exceptions, page_text


def _costs(at):
    return next(d.value for d in at.dataframe if "multiply-adds" in d.value.columns)


def test_separable_section_counts_side_by_side(open_page) -> None:
    at = open_page("pages/colour.py")
    assert "1×1 convolutions and depthwise-separable layers" in [h.value for h in at.header]
    table = _costs(at)
    # the default photo at 128 × 128 × 3, f = 3, F = 16, p = 1
    assert list(table["parameters"]) == ["448", "30", "64", "94"]
    assert list(table["multiply-adds"]) == ["7,077,888", "442,368", "786,432", "1,228,800"]
    assert list(table["output"]) == ["128 × 128 × 16", "128 × 128 × 3", "128 × 128 × 16",
                                     "128 × 128 × 16"]
    assert "(1·1·3 + 1)·2 = 8 parameters" in page_text(at)
    at.number_input(key="sep_filters").set_value(64).run()
    assert not at.exception, exceptions(at)
    assert _costs(at)["parameters"][0] == f"{(3 * 3 * 3 + 1) * 64:,}"
    at.number_input(key="sep_pad").set_value(0).run()
    at.selectbox(key="sep_f").set_value(7).run()
    assert _costs(at)["output"][0] == "122 × 122 × 64"

"""Side by side: the difference map against the core, one colour scale, the link, the shapes."""

from __future__ import annotations

import numpy as np
import pytest

import cnnviz
from cnnviz.core.kernels import get_kernel
from cnnviz.data import samples
from cnnviz.lessons.matrix import grey
from cnnviz.plots.display import display_pixels, map_for_display

from .conftest import chart, exceptions, page_text, pixels, read

PAGE = "pages/compare.py"
# A small lecture matrix: every cell of every map travels in the figures.
LECTURE = {"src": "Lecture", "lecture": "digit_one"}


def _image() -> np.ndarray:
    return grey(samples.LECTURE_INPUTS["digit_one"].array)


def _press(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, exceptions(at)
    return at


def test_difference_map_is_conv2d_a_minus_conv2d_b(open_page):
    at = open_page(PAGE, query=LECTURE)
    img = _image()
    a = cnnviz.conv2d(img, get_kernel("sobel_x"), padding="same")
    b = cnnviz.conv2d(img, get_kernel("sobel_y"), padding="same")
    np.testing.assert_allclose(read(at, "cmp_map_A")["values"], a, rtol=1e-6)
    np.testing.assert_allclose(read(at, "cmp_map_B")["values"], b, rtol=1e-6)
    np.testing.assert_allclose(read(at, "cmp_diff")["values"], a - b, rtol=1e-6, atol=1e-9)
    assert "kernel Sobel x vs Sobel y" in page_text(at)


def test_both_maps_share_one_colour_scale(open_page):
    at = open_page(PAGE, query={**LECTURE, "a_k": "laplacian_8", "b_k": "sobel_y"})
    fig_a, fig_b = chart(at, "cmp_map_A"), chart(at, "cmp_map_B")
    # The legends read the same raw values at the same places ...
    assert fig_a["colorbar"]["ticks"] == fig_b["colorbar"]["ticks"]
    assert fig_a["colorbar"]["colours"] == fig_b["colorbar"]["colours"]
    # ... and one value has one colour: both maps divided by the same max |v|.
    img = _image()
    a = cnnviz.conv2d(img, get_kernel("laplacian_8"), padding="same")
    b = cnnviz.conv2d(img, get_kernel("sobel_y"), padding="same")
    peak = max(np.abs(a).max(), np.abs(b).max())
    assert np.abs(a).max() != np.abs(b).max()  # else a shared scale would prove nothing
    shared = (-peak, peak)
    for fig, z in ((fig_a, a), (fig_b, b)):
        expected = display_pixels(map_for_display(z, "diverging", limits=shared))
        np.testing.assert_array_equal(pixels(fig), expected)


@pytest.mark.parametrize("preset", ["valid vs same", "stride 1 vs 2"])
def test_mismatched_shapes_give_a_message_and_both_formulas(open_page, preset):
    at = _press(open_page(PAGE, query=LECTURE), preset)
    text = page_text(at)
    assert "No difference map" in text and "a difference needs one shape" in text
    with pytest.raises(AssertionError, match="no chart"):
        chart(at, "cmp_diff")
    a, b = read(at, "cmp_map_A")["shape"], read(at, "cmp_map_B")["shape"]
    assert a != b
    assert f"A gives {a[0]} × {a[1]} and B gives {b[0]} × {b[1]}" in text
    assert len(at.latex) == 4  # the size formula per axis, for A and for B


def test_the_link_reproduces_the_view(open_page):
    at = _press(open_page(PAGE, query=LECTURE), "zeros vs reflect")
    at.number_input(key="b_s").set_value(1).run()
    at.toggle(key="a_flip").set_value(True).run()
    link = {name: at.query_params[name] for name in at.query_params}
    assert link["b_mode"] == "reflect" and link["a_k"] == "box_blur_5"
    fresh = open_page(PAGE, query=link)
    for key in ("cmp_map_A", "cmp_map_B", "cmp_diff"):
        np.testing.assert_array_equal(read(fresh, key)["values"], read(at, key)["values"])
    img = _image()
    box = get_kernel("box_blur_5")
    expected = (cnnviz.conv2d(img, box, padding="same", flip=True)
                - cnnviz.conv2d(img, box, padding="same", pad_mode="reflect"))
    np.testing.assert_allclose(read(fresh, "cmp_diff")["values"], expected, atol=1e-12)


def test_a_typed_kernel_travels_in_the_link_and_a_bad_cell_keeps_the_last_good(open_page):
    at = open_page(PAGE, query={**LECTURE, "a_k": "typed", "a_m": "1,2;3,4"})
    assert not at.exception
    img = _image()
    np.testing.assert_allclose(read(at, "cmp_map_A")["values"],
                               cnnviz.conv2d(img, [[1, 2], [3, 4]], padding="same"))
    at.text_area(key="a_typed").set_value("1 x\n3 4").run()
    assert not at.exception and at.error
    np.testing.assert_allclose(read(at, "cmp_map_A")["values"],
                               cnnviz.conv2d(img, [[1, 2], [3, 4]], padding="same"))


def test_a_kernel_too_large_for_valid_padding_is_a_message(open_page):
    at = open_page(PAGE, query={"src": "Typed", "m": "1,2;3,4", "a_pad": "valid"})
    assert not at.exception
    assert any("A: " in e.value for e in at.error)

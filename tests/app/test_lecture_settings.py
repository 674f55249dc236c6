"""Issue 18: a lecture example brings all of its settings; typed RGB volumes; linked kernels."""

from __future__ import annotations

import numpy as np

import cnnviz
from cnnviz.data import samples
from cnnviz.ui import kernel as kernel_ui
from cnnviz.ui import pooling as pool_ui
from cnnviz.ui import sources
from cnnviz.ui import state as keys

from .conftest import exceptions, page_text, raw

EDGE = "25,25,25,25,25,0,0,0,0,0"


def test_a_pooling_example_does_not_keep_the_last_kernel_and_padding(open_page):
    # The case: a Gaussian 5 × 5 and custom padding, then "4 × 4 max pooling".
    at = open_page("pages/playground.py")
    at.selectbox(key=keys.KERNEL_PRESET).set_value("gaussian_5").run()
    at.radio(key=keys.PAD_KIND).set_value("custom").run()
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.selectbox(key=keys.LECTURE).set_value("max_pool_4x4").run()
    assert not at.exception, exceptions(at)
    assert at.session_state[kernel_ui.TABLE] == [["1"]]
    assert at.radio(key=keys.PAD_KIND).value == "valid"
    assert at.toggle(key=keys.POOL_ON).value is True
    assert "**2 × 2**" in page_text(at) or "2 × 2" in page_text(at)
    # and the Pooling page shows the lecture's pooling, not the last settings
    assert at.session_state[pool_ui.KH] == 2 and at.session_state[pool_ui.MODE] == "max"


def test_channels_follow_the_lecture_volume(open_page):
    at = open_page("pages/playground.py", query={"src": "Lecture", "lecture": "vertical_edge"})
    text = page_text(at)
    assert "Channels: colour, n_c = 3 (R, G, B)" in text
    assert not [r for r in at.sidebar.radio if r.label == "Channels"]
    at.selectbox(key=keys.LECTURE).set_value("digit_one").run()
    assert "Channels: grey, n_c = 1" in page_text(at)
    # the whole name is on screen, not only in the (cut) select box
    assert any(m.value == f"**{samples.LECTURE_INPUTS['digit_one'].title}**"
               for m in at.sidebar.markdown)


def test_an_old_link_with_channels_for_a_lecture_volume_is_no_notice(open_page):
    at = open_page("pages/playground.py", query={"src": "Lecture", "lecture": "vertical_edge",
                                                 "channels": "Colour"})
    assert not [w.value for w in at.warning if "ignored" in w.value]


def test_a_lecture_link_without_its_kernel_brings_the_kernel(open_page):
    at = open_page("pages/playground.py", query={"src": "Lecture", "lecture": "rectangle_wtx"})
    assert at.session_state[kernel_ui.TABLE] == [["1", "1", "1"], ["0", "0", "1"],
                                                 ["0", "0", "1"]]
    # and a link that sets its own kernel keeps it
    at = open_page("pages/playground.py", query={"src": "Lecture", "lecture": "rectangle_wtx",
                                                 "k": "sobel_x"})
    assert at.session_state[kernel_ui.TABLE][1] == ["2", "0", "-2"]


def test_typed_rgb_volume_is_three_matrices(open_page):
    at = open_page("pages/colour.py", query={
        "src": "Typed", "channels": "Colour", "m": "1,2,3;4,5,6;7,8,9",
        "m_g": "2,4,6;8,10,12;14,16,18", "m_b": "3,6,9;12,15,18;21,24,27"})
    assert not at.exception, exceptions(at)
    assert "3 × 3 × 3" in page_text(at)
    # the vertical-edge slice on each: R −6, G −12, B −18, total −36
    np.testing.assert_array_equal(raw(at, "colour_output"), [[-36]])
    assert at.query_params["m_g"] in ("2,4,6;8,10,12;14,16,18", ["2,4,6;8,10,12;14,16,18"])
    # a G of another shape is a message; the last volume stays
    at.text_area(key=sources.TYPED_RGB[1]).set_value("1 2 3").run()
    assert not at.exception, exceptions(at)
    assert any("R, G and B must have one shape" in e.value for e in at.sidebar.error)
    np.testing.assert_array_equal(raw(at, "colour_output"), [[-36]])


def test_pooling_the_feature_map_keeps_the_kernel_of_its_link(open_page):
    # issue 18: opened from a link, it pooled a Sharpen map instead of the 225 band
    image = ";".join([EDGE] * 10)
    at = open_page("pages/pooling.py", query={"src": "Typed", "m": image, "k": "vertical_edge",
                                              "pl_fmap": "true"})
    assert not at.exception, exceptions(at)
    x = np.tile([25.0] * 5 + [0.0] * 5, (10, 1))
    z = cnnviz.conv2d(x, np.array([[1, 0, -1]] * 3, dtype=float))
    np.testing.assert_array_equal(raw(at, "pooling_out"), cnnviz.pool2d(z, 2))
    assert at.query_params["k"] in ("vertical_edge", ["vertical_edge"])


def test_step_by_step_animates_a_pooling_example_as_pooling(open_page):
    from cnnviz.ui import stepper

    at = open_page("pages/animation.py", query={"src": "Lecture", "lecture": "max_pool_4x4"})
    assert at.radio(key=stepper.MODE).value == "Pooling"
    at.selectbox(key=keys.LECTURE).set_value("digit_one").run()
    assert at.radio(key=stepper.MODE).value == "Convolution"

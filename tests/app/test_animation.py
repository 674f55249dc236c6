"""The step-by-step page under AppTest: what the animator is sent equals the core."""

from __future__ import annotations

import json

import numpy as np

import cnnviz
from cnnviz.core.kernels import get_kernel
from cnnviz.core.text import format_number
from cnnviz.data import samples
from cnnviz.lessons.animation import step_view, to_pixel_levels
from cnnviz.ui import state as keys
from cnnviz.ui import stepper

from .conftest import animators, exceptions, page_text, type_in

PAGE = "pages/animation.py"


def _payload(at) -> dict:
    (element,) = animators(at)
    return json.loads(json.loads(element.proto.json)["payload"])


def _open_small(open_page, lecture: str = "digit_one"):
    at = open_page(PAGE)
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.selectbox(key=keys.LECTURE).set_value(lecture).run()
    assert not at.exception, exceptions(at)
    return at


def test_default_render_sends_a_crop_whose_steps_equal_the_core(open_page):
    at = open_page(PAGE)
    assert at.title[0].value == "Step by step"
    text = page_text(at)
    assert "**100 steps**" in text, text  # 12×12 crop, 3×3 kernel, valid
    payload = _payload(at)
    assert payload["n_steps"] == 100
    # Recompute the crop the caption names and compare every step's total.
    photo = samples.load_photo(next(iter(samples.PHOTOS)), mode="gray",
                               max_side=at.session_state[keys.MAX_SIDE])
    top = int(text.split("rows ")[1].split("–")[0])
    left = int(text.split("columns ")[1].split("–")[0])
    grid = to_pixel_levels(photo[top:top + 12, left:left + 12])
    expected = cnnviz.conv2d(grid, get_kernel(at.session_state[keys.KERNEL_PRESET]))
    for k in (0, 37, 99):
        view = step_view(payload, k)
        assert view["total"] == format_number(expected[view["out_row"], view["out_col"]])


def test_lecture_matrix_with_bias_stride_and_padding(open_page):
    at = _open_small(open_page)
    at.button(key="anim_lecture_kernel").click().run()
    at.radio(key=keys.PAD_KIND).set_value("custom").run()
    at.number_input(key=keys.STRIDE_H).set_value(2).run()
    at.number_input(key=keys.BIAS).set_value(-1.0).run()
    assert not at.exception, exceptions(at)
    item = samples.LECTURE_INPUTS["digit_one"]
    expected = cnnviz.conv2d(item.array, item.kernel, -1.0, stride=(2, 1), padding=1)
    payload = _payload(at)
    assert tuple(payload["out_shape"]) == expected.shape == (4, 7)
    assert f"**{expected.size} steps**" in page_text(at)
    for k in range(expected.size):
        view = step_view(payload, k)
        assert view["total"] == format_number(expected[view["out_row"], view["out_col"]])


def test_colour_volume_sends_per_channel_partial_sums(open_page):
    at = _open_small(open_page, "vertical_edge")
    at.button(key="anim_lecture_kernel").click().run()
    assert not at.exception, exceptions(at)
    payload = _payload(at)
    assert payload["channels"] == 3
    view = step_view(payload, 3)  # the window straddling the edge
    assert view["partials"] == ["75", "75", "75"] and view["total"] == "225"


def test_pooling_mode_marks_winners(open_page):
    at = _open_small(open_page, "max_pool_4x4")
    at.radio(key=stepper.MODE).set_value("Pooling").run()
    assert not at.exception, exceptions(at)
    payload = _payload(at)
    assert payload["kind"] == "pool" and payload["n_steps"] == 4
    assert [step_view(payload, k)["output"] for k in range(4)] == ["1", "2", "4", "5"]


def test_kernel_larger_than_the_grid_is_a_message(open_page):
    at = _open_small(open_page)
    at.number_input(key=keys.KERNEL_ROWS).set_value(9).run()
    assert not at.exception, exceptions(at)
    assert "kernel is larger than the padded input" in " ".join(e.value for e in at.error)
    assert not animators(at)
    at.number_input(key=keys.KERNEL_ROWS).set_value(3).run()
    assert not at.error and animators(at)


def test_downscale_and_crop_choices(open_page):
    at = open_page(PAGE)
    at.radio(key=stepper.HOW).set_value("Downscale").run()
    at.radio(key=stepper.LEVELS).set_value("0-1").run()
    assert not at.exception, exceptions(at)
    assert "is shrunk to 12×12 cells" in page_text(at)
    at.slider(key=stepper.SIZE).set_value(64).run()
    payload = _payload(at)
    assert payload["n_steps"] == 62 * 62
    assert np.isfinite(float(step_view(payload, 0)["total"]))


def test_a_bad_kernel_cell_is_reported_above_the_animation_which_stays(open_page):
    from cnnviz.ui import kernel

    at = _open_small(open_page)
    before = _payload(at)
    type_in(at, kernel.GRID, {0: {"0": "1e999"}}).run()
    assert not at.exception, exceptions(at)
    # Said in the main area (the kernel editor may be folded away) ...
    main_errors = [e.value for e in at.main.error]
    assert any("the maps show the last good kernel" in e for e in main_errors), main_errors
    # ... and the animation stays, computed with the last good kernel.
    assert _payload(at)["n_steps"] == before["n_steps"]
    assert _payload(at)["kernel"] == before["kernel"]


def test_the_animation_downloads_as_a_gif_with_one_frame_per_step(open_page):
    import io

    from PIL import Image

    at = _open_small(open_page, "rectangle")
    (button,) = [b for b in at.get("download_button") if b.proto.label.startswith("Animation for")]
    assert not at.exception, exceptions(at)
    # The page builds the file on click; build it as the button's callable does.
    from cnnviz.core.conv import ConvSettings
    from cnnviz.core.trace import ConvTrace
    from cnnviz.plots.gif import animation_gif

    item = samples.LECTURE_INPUTS["rectangle"]
    trace = ConvTrace(item.array, get_kernel("sharpen"), settings=ConvSettings())
    gif = Image.open(io.BytesIO(animation_gif(trace)))
    assert gif.n_frames == trace.n_steps == 25
    first = np.asarray(gif.convert("RGB"))
    gif.seek(gif.n_frames - 1)
    last = np.asarray(gif.convert("RGB"))
    assert first.shape == last.shape and (first != last).any()
    assert gif.size[0] >= 12 * 56  # 7 + 5 cells of 56 px: presenter size


def test_the_animation_also_downloads_as_an_mp4_beside_the_gif(open_page):
    at = _open_small(open_page, "rectangle")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Animation for slides (GIF)" in labels and "Animation (MP4)" in labels
    assert not at.exception, exceptions(at)


def _key_givers(at) -> list:
    """The elements that hand held keys back to the page (cnnviz.ui.animator.keys_done)."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component")
            if e.proto.component_name == "cnnviz_animator_keys"]


def test_held_keys_go_back_to_the_page_only_after_a_run_that_drew_no_animation(open_page):
    # The key keeper is in every page's HTML (cnnviz/ui/head.py); a run adds an element
    # only to hand held keys back: Step by step in presenter mode whose settings do not fit.
    at = open_page(PAGE, query={"present": "true", "src": "Lecture", "lecture": "digit_one"})
    assert animators(at) and _key_givers(at) == []
    at.number_input(key=keys.KERNEL_ROWS).set_value(9).run()
    assert not animators(at)
    assert _key_givers(at) == [{"drawn": False}]
    at.number_input(key=keys.KERNEL_ROWS).set_value(3).run()
    assert animators(at) and _key_givers(at) == []
    # Not in presenter mode, no key is held: nothing to hand back.
    plain = open_page(PAGE, query={"src": "Lecture", "lecture": "digit_one"})
    plain.number_input(key=keys.KERNEL_ROWS).set_value(9).run()
    assert not animators(plain) and _key_givers(plain) == []

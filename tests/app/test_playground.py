"""The playground under AppTest: default render, presets, kernel edits, uploads, bad input."""

from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image

import cnnviz
from cnnviz.data import samples
from cnnviz.ui import kernel
from cnnviz.ui import state as keys
from cnnviz.ui.grid import drawn_height

from .conftest import (
    charts,
    exceptions,
    figure,
    numbers,
    page_text,
    raw,
    read,
    svgs,
    switch,
    title,
    type_in,
)


def _png(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def _cell_texts(fig: dict) -> list[list[str]]:
    return numbers(fig)


def test_default_render_shows_maps_and_formula(open_page):
    at = open_page()
    assert at.title[0].value == "Convolution playground"
    assert len(charts(at)) >= 3  # input, feature map, activation
    # The histogram of the feature map's 126 × 126 raw values, as an SVG.
    hist = svgs(at)
    assert len(hist) == 1 and f"{126 * 126:,} values" in hist[0]
    assert hist[0].startswith("<svg") and "Raw values of the feature map" in hist[0]
    latex = [x.value for x in at.latex]
    assert any("128 + 2\\cdot 0 - 3" in x and "= 126" in x for x in latex), latex
    assert "126 × 126" in page_text(at)
    assert not at.error


def test_preset_change_updates_kernel_and_auto_mapping(open_page):
    at = open_page()
    at.selectbox(key=keys.KERNEL_PRESET).set_value("sobel_x").run()
    assert not at.exception, exceptions(at)
    assert at.session_state[kernel.TABLE] == [["1", "0", "-1"], ["2", "0", "-2"],
                                                   ["1", "0", "-1"]]
    # Sobel sums to 0, so auto picks the diverging scale and says so.
    assert "auto → **diverging**" in page_text(at)


def test_lecture_matrix_with_its_kernel_gives_the_lecture_numbers(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.selectbox(key=keys.LECTURE).set_value("digit_one").run()
    at.button(key="use_lecture_kernel").click().run()
    assert not at.exception, exceptions(at)
    item = samples.LECTURE_INPUTS["digit_one"]
    expected = cnnviz.conv2d(item.array, item.kernel)
    fig = figure(at, 1)  # the feature map, with numbers in its 5×5 cells
    assert _cell_texts(fig) == [[f"{v:g}" for v in row] for row in expected]


def test_text_in_a_kernel_cell_is_reported_and_kept(open_page):
    at = open_page()
    type_in(at, kernel.GRID, {1: {"1": "abc"}}).run()
    assert not at.exception, exceptions(at)
    errors = " ".join(e.value for e in at.error)
    assert "row 2, column 2" in errors and "'abc'" in errors
    # The maps stay, with the last good kernel (Sharpen), and the results say so.
    assert "the maps show the last good kernel" in errors
    assert "Feature map" in title(figure(at, 1))
    # The typo stays in the grid to be corrected; other cells are kept as typed.
    type_in(at, kernel.GRID, {1: {"1": "1/9"}}).run()
    assert not at.error
    assert "sum -3.889" in page_text(at)  # sharpen with its centre 5 replaced by 1/9


def _grid_height(at) -> int:
    """The height (px) the kernel grid's element is given before its script loads."""
    [grid] = [e for e in at.get("bidi_component") if e.proto.component_name == "cnnviz_cells"]
    return json.loads(grid.proto.json)["height"]


def test_the_kernel_grid_is_given_its_drawn_height(open_page):
    """Its rows, a line per bad cell's message, presenter mode's larger type: the element holds
    the grid's place from its first frame (the browser test measures it drawn)."""
    at = open_page()
    assert _grid_height(at) == drawn_height(3) == 140
    at.number_input(key=keys.KERNEL_ROWS).set_value(5).run()
    assert _grid_height(at) == drawn_height(5) > 140
    type_in(at, kernel.GRID, {1: {"1": "abc"}, 4: {"0": "x"}}).run()
    assert _grid_height(at) == drawn_height(5, bad=2) > drawn_height(5)
    present = open_page(query={"present": "true"})
    assert _grid_height(present) == drawn_height(3, present=True) == 146


def test_kernel_larger_than_padded_image_is_a_message(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.number_input(key=keys.KERNEL_ROWS).set_value(9).run()
    assert not at.exception, exceptions(at)
    assert "kernel is larger than the padded input" in " ".join(e.value for e in at.error)
    # Padding makes it fit again: nothing the user set is lost.
    at.radio(key=keys.PAD_KIND).set_value("full").run()
    assert not at.error
    assert at.session_state[keys.KERNEL_ROWS] == 9


def test_stride_and_custom_padding_show_floor_and_unreached(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.selectbox(key=keys.LECTURE).set_value("floor_6x6").run()
    at.radio(key=keys.PAD_KIND).set_value("custom").run()
    at.number_input(key=keys.STRIDE_H).set_value(2).run()
    at.number_input(key=keys.STRIDE_W).set_value(2).run()
    assert not at.exception, exceptions(at)
    latex = " ".join(x.value for x in at.latex)
    # 6 + 2 - 3 = 5, over 2, plus 1: 3.5, and the lectures round down to 3.
    assert "\\frac{6 + 2\\cdot 1 - 3}{2}" in latex and "= 3" in latex
    assert ("(6 + 2·1 − 3)/2 + 1 = 3.5: a fraction, so round down to the lower integer: "
            "n_H = 3") in page_text(at)
    assert "never reaches the last 1 row(s)" in page_text(at)


def test_pooling_adds_a_pooled_map(open_page):
    at = open_page()
    at.toggle(key=keys.POOL_ON).set_value(True).run()
    assert not at.exception, exceptions(at)
    titles = [title(figure(at, i)) for i in range(4)]
    assert any("max pooled: 63 × 63" in t for t in titles), titles


def test_upload_png_and_corrupt_file(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Upload").run()
    assert "Upload an image" in page_text(at)
    rng = np.random.default_rng(0)
    big = (rng.random((300, 200)) * 255).astype(np.uint8)
    at.file_uploader(key=keys.UPLOAD).set_value(("photo.png", _png(big), "image/png")).run()
    assert not at.exception, exceptions(at)
    assert "Shrunk from 200×300 to 85×128" in page_text(at)
    at.file_uploader(key=keys.UPLOAD).set_value(("broken.png", b"\x89PNG\r\n\x1a\nxx",
                                                "image/png")).run()
    assert not at.exception, exceptions(at)
    assert "Could not use `broken.png`" in " ".join(e.value for e in at.error)


def test_colour_image_with_2d_kernel_filters_each_channel(open_page):
    at = open_page()
    at.radio(key=keys.COLOUR).set_value("Colour").run()
    assert not at.exception, exceptions(at)
    assert at.radio(key="pg_channel").options == ["R", "G", "B"]
    titles = [title(figure(at, i)) for i in range(3)]
    assert any("126 × 126 × 3" in t for t in titles), titles


def test_grid_edits_survive_when_the_editor_state_is_dropped(open_page):
    # Visiting another page drops the editor's widget state; the edit must stay.
    at = open_page()
    editor = kernel.GRID.key_in(at.session_state)
    type_in(at, kernel.GRID, {0: {"0": "7"}}).run()
    del at.session_state[editor]
    at.run()
    assert not at.exception, exceptions(at)
    assert at.session_state[kernel.TABLE][0] == ["7", "-1", "0"]
    assert "sum 8" in page_text(at)


def test_colour_lecture_kernel_loads_as_its_common_slice(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.selectbox(key=keys.LECTURE).set_value("vertical_edge").run()
    at.button(key="use_lecture_kernel").click().run()
    assert not at.exception, exceptions(at)
    assert at.session_state[kernel.TABLE] == [["1", "0", "-1"]] * 3


def test_shared_settings_survive_a_visit_to_another_page(open_page):
    at = open_page()
    at.selectbox(key=keys.KERNEL_PRESET).set_value("sobel_y").run()
    at.select_slider(key=keys.MAX_SIDE).set_value(64).run()
    switch(at, "pages/pooling.py")
    switch(at, "pages/playground.py")
    assert not at.exception, exceptions(at)
    assert at.session_state[keys.KERNEL_PRESET] == "sobel_y"
    assert at.session_state[keys.MAX_SIDE] == 64
    assert any("62 × 62" in title(figure(at, i)) for i in range(2))


def test_an_upload_follows_the_student_to_other_pages(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Upload").run()
    img = (np.arange(40 * 50) % 255).astype(np.uint8).reshape(40, 50)
    at.file_uploader(key=keys.UPLOAD).set_value(("mine.png", _png(img), "image/png")).run()
    switch(at, "pages/pooling.py")
    assert not at.exception, exceptions(at)
    assert "Using your upload `mine.png`" in page_text(at)
    assert "Upload an image" not in page_text(at)


def test_a_bad_upload_keeps_the_previous_image_and_says_why(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Upload").run()
    img = (np.arange(40 * 50) % 255).astype(np.uint8).reshape(40, 50)
    at.file_uploader(key=keys.UPLOAD).set_value(("mine.png", _png(img), "image/png")).run()
    assert "40 × 50" in title(figure(at, 0))
    at.file_uploader(key=keys.UPLOAD).set_value(("cut.png", _png(img)[:60], "image/png")).run()
    assert not at.exception, exceptions(at)
    errors = " ".join(e.value for e in at.error)
    assert "Could not use `cut.png`" in errors
    assert "Still showing your previous image `mine.png`" in page_text(at)
    assert "40 × 50" in title(figure(at, 0))  # the good image stays


def test_lecture_settings_reproduce_the_lectures_shapes_and_sums(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.selectbox(key=keys.LECTURE).set_value("floor_6x6").run()
    at.button(key="use_lecture_kernel").click().run()
    assert not at.exception, exceptions(at)
    assert "6 + 2\\cdot 1 - 3}{5}" in " ".join(x.value for x in at.latex)  # p = 1, s = 5
    assert "Feature map z = a ⋆ k + b: 2 × 2" in title(figure(at, 1))
    # The colour lecture: one 3×3×3 filter, the three channels' 75s add up to 225.
    at.selectbox(key=keys.LECTURE).set_value("vertical_edge").run()
    at.button(key="use_lecture_kernel").click().run()
    assert not at.exception, exceptions(at)
    fig = figure(at, 1)
    assert "8 × 8" in title(fig) and "× 3" not in title(fig)
    assert numbers(fig)[0][3] == "225"
    assert at.session_state[keys.KERNEL_PRESET] == "vertical_edge"  # the preset box agrees
    # The rectangle: its bias w0 = -4 and ReLU come with it.
    at.selectbox(key=keys.LECTURE).set_value("rectangle").run()
    at.button(key="use_lecture_kernel").click().run()
    assert at.session_state[keys.BIAS] == -4.0 and at.session_state[keys.ACTIVATION] == "relu"


def test_a_pool_too_big_names_the_pool_window_and_keeps_the_maps(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.toggle(key=keys.POOL_ON).set_value(True).run()
    at.number_input(key=keys.POOL_SIZE).set_value(9).run()
    assert not at.exception, exceptions(at)
    errors = " ".join(e.value for e in at.error)
    assert "Pooling does not fit" in errors and "pool window of 9×9" in errors
    assert len(charts(at)) >= 3  # input, feature map and activation still shown


def test_a_pattern_in_colour_is_three_equal_channels(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Pattern").run()
    at.radio(key=keys.COLOUR).set_value("Colour").run()
    assert not at.exception, exceptions(at)
    titles = [title(figure(at, i)) for i in range(3)]
    assert any("Input a: 128 × 128 × 3" in t for t in titles), titles


def test_a_lecture_matrix_brings_its_settings_in_one_click_and_back_to_mine_undoes_it(open_page):
    at = open_page()
    at.selectbox(key=keys.KERNEL_PRESET).set_value("sobel_y").run()
    at.toggle(key=keys.FLIP).set_value(True).run()
    at.number_input(key=keys.BIAS).set_value(2.0).run()
    at.radio(key=keys.SOURCE).set_value("Lecture").run()  # the digit, the first lecture matrix
    assert not at.exception, exceptions(at)
    item = samples.LECTURE_INPUTS["digit_one"]
    assert at.toggle(key=keys.FLIP).value is False and at.number_input(key=keys.BIAS).value == 0
    expected = cnnviz.conv2d(item.array, item.kernel)
    texts = _cell_texts(figure(at, 1))
    assert texts == [[f"{v:g}" for v in row] for row in expected]
    assert texts[1][1] == "3"  # the lecture's best match, even though flip was on
    assert at.selectbox(key=keys.KERNEL_PRESET).value == "custom"  # no preset has its numbers
    # The rectangle, chosen next, brings its bias and ReLU.
    at.selectbox(key=keys.LECTURE).set_value("rectangle").run()
    assert at.number_input(key=keys.BIAS).value == -4.0
    at.button(key="kernel_back").click().run()
    assert not at.exception, exceptions(at)
    assert at.selectbox(key=keys.KERNEL_PRESET).value == "sobel_y"
    assert at.toggle(key=keys.FLIP).value is True and at.number_input(key=keys.BIAS).value == 2.0
    assert not [b for b in at.button if b.key == "kernel_back"]  # nothing left to undo


def test_the_preset_box_names_what_is_in_the_grid(open_page):
    at = open_page()
    at.selectbox(key=keys.KERNEL_PRESET).set_value("box_blur_3").run()
    type_in(at, kernel.GRID, {0: {"0": "2"}}).run()
    assert at.selectbox(key=keys.KERNEL_PRESET).value == "custom"
    assert "your own" in page_text(at)
    at.button(key="kernel_reset").click().run()  # back to the preset it started from
    assert at.selectbox(key=keys.KERNEL_PRESET).value == "box_blur_3"
    assert at.session_state[kernel.TABLE][0] == ["1/9", "1/9", "1/9"]


def test_a_512_map_is_a_picture_whose_read_out_is_the_cores(open_page):
    at = open_page(query={"src": "Photo", "size": "512", "k": "sobel_x"})
    assert not at.exception, exceptions(at)
    name = next(iter(samples.PHOTOS))
    image = samples.load_photo(name, mode="gray", max_side=512)
    z = cnnviz.conv2d(image, [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    fig = figure(at, 1)
    assert fig["kind"] == "cnnviz-picture" and fig["shape"] == list(z.shape)
    assert fig["png"].startswith("data:image/png;base64,")
    r = read(at, "pg_panel0_Featur")
    assert r["shape"] == z.shape
    assert r["values"].shape == (len(r["rows"]), len(r["cols"])) == (128, 128)
    np.testing.assert_allclose(r["values"], z[np.ix_(r["rows"], r["cols"])], rtol=1e-6,
                               atol=1e-6)
    assert "-" in fig["note"][0]  # the diverging note, raw units
    assert [tick[1] for tick in fig["colorbar"]["ticks"]][2] == "0"  # the legend, raw units


def test_flip_shows_the_turned_kernel_and_names_convolution(open_page):
    at = open_page(query={"src": "Lecture", "k": "1,2,0;0,0,0;0,0,-1"})
    assert "a ⋆ k" in title(figure(at, 1))
    at.toggle(key=keys.FLIP).set_value(True).run()
    assert not at.exception, exceptions(at)
    np.testing.assert_array_equal(raw(at, "pg_turned"), [[-1, 0, 0], [0, 0, 0], [0, 2, 1]])
    assert any("Convolution z = a ∗ k + b" in title(figure(at, i))
               for i in range(len(charts(at))))


def test_a_preset_that_shares_its_numbers_with_another_stays_chosen(open_page):
    # Prewitt x has the numbers of "Vertical edges" (and Prewitt y those of "Horizontal
    # edges (reversed)"): the box used to jump to the first of the two. bench/load.py found it.
    at = open_page()
    for name, twin in (("prewitt_x", "vertical_edge"), ("prewitt_y", "horizontal_edge_rev")):
        at.selectbox(key=keys.KERNEL_PRESET).set_value(name).run()
        assert not at.exception, exceptions(at)
        assert at.selectbox(key=keys.KERNEL_PRESET).value == name
        assert cnnviz.core.kernels.KERNELS[name].meaning in page_text(at)
        assert at.query_params.get("k") in (name, [name])
        at.selectbox(key=keys.KERNEL_PRESET).set_value(twin).run()  # and the twin is its own
        assert at.selectbox(key=keys.KERNEL_PRESET).value == twin
        assert cnnviz.core.kernels.KERNELS[twin].meaning in page_text(at)


def _downloads(monkeypatch) -> dict:
    """Record each deferred download the page registers: its file name -> the callable."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return made


def _csv(data: bytes) -> np.ndarray:
    return np.loadtxt(io.StringIO(data.decode()), delimiter=",", ndmin=2)


def test_each_download_is_named_after_what_it_holds_z_and_g_of_z(open_page, monkeypatch):
    made = _downloads(monkeypatch)
    at = open_page(query={"src": "Lecture", "k": "sobel_x", "act": "relu"})
    assert not at.exception, exceptions(at)
    labels = [b.proto.label for b in at.get("download_button")]
    for label in ("Feature map z (CSV)", "Feature map z (PNG)", "Activation g(z) (CSV)",
                  "Activation g(z) (PNG)"):
        assert label in labels
    assert "Feature map (CSV)" not in labels
    item = samples.LECTURE_INPUTS[at.session_state[keys.LECTURE]]
    z = cnnviz.conv2d(item.array, [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    assert z.min() < 0  # so that z and relu(z) differ
    np.testing.assert_allclose(_csv(made["feature_map_z.csv"]()), z)
    np.testing.assert_allclose(_csv(made["activation_relu.csv"]()), np.maximum(z, 0))
    # No activation: g(z) = z, one feature map to download.
    at.selectbox(key=keys.ACTIVATION).set_value("none").run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Feature map z (CSV)" in labels and "Activation g(z) (CSV)" not in labels


def test_a_typed_lecture_link_without_a_kernel_gets_the_matrixs_own_kernel(open_page):
    at = open_page(query={"src": "Lecture"})
    assert not at.exception, exceptions(at)
    item = samples.LECTURE_INPUTS["digit_one"]
    np.testing.assert_array_equal(at.session_state[kernel.LAST_GOOD], item.kernel)
    at = open_page(query={"src": "Lecture", "lecture": "rectangle", "s_h": "2"})
    item = samples.LECTURE_INPUTS["rectangle"]
    np.testing.assert_array_equal(at.session_state[kernel.LAST_GOOD], item.kernel)
    assert at.number_input(key=keys.BIAS).value == item.bias == -4.0
    assert at.number_input(key=keys.STRIDE_H).value == 2  # what the link says wins
    assert at.number_input(key=keys.STRIDE_W).value == 1
    # A link that names a kernel keeps it.
    at = open_page(query={"src": "Lecture", "k": "sobel_x"})
    np.testing.assert_array_equal(at.session_state[kernel.LAST_GOOD],
                                  [[1, 0, -1], [2, 0, -2], [1, 0, -1]])

"""The printable handout of a lecture list (cnnviz.plots.handout)."""

import re

import pytest

from cnnviz.lessons import lectures
from cnnviz.plots.handout import handout


def _cells(html: str, caption: str) -> list[list[str]]:
    """The table under ``caption`` as rows of cell texts."""
    part = html.split(f"<figcaption>{caption}</figcaption>", 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<td>([^<]*)</td>", row)
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", part)]


def test_every_example_is_in_its_lecture_with_a_link():
    html = handout(base="https://class.example/app/")
    for step in lectures.steps():
        assert f"{step.id} " in html
        assert f'href="https://class.example/app/{lectures.href(step).removeprefix("./")}"'.replace(
            "&", "&amp;") in html


def test_the_lectures_numbers_are_in_tables():
    html = handout("002")
    rect = html.split("002.1 ", 1)[1]
    assert _cells(rect, "Output (p = 0, s = 1)")[2] == ["3", "4", "4", "5", "2"]
    pooled = html.split("002.5 ", 1)[1]
    assert _cells(pooled, "Max pooled 2 × 2, stride 2") == [["1", "2"], ["4", "5"]]
    another = handout("004").split("004.6 ", 1)[1]
    assert _cells(another, "Output (p = 0, s = 1)")[0][:3] == ["-67", "23", "43"]


def test_maps_are_pictures_inside_the_file_and_it_prints_on_a4_and_letter():
    html = handout("000")
    assert html.count('src="data:image/png;base64,') >= 3  # sharpen, blur, edge on a photo
    assert "<script" not in html and "http" not in html.split("<body>")[0]
    assert "@page { size: auto; margin: 15mm; }" in html and "break-inside: avoid" in html
    # 180 mm of content fits A4 (210 mm) and Letter (216 mm) within 15 mm margins
    assert "max-width: 180mm" in html


def test_an_unknown_lecture_is_refused_by_name():
    with pytest.raises(ValueError, match="lecture must be one of 000"):
        handout("009")


@pytest.mark.parametrize(("example", "exact"), [
    ("000.1", ["3,083,010"]),
    ("001.1", ["921,600", "92,160,000"]),
    ("003.1", ["1,600,040,000", "6,400,160,000", "57,600,480,000"]),
    ("003.5", ["14,400,120,000", "84"]),
    ("004.1", ["67,500", "67,500,000"]),
])
def test_the_dense_against_convolution_counts_are_in_their_example(example, exact):
    # Every counts example links to the Shapes page with its own rows (shp_counts=…):
    # the handout printed only the title, never the exact counts beside the lecture's.
    html = handout(example[:3])
    section = html.split(f"<h2>{example} ", 1)[1].split("</section>", 1)[0]
    table = section.split('<table class="counts">', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>", table) == exact


def _section(example: str) -> str:
    return handout(example[:3]).split(f"<h2>{example} ", 1)[1].split("</section>", 1)[0]


def test_the_flip_prints_the_kernel_and_its_turned_copy():
    # 004.11: the lecture's [[3,4,5],[1,0,2],[-1,9,7]] → [[7,9,-1],[2,0,1],[5,4,3]]
    flip = _section("004.11")
    assert _cells(flip, "k (cross-correlation)") == [["3", "4", "5"], ["1", "0", "2"],
                                                     ["-1", "9", "7"]]
    assert _cells(flip, "k turned by 180° (convolution)") == [["7", "9", "-1"], ["2", "0", "1"],
                                                              ["5", "4", "3"]]


def test_a_typed_matrix_prints_its_numbers():
    # 001.2: the lecture's probabilities, typed into the Playground
    probs = _section("001.2")
    assert _cells(probs, "Input")[0] == ["0.001", "0.003", "0.876"]


@pytest.mark.parametrize("example", ["003.3", "004.2", "004.7"])
def test_side_by_side_prints_both_kernels_and_both_maps(example):
    part = _section(example)
    assert part.count("<figcaption>Kernel A") == 1 and part.count("<figcaption>Kernel B") == 1
    assert part.count('src="data:image/png;base64,') == 2


def test_the_red_only_filter_prints_its_slices_and_its_map():
    red = _section("004.8")
    assert _cells(red, "Filter, slice R")[0] == ["1", "1", "1"]
    assert _cells(red, "Filter, slice G") == [["0", "0", "0"]] * 3
    assert red.count('src="data:image/png;base64,') == 1


def _layer_rows(example: str) -> list[list[str]]:
    section = _section(example)
    table = section.split('<table class="counts">', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", table)]


@pytest.mark.parametrize(("example", "layers", "total"), [
    # 002.3: 32 × 32 × 3, ten 5 × 5 × 3 filters, p = 2 → 32 × 32 × 10, 10·(75 + 1) = 760
    ("002.3", [["0", "input a^[0]", "32 × 32 × 3", "0"],
               ["1", "CONV 5×5, 10 filters, s=1, p=2", "32 × 32 × 10", "760"]], "760"),
    # 004.12: ten 3 × 3 × 3 filters + biases on 10 × 10 × 3 → 8 × 8 × 10, 280 parameters
    ("004.12", [["0", "input a^[0]", "10 × 10 × 3", "0"],
                ["1", "CONV 3×3, 10 filters, s=1, p=0", "8 × 8 × 10", "280"]], "280"),
])
def test_a_layer_stack_prints_its_shapes_and_parameters(example, layers, total):
    # Found by tester23 (T3): the stack examples printed only their title.
    rows = _layer_rows(example)
    assert rows[0] == ["l", "layer", "output shape", "parameters"]
    assert rows[1:-1] == layers
    assert rows[-1] == ["Total parameters", total]


@pytest.mark.parametrize(("example", "total"), [("000.12", "61,706"), ("002.6", "61,100,840")])
def test_a_network_preset_prints_its_layers_and_total(example, total):
    # LeNet-5 (000.12) and AlexNet (002.6, the lecture's "60 million")
    rows = _layer_rows(example)
    assert rows[-1] == ["Total parameters", total]
    assert len(rows) > 10 and all(len(r) == 4 for r in rows[:-1])


def test_the_size_formula_prints_with_its_numbers():
    # 000.11: n = 7, f = 3, s = 2 → ⌊(7 − 3)/2⌋ + 1 = 3 (printed only its title before)
    section = _section("000.11")
    table = section.split('<table class="size">', 1)[1].split("</table>", 1)[0]
    rows = [re.findall(r"<t[dh]>([^<]*)</t[dh]>", r) for r in re.findall(r"<tr>(.*?)</tr>", table)]
    assert rows == [["n", "f", "p", "s", "d", "output n′"], ["7", "3", "0", "2", "1", "3"]]
    assert '<p class="formula">(7 + 2·0 − 3)/2 + 1 = 3</p>' in section


@pytest.mark.parametrize(("example", "caption"), [
    ("000.6", "Input: Camera man (grey, 512 × 512), 16 × 16"),
    ("003.6", "Input: the circle pattern, 16 × 16"),
])
def test_pooling_a_photo_or_a_pattern_prints_the_image_and_the_pooled_map(example, caption):
    # 000.6 and 003.6 printed only their title; now the 16 × 16 input and its 8 × 8 max-pool.
    import base64

    import numpy as np

    from cnnviz.data import samples
    from cnnviz.plots.gif import map_png

    section = _section(example)
    pictures = re.findall(r'<figcaption>([^<]*)</figcaption><img(?: class="pair")? alt="[^"]*" '
                          r'src="data:image/png;base64,([^"]+)">', section)
    assert [c for c, _ in pictures] == [caption, "Max pooled 2 × 2, stride 2: 8 × 8"]
    x = (samples.pattern("circle", 16) if example == "003.6"
         else samples.load_photo("camera", mode="grey", max_side=16))
    pooled = np.array([[x[2 * r:2 * r + 2, 2 * c:2 * c + 2].max() for c in range(8)]
                       for r in range(8)])  # the loop reference
    assert base64.b64decode(pictures[1][1]) == map_png(pooled, "clip", display=320)


def test_three_3x3_against_one_7x7_prints_fields_parameters_and_relus():
    # 003.7: 3·(3·3·1 + 1)·1 = 30 parameters against (7·7·1 + 1)·1 = 50, both see 7 × 7
    assert _layer_rows("003.7") == [
        ["stack", "receptive field", "formula", "parameters (with biases)", "ReLUs"],
        ["Three 3×3 convolutions", "7 × 7", "3·(3·3·1 + 1)·1 = 30", "30", "3"],
        ["One 7×7 convolution", "7 × 7", "(7·7·1 + 1)·1 = 50", "50", "1"]]


def test_a_filter_bank_prints_one_map_per_filter():
    # 001.8: four presets on every channel of the 32-px colour cat → a 19 × 30 × 4 volume
    import base64

    import numpy as np
    from scipy.signal import correlate2d

    from cnnviz.core.kernels import KERNELS
    from cnnviz.data import samples
    from cnnviz.plots.gif import map_png

    pictures = re.findall(r'<figcaption>([^<]*)</figcaption><img class="pair" alt="[^"]*" '
                          r'src="data:image/png;base64,([^"]+)">', _section("001.8"))
    assert [c for c, _ in pictures] == [
        "Map 1 of 4 (19 × 30): Vertical edges", "Map 2 of 4 (19 × 30): Horizontal edges",
        "Map 3 of 4 (19 × 30): Sobel x", "Map 4 of 4 (19 × 30): Sobel y"]
    x = samples.load_photo("chelsea", mode="rgb", max_side=32)
    k = KERNELS["sobel_y"].values
    expected = sum(correlate2d(x[:, :, c], k, mode="valid") for c in range(3))  # scipy oracle
    assert base64.b64decode(pictures[3][1]) == map_png(np.asarray(expected), "diverging",
                                                       display=320)


def _captioned(section: str, start: str) -> str:
    """The caption that begins with ``start`` (its whole text, for :func:`_cells`)."""
    return re.search(rf"<figcaption>({re.escape(start)}[^<]*)</figcaption>", section)[1]


def test_step_by_step_prints_the_animated_grid_its_kernel_and_its_output():
    # 001.3: the square pattern at 16 px, an 8 × 8 crop at the centre in 0–255 levels, the
    # 3 × 3 box of ones: printed only its title before.
    import numpy as np
    from scipy.signal import correlate2d

    from cnnviz.data import samples

    section = _section("001.3")
    caption = _captioned(section, "Input (8 × 8)")
    assert "rows 4–11, columns 4–11" in caption and "Pixel values 0–255" in caption
    image = samples.pattern("square", 16)
    grid = np.round(image[4:12, 4:12] * 255)  # the crop and the levels, by hand
    printed = np.array(_cells(section, caption), dtype=float)
    assert printed.shape == (8, 8) and np.array_equal(printed, grid)
    assert _cells(section, "Kernel") == [["1", "1", "1"]] * 3
    out = correlate2d(grid, np.ones((3, 3)), mode="valid")  # scipy oracle
    assert np.array_equal(np.array(_cells(section, _captioned(section, "Output (p = 0, s = 1)")),
                                   dtype=float), out)
    assert out[0, 0] == 2295


@pytest.mark.parametrize(("example", "row", "col"), [("001.7", 0, 0), ("003.2", 0, 0)])
def test_convolution_as_a_matrix_prints_x_k_im2col_w_and_y(example, row, col):
    # Both printed only their title. The page's defaults: the camera man at the working size
    # (128 px) shrunk to 6 × 6, the numbered 3 × 3 kernel, p = 0, s = 1.
    import numpy as np
    from scipy.signal import correlate2d

    from cnnviz.core.text import format_number
    from cnnviz.data import samples
    from cnnviz.lessons.matrix import small_input

    section = _section(example)
    x = small_input(samples.load_photo("camera", mode="grey", max_side=128), 6).values
    printed_x = np.array(_cells(section, _captioned(section, "Input x (6 × 6)")), dtype=float)
    assert np.array_equal(printed_x, x)  # the page's x, to its 2 decimals
    k = np.arange(1.0, 10.0).reshape(3, 3)
    assert np.array_equal(np.array(_cells(section, "Kernel k"), dtype=float), k)
    caption = _captioned(section, "im2col (16 × 9)")
    assert f"row {row * 4 + col} is output cell ({row}, {col})" in caption
    windows = [x[r:r + 3, c:c + 3].ravel() for r in range(4) for c in range(4)]  # loop reference
    assert np.array_equal(np.array(_cells(section, caption), dtype=float), windows)
    marked = section.split(caption, 1)[1].split("</table>", 1)[0].split("<tr")
    assert [i for i, r in enumerate(marked[1:]) if r.startswith(' class="mark"')] == [
        row * 4 + col]
    y = correlate2d(x, k, mode="valid")  # scipy oracle
    printed_y = np.array(_cells(section, "y = W x = im2col · k (4 × 4)"), dtype=float)
    assert np.allclose(printed_y, y, atol=0.005)
    assert section.count('src="data:image/png;base64,') == 1  # W, 16 × 36, as a picture
    terms = " + ".join(f"{w:g}·{v:g}" for w, v in zip(k.ravel(), windows[row * 4 + col],
                                                          strict=True))
    total = format_number(np.dot(k.ravel(), windows[row * 4 + col]))
    assert f"y[{row * 4 + col}] = {terms} = {total}" in section

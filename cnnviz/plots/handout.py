"""A printable handout of a lecture list: one self-contained HTML file.

Each worked example of the list (:mod:`cnnviz.lessons.lectures`) gets its
title, its note, its link into the app and, where it has them, its numbers:
a lecture matrix's input, filter and output as tables (a colour volume: one
table per channel), the dense-against-convolution counts of the Shapes page,
a photo's feature map as an image (a PNG inside the file), both kernels and
both maps of a side-by-side example, a typed matrix, the flip's kernel and
its turned copy, a colour filter's slices and its map, a layer stack's shapes and
parameters, the size formula with its numbers, a pooled photo or pattern, three 3 × 3
against one 7 × 7, a filter bank's maps, Step by step's grid (a picture's crop in 0–255
levels) with its kernel and output, convolution as a matrix (x, k, im2col with the
followed row, W as a picture, y and the row's sum). Nothing is fetched
when it is opened or printed; the print style fits A4 and Letter (``@page``
with the printer's own size and 15 mm margins, tables never split).

>>> html = handout("002", base="http://localhost:8501/")
>>> html.count('class="example"'), "<table" in html, "http" in html  # 6 and a further step
(7, True, True)
>>> "<script" in html
False
"""

from __future__ import annotations

import base64
import html as _html
import re
from collections.abc import Sequence

import numpy as np

from cnnviz.core.activations import activate
from cnnviz.core.cells import parse_matrix
from cnnviz.core.codec import decode_rows
from cnnviz.core.conv import conv2d
from cnnviz.core.kernels import KERNELS, kernel_choices, kernel_from_table, stack_channels
from cnnviz.core.pool import pool2d
from cnnviz.core.text import format_number
from cnnviz.data import samples
from cnnviz.lessons import lectures
from cnnviz.lessons import matrix as mview
from cnnviz.lessons.animation import (
    DEFAULT_GRID,
    DEFAULT_LEVELS,
    grid_for_animation,
    levels_for_animation,
)
from cnnviz.lessons.colour import DEFAULT_BANK, bank_from_presets, slice_preset
from cnnviz.lessons.formulas import size_words
from cnnviz.lessons.networks import ARCHITECTURES
from cnnviz.lessons.receptive_field import three_3x3_vs_7x7
from cnnviz.lessons.shapes import (
    COLUMNS,
    NUMERIC_COLUMNS,
    analyse_stack,
    architecture_rows,
    calculate,
    comparison_rows,
    format_count,
    parse_stack,
)
from cnnviz.plots.gif import map_png

__all__ = ["handout"]

_CSS = """
@page { size: auto; margin: 15mm; }
body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111;
  max-width: 180mm; margin: 0 auto; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 0 0 1mm; }
.source { color: #444; margin: 0 0 6mm; }
.example { break-inside: avoid; page-break-inside: avoid; margin: 0 0 7mm;
  border-top: 1px solid #bbb; padding-top: 3mm; }
.note { margin: 1mm 0; }
.formula { font-size: 11pt; margin: 1mm 0 0; font-variant-numeric: tabular-nums; }
.link { font-size: 9pt; word-break: break-all; color: #0b4f9c; }
.grids { display: flex; flex-wrap: wrap; gap: 5mm; align-items: flex-start; margin-top: 2mm; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-size: 9pt; color: #333; margin-bottom: 1mm; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; break-inside: avoid; }
td, th { border: 1px solid #888; padding: 0.6mm 1.6mm; text-align: right; font-size: 9.5pt; }
th { background: #eee; }
tr.mark td { background: #ffe08a; font-weight: 700;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
table.counts td:first-child, table.counts th:first-child { text-align: left; }
img { max-width: 80mm; height: auto; image-rendering: pixelated; }
img.pair { max-width: 55mm; }
@media print { a { color: inherit; text-decoration: none; } }
"""

_PHOTO_SIDE = 64  # a photo's feature map: small, but enough to see what the kernel does


def _table(values: np.ndarray, caption: str, *, mark: int | None = None) -> str:
    """A grid as a table; ``mark``: the row printed bold on amber (the cell being followed)."""
    rows = "".join(("<tr class=\"mark\">" if i == mark else "<tr>")
                   + "".join(f"<td>{_html.escape(format_number(v))}</td>" for v in row)
                   + "</tr>" for i, row in enumerate(np.atleast_2d(values)))
    return f"<figure><figcaption>{_html.escape(caption)}</figcaption><table>{rows}</table>" \
           "</figure>"


def _grids(values: np.ndarray, caption: str) -> list[str]:
    if values.ndim == 3:
        return [_table(values[:, :, c], f"{caption}, channel {'RGB'[c]}")
                for c in range(values.shape[2])]
    return [_table(values, caption)]


def _image(values: np.ndarray, caption: str, *, pair: bool = False,
           mapping: str = "diverging", display: int = 320) -> str:
    """A map as a PNG inside the file; ``pair``: one of two maps side by side (55 mm each).
    ``mapping``: as on screen ("diverging" for signed maps, "clip" for an image's 0…1);
    ``display``: the picture's pixels a side (more for a grid whose numbers are drawn)."""
    data = base64.b64encode(map_png(values, mapping, display=display)).decode("ascii")
    size = ' class="pair"' if pair else ""
    return (f'<figure><figcaption>{_html.escape(caption)}</figcaption>'
            f'<img{size} alt="{_html.escape(caption)}" src="data:image/png;base64,{data}">'
            "</figure>")


def _kernel(text: str | None) -> np.ndarray | None:
    if not text:
        return None
    if text in KERNELS:
        return KERNELS[text].values
    return kernel_from_table([row.split(",") for row in text.split(";")])


def _lecture_parts(query: dict[str, str]) -> list[str]:
    item = samples.LECTURE_INPUTS[query.get("lecture", next(iter(samples.LECTURE_INPUTS)))]
    x = np.asarray(item.array)
    parts = _grids(x, "Input")
    if item.kernel is None:
        size = int(item.pool_size or 2)
        parts += _grids(pool2d(x, size, stride=int(item.stride)),
                        f"Max pooled {size} × {size}, stride {item.stride}")
        return parts
    kernel = np.asarray(item.kernel)
    if kernel.ndim == 3 and np.all(kernel == kernel[:, :, :1]):
        parts += _grids(kernel[:, :, 0], "Filter (the same on every channel)")
    else:
        parts += _grids(kernel, "Filter")
    stride = int(query.get("s_h", item.stride))
    padding = {"same": (kernel.shape[0] - 1) // 2}.get(query.get("pad", ""), int(item.padding))
    z = conv2d(x, kernel, float(item.bias), stride=stride, padding=padding)
    z = z[:, :, 0] if z.ndim == 3 else z
    label = f"Output (p = {padding}, s = {stride})"
    if item.bias:
        parts += _grids(z, f"wᵀx + w0, w0 = {format_number(item.bias)}")
        parts += _grids(activate(z, "relu"), "after ReLU")
    else:
        parts += _grids(z, label)
    return parts


def _photo_parts(query: dict[str, str]) -> list[str]:
    kernel = _kernel(query.get("k"))
    name = query.get("photo", next(iter(samples.PHOTOS)))
    if kernel is None or name not in samples.PHOTOS:
        return []
    image = samples.load_photo(name, mode="grey", max_side=_PHOTO_SIDE)
    z = conv2d(image, kernel)
    if query.get("act") == "relu":
        z = activate(z, "relu")
    return _grids(kernel, "Kernel") + [_image(z, f"Feature map on {samples.PHOTOS[name].title}")]


def _typed_parts(query: dict[str, str]) -> list[str]:
    x = parse_matrix(query.get("m", ""), name="m")  # 1,2;3,4 as the link holds it
    kernel = _kernel(query.get("k"))
    parts = _grids(x, "Input")
    if kernel is not None:
        parts += _grids(kernel, "Kernel") + _grids(conv2d(x, kernel), "Output (p = 0, s = 1)")
    return parts


def _compare_parts(query: dict[str, str]) -> list[str]:
    """Side by side: both kernels and both maps on the photo (the page's "same" padding)."""
    name = query.get("photo", next(iter(samples.PHOTOS)))
    kernels = [_kernel(query.get(side)) for side in ("a_k", "b_k")]
    if name not in samples.PHOTOS or any(k is None for k in kernels):
        return []
    image = samples.load_photo(name, mode="grey", max_side=_PHOTO_SIDE)
    # The kernels first, then the two maps, small enough for all four to share a row.
    parts = [g for side, kernel in zip("AB", kernels, strict=True)
             for g in _grids(kernel, f"Kernel {side}")]
    return parts + [_image(conv2d(image, kernel, padding="same"),
                           f"Map {side}: kernel {side} on the photo", pair=True)
                    for side, kernel in zip("AB", kernels, strict=True)]


def _flip_parts(query: dict[str, str]) -> list[str]:
    kernel = _kernel(query.get("corr_k"))
    if kernel is None:
        return []
    return (_grids(kernel, "k (cross-correlation)")
            + _grids(kernel[::-1, ::-1], "k turned by 180° (convolution)"))


def _colour_photo_parts(query: dict[str, str]) -> list[str]:
    """One filter over a photo's three channels (the Colour page's slices): slices and map."""
    name = query.get("photo", next(iter(samples.PHOTOS)))
    names = [query.get(f"cv_{c}") for c in "rgb"]
    if name not in samples.PHOTOS or None in names:
        return []
    weights = np.stack([slice_preset(str(n), 3) for n in names], axis=-1)
    image = samples.load_photo(name, mode="rgb", max_side=int(query.get("size", _PHOTO_SIDE)))
    z = conv2d(image, weights)
    z = z[:, :, 0] if z.ndim == 3 else z
    return ([_table(weights[:, :, c], f"Filter, slice {'RGB'[c]}") for c in range(3)]
            + [_image(z, f"Output map on {samples.PHOTOS[name].title}")])


def _app_image(query: dict[str, str]) -> tuple[np.ndarray, str, bool] | None:
    """The sidebar's image as a link opens it in a new session (a photo or a pattern, at the
    link's working size or the default): the image, its title, whether it is a picture."""
    side = int(query.get("size", samples.WORKING_SIDE))
    mode = "rgb" if query.get("channels") == "Colour" else "grey"
    kind = query.get("src", "Photo")
    if kind == "Photo":
        name = query.get("photo", next(iter(samples.PHOTOS)))
        if name not in samples.PHOTOS:
            return None
        image = samples.load_photo(name, mode=mode, max_side=side)
        return image, samples.PHOTOS[name].title, True
    if kind == "Pattern" and query.get("pattern") in samples.PATTERNS and mode == "grey":
        side = min(side, 256)  # as the sidebar draws it
        return samples.pattern(query["pattern"], side), f"the {query['pattern']} pattern", True
    return None


def _step_parts(query: dict[str, str]) -> list[str]:
    """Step by step on a picture: the grid the page animates (its crop or downscaled copy,
    in 0–255 levels by default), the kernel and the output, with their numbers."""
    source, kernel = _app_image(query), _kernel(query.get("k"))
    if source is None or kernel is None:
        return []
    image, title, picture = source
    grid, _, note = grid_for_animation(
        image, int(query.get("grid", DEFAULT_GRID)), how=query.get("grid_how", "Crop"),
        centre_pct=(float(query.get("crop_r", 50)), float(query.get("crop_c", 50))))
    if picture:
        grid, note = levels_for_animation(grid, note, query.get("levels", DEFAULT_LEVELS))
    note = note.replace(" (outlined on the small image)", "")  # the page's picture, not here
    h, w = grid.shape[:2]
    z = conv2d(grid, stack_channels(kernel, grid.shape[2]) if grid.ndim == 3 else kernel)
    z = z[:, :, 0] if z.ndim == 3 else z
    return (_grids(grid, f"Input ({h} × {w}) from {title}: {note}") + _grids(kernel, "Kernel")
            + _grids(z, f"Output (p = 0, s = 1): Σ input · kernel, {z.shape[0]} × {z.shape[1]}"))


def _matrix_parts(query: dict[str, str]) -> list[str]:
    """Convolution as a matrix (its page's defaults: the image shrunk to ``mx_side`` pixels,
    the numbered 3 × 3 kernel, p = 0, s = 1): x, k, im2col with the followed cell's row, W
    as a picture, y, and the row's sum."""
    source = _app_image(query)
    name = query.get("mx_kernel", "numbered_3")
    kernels = kernel_choices(mview.MAX_KERNEL_SIDE)  # the page's list, with its extras
    if source is None or name not in kernels:
        return []
    small = mview.small_input(source[0], int(query.get("mx_side", 6)))
    mv = mview.matrix_view(small.values, kernels[name].values)
    cell = mv.cell(int(query.get("mx_row", 0)), int(query.get("mx_col", 0)))
    h, w = mv.x.shape
    n_out, n_taps = mv.cols.shape
    oh, ow = mv.output.shape
    about = ", ".join([source[1], small.note.removeprefix("Input: ").rstrip(".")]) \
        if small.note else source[1]
    return (_grids(mv.x, f"Input x ({h} × {w}): {about}; x is it row after row")
            + _grids(mv.kernel, "Kernel k")
            + [_table(mv.cols, f"im2col ({n_out} × {n_taps}): row i is window i; row "
                               f"{cell.index} is output cell ({cell.row}, {cell.col})",
                      mark=cell.index),
               _image(mv.weights, f"W ({n_out} × {h * w}): row i is k on window i's pixels "
                                  "(white: 0)"),
               _table(mv.by_matrix.reshape(oh, ow), f"y = W x = im2col · k ({oh} × {ow})"),
               f"<figure><figcaption>Row {cell.index} of W times x</figcaption>"
               f'<p class="formula">y[{cell.index}] = {_html.escape(cell.sum_text)}</p>'
               "</figure>"])


def _counts(example: str | None = None) -> str:
    figure = "lecture's figure"
    rows = "".join("<tr>" + "".join(f"<td>{_html.escape(r[c])}</td>" for c in (
        "what", "formula", "exact value", figure)) + "</tr>" for r in comparison_rows(example))
    return ('<table class="counts"><tr><th>what</th><th>formula</th><th>exact</th>'
            f"<th>lecture</th></tr>{rows}</table>")


def _stack_parts(query: dict[str, str]) -> list[str]:
    """A layer stack (the Shapes page's network section): each layer's output shape and
    parameters, and the total, as the page opens on them (a link's stack, or a preset)."""
    preset = query.get("shp_preset", "lenet5")
    if preset not in ARCHITECTURES:
        return []
    text = query.get("stack")
    rows = decode_rows(text, COLUMNS, numeric=NUMERIC_COLUMNS) if text else \
        architecture_rows(preset)
    shape = tuple(int(query.get(key, value)) for key, value in zip(
        ("shp_nh", "shp_nw", "shp_nc"), ARCHITECTURES[preset].input_shape, strict=True))
    report = analyse_stack(shape, parse_stack(rows))
    cells = ("l", "layer", "output shape", "parameters")
    body = "".join("<tr>" + "".join(
        f"<td>{_html.escape(format_count(v) if isinstance(v, int) and c != 'l' else str(v))}"
        "</td>" for c, v in ((c, row[c]) for c in cells)) + "</tr>" for row in report.table())
    total = (f'<tr><th colspan="3">Total parameters</th>'
             f"<th>{_html.escape(format_count(report.total_params))}</th></tr>")
    head = "".join(f"<th>{c}</th>" for c in cells)
    return ['<figure><figcaption>Layers: output shapes and parameters (weights and biases)'
            f'</figcaption><table class="counts"><tr>{head}</tr>{body}{total}</table></figure>']


def _size_parts(query: dict[str, str]) -> list[str]:
    """The output-size formula with the example's numbers (the Shapes page's first section)."""
    calc = calculate(int(query["shp_n"]), int(query["shp_f"]),
                     padding=query.get("shp_pad", "valid"), p=int(query.get("shp_p", 0)),
                     stride=int(query.get("shp_s", 1)), dilation=int(query.get("shp_d", 1)))
    sf = calc.formula
    pad = sf.pad[0] if sf.pad[0] == sf.pad[1] else f"{sf.pad[0]} + {sf.pad[1]}"  # "same", odd
    cells = (("n", sf.n_in), ("f", sf.f), ("p", pad), ("s", sf.stride),
             ("d", sf.dilation), ("output n′", sf.n_out))
    head = "".join(f"<th>{_html.escape(c)}</th>" for c, _ in cells)
    row = "".join(f"<td>{_html.escape(str(v))}</td>" for _, v in cells)
    return ['<figure><figcaption>Output size: ⌊(n + 2p − f)/s⌋ + 1</figcaption>'
            f'<table class="size"><tr>{head}</tr><tr>{row}</tr></table>'
            f'<p class="formula">{_html.escape(size_words(sf))}</p></figure>']


def _pool_parts(query: dict[str, str]) -> list[str]:
    """Pooling a photo or a pattern (the Pooling page's defaults: max, 2 × 2, stride 2, grey):
    the image and the pooled map as pictures, their numbers drawn in when they fit."""
    side = int(query.get("size", _PHOTO_SIDE))
    if query.get("src") == "Pattern":
        name = query.get("pattern", "")
        if name not in samples.PATTERNS:
            return []
        x, title = samples.pattern(name, side), f"the {name} pattern"
    else:
        name = query.get("photo", next(iter(samples.PHOTOS)))
        if name not in samples.PHOTOS:
            return []
        x = samples.load_photo(name, mode="grey", max_side=side)
        title = samples.PHOTOS[name].title
    h, w = x.shape
    z = pool2d(x, 2, stride=2)
    # The input at the full 80 mm and 640 px: its 16 × 16 numbers stay legible on paper.
    return [_image(x, f"Input: {title}, {h} × {w}", mapping="clip", display=640),
            _image(z, f"Max pooled 2 × 2, stride 2: {z.shape[0]} × {z.shape[1]}", pair=True,
                   mapping="clip")]


def _three_vs_one_parts(query: dict[str, str]) -> list[str]:
    """Three 3 × 3 convolutions against one 7 × 7 (the Receptive field page's comparison):
    the field each sees, its parameters with the formula, its ReLUs."""
    costs = three_3x3_vs_7x7(int(query.get("rf_channels", 1)))
    def text(latex: str) -> str:  # the page's LaTeX as print text: 3\cdot 3 → 3·3
        return re.sub(r"\\cdot\s?", "·", latex)

    rows = "".join(
        f"<tr><td>{_html.escape(c.title)}</td><td>{c.receptive_field} × {c.receptive_field}</td>"
        f"<td>{_html.escape(text(c.formula))}</td><td>{_html.escape(c.params_text)}</td>"
        f"<td>{c.relus}</td></tr>" for c in costs)
    return ['<table class="counts"><tr><th>stack</th><th>receptive field</th><th>formula</th>'
            f"<th>parameters (with biases)</th><th>ReLUs</th></tr>{rows}</table>"]


def _bank_parts(query: dict[str, str]) -> list[str]:
    """A filter bank over a colour photo (the Colour page's bank, each preset on every
    channel, p = 0, s = 1): the output volume's maps, one picture per filter."""
    name = query.get("photo", next(iter(samples.PHOTOS)))
    count = int(query.get("cv_filters", 4))
    names = [query.get(f"cv_bank{i + 1}", DEFAULT_BANK[i]) for i in range(count)]
    if name not in samples.PHOTOS or any(n not in KERNELS for n in names):
        return []
    image = samples.load_photo(name, mode="rgb", max_side=int(query.get("size", _PHOTO_SIDE)))
    bank, _ = bank_from_presets(names, n_c=3)
    maps = conv2d(image, bank)
    h, w = maps.shape[:2]
    return [_image(maps[:, :, i], f"Map {i + 1} of {count} ({h} × {w}): {KERNELS[n].title}",
                   pair=True) for i, n in enumerate(names)]


def _parts(step: lectures.Step) -> list[str]:
    query = dict(step.query)
    if query.get("src") == "Lecture":
        return _lecture_parts(query)
    if step.page == "animation" and query.get("src") in ("Photo", "Pattern") and "k" in query:
        return _step_parts(query)
    if step.page == "matrix":
        return _matrix_parts(query)
    if query.get("src") == "Photo" and step.page in ("playground", "animation"):
        return _photo_parts(query)
    if query.get("src") == "Typed" and query.get("m"):
        return _typed_parts(query)
    if step.page == "compare":
        return _compare_parts(query)
    if step.page == "correlation" and query.get("corr_k"):
        return _flip_parts(query)
    if step.page == "colour" and query.get("src") == "Photo" and query.get("cv_filters"):
        return _bank_parts(query)
    if step.page == "colour" and query.get("src") == "Photo":
        return _colour_photo_parts(query)
    if step.page == "shapes" and query.get("shp_counts"):  # the rows the page opens on
        return [_counts(query["shp_counts"])]
    if step.page == "pooling" and query.get("src") in ("Photo", "Pattern"):
        return _pool_parts(query)
    if step.page == "receptive_field" and query.get("rf_first") == "three 3×3 vs one 7×7":
        return _three_vs_one_parts(query)
    if step.page == "shapes" and query.get("shp_first") == "network":
        return _stack_parts(query)
    if step.page == "shapes" and query.get("shp_n") and query.get("shp_f"):
        return _size_parts(query)
    return []


def _example(step: lectures.Step, base: str) -> str:
    url = base + lectures.href(step).removeprefix("./")
    grids = "".join(_parts(step))
    return (f'<section class="example"><h2>{_html.escape(step.id)} '
            f"{_html.escape(step.title)}</h2>"
            + (f'<p class="note">{_html.escape(step.note)}</p>' if step.note else "")
            + (f'<div class="grids">{grids}</div>' if grids else "")
            + f'<p class="link"><a href="{_html.escape(url)}">{_html.escape(url)}</a></p>'
            + "</section>")


def handout(lecture: str | Sequence[str] | None = None, *, base: str = "") -> str:
    """The HTML handout of one lecture ("002"), several, or all five (None).

    ``base`` is the app's address ending in "/" (the links' start; empty: relative).

    Raises
    ------
    ValueError
        If ``lecture`` names no lecture.
    """
    numbers = list(lectures.LECTURES) if lecture is None else (
        [lecture] if isinstance(lecture, str) else list(lecture))
    for number in numbers:
        if number not in lectures.LECTURES:
            raise ValueError(f"lecture must be one of {', '.join(lectures.LECTURES)}, "
                             f"got {number!r}")
    body = []
    for number in numbers:
        lec = lectures.LECTURES[number]
        body.append(f"<h1>Lecture {lec.number}: {_html.escape(lec.title)}</h1>"
                    f'<p class="source">{_html.escape(lec.source)}: worked examples, in order, '
                    "with the app's numbers and a link to each.</p>")
        for example in lec.examples:
            body.append(_example(example, base))
            body.extend(_example(s, base) for s in example.further)
    title = "cnnviz handout: " + ", ".join(f"lecture {n}" for n in numbers)
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_html.escape(title)}</title><style>{_CSS}</style></head><body>"
            + "".join(body) + "</body></html>")

"""Figures for grids: images, kernels and feature maps, as pictures for the map element.

Pure builders: they take core results and return a :class:`Picture`, the
view model of the app's own map element (``cnnviz.ui.charts.chart`` places
it; ``cnnviz/ui/static/mapview.js`` draws it). Every grid is one: a lecture's
7 × 7 matrix, a kernel, a pooling window, a 512² feature map. Small grids (at
most 16×16) carry their numbers, which the browser prints in the cells, as
the lectures draw them; larger ones are colour only. Signed maps use a
diverging scale centred on 0 unless the caller asks for another display mapping.

Why not Plotly heatmaps: each one cost the browser about 100 ms on every rerun
that changed it, and the first one of a session 2.3 s for Plotly's script; the
map element draws a grid with its numbers in a few ms. Plotly stays for charts
(loss curves, probabilities). A picture carries the map's colours as
one PNG at the map's own resolution (:func:`cnnviz.plots.display.display_png`,
a palette PNG for the diverging ramp), the title, subtitle, colour bar (in
raw values) and outlines, the numbers of a small grid, and the hover
read-out of the raw values on a grid of at most :data:`HOVER_MAX_SIDE` cells
a side: every cell of a map up to that size, every ``step``-th row and column
of a larger one (the read-out names the cell it reads). Tests read a picture
back with ``tests/readers.py`` (``read_out``, ``unpack``).

>>> grid_figure(np.array([[1.0, -2.0], [0.0, 3.0]]), title="demo").meta["numbers"]["text"]
[['1', '-2'], ['0', '3']]
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from cnnviz.core.text import NUMBERS_MAX_SIDE, common_denominator, format_number
from cnnviz.data.pixels import in_unit_range
from cnnviz.lessons.export import bmatrix, markdown_table
from cnnviz.plots.display import (
    NUMBER_FIT,
    display_pixels,
    display_png,
    map_for_display,
    number_cell,
    number_font,
    png_bytes,
)

_FLOAT32_MAX = float(np.finfo(np.float32).max)

__all__ = ["HOVER_MAX_SIDE", "MARK_COLOUR", "NUMBERS_MAX_SIDE", "PNG_MAX_SIDE", "Picture", "Tile",
           "cell_pixels", "grid_figure", "image_figure", "map_rgb", "mosaic_figure",
           "numbers_cell", "numbers_width", "shared_colorbar", "window_shapes"]

#: A big map's hover read-out covers at most this many rows and columns.
HOVER_MAX_SIDE = 128
#: A big map's PNG keeps every pixel up to this side, else every k-th one.
PNG_MAX_SIDE = 1024
#: The colour of single marked cells (a max-pool winner, a tap): magenta, the animation's
#: winner colour, which no common colour-vision deficiency confuses with the blue or red
#: of the diverging maps (a green mark on a red cell would vanish for many).
MARK_COLOUR = "#ff2bd6"

#: The width (px) a grid figure is expected to get when the caller does not say: a
#: quarter of the content column at 1280 px (presenter mode: with the narrow sidebar), so
#: that numbers fit however many figures share a row; callers that know their layout
#: say more (``width=``), for larger numbers.
NOMINAL_WIDTH, PRESENT_WIDTH = 180, 230
#: The ``kind`` of a :class:`Picture`'s meta: what the map element draws.
PICTURE = "cnnviz-picture"


@dataclass(frozen=True, eq=False)
class Picture:
    """A grid, as the app's map element draws it.

    ``meta`` is JSON-ready:

    - ``title``, ``note`` (the subtitle's parts), ``label`` (the name a
      screen reader says), ``present``, ``height`` (px, title included: the
      most the figure takes; the browser fits it to the picture it draws);
    - ``shape`` ``[H, W]``; ``step``: ``png`` holds every ``step``-th cell;
    - ``colorbar``: ``None`` or ``{"colours": [[pos, css colour], ...],
      "ticks": [[pos, text], ...]}`` with positions from 0 (bottom) to 1;
    - ``hover``: ``{"kind": "rgb"}`` (read from the picture's own pixels)
      or ``{"kind": "value", "step": [sr, sc], "shape", "dtype"}``: ``values``
      holds the raw values of every ``sr``-th row and ``sc``-th column
      (little-endian); ``where`` is the read-out's note when it samples;
      ``digits``: the decimals the read-out writes a value with
      (:func:`cnnviz.core.text.format_number`'s rule; a grid that prints its
      numbers shows the cell's own text instead);
    - ``shapes``: outlines as Plotly-style shape dicts (:func:`window_shapes`);
    - ``axes``: the row and column indices go along the edges (small grids);
    - ``numbers``: ``None``, or ``{"text": [[str]], "font", "fit"}``: the text
      printed in every cell, the font size (px) expected at the nominal width,
      and the :data:`cnnviz.plots.display.NUMBER_FIT` rule the browser applies
      to the cells it draws;
    - ``copy``: ``None``, or, with the numbers, ``{"latex": str, "markdown": str}``:
      the grid as a LaTeX ``bmatrix`` and a Markdown table
      (:mod:`cnnviz.lessons.export`, at the cells' own digits, so the copied
      numbers are the printed ones), which the map's "LaTeX" and "Markdown"
      buttons copy as they are.

    The browser gets :meth:`pack`'s bytes: a PNG and a float array travel as
    they are, not as base64 text inside JSON (a third smaller, and the
    browser decodes the PNG off its main thread).
    """

    meta: dict
    png: bytes
    values: bytes = b""

    @property
    def title(self) -> str:
        return self.meta["title"]

    def pack(self, *, pick: bool = False) -> bytes:
        """``meta`` as UTF-8 JSON after its length (4 bytes, little-endian), then
        ``png``, then ``values``; ``meta["sizes"]`` gives the two lengths.
        ``pick``: the page listens for a click on a cell (``meta["pick"]``).

        >>> p = grid_figure(np.arange(400.0).reshape(20, 20))
        >>> blob = p.pack(pick=True)
        >>> n = int.from_bytes(blob[:4], "little")
        >>> meta = json.loads(blob[4:4 + n])
        >>> meta["pick"], meta["sizes"] == [len(p.png), len(p.values)]
        (True, True)
        >>> blob[4 + n:] == p.png + p.values
        True
        """
        extra = {"pick": True} if pick else {}
        meta = json.dumps({**self.meta, **extra, "sizes": [len(self.png), len(self.values)]},
                          separators=(",", ":")).encode("utf-8")
        return len(meta).to_bytes(4, "little") + meta + self.png + self.values

def _steps(shape: tuple[int, int], limit: int) -> tuple[int, int]:
    """The sampling step per axis so that at most ``limit`` rows and columns remain."""
    return tuple(max(1, -(-n // limit)) for n in shape)


def _raw_data(values: np.ndarray) -> np.ndarray:
    # float32 halves the page's size; values past its range (3.4e38) stay float64.
    return values.astype(np.float32) if float(np.abs(values).max()) < _FLOAT32_MAX else values


def _png_step(shape: tuple[int, ...]) -> int:
    """A picture keeps every pixel up to :data:`PNG_MAX_SIDE` a side, else every k-th one."""
    return max(_steps(shape[:2], PNG_MAX_SIDE))


#: Characters per subtitle line: a map shares its row with others, so about 45
#: characters of 11 px type (36 of presenter mode's 13 px) fit its width.
NOTE_CHARS, PRESENT_NOTE_CHARS = 46, 36


def _note_lines(note: str, present: bool) -> list[str]:
    """The subtitle's lines: one per "; " part, each wrapped so it is never cut off at the right.

    >>> for line in _note_lines("clip: none clipped; " + "a long explanation, " * 4, False):
    ...     print(line)
    clip: none clipped
    a long explanation, a long explanation, a long
    explanation, a long explanation,
    """
    width = PRESENT_NOTE_CHARS if present else NOTE_CHARS
    return [line for part in note.split("; ") if part
            for line in textwrap.wrap(part, width, break_long_words=False) or [part]]


def _top(note: str, present: bool) -> int:
    """The top margin: room for the title and every subtitle line, so none runs into the cells."""
    lines = len(_note_lines(note, present))
    if present:
        return 64 + 24 * lines if note else 54
    return 48 + 17 * lines if note else 44


def _height(shape: tuple[int, int], height: int | None, present: bool) -> int:
    rows, cols = shape
    if height:  # the caller's, a quarter taller on a projector
        return int(height * 1.25) if present else int(height)
    if present:  # projector: taller, so the (expected) width is what limits the cells
        return int(min(600, max(300, 440 * rows / max(cols, 1))))
    return int(min(520, max(220, 300 * rows / max(cols, 1))))


def cell_pixels(shape: tuple[int, int], *, height: int, top: int, width: int,
                colorbar: bool) -> float:
    """The side (px) of a grid figure's square cells, expected for a figure ``width`` px wide.

    The cells are square (``scaleanchor``), so the tighter of the plot's
    height per row and width per column wins; tick labels take about 24 px
    on each axis and a colour bar about 70 px.

    >>> cell_pixels((7, 7), height=300, top=65, width=280, colorbar=True)
    24.285714285714285
    """
    rows, cols = shape
    plot_w = width - 16 - 24 - (70 if colorbar else 0)
    plot_h = height - top - 8 - 24
    return max(1.0, min(plot_w / max(cols, 1), plot_h / max(rows, 1)))


#: Presenter mode prints numbers bold: a digit about 6 % wider than NUMBER_FIT's estimate;
#: other characters in digits' widths (measured in Chromium's system-ui, bold).
BOLD_DIGIT = 1.06
NARROW_CHARS = MappingProxyType({"-": 0.6, ".": 0.45})


def numbers_width(values: np.ndarray, *, digits: int = 2, present: bool = True) -> int:
    """The width (px) a grid figure needs for its numbers to print at the rule's minimum.

    :func:`cnnviz.plots.display.number_cell` for the grid's widest label (as
    :func:`grid_figure` writes them), times its columns, plus the map element's
    frame (8 px each side) and its row indices. A page that lays out several
    grids side by side shares the row in these proportions, or shows one at a
    time where the row is too narrow for all of them.

    >>> numbers_width(np.full((10, 10), 252.0)), numbers_width(np.full((8, 8), -448.0))
    (394, 378)
    """
    arr = np.asarray(values, dtype=np.float64)
    rows, cols = arr.shape[:2]
    return int(cols * numbers_cell(arr, digits=digits, present=present) + 14
               + 8 * len(str(rows - 1)) + 12)


def numbers_cell(values: np.ndarray, *, digits: int = 2, present: bool = True) -> int:
    """The cell side (px) at which a grid's widest label prints at the rule's minimum.

    >>> numbers_cell(np.full((3, 3), -1204.0))
    54
    """
    arr = np.asarray(values, dtype=np.float64)
    texts = {format_number(v, digits) for v in arr.ravel()} or {"0"}
    chars = max(sum(NARROW_CHARS.get(ch, 1.0) for ch in t) for t in texts)
    return number_cell(chars * BOLD_DIGIT if present else chars, present=present)


def grid_figure(
    values: np.ndarray,
    *,
    title: str = "",
    mapping: str | None = None,
    digits: int = 2,
    show_numbers: bool | None = None,
    highlight: Sequence[tuple[int, int, int, int]] = (),
    cells: Sequence[tuple[int, int]] = (),
    picked: Sequence[tuple[int, int]] = (),
    colorbar: bool = True,
    height: int | None = None,
    limits: tuple[float, float] | None = None,
    width: int | None = None,
    present: bool = False,
    grow: bool = True,
    wide: bool = False,
) -> Picture:
    """A 2-D array as a :class:`Picture` for the map element, with its numbers when small.

    Every grid is drawn by the app's map element (``cnnviz.ui.charts``): a
    lecture's 7 × 7 matrix and a 512² feature map alike. A grid of at most
    :data:`NUMBERS_MAX_SIDE` a side carries the text of every cell
    (``meta["numbers"]``), which the browser prints in the cells at the size
    :data:`cnnviz.plots.display.NUMBER_FIT` gives for the cells it draws, and
    its row and column indices along the edges.

    Parameters
    ----------
    values : (H, W) array
    mapping : str, optional
        A :data:`cnnviz.plots.display.MAPPINGS` name. Default: ``"diverging"`` when
        the array has negative values, else ``"minmax"`` in grey.
    highlight : rectangles ``(top, left, height, width)`` in cell units to outline.
    cells : single cells ``(row, col)`` to mark (e.g. a max-pool winner).
    picked : the cell the user picked (the one a page explains): marked as ``cells`` on
        screen, flagged ``"picked"`` so the PNG button leaves it out of a slide.
    limits : (lo, hi), optional
        A colour scale shared with other maps (see
        :func:`cnnviz.plots.display.map_for_display`): equal limits give equal
        colours and an equal legend for equal values.
    width : the width (px) the figure is expected to get on screen (default
        :data:`NOMINAL_WIDTH`, :data:`PRESENT_WIDTH` in presenter mode): with
        the height it gives the expected cell size, and so the numbers' font
        (``meta["numbers"]["font"]``, :func:`cnnviz.plots.display.number_font`);
        the browser applies the same rule to the cells it really draws.
    present : presenter mode: taller, larger bold type, and no colour bar when
        the numbers are printed (they say the values).
    grow : presenter mode: the map element makes the cells large enough for the
        numbers to print at ``NUMBER_FIT["present_min"]`` where the width allows,
        taller than ``height`` if need be. False where the page knows that would
        put the grid past the screen's foot (``meta["grow"]``).
    wide : presenter mode: where the ``height`` given keeps the cells too small for the
        numbers at ``NUMBER_FIT["present_min"]`` and the width does not, the map
        element makes the cells wider than tall (as wide as the numbers need, as
        tall as the height allows) instead of the figure taller (``meta["wide"]``):
        a grid of long numbers near the screen's foot.

    Examples
    --------
    >>> p = grid_figure(np.eye(3))
    >>> p.meta["numbers"]["text"], p.meta["axes"]
    ([['1', '0', '0'], ['0', '1', '0'], ['0', '0', '1']], True)
    >>> grid_figure(np.zeros((17, 17))).meta["numbers"] is None
    True
    >>> print(grid_figure(np.array([[0.5, -2.0]]), digits=1).meta["copy"]["latex"])
    \\begin{bmatrix}
    0.5 & -2
    \\end{bmatrix}
    >>> p = grid_figure(np.eye(7), present=True, width=350)
    >>> p.meta["numbers"]["font"] >= 20, p.meta["colorbar"] is None
    (True, True)
    """
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"values must be 2-D, got shape {arr.shape}")
    if mapping is None:
        mapping = "diverging" if arr.size and arr.min() < 0 else "minmax"
    shown = map_for_display(arr, mapping, limits=limits)
    small = max(arr.shape) <= NUMBERS_MAX_SIDE if show_numbers is None else show_numbers
    colorbar = colorbar and not (present and small)
    note = f"{mapping}: {shown.note}"
    bar = _colorbar(shown) if colorbar else None
    numbers = copy = None
    if small:
        text = np.vectorize(lambda v: format_number(v, digits), otypes=[str])(arr)
        longest = max((len(t) for t in text.ravel()), default=1)
        cell = cell_pixels(arr.shape, height=_height(arr.shape, height, present),
                           top=_top(note, present), colorbar=colorbar,
                           width=width or (PRESENT_WIDTH if present else NOMINAL_WIDTH))
        # Up to 16 × 16 the numbers are printed even where they hardly fit (presenter
        # mode's larger minimum falls back to the normal one).
        font = (number_font(cell, longest, present=present) or number_font(cell, longest)
                or NUMBER_FIT["min"])
        numbers = {"text": text.tolist(), "font": int(font), "fit": dict(NUMBER_FIT)}
        # Slides out (issue 18): the texts the map's copy buttons hand over, written by
        # export's one rule at the cells' digits (format_number, as the cells above).
        copy = {"latex": bmatrix(arr, digits=digits),
                "markdown": markdown_table(arr, digits=digits)}
    picture = _map_picture(arr, shown, title=title, note=note, height=height, present=present,
                           colorbar=bar, shapes=window_shapes(highlight, cells, picked),
                           numbers=numbers, digits=digits, copy=copy)
    if not grow:
        picture.meta["grow"] = False
    if wide:
        picture.meta["wide"] = True
    return picture


def _colorbar(shown) -> dict:
    """The colour bar of a mapped map: its colours and raw-value ticks, positions 0 … 1."""
    ticks, texts = _legend_ticks(np.linspace(shown.zmin, shown.zmax, 5), shown)
    span = shown.zmax - shown.zmin
    return {"colours": _colours(shown.colorscale),
            "ticks": [[float((v - shown.zmin) / span), text]
                      for v, text in zip(ticks, texts, strict=True)]}


def _legend_ticks(ticks: np.ndarray, shown) -> tuple[list[float], list[str]]:
    """The colour bar's ticks and their raw values as text, one tick per distinct text.

    A constant map would otherwise label its bar "0" five times: each run of
    equal texts keeps its middle tick.

    >>> from cnnviz.plots.display import map_for_display
    >>> _legend_ticks(np.linspace(0, 1, 5), map_for_display(np.zeros((3, 3)), "minmax"))
    ([0.5], ['0'])
    """
    texts = [format_number(v, 3) for v in shown.raw_of(ticks)]
    keep, i = [], 0
    while i < len(texts):
        j = i
        while j + 1 < len(texts) and texts[j + 1] == texts[i]:
            j += 1
        keep.append((i + j) // 2)
        i = j + 1
    return [float(ticks[k]) for k in keep], [texts[k] for k in keep]


def _nth(n: int) -> str:
    """2 → '2nd', 4 → '4th', 1 → '' (every row)."""
    if n == 1:
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _colours(colorscale: str | Sequence) -> list[list]:
    """A Plotly colour scale as ``[[pos, css colour], ...]`` (``"gray"``: black to white)."""
    if colorscale == "gray":
        return [[0.0, "rgb(0,0,0)"], [1.0, "rgb(255,255,255)"]]
    return [[float(pos), str(colour)] for pos, colour in colorscale]


def _picture_data(title: str, note: str, shape: tuple[int, int], height: int | None,
                  present: bool, png: bytes, step: int, hover: dict, colorbar: dict | None,
                  shapes: list[dict], values: bytes = b"", numbers: dict | None = None,
                  copy: dict | None = None) -> Picture:
    """What every picture carries: the frame (title, subtitle, height) and the picture."""
    # The subtitle's "; " parts; the browser wraps them to the width it has.
    lines = [part for part in note.split("; ") if part]
    return Picture({
        "kind": PICTURE, "title": title, "note": lines, "present": bool(present),
        "label": ". ".join(["Chart: " + title if title else "Chart", *([" ".join(lines)]
                                                                     if lines else [])]),
        "height": _height(shape, height, present), "top": _top(note, present),
        "shape": [int(n) for n in shape], "step": int(step),
        "hover": hover, "colorbar": colorbar, "shapes": shapes,
        # A small grid's row and column indices along its edges, as a matrix is labelled.
        "axes": max(shape) <= NUMBERS_MAX_SIDE, "numbers": numbers, "copy": copy,
    }, png, values)


def _map_picture(arr: np.ndarray, shown, *, title: str, note: str, height: int | None,
                 present: bool, colorbar: dict | None, shapes: list[dict],
                 numbers: dict | None = None, digits: int = 3,
                 copy: dict | None = None) -> Picture:
    """A map: its colours as a PNG, its raw values on the hover grid, its numbers if small."""
    sr, sc = _steps(arr.shape, HOVER_MAX_SIDE)
    sample = _raw_data(arr[::sr, ::sc])
    where = "" if sr == sc == 1 else (
        f"(read-out on every {_nth(sr)} row and {_nth(sc)} column)" if sr != sc
        else f"(read-out on every {_nth(sr)} row and column)")
    hover = {"kind": "value", "step": [int(sr), int(sc)], "shape": list(sample.shape),
             "dtype": sample.dtype.name, "where": where, "digits": int(digits)}
    step = _png_step(arr.shape)
    raw = np.ascontiguousarray(sample, dtype=sample.dtype.newbyteorder("<")).tobytes()
    return _picture_data(title, note, arr.shape, height, present, display_png(shown, step=step),
                         step, hover, colorbar, shapes, raw, numbers, copy)


def window_shapes(
    rects: Sequence[tuple[int, int, int, int]] = (), cells: Sequence[tuple[int, int]] = (),
    picked: Sequence[tuple[int, int]] = (),
) -> list[dict]:
    """Plotly shape dicts outlining rectangles and single cells.

    ``picked`` cells (the user's selection) look like ``cells`` and carry
    ``"picked": True``: on screen, not in the map element's slide PNG.

    >>> window_shapes([(0, 0, 3, 3)])[0]["x1"]
    2.5
    >>> window_shapes(picked=[(1, 2)])[0]["picked"]
    True
    """
    shapes = []
    for top, left, h, w in rects:
        shapes.append({"type": "rect", "x0": left - 0.5, "x1": left + w - 0.5, "y0": top - 0.5,
                       "y1": top + h - 0.5, "line": {"color": "#ffb300", "width": 4}})
    for r, c in cells:
        shapes.append({"type": "rect", "x0": c - 0.45, "x1": c + 0.45, "y0": r - 0.45,
                       "y1": r + 0.45, "line": {"color": MARK_COLOUR, "width": 3}})
    for r, c in picked:
        shapes.append({"type": "rect", "x0": c - 0.45, "x1": c + 0.45, "y0": r - 0.45,
                       "y1": r + 0.45, "line": {"color": MARK_COLOUR, "width": 3},
                       "picked": True})
    return shapes


def image_figure(
    image: np.ndarray,
    *,
    title: str = "",
    highlight: Sequence[tuple[int, int, int, int]] = (),
    height: int | None = None,
    width: int | None = None,
    present: bool = False,
    digits: int = 2,
) -> Picture:
    """An image in [0, 1], grey (H, W) or colour (H, W, 3), drawn as pixels by the map element.

    Grey images go through :func:`grid_figure` (with their numbers when small,
    ``digits`` as there);
    a colour image is its RGB pixels, read out as RGB.
    """
    arr = np.asarray(image, dtype=np.float64)
    if arr.ndim == 2:
        return grid_figure(arr, title=title, mapping="clip" if in_unit_range(arr) else None,
                           highlight=highlight, colorbar=False, height=height,
                           width=width, present=present, digits=digits)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"image must be (H, W) or (H, W, 3), got shape {arr.shape}")
    note = ""
    lo, hi = float(arr.min()), float(arr.max())
    if not in_unit_range(arr):
        # A lecture volume (values like 25) would be pure white if clipped.
        # Halves first: hi − lo overflows for values near ±1e308.
        arr = (arr / 2 - lo / 2) / (hi / 2 - lo / 2) if hi > lo else np.full_like(arr, 0.5)
        note = (f"minmax: stretched {format_number(lo)} … {format_number(hi)} onto "
                "black … full colour")
    rgb = (np.clip(arr, 0, 1) * 255).round().astype(np.uint8)
    # A PNG instead of every pixel's three numbers; the browser reads the hover's
    # RGB from the decoded picture, which is lossless.
    step = _png_step(rgb.shape)
    return _picture_data(title, note, arr.shape[:2], height, present,
                         png_bytes(rgb[::step, ::step]), step, {"kind": "rgb", "where": ""},
                         None, window_shapes(highlight))


# ---- mosaics: several grids in one picture --------------------------------------------


@dataclass(frozen=True, eq=False)
class Tile:
    """One panel of a :func:`mosaic_figure`: a grid, its colours and where it sits.

    Attributes
    ----------
    values : (h, w) raw values (the read-out's).
    rgb : (h, w, 3) uint8: its colours, mapped by the caller (one scale for a
        bank of maps, one per panel for ``W · x = y``).
    at : (row, col) of its top-left cell in the mosaic.
    label : drawn above the panel (a channel's number, a digit's caption).
    name : the read-out's name for a value, ``W`` in ``W[i, j] = 3``; without
        one the read-out says the label, the row and column, and the value.
    index : ``"rc"`` (``W[i, j]``), ``"r"`` (``y[i]``) or ``"c"`` (``x[j]``).
    row_names, col_names : a second read-out line per row and per column.
    text : (h, w) str, optional: the numbers printed in the cells (``""``: none),
        when they fit (:data:`cnnviz.plots.display.NUMBER_FIT`, per panel).
    span : (rows, cols) mosaic cells per value: a vector drawn as a taller strip.
    upright : the numbers are written upwards (a strip of narrow cells).
    readout : the read-out's first line for a panel without ``name`` (default: the label).
    """

    values: np.ndarray
    rgb: np.ndarray
    at: tuple[int, int]
    label: str = ""
    name: str = ""
    index: str = "rc"
    row_names: Sequence[str] | None = None
    col_names: Sequence[str] | None = None
    text: np.ndarray | None = None
    span: tuple[int, int] = (1, 1)
    upright: bool = False
    readout: str = ""

    @property
    def extent(self) -> tuple[int, int]:
        """Rows and columns the tile covers in the mosaic."""
        h, w = np.shape(self.values)
        return h * self.span[0], w * self.span[1]


def map_rgb(values: np.ndarray, mapping: str, *,
            limits: tuple[float, float] | None = None) -> tuple[np.ndarray, object]:
    """A grid's colours as (h, w, 3) uint8, and its :class:`~cnnviz.plots.display.DisplayMap`.

    >>> rgb, shown = map_rgb(np.array([[-1.0, 1.0]]), "diverging")
    >>> rgb.shape, rgb[0, 0].tolist()
    ((1, 2, 3), [5, 48, 97])
    """
    shown = map_for_display(np.asarray(values, dtype=np.float64), mapping, limits=limits)
    px = display_pixels(shown)
    return (px if px.ndim == 3 else np.repeat(px[..., None], 3, axis=2)), shown


def mosaic_figure(
    tiles: Sequence[Tile],
    *,
    title: str = "",
    note: str = "",
    colorbar: dict | None = None,
    shapes: Sequence[dict] = (),
    axes: dict | bool = False,
    aspect: float = 1.0,
    height: int | None = None,
    present: bool = False,
    digits: int = 2,
    band: int = 0,
    stretch: bool = False,
) -> Picture:
    """Several grids as one :class:`Picture`: a bank of feature maps, a gallery of
    digits, ``W · x = y``. The map element draws it as one picture, with each
    panel's label above it, each panel's numbers where they fit, and a
    read-out that names the panel (``meta["panels"]``).

    Cells between the panels are white and have no value (NaN in the read-out's
    grid). ``axes``: ``True`` for the mosaic's own row and column indices, or
    ``{"rows": [...], "cols": [...]}``, a text per mosaic row and column
    (``""``: none). ``aspect``: a cell's height over its width (1: square).
    ``band``: the rows of white the caller left above each panel for its label.
    ``stretch``: the cells take the whole width and the height given, their shape
    within 1:2 … 2:1 (as a heatmap of fixed height stretched to its column), instead
    of keeping ``aspect``.

    >>> a = Tile(np.eye(2), np.zeros((2, 2, 3), np.uint8), (1, 0), label="A")
    >>> b = Tile(np.ones((2, 2)), np.zeros((2, 2, 3), np.uint8), (1, 3), label="B")
    >>> p = mosaic_figure([a, b], title="two")
    >>> p.meta["shape"], [q["at"] for q in p.meta["panels"]]
    ([3, 5], [[1, 0], [1, 3]])
    """
    if not tiles:
        raise ValueError("tiles must hold at least one tile")
    rows = max(t.at[0] + t.extent[0] for t in tiles)
    cols = max(t.at[1] + t.extent[1] for t in tiles)
    rgb = np.full((rows, cols, 3), 255, dtype=np.uint8)
    values = np.full((rows, cols), np.nan)
    panels = []
    for t in tiles:
        r, c = t.at
        h, w = t.extent
        sr, sc = t.span
        vals = np.asarray(t.values, dtype=np.float64)
        rgb[r:r + h, c:c + w] = np.repeat(np.repeat(t.rgb, sr, axis=0), sc, axis=1)
        values[r:r + h, c:c + w] = np.repeat(np.repeat(vals, sr, axis=0), sc, axis=1)
        panels.append({
            "label": t.label, "readout": t.readout or t.label, "name": t.name,
            "index": t.index, "at": [int(r), int(c)],
            "shape": [int(n) for n in vals.shape], "span": [int(sr), int(sc)],
            "rows": None if t.row_names is None else [str(s) for s in t.row_names],
            "cols": None if t.col_names is None else [str(s) for s in t.col_names],
            "text": None if t.text is None else np.asarray(t.text, dtype=str).tolist(),
            "upright": bool(t.upright),
        })
    sample = _raw_data(np.nan_to_num(values, nan=0.0)).dtype
    raw = np.ascontiguousarray(values.astype(sample), dtype=np.dtype(sample).newbyteorder("<"))
    hover = {"kind": "value", "step": [1, 1], "shape": [rows, cols], "dtype": raw.dtype.name,
             "where": "", "digits": int(digits)}
    numbers = None
    if any(t.text is not None for t in tiles):
        numbers = {"panels": True, "fit": dict(NUMBER_FIT), "font": 0}
    step = _png_step((rows, cols))
    picture = _picture_data(title, note, (rows, cols), height, present,
                            png_bytes(rgb[::step, ::step]), step, hover, colorbar,
                            list(shapes), raw.tobytes(), numbers)
    meta = {**picture.meta, "axes": axes, "panels": panels, "aspect": float(aspect),
            "band": int(band), "stretch": bool(stretch)}
    if height:  # the caller sized the mosaic for its cells: no presenter-mode stretch
        meta["height"] = int(height)
    return Picture(meta, picture.png, picture.values)


def shared_colorbar(shown) -> dict:
    """The colour bar (raw-value ticks) of a :class:`~cnnviz.plots.display.DisplayMap`."""
    return _colorbar(shown)


def grids_figure(grids: Sequence[tuple[str, np.ndarray]], *, columns: int = 2, title: str = "",
                 height: int | None = None, present: bool = False,
                 mappings: Sequence[str] | None = None, note: str | None = None,
                 cell: int | None = None) -> Picture:
    """Small grids of any sizes (a question's four kernels; Step by step's window and kernel
    per channel) as one mosaic, ``columns`` a row, each panel its title above it and its own
    scale, as :func:`grid_figure` draws each alone: one picture that stays small on a phone.

    The panels sit on a grid: a column as wide as its widest panel, a row as tall as its
    tallest, so that one 5 × 5 kernel among 3 × 3 ones does not make every panel 5 × 5 (the
    cells, and with them the numbers, stay as large as the width allows).

    ``mappings``: each grid's :data:`cnnviz.plots.display.MAPPINGS` name (default: all
    ``"diverging"``, white = 0); ``note`` then says what they are. ``cell``: the cells' side
    (CSS px) the height is sized for (the width may make them smaller), so that their
    numbers print (:data:`cnnviz.plots.display.NUMBER_FIT`); default 30. A grid of
    fractions over one denominator (a blur "/ 273") prints its integers, its label
    saying "×1/273": exact, and short enough to print where "0.0147" would not.

    >>> p = grids_figure([("A", np.eye(3)), ("B", -np.ones((5, 5)))])
    >>> [q["label"] for q in p.meta["panels"]], p.meta["shape"]
    (['A', 'B'], [6, 9])
    >>> p = grids_figure([("A", np.eye(3)), ("B", np.full((5, 5), 0.04)), ("C", np.eye(3))])
    >>> [q["at"] for q in p.meta["panels"]], p.meta["shape"]
    ([[1, 0], [1, 4], [8, 0]], [11, 9])
    >>> p.meta["panels"][1]["label"], p.meta["panels"][1]["text"][0][0]
    ('B (×1/25)', '1')
    """
    if not grids:
        raise ValueError("grids: at least one is needed, got none")
    columns = max(1, int(columns))
    arrays = [np.asarray(values, dtype=np.float64) for _, values in grids]
    mappings = list(mappings) if mappings is not None else ["diverging"] * len(arrays)
    if len(mappings) != len(arrays):
        raise ValueError(f"mappings: one per grid ({len(arrays)}), got {len(mappings)}")
    band, gap = 1, 1  # a row of cells above each row of panels for their labels
    n_rows = -(-len(arrays) // columns)
    heights = [max(a.shape[0] for a in arrays[r * columns:(r + 1) * columns])
               for r in range(n_rows)]
    widths = [max(a.shape[1] for a in arrays[c::columns]) for c in range(min(columns,
                                                                              len(arrays)))]
    tiles = []
    for i, ((label, _), arr, mapping) in enumerate(zip(grids, arrays, mappings, strict=True)):
        rgb, _shown = map_rgb(arr, mapping)
        text = None
        if max(arr.shape) <= NUMBERS_MAX_SIDE:
            d = common_denominator(arr)
            if d is None:
                text = np.vectorize(lambda v: format_number(v, 2), otypes=[str])(arr)
            else:  # a kernel "/ 273" prints its integers, exact and short (the label says /d)
                text = np.vectorize(lambda v, d=d: str(round(v * d)), otypes=[str])(arr)
                label = f"{label} (×1/{d})"
        r, c = divmod(i, columns)
        top = band + sum(h + band + gap for h in heights[:r])
        left = sum(w + gap for w in widths[:c])
        tiles.append(Tile(arr, rgb, (top, left), label=label, text=text, readout=label))
    total_h = sum(h + band + gap for h in heights) - gap
    if note is None:
        note = "each its own scale: blue < 0, white = 0, red > 0"
    return mosaic_figure(tiles, title=title, band=band, present=present, note=note,
                         height=height or int(60 + total_h * (cell or 30)))

"""Figures for big matrices with one highlighted row: W @ x = y, as one picture.

:func:`product_figure` draws a matrix, the vector it multiplies (as a strip
under the matrix, so that column j of the matrix sits above entry j of the
vector) and the product (as a column on the right, so that row i sits beside
entry i), as panels of one :class:`~cnnviz.plots.figures.Picture` that the
app's map element draws (:func:`cnnviz.plots.figures.mosaic_figure`). One
row can be outlined, with the entries of the vector it reads and the entry of
the product it gives. Every panel uses the diverging scale (0 is white) with
its own range; cells carry their numbers when they are wide enough.
:func:`window_figure` draws a padded input with one window on it.

>>> fig = product_figure(np.eye(3), np.arange(3.0), np.arange(3.0), row=1, vector_cells=[1])
>>> [p["name"] for p in fig.meta["panels"]]
['W', 'x', 'y']
>>> len(fig.meta["shapes"])
3
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from cnnviz.core.text import format_number
from cnnviz.plots.figures import MARK_COLOUR, Picture, Tile, grid_figure, map_rgb, mosaic_figure

__all__ = ["ROW_COLOUR", "cell_sizes", "product_figure", "text_font", "window_figure"]

ROW_COLOUR = "#ffb300"  # the amber of figures.window_shapes: one colour for "this window"
READ_COLOUR = MARK_COLOUR  # the magenta of window_shapes' cells: what the window reads
MAX_WIDTH = 820
MAX_HEIGHT = 900


def cell_sizes(n_rows: int, n_cols: int, max_width: int = MAX_WIDTH, *,
               present: bool = False) -> tuple[int, int]:
    """Cell width and height in pixels for a matrix plus one extra row and column.

    Cells are as large as fits ``max_width`` × :data:`MAX_HEIGHT`, between
    4 and 44 pixels wide and 4 and 30 high; in presenter mode up to 52 wide, so
    that labels such as "0.79" print at NUMBER_FIT's presenter minimum (14 px).

    >>> cell_sizes(4, 9)
    (44, 30)
    >>> cell_sizes(4, 9, present=True)
    (52, 30)
    >>> cell_sizes(144, 144)
    (5, 6)
    """
    wide, high = (52, 30) if present else (44, 30)
    width = int(np.clip(max_width // (n_cols + 2), 4, wide))
    height = int(np.clip(MAX_HEIGHT // (n_rows + 2), 4, high))
    return width, height


def _texts(values: np.ndarray, digits: int) -> np.ndarray:
    return np.vectorize(lambda v: format_number(v, digits), otypes=[str])(values)


def text_font(texts: np.ndarray, width: int, height: int) -> int:
    """Font size (pixels) at which the longest text fits a cell, or 0 if below 8.

    >>> text_font(np.array(["1", "-2"]), 20, 20), text_font(np.array(["0.79"]), 12, 20)
    (13, 0)
    """
    longest = max((len(t) for t in texts.ravel()), default=1)
    size = min(13, int((width - 3) / (0.6 * longest)), int(height * 0.7))
    return size if size >= 8 else 0


def _outline(x: float, y: float, w: float, h: float, colour: str) -> dict:
    return {"type": "rect", "x0": x - 0.5, "x1": x + w - 0.5, "y0": y - 0.5, "y1": y + h - 0.5,
            "line": {"color": colour, "width": 3}}


def product_figure(
    matrix: np.ndarray,
    vector: np.ndarray,
    result: np.ndarray,
    *,
    row: int | None = None,
    vector_cells: Sequence[int] = (),
    title: str = "",
    names: tuple[str, str, str] = ("W", "x", "y"),
    row_names: Sequence[str] | None = None,
    col_names: Sequence[str] | None = None,
    col_ticks: Sequence[str] | None = None,
    digits: int = 2,
    max_width: int = MAX_WIDTH,
    blank_zeros: bool = False,
    present: bool = False,
) -> Picture:
    """``matrix @ vector = result`` as three aligned panels of one picture.

    The cells are about :func:`cell_sizes` (they grow with the room the page
    gives, keeping their shape); each panel prints its numbers where they fit
    (the map element's :data:`~cnnviz.plots.display.NUMBER_FIT` rule, per panel).
    The product column is a few cells wide, and the vector's strip a few cells
    tall with its numbers written upwards, when their numbers need the room.

    Parameters
    ----------
    matrix : (m, n) array
    vector : (n,) array, drawn as a 1 × n strip under the matrix.
    result : (m,) array, drawn as an m × 1 column right of the matrix.
    row : int, optional
        Row to outline in the matrix, with its entry of the result.
    vector_cells : entries of the vector to outline (what the row reads).
    names : labels of the matrix, the vector and the result.
    row_names, col_names : the read-out's second line per row and per column.
    col_ticks : labels of the columns under the strip (default: their numbers).
    digits : decimals of the numbers in the cells.
    max_width : about the width the cells are sized for, in pixels (see :func:`cell_sizes`).
    blank_zeros : leave the matrix's zero cells without a number, so that the
        non-zero bands stand out (they are white either way).
    present : presenter mode (larger type).

    Raises
    ------
    ValueError
        If the shapes do not fit together or ``row`` is out of range.
    """
    mat = np.asarray(matrix, dtype=np.float64)
    vec = np.asarray(vector, dtype=np.float64).ravel()
    res = np.asarray(result, dtype=np.float64).ravel()
    if mat.ndim != 2 or vec.size != mat.shape[1] or res.size != mat.shape[0]:
        raise ValueError(f"matrix {mat.shape}, vector ({vec.size},) and result ({res.size},) "
                         "do not fit matrix @ vector = result")
    m, n = mat.shape
    if row is not None and not 0 <= row < m:
        raise ValueError(f"row must be in 0 … {m - 1}, got {row}")
    cw, ch = cell_sizes(m, n, max_width, present=present)
    texts = [_texts(mat, digits), _texts(vec[None, :], digits), _texts(res[:, None], digits)]
    if blank_zeros:
        texts[0] = np.where(mat == 0, "", texts[0])
    # The product column may be wider than a matrix cell, so its numbers fit.
    rw = int(np.clip(7 * max(len(t) for t in texts[2].ravel()) + 8, cw, 64))
    y_cols = max(1, -(-rw // cw))
    # Numbers too wide for the vector's cells are written upwards in a taller strip.
    upright = not text_font(texts[1], cw, ch) and cw >= 11
    vh = int(np.clip(6 * max(len(t) for t in texts[1].ravel()) + 10, ch, 60)) if upright else ch
    x_rows = max(1, -(-vh // ch))
    big = max(m, n) > 64  # no numbers where the cells are a few pixels
    rows = list(row_names) if row_names is not None else [f"row {i}" for i in range(m)]
    cols = list(col_names) if col_names is not None else [f"column {j}" for j in range(n)]
    (w_rgb, _), (x_rgb, _), (y_rgb, _) = (map_rgb(a, "diverging")
                                        for a in (mat, vec[None, :], res[:, None]))
    tiles = [
        Tile(mat, w_rgb, (0, 0), name=names[0], row_names=rows, col_names=cols,
             text=None if big else texts[0]),
        Tile(vec[None, :], x_rgb, (m + 1, 0), name=names[1], index="c", col_names=cols,
             text=None if big else texts[1], span=(x_rows, 1), upright=upright),
        Tile(res[:, None], y_rgb, (0, n + 1), name=names[2], index="r", row_names=rows,
             text=None if big else texts[2], span=(1, y_cols)),
    ]
    shapes = []
    if row is not None:
        shapes += [_outline(0, row, n, 1, ROW_COLOUR), _outline(n + 1, row, y_cols, 1, ROW_COLOUR)]
    shapes += [_outline(j, m + 1, 1, x_rows, READ_COLOUR) for j in vector_cells]
    ticks = list(col_ticks) if col_ticks is not None else [str(j) for j in range(n)]
    axes = {"rows": [str(i) for i in range(m)] + [""] + [""] * (x_rows // 2)
            + [names[1] + "ᵀ"] + [""] * (x_rows - 1 - x_rows // 2),
            "cols": ticks + [""] + [""] * (y_cols // 2) + [names[2]]
            + [""] * (y_cols - 1 - y_cols // 2)}
    note = (f"{names[0]}, {names[1]} and {names[2]} each on its own diverging scale "
            f"(white = 0); row i of {names[0]} gives {names[2]}[i], column j reads "
            f"{names[1]}[j]")
    # The title, note and axis as the map element draws them (larger on the projector).
    top, axis = (90, 24) if present else (66, 20)
    height = top + 8 + axis + 16 + (m + 1 + x_rows) * ch
    return mosaic_figure(tiles, title=title, note=note, shapes=shapes, axes=axes,
                         aspect=ch / cw, height=min(height, 1200), present=present,
                         digits=digits, stretch=True)


def window_figure(
    padded: np.ndarray,
    window: tuple[int, int, int, int],
    taps: Sequence[tuple[int, int]],
    padding: tuple[tuple[int, int], tuple[int, int]],
    *,
    title: str = "",
    height: int | None = None,
    present: bool = False,
) -> Picture:
    """A padded input with one window outlined and the input itself dashed.

    ``present``: presenter mode, as for :func:`cnnviz.plots.figures.grid_figure` (its
    numbers sized by the same rule as every grid's).

    The taps are marked one by one when they do not fill the window (with
    dilation); the dashed rectangle shows where the padding ends.

    >>> fig = window_figure(np.zeros((5, 5)), (0, 0, 3, 3), [(0, 0), (0, 2)], ((1, 1), (1, 1)))
    >>> len(fig.meta["shapes"])  # the window, two taps, the input
    4
    """
    top, left, h, w = window
    cells = list(taps) if len(taps) != h * w else []
    fig = grid_figure(padded, title=title, mapping="diverging", highlight=[window],
                      cells=cells, colorbar=False, height=height, present=present)
    (pt, pb), (pl, pr) = padding
    rows, cols = np.asarray(padded).shape
    if not (pt or pb or pl or pr):
        return fig
    edge = {"type": "rect", "x0": pl - 0.5, "x1": cols - pr - 0.5, "y0": pt - 0.5,
            "y1": rows - pb - 0.5, "line": {"color": "#555", "width": 2, "dash": "dash"}}
    return replace(fig, meta={**fig.meta, "shapes": [*fig.meta["shapes"], edge]})

"""Readers of what the app sends, for tests only: the app itself never reads these back.

- :func:`unpack` and :func:`picture_data`: a map element's bytes
  (:meth:`cnnviz.plots.figures.Picture.pack`) back into a
  :class:`~cnnviz.plots.figures.Picture`, and a picture as one JSON-ready dict;
- :func:`read_out`: what a map carries, its raw values and the numbers in its cells;
- :func:`step_caption`: the animator's screen-reader caption of a step, the
  reference that ``static/animator/equation.js`` ``caption`` is checked against.

>>> import numpy as np
>>> from cnnviz.plots.figures import grid_figure
>>> read_out(grid_figure(np.array([[1.0, -2.0], [0.0, 3.0]]), title="demo"))["text"]
[['1', '-2'], ['0', '3']]
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from cnnviz.core.text import addends, applied, product_terms, sum_equation
from cnnviz.lessons.animation import _text, step_view
from cnnviz.plots.figures import PICTURE, Picture

__all__ = ["CAPTION_TERMS", "picture_data", "read_out", "step_caption", "unpack"]


def unpack(blob: bytes) -> Picture:
    """The picture :meth:`Picture.pack` wrote (what a page sent to its map element).

    >>> from cnnviz.plots.figures import grid_figure
    >>> p = grid_figure(np.arange(400.0).reshape(20, 20))
    >>> q = unpack(p.pack())
    >>> q.meta == p.meta and q.png == p.png and q.values == p.values
    True
    >>> unpack(p.pack(pick=True)).meta["pick"]
    True
    """
    n = int.from_bytes(blob[:4], "little")
    meta = json.loads(blob[4:4 + n].decode("utf-8"))
    png_size, values_size = meta.pop("sizes")
    start = 4 + n
    return Picture(meta, bytes(blob[start:start + png_size]),
                   bytes(blob[start + png_size:start + png_size + values_size]))


def picture_data(picture: Picture) -> dict:
    """A picture as one JSON-ready dict: the PNG as a data URI, the values in base64.

    >>> from cnnviz.plots.figures import grid_figure
    >>> d = picture_data(grid_figure(np.arange(400.0).reshape(20, 20)))
    >>> d["png"][:22], d["hover"]["dtype"], d["kind"] == PICTURE
    ('data:image/png;base64,', 'float32', True)
    """
    hover = dict(picture.meta["hover"])
    if picture.values:
        hover["values"] = base64.b64encode(picture.values).decode("ascii")
    png = "data:image/png;base64," + base64.b64encode(picture.png).decode("ascii")
    return {**picture.meta, "png": png, "hover": hover}


def read_out(fig: Picture | dict) -> dict:
    """What a map carries: its raw values, and the numbers it prints in its cells.

    Returns ``{"values", "rows", "cols", "shape", "text", "font", "panels"}``:
    ``values[i, j]`` is the raw value of cell ``(rows[i], cols[j])`` of a map
    of ``shape`` (every cell up to ``HOVER_MAX_SIDE`` a side, else the
    cells of the hover grid); ``text`` is the grid of numbers printed in the
    cells (``None`` for a map too big for them) and ``font`` their expected
    size in px; ``panels``, for a mosaic (several grids in one picture:
    ``mosaic_figure``), each panel's ``label``, ``name``, ``values``, ``text``
    and read-out names (``rows``, ``cols``), else ``[]``. ``fig`` is a
    :class:`Picture` or :func:`picture_data`'s dict.
    The one reader of grids for tests.

    >>> from cnnviz.plots.figures import grid_figure
    >>> r = read_out(grid_figure(np.arange(300.0 * 300).reshape(300, 300)))
    >>> r["shape"], r["values"].shape, r["rows"][:3].tolist(), float(r["values"][1, 2]), r["text"]
    ((300, 300), (100, 100), [0, 3, 6], 906.0, None)
    >>> r = read_out(grid_figure(np.eye(3)))
    >>> r["values"].tolist(), r["text"][0]
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], ['1', '0', '0'])
    """
    if isinstance(fig, Picture):
        return _picture_read_out(fig.meta, fig.values)
    if isinstance(fig, dict) and fig.get("kind") == PICTURE:
        return _picture_read_out(fig, base64.b64decode(fig["hover"].get("values", "")))
    raise TypeError(f"fig must be a Picture or its data, got {type(fig).__name__}")


def _picture_read_out(meta: dict, raw: bytes) -> dict:
    """:func:`read_out` of a picture: its hover grid's raw values, little-endian ``raw``."""
    hover = meta["hover"]
    if hover["kind"] != "value":
        raise ValueError("a colour picture carries its RGB in its PNG, not raw values")
    sr, sc = hover["step"]
    values = np.frombuffer(raw, dtype=np.dtype(hover["dtype"]).newbyteorder("<"))
    rows, cols = meta["shape"]
    numbers = meta.get("numbers")
    grid = values.reshape(hover["shape"]).astype(np.float64)
    return {"values": grid,
            "rows": np.arange(0, rows, sr), "cols": np.arange(0, cols, sc),
            "shape": (int(rows), int(cols)),
            "text": None if numbers is None else numbers.get("text"),
            "font": None if numbers is None else numbers["font"],
            "panels": [_panel(p, grid) for p in meta.get("panels") or []]}


def _panel(panel: dict, grid: np.ndarray) -> dict:
    """One panel of a mosaic (``mosaic_figure``): its label, name, raw values, numbers.

    >>> from cnnviz.plots.figures import Tile, mosaic_figure
    >>> tile = Tile(np.arange(3.0)[None, :], np.zeros((1, 3, 3), np.uint8), (2, 1), name="x",
    ...             span=(2, 1), text=np.array([["0", "1", "2"]]))
    >>> p = read_out(mosaic_figure([tile]))["panels"][0]
    >>> p["name"], p["values"].tolist(), p["text"]
    ('x', [[0.0, 1.0, 2.0]], [['0', '1', '2']])
    """
    (r, c), (h, w), (sr, sc) = panel["at"], panel["shape"], panel["span"]
    return {"label": panel["label"], "name": panel["name"], "readout": panel["readout"],
            "values": grid[r:r + h * sr:sr, c:c + w * sc:sc], "text": panel["text"],
            "rows": panel["rows"], "cols": panel["cols"], "at": (r, c)}


#: A caption lists at most this many terms of a sum before it writes "…"
#: (``CAPTION_TERMS`` of static/animator/equation.js).
CAPTION_TERMS = 4


def _shorten(terms: list[str]) -> list[str]:
    """The first two terms, "…" and the last one, when there are too many to read aloud."""
    return terms if len(terms) <= CAPTION_TERMS else [*terms[:2], "…", terms[-1]]


def step_caption(payload: Mapping[str, Any], index: int) -> str:
    """The text caption of step ``index``, as the animator gives it to screen readers.

    One sentence per step, from the same texts as the equation under the grids
    (:func:`cnnviz.lessons.animation.step_view`): the output cell and its value,
    then the sum with at most :data:`CAPTION_TERMS` products (the first two,
    "…", the last), the bias, each channel's partial sum and the activation.
    ``static/animator/equation.js`` writes exactly this into its ``aria-live`` region.

    >>> from cnnviz.core.trace import ConvTrace, PoolTrace
    >>> from cnnviz.lessons.animation import build_conv_payload, build_pool_payload
    >>> p = build_conv_payload(ConvTrace(np.arange(16.0).reshape(4, 4), np.ones((3, 3)), 1.0))
    >>> step_caption(p, 0)
    'Step 1 of 4: output (0, 0) = 46. 0·1 + 1·1 + … + 10·1 + bias 1 = 46.'
    >>> step_caption(build_pool_payload(PoolTrace(np.arange(4.0).reshape(2, 2), 2)), 0)
    'Step 1 of 1: output (0, 0) = 3. max(0, 1, 2, 3) = 3.'
    """
    view = step_view(payload, index)
    head = (f"Step {int(index) + 1} of {payload['n_steps']}: output ({view['out_row']}, "
            f"{view['out_col']}) = {view['output']}.")
    if payload["kind"] == "pool":
        flat = _shorten([t for row in view["values"] for t in row])
        body = (f"max({', '.join(flat)})" if payload["mode"] == "max"
                else f"({' + '.join(addends(flat))}) / {payload['count']}")
        return f"{head} {body} = {view['output']}."
    terms = [_shorten(product_terms([v for row in vs for v in row], [w for row in ws for w in row]))
             for vs, ws in zip(view["values"], view["weights"], strict=True)]
    bias = f"bias {_text(payload['bias'])}"
    if len(terms) == 1:
        body = sum_equation([*terms[0], bias], view["total"])
    else:
        names = payload["channel_names"]
        sums = [f"{names[ch]}: " + sum_equation(t, view["partials"][ch])
                for ch, t in enumerate(terms)]
        body = "; ".join([*sums, sum_equation([*view["partials"], bias], view["total"])])
    if "activated" in payload:
        body += "; " + applied(payload["activation_name"], view["total"], view["output"])
    return f"{head} {body}."

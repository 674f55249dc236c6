"""Compact, JSON-ready descriptions of a trace for the step-by-step animation.

The animation runs in the browser, but every number it shows is computed here,
by the core (:class:`cnnviz.core.trace.ConvTrace` and :class:`cnnviz.core.trace.PoolTrace`).
The browser only looks numbers up and draws them. A payload holds:

* the padded input as a table of distinct values (``vals``) plus, per padded
  cell and channel, an index into it (``ids``): an 8-bit image has at most 256
  distinct values, so a padded 32×32 colour crop costs about 15 KB;
* the kernel as used (after the flip, if any), the bias, the geometry (stride,
  dilation, per-side padding, shapes) and the tap coordinates per output row
  (``rows``) and column (``cols``), taken from ``trace.export()``;
* the element-wise products, from the core's own per-step products, in the
  smaller of two forms: tables ``ptab`` indexed by input value (a product
  depends only on the tap's weight and the value under it, so taps with equal
  weights share a table, ``ptap``, and each (weight, value) pair is shipped
  once), or, when nearly every input value is distinct, the plain per-step
  list ``prods`` (step, i, j, channel order);
* per step the channel partial sums, the total and the activated value.

No colours: the browser draws every signed scale (``kind == "div"``) with the
app's one palette, which :mod:`cnnviz.ui.animator` sends once with its script.

Numbers are rounded to ``digits`` decimals and written so that their JSON
text is exactly :func:`cnnviz.core.trace.format_number` of the core's value: ``2``
not ``2.0``, ``-0.333``. JavaScript's ``String(x)`` prints such a number back
identically, so what the browser shows is character for character what the
rest of the app writes. Non-finite values become the strings ``"NaN"``,
``"∞"`` and ``"-∞"`` (JSON has no such numbers), and numbers of 1e15 or more
in size their format_number text (``"1e+308"``), as the two languages would
print them differently; the browser draws string cells in a neutral colour.

:func:`step_view` decodes one step from a payload exactly as the browser
does; the tests compare it with the core for every step.

>>> from cnnviz.core.trace import ConvTrace
>>> t = ConvTrace(np.arange(9.0).reshape(3, 3), np.ones((2, 2)), bias=1.0)
>>> p = build_conv_payload(t)
>>> p["out_shape"], p["totals"]
([2, 2], [9, 13, 21, 25])
>>> step_view(p, 3)["equation"]
['4·1 + 5·1 + 7·1 + 8·1 = 24', 'wᵀx + w₀ = 24 + 1 = 25']
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from cnnviz.core._checks import as_float_array, as_int, as_pair
from cnnviz.core.activations import ACTIVATION_LABELS as _ACTIVATION_NAMES
from cnnviz.core.text import addends, applied, product_terms, sum_equation
from cnnviz.core.trace import ConvTrace, PoolTrace, format_number
from cnnviz.data.pixels import downscale, in_unit_range

__all__ = [
    "DEFAULT_GRID",
    "DEFAULT_LEVELS",
    "HOWS",
    "LEVELS",
    "grid_for_animation",
    "levels_for_animation",
    "to_pixel_levels",
    "MAX_SIZE",
    "MIN_SIZE",
    "Placement",
    "build_conv_payload",
    "build_pool_payload",
    "crop_for_animation",
    "downscale_for_animation",
    "payload_json",
    "step_view",
]

#: Smallest and largest grid side the animation accepts.
MIN_SIZE, MAX_SIZE = 3, 64
DEFAULT_GRID = 12  # the Step-by-step page's grid size when a link does not say
HOWS = ("Crop", "Downscale")  # what happens to an image larger than the grid
LEVELS = ("0-255", "0-1")  # a picture's values as shown: a camera's integers or 0…1
DEFAULT_LEVELS = "0-255"

#: Payload format version, bumped when the browser code must change with it.
FORMAT_VERSION = 1


_CONV_LABELS = MappingProxyType({
    "title": "Convolution, step by step",
    "input": "Input a^[l-1]",
    "kernel": "Filter W",
    "products": "Element-wise products a·w",
    "output": "Output z = Σ a·w + b",
    "output_activated": "Output a^[l] = {act}(z)",
    "flip_note": "turned 180°: true convolution",
})


_POOL_LABELS = MappingProxyType({
    "title": "{mode} pooling, step by step",
    "input": "Input",
    "window": "Window",
    "output": "Output",
})


# --------------------------------------------------------------------------- numbers


def _check_digits(digits: object) -> int:
    d = as_int(digits, "digits", minimum=0)
    if d > 4:
        # Python writes 1e-05 where JavaScript writes 0.00001: beyond 4
        # decimals the two would no longer print a number the same way.
        raise ValueError(f"digits must be between 0 and 4, got {d}")
    return d


def _q1(value: float, digits: int) -> int | float | str:
    """One number as the payload stores it (see the module docstring)."""
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    r = round(v, digits)
    if abs(r) >= 1e15:
        # JavaScript would print 1e308 as "1e+308" but 1e20 in 21 digits:
        # huge numbers (and those that round up to 1e15) travel as format_number's
        # text (and are drawn neutral).
        return format_number(v, digits)
    if r == int(r) and abs(r) < 1e15:
        return int(r)  # also turns -0.0 into 0, as format_number does
    return r


def _quantise(values: object, digits: int) -> list:
    """Flat list of quantised numbers; rounding runs once per distinct value."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.size == 0:
        return []
    uniq, inverse = np.unique(arr, return_inverse=True)
    table = [_q1(u, digits) for u in uniq]
    return [table[i] for i in inverse.ravel()]


def _text(value: int | float | str) -> str:
    """What JavaScript's ``String(value)`` prints for a payload number."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int) else repr(value)


def _scale(values: np.ndarray, digits: int, *, diverging: bool | None = None) -> dict:
    """Colour scale for a grid: sequential grey when all values are >= 0, else
    diverging and symmetric about 0 so that white always means 0."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 0.0
    if diverging is None:
        diverging = lo < 0
    if diverging:
        m = max(abs(lo), abs(hi)) or 1.0
        lo, hi = -m, m
    else:
        lo = min(lo, 0.0)
        hi = hi if hi > lo else lo + 1.0
    return {
        "kind": "div" if diverging else "seq",
        "lo": lo,  # raw floats: only colours are derived from these
        "hi": hi,
        "lo_text": format_number(lo, digits),
        "hi_text": format_number(hi, digits),
    }


def _value_table(padded: np.ndarray, digits: int) -> tuple[np.ndarray, list, np.ndarray]:
    """Distinct raw values of the padded input, their payload form, and per-cell ids.

    Distinct *raw* values (not rounded ones): two inputs that print alike can
    still give products that round differently.
    """
    flat = np.asarray(padded, dtype=np.float64).ravel()
    uniq, ids = np.unique(flat, return_inverse=True)
    return uniq, [_q1(u, digits) for u in uniq], ids.ravel().astype(np.int64)


def _payload_id(payload: Mapping[str, Any]) -> str:
    text = json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _labels(defaults: Mapping[str, str], labels: Mapping[str, str] | None, **fmt: str) -> dict:
    out = {k: v.format(**fmt) for k, v in defaults.items()}
    if labels:
        unknown = set(labels) - set(defaults)
        if unknown:
            raise ValueError(
                f"labels has unknown keys {sorted(unknown)}; known: {sorted(defaults)}"
            )
        out.update({k: str(v) for k, v in labels.items()})
    return out


def _channel_names(n: int) -> list[str]:
    if n == 1:
        return [""]
    if n == 3:
        return ["R", "G", "B"]
    return [f"channel {c}" for c in range(n)]


# --------------------------------------------------------------------------- payloads


def build_conv_payload(
    trace: ConvTrace, *, digits: int = 3, labels: Mapping[str, str] | None = None
) -> dict:
    """Describe every step of a convolution trace for the animation.

    Parameters
    ----------
    trace : ConvTrace
        The one-filter convolution to animate (grey or colour).
    digits : int, keyword-only
        Decimals shown, 0 to 4 (as :func:`cnnviz.core.trace.format_number`).
    labels : mapping, optional, keyword-only
        Replacement texts for the panel titles; keys ``title``, ``input``,
        ``kernel``, ``products``, ``output``, ``output_activated`` (``{act}``
        is the activation's name) and ``flip_note``.

    Returns
    -------
    dict
        JSON-serialisable; see the module docstring and :func:`step_view`.

    Examples
    --------
    >>> t = ConvTrace([[1, 2, 0], [0, 1, 3], [2, 2, 1]], [[1, -1], [0, 2]], padding=1)
    >>> p = build_conv_payload(t)
    >>> p["padded_shape"], p["n_steps"], p["kernel"]
    ([5, 5], 16, [1, -1, 0, 2])
    """
    if not isinstance(trace, ConvTrace):
        raise ValueError(f"trace must be a ConvTrace, got {type(trace).__name__}")
    d = _check_digits(digits)
    g = trace.geometry
    exp = trace.export()
    n_steps = trace.n_steps
    oh, ow = g.out_shape
    fh, fw = g.kernel_shape
    hp, wp = g.padded_shape
    nc = trace.channels

    uniq, vals, ids = _value_table(trace.padded, d)
    ids3 = ids.reshape(hp, wp, nc)

    w = np.asarray(trace.weights, dtype=np.float64)
    rows, cols = exp["rows"], exp["cols"]
    products = exp["products"]
    wuniq, ptap = np.unique(w.ravel(), return_inverse=True)
    if len(wuniq) * len(uniq) <= products.size:
        # Product tables: one per distinct weight, indexed by input value id,
        # filled from the core's per-step products (never recomputed here).
        # Few distinct inputs (8-bit images, presets) make this much smaller.
        cell_ids = ids3[rows[:, :, None, None], cols[:, None, :, None], np.arange(nc)]
        tables = np.zeros((len(wuniq), len(uniq)))
        tables[np.broadcast_to(ptap.reshape(fh, fw, nc), cell_ids.shape), cell_ids] = products
        flat = _quantise(tables, d)
        product_fields = {
            "ptab": [flat[i * len(uniq) : (i + 1) * len(uniq)] for i in range(len(wuniq))],
            "ptap": ptap.tolist(),
        }
    else:
        # All-distinct inputs (random floats): the plain per-step list is smaller.
        product_fields = {"prods": _quantise(products, d)}

    activation = trace.activation
    act_name = _ACTIVATION_NAMES.get(activation, activation)
    act_note = (
        f"slope {format_number(trace.slope, max(d, 2))}" if activation == "leaky_relu" else ""
    )
    flip = trace.settings.flip
    out_values = exp["activated"] if activation != "none" else exp["totals"]

    payload: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "kind": "conv",
        "digits": d,
        "in_shape": list(g.in_shape),
        "channels": nc,
        "channel_names": _channel_names(nc),
        "padded_shape": [hp, wp],
        "padding": [list(g.padding[0]), list(g.padding[1])],
        "pad_mode": trace.settings.pad_mode,
        "stride": list(g.stride),
        "dilation": list(g.dilation),
        "kernel_shape": [fh, fw],
        "out_shape": [oh, ow],
        "n_steps": n_steps,
        "unreached": list(g.unreached),
        "flip": flip,
        # Tap coordinates depend only on the output row (resp. column).
        "rows": rows[::ow].tolist(),
        "cols": cols[:ow].tolist(),
        "vals": vals,
        "ids": ids.tolist(),
        "kernel": _quantise(w, d),
        **product_fields,
        "bias": _q1(trace.bias, d),
        "totals": _quantise(exp["totals"], d),
        "activation": activation,
        "activation_name": act_name,
        "activation_note": act_note,
        "scales": {
            "input": _scale(uniq, d),
            "kernel": _scale(w, d, diverging=True),
            "products": _scale(products, d, diverging=True),
            "output": _scale(out_values, d, diverging=True),
        },
        "labels": _labels(_CONV_LABELS, labels, act=act_name or "f"),
    }
    if nc > 1 or trace.bias != 0:
        # With a bias, one channel's sum is written out too: wᵀx + w₀ = sum + bias.
        payload["partials"] = _quantise(exp["partial_sums"], d)
    if activation != "none":
        payload["activated"] = _quantise(exp["activated"], d)
    payload["id"] = _payload_id(payload)
    return payload




def build_pool_payload(
    trace: PoolTrace, *, digits: int = 3, labels: Mapping[str, str] | None = None
) -> dict:
    """Describe every window of a pooling trace for the animation.

    ``winners`` holds, per step, the flat index in the window of the cell that
    gave the max (-1 for average pooling), exactly as ``PoolTrace.export``.
    Max pooling pads with -inf, shown as ``"-∞"``.

    Examples
    --------
    >>> t = PoolTrace(np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]))
    >>> p = build_pool_payload(t)
    >>> p["results"], p["winners"]
    ([6, 8, 3, 4], [3, 3, 0, 3])
    >>> step_view(p, 1)["equation"]
    ['max(2, 4, 7, 8) = 8']
    """
    if not isinstance(trace, PoolTrace):
        raise ValueError(f"trace must be a PoolTrace, got {type(trace).__name__}")
    d = _check_digits(digits)
    g = trace.geometry
    exp = trace.export()
    oh, ow = g.out_shape
    kh, kw = g.kernel_shape
    uniq, vals, ids = _value_table(trace.padded, d)
    results = exp["results"]
    mode_name = "Max" if trace.mode == "max" else "Average"
    payload: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "kind": "pool",
        "mode": trace.mode,
        "digits": d,
        "in_shape": list(g.in_shape),
        "channels": 1,
        "channel_names": [""],
        "padded_shape": list(g.padded_shape),
        "padding": [list(g.padding[0]), list(g.padding[1])],
        "pad_mode": "-inf" if trace.mode == "max" else "zeros",
        "stride": list(g.stride),
        "dilation": [1, 1],
        "kernel_shape": [kh, kw],
        "out_shape": [oh, ow],
        "n_steps": trace.n_steps,
        "unreached": list(g.unreached),
        "rows": exp["rows"][::ow].tolist(),
        "cols": exp["cols"][:ow].tolist(),
        "vals": vals,
        "ids": ids.tolist(),
        "count": kh * kw,
        "winners": [int(x) for x in exp["winners"]],
        "results": _quantise(results, d),
        "scales": {
            "input": _scale(uniq, d),
            "output": _scale(results, d),
        },
        "labels": _labels(_POOL_LABELS, labels, mode=mode_name),
    }
    payload["id"] = _payload_id(payload)
    return payload


# --------------------------------------------------------------------------- decoding


def step_view(payload: Mapping[str, Any], index: int) -> dict:
    """Decode step ``index`` of a payload the way the browser does.

    Only look-ups, no arithmetic on values: this is the reference the
    JavaScript animator follows, and what the tests compare with the core.

    Returns
    -------
    dict
        ``out_row``, ``out_col``; ``rows``/``cols`` (padded tap coordinates);
        ``values``, ``weights`` and ``products`` as text, shaped
        [channel][i][j] (conv) or ``values`` [i][j] and ``winner`` (pool);
        ``partials`` (text per channel), ``total``, ``output`` (the value the
        output grid shows) and ``equation`` (the lines under the grids).
    """
    n = int(payload["n_steps"])
    k = as_int(index, "index", minimum=0)
    if k >= n:
        raise ValueError(f"index must be below the number of steps {n}, got {k}")
    ow = payload["out_shape"][1]
    r, c = divmod(k, ow)
    rows, cols = payload["rows"][r], payload["cols"][c]
    wp = payload["padded_shape"][1]
    nc = payload["channels"]
    vals, ids = payload["vals"], payload["ids"]

    def value(rr: int, cc: int, ch: int) -> int | float | str:
        return vals[ids[(rr * wp + cc) * nc + ch]]

    view: dict[str, Any] = {"out_row": r, "out_col": c, "rows": rows, "cols": cols}
    if payload["kind"] == "pool":
        window = [[_text(value(rr, cc, 0)) for cc in cols] for rr in rows]
        flat = [t for row in window for t in row]
        result = _text(payload["results"][k])
        if payload["mode"] == "max":
            eq = f"max({', '.join(flat)}) = {result}"
        else:
            eq = f"({' + '.join(addends(flat))}) / {payload['count']} = {result}"
        view.update(values=window, winner=payload["winners"][k], output=result,
                    total=result, equation=[eq])
        return view

    fh, fw = payload["kernel_shape"]
    kernel = payload["kernel"]
    taps = fh * fw * nc

    def product(tap: int, uid: int) -> int | float | str:
        if "prods" in payload:
            return payload["prods"][k * taps + tap]
        return payload["ptab"][payload["ptap"][tap]][uid]

    values, weights, products, terms = [], [], [], []
    for ch in range(nc):
        v_ch, w_ch, p_ch, t_ch = [], [], [], []
        for i, rr in enumerate(rows):
            v_row, w_row, p_row = [], [], []
            for j, cc in enumerate(cols):
                tap = (i * fw + j) * nc + ch
                uid = ids[(rr * wp + cc) * nc + ch]
                v_row.append(_text(vals[uid]))
                w_row.append(_text(kernel[tap]))
                p_row.append(_text(product(tap, uid)))
                t_ch += product_terms(v_row[-1:], w_row[-1:])
            v_ch.append(v_row)
            w_ch.append(w_row)
            p_ch.append(p_row)
        values.append(v_ch)
        weights.append(w_ch)
        products.append(p_ch)
        terms.append(t_ch)
    total = _text(payload["totals"][k])
    bias = _text(payload["bias"])
    if nc == 1 and "partials" in payload:  # the filter as a neuron: wᵀx + w₀
        partials = [_text(payload["partials"][k])]
        lines = [sum_equation(terms[0], partials[0]),
                 "wᵀx + w₀ = " + sum_equation(partials, total, bias=bias)]
    elif nc == 1:
        partials = []
        lines = [sum_equation(terms[0], total, bias=bias)]
    else:
        partials = [_text(payload["partials"][k * nc + ch]) for ch in range(nc)]
        names = payload["channel_names"]
        lines = [f"{names[ch]}: " + sum_equation(terms[ch], partials[ch]) for ch in range(nc)]
        lines.append(sum_equation(partials, total, bias=bias))
    output = total
    if "activated" in payload:
        output = _text(payload["activated"][k])
        lines.append(applied(payload["activation_name"], total, output))
    view.update(values=values, weights=weights, products=products, partials=partials,
                total=total, output=output, equation=lines)
    return view


# --------------------------------------------------------------------------- size


def payload_json(payload: Mapping[str, Any]) -> str:
    """The payload as the compact JSON text the animator sends to the browser."""
    return json.dumps(payload, separators=(",", ":"), allow_nan=False)


# --------------------------------------------------------------------------- image helpers


@dataclass(frozen=True)
class Placement:
    """Where an animation grid sits on the full image.

    Attributes
    ----------
    top, left : first image row and column covered.
    height, width : image rows and columns covered.
    scale : (rows, cols) of the image per grid cell; (1.0, 1.0) for a crop.
    """

    top: int
    left: int
    height: int
    width: int
    scale: tuple[float, float]


def _size_pair(size: object) -> tuple[int, int]:
    h, w = as_pair(size, "size", minimum=1)
    for v in (h, w):
        if not MIN_SIZE <= v <= MAX_SIZE:
            raise ValueError(f"size must be between {MIN_SIZE} and {MAX_SIZE}, got {size!r}")
    return h, w


def _as_image(image: object) -> np.ndarray:
    arr = as_float_array(image, "image")
    if arr.ndim not in (2, 3) or 0 in arr.shape:
        raise ValueError(f"image must be a non-empty (H, W) or (H, W, C) array, got {arr.shape}")
    return arr


def crop_for_animation(
    image: object, size: object, center: tuple[int, int] | None = None
) -> tuple[np.ndarray, Placement]:
    """Cut a ``size`` × ``size`` piece out of ``image`` for the animation.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
    size : int or (int, int)
        Side(s) of the piece, 3 to 64. An image smaller than that is kept whole
        along that axis.
    center : (row, col), optional
        Image cell the piece is centred on; the piece is shifted to stay inside
        the image. Defaults to the image centre.

    Returns
    -------
    (numpy.ndarray, Placement)

    Examples
    --------
    >>> piece, where = crop_for_animation(np.arange(100.0).reshape(10, 10), 4, center=(0, 9))
    >>> piece[0].tolist(), (where.top, where.left)
    ([6.0, 7.0, 8.0, 9.0], (0, 6))
    """
    arr = _as_image(image)
    sh, sw = _size_pair(size)
    hh, ww = arr.shape[:2]
    h, w = min(sh, hh), min(sw, ww)
    if center is None:
        cr, cc = hh // 2, ww // 2
    else:
        cr, cc = (as_int(v, "center", minimum=0) for v in center)
        if cr >= hh or cc >= ww:
            raise ValueError(f"center must lie in the {hh}×{ww} image, got {tuple(center)}")
    top = min(max(cr - h // 2, 0), hh - h)
    left = min(max(cc - w // 2, 0), ww - w)
    piece = arr[top : top + h, left : left + w].copy()
    return piece, Placement(top, left, h, w, (1.0, 1.0))


def downscale_for_animation(image: object, size: object) -> tuple[np.ndarray, Placement]:
    """Shrink a whole image so that it fits in ``size`` × ``size`` cells.

    Each cell is the mean of the image area it covers (a box filter, what an
    image editor does), keeping the aspect ratio: :func:`cnnviz.data.pixels.downscale`.
    An 8-bit image (values k/255) stays 8-bit: the animation then ships at
    most 256 distinct values. An image already small enough is returned unchanged.

    Examples
    --------
    >>> small, where = downscale_for_animation(np.ones((100, 50)), 10)
    >>> small.shape, where.scale
    ((10, 5), (10.0, 10.0))
    """
    arr = _as_image(image)
    hh, ww = arr.shape[:2]
    small = downscale(arr, _size_pair(size), keep_eight_bit=True)
    h, w = small.shape[:2]
    if (h, w) == (hh, ww):
        return arr.copy(), Placement(0, 0, hh, ww, (1.0, 1.0))
    return small, Placement(0, 0, hh, ww, (hh / h, ww / w))


def to_pixel_levels(image: object) -> np.ndarray:
    """An image in [0, 1] as the 0–255 pixel values the lectures compute with.

    Short integers fit in a projected grid where 0.024 does not.

    >>> to_pixel_levels(np.array([[0.0, 0.5, 1.0]])).tolist()
    [[0.0, 128.0, 255.0]]
    """
    arr = _as_image(image)
    if not in_unit_range(arr):
        raise ValueError(
            f"image must lie in [0, 1] to become pixel levels, got {arr.min():g} … {arr.max():g}"
        )
    return np.round(arr * 255.0)


def grid_for_animation(
    image: object, size: int = DEFAULT_GRID, *, how: str = "Crop",
    centre_pct: tuple[float, float] = (50, 50),
) -> tuple[np.ndarray, Placement, str]:
    """The grid the Step-by-step page animates: the whole (small) image, a crop or a
    downscaled copy, where it sits on the full image, and a sentence saying so.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
    size : int
        Cells per side, :data:`MIN_SIZE` to :data:`MAX_SIZE` (the page's slider).
    how : {"Crop", "Downscale"}, keyword-only
        What happens to an image larger than ``size``.
    centre_pct : (float, float), keyword-only
        A crop's centre, in percent of the image's rows and columns.

    Examples
    --------
    >>> grid, where, note = grid_for_animation(np.arange(100.0).reshape(10, 10), 4)
    >>> grid[0].tolist(), note
    ([22.0, 23.0, 24.0, 25.0], 'A 4×4 crop of the 10×10 image, rows 2–5, columns 2–5 \
(outlined on the small image).')
    """
    arr = _as_image(image)
    if how not in HOWS:
        raise ValueError(f"how must be one of {', '.join(HOWS)}, got {how!r}")
    h, w = arr.shape[:2]
    if max(h, w) <= size:
        grid, where = crop_for_animation(arr, size)
        return grid, where, f"The whole {h}×{w} input is animated."
    if how == "Downscale":
        grid, where = downscale_for_animation(arr, size)
        return grid, where, (f"The {h}×{w} image is shrunk to {grid.shape[0]}×{grid.shape[1]} "
                             "cells (each cell the mean of the pixels it covers).")
    row, col = centre_pct
    centre = (min(h - 1, round(row / 100 * (h - 1))), min(w - 1, round(col / 100 * (w - 1))))
    grid, where = crop_for_animation(arr, size, center=centre)
    return grid, where, (f"A {where.height}×{where.width} crop of the {h}×{w} image, rows "
                         f"{where.top}–{where.top + where.height - 1}, columns "
                         f"{where.left}–{where.left + where.width - 1} (outlined on the small "
                         "image).")


def levels_for_animation(grid: np.ndarray, note: str,
                         levels: str = DEFAULT_LEVELS) -> tuple[np.ndarray, str]:
    """A picture's grid as the page shows it: 0–255 pixel values (``levels="0-255"``, the
    default) or its 0–1 values; a grid outside [0, 1] is returned unchanged.

    >>> levels_for_animation(np.array([[0.0, 1.0]]), "The whole 1×2 input is animated.")
    (array([[  0., 255.]]), 'The whole 1×2 input is animated. Pixel values 0–255.')
    """
    if levels not in LEVELS:
        raise ValueError(f"levels must be one of {', '.join(LEVELS)}, got {levels!r}")
    if levels == "0-255" and in_unit_range(grid):
        return to_pixel_levels(grid), note + " Pixel values 0–255."
    return grid, note

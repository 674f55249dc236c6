r"""Shapes and parameters: the output-size calculator and the layer-stack builder.

Three things the "Shapes and parameters" page shows, computed here:

- :func:`calculate`: the output size of one layer along one axis, with the
  padding resolved ("valid", "same" or a custom ``p``), how many windows read
  each cell of the padded input, the cells no window ever reads, and why.
- :func:`comparison_rows`: the lectures' dense-versus-convolution figures
  (:func:`lecture_comparisons`, each computed from its formula with the core's
  counts) as table rows (exact value and the lecture's round figure).
- :func:`parse_stack` and :func:`analyse_stack`: a stack typed in as table
  rows (conv / pool / activation / flatten / dense) turned into
  :mod:`cnnviz.core.layers` specs, then per-layer shapes, parameters, multiply-adds,
  activation memory and receptive fields, with totals checked against the
  published counts of LeNet-5, AlexNet and VGG16.

>>> calc = calculate(10, 3, stride=2)
>>> calc.formula.n_out, calc.formula.exact, calc.unread_input
(4, False, (9,))
>>> report = analyse_stack((32, 32, 1), parse_stack(architecture_rows("lenet5")))
>>> report.total_params
61706
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from cnnviz.core._checks import as_int, check_mode, effective_size, same_padding
from cnnviz.core.cells import is_blank, whole_cell
from cnnviz.core.layers import (
    ACTIVATIONS,
    Activation,
    Conv,
    Dense,
    Flatten,
    LayerInfo,
    Pool,
    SizeFormula,
    conv_params,
    dense_params,
    propagate,
    size_formula,
)
from cnnviz.lessons.formulas import size_latex, size_words
from cnnviz.lessons.networks import ARCHITECTURES

__all__ = [
    "BYTES_PER_VALUE",
    "COLUMNS",
    "EXERCISES",
    "KINDS",
    "LECTURE_FIGURES",
    "MODES",
    "PADDINGS",
    "PAD_CHOICES",
    "Calculation",
    "Comparison",
    "PublishedCheck",
    "StackReport",
    "analyse_stack",
    "architecture_rows",
    "calculate",
    "comparison_rows",
    "format_bytes",
    "follows_preset",
    "format_count",
    "layer_formulas",
    "lecture_comparisons",
    "parse_stack",
    "published_check",
    "same_explanation",
]

#: float32: four bytes per stored value.
BYTES_PER_VALUE = 4

PAD_CHOICES = ("valid", "same", "custom")

# --- formatting ---------------------------------------------------------------


def format_count(n: int) -> str:
    """A whole number with thousands separators.

    >>> format_count(138357544)
    '138,357,544'
    """
    return f"{int(n):,}"


def format_bytes(n: int) -> str:
    """Bytes in decimal units, as the lectures write them (6.4 GB = 6.4·10⁹ bytes).

    >>> format_bytes(4), format_bytes(18_816), format_bytes(6_400_160_000)
    ('4 B', '18.8 kB', '6.4 GB')
    """
    n = int(n)
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} B"


def _large(n: int) -> str:
    """Exact below a billion, else rounded in billions (to fit a metric box).

    >>> _large(416_520), _large(15_470_264_320)
    ('416,520', '15.47 billion')
    """
    return format_count(n) if n < 10**9 else f"{n / 10**9:.4g} billion"


def _sci(value: float) -> str:
    """Round figure as the lectures write it: 3·10⁶, 1.6·10⁹, 84.

    >>> _sci(3e6), _sci(1.6e9), _sci(84), _sci(57.6e9)
    ('3·10⁶', '1.6·10⁹', '84', '5.76·10¹⁰')
    """
    if value < 10_000:
        return format_count(round(value))
    exponent = int(math.floor(math.log10(value)))
    mantissa = f"{value / 10**exponent:.3g}"
    sup = str(exponent).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantissa}·10{sup}"


def _ranges(indices: Sequence[int]) -> str:
    """1, 2, 3, 7 → '1–3, 7'.

    >>> _ranges([1, 2, 3, 7]), _ranges([9])
    ('1–3, 7', '9')
    """
    parts: list[str] = []
    start = prev = None
    for i in list(indices) + [None]:
        if start is not None and (i is None or i != prev + 1):
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = None
        if i is not None and start is None:
            start = i
        prev = i
    return ", ".join(parts)


# --- the calculator -------------------------------------------------------------

#: The lectures' exercises on the size formula, as calculator settings.
EXERCISES: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "6×6, f = 3, p = 1, s = 5": {"n": 6, "f": 3, "padding": "custom", "p": 1, "stride": 5,
                                     "dilation": 1},
        "10×10, f = 3, s = 2": {"n": 10, "f": 3, "padding": "valid", "p": 0, "stride": 2,
                                "dilation": 1},
        "10×10, f = 5, p = 1": {"n": 10, "f": 5, "padding": "custom", "p": 1, "stride": 1,
                                "dilation": 1},
    }
)


@dataclass(frozen=True)
class Calculation:
    """One layer's output size along an axis, and which input cells it reads.

    Attributes
    ----------
    n, f, stride, dilation : int
        ``n^[l-1]``, ``f``, ``s``, ``d``.
    padding : str
        ``"valid"``, ``"same"`` or ``"custom"``.
    pad : (int, int)
        Zeros before and after (top/left, bottom/right).
    span : int
        ``d(f − 1) + 1``: the pixels one window covers.
    formula : SizeFormula
        The size formula's numbers (``formula.n_out``, ``formula.exact``); written out by
        :func:`cnnviz.lessons.formulas.size_latex`.
    coverage : ndarray of int, shape (n + pad[0] + pad[1],)
        How many windows read each cell of the padded axis.
    unread_input : tuple of int
        Input indices (0 = first real row) that no window reads.
    notes : tuple of str
        Sentences (Markdown with ``$…$``) explaining the dilation and the floor.
    unread_notes : tuple of str
        Sentences pointing out the input rows no window reads, and why.
    """

    n: int
    f: int
    stride: int
    dilation: int
    padding: str
    pad: tuple[int, int]
    span: int
    formula: SizeFormula
    coverage: np.ndarray
    unread_input: tuple[int, ...]
    notes: tuple[str, ...]
    unread_notes: tuple[str, ...]

    @property
    def padded(self) -> int:
        """``n + p_before + p_after``."""
        return self.n + self.pad[0] + self.pad[1]


def calculate(
    n: int, f: int, *, padding: str = "valid", p: int = 0, stride: int = 1, dilation: int = 1
) -> Calculation:
    """Output size of a square layer, and the cells its windows read.

    Parameters
    ----------
    n, f : int
        Input side ``n^[l-1]`` and filter side ``f``.
    padding : {"valid", "same", "custom"}, keyword-only
        ``"valid"``: ``p = 0``; ``"same"``: ``⌈n / s⌉`` outputs (an odd extra
        zero at the bottom/right); ``"custom"``: ``p`` zeros on each side.
    p, stride, dilation : int, keyword-only
        ``p`` (used with ``"custom"`` only), ``s``, ``d``.

    Raises
    ------
    ValueError
        If a number is out of range, or the (dilated) filter is larger than
        the padded input.

    Examples
    --------
    >>> c = calculate(6, 3, padding="custom", p=1, stride=5)
    >>> c.formula.n_out, c.coverage.tolist(), c.unread_input
    (2, [1, 1, 1, 0, 0, 1, 1, 1], (2, 3))
    >>> calculate(5, 4, padding="same").pad
    (1, 2)
    >>> calculate(3, 5)
    Traceback (most recent call last):
    ...
    ValueError: the filter does not fit: it spans d(f − 1) + 1 = 5 pixels but the padded \
input has n + p_before + p_after = 3 + 0 + 0 = 3. Use a smaller f or d, or more padding.
    """
    n = as_int(n, "n", minimum=1)
    f = as_int(f, "f", minimum=1)
    s = as_int(stride, "s", minimum=1)
    d = as_int(dilation, "d", minimum=1)
    check_mode(padding, "padding", PAD_CHOICES)
    if padding == "valid":
        pad = (0, 0)
    elif padding == "same":
        pad = same_padding(n, f, s, d)
    else:
        p = as_int(p, "p", minimum=0)
        pad = (p, p)
    span = effective_size(f, d)
    padded = n + pad[0] + pad[1]
    if span > padded:
        raise ValueError(
            f"the filter does not fit: it spans d(f − 1) + 1 = {span} pixels but the padded "
            f"input has n + p_before + p_after = {n} + {pad[0]} + {pad[1]} = {padded}. "
            "Use a smaller f or d, or more padding."
        )
    formula = size_formula(n, f, pad=pad, stride=s, dilation=d)
    starts = np.arange(formula.n_out) * s
    coverage = np.zeros(padded, dtype=np.int64)
    np.add.at(coverage, (starts[:, None] + np.arange(f) * d).ravel(), 1)
    unread = tuple(int(i) for i in np.flatnonzero(coverage[pad[0]:pad[0] + n] == 0))
    return Calculation(n, f, s, d, padding, pad, span, formula, coverage, unread,
                       *_notes(n, f, s, d, pad, span, formula, unread))


def _notes(
    n: int, f: int, s: int, d: int, pad: tuple[int, int], span: int, formula: SizeFormula,
    unread: tuple[int, ...],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    top = n + pad[0] + pad[1] - span
    notes = []
    if d > 1:
        notes.append(f"With dilation $d = {d}$ the filter spans $d(f-1)+1 = {d}\\cdot({f}-1)+1 "
                     f"= {span}$ pixels, so $f$ in the formula becomes {span}.")
    if formula.exact:
        notes.append(f"$(n + 2p - f)/s = {top}/{s}$ is whole: the last window ends exactly "
                     "on the last padded row.")
    else:
        notes.append(f"As the lectures say it: {size_words(formula)}. That is "
                     f"$\\lfloor {top}/{s} \\rfloor = {top // s}$ steps after the first window: "
                     "the window never hangs over the edge.")
    last_end = (formula.n_out - 1) * s + span - 1 - pad[0]  # in input indices
    tail = [i for i in unread if i > last_end]
    inner = [i for i in unread if i <= last_end]
    warnings = []
    if tail:
        warnings.append(f"{_rows(tail)} never read: the last window ends at input row {last_end}, "
                     "and the next step would hang over the edge.")
    if inner:
        why = (f"the stride $s = {s}$ is larger than the window's span {span}" if s > span
               else f"they fall between the dilated taps ($d = {d}$)")
        warnings.append(f"{_rows(inner)} never read: {why}, so the windows jump over them.")
    return tuple(notes), tuple(warnings)


def _rows(indices: list[int]) -> str:
    if len(indices) == 1:
        return f"Input row (and column) **{indices[0]}** is"
    return f"Input rows (and columns) **{_ranges(indices)}** are"


def same_explanation(n: int, f: int, stride: int = 1, dilation: int = 1) -> str:
    """Why "same" padding is what it is for these numbers (Markdown with ``$…$``).

    >>> print(same_explanation(10, 3))
    For stride 1, "same" needs $p = (f-1)/2 = (3-1)/2 = 1$ zero on each side, and the \
output keeps $n = 10$.
    >>> "asymmetric" in same_explanation(10, 4)
    True
    """
    n = as_int(n, "n", minimum=1)
    f = as_int(f, "f", minimum=1)
    s = as_int(stride, "s", minimum=1)
    d = as_int(dilation, "d", minimum=1)
    before, after = same_padding(n, f, s, d)
    if s == 1:
        total = d * (f - 1)
        rule = f"p = (f-1)/2 = ({f}-1)/2" if d == 1 else f"p = d(f-1)/2 = {d}\\cdot({f}-1)/2"
        if total % 2 == 0:
            return (f'For stride 1, "same" needs ${rule} = {total // 2}$ zero'
                    f"{'' if total // 2 == 1 else 's'} on each side, and the output keeps "
                    f"$n = {n}$.")
        return (f'For stride 1, "same" needs ${rule} = {total / 2:g}$, which is not whole: '
                f"an even filter needs **asymmetric** padding, {before} before and {after} after "
                "(the extra zero at the bottom/right, as TensorFlow does it). That is why odd "
                "filter sizes are preferred: symmetric padding and a centre pixel.")
    out = -(-n // s)
    return (f'With stride $s = {s}$, "same" keeps $\\lceil n/s \\rceil = \\lceil {n}/{s} '
            f"\\rceil = {out}$ outputs. That needs $(n^{{[l]}}-1)s + d(f-1)+1 - n = "
            f"({out}-1)\\cdot{s} + {effective_size(f, d)} - {n} = {before + after}$ zeros in "
            f"all (never fewer than 0), {before} before and {after} after.")


# --- the lectures' comparisons ---------------------------------------------------


class Comparison(NamedTuple):
    """One of the lectures' dense-versus-convolution figures.

    ``value`` is computed exactly; ``lecture_figure`` is the round number the
    lecture quotes (``value`` rounds to it).
    """

    description: str
    formula: str
    value: int
    lecture_figure: float


def lecture_comparisons() -> list[Comparison]:
    """The lectures' parameter and memory counts, each computed from its formula.

    About "57.6 GB for RGB": it is 4 bytes (float32) times ``120000²``
    weights, where 120000 = 200·200·3, i.e. the RGB image fully connected to a
    layer of the same size (200×200×3 neurons). That is the same network as
    the lectures' "≈ 1.4·10¹⁰ parameters"; connecting the RGB image to a
    grey-sized layer (120000·40000 weights) would give only 19.2 GB.

    Returns
    -------
    list of Comparison
        ``(description, formula, value, lecture_figure)`` rows.

    Examples
    --------
    >>> rows = lecture_comparisons()
    >>> rows[0].value, rows[0].formula
    (3083010, '3072·1000 + 1000·10 + 1000 + 10')
    >>> [row.value for row in rows[5:9]]
    [84, 280, 30, 50]
    >>> [row.value for row in rows[9:]]
    [921600, 92160000, 67500, 67500000]
    """
    cifar_in = 32 * 32 * 3
    hidden, classes = 1000, 10
    grey = 200 * 200
    rgb = 200 * 200 * 3
    float32 = 4
    grey_fc = dense_params(grey, grey)
    rgb_fc = dense_params(rgb, rgb)
    return [
        Comparison(
            "CIFAR-10 (32×32×3 = 3072 inputs): dense net, one hidden layer of 1000, "
            "10 outputs (parameters)",
            f"{cifar_in}·{hidden} + {hidden}·{classes} + {hidden} + {classes}",
            dense_params(cifar_in, hidden) + dense_params(hidden, classes),
            3e6,
        ),
        Comparison(
            "200×200 grey image fully connected to a same-size layer (parameters)",
            f"{grey}² + {grey}",
            grey_fc,
            1.6e9,
        ),
        Comparison(
            "200×200 grey, fully connected to a same-size layer, stored in float32 (bytes)",
            f"({grey}² + {grey})·{float32}",
            grey_fc * float32,
            6.4e9,
        ),
        Comparison(
            "200×200×3 RGB image fully connected to a same-size layer (parameters)",
            f"{rgb}² + {rgb}",
            rgb_fc,
            1.4e10,
        ),
        Comparison(
            "200×200×3 RGB, fully connected to a same-size layer, stored in float32 (bytes)",
            f"({rgb}² + {rgb})·{float32}",
            rgb_fc * float32,
            57.6e9,
        ),
        Comparison(
            "3×3 convolution with 3 filters on an RGB image, any size (parameters)",
            "(3·3·3 + 1)·3",
            conv_params(3, 3, 3),
            84,
        ),
        Comparison(
            "Ten 3×3×3 filters, whatever the image size (parameters)",
            "(3·3·3 + 1)·10",
            conv_params(3, 3, 10),
            280,
        ),
        Comparison(
            "Three stacked 3×3 convolutions, one channel (7×7 receptive field, parameters)",
            "3·(3·3·1 + 1)·1",
            3 * conv_params(3, 1, 1),
            30,
        ),
        Comparison(
            "One 7×7 convolution, one channel (same receptive field, parameters)",
            "(7·7·1 + 1)·1",
            conv_params(7, 1, 1),
            50,
        ),
        # Lecture 001 rounds loosely ("almost 1M", "100M"): the exact counts stand beside.
        Comparison(
            "640×480 colour image: input features, \"almost 1M\"",
            "640·480·3",
            640 * 480 * 3,
            1e6,
        ),
        Comparison(
            "640×480 colour image fully connected to 100 units (weights), \"100M\"",
            "640·480·3·100",
            640 * 480 * 3 * 100,
            1e8,
        ),
        Comparison(
            "150×150×3 image: inputs",
            "150·150·3",
            150 * 150 * 3,
            67_500,
        ),
        Comparison(
            "150×150×3 fully connected to 1000 units: W^[1] is 67,500 × 1000 (weights)",
            "150·150·3·1000",
            150 * 150 * 3 * 1000,
            67_500_000,
        ),
    ]


#: The worked example (``cnnviz.lessons.lectures``) each row of
#: :func:`lecture_comparisons` belongs to, row by row.
COMPARISON_EXAMPLES = ("000.1", "003.1", "003.1", "003.5", "003.1", "003.5", "004.12",
                       "003.7", "003.7", "001.1", "001.1", "004.1", "004.1")


def comparison_rows(example: str | None = None) -> list[dict[str, str]]:
    """The lectures' dense-versus-convolution figures as table rows (one example's, or all).

    >>> rows = comparison_rows()
    >>> rows[0]["exact value"], rows[0]["lecture's figure"]
    ('3,083,010', '≈ 3·10⁶')
    >>> rows[5]["exact value"], rows[5]["lecture's figure"]
    ('84', '84')
    >>> [r["exact value"] for r in comparison_rows("003.5")]
    ['14,400,120,000', '84']
    """
    rows = []
    comparisons = lecture_comparisons()
    if len(comparisons) != len(COMPARISON_EXAMPLES):
        raise RuntimeError("COMPARISON_EXAMPLES must name one example per comparison row")
    for c, owner in zip(comparisons, COMPARISON_EXAMPLES, strict=True):
        if example is not None and owner != example:
            continue
        exact = round(c.value) == round(c.lecture_figure)
        rows.append({"what": c.description, "formula": c.formula,
                     "exact value": format_count(c.value),
                     "lecture's figure": format_count(c.lecture_figure) if exact else "≈ " + (
                         format_bytes(c.lecture_figure) if "(bytes)" in c.description
                         else _sci(c.lecture_figure))})
    return rows


# --- the layer-stack builder -----------------------------------------------------

#: Editor columns, in order.
COLUMNS = ("type", "filters/units", "f", "s", "p", "d", "mode")
#: The columns of whole numbers (a link's ``stack`` text, :func:`cnnviz.core.codec.decode_rows`).
NUMERIC_COLUMNS = ("filters/units", "f", "s", "d")
#: Layer types a row may have.
KINDS = ("conv", "pool", "activation", "flatten", "dense")
#: Choices of the padding column: a number of zeros per side, "valid" (0) or "same".
PADDINGS = ("valid", "same", *(str(i) for i in range(11)))
#: Choices of the mode column: pooling modes, then activation functions.
MODES = ("max", "avg", *ACTIVATIONS)

#: The lectures' round figures for the presets, in parameters.
LECTURE_FIGURES: Mapping[str, float] = MappingProxyType({"alexnet": 60e6, "vgg16": 138e6})


def _number(row: Mapping[str, object], column: str, default: int | None = None) -> int:
    return whole_cell(row.get(column), column, minimum=0 if column == "p" else 1, default=default)


def _padding(row: Mapping[str, object], *, allow_same: bool) -> int | str:
    value = row.get("p")
    if is_blank(value) or value == "valid":
        return 0
    if isinstance(value, str):
        text = value.strip()
        if text == "same":
            if not allow_same:
                raise ValueError('p must be a number of zeros for pooling, not "same"')
            return "same"
        if not text.isdigit():
            raise ValueError(f'p must be a whole number, "valid" or "same", got {value!r}')
        return int(text)
    return as_int(value, "p", minimum=0)


def _layer(row: Mapping[str, object]):  # -> Layer
    kind = row.get("type")
    mode = row.get("mode")
    if kind == "conv":
        return Conv(_number(row, "filters/units"), _number(row, "f"), stride=_number(row, "s", 1),
                    padding=_padding(row, allow_same=True), dilation=_number(row, "d", 1))
    if kind == "pool":
        if not is_blank(row.get("d")) and _number(row, "d") != 1:
            raise ValueError("pooling has no dilation here: leave d empty or 1")
        size = _number(row, "f")
        mode = "max" if is_blank(mode) else mode
        if mode not in ("max", "avg"):
            raise ValueError(f'the mode of a pool must be "max" or "avg", got {mode!r}')
        return Pool(size, stride=_number(row, "s", size), mode=mode,
                    padding=_padding(row, allow_same=False))
    if kind == "activation":
        mode = "relu" if is_blank(mode) else mode
        if mode not in ACTIVATIONS:
            raise ValueError(f"the mode of an activation must be one of {', '.join(ACTIVATIONS)}, "
                             f"got {mode!r}")
        return Activation(mode)
    if kind == "flatten":
        return Flatten()
    if kind == "dense":
        return Dense(_number(row, "filters/units"))
    if is_blank(kind):
        raise ValueError(f"no type: pick one of {', '.join(KINDS)}, or delete the row")
    raise ValueError(f"unknown type {kind!r}: pick one of {', '.join(KINDS)}")


def parse_stack(rows: Sequence[Mapping[str, object]]) -> list:
    """Turn editor rows into :mod:`cnnviz.core.layers` specs; row ``l`` becomes layer ``[l]``.

    Each row is a mapping with the keys of :data:`COLUMNS`. Empty cells take
    the usual defaults (``s = 1`` for a convolution and ``s = f`` for a pool,
    ``p = 0``, ``d = 1``, max pooling, ReLU).

    Raises
    ------
    ValueError
        Naming the row (from 1) and its type: a missing or unknown type, an
        empty required cell (filters, units, f), a value out of range.

    Examples
    --------
    >>> parse_stack([{"type": "conv", "filters/units": 6, "f": 5},
    ...              {"type": "pool", "f": 2, "mode": "avg"}])
    [Conv(filters=6, kernel_size=5, stride=1, padding=0, dilation=1, bias=True), \
Pool(size=2, stride=2, mode='avg', padding=0)]
    >>> parse_stack([{"type": "dense"}])
    Traceback (most recent call last):
    ...
    ValueError: row 1 (dense): the filters/units cell is empty
    """
    if isinstance(rows, str) or not isinstance(rows, Sequence):
        raise ValueError(f"rows must be a list of table rows, got {type(rows).__name__}")
    if not rows:
        raise ValueError("the stack is empty: add at least one row")
    layers = []
    for i, row in enumerate(rows, start=1):
        kind = row.get("type")
        try:
            layers.append(_layer(row))
        except ValueError as err:
            name = "no type" if is_blank(kind) else kind
            raise ValueError(f"row {i} ({name}): {err}") from None
    return layers


def architecture_rows(name: str) -> list[dict[str, object]]:
    """A preset network (:data:`cnnviz.lessons.networks.ARCHITECTURES`) as editor rows.

    Dropout, local response normalisation and torchvision's adaptive pool are
    left out: they change no shape and have no parameters here (the adaptive
    pool is fed exactly its output size on a 224×224 input).

    >>> architecture_rows("lenet5")[0]
    {'type': 'conv', 'filters/units': 6, 'f': 5, 's': 1, 'p': '0', 'd': 1, 'mode': None}
    """
    check_mode(name, "name", tuple(ARCHITECTURES))
    rows: list[dict[str, object]] = []
    for layer in ARCHITECTURES[name].layers:
        row: dict[str, object] = dict.fromkeys(COLUMNS)
        if isinstance(layer, Conv):
            row.update({"type": "conv", "filters/units": layer.filters, "f": layer.kernel_size,
                        "s": layer.stride, "p": str(layer.padding), "d": layer.dilation})
        elif isinstance(layer, Pool):
            row.update({"type": "pool", "f": layer.size, "s": layer.stride,
                        "p": str(layer.padding), "mode": layer.mode})
        elif isinstance(layer, Activation):
            row.update({"type": "activation", "mode": layer.name})
        elif isinstance(layer, Flatten):
            row["type"] = "flatten"
        elif isinstance(layer, Dense):
            row.update({"type": "dense", "filters/units": layer.units})
        else:
            continue
        rows.append(row)
    return rows


@dataclass(frozen=True)
class StackReport:
    """Per-layer numbers of a stack and its totals (one example, float32).

    Attributes
    ----------
    input_shape : tuple of int
    infos : tuple of LayerInfo
        From :func:`cnnviz.core.layers.propagate`.
    total_params, total_macs, total_activations : int
        Sums over the layers; activations count every layer's output values
        (the input not included).
    """

    input_shape: tuple[int, ...]
    infos: tuple[LayerInfo, ...]
    total_params: int
    total_macs: int
    total_activations: int

    def table(self) -> list[dict[str, object]]:
        """One row per layer (and one for the input), for a table."""
        rows = [_table_row(0, "input a^[0]", self.input_shape, 0, 0, 1)]
        for info in self.infos:
            rows.append(_table_row(info.index, info.label, info.output_shape, info.params,
                                   info.macs, info.receptive_field))
        return rows

    def totals(self) -> dict[str, str]:
        """The totals as labelled texts (activations and multiply-adds: one example)."""
        return {
            "Parameters": format_count(self.total_params),
            "Parameters, float32": format_bytes(self.total_params * BYTES_PER_VALUE),
            "Multiply-adds": _large(self.total_macs),
            "Activations (values)": format_count(self.total_activations),
            "Activations, float32": format_bytes(self.total_activations * BYTES_PER_VALUE),
        }


def _table_row(index: int, label: str, shape: tuple[int, ...], params: int, macs: int,
               rf: int | None) -> dict[str, object]:
    values = math.prod(shape)
    return {"l": index, "layer": label, "output shape": " × ".join(str(v) for v in shape),
            "parameters": params, "multiply-adds": macs, "activations": values,
            "float32": format_bytes(values * BYTES_PER_VALUE),
            "receptive field": "whole input" if rf is None else f"{rf} × {rf}"}


def analyse_stack(input_shape: Sequence[int], layers: Sequence) -> StackReport:
    """Shapes, costs and totals of a stack (see :func:`cnnviz.core.layers.propagate`).

    Raises
    ------
    ValueError
        From ``propagate``, naming the layer: e.g. a filter larger than its
        input, or a dense layer before the flatten.

    Examples
    --------
    >>> r = analyse_stack((6, 6, 3), [Conv(10, 3)])
    >>> r.total_params, r.table()[1]["output shape"]
    (280, '4 × 4 × 10')
    >>> analyse_stack((8, 8, 1), [Dense(10)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: layer 1 (layers[0], FC 10 units): units needs a flat input, ...
    """
    infos = tuple(propagate(input_shape, list(layers)))
    return StackReport(tuple(int(v) for v in input_shape), infos,
                       sum(i.params for i in infos), sum(i.macs for i in infos),
                       sum(i.activations for i in infos))


def layer_formulas(report: StackReport) -> list[tuple[str, str]]:
    """``(label, latex)`` of each spatial layer's size formula, numbered ``[l]``.

    Both axes are given when they differ; one line (``n_H``) when the input is square.

    >>> layer_formulas(analyse_stack((32, 32, 1), [Conv(6, 5)]))[0][1]
    'n_H^{[1]} = \\\\left\\\\lfloor \\\\frac{32 + 2\\\\cdot 0 - 5}{1} \\\\right\\\\rfloor + 1 = 28'
    """
    out = []
    for info in report.infos:
        if not info.formulas:
            continue
        shown = info.formulas[:1] if _same_axes(info) else info.formulas
        for formula in shown:
            out.append((f"[{info.index}] {info.label}",
                        size_latex(formula).replace("{[l]}", f"{{[{info.index}]}}")))
    return out


def _same_axes(info: LayerInfo) -> bool:
    h, w = info.formulas
    return (h.n_in, h.pad) == (w.n_in, w.pad)


class PublishedCheck(NamedTuple):
    """Does a total match a preset's published count? With the sentence to show."""

    matches: bool
    message: str


def follows_preset(rows: Sequence[Mapping[str, object]], name: str) -> bool:
    """Whether a stack's layers are preset ``name``'s, kind for kind (its numbers may differ).

    Only then is a comparison with the preset's published count worth showing: a stack
    built from another link (a lecture's one conv layer) is no edited LeNet-5.

    >>> follows_preset(architecture_rows("lenet5"), "lenet5")
    True
    >>> follows_preset([{"type": "conv", "filters/units": 10, "f": 3}], "lenet5")
    False
    """
    check_mode(name, "name", tuple(ARCHITECTURES))
    kinds = [str(row.get("type")) for row in rows]
    return kinds == [str(row["type"]) for row in architecture_rows(name)]


def published_check(name: str, total: int) -> PublishedCheck:
    """Compare a stack's total with the published count of preset ``name``.

    >>> published_check("vgg16", 138357544).matches
    True
    >>> print(published_check("alexnet", 61100840).message)  # doctest: +ELLIPSIS
    61,100,840 parameters: matches the published count of 61,100,840. The lectures round ...
    >>> published_check("lenet5", 1000).message  # doctest: +ELLIPSIS
    '1,000 parameters: differs from the published count of 61,706 by -60,706...'
    """
    check_mode(name, "name", tuple(ARCHITECTURES))
    arch = ARCHITECTURES[name]
    total = as_int(total, "total", minimum=0)
    figure = LECTURE_FIGURES.get(name)
    lecture = "" if figure is None else f" The lectures round it to about {figure / 1e6:g} million."
    if total == arch.published_total:
        return PublishedCheck(True, f"{format_count(total)} parameters: matches the published "
                                    f"count of {format_count(arch.published_total)}.{lecture}")
    diff = total - arch.published_total
    return PublishedCheck(False, f"{format_count(total)} parameters: differs from the published "
                                 f"count of {format_count(arch.published_total)} by "
                                 f"{diff:+,}: the stack is no longer the preset.{lecture}")

r"""Receptive fields: which cells of every layer one output cell depends on.

A stack of square windows (convolutions or pools) with kernel size ``k``,
stride ``s``, padding ``p`` and dilation ``d`` per layer. Output index ``i`` of
layer ``l`` reads the indices ``i·s − p + j·d`` (``j = 0 … k−1``) of layer
``l−1``, so a range ``[a, b]`` of layer ``l`` depends on

    ``[a·s − p,  b·s − p + d(k − 1)]``

of layer ``l−1``, clipped to the map (the rest is padding). Going back layer
by layer from one output cell gives the region at every level
(:func:`back_project`); its unclipped side at the input is the receptive field
``r = 1 + Σ_l d_l (k_l − 1) Π_{i<l} s_i`` (:func:`rf_formula`, computed by
:func:`cnnviz.core.layers.grow_receptive_field`, the formula's one home). The
back-projection is interval arithmetic, not the formula: its unclipped size
equals ``r`` (the tests check that). With dilation, or a stride larger than
the window, some cells inside the range are skipped; :func:`path_counts` says
exactly which cells contribute, and how many paths lead from each.

>>> layers = PRESETS["three_3x3"].layers
>>> [r.shape for r in back_project((16, 16), layers, (8, 8))]
[(7, 7), (5, 5), (3, 3), (1, 1)]
>>> rf_formula(layers)[1]
7
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from cnnviz.core._checks import as_int, check_mode, effective_size
from cnnviz.core.cells import is_blank, whole_cell
from cnnviz.core.conv import conv2d, output_size
from cnnviz.core.layers import conv_params, grow_receptive_field
from cnnviz.core.pool import pool2d

# The page shrinks big pictures before drawing every map; the one resampler lives in
# cnnviz.data.pixels and is re-exported here under the name the page uses.

__all__ = [
    "COLUMNS",
    "KINDS",
    "MAX_LAYERS",
    "PRESETS",
    "Preset",
    "RFLayer",
    "Region",
    "StackCost",
    "back_project",
    "centre_cell",
    "check_cell",
    "crop",
    "describe_level",
    "feature_maps",
    "map_shapes",
    "parse_layers",
    "path_counts",
    "preset_rows",
    "rf_formula",
    "three_3x3_vs_7x7",
]

KINDS = ("conv", "pool")
#: Editor columns: layer type, kernel size k, stride s, padding p, dilation d.
COLUMNS = ("type", "k", "s", "p", "d")
#: Most layers a stack may have here (each gets its own map on the page).
MAX_LAYERS = 6


@dataclass(frozen=True)
class RFLayer:
    """One window layer: a convolution or a max pool, ``k × k``.

    Only the geometry matters for the receptive field. A pool's padding is at
    most half its size (PyTorch's rule, as :func:`cnnviz.pool2d`).

    Examples
    --------
    >>> RFLayer("conv", 3, padding=2, dilation=2).label
    'conv 3×3, s=1, p=2, d=2'
    >>> RFLayer("pool", 2, padding=2)
    Traceback (most recent call last):
    ...
    ValueError: a pool's padding p must be at most half its size k = 2, got 2
    """

    kind: str = "conv"
    kernel_size: int = 3
    stride: int = 1
    padding: int = 0
    dilation: int = 1

    def __post_init__(self) -> None:
        check_mode(self.kind, "type", KINDS)
        object.__setattr__(self, "kernel_size", as_int(self.kernel_size, "k", minimum=1))
        object.__setattr__(self, "stride", as_int(self.stride, "s", minimum=1))
        object.__setattr__(self, "padding", as_int(self.padding, "p", minimum=0))
        object.__setattr__(self, "dilation", as_int(self.dilation, "d", minimum=1))
        if self.kind == "pool":
            if self.dilation != 1:
                raise ValueError(f"a pool has no dilation: d must be 1, got {self.dilation}")
            if 2 * self.padding > self.kernel_size:
                raise ValueError(f"a pool's padding p must be at most half its size "
                                 f"k = {self.kernel_size}, got {self.padding}")

    @property
    def span(self) -> int:
        """``d(k − 1) + 1``: input cells between the first and last tap, inclusive."""
        return effective_size(self.kernel_size, self.dilation)

    @property
    def label(self) -> str:
        """E.g. ``'conv 3×3, s=1, p=1'``; ``'max pool 2×2, s=2, p=0'``."""
        k = self.kernel_size
        name = "conv" if self.kind == "conv" else "max pool"
        text = f"{name} {k}×{k}, s={self.stride}, p={self.padding}"
        return text + (f", d={self.dilation}" if self.dilation != 1 else "")


class Preset(NamedTuple):
    """A named small stack."""

    title: str
    layers: tuple[RFLayer, ...]


def _conv(k: int, s: int = 1, d: int = 1) -> RFLayer:
    # "Same" padding for stride 1: the maps keep their size.
    return RFLayer("conv", k, s, d * (k - 1) // 2, d)


#: The page's preset stacks.
PRESETS: Mapping[str, Preset] = MappingProxyType({
    "three_3x3": Preset("Three 3×3 convolutions, stride 1", (_conv(3),) * 3),
    "conv_pool_conv": Preset("3×3 conv → 2×2 max pool, stride 2 → 3×3 conv",
                             (_conv(3), RFLayer("pool", 2, 2), _conv(3))),
    "one_7x7": Preset("One 7×7 convolution", (_conv(7),)),
    "dilated": Preset("Dilated 3×3 convolutions, d = 1, 2, 4",
                      (_conv(3, d=1), _conv(3, d=2), _conv(3, d=4))),
})


def preset_rows(name: str) -> list[dict[str, object]]:
    """A preset as editor rows.

    >>> preset_rows("conv_pool_conv")[1]
    {'type': 'pool', 'k': 2, 's': 2, 'p': 0, 'd': 1}
    """
    check_mode(name, "preset", tuple(PRESETS))
    return [{"type": lay.kind, "k": lay.kernel_size, "s": lay.stride, "p": lay.padding,
             "d": lay.dilation} for lay in PRESETS[name].layers]


def parse_layers(rows: Sequence[Mapping[str, object]]) -> list[RFLayer]:
    """Editor rows → layers. Empty ``s``, ``p``, ``d`` cells mean 1, 0, 1.

    Raises
    ------
    ValueError
        Naming the row (from 1): no type, an empty ``k``, a value out of
        range; or an empty stack, or more than :data:`MAX_LAYERS` rows.

    Examples
    --------
    >>> parse_layers([{"type": "conv", "k": 3}])
    [RFLayer(kind='conv', kernel_size=3, stride=1, padding=0, dilation=1)]
    >>> parse_layers([{"type": "conv", "k": 3}, {"type": "pool", "k": None}])
    Traceback (most recent call last):
    ...
    ValueError: row 2 (pool): the k cell is empty
    """
    if isinstance(rows, str) or not isinstance(rows, Sequence):
        raise ValueError(f"rows must be a list of table rows, got {type(rows).__name__}")
    if not rows:
        raise ValueError("the stack is empty: add at least one row")
    if len(rows) > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} layers here, got {len(rows)}: delete a row")
    layers = []
    for i, row in enumerate(rows, start=1):
        kind = row.get("type")
        try:
            if is_blank(kind):
                raise ValueError("no type: pick conv or pool, or delete the row")
            k = whole_cell(row.get("k"), "k")
            s = whole_cell(row.get("s"), "s", default=1)
            p = whole_cell(row.get("p"), "p", minimum=0, default=0)
            d = whole_cell(row.get("d"), "d", default=1)
            layers.append(RFLayer(str(kind), k, s, p, d))
        except ValueError as err:
            raise ValueError(f"row {i} ({'no type' if is_blank(kind) else kind}): {err}") from None
    return layers


def map_shapes(in_shape: tuple[int, int], layers: Sequence[RFLayer]) -> list[tuple[int, int]]:
    """``(n_H, n_W)`` of every map, the input first.

    Raises ``ValueError`` naming the layer when a window does not fit.

    >>> map_shapes((32, 32), PRESETS["conv_pool_conv"].layers)
    [(32, 32), (32, 32), (16, 16), (16, 16)]
    >>> map_shapes((4, 4), [_conv(7, d=1), RFLayer("conv", 3)])  # doctest: +ELLIPSIS
    [(4, 4), (4, 4), (2, 2)]
    >>> map_shapes((2, 2), [RFLayer("conv", 3)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: layer 1 (conv 3×3, s=1, p=0): output_size would be below 1: ...
    """
    shapes = [(as_int(in_shape[0], "n_H", minimum=1), as_int(in_shape[1], "n_W", minimum=1))]
    for i, lay in enumerate(layers, start=1):
        try:
            n_h, n_w = (output_size(n, lay.kernel_size, padding=lay.padding, stride=lay.stride,
                                    dilation=lay.dilation) for n in shapes[-1])
            shapes.append((n_h, n_w))
        except ValueError as err:
            raise ValueError(f"layer {i} ({lay.label}): {err}") from None
    return shapes


def centre_cell(shape: tuple[int, int]) -> tuple[int, int]:
    """The middle cell of a map (the lower one of two middles).

    >>> centre_cell((7, 8))
    (3, 4)
    """
    return int(shape[0]) // 2, int(shape[1]) // 2


def check_cell(shape: tuple[int, int], cell: tuple[int, int]) -> tuple[int, int]:
    """``cell`` as ints, or a ``ValueError`` saying which rows and columns exist.

    >>> check_cell((4, 4), (4, 0))
    Traceback (most recent call last):
    ...
    ValueError: row 4 is outside the last map: it has rows 0 to 3 (n_H = 4)
    """
    out = []
    for value, n, name, axis in zip(cell, shape, ("row", "col"), ("H", "W"), strict=True):
        v = as_int(value, name, minimum=0)
        if v >= n:
            raise ValueError(f"{name} {v} is outside the last map: it has {name}s 0 to {n - 1} "
                             f"(n_{axis} = {n})")
        out.append(v)
    return out[0], out[1]


@dataclass(frozen=True)
class Region:
    """The cells of one map that an output cell depends on.

    ``rows``/``cols`` are inclusive ``(first, last)`` index ranges clipped to
    the map (``first > last`` when only padding is read); ``raw_rows``/
    ``raw_cols`` are the same ranges without clipping, padding included.
    """

    rows: tuple[int, int]
    cols: tuple[int, int]
    raw_rows: tuple[int, int]
    raw_cols: tuple[int, int]

    @property
    def empty(self) -> bool:
        """True when the cell reads padding only at this level."""
        return self.rows[0] > self.rows[1] or self.cols[0] > self.cols[1]

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) in cells of the map; (0, 0) when empty."""
        if self.empty:
            return 0, 0
        return self.rows[1] - self.rows[0] + 1, self.cols[1] - self.cols[0] + 1

    @property
    def raw_shape(self) -> tuple[int, int]:
        """(height, width) padding included: the receptive field at the input."""
        return self.raw_rows[1] - self.raw_rows[0] + 1, self.raw_cols[1] - self.raw_cols[0] + 1

    @property
    def rect(self) -> tuple[int, int, int, int]:
        """``(top, left, height, width)`` for :func:`cnnviz.plots.figures.grid_figure`."""
        return (self.rows[0], self.cols[0], *self.shape)


def _back(lo: int, hi: int, lay: RFLayer) -> tuple[int, int]:
    return lo * lay.stride - lay.padding, hi * lay.stride - lay.padding + lay.span - 1


def back_project(
    in_shape: tuple[int, int], layers: Sequence[RFLayer], cell: tuple[int, int]
) -> list[Region]:
    """The region of every map (input first, the cell itself last) that ``cell`` depends on.

    Interval back-propagation: ``[a, b]`` at layer ``l`` comes from
    ``[a·s − p, b·s − p + d(k − 1)]`` at layer ``l − 1``, clipped to the map.

    Examples
    --------
    >>> regions = back_project((8, 8), PRESETS["three_3x3"].layers, (0, 7))
    >>> regions[0].rows, regions[0].cols, regions[0].raw_shape
    ((0, 3), (4, 7), (7, 7))
    """
    shapes = map_shapes(in_shape, layers)
    r, c = check_cell(shapes[-1], cell)
    ranges = [((r, r), (c, c), (r, r), (c, c))]
    for lay, (n_h, n_w) in zip(reversed(layers), reversed(shapes[:-1]), strict=True):
        rows, cols, raw_r, raw_c = ranges[-1]
        clipped = []
        for (lo, hi), n in ((rows, n_h), (cols, n_w)):
            if lo > hi:
                clipped.append((lo, hi))  # stays empty
                continue
            a, b = _back(lo, hi, lay)
            clipped.append((max(a, 0), min(b, n - 1)))
        ranges.append((clipped[0], clipped[1], _back(*raw_r, lay), _back(*raw_c, lay)))
    return [Region(*item) for item in reversed(ranges)]


def _counts_1d(n_prev: int, counts: np.ndarray, lay: RFLayer) -> np.ndarray:
    padded = np.zeros(n_prev + 2 * lay.padding, dtype=np.int64)
    n_out, s = counts.shape[0], lay.stride
    for j in range(lay.kernel_size):
        start = j * lay.dilation
        padded[start:start + (n_out - 1) * s + 1:s] += counts
    return padded[lay.padding:lay.padding + n_prev]


def path_counts(
    in_shape: tuple[int, int], layers: Sequence[RFLayer], cell: tuple[int, int]
) -> list[np.ndarray]:
    """How many paths lead from each cell of every map to ``cell`` (input first).

    A path picks one tap of each layer's window; a cell with 0 paths does not
    contribute. Windows are separable, so each map is the outer product of a
    row count and a column count.

    Examples
    --------
    >>> counts = path_counts((7, 7), PRESETS["three_3x3"].layers, (3, 3))
    >>> counts[0][0].tolist()  # row 0 has one path down, so: column counts
    [1, 3, 6, 7, 6, 3, 1]
    >>> path_counts((5, 5), [RFLayer("conv", 3, dilation=2)], (0, 0))[0][0].tolist()
    [1, 0, 1, 0, 1]
    """
    shapes = map_shapes(in_shape, layers)
    r, c = check_cell(shapes[-1], cell)
    rows = np.zeros(shapes[-1][0], dtype=np.int64)
    cols = np.zeros(shapes[-1][1], dtype=np.int64)
    rows[r] = cols[c] = 1
    maps = [np.outer(rows, cols)]
    for lay, (n_h, n_w) in zip(reversed(layers), reversed(shapes[:-1]), strict=True):
        rows, cols = _counts_1d(n_h, rows, lay), _counts_1d(n_w, cols, lay)
        maps.append(np.outer(rows, cols))
    return maps[::-1]


def crop(values: np.ndarray, region: Region) -> np.ndarray:
    """The part of a map inside ``region`` (empty when the region is).

    >>> crop(np.arange(16).reshape(4, 4), Region((1, 2), (0, 1), (1, 2), (0, 1))).tolist()
    [[4, 5], [8, 9]]
    """
    (top, bottom), (left, right) = region.rows, region.cols
    return np.asarray(values)[top:bottom + 1, left:right + 1]


def feature_maps(image: np.ndarray, layers: Sequence[RFLayer]) -> list[np.ndarray]:
    """Every map of the stack on ``image`` (input first), for display.

    A colour image is averaged to grey first. Each convolution averages its
    window (all weights ``1/k²``, zero padding), each pool takes the max: the
    weights change the values, never which cells are read.

    >>> [m.shape for m in feature_maps(np.ones((8, 8, 3)), PRESETS["conv_pool_conv"].layers)]
    [(8, 8), (8, 8), (4, 4), (4, 4)]
    """
    arr = np.asarray(image, dtype=np.float64)
    x = arr.mean(axis=2) if arr.ndim == 3 else arr
    map_shapes(x.shape, layers)  # names the layer that does not fit
    maps = [x]
    for lay in layers:
        k = lay.kernel_size
        if lay.kind == "conv":
            x = conv2d(x, np.full((k, k), 1.0 / (k * k)), stride=lay.stride,
                       padding=lay.padding, dilation=lay.dilation)
        else:
            x = pool2d(x, k, stride=lay.stride, padding=lay.padding, mode="max")
        maps.append(x)
    return maps


def rf_formula(layers: Sequence[RFLayer]) -> tuple[str, int]:
    r"""``r = 1 + Σ_l d_l (k_l − 1) Π_{i<l} s_i`` filled in, and its value.

    Each term is ``d_l·(k_l − 1)·J_l`` with ``J_l = Π_{i<l} s_i`` (the product
    of the strides before layer ``l``, 1 for the first layer), written out as
    a number. Terms and value come from the one implementation of the
    formula, :func:`cnnviz.core.layers.grow_receptive_field`.

    >>> latex, r = rf_formula(PRESETS["conv_pool_conv"].layers)
    >>> r
    8
    >>> print(latex)
    r = 1 + 1\cdot(3-1)\cdot 1 + 1\cdot(2-1)\cdot 1 + 1\cdot(3-1)\cdot 2 = 8
    """
    terms, r, jump = [], 1, 1
    for lay in layers:
        terms.append(rf"{lay.dilation}\cdot({lay.kernel_size}-1)\cdot {jump}")
        r, jump = grow_receptive_field(r, jump, lay.kernel_size, lay.stride, lay.dilation)
    return f"r = {' + '.join(['1', *terms])} = {r}", r


def describe_level(level: int, region: Region, counts: np.ndarray, shape: tuple[int, int],
                   is_output: bool = False) -> str:
    """One sentence on what the output cell depends on at this level.

    >>> layers = PRESETS["dilated"].layers[1:2]
    >>> regions = back_project((9, 9), layers, (4, 4))
    >>> counts = path_counts((9, 9), layers, (4, 4))
    >>> print(describe_level(0, regions[0], counts[0], (9, 9)))  # doctest: +ELLIPSIS
    Rows 2–6, columns 2–6: 5 × 5 cells of the 9 × 9 map. Only 9 of them contribute...
    """
    if is_output:
        return (f"The chosen output cell: row {region.rows[0]}, column {region.cols[0]} of the "
                f"{shape[0]} × {shape[1]} map.")
    if region.empty:
        return "Only padding: the output cell reads no cell of this map."
    (top, bottom), (left, right) = region.rows, region.cols
    h, w = region.shape
    text = (f"Rows {top}–{bottom}, columns {left}–{right}: {h} × {w} cells of the "
            f"{shape[0]} × {shape[1]} map.")
    used = int(np.count_nonzero(counts))
    if used < h * w:
        text += (f" Only {used} of them contribute: the others fall between dilated taps or "
                 "between windows that the stride keeps apart.")
    rh, rw = region.raw_shape
    if (rh, rw) != (h, w):
        text += (f" Unclipped, the field is {rh} × {rw}: the rest lies on padding (zeros) "
                 "outside the map.")
    return text


class StackCost(NamedTuple):
    """A stack's receptive field, parameters (with the formula) and ReLU count."""

    title: str
    layers: tuple[RFLayer, ...]
    receptive_field: int
    params: int
    formula: str
    relus: int

    @property
    def params_text(self) -> str:
        """The parameter count with thousands separators."""
        return f"{self.params:,}"

    @property
    def relu_text(self) -> str:
        """What the ReLU count means (Markdown)."""
        if self.relus == 1:
            return "**1 ReLU**: a single non-linearity between input and output."
        return (f"**{self.relus} ReLUs**: {self.relus} non-linearities between input and output, "
                "so the same view can compute more complex functions.")


def three_3x3_vs_7x7(channels: int = 1) -> tuple[StackCost, StackCost]:
    r"""The lectures' argument: three 3×3 convolutions against one 7×7.

    ``channels`` filters in and out of every layer (the lectures use 1), biases
    included: ``3·(3·3·C + 1)·C`` against ``(7·7·C + 1)·C``.

    >>> three, one = three_3x3_vs_7x7()
    >>> (three.receptive_field, three.params, three.relus), (one.receptive_field, one.params)
    ((7, 30, 3), (7, 50))
    >>> print(three.formula)
    3\cdot(3\cdot 3\cdot 1 + 1)\cdot 1 = 30
    """
    c = as_int(channels, "channels", minimum=1)
    small, big = PRESETS["three_3x3"].layers, PRESETS["one_7x7"].layers
    three = 3 * conv_params(3, c, c)
    one = conv_params(7, c, c)
    return (
        StackCost("Three 3×3 convolutions", small, rf_formula(small)[1], three,
                  rf"3\cdot(3\cdot 3\cdot {c} + 1)\cdot {c} = {three}", len(small)),
        StackCost("One 7×7 convolution", big, rf_formula(big)[1], one,
                  rf"(7\cdot 7\cdot {c} + 1)\cdot {c} = {one}", len(big)),
    )

"""Everything the "convolution as a matrix" page shows, computed in one place.

:func:`small_input` shrinks the shared image to a few pixels per side (a
matrix with one column per pixel is only readable for tiny inputs);
:func:`matrix_view` then computes the feature map three ways — the weight
matrix W times the unrolled input x, the im2col matrix times the unrolled
kernel, and the sliding window of :func:`cnnviz.conv2d` — and checks that
they agree; :meth:`MatrixView.cell` says which row of both matrices, which
window and which pixels belong to one output cell.

>>> mv = matrix_view(np.arange(9.0).reshape(3, 3), [[1, 2], [3, 4]])
>>> mv.by_matrix, mv.max_difference
(array([27., 37., 57., 67.]), 0.0)
>>> mv.cell(1, 0).index
2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # only an annotation here; cnnviz.core.matrix imports scipy.sparse when used
    from scipy import sparse

from cnnviz.core._checks import as_float_array, as_int, check_finite, check_no_overflow
from cnnviz.core.conv import ConvGeometry, ConvSettings, conv2d, pad_image, settings_from
from cnnviz.core.matrix import (
    ConvMatrixFacts,
    ParamComparison,
    conv_matrix,
    dense_equivalent_params,
    describe_conv_matrix,
    im2col,
    window_coords,
)
from cnnviz.core.text import format_number, product_terms, sum_equation
from cnnviz.data.pixels import downscale

__all__ = [
    "MAX_KERNEL_SIDE",
    "MAX_SIDE",
    "CellView",
    "MatrixView",
    "SmallInput",
    "fact_lines",
    "grey",
    "matrix_view",
    "param_lines",
    "small_input",
]

# W has n_out · H·W entries, about side⁴: 16 gives at most 256 × 256, still
# drawable cell by cell; 12 × 12 "same" (144 × 144) is the largest that stays legible.
MAX_SIDE = 16
MAX_KERNEL_SIDE = 5


def grey(image: object) -> np.ndarray:
    """A grey (H, W) float64 copy: the mean of the channels of a (H, W, C) image.

    >>> grey(np.dstack([np.zeros((1, 2)), np.ones((1, 2)), np.full((1, 2), 2.0)]))
    array([[1., 1.]])
    """
    arr = as_float_array(image, "image")
    if arr.ndim == 3:
        arr = arr.mean(axis=2)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"image must be a non-empty (H, W) or (H, W, C) array, got {arr.shape}")
    check_finite(arr, "image")
    return np.array(arr, dtype=np.float64)


@dataclass(frozen=True)
class SmallInput:
    """The input the matrices are built for, and how it was made.

    Attributes
    ----------
    values : (H, W) float64, at most ``side`` per side.
    original_shape : shape of the image it comes from.
    note : one sentence saying what was done (grey, shrunk, rounded), or "".
    """

    values: np.ndarray
    original_shape: tuple[int, ...]
    note: str


def small_input(image: object, side: int) -> SmallInput:
    """Shrink an image so that its longest side is at most ``side`` pixels.

    Colour images become grey (mean of the channels; W acts on one channel).
    An image already small enough (a lecture matrix) is kept exactly as it
    is. A larger one keeps its aspect ratio, is averaged down (box filter,
    :func:`cnnviz.data.pixels.downscale`) and rounded to 2 decimals, so that
    the numbers on the page are the exact numbers the matrices multiply.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
    side : int
        Longest side wanted, 1 .. :data:`MAX_SIDE`.

    Raises
    ------
    ValueError
        If ``side`` is out of range (naming the limit and why) or the image
        is not a finite, non-empty 2-D or 3-D array.

    Examples
    --------
    >>> small_input(np.eye(4), 4).values.shape
    (4, 4)
    >>> small_input(np.ones((40, 20)), 6).values.shape
    (6, 3)
    >>> small_input(np.ones((3, 3)), 20)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: side must be at most 16 pixels, got 20: ...
    """
    n = as_int(side, "side", minimum=1)
    if n > MAX_SIDE:
        raise ValueError(
            f"side must be at most {MAX_SIDE} pixels, got {n}: W has one row per output cell "
            f"and one column per pixel, so a {n}×{n} input already gives a matrix of about "
            f"{n * n} × {n * n} = {n ** 4:,} entries (it grows like the side to the fourth)"
        )
    arr = as_float_array(image, "image")
    g = grey(arr)
    h, w = g.shape
    notes = ["grey: the mean of the channels"] if arr.ndim == 3 else []
    if max(h, w) > n:
        g = np.round(downscale(g, n), 2)
        notes.append(f"shrunk from {h}×{w} to {g.shape[0]}×{g.shape[1]} pixels by averaging, "
                     "values rounded to 2 decimals")
    note = ("Input: " + "; ".join(notes) + ".") if notes else ""
    return SmallInput(g, tuple(arr.shape), note)


@dataclass(frozen=True)
class CellView:
    """One output cell: its row in W and im2col, its window, its sum.

    Attributes
    ----------
    row, col : the cell (r, c) of the feature map.
    index : i = r · n_W' + c, its row in W and in im2col.
    note : why the cell asked for was moved into range, or "".
    window : (top, left, height, width) of the window on the padded input.
    taps : padded (row, col) of every tap, in ``kernel.ravel()`` order.
    pixels : columns of W (pixel numbers j = R · W + Q) the row reads.
    value : the output value.
    sum_text : the row times x written out, e.g. "1·0.5 + 2·0 + 0.1 = 0.6".
    """

    row: int
    col: int
    index: int
    note: str
    window: tuple[int, int, int, int]
    taps: list[tuple[int, int]]
    pixels: list[int]
    value: float
    sum_text: str


@dataclass(frozen=True)
class MatrixView:
    """A convolution of a small grey input, as a matrix product three ways.

    Attributes
    ----------
    x : the (H, W) input a^[l-1].
    kernel : the kernel as given; ``taps`` is what the windows multiply (the
        kernel turned by 180° for true convolution, ``flip=True``).
    bias : b, added to every output.
    geometry : where the windows sit.
    padded : x with the padding, as the windows see it.
    cols : im2col matrix, (n_out, f_H·f_W): one row per window.
    weights : W as a dense (n_out, H·W) array; ``weights_sparse`` as stored.
    output : the feature map of :func:`cnnviz.conv2d`, (n_H', n_W').
    by_matrix, by_im2col, by_sliding : W @ x + b, im2col @ k + b and the
        sliding window, each flattened row-major (n_out,).
    max_difference : the largest |difference| between any two of them.
    facts : :func:`cnnviz.core.matrix.describe_conv_matrix` of W.
    params : :func:`cnnviz.core.matrix.dense_equivalent_params` for this layer.
    windows : :func:`cnnviz.core.matrix.window_coords`, (n_out, f_H·f_W, 2).
    """

    x: np.ndarray
    kernel: np.ndarray
    taps: np.ndarray
    bias: float
    geometry: ConvGeometry
    padded: np.ndarray
    cols: np.ndarray
    weights: np.ndarray
    weights_sparse: sparse.csr_array
    output: np.ndarray
    by_matrix: np.ndarray
    by_im2col: np.ndarray
    by_sliding: np.ndarray
    max_difference: float
    facts: ConvMatrixFacts
    params: ParamComparison
    windows: np.ndarray

    @property
    def out_names(self) -> list[str]:
        """Hover label of each row of W and im2col: its output cell."""
        ow = self.geometry.out_shape[1]
        return [f"output cell ({i // ow}, {i % ow})" for i in range(self.geometry.n_steps)]

    @property
    def pixel_names(self) -> list[str]:
        """Hover label of each column of W: the pixel j = R · W + Q it multiplies."""
        w = self.x.shape[1]
        return [f"pixel ({j // w}, {j % w})" for j in range(self.x.size)]

    @property
    def tap_ticks(self) -> list[str]:
        """Label of each column of im2col: the tap (i, j) of the kernel it multiplies.

        >>> matrix_view(np.ones((3, 3)), np.ones((2, 2))).tap_ticks
        ['(0,0)', '(0,1)', '(1,0)', '(1,1)']
        """
        fw = self.taps.shape[1]
        return [f"({t // fw},{t % fw})" for t in range(self.taps.size)]

    @property
    def identical(self) -> bool:
        """The three results agree up to float rounding (relative 1e-9)."""
        scale = max(1.0, float(np.abs(self.by_sliding).max()))
        return self.max_difference <= 1e-9 * scale

    def output_cell(self, index: int) -> tuple[int, int] | None:
        """The output cell (r, c) whose row ``index`` is in W and im2col; None past the last row
        (a click under the matrix, on the vector's strip).

        >>> mv = matrix_view(np.ones((4, 4)), np.ones((3, 3)))
        >>> mv.output_cell(3), mv.output_cell(4)
        ((1, 1), None)
        """
        ow = self.geometry.out_shape[1]
        return divmod(int(index), ow) if 0 <= index < self.geometry.n_steps else None

    def cell(self, row: int, col: int) -> CellView:
        """The output cell (row, col), moved into the feature map if outside it.

        A cell outside the map is not an error worth stopping the page for:
        the nearest cell is shown and ``note`` says so.

        >>> mv = matrix_view(np.ones((4, 4)), np.ones((3, 3)))
        >>> c = mv.cell(5, 1)
        >>> (c.row, c.col, c.index), c.note
        ((1, 1, 3), 'Row 5 is outside the 2 × 2 output (rows 0 … 1): showing row 1.')
        >>> c.window, c.value
        ((1, 1, 3, 3), 9.0)
        """
        oh, ow = self.geometry.out_shape
        r, c = as_int(row, "row", minimum=0), as_int(col, "col", minimum=0)
        notes = []
        if r >= oh:
            notes.append(f"Row {r} is outside the {oh} × {ow} output (rows 0 … {oh - 1}): "
                         f"showing row {oh - 1}.")
            r = oh - 1
        if c >= ow:
            notes.append(f"Column {c} is outside the {oh} × {ow} output (columns 0 … {ow - 1}): "
                         f"showing column {ow - 1}.")
            c = ow - 1
        i = r * ow + c
        taps = [(int(a), int(b)) for a, b in self.windows[i]]
        rows, cols = zip(*taps, strict=True)
        window = (min(rows), min(cols), max(rows) - min(rows) + 1, max(cols) - min(cols) + 1)
        start, stop = self.weights_sparse.indptr[i], self.weights_sparse.indptr[i + 1]
        pixels = sorted(int(j) for j in self.weights_sparse.indices[start:stop])
        terms = product_terms([format_number(self.weights[i, j]) for j in pixels],
                              [format_number(self.x.flat[j]) for j in pixels])
        value = float(self.by_matrix[i])
        sum_text = sum_equation(terms, format_number(value),
                                bias=format_number(self.bias) if self.bias else None)
        return CellView(r, c, i, " ".join(notes), window, taps, pixels, value, sum_text)


def matrix_view(
    x: object,
    kernel: object,
    bias: float = 0.0,
    *,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    pad_mode: str = "zeros",
    flip: bool = False,
    settings: ConvSettings | None = None,
) -> MatrixView:
    """Compute one convolution as W @ x, as im2col @ k and by sliding, and compare.

    Parameters
    ----------
    x : array_like, (H, W)
        A small grey input, at most :data:`MAX_SIDE` per side (see
        :func:`small_input`).
    kernel : array_like, (f_H, f_W)
        At most :data:`MAX_KERNEL_SIDE` per side.
    bias : float
        Added after the product.
    stride, padding, dilation, pad_mode, flip : keyword-only
        As in :func:`cnnviz.conv2d`.
    settings : ConvSettings, keyword-only
        The bias and all of the above at once (:class:`cnnviz.core.conv.ConvSettings`),
        instead of the separate arguments; its activation is not used here.

    Raises
    ------
    ValueError
        For an input or kernel too large to draw, non-finite values, and every
        error of :func:`cnnviz.core.matrix.conv_matrix` (bad geometry, pad mode).

    Examples
    --------
    >>> mv = matrix_view(np.arange(16.0).reshape(4, 4), [[0, 1], [-1, 0]], 1.0,
    ...                  stride=2, flip=True)
    >>> mv.output
    array([[4., 4.],
           [4., 4.]])
    >>> mv.cols.shape, mv.weights.shape, mv.identical
    ((4, 4), (4, 16), True)
    >>> matrix_view(np.ones((4, 4)), np.ones((2, 2)), settings=ConvSettings(stride=2)).output
    array([[4., 4.],
           [4., 4.]])
    """
    img = as_float_array(x, "x")
    if img.ndim != 2 or 0 in img.shape:
        raise ValueError(f"x must be a non-empty grey (H, W) array, got shape {img.shape}")
    if max(img.shape) > MAX_SIDE:
        raise ValueError(f"x must be at most {MAX_SIDE}×{MAX_SIDE} to draw its matrices, "
                         f"got {img.shape[0]}×{img.shape[1]}")
    check_finite(img, "x")
    ker = as_float_array(kernel, "kernel")
    if ker.ndim != 2 or 0 in ker.shape:
        raise ValueError(f"kernel must be a non-empty 2-D array, got shape {ker.shape}")
    if max(ker.shape) > MAX_KERNEL_SIDE:
        raise ValueError(f"kernel must be at most {MAX_KERNEL_SIDE}×{MAX_KERNEL_SIDE} on this "
                         f"page, got {ker.shape[0]}×{ker.shape[1]}")
    cfg = settings_from(settings, stride=stride, padding=padding, dilation=dilation,
                        pad_mode=pad_mode, flip=flip, bias=bias)
    b = cfg.bias
    w_sparse = conv_matrix(ker, img.shape, **cfg.conv_kwargs)
    geom = cfg.geometry(img.shape, ker.shape)
    # The windows' own padding, resolved ("same" with flip puts the odd cell
    # top/left): im2col and the rest must not resolve it again without flip.
    geo = {"stride": cfg.stride, "padding": geom.padding, "dilation": cfg.dilation}
    taps = np.ascontiguousarray(ker[::-1, ::-1]) if cfg.flip else ker.astype(np.float64)
    cols = im2col(img, ker.shape, pad_mode=cfg.pad_mode, **geo)
    output = conv2d(img, ker, b, **cfg.conv_kwargs)
    by_matrix = w_sparse @ img.ravel() + b
    by_im2col = cols @ taps.ravel() + b
    by_sliding = output.ravel()
    # Summed in other orders than conv2d's, W x and im2col · k can still pass 1.8e308.
    for name, result in (("W x + b", by_matrix), ("im2col · k + b", by_im2col)):
        check_no_overflow(result, name, {"kernel": ker, "x": img, "bias": b})
    diff = max(float(np.abs(by_matrix - by_im2col).max()),
               float(np.abs(by_matrix - by_sliding).max()),
               float(np.abs(by_im2col - by_sliding).max()))
    params = dense_equivalent_params(img.shape, ker.shape, **geo)
    return MatrixView(
        x=img, kernel=ker, taps=taps, bias=b, geometry=geom,
        padded=pad_image(img, geom.padding, cfg.pad_mode), cols=cols,
        weights=w_sparse.toarray(), weights_sparse=w_sparse, output=output,
        by_matrix=by_matrix, by_im2col=by_im2col, by_sliding=by_sliding, max_difference=diff,
        facts=describe_conv_matrix(w_sparse, img.shape, geom.out_shape), params=params,
        windows=window_coords(img.shape, ker.shape, **geo),
    )


def fact_lines(facts: ConvMatrixFacts) -> list[str]:
    """The facts of a conv matrix as sentences, in the lectures' words.

    ``facts`` is :func:`cnnviz.core.matrix.describe_conv_matrix` of W.

    Examples
    --------
    >>> from cnnviz.core.matrix import conv_matrix, describe_conv_matrix
    >>> W = conv_matrix(np.arange(9.0).reshape(3, 3), (4, 4))
    >>> lines = fact_lines(describe_conv_matrix(W, (4, 4), (2, 2)))
    >>> lines[0]
    'W is 4 × 16: one row per output cell (2×2), one column per input pixel (4×4).'
    >>> lines[-1].startswith("Doubly block Toeplitz")
    True
    """
    (n_out, n_in), (oh, ow), (h, w) = facts.shape, facts.out_shape, facts.input_shape
    total = n_out * n_in
    if facts.doubly_block_toeplitz:
        kind = ("Doubly block Toeplitz: each block diagonal repeats one block, and each "
                "block is constant along its diagonals.")
    elif facts.block_toeplitz:
        kind = ("Block Toeplitz (blocks repeat along block diagonals), but the blocks are "
                "not Toeplitz: a stride, or padding that copies pixels, breaks the bands.")
    elif facts.toeplitz_blocks:
        kind = ("Toeplitz blocks, but not block Toeplitz: a stride, or padding that copies "
                "pixels, breaks the repetition between block rows.")
    else:
        kind = ("Not Toeplitz: a stride, or padding that copies pixels, breaks the bands; "
                "it is still one kernel repeated.")
    return [
        f"W is {n_out} × {n_in}: one row per output cell ({oh}×{ow}), one column per "
        f"input pixel ({h}×{w}).",
        f"{facts.nnz} of {total} entries are stored ({100 * facts.density:.1f} %), "
        f"{facts.nonzero} of them non-zero; a dense layer would learn all {total}.",
        f"As a {oh} × {h} grid of {ow} × {w} blocks: {facts.nonzero_blocks} non-zero, "
        f"{facts.distinct_blocks} distinct, on {facts.block_diagonals} block diagonals.",
        kind,
    ]


def param_lines(params: ParamComparison) -> list[str]:
    """The dense-versus-convolution count in the lectures' words.

    >>> p = dense_equivalent_params((4, 4), (3, 3))
    >>> param_lines(p)[0][-50:]
    'W: 16 · 4 = 64 weights + 4 biases = 68 parameters.'
    >>> param_lines(p)[1][-50:]
    'ameters, shared by all 4 windows: 6.8 times fewer.'
    """
    n_in, n_out = params.n_in, params.n_out
    bias_d = f" + {n_out} biases" if params.bias else ""
    bias_c = f" + {params.filters} bias" if params.bias else ""
    return [
        f"A fully connected layer from the {n_in} inputs to the {n_out} outputs learns every "
        f"entry of W: {n_in} · {n_out} = {params.dense_weights} weights{bias_d} = "
        f"{params.dense_params} parameters.",
        f"The convolution learns f · f = {params.conv_weights} weights{bias_c} = "
        f"{params.conv_params} parameters, shared by all {n_out} windows: "
        f"{format_number(params.ratio, 1)} times fewer.",
        "So a fully connected layer is the general case and a convolution a special one: "
        "the white (zero) entries of W are weights the convolution does not have (each output "
        "sees only its window), and the repeated values are weight sharing (every window uses "
        "the same kernel).",
    ]

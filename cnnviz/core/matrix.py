"""Convolution as a matrix product, for inputs small enough to look at.

The lectures say a convolution "can be written as a matrix multiplication" and
that "a fully connected layer is a generalisation of a convolution". This
module builds both views from the same geometry :func:`cnnviz.core.conv.conv2d`
uses, so they can never disagree with the feature map:

* :func:`im2col` unrolls every window into one row: ``im2col(x, k.shape) @
  k.ravel()`` is the feature map, flattened row-major.
* :func:`conv_matrix` unrolls the *kernel* instead: a sparse matrix ``W`` with
  one row per output cell and one column per input pixel, so that
  ``W @ x.ravel()`` is the feature map. A dense layer of the same in/out size
  would learn every entry of ``W``; the convolution learns only f·f of them
  and repeats them along the bands (weight sharing).

>>> x = np.arange(9.0).reshape(3, 3)
>>> k = np.array([[1.0, 2.0], [3.0, 4.0]])
>>> im2col(x, k.shape) @ k.ravel()
array([27., 37., 57., 67.])
>>> conv_matrix(k, x.shape) @ x.ravel()
array([27., 37., 57., 67.])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy.sparse (~0.1 s to import) loads when a matrix is first built
    from scipy import sparse

from cnnviz.core._checks import PAD_MODES, Pair, as_float_array, as_int, check_finite, check_mode
from cnnviz.core.conv import ConvGeometry, pad_image, plan_conv, unroll_windows

__all__ = [
    "MAX_MATRIX_PIXELS",
    "ConvMatrixFacts",
    "ParamComparison",
    "conv_matrix",
    "dense_equivalent_params",
    "describe_conv_matrix",
    "im2col",
    "window_coords",
]

# 64×64 pixels. The matrix has n_out·H·W entries, about (H·W)² with "same"
# padding: 16.8 million at this limit, already more than a page can draw, and
# the growth is n⁴ in the side length.
MAX_MATRIX_PIXELS = 4096


def _shape_of(value: object, name: str, lengths: Sequence[int]) -> tuple[int, ...]:
    """A shape tuple of positive ints whose length is one of ``lengths``."""
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
        raise ValueError(f"{name} must be a tuple of {' or '.join(map(str, lengths))} ints, "
                         f"got {value!r}")
    items = tuple(value)
    if len(items) not in lengths:
        raise ValueError(f"{name} must have {' or '.join(map(str, lengths))} entries, "
                         f"got {value!r}")
    try:
        return tuple(as_int(v, name, minimum=1) for v in items)
    except ValueError as err:
        raise ValueError(f"{err} (in {name}={value!r})") from None


def _kernel_hw(kernel_shape: object, channels: int) -> Pair:
    """(f_H, f_W) of ``kernel_shape``, checking its depth against the image."""
    ks = _shape_of(kernel_shape, "kernel_shape", (2, 3, 4))
    if len(ks) >= 3 and ks[2] != channels:
        raise ValueError(
            f"kernel_shape has {ks[2]} channels but the image has {channels}, "
            f"got kernel_shape={ks}"
        )
    return ks[0], ks[1]


def im2col(
    image: object,
    kernel_shape: Sequence[int],
    *,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    pad_mode: str = "zeros",
) -> np.ndarray:
    """Unroll every window of a convolution into one row of a matrix.

    Row ``r * n_W' + c`` holds the padded input values under the taps of the
    window that fills output cell (r, c), in the order of ``kernel.ravel()``:
    tap row i, then tap column j, then channel. So a convolution is one
    matrix-vector product: ``im2col(x, k.shape, ...) @ k.ravel() ==
    conv2d(x, k, ...).ravel()``, and a bank of F filters is one matrix product
    with ``k.reshape(-1, F)``. For true convolution (``flip=True``), multiply
    by the turned kernel ``k[::-1, ::-1].ravel()``.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
        The input volume a^[l-1], channels last.
    kernel_shape : tuple of int
        (f_H, f_W); (f_H, f_W, C) or (f_H, f_W, C, F) are accepted too, and
        their C must equal the image's.
    stride, padding, dilation, pad_mode : keyword-only
        As in :func:`cnnviz.conv2d`.

    Returns
    -------
    numpy.ndarray
        (n_out, f_H·f_W) for a 2-D image, (n_out, f_H·f_W·C) for (H, W, C),
        with n_out = n_H'·n_W'. Float32 images stay float32, others float64.

    Raises
    ------
    ValueError
        For a bad image or kernel_shape, and for every geometry error
        :func:`cnnviz.core.conv.plan_conv` reports (stride, padding, dilation,
        kernel larger than the padded input), or an unknown pad_mode.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> im2col(x, (2, 2))
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    >>> im2col(x, (2, 2), stride=2, padding=1).shape
    (4, 4)
    """
    img = as_float_array(image, "image")
    if img.ndim not in (2, 3):
        raise ValueError(f"image must be 2-D (H, W) or 3-D (H, W, C), got shape {img.shape}")
    if 0 in img.shape:
        raise ValueError(f"image must not be empty, got shape {img.shape}")
    img3 = img[:, :, None] if img.ndim == 2 else img
    hw = _kernel_hw(kernel_shape, img3.shape[2])
    check_mode(pad_mode, "pad_mode", tuple(PAD_MODES))
    geom = plan_conv(img.shape[:2], hw, stride=stride, padding=padding, dilation=dilation)
    return unroll_windows(pad_image(img3, geom.padding, pad_mode), geom)


def window_coords(
    input_shape: Sequence[int],
    kernel_shape: Sequence[int],
    *,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
) -> np.ndarray:
    """Padded (row, col) of every tap of every window, one window per im2col row.

    The page uses it to highlight, on the padded image, the window that one
    row of :func:`im2col` (or of :func:`conv_matrix`) reads. Subtract the
    top and left padding (``plan_conv(...).padding``) for input coordinates;
    taps that land outside the input fall on padding.

    Parameters
    ----------
    input_shape : tuple of int
        (H, W) or (H, W, C); the channels do not move the window.
    kernel_shape : tuple of int
        (f_H, f_W), or longer with the channels after.
    stride, padding, dilation : keyword-only
        As in :func:`cnnviz.conv2d`.

    Returns
    -------
    numpy.ndarray of int, (n_out, f_H·f_W, 2)
        ``[r, t] = (row, col)`` of tap t (in ``kernel.ravel()`` order over
        (i, j)) of the window of im2col row r. For a colour image, im2col
        column ``t * C + c`` reads channel c at that place.

    Examples
    --------
    >>> window_coords((3, 3), (2, 2), padding=1)[0].tolist()
    [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> window_coords((5, 5), (2, 2), stride=2, dilation=2)[-1].tolist()
    [[2, 2], [2, 4], [4, 2], [4, 4]]
    """
    shape = _shape_of(input_shape, "input_shape", (2, 3))
    fh, fw = _shape_of(kernel_shape, "kernel_shape", (2, 3, 4))[:2]
    geom = plan_conv((shape[0], shape[1]), (fh, fw), stride=stride, padding=padding,
                     dilation=dilation)
    (oh, ow), (sh, sw), (dh, dw) = geom.out_shape, geom.stride, geom.dilation
    rows = np.arange(oh)[:, None, None, None] * sh + np.arange(fh)[None, None, :, None] * dh
    cols = np.arange(ow)[None, :, None, None] * sw + np.arange(fw)[None, None, None, :] * dw
    rows, cols = np.broadcast_arrays(rows, cols)
    return np.stack([rows, cols], axis=-1).reshape(oh * ow, fh * fw, 2)


def _grey_input_shape(input_shape: object) -> Pair:
    shape = _shape_of(input_shape, "input_shape", (2,))
    h, w = shape
    if h * w > MAX_MATRIX_PIXELS:
        raise ValueError(
            f"input_shape must have at most {MAX_MATRIX_PIXELS} pixels (H·W) for a conv "
            f"matrix, got {tuple(shape)} = {h * w} pixels: the matrix has one row per output "
            "cell and one column per pixel, so it grows like the side length to the fourth"
        )
    return h, w


def conv_matrix(
    kernel: object,
    input_shape: Sequence[int],
    *,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    pad_mode: str = "zeros",
    flip: bool = False,
) -> sparse.csr_array:
    """The sparse matrix W of a one-filter convolution on a grey image.

    ``W @ x.ravel() == conv2d(x, kernel, ...).ravel()`` for every (H, W)
    image x with ``x.shape == input_shape``, for every pad mode; the bias is
    not in W (add it after). Row ``r * n_W' + c`` belongs to output cell
    (r, c) and holds the kernel's taps at the columns of the pixels its
    window reads. With zero padding and stride 1 the rows are shifted copies
    of each other: a doubly block Toeplitz matrix (see
    :func:`describe_conv_matrix`).

    Padding is handled without special cases: the pixel numbers
    ``0 .. H·W - 1`` are padded with the same :func:`cnnviz.core.conv.pad_image`
    mode, so each padded cell learns which pixel it copies. Zero padding
    copies none, and its taps are dropped; reflect, replicate and circular
    padding copy a border pixel, and a tap landing there adds its weight to
    that pixel's column (duplicates are summed).

    The stored entries are the window taps that reach a pixel, including
    taps whose weight is 0 (Sobel's middle column), so the sparsity pattern
    shows the windows' footprint.

    Parameters
    ----------
    kernel : array_like, (f_H, f_W)
        One 2-D filter.
    input_shape : (int, int)
        (H, W) of the image; at most :data:`MAX_MATRIX_PIXELS` pixels.
    stride, padding, dilation, pad_mode, flip : keyword-only
        As in :func:`cnnviz.conv2d`.

    Returns
    -------
    scipy.sparse.csr_array
        Float64, shape (n_out, H·W).

    Raises
    ------
    ValueError
        If kernel is not a finite, non-empty 2-D array, input_shape is not
        two positive ints or has more than :data:`MAX_MATRIX_PIXELS` pixels,
        pad_mode is unknown, or the geometry is invalid (see
        :func:`cnnviz.core.conv.plan_conv`).

    Examples
    --------
    >>> W = conv_matrix([[1, 2], [3, 4]], (3, 3))
    >>> W.toarray().astype(int)
    array([[1, 2, 0, 3, 4, 0, 0, 0, 0],
           [0, 1, 2, 0, 3, 4, 0, 0, 0],
           [0, 0, 0, 1, 2, 0, 3, 4, 0],
           [0, 0, 0, 0, 1, 2, 0, 3, 4]])
    >>> conv_matrix([[1.0]], (1, 2), padding=((0, 0), (0, 1)), pad_mode="replicate").toarray()
    array([[1., 0.],
           [0., 1.],
           [0., 1.]])
    """
    ker = as_float_array(kernel, "kernel")
    if ker.ndim != 2:
        raise ValueError(f"kernel must be 2-D (f_H, f_W) for a conv matrix, got shape {ker.shape}")
    if 0 in ker.shape:
        raise ValueError(f"kernel must not be empty, got shape {ker.shape}")
    check_finite(ker, "kernel")
    h, w = _grey_input_shape(input_shape)
    check_mode(pad_mode, "pad_mode", tuple(PAD_MODES))
    geom = plan_conv((h, w), ker.shape, stride=stride, padding=padding, dilation=dilation,
                     flip=flip)
    if flip:
        ker = ker[::-1, ::-1]
    # Number the pixels from 1 so that zero padding's 0 reads "no pixel" (-1
    # after the shift); the other modes copy numbers exactly as they copy values.
    source = pad_image(np.arange(1, h * w + 1).reshape(h, w), geom.padding, pad_mode) - 1
    cols = unroll_windows(source[:, :, None], geom)
    rows = np.broadcast_to(np.arange(cols.shape[0])[:, None], cols.shape)
    data = np.broadcast_to(ker.astype(np.float64).ravel(), cols.shape)
    keep = cols >= 0
    from scipy import sparse

    coo = sparse.coo_array(
        (data[keep], (rows[keep], cols[keep])), shape=(geom.n_steps, h * w)
    )
    mat = sparse.csr_array(coo)
    mat.sum_duplicates()
    return mat


@dataclass(frozen=True)
class ConvMatrixFacts:
    """Band structure of a conv matrix, for a page to print.

    W is seen as a grid of blocks: block (r, R) links output row r to input
    row R and is n_W' × W. With zero padding and stride 1, block (r, R) holds
    kernel row R − r (tap rows spaced by the dilation), so blocks repeat along
    block diagonals (block Toeplitz) and each block is constant along its own
    diagonals (Toeplitz): doubly block Toeplitz.

    Attributes
    ----------
    shape : (n_out, n_in) of W.
    out_shape, input_shape : (n_H', n_W') and (H, W).
    nnz : stored entries (window taps that reach a pixel).
    nonzero : entries whose value is not 0.
    density : nnz / (n_out · n_in).
    nonzero_blocks : blocks holding a non-zero value, of n_H' · H.
    distinct_blocks : how many different non-zero blocks there are.
    block_diagonals : distinct offsets R − r of the non-zero blocks.
    block_toeplitz : every block diagonal repeats one block.
    toeplitz_blocks : every block is constant along its diagonals.
    """

    shape: Pair
    out_shape: Pair
    input_shape: Pair
    nnz: int
    nonzero: int
    density: float
    nonzero_blocks: int
    distinct_blocks: int
    block_diagonals: int
    block_toeplitz: bool
    toeplitz_blocks: bool

    @property
    def doubly_block_toeplitz(self) -> bool:
        """Block Toeplitz with Toeplitz blocks."""
        return self.block_toeplitz and self.toeplitz_blocks


def _constant_full_groups(keys: list[np.ndarray], values: np.ndarray, size: np.ndarray) -> bool:
    """True if entries grouped by ``keys`` share one value and each group has ``size`` members.

    A group that is not full has an implicit zero beside its non-zero
    values, so the diagonal (or block diagonal) it stands for is not constant.
    """
    if values.size == 0:
        return True
    order = np.lexsort(keys[::-1])
    stacked = np.stack([k[order] for k in keys])
    starts = np.flatnonzero(np.r_[True, np.any(stacked[:, 1:] != stacked[:, :-1], axis=0)])
    counts = np.diff(np.r_[starts, values.size])
    v = values[order]
    same = np.minimum.reduceat(v, starts) == np.maximum.reduceat(v, starts)
    return bool(np.all(same) and np.all(counts == size[order][starts]))


def describe_conv_matrix(
    matrix: object, input_shape: Sequence[int], out_shape: Sequence[int]
) -> ConvMatrixFacts:
    """Count what makes a conv matrix special: sparsity, blocks, Toeplitz bands.

    Parameters
    ----------
    matrix : scipy sparse array or array_like, (n_H'·n_W', H·W)
        Typically the result of :func:`conv_matrix`.
    input_shape : (int, int)
        (H, W) of the image.
    out_shape : (int, int)
        (n_H', n_W') of the feature map, e.g. ``plan_conv(...).out_shape``.

    Returns
    -------
    ConvMatrixFacts
        Numbers only; :func:`cnnviz.lessons.matrix.fact_lines` writes them out.

    Raises
    ------
    ValueError
        If a shape is not two positive ints or does not match the matrix.

    Examples
    --------
    >>> facts = describe_conv_matrix(conv_matrix(np.arange(9).reshape(3, 3), (4, 4)),
    ...                              (4, 4), (2, 2))
    >>> facts.nnz, facts.nonzero, facts.density, facts.distinct_blocks
    (36, 32, 0.5625, 3)
    >>> facts.doubly_block_toeplitz
    True
    >>> W = conv_matrix(np.ones((3, 3)), (4, 4), stride=2, padding=1)
    >>> describe_conv_matrix(W, (4, 4), (2, 2)).doubly_block_toeplitz
    False
    """
    h, w = _shape_of(input_shape, "input_shape", (2,))
    oh, ow = _shape_of(out_shape, "out_shape", (2,))
    from scipy import sparse

    if sparse.issparse(matrix):
        coo = sparse.coo_array(matrix)
    else:
        dense = as_float_array(matrix, "matrix")
        if dense.ndim != 2:
            raise ValueError(f"matrix must be 2-D, got shape {dense.shape}")
        coo = sparse.coo_array(dense)
    if coo.shape != (oh * ow, h * w):
        raise ValueError(
            f"matrix must be (n_H'·n_W', H·W) = ({oh * ow}, {h * w}) for out_shape {(oh, ow)} "
            f"and input_shape {(h, w)}, got shape {coo.shape}"
        )
    coo.sum_duplicates()
    nz = coo.data != 0
    row, col, v = coo.row[nz].astype(np.int64), coo.col[nz].astype(np.int64), coo.data[nz]
    r, q = np.divmod(row, ow)
    big_r, big_q = np.divmod(col, w)

    # Diagonal t = Q - q of an ow × w block has this many cells.
    t = big_q - q
    diag_len = np.minimum(ow, w - t) - np.maximum(0, -t)
    toeplitz_blocks = _constant_full_groups([r, big_r, t], v, diag_len)
    # Block diagonal delta = R - r of the oh × h block grid has this many blocks.
    delta = big_r - r
    n_on_diag = np.minimum(oh, h - delta) - np.maximum(0, -delta)
    block_toeplitz = _constant_full_groups([delta, q, big_q], v, n_on_diag)

    block = r * h + big_r
    order = np.lexsort((big_q, q, block))
    block_ids, starts = np.unique(block[order], return_index=True)
    contents = set()
    for part in np.split(np.arange(order.size), starts[1:]):
        idx = order[part]
        contents.add(np.stack([q[idx], big_q[idx]]).tobytes() + v[idx].tobytes())
    total = oh * ow * h * w
    return ConvMatrixFacts(
        shape=(oh * ow, h * w),
        out_shape=(oh, ow),
        input_shape=(h, w),
        nnz=int(coo.nnz),
        nonzero=int(v.size),
        density=coo.nnz / total,
        nonzero_blocks=int(block_ids.size),
        distinct_blocks=len(contents) if v.size else 0,
        block_diagonals=int(np.unique(delta).size),
        block_toeplitz=block_toeplitz,
        toeplitz_blocks=toeplitz_blocks,
    )


@dataclass(frozen=True)
class ParamComparison:
    """Weights of a dense layer against a convolution with the same in/out sizes.

    Attributes
    ----------
    n_in : inputs, H · W · C.
    n_out : outputs, n_H' · n_W' · F.
    dense_weights : n_in · n_out, one per entry of the (dense) matrix.
    conv_weights : f_H · f_W · C · F, shared by every window.
    filters : F.
    bias : whether biases count (n_out for the dense layer, F for the conv).
    """

    n_in: int
    n_out: int
    dense_weights: int
    conv_weights: int
    filters: int
    bias: bool

    @property
    def dense_params(self) -> int:
        """Dense weights plus one bias per output."""
        return self.dense_weights + (self.n_out if self.bias else 0)

    @property
    def conv_params(self) -> int:
        """(f · f · n_c^[l-1] + 1) · n_c^[l], the lectures' count."""
        return self.conv_weights + (self.filters if self.bias else 0)

    @property
    def ratio(self) -> float:
        """How many times more parameters the dense layer has."""
        return self.dense_params / self.conv_params


def dense_equivalent_params(
    input_shape: Sequence[int],
    kernel_shape: Sequence[int],
    *,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    filters: int = 1,
    bias: bool = True,
) -> ParamComparison:
    """Parameters of a dense layer with the conv's input and output sizes.

    A fully connected layer from the H·W·C inputs to the n_H'·n_W'·F outputs
    learns every entry of the matrix W (plus a bias per output); the
    convolution is the special case where most entries are 0 and the rest
    are f·f·C shared weights per filter (plus one bias per filter). Only
    arithmetic: no size limit.

    Parameters
    ----------
    input_shape : (H, W) or (H, W, C)
    kernel_shape : (f_H, f_W) or (f_H, f_W, C)
        C must match the input's.
    stride, padding, dilation : keyword-only
        As in :func:`cnnviz.conv2d`.
    filters : int, keyword-only
        Number of filters F, the output channels.
    bias : bool, keyword-only
        Count the biases.

    Raises
    ------
    ValueError
        For malformed shapes, mismatched channels, filters below 1 or an
        invalid geometry.

    Examples
    --------
    The lectures' 200×200 grey image, fully connected to a layer of the same
    size, against a 3×3 "same" convolution:

    >>> p = dense_equivalent_params((200, 200), (3, 3), padding="same")
    >>> p.dense_params, p.conv_params
    (1600040000, 10)
    >>> dense_equivalent_params((200, 200, 3), (3, 3), padding=1, filters=3).conv_params
    84
    """
    shape = _shape_of(input_shape, "input_shape", (2, 3))
    channels = shape[2] if len(shape) == 3 else 1
    ks = _shape_of(kernel_shape, "kernel_shape", (2, 3))
    if len(ks) == 3 and ks[2] != channels:
        raise ValueError(
            f"kernel_shape has {ks[2]} channels but input_shape has {channels}, "
            f"got kernel_shape={tuple(ks)}"
        )
    n_filters = as_int(filters, "filters", minimum=1)
    geom: ConvGeometry = plan_conv(
        (shape[0], shape[1]), (ks[0], ks[1]), stride=stride, padding=padding, dilation=dilation
    )
    n_in = shape[0] * shape[1] * channels
    n_out = geom.n_steps * n_filters
    return ParamComparison(
        n_in=n_in,
        n_out=n_out,
        dense_weights=n_in * n_out,
        conv_weights=ks[0] * ks[1] * channels * n_filters,
        filters=n_filters,
        bias=bool(bias),
    )

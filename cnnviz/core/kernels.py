"""Every kernel the app offers, and the edits its editors make: one home for kernels.

- :data:`KERNELS`: the lectures' presets; :data:`SMALL_KERNELS`: the 2×2,
  4×4 and numbered extras of the "under the hood" pages; :func:`kernel_choices`
  lists both within a size range.
- Generators (:func:`sobel_kernel`, :func:`gaussian_kernel`, ...) and edits
  (:func:`normalise_kernel`, :func:`negate`, :func:`flip`, ...).
- :func:`resize_kernel`: the one rule when an editor changes a kernel's size
  (keep the centre).
- :func:`kernel_from_table`: the editor's cells, parsed by :mod:`cnnviz.core.cells`.

Every preset is written in cross-correlation orientation, rows top to bottom,
exactly as the lectures print them (see ``shared/TEACHING.md``): a CNN layer
multiplies the kernel onto the image without flipping it. Where a kernel is
built from smaller parts (scikit-image style), the parts are named, so that a
student can see, for instance, that Sobel is a smoothing ``[1, 2, 1]`` down
the rows times a derivative ``[1, 0, -1]`` along the columns.

Sign convention of the edge kernels: with ``[1, 0, -1]`` along a row, the
output is positive where the left side is brighter than the right and
negative where the shade goes from dark to light, as the lectures say.

>>> KERNELS["sobel_x"].values
array([[ 1.,  0., -1.],
       [ 2.,  0., -2.],
       [ 1.,  0., -1.]])
>>> KERNELS["sobel_x"].kind
'sums to 0: responds only to change (edges)'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from cnnviz.core._checks import (
    as_float_array,
    as_int,
    as_pair,
    check_finite,
    check_mode,
    exact_sum,
    to_float,
)
from cnnviz.core.cells import number_table

__all__ = [
    "KERNELS",
    "SMALL_KERNELS",
    "Kernel",
    "common_slice",
    "kernel_choices",
    "resize_kernel",
    "stack_channels",
    "box_kernel",
    "flip",
    "gaussian_kernel",
    "get_kernel",
    "kernel_from_table",
    "kind_of",
    "log_kernel",
    "negate",
    "normalise_kernel",
    "random_kernel",
    "sobel_kernel",
    "transpose",
]

# Sums closer than this to 0 or 1 count as exactly 0 or 1: the presets divided
# by 9 or 273 come out a rounding error away from 1.
_SUM_TOL = 1e-9
# Describing a kernel typed or shown in the editor, whose cells carry 6
# decimals: a generated Gaussian then sums to 0.999995 and still "keeps
# brightness". Relative to the sum of |weights|.
_KIND_TOL = 1e-4

_FLOAT_MAX = float(np.finfo(np.float64).max)

KIND_ZERO = "sums to 0: responds only to change (edges)"
KIND_ONE = "sums to 1: keeps overall brightness"

# The 1-D parts the 3×3 derivative kernels are built from.
SMOOTH_3 = np.array([1.0, 2.0, 1.0])  # binomial smoothing, Sobel's
MEAN_3 = np.array([1.0, 1.0, 1.0])  # flat smoothing, Prewitt's
SCHARR_SMOOTH_3 = np.array([3.0, 10.0, 3.0])  # Scharr's better-rotating smoothing
DERIV_3 = np.array([1.0, 0.0, -1.0])  # central difference: left minus right


def _snap(value: float) -> float:
    # Show a student 1, not 0.9999999999999999, when the exact answer is whole.
    if not math.isfinite(value):
        return float(value)  # round(inf) raises OverflowError
    r = round(value)
    return float(r) if abs(value - r) < _SUM_TOL else float(value)


def kind_of(values: object) -> str:
    """Say in one line what a kernel's sum does to overall brightness.

    Works on any array, so the editor can describe a kernel the student typed.

    Parameters
    ----------
    values : array_like
        The kernel.

    Returns
    -------
    str
        ``KIND_ZERO``, ``KIND_ONE`` or a sentence naming the sum.

    Examples
    --------
    >>> kind_of([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    'sums to 0: responds only to change (edges)'
    >>> kind_of(np.ones((3, 3)) / 9)
    'sums to 1: keeps overall brightness'
    >>> kind_of(np.ones((3, 3)))
    'sums to 9: multiplies overall brightness by 9'
    >>> kind_of([[-1]])
    'sums to -1: inverts brightness'
    >>> kind_of([[0.2, 0.2], [0.2, 0.399995]])  # 6-decimal cells of a normalised kernel
    'sums to 1: keeps overall brightness'
    >>> kind_of([[1e308, 1e308]])
    'sums to more than float64 holds (beyond ±1.8e+308): outputs will overflow'
    """
    arr = as_float_array(values, "values")
    if not np.all(np.isfinite(arr)):
        return "has a value that is not a finite number"
    # Sums that pass 1.8e308 are ±inf here, never an OverflowError.
    scale = min(max(exact_sum(np.abs(arr)), 1.0), _FLOAT_MAX)
    if not np.any(arr):
        return "all zeros: every output is just the bias"
    total = exact_sum(arr)
    if not math.isfinite(total):
        return (f"sums to more than float64 holds (beyond ±{_FLOAT_MAX:.2g}): outputs will "
                "overflow")
    kinds = ((0.0, KIND_ZERO), (1.0, KIND_ONE), (-1.0, "sums to -1: inverts brightness"))
    for target, kind in kinds:
        if abs(total - target) <= _KIND_TOL * scale:
            return kind
    total = _snap(total)
    if total < 0:
        return f"sums to {total:g}: inverts brightness and multiplies it by {-total:g}"
    return f"sums to {total:g}: multiplies overall brightness by {total:g}"


@dataclass(frozen=True, eq=False)
class Kernel:
    """One named, read-only kernel preset.

    ``eq=False`` because a numpy field makes the generated ``__eq__`` and
    ``__hash__`` ambiguous; compare ``values`` with ``np.array_equal``.

    Parameters
    ----------
    name : str
        Registry key, e.g. ``"sobel_x"``.
    title : str
        Short display title.
    meaning : str
        One line a student understands.
    values : array_like
        2-D kernel; stored as a read-only float64 copy.

    Examples
    --------
    >>> k = Kernel("id", "Identity", "Changes nothing.", [[1]])
    >>> k.values.flags.writeable
    False
    >>> k.sum, k.shape
    (1.0, (1, 1))
    """

    name: str
    title: str
    meaning: str
    values: np.ndarray

    def __post_init__(self) -> None:
        for field in ("name", "title", "meaning"):
            text = getattr(self, field)
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{field} must be a non-empty string, got {text!r}")
        # A private copy, so nobody holding the original array can change a preset.
        arr = np.array(as_float_array(self.values, "values"), dtype=np.float64, copy=True)
        if arr.ndim != 2 or arr.size == 0:
            raise ValueError(f"values must be a non-empty 2-D array, got shape {arr.shape}")
        check_finite(arr, "values")
        arr.setflags(write=False)
        object.__setattr__(self, "values", arr)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)`` of the kernel."""
        return int(self.values.shape[0]), int(self.values.shape[1])

    @property
    def sum(self) -> float:
        """Sum of the weights: the gain on a flat (uniform) image (±inf past float64)."""
        return _snap(exact_sum(self.values))

    @property
    def kind(self) -> str:
        """What the sum means for brightness; see :func:`kind_of`."""
        return kind_of(self.values)


# --- generators -----------------------------------------------------------


def _binomial(n: int) -> np.ndarray:
    # Row n-1 of Pascal's triangle: [1], [1, 1], [1, 2, 1], ... by repeated
    # convolution with [1, 1], the way larger Sobel kernels are usually built.
    row = np.ones(1)
    for _ in range(n - 1):
        row = np.convolve(row, [1.0, 1.0])
    return row


def sobel_kernel(size: int = 3, axis: str = "x") -> np.ndarray:
    """Sobel kernel of odd ``size`` from 3 to 11.

    The smoothing part is the binomial row of length ``size`` and the
    derivative part is ``[1, 0, -1]`` convolved with the binomial row of
    length ``size - 2``; size 3 gives the lectures' ``[[1, 0, -1], [2, 0, -2],
    [1, 0, -1]]``. Entries are whole numbers, not normalised.

    Parameters
    ----------
    size : int
        Odd side, 3 to 11.
    axis : {"x", "y"}
        ``"x"`` differentiates along the columns (finds vertical edges);
        ``"y"`` is its transpose (finds horizontal edges).

    Returns
    -------
    numpy.ndarray
        ``size × size`` float64 array.

    Raises
    ------
    ValueError
        If ``size`` is even or outside 3..11, or ``axis`` is not "x"/"y".

    Examples
    --------
    >>> sobel_kernel(5)[0]
    array([ 1.,  2.,  0., -2., -1.])
    >>> sobel_kernel(3, "y")
    array([[ 1.,  2.,  1.],
           [ 0.,  0.,  0.],
           [-1., -2., -1.]])
    """
    n = as_int(size, "size", minimum=3)
    if n > 11 or n % 2 == 0:
        raise ValueError(f"size must be an odd number from 3 to 11, got {n}")
    check_mode(axis, "axis", ("x", "y"))
    smooth = _binomial(n)
    deriv = np.convolve(DERIV_3, _binomial(n - 2))
    k = np.outer(smooth, deriv)
    return k if axis == "x" else k.T.copy()


def gaussian_kernel(size: int = 5, sigma: float = 1.0) -> np.ndarray:
    """Sampled 2-D Gaussian, normalised to sum 1.

    ``exp(-(x² + y²) / (2 σ²))`` on a grid centred on the kernel (for an even
    ``size`` the centre falls between pixels). Built as the outer product of
    two 1-D Gaussians, since the 2-D one is separable.

    Parameters
    ----------
    size : int
        Side, at least 1.
    sigma : float
        Standard deviation in pixels, greater than 0.

    Returns
    -------
    numpy.ndarray
        ``size × size`` float64 array summing to 1.

    Raises
    ------
    ValueError
        If ``size`` < 1 or ``sigma`` is not a positive finite number.

    Examples
    --------
    >>> g = gaussian_kernel(3, 1.0)
    >>> round(float(g.sum()), 12)
    1.0
    >>> bool(g[1, 1] > g[0, 1] > g[0, 0])
    True
    """
    n = as_int(size, "size", minimum=1)
    s = _positive(sigma, "sigma")
    x = np.arange(n) - (n - 1) / 2
    g = np.exp(-(x**2) / (2 * s * s))
    k = np.outer(g, g)
    return np.asarray(k / k.sum(), dtype=np.float64)


def log_kernel(size: int = 5, sigma: float = 1.0) -> np.ndarray:
    """Laplacian of Gaussian, centre positive, summing exactly to 0.

    Sign convention: this is ``-∇²G``, the "Mexican hat" with a positive
    centre, so, like ``laplacian_4_neg`` and ``laplacian_8``, it is positive on
    a pixel brighter than its surroundings. Sampling on a finite grid leaves a
    small non-zero sum, so the mean is subtracted (a flat image then gives
    exactly 0); the result is scaled so that the positive weights sum to 1.

    Parameters
    ----------
    size : int
        Side, at least 3.
    sigma : float
        Standard deviation of the Gaussian in pixels, greater than 0.

    Returns
    -------
    numpy.ndarray
        ``size × size`` float64 array.

    Raises
    ------
    ValueError
        If ``size`` < 3 or ``sigma`` is not a positive finite number.

    Examples
    --------
    >>> k = log_kernel(5, 1.0)
    >>> abs(float(k.sum())) < 1e-12, bool(k[2, 2] > 0), bool(k[0, 0] < 0)
    (True, True, True)
    """
    n = as_int(size, "size", minimum=3)
    s = _positive(sigma, "sigma")
    x = np.arange(n) - (n - 1) / 2
    r2 = x[:, None] ** 2 + x[None, :] ** 2
    k = (2 * s * s - r2) / s**4 * np.exp(-r2 / (2 * s * s))
    k = k - k.mean()
    return np.asarray(k / k[k > 0].sum(), dtype=np.float64)


def box_kernel(size: int = 3, normalise: bool = True) -> np.ndarray:
    """All-equal ``size × size`` kernel: the mean (``1/size²``) or all ones.

    Parameters
    ----------
    size : int
        Side, at least 1.
    normalise : bool
        ``True`` divides by ``size²`` so that the kernel sums to 1.

    Returns
    -------
    numpy.ndarray
        ``size × size`` float64 array.

    Examples
    --------
    >>> box_kernel(2)
    array([[0.25, 0.25],
           [0.25, 0.25]])
    >>> box_kernel(2, normalise=False).sum()
    np.float64(4.0)
    """
    n = as_int(size, "size", minimum=1)
    k = np.ones((n, n))
    return k / (n * n) if normalise else k


def _positive(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number greater than 0, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a number greater than 0, got {value!r}")
    return v


# --- the registry ---------------------------------------------------------


def _build() -> dict[str, Kernel]:
    identity = np.zeros((3, 3))
    identity[1, 1] = 1.0
    # The lectures' Laplacian, [[0,1,0],[1,-4,1],[0,1,0]]: neighbours minus 4 × centre.
    laplacian_4 = np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]])
    laplacian_4_neg = -laplacian_4
    sobel_x = np.outer(SMOOTH_3, DERIV_3)
    gauss_273 = np.array(
        [
            [1.0, 4, 7, 4, 1],
            [4, 16, 26, 16, 4],
            [7, 26, 41, 26, 7],
            [4, 16, 26, 16, 4],
            [1, 4, 7, 4, 1],
        ]
    )
    # A widely printed integer approximation of the 5×5 LoG (centre positive,
    # sum 0); its numbers are easier to read than sampled exponentials.
    log_5 = np.array(
        [
            [0.0, 0, -1, 0, 0],
            [0, -1, -2, -1, 0],
            [-1, -2, 16, -2, -1],
            [0, -1, -2, -1, 0],
            [0, 0, -1, 0, 0],
        ]
    )
    horizontal_edge = np.outer(-DERIV_3, MEAN_3)  # [[-1,-1,-1],[0,0,0],[1,1,1]]
    entries = [
        (
            "identity",
            "Identity",
            "Changes nothing: each output pixel is the input pixel.",
            identity,
        ),
        (
            "box_ones_3",
            "Box 3×3 (all ones)",
            "Adds up each 3×3 neighbourhood: a blur that is also 9 times brighter.",
            box_kernel(3, normalise=False),
        ),
        (
            "box_blur_3",
            "Box blur 3×3 (smoothing, all 1/9)",
            "Replaces each pixel by the mean of its 3×3 neighbourhood: a blur.",
            box_kernel(3),
        ),
        (
            "box_blur_5",
            "Box blur 5×5 (all 1/25)",
            "Replaces each pixel by the mean of its 5×5 neighbourhood: a stronger blur.",
            box_kernel(5),
        ),
        (
            "gaussian_5",
            "Gaussian blur 5×5 (/273)",
            "A weighted mean, heaviest at the centre: a soft blur without boxy artefacts.",
            gauss_273 / 273,
        ),
        (
            "sharpen",
            "Sharpen",
            "The pixel plus its edges (identity + Laplacian): makes edges crisper.",
            identity + laplacian_4_neg,
        ),
        (
            "laplacian_4",
            "Edge: Laplacian (4-neighbour)",
            "Negative where a pixel is brighter than its 4 neighbours, zero on flat areas:"
            " the edges of shapes.",
            laplacian_4,
        ),
        (
            "laplacian_4_neg",
            "Edge: Laplacian (4-neighbour), sign-flipped",
            "Brightens where a pixel is brighter than its neighbours: the edges of shapes.",
            laplacian_4_neg,
        ),
        (
            "laplacian_8",
            "All edges (8-neighbour)",
            "Brightens where a pixel differs from all 8 neighbours: edges in every direction.",
            # 9 × the pixel minus the sum of its 3×3 neighbourhood (itself included).
            9 * identity - box_kernel(3, normalise=False),
        ),
        (
            "horizontal_edge",
            "Horizontal edges",
            "Positive where the row below is brighter than the row above: horizontal edges.",
            horizontal_edge,
        ),
        (
            "horizontal_edge_rev",
            "Horizontal edges (reversed)",
            "Positive where the row above is brighter than the row below: horizontal edges.",
            -horizontal_edge,
        ),
        (
            "vertical_edge",
            "Vertical edges",
            "Positive where the left is brighter than the right, negative from dark to light:"
            " vertical edges.",
            np.outer(MEAN_3, DERIV_3),
        ),
        (
            "sobel_x",
            "Sobel x",
            "Vertical edges, weighting the centre row twice (smoothing [1,2,1] × derivative"
            " [1,0,-1]).",
            sobel_x,
        ),
        (
            "sobel_y",
            "Sobel y",
            "Horizontal edges: the transpose of Sobel x, positive where the top is brighter.",
            sobel_x.T,
        ),
        (
            "sobel_x_5",
            "Sobel x 5×5",
            "Vertical edges, smoothed over a wider 5×5 window (less sensitive to noise).",
            sobel_kernel(5, "x"),
        ),
        (
            "sobel_y_5",
            "Sobel y 5×5",
            "Horizontal edges, smoothed over a wider 5×5 window (less sensitive to noise).",
            sobel_kernel(5, "y"),
        ),
        (
            "prewitt_x",
            "Prewitt x",
            "Vertical edges with equal row weights (flat smoothing [1,1,1] × derivative [1,0,-1]).",
            np.outer(MEAN_3, DERIV_3),
        ),
        (
            "prewitt_y",
            "Prewitt y",
            "Horizontal edges with equal column weights: the transpose of Prewitt x.",
            np.outer(MEAN_3, DERIV_3).T,
        ),
        (
            "scharr_x",
            "Scharr x",
            "Vertical edges, with weights [3,10,3] that treat diagonal edges more evenly.",
            np.outer(SCHARR_SMOOTH_3, DERIV_3),
        ),
        (
            "scharr_y",
            "Scharr y",
            "Horizontal edges: the transpose of Scharr x.",
            np.outer(SCHARR_SMOOTH_3, DERIV_3).T,
        ),
        (
            "log_5",
            "Laplacian of Gaussian 5×5",
            "Blurs, then finds edges: positive on small bright spots, ignores fine noise.",
            log_5,
        ),
        (
            "emboss",
            "Emboss",
            "Brightens where the lower right is brighter than the upper left, darkens the"
            " opposite: shapes look raised, like a relief.",
            np.array([[-2.0, -1, 0], [-1, 1, 1], [0, 1, 2]]),
        ),
        (
            "puzzle_a",
            "Puzzle A: [[0,1,0],[1,4,1],[0,1,0]]",
            "A blur: each pixel becomes a weighted mean of itself and its 4 neighbours, but the"
            " weights sum to 8, so the image also gets 8 times brighter.",
            8 * identity + laplacian_4,
        ),
        (
            "puzzle_b",
            "Puzzle B: [[0,-1,0],[-1,8,-1],[0,-1,0]]",
            "A sharpen that brightens: 4 × the pixel plus its edges [[0,-1,0],[-1,4,-1],[0,-1,0]],"
            " so the weights sum to 4.",
            4 * identity + laplacian_4_neg,
        ),
    ]
    return {name: Kernel(name, title, meaning, values) for name, title, meaning, values in entries}


#: Read-only registry of presets in display order: blurs, sharpen, edges, puzzles.
KERNELS: Mapping[str, Kernel] = MappingProxyType(_build())


def get_kernel(name: str) -> np.ndarray:
    """Return a writable float64 copy of the preset called ``name``.

    Examples
    --------
    >>> k = get_kernel("identity")
    >>> k[0, 0] = 2.0  # a copy: the registry is untouched
    >>> float(KERNELS["identity"].values[0, 0])
    0.0
    >>> get_kernel("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: name must be one of 'identity', ..., got 'nope'
    """
    check_mode(name, "name", tuple(KERNELS))
    return KERNELS[name].values.copy()


# --- extras for the "under the hood" pages ----------------------------------
#
# The lectures' presets are all 3×3 or 5×5 and mostly symmetric. Showing a
# convolution as a matrix, the flip of true convolution, or a transposed
# convolution needs a few more: 2×2 and 4×4 kernels, kernels whose taps are
# all different (so each weight can be followed into the matrix W), and an
# asymmetric kernel whose 180° turn is not just its negative.


def _build_small() -> dict[str, Kernel]:
    bilinear = np.array([1.0, 3.0, 3.0, 1.0]) / 4
    entries: list[tuple[str, str, str, Any]] = [
        ("numbered_2", "Numbered taps 2×2: [[1,2],[3,4]]",
         "Every weight different, so each one can be followed into the matrix.",
         [[1, 2], [3, 4]]),
        ("numbered_3", "Numbered taps 3×3: 1 … 9",
         "Every weight different, so each one can be followed into the matrix.",
         np.arange(1.0, 10.0).reshape(3, 3)),
        ("asymmetric_3", "Asymmetric 3×3: [[1,2,0],[0,0,0],[0,0,-1]]",
         "No symmetry at all: turning it by 180° gives a different kernel.",
         [[1, 2, 0], [0, 0, 0], [0, 0, -1]]),
        ("roberts_2", "Roberts cross 2×2: [[1,0],[0,-1]]",
         "The smallest diagonal edge detector: top-left minus bottom-right.",
         [[1, 0], [0, -1]]),
        ("ones_2", "Ones 2×2", "Sums each 2×2 window (a 2×2 box, not normalised).",
         np.ones((2, 2))),
        ("ones_4", "Ones 4×4", "Sums each 4×4 window (a 4×4 box, not normalised).",
         np.ones((4, 4))),
        ("bilinear_4", "Bilinear 4×4: outer([1,3,3,1]/4)",
         "With stride 2, a transposed convolution with it doubles the size by bilinear "
         "interpolation.", np.outer(bilinear, bilinear)),
    ]
    return {name: Kernel(name, title, meaning, values) for name, title, meaning, values in entries}


#: Name → :class:`Kernel` (read-only): the extras of the "under the hood" pages.
SMALL_KERNELS: Mapping[str, Kernel] = MappingProxyType(_build_small())


def kernel_choices(max_side: int = 5, min_side: int = 1) -> dict[str, Kernel]:
    """The lectures' presets and the extras whose sides lie in ``min_side .. max_side``.

    Extras come first, then the lectures' presets in their registry order.

    Parameters
    ----------
    max_side, min_side : int
        Largest and smallest allowed side (rows and columns).

    Returns
    -------
    dict
        Name → Kernel, ready for a select box.

    Raises
    ------
    ValueError
        If a side is below 1 or ``min_side > max_side``.

    Examples
    --------
    >>> "gaussian_5" in kernel_choices(4)
    False
    >>> list(kernel_choices(2, 2))
    ['numbered_2', 'roberts_2', 'ones_2']
    """
    hi = as_int(max_side, "max_side", minimum=1)
    lo = as_int(min_side, "min_side", minimum=1)
    if lo > hi:
        raise ValueError(f"min_side must not exceed max_side, got {lo} > {hi}")
    every = {**SMALL_KERNELS, **KERNELS}
    return {name: k for name, k in every.items()
            if lo <= min(k.shape) and max(k.shape) <= hi}


# --- kernel edits for the editor ------------------------------------------


def _kernel_arg(k: object, name: str = "k") -> np.ndarray:
    arr = np.asarray(as_float_array(k, name), dtype=np.float64)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {arr.shape}")
    check_finite(arr, name)
    return arr


def normalise_kernel(k: object) -> np.ndarray:
    """Scale a kernel the way a student expects "normalise" to.

    - If the weights have a clear non-zero sum, divide by it: the kernel then
      sums to 1 and keeps overall brightness (all ones becomes all 1/9).
    - If they sum to (about) 0, as edge kernels do, dividing by the sum is
      impossible; divide by the sum of the positive weights instead (half the
      sum of absolute values). The kernel still sums to 0, and a full-contrast
      step edge (0 → 1) then gives exactly ±1: the output keeps the input's
      range, with a sign.

    Parameters
    ----------
    k : array_like
        2-D kernel.

    Returns
    -------
    numpy.ndarray
        New float64 array.

    Raises
    ------
    ValueError
        If ``k`` is all zeros (nothing to scale by), not 2-D, or not finite.

    Examples
    --------
    >>> normalise_kernel(np.ones((2, 2)))
    array([[0.25, 0.25],
           [0.25, 0.25]])
    >>> normalise_kernel([[1, 0, -1], [2, 0, -2], [1, 0, -1]])[1]
    array([ 0.5,  0. , -0.5])
    >>> normalise_kernel([[1e308, 1e308]])  # no overflow on the way
    array([[0.5, 0.5]])
    >>> normalise_kernel([[0, 0], [0, 0]])
    Traceback (most recent call last):
    ...
    ValueError: k must have a non-zero weight to normalise, got all zeros
    """
    arr = _kernel_arg(k)
    if np.any(arr):
        # Scaled by a power of two (exact) so that no sum overflows, even for
        # weights like 1e308; the ratios below are the same bit for bit.
        arr = np.ldexp(arr, -int(np.frexp(np.abs(arr).max())[1]))
    total = math.fsum(arr.ravel().tolist())
    positive = math.fsum(arr[arr > 0].tolist())
    abs_sum = math.fsum(np.abs(arr).ravel().tolist())
    if abs_sum == 0:
        raise ValueError("k must have a non-zero weight to normalise, got all zeros")
    if abs(total) > _SUM_TOL * abs_sum:
        return arr / total
    # Zero-sum with a non-zero weight always has a positive weight.
    return arr / positive


def negate(k: object) -> np.ndarray:
    """Flip the sign of every weight (an edge kernel's twin).

    Examples
    --------
    >>> negate([[0, 1], [-2, 0]])
    array([[ 0., -1.],
           [ 2.,  0.]])
    """
    # Adding 0.0 turns -0.0 into 0.0, so the editor never shows "-0".
    return -_kernel_arg(k) + 0.0


def transpose(k: object) -> np.ndarray:
    """Swap rows and columns (turns an x-edge kernel into a y-edge one).

    Examples
    --------
    >>> transpose([[1, 2, 3]])
    array([[1.],
           [2.],
           [3.]])
    """
    return _kernel_arg(k).T.copy()


def flip(k: object) -> np.ndarray:
    """Rotate by 180°: the kernel true convolution uses in place of ``k``.

    Examples
    --------
    >>> flip([[1, 2], [3, 4]])
    array([[4., 3.],
           [2., 1.]])
    """
    return _kernel_arg(k)[::-1, ::-1].copy()


def random_kernel(
    shape: int | tuple[int, int] = 3, seed: int | None = None, *, integers: bool = False
) -> np.ndarray:
    """Random kernel, like the weights of a freshly initialised layer.

    Parameters
    ----------
    shape : int or (int, int)
        Side, or ``(rows, columns)``; each at least 1.
    seed : int or None
        Seed for ``numpy.random.default_rng``; the same seed gives the same kernel.
    integers : bool, keyword-only
        ``False``: uniform in [-1, 1], rounded to 2 decimals so the table stays
        readable. ``True``: whole numbers from -2 to 2, easy to compute by hand.

    Returns
    -------
    numpy.ndarray
        float64 array of ``shape``.

    Examples
    --------
    >>> random_kernel((2, 3), seed=0).shape
    (2, 3)
    >>> bool(np.array_equal(random_kernel(3, seed=1), random_kernel(3, seed=1)))
    True
    """
    rows, cols = as_pair(shape, "shape", minimum=1)
    if seed is not None:
        seed = as_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    if integers:
        return rng.integers(-2, 3, size=(rows, cols)).astype(np.float64)
    # + 0.0 again avoids "-0" after rounding tiny negatives.
    return np.round(rng.uniform(-1.0, 1.0, size=(rows, cols)), 2) + 0.0


def kernel_from_table(rows: object) -> np.ndarray:
    """Parse the editor's table of cells into a float64 kernel.

    Cells may be numbers or strings such as ``"1/9"``, ``"-0.5"`` or ``" 2 "``
    (spaces are ignored, one ``/`` makes a fraction). Rows and columns in
    messages count from 1, as a student reads the table. The parsing is
    :func:`cnnviz.core.cells.number_table`, shared by every editor.

    Parameters
    ----------
    rows : sequence of sequences, or 2-D array
        The table, one inner sequence per kernel row.

    Returns
    -------
    numpy.ndarray
        float64 array of the table's shape.

    Raises
    ------
    ValueError
        For the first bad cell in reading order (empty, not a number, NaN,
        infinite or overflowing to infinity, a zero denominator), naming its
        row, column and text; for
        rows of different lengths; for an empty table.

    Examples
    --------
    >>> kernel_from_table([["1/4", " 0.25 "], [0.25, "-1/-4"]])
    array([[0.25, 0.25],
           [0.25, 0.25]])
    >>> kernel_from_table([["1", "2", "3"], ["4", "5", "abc"]])
    Traceback (most recent call last):
    ...
    ValueError: kernel cell (row 2, column 3) is not a number: 'abc'
    """
    return number_table(rows, name="kernel")


def resize_kernel(values: object, shape: object, *, fill: object = None) -> Any:
    """Give a kernel new (rows, cols), keeping its centre where it was.

    The one rule for every editor that changes a kernel's size: new rows and
    columns are added around the kernel (``fill``, zero by default, so a grown
    kernel computes exactly what it did, one ring of padding further out),
    and shrinking cuts the border and keeps the middle. With an odd
    difference the extra row or column is at the bottom/right, where
    ``"same"`` padding puts it too.

    Parameters
    ----------
    values : array_like, 2-D
        A kernel of numbers, or an editor's table of cell texts (a list of
        lists of str), which is resized as text so that a typo or ``"1/9"``
        survives.
    shape : int or (int, int)
        New side, or (rows, cols); each at least 1.
    fill : optional, keyword-only
        Value of the new cells: ``0.0`` for numbers, ``"0"`` for text.

    Returns
    -------
    numpy.ndarray or list of lists
        float64 array for numbers; a list of lists for a table of text.

    Raises
    ------
    ValueError
        If ``values`` is not a non-empty 2-D table or a side is below 1.

    Examples
    --------
    >>> resize_kernel([[1, 2], [3, 4]], 4)
    array([[0., 0., 0., 0.],
           [0., 1., 2., 0.],
           [0., 3., 4., 0.],
           [0., 0., 0., 0.]])
    >>> resize_kernel(np.arange(25.0).reshape(5, 5), (3, 3))[0]
    array([6., 7., 8.])
    >>> resize_kernel([["1/9", "x"]], (3, 2))
    [['0', '0'], ['1/9', 'x'], ['0', '0']]
    """
    rows, cols = as_pair(shape, "shape", minimum=1)
    raw = np.asarray(values)
    text = raw.dtype.kind in "OUS"
    if text:
        arr = raw.astype(object)
        out = np.full((rows, cols), "0" if fill is None else fill, dtype=object)
    else:
        arr = np.asarray(as_float_array(values, "values"), dtype=np.float64)
        out = np.full((rows, cols), 0.0 if fill is None else to_float(fill))
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"values must be a non-empty 2-D kernel, got shape {arr.shape}")
    src_r, dst_r, n_r = _centred(arr.shape[0], rows)
    src_c, dst_c, n_c = _centred(arr.shape[1], cols)
    out[dst_r:dst_r + n_r, dst_c:dst_c + n_c] = arr[src_r:src_r + n_r, src_c:src_c + n_c]
    return out.tolist() if text else out


def _centred(old: int, new: int) -> tuple[int, int, int]:
    """(start in old, start in new, length) to centre ``old`` cells in ``new``."""
    if new >= old:
        return 0, (new - old) // 2, old
    return (old - new) // 2, 0, new


def stack_channels(k: object, channels: int) -> np.ndarray:
    """One 2-D kernel repeated over ``channels`` slices: an f×f×n_c filter.

    On a colour image this is the lectures' "same filter on R, G and B": each
    slice gives a partial sum and the three add up to one output value.

    >>> stack_channels([[1, 0, -1]], 3).shape
    (1, 3, 3)
    """
    arr = _kernel_arg(k)
    n = as_int(channels, "channels", minimum=1)
    return np.repeat(arr[:, :, None], n, axis=2)


def common_slice(k: object) -> np.ndarray:
    """The one 2-D kernel an f×f×n_c filter repeats on every channel.

    The 2-D editors hold one slice; a filter whose slices differ cannot be
    shown there, which is reported rather than silently dropped.

    >>> common_slice(stack_channels([[1, 0, -1]], 3)).tolist()
    [[1.0, 0.0, -1.0]]
    """
    arr = as_float_array(k, "kernel")
    if arr.ndim == 2:
        return arr.copy()
    if arr.ndim != 3 or not np.all(arr == arr[:, :, :1]):
        raise ValueError(
            f"kernel must repeat one 2-D slice on every channel to be edited here, got shape "
            f"{arr.shape} with different slices"
        )
    return arr[:, :, 0].copy()

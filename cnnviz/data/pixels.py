"""Pixel arrays: what counts as an image in [0, 1], and the one resampler.

Every page that shrinks an image goes through this module, so a picture is
shrunk the same way everywhere:

* :func:`fit_shape` is the size rule: keep the aspect ratio, fit inside a
  limit, round to the nearest whole number, never enlarge;
* :func:`resize_pil` is the only place that calls Pillow's ``Image.resize``
  (box averaging, or Lanczos for :func:`cnnviz.load_image`);
* :func:`resample` and :func:`downscale` do the same for float arrays, one
  plane at a time in float32 (Pillow's ``"F"`` mode), or through 8-bit
  levels when asked to keep an 8-bit image 8-bit.

:func:`in_unit_range` is the one test for "values in [0, 1]" (an image as a
screen shows it) and :func:`is_eight_bit` for "every value is k/255".

>>> downscale(np.ones((100, 50)), 20).shape
(20, 10)
>>> fit_shape((100, 50), 20), fit_shape((3, 4), 10)
((20, 10), (3, 4))
>>> in_unit_range([[0.0, 0.5, 1.0]]), in_unit_range([[-0.1, 0.5]])
(True, False)
"""

from __future__ import annotations

from fractions import Fraction
from types import MappingProxyType

import numpy as np
from PIL import Image

from cnnviz.core._checks import as_float_array, as_pair, check_mode

__all__ = [
    "METHODS",
    "downscale",
    "fit_shape",
    "in_unit_range",
    "is_eight_bit",
    "resample",
    "resize_pil",
]

#: Resampling filters by name: box averaging (what an image editor does when
#: shrinking, and the mean of the pixels each cell covers) and Lanczos.
METHODS = MappingProxyType({"box": Image.Resampling.BOX, "lanczos": Image.Resampling.LANCZOS})


def in_unit_range(x: object) -> bool:
    """Whether ``x`` holds at least one value and every value lies in [0, 1].

    NaN and infinities are outside; an empty array is not an image.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    bool

    Examples
    --------
    >>> in_unit_range([[0.0, 1.0]]), in_unit_range([[25.0]])
    (True, False)
    >>> in_unit_range([np.nan, 0.5]), in_unit_range([])
    (False, False)
    """
    arr = np.asarray(as_float_array(x, "x"))
    # min/max propagate NaN, and NaN compares False: no separate finite check.
    return bool(arr.size) and bool(arr.min() >= 0 and arr.max() <= 1)


def is_eight_bit(x: object) -> bool:
    """Whether every value is a level k/255 of an 8-bit image (k = 0 … 255).

    >>> is_eight_bit(np.array([0, 128, 255]) / 255), is_eight_bit([0.5])
    (True, False)
    """
    arr = np.asarray(as_float_array(x, "x"), dtype=np.float64)
    if not in_unit_range(arr):
        return False
    scaled = arr * 255
    # 1e-9 absorbs the rounding of k / 255 itself.
    return bool(np.all(np.abs(scaled - np.round(scaled)) < 1e-9))


def fit_shape(shape: tuple[int, int], max_side: object) -> tuple[int, int]:
    """The (rows, cols) an image of ``shape`` is shrunk to so that it fits in ``max_side``.

    The aspect ratio is kept: both sides are divided by the same factor, the
    smallest one that makes them fit, and rounded to the nearest whole number
    (exactly, in fractions; halves to even, as Python's ``round``), so the
    tight side is exactly its limit. An image that already
    fits keeps its shape: nothing is ever enlarged. No side goes below 1.

    Parameters
    ----------
    shape : (int, int)
        (H, W) of the image.
    max_side : int or (int, int)
        Largest side, or largest (rows, cols).

    Returns
    -------
    (int, int)

    Raises
    ------
    ValueError
        If a side of ``shape`` or ``max_side`` is below 1, naming which.

    Examples
    --------
    >>> fit_shape((400, 100), 40)
    (40, 10)
    >>> fit_shape((1000, 3), 10), fit_shape((50, 20), 50)
    ((10, 1), (50, 20))
    >>> fit_shape((100, 100), (10, 20))
    (10, 10)
    >>> fit_shape((0, 5), 3)
    Traceback (most recent call last):
    ...
    ValueError: shape must be at least 1, got 0 (in shape=(0, 5))
    """
    h, w = as_pair(tuple(shape[:2]), "shape", minimum=1)
    lh, lw = as_pair(max_side, "max_side", minimum=1)
    factor = max(Fraction(h, lh), Fraction(w, lw))
    if factor <= 1:
        return h, w
    # round() of a Fraction is exact, halves to even as Python rounds floats:
    # no float error can tip a 2.5 either way.
    return max(1, round(h / factor)), max(1, round(w / factor))


def resize_pil(im: Image.Image, shape: tuple[int, int], method: str = "box") -> Image.Image:
    """Resize a Pillow image to ``shape`` = (rows, cols) with the named filter.

    The only call of ``Image.resize`` in cnnviz. Lanczos first box-reduces
    by whole factors (``reducing_gap=3.0``), which Pillow documents as
    indistinguishable from a pure Lanczos resize and is much faster on photos.

    >>> resize_pil(Image.new("L", (40, 10)), (5, 20)).size
    (20, 5)
    """
    check_mode(method, "method", tuple(METHODS))
    h, w = as_pair(tuple(shape), "shape", minimum=1)
    gap = 3.0 if method == "lanczos" else None
    return im.resize((w, h), METHODS[method], reducing_gap=gap)


def _planes(image: object) -> np.ndarray:
    arr = as_float_array(image, "image")
    if arr.ndim not in (2, 3) or 0 in arr.shape:
        raise ValueError(f"image must be a non-empty (H, W) or (H, W, C) array, got {arr.shape}")
    return arr


def resample(
    image: object, shape: tuple[int, int], *, method: str = "box", keep_eight_bit: bool = False
) -> np.ndarray:
    """Resize an (H, W) or (H, W, C) float image to exactly ``shape`` = (rows, cols).

    Each channel is resized on its own in float32, so values outside [0, 1]
    (a lecture matrix, a feature map) survive. With ``keep_eight_bit``, an
    image whose values are all k/255 is resized through 8-bit levels instead
    and stays 8-bit (each cell rounded to the nearest level), which keeps
    the animation's table of distinct values small.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
    shape : (int, int)
        Rows and columns wanted.
    method : {"box", "lanczos"}, keyword-only
        See :data:`METHODS`.
    keep_eight_bit : bool, keyword-only

    Returns
    -------
    numpy.ndarray
        float64, (rows, cols) or (rows, cols, C).

    Raises
    ------
    ValueError
        For an empty or non-image array, a side below 1 or an unknown method.

    Examples
    --------
    >>> resample(np.arange(16.0).reshape(4, 4), (2, 2))
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> x = np.array([[0, 1], [1, 1]]) / 255
    >>> resample(x, (1, 1), keep_eight_bit=True) * 255
    array([[1.]])
    """
    arr = _planes(image)
    h, w = as_pair(tuple(shape), "shape", minimum=1)
    check_mode(method, "method", tuple(METHODS))
    planes = arr[:, :, None] if arr.ndim == 2 else arr
    eight = keep_eight_bit and is_eight_bit(planes)
    out = np.empty((h, w, planes.shape[2]))
    for ch in range(planes.shape[2]):
        if eight:
            levels = Image.fromarray(np.round(planes[:, :, ch] * 255).astype(np.uint8), "L")
            out[:, :, ch] = np.asarray(resize_pil(levels, (h, w), method)) / 255.0
        else:
            plane = Image.fromarray(np.asarray(planes[:, :, ch], dtype=np.float32), "F")
            out[:, :, ch] = np.asarray(resize_pil(plane, (h, w), method))
    return out[:, :, 0] if arr.ndim == 2 else out


def downscale(
    image: object, max_side: object, *, method: str = "box", keep_eight_bit: bool = False
) -> np.ndarray:
    """Shrink an image so that it fits in ``max_side`` (see :func:`fit_shape`), else copy it.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
    max_side : int or (int, int)
        Longest side, or largest (rows, cols).
    method, keep_eight_bit : keyword-only
        As in :func:`resample`.

    Returns
    -------
    numpy.ndarray
        A new float64 array; the image's own values when it already fits.

    Examples
    --------
    >>> downscale(np.ones((100, 50)), 20).shape
    (20, 10)
    >>> downscale(np.ones((4, 4, 3)), 20).shape
    (4, 4, 3)
    >>> downscale(np.ones((4, 4)), 0)
    Traceback (most recent call last):
    ...
    ValueError: max_side must be at least 1, got 0
    """
    arr = _planes(image)
    target = fit_shape(arr.shape[:2], max_side)
    if target == arr.shape[:2]:
        return np.array(arr, dtype=np.float64)
    return resample(arr, target, method=method, keep_eight_bit=keep_eight_bit)

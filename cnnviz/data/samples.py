"""Images the app offers besides an upload: photos, patterns, lecture matrices.

Three sources, all returning ``float64`` arrays:

* ``load_photo(name)``: real photographs bundled in ``assets/`` (public domain
  or CC0, listed in ``PHOTOS`` with their source and licence);
* ``pattern(name, size)``: synthetic grey test patterns (``PATTERNS``) whose
  edges, corners and frequencies are known exactly, so a kernel's effect is
  easy to read;
* ``LECTURE_INPUTS``: the small matrices the lectures compute by hand, with
  the kernel, bias, padding and stride the lecture uses on them, as exact
  values (see ``shared/TEACHING.md``).

Registries are read-only (``MappingProxyType``, frozen dataclasses and
non-writeable arrays) so that one page of the app cannot corrupt the preset
another page shows; copy an array before editing it.

>>> pattern("checkerboard", size=4, cells=2)
array([[1., 1., 0., 0.],
       [1., 1., 0., 0.],
       [0., 0., 1., 1.],
       [0., 0., 1., 1.]])
>>> LECTURE_INPUTS["max_pool_4x4"].array
array([[1., 1., 1., 1.],
       [1., 1., 1., 2.],
       [3., 4., 4., 5.],
       [2., 2., 1., 2.]])
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from cnnviz.core._checks import as_int, check_mode
from cnnviz.data.images import load_image

__all__ = [
    "ASSETS_DIR",
    "LECTURE_INPUTS",
    "MAX_PATTERN_SIZE",
    "MIN_PATTERN_SIZE",
    "PATTERNS",
    "PHOTOS",
    "WORKING_SIDE",
    "LectureInput",
    "PhotoInfo",
    "load_photo",
    "pattern",
    "pattern_options",
]

#: Folder of the bundled photos: ``assets/`` next to the ``cnnviz`` package.
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"

MIN_PATTERN_SIZE = 3  # the smallest image a 3×3 kernel fits on
MAX_PATTERN_SIZE = 2048
WORKING_SIDE = 128  # the sidebar's working size (longest side) when a link does not say


# --------------------------------------------------------------------------
# Bundled photos


@dataclass(frozen=True)
class PhotoInfo:
    """One bundled photo: where it lives and where it comes from.

    Attributes
    ----------
    file : str
        File name inside ``assets/``.
    title : str
        Short human-readable name for menus.
    source : str
        Who made it and where it was obtained.
    licence : str
        The licence, as the source states it.
    note : str
        What the photo is good for when showing convolution.
    """

    file: str
    title: str
    source: str
    licence: str
    note: str = ""


_SKIMAGE = "scikit-image sample data (skimage.data.{})"

PHOTOS: Mapping[str, PhotoInfo] = MappingProxyType(
    {
        "camera": PhotoInfo(
            file="camera.png",
            title="Camera man (grey, 512 × 512)",
            source="Photograph by Lav Varshney; " + _SKIMAGE.format("camera"),
            licence="No copyright restrictions. CC0 by the photographer (Lav Varshney).",
            note="The classic grey test image: sharp silhouette, smooth sky, grass texture.",
        ),
        "chelsea": PhotoInfo(
            file="chelsea.png",
            title="Chelsea the cat (colour, 451 × 300)",
            source="Photograph by Stefan van der Walt; " + _SKIMAGE.format("chelsea"),
            licence="No copyright restrictions. CC0 by the photographer (Stefan van der Walt).",
            note="Fur texture and prominent horizontal and diagonal edges at several scales.",
        ),
        "coffee": PhotoInfo(
            file="coffee.png",
            title="Coffee cup (colour, 600 × 400)",
            source=(
                "Photograph by Rachel Michetti, courtesy of Pikolo Espresso Bar; "
                + _SKIMAGE.format("coffee")
            ),
            licence="No copyright restrictions. CC0 by the photographer (Rachel Michetti).",
            note="Elliptical rims, smooth porcelain and coarse wood grain.",
        ),
        "rocket": PhotoInfo(
            file="rocket.jpg",
            title="Falcon 9 launch (colour, 640 × 427)",
            source=(
                "Launch photo of DSCOVR on Falcon 9 by SpaceX, from SpaceX Photos "
                "(https://www.flickr.com/photos/spacexphotos/16511594820/); "
                + _SKIMAGE.format("rocket")
            ),
            licence="The image was captured by SpaceX and released in the public domain.",
            note="A strong vertical structure against a soft sky and smoke.",
        ),
        "hubble_deep_field": PhotoInfo(
            file="hubble_deep_field.jpg",
            title="Hubble eXtreme Deep Field (colour, 1000 × 872)",
            source=(
                "NASA, from HubbleSite "
                "(http://hubblesite.org/newscenter/archive/releases/2012/37/image/a/); "
                + _SKIMAGE.format("hubble_deep_field")
            ),
            licence="The image was captured by NASA and may be freely used in the public domain.",
            note="Many small bright blobs on black: good for blur and spot detectors.",
        ),
        "brick": PhotoInfo(
            file="brick.png",
            title="Brick wall (grey, 512 × 512)",
            source=(
                "CC0Textures (https://cc0textures.com/view.php?tex=Bricks25), perspective-"
                "corrected, rotated, cropped and scaled by scikit-image; "
                + _SKIMAGE.format("brick")
            ),
            licence="Creative Commons CC0 License.",
            note="A regular grid of horizontal and vertical mortar lines.",
        ),
    }
)


def load_photo(name: str, *, mode: str = "rgb", max_side: int | None = None) -> np.ndarray:
    """Load a bundled photo as ``float64`` in ``[0, 1]``.

    Parameters
    ----------
    name : str
        A key of ``PHOTOS``.
    mode : {"rgb", "grey", "gray"}, optional
        As in ``cnnviz.data.images.load_image``: ``(H, W, 3)`` or ``(H, W)``.
    max_side : int, optional
        Shrink so that neither side exceeds this, keeping the aspect.

    Returns
    -------
    numpy.ndarray
        A new array the caller may modify.

    Raises
    ------
    ValueError
        If ``name`` is not a key of ``PHOTOS``, or ``mode``/``max_side`` is bad.
    FileNotFoundError
        If the ``assets/`` folder was not deployed with the package.

    Examples
    --------
    >>> load_photo("camera", mode="gray", max_side=64).shape
    (64, 64)
    >>> load_photo("chelsea", max_side=90).shape
    (60, 90, 3)
    """
    check_mode(name, "name", tuple(PHOTOS))
    info = PHOTOS[name]
    return load_image((ASSETS_DIR / info.file).read_bytes(), mode=mode, max_side=max_side)


# --------------------------------------------------------------------------
# Synthetic patterns
#
# Geometry uses pixel centres (index + 0.5) measured from the image centre
# (size / 2), so every shape is exactly symmetric for odd and even sizes.


def _centred(size: int) -> np.ndarray:
    return np.arange(size) + 0.5 - size / 2


def _as_fraction(value: object, name: str) -> float:
    """A number in (0, 1], as a fraction of the image size."""
    number = float(value) if isinstance(value, numbers.Real) else math.nan
    if isinstance(value, bool) or not math.isfinite(number) or not 0 < number <= 1:
        raise ValueError(f"{name} must be a number in (0, 1], got {value!r}")
    return number


def _checkerboard(size: int, *, cells: int | None = None) -> np.ndarray:
    """Squares of alternating 1 and 0, ``cells`` per side, top-left white.

    ``cells`` defaults to 8, or ``size`` on images smaller than 8 pixels.
    """
    cells = min(8, size) if cells is None else as_int(cells, "cells", minimum=1)
    if cells > size:
        raise ValueError(f"cells must be at most size ({size}), got {cells}")
    index = np.arange(size) * cells // size  # which cell each row/column is in
    return np.asarray((index[:, None] + index[None, :]) % 2 == 0, dtype=np.float64)


def _circle(size: int, *, radius: float = 0.3) -> np.ndarray:
    """A filled white disc on black; ``radius`` is a fraction of the size."""
    r = _as_fraction(radius, "radius") * size
    c = _centred(size)
    return np.asarray(c[:, None] ** 2 + c[None, :] ** 2 <= r * r, dtype=np.float64)


_ORIENTATIONS = MappingProxyType(
    {"vertical": 0.0, "horizontal": 90.0, "diagonal": 45.0, "antidiagonal": 135.0})


def _stripes(
    size: int,
    *,
    period: int | None = None,
    orientation: str | None = None,
    angle: float | None = None,
    wave: str = "square",
) -> np.ndarray:
    """Parallel stripes, ``period`` pixels per white + black pair.

    ``orientation`` ("vertical", "horizontal", "diagonal" like ``/``,
    "antidiagonal" like ``\\``) or
    ``angle`` in degrees (0 = vertical stripes, 90 = horizontal) sets the
    direction; ``wave="sine"`` gives a smooth grating instead of hard edges.
    """
    # Default 8, or smaller on tiny images so that a dark band always shows.
    period = min(8, size - size % 2) if period is None else as_int(period, "period", minimum=2)
    check_mode(wave, "wave", ("square", "sine"))
    if orientation is not None and angle is not None:
        raise ValueError(
            f"give orientation or angle, not both; got orientation={orientation!r}, angle={angle!r}"
        )
    if angle is None:
        angle = _ORIENTATIONS[
            check_mode(orientation or "vertical", "orientation", tuple(_ORIENTATIONS))
        ]
    if isinstance(angle, bool) or not isinstance(angle, numbers.Real) or not math.isfinite(angle):
        raise ValueError(f"angle must be a finite number of degrees, got {angle!r}")
    theta = math.radians(angle)
    # Snap cos/sin of multiples of 90° to exact 0/±1 so that vertical and
    # horizontal stripes have perfectly straight, equal-width bands.
    cos_t, sin_t = (0.0 if abs(v) < 1e-12 else v for v in (math.cos(theta), math.sin(theta)))
    idx = np.arange(size, dtype=np.float64)
    t = idx[None, :] * cos_t + idx[:, None] * sin_t  # distance across the stripes
    if wave == "sine":
        return 0.5 + 0.5 * np.cos(2 * np.pi * t / period)
    return (np.floor(t / (period / 2)) % 2 == 0).astype(np.float64)


def _gradient(size: int, *, direction: str = "horizontal") -> np.ndarray:
    """A linear ramp from 0 to 1 (left to right, top to bottom, or diagonal),
    or ``"radial"``: 0 at the centre rising to 1 in the corners."""
    check_mode(direction, "direction", ("horizontal", "vertical", "diagonal", "radial"))
    ramp = np.linspace(0.0, 1.0, size)
    if direction == "horizontal":
        return np.tile(ramp, (size, 1))
    if direction == "vertical":
        return np.tile(ramp[:, None], (1, size))
    if direction == "diagonal":
        return np.asarray((ramp[:, None] + ramp[None, :]) / 2, dtype=np.float64)
    c = _centred(size)
    distance = np.hypot(c[:, None], c[None, :])
    # Min-max, so that even sizes (no pixel on the exact centre) still reach 0.
    return np.asarray((distance - distance.min()) / (distance.max() - distance.min()),
                      dtype=np.float64)


def _square(size: int, *, side: float = 0.5) -> np.ndarray:
    """A filled white square on black, centred; ``side`` is a fraction of the size."""
    half = _as_fraction(side, "side") * size / 2
    inside = np.abs(_centred(size)) <= half
    return np.asarray(inside[:, None] & inside[None, :], dtype=np.float64)


def _cross(size: int, *, thickness: float = 0.2, length: float = 0.8) -> np.ndarray:
    """A white plus sign on black: a horizontal and a vertical bar."""
    # At least one pixel thick, or a thin cross on an even size would vanish.
    half_t = max(_as_fraction(thickness, "thickness") * size, 1.0) / 2
    half_l = max(_as_fraction(length, "length") * size, 1.0) / 2
    c = np.abs(_centred(size))
    thin, long = c <= half_t, c <= half_l
    return np.asarray((thin[:, None] & long[None, :]) | (long[:, None] & thin[None, :]),
                      dtype=np.float64)


# A built-in 5 × 7 bitmap font: no system fonts needed, identical everywhere.
# Asymmetric glyphs (F, L, 7, ...) show the difference between convolution
# (kernel flipped) and cross-correlation at a glance.
_GLYPHS = MappingProxyType({
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
})
_GLYPH_H, _GLYPH_W = 7, 5


def _glyph(char: str) -> np.ndarray:
    rows = _GLYPHS[char]
    return np.array([[cell == "#" for cell in row] for row in rows], dtype=np.float64)


def _digit(size: int, *, char: str = "7") -> np.ndarray:
    """A white digit or capital letter (MNIST-like: white on black), drawn from
    a built-in 5 × 7 bitmap and scaled up by whole pixels when it fits."""
    key = char.upper() if isinstance(char, str) else char
    if isinstance(key, numbers.Integral) and not isinstance(key, bool) and 0 <= key <= 9:
        key = str(key)
    check_mode(key, "char", tuple(_GLYPHS))
    glyph = _glyph(key)
    out = np.zeros((size, size))
    # Largest whole-pixel scale that leaves a margin (~10 % a side), like MNIST's
    # padded digits; blocky but with exact 0/1 values and crisp edges.
    scale = max(1, int(size * 0.8) // _GLYPH_H)
    if _GLYPH_H * scale <= size:
        big = np.kron(glyph, np.ones((scale, scale)))
        top = (size - big.shape[0]) // 2
        left = (size - big.shape[1]) // 2
        out[top : top + big.shape[0], left : left + big.shape[1]] = big
        return out
    # Tiny canvas (size < 7): nearest-neighbour sample the glyph onto it.
    rows = np.minimum((np.arange(size) + 0.5) * _GLYPH_H / size, _GLYPH_H - 1).astype(int)
    width = max(1, round(size * _GLYPH_W / _GLYPH_H))
    cols = np.minimum((np.arange(width) + 0.5) * _GLYPH_W / width, _GLYPH_W - 1).astype(int)
    left = (size - width) // 2
    out[:, left : left + width] = glyph[np.ix_(rows, cols)]
    return out


def _noise(size: int, *, seed: int = 0) -> np.ndarray:
    """Uniform random values in [0, 1); the same ``seed`` gives the same image."""
    seed = as_int(seed, "seed", minimum=0)
    return np.random.default_rng(seed).random((size, size))


def _impulse(size: int) -> np.ndarray:
    """A single white pixel in the centre: its output *is* the kernel
    (flipped for cross-correlation, upright for true convolution)."""
    out = np.zeros((size, size))
    out[size // 2, size // 2] = 1.0
    return out


_GENERATORS: Mapping[str, Callable[..., np.ndarray]] = MappingProxyType({
    "checkerboard": _checkerboard,
    "circle": _circle,
    "stripes": _stripes,
    "gradient": _gradient,
    "square": _square,
    "cross": _cross,
    "digit": _digit,
    "noise": _noise,
    "impulse": _impulse,
})

#: Pattern name → one-line description (read-only).
PATTERNS: Mapping[str, str] = MappingProxyType(
    {
        "checkerboard": "Alternating black and white squares: edges and corners everywhere.",
        "circle": "A white disc on black: edges in every direction.",
        "stripes": "Parallel stripes (vertical, horizontal or at any angle).",
        "gradient": "A smooth ramp from black to white: no edges at all.",
        "square": "A white square on black: two vertical and two horizontal edges, four corners.",
        "cross": "A white plus sign on black: bars and inner corners.",
        "digit": "A white digit or letter on black, like an MNIST sample.",
        "noise": "Seeded uniform random noise: what blurring smooths away.",
        "impulse": "One white pixel: the output shows the kernel itself.",
    }
)


def pattern_options(name: str) -> dict[str, Any]:
    """The options ``pattern(name, ...)`` accepts, with their defaults.

    >>> pattern_options("stripes")
    {'period': None, 'orientation': None, 'angle': None, 'wave': 'square'}
    >>> pattern_options("impulse")
    {}
    """
    check_mode(name, "name", tuple(PATTERNS))
    params = inspect.signature(_GENERATORS[name]).parameters
    return {key: p.default for key, p in params.items() if p.kind is p.KEYWORD_ONLY}


def pattern(name: str, size: int = 64, **options: Any) -> np.ndarray:
    """Draw a synthetic grey test pattern.

    Parameters
    ----------
    name : str
        A key of ``PATTERNS``.
    size : int, optional
        Width and height in pixels, from 3 to 2048.
    **options
        Pattern-specific settings (see ``pattern_options(name)``):

        * checkerboard: ``cells`` (squares per side, default 8 or ``size``
          if smaller);
        * circle: ``radius`` (fraction of ``size``, default 0.3);
        * stripes: ``period`` (pixels, default 8, less below 8 pixels), ``orientation``
          ("vertical", "horizontal", "diagonal", "antidiagonal") or ``angle``
          (degrees, 0 = vertical), ``wave`` ("square" or "sine");
        * gradient: ``direction`` ("horizontal", "vertical", "diagonal",
          "radial");
        * square: ``side`` (fraction, default 0.5);
        * cross: ``thickness`` (default 0.2) and ``length`` (default 0.8);
        * digit: ``char`` ("0" to "9" or one of A, E, F, L, T, X; default "7");
        * noise: ``seed`` (default 0);
        * impulse: none.

    Returns
    -------
    numpy.ndarray
        A new ``(size, size)`` ``float64`` array with values in ``[0, 1]``.

    Raises
    ------
    ValueError
        If ``name``, ``size`` or an option is invalid; the message names it.

    Examples
    --------
    >>> pattern("stripes", size=6, period=4)
    array([[1., 1., 0., 0., 1., 1.],
           [1., 1., 0., 0., 1., 1.],
           [1., 1., 0., 0., 1., 1.],
           [1., 1., 0., 0., 1., 1.],
           [1., 1., 0., 0., 1., 1.],
           [1., 1., 0., 0., 1., 1.]])
    >>> pattern("impulse", size=3)
    array([[0., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    >>> pattern("circle", size=2)
    Traceback (most recent call last):
    ...
    ValueError: size must be at least 3, got 2
    """
    allowed = pattern_options(name)
    size = as_int(size, "size", minimum=MIN_PATTERN_SIZE)
    if size > MAX_PATTERN_SIZE:
        raise ValueError(f"size must be at most {MAX_PATTERN_SIZE}, got {size}")
    for key, value in options.items():
        if key not in allowed:
            known = ", ".join(allowed) or "none"
            raise ValueError(
                f"pattern {name!r} has no option {key!r} (got {key}={value!r}); "
                f"its options are: {known}"
            )
    out = _GENERATORS[name](size, **options)
    return np.require(np.clip(out, 0.0, 1.0), dtype=np.float64, requirements=["C", "W", "O"])


# --------------------------------------------------------------------------
# The lectures' hand-computed examples


@dataclass(frozen=True)
class LectureInput:
    """A small input from the lectures, with what the lecture does to it.

    Attributes
    ----------
    title : str
        Menu label.
    array : numpy.ndarray
        The input, exact values, read-only: ``(H, W)`` or ``(H, W, C)``
        (channels last, as in the lectures' ``n_H × n_W × n_c``).
    kernel : numpy.ndarray or None
        The filter the lecture applies (read-only), ``(f, f)`` or
        ``(f, f, n_c)``; None for pooling.
    bias : float
        The bias ``w0`` added to every output value.
    explanation : str
        One line saying what to look at.
    padding : int
        ``p`` in the lecture's size formula.
    stride : int
        ``s``; for pooling, the pool's stride.
    pool_size : int or None
        For a pooling example, the window size; None otherwise.
    cell : tuple of int
        The output cell (row, column) the lecture works out by hand.
    """

    title: str
    array: np.ndarray
    kernel: np.ndarray | None
    bias: float
    explanation: str
    padding: int = 0
    stride: int = 1
    pool_size: int | None = None
    cell: tuple[int, int] = (0, 0)


def _frozen(values: Any) -> np.ndarray:
    arr = np.array(values, dtype=np.float64)  # a private copy, then locked
    arr.flags.writeable = False
    return arr


_VERTICAL_EDGE = ((1, 0, -1), (1, 0, -1), (1, 0, -1))
_ZERO_ROW = (0,) * 7
_RECTANGLE = (_ZERO_ROW, _ZERO_ROW, (0, 1, 1, 1, 1, 1, 0), (0, 1, 0, 0, 0, 1, 0),
              (0, 1, 1, 1, 1, 1, 0), _ZERO_ROW, _ZERO_ROW)


def _edge_volume() -> np.ndarray:
    volume = np.zeros((10, 10, 3))
    volume[:, :5, :] = 25.0  # bright left half in R, G and B
    return volume


def _square_10x10() -> np.ndarray:
    image = np.zeros((10, 10))
    image[3:7, 3:7] = 1.0
    return image


def _edge_10x10() -> np.ndarray:
    """Lecture 004's grey 10 × 10 image: 25 in the left five columns, 0 in the right five."""
    image = np.zeros((10, 10))
    image[:, :5] = 25.0
    return image


def _band_8x8() -> np.ndarray:
    """Lecture 004's pooling input: columns 3 and 4 (0-based) hold 225, the rest 0."""
    image = np.zeros((8, 8))
    image[:, 3:5] = 225.0
    return image


#: Lecture 004's signed 8 × 8 feature map: the vertical-edge filter on "another image".
SIGNED_8X8 = (
    (-67, 23, 43, 55, -72, -12, -30, 81),
    (313, 343, 0, 0, 0, 0, -362, -291),
    (559, 390, 0, 0, 0, 0, -423, -601),
    (498, 390, 0, 0, 0, 0, -423, -633),
    (498, 390, 0, 0, 0, 0, -423, -633),
    (559, 390, 0, 0, 0, 0, -423, -601),
    (318, 344, 0, 0, 0, 0, -367, -296),
    (-62, 24, 43, 55, -72, -12, -35, 76),
)

# Lecture 004's "another image", a 10 × 10 × 3 photo crop, rows top to bottom, as the
# transcript's table gives it (R, G and B side by side). The table lost one G value in
# each of rows 2-9 (1-based), each inside a run of equal values: _ANOTHER_RESTORED
# names them, and _another_image() puts each back inside its run. The check that this
# is right: the vertical-edge filter on every channel then gives all 64 values of the
# lecture's signed 8 × 8 map (tests/unit/test_samples.py).
_ANOTHER_R = (
    (3, 3, 98, 140, 158, 157, 137, 87, 3, 3),
    (3, 170, 206, 206, 206, 206, 206, 206, 148, 3),
    (102, 220, 252, 252, 252, 252, 252, 252, 201, 82),
    (145, 220, 252, 252, 252, 252, 252, 252, 201, 134),
    (158, 220, 252, 252, 252, 252, 252, 252, 201, 151),
    (158, 220, 252, 252, 252, 252, 252, 252, 201, 151),
    (145, 220, 252, 252, 252, 252, 252, 252, 201, 134),
    (102, 220, 252, 252, 252, 252, 252, 252, 201, 82),
    (3, 177, 213, 213, 213, 213, 213, 213, 154, 3),
    (3, 3, 98, 140, 158, 157, 137, 87, 3, 3),
)
_ANOTHER_G_AS_TYPED = (
    (51, 51, 163, 225, 252, 250, 220, 148, 51, 51),
    (51, 178, 196, 196, 196, 196, 196, 169, 51),
    (169, 170, 3, 3, 3, 3, 3, 203, 141),
    (233, 170, 3, 3, 3, 3, 3, 203, 217),
    (252, 170, 3, 3, 3, 3, 3, 203, 242),
    (252, 170, 3, 3, 3, 3, 3, 203, 242),
    (233, 170, 3, 3, 3, 3, 3, 203, 217),
    (169, 170, 3, 3, 3, 3, 3, 203, 141),
    (51, 172, 182, 182, 182, 182, 182, 166, 51),
    (51, 51, 163, 225, 252, 250, 220, 148, 51, 51),
)
_ANOTHER_B = (
    (252, 252, 207, 131, 15, 34, 140, 218, 252, 252),
    (252, 147, 10, 10, 10, 10, 10, 10, 175, 252),
    (203, 13, 18, 18, 18, 18, 18, 18, 10, 222),
    (113, 13, 18, 18, 18, 18, 18, 18, 10, 147),
    (3, 13, 18, 18, 18, 18, 18, 18, 10, 84),
    (3, 13, 18, 18, 18, 18, 18, 18, 10, 84),
    (113, 13, 18, 18, 18, 18, 18, 18, 10, 147),
    (203, 13, 18, 18, 18, 18, 18, 18, 10, 222),
    (252, 142, 12, 12, 12, 12, 12, 12, 172, 252),
    (252, 252, 207, 131, 15, 34, 140, 218, 252, 252),
)
#: The G values the transcript lost, restored: (row, value), 1-based rows; each is one
#: more of the run of equal values it sits in (columns 3-8 of G).
ANOTHER_RESTORED = ((2, 196), (3, 3), (4, 3), (5, 3), (6, 3), (7, 3), (8, 3), (9, 182))


def _another_image() -> np.ndarray:
    green: list[list[int]] = []
    restored = dict(ANOTHER_RESTORED)
    for r, typed in enumerate(_ANOTHER_G_AS_TYPED, start=1):
        row = list(typed)
        if r in restored:
            at = row.index(restored[r])  # the start of its run
            row.insert(at, restored[r])
        green.append(row)
    return np.stack([np.array(_ANOTHER_R), np.array(green), np.array(_ANOTHER_B)],
                    axis=-1).astype(np.float64)


def _per_channel(kernel: Any) -> np.ndarray:
    return np.repeat(np.array(kernel, dtype=np.float64)[:, :, None], 3, axis=2)


# Built once: the plain and the padded example share the one rebuilt volume.
_ANOTHER_IMAGE = _frozen(_another_image())

LECTURE_INPUTS: Mapping[str, LectureInput] = MappingProxyType(
    {
        "digit_one": LectureInput(
            title="Digit one, 7 × 7, with a feature detector",
            array=_frozen(
                [
                    _ZERO_ROW,
                    _ZERO_ROW,
                    [0, 0, 0, 1, 0, 0, 0],
                    [0, 0, 1, 1, 0, 0, 0],
                    [0, 0, 0, 1, 0, 0, 0],
                    [0, 0, 0, 1, 0, 0, 0],
                    _ZERO_ROW,
                ]
            ),
            kernel=_frozen([[1, 0, 0], [1, 0, 1], [0, 1, 1]]),
            bias=0.0,
            explanation=(
                "Each output counts the ink pixels under the detector's five 1s; "
                "the best match, 3, is the window at row 1, column 1, around the stroke's "
                "top."
            ),
        ),
        "rectangle_wtx": LectureInput(
            title="Rectangle outline, 7 × 7: the filter's wᵀx (lecture 002)",
            array=_frozen(_RECTANGLE),
            kernel=_frozen([[1, 1, 1], [0, 0, 1], [0, 0, 1]]),
            bias=0.0,
            explanation=(
                "wᵀx at every position, the lecture's printed map: 1 1 1 1 0 / 1 1 1 2 0 / "
                "3 4 4 5 2 / 2 2 1 2 1 / 2 3 3 3 2. The further step, + w0 and the "
                "activation, is the next matrix: Rectangle outline + w0 = −4, ReLU."
            ),
        ),
        "rectangle": LectureInput(
            title="Rectangle outline + w0 = −4, ReLU: the filter as a neuron",
            array=_frozen(_RECTANGLE),
            kernel=_frozen([[1, 1, 1], [0, 0, 1], [0, 0, 1]]),
            bias=-4.0,
            explanation=(
                "The filter has five 1s and only the top-right corner matches all five "
                "(wᵀx = 5); with w0 = −4 the corner gives 1 and every partial match "
                "(wᵀx ≤ 4) gives ≤ 0, which ReLU sets to 0."
            ),
        ),
        "vertical_edge": LectureInput(
            title="Vertical edge, 10 × 10 × 3, one filter over all channels",
            array=_frozen(_edge_volume()),
            kernel=_frozen(np.repeat(np.array(_VERTICAL_EDGE)[:, :, None], 3, axis=2)),
            bias=0.0,
            cell=(0, 3),  # step 4: the window straddles the edge
            explanation=(
                "Each channel's slice gives 75 where the window straddles the edge and 0 "
                "elsewhere; the three partial sums add to 225: a bright vertical band."
            ),
        ),
        "floor_6x6": LectureInput(
            title="6 × 6 input, f = 3, p = 1, s = 5: the floor in the size formula",
            array=_frozen(
                [
                    [3, 0, 1, 2, 7, 4],
                    [1, 5, 8, 9, 3, 1],
                    [2, 7, 2, 5, 1, 3],
                    [0, 1, 3, 1, 7, 8],
                    [4, 2, 1, 6, 2, 8],
                    [2, 4, 5, 2, 3, 9],
                ]
            ),
            kernel=_frozen(_VERTICAL_EDGE),
            bias=0.0,
            padding=1,
            stride=5,
            explanation=(
                "⌊(6 + 2·1 − 3) / 5⌋ + 1 = 2: windows start at 0 and 5 of the padded "
                "8 × 8; a third would hang over the edge, so the output is 2 × 2."
            ),
        ),
        "stride_10x10": LectureInput(
            title="10 × 10 (25 | 0), f = 3, stride 2 (lecture 004)",
            array=_frozen(_edge_10x10()),
            kernel=_frozen(_VERTICAL_EDGE),
            bias=0.0,
            stride=2,
            explanation=(
                "(10 − 3) / 2 + 1 = 4.5, and for fractions the lecture picks the lower "
                "integer: 4 × 4. Windows start at columns 0, 2, 4, 6: only the one at 4 "
                "straddles the edge (75); the last row and column are never read."
            ),
        ),
        "padding_10x10": LectureInput(
            title="10 × 10 input, f = 5, p = 1",
            array=_frozen(_square_10x10()),
            kernel=_frozen(
                np.array(
                    [
                        [1, 4, 7, 4, 1],
                        [4, 16, 26, 16, 4],
                        [7, 26, 41, 26, 7],
                        [4, 16, 26, 16, 4],
                        [1, 4, 7, 4, 1],
                    ]
                )
                / 273
            ),
            bias=0.0,
            padding=1,
            explanation=(
                "(10 + 2·1 − 5) / 1 + 1 = 8: padding 1 is not enough to keep a 5 × 5 "
                "filter's output at 10 × 10 (that needs p = 2); the square is blurred."
            ),
        ),
        "max_pool_4x4": LectureInput(
            title="4 × 4 (the rectangle map's corner), 2 × 2 max pooling (lecture 002)",
            array=_frozen([[1, 1, 1, 1], [1, 1, 1, 2], [3, 4, 4, 5], [2, 2, 1, 2]]),
            kernel=None,
            bias=0.0,
            stride=2,
            pool_size=2,
            explanation=(
                "The top-left 4 × 4 of the rectangle's wᵀx map; each 2 × 2 block keeps its "
                "largest value: [[1, 2], [4, 5]] (average pooling gives [[1, 1.25], "
                "[2.75, 3]]); nothing is learned."
            ),
        ),
        "band_225": LectureInput(
            title="8 × 8, a 225 band, 2 × 2 max pooling (lecture 004)",
            array=_frozen(_band_8x8()),
            kernel=None,
            bias=0.0,
            stride=2,
            pool_size=2,
            explanation=(
                "Columns 3 and 4 hold 225: max pooling 2 × 2, stride 2 keeps the band in "
                "columns 1 and 2 of the 4 × 4 output."
            ),
        ),
        "signed_8x8": LectureInput(
            title="Signed 8 × 8 feature map, 2 × 2 max pooling (lecture 004)",
            array=_frozen(SIGNED_8X8),
            kernel=None,
            bias=0.0,
            stride=2,
            pool_size=2,
            explanation=(
                "The vertical-edge filter's map on \"another image\"; max pooled 2 × 2 it "
                "gives [[343, 55, 0, 81], [559, 0, 0, −423], [559, 0, 0, −423], "
                "[344, 55, 0, 76]]: a window of negatives keeps its largest, −423."
            ),
        ),
        "another_image": LectureInput(
            title="\"Another image\", 10 × 10 × 3, vertical edge on every channel (lecture 004)",
            array=_ANOTHER_IMAGE,
            kernel=_frozen(_per_channel(_VERTICAL_EDGE)),
            bias=0.0,
            explanation=(
                "Cell (0, 0): Layer R 3 + 3 + 102 − 98 − 206 − 252 = −448, G −91, B 472, "
                "total −67. Restored: the transcript lost one G value in each of rows 2–9 "
                "(196 in row 2, 3 in rows 3–8, 182 in row 9), each inside a run of equal "
                "values; with them all 64 values of the lecture's 8 × 8 map come out."
            ),
        ),
        "another_image_p1": LectureInput(
            title="\"Another image\" padded, p = 1: a 10 × 10 map (lecture 004)",
            array=_ANOTHER_IMAGE,
            kernel=_frozen(_per_channel(_VERTICAL_EDGE)),
            bias=0.0,
            padding=1,
            explanation=(
                "(10 + 2·1 − 3) / 1 + 1 = 10: back to the input's size. The map starts −801, "
                "−268, −107; its first column −801, −1204, −1301, −1209. (The transcript's "
                "table lost some minus signs; these come from the rebuilt input.)"
            ),
        ),
    }
)

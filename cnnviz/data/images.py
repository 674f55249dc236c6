"""Read an uploaded image file into a float array the rest of cnnviz can use.

``load_image`` turns the bytes of an image file into ``float64`` values in
``[0, 1]``: ``(H, W, 3)`` for colour, ``(H, W)`` for grey. It is the only
place where untrusted bytes meet Pillow, so it is defensive by design:

* only a few common raster formats are decoded (``FORMATS``); Pillow knows
  many more, but every extra decoder is extra attack surface and none of them
  is something a student uploads;
* the pixel count is checked from the header *before* the pixels are decoded,
  so a decompression bomb (a tiny file that claims to be gigapixels) costs
  nothing;
* whatever goes wrong inside Pillow surfaces as ``ImageError``, a
  ``ValueError`` whose message a student can read, never as a Pillow
  internal exception.

The conversion follows what a person expects to *see*: the EXIF orientation
is applied, transparent areas become white (as an image viewer shows them on
a white page), 16-bit and floating-point images are scaled into ``[0, 1]``
rather than clipped, and grey is luminance with the ITU-R BT.601 weights.

>>> import io
>>> from PIL import Image
>>> buffer = io.BytesIO()
>>> Image.new("RGB", (4, 2), (255, 0, 0)).save(buffer, "PNG")
>>> rgb = load_image(buffer.getvalue())
>>> rgb.shape, rgb.dtype, rgb[0, 0].tolist()
((2, 4, 3), dtype('float64'), [1.0, 0.0, 0.0])
>>> float(load_image(buffer.getvalue(), mode="gray")[0, 0])
0.299
>>> try:
...     load_image(b"hello")
... except ImageError as err:
...     print(err)
This file is not an image cnnviz can read (PNG, JPEG, GIF, BMP, TIFF or WebP).
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from cnnviz.core._checks import as_int, check_mode
from cnnviz.data.pixels import fit_shape, resize_pil

__all__ = [
    "FORMATS", "MAX_PIXELS", "ImageError", "image_size", "load_image", "load_image_with_notes",
]

#: Largest image (width × height, in pixels) that ``load_image`` decodes.
#: 40 megapixels covers any phone photo; as float64 RGB it is already ~1 GB.
MAX_PIXELS = 40_000_000

#: Pillow format names that ``load_image`` accepts. PPM (netpbm) is included
#: because course material often ships PGM/PPM files.
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "PPM")

#: ITU-R BT.601 luma weights for R, G and B (they sum to 1).
BT601 = (0.299, 0.587, 0.114)

# Both spellings of grey are accepted: British (the rest of cnnviz) and
# American (Pillow, Plotly, most libraries); they mean the same mode.
_MODES = ("rgb", "grey", "gray")

NOT_AN_IMAGE = "This file is not an image cnnviz can read (PNG, JPEG, GIF, BMP, TIFF or WebP)."
DAMAGED = "The image file is damaged or cut short."
EMPTY = "The file is empty: there is no image in it."
UNSUPPORTED = "This image uses a pixel format (Pillow mode {mode!r}) that cnnviz cannot show."
NO_MEMORY = "The image is too large to open on this server."
_ON_WHITE = "Transparent areas are shown on white."

# Magic numbers of the formats above: bytes that start like one of these are
# a damaged image rather than "not an image at all", and deserve that message.
_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
)

# Exceptions Pillow (and the zlib/struct code under it) raises on bad input.
# DecompressionBombError is deliberately absent: it gets its own message.
_DECODE_ERRORS = (
    OSError,  # includes UnidentifiedImageError
    SyntaxError,
    ValueError,
    TypeError,
    struct.error,
    zlib.error,
    EOFError,
    IndexError,
    KeyError,
    AttributeError,
    ZeroDivisionError,
    OverflowError,
    RecursionError,
    NotImplementedError,
    # Pillow warns about some oddities (corrupt EXIF, bomb-sized images); under
    # ``-W error`` those warnings are raised and must not escape either.
    Warning,
)


class ImageError(ValueError):
    """The data given to ``load_image`` is not an image cnnviz can show.

    A ``ValueError`` subclass, so callers that already handle bad arguments
    keep working; the message is a full sentence meant for the student.

    >>> issubclass(ImageError, ValueError)
    True
    """


def load_image(data: Any, *, mode: str = "rgb", max_side: int | None = None) -> np.ndarray:
    """Decode an image file into a ``float64`` array in ``[0, 1]``.

    Parameters
    ----------
    data : bytes, bytearray, memoryview or binary file object
        The content of the image file. A file object (anything with a
        ``read()`` method, such as Streamlit's ``UploadedFile``) is read from
        its start when it can seek, like ``PIL.Image.open`` does.
    mode : {"rgb", "grey", "gray"}, optional
        ``"rgb"`` gives ``(H, W, 3)``; ``"grey"`` (or ``"gray"``, the same
        mode spelt the American way) gives ``(H, W)`` luminance
        ``0.299 R + 0.587 G + 0.114 B`` (ITU-R BT.601), computed in floating
        point from the colour values after transparency is flattened.
    max_side : int, optional
        If given (at least 1), the image is shrunk, keeping its aspect ratio,
        so that neither side exceeds ``max_side`` pixels. Smaller images are
        never enlarged.

    Returns
    -------
    numpy.ndarray
        A new C-contiguous ``float64`` array with values in ``[0, 1]``.

    Raises
    ------
    ImageError
        If ``data`` is empty, not a raster image in one of ``FORMATS``,
        damaged or truncated, or larger than ``MAX_PIXELS`` pixels.
    ValueError
        If ``mode`` or ``max_side`` is invalid, or ``data`` is not bytes or a
        binary file object.

    Notes
    -----
    * The EXIF orientation tag is applied, so a phone photo taken upright
      shows upright. An unreadable EXIF block is ignored, not fatal.
    * Transparent and semi-transparent pixels are composited onto white.
    * 16-bit images are divided by 65535; 32-bit integer images likewise when
      their maximum fits in 16 bits, otherwise by their own maximum; float
      images are kept if they lie in ``[0, 1]`` and min-max scaled otherwise
      (NaN becomes 0).
    * Only the first frame of an animation or multi-page file is read.
    * :func:`load_image_with_notes` returns the same array together with a
      sentence for each of these changes that applies.
    * Shrinking uses Lanczos resampling (after a box reduction for large
      factors), done before conversion to float for 8-bit images and in
      float for 16-bit and float images, so no precision is lost.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("L", (400, 100), 128).save(buffer, "PNG")
    >>> load_image(buffer.getvalue(), mode="gray", max_side=40).shape
    (10, 40)
    >>> load_image(buffer.getvalue(), max_side=1000).shape
    (100, 400, 3)
    >>> load_image(buffer.getvalue(), mode="grey").shape
    (100, 400)
    >>> load_image(buffer.getvalue(), mode="L")
    Traceback (most recent call last):
    ...
    ValueError: mode must be one of 'rgb', 'grey', 'gray', got 'L'
    """
    return _load(data, mode, max_side, None)


def load_image_with_notes(
    data: Any, *, mode: str = "rgb", max_side: int | None = None
) -> tuple[np.ndarray, list[str]]:
    """:func:`load_image`, plus a sentence for every change made to the picture on the way.

    Same arguments, array and errors as :func:`load_image`. The notes say, in
    words a student reads, what was done that the array alone does not show:

    * only the first frame of an animated GIF (PNG, WebP) or the first page
      of a multi-page TIFF is used;
    * floating-point values outside ``[0, 1]`` were stretched onto it (with
      their range), NaN shown as 0, infinities clipped; 32-bit integer values
      were divided by their maximum or stretched;
    * transparent areas are shown on white;
    * the image was shrunk to ``max_side`` (from which size to which).

    An ordinary 8-bit photo that fits gives no notes.

    Returns
    -------
    (numpy.ndarray, list of str)

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("L", (400, 100), 128).save(buffer, "PNG")
    >>> image, notes = load_image_with_notes(buffer.getvalue(), max_side=40)
    >>> image.shape, notes
    ((10, 40, 3), ['Shrunk from 400×100 to 40×10 pixels (working size: longest side at most 40).'])
    >>> load_image_with_notes(buffer.getvalue())[1]
    []
    """
    notes: list[str] = []
    return _load(data, mode, max_side, notes), notes


def _load(data: Any, mode: str, max_side: int | None, notes: list[str] | None) -> np.ndarray:
    mode = check_mode(mode, "mode", _MODES)
    if mode == "grey":
        mode = "gray"
    if max_side is not None:
        max_side = as_int(max_side, "max_side", minimum=1)
    raw = _read_bytes(data)
    if not raw:
        raise ImageError(EMPTY)
    try:
        decoded = _decode(raw, max_side, [] if notes is None else notes)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        # Pillow's own (higher) limit fired inside Image.open, before our
        # header check could run; its message carries the pixel count.
        raise ImageError(_too_large_from_pillow(str(err))) from None
    except MemoryError:
        raise ImageError(NO_MEMORY) from None
    except _DECODE_ERRORS as err:
        raise ImageError(DAMAGED) from err
    return _finish(decoded, mode)


# --------------------------------------------------------------------------
# Reading the input


def _read_bytes(data: Any) -> bytes:
    """Return the file content as ``bytes``; bad argument types are ValueError."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        try:
            # tobytes copes with any item format and non-contiguous views.
            return memoryview(data).tobytes()
        except ValueError as err:  # a released memoryview
            raise ValueError(f"data must be readable bytes, got a memoryview: {err}") from None
    read = getattr(data, "read", None)
    if callable(read):
        try:
            data.seek(0)  # like PIL.Image.open: the whole file, wherever it was left
        except (AttributeError, OSError, ValueError):
            pass  # not seekable: read from where it is
        try:
            content = read()
        except (OSError, ValueError) as err:
            raise ImageError(f"The file could not be read: {err}") from err
        if isinstance(content, str):
            raise ValueError("data must be a binary file object (opened with 'rb'), got text")
        if not isinstance(content, bytes | bytearray | memoryview):
            raise ValueError(f"data.read() must return bytes, got {type(content).__name__}")
        return bytes(content)
    raise ValueError(
        "data must be the bytes of an image file or a binary file object, "
        f"got {type(data).__name__}"
    )


def _not_an_image_message(raw: bytes) -> str:
    """Explain why ``raw`` is not an image, with a hint for common mix-ups."""
    if raw.startswith(_SIGNATURES) or (raw[:4] == b"RIFF" and raw[8:12] == b"WEBP"):
        return DAMAGED
    head = raw[:512].lstrip().lower()
    if raw.startswith(b"%PDF"):
        return NOT_AN_IMAGE + " It is a PDF document: export the page as PNG first."
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in raw[:4096].lower():
        return NOT_AN_IMAGE + " It is an SVG drawing: export it as PNG first."
    if raw[4:8] == b"ftyp" and raw[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return NOT_AN_IMAGE + " HEIC/AVIF photos are not supported: save it as JPEG first."
    return NOT_AN_IMAGE


def _too_large(width: int, height: int) -> str:
    return (
        f"The image is too large: {width} × {height} pixels; "
        f"the limit is {MAX_PIXELS / 1e6:g} megapixels."
    )


def _too_large_from_pillow(message: str) -> str:
    match = re.search(r"\((\d+) pixels\)", message)
    size = f": {int(match.group(1)) / 1e6:,.0f} megapixels" if match else ""
    return f"The image is too large{size}; the limit is {MAX_PIXELS / 1e6:g} megapixels."


# --------------------------------------------------------------------------
# Decoding


def _open(raw: bytes) -> Image.Image:
    """Read the header only (no pixels yet); not-an-image becomes ImageError."""
    try:
        return Image.open(io.BytesIO(raw), formats=FORMATS)
    except UnidentifiedImageError:
        raise ImageError(_not_an_image_message(raw)) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
        raise  # load_image words these
    except _DECODE_ERRORS as err:
        raise ImageError(_not_an_image_message(raw)) from err


def image_size(data: Any) -> tuple[int, int]:
    """(height, width) of an image file as it will show (EXIF orientation applied),
    read from the header without decoding the pixels.

    Lets a page say how much an upload was shrunk without decoding it twice.

    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("L", (400, 100)).save(buffer, "PNG")
    >>> image_size(buffer.getvalue())
    (100, 400)
    """
    raw = _read_bytes(data)
    if not raw:
        raise ImageError(EMPTY)
    try:
        with _open(raw) as im:
            width, height = im.size
            try:
                orientation = im.getexif().get(0x0112, 1)
            except _DECODE_ERRORS:
                orientation = 1  # a broken EXIF block is ignored, as load_image does
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise ImageError(_too_large_from_pillow(str(err))) from None
    except MemoryError:
        raise ImageError(NO_MEMORY) from None
    # Orientations 5-8 turn the picture by 90 degrees: the sides swap.
    return (width, height) if orientation in (5, 6, 7, 8) else (height, width)


def _decode(raw: bytes, max_side: int | None, notes: list[str]) -> tuple[np.ndarray, str]:
    """Decode ``raw`` into a float array and say whether it is grey or colour.

    Returns ``(array, kind)`` where ``kind`` is ``"gray"`` for ``(H, W)`` and
    ``"rgb"`` for ``(H, W, 3)``; transparency is already flattened onto white.
    Appends to ``notes`` a sentence for each change a student should know of.
    """
    im = _open(raw)
    with im:
        width, height = im.size
        # The header check: refuse before a single pixel is decompressed.
        if width * height > MAX_PIXELS:
            raise ImageError(_too_large(width, height))
        if width < 1 or height < 1:
            raise ImageError(DAMAGED)
        frames = getattr(im, "n_frames", 1)
        im.seek(0)  # the first frame of an animation or multi-page file
        im.load()  # full decode now, so truncation fails here, inside the try
        if im.format == "PNG":
            _verify_png(raw)
        if frames > 1:
            what = "pages" if im.format == "TIFF" else "frames"
            notes.append(f"This {im.format} file has {frames} {what}; only the first is used "
                         "(cnnviz works on one still picture).")
        im = _exif_transpose(im)
        size = im.size
        decoded = _to_float(im, max_side, notes)
        new_h, new_w = decoded[0].shape[:2]
        if (new_w, new_h) != size:
            notes.append(f"Shrunk from {size[0]}×{size[1]} to {new_w}×{new_h} pixels "
                         f"(working size: longest side at most {max_side}).")
        return decoded


def _verify_png(raw: bytes) -> None:
    # Pillow stops reading a PNG once it has all pixels, so a file cut inside
    # its last chunk still decodes. verify() walks every chunk to IEND and
    # checks the CRCs, which is what "damaged or cut short" means for PNG.
    with Image.open(io.BytesIO(raw), formats=("PNG",)) as check:
        check.verify()


def _exif_transpose(im: Image.Image) -> Image.Image:
    try:
        # In place: without an orientation tag the copying version would
        # duplicate the whole decoded image for nothing.
        ImageOps.exif_transpose(im, in_place=True)
        return im
    except MemoryError:
        raise
    except _DECODE_ERRORS:
        # A broken EXIF block should not cost the student the picture.
        return im


def _target(im: Image.Image, max_side: int | None) -> tuple[int, int] | None:
    """(rows, cols) to shrink ``im`` to (:func:`cnnviz.data.pixels.fit_shape`), or None if it fits.

    >>> _target(Image.new("L", (400, 100)), 40), _target(Image.new("L", (50, 20)), 50)
    ((10, 40), None)
    """
    shape = (im.height, im.width)
    if max_side is None:
        return None
    target = fit_shape(shape, max_side)
    return None if target == shape else target


def _resize(im: Image.Image, target: tuple[int, int] | None) -> Image.Image:
    # Lanczos keeps photos sharp when shrinking (the other pages' box average
    # is for showing what a cell covers, not for looking good).
    return im if target is None else resize_pil(im, target, "lanczos")


def _to_float(
    im: Image.Image, max_side: int | None, notes: list[str] | None = None
) -> tuple[np.ndarray, str]:
    """Convert a loaded Pillow image to float ``[0, 1]`` on white, shrunk if asked."""
    notes = [] if notes is None else notes
    target = _target(im, max_side)
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        return _high_precision(im, target, notes), "gray"
    eight_bit = _eight_bit(im)
    eight_bit = _resize(eight_bit, target)
    arr = np.asarray(eight_bit, dtype=np.float64)
    arr /= 255.0  # in place: a full-size float64 copy is big enough already
    if eight_bit.mode == "L":
        return arr, "gray"
    if eight_bit.mode == "RGB":
        return arr, "rgb"
    colour, alpha = arr[..., :-1], arr[..., -1:]
    if np.any(alpha < 1.0):
        notes.append(_ON_WHITE)
    # Over white: c * a + 1 * (1 - a). Pillow keeps colour straight (not
    # premultiplied) in LA/RGBA, so this is the usual "over" operator.
    flat = colour * alpha + (1.0 - alpha)
    if eight_bit.mode == "LA":
        return flat[..., 0], "gray"
    return flat, "rgb"


def _eight_bit(im: Image.Image) -> Image.Image:
    """Convert any 8-bit Pillow mode to one of L, LA, RGB, RGBA."""
    mode = im.mode
    transparent = im.has_transparency_data
    if mode in ("1", "L"):
        # "L" with a tRNS grey value, or "1" with one, becomes LA.
        return im.convert("LA" if transparent else "L")
    if mode in ("LA", "La"):
        return im.convert("LA")
    if mode in ("P", "PA", "RGB", "RGBA", "RGBa", "RGBX"):
        # P with a transparent index or alpha palette, RGB with a tRNS colour.
        return im.convert("RGBA" if transparent else "RGB")
    if mode in ("CMYK", "YCbCr", "LAB", "HSV"):
        return im.convert("RGB")
    try:
        # Anything exotic that a plugin might still produce: let Pillow try.
        return im.convert("RGBA" if transparent else "RGB")
    except (ValueError, OSError):
        raise ImageError(UNSUPPORTED.format(mode=mode)) from None


def _high_precision(
    im: Image.Image, target: tuple[int, int] | None, notes: list[str] | None = None
) -> np.ndarray:
    """Scale a 16-bit, 32-bit integer or float single-band image into [0, 1]."""
    notes = [] if notes is None else notes
    raw = np.asarray(im)
    if im.mode == "F":
        values = _scale_float(raw.astype(np.float64), notes)
    else:
        values = _scale_int(raw, notes)
    transparency = im.info.get("transparency")
    if isinstance(transparency, int) and not isinstance(transparency, bool):
        # tRNS in a 16-bit grey PNG: one exact grey value means transparent.
        see_through = raw == transparency
        values[see_through] = 1.0
        if see_through.any():
            notes.append(_ON_WHITE)
    if target is not None:
        # Resize in float32 ("F") so 16-bit precision survives the shrink.
        small = _resize(Image.fromarray(values.astype(np.float32)), target)
        values = np.asarray(small, dtype=np.float64)
    return values


def _scale_int(raw: np.ndarray, notes: list[str] | None = None) -> np.ndarray:
    """16-bit and 32-bit integer samples to [0, 1].

    >>> _scale_int(np.array([[0, 32768, 65535]], dtype=np.uint16)).round(4).tolist()
    [[0.0, 0.5, 1.0]]
    >>> _scale_int(np.array([[0, 100000, 200000]], dtype=np.int32)).tolist()
    [[0.0, 0.5, 1.0]]
    >>> _scale_int(np.array([[-10, 0, 10]], dtype=np.int32)).tolist()
    [[0.0, 0.5, 1.0]]
    """
    notes = [] if notes is None else notes
    values = raw.astype(np.float64)
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if low >= 0 and high <= 65535:
        return values / 65535.0  # the usual 16-bit scale: no note
    if low >= 0:
        notes.append(f"Its 32-bit pixel values go up to {high:g}, beyond 16 bits: they were "
                     f"divided by {high:g}, so the largest is white.")
        return values / high
    if high == low:
        # A flat negative image: nothing to stretch; show it black.
        notes.append(f"Every pixel value is {low:g}, below 0: shown black.")
        return np.zeros_like(values)
    # Signed data with negatives: there is no natural black, so stretch.
    notes.append(f"Its 32-bit pixel values, from {low:g} to {high:g}, were stretched onto "
                 "0 … 1 (black … white).")
    return (values - low) / (high - low)


def _scale_float(values: np.ndarray, notes: list[str] | None = None) -> np.ndarray:
    """Float samples to [0, 1]: kept if already there, else min-max; NaN → 0.

    >>> _scale_float(np.array([0.25, np.nan, 1.0])).tolist()
    [0.25, 0.0, 1.0]
    >>> _scale_float(np.array([-1.0, 0.0, 3.0])).tolist()
    [0.0, 0.25, 1.0]
    """
    notes = [] if notes is None else notes
    finite = np.isfinite(values)
    n_nan = int(np.count_nonzero(np.isnan(values)))
    n_inf = int(values.size - np.count_nonzero(finite) - n_nan)
    if not finite.any():
        notes.append("No pixel value is a finite number: the picture is shown black.")
        return np.zeros_like(values)
    low, high = values[finite].min(), values[finite].max()
    if (low < 0 or high > 1) and high > low:
        notes.append(f"Its floating-point pixel values, from {low:.4g} to {high:.4g}, were "
                     "stretched onto 0 … 1 (black … white).")
        span = high - low
        # Halves first when high − low overflows (values near ±1e308).
        values = ((values - low) / span if np.isfinite(span)
                  else (values / 2 - low / 2) / (high / 2 - low / 2))
    elif low < 0 or high > 1:
        notes.append(f"Every floating-point pixel value is {low:.4g}, outside 0 … 1: shown "
                     f"{'black' if low < 0 else 'white'}.")
    # A flat image outside [0, 1] has no range to stretch: clipping keeps it
    # black or white rather than inventing a grey. +inf → 1, -inf → 0.
    values = np.clip(values, 0.0, 1.0)
    values[np.isnan(values)] = 0.0
    if n_nan:
        notes.append(f"{n_nan} pixel {'value is' if n_nan == 1 else 'values are'} NaN (not a "
                     "number): shown black.")
    if n_inf:
        notes.append(f"{n_inf} pixel {'value is' if n_inf == 1 else 'values are'} infinite: "
                     "shown white (+∞) or black (−∞).")
    return values


def _finish(decoded: tuple[np.ndarray, str], mode: str) -> np.ndarray:
    """Turn the decoded array into the requested mode, fresh and in [0, 1]."""
    arr, kind = decoded
    if mode == "gray":
        if kind == "rgb":
            # 0.299 R + 0.587 G + 0.114 B, written as G + 0.299 (R - G) +
            # 0.114 (B - G): the same sum, but grey pixels (R = G = B) come out
            # exactly unchanged, so white stays 1.0 instead of 0.9999999999999999.
            wr, _, wb = BT601
            red, green, blue = arr[..., 0], arr[..., 1], arr[..., 2]
            arr = green + wr * (red - green) + wb * (blue - green)
    elif kind == "gray":
        arr = np.repeat(arr[..., np.newaxis], 3, axis=2)
    # Lanczos overshoots a little around edges; the sums above can exceed 1 by
    # one rounding step. Clip into a new array the caller owns outright.
    # Clip in place when arr is already our own fresh array (saves a copy of
    # what can be a large image); np.require then copies only if needed.
    own = arr.flags.writeable and arr.flags.owndata
    out = np.clip(arr, 0.0, 1.0, out=arr if own else None)
    return np.require(out, dtype=np.float64, requirements=["C", "W", "O"])

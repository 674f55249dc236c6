"""Odd and hostile uploads through the sidebar, as a student's browser sends them.

The decoder has its own unit tests (tests/unit/test_imageio.py); here every
file goes through the page: the valid oddities load with the right shape and
a note for anything the loader changed, and every bad file gets a message in
the sidebar while the previous good image stays in use.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import numpy as np
import pytest
from PIL import Image

from cnnviz.ui import state as keys

from .conftest import exceptions, figure, page_text, title


def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _gradient(w: int, h: int) -> Image.Image:
    return Image.fromarray((np.add.outer(np.arange(h), np.arange(w)) % 256).astype(np.uint8))


def _palette_with_transparency() -> bytes:
    im = _gradient(12, 9).convert("P")
    return _save(im, "PNG", transparency=0)


def _animated_gif() -> bytes:
    frames = [_gradient(10, 8), Image.new("L", (10, 8), 200)]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def _exif_rotated() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    return _save(_gradient(20, 10).convert("RGB"), "JPEG", exif=exif)


def _float_tiff() -> bytes:
    return _save(Image.fromarray(np.linspace(-3, 5, 6 * 7, dtype=np.float32).reshape(6, 7)),
                 "TIFF")


def _bomb() -> bytes:
    raw = bytearray(_save(Image.new("L", (2, 2), 7), "PNG"))
    raw[16:24] = struct.pack(">II", 9000, 9000)  # the header claims 81 megapixels
    raw[29:33] = struct.pack(">I", zlib.crc32(bytes(raw[12:29])))
    return bytes(raw)


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photo.png", _save(_gradient(4, 4), "PNG"))
    return buf.getvalue()


# name, bytes, (rows, cols) shown in Grey, a phrase of the note the page must show (or "").
VALID = [
    ("one.png", lambda: _save(Image.new("L", (1, 1), 9), "PNG"), (1, 1), ""),
    ("row.png", lambda: _save(_gradient(17, 1), "PNG"), (1, 17), ""),
    ("deep.png", lambda: _save(Image.fromarray(np.full((5, 6), 40000, np.uint16)), "PNG"),
     (5, 6), ""),
    ("cmyk.jpg", lambda: _save(Image.new("CMYK", (8, 6), (0, 80, 160, 10)), "JPEG"), (6, 8), ""),
    ("palette.png", _palette_with_transparency, (9, 12), "shown on white"),
    ("grey_alpha.png", lambda: _save(Image.new("LA", (7, 5), (30, 100)), "PNG"), (5, 7),
     "shown on white"),
    ("moving.gif", _animated_gif, (8, 10), "only the first is used"),
    ("photo.webp", lambda: _save(_gradient(9, 7).convert("RGB"), "WEBP", lossless=True),
     (7, 9), ""),
    ("old.bmp", lambda: _save(_gradient(6, 4).convert("RGB"), "BMP"), (4, 6), ""),
    ("float.tif", _float_tiff, (6, 7), "stretched"),
    ("phone.jpg", _exif_rotated, (20, 10), ""),
]

BAD = [
    ("empty.png", lambda: b""),
    ("notes.png", lambda: b"just some text, not a picture\n" * 3),
    ("page.png", lambda: b"<!doctype html><html><body><script>alert(1)</script></body></html>"),
    ("paper.png", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n"),
    ("cut.jpg", lambda: _save(_gradient(64, 64).convert("RGB"), "JPEG")[:200]),
    ("drawing.png", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9"/></svg>'),
    ("archive.png", _zip),
    ("bomb.png", _bomb),
]


def _start(open_page):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Upload").run()
    good = _save(_gradient(30, 20), "PNG")
    at.file_uploader(key=keys.UPLOAD).set_value(("good.png", good, "image/png")).run()
    assert "20 × 30" in title(figure(at, 0))
    return at


@pytest.mark.parametrize(("name", "make", "shape", "note"), VALID, ids=[v[0] for v in VALID])
def test_valid_oddities_load_with_their_shape_and_a_note_for_any_change(open_page, name, make,
                                                                        shape, note):
    at = _start(open_page)
    at.file_uploader(key=keys.UPLOAD).set_value((name, make(), "application/octet-stream"))
    at.run()
    assert not at.exception, exceptions(at)
    assert not at.sidebar.error, [e.value for e in at.sidebar.error]
    if min(shape) < 3:  # loaded, but the 3 × 3 kernel does not fit: the page says so
        assert f"input {shape[0]}×{shape[1]}" in " ".join(e.value for e in at.error)
    else:
        assert f"{shape[0]} × {shape[1]}" in title(figure(at, 0))
    if note:
        assert note in page_text(at)


@pytest.mark.parametrize(("name", "make"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_get_a_message_and_the_previous_image_stays(open_page, name, make):
    at = _start(open_page)
    at.file_uploader(key=keys.UPLOAD).set_value((name, make(), "image/png")).run()
    assert not at.exception, exceptions(at)
    errors = " ".join(e.value for e in at.sidebar.error)
    assert f"Could not use `{name}`" in errors
    assert "Still showing your previous image `good.png`" in page_text(at)
    assert "20 × 30" in title(figure(at, 0))


def test_a_hostile_file_name_is_shown_as_plain_text(open_page):
    at = _start(open_page)
    name = "<img src=x onerror=alert(1)>[click](javascript:alert(2)).png"
    at.file_uploader(key=keys.UPLOAD).set_value((name, b"junk", "image/png")).run()
    assert not at.exception, exceptions(at)
    (error,) = at.sidebar.error
    assert "<img" not in error.value and "](" not in error.value
    assert "`?img src=x onerror=alert(1)??click?(javascript:alert(2)).png`" in error.value


def test_a_first_upload_that_fails_is_named_on_the_page_not_called_no_upload(open_page):
    """With no good upload before it, a refused file left the page saying "No upload yet",
    beside the sidebar's "Could not use": the student had uploaded one."""
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Upload").run()
    at.file_uploader(key=keys.UPLOAD).set_value(("cut.jpg", b"\xff\xd8\xff\xe0junk", "image/jpeg"))
    at.run()
    assert not at.exception, exceptions(at)
    main = " ".join(e.value for e in at.main.info)
    assert "No upload yet" not in main
    assert "Could not use `cut.jpg`" in main and "the default photo is shown" in main

"""Tests of cnnviz.data.images.load_image: every image is built in memory with Pillow."""

from __future__ import annotations

import io
import struct
import time
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile, PngImagePlugin

from cnnviz.data import images as imageio
from cnnviz.data.images import MAX_PIXELS, ImageError, load_image

RED = (255, 0, 0)


def encode(im: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_with_size(width: int, height: int) -> bytes:
    """A valid tiny PNG whose IHDR is patched to claim ``width × height``."""
    raw = bytearray(encode(Image.new("L", (2, 2), 7), "PNG"))
    # Signature (8) + length (4) + b"IHDR" (4), then width and height, big-endian.
    assert raw[12:16] == b"IHDR"
    raw[16:24] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(raw[12:29]))  # CRC covers chunk type + 13 data bytes
    raw[29:33] = struct.pack(">I", crc)
    return bytes(raw)


def assert_valid(arr: np.ndarray, ndim: int) -> None:
    assert isinstance(arr, np.ndarray)
    assert arr.dtype == np.float64
    assert arr.ndim == ndim
    assert arr.flags.c_contiguous and arr.flags.writeable and arr.flags.owndata
    assert np.all(arr >= 0.0) and np.all(arr <= 1.0)


# --------------------------------------------------------------------------
# Plain images and input types


def test_png_rgb_values_and_shape():
    im = Image.new("RGB", (5, 3), (0, 128, 255))
    im.putpixel((4, 2), RED)
    out = load_image(encode(im, "PNG"))
    assert_valid(out, 3)
    assert out.shape == (3, 5, 3)
    np.testing.assert_array_equal(out[0, 0], [0.0, 128 / 255, 1.0])
    np.testing.assert_array_equal(out[2, 4], [1.0, 0.0, 0.0])


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview, io.BytesIO])
def test_accepts_bytes_like_and_file_objects(wrap):
    raw = encode(Image.new("RGB", (4, 2), RED), "PNG")
    out = load_image(wrap(raw))
    assert out.shape == (2, 4, 3)
    np.testing.assert_array_equal(out[..., 0], 1.0)


def test_file_object_is_read_from_its_start():
    # Streamlit's UploadedFile may already have been read once.
    buffer = io.BytesIO(encode(Image.new("L", (3, 2), 0), "PNG"))
    buffer.read()
    assert load_image(buffer, mode="gray").shape == (2, 3)


def test_each_call_returns_a_fresh_array():
    raw = encode(Image.new("L", (3, 3), 10), "PNG")
    a, b = load_image(raw), load_image(raw)
    assert not np.shares_memory(a, b)
    a[:] = 0.0  # writable, and does not change later results
    assert load_image(raw)[0, 0, 0] == pytest.approx(10 / 255)


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "BMP", "TIFF", "WEBP", "PPM"])
def test_other_formats_decode(fmt):
    out = load_image(encode(Image.new("RGB", (8, 6), (200, 200, 200)), fmt))
    assert out.shape == (6, 8, 3)
    np.testing.assert_allclose(out, 200 / 255, atol=0.03)


# --------------------------------------------------------------------------
# Grey


def test_gray_uses_bt601_weights_not_the_red_channel():
    im = Image.new("RGB", (3, 1))
    im.putpixel((0, 0), RED)
    im.putpixel((1, 0), (0, 255, 0))
    im.putpixel((2, 0), (0, 0, 255))
    out = load_image(encode(im, "PNG"), mode="gray")
    assert_valid(out, 2)
    np.testing.assert_allclose(out[0], [0.299, 0.587, 0.114], rtol=0, atol=1e-15)


def test_gray_is_not_pillows_rounded_l_conversion():
    colour = (10, 200, 31)
    out = load_image(encode(Image.new("RGB", (1, 1), colour), "PNG"), mode="gray")
    exact = (0.299 * 10 + 0.587 * 200 + 0.114 * 31) / 255
    assert out[0, 0] == pytest.approx(exact, abs=1e-12)
    assert out[0, 0] != Image.new("RGB", (1, 1), colour).convert("L").getpixel((0, 0)) / 255


def test_grey_source_in_rgb_mode_repeats_the_channel():
    out = load_image(encode(Image.new("L", (2, 2), 51), "PNG"), mode="rgb")
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out, 0.2)


# --------------------------------------------------------------------------
# Transparency goes to white


def test_rgba_transparent_pixels_become_white():
    im = Image.new("RGBA", (3, 1), (0, 0, 0, 255))
    im.putpixel((1, 0), (0, 0, 0, 0))
    im.putpixel((2, 0), (255, 0, 0, 51))  # 20 % red over white
    out = load_image(encode(im, "PNG"))
    np.testing.assert_array_equal(out[0, 0], [0, 0, 0])
    np.testing.assert_array_equal(out[0, 1], [1, 1, 1])
    np.testing.assert_allclose(out[0, 2], [1.0, 0.8, 0.8])


def test_transparency_is_flattened_before_grey():
    im = Image.new("RGBA", (1, 1), (0, 0, 0, 0))  # transparent black
    assert load_image(encode(im, "PNG"), mode="gray")[0, 0] == 1.0


def test_la_image():
    im = Image.new("LA", (3, 1), (0, 255))
    im.putpixel((1, 0), (0, 0))
    im.putpixel((2, 0), (0, 102))
    out = load_image(encode(im, "PNG"), mode="gray")
    np.testing.assert_allclose(out[0], [0.0, 1.0, 0.6])


def test_palette_with_transparent_index():
    im = Image.new("P", (2, 1), 0)
    im.putpalette([0, 0, 255, 0, 0, 0] + [0] * 762)
    im.putpixel((1, 0), 1)
    out = load_image(encode(im, "PNG", transparency=0))
    np.testing.assert_array_equal(out[0, 0], [1, 1, 1])  # transparent blue → white
    np.testing.assert_array_equal(out[0, 1], [0, 0, 0])


def test_trns_grey_and_rgb_colour_keys():
    grey = Image.new("L", (2, 1), 0)
    grey.putpixel((1, 0), 100)
    np.testing.assert_allclose(
        load_image(encode(grey, "PNG", transparency=0), mode="gray")[0], [1.0, 100 / 255]
    )
    rgb = Image.new("RGB", (2, 1), (1, 2, 3))
    rgb.putpixel((1, 0), (0, 0, 0))
    out = load_image(encode(rgb, "PNG", transparency=(1, 2, 3)))
    np.testing.assert_array_equal(out[0], [[1, 1, 1], [0, 0, 0]])


def test_sixteen_bit_trns():
    arr = np.array([[0, 1000, 65535]], dtype=np.uint16)
    out = load_image(encode(Image.fromarray(arr), "PNG", transparency=1000), mode="gray")
    np.testing.assert_array_equal(out[0], [0.0, 1.0, 1.0])


# --------------------------------------------------------------------------
# High bit depth is scaled, not clipped


def test_sixteen_bit_png_is_scaled_not_clipped():
    arr = np.array([[0, 255, 32768, 65535]], dtype=np.uint16)
    raw = encode(Image.fromarray(arr), "PNG")
    assert Image.open(io.BytesIO(raw)).mode.startswith("I")
    out = load_image(raw, mode="gray")
    np.testing.assert_allclose(out[0], [0.0, 255 / 65535, 32768 / 65535, 1.0])
    assert out[0, 2] == pytest.approx(0.5, abs=1e-4)  # clipping at 255 would give 1.0
    assert out[0, 1] < 0.01


def test_sixteen_bit_big_endian_tiff():
    arr = np.array([[0, 32768, 65535]], dtype=np.uint16)
    # Image.convert("I;16B") clips at 255, so build the big-endian image from bytes.
    raw = encode(Image.frombytes("I;16B", (3, 1), arr.astype(">u2").tobytes()), "TIFF")
    assert raw[:4] == b"MM\x00*" and Image.open(io.BytesIO(raw)).mode == "I;16B"
    np.testing.assert_allclose(load_image(raw, mode="gray")[0], arr[0] / 65535)


def test_int32_image_above_16_bits_scales_by_its_maximum():
    arr = np.array([[0, 50_000, 200_000]], dtype=np.int32)
    out = load_image(encode(Image.fromarray(arr), "TIFF"), mode="gray")
    np.testing.assert_allclose(out[0], [0.0, 0.25, 1.0])


def test_float_tiff_in_unit_range_is_kept():
    arr = np.array([[0.0, 0.25, 0.5, 1.0]], dtype=np.float32)
    raw = encode(Image.fromarray(arr), "TIFF")
    assert Image.open(io.BytesIO(raw)).mode == "F"
    out = load_image(raw, mode="gray")
    np.testing.assert_array_equal(out[0], arr[0])
    np.testing.assert_array_equal(load_image(raw)[0, 1], [0.25] * 3)


def test_float_tiff_out_of_range_is_min_max_scaled_and_nan_is_zero():
    arr = np.array([[-2.0, 0.0, 2.0, np.nan]], dtype=np.float32)
    out = load_image(encode(Image.fromarray(arr), "TIFF"), mode="gray")
    np.testing.assert_allclose(out[0], [0.0, 0.5, 1.0, 0.0])


# --------------------------------------------------------------------------
# Other modes


def test_one_bit_image():
    im = Image.new("1", (3, 1), 0)
    im.putpixel((1, 0), 1)
    out = load_image(encode(im, "PNG"), mode="gray")
    np.testing.assert_array_equal(out[0], [0.0, 1.0, 0.0])


def test_cmyk_jpeg_is_converted_to_rgb():
    raw = encode(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG", quality=95)
    assert Image.open(io.BytesIO(raw)).mode == "CMYK"
    out = load_image(raw)
    np.testing.assert_allclose(out[8, 8], [1.0, 0.0, 0.0], atol=0.03)


def test_ycbcr_and_lab_tiffs_are_converted_to_rgb():
    ycbcr = encode(Image.new("YCbCr", (4, 4), (76, 85, 255)), "TIFF")  # red in YCbCr
    np.testing.assert_allclose(load_image(ycbcr)[0, 0], [1.0, 0.0, 0.0], atol=0.02)
    lab = encode(Image.new("LAB", (4, 4), (255, 128, 128)), "TIFF")  # L = 100, neutral
    assert Image.open(io.BytesIO(lab)).mode == "LAB"
    np.testing.assert_allclose(load_image(lab)[0, 0], [1.0, 1.0, 1.0], atol=0.02)


# --------------------------------------------------------------------------
# Orientation and animation


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_exif_orientation_6_is_applied(fmt):
    # Stored 4 wide × 2 high with the top-left pixel marked. Orientation 6
    # means "rotate 90° clockwise to display", so the mark lands top-right.
    im = Image.new("RGB", (4, 2), (0, 0, 0))
    im.putpixel((0, 0), (255, 255, 255))
    if fmt == "JPEG":  # JPEG smears one pixel; mark a 2x2 block on a bigger image
        im = Image.new("RGB", (32, 16), (0, 0, 0))
        im.paste((255, 255, 255), (0, 0, 8, 8))
    exif = Image.Exif()
    exif[0x0112] = 6
    raw = encode(im, fmt, exif=exif if fmt == "TIFF" else exif.tobytes())
    out = load_image(raw, mode="gray")
    height, width = im.height, im.width
    assert out.shape == (width, height)  # the sides swap
    assert out[0, -1] > 0.8  # mark now top-right
    assert out[0, 0] < 0.2 and out[-1, -1] < 0.2


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_unreadable_exif_does_not_lose_the_picture():
    raw = encode(Image.new("RGB", (4, 2), RED), "JPEG", exif=b"Exif\x00\x00MM\x00*garbage")
    assert load_image(raw).shape == (2, 4, 3)


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "TIFF", "WEBP"])
def test_animation_gives_first_frame(fmt):
    first = Image.new("RGB", (6, 6), RED)
    second = Image.new("RGB", (6, 6), (0, 0, 255))
    options = {"lossless": True} if fmt == "WEBP" else {}
    raw = encode(first, fmt, save_all=True, append_images=[second], **options)
    assert getattr(Image.open(io.BytesIO(raw)), "n_frames", 1) == 2
    out = load_image(raw)
    np.testing.assert_allclose(out[3, 3], [1.0, 0.0, 0.0], atol=0.02)


# --------------------------------------------------------------------------
# max_side


def test_max_side_shrinks_keeping_aspect():
    raw = encode(Image.new("RGB", (300, 200), (40, 80, 120)), "PNG")
    out = load_image(raw, max_side=100)
    assert out.shape == (67, 100, 3)  # 200 * 100 / 300 = 66.7 → 67
    expected = np.broadcast_to(np.array([40, 80, 120]) / 255, out.shape)
    np.testing.assert_allclose(out, expected, atol=1e-12)
    tall = load_image(encode(Image.new("L", (10, 1000), 0), "PNG"), mode="gray", max_side=50)
    assert tall.shape == (50, 1)


@pytest.mark.parametrize("max_side", [300, 301, 10_000])
def test_max_side_never_enlarges(max_side):
    raw = encode(Image.new("RGB", (300, 200), (1, 2, 3)), "PNG")
    assert load_image(raw, max_side=max_side).shape == (200, 300, 3)


def test_max_side_keeps_sixteen_bit_precision_and_range():
    arr = np.full((40, 80), 32768, dtype=np.uint16)
    arr[:, 40:] = 65535
    out = load_image(encode(Image.fromarray(arr), "PNG"), mode="gray", max_side=20)
    assert out.shape == (10, 20)
    assert_valid(out, 2)  # Lanczos ringing is clipped into [0, 1]
    assert out[5, 0] == pytest.approx(32768 / 65535, abs=1e-6)  # not quantised to 8 bits


def test_max_side_applies_after_exif_rotation():
    exif = Image.Exif()
    exif[0x0112] = 6
    raw = encode(Image.new("L", (400, 100), 0), "PNG", exif=exif.tobytes())
    assert load_image(raw, mode="gray", max_side=40).shape == (40, 10)


# --------------------------------------------------------------------------
# Bad data → ImageError with a readable message


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, this is just text\n",
        b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'></svg>",
        b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>",
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
        bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)),
        b"\x00" * 100,
    ],
    ids=["empty", "text", "svg", "svg-xml", "pdf", "random", "zeros"],
)
def test_non_images_raise_image_error(data):
    with pytest.raises(ImageError) as info:
        load_image(data)
    message = str(info.value)
    assert message.endswith(".")
    assert "cnnviz" in message or "empty" in message


def test_svg_and_pdf_get_a_hint():
    with pytest.raises(ImageError, match="SVG"):
        load_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(ImageError, match="PDF"):
        load_image(b"%PDF-1.7\n")


def test_image_error_is_a_value_error():
    assert issubclass(ImageError, ValueError)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "TIFF", "WEBP", "BMP"])
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_files_raise_image_error(fmt, keep):
    rng = np.random.default_rng(1)
    noise = Image.fromarray(rng.integers(0, 256, (48, 48, 3), dtype=np.uint8))
    raw = encode(noise, fmt)
    with pytest.raises(ImageError, match="damaged or cut short"):
        load_image(raw[: int(len(raw) * keep)])


@pytest.mark.parametrize("cut", [12, 13, 20])
def test_png_missing_its_last_bytes_is_damaged(cut):
    # Pillow alone decodes these (it stops once it has the pixels). Cutting
    # only into IEND's constant CRC (1-4 bytes) loses nothing and is accepted.
    raw = encode(Image.fromarray(np.arange(300, dtype=np.uint8).reshape(15, 20)), "PNG")
    with pytest.raises(ImageError, match="damaged"):
        load_image(raw[:-cut])


def test_png_with_bad_crc_is_damaged():
    raw = bytearray(encode(Image.new("L", (4, 4), 9), "PNG"))
    raw[-20] ^= 0xFF  # inside IDAT
    with pytest.raises(ImageError):
        load_image(bytes(raw))


def test_load_truncated_images_is_not_switched_on():
    load_image(encode(Image.new("L", (2, 2)), "PNG"))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --------------------------------------------------------------------------
# Decompression bombs are refused from the header


@pytest.fixture
def no_decoding(monkeypatch):
    """Make any attempt to decode PNG pixels fail the test."""

    def refuse(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", refuse)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [60_000, 10_000, 8_000, 6_400])
def test_bomb_refused_before_decoding(side, no_decoding):
    # 60000² trips Pillow's own error inside Image.open and 10000² its warning;
    # 8000² and 6400² are below Pillow's limits and must be caught by cnnviz's
    # header check against MAX_PIXELS.
    raw = png_with_size(side, side)
    assert side * side > MAX_PIXELS
    start = time.perf_counter()
    with pytest.raises(ImageError, match="too large") as info:
        load_image(raw)
    assert time.perf_counter() - start < 1.0
    assert "40 megapixels" in str(info.value)


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_bomb_warning_raised_as_error_is_still_too_large(no_decoding):
    # Under ``-W error`` Pillow raises its warning from Image.open.
    with pytest.raises(ImageError, match="too large: 100 megapixels"):
        load_image(png_with_size(10_000, 10_000))


def test_bomb_message_names_the_size():
    with pytest.raises(ImageError, match="8000 × 6000 pixels"):
        load_image(png_with_size(8000, 6000))


def test_image_at_the_limit_is_not_a_bomb(monkeypatch):
    # Lower the limit rather than build a 40-megapixel image.
    monkeypatch.setattr(imageio, "MAX_PIXELS", 12)
    assert load_image(encode(Image.new("L", (4, 3)), "PNG")).shape == (3, 4, 3)
    with pytest.raises(ImageError, match="13 × 1 pixels"):
        load_image(encode(Image.new("L", (13, 1)), "PNG"))


@pytest.mark.parametrize(
    "error",
    [MemoryError(), struct.error("x"), KeyError(1), EOFError(), Image.DecompressionBombError("x")],
    ids=lambda e: type(e).__name__,
)
def test_pillow_errors_are_wrapped(monkeypatch, error):
    def fail(self):
        raise error

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", fail)
    with pytest.raises(ImageError):
        load_image(encode(Image.new("L", (2, 2)), "PNG"))


# --------------------------------------------------------------------------
# Argument errors


@pytest.mark.parametrize("spelling", ["grey", "gray"])
def test_grey_and_gray_are_the_same_mode(spelling):
    raw = encode(Image.new("RGB", (3, 2), (200, 100, 50)), "PNG")
    out = load_image(raw, mode=spelling)
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(out, load_image(raw, mode="gray"))


@pytest.mark.parametrize("mode", ["hsv", "GREY", "RGB", "L", None, 3])
def test_bad_mode_names_mode(mode):
    raw = encode(Image.new("L", (2, 2)), "PNG")
    with pytest.raises(ValueError, match=r"^mode must be one of") as info:
        load_image(raw, mode=mode)
    assert repr(mode) in str(info.value)
    assert not isinstance(info.value, ImageError)


@pytest.mark.parametrize("max_side", [0, -3, 2.5, "64", True])
def test_bad_max_side_names_max_side(max_side):
    raw = encode(Image.new("L", (2, 2)), "PNG")
    with pytest.raises(ValueError, match=r"^max_side must be") as info:
        load_image(raw, max_side=max_side)
    assert not isinstance(info.value, ImageError)


@pytest.mark.parametrize("data", ["picture.png", None, 42, np.zeros(4, np.uint8)])
def test_bad_data_type_is_a_value_error_naming_data(data):
    with pytest.raises(ValueError, match="data must be") as info:
        load_image(data)
    assert not isinstance(info.value, ImageError)


def test_text_file_object_is_refused():
    with pytest.raises(ValueError, match="binary"):
        load_image(io.StringIO("not bytes"))


# --------------------------------------------------------------------------
# Fuzzing: only ImageError, or a valid array, ever comes out

_SEED_IMAGES = [
    encode(Image.new("RGB", (9, 7), (10, 120, 250)), "PNG"),
    encode(Image.new("RGB", (9, 7), (10, 120, 250)), "JPEG"),
    encode(Image.new("P", (9, 7), 3), "GIF"),
    encode(Image.fromarray(np.arange(63, dtype=np.uint16).reshape(7, 9) * 1000), "TIFF"),
    encode(Image.new("RGBA", (9, 7), (1, 2, 3, 4)), "WEBP"),
    encode(Image.new("L", (9, 7), 5), "BMP"),
]


def _check_outcome(data: bytes) -> None:
    try:
        out = load_image(data, mode="gray", max_side=8)
    except ImageError as err:
        assert str(err)
        return
    assert_valid(out, 2)
    assert max(out.shape) <= 8


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_fuzz_arbitrary_bytes(data):
    _check_outcome(data)


@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_SEED_IMAGES),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=8),
    st.integers(0, 10_000),
)
# Mutated headers can declare huge sizes: Pillow warns before load_image refuses.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_fuzz_mutated_images(seed, edits, cut):
    data = bytearray(seed)
    for position, value in edits:
        data[position % len(data)] = value
    if cut % 3 == 0:
        data = data[: cut % (len(data) + 1)]
    _check_outcome(bytes(data))


def test_image_size_reads_header_and_orientation():
    from cnnviz.data.images import image_size

    buf = io.BytesIO()
    im = Image.new("RGB", (30, 20))
    exif = im.getexif()
    exif[0x0112] = 6  # rotate 90°: shows 20 wide, 30 high
    im.save(buf, "JPEG", exif=exif)
    assert image_size(buf.getvalue()) == (30, 20)
    assert load_image(buf.getvalue()).shape[:2] == (30, 20)
    with pytest.raises(ImageError):
        image_size(b"not an image at all")
    with pytest.raises(ImageError):
        image_size(b"")


@pytest.mark.parametrize("orientation", range(1, 9))
def test_image_size_agrees_with_the_loaded_picture_for_every_exif_orientation(orientation):
    """Issue 17's mutation gap: orientations 5 and 7 (transpose, transverse) swap the sides too."""
    from cnnviz.data.images import image_size

    buf = io.BytesIO()
    im = Image.new("RGB", (30, 20))
    exif = im.getexif()
    exif[0x0112] = orientation
    im.save(buf, "JPEG", exif=exif)
    shown = load_image(buf.getvalue()).shape[:2]
    assert image_size(buf.getvalue()) == shown
    assert shown == ((30, 20) if orientation >= 5 else (20, 30))

"""load_image_with_notes: what load_image did to a picture, in words (load_image is unchanged)."""

from __future__ import annotations

import inspect
import io

import numpy as np
import pytest
from PIL import Image

from cnnviz.data.images import load_image, load_image_with_notes


def _gif_two_frames() -> bytes:
    first = Image.new("P", (6, 4), 0)
    first.putpalette([0, 0, 0, 255, 255, 255] + [0, 0, 0] * 254)
    second = first.copy()
    second.paste(1, (0, 0, 6, 4))
    buf = io.BytesIO()
    first.save(buf, "GIF", save_all=True, append_images=[second], duration=100, loop=0)
    return buf.getvalue()


def _float_tiff(values: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(values.astype(np.float32), mode="F").save(buf, "TIFF")
    return buf.getvalue()


def test_two_frame_gif_says_only_the_first_frame_is_used():
    data = _gif_two_frames()
    image, notes = load_image_with_notes(data, mode="gray")
    np.testing.assert_array_equal(image, load_image(data, mode="gray"))
    assert float(image.max()) == 0.0  # the first (black) frame
    assert notes == ["This GIF file has 2 frames; only the first is used (cnnviz works on one "
                     "still picture)."]


def test_float_tiff_outside_0_1_says_it_was_stretched():
    values = np.array([[-1.0, 0.0], [1.0, 3.0]])
    data = _float_tiff(values)
    image, notes = load_image_with_notes(data, mode="gray")
    np.testing.assert_array_equal(image, load_image(data, mode="gray"))
    np.testing.assert_allclose(image, [[0.0, 0.25], [0.5, 1.0]])
    assert notes == ["Its floating-point pixel values, from -1 to 3, were stretched onto 0 … 1 "
                     "(black … white)."]


def test_float_tiff_inside_0_1_needs_no_note_but_nan_does():
    assert load_image_with_notes(_float_tiff(np.array([[0.0, 0.5], [0.25, 1.0]])))[1] == []
    image, notes = load_image_with_notes(_float_tiff(np.array([[0.0, np.nan], [0.5, 1.0]])))
    assert image[0, 1].tolist() == [0.0, 0.0, 0.0]
    assert notes == ["1 pixel value is NaN (not a number): shown black."]


def test_flat_float_tiff_outside_0_1_and_huge_values():
    assert load_image_with_notes(_float_tiff(np.full((2, 2), 7.0)))[1] == [
        "Every floating-point pixel value is 7, outside 0 … 1: shown white."]
    big = np.array([[-3e38, 0.0], [1.0, 3e38]])  # near float32's limits
    image, notes = load_image_with_notes(_float_tiff(big), mode="gray")
    assert np.all(np.isfinite(image)) and image.min() == 0.0 and image.max() == 1.0
    assert "stretched" in notes[0]


def test_shrink_transparency_and_plain_photos():
    buf = io.BytesIO()
    Image.new("RGBA", (80, 20), (255, 0, 0, 0)).save(buf, "PNG")
    image, notes = load_image_with_notes(buf.getvalue(), max_side=40)
    assert image.shape == (10, 40, 3)
    assert notes == ["Transparent areas are shown on white.",
                     "Shrunk from 80×20 to 40×10 pixels (working size: longest side at most 40)."]
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(buf, "PNG")
    assert load_image_with_notes(buf.getvalue(), max_side=40)[1] == []


def test_32_bit_integer_tiff_divided_by_its_maximum():
    buf = io.BytesIO()
    Image.fromarray(np.array([[0, 100_000], [50_000, 200_000]], dtype=np.int32), mode="I").save(
        buf, "TIFF")
    image, notes = load_image_with_notes(buf.getvalue(), mode="gray")
    np.testing.assert_allclose(image, [[0.0, 0.5], [0.25, 1.0]])
    assert notes == ["Its 32-bit pixel values go up to 200000, beyond 16 bits: they were "
                     "divided by 200000, so the largest is white."]


def test_load_image_keeps_its_signature_and_errors():
    assert list(inspect.signature(load_image).parameters) == ["data", "mode", "max_side"]
    assert isinstance(load_image(_gif_two_frames()), np.ndarray)
    with pytest.raises(ValueError, match="mode must be one of"):
        load_image_with_notes(_gif_two_frames(), mode="hsv")
    with pytest.raises(ValueError, match="not an image cnnviz can read"):
        load_image_with_notes(b"hello")


@pytest.mark.parametrize("mode", ["I;16", "I"])
def test_pure_white_16_bit_gets_no_beyond_16_bits_note(mode):
    """Issue 17's mutation gap: 65535, 16-bit white, is within 16 bits."""
    values = np.array([[0, 1000, 65535], [65535, 65535, 65535]], dtype=np.uint16)
    im = Image.fromarray(values if mode == "I;16" else values.astype(np.int32))
    buf = io.BytesIO()
    im.save(buf, format="PNG" if mode == "I;16" else "TIFF")
    image, notes = load_image_with_notes(buf.getvalue(), mode="grey")
    assert not any("beyond 16 bits" in n for n in notes), notes
    assert image.max() == 1.0 and image[0, 1] == pytest.approx(1000 / 65535)

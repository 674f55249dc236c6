"""The shared image source, chosen in the sidebar and kept across pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from cnnviz.data import samples
from cnnviz.data.images import ImageError, image_size, load_image
from cnnviz.lessons.colour import as_volume

from . import state as k

KINDS = ("Sample photo", "Pattern", "Lecture matrix", "Upload")
KEPT_UPLOAD = "src_upload_kept"  # (file name, bytes) of the last upload


@dataclass(frozen=True)
class Source:
    """The picture every page works on.

    ``image`` is (H, W) or (H, W, 3) float64. Photos, uploads and patterns lie
    in [0, 1]; lecture matrices keep the lectures' own numbers (0/1, 25, ...).
    ``kernel`` and ``bias`` are a lecture matrix's companion filter, if any.
    ``picture`` is False for the lecture matrices, whose numbers are their own
    (not brightness in [0, 1]); ``padding`` and ``stride`` are a lecture
    exercise's own settings.
    """

    image: np.ndarray
    label: str
    note: str = ""
    kernel: np.ndarray | None = None
    bias: float = 0.0
    picture: bool = True
    padding: int = 0
    stride: int = 1


@st.cache_data(max_entries=64, show_spinner=False)
def _decode(digest: str, mode: str, max_side: int, _data: bytes) -> tuple[np.ndarray, str]:
    # Keyed on the bytes' digest: st.cache_data only samples big inputs.
    h, w = image_size(_data)
    image = load_image(_data, mode=mode, max_side=max_side)
    note = ""
    if image.shape[:2] != (h, w):
        note = (f"Shrunk from {w}×{h} to {image.shape[1]}×{image.shape[0]} pixels "
                f"(working size: longest side at most {max_side}).")
    return image, note


@st.cache_data(max_entries=32, show_spinner=False)
def _photo(name: str, mode: str, max_side: int) -> np.ndarray:
    return samples.load_photo(name, mode=mode, max_side=max_side)


def image_source() -> Source | None:
    """Draw the sidebar's image picker and return the chosen image.

    Returns None (after showing the reason) when an upload is missing or bad;
    the previous choices stay as they were.
    """
    sb = st.sidebar
    sb.subheader("Image")
    k.default(k.SOURCE, KINDS[0])
    k.default(k.COLOUR, "Grey")
    kind = sb.radio("Source", KINDS, key=k.SOURCE, horizontal=True)
    colour = sb.radio("Channels", ("Grey", "Colour"), key=k.COLOUR, horizontal=True,
                      help="Grey: one channel (n_c = 1). Colour: R, G, B (n_c = 3).") == "Colour"
    mode = "rgb" if colour else "gray"
    if kind == "Lecture matrix":
        names = list(samples.LECTURE_INPUTS)
        k.default(k.LECTURE, names[0])
        name = sb.selectbox("Matrix", names, key=k.LECTURE,
                            format_func=lambda n: samples.LECTURE_INPUTS[n].title)
        item = samples.LECTURE_INPUTS[name]
        image = np.array(item.array, dtype=np.float64)
        sb.caption(item.explanation)
        kernel = None if item.kernel is None else np.array(item.kernel, dtype=np.float64)
        return Source(image, item.title, "", kernel, float(item.bias), picture=False,
                      padding=int(item.padding), stride=int(item.stride))

    k.default(k.MAX_SIDE, 128)
    max_side = sb.select_slider("Working size (longest side, pixels)",
                                options=(16, 32, 64, 96, 128, 192, 256, 384, 512), key=k.MAX_SIDE,
                                help="Images are shrunk to this size; small sizes show numbers.")
    if kind == "Sample photo":
        names = list(samples.PHOTOS)
        k.default(k.PHOTO, names[0])
        name = sb.selectbox("Photo", names, key=k.PHOTO,
                            format_func=lambda n: samples.PHOTOS[n].title)
        info = samples.PHOTOS[name]
        sb.caption(f"{info.source} — {info.licence}")
        return Source(_photo(name, mode, max_side), info.title)
    if kind == "Pattern":
        names = list(samples.PATTERNS)
        k.default(k.PATTERN, names[0])
        name = sb.selectbox("Pattern", names, key=k.PATTERN,
                            format_func=lambda n: f"{n}: {samples.PATTERNS[n]}")
        size = min(max_side, 256)
        image = samples.pattern(name, size)
        image = as_volume(image)[0] if colour else image
        return Source(image, f"{name} pattern {size}×{size}")
    upload = sb.file_uploader("Your image", key=k.UPLOAD,
                              type=["png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp"])
    # Every page draws its own uploader, which starts empty: keep the last
    # upload in plain session state so it follows the student from page to page.
    if upload is not None:
        st.session_state[KEPT_UPLOAD] = (upload.name, upload.getvalue())
    kept = st.session_state.get(KEPT_UPLOAD)
    if kept is None:
        st.info("Upload an image in the sidebar (PNG, JPEG, GIF, BMP, TIFF or WebP), "
                "or pick a sample photo.")
        return None
    name, data = kept
    if upload is None:
        sb.caption(f"Using your upload {name!r}; upload another to replace it.")
    try:
        image, note = _decode(hashlib.sha256(data).hexdigest(), mode, max_side, data)
    except ImageError as err:
        st.error(f"Could not use {name!r}: {err}")
        return None
    return Source(image, name, note)

"""The shared image source, chosen in the sidebar and kept across pages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from cnnviz.data import samples
from cnnviz.data.images import ImageError
from cnnviz.lessons.colour import as_volume

from . import cached, grid, links
from . import kernel as kernel_ui
from . import state as k

KINDS = ("Photo", "Pattern", "Lecture", "Typed", "Upload")
TYPED, TYPED_LINK = "typed", "m"
# The lectures' signed 8 × 8 feature map, worked by hand for max pooling.
TYPED_DEFAULT = """-67 23 43 55 -72 -12 -30 81
313 343 0 0 0 0 -362 -291
559 390 0 0 0 0 -423 -601
498 390 0 0 0 0 -423 -633
498 390 0 0 0 0 -423 -633
559 390 0 0 0 0 -423 -601
318 344 0 0 0 0 -367 -296
-62 24 43 55 -72 -12 -35 76"""
#: (file name, bytes) of the session's last good upload: it follows the student across pages.
UPLOAD_KEPT = "_upload_kept"
# Typed in colour: the R slice is the grey matrix's box, G and B have their own.
TYPED_RGB, TYPED_RGB_LINKS = (TYPED, "typed_g", "typed_b"), (TYPED_LINK, "m_g", "m_b")
_TYPED_VOLUME = "_typed_volume"  # the last R, G, B of one shape
SIZES = (16, 32, 64, 96, 128, 192, 256, 384, 512)
#: The sidebar's choices that every page shares (see :func:`links.carry`): bound to the
#: link, and all of them (the select boxes and typed matrices write their link by hand).
CARRIED = (k.SOURCE, k.COLOUR, k.MAX_SIDE, k.PATTERN)
KEPT = (*CARRIED, k.PHOTO, k.LECTURE, *TYPED_RGB)


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


def _upload(mode: str, max_side: int) -> Source:
    sb = st.sidebar
    upload = sb.file_uploader("Your image", key=k.UPLOAD,
                              type=["png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp"])
    # Every page draws its own uploader, which starts empty: the last good
    # upload is kept so that it follows the student from page to page, and a
    # bad one never replaces it.
    kept = st.session_state.get(UPLOAD_KEPT)
    refused = ""
    if upload is not None and (kept is None or kept != (upload.name, upload.getvalue())):
        data = upload.getvalue()
        try:
            cached.decode_upload(data, mode=mode, max_side=max_side)
        except ImageError as err:
            refused = f"Could not use `{links.shown(upload.name, 60)}`: {err}"
            sb.error(refused, icon=":material/error:")
            if kept is not None:
                sb.caption(f"Still showing your previous image `{links.shown(kept[0], 60)}`.")
        else:
            kept = st.session_state[UPLOAD_KEPT] = (upload.name, data)
            links.withdraw(links.UPLOAD_NOTICE)  # "the default photo is shown" no longer is
    if kept is None:
        # Nothing uploaded yet (or a shared link that had an upload): the page
        # still works, on the default photo, and says so.
        default = next(iter(samples.PHOTOS))
        sb.info("Upload an image here (PNG, JPEG, GIF, BMP, TIFF or WebP). Until then the "
                "pages use the default photo.")
        # A refused first upload is named where the student looks, not called "no upload".
        note = (f"{refused.rstrip('.')}. Until an image is read, the default photo is shown."
                if refused else "No upload yet: the default photo is shown. Upload an image "
                "in the sidebar to use your own.")
        return Source(cached.photo(default, mode, max_side), samples.PHOTOS[default].title, note)
    # A file name is the student's text: shown as plain text everywhere (a
    # Markdown code span here; no '<', '>' or '&' for Plotly titles).
    name, data = links.shown(kept[0], 60), kept[1]
    if upload is None:
        sb.caption(f"Using your upload `{name}`; upload another to replace it.")
    sb.caption("An uploaded image cannot travel in a link: whoever opens this page's link "
               "sees the default photo.")
    image, note = cached.decode_upload(data, mode=mode, max_side=max_side)
    return Source(image, name, note)


def _typed(colour: bool = False) -> Source:
    """A matrix the student types or pastes (see :func:`grid.typed_matrix`).

    With "Channels: Colour", three matrices of one shape: the R, G and B slices
    of a volume (n_c = 3), each in its own box and in the link.
    """
    if not colour:
        values = grid.typed_matrix(
            "Your matrix: one row per line", key=TYPED, link=TYPED_LINK, default=TYPED_DEFAULT,
            where=st.sidebar)
        rows, cols = values.shape
        return Source(values, f"your {rows} × {cols} matrix", picture=False)
    sb = st.sidebar
    sb.caption("A volume n_H × n_W × 3: type or paste its R, G and B slices, one matrix each, "
               "all of one shape.")
    slices = [grid.typed_matrix(f"{name}: one row per line", key=key, link=link,
                                 default=TYPED_DEFAULT, name=f"{name} matrix", where=sb,
                                 height=140)
              for name, key, link in zip(("R", "G", "B"), TYPED_RGB, TYPED_RGB_LINKS,
                                         strict=True)]
    shapes = [a.shape for a in slices]
    if len(set(shapes)) > 1:
        sb.error("R, G and B must have one shape; they are "
                 + ", ".join(f"{name} {r} × {c}" for name, (r, c) in zip("RGB", shapes,
                                                                           strict=True))
                 + ". The last volume whose slices matched stays in use.",
                 icon=":material/error:")
        kept = st.session_state.get(_TYPED_VOLUME)
        if kept is None:
            kept = np.stack([slices[0]] * 3, axis=-1)
    else:
        kept = st.session_state[_TYPED_VOLUME] = np.stack(slices, axis=-1)
    rows, cols, _ = kept.shape
    return Source(kept, f"your {rows} × {cols} × 3 volume", picture=False)


def channels_text(shape: tuple[int, ...]) -> str:
    """What "Channels" is for a matrix of this shape.

    >>> channels_text((10, 10, 3))
    'Channels: colour, n_c = 3 (R, G, B), as this volume has.'
    >>> channels_text((7, 7))
    'Channels: grey, n_c = 1, as this matrix has.'
    """
    if len(shape) == 3:
        return f"Channels: colour, n_c = {shape[2]} (R, G, B), as this volume has."
    return "Channels: grey, n_c = 1, as this matrix has."


def _on_lecture() -> None:
    kernel_ui.use_lecture_named(st.session_state[k.LECTURE])


def _on_source() -> None:
    if st.session_state[k.SOURCE] == "Lecture":
        kernel_ui.use_lecture_named(st.session_state.get(k.LECTURE,
                                                         next(iter(samples.LECTURE_INPUTS))))


def open_link() -> None:
    """A link that names a lecture matrix brings the matrix's settings, as choosing it does.

    Only what the link does not set itself: its own values (a kernel, a stride)
    are read afterwards and win. Called once per run, before any widget
    (``app.py``); acts in a session's first run only.
    """
    initial = links.opening()
    if initial.get(k.SOURCE) != "Lecture":
        return
    name = initial.get(k.LECTURE, next(iter(samples.LECTURE_INPUTS)))
    if name in samples.LECTURE_INPUTS:
        # The link's own settings win; no "Back to my kernel" for what the link chose.
        kernel_ui.use_lecture(samples.LECTURE_INPUTS[name], keep=frozenset(initial),
                              remember=False)


def image_source() -> Source:
    """Draw the sidebar's image picker and return the chosen image.

    Before the first upload the default photo stands in, with a note; a bad
    upload is reported and the previous good one stays in use.
    """
    sb = st.sidebar
    sb.subheader("Image")
    # Choosing a lecture matrix brings its kernel, bias, padding and stride in one
    # click ("Back to my kernel" undoes it).
    kind = sb.radio("Source", KINDS, key=k.SOURCE, horizontal=True, **k.LINK,
                    on_change=_on_source)
    if kind == "Lecture":
        # A lecture's matrix has its own depth: "Channels" says it rather than asks.
        names = list(samples.LECTURE_INPUTS)
        name = links.select("Matrix", names, key=k.LECTURE, default=names[0], where=sb,
                            format_func=lambda n: samples.LECTURE_INPUTS[n].title,
                            on_change=_on_lecture)
        item = samples.LECTURE_INPUTS[name]
        # The whole name, wrapped: the select box cuts it in presenter mode's narrow sidebar.
        sb.markdown(f"**{item.title}**")
        sb.caption(channels_text(item.array.shape))
        # Kept in step, so that a link's "channels" agrees and the Photo source starts from it.
        st.session_state[k.COLOUR] = "Colour" if item.array.ndim == 3 else "Grey"
        image = np.array(item.array, dtype=np.float64)
        sb.caption(item.explanation)
        kernel = None if item.kernel is None else np.array(item.kernel, dtype=np.float64)
        return Source(image, item.title, "", kernel, float(item.bias), picture=False,
                      padding=int(item.padding), stride=int(item.stride))

    colour = sb.radio("Channels", ("Grey", "Colour"), key=k.COLOUR, horizontal=True,
                      help="Grey: one channel (n_c = 1). Colour: R, G, B (n_c = 3).",
                      **k.LINK) == "Colour"
    mode = "rgb" if colour else "grey"
    if kind == "Typed":
        return _typed(colour)
    max_side = sb.select_slider("Working size (longest side, pixels)", options=SIZES,
                                value=samples.WORKING_SIDE,
                                key=k.MAX_SIDE, **k.LINK,
                                help="Images are shrunk to this size; small sizes show numbers.")
    if kind == "Photo":
        names = list(samples.PHOTOS)
        name = links.select("Photo", names, key=k.PHOTO, default=names[0], where=sb,
                            format_func=lambda n: samples.PHOTOS[n].title)
        info = samples.PHOTOS[name]
        sb.caption(f"{info.source} — {info.licence}")
        return Source(cached.photo(name, mode, max_side), info.title)
    if kind == "Pattern":
        names = list(samples.PATTERNS)
        name = sb.selectbox("Pattern", names, key=k.PATTERN, **k.LINK,
                            help="; ".join(f"{n}: {d}" for n, d in samples.PATTERNS.items()))
        sb.caption(samples.PATTERNS[name])
        size = min(max_side, 256)
        image = samples.pattern(name, size)
        image = as_volume(image)[0] if colour else image
        return Source(image, f"{name} pattern {size}×{size}")
    return _upload(mode, max_side)

"""Pictures for slides: the step-by-step animation as a GIF, a feature map as a PNG.

Each frame shows what the animator shows at one step: the (padded) input
with the window outlined and every number printed, the output filling in
cell by cell, and the step's equation underneath. Drawn with Pillow, at a
size that reads on a projector.

>>> from cnnviz.core.trace import ConvTrace
>>> import io
>>> from PIL import Image
>>> data = animation_gif(ConvTrace([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]]))
>>> gif = Image.open(io.BytesIO(data))
>>> gif.n_frames, gif.size[0] >= 5 * 56
(4, True)
"""

from __future__ import annotations

import io
import tempfile
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cnnviz.core.palette import diverging_rgb
from cnnviz.core.text import NUMBERS_MAX_SIDE, format_number
from cnnviz.core.trace import ConvTrace
from cnnviz.lessons.equation import activated_name, step_text
from cnnviz.plots.display import png_bytes, to_uint8_image

__all__ = ["MAX_GIF_STEPS", "animation_frames", "animation_gif", "animation_mp4", "map_png"]

#: More steps than this make a GIF too long to show (and too big to send).
MAX_GIF_STEPS = 400

_GAP, _MARGIN, _TITLE = 40, 24, 34
_WINDOW, _EMPTY, _INK = (255, 170, 0), (236, 236, 236), (20, 20, 20)


def _diverging(t: float) -> tuple[int, int, int]:
    """t in [-1, 1] through the app's red–blue palette (the heatmaps' and the animator's)."""
    r, g, b = (int(v) for v in np.rint(diverging_rgb(np.float64(t))))
    return r, g, b


def _grey(v: float, lo: float, hi: float) -> tuple[int, int, int]:
    g = 255 if hi <= lo else int(round(255 * (v - lo) / (hi - lo)))
    return (g, g, g)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """DejaVu Sans where installed (it has the true minus and ᵀ), else Pillow's own font."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _text_colour(fill: tuple[int, int, int]) -> tuple[int, int, int]:
    return (255, 255, 255) if sum(fill) < 3 * 128 else _INK


def animation_gif(trace: ConvTrace, *, cell: int = 56, frame_ms: int = 600,
                  digits: int = 2) -> bytes:
    """Every step of a convolution as one frame of an animated GIF; returns the file's bytes.

    Parameters
    ----------
    trace : ConvTrace
        The convolution to show; a colour trace shows its first channel's
        input, with the total over all channels in the output and equation.
    cell : int, keyword-only
        Side of one grid cell in pixels (numbers are about half of it high).
    frame_ms : int, keyword-only
        How long each frame stays.
    digits : int, keyword-only
        Decimals printed in the cells.

    Raises
    ------
    ValueError
        If the trace has more than :data:`MAX_GIF_STEPS` steps, or ``cell``
        is below 16.
    """
    frames = [im.convert("P", palette=Image.Palette.ADAPTIVE, colors=128)
              for im in animation_frames(trace, cell=cell, digits=digits)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:],
                   duration=frame_ms, loop=0, disposal=1)
    return buf.getvalue()


def animation_mp4(trace: ConvTrace, *, cell: int = 56, frame_ms: int = 600,
                  digits: int = 2) -> bytes:
    """The frames of :func:`animation_gif` as an H.264 MP4 video, one frame per step.

    Encoded by the ffmpeg binary that the ``imageio-ffmpeg`` wheel ships (no
    download), in yuv420p so that slide software and browsers play it. The
    frame rate is ``1000 / frame_ms`` frames per second, so each step stays
    ``frame_ms`` on screen as in the GIF. Same parameters and errors as
    :func:`animation_gif`.
    """
    import imageio_ffmpeg

    frames = animation_frames(trace, cell=cell, digits=digits)
    w, h = frames[0].size
    # yuv420p needs an even width and height: a white pixel row or column if not.
    W, H = w + w % 2, h + h % 2
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "steps.mp4"
        writer = imageio_ffmpeg.write_frames(
            str(path), (W, H), fps=1000.0 / frame_ms, codec="libx264", pix_fmt_out="yuv420p",
            macro_block_size=1, ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart", "-preset", "veryfast"])
        writer.send(None)  # start ffmpeg
        try:
            for im in frames:
                canvas = Image.new("RGB", (W, H), "white")
                canvas.paste(im, (0, 0))
                writer.send(np.ascontiguousarray(np.asarray(canvas, dtype=np.uint8)))
        finally:
            writer.close()
        return path.read_bytes()


def animation_frames(trace: ConvTrace, *, cell: int = 56, digits: int = 2) -> list[Image.Image]:
    """One RGB picture per step of a convolution (what the GIF and the MP4 show).

    Raises ValueError as :func:`animation_gif`.
    """
    if trace.n_steps > MAX_GIF_STEPS:
        raise ValueError(f"the animation has {trace.n_steps} steps; a GIF takes at most "
                         f"{MAX_GIF_STEPS}: use a smaller grid or a larger stride")
    if cell < 16:
        raise ValueError(f"cell must be at least 16 pixels, got {cell}")
    padded = trace.padded if trace.padded.ndim == 2 else trace.padded[:, :, 0]
    # The output as the page shows it: after the activation, if there is one.
    out = trace.activated if trace.activation != "none" else trace.output
    hp, wp = padded.shape
    oh, ow = out.shape[:2]
    font = _font(max(10, cell * 2 // 5))  # 22 px numbers at the default 56 px cells
    small = _font(18)
    lo, hi = float(padded.min()), float(padded.max())
    scale = float(np.max(np.abs(out))) or 1.0
    # Room for the output's title even when the output is narrow.
    width = max(2 * _MARGIN + (wp + ow) * cell + _GAP, 2 * _MARGIN + wp * cell + _GAP + 380)
    eq_chars = max(40, width // 10)
    eq_lines = 4
    height = _MARGIN + _TITLE + max(hp, oh) * cell + 20 + eq_lines * 24 + _MARGIN
    x_out = _MARGIN + wp * cell + _GAP
    y0 = _MARGIN + _TITLE
    frames = []
    for k in range(trace.n_steps):
        step = trace.step(k)
        im = Image.new("RGB", (width, height), "white")
        d = ImageDraw.Draw(im)
        d.text((_MARGIN, _MARGIN), "input a^[l-1] (padded)", fill=_INK, font=small)
        name = activated_name(trace.activation)
        name = name if trace.activation == "none" else f"a^[l] = {name}"
        d.text((x_out, _MARGIN), f"output {name}, step {k + 1} / {trace.n_steps}", fill=_INK,
               font=small)
        for r in range(hp):
            for c in range(wp):
                fill = _grey(float(padded[r, c]), lo, hi)
                box = (_MARGIN + c * cell, y0 + r * cell, _MARGIN + (c + 1) * cell,
                       y0 + (r + 1) * cell)
                d.rectangle(box, fill=fill, outline=(200, 200, 200))
                d.text(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
                       format_number(padded[r, c], digits), fill=_text_colour(fill),
                       font=font, anchor="mm")
        for r in step.rows:
            for c in step.cols:
                d.rectangle((_MARGIN + c * cell, y0 + r * cell, _MARGIN + (c + 1) * cell,
                             y0 + (r + 1) * cell), outline=_WINDOW, width=3)
        for i in range(oh):
            for j in range(ow):
                done = i * ow + j <= k
                fill = _diverging(float(out[i, j]) / scale) if done else _EMPTY
                box = (x_out + j * cell, y0 + i * cell, x_out + (j + 1) * cell,
                       y0 + (i + 1) * cell)
                d.rectangle(box, fill=fill, outline=(200, 200, 200))
                if done:
                    d.text(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
                           format_number(out[i, j], digits), fill=_text_colour(fill),
                           font=font, anchor="mm")
        d.rectangle((x_out + step.out_col * cell, y0 + step.out_row * cell,
                     x_out + (step.out_col + 1) * cell, y0 + (step.out_row + 1) * cell),
                    outline=_WINDOW, width=4)
        text = step_text(step, trace.activation, digits=digits)
        lines = textwrap.wrap(text.sum, eq_chars)
        if len(lines) > eq_lines - 1:
            lines = [*lines[: eq_lines - 2], "… = " + text.sum.rsplit(" = ", 1)[-1]]
        if text.activation:
            lines.append(text.activation)
        y = y0 + max(hp, oh) * cell + 20
        for line in lines:
            d.text((_MARGIN, y), line, fill=_INK, font=small)
            y += 24
        frames.append(im)
    return frames


def map_png(values: object, mapping: str, *, display: int = 640, digits: int = 2) -> bytes:
    """A feature map as a PNG at display size, its numbers in the cells when they fit.

    Colours are the screen's (:func:`cnnviz.plots.display.to_uint8_image`);
    each cell is drawn as a block of about ``display / side`` pixels, so a
    5×5 map is a 640-pixel picture rather than 5 pixels. Up to 16×16 every
    cell carries its number, as on the page.

    >>> import io
    >>> from PIL import Image
    >>> im = Image.open(io.BytesIO(map_png([[1, -2], [3, 0]], "diverging")))
    >>> im.size
    (640, 640)
    """
    arr = np.asarray(values, dtype=np.float64)
    rgb = to_uint8_image(arr, mapping)
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[:, :, None], 3, axis=2)
    h, w = arr.shape[:2]
    cell = max(1, display // max(h, w))
    im = Image.fromarray(np.repeat(np.repeat(rgb, cell, axis=0), cell, axis=1))
    if max(h, w) <= NUMBERS_MAX_SIDE and arr.ndim == 2:
        d = ImageDraw.Draw(im)
        font = _font(max(10, cell * 2 // 5))
        for r in range(h):
            for c in range(w):
                fill = tuple(int(v) for v in rgb[r, c])
                d.rectangle((c * cell, r * cell, (c + 1) * cell - 1, (r + 1) * cell - 1),
                            outline=(200, 200, 200))
                d.text(((c + 0.5) * cell, (r + 0.5) * cell), format_number(arr[r, c], digits),
                       fill=_text_colour(fill), font=font, anchor="mm")
    return png_bytes(np.asarray(im))

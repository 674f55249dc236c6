"""Pictures for slides: the step-by-step animation as a GIF, a feature map as a PNG.

Each frame shows what the animator shows at one step: the input (padded
when it is) with the window outlined and every number printed, the output
filling in cell by cell, the filter and the step's products with the bias,
and the step's equation underneath. Drawn with Pillow, at a size that reads
on a projector.

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
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cnnviz.core.activations import ACTIVATION_LABELS
from cnnviz.core.text import NUMBERS_MAX_SIDE, applied, format_number, sum_equation
from cnnviz.core.trace import ConvTrace
from cnnviz.lessons.equation import activated_name
from cnnviz.plots.display import diverging_lut, number_font, png_bytes, to_uint8_image

__all__ = ["MAX_GIF_STEPS", "animation_frames", "animation_gif", "animation_mp4", "map_png"]

#: More steps than this make a GIF too long to show (and too big to send).
MAX_GIF_STEPS = 400

_GAP, _MARGIN, _TITLE = 40, 24, 34
_WINDOW, _EMPTY, _INK = (255, 170, 0), (236, 236, 236), (20, 20, 20)
_LUT = np.asarray(diverging_lut(), dtype=np.uint8)  # the diverging ramp's levels
# R, G and B inputs tinted as the animation tints them (static/animator/colours.js TINTS).
_TINTS = ((255, 40, 40), (40, 210, 40), (60, 110, 255))


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
    rgb = animation_frames(trace, cell=cell, digits=digits)
    # One palette for every frame, from the last (the whole output is filled in there):
    # quantising each frame to its own adaptive palette cost most of the time.
    palette = rgb[-1].quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    frames = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in rgb]
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


def _lut_colour(t: float) -> tuple[int, int, int]:
    """t in [-1, 1] → the diverging ramp's level (the maps' and the animation's colour)."""
    lut = _LUT
    half = (len(lut) - 1) / 2
    i = int(np.rint(min(1.0, max(-1.0, t)) * half + half)) if np.isfinite(t) else None
    return (190, 190, 190) if i is None else tuple(int(v) for v in lut[i])


def _wrap(text: str, font, width: float) -> list[str]:
    """Break an equation into lines no wider than ``width`` pixels, after its "+" signs."""
    words = text.split(" ")
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}" if line else word
        if line and font.getlength(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def _equation_lines(trace: ConvTrace, step, digits: int) -> list[str]:
    """The step's equation as the animation writes it under its grids."""
    nc = step.values.shape[2]
    total = format_number(step.total, digits)
    bias = format_number(step.bias, digits)
    lines = []
    if nc == 1:
        part = format_number(step.partial_sums[0], digits)
        if step.bias != 0:
            lines.append(step.equation(channel=0, digits=digits))
            lines.append("wᵀx + w₀ = " + sum_equation([part], total, bias=bias))
        else:
            lines.append(step.equation(digits=digits))
    else:
        names = "RGB" if nc == 3 else [str(i) for i in range(nc)]
        parts = [format_number(p, digits) for p in step.partial_sums]
        for ch in range(nc):
            lines.append(f"{names[ch]}: {step.equation(channel=ch, digits=digits)}")
        lines.append(sum_equation(parts, total, bias=bias))
    if trace.activation != "none":
        lines.append(applied(ACTIVATION_LABELS[trace.activation], total,
                             format_number(step.activated, digits)))
    return lines


def _cell_box(d: ImageDraw.ImageDraw, x: float, y: float, cell: int, fill, text: str, font,
              *, hatch: bool = False) -> None:
    d.rectangle((x, y, x + cell, y + cell), fill=fill, outline=(200, 200, 200))
    if hatch:  # padding, as the animation draws it: grey stripes over the cell
        for o in range(8, 2 * cell, 8):  # the lines x + y = o, clipped to the cell
            d.line((x + max(0, o - cell), y + min(cell, o), x + min(cell, o),
                    y + max(0, o - cell)), fill=(150, 150, 150), width=1)
    d.text((x + cell / 2, y + cell / 2), text, fill=_text_colour(fill), font=font, anchor="mm")


def animation_frames(trace: ConvTrace, *, cell: int = 56, digits: int = 2) -> list[Image.Image]:
    """One RGB picture per step of a convolution (what the GIF and the MP4 show).

    As on screen: the input (with its padding ring when there is one) and the
    window; the output filling in; the filter ``w`` and the step's products
    ``a·w`` with the bias; and the step's equation, every line of it. The
    picture is as tall as the longest equation needs, no taller.

    Raises ValueError as :func:`animation_gif`.
    """
    if trace.n_steps > MAX_GIF_STEPS:
        raise ValueError(f"the animation has {trace.n_steps} steps; a GIF takes at most "
                         f"{MAX_GIF_STEPS}: use a smaller grid or a larger stride")
    if cell < 16:
        raise ValueError(f"cell must be at least 16 pixels, got {cell}")
    padded = trace.padded if trace.padded.ndim == 3 else trace.padded[:, :, None]
    hp, wp, nc = padded.shape
    # The output as the page shows it: after the activation, if there is one.
    out = trace.activated if trace.activation != "none" else trace.output
    oh, ow = out.shape[:2]
    steps = [trace.step(k) for k in range(trace.n_steps)]
    weights = trace.weights  # (f_H, f_W, n_c), as used (after a flip)
    fh, fw = weights.shape[:2]
    (top, bottom), (left, right) = trace.geometry.padding
    padded_at_all = top + bottom + left + right > 0
    # Several channels side by side: smaller input cells, so the frame stays projector-sized.
    cin = cell if nc == 1 else max(20, min(cell, (18 * cell) // (nc * wp)))
    lab = 26 if nc > 1 else 0  # room for the channel names above their grids
    gap_in = 14
    small = _font(18)

    def fit(values: np.ndarray, side: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
        """The app's one rule for a number in a cell (NUMBER_FIT), at the longest label."""
        longest = max(len(format_number(v, digits)) for v in np.ravel(values))
        return _font(max(8, number_font(side, longest) or int(side * 0.86 / longest / 0.68)))

    lo, hi = float(padded.min()), float(padded.max())
    out_scale = float(np.max(np.abs(out[np.isfinite(out)]), initial=0.0)) or 1.0
    k_scale = float(np.max(np.abs(weights))) or 1.0
    p_scale = float(max(np.max(np.abs(s.products)) for s in steps)) or 1.0
    font_in, font_out = fit(padded, cin), fit(out, cell)
    font_k, font_p = fit(weights, cell), fit(np.stack([s.products for s in steps]), cell)
    in_w = nc * wp * cin + (nc - 1) * gap_in
    x_out = _MARGIN + in_w + _GAP
    k_w = nc * fw * cell + (nc - 1) * gap_in
    width = max(x_out + ow * cell + _MARGIN, x_out + 380, 2 * _MARGIN + 2 * k_w + _GAP + 220)
    y0 = _MARGIN + _TITLE
    y_k = y0 + max(lab + hp * cin, oh * cell) + 24  # the filter and the products
    y_w = y_k + _TITLE + lab  # their grids' top
    y_eq = y_w + fh * cell + 20
    eqs = [[line for text in _equation_lines(trace, s, digits)
            for line in _wrap(text, small, width - 2 * _MARGIN)] for s in steps]
    height = y_eq + max(len(e) for e in eqs) * 24 + _MARGIN - 4
    pads = {p for pair in trace.geometry.padding for p in pair}
    pad_text = (f"p = {pads.pop()}" if len(pads) == 1
                else f"top {top}, bottom {bottom}, left {left}, right {right}")
    mode = "" if trace.settings.pad_mode == "zeros" else f", {trace.settings.pad_mode}"
    in_title = "input a[l−1]" + (f", padded ({pad_text}{mode})" if padded_at_all else "")
    names = "RGB" if nc == 3 else [str(i) for i in range(nc)]
    out_name = activated_name(trace.activation)
    out_name = out_name if trace.activation == "none" else f"a^[l] = {out_name}"
    frames = []
    for k, step in enumerate(steps):
        im = Image.new("RGB", (width, height), "white")
        d = ImageDraw.Draw(im)
        d.text((_MARGIN, _MARGIN), in_title, fill=_INK, font=small)
        d.text((x_out, _MARGIN), f"output {out_name}, step {k + 1} / {trace.n_steps}",
               fill=_INK, font=small)
        for ch in range(nc):
            x_ch = _MARGIN + ch * (wp * cin + gap_in)
            if nc > 1:
                d.text((x_ch + wp * cin / 2, y0 + lab - 4), names[ch], fill=_INK, font=small,
                       anchor="md")
            for r in range(hp):
                for c in range(wp):
                    pad = r < top or r >= hp - bottom or c < left or c >= wp - right
                    fill = _grey(float(padded[r, c, ch]), lo, hi)
                    if nc == 3:  # each channel in its own colour, as the animation draws it
                        fill = tuple(int(round(t * fill[0] / 255)) for t in _TINTS[ch])
                    _cell_box(d, x_ch + c * cin, y0 + lab + r * cin, cin, fill,
                              format_number(padded[r, c, ch], digits), font_in, hatch=pad)
            for r in step.rows:
                for c in step.cols:
                    d.rectangle((x_ch + c * cin, y0 + lab + r * cin, x_ch + (c + 1) * cin,
                                 y0 + lab + (r + 1) * cin), outline=_WINDOW, width=3)
        for i in range(oh):
            for j in range(ow):
                done = i * ow + j <= k
                x, y = x_out + j * cell, y0 + i * cell
                if done:
                    _cell_box(d, x, y, cell, _lut_colour(float(out[i, j]) / out_scale),
                              format_number(out[i, j], digits), font_out)
                else:
                    d.rectangle((x, y, x + cell, y + cell), fill=_EMPTY, outline=(200, 200, 200))
        d.rectangle((x_out + step.out_col * cell, y0 + step.out_row * cell,
                     x_out + (step.out_col + 1) * cell, y0 + (step.out_row + 1) * cell),
                    outline=_WINDOW, width=4)
        # The filter and this step's products, channel by channel, and the bias.
        x_p = _MARGIN + k_w + _GAP
        d.text((_MARGIN, y_k), "filter w" + (" (turned by 180°)" if trace.settings.flip else ""),
               fill=_INK, font=small)
        d.text((x_p, y_k), "products a·w", fill=_INK, font=small)
        d.text((x_p + k_w + _GAP, y_w + fh * cell / 2),
               f"bias b = {format_number(step.bias, digits)}", fill=_INK, font=small, anchor="lm")
        for ch in range(nc):
            dx = ch * (fw * cell + gap_in)
            if nc > 1:
                d.text((_MARGIN + dx + fw * cell / 2, y_w - 4), names[ch], fill=_INK,
                       font=small, anchor="md")
                d.text((x_p + dx + fw * cell / 2, y_w - 4), names[ch], fill=_INK,
                       font=small, anchor="md")
            for i in range(fh):
                for j in range(fw):
                    y = y_w + i * cell
                    w = float(weights[i, j, ch])
                    _cell_box(d, _MARGIN + dx + j * cell, y, cell, _lut_colour(w / k_scale),
                              format_number(w, digits), font_k)
                    v = float(step.products[i, j, ch])
                    _cell_box(d, x_p + dx + j * cell, y, cell, _lut_colour(v / p_scale),
                              format_number(v, digits), font_p,
                              hatch=bool(step.on_padding[i, j]))
        y = y_eq
        for line in eqs[k]:
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

"""Pictures for slides: the animation GIF and the feature-map PNG, decoded."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from cnnviz.core.trace import ConvTrace
from cnnviz.data import samples
from cnnviz.plots.gif import MAX_GIF_STEPS, animation_frames, animation_gif, map_png


def test_the_gif_has_one_frame_per_step_and_the_output_fills_in():
    item = samples.LECTURE_INPUTS["digit_one"]
    trace = ConvTrace(item.array, item.kernel)
    gif = Image.open(io.BytesIO(animation_gif(trace, frame_ms=200)))
    assert gif.n_frames == trace.n_steps == 25
    assert gif.info["duration"] == 200
    frames = []
    for i in (0, gif.n_frames - 1):
        gif.seek(i)
        frames.append(np.asarray(gif.convert("RGB"), dtype=int))
    assert (frames[0] != frames[1]).any()


def test_a_gif_of_too_many_steps_is_refused():
    with pytest.raises(ValueError, match=f"at most {MAX_GIF_STEPS}"):
        animation_gif(ConvTrace(np.zeros((30, 30)), np.ones((3, 3))))  # 784 steps


def test_the_png_is_at_display_size_with_numbers_in_small_maps():
    small = Image.open(io.BytesIO(map_png(np.arange(25.0).reshape(5, 5) - 12, "diverging")))
    assert small.size == (640, 640)
    cell = np.asarray(small.convert("L"))[:128, :128]  # the first cell: a number drawn in it
    assert len(np.unique(cell)) > 2
    big = Image.open(io.BytesIO(map_png(np.random.default_rng(0).normal(size=(100, 80)),
                                        "diverging")))
    assert big.size == (80 * 6, 100 * 6)  # blocks of 640 // 100 pixels, no numbers


def test_the_mp4_has_one_frame_per_step_and_its_first_and_last_frames_differ(tmp_path):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")  # in requirements.txt
    from cnnviz.plots.gif import animation_mp4

    item = samples.LECTURE_INPUTS["digit_one"]
    trace = ConvTrace(item.array, item.kernel)
    data = animation_mp4(trace, frame_ms=500)
    assert data[4:8] == b"ftyp"  # an MP4 container
    path = tmp_path / "steps.mp4"
    path.write_bytes(data)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    frames = [np.frombuffer(f, dtype=np.uint8).reshape(h, w, 3) for f in reader]
    assert len(frames) == trace.n_steps == 25
    assert meta["fps"] == pytest.approx(2.0)
    assert w % 2 == 0 and h % 2 == 0 and w >= 12 * 56
    first, last = frames[0].astype(int), frames[-1].astype(int)
    # The output filled in: many pixels changed, far beyond the codec's noise.
    assert np.count_nonzero(np.abs(first - last).sum(axis=2) > 60) > 1000


def test_an_mp4_of_too_many_steps_is_refused():
    from cnnviz.plots.gif import animation_mp4

    with pytest.raises(ValueError, match=f"at most {MAX_GIF_STEPS}"):
        animation_mp4(ConvTrace(np.zeros((30, 30)), np.ones((3, 3))))


def test_the_gif_names_the_activation_as_the_screen_does(monkeypatch):
    from PIL import ImageDraw

    written: list[str] = []
    real = ImageDraw.ImageDraw.text

    def text(self, xy, string, *args, **kwargs):
        written.append(str(string))
        return real(self, xy, string, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    trace = ConvTrace(np.array([[1.0, -2.0, 0.0], [0.0, 1.0, 3.0], [2.0, -1.0, 1.0]]),
                      np.ones((2, 2)), activation="relu")
    animation_frames(trace)
    assert any(t.startswith("output a^[l] = ReLU(z)") for t in written)
    assert any(t.startswith("ReLU(") and t.endswith(" = 0") for t in written)
    assert not any("relu(" in t for t in written)
def _frames(trace):
    from cnnviz.plots.gif import animation_frames

    return [np.asarray(f.convert("RGB"), dtype=int) for f in animation_frames(trace)]


def test_the_gif_shows_the_filter_and_the_products_below_the_grids():
    # Below the input and the output, the frame holds coloured cells (the filter's and the
    # products' diverging colours), not only the equation's black text.
    image = np.arange(25.0).reshape(5, 5) - 12
    frame = _frames(ConvTrace(image, [[1, -1], [2, 0]]))[0]
    grids_end = 24 + 34 + 5 * 56 + 10  # margin, title, the 5 input rows (the output is 4)
    below = frame[grids_end:]
    saturated = below.max(axis=2) - below.min(axis=2) > 80
    assert saturated.sum() > 2 * 56 * 56  # at least two cells' worth of red or blue
    reds = below[saturated & (below[..., 0] > below[..., 2])]
    blues = below[saturated & (below[..., 2] > below[..., 0])]
    assert len(reds) and len(blues)  # the weights 1, 2 and -1: both ends of the palette


def _title_ink_right(frame) -> int:
    """The rightmost inked column of the input's title line (left of the output's title)."""
    band = frame[24:48, : frame.shape[1] // 2]
    cols = np.nonzero((band < 128).any(axis=(0, 2)))[0]
    return int(cols.max())


def test_the_input_is_called_padded_only_when_it_is():
    digit = samples.LECTURE_INPUTS["digit_one"].array
    kernel = np.ones((3, 3))
    plain = _title_ink_right(_frames(ConvTrace(digit, kernel))[0])
    padded = _title_ink_right(_frames(ConvTrace(digit, kernel, padding=1))[0])
    # "input a[l−1]" at p = 0; "input a[l−1], padded (p = 1)" is longer by a clause.
    assert padded - plain > 100, (plain, padded)


def test_no_empty_band_at_the_foot_of_the_frames():
    for trace in (ConvTrace(samples.LECTURE_INPUTS["digit_one"].array, np.ones((3, 3))),
                  ConvTrace(np.arange(36.0).reshape(6, 6), np.eye(2), bias=1.5,
                            activation="relu")):
        frames = _frames(trace)
        gaps = []
        for frame in frames:
            rows = np.nonzero((frame < 200).any(axis=(1, 2)))[0]
            gaps.append(frame.shape[0] - 1 - int(rows.max()))
        # The frames are as tall as the longest equation: it ends a margin above the foot.
        assert min(gaps) <= 30, gaps

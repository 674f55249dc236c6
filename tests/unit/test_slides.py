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

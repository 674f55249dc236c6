"""The bundled digits and MNIST-style preprocessing of a drawing."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.data.digits import DIGITS_FILE, load_digits, mnist_style, split


def test_bundled_digits_are_small_and_balanced():
    assert DIGITS_FILE.stat().st_size < 2_000_000
    d = load_digits()
    assert d.x.shape == (5000, 28, 28) and 0 <= d.x.min() and d.x.max() <= 1
    assert np.bincount(d.y).tolist() == [500] * 10
    assert not d.x.flags.writeable


def test_split_is_fixed_stratified_and_disjoint():
    d = load_digits()
    a, b = split(d), split(d)
    np.testing.assert_array_equal(a.test_index, b.test_index)
    assert np.bincount(a.y_test).tolist() == [100] * 10
    assert np.bincount(a.y_train).tolist() == [400] * 10
    # No test digit is also a training digit (compare the pixels themselves).
    train = {x.tobytes() for x in a.x_train}
    assert sum(x.tobytes() in train for x in a.x_test) <= 2  # MNIST itself has a few twins
    with pytest.raises(ValueError, match="test_per_class"):
        split(d, test_per_class=500)


def _centre_of_mass(img: np.ndarray) -> tuple[float, float]:
    total = img.sum()
    return (img.sum(axis=1) @ np.arange(28) / total, img.sum(axis=0) @ np.arange(28) / total)


def test_a_drawing_becomes_20x20_in_28x28_centred_by_mass():
    canvas = np.zeros((280, 280))
    canvas[20:120, 200:250] = 1.0  # a blob in the top right corner, twice as tall as wide
    p = mnist_style(canvas)
    ink = p.image > 0.05
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    assert rows[-1] - rows[0] + 1 == 20 and cols[-1] - cols[0] + 1 == 10
    cy, cx = _centre_of_mass(p.image)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert p.image.dtype == np.float32 and p.image.max() <= 1


def test_dark_ink_on_white_paper_is_inverted_and_colour_averaged():
    paper = np.ones((60, 40, 3)) * 0.9
    paper[10:50, 18:22] = 0.1
    p = mnist_style(paper)
    assert any("inverted" in n for n in p.notes)
    assert p.image[0, 0] == 0 and p.image.max() == pytest.approx(1, abs=0.05)


def test_small_uploads_are_enlarged_and_blank_ones_refused():
    tiny = np.zeros((8, 8))
    tiny[2:6, 3:5] = 1
    assert mnist_style(tiny).image.shape == (28, 28)
    with pytest.raises(ValueError, match="no ink"):
        mnist_style(np.full((10, 10), 0.3))
    with pytest.raises(ValueError, match="image must be"):
        mnist_style(np.zeros((0, 4)))


def test_mnist_digits_are_already_mnist_style():
    # Preprocessing an MNIST digit again gives it back: the same box, the same centre.
    d = load_digits()
    for i in range(0, 5000, 500):
        p = mnist_style(d.x[i])
        assert np.corrcoef(p.image.ravel(), d.x[i].ravel())[0, 1] > 0.99


def _photo_of(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An MNIST digit as a phone photo would take it: dark ink on paper, 4× larger, under
    uneven light (a strong gradient across the page and a dim corner), with sensor noise."""
    big = np.kron(digit, np.ones((4, 4)))  # 112 × 112, white ink on black
    h, w = big.shape
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    light = 0.95 - 0.5 * xx - 0.25 * yy * xx  # paper from 0.95 down to 0.2
    paper = light * (1.0 - 0.85 * big)  # ink absorbs most of the light
    return np.clip(paper + rng.normal(0, 0.015, paper.shape), 0, 1)


def test_an_unevenly_lit_photo_of_a_digit_loses_its_background_and_is_read():
    from cnnviz.core import nn
    from cnnviz.lessons import digits as lesson_digits

    data, model = load_digits(), lesson_digits.load_model()
    rng = np.random.default_rng(5)
    picks = [int(np.flatnonzero(data.y == c)[7]) for c in range(10)]
    prepared = np.stack([mnist_style(_photo_of(data.x[i], rng)).image for i in picks])
    # No grey slab: outside the digit's own pixels the field is black, as in MNIST.
    for i, p in zip(picks, prepared, strict=True):
        clean = mnist_style(data.x[i]).image
        assert np.corrcoef(p.ravel(), clean.ravel())[0, 1] > 0.9
    probs = nn.predict(model.params, model.spec, prepared[..., None])
    assert (probs.argmax(axis=1) == data.y[picks]).sum() >= 9


def test_each_preprocessing_step_is_kept_to_show():
    rng = np.random.default_rng(1)
    p = mnist_style(_photo_of(load_digits().x[0], rng))
    titles = [title for title, _ in p.steps]
    assert titles[0].startswith("Grey") and titles[-1].startswith("Centred")
    assert any("background" in t.lower() for t in titles)
    assert any("Otsu" in t for t in titles)
    for _, step in p.steps:
        assert step.ndim == 2 and np.isfinite(step).all()
        assert step.min() >= 0 and step.max() <= 1


@pytest.mark.parametrize(("epochs", "said"), [(1, "1 epoch over"), (2, "2 epochs over"),
                                              (12, "12 epochs over")])
def test_the_training_caption_counts_epochs_in_words_that_agree(epochs, said):
    """The digits page said "1 epochs" after one epoch of training."""
    from cnnviz.core.nn import History
    from cnnviz.lessons.digits import training_caption

    history = History(steps=[10 * epochs], loss=[0.5], train_accuracy=[0.9],
                      epoch_steps=[10 * (i + 1) for i in range(epochs)],
                      test_accuracy=[0.9] * epochs, seconds=3.0)
    text = training_caption(history, 4000, 1000)
    assert text.startswith(said), text
    assert "1 epochs" not in text

"""What the digits page shows: a small CNN trained on MNIST digits, opened up.

The network is :func:`cnnviz.core.nn.digit_net`; its weights ship in
``assets/digits_cnn.npz``, made by ``python bench/train_digits.py --seed 0
--save assets/digits_cnn.npz`` (so the page opens trained). This module loads
and saves them, describes the layer stack, matches the first layer's learned
filters with the hand-made presets they resemble, collects every layer's
feature maps for one digit, and evaluates the held-out test digits (confusion
matrix, misclassified examples).

>>> model = load_model()
>>> model.params["W1"].shape, len(model.history.test_accuracy) > 0
((3, 3, 1, 8), True)
>>> [row.label for row in layer_rows(model.spec)][:2]
['CONV 3×3, 8 filters, s=1, p=same', 'ReLU']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np

from cnnviz.core import nn
from cnnviz.core.kernels import kernel_choices
from cnnviz.core.layers import Conv, Dense, Layer
from cnnviz.core.text import format_number

__all__ = [
    "MODEL_FILE",
    "PRESETS",
    "TRAINING",
    "Evaluation",
    "FilterMatch",
    "LayerMaps",
    "LayerRow",
    "evaluate",
    "feature_maps",
    "layer_rows",
    "load_model",
    "match_filters",
    "save_model",
]

MODEL_FILE = Path(__file__).resolve().parents[2] / "assets" / "digits_cnn.npz"

#: How the shipped weights were trained (``nn.train`` keywords). Chosen on a validation
#: split carved out of the 4,000 training digits, never on the test digits.
TRAINING: Mapping[str, float | int] = MappingProxyType(
    {"epochs": 12, "batch_size": 32, "lr": 0.003, "lr_decay": 0.8, "max_shift": 2})

#: Hand-made 3×3 kernels a learned filter is compared with (one of each kind: scaled
#: copies such as "all ones" and "all 1/9" would tie).
PRESETS = ("identity", "box_blur_3", "sharpen", "laplacian_4", "laplacian_8", "horizontal_edge",
           "vertical_edge", "sobel_x", "sobel_y", "emboss")


def save_model(path: Path, trained: nn.Trained, *, seed: int) -> None:
    """Write the weights, the training history and the seed to ``path`` (.npz)."""
    np.savez_compressed(path, seed=np.array(seed), **trained.params,
                        **trained.history.arrays())


@lru_cache(maxsize=2)  # read-only arrays, one or two files: bounded
def load_model(path: Path = MODEL_FILE) -> nn.Trained:
    """The shipped network (read once per process); raises ValueError if it does not fit."""
    spec = nn.digit_net()
    expected = nn.init_params(spec, (28, 28, 1))
    with np.load(path) as data:
        params = {name: data[name].astype(np.float32) for name in expected}
        history = nn.History.from_arrays(data)
    for name, value in expected.items():
        if params[name].shape != value.shape:
            raise ValueError(f"{path.name}: {name} has shape {params[name].shape}, the network "
                             f"needs {value.shape}")
    for value in params.values():
        value.setflags(write=False)
    return nn.Trained(params, spec, history)


@dataclass(frozen=True)
class LayerRow:
    """One row of the layer-stack table (numbers from :func:`cnnviz.core.layers.propagate`)."""

    index: int
    label: str
    shape: str
    params: int
    formula: str


def layer_rows(spec: Sequence[Layer], input_shape: Sequence[int] = (28, 28, 1)
               ) -> list[LayerRow]:
    """The stack as table rows: layer, output shape, parameters and how they are counted.

    >>> rows = layer_rows(nn.digit_net())
    >>> rows[0].params, rows[0].formula, rows[-2].formula
    (80, '(3·3·1 + 1)·8', '784·10 + 10')
    """
    rows = []
    for info in nn.describe(spec, input_shape):
        layer = info.layer
        if isinstance(layer, Conv):
            f, n_prev = layer.kernel_size, info.input_shape[2]
            formula = f"({f}·{f}·{n_prev} + 1)·{layer.filters}"
        elif isinstance(layer, Dense):
            formula = f"{info.input_shape[0]}·{layer.units} + {layer.units}"
        else:
            formula = "no parameters"
        rows.append(LayerRow(info.index, info.label,
                             " × ".join(str(n) for n in info.output_shape), info.params, formula))
    return rows


@dataclass(frozen=True)
class FilterMatch:
    """A learned first-layer filter and the hand-made kernel closest to it in direction."""

    index: int
    learned: np.ndarray
    preset: str
    title: str
    preset_values: np.ndarray
    similarity: float  # cosine of the angle between the two as 9-vectors, in [0, 1]
    sign: int  # -1 when the learned filter looks like the preset turned negative

    @property
    def text(self) -> str:
        """E.g. '3 ≈ −Sobel x? cos 0.91'."""
        return f"{self.index + 1}: cos {format_number(self.similarity, 2)}"

    @property
    def preset_label(self) -> str:
        """The preset's short name with the sign, e.g. '−Sobel x'."""
        return ("−" if self.sign < 0 else "") + self.title.split(" (")[0]


def match_filters(w1: np.ndarray, presets: Sequence[str] | None = None) -> list[FilterMatch]:
    """For each learned filter ``w1[:, :, 0, i]``, the preset with the largest |cosine|.

    A filter and its negative are counted as alike: the next layer's weights
    can flip the sign. ``presets`` defaults to :data:`PRESETS` for 3×3 filters
    and to every hand-made kernel of the filters' shape otherwise.

    >>> sob = kernel_choices(3, 3)["sobel_x"].values
    >>> m = match_filters(-2 * sob[:, :, None, None])[0]
    >>> m.preset, m.sign, m.similarity
    ('sobel_x', -1, 1.0)
    >>> match_filters(np.ones((5, 5, 1, 1)))[0].preset
    'box_blur_5'
    """
    if w1.ndim != 4 or w1.shape[2] != 1:
        raise ValueError(f"w1 must be (f_H, f_W, 1, F), got shape {w1.shape}")
    fh, fw = w1.shape[:2]
    choices = {name: k for name, k in kernel_choices(max(fh, fw), min(fh, fw)).items()
               if k.values.shape == (fh, fw) and np.linalg.norm(k.values) > 0}
    if presets is None:
        presets = PRESETS if (fh, fw) == (3, 3) else tuple(choices)
    unknown = [p for p in presets if p not in choices]
    if unknown:
        raise ValueError(f"presets must be names of {fh}×{fw} kernels, got {unknown}")
    if not presets:
        raise ValueError(f"no hand-made kernel is {fh}×{fw}")
    bank = np.array([choices[p].values.ravel() for p in presets], dtype=np.float64)
    bank_unit = bank / np.linalg.norm(bank, axis=1, keepdims=True)
    out = []
    for i in range(w1.shape[3]):
        v = w1[:, :, 0, i].astype(np.float64)
        norm = np.linalg.norm(v)
        cos = bank_unit @ v.ravel() / norm if norm > 0 else np.zeros(len(bank))
        best = int(np.argmax(np.abs(cos)))
        name = presets[best]
        out.append(FilterMatch(i, v, name, choices[name].title, choices[name].values,
                               round(float(abs(cos[best])), 12), 1 if cos[best] >= 0 else -1))
    return out


@dataclass(frozen=True)
class LayerMaps:
    """One layer's output for one digit: its label and (n_H, n_W, n_c) maps, or a vector."""

    index: int
    label: str
    values: np.ndarray
    signed: bool  # convolution outputs can be negative; after ReLU or pooling they are not


def feature_maps(trained: nn.Trained, image: np.ndarray) -> list[LayerMaps]:
    """Every layer's output for one 28×28 digit (the softmax entry holds the probabilities).

    >>> maps = feature_maps(load_model(), np.zeros((28, 28), np.float32))
    >>> [m.values.shape for m in maps][:3], maps[-1].values.shape
    ([(28, 28, 8), (28, 28, 8), (14, 14, 8)], (10,))
    """
    img = np.asarray(image, dtype=np.float32)
    if img.shape != (28, 28):
        raise ValueError(f"image must be 28×28, got shape {img.shape}")
    _, outs = nn.forward(trained.params, trained.spec, img[None, :, :, None], keep=True)
    return [LayerMaps(n, layer.label, out[0], isinstance(layer, Conv | Dense))
            for n, (layer, out) in enumerate(zip(trained.spec, outs, strict=True), start=1)]


@dataclass(frozen=True)
class Evaluation:
    """The network on the held-out digits."""

    probs: np.ndarray  # (m, 10)
    labels: np.ndarray  # (m,)
    confusion: np.ndarray  # (10, 10): row = true digit, column = predicted

    @property
    def predicted(self) -> np.ndarray:
        """The most probable class of each digit."""
        return self.probs.argmax(axis=1)

    @property
    def accuracy(self) -> float:
        """Fraction predicted right."""
        return float(np.mean(self.predicted == self.labels))

    def mistakes(self, limit: int = 24) -> np.ndarray:
        """Indices of misclassified digits, the most confidently wrong first."""
        wrong = np.flatnonzero(self.predicted != self.labels)
        confidence = self.probs[wrong].max(axis=1)
        return wrong[np.argsort(-confidence, kind="stable")][:limit]


def evaluate(trained: nn.Trained, x: np.ndarray, y: np.ndarray) -> Evaluation:
    """Probabilities, predictions and the confusion matrix on (m, 28, 28) digits.

    >>> from cnnviz.data.digits import load_digits, split
    >>> s = split(load_digits())
    >>> ev = evaluate(load_model(), s.x_test, s.y_test)
    >>> int(ev.confusion.sum()), ev.accuracy > 0.95
    (1000, True)
    """
    probs = nn.predict(trained.params, trained.spec, np.asarray(x, np.float32)[..., None])
    labels = np.asarray(y)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels, probs.argmax(axis=1)), 1)
    return Evaluation(probs, labels, confusion)




def learned_filters(matches: Sequence[FilterMatch]) -> np.ndarray:
    """The learned filters as one (3, 3, F) volume, for a row of panels."""
    return np.stack([m.learned for m in matches], axis=2)


def preset_filters(matches: Sequence[FilterMatch]) -> np.ndarray:
    """Each match's preset, signed and scaled to its learned filter's length (3, 3, F).

    Scale says nothing about the kind of filter (the next layer rescales), so
    the presets are drawn at the learned filters' size, for the eye.
    """
    out = []
    for m in matches:
        norm = float(np.linalg.norm(m.preset_values)) or 1.0
        out.append(m.sign * m.preset_values * (float(np.linalg.norm(m.learned)) / norm))
    return np.stack(out, axis=2)


def spatial_maps(maps: Sequence[LayerMaps]) -> list[LayerMaps]:
    """The layers whose output is a volume of feature maps (not the flat vectors)."""
    return [m for m in maps if m.values.ndim == 3]


def prediction_text(probs: np.ndarray, label: int | None) -> str:
    """The network's answer in words (Markdown).

    >>> prediction_text(np.eye(10)[3] * 0.9 + 0.01, 3)
    'The network says **3** with probability 0.91. Right: the label is 3.'
    """
    best = int(np.argmax(probs))
    text = f"The network says **{best}** with probability {float(probs[best]):.2f}."
    if label is not None:
        text += (" Right: the label is " if best == label else " Wrong: the label is ") + \
            f"{label}."
    second = int(np.argsort(probs)[-2])
    if label is None and probs[second] > 0.1:
        text += f" Its second guess is {second} ({float(probs[second]):.2f})."
    return text


def mistake_count(ev: Evaluation) -> int:
    """How many test digits are misclassified."""
    return int(np.sum(ev.predicted != ev.labels))


def mistake_captions(ev: Evaluation, index: np.ndarray) -> list[str]:
    """'#123: 7→1 (0.93)' for each misclassified test digit."""
    return [f"#{i}: {ev.labels[i]}→{ev.predicted[i]} ({ev.probs[i].max():.2f})" for i in index]


def training_caption(history: nn.History, n_train: int, n_test: int) -> str:
    """One line on how the network was trained and how well it does."""
    epochs = len(history.epoch_steps)
    final = history.test_accuracy[-1] if history.test_accuracy else float("nan")
    passes = f"{epochs} epoch" if epochs == 1 else f"{epochs} epochs"
    return (f"{passes} over {n_train:,} training digits ({history.steps[-1]:,} steps of "
            f"{TRAINING['batch_size']} digits, Adam, random shifts of up to "
            f"{TRAINING['max_shift']} pixels) in {history.seconds:.0f} s; accuracy on the "
            f"{n_test:,} held-out test digits after the last epoch: {final:.3f}. The red curve "
            "is the cross-entropy loss, averaged over the batches between two points.")


TRAINING_TEXT = (
    "Same network, new random weights (the seed), the same recipe as the shipped weights: "
    "Adam, batches of 32, learning rate 0.003 shrinking by 0.8 each epoch, digits shifted at "
    "random by up to 2 pixels. About 1–3 s per epoch on a quiet machine. The test digits are "
    "only measured, never trained on."
)

FILTERS_TEXT = (
    "Nobody chose these numbers: they started random and gradient descent shaped them. "
    "Below each is the hand-made kernel it points most nearly the same way as, with the "
    "cosine of the angle between them as 9-vectors (1: the same up to scale; a negative "
    "twin counts, since the next layer can flip the sign). Learned filters are rarely clean "
    "copies: many are edge detectors at some angle, some blur or sharpen."
)

MAPS_TEXT = (
    "Red: positive, blue: negative (conv outputs); after ReLU and pooling, black is 0 and "
    "white the layer's largest value. Early maps still look like the digit, filtered; after "
    "the second pooling each 7 × 7 map marks where its pattern was found."
)

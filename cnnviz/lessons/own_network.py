r"""What "Your own network" shows: an uploaded network's layers, filters, maps and prediction.

The numbers come from :mod:`cnnviz.core.graph` (the walk, parameter counts,
output-size formulas) and :mod:`cnnviz.data.networks` (the file); this module
prepares the user's image as the network's input (:func:`prepare`, the user's
own preprocessing choices), lays the walk out as table rows
(:func:`layer_rows`), turns the first convolution's filters into pictures with
the nearest hand-made kernel (:func:`first_filters`), ranks the classes
(:func:`top_classes`) and prices an occlusion map (:func:`occlusion_budget`).

>>> from cnnviz.core.graph import walk
>>> from cnnviz.data.networks import load_network
>>> net = load_network(SAMPLES["onnx"].read_bytes(), "digits_cnn.onnx")
>>> prep = Preprocessing()
>>> x = prepare(np.zeros((40, 40)), net.graph, prep)
>>> x.tensor.shape, x.notes[0]
((1, 1, 28, 28), 'resized from 40 × 40 to 28 × 28 (the network asks for 28 × 28)')
>>> run = walk(net.graph, x.tensor)
>>> [r["output shape"] for r in layer_rows(run)][:3]
['8 × 28 × 28', '8 × 28 × 28', '8 × 14 × 14']
>>> top_classes(run, net.graph.class_names)[0].name in net.graph.class_names
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np

from cnnviz.core.graph import SUPPORTED, Graph, Step, Walk
from cnnviz.core.nn import softmax
from cnnviz.core.text import format_number
from cnnviz.data.networks import EXPORT_HELP, MAX_FILE_BYTES, MAX_LAYERS, MAX_NPZ_BYTES
from cnnviz.data.pixels import resample
from cnnviz.lessons.digits import FilterMatch, match_filters
from cnnviz.lessons.formulas import size_words

__all__ = [
    "SAMPLES",
    "Preprocessing",
    "Prepared",
    "Ranked",
    "first_filters",
    "input_layout",
    "layer_rows",
    "occlusion_budget",
    "prepare",
    "top_classes",
]

_ASSETS = Path(__file__).resolve().parents[2] / "assets"
#: The app's own digit network in each format (tools/export_digits.py).
SAMPLES = MappingProxyType({"onnx": _ASSETS / "digits_cnn.onnx",
                            "safetensors": _ASSETS / "digits_cnn.safetensors",
                            "npz": _ASSETS / "digits_cnn.npz"})


@dataclass(frozen=True)
class Preprocessing:
    """The user's choices: the network cannot say how its training images were prepared.

    ``size`` is used only when the network leaves the image size open;
    ``colour`` is ``"grey"`` or ``"rgb"`` (only when the channels are open);
    ``scale`` is ``"0-1"`` or ``"0-255"``; ``mean`` and ``std`` are subtracted and
    divided per channel after scaling (one value for all channels, or one each).
    """

    size: int = 28
    colour: str = "grey"
    scale: str = "0-1"
    mean: tuple[float, ...] = (0.0,)
    std: tuple[float, ...] = (1.0,)


@dataclass(frozen=True)
class Prepared:
    """The network's input tensor, the picture it shows (H, W) or (H, W, 3), and what was done."""

    tensor: np.ndarray
    picture: np.ndarray
    notes: tuple[str, ...]


def input_layout(graph: Graph) -> tuple[str, int | None, int | None, int | None]:
    """``("nchw" | "nhwc", channels, H, W)`` from the graph's input shape (None: open).

    A 4-D input whose last dimension is 1 or 3 while its second is not is taken as
    channels last (Keras, tf2onnx); otherwise channels first (PyTorch, ONNX's order).
    """
    dims = tuple(graph.input_shape)
    if len(dims) == 4 and dims[3] in (1, 3) and dims[1] not in (1, 3):
        return "nhwc", dims[3], dims[1], dims[2]
    if len(dims) == 4:
        return "nchw", dims[1], dims[2], dims[3]
    return "nchw", None, None, None


def prepare(image: np.ndarray, graph: Graph, prep: Preprocessing) -> Prepared:
    """The user's image as the network's input, by the user's preprocessing choices.

    Raises
    ------
    ValueError
        For a mean or std that does not fit the channels, a zero std, a bad size.
    """
    layout, channels, h, w = input_layout(graph)
    notes = []
    img = np.asarray(image, dtype=np.float64)
    if img.ndim == 3 and img.shape[2] == 4:
        img = img[:, :, :3]
    if channels is None:
        channels = 3 if prep.colour == "rgb" else 1
    if channels not in (1, 3):
        raise ValueError(f"the network's input has {channels} channels; the app feeds 1 (grey) "
                         "or 3 (RGB)")
    if channels == 1 and img.ndim == 3:
        img = img.mean(axis=2)
        notes.append("made grey (the mean of R, G and B): the network takes one channel")
    elif channels == 3 and img.ndim == 2:
        img = np.repeat(img[:, :, None], 3, axis=2)
        notes.append("the grey image copied into R, G and B: the network takes three channels")
    size = int(prep.size)
    if size < 1 or size > 1024:
        raise ValueError(f"size must be 1 to 1024, got {size}")
    want = (h or size, w or size)
    if img.shape[:2] != want:
        why = ("the network asks for " if h and w else "your choice: ") + \
            f"{want[0]} × {want[1]}"
        notes.append(f"resized from {img.shape[0]} × {img.shape[1]} to {want[0]} × {want[1]} "
                     f"({why})")
        method = "box" if img.shape[0] >= want[0] else "lanczos"
        img = resample(img, want, method=method)
    picture = np.clip(img, 0.0, 1.0) if img.min() >= -1e-9 and img.max() <= 1 + 1e-9 else img
    x = img.astype(np.float64) * (255.0 if prep.scale == "0-255" else 1.0)
    vol = x if x.ndim == 3 else x[:, :, None]
    mean = np.asarray(prep.mean, dtype=np.float64)
    std = np.asarray(prep.std, dtype=np.float64)
    for name, arr in (("mean", mean), ("std", std)):
        if arr.size not in (1, channels) or not np.isfinite(arr).all():
            raise ValueError(f"{name} must be one number or {channels}, got "
                             f"{', '.join(format_number(v) for v in arr.ravel())}")
    if np.any(std == 0):
        raise ValueError("std must not be 0 (it divides)")
    vol = (vol - mean.reshape(1, 1, -1)) / std.reshape(1, 1, -1)
    if prep.scale == "0-255":
        notes.append("scaled to 0–255")
    if np.any(mean != 0) or np.any(std != 1):
        notes.append("normalised: (x − mean) / std per channel")
    tensor = vol[None] if layout == "nhwc" else vol.transpose(2, 0, 1)[None]
    return Prepared(np.ascontiguousarray(tensor, dtype=np.float32), picture, tuple(notes))


def _shape(shape: Sequence[int]) -> str:
    """The shape without the batch: (1, 8, 28, 28) → '8 × 28 × 28'; a scalar → 'a number'."""
    if not len(shape):
        return "a number"
    return " × ".join(str(n) for n in shape[1:]) if len(shape) > 1 else str(shape[0])


def layer_rows(run: Walk) -> list[dict[str, object]]:
    """One table row per operator walked: name, output shape, settings, parameters."""
    rows = []
    for step in run.steps:
        s = step.settings
        rows.append({
            "#": step.index,
            "operator": step.node.op,
            "name": step.node.name,
            "output shape": _shape(step.output.shape),
            "kernel": s.get("kernel", s.get("window", "")),
            "stride": _pair(s.get("stride")),
            "padding": _pads(s.get("padding")),
            "dilation": _pair(s.get("dilation")),
            "groups": str(s.get("groups", "")),
            "parameters": step.params,
            "counted as": step.params_formula,
        })
    return rows


def _pair(value: object) -> str:
    if not value:
        return ""
    a, b = value  # type: ignore[misc]
    return str(a) if a == b else f"{a}, {b}"


def _pads(value: object) -> str:
    if not value:
        return ""
    (t, b), (left, r) = value  # type: ignore[misc]
    if t == b == left == r:
        return str(t)
    return f"top {t}, bottom {b}, left {left}, right {r}"


def shape_caption(step: Step) -> str:
    """The output shape, in words, with the size formula filled in for convolutions and pools."""
    text = f"[{step.index}] {step.node.op} “{step.node.name}”: output {_shape(step.output.shape)}"
    for f in step.formulas:
        text += f"; n_{f.axis} = {size_words(f)}"
    return text


# Their 4-D outputs need not be N × C × H × W (a Transpose to channels last, a Reshape).
_NOT_MAPS = ("Transpose", "Reshape", "MatMul")


def feature_volume(step: Step, limit: int = 16) -> np.ndarray | None:
    """The step's first ``limit`` maps as (H, W, C) if its output is N × C × H × W, else None.

    >>> from cnnviz.core.graph import Node
    >>> step = Step(1, Node("Relu", "r", ("x",), ("y",)), np.ones((1, 20, 4, 5)), {}, 0, "")
    >>> feature_volume(step).shape
    (4, 5, 16)
    """
    out = step.output
    if out.ndim != 4 or out.shape[2] < 2 or out.shape[3] < 2 or step.node.op in _NOT_MAPS:
        return None
    return np.ascontiguousarray(out[0, :limit].transpose(1, 2, 0), dtype=np.float64)


def colour_mosaic(patches: Sequence[np.ndarray], columns: int = 16) -> np.ndarray:
    """RGB patches (f_H, f_W, 3) in [0, 1] side by side, white between them (AlexNet's figure).

    >>> colour_mosaic([np.zeros((2, 2, 3))] * 3, columns=2).shape
    (5, 5, 3)
    """
    h, w = patches[0].shape[:2]
    cols = max(1, min(columns, len(patches)))
    rows = -(-len(patches) // cols)
    out = np.ones((rows * (h + 1) - 1, cols * (w + 1) - 1, 3))
    for i, patch in enumerate(patches):
        r, q = divmod(i, cols)
        out[r * (h + 1):r * (h + 1) + h, q * (w + 1):q * (w + 1) + w] = patch
    return out


def mosaic(volume: np.ndarray, columns: int = 8) -> np.ndarray:
    """The channels of (H, W, C) side by side in one 2-D grid, a one-cell gap of 0 between.

    >>> mosaic(np.ones((2, 2, 3)), columns=2).shape
    (5, 5)
    """
    h, w, c = volume.shape
    cols = max(1, min(columns, c))
    rows = -(-c // cols)
    out = np.zeros((rows * (h + 1) - 1, cols * (w + 1) - 1), dtype=np.float64)
    for i in range(c):
        r, q = divmod(i, cols)
        out[r * (h + 1):r * (h + 1) + h, q * (w + 1):q * (w + 1) + w] = volume[:, :, i]
    return out


@dataclass(frozen=True)
class Ranked:
    """One class of the prediction."""

    index: int
    name: str
    probability: float


def top_classes(run: Walk, names: Sequence[str] = (), k: int = 5) -> list[Ranked]:
    """The ``k`` most probable classes; [] if the walk did not reach a prediction.

    If the network ends without a Softmax (its outputs are scores), a softmax of the
    last output is taken; :func:`prediction_note` says so.
    """
    p = probabilities(run)
    if p is None:
        return []
    order = np.argsort(-p, kind="stable")[:k]
    return [Ranked(int(i), names[i] if i < len(names) else f"class {i}", float(p[i]))
            for i in order]


def probabilities(run: Walk) -> np.ndarray | None:
    """Every class's probability (the Softmax's, or the softmax of the last scores), or None."""
    if run.stopped is not None or not run.steps:
        return None
    if run.probabilities is not None:
        return run.probabilities
    last = run.steps[-1].output
    if last.ndim == 2 and last.shape[0] == 1 and last.shape[1] > 1:
        return softmax(last.astype(np.float64))[0]
    return None


def prediction_note(run: Walk) -> str:
    """How the probabilities were read."""
    if run.probabilities is not None:
        return "The network's own Softmax gives these probabilities."
    return ("The network ends without a Softmax: these are the softmax of its last outputs "
            "(its scores), taken by the app.")


@dataclass(frozen=True)
class FirstFilters:
    """The first convolution's filters as pictures, their numbers and their nearest kernel."""

    step_name: str
    weights: np.ndarray  # (F, C, f_H, f_W)
    pictures: list[np.ndarray]  # each (f_H, f_W) signed, or (f_H, f_W, 3) in [0, 1]
    matches: list[FilterMatch] | None  # on the filters' sum over the input channels


def first_filters(graph: Graph, limit: int = 32) -> FirstFilters | None:
    """The first Conv's filters (at most ``limit``), or None if the graph has no Conv."""
    for node in graph.nodes:
        if node.op == "Conv" and len(node.inputs) > 1 and node.inputs[1] in graph.constants:
            w = np.asarray(graph.constants[node.inputs[1]], dtype=np.float64)
            if w.ndim != 4:
                return None
            w = w[:limit]
            if w.shape[1] == 3:
                # AlexNet's figure: each filter stretched to [0, 1] on its own, 0 at grey.
                pics = []
                for f in w:
                    lim = float(np.abs(f).max()) or 1.0
                    pics.append((f.transpose(1, 2, 0) / lim + 1) / 2)
            else:
                pics = [f.sum(axis=0) for f in w]
            summed = w.sum(axis=1).transpose(1, 2, 0)[:, :, None, :]
            try:
                matches = match_filters(summed)
            except ValueError:  # no hand-made kernel of that shape
                matches = None
            return FirstFilters(node.name, w, pics, matches)
    return None


@dataclass(frozen=True)
class Budget:
    """What an occlusion map costs before it starts."""

    positions: int
    macs_per_pass: int

    @property
    def total(self) -> int:
        """Multiply-adds for the whole map (one forward pass per position, plus one)."""
        return (self.positions + 1) * self.macs_per_pass


def occlusion_budget(run: Walk, x: np.ndarray, patch: int, stride: int) -> Budget:
    """Positions of the patch, and multiply-adds of one forward pass (``run``, the walk of ``x``).

    >>> from cnnviz.core.graph import walk
    >>> from cnnviz.data.networks import load_network
    >>> net = load_network(SAMPLES["onnx"].read_bytes(), "digits_cnn.onnx")
    >>> x = np.zeros((1, 1, 28, 28), np.float32)
    >>> b = occlusion_budget(walk(net.graph, x), x, 4, 2)
    >>> b.positions, b.macs_per_pass  # 13 × 13; 28²·9·8 + 14²·9·8·16 + 784·10
    (169, 290080)
    """
    h, w = x.shape[-2:]
    rows = max(h - patch, 0) // stride + 1
    cols = max(w - patch, 0) // stride + 1
    return Budget(rows * cols, sum(s.macs for s in run.steps))


def big_number(n: int) -> str:
    """E.g. 1,234,567 → '1.23 million'."""
    if n >= 10**9:
        return f"{n / 10**9:.2f} billion"
    if n >= 10**6:
        return f"{n / 10**6:.2f} million"
    return f"{n:,}"


INTRO = (
    "Students train CNNs in PyTorch or Keras in their labs; here is where you see your own. "
    "Upload its weights (safetensors, .npz or ONNX), and the app lists its layers, shows its "
    "first-layer filters, sends an image through every layer and shows the prediction, all "
    "computed by cnnviz's own convolution and pooling code (no framework runs here). The "
    "lectures say early filters find edges and later ones shapes (Zeiler and Fergus): look "
    "for that in yours."
)

PREPROCESSING_NOTE = (
    "The app cannot know how your network was trained: the image size, grey or colour, 0–1 or "
    "0–255, and the mean and standard deviation it subtracted and divided by. Set them as your "
    "training code did (torchvision's ImageNet normalisation is mean 0.485, 0.456, 0.406 and "
    "std 0.229, 0.224, 0.225 on 0–1 images); a wrong choice gives wrong predictions, not an "
    "error."
)

STACK_NOTE = (
    "A safetensors or .npz file holds arrays with names, not the network's wiring: the order "
    "comes from the names (conv1, conv2, …, features.0, features.3, …; convolutions before "
    "dense layers), and stride, padding, activation and pooling are guesses you can change "
    "below. The defaults are the ones that make the shapes fit the first dense layer. ONNX "
    "files carry all of this themselves."
)

LAYOUT_TEXT = MappingProxyType({
    "pytorch": "PyTorch: out × in × f_H × f_W (dense: out × in), flattened C × H × W",
    "keras": "Keras / this app: f_H × f_W × in × out (dense: in × out), flattened H × W × C",
})

FORMATS_TEXT = (
    f"Formats: .safetensors, .npz (read with allow_pickle=False) and .onnx (opsets 11–21). At "
    f"most {MAX_FILE_BYTES // 2**20} MB per file ({MAX_NPZ_BYTES // 2**20} MB for an .npz once "
    f"unpacked) and {MAX_LAYERS} layers; weights float16, float32 or float64, finite. "
    "Pickles (.pt, .pth, .pkl) and Keras's .h5/.keras are refused: export them as "
    "\"How to export yours\" shows."
)

OPERATORS_TEXT = "Operators the walk follows: " + ", ".join(SUPPORTED) + "."

FILTERS_TEXT = (
    "Each filter of the first convolution, as a picture: for three input channels, as colour "
    "patches the way AlexNet's conv1 figure shows them (each filter stretched on its own, grey "
    "is 0); otherwise red for positive and blue for negative weights, summed over the input "
    "channels. Under them, the hand-made kernel each points most nearly the same way as (its "
    "sum over the channels, as a vector), with the cosine between them (1: the same up to scale; a "
    "negative twin counts)."
)

OCCLUSION_TEXT = (
    "Slide a grey square over the image and run the network again at every place: where hiding "
    "the square makes the top class's probability fall, the network was looking. Red: the "
    "probability fell; blue: it rose."
)

SALIENCY_TEXT = (
    "For the app's own digit network the exact input gradient ∂p/∂x of the top class is "
    "computed by the network's own backward pass (the one that trained it): red pixels would "
    "raise the probability if brighter, blue ones lower it. For other networks the app uses "
    "occlusion only."
)

__all__ += ["EXPORT_HELP", "FILTERS_TEXT", "FORMATS_TEXT", "INTRO", "LAYOUT_TEXT",
            "OCCLUSION_TEXT", "OPERATORS_TEXT", "PREPROCESSING_NOTE", "SALIENCY_TEXT",
            "STACK_NOTE", "Budget", "FirstFilters", "big_number", "feature_volume",
            "colour_mosaic", "mosaic", "prediction_note", "probabilities",
            "shape_caption"]



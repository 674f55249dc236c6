r"""A catalogue of published networks as layer stacks: LeNet-5, AlexNet, VGG16.

The networks the Shapes page loads into its editor, with the totals their
papers or torchvision publish and where each form comes from. The arithmetic
is the core's (:mod:`cnnviz.core.layers`); the catalogue, its sources and
history are lesson material, so they live here.

>>> from cnnviz.core.layers import propagate, total_params
>>> total_params(propagate(*vgg16()[:2])) == ARCHITECTURES["vgg16"].published_total
True
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from cnnviz.core.layers import (
    Activation,
    AdaptivePool,
    Conv,
    Dense,
    Dropout,
    Flatten,
    Layer,
    Pool,
    Shape,
    propagate,  # noqa: F401  (the examples use it)
    total_params,  # noqa: F401  (the examples use it)
)

__all__ = [
    "ARCHITECTURES",
    "Architecture",
    "alexnet",
    "lenet5",
    "vgg16",
]


# --- architectures ----------------------------------------------------------


class Architecture(NamedTuple):
    """A classic network: input shape, layers, its published total, and where from."""

    input_shape: Shape
    layers: tuple[Layer, ...]
    published_total: int
    source: str


def lenet5() -> Architecture:
    """LeNet-5 (LeCun et al., 1998) on a 32×32×1 digit, in its common modern form.

    C1 6@5×5 → S2 2×2 average pool → C3 16@5×5 → S4 → C5 120@5×5 (1×1×120) →
    F6 84 → 10 outputs, with tanh and a softmax. Two simplifications from the
    paper, as most textbooks make them:

    - C3 connects every filter to all 6 maps of S2: ``(5·5·6 + 1)·16 = 2416``
      parameters. The paper used a partial connection table (each filter sees
      3, 4 or 6 maps) giving 1516.
    - S2 and S4 are plain pools. The paper's subsampling had a trainable
      coefficient and bias per map (12 and 32 parameters), and its output
      layer was RBF units; the paper quotes about 60,000 parameters.

    The total is then 61,706, the figure usually quoted for this form.

    >>> info = propagate(*lenet5()[:2])
    >>> total_params(info), lenet5().published_total
    (61706, 61706)
    """
    layers = (
        Conv(6, 5),
        Activation("tanh"),
        Pool(2, mode="avg"),
        Conv(16, 5),
        Activation("tanh"),
        Pool(2, mode="avg"),
        Conv(120, 5),
        Activation("tanh"),
        Flatten(),
        Dense(84),
        Activation("tanh"),
        Dense(10),
        Activation("softmax"),
    )
    return Architecture(
        (32, 32, 1),
        layers,
        61_706,
        "LeNet-5 (LeCun, Bottou, Bengio, Haffner 1998), modern form: full C3 (2416 "
        "parameters, not the paper's 1516) and plain average pooling.",
    )


def alexnet() -> Architecture:
    """AlexNet as torchvision builds it (``torchvision.models.alexnet``).

    The 2012 paper had 96/256/384/384/256 filters split over two GPUs and
    local response normalisation (see :class:`LRN`); torchvision's single-GPU
    variant has 64/192/384/256/256 filters, no LRN, and an adaptive average
    pool to 6×6 (which changes nothing on a 224×224 input).

    >>> infos = propagate(*alexnet()[:2])
    >>> total_params(infos)
    61100840
    >>> infos[0].output_shape, infos[0].formulas[0].exact
    ((55, 55, 64), False)
    """
    layers = (
        Conv(64, 11, stride=4, padding=2),
        Activation("relu"),
        Pool(3, stride=2),
        Conv(192, 5, padding=2),
        Activation("relu"),
        Pool(3, stride=2),
        Conv(384, 3, padding=1),
        Activation("relu"),
        Conv(256, 3, padding=1),
        Activation("relu"),
        Conv(256, 3, padding=1),
        Activation("relu"),
        Pool(3, stride=2),
        AdaptivePool(6),
        Flatten(),
        Dropout(0.5),
        Dense(4096),
        Activation("relu"),
        Dropout(0.5),
        Dense(4096),
        Activation("relu"),
        Dense(1000),
    )
    return Architecture(
        (224, 224, 3),
        layers,
        61_100_840,
        "AlexNet (Krizhevsky, Sutskever, Hinton 2012) as in torchvision.models.alexnet; "
        "the lectures round it to about 60 million.",
    )


def vgg16() -> Architecture:
    """VGG16 (Simonyan and Zisserman, 2014), configuration D, as in torchvision.

    Thirteen 3×3 "same" convolutions in five blocks (64, 128, 256, 512, 512
    filters), each block ended by a 2×2 max pool, then 4096, 4096, 1000.

    >>> infos = propagate(*vgg16()[:2])
    >>> total_params(infos)
    138357544
    """
    blocks = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
    layers: list[Layer] = []
    for filters, repeat in blocks:
        for _ in range(repeat):
            layers += [Conv(filters, 3, padding=1), Activation("relu")]
        layers.append(Pool(2))
    layers += [
        AdaptivePool(7),
        Flatten(),
        Dense(4096),
        Activation("relu"),
        Dropout(0.5),
        Dense(4096),
        Activation("relu"),
        Dropout(0.5),
        Dense(1000),
    ]
    return Architecture(
        (224, 224, 3),
        tuple(layers),
        138_357_544,
        "VGG16 (Simonyan, Zisserman 2014), configuration D, as in torchvision.models.vgg16; "
        "the lectures round it to about 138 million.",
    )


#: Preset networks by name; each value is an :class:`Architecture`.
ARCHITECTURES: Mapping[str, Architecture] = MappingProxyType(
    {"lenet5": lenet5(), "alexnet": alexnet(), "vgg16": vgg16()}
)

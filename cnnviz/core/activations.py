"""Activation functions applied after the bias, as the lectures order them.

>>> activate(np.array([-2.0, 0.5]), "relu")
array([0. , 0.5])
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from cnnviz.core._checks import as_float_array, check_mode

__all__ = ["ACTIVATIONS", "ACTIVATION_LABELS", "activate"]

ACTIVATIONS = MappingProxyType(
    {
        "none": "Identity: the feature map as the convolution gives it.",
        "relu": "ReLU, max(0, z): negative values become 0.",
        "leaky_relu": "Leaky ReLU: negative values are multiplied by a small slope instead of cut.",
        "sigmoid": "Sigmoid, 1 / (1 + e^-z): squashes every value into (0, 1).",
        "tanh": "tanh: squashes every value into (-1, 1), keeping the sign.",
    }
)


#: The one short name of each activation, as every screen, caption, GIF and layer label writes
#: it: ``ReLU(z)``, never ``relu(z)``. "none" has no name; softmax is a layer (cnnviz.core.layers)
#: rather than an element-wise activation.
ACTIVATION_LABELS = MappingProxyType({
    "none": "",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "softmax": "softmax",
})


def activate(z: object, name: str = "none", *, slope: float = 0.01) -> np.ndarray:
    """Apply the activation ``name`` element-wise; the input is not modified.

    Parameters
    ----------
    z : array_like
        Pre-activation values (convolution plus bias).
    name : {"none", "relu", "leaky_relu", "sigmoid", "tanh"}
    slope : float, keyword-only
        Slope of leaky ReLU for negative inputs.

    Examples
    --------
    >>> activate([-1.0, 2.0], "leaky_relu", slope=0.1)
    array([-0.1,  2. ])
    >>> activate([0.0], "sigmoid")
    array([0.5])
    """
    arr = as_float_array(z, "z")
    check_mode(name, "activation", tuple(ACTIVATIONS))
    if name == "none":
        return arr.copy()
    if name == "relu":
        out: np.ndarray = np.maximum(arr, 0)
        return out
    if name == "leaky_relu":
        if not np.isfinite(slope):
            raise ValueError(f"slope must be a finite number, got {slope}")
        return np.where(arr >= 0, arr, arr * slope).astype(arr.dtype, copy=False)
    if name == "sigmoid":
        # Written with exp(-|z|) so large |z| never overflows.
        e = np.exp(-np.abs(arr))
        squashed: np.ndarray = np.where(arr >= 0, 1 / (1 + e), e / (1 + e))
        return squashed.astype(arr.dtype, copy=False)
    return np.asarray(np.tanh(arr))

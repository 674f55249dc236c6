"""Small extra kernels for the "under the hood" pages, beside the lectures' presets.

The lectures' presets (:data:`cnnviz.core.kernels.KERNELS`) are all 3×3 or 5×5 and
mostly symmetric. Showing a convolution as a matrix, the flip of true
convolution, or a transposed convolution needs a few more: 2×2 and 4×4
kernels, kernels whose taps are all different (so each weight can be followed
into the matrix W), and an asymmetric kernel whose 180° turn is not just its
negative.

>>> SMALL_KERNELS["asymmetric_3"].is_symmetric
False
>>> sorted({k.shape for k in kernel_choices(4).values()})
[(2, 2), (3, 3), (4, 4)]
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from cnnviz.core._checks import as_int, check_mode
from cnnviz.core.kernels import KERNELS, Kernel

__all__ = ["SMALL_KERNELS", "kernel_choices", "kernel_values"]


def _build() -> dict[str, Kernel]:
    bilinear = np.array([1.0, 3.0, 3.0, 1.0]) / 4
    entries = [
        ("numbered_2", "Numbered taps 2×2: [[1,2],[3,4]]",
         "Every weight different, so each one can be followed into the matrix.",
         [[1, 2], [3, 4]]),
        ("numbered_3", "Numbered taps 3×3: 1 … 9",
         "Every weight different, so each one can be followed into the matrix.",
         np.arange(1.0, 10.0).reshape(3, 3)),
        ("asymmetric_3", "Asymmetric 3×3: [[1,2,0],[0,0,0],[0,0,-1]]",
         "No symmetry at all: turning it by 180° gives a different kernel.",
         [[1, 2, 0], [0, 0, 0], [0, 0, -1]]),
        ("roberts_2", "Roberts cross 2×2: [[1,0],[0,-1]]",
         "The smallest diagonal edge detector: top-left minus bottom-right.",
         [[1, 0], [0, -1]]),
        ("ones_2", "Ones 2×2", "Sums each 2×2 window (a 2×2 box, not normalised).",
         np.ones((2, 2))),
        ("ones_4", "Ones 4×4", "Sums each 4×4 window (a 4×4 box, not normalised).",
         np.ones((4, 4))),
        ("bilinear_4", "Bilinear 4×4: outer([1,3,3,1]/4)",
         "With stride 2, a transposed convolution with it doubles the size by bilinear "
         "interpolation.", np.outer(bilinear, bilinear)),
    ]
    return {name: Kernel(name, title, meaning, values) for name, title, meaning, values in entries}


#: Name → :class:`cnnviz.core.kernels.Kernel` (read-only), the extras of this module.
SMALL_KERNELS: Mapping[str, Kernel] = MappingProxyType(_build())


def kernel_choices(max_side: int = 5, min_side: int = 1) -> dict[str, Kernel]:
    """The lectures' presets and the extras whose sides lie in ``min_side .. max_side``.

    Extras come first, then the lectures' presets in their registry order.

    Parameters
    ----------
    max_side, min_side : int
        Largest and smallest allowed side (rows and columns).

    Returns
    -------
    dict
        Name → Kernel, ready for a select box.

    Raises
    ------
    ValueError
        If a side is below 1 or ``min_side > max_side``.

    Examples
    --------
    >>> "gaussian_5" in kernel_choices(4)
    False
    >>> list(kernel_choices(2, 2))
    ['numbered_2', 'roberts_2', 'ones_2']
    """
    hi = as_int(max_side, "max_side", minimum=1)
    lo = as_int(min_side, "min_side", minimum=1)
    if lo > hi:
        raise ValueError(f"min_side must not exceed max_side, got {lo} > {hi}")
    every = {**SMALL_KERNELS, **KERNELS}
    return {name: k for name, k in every.items()
            if lo <= min(k.shape) and max(k.shape) <= hi}


def kernel_values(name: str) -> np.ndarray:
    """A writable copy of a kernel of :data:`SMALL_KERNELS` or the lectures' presets.

    >>> kernel_values("numbered_2")
    array([[1., 2.],
           [3., 4.]])
    """
    every = {**SMALL_KERNELS, **KERNELS}
    check_mode(name, "name", tuple(every))
    return every[name].values.copy()

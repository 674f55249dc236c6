"""Moved: the extra kernels now live with every other kernel in :mod:`cnnviz.core.kernels`.

Kept only so that ``from cnnviz.core.small_kernels import kernel_choices`` in
the pages goes on working; import from :mod:`cnnviz.core.kernels` instead,
and delete this module once nothing imports it.
"""

from cnnviz.core.kernels import SMALL_KERNELS, kernel_choices

__all__ = ["SMALL_KERNELS", "kernel_choices"]

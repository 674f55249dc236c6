"""The math: convolution, pooling, activations, kernels, layer shapes, the matrix
form, transposed convolution and the step-by-step trace.

Pure numpy and scipy; every number the app shows is computed here. Where things go:

- :mod:`~cnnviz.core.conv`: ``conv2d``, ``output_size``, and ``ConvSettings``, the one
  type for a layer's hyperparameters (stride, padding, dilation, pad mode, flip,
  bias, activation) that planners, the trace and the matrix view accept.
- :mod:`~cnnviz.core.trace`: ``ConvTrace`` / ``PoolTrace``, every step of the window.
- :mod:`~cnnviz.core.kernels`: every kernel (lecture presets and the small extras),
  kernel edits, and ``resize_kernel``, the one rule for changing a kernel's size.
- :mod:`~cnnviz.core.cells`: the one parser of editor cells (kernel grids, layer tables).
- :mod:`~cnnviz.core.layers`: shapes, parameter counts, and the receptive-field
  formula (``grow_receptive_field`` is its one implementation).
- :mod:`~cnnviz.core.pool`, :mod:`~cnnviz.core.activations`, :mod:`~cnnviz.core.matrix`,
  :mod:`~cnnviz.core.transposed`, :mod:`~cnnviz.core.text` (how numbers are written).
- ``_checks``: argument checks whose ``ValueError`` names the parameter and value.
"""

"""The math: convolution, pooling, activations, kernels, layer shapes, the matrix
form, transposed convolution and the step-by-step trace.

Pure numpy and scipy; every number the app shows is computed here.
"""

"""Images in and out: loading any upload or file safely, the bundled samples,
patterns and lecture matrices, and the pixel conventions.

- :mod:`cnnviz.data.images`: ``load_image`` (untrusted bytes → float64 in [0, 1]).
- :mod:`cnnviz.data.samples`: bundled photos, generated patterns, lecture matrices.
- :mod:`cnnviz.data.pixels`: the one resampler (``downscale``, ``resample``,
  ``fit_shape``) and the one "values in [0, 1]" test (``in_unit_range``). Any
  code that shrinks an image or asks whether an array is an image goes there.
"""

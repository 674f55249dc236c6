"""cnnviz: see how a convolutional layer computes.

The core is pure numpy/scipy/pillow: every number the app shows comes from
here, and importing it never imports Streamlit.

>>> import cnnviz
>>> cnnviz.output_size(32, 5, padding=2)
32
"""

from .core.conv import conv2d, output_size
from .core.layers import receptive_field
from .core.pool import pool2d
from .data.images import ImageError, load_image

__all__ = ["ImageError", "conv2d", "load_image", "output_size", "pool2d", "receptive_field"]
__version__ = "0.1.0"

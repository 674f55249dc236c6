"""cnnviz: see how a convolutional layer computes.

The core is pure numpy/scipy/pillow: every number the app shows comes from
here, and importing it never imports Streamlit.

>>> import cnnviz
>>> cnnviz.output_size(32, 5, padding=2)
32
"""

from .conv import conv2d, output_size, pool2d
from .imageio import ImageError, load_image
from .layers import receptive_field

__all__ = ["ImageError", "conv2d", "load_image", "output_size", "pool2d", "receptive_field"]
__version__ = "0.1.0"

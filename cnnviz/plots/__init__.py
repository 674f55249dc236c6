"""Every figure builder (the map element's pictures and mosaics for every grid, SVG charts,
the live training run's Plotly chart, the animation's GIF and MP4) and the display mappings
from values to colours.

:mod:`~cnnviz.plots.display` maps values onto the one diverging palette, whose stops
and interpolation live in :mod:`cnnviz.core.palette` (``DIVERGING_COLORS``): the heatmaps,
the PNG download, the GIF and the animation (through its payload) all use it.
"""

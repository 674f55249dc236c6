"""Every figure builder (Plotly figures, the histogram's SVG, the animation's GIF and MP4) and the
display mappings from values to colours.

:mod:`~cnnviz.plots.display` holds the one diverging palette (``DIVERGING_COLORS``):
the heatmaps, the PNG download and the animation (through its payload) all use it.
"""

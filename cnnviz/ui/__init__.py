"""Streamlit glue: session-state keys, widgets that return core values, cached loaders.

The only package besides ``app.py`` and ``pages/`` that imports Streamlit.
"""

# Import pandas here, through Python's locked import machinery, before any
# figure is built. Plotly picks pandas up through sys.modules without a lock,
# so when several students open the app at once after a server start, one
# thread could see another's half-initialised pandas module and crash
# ("partially initialized module 'pandas' has no attribute 'Series"). app.py
# imports this package first in every run, so every thread waits here instead.
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401

from cnnviz.core.threads import limit_blas_threads

# One BLAS thread per server process, set once at import. Measured on this
# 2-core machine under a class's load (bench/RESULTS.md), two threads made a
# convolution 2-8x slower in wall time at twice the CPU: sessions already run
# in parallel, so BLAS threads only fight them for the cores.
limit_blas_threads(1)

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

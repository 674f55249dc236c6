"""Streamlit glue: session-state keys, widgets that return core values, cached loaders.

The only package besides ``app.py`` and ``pages/`` that imports Streamlit.

Importing it also makes sure the app runs through ``app.py``'s router: see
:func:`cnnviz.ui.state.require_router`.
"""

from .state import require_router

require_router()

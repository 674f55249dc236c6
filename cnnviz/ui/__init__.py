"""Streamlit glue: session-state keys, widgets that return core values, cached loaders.

The only package besides ``app.py`` and ``pages/`` that imports Streamlit.
"""

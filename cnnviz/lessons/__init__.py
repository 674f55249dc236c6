"""One view model per lesson page: what the page shows, computed from the core
and written as numbers and text (no Plotly, no Streamlit).
"""

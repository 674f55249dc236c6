"""Every Plotly figure builder and the display mappings from values to colours."""

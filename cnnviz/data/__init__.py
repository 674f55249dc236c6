"""Images in and out: loading any upload or file safely, the bundled samples,
patterns and lecture matrices.
"""

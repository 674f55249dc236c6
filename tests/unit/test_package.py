"""The core's promises about itself: the public API exists and never pulls in Streamlit."""

import subprocess
import sys

import cnnviz


def test_import_cnnviz_does_not_import_streamlit():
    # Every module of the package but the Streamlit glue in cnnviz.ui.
    code = (
        "import importlib, pkgutil, sys, cnnviz; "
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(cnnviz.__path__, "
        "'cnnviz.') if not m.name.startswith('cnnviz.ui')]; "
        "bad = sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_public_api_names():
    for name in ("conv2d", "pool2d", "output_size", "receptive_field", "load_image", "ImageError"):
        assert hasattr(cnnviz, name), name
    assert issubclass(cnnviz.ImageError, ValueError)
    assert cnnviz.receptive_field([(3, 1), (3, 1), (3, 1)]) == 7

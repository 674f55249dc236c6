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


def test_no_module_level_mutable_state():
    """Sessions share every module: a module-level dict, list or set could carry one
    student's data to another. Constant tables are read-only (MappingProxyType, tuple)."""
    import importlib
    import pkgutil
    import types

    # The one deliberate exception: the pool of scratch buffers. A call checks a
    # buffer out under a lock and overwrites it fully before reading it, and
    # results never alias it, so no numbers pass between calls (test_scratch.py).
    allowed = {"cnnviz.core._scratch._idle"}
    found = []
    for info in pkgutil.walk_packages(cnnviz.__path__, "cnnviz."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("__"):
                continue
            if isinstance(value, dict | list | set | bytearray) and not isinstance(
                    value, types.MappingProxyType):
                found.append(f"{info.name}.{name}")
    assert sorted(set(found) - allowed) == []

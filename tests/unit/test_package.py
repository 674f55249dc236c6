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


def test_pip_install_editable_makes_cnnviz_importable_anywhere_with_its_data(tmp_path):
    """``pip install -e .`` from the repo: ``import cnnviz`` works from any folder, and the
    bundled photos, digits and weights are found. Cheap: a venv without pip that sees the
    test's own packages (numpy, setuptools, …) through a .pth file, and no download."""
    import site
    import sysconfig
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"], capture_output=True,
                             text=True, check=True).stdout.strip()
    ours = [p for p in {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
            if Path(p).is_dir()]
    (Path(purelib) / "_outer.pth").write_text("\n".join(ours) + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--no-build-isolation", "--no-index", "-q", "-e",
                           str(root)], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    check = ("import cnnviz, pathlib; "
             "from cnnviz.data import samples, digits; from cnnviz.lessons import digits as d; "
             f"assert pathlib.Path(cnnviz.__file__).is_relative_to(pathlib.Path({str(root)!r})); "
             "print(samples.load_photo('camera', max_side=32).shape, "
             "len(digits.load_digits().y), sorted(d.load_model().params)[0])")
    run = subprocess.run([str(python), "-I", "-c", check], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["(32,", "32,", "3)", "5000", "W1"], run.stdout

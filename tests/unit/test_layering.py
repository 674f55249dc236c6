"""The floors of cnnviz: a module imports only from its own floor or below.

core < data < lessons < plots < ui < pages (GUIDE.md), and nothing in cnnviz
but cnnviz/ui imports Streamlit. Read from the source with ``ast`` (nothing is
imported), so an import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ("core", "data", "lessons", "plots", "ui", "pages")


def _imports(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``, relative ones resolved."""
    here = path.relative_to(root).with_suffix("").parts
    package = here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if not node.level:
                found.append((node.lineno, node.module or ""))
                continue
            base = ".".join(package[: len(package) - node.level + 1])
            if node.module:
                found.append((node.lineno, f"{base}.{node.module}"))
            else:  # "from . import stepper" names modules of the package
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _floor(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "pages":
        return "pages"
    if parts[0] == "cnnviz" and len(parts) > 1 and parts[1] in FLOORS:
        return parts[1]
    return None


def violations(path: Path, root: Path = ROOT) -> list[str]:
    """What ``path`` imports against the floors, and any Streamlit import outside cnnviz/ui."""
    here = _floor(".".join(path.relative_to(root).with_suffix("").parts))
    # cnnviz/__init__.py is the public API: core and data only.
    allowed = {"core", "data"} if here is None else set(FLOORS[: FLOORS.index(here) + 1])
    wrong = [f"line {line}: {module} (floor {_floor(module)})"
             for line, module in _imports(path, root)
             if _floor(module) is not None and _floor(module) not in allowed]
    if here not in ("ui", "pages"):
        wrong += [f"line {line}: {module} (only cnnviz/ui imports Streamlit)"
                  for line, module in _imports(path, root) if module.split(".")[0] == "streamlit"]
    return wrong


def _sources() -> list[Path]:
    return sorted([*(ROOT / "cnnviz").rglob("*.py"), *(ROOT / "pages").glob("*.py")])


def test_every_floor_has_modules():
    floors = {_floor(".".join(p.relative_to(ROOT).with_suffix("").parts)) for p in _sources()}
    assert set(FLOORS) <= floors


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_from_a_higher_floor(path: Path):
    assert not violations(path), f"{path.relative_to(ROOT)}: {violations(path)}"


def test_relative_imports_are_resolved():
    modules = [m for _, m in _imports(ROOT / "cnnviz" / "ui" / "predict.py", ROOT)]
    assert {"cnnviz.ui.state", "cnnviz.ui.stepper", "streamlit"} <= set(modules)


@pytest.mark.parametrize(("where", "source", "caught"), [
    ("lessons/animation.py", "from cnnviz.plots.display import DIVERGING_COLORS\n", "plots"),
    ("core/conv.py", "def f():\n    from cnnviz.lessons import quiz\n", "lessons"),
    ("data/views.py", "from ..ui import state\n", "ui"),
    ("plots/figures.py", "import streamlit as st\n", "Streamlit"),
    ("__init__.py", "from cnnviz.lessons import animation\n", "lessons"),
])
def test_a_violation_is_caught(tmp_path: Path, where: str, source: str, caught: str):
    path = tmp_path / "cnnviz" / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    found = violations(path, tmp_path)
    assert len(found) == 1 and caught in found[0]


def test_the_ui_may_import_streamlit_and_everything_below(tmp_path: Path):
    path = tmp_path / "cnnviz" / "ui" / "x.py"
    path.parent.mkdir(parents=True)
    path.write_text("import streamlit\nfrom cnnviz.plots import figures\nfrom . import state\n",
                    encoding="utf-8")
    assert violations(path, tmp_path) == []

"""The cache rule: every ``st.cache_*`` lives in ``cnnviz/ui/cached.py``, bounded, exact-keyed.

Streamlit's default hashing samples numpy arrays of 500,000 elements or more and
hashes an unknown object by whatever its ``__reduce__`` gives, so a cached
function may let Streamlit hash only text, numbers and bytes; arrays and objects
go in under an ``_``-prefixed name, keyed by an exact digest (``cached.key``).
This walks the source of the whole package, the pages and ``app.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "cnnviz" / "ui" / "cached.py"
CACHES = {"cache_data", "cache_resource", "cache", "experimental_memo", "experimental_singleton"}
#: What Streamlit may hash itself: exact, small values.
HASHABLE = {"str", "int", "float", "bool", "bytes"}


def sources() -> list[Path]:
    files = sorted((ROOT / "cnnviz").rglob("*.py")) + sorted((ROOT / "pages").glob("*.py"))
    return [*files, ROOT / "app.py"]


def _cache_uses(tree: ast.AST) -> list[int]:
    """Lines that name a Streamlit cache decorator (as ``st.cache_data`` or imported bare)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in CACHES:
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module and "streamlit" in node.module:
            lines += [node.lineno for alias in node.names if alias.name in CACHES]
    return lines


def cached_functions() -> list[ast.FunctionDef]:
    tree = ast.parse(HOME.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if any(_cache_uses(d) for d in node.decorator_list):
                found.append(node)
    return found


def test_every_cache_lives_in_cached_py():
    outside = [f"{path.relative_to(ROOT)}:{line}" for path in sources() if path != HOME
               for line in _cache_uses(ast.parse(path.read_text()))]
    assert outside == [], "st.cache_* outside cnnviz/ui/cached.py: " + ", ".join(outside)
    assert len(cached_functions()) >= 10  # the walk finds them (a broken walk finds none)


@pytest.mark.parametrize("fn", cached_functions(), ids=lambda f: f.name)
def test_each_cache_hashes_only_exact_small_values(fn):
    args = fn.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    assert args.vararg is None and args.kwarg is None, f"{fn.name}: *args/**kwargs are hashed"
    for p in params:
        if p.arg.startswith("_"):
            continue  # not hashed by Streamlit: keyed by the digest passed beside it
        shown = ast.unparse(p.annotation) if p.annotation is not None else "(none)"
        assert shown in HASHABLE, (
            f"{fn.name}({p.arg}: {shown}) would be hashed by Streamlit's default; pass it as "
            f"_{p.arg} and key it with cached.key()")
    hashed = [p.arg for p in params if not p.arg.startswith("_")]
    unhashed = [p.arg for p in params if p.arg.startswith("_")]
    if unhashed:  # an input Streamlit does not hash needs an exact key beside it
        assert "key" in hashed, f"{fn.name} takes {unhashed} without an exact key"


@pytest.mark.parametrize("fn", cached_functions(), ids=lambda f: f.name)
def test_each_cache_is_bounded(fn):
    for d in fn.decorator_list:
        if isinstance(d, ast.Call) and _cache_uses(d):
            words = {kw.arg: kw.value for kw in d.keywords}
            assert "max_entries" in words, f"{fn.name}: no max_entries"
            assert "hash_funcs" not in words, f"{fn.name}: hash_funcs hashes by other rules"
            return
    pytest.fail(f"{fn.name}: a bare decorator has no max_entries")


def test_the_walk_catches_the_old_mistakes(tmp_path):
    """The checks above fail on the two caches issue 17 found (a name key, a hashed image)."""
    old = ast.parse(
        "import streamlit as st\n"
        "@st.cache_data(max_entries=4)\n"
        "def evaluation(_trained: nn.Trained, name: str): ...\n"
        "@st.cache_data(max_entries=64)\n"
        "def kernel_lesson(image: np.ndarray, target: str, *, settings: ConvSettings): ...\n")
    fns = [n for n in old.body if isinstance(n, ast.FunctionDef)]
    with pytest.raises(AssertionError, match="without an exact key"):
        test_each_cache_hashes_only_exact_small_values(fns[0])
    with pytest.raises(AssertionError, match="np.ndarray"):
        test_each_cache_hashes_only_exact_small_values(fns[1])

"""The app works offline: its favicon is a bundled PNG, not a Material icon from a font CDN."""

from __future__ import annotations

import ast
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
FAVICON = ROOT / "assets" / "favicon.png"


def _page_icon() -> ast.expr:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "set_page_config":
            return next(k.value for k in node.keywords if k.arg == "page_icon")
    raise AssertionError("app.py calls no st.set_page_config")


def test_page_icon_is_the_bundled_png():
    icon = _page_icon()
    # Streamlit turns page_icon=":material/...:" into a fonts.gstatic.com address.
    assert not (isinstance(icon, ast.Constant) and str(icon.value).startswith(":material")), (
        ast.unparse(icon))
    assert "favicon.png" in ast.unparse(icon)


def test_favicon_is_a_small_png_listed_with_its_licence():
    with Image.open(FAVICON) as img:
        assert img.format == "PNG" and img.size == (64, 64)
    assert FAVICON.stat().st_size < 10_000
    readme = (ROOT / "assets" / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `favicon.png`"))
    assert "made for cnnviz" in row and "CC0" in row

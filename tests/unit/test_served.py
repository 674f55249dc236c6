"""Scripts served once per browser (cnnviz/ui/served.py), not inside every element."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from pathlib import Path

from starlette.requests import Request

from cnnviz.ui import served

STATIC = Path(served.__file__).with_name("static")


def _get(path: str):
    """The route's answer to GET ``path`` (its one endpoint, called as Starlette would)."""
    route = served.routes()[0]
    match, child = route.matches({"type": "http", "method": "GET", "path": path})
    if match.name == "NONE":
        return None
    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b"",
             **child}
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, route.endpoint(Request(scope))).result()


def test_the_map_module_is_served_with_its_style_and_a_content_hash():
    name, data = served.files()["mapview"]
    assert re.fullmatch(r"mapview\.[0-9a-f]{16}\.js", name)
    text = data.decode("utf-8")
    # The whole script, and its style sheet (added to the page once, by the module itself).
    assert text.endswith((STATIC / "mapview.js").read_text(encoding="utf-8"))
    assert ".cm-root" in text and 'data-cnnviz-style="mapview"' in text
    answer = _get(f"/api/js/{name}")
    assert answer.status_code == 200
    assert answer.body == data
    assert answer.headers["content-type"].startswith("text/javascript")
    assert "immutable" in answer.headers["cache-control"]


def test_only_registered_names_are_served():
    for path in ("/api/js/mapview.js", "/api/js/mapview.0000000000000000.js",
                 "/api/js/..%2Fserved.py", "/api/js/classroom.js"):
        answer = _get(path)
        assert answer is None or answer.status_code == 404, path
    assert _get("/api/js/a/b.js") is None  # not even matched: one name, no folders


def test_the_inline_loader_is_small_and_names_the_served_file():
    name, _ = served.files()["mapview"]
    js = served.loader("mapview")
    assert len(js) < 1000
    assert f"../../api/js/{name}" in js
    assert "export default function" in js

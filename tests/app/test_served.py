"""Component scripts served once by URL (cnnviz.ui.served), not inline in every element."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from pathlib import Path

from starlette.requests import Request

from cnnviz.ui import served
from tests.app.conftest import pictures

STATIC = Path(__file__).resolve().parents[2] / "cnnviz" / "ui" / "static"


def _address(stub: str) -> str:
    """The served file's address a stub falls back on (below the server's base path)."""
    (path,) = re.findall(r'new URL\("(/[^"]+)", window', stub)
    return path


def test_every_map_carries_a_stub_and_not_the_48_kb_script(open_page):
    """Learn a kernel sent mapview.js's 48 KB with each of its nine maps (0.46 MB)."""
    at = open_page("pages/learn_kernel.py", timeout=60)
    maps = pictures(at)
    assert len(maps) >= 9
    for element in maps:
        assert len(element.proto.js_content) < 1000
        assert _address(element.proto.js_content).startswith("/api/js/mapview.")


def test_the_animation_carries_a_stub_too(open_page):
    at = open_page("pages/animation.py", query={"src": "Lecture", "lecture": "digit_one"},
                   timeout=60)
    (anim,) = [e for e in at.get("bidi_component")
               if e.proto.component_name == "cnnviz_animator"]
    assert len(anim.proto.js_content) < 1000
    assert "api/js/animator." in anim.proto.js_content


def _get(path: str):
    """The app's routes' answer to a GET of ``path`` (None: no route matches it)."""
    from starlette.routing import Match

    scope = {"type": "http", "method": "GET", "path": path, "root_path": "",
             "query_string": b"", "headers": []}
    for route in served.routes():
        match, child = route.matches(scope)
        if match == Match.FULL:
            scope.update(child)
            return _run(route.endpoint(Request(scope)))
    return None


def _run(coro):
    """``asyncio.run`` in a thread of its own (Playwright's loop may run in this one)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_the_route_serves_the_scripts_for_good_and_nothing_else():
    from cnnviz.ui import animator

    mapview = (STATIC / "mapview.js").read_text(encoding="utf-8")
    for stem, text in (("mapview", mapview), ("animator", animator._JS)):
        name, data = served.files()[stem]
        reply = _get(f"/api/js/{name}")
        assert reply.status_code == 200
        assert reply.body == data and data.decode("utf-8").endswith(text)
        assert reply.media_type.startswith("text/javascript")
        assert "immutable" in reply.headers["cache-control"]
    # Another digest (an older script), another name: not served; a deeper path: no route.
    for bad in ("/api/js/mapview.0000000000000000.js", "/api/js/nothing.js"):
        assert _get(bad).status_code == 404
    assert _get("/api/js/../../app.py") is None

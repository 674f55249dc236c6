"""Two replicas behind nginx (deploy/): the app works through it, and each browser stays pinned.

Driven by bench/load.py's protocol client, as the load test does. Skipped only when nginx is
not installed (tools/test.sh installs Debian's nginx, so CI has it).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .conftest import no_exception_box, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


deploy = _load("cnnviz_run_replicas", ROOT / "deploy" / "run_replicas.py")
load = _load("cnnviz_load", ROOT / "bench" / "load.py")


@pytest.fixture(scope="module")
def cluster():
    if deploy.nginx_binary() is None:
        pytest.skip("nginx is not installed (apt-get install nginx; tools/test.sh does)")
    with deploy.running_cluster(2, timeout=90) as c:
        yield c


def _replica(url: str, cookie: str) -> str:
    req = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": cookie})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.headers["X-Cnnviz-Replica"]


def test_the_app_renders_reruns_and_uploads_through_nginx(cluster):
    async def session() -> load.Session:
        s = load.Session(cluster.url, "through nginx", timeout=60)
        try:
            await s.open()
            assert s.shown("Convolution playground")
            assert "cnnviz_lb" in s.cookies  # nginx gave this browser its sticky key
            await s.preset(load.random.Random(0))  # a rerun: the new kernel is described
            png, name, expected = load.photo(3)
            await s.upload(png, name, expected)  # the PUT reached the websocket's replica
            await s.page("Step by step")
            await s.step(load.random.Random(0))
            return s
        finally:
            await s.close()

    # In a thread of its own: Playwright's sync API may have left an event loop
    # running in this one (asyncio.run refuses to nest).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        s = pool.submit(asyncio.run, session()).result()
    assert s.closed is None or "closed" in s.closed  # closed by us at the end, not before
    pinned = {_replica(cluster.url, f"cnnviz_lb={s.cookies['cnnviz_lb']}") for _ in range(5)}
    assert len(pinned) == 1 and pinned <= {u.removeprefix("http://") for u in cluster.replicas}


def test_each_browser_is_pinned_and_browsers_spread_over_both_replicas(cluster):
    seen = {}
    for i in range(24):  # all from one address, as a class behind one NAT
        cookie = f"cnnviz_lb=student{i}"
        answers = {_replica(cluster.url, cookie) for _ in range(3)}
        assert len(answers) == 1, f"{cookie} moved between replicas: {answers}"
        seen[cookie] = answers.pop()
    assert set(seen.values()) == {u.removeprefix("http://") for u in cluster.replicas}


def test_chromium_through_nginx_renders_and_reruns(cluster, page):
    # A real browser sends Origin on the websocket; Streamlit compares it with Host, which
    # nginx must pass on with its port. A preset change then reruns over that websocket.
    page.goto(f"{cluster.url}/?k=prewitt_x")
    wait_for_app(page, "Vertical edges with equal row weights")
    page.get_by_label("Kernel preset").click()
    page.get_by_role("option", name="Prewitt y", exact=True).first.click()
    wait_for_app(page, "Horizontal edges with equal column weights")
    assert not no_exception_box(page)
    names = {c["name"] for c in page.context.cookies()}
    assert {"cnnviz_lb", "_streamlit_xsrf"} <= names
    screenshot(page, "replicas_through_nginx")


def test_a_long_shared_link_opens_through_nginx(cluster, page):
    # A typed 16 × 16 × 3 volume with eight-decimal cells: a link the app itself writes
    # (links up to 16 a side travel whole), about 10 KB once the browser has escaped its
    # "," and ";". nginx's default request-line buffer (8 KB) answered 414 and the
    # teacher's link did not open at all.
    rows = [" ".join(f"0.{(r * 16 + c) % 97:02d}345678" for c in range(16)) for r in range(16)]
    grid = ";".join(row.replace(" ", ",") for row in rows)
    escaped = urllib.parse.quote(grid, safe="")
    url = f"{cluster.url}/?src=Typed&channels=Colour&m={escaped}&m_g={escaped}&m_b={escaped}"
    assert len(url) > 9_000
    response = page.goto(url)
    assert response is not None and response.status == 200
    wait_for_app(page, "Convolution playground")
    assert not no_exception_box(page)
    # The volume arrived whole: its shape is printed with the input map.
    page.get_by_text("16 × 16 × 3").first.wait_for(timeout=30_000)

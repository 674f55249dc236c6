"""Browser tests: the real app under `streamlit run`, driven by Playwright in Debian's Chromium.

Playwright cannot download its own browsers here, so it launches /usr/bin/chromium.
Screenshots go to artifacts/screens/ so a person can look at every page.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from . import server

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screens"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def running_app(log_name: str = "streamlit.log"):
    """Start ``streamlit run app.py`` on a free port; yield its URL once healthy.

    When the server stops, its whole log must hold no traceback: every traceback
    a user can cause is a bug (issue 17), even one the page caught and hid.
    """
    log = ROOT / "artifacts" / log_name
    with server.running_app(ROOT / "app.py", cwd=ROOT, log=log, timeout=60) as url:
        yield url
    tracebacks = server_tracebacks(log.read_text(errors="replace"))
    assert not tracebacks, f"the server's log {log} holds tracebacks:\n" + "\n\n".join(
        tracebacks[:3])


#: The log of the session's shared server (:func:`app_url`).
SERVER_LOG = ROOT / "artifacts" / "streamlit.log"


def server_tracebacks(text: str) -> list[str]:
    """Each traceback in a server log, with the lines around it.

    >>> server_tracebacks("ok\\nTraceback (most recent call last):\\n  File x\\nE: boom\\n")[0][:9]
    'Traceback'
    >>> server_tracebacks("all fine\\n")
    []
    """
    lines = text.splitlines()
    return ["\n".join(lines[i:i + 12]) for i, line in enumerate(lines) if "Traceback" in line]


@pytest.fixture(scope="session")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture(autouse=True)
def no_traceback_in_the_server_log(request):
    """After each test on the shared server: no new traceback in its log (names the test)."""
    if "app_url" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app_url")
    start = SERVER_LOG.stat().st_size
    yield
    with open(SERVER_LOG, "rb") as log:
        log.seek(start)
        new = log.read().decode("utf-8", errors="replace")
    tracebacks = server_tracebacks(new)
    assert not tracebacks, "this test left a traceback in the server's log:\n" + tracebacks[0]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: tools/test.sh installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def wait_for_app(pg, text: str) -> None:
    """Wait until our own text is on the page, then until the script has finished running
    and the page is whole (no section left to draw after the first screen: cnnviz.ui.later;
    its stand-in's element is on the page with the run's end, before its own HTML)."""
    pg.get_by_text(text, exact=False).first.wait_for(state="visible")
    pg.wait_for_function(
        "() => { const e = document.querySelector('[data-test-script-state]');"
        " return e && e.getAttribute('data-test-script-state') !== 'running'"
        " && !document.querySelector('.st-key-cnnviz_later, [data-cnnviz-later]'); }",
        polling=100,  # on a timer: a page in a background context gets no animation frames
    )
    pg.wait_for_timeout(300)


def no_exception_box(pg) -> list[str]:
    """Texts of Streamlit exception boxes on the page (should be empty)."""
    return [e.inner_text() for e in pg.locator('[data-testid="stException"]').all()]


@contextlib.contextmanager
def fresh_page(browser, width: int, height: int):
    """A page in a fresh browser context (no cache: a first visit) of this size."""
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


def screenshot(pg, name: str) -> Path:
    """Screenshot the app's main block (Streamlit scrolls inside its own container)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    target = pg.locator('[data-testid="stMain"]').first
    if target.count():
        target.screenshot(path=str(path))
    else:
        pg.screenshot(path=str(path), full_page=True)
    return path


def start_class(pg) -> str:
    """On the page ``pg`` shows: open the sidebar's Class box, Start a class; the room's code
    (read from the join link, a plain ``<a>`` whose ``href`` holds ``room=``)."""
    import re

    pg.get_by_text("Class", exact=True).first.click()
    pg.get_by_role("button", name="Start a class").click()
    link = pg.locator("a[href*='room=']").first
    link.wait_for(state="visible")
    return re.search(r"room=([A-Z2-9]{6})", link.get_attribute("href")).group(1)

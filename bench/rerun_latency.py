"""How long the running app takes to show a change, in real Chromium (a script, not a test).

Starts ``streamlit run app.py`` itself on a free loopback port and drives
Debian's Chromium through Playwright, as a student would:

- **cold start**: server process spawned → the Playground drawn in a new tab;
- **the digits page on a fresh server**: server spawned, healthy, and the digits
  page opened at once in a new browser context (its one-off work, which the
  server's warm-up does in the background, may still be running), and again
  with the visitor arriving 10 s after the server answered;
- **lecture grids**: the kernel preset changed on the Playground on the lectures'
  7 × 7 digit one and on the 10 × 10 × 3 colour volume (grids with their numbers),
  and on Step by step with the digit one (a settings change: a new animation);
- upload a 1024 × 1024 photo, then **change the kernel preset** on the
  Playground at working size 128 and 512, grey and colour (each change to a
  preset not yet shown in that row, so every change recomputes every map and
  no cache, the app's or the browser's, has seen it);
- at 512 grey: **visit each other page** from the Playground through the
  sidebar, and the **page switch** back to the Playground;
- **floor**: the same preset change in a one-select-box Streamlit app, what
  Streamlit and the browser take before the app does anything;
- **first visits from a fresh browser context** (no cache, no session; the
  server already warm): every page, opened by its address, from the navigation
  to two moments of the same visit, each one row per page:

  - **whole page**: the page drawn, as "drawn" below says, from its top to its
    end, with every section a page draws after its first screen
    (:mod:`cnnviz.ui.later`: its stand-in replaced by what it stands for);
  - **first screen**: what lies inside the viewport drawn: the page's title is
    there, a script run has ended (the first run: on a long page it ends at the
    fold, and the rest comes in a second run), every Plotly chart and map
    element and every element's slot *inside the viewport* is drawn and none
    there is still a skeleton, and then the main thread has been free for five
    frames in a row (timed at the first of them, as "drawn" is). On a page
    with no fold the whole page is sent in that first run, and the browser draws
    it all before it is free: the two rows then nearly agree;
- **script only**: the Playground's own run under AppTest (no browser), a
  preset change on a 512 × 512 photo.

Each change also reports the CPU time it cost, split between the server
process and this benchmark's own Chromium processes (from /proc, summed over
user and system time). CPU time is much less sensitive to other load on the
machine than wall time, so it says where a change's time goes.

"Drawn" means: our own text is on the page, Streamlit's script state is no
longer "running", every Plotly chart has its SVG and every big map (the app's
map element) its new picture, no element is still a skeleton (Streamlit's
stand-in while an element's script chunk loads: on a first visit the elements
appear up to a second after the script's end, once the browser has loaded their
chunks, and the page is not drawn before), every map element's slot holds its map
(the slot is on the page before the map's own script has run), no section drawn
after the first screen is still its stand-in (``.st-key-cnnviz_later``), and then
the browser's main thread has been free for five frames in a row (each frame
< 50 ms apart); the time is taken at the first of those free frames. A change is timed from the
moment the page receives the click or key press that makes it (a listener in
the page notes it, in the page's own clock) to drawn, so the time Playwright
takes to find and press a control is not counted. The bytes the browser
received over the websocket during each change are counted too ("payload").

Each row prints p50 and p95 (numpy's linear interpolation) over its repeats:
with few repeats p95 is close to the maximum. The machine's CPU count and load
average are printed with the table; the numbers mean little on a busy machine.

Run from the repository root::

    python bench/rerun_latency.py                   # all rows, ~5-10 minutes
    python bench/rerun_latency.py --repeats 4 --cold 2
    python bench/rerun_latency.py --app-dir /tmp/old-checkout   # measure another copy
    python bench/rerun_latency.py --screens /tmp/shots          # also screenshots
    python bench/rerun_latency.py --imports     # import time of app.py and of each page
    python bench/rerun_latency.py --first-visits --cold 0 --no-apptest --visits 5  # those rows only
    python bench/rerun_latency.py --first-visits --cold 0 --no-apptest --visits 5 \
        --pages "Learn a kernel,Receptive field"           # some pages' first visits only
    python bench/rerun_latency.py --step-by-step --cold 0 --no-apptest --repeats 10  # that row only
    python bench/rerun_latency.py --fresh-server 5 --cold 0 --no-apptest  # digits, fresh server
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.locators import image_uploader  # noqa: E402
from tests.e2e.server import running_app  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: Sidebar label → the page's own title (its h1).
PAGES = {
    "Step by step": "Step by step",
    "Colour volumes and filter banks": "Colour volumes and filter banks",
    "Pooling": "Pooling",
    "Shapes and parameters": "Shapes and parameters",
    "Receptive field": "Receptive field",
    "Convolution as a matrix": "Convolution as a matrix multiplication",
    "Correlation vs convolution": "Correlation vs convolution",
    "Transposed convolution and dilation": "Transposed convolution and dilation",
    "Practice: predict, then reveal": "Practice: predict, then reveal",
    "Side by side": "Side by side",
    "Learn a kernel": "Learn a kernel",
}
#: Every page's address and its own title (its h1), for the fresh-context first visits.
ADDRESSES = {
    "Playground": ("", "Convolution playground"),
    "Step by step": ("animation", "Step by step"),
    "Colour volumes": ("colour", "Colour volumes and filter banks"),
    "Pooling": ("pooling", "Pooling"),
    "Practice": ("quiz", "Practice: predict, then reveal"),
    "Side by side": ("compare", "Side by side"),
    "Shapes and parameters": ("shapes", "Shapes and parameters"),
    "Receptive field": ("receptive_field", "Receptive field"),
    "Convolution as a matrix": ("matrix", "Convolution as a matrix multiplication"),
    "Correlation vs convolution": ("correlation", "Correlation vs convolution"),
    "Transposed convolution": ("transposed", "Transposed convolution and dilation"),
    "Learn a kernel": ("learn_kernel", "Learn a kernel"),
    "digits": ("digits", "A small CNN on handwritten digits"),
    "Your own network": ("own_network", "Your own network"),
    "Lecture lists": ("lectures", "Lecture lists"),
}
#: The lectures' grids on the Playground: (row label, query string, text once drawn).
LECTURE_GRIDS = (
    ("Playground preset change, lecture 7 × 7 (digit one)", "src=Lecture&lecture=digit_one",
     "Input a: 7 × 7"),
    ("Playground preset change, lecture 10 × 10 × 3 (colour volume)",
     "src=Lecture&lecture=vertical_edge&channels=Colour", "Input a: 10 × 10 × 3"),
)
#: Presets (title in the list, a phrase of their caption), changed to in this order:
#: each change in a row is to a kernel not yet shown in that row, so neither the
#: app's caches nor the browser's message cache have its maps already.
PRESETS = (
    ("Sobel x", "weighting the centre row twice"),
    ("Edge: Laplacian (4-neighbour)", "brighter than its 4 neighbours"),
    ("Box blur 3×3 (smoothing, all 1/9)", "mean of its 3×3 neighbourhood"),
    ("Emboss", "lower right is brighter"),
    ("Sobel y", "the transpose of Sobel x"),
    ("Prewitt x", "equal row weights"),
    ("Gaussian blur 5×5 (/273)", "heaviest at the centre"),
    ("Horizontal edges", "row below is brighter than the row above"),
    ("Scharr x", "treat diagonal"),
    ("All edges (8-neighbour)", "differs from all 8 neighbours"),
    ("Vertical edges", "left is brighter than the right"),
    ("Laplacian of Gaussian 5×5", "small bright spots"),
    ("Prewitt y", "transpose of Prewitt x"),
    ("Box blur 5×5 (all 1/25)", "mean of its 5×5 neighbourhood"),
    ("Scharr y", "transpose of Scharr x"),
    ("Identity", "each output pixel is the input pixel"),
)

# Resolves with how long ago (ms) the main thread became free: the first of
# five consecutive frames less than 50 ms apart, after every chart has its SVG and every
# big map (the map element) its picture;
# and how long before that (ms) the page got the person's last input (click or
# key), or null when it got none since the previous call.
IDLE_JS = """
async () => {
  const t0 = performance.now();
  while (performance.now() - t0 < 60000) {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const maps = [...document.querySelectorAll('[data-testid="cnnviz-map"]')];
    // A map element's slot is on the page before its script has loaded and made the map.
    const slots = [...document.querySelectorAll('[data-cnnviz-slot="map"]')].map(
      s => s.closest('[data-testid^="stBidiComponent"]'));
    // So is a cell grid's (cnnviz.ui.grid.Grid.cells, the kernel editor) before its inputs.
    const cellSlots = [...document.querySelectorAll('[data-cnnviz-slot="cells"]')].map(
      s => s.closest('[data-testid^="stBidiComponent"]'));
    // A skeleton stands in for an element whose script (a chunk) is still loading.
    if (charts.every(c => c.querySelector('.main-svg'))
        && maps.every(m => m.dataset.state === 'drawn')
        && slots.every(c => c && c.querySelector('[data-testid="cnnviz-map"]'))
        && cellSlots.every(c => c && c.querySelector('[data-testid="cnnviz-cells"]'))
        && !document.querySelector('[data-testid="stSkeleton"]')
        // A section drawn after the first screen (cnnviz.ui.later) is not drawn yet,
        // and the run that draws it may still be sending it.
        && !document.querySelector('.st-key-cnnviz_later, [data-cnnviz-later]')
        && document.querySelector('[data-test-script-state]')?.getAttribute(
          'data-test-script-state') !== 'running') break;
    await new Promise(r => setTimeout(r, 10));
  }
  return await new Promise(resolve => {
    let last = performance.now(), free = last, quiet = 0;
    function tick(t) {
      const dt = t - last;
      last = t;
      if (dt >= 50) { free = t; quiet = 0; } else { quiet += 1; }
      if (quiet >= 5) {
        const input = window.__cnnvizInput;
        window.__cnnvizInput = null;
        resolve([performance.now() - free, input === null ? null : free - input]);
      } else requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  });
}
"""
# Notes each end of a script run (the script state leaving "running"), in the page's clock.
RUN_ENDS_JS = """
window.__cnnvizRunEnds = [];
new MutationObserver((records) => {
  for (const r of records) {
    if (r.oldValue === 'running' && r.target.getAttribute(r.attributeName) !== 'running') {
      window.__cnnvizRunEnds.push(performance.now());
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""
# A first visit's two moments, watched frame by frame from the navigation on: resolves with
# how long ago (ms) [the first screen, the whole page] was drawn (see the module's docstring).
# Each: its condition holds, then five frames in a row < 50 ms apart; timed at the later of
# the moment the condition was first seen holding and the last long frame.
FIRST_AND_WHOLE_JS = """
async (title) => {
  const seen = (e) => {
    const r = e.getBoundingClientRect();
    return r.top < innerHeight && r.bottom >= 0;
  };
  const all = () => true;
  const state = () => {
    const e = document.querySelector('[data-test-script-state]');
    return e && e.getAttribute('data-test-script-state');
  };
  let sawRunning = false;
  function drawn(where) {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(where);
    const maps = [...document.querySelectorAll('[data-testid="cnnviz-map"]')].filter(where);
    const slots = [...document.querySelectorAll('[data-cnnviz-slot="map"]')].filter(where).map(
      s => s.closest('[data-testid^="stBidiComponent"]'));
    const cellSlots = [...document.querySelectorAll('[data-cnnviz-slot="cells"]')].filter(where)
      .map(s => s.closest('[data-testid^="stBidiComponent"]'));
    return charts.every(c => c.querySelector('.main-svg'))
      && maps.every(m => m.dataset.state === 'drawn')
      && slots.every(c => c && c.querySelector('[data-testid="cnnviz-map"]'))
      && cellSlots.every(c => c && c.querySelector('[data-testid="cnnviz-cells"]'))
      && ![...document.querySelectorAll('[data-testid="stSkeleton"]')].some(where);
  }
  function titled() {
    const main = document.querySelector('[data-testid="stMain"]');
    return !!main && [...main.querySelectorAll('h1')].some(h => h.textContent.includes(title));
  }
  const conditions = {
    first: () => titled() && ((window.__cnnvizRunEnds || []).length > 0
                              || (sawRunning && state() !== 'running')) && drawn(seen),
    whole: () => titled() && state() !== null && state() !== 'running' && drawn(all)
                 && !document.querySelector('.st-key-cnnviz_later, [data-cnnviz-later]'),
  };
  const since = {first: null, whole: null}, quiet = {first: 0, whole: 0}, at = {};
  const t0 = performance.now();
  return await new Promise(resolve => {
    let last = performance.now();
    function tick(t) {
      const long = t - last >= 50;
      last = t;
      if (state() === 'running') sawRunning = true;
      for (const name of ['first', 'whole']) {
        if (name in at) continue;
        if (!conditions[name]()) { since[name] = null; quiet[name] = 0; continue; }
        if (since[name] === null || long) { since[name] = t; quiet[name] = 0; continue; }
        quiet[name] += 1;
        if (quiet[name] >= 5) at[name] = since[name];
      }
      if (('first' in at && 'whole' in at) || t - t0 > 120000) {
        const now = performance.now();
        resolve([now - (at.first ?? now), now - (at.whole ?? now)]);
      } else requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  });
}
"""
# Notes when the page receives a click or a key press, before the app sees it.
INPUT_JS = """
window.__cnnvizInput = null;
for (const type of ["click", "keydown"]) {
  addEventListener(type, () => { window.__cnnvizInput = performance.now(); }, {capture: true});
}
"""
SCRIPT_DONE_JS = """
() => { const e = document.querySelector('[data-test-script-state]');
        return e && e.getAttribute('data-test-script-state') !== 'running'; }
"""


@contextlib.contextmanager
def server(app_dir: Path, log: Path):
    """``streamlit run app.py`` on a free port; yields (url, spawn time) once healthy."""
    t_spawn = time.perf_counter()
    with running_app(app_dir / "app.py", cwd=app_dir, log=log) as url:
        yield url, t_spawn


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str]]:
    """Every process: pid → (parent pid, command line)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
            out[int(entry.name)] = (parent, cmd)
    return out


def cpu_split(url: str) -> tuple[float, float]:
    """CPU seconds so far of the server answering ``url`` and of our own Chromium.

    Our Chromium: the descendants of this process (Playwright's driver starts
    it), so other browsers on a shared machine are not counted.
    """
    procs = _processes()
    port = url.rsplit(":", 1)[1]
    server = [pid for pid, (_, cmd) in procs.items()
              if "streamlit" in cmd and f"--server.port {port}" in cmd]
    me = os.getpid()

    def ours(pid: int) -> bool:
        while pid in procs and pid > 1:
            pid = procs[pid][0]
            if pid == me:
                return True
        return False

    browser = [pid for pid, (_, cmd) in procs.items() if "chromium" in cmd and ours(pid)]
    return (sum(map(_cpu_seconds, server)), sum(map(_cpu_seconds, browser)))


class Tab:
    """One browser tab on the app, counting the websocket bytes it receives."""

    def __init__(self, browser, viewport: tuple[int, int], url: str = ""):
        self.url = url
        self.cpu: list[tuple[float, float]] = []  # (server, browser) CPU seconds per change
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.context.add_init_script(INPUT_JS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(120_000)
        self.since_input: float | None = None  # input → drawn (s), set by drawn()
        self.received = 0
        self.page.on("websocket", self._socket)

    def _socket(self, ws) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        self.received += len(payload)

    def drawn(self, text: str, where: str = "stMain") -> float:
        """Wait for ``text``, the script's end and an idle main thread; the time it was drawn.

        ``text`` is looked for in the page's main block by default: the
        sidebar's page list names every page too.
        """
        block = self.page.locator(f'[data-testid="{where}"]')
        block.get_by_text(text, exact=False).first.wait_for(state="visible")
        self.page.wait_for_function(SCRIPT_DONE_JS)
        lag_ms, since_input_ms = self.page.evaluate(IDLE_JS)
        self.since_input = None if since_input_ms is None else since_input_ms / 1000
        return time.perf_counter() - lag_ms / 1000

    def timed(self, action, text: str) -> tuple[float, int]:
        """Seconds from the page getting the person's input to drawn, and the bytes
        received meanwhile.

        Timed in the page's own clock, from its last click or key press of
        ``action()``: the time Playwright takes to find and press a control
        (tens of ms) is not the app's. Without an input event it counts from
        the call to ``action()``.
        """
        before = self.received
        cpu0 = cpu_split(self.url) if self.url else (0.0, 0.0)
        t0 = time.perf_counter()
        action()
        t1 = self.drawn(text)
        if self.url:
            cpu1 = cpu_split(self.url)
            self.cpu.append((cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]))
        elapsed = t1 - t0 if self.since_input is None else self.since_input
        return elapsed, self.received - before

    def sidebar(self):
        return self.page.locator('[data-testid="stSidebar"]')

    def close(self) -> None:
        self.context.close()


def photo_1024(folder: Path) -> Path:
    """A 1024 × 1024 colour JPEG made from a bundled photo."""
    from PIL import Image

    with Image.open(ROOT / "assets" / "chelsea.png") as im:
        big = im.convert("RGB").resize((1024, 1024), Image.Resampling.LANCZOS)
    path = folder / "photo_1024.jpg"
    big.save(path, quality=92)
    return path


def pick_preset(tab: Tab, title: str) -> None:
    tab.page.get_by_label("Kernel preset").click()
    tab.page.get_by_role("option", name=title, exact=True).first.click()


def preset_rows(tab: Tab, label: str, repeats: int, rows: dict) -> None:
    if repeats + 1 > len(PRESETS):
        raise SystemExit(f"at most {len(PRESETS) - 1} repeats: one new preset per change")
    times, sizes, cpu = [], [], []
    for i in range(repeats + 1):  # the first change warms up; not counted
        title, caption = PRESETS[i]
        dt, size = tab.timed(lambda title=title: pick_preset(tab, title), caption)
        if i:
            times.append(dt)
            sizes.append(size)
            cpu.append(tab.cpu[-1])
    rows[label] = (times, sizes, cpu)


def shot(tab: Tab, folder: Path | None, name: str) -> None:
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    target = tab.page.locator('[data-testid="stMain"]').first
    target.screenshot(path=str(folder / f"{name}.png"))


#: The least any Streamlit app costs for the same change: one select box of the
#: same titles and one line of text (its caption), no sidebar, no charts.
FLOOR_APP = """
import streamlit as st
PRESETS = dict({presets!r})
title = st.selectbox("Kernel preset", list(PRESETS))
st.write(PRESETS[title])
"""


def floor_row(browser, viewport: tuple[int, int], logs: Path, repeats: int, rows: dict) -> None:
    """The same preset change in a one-select-box Streamlit app on the same machine: what
    Streamlit and the browser cost before the app does anything."""
    folder = logs / "floor_app"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app.py").write_text(FLOOR_APP.format(presets=PRESETS), encoding="utf-8")
    with server(folder, logs / "floor.log") as (url, _):
        tab = Tab(browser, viewport, url)
        tab.page.goto(url)
        tab.drawn(PRESETS[0][1])
        preset_rows(tab, "floor: a one-select-box Streamlit app, option change", repeats, rows)
        tab.close()


def first_visit(browser, viewport: tuple[int, int], url: str, path: str, title: str) -> float:
    """Seconds from opening ``url/path`` in a fresh browser context (no cache, no cookies,
    no session) to the whole page drawn."""
    return first_visit_costs(browser, viewport, url, path, title)[0]


def first_visit_costs(browser, viewport: tuple[int, int], url: str, path: str,
                      title: str) -> tuple[float, int, tuple[float, float], float]:
    """Seconds from opening ``url/path`` in a fresh browser context (no cache, no cookies,
    no session) to the whole page drawn; the bytes the page received over the websocket;
    the (server, our Chromium) CPU seconds it cost; and the seconds to its first screen
    drawn (the module's docstring says what each means)."""
    tab = Tab(browser, viewport, url)
    tab.context.add_init_script(RUN_ENDS_JS)
    try:
        cpu0 = cpu_split(url)
        t0 = time.perf_counter()
        tab.page.goto(f"{url}/{path}", wait_until="commit")
        first_ms, whole_ms = tab.page.evaluate(FIRST_AND_WHOLE_JS, title)
        now = time.perf_counter()
        cpu1 = cpu_split(url)
        return (now - whole_ms / 1000 - t0, tab.received, (cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]),
                now - first_ms / 1000 - t0)
    finally:
        tab.close()


def fresh_server_rows(browser, viewport: tuple[int, int], app_dir: Path, logs: Path, runs: int,
                      rows: dict) -> None:
    """The digits page, first visitor of a server just started: at once, and 10 s later."""
    path, title = ADDRESSES["digits"]
    for wait, label in ((0.0, "digits page, first visit on a fresh server (visitor at once)"),
                        (10.0, "digits page, first visit on a fresh server (visitor after 10 s)")):
        times = []
        for i in range(runs):
            with server(app_dir, logs / f"fresh{int(wait)}_{i}.log") as (url, _):
                time.sleep(wait)
                times.append(first_visit(browser, viewport, url, path, title))
        if times:
            rows[label] = (times, [])


def first_visit_rows(browser, viewport: tuple[int, int], app_dir: Path, logs: Path, visits: int,
                     rows: dict, pages: str = "") -> None:
    """Only the first visits from a fresh browser context, on a server that every page has
    seen once (one fresh-context visit each, not counted): what a student opening a link
    meets on a server that is already running. ``pages``: a comma-separated list of
    :data:`ADDRESSES`' names to visit (all by default)."""
    wanted = {name.strip() for name in pages.split(",") if name.strip()}
    unknown = wanted - set(ADDRESSES)
    if unknown:
        raise SystemExit(f"--pages: unknown {sorted(unknown)}; known: {list(ADDRESSES)}")
    chosen = {name: where for name, where in ADDRESSES.items() if not wanted or name in wanted}
    with server(app_dir, logs / "first_visits.log") as (url, _):
        for path, title in chosen.values():
            first_visit(browser, viewport, url, path, title)
        for _ in range(visits):  # round-robin: a burst of load hits every page alike
            for name, (path, title) in chosen.items():
                whole, size, cpu, first = first_visit_costs(browser, viewport, url, path, title)
                row = rows.setdefault(f"first visit from a fresh browser context, whole page: "
                                      f"{name}", ([], [], []))
                for into, value in zip(row, (whole, size, cpu), strict=True):
                    into.append(value)
                rows.setdefault(f"first visit from a fresh browser context, first screen: "
                                f"{name}", ([], []))[0].append(first)


def open_expander(page, title: str) -> None:
    """Unfold the expander titled ``title``. Its summary's text starts with its icon's
    ligature ("keyboard_arrow_right"), so the title is matched on the summary's own
    Markdown, exactly."""
    summary = page.locator('[data-testid="stExpander"] summary').filter(
        has=page.locator('[data-testid="stMarkdownContainer"]').get_by_text(title, exact=True))
    summary.first.click()


def step_by_step_row(browser, viewport: tuple[int, int], url: str, repeats: int,
                     rows: dict) -> None:
    """Step by step (a fragment) on the digit one: a kernel preset change is a new
    animation payload."""
    tab = Tab(browser, viewport, url)
    tab.page.goto(f"{url}/animation?{LECTURE_GRIDS[0][1]}")
    tab.drawn("Step by step")
    try:
        open_expander(tab.page, "Kernel")  # the kernel's settings are folded
        tab.page.get_by_label("Kernel preset").wait_for(state="visible")
        preset_rows(tab, "Step by step: a settings change (kernel preset, 7 × 7)", repeats, rows)
    except Exception as err:  # noqa: BLE001 - say so, and go on with the rows
        print(f"Step by step row not measured: {err!r}"[:300], flush=True)
    tab.close()


def run_browser(args, rows: dict) -> None:
    from playwright.sync_api import sync_playwright

    app_dir = Path(args.app_dir).resolve()
    logs = Path(tempfile.mkdtemp(prefix="cnnviz_bench_"))
    viewport = tuple(int(n) for n in args.viewport.split("x"))
    screens = Path(args.screens) if args.screens else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            cold = []
            for i in range(args.cold):
                with server(app_dir, logs / f"cold{i}.log") as (url, t_spawn):
                    tab = Tab(browser, viewport)
                    tab.page.goto(url, wait_until="commit")
                    cold.append(tab.drawn("Convolution playground") - t_spawn)
                    tab.close()
            if cold:
                rows["cold start: server spawn → Playground drawn"] = (cold, [])
            if args.first_visits:
                first_visit_rows(browser, viewport, app_dir, logs, args.visits, rows,
                                 args.pages)
                return
            if args.step_by_step:
                with server(app_dir, logs / "step_by_step.log") as (url, _):
                    step_by_step_row(browser, viewport, url, args.repeats, rows)
                return
            if args.fresh_server:
                fresh_server_rows(browser, viewport, app_dir, logs, args.fresh_server, rows)
                return
            floor_row(browser, viewport, logs, args.repeats, rows)
            fresh_server_rows(browser, viewport, app_dir, logs, args.cold, rows)

            with server(app_dir, logs / "main.log") as (url, _):
                for label, query, text in LECTURE_GRIDS:
                    # A tab of its own per grid: nothing it sets follows the photo rows.
                    tab = Tab(browser, viewport, url)
                    tab.page.goto(f"{url}/?{query}")
                    tab.drawn(text)
                    preset_rows(tab, label, args.repeats, rows)
                    tab.close()
                step_by_step_row(browser, viewport, url, args.repeats, rows)
                tab = Tab(browser, viewport, url)
                tab.page.goto(url)
                tab.drawn("Convolution playground")
                # The first "Upload" is the Source radio; the view loader's button follows.
                tab.sidebar().get_by_text("Upload", exact=True).first.click()
                tab.drawn("Your image", where="stSidebar")
                image_uploader(tab.page).set_input_files(str(photo_1024(logs)))
                tab.drawn("Input a: 128 × 128")
                shot(tab, screens, "playground_128_grey")
                preset_rows(tab, "Playground preset change, 128² grey", args.repeats, rows)

                thumb = tab.sidebar().locator('input[type="range"]').first
                thumb.focus()
                thumb.press("End")  # the working size's largest option: 512
                tab.drawn("Input a: 512 × 512")
                shot(tab, screens, "playground_512_grey")
                preset_rows(tab, "Playground preset change, 512² grey", args.repeats, rows)

                tab.sidebar().get_by_text("Colour", exact=True).click()
                tab.drawn("Input a: 512 × 512 × 3")
                shot(tab, screens, "playground_512_colour")
                preset_rows(tab, "Playground preset change, 512² colour", args.repeats, rows)
                tab.sidebar().get_by_text("Grey", exact=True).click()
                tab.drawn("Input a: 512 × 512")

                nav = tab.page.locator('[data-testid="stSidebarNav"]')

                def go(label: str) -> None:
                    more = nav.get_by_text("View", exact=False).filter(has_text="more")
                    if more.count() and more.first.is_visible():
                        more.first.click()  # Streamlit folds a long page list: show all of it
                    nav.get_by_text(label, exact=True).click()
                back = []
                for label, title in PAGES.items():
                    visits, sizes, cpu = [], [], []
                    for _ in range(args.visits):
                        dt, size = tab.timed(
                            lambda label=label: go(label), title)
                        visits.append(dt)
                        sizes.append(size)
                        cpu.append(tab.cpu[-1])
                        if screens is not None and len(visits) == 1:
                            shot(tab, screens, "page_" + label.split()[0].lower())
                        back.append((*tab.timed(
                            lambda: go("Playground"),
                            "Convolution playground"), tab.cpu[-1]))
                    rows[f"visit {label} (from the Playground, 512² grey)"] = (visits, sizes, cpu)
                rows["page switch back to the Playground, 512² grey"] = (
                    [t for t, _, _ in back], [s for _, s, _ in back], [c for _, _, c in back])
                tab.close()
                for name, (path, title) in ADDRESSES.items():
                    for _ in range(args.visits):
                        whole, _, _, first = first_visit_costs(browser, viewport, url, path,
                                                               title)
                        for label, value in (("whole page", whole), ("first screen", first)):
                            rows.setdefault(f"first visit from a fresh browser context, {label}: "
                                            f"{name}", ([], []))[0].append(value)
        finally:
            browser.close()


def run_apptest(args, rows: dict) -> None:
    """The Playground's own script run (no browser) for a preset change on a 512² photo."""
    app_dir = Path(args.app_dir).resolve()
    sys.path.insert(0, str(app_dir))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(app_dir / "app.py"), default_timeout=120)
    at.query_params.update({"src": "Photo", "size": "512", "channels": "Grey"})
    at.switch_page("pages/playground.py")
    at.run()
    from cnnviz.core.kernels import KERNELS

    by_title = {kernel.title: name for name, kernel in KERNELS.items()}
    names = [by_title[title] for title, _ in PRESETS]
    times = []
    for i in range(args.repeats + 1):
        at.selectbox(key="preset").set_value(names[i])
        t0 = time.perf_counter()
        at.run()
        if i:
            times.append(time.perf_counter() - t0)
    if at.exception:
        raise RuntimeError(str(at.exception))
    rows["script only (AppTest): preset change, 512² grey photo"] = (times, [])


IMPORT_PROBE = """
import sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
{prelude}
t1 = time.perf_counter()
{imports}
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def script_imports(path: Path) -> str:
    """The top-level import statements of a script, as code."""
    import ast

    tree = ast.parse(path.read_text())
    return "\n".join(ast.unparse(node) for node in tree.body
                     if isinstance(node, ast.Import | ast.ImportFrom)
                     and getattr(node, "module", "") != "__future__")


def run_imports(args, repeats: int = 3) -> str:
    """Import time of app.py's modules, then of each page's on top of them (fresh processes).

    A page runs in a server that has already imported Streamlit and app.py's
    modules, so app.py's row is what it adds to Streamlit and a page's row what
    it adds to app.py. ``python -X importtime`` names the modules that
    cost most; the total is timed around the imports themselves.
    """
    app_dir = Path(args.app_dir).resolve()
    app = script_imports(app_dir / "app.py")
    lines = ["| script | imports ms (median of 3) | biggest new modules (cumulative ms) |",
             "|---|---:|---|"]
    for script in [app_dir / "app.py", *sorted((app_dir / "pages").glob("*.py"))]:
        # The server imported Streamlit before app.py runs; app.py's modules before a page.
        prelude = "import streamlit" if script.name == "app.py" else app
        own = app if script.name == "app.py" else script_imports(script)
        code = IMPORT_PROBE.format(root=str(app_dir), prelude=prelude, imports=own)
        times = []
        for _ in range(repeats):
            out = subprocess.run([sys.executable, "-c", code], cwd=app_dir, capture_output=True,
                                 text=True, check=True)
            times.append(float(out.stdout.split()[1]))
        probe = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=app_dir,
                               capture_output=True, text=True, check=True)
        seen_prelude = set()
        if prelude:
            base = subprocess.run([sys.executable, "-X", "importtime", "-c",
                                   IMPORT_PROBE.format(root=str(app_dir), prelude=prelude,
                                                       imports="")],
                                  cwd=app_dir, capture_output=True, text=True, check=True)
            seen_prelude = {line.split("|")[-1].strip() for line in base.stderr.splitlines()}
        top = []
        for line in probe.stderr.splitlines():
            parts = line.split("|")
            if len(parts) != 3 or not parts[1].strip().isdigit():
                continue
            name = parts[2].rstrip()
            if name.strip() in seen_prelude or name.startswith("   "):
                continue  # loaded by app.py already, or inside a bigger one
            top.append((int(parts[1]) / 1000, name.strip()))
        top = ", ".join(f"{n} {ms:.0f}" for ms, n in sorted(top, reverse=True)[:4])
        lines.append(f"| {script.relative_to(app_dir)} | {np.median(times) * 1000:.0f} | {top} |")
    return "\n".join(lines)


def conditions() -> str:
    load = os.getloadavg()
    return (f"{datetime.datetime.now().isoformat(timespec='seconds')}, {platform.node()}, "
            f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
            f"Python {platform.python_version()}, app {Path(args_app_dir).resolve()}")


def table(rows: dict) -> str:
    # Payload: bytes the browser received per change. "first" is a row's first
    # counted change; later visits to a page can be smaller, because the browser
    # keeps messages it has seen and Streamlit then sends only their hash.
    # CPU: median CPU seconds per change of the server and of our Chromium.
    lines = ["| row | n | p50 s | p95 s | max s | payload p50 bytes | payload first bytes "
             "| server CPU p50 s | browser CPU p50 s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, (times, sizes, *rest) in rows.items():
        if not len(times):  # a row asked for no runs (e.g. --visits 0)
            continue
        t = np.asarray(times)
        size = f"{int(np.median(sizes)):,} | {sizes[0]:,}" if sizes else "– | –"
        cpu = np.asarray(rest[0]) if rest and rest[0] else None
        split = (f"{np.median(cpu[:, 0]):.3f} | {np.median(cpu[:, 1]):.3f}" if cpu is not None
                 else "– | –")
        lines.append(f"| {label} | {t.size} | {np.percentile(t, 50):.3f} | "
                     f"{np.percentile(t, 95):.3f} | {t.max():.3f} | {size} | {split} |")
    return "\n".join(lines)


args_app_dir = str(ROOT)


def main() -> None:
    global args_app_dir
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--app-dir", default=str(ROOT), help="checkout whose app.py to run")
    ap.add_argument("--repeats", type=int, default=10, help="preset changes per row (≤ 15)")
    ap.add_argument("--visits", type=int, default=3, help="visits per page")
    ap.add_argument("--cold", type=int, default=3, help="cold starts")
    ap.add_argument("--viewport", default="1400x1000")
    ap.add_argument("--screens", default="", help="folder for screenshots (none by default)")
    ap.add_argument("--first-visits", action="store_true",
                    help="only the first visits from a fresh browser context (--visits each)")
    ap.add_argument("--pages", default="",
                    help="with --first-visits: only these pages (comma-separated, as named in "
                         "the rows, e.g. 'Learn a kernel,Receptive field')")
    ap.add_argument("--step-by-step", action="store_true",
                    help="only the Step-by-step settings-change row (--repeats changes)")
    ap.add_argument("--fresh-server", type=int, default=0, metavar="N",
                    help="only the digits page on a fresh server, N runs each way")
    ap.add_argument("--no-apptest", action="store_true")
    ap.add_argument("--json", default="", help="also write the raw times here")
    ap.add_argument("--imports", action="store_true",
                    help="only the import times of app.py and each page")
    args = ap.parse_args()
    args_app_dir = args.app_dir
    before = conditions()
    if args.imports:
        print(f"start: {before}")
        print(run_imports(args))
        print(f"end:   {conditions()}")
        return
    rows: dict = {}
    run_browser(args, rows)
    if not args.no_apptest:
        run_apptest(args, rows)
    print(f"start: {before}")
    print(f"end:   {conditions()}")
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"start": before, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()

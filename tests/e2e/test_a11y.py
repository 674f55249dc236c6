"""Accessibility in real Chromium: axe-core on every page, the animation by keyboard alone,
its screen-reader caption against the core, reduced motion, and colour-vision-deficiency views.

axe-core comes inside the ``axe-playwright-python`` wheel (no npm). Every page
registered in ``app.py`` is checked, read from app.py itself so that a new page
is checked without touching this file.
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import cnnviz
from cnnviz.core.kernels import get_kernel
from cnnviz.core.text import format_number
from cnnviz.core.trace import ConvTrace
from cnnviz.data import samples
from cnnviz.lessons.animation import build_conv_payload, to_pixel_levels
from tests.readers import step_caption

from .conftest import SHOTS, wait_for_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BLOCKING = ("serious", "critical")
# Streamlit's own sidebar navigation puts <div> section wrappers straight
# inside its <ul> and the <li> items inside those divs, so axe's "list" and
# "listitem" rules fail on markup the app cannot change (st.navigation draws
# it). Only these two rules, only inside that element, are left out.
STREAMLIT_NAV = '[data-testid="stSidebarNavItems"]'
NAV_RULES = ("list", "listitem")


def app_pages() -> list[str]:
    """Every page's URL path, read from app.py's ``page("file.py", ...)`` calls."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    paths = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "page" and node.args
                and isinstance(node.args[0], ast.Constant)):
            default = any(kw.arg == "default" and getattr(kw.value, "value", False)
                          for kw in node.keywords)
            paths.append("" if default else Path(node.args[0].value).stem)
    return paths


PAGES = app_pages()


def test_the_page_list_is_read_from_app_py():
    assert "" in PAGES and "animation" in PAGES and "compare" in PAGES
    assert len(PAGES) == len(set(PAGES)) >= 12


def _open(page, url: str) -> None:
    page.goto(url)
    page.locator("h1").first.wait_for(state="visible")
    wait_for_app(page, page.locator("h1").first.inner_text())
    # The app's own styles (static/app.css) are part of what is checked: wait
    # until the browser has them, then for Plotly and the animator to draw.
    page.wait_for_function("() => [...document.querySelectorAll('style')]"
                           ".some(s => s.textContent.includes('App-wide styles'))")
    page.wait_for_timeout(1000)


def _blocking(results: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in results["violations"] if v["impact"] in BLOCKING]


def axe_violations(page) -> list[str]:
    """Serious and critical axe violations on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    everything = axe.run(page, options={
        "resultTypes": ["violations"],
        "rules": {rule: {"enabled": False} for rule in NAV_RULES}}).response
    lists = axe.run(page, context={"exclude": [[STREAMLIT_NAV]]}, options={
        "resultTypes": ["violations"],
        "runOnly": {"type": "rule", "values": list(NAV_RULES)}}).response
    return _blocking(everything) + _blocking(lists)


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_or_critical_violation(page, app_url, path):
    _open(page, f"{app_url}/{path}")
    assert axe_violations(page) == []


def test_axe_passes_on_side_by_side_without_a_difference_map(page, app_url):
    _open(page, f"{app_url}/compare?b_s=2")
    page.get_by_text("No difference map").first.wait_for()
    assert axe_violations(page) == []


# --- the animation ------------------------------------------------------------------------

FOCUSED = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a) return null;
  const box = a.closest('.cnv');
  const style = getComputedStyle(a);
  return {inAnimator: !!box, isBox: a.classList.contains('cnv'), act: a.dataset.act || null,
          outline: style.outlineStyle + ' ' + style.outlineWidth, shadow: style.boxShadow};
}"""


# True once the animation has played past step k (its API, not a clock).
PLAYED_PAST = ("k => { const a = window.__cnnvizInstances && window.__cnnvizInstances.anim_view;"
               " return !!a && a.playing() && a.step() >= k; }")


def _focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def _step(page) -> int:
    text = page.get_by_test_id("cnnviz-step-counter").inner_text()
    return int(re.fullmatch(r"Step (\d+) / \d+", text.strip()).group(1))


def _expected_grid(page) -> np.ndarray:
    """The page's default grid: a 12 × 12 crop of the first photo, as 0–255 levels."""
    caption = page.get_by_text("crop of the 128×128 image").first.inner_text()
    top = int(re.search(r"rows (\d+)–", caption).group(1))
    left = int(re.search(r"columns (\d+)–", caption).group(1))
    photo = samples.load_photo(next(iter(samples.PHOTOS)), mode="gray", max_side=128)
    return to_pixel_levels(photo[top:top + 12, left:left + 12])


def test_the_animation_works_by_keyboard_alone_with_the_focus_visible(page, app_url):
    _open(page, f"{app_url}/animation")
    page.get_by_test_id("cnnviz-step-counter").wait_for()
    # Tab from the top of the page until the focus reaches the animation.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(200):
        page.keyboard.press("Tab")
        where = _focused(page)
        if where and where["inAnimator"]:
            break
    else:
        raise AssertionError("Tab never reached the animation")
    assert where["isBox"]  # the animation itself takes the focus first ...
    assert where["shadow"] != "none"  # ... and shows it (a 3 px ring)
    assert _step(page) == 1

    page.keyboard.press("Space")  # play
    box = page.locator('[data-testid="stBidiComponentIsolated"] .cnv').first
    page.wait_for_function(PLAYED_PAST, arg=2, polling=50)  # the playback, not a fixed sleep
    page.keyboard.press("Space")  # pause
    paused = _step(page)
    assert paused > 1 and box.get_attribute("data-playing") == "false"
    page.wait_for_timeout(600)
    assert _step(page) == paused  # really paused

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert _step(page) == min(paused + 1, 100)
    page.keyboard.press("Home")
    assert _step(page) == 1

    # Tab on to the buttons: each shows its focus; Enter presses them.
    for _ in range(3):
        page.keyboard.press("Tab")
    where = _focused(page)
    assert where["act"] == "play", where
    assert where["outline"].startswith("solid"), where
    page.keyboard.press("Enter")
    page.wait_for_function(PLAYED_PAST, arg=1, polling=50)
    page.keyboard.press("Enter")
    assert _step(page) > 1 and box.get_attribute("data-playing") == "false"
    page.keyboard.press("Tab")
    assert _focused(page)["act"] == "next"
    before = _step(page)
    page.keyboard.press("Enter")
    assert _step(page) == before + 1


def test_the_screen_reader_caption_of_a_step_is_the_cores_value(page, app_url):
    _open(page, f"{app_url}/animation?step=25")
    page.get_by_test_id("cnnviz-step-counter").wait_for()
    for _ in range(50):  # the link's step arrives with the payload
        if _step(page) == 26:
            break
        page.wait_for_timeout(100)
    assert _step(page) == 26
    grid = _expected_grid(page)
    sharpen = get_kernel("sharpen")
    expected = cnnviz.conv2d(grid, sharpen)
    region = page.get_by_test_id("cnnviz-caption")
    assert region.get_attribute("aria-live") == "polite"
    # Step forward by keyboard: the region says the new step.
    page.get_by_role("button", name="Step forward (Right arrow)").click()
    k = 26
    r, c = divmod(k, expected.shape[1])
    text = region.text_content()
    assert text.startswith(f"Step {k + 1} of 100: output ({r}, {c}) = "
                           f"{format_number(expected[r, c])}."), text
    payload = build_conv_payload(ConvTrace(grid, sharpen))
    assert text == step_caption(payload, k)
    assert f"bias 0 = {format_number(expected[r, c])}." in text


def test_reduced_motion_follows_the_browser_and_the_link(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        _open(page, f"{app_url}/animation")
        box = page.locator('[data-testid="stBidiComponentIsolated"] .cnv').first
        page.get_by_test_id("cnnviz-step-counter").wait_for()
        assert box.get_attribute("data-motion") == "reduced"
        # Stepping still works.
        page.get_by_role("button", name="Step forward (Right arrow)").click()
        assert _step(page) == 2
        # The link's choice wins over the browser's.
        _open(page, f"{app_url}/animation?motion=full")
        page.get_by_test_id("cnnviz-step-counter").wait_for()
        assert box.get_attribute("data-motion") == "full"
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  reduced_motion="no-preference")
    page = context.new_page()
    try:
        _open(page, f"{app_url}/animation?motion=reduce")
        page.get_by_test_id("cnnviz-step-counter").wait_for()
        box = page.locator('[data-testid="stBidiComponentIsolated"] .cnv').first
        assert box.get_attribute("data-motion") == "reduced"
    finally:
        context.close()


# --- colour-vision deficiencies --------------------------------------------------------------

CVD_VIEWS = {  # path, text to wait for, what to scroll into view
    "playground_sobel": ("?k=sobel_x", "Feature map z", None),
    "step_by_step": ("animation?step=40", "Step by step", "cnnviz-equation"),
}


@pytest.mark.parametrize("view", list(CVD_VIEWS))
def test_views_under_simulated_colour_vision_deficiencies(browser, app_url, view):
    """Screenshots as people with deuteranopia and protanopia see them (for a person to look at).

    The diverging maps are blue against red, which these deficiencies keep
    apart as blue against yellow-brown: negatives must stay distinguishable
    from positives, so the two ends of the palette must not merge.
    """
    path, text, scroll = CVD_VIEWS[view]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{app_url}/{path}")
        wait_for_app(page, text)
        if scroll:
            page.get_by_test_id(scroll).scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        cdp = page.context.new_cdp_session(page)
        shots = {}
        for deficiency in ("none", "deuteranopia", "protanopia"):
            cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": deficiency})
            page.wait_for_timeout(300)
            png = page.screenshot()
            (SHOTS / f"cvd_{view}_{deficiency}.png").write_bytes(png)
            shots[deficiency] = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), float)
        for deficiency in ("deuteranopia", "protanopia"):
            assert np.abs(shots[deficiency] - shots["none"]).mean() > 0.1  # emulation took
        # The palette's two ends as these viewers see them, painted and read back.
        page.set_content('<div style="display:flex"><div id="n" style="width:50px;height:50px;'
                         'background:rgb(5,48,97)"></div><div id="p" style="width:50px;'
                         'height:50px;background:rgb(103,0,31)"></div></div>')
        for deficiency in ("deuteranopia", "protanopia"):
            cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": deficiency})
            page.wait_for_timeout(200)
            img = np.asarray(Image.open(io.BytesIO(page.screenshot(
                clip={"x": 0, "y": 0, "width": 100, "height": 50}))).convert("RGB"), float)
            neg, pos = img[25, 25], img[25, 75]
            assert neg[2] > neg[0] + 30 and pos[0] > pos[2], (deficiency, neg, pos)
    finally:
        context.close()


# --- charts ------------------------------------------------------------------------------------

def test_every_chart_is_named_after_its_title(page, app_url):
    # The pages' charts are SVG (cnnviz.plots.svgcharts; Plotly's script would cost a first
    # visit about 2.3 s), each an image named by its title and what it shows: here the
    # parameters per layer, the section the page opens on. (static/labels.js still names
    # the one Plotly chart left, the digits page's live training run.)
    _open(page, f"{app_url}/shapes?shp_first=network")
    page.locator("svg.cnnviz-bars").first.wait_for()
    charts = page.evaluate("""() => [...document.querySelectorAll('svg[class^="cnnviz-"]')]
        .map(s => ({title: s.querySelector('.title').textContent, role: s.getAttribute('role'),
                    name: s.getAttribute('aria-label')}))""")
    assert len(charts) >= 1
    assert not page.locator(".js-plotly-plot").count()
    for chart in charts:
        assert chart["name"].startswith(f"{chart['title']}: "), chart
        assert chart["role"] == "img", chart
    _open(page, f"{app_url}/compare")
    page.get_by_text("What differs").first.wait_for()
    page.get_by_text("Output size").first.scroll_into_view_if_needed()  # every chart drawn
    # Every grid is the map element (static/mapview.js), named by Python the same way:
    # the two kernels with their numbers, and the big maps.
    maps = page.evaluate("""() => [...document.querySelectorAll('[data-testid="cnnviz-map"]')]
        .map(m => ({title: m.querySelector('.cm-title').textContent,
                    name: m.getAttribute('aria-label'),
                    canvas: m.querySelector('canvas').getAttribute('aria-label'),
                    role: m.querySelector('canvas').getAttribute('role'),
                    focusable: m.querySelector('canvas').tabIndex === 0}))""")
    assert len(maps) >= 6  # the two kernels, the input, A, B and A − B
    for m in maps:
        assert m["name"].startswith(f"Chart: {m['title']}"), m
        assert m["role"] == "img" and m["canvas"].startswith(m["name"]) and m["focusable"], m
    names = [m["name"] for m in maps]
    assert any("A: 128 × 128" in n and "shared" in n for n in names), names


def test_a_plotly_chart_drawn_later_is_named_by_the_pages_own_script(page, app_url):
    # static/labels.js is in every page's HTML head (cnnviz/ui/head.py), where the body does
    # not exist yet: it starts watching once it does. A Plotly chart (the digits page's live
    # training run) drawn at any time later gets its name from its title.
    _open(page, f"{app_url}/lectures")
    page.evaluate("""() => {
        const plot = document.createElement('div');
        plot.className = 'js-plotly-plot';
        plot.innerHTML = '<svg class="main-svg"><g class="gtitle"><text>Loss</text></g></svg>'
            + '<svg class="main-svg"></svg>';
        document.querySelector('[data-testid="stMain"]').append(plot);
    }""")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot svg')"
                           ".getAttribute('aria-label') === 'Chart: Loss'")
    svgs = page.locator(".js-plotly-plot svg.main-svg")
    assert svgs.nth(0).get_attribute("role") == "figure"
    assert svgs.nth(1).get_attribute("aria-hidden") == "true"

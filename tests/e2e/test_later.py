"""Sections below the first screen, drawn after it (cnnviz.ui.later), in real Chromium.

A fresh browser's first run of a long page ends at its fold: the first screen is
drawn, then the rest comes by itself (no click), with every value the link gave it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from cnnviz.ui.later import PLACEHOLDER_TEXT

from .conftest import no_exception_box, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

#: The stand-in's element: on the page with the first run's end (its own HTML comes
#: a moment later, with its script).
STAND_IN = ".st-key-cnnviz_later"


def _query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


#: Run in the page before its own scripts: the moment the stand-in first appears, note
#: the page's text. A check made after the wait would race the rerun on a busy machine:
#: the rest can be drawn while the first run's stand-in is still there (where nothing
#: of the rest takes its place, it goes when the rerun ends).
FIRST_RUN_LOG = """
new MutationObserver((records, observer) => {
  if (document.querySelector('.st-key-cnnviz_later')) {
    const main = document.querySelector('[data-testid="stMain"]');
    window.__cnnvizFirstRun = main ? main.innerText : '';
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def _first_screen_then_whole(page, url: str, title: str, below: str) -> None:
    """Open ``url``: the first run ends at the fold (the title there, ``below`` not yet),
    then the rest comes by itself."""
    page.add_init_script(FIRST_RUN_LOG)
    page.goto(url)
    page.locator(STAND_IN).wait_for(state="attached")
    first_run = page.wait_for_function("() => window.__cnnvizFirstRun").json_value()
    assert title in first_run
    assert below not in first_run  # not drawn in the first run
    # No click, no key: the rest is asked for once the first screen is drawn.
    page.get_by_text(below, exact=True).first.wait_for(state="visible", timeout=30_000)
    page.locator(STAND_IN).wait_for(state="detached")
    wait_for_app(page, title)
    assert no_exception_box(page) == []


@pytest.mark.parametrize(("path", "title", "below"), [
    ("colour", "Colour volumes and filter banks", "A bank of filters: the output volume"),
    ("transposed", "Transposed convolution and dilation", "Dilation: spreading the taps"),
    ("correlation", "Correlation vs convolution", "Why CNNs get away with it"),
])
def test_the_rest_of_a_long_page_comes_by_itself(page, app_url, path, title, below):
    _first_screen_then_whole(page, f"{app_url}/{path}", title, below)
    assert page.get_by_text(PLACEHOLDER_TEXT).count() == 0


def test_a_link_that_sets_values_below_the_fold_keeps_them(page, app_url):
    # A bound number input and a choice the page reads from the link itself, both below.
    _first_screen_then_whole(
        page, f"{app_url}/transposed?tr_dil_kernel=box_blur_5&tr_dil_d=3",
        "Transposed convolution and dilation", "Dilation: spreading the taps")
    # (the transposed convolution above has a "Dilation d" of its own)
    assert page.get_by_role("spinbutton", name="Dilation d").last.input_value() == "3"
    chosen = page.locator('[data-testid="stSelectbox"] input[aria-label="Kernel"]')
    assert chosen.input_value().startswith("Box blur 5×5")
    assert page.get_by_label("Chart: Dilated kernel: the taps (magenta) 3 apart",
                             exact=False).count() >= 1
    query = _query(page)
    assert query.get("tr_dil_d") == "3" and query.get("tr_dil_kernel") == "box_blur_5"
    assert page.get_by_text("was ignored").count() == 0
    assert page.get_by_text("not a setting of this page").count() == 0
    # And a link value below the fold that no control takes is still named.
    page.goto(f"{app_url}/transposed?tr_dil_d=99")
    page.get_by_text("was ignored").first.wait_for(timeout=30_000)
    assert "tr_dil_d=99" in page.locator('[data-testid="stAlert"]').first.inner_text()


def test_presenter_mode_gets_its_first_screen_then_the_rest(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        _first_screen_then_whole(page, f"{app_url}/colour?present=true",
                                 "Colour volumes and filter banks",
                                 "A bank of filters: the output volume")
        assert _query(page).get("present") == "true"
        screenshot(page, "later_colour_presenter")
    finally:
        context.close()


def test_the_stand_in_is_read_out_and_takes_no_keyboard_stop(page, app_url):
    page.goto(f"{app_url}/correlation")
    stand_in = page.locator(STAND_IN)
    stand_in.wait_for(state="attached")
    text = page.locator("[data-cnnviz-later]")
    try:
        text.wait_for(state="attached", timeout=5_000)
    except Exception:  # noqa: BLE001 - the rest came first: nothing left to read
        text = None
    if text is not None and text.count():
        assert text.get_attribute("role") == "status"  # a screen reader says it
        assert PLACEHOLDER_TEXT in text.inner_text()
        assert stand_in.locator("a, button, input, select, textarea, [tabindex]").count() == 0
    wait_for_app(page, "Correlation vs convolution")
    assert page.get_by_text(PLACEHOLDER_TEXT).count() == 0  # nothing stale left to read
    headings = [h.inner_text().strip() for h in page.locator(
        '[data-testid="stMain"] h2').all()]
    assert headings[-2:] == ["Why CNNs get away with it",
                             "See the turn in the numbers: the impulse response"]


def test_a_keyboard_user_keeps_the_focus_while_the_rest_arrives(page, app_url):
    page.goto(f"{app_url}/correlation")
    page.locator(STAND_IN).wait_for(state="attached")
    kernel = page.get_by_role("combobox", name="Kernel").first
    kernel.focus()
    wait_for_app(page, "Correlation vs convolution")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") \
        == kernel.get_attribute("aria-label")
    # Tab goes on from there through the page, into the sections drawn after it.
    names = []
    for _ in range(12):
        page.keyboard.press("Tab")
        names.append(page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.closest('[data-testid=\"stMain\"]') ? (e.getAttribute('aria-label')"
            " || e.innerText || e.tagName) : null; }"))
    assert any(names), names
    assert no_exception_box(page) == []


@pytest.mark.parametrize(("path", "title", "below"), [
    ("shapes", "Shapes and parameters", "3. Build a network"),
    ("learn_kernel", "Learn a kernel",
     "The gradient is a cross-correlation of the input with the error"),
])
def test_a_link_value_no_page_knows_is_still_named_once_the_rest_is_drawn(
        page, app_url, path, title, below):
    """The rest comes in a run of the whole app (also for a fold inside a fragment), so the
    link is checked in full."""
    _first_screen_then_whole(page, f"{app_url}/{path}?nonsense=1", title, below)
    page.get_by_text("not a setting of this page").first.wait_for(timeout=15_000)
    assert "nonsense=1" in page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "nonsense" not in _query(page)

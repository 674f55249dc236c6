"""The running app in real Chromium: every page opens, and the playground works end to end."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from .conftest import no_exception_box, screenshot, wait_for_app
from .locators import image_uploader

pytestmark = pytest.mark.e2e

PAGES = ["", "animation", "colour", "pooling", "quiz", "compare", "shapes", "receptive_field",
         "matrix", "correlation", "transposed", "learn_kernel", "digits"]


def _sidebar_radio(page, label: str) -> None:
    # A radio option, not the view loader's "Upload" button further down the sidebar.
    page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').get_by_text(
        label, exact=True).click()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_without_an_exception(page, app_url, path):
    page.goto(f"{app_url}/{path}")
    page.locator("h1").first.wait_for(state="visible")
    wait_for_app(page, page.locator("h1").first.inner_text())
    assert no_exception_box(page) == []
    assert page.locator('[data-testid="stError"]').count() == 0
    screenshot(page, f"page_{path or 'playground'}")


def test_playground_upload_change_kernel_and_see_result(page, app_url, tmp_path):
    page.goto(app_url)
    wait_for_app(page, "Convolution playground")
    # A bright square on black: a Laplacian lights up its outline only.
    img = np.zeros((60, 90), dtype=np.uint8)
    img[15:45, 30:60] = 255
    path = tmp_path / "square.png"
    Image.fromarray(img).save(path)
    _sidebar_radio(page, "Upload")
    wait_for_app(page, "Your image")
    image_uploader(page).set_input_files(str(path))
    wait_for_app(page, "Input a: 60 × 90")
    page.get_by_text("Feature map z = a ⋆ k + b: 58 × 88").first.wait_for()

    # Pick another kernel from the preset list.
    page.get_by_label("Kernel preset").click()
    page.get_by_role("option", name="Laplacian (4-neighbour)").first.click()
    wait_for_app(page, "sums to 0")
    assert page.get_by_text("auto → ").first.is_visible()
    assert no_exception_box(page) == []
    shot = screenshot(page, "playground_uploaded_laplacian")
    assert shot.stat().st_size > 10_000


def test_corrupt_upload_shows_a_message_not_a_traceback(page, app_url, tmp_path):
    page.goto(app_url)
    wait_for_app(page, "Convolution playground")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(50)))
    _sidebar_radio(page, "Upload")
    wait_for_app(page, "Your image")
    image_uploader(page).set_input_files(str(bad))
    wait_for_app(page, "Could not use")
    assert no_exception_box(page) == []


def test_png_download_is_an_image(page, app_url):
    page.goto(app_url)
    wait_for_app(page, "Convolution playground")
    with page.expect_download() as info:
        page.get_by_text("Feature map z (PNG)").click()
    data = open(info.value.path(), "rb").read()
    with Image.open(io.BytesIO(data)) as im:
        # The 126 × 126 map at display size: each value a 5 × 5 block (640 // 126).
        assert im.size == (630, 630)
        pixels = np.asarray(im.convert("RGB"))
        assert (pixels[::5, ::5] == pixels[4::5, 4::5]).all()


def test_direct_visit_after_start_uses_the_router_and_settings_survive_pages(page, app_url):
    # A deep link must get the app's own navigation (not Streamlit's pages/ listing).
    page.goto(f"{app_url}/correlation")
    wait_for_app(page, "Correlation")
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_text("Playground", exact=True).count() == 1
    assert nav.get_by_text("app", exact=True).count() == 0
    # Settings chosen on one page are still there after visiting another.
    page.goto(app_url)
    wait_for_app(page, "Convolution playground")
    page.get_by_label("Kernel preset").click()
    page.get_by_role("option", name="Sobel x").first.click()
    wait_for_app(page, "sums to 0")
    nav.get_by_text("Receptive field", exact=True).click()
    wait_for_app(page, "Receptive field")
    nav.get_by_text("Playground", exact=True).click()
    wait_for_app(page, "Convolution playground")
    assert page.get_by_label("Kernel preset").input_value() == "Sobel x"
    slider = page.locator('[data-testid="stSidebar"] [data-testid="stSliderThumbValue"]').first
    assert slider.inner_text() == "128"


def test_a_class_opening_deep_links_at_once_after_a_server_start(browser):
    """Six students open different pages the moment the server is up."""
    from .conftest import running_app

    paths = ["colour", "pooling", "correlation", "matrix", "transposed", ""]
    with running_app("streamlit_class.log") as url:
        contexts = [browser.new_context(viewport={"width": 1300, "height": 900})
                    for _ in paths]
        tabs = [c.new_page() for c in contexts]
        for tab, path in zip(tabs, paths, strict=True):
            tab.goto(f"{url}/{path}", wait_until="commit")
        try:
            for tab in tabs:
                tab.set_default_timeout(60_000)
                tab.locator("h1").first.wait_for(state="visible")
                wait_for_app(tab, tab.locator("h1").first.inner_text())
                assert no_exception_box(tab) == []
                nav = tab.locator('[data-testid="stSidebarNav"]')
                assert nav.get_by_text("Playground", exact=True).count() == 1
        finally:
            for c in contexts:
                c.close()


def test_favicon_is_served_by_the_app_itself(page, app_url):
    # A ":material/...:" page icon made the browser fetch an SVG from a font CDN (offline: none).
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(app_url)
    wait_for_app(page, "Convolution playground")
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"link[rel~='icon']\")]"
        ".some(l => l.href.includes('/media/'))")
    icons = page.eval_on_selector_all("link[rel~='icon']", "els => els.map(e => e.href)")
    assert icons and all(h.startswith(app_url) for h in icons), icons
    assert not [u for u in requests if "fonts.gstatic.com" in u or "googleapis" in u], requests

"""Two students on one server at once: neither ever sees the other's image, kernel or step."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from .conftest import no_exception_box, wait_for_app
from .locators import image_uploader

pytestmark = pytest.mark.e2e


def _png(value: int, shape=(20, 30)) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full(shape, value, dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def _student(browser, app_url, name: str, image: bytes, kernel: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{app_url}/?src=Upload&k={kernel}")
    wait_for_app(page, "Convolution playground")
    image_uploader(page).set_input_files(
        files=[{"name": name, "mimeType": "image/png", "buffer": image}])
    # The uploader lists the name as soon as the file is chosen, before the
    # server has it; the image's own shape on the page means the run with it
    # has reached the server (a loaded machine can take longer than a blink).
    # Poll on a timer: a page in a background context gets no animation frames.
    rows, cols = Image.open(io.BytesIO(image)).size[::-1]
    page.wait_for_function(
        "s => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(s)",
        arg=f"{rows} × {cols}", polling=200)
    wait_for_app(page, "Convolution playground")
    return context, page


def test_two_sessions_never_see_each_others_upload_or_kernel(browser, app_url):
    a_ctx, a = _student(browser, app_url, "alice.png", _png(40, (20, 30)), "sobel_x")
    b_ctx, b = _student(browser, app_url, "bob.png", _png(200, (24, 18)), "box_blur_3")
    for page in (a, b):  # each reruns after the other's changes
        page.reload()
        wait_for_app(page, "Convolution playground")
    text_a = a.locator('[data-testid="stMain"]').inner_text() + a.locator(
        '[data-testid="stSidebar"]').inner_text()
    text_b = b.locator('[data-testid="stMain"]').inner_text() + b.locator(
        '[data-testid="stSidebar"]').inner_text()
    # After a reload the upload is gone (it never travels in a link) ...
    assert "bob.png" not in text_a and "alice.png" not in text_b
    # ... and each kept its own kernel, from its own link.
    assert "k=sobel_x" in a.url and "box_blur" not in a.url
    assert "k=box_blur_3" in b.url and "sobel" not in b.url
    assert no_exception_box(a) == [] and no_exception_box(b) == []
    a_ctx.close()
    b_ctx.close()


def test_two_live_sessions_keep_their_own_images(browser, app_url):
    a_ctx, a = _student(browser, app_url, "alice.png", _png(40, (20, 30)), "sobel_x")
    b_ctx, b = _student(browser, app_url, "bob.png", _png(200, (24, 18)), "box_blur_3")
    # Both change something, in turn; neither page shows the other's file or shape.
    a.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Pooling").click()
    wait_for_app(a, "Pooling")
    b.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Pooling").click()
    wait_for_app(b, "Pooling")
    text_a = a.locator('[data-testid="stMain"]').inner_text()
    text_b = b.locator('[data-testid="stMain"]').inner_text()
    assert "20 × 30" in text_a and "24 × 18" not in text_a
    assert "24 × 18" in text_b and "20 × 30" not in text_b
    assert "alice.png" in a.locator('[data-testid="stSidebar"]').inner_text()
    assert "bob.png" in b.locator('[data-testid="stSidebar"]').inner_text()
    a_ctx.close()
    b_ctx.close()

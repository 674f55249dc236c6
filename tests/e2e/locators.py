"""Locators for the app's own controls, shared by the browser tests and the benchmarks."""

from __future__ import annotations


def image_uploader(pg):
    """The file input of the sidebar's "Your image" uploader.

    Not the sidebar's first file input: the view loader ("Load a view
    (JSON)") has one too, and while the image uploader is still being drawn
    it is the first, so a picture given to "the first input" can land there
    ("image/png files are not allowed").
    """
    return (pg.get_by_test_id("stSidebar").get_by_test_id("stFileUploader")
            .filter(has_text="Your image").locator('input[type="file"]'))

"""The server's guards from cnnviz.ui.router, as a session sees them."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _fails_unexpectedly() -> None:
    from cnnviz.ui import router

    assert router.unexpected_error(ZeroDivisionError("deep inside")) is True


def test_an_unforeseen_error_shows_a_plain_message_and_no_traceback():
    at = AppTest.from_function(_fails_unexpectedly).run()
    assert not at.exception
    (error,) = at.error
    assert "Your image and settings are kept" in error.value
    assert "ZeroDivisionError" in error.value and "deep inside" not in error.value


def test_a_redirected_deep_path_is_reported_once_and_leaves_the_url(open_page):
    at = open_page("pages/playground.py", query={"nopage": "/etc/passwd"})
    assert any("There is no page at `/etc/passwd`" in w.value for w in at.warning)
    assert "nopage" not in at.query_params
    assert not at.exception

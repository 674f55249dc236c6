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


def test_a_path_with_a_control_character_opens_the_app_at_any_depth():
    """/%00 and /pooling%00: Streamlit's own handler answers a bare "400 Bad Request"."""
    from cnnviz.ui.router import NoSuchPage

    html = [(b"accept", b"text/html")]
    for path, shown in (("/\x00", "/%00"), ("/pooling\x00", "/pooling%00"),
                        ("/\x1b[31m", "/%1B%5B31m")):
        target = NoSuchPage.redirect_for({"method": "GET", "path": path, "headers": html})
        assert target == f"/?nopage={shown}"
    # A page's own path, and Streamlit's routes, still pass.
    for path in ("/pooling", "/", "/_stcore/health", "/static/js/x.js"):
        assert NoSuchPage.redirect_for({"method": "GET", "path": path, "headers": html}) is None

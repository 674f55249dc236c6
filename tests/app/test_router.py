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


def test_a_broken_percent_escape_opens_the_app_with_a_notice():
    """/%ff and /%C0%AE: Streamlit served its page, whose frontend failed to decode the
    path ("URI malformed") and stayed grey forever. The server decodes such bytes into
    U+FFFD, so the raw path is what tells."""
    from urllib.parse import unquote

    from cnnviz.ui.router import NoSuchPage

    html = [(b"accept", b"text/html")]
    for raw in (b"/%ff", b"/%C0%AE", b"/%", b"/pool%zzing", b"/%E2%82"):
        # As uvicorn builds the scope: path decoded with errors replaced, raw_path as sent.
        scope = {"method": "GET", "path": unquote(raw.decode("ascii")), "raw_path": raw,
                 "headers": html}
        target = NoSuchPage.redirect_for(scope)
        assert target is not None and target.startswith("/?nopage=")
        # The notice shows the address as typed.
        assert unquote(target.partition("=")[2]) == raw.decode("ascii")
    # A well-formed escape of a real character still reaches Streamlit's own notice.
    for raw in (b"/%C3%A9", b"/pooling", b"/%41"):
        scope = {"method": "GET", "path": unquote(raw.decode("ascii")), "raw_path": raw,
                 "headers": html}
        assert NoSuchPage.redirect_for(scope) is None


def test_a_broken_escape_is_named_as_typed_in_the_notice(open_page):
    """The redirect sends /%ff as ?nopage=/%25ff; the notice must show /%ff, not /?ff."""
    at = open_page("pages/playground.py", query={"nopage": "/%ff"})
    assert any("There is no page at `/%ff`" in w.value for w in at.warning), \
        [w.value for w in at.warning]
    assert not at.exception

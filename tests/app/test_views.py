"""Presenter mode and the view file (save this view as JSON, load it back), under AppTest."""

from __future__ import annotations

import json

from cnnviz.data.views import link_of, view_json
from cnnviz.ui import views
from tests.readers import read_out

from .conftest import animators, charts, exceptions, figure, numbers, page_text

FILES = {"": "pages/playground.py", "animation": "pages/animation.py",
         "colour": "pages/colour.py"}
TYPED = "3,4,5;1,0,2;-1,9,7"  # the lectures' flip example, typed in as a kernel


def _sidebar_text(at) -> str:
    return "\n".join(str(e.value) for kind in (at.sidebar.error, at.sidebar.info)
                     for e in kind)


def _charts(at) -> list[dict]:
    return [figure(at, i) for i in range(len(charts(at)))]


def test_presenter_mode_is_a_linked_switch_that_restyles_and_hides_the_intro(open_page):
    plain = open_page("pages/playground.py", query={"src": "Lecture"})
    assert plain.toggle(key="present").value is False
    assert "A convolutional layer slides" in page_text(plain)
    assert not any("Presenter mode" in str(h.proto.body) for h in plain.html)
    at = open_page("pages/playground.py", query={"src": "Lecture", "present": "true"})
    assert at.toggle(key="present").value is True
    assert "A convolutional layer slides" not in page_text(at)  # the intro is left out
    css = "\n".join(str(h.proto.body) for h in at.html)
    assert "Presenter mode" in css and "font-size: 17px" in css
    # The 7 × 7 lecture input at projector size: numbers of 20 px and more, no colour bar.
    big, small = _charts(at)[0], _charts(plain)[0]
    assert numbers(big) == numbers(small)
    assert read_out(big)["font"] >= 20 > read_out(small)["font"]
    assert big["height"] > small["height"]


def test_the_switch_turns_presenter_mode_on_and_off_in_the_session(open_page):
    at = open_page("pages/animation.py", query={"src": "Lecture"})
    at.toggle(key="present").set_value(True).run()
    assert not at.exception, exceptions(at)
    assert any("Presenter mode" in str(h.proto.body) for h in at.html)
    at.toggle(key="present").set_value(False).run()
    assert not any("Presenter mode" in str(h.proto.body) for h in at.html)


def _view_of(at) -> tuple[str, dict[str, str]]:
    page, params = at.session_state[views.SNAPSHOT]
    return page, dict(params)


def test_a_saved_view_loads_back_to_the_same_view(open_page):
    query = {"src": "Lecture", "lecture": "rectangle", "k": TYPED, "s_h": "2", "present": "true"}
    at = open_page("pages/playground.py", query=query)
    page, params = _view_of(at)
    assert page == "" and params["k"] == TYPED and params["present"] == "true"
    data = view_json(page, params, link_of(page, params))
    # Load it into a session showing something else.
    other = open_page("pages/animation.py", query={"src": "Pattern"})
    other.file_uploader(key=views.UPLOAD).set_value(("view.json", data, "application/json")).run()
    assert not other.exception, exceptions(other)
    assert f"Opening the loaded view: `{link_of(page, params)[:80]}`" in _sidebar_text(other)
    # The browser now opens that link: the same view as the one saved.
    again = open_page(FILES[page], query=params)
    assert _charts(again) == _charts(at)
    for key in ("src", "lecture", "s_h", "present", "flip", "pad"):
        assert again.session_state[key] == at.session_state[key], key
    assert _view_of(again) == (page, params)


def test_a_corrupt_view_file_leaves_the_view_as_it_was_with_a_message(open_page):
    at = open_page("pages/animation.py", query={"src": "Lecture", "lecture": "rectangle"})
    before = (_charts(at), _view_of(at))
    for bad, says in ((b"{not json", "not JSON"),
                      (json.dumps({"format": "cnnviz-view", "version": 1, "page": "",
                                   "params": {}, "evil": 1}).encode(), "unknown keys 'evil'"),
                      (json.dumps({"format": "cnnviz-view", "version": 1, "page": "",
                                   "params": {"s_h": 2}}).encode(), "must be text"),
                      (b" " * 70_000, "at most 64,000"),
                      (json.dumps({"format": "cnnviz-view", "version": 1, "page": "../etc",
                                   "params": {}}).encode(), "not a page of this app")):
        at.file_uploader(key=views.UPLOAD).set_value(("bad.json", bad, "application/json")).run()
        assert not at.exception, exceptions(at)
        text = _sidebar_text(at)
        assert "This file was not loaded" in text and says in text, text
        assert "Opening the loaded view" not in text
        assert (_charts(at), _view_of(at)) == before


def test_learn_a_kernel_shows_the_animation_keys_on_its_buttons(open_page):
    at = open_page("pages/learn_kernel.py")
    keys = {b: at.button(key=b).proto.shortcut for b in
            ("lk_reset", "lk_back", "lk_step", "lk_end", "lk_play")}
    assert keys == {"lk_reset": "home", "lk_back": "left", "lk_step": "right", "lk_end": "end",
                    "lk_play": "space"}


def test_the_animation_gets_the_number_rule_and_presenter_mode(open_page):
    from cnnviz.plots.display import NUMBER_FIT

    for present in (False, True):
        query = {"src": "Lecture"} | ({"present": "true"} if present else {})
        at = open_page("pages/animation.py", query=query)
        (element,) = animators(at)
        options = json.loads(element.proto.json)["options"]
        assert options["present"] is present
        assert options["fit"] == dict(NUMBER_FIT)


def test_a_view_file_with_an_infinite_integer_opens_with_a_notice_not_a_crash(open_page):
    from urllib.parse import parse_qsl, urlparse

    params = {"s_h": "inf", "pool_size": "1e400", "q_seed": "-inf"}
    data = json.dumps({"format": "cnnviz-view", "version": 1, "page": "", "params": params})
    at = open_page("pages/pooling.py")
    at.file_uploader(key=views.UPLOAD).set_value(("v.json", data.encode(), "application/json"))
    at.run()
    assert not at.exception, exceptions(at)
    assert "Opening the loaded view" in _sidebar_text(at)
    # The browser opens the file's link, which passes the link's checks.
    link = dict(parse_qsl(urlparse(link_of("", params)).query))
    again = open_page(FILES[""], query=link)
    notices = "\n".join(w.value for w in again.warning)
    for name, value in params.items():
        why = "out of range: beyond what any setting takes" if value == "1e400" else (
            "not a finite number")
        assert f"`{name}={value}` was ignored ({why})" in notices, notices
    assert "not a setting of this page" not in notices

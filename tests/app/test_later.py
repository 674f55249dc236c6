"""The sections below the first screen, drawn after it (cnnviz.ui.later), under AppTest.

AppTest sends no User-Agent, so its sessions get whole pages from the first run
(every other AppTest relies on that). Here the session is made to look like a
browser's: the first run ends at the fold with the stand-in, and the next run
(the stand-in's trigger, or anything else) draws the page exactly as a session
that never folded draws it, with every value its link gave.
"""

from __future__ import annotations

import re

import pytest

from cnnviz.ui import later
from tests.app.conftest import exceptions, page_text, switch


@pytest.fixture
def as_browser(monkeypatch):
    """Sessions opened from now on look like a browser's (their first run folds)."""
    monkeypatch.setattr(later, "browser", lambda: True)


def stand_ins(at) -> list:
    return [e for e in at.get("bidi_component") if e.proto.component_name == "cnnviz_later"]


# What a message carries for the browser, not what the page shows: a download's file id
# (new in every run), and whether a widget's value is sent along (only when the server set
# it: a link's value in the run that first draws the widget); its value is compared instead.
_TRANSPORT = re.compile(r'(?m)^deferred_file_id: "\w+"\n|^(set_value|raw_values?|values?): .*\n')


def outline(at) -> list[tuple[str, str, object]]:
    """Every element of the main area in page order: its type, what it shows (its proto,
    without :data:`_TRANSPORT`), and a widget's value."""
    return [(e.type, _TRANSPORT.sub("", str(getattr(e, "proto", ""))),
             str(getattr(e, "value", None)) if hasattr(e, "key") else None) for e in at.main]


# page, a link, a widget below the fold with the value that link gives it
LINKED = [
    ("pages/colour.py", {"src": "Lecture", "lecture": "vertical_edge", "cv_filters": "2",
                         "cv_bank1": "sobel_y"}, "cv_bank1", "sobel_y"),
    ("pages/transposed.py", {"tr_dil_kernel": "box_blur_5", "tr_dil_d": "3"}, "tr_dil_d", 3),
    ("pages/shapes.py", {"shp_nh": "28", "shp_nw": "28"}, "shp_nh", 28),
    ("pages/digits.py", {"cnn_src": "Test digit", "cnn_digit": "7"}, "cnn_digit", 7),
    ("pages/correlation.py", {"corr_kernel": "sobel_x"}, None, None),
    ("pages/receptive_field.py", {"rf_channels": "64"}, "rf_channels", 64),
    ("pages/learn_kernel.py", {"lk_t": "20"}, None, None),
]


@pytest.mark.parametrize(("page", "query", "key", "value"), LINKED,
                         ids=[row[0].split("/")[1][:-3] for row in LINKED])
def test_the_first_run_folds_and_the_next_draws_the_page_a_plain_session_draws(
        open_page, monkeypatch, page, query, key, value):
    plain = open_page(page, query=dict(query))  # no User-Agent: the whole page at once
    assert not stand_ins(plain)
    monkeypatch.setattr(later, "browser", lambda: True)
    at = open_page(page, query=dict(query))
    assert not at.exception, exceptions(at)
    # The first run: the first screen, then the stand-in, and nothing of the rest.
    assert len(stand_ins(at)) == 1
    assert len(outline(at)) < len(outline(plain))
    if key is not None:
        assert key not in at.session_state  # below the fold: not drawn yet
    # No value of the link is refused or dropped for not being reached yet.
    assert "was ignored" not in page_text(at) and "was not used" not in page_text(at)
    for name, text in query.items():
        if name in plain.query_params:
            assert at.query_params.get(name) == text, name
    at.run()  # the stand-in's trigger
    assert not at.exception, exceptions(at)
    assert not stand_ins(at)
    assert outline(at) == outline(plain)
    assert dict(at.query_params) == dict(plain.query_params)
    if key is not None:
        assert at.session_state[key] == value
    at.run()  # every later run draws everything at once
    assert not stand_ins(at) and outline(at) == outline(plain)


def test_a_bad_link_value_below_the_fold_is_reported_once_the_rest_is_drawn(
        open_page, as_browser):
    at = open_page("pages/transposed.py", query={"tr_dil_kernel": "no_such_kernel"})
    assert len(stand_ins(at)) == 1
    assert "no_such_kernel" not in page_text(at)  # not yet: its select box is below
    at.run()
    assert not at.exception, exceptions(at)
    notes = "\n".join(str(w.value) for w in at.warning)
    assert "tr_dil_kernel=no_such_kernel" in notes and "was ignored" in notes
    assert "tr_dil_kernel" not in at.query_params


def test_a_value_no_page_knows_is_still_reported(open_page, as_browser):
    at = open_page("pages/correlation.py", query={"nonsense": "1"})
    at.run()
    notes = "\n".join(str(w.value) for w in at.warning)
    assert "nonsense=1" in notes and "not a setting of this page" in notes


def test_only_the_sessions_first_run_folds(open_page, as_browser):
    at = open_page("pages/pooling.py")  # no fold on this page
    assert not stand_ins(at)
    switch(at, "pages/colour.py")  # a page switch: drawn whole, in one run
    assert not at.exception, exceptions(at)
    assert not stand_ins(at)
    assert at.selectbox(key="cv_bank1") is not None


def test_a_rerun_before_the_trigger_draws_the_page_too(open_page, as_browser):
    """A person's first change (a widget above the fold) comes before the trigger: that
    run draws everything, and the trigger's later run changes nothing."""
    at = open_page("pages/correlation.py", query={"corr_kernel": "sobel_x"})
    assert len(stand_ins(at)) == 1
    at.selectbox(key="corr_kernel").set_value("sobel_y").run()
    assert not at.exception, exceptions(at)
    assert not stand_ins(at)
    assert "Why CNNs get away with it" in [h.value for h in at.header]
    assert at.query_params["corr_kernel"] == "sobel_y"


def test_the_stand_in_says_what_it_is_and_stands_about_as_tall_as_the_rest(
        open_page, as_browser):
    at = open_page("pages/correlation.py")
    (stand_in,) = stand_ins(at)
    assert later.PLACEHOLDER_TEXT in stand_in.proto.html_content
    assert 'role="status"' in stand_in.proto.html_content  # read out, not only seen
    assert stand_in.proto.json == '{"height": 850}'


def test_a_page_left_before_its_rest_was_drawn_leaves_no_false_notice(open_page, as_browser):
    # Found by review24: the link's values the first run had not reached yet were checked
    # on the next page run, whatever page it was: leaving Transposed at once for Pooling
    # said "The link's `tr_dil_d=3` was ignored (not a setting of this page)" on Pooling.
    at = open_page("pages/transposed.py", query={"tr_dil_d": "3"})
    assert len(stand_ins(at)) == 1
    switch(at, "pages/pooling.py")
    assert not at.exception, exceptions(at)
    notes = "\n".join(str(w.value) for w in at.warning)
    assert "tr_dil_d" not in notes, notes

"""Class mode under AppTest: a teacher's session and students' sessions share one store.

AppTest cannot hear the push route (a browser's EventSource), so a student's
"wake" is a plain ``run()``: the rerun the component asks for. AppTest does
not write a widget's new value into the URL as a browser does, so a teacher's
widget change is made as a browser makes it: the value and the query string.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from cnnviz.core.kernels import KERNELS
from cnnviz.data import rooms
from cnnviz.lessons import quiz as quiz_lesson
from cnnviz.ui import class_push, classroom

from .conftest import ROOT, animators, exceptions, page_text


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    """A fresh SQLite store for each test, shared by every session of the test."""
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CNNVIZ_REDIS_URL", raising=False)
    monkeypatch.setattr(class_push, "_store", None)
    yield
    if class_push._store is not None:
        class_push._store.close_now()


def session(page: str | None = None, query: dict | None = None) -> AppTest:
    config.set_option("client.showErrorDetails", "full")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query or {})
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, exceptions(at)
    return at


def ok(at: AppTest) -> AppTest:
    assert not at.exception, exceptions(at)
    return at


def start(page: str | None = None) -> tuple[AppTest, str]:
    teacher = session(page)
    ok(teacher.button(key="class_start").click().run())
    return teacher, teacher.session_state[classroom.CODE]


def student_of(code: str) -> AppTest:
    at = session(query={"room": code})
    assert at.session_state[classroom.ROLE] == "student"
    return at


def test_start_a_class_shows_code_link_and_qr_without_the_key():
    teacher, code = start()
    key = teacher.session_state[classroom.KEY]
    assert len(code) == 6 and not set(code) & set("0O1IL")
    html = "\n".join(h.proto.body for h in teacher.get("html"))
    assert f"?room={code}" in html and "class-join-link" in html
    assert code in html
    assert "data:image/png;base64," in html and "alt='QR code of the join link" in html
    # The key is nowhere on the page, nor in the link or the published view.
    everything = page_text(teacher) + html + str(dict(teacher.query_params))
    assert key not in everything
    room = class_push.shared_store().room(code)
    assert key not in repr(room)


def test_a_student_follows_page_and_settings():
    teacher, code = start()
    student = student_of(code)
    assert "you follow the teacher" in page_text(student)
    # The teacher goes to Pooling and sets pool size 3 (the browser puts it in the URL).
    teacher.switch_page("pages/pooling.py").run()
    teacher.number_input(key="pl_kh").set_value(3)
    teacher.query_params["pl_kh"] = "3"
    ok(teacher.run())
    ok(student.run())  # the wake-up rerun
    ok(student.run())  # AppTest: switch_page's own rerun
    assert [t.value for t in student.title] == ["Pooling"]
    assert student.number_input(key="pl_kh").value == 3
    assert student.query_params["room"] == [code] or student.query_params["room"] == code
    # The nickname box still shows the nickname after the switch (it showed an empty box).
    assert student.text_input(key="class_name_in").value == student.session_state[classroom.NAME]


def test_break_away_back_and_bring_everyone_back():
    teacher, code = start("pages/pooling.py")
    a, b = student_of(code), student_of(code)
    for s in (a, b):
        ok(s.run())
        ok(s.run())
        assert [t.value for t in s.title] == ["Pooling"]
    ok(a.button(key="class_break").click().run())
    assert "The teacher is on: Pooling" in page_text(a)
    teacher.switch_page("pages/quiz.py").run()
    for s in (a, b):
        ok(s.run())
        ok(s.run())
    assert [t.value for t in b.title] == ["Practice: predict, then reveal"]
    assert [t.value for t in a.title] == ["Pooling"]  # a explores alone
    assert "The teacher is on: Practice" in page_text(a)
    ok(a.button(key="class_back").click().run())
    ok(a.run())
    assert [t.value for t in a.title] == ["Practice: predict, then reveal"]
    # Break away again; the teacher brings everyone back.
    ok(a.button(key="class_break").click().run())
    ok(teacher.button(key="class_recall").click().run())
    teacher.switch_page("pages/pooling.py").run()
    ok(a.run())
    ok(a.run())
    assert [t.value for t in a.title] == ["Pooling"]
    assert "you follow the teacher" in page_text(a)


def test_pause_freezes_followers_with_a_notice():
    teacher, code = start("pages/pooling.py")
    student = student_of(code)
    ok(student.run())
    ok(teacher.button(key="class_pause").click().run())
    ok(student.run())
    html = "\n".join(h.proto.body for h in student.get("html"))
    assert "Paused by the teacher" in html
    teacher.switch_page("pages/quiz.py").run()
    ok(student.run())
    assert [t.value for t in student.title] == ["Pooling"]  # frozen where it was
    ok(teacher.button(key="class_pause").click().run())  # "Go on"
    ok(student.run())
    ok(student.run())
    assert [t.value for t in student.title] == ["Practice: predict, then reveal"]
    html = "\n".join(h.proto.body for h in student.get("html"))
    assert "Paused by the teacher" not in html


def test_ask_answer_reveal_on_practice():
    teacher, code = start("pages/quiz.py")
    ok(teacher.radio(key="q").set_value("shape").run())
    teacher.query_params["q"] = "shape"
    ok(teacher.run())
    right_one, wrong_one = student_of(code), student_of(code)
    for s in (right_one, wrong_one):
        ok(s.run())
        ok(s.run())
    # A follower's page: the question first, its settings folded away in an expander.
    assert any(e.label == "Question settings (the teacher's)" for e in right_one.expander)
    assert not any(e.label == "Question settings (the teacher's)" for e in teacher.expander)
    ok(teacher.button(key="class_ask").click().run())
    room = class_push.shared_store().room(code)
    q = room.question
    question = quiz_lesson.make_question(q["kind"], q["seed"], q["level"])
    assert question.kind == "shape"
    for s, text in ((right_one, question.answer_text), (wrong_one, "1 x 1")):
        ok(s.run())
        assert "The teacher asks the room" in page_text(s)
        s.text_input(key=f"class_answer_{room.qid}").input(text)
        ok(s.button(key=f"FormSubmitter:class_form_{room.qid}-Send my answer").click()
           .run())
        assert "Sent:" in page_text(s)
    ok(teacher.run())
    text = page_text(teacher)
    assert "2 of 2 answered" in text
    assert "stay hidden until you reveal" in text  # no share, no histogram yet
    assert not teacher.get("arrow_vega_lite_chart") and not teacher.get("vega_lite_chart")
    ok(teacher.button(key="class_reveal").click().run())
    text = page_text(teacher)
    assert "Right: 1 of 2 (50%)" in text and "Worked out" in text
    html = "\n".join(h.proto.body for h in teacher.get("html"))
    assert "How many students gave each answer" in html and ">1 × 1<" in html
    for s, verdict in ((right_one, "right"), (wrong_one, "not this time")):
        ok(s.run())
        assert f"The answer: **{question.answer_text}**" in page_text(s)
        assert verdict in page_text(s)
    # The projected view never shows names.
    names = [s.session_state[classroom.NAME] for s in (right_one, wrong_one)]
    assert not any(n in page_text(teacher) for n in names)


def test_late_answers_are_refused_after_close():
    teacher, code = start("pages/quiz.py")
    student = student_of(code)
    ok(student.run())
    ok(teacher.button(key="class_ask").click().run())
    ok(student.run())
    qid = class_push.shared_store().room(code).qid
    ok(teacher.button(key="class_close").click().run())
    # The form was drawn while open; the answer arrives after the close.
    student.text_input(key=f"class_answer_{qid}").input("3")
    ok(student.button(key=f"FormSubmitter:class_form_{qid}-Send my answer").click().run())
    assert "Answers are closed" in page_text(student)
    assert class_push.shared_store().tally(code, teacher.session_state[classroom.KEY]).answered == 0


def test_step_by_step_asks_the_next_value():
    teacher, code = start("pages/animation.py")
    student = student_of(code)
    ok(student.run())
    ok(student.run())
    ok(teacher.button(key="class_ask").click().run())
    room = class_push.shared_store().room(code)
    assert room.question["source"] == "step" and room.question["prompt"].startswith("Step 2 of")
    ok(student.run())
    value = room.question["value"]
    student.text_input(key=f"class_answer_{room.qid}").input(f"{value:g}")
    ok(student.button(key=f"FormSubmitter:class_form_{room.qid}-Send my answer").click().run())
    tally = class_push.shared_store().tally(code, teacher.session_state[classroom.KEY])
    assert (tally.answered, tally.correct) == (1, 1)
    # The answer's value is never on a student's page before the reveal.
    ok(student.run())
    assert "The answer:" not in page_text(student)


def test_students_cannot_lead_through_the_url_or_a_teacher_link_guess():
    teacher, code = start("pages/pooling.py")
    key = teacher.session_state[classroom.KEY]
    # A student opens links that try to lead: a forged teacher link, a "key" in the URL.
    forged = session(query={"room": code, "teach": f"{code}.{rooms.new_key()}",
                            "key": key[:-1] + "x"})
    assert forged.session_state[classroom.ROLE] == "student"
    assert "That teacher link does not lead a class now" in page_text(forged)
    assert not _has_button(forged, "class_recall") and not _has_button(forged, "class_end")
    version = class_push.shared_store().version(code)
    ok(forged.run())
    assert class_push.shared_store().version(code) == version


def _has_button(at: AppTest, key: str) -> bool:
    return any(getattr(b, "key", None) == key for b in at.button)


def test_the_teacher_link_gives_control_on_another_device():
    teacher, code = start()
    key = teacher.session_state[classroom.KEY]
    other = session(query={"teach": f"{code}.{key}"})
    assert other.session_state[classroom.ROLE] == "teacher"
    assert "teach" not in other.query_params


def test_wrong_codes_are_limited_and_explained():
    at = session()
    ok(at.button(key="class_join_open").click().run())
    for _ in range(classroom.MAX_TRIES):
        at.text_input(key="class_code_in").input("HK7M2P")
        ok(at.button(key="class_join").click().run())
        assert "There is no class HK7M2P now" in page_text(at)
    at.text_input(key="class_code_in").input("HK7M2P")
    ok(at.button(key="class_join").click().run())
    assert "Too many wrong codes" in page_text(at)
    at2 = session(query={"room": "0OIL1<"})
    assert "not a class code" in page_text(at2)
    assert classroom.ROLE not in at2.session_state


def test_end_class_deletes_and_students_are_told():
    teacher, code = start()
    student = student_of(code)
    ok(teacher.button(key="class_end").click().run())
    assert class_push.shared_store().room(code) is None
    ok(student.run())
    assert "Your class has ended" in page_text(student)
    assert classroom.ROLE not in student.session_state
    late = session(query={"room": code})
    assert f"There is no class {code} now" in page_text(late)


def test_nickname_is_plain_text_and_bounded():
    teacher, code = start()
    student = student_of(code)
    student.text_input(key="class_name_in").input("<img src=x onerror=alert(1)> and more text")
    ok(student.run())
    name = student.session_state[classroom.NAME]
    assert len(name) <= rooms.MAX_NICKNAME
    assert "<img" not in "\n".join(h.proto.body for h in student.get("html"))
    # The teacher's screen shows no nickname at all.
    ok(teacher.run())
    assert name not in page_text(teacher)


def test_results_csv_quotes_formulas():
    text = classroom.results_csv([rooms.Answer("=HYPERLINK(1)", "-3", True, 0.0),
                                  rooms.Answer("Ann", "@x", False, 0.0)])
    lines = text.strip().splitlines()
    assert lines[0] == "nickname,answer,correct,time (UTC)"
    assert lines[1].startswith("'=HYPERLINK(1),-3,yes")
    assert lines[2].startswith("Ann,'@x,no")


def test_the_key_is_in_no_view_file_and_a_view_file_cannot_lead():
    from cnnviz.data.views import link_of
    from cnnviz.ui import views

    teacher, code = start("pages/pooling.py")
    key = teacher.session_state[classroom.KEY]
    # Taking control by the teacher link, then saving the view: the file holds no key.
    other = session(query={"teach": f"{code}.{key}"})
    page, params = other.session_state[views.SNAPSHOT]
    assert key not in str(params) and "teach" not in params
    page, params = teacher.session_state[views.SNAPSHOT]
    assert key not in str(params)
    # A student's view file that says it leads (a forged teacher link) opens as a link: it
    # is checked against the store like any other, and leads nothing.
    link = link_of("pooling", {"room": code, "teach": f"{code}.{rooms.new_key()}"})
    query = dict(part.split("=", 1) for part in link.split("?", 1)[1].split("&"))
    forged = session(query={k: v.replace("%2E", ".") for k, v in query.items()})
    assert forged.session_state[classroom.ROLE] == "student"


def test_a_forged_restore_from_the_browser_does_not_lead():
    """What the listener sends after a reload is checked: a made-up key leads nothing."""
    teacher, code = start()
    at = session()
    at.session_state["_class_restore"] = json.dumps({"code": code, "key": rooms.new_key()})
    ok(at.run())
    assert classroom.ROLE not in at.session_state
    # The real key (this tab's own sessionStorage after a reload) gives control back.
    at.session_state["_class_restore"] = json.dumps(
        {"code": code, "key": teacher.session_state[classroom.KEY]})
    ok(at.run())
    assert at.session_state[classroom.ROLE] == "teacher"
    # A student's saved place brings the same student back, not a new one.
    student = student_of(code)
    sid = student.session_state[classroom.SID]
    again = session()
    again.session_state["_class_restore"] = json.dumps(
        {"code": code, "sid": sid, "name": student.session_state[classroom.NAME]})
    ok(again.run())
    assert again.session_state[classroom.SID] == sid
    assert class_push.shared_store().room(code).students == 1


def test_a_room_cannot_hold_more_than_its_cap(monkeypatch):
    monkeypatch.setattr(rooms, "MAX_STUDENTS", 2)
    teacher, code = start()
    student_of(code)
    student_of(code)
    late = session(query={"room": code})
    assert f"Class {code} is full" in page_text(late)
    assert classroom.ROLE not in late.session_state


def test_store_down_students_work_alone_then_follow_again(monkeypatch):
    """Redis (here: a port nobody answers on) down: a notice, the page works, no traceback;
    following resumes when the store is back."""
    import socket

    teacher, code = start("pages/pooling.py")
    student = student_of(code)
    ok(student.run())
    working = class_push._store
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = rooms.RedisStore(f"redis://127.0.0.1:{s.getsockname()[1]}/0")
    monkeypatch.setattr(class_push, "_store", dead)
    ok(student.run())
    assert "The class cannot be reached right now" in page_text(student)
    assert [t.value for t in student.title] == ["Pooling"]  # the page still works
    ok(teacher.run())  # the teacher's page survives too (publishing waits for the store)
    monkeypatch.setattr(class_push, "_store", working)
    teacher.switch_page("pages/quiz.py").run()
    ok(student.run())
    ok(student.run())
    assert [t.value for t in student.title] == ["Practice: predict, then reveal"]
    assert "The class cannot be reached" not in page_text(student)


def test_the_teachers_upload_goes_to_the_room():
    import io

    import numpy as np
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray((np.arange(20 * 30) % 251).astype(np.uint8).reshape(20, 30)).save(buf, "PNG")
    teacher, code = start("pages/pooling.py")
    student = student_of(code)
    ok(student.run())
    # The teacher's upload, as the sidebar keeps it (AppTest cannot send a file), and the
    # source the browser puts in the link.
    teacher.session_state["_upload_kept"] = ("teacher.png", buf.getvalue())
    teacher.radio(key="src").set_value("Upload")
    teacher.query_params["src"] = "Upload"
    ok(teacher.run())
    assert "20 × 30" in page_text(teacher)
    ok(student.run())
    ok(student.run())
    assert student.radio(key="src").value == "Upload"
    assert "20 × 30" in page_text(student)
    assert "This link was made with an uploaded image" not in page_text(student)


def test_bring_everyone_back_reopens_the_teachers_view_even_when_it_did_not_change():
    """A student who broke away and opened another page comes back to the teacher's page on
    "Bring everyone back", though the teacher's view stayed the same (it was applied before)."""
    teacher, code = start("pages/pooling.py")
    a = student_of(code)
    ok(a.run())
    ok(a.run())
    assert [t.value for t in a.title] == ["Pooling"]
    ok(a.button(key="class_break").click().run())
    a.switch_page("pages/quiz.py")
    ok(a.run())
    assert [t.value for t in a.title] == ["Practice: predict, then reveal"]
    ok(teacher.button(key="class_recall").click().run())  # the teacher stays on Pooling
    ok(a.run())  # the wake-up rerun (AppTest keeps the page a.switch_page chose: one run)
    assert "you follow the teacher" in page_text(a)
    assert [t.value for t in a.title] == ["Pooling"]


def test_the_bar_shows_the_new_nickname_in_the_run_that_renames():
    """The bar above the page is drawn before the sidebar's nickname box: it showed the name
    from before each rename (one rename behind)."""
    teacher, code = start()
    student = student_of(code)
    student.text_input(key="class_name_in").input("Ada Lovelace")
    ok(student.run())
    assert student.session_state[classroom.NAME] == "Ada Lovelace"
    assert "Your nickname: Ada Lovelace" in [t.value for t in student.text]


def test_the_room_answer_box_is_told_apart_from_the_pages_own():
    """On Practice a student had two boxes labelled "Your answer": the room's and the page's
    own; an answer typed in the page's box never reaches the class."""
    teacher, code = start("pages/quiz.py")
    student = student_of(code)
    ok(student.run())
    ok(student.run())
    ok(teacher.button(key="class_ask").click().run())
    ok(student.run())
    room = class_push.shared_store().room(code)
    labels = [t.label for t in student.text_input]
    room_box = student.text_input(key=f"class_answer_{room.qid}")
    assert labels.count(room_box.label) == 1, labels
    assert "class" in room_box.label.lower()
def _query(at: AppTest) -> dict[str, str]:
    """The session's link as its last run left it (what the browser's address bar shows)."""
    return {n: (v[-1] if isinstance(v, list) else v) for n, v in dict(at.query_params).items()}


def test_the_students_address_follows_the_teacher_and_back_to_a_default():
    """The student's link is the teacher's (plus the room): a copied link or a reload is the
    teacher's view. A setting the teacher puts back to its default goes back on the student's
    widget too (it used to stay at the old value in the browser while the page computed with
    the default), and the class's own ``room`` is never reported as an unknown setting."""
    teacher, code = start("pages/pooling.py")
    key = teacher.session_state[classroom.KEY]
    student = student_of(code)
    ok(student.run())
    ok(student.run())
    teacher.number_input(key="pl_kh").set_value(3)
    teacher.query_params["pl_kh"] = "3"
    ok(teacher.run())
    ok(student.run())
    assert student.number_input(key="pl_kh").value == 3
    assert _query(student) == {"pl_kh": "3", "room": code}
    assert "was ignored" not in page_text(student)
    # Back to the default: the teacher's link drops pl_kh.
    teacher.number_input(key="pl_kh").set_value(2)
    del teacher.query_params["pl_kh"]
    ok(teacher.run())
    ok(student.run())
    assert student.number_input(key="pl_kh").value == 2
    assert student.session_state["pl_kh"] == 2
    assert "size **2 × 2**" in page_text(student)
    assert _query(student) == {"room": code}
    assert "was ignored" not in page_text(student)
    # Explore alone: the student's link is its own again; the teacher's changes stay away.
    ok(student.button(key="class_break").click().run())
    teacher.number_input(key="pl_kh").set_value(4)
    teacher.query_params["pl_kh"] = "4"
    ok(teacher.run())
    ok(student.run())
    assert student.number_input(key="pl_kh").value == 2
    assert _query(student) == {"room": code}
    assert key not in str(_query(student)) and "teach" not in _query(student)


def test_a_lecture_list_is_followed_as_a_list():
    """The teacher walks a lecture list (Next is a new page load: a new session, which takes
    control back by the tab's key); the students see the list's place and the item's view,
    without Previous / Next of their own; one who explored away comes back to the teacher's
    current item."""
    from cnnviz.lessons import lectures

    item5, item6 = lectures.find("002.5"), lectures.find("002.6")
    teacher, code = start()
    key = teacher.session_state[classroom.KEY]
    teacher = session("pages/pooling.py",
                      query={**lectures.link_query(item5), "teach": f"{code}.{key}"})
    assert teacher.session_state[classroom.ROLE] == "teacher"
    ok(teacher.run())
    a, b = student_of(code), student_of(code)
    for s in (a, b):
        ok(s.run())
        ok(s.run())
        assert [t.value for t in s.title] == ["Pooling"]
        assert f"Lecture 002 · 5 of 6: {item5.title}" in page_text(s)
        assert "The teacher moves through the list" in page_text(s)
        assert _query(s)["ex"] == "002.5" and _query(s)["room"] == code
    assert not a.get("bidi_component") or all(
        "lecture_nav" not in str(c.proto) for c in a.get("bidi_component"))
    assert "The teacher moves through the list" not in page_text(teacher)
    # Student a explores away; the teacher goes Next (a fresh page with the tab's key).
    ok(a.button(key="class_break").click().run())
    teacher = session("pages/shapes.py",
                      query={**lectures.link_query(item6), "teach": f"{code}.{key}"})
    ok(teacher.run())
    ok(b.run())
    ok(b.run())
    assert [t.value for t in b.title] == ["Shapes and parameters"]
    assert f"Lecture 002 · 6 of 6: {item6.title}" in page_text(b)
    ok(a.run())
    assert [t.value for t in a.title] == ["Pooling"]
    assert f"Lecture 002 · 6 of 6: {item6.title}" in page_text(a)  # "The teacher is on: …"
    ok(a.button(key="class_back").click().run())
    ok(a.run())
    assert [t.value for t in a.title] == ["Shapes and parameters"]
    assert f"Lecture 002 · 6 of 6: {item6.title}" in page_text(a)
    assert _query(a)["ex"] == "002.6"


def test_any_param_of_the_teachers_link_reaches_the_student():
    """Follow carries the page and its whole query string, with no list of names: Step
    by step's step here (whether it plays, which the browser reports, is followed too:
    test_students_follow_whether_step_by_step_plays)."""
    teacher, code = start("pages/animation.py")
    key = teacher.session_state[classroom.KEY]
    student = student_of(code)
    ok(student.run())
    ok(student.run())
    # The teacher's tab at step 6 (a link, as a reload opens it).
    teacher = session("pages/animation.py", query={"step": "5", "teach": f"{code}.{key}"})
    ok(teacher.run())
    view = class_push.shared_store().room(code).view
    assert view["query"]["step"] == "5"
    ok(student.run())
    applied = json.loads(student.session_state[classroom.VIEW])
    assert applied["query"]["step"] == "5"
    assert student.session_state["_anim_step"] == 5
    assert "step 6" in page_text(student).lower() or _query(student).get("step") == "5"


def test_a_sidebar_setting_follows_across_a_page_switch():
    """The image source (a sidebar widget on every page) in the teacher's link, then another
    page: the student's switch to it carried a value bound to a widget, which Streamlit
    refuses to set by hand, and the student's page crashed."""
    teacher, code = start()
    student = student_of(code)
    ok(student.run())
    teacher.radio(key="src").set_value("Pattern")
    teacher.query_params["src"] = "Pattern"
    ok(teacher.run())
    ok(student.run())
    assert student.radio(key="src").value == "Pattern"
    teacher.switch_page("pages/pooling.py").run()
    ok(teacher.run())
    assert teacher.query_params["src"] in ("Pattern", ["Pattern"])
    ok(student.run())
    ok(student.run())
    assert [t.value for t in student.title] == ["Pooling"]
    assert student.radio(key="src").value == "Pattern"
    assert _query(student)["src"] == "Pattern" and _query(student)["room"] == code


def test_a_reloaded_student_comes_back_as_itself():
    """A student's address holds ``room=CODE``, so a reload joins afresh by the link; the
    tab's own place (sessionStorage, sent by the listener) then brings back the same student,
    nickname and choice to explore alone, and the fresh id leaves: the count stays right.
    Before, every reload counted one more student under a new nickname, following again."""
    teacher, code = start("pages/pooling.py")
    student = student_of(code)
    ok(student.button(key="class_break").click().run())
    saved = json.dumps({"code": code, "sid": student.session_state[classroom.SID],
                        "name": student.session_state[classroom.NAME], "follow": False})
    reloaded = session("pages/pooling.py", query={"room": code})  # the reload: the link joins
    assert class_push.shared_store().room(code).students == 2
    reloaded.session_state["_class_restore"] = saved  # what the listener sends
    ok(reloaded.run())
    assert reloaded.session_state[classroom.SID] == student.session_state[classroom.SID]
    assert reloaded.session_state[classroom.NAME] == student.session_state[classroom.NAME]
    assert class_push.shared_store().room(code).students == 1
    assert "you explore on your own" in page_text(reloaded)
    # The tab's own place sent again (the listener drawn anew) changes nothing.
    reloaded.session_state["_class_restore"] = saved
    ok(reloaded.run())
    assert class_push.shared_store().room(code).students == 1


def test_back_to_the_teacher_undoes_what_the_student_changed_alone():
    """A setting the student changed while exploring, which the teacher never touched, goes
    back to the teacher's (its default): the dropped value used to come back from the
    student's own address. (The browser's widget is told too, without loading the page
    afresh: see the next test, and tests/e2e.)"""
    teacher, code = start("pages/pooling.py")
    student = student_of(code)
    ok(student.run())
    ok(student.run())
    ok(student.button(key="class_break").click().run())
    student.number_input(key="pl_kw").set_value(3)
    student.query_params["pl_kw"] = "3"
    ok(student.run())
    assert student.session_state["pl_kw"] == 3
    ok(student.button(key="class_back").click().run())
    ok(student.run())
    assert student.session_state["pl_kw"] == 2
    assert "size **2 × 2**" in page_text(student)
    assert "pl_kw" not in _query(student) and _query(student)["room"] == code


def _listener_data(at: AppTest) -> dict:
    """What the page sends class mode's listener (static/classroom.js)."""
    (element,) = [c for c in at.get("bidi_component")
                  if c.proto.component_name.endswith("cnnviz_class")]
    return json.loads(element.proto.json)


@pytest.mark.parametrize("elsewhere", [False, True])
def test_back_to_the_teacher_sets_the_teachers_values_in_the_same_page(elsewhere):
    """Back, with a setting in the student's link that the teacher's has not, returns as any
    follow does: the widget is set to the teacher's value (its default, seen by an earlier
    follow) in the run itself, and the tab is not told to load the teacher's address afresh
    (it was: a full page load). ``elsewhere``: the student explored on another page, so Back
    switches page too; the switch's run sets the value again, where the widget is drawn."""
    teacher, code = start("pages/pooling.py")
    student = student_of(code)
    ok(student.run())
    ok(student.run())
    ok(student.button(key="class_break").click().run())
    student.radio(key="src").set_value("Pattern")  # the sidebar's, on every page
    student.query_params["src"] = "Pattern"
    ok(student.run())
    if elsewhere:
        student.switch_page("pages/playground.py")
        ok(student.run())
    else:
        student.number_input(key="pl_kw").set_value(3)
        student.query_params["pl_kw"] = "3"
        ok(student.run())
    ok(student.button(key="class_back").click().run())
    assert "navigate" not in _listener_data(student)
    if elsewhere:  # (AppTest runs switch_page's own run in the same run() call)
        assert [t.value for t in student.title] == ["Pooling"]
    assert student.radio(key="src").value == "Photo"
    assert student.number_input(key="pl_kw").value == 2
    assert "src" not in _query(student) and "pl_kw" not in _query(student)
    assert "you follow the teacher" in page_text(student)


def test_back_to_the_teacher_sets_a_setting_no_follow_has_seen_without_a_reload():
    """The student explored on to the Playground and set its stride, a widget no follow had
    drawn (the class was on Pooling); then the teacher opened the Playground too. Back
    learns the widget's default in the run that draws it afresh and sets it in the next
    one: no full page load (the tab was told to load the teacher's address)."""
    teacher, code = start("pages/pooling.py")
    student = student_of(code)
    ok(student.run())
    ok(student.run())
    ok(student.button(key="class_break").click().run())
    student.switch_page("pages/playground.py")
    ok(student.run())
    student.number_input(key="s_h").set_value(2)
    student.query_params["s_h"] = "2"
    ok(student.run())
    assert student.session_state["s_h"] == 2
    teacher.switch_page("pages/playground.py").run()
    ok(teacher.run())
    ok(student.run())  # the wake: the teacher is on the Playground now
    ok(student.button(key="class_back").click().run())
    assert "navigate" not in _listener_data(student)
    assert student.number_input(key="s_h").value == 1
    assert "s_h" not in _query(student)
    assert "you follow the teacher" in page_text(student)


def sent(at: AppTest) -> dict:
    """What the page sends its animation (start, goto, play ...)."""
    (element,) = animators(at)
    return json.loads(element.proto.json)


def test_students_follow_whether_step_by_step_plays():
    """The teacher plays the animation (the browser's report says so): the teacher's link
    says play=1, and each student's animation is told to play; a pause follows too."""
    from cnnviz.ui import stepper

    teacher, code = start("pages/animation.py")
    student = student_of(code)
    ok(student.run())
    teacher.session_state[stepper._PLAYING] = True  # as the animator's report sets it
    ok(teacher.run())
    assert teacher.query_params["play"] == "1"
    ok(student.run())  # woken: the teacher's view, play=1 in it
    data = sent(student)
    assert data["play"][1] is True and data["playing"] is True, data
    first = data["play"][0]
    teacher.session_state[stepper._PLAYING] = False  # the teacher pauses
    ok(teacher.run())
    assert "play" not in teacher.query_params
    ok(student.run())
    data = sent(student)
    assert data["play"][1] is False and data["play"][0] != first, data


def test_a_students_animation_moves_to_the_teachers_step():
    """The teacher steps on (the browser reports where it rests): each student's animator
    is told to move there (goto), not only their link; and back to step 0, which the
    teacher's link leaves out. Before, a follower's screen stayed on Step 1 while its
    address said step=3 (the browser keeps its own step for a grid it already has)."""
    from cnnviz.ui import stepper

    teacher, code = start("pages/animation.py")
    student = student_of(code)
    ok(student.run())
    ok(student.run())
    before = sent(student)["goto"]
    teacher.session_state[stepper._STEP] = 3  # as the animator's report sets it
    ok(teacher.run())
    assert teacher.query_params["step"] == "3"
    ok(student.run())  # woken: the teacher's view, step=3 in it
    goto = sent(student)["goto"]
    assert goto is not None and goto[1] == 3 and goto != before, goto
    teacher.session_state[stepper._STEP] = 0
    ok(teacher.run())
    assert "step" not in teacher.query_params
    ok(student.run())
    again = sent(student)["goto"]
    assert again[1] == 0 and again[0] != goto[0], again


def _room_box(at: AppTest):
    """The bordered box that holds the room's question (the innermost block around it)."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if child.type == "markdown" and "The teacher asks the room" in str(child.value):
                found.append(node)
            walk(child)

    walk(at.main)
    assert found, "no room question on the page"
    return found[0]


def _inside(box) -> list:
    out = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            out.append(child)
            walk(child)

    walk(box)
    return out


def _box_maps(box) -> dict[str, dict]:
    from .conftest import _picture, is_map

    return {e.proto.id.rsplit("-", 1)[-1]: _picture(e) for e in _inside(box) if is_map(e)}


@pytest.mark.parametrize("kind", list(quiz_lesson.KINDS))
def test_the_room_box_holds_what_the_question_is_about(kind):
    """On a phone the page's own figures are screens below the room's box: the box draws
    the question's grids (the same as Practice's) beside its answer box, for every kind."""
    from tests.readers import read_out

    teacher, code = start("pages/quiz.py")
    ok(teacher.radio(key="q").set_value(kind).run())
    student = student_of(code)
    ok(student.run())
    ok(teacher.button(key="class_ask").click().run())
    ok(student.run())
    room = class_push.shared_store().room(code)
    question = quiz_lesson.make_question(room.question["kind"], room.question["seed"],
                                         room.question["level"])
    assert question.kind == kind
    box = _room_box(student)
    maps = _box_maps(box)
    q = f"class_q{room.qid}"
    expect = {"value": {f"{q}_input": question.image, f"{q}_kernel": question.kernel},
              "kernel": {f"{q}_map": question.output}}.get(kind, {})
    for key, values in expect.items():
        assert key in maps, (key, sorted(maps))
        # float32 in the map element, as on Practice
        np.testing.assert_allclose(read_out(maps[key])["values"], values, rtol=1e-6)
    if kind == "kernel":  # the photo too, and the four kernels with their names
        assert f"{q}_image" in maps
        panels = read_out(maps[f"{q}_choices"])["panels"]
        # (a blur "/ 273" prints its integers, and its label says ×1/273)
        assert [p["label"].split(" ")[0] for p in panels] == ["1", "2", "3", "4"]
        # The choices are numbered as the kernels drawn, with Practice's titles.
        options = student.radio(key=f"class_answer_{room.qid}").options
        assert options == [f"{i}: {KERNELS[n].title}" for i, n in enumerate(question.choices, 1)]
        for p, name in zip(panels, question.choices, strict=True):
            np.testing.assert_allclose(p["values"], KERNELS[name].values, rtol=1e-6)
    # Output shape and parameter count: the prompt in the box names every number needed.
    texts = " ".join(str(e.value) for e in _inside(box) if e.type == "markdown")
    assert question.prompt in texts
    assert any(getattr(e, "key", None) == f"class_answer_{room.qid}" for e in _inside(box))


def test_the_room_box_holds_step_by_steps_window_and_kernel():
    """Step by step's "predict the next value": the box draws the input under the kernel at
    that step and the kernel, the numbers the student multiplies."""
    from tests.readers import read_out

    teacher, code = start("pages/animation.py")
    student = student_of(code)
    ok(student.run())
    ok(teacher.button(key="class_ask").click().run())
    ok(student.run())
    room = class_push.shared_store().room(code)
    maps = _box_maps(_room_box(student))
    window = np.asarray(room.question["window"])
    weights = np.asarray(room.question["weights"])
    q = f"class_q{room.qid}"
    # One picture: each channel's window, then each channel's kernel (a phone's first screen).
    panels = read_out(maps[f"{q}_step"])["panels"]
    n = window.shape[2]
    assert len(panels) == 2 * n
    for c in range(n):
        np.testing.assert_array_equal(panels[c]["values"], window[:, :, c])
        np.testing.assert_array_equal(panels[n + c]["values"], weights[:, :, c])
    # And they are the step's own numbers: their products and bias make the asked value.
    total = float((window * weights).sum()) + room.question.get("bias", 0.0)
    assert total == pytest.approx(room.question["value"])  # the default has no activation


def test_a_colour_steps_room_box_holds_every_channels_window_and_kernel_with_numbers():
    """A colour volume's step: three channels' windows and kernels, in one picture whose
    every cell carries its number (three rows of two grids pushed the answer box below a
    phone's first screen; tests/e2e checks it lies inside)."""
    from tests.readers import read_out

    teacher = session("pages/animation.py", {"src": "Lecture", "lecture": "another_image"})
    ok(teacher.button(key="class_start").click().run())
    code = teacher.session_state[classroom.CODE]
    student = student_of(code)
    ok(student.run())
    ok(teacher.button(key="class_ask").click().run())
    ok(student.run())
    room = class_push.shared_store().room(code)
    window = np.asarray(room.question["window"])
    assert window.shape == (3, 3, 3)
    panels = read_out(_box_maps(_room_box(student))[f"class_q{room.qid}_step"])["panels"]
    assert [p["label"] for p in panels] == [f"{w}, {c}" for w in ("input a", "kernel k")
                                            for c in "RGB"]
    for c, p in enumerate(panels[:3]):
        np.testing.assert_array_equal(p["values"], window[:, :, c])
        assert p["text"] == [[str(int(v)) for v in row] for row in window[:, :, c]]


def test_a_kernel_question_reveals_its_working_and_names_kernels_as_shown():
    """Reveal of a "which kernel" question: the working was empty (it re-checked the answer's
    title, which is no choice), and the histogram and "You said" printed preset names
    (laplacian_8) that the student never saw: the choices show titles."""
    teacher, code = start("pages/quiz.py")
    ok(teacher.radio(key="q").set_value("kernel").run())
    student = student_of(code)
    ok(student.run())
    ok(teacher.button(key="class_ask").click().run())
    ok(student.run())
    room = class_push.shared_store().room(code)
    q = quiz_lesson.make_question(room.question["kind"], room.question["seed"],
                                  room.question["level"])
    assert q.kind == "kernel"
    student.radio(key=f"class_answer_{room.qid}").set_value(q.answer)
    ok(student.button(key=f"FormSubmitter:class_form_{room.qid}-Send my answer").click().run())
    title = KERNELS[q.answer].title
    assert f"Sent: {title}." in page_text(student)
    ok(teacher.button(key="class_reveal").click().run())
    html = "\n".join(h.proto.body for h in teacher.get("html"))
    assert f">{title}<" in html and f">{q.answer}<" not in html
    assert q.worked[0] in page_text(teacher)
    ok(student.run())
    text = page_text(student)
    assert f"You said {title}: right" in text
    assert q.worked[0] in text


def test_a_step_question_too_big_for_the_store_leaves_its_grids_out():
    """A big kernel's window and weights would pass the store's bound on a question (Ask the
    room would fail): the question then goes without them, and says where they are."""
    small = classroom.step_question("Step 2?", 3.0, ["x"], window=np.ones((3, 3, 1)),
                                    weights=np.full((3, 3, 1), 0.5), bias=1.0)
    assert small["window"] == np.ones((3, 3, 1)).tolist() and small["bias"] == 1.0
    rng = np.random.default_rng(0)
    big = classroom.step_question("Step 2?", 3.0, ["x"], window=rng.random((15, 15, 3)),
                                  weights=rng.random((15, 15, 3)))
    assert "window" not in big and "in the animation" in big["prompt"]
    assert len(json.dumps(big)) <= rooms.MAX_VIEW_BYTES


def test_the_bar_says_following_is_paused_while_the_push_stream_is_and_again_when_it_resumes():
    """While the browser cannot hear the push route ("Following paused: reconnecting…", the
    listener tells the session), the bar does not claim the student follows the teacher;
    when the stream is back, it says so again. (The listener's report is what the browser
    sends: its "stalled" state, read by the session like any component state.)"""
    teacher, code = start("pages/pooling.py")
    student = student_of(code)
    ok(student.run())
    assert "you follow the teacher" in page_text(student)
    student.session_state[classroom.STALLED] = True  # what the listener's report sets
    ok(student.run())
    text = page_text(student)
    assert "you follow the teacher" not in text
    assert "Following paused: reconnecting" in text
    assert "catches up with the teacher" in text
    assert student.button(key="class_break").label == "Explore on my own"  # still offered
    student.session_state[classroom.STALLED] = False  # the stream is back
    ok(student.run())
    text = page_text(student)
    assert "you follow the teacher" in text and "Following paused" not in text


def test_a_follow_draws_a_long_page_whole_in_a_browser(monkeypatch):
    # Found by review24: a follow deleted the session's "a run has ended" mark with the
    # student's other state, so every teacher change folded the student's long page again
    # in a browser: the part below the fold became "The rest of this page is on its way…"
    # and a student scrolled down to the bank lost their place. AppTest sends no
    # User-Agent; here the sessions look like browsers' (cnnviz.ui.later.browser).
    from cnnviz.ui import later

    teacher, code = start("pages/colour.py")
    student = student_of(code)
    monkeypatch.setattr(later, "browser", lambda: True)
    ok(student.run())  # a browser's session, past its first run
    teacher.number_input(key="cv_s").set_value(2)
    teacher.query_params["cv_s"] = "2"
    ok(teacher.run())
    for _ in range(2):  # the wake-up rerun and the page switch's own
        ok(student.run())
        stand_ins = [e for e in student.get("bidi_component")
                     if e.proto.component_name == "cnnviz_later"]
        assert not stand_ins, "a follow folded the student's page"
    assert student.number_input(key="cv_s").value == 2

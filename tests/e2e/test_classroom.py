"""Class mode in real Chromium: one teacher and three students on one server.

The students' pages follow through the real push route (server-sent events)
and the listener component: no test code reruns them.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from . import server
from .conftest import ROOT, no_exception_box, screenshot, start_class, wait_for_app

_DATA: dict[str, str] = {}


def _data_dir(url: str) -> str:
    return _DATA[url]


@pytest.fixture(scope="module")
def class_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("rooms")
    with server.running_app(ROOT / "app.py", cwd=ROOT, log=ROOT / "artifacts" / "class.log",
                            env={"CNNVIZ_DATA_DIR": str(data)}, timeout=60) as url:
        _DATA[url] = str(data)
        yield url


@pytest.fixture(scope="module")
def chromium(browser):
    """The session's Chromium: a second sync Playwright in one process fails ("Sync API
    inside the asyncio loop") once another browser test has started the first."""
    return browser


def _title(pg) -> str:
    return pg.locator("h1").first.inner_text()


def _wait_title(pg, text: str, timeout: float = 40.0) -> float:
    """Seconds until the page's title reads ``text``."""
    started = time.monotonic()
    pg.locator("h1", has_text=text).first.wait_for(state="visible", timeout=timeout * 1000)
    return time.monotonic() - started


def _start_class(pg, url: str) -> str:
    pg.goto(url + "/pooling")
    wait_for_app(pg, "Pooling")
    return start_class(pg)


def test_one_teacher_three_students_follow(class_url, chromium):
    teacher_ctx = chromium.new_context(viewport={"width": 1280, "height": 720})
    teacher = teacher_ctx.new_page()
    teacher.set_default_timeout(30_000)
    code = _start_class(teacher, class_url)
    teacher.wait_for_timeout(500)
    teacher.screenshot(path=str(ROOT / "artifacts" / "screens" / "class_teacher_1280.png"))
    key_text = teacher.locator("body").inner_text()
    students = []
    for _ in range(3):
        ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)
        pg.goto(f"{class_url}/?room={code}")
        _wait_title(pg, "Pooling", timeout=30)
        wait_for_app(pg, "you follow the teacher")
        students.append(pg)
    assert teacher.get_by_text("Students joined").count() >= 1
    teacher.get_by_text("3", exact=True).first.wait_for(timeout=10_000)  # the live count

    # The teacher opens another page: every student's page follows, pushed.
    teacher.get_by_role("link", name="Practice: predict, then reveal").click()
    for pg in students:  # (how fast: bench/class.py measures it; tests do not time)
        _wait_title(pg, "Practice")
    # A setting follows too: the question number.
    box = teacher.get_by_role("spinbutton", name="Question number")
    box.fill("7")
    box.press("Enter")
    wait_for_app(teacher, "Practice")
    for pg in students:
        pg.wait_for_function(
            "() => [...document.querySelectorAll('input[aria-label=\"Question number\"]')]"
            ".some(e => e.value === '7')", polling=100, timeout=40_000)

    # One student breaks away; the others still follow.
    loner = students[0]
    loner.get_by_role("button", name="Explore on my own").click()
    wait_for_app(loner, "The teacher is on")
    teacher.get_by_role("link", name="Pooling").first.click()
    for pg in students[1:]:
        _wait_title(pg, "Pooling")
    loner.wait_for_timeout(800)
    assert "Practice" in _title(loner)
    loner.get_by_text("The teacher is on: Pooling").first.wait_for(timeout=10_000)
    loner.get_by_role("button", name="Back to the teacher").click()
    _wait_title(loner, "Pooling")

    # Pause: a notice covers the followers' pages; Go on lifts it.
    teacher.get_by_role("button", name="Pause").click()
    veil = students[2].get_by_role("alertdialog", name="Paused by the teacher")
    veil.wait_for(state="visible", timeout=40_000)
    box = veil.bounding_box()
    assert box["width"] >= 1300 and box["height"] >= 900  # it covers the page
    teacher.get_by_role("button", name="Go on").click()
    veil.wait_for(state="detached", timeout=40_000)

    # A reload keeps the student in the class (the tab's sessionStorage), on the teacher's view.
    students[1].reload()
    wait_for_app(students[1], "you follow the teacher")
    _wait_title(students[1], "Pooling")

    # Nothing on a student's page carries the teacher's key; no exception anywhere.
    for pg in [teacher, *students]:
        assert no_exception_box(pg) == []
    for pg in students:
        assert "teach=" not in pg.url
    screenshot(students[1], "class_student_1400")
    students[2].screenshot(path=str(ROOT / "artifacts" / "screens" / "class_student_full.png"))
    assert key_text  # the teacher's page was read before any student joined
    teacher_ctx.close()
    for pg in students:
        pg.context.close()


def test_presenter_join_screen_and_phone_student(class_url, chromium):
    teacher_ctx = chromium.new_context(viewport={"width": 1280, "height": 720})
    teacher = teacher_ctx.new_page()
    teacher.set_default_timeout(30_000)
    teacher.goto(class_url + "/quiz?present=true")
    wait_for_app(teacher, "Practice")
    code = start_class(teacher)
    qr = teacher.locator("img[data-testid='class-qr']").first
    assert qr.bounding_box()["width"] >= 400  # big enough to scan from the back
    wait_for_app(teacher, "Join with the code")
    from .test_a11y import axe_violations

    assert axe_violations(teacher) == []  # the join screen, the teacher's controls
    screenshot(teacher, "class_teacher_presenter_join")
    teacher.screenshot(path=str(ROOT / "artifacts" / "screens" / "class_teacher_full.png"))

    phone_ctx = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                     is_mobile=True, device_scale_factor=2)
    phone = phone_ctx.new_page()
    phone.set_default_timeout(30_000)
    phone.goto(f"{class_url}/?room={code}")
    _wait_title(phone, "Practice", timeout=30)
    teacher.get_by_role("button", name="Hide the join screen").click()
    wait_for_app(teacher, "Ask the room")
    teacher.get_by_role("button", name="Ask the room").click()
    answer = phone.get_by_placeholder("e.g. 4 × 4 or 14")  # the room's box, not the page's
    answer.wait_for(state="visible", timeout=15_000)
    box = answer.bounding_box()
    phone.screenshot(path=str(ROOT / "artifacts" / "screens" / "class_phone_student.png"))
    assert box["y"] + box["height"] <= 844, box  # the answer box is on the first screen
    phone.screenshot(path=str(ROOT / "artifacts" / "screens" / "class_phone_student.png"))
    answer.fill("3")  # a number: the question asks for one output value
    phone.get_by_role("button", name="Send my answer").click()
    phone.get_by_text("Sent:").first.wait_for(timeout=15_000)
    # Counted live on the teacher's page itself (not only in the sidebar's counter).
    teacher.locator("[data-testid='stMain']").get_by_text("1 of 1 answered").first.wait_for(
        timeout=15_000)
    teacher.get_by_role("button", name="Reveal").click()
    phone.get_by_text("The answer:").first.wait_for(timeout=15_000)
    assert axe_violations(phone) == []  # the student's bar, the question, the reveal
    teacher.wait_for_timeout(500)
    teacher.screenshot(path=str(ROOT / "artifacts" / "screens" / "class_teacher_reveal.png"))
    assert no_exception_box(teacher) == [] and no_exception_box(phone) == []
    teacher_ctx.close()
    phone_ctx.close()


def test_a_student_cannot_lead_through_the_websocket_protocol(class_url):
    """A student's session sends the teacher's own widget messages (ids read off the
    teacher's page): Pause, Bring everyone back, Ask, End. The room does not change."""
    import asyncio
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("cnnviz_bench_load_e2e",
                                                  ROOT / "bench" / "load.py")
    load = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = load
    spec.loader.exec_module(load)
    from cnnviz.data import rooms

    async def scenario():
        teacher = load.Session(class_url, "teacher", timeout=60)
        await teacher.open()
        await teacher.page("Practice: predict, then reveal")
        await teacher.set("class_start", True)
        code = next(re.search(r"room=([A-Z2-9]{6})", e.SerializeToString().decode(
            "utf-8", "replace")).group(1) for e in teacher.run_elements
            if b"room=" in e.SerializeToString())
        forged = {k: teacher.state(k, True)[0] for k in
                  ("class_pause", "class_recall", "class_ask", "class_end")}
        student = load.Session(class_url, "student", timeout=60)
        student.query = f"room={code}"
        await student.open()
        store = rooms.SQLiteStore(Path(_data_dir(class_url)) / "rooms.sqlite3")
        before = store.room(code)
        for state in forged.values():
            await student.rerun([state])
        after = store.room(code)
        await teacher.close()
        await student.close()
        return before, after

    import concurrent.futures

    # In its own thread: Playwright's sync API holds this thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        before, after = pool.submit(asyncio.run, scenario()).result()
    assert after is not None and after.version == before.version
    assert not after.paused and after.question is None and after.recall == before.recall


def test_the_results_csv_holds_answers_sent_after_the_teachers_last_rerun(class_url, chromium):
    """The teacher's page does not rerun when a student answers; the CSV's bytes were made at
    the teacher's last rerun, so a click right after the answers came gave an empty file."""
    teacher_ctx = chromium.new_context(viewport={"width": 1280, "height": 720},
                                       accept_downloads=True)
    teacher = teacher_ctx.new_page()
    teacher.set_default_timeout(30_000)
    teacher.goto(class_url + "/quiz")
    wait_for_app(teacher, "Practice")
    code = start_class(teacher)
    student_ctx = chromium.new_context(viewport={"width": 1280, "height": 720})
    student = student_ctx.new_page()
    student.set_default_timeout(30_000)
    student.goto(f"{class_url}/?room={code}")
    _wait_title(student, "Practice", timeout=30)
    wait_for_app(teacher, "Ask the room")
    teacher.get_by_role("button", name="Ask the room").click()
    wait_for_app(teacher, "Asked:")
    answer = student.get_by_placeholder("e.g. 4 × 4 or 14")
    answer.wait_for(state="visible", timeout=15_000)
    answer.fill("7")
    student.get_by_role("button", name="Send my answer").click()
    student.get_by_text("Sent: 7").first.wait_for(timeout=15_000)
    name = student.get_by_text("Your nickname:").first.inner_text().split(":", 1)[1].strip()
    teacher.get_by_text("1 of 1 answered").first.wait_for(timeout=15_000)  # the live count
    # The question panel's own count is live too (it said "0 of 1" until the next rerun).
    teacher.get_by_test_id("stMain").get_by_text("1 of 1 answered · answers open").wait_for(
        timeout=15_000)
    with teacher.expect_download() as download:
        teacher.get_by_role("button", name="Results (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"{name},7," in text, text
    teacher_ctx.close()
    student_ctx.close()
def _teacher_and_follower(chromium, class_url: str):
    """A teacher at a projector's 1280 × 720 starts a class (on Pooling), and a desktop
    student at 1400 × 1000 joins by the room's link and follows. Returns the teacher's
    context and page, the room's code, and the student's context and page."""
    teacher_ctx = chromium.new_context(viewport={"width": 1280, "height": 720})
    teacher = teacher_ctx.new_page()
    teacher.set_default_timeout(30_000)
    code = _start_class(teacher, class_url)
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    student = ctx.new_page()
    student.set_default_timeout(30_000)
    student.goto(f"{class_url}/?room={code}")
    _wait_title(student, "Pooling", timeout=30)
    wait_for_app(student, "you follow the teacher")
    return teacher_ctx, teacher, code, ctx, student


def _address(pg) -> str:
    """The address bar as the browser has it now (Playwright's page.url can lag a pushState)."""
    return pg.evaluate("location.pathname + location.search")


def _wait_address(pg, *parts: str, timeout: float = 40.0) -> str:
    pg.wait_for_function(
        "parts => parts.every(p => (location.pathname + location.search).includes(p))",
        arg=list(parts), polling=100, timeout=timeout * 1000)
    return _address(pg)


def test_the_address_bar_and_a_lecture_list_follow(class_url, chromium):
    """The student's address bar shows the teacher's page and query string plus its own room
    (never the key); a setting put back to its default is shown back on the student's widget;
    a lecture list is followed item by item with its place shown; a student who explores
    keeps an address of their own and comes back to the teacher's current item; a reload
    keeps the same student."""
    from cnnviz.data import rooms

    teacher_ctx, teacher, code, ctx, student = _teacher_and_follower(chromium, class_url)
    store = rooms.SQLiteStore(Path(_data_dir(class_url)) / "rooms.sqlite3")
    kh = "input[aria-label='Pool size rows k_H']"
    for value in ("3", "2"):  # 2 is the default: the teacher's link drops it
        box = teacher.locator(kh).first
        box.fill(value)
        box.press("Enter")
        wait_for_app(teacher, "Pooling")
        student.wait_for_function(
            "([sel, v]) => document.querySelector(sel) && document.querySelector(sel).value === v",
            arg=[kh, value], polling=100, timeout=40_000)
    _wait_address(student, "/pooling", f"room={code}")
    assert "pl_kh" not in _address(student)
    # Alone, the student changes what the teacher never touched; Back undoes it on screen.
    student.get_by_role("button", name="Explore on my own").click()
    wait_for_app(student, "The teacher is on")
    kw = "input[aria-label='Pool size cols k_W']"
    student.locator(kw).first.fill("3")
    student.locator(kw).first.press("Enter")
    _wait_address(student, "pl_kw=3", f"room={code}")
    student.get_by_role("button", name="Back to the teacher").click()
    student.wait_for_function(
        "sel => document.querySelector(sel) && document.querySelector(sel).value === '2'"
        " && !location.search.includes('pl_kw')", arg=kw, polling=100, timeout=40_000)
    wait_for_app(student, "you follow the teacher")

    # A lecture list's item, opened by its link in the teacher's tab (a reload keeps control).
    teacher.goto(f"{class_url}/pooling?src=Lecture&lecture=max_pool_4x4&ex=002.5")
    wait_for_app(teacher, "Lecture 002 · 5 of 6")
    student.get_by_text("Lecture 002 · 5 of 6").first.wait_for(timeout=40_000)
    address = _wait_address(student, "/pooling", "ex=002.5", "src=Lecture", f"room={code}")
    assert "teach" not in address
    wait_for_app(student, "The teacher moves through the list")
    assert student.get_by_test_id("lecture-next").count() == 0  # the teacher walks the list
    screenshot(student, "class_student_lecture")
    teacher.get_by_test_id("lecture-next").click()  # Next: lecture 002's item 6, another page
    wait_for_app(teacher, "Lecture 002 · 6 of 6")
    _wait_title(student, "Shapes and parameters")
    student.get_by_text("Lecture 002 · 6 of 6").first.wait_for(timeout=40_000)
    _wait_address(student, "/shapes", "ex=002.6", f"room={code}")

    # Exploring alone: the address is the student's own; Back lands on the teacher's item.
    student.get_by_role("button", name="Explore on my own").click()
    wait_for_app(student, "The teacher is on")
    student.get_by_role("link", name="Receptive field").first.click()
    _wait_title(student, "Receptive field")
    teacher.get_by_test_id("lecture-next").click()  # lecture 003's first item
    wait_for_app(teacher, "Lecture 003 · 1 of")
    student.get_by_text("Lecture 003 · 1 of").first.wait_for(timeout=40_000)  # teacher is on
    assert "/receptive_field" in _address(student) and "ex=" not in _address(student)
    student.get_by_role("button", name="Back to the teacher").click()
    student.get_by_text("The teacher moves through the list").first.wait_for(timeout=40_000)
    _wait_address(student, "ex=003.1", f"room={code}")

    # A reload: the same student, still following, counted once.
    name = store.room(code).students
    student.reload()
    wait_for_app(student, "you follow the teacher")
    student.get_by_text("Lecture 003 · 1 of").first.wait_for(timeout=40_000)
    student.wait_for_timeout(1500)
    assert store.room(code).students == name == 1
    for pg in (teacher, student):
        assert no_exception_box(pg) == []
    teacher_ctx.close()
    ctx.close()


def _on_first_screen(pg, locator, height: int = 844) -> dict:
    """The element's box, asserted to lie inside the first screen (no scrolling)."""
    locator.first.wait_for(state="visible", timeout=15_000)
    box = locator.first.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, box
    return box


@pytest.mark.parametrize("kind", ["value", "kernel", "step", "colour step"])
def test_a_phone_student_answers_the_room_from_the_first_screen(class_url, chromium, kind):
    """390 × 844, touch: the room's question, the grids it is about and the answer box are
    all on the first screen, for Practice's questions with figures and Step by step's (a
    colour volume's too: a window and a kernel for each of its three channels)."""
    teacher_ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    teacher = teacher_ctx.new_page()
    teacher.set_default_timeout(30_000)
    page = {"step": "animation", "colour step": "animation?src=Lecture&lecture=another_image"
            }.get(kind, f"quiz?q={kind}")
    teacher.goto(f"{class_url}/{page}")
    wait_for_app(teacher, "Step by step" if "step" in kind else "Practice")
    code = start_class(teacher)
    phone_ctx = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                     is_mobile=True, device_scale_factor=2)
    phone = phone_ctx.new_page()
    phone.set_default_timeout(30_000)
    phone.goto(f"{class_url}/?room={code}")
    wait_for_app(phone, "you follow the teacher")
    if teacher.get_by_role("button", name="Hide the join screen").count():
        teacher.get_by_role("button", name="Hide the join screen").click()
    wait_for_app(teacher, "Ask the room")
    teacher.get_by_role("button", name="Ask the room").click()
    phone.get_by_text("The teacher asks the room").first.wait_for(timeout=20_000)
    names = {"value": ["_input", "_kernel"], "kernel": ["_image", "_map", "_choices"],
             "step": ["_step"], "colour step": ["_step"]}[kind]
    phone.wait_for_timeout(800)  # the maps draw their pictures
    shot = f"class_phone_{kind.replace(' ', '_')}.png"
    phone.screenshot(path=str(ROOT / "artifacts" / "screens" / shot))
    for name in names:
        grids = phone.locator(f"[class*='st-key-class_q'][class*='{name}']")
        for i in range(grids.count()):
            _on_first_screen(phone, grids.nth(i))
    if kind != "value":
        # The numbers a student reads to answer are printed in every panel (the kernels'
        # and the window's), at NUMBER_FIT's minimum or larger: not colours only.
        from cnnviz.plots.display import NUMBER_FIT

        name = "_choices" if kind == "kernel" else "_step"
        drawn = phone.locator(f"[class*='st-key-class_q'][class*='{name}'] "
                              "[data-testid='cnnviz-map'][data-panel-fonts]").first
        drawn.wait_for(state="attached", timeout=15_000)
        fonts = [int(f) for f in drawn.get_attribute("data-panel-fonts").split(",")]
        assert len(fonts) == {"kernel": 4, "step": 2, "colour step": 6}[kind], fonts
        assert min(fonts) >= NUMBER_FIT["min"], fonts
    if kind == "kernel":
        _on_first_screen(phone, phone.get_by_role("radiogroup", name="Your answer to the class"))
    else:
        _on_first_screen(phone, phone.get_by_placeholder("e.g. 4 × 4 or 14"))
    _on_first_screen(phone, phone.get_by_role("button", name="Send my answer"))
    from .test_a11y import axe_violations

    assert axe_violations(phone) == []  # the kernels' choices are named, though not shown
    assert no_exception_box(teacher) == [] and no_exception_box(phone) == []
    teacher_ctx.close()
    phone_ctx.close()


def test_a_desktop_student_answers_the_kernel_question_from_the_first_screen(class_url,
                                                                              chromium):
    """1280 × 720, a desktop student: the "which kernel" question's four kernels (their
    numbers printed), the answer's choices and Send lie inside the first screen. With the
    room's question above the class bar and the kernels two a row, Send was below it."""
    from cnnviz.plots.display import NUMBER_FIT

    teacher_ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    teacher = teacher_ctx.new_page()
    teacher.set_default_timeout(30_000)
    teacher.goto(f"{class_url}/quiz?q=kernel")
    wait_for_app(teacher, "Practice")
    code = start_class(teacher)
    desk_ctx = chromium.new_context(viewport={"width": 1280, "height": 720})
    desk = desk_ctx.new_page()
    desk.set_default_timeout(30_000)
    desk.goto(f"{class_url}/?room={code}")
    wait_for_app(desk, "you follow the teacher")
    if teacher.get_by_role("button", name="Hide the join screen").count():
        teacher.get_by_role("button", name="Hide the join screen").click()
    wait_for_app(teacher, "Ask the room")
    teacher.get_by_role("button", name="Ask the room").click()
    desk.get_by_text("The teacher asks the room").first.wait_for(timeout=20_000)
    desk.wait_for_timeout(800)  # the maps draw their pictures
    desk.screenshot(path=str(ROOT / "artifacts" / "screens" / "class_desktop_kernel.png"))
    # The four kernels: one picture shown (the phone's two-a-row one is not also shown).
    shown = desk.locator("[class*='st-key-class_q'] [data-testid='cnnviz-map']"
                         "[data-panel-fonts]").locator("visible=true")
    shown.first.wait_for(state="visible", timeout=15_000)
    assert shown.count() == 1
    fonts = [int(f) for f in shown.first.get_attribute("data-panel-fonts").split(",")]
    assert len(fonts) == 4 and min(fonts) >= NUMBER_FIT["min"], fonts
    for element in (shown.first,
                    desk.get_by_role("radiogroup", name="Your answer to the class"),
                    desk.get_by_role("button", name="Send my answer")):
        box = _on_first_screen(desk, element, height=720)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, box
    assert no_exception_box(teacher) == [] and no_exception_box(desk) == []
    teacher_ctx.close()
    desk_ctx.close()


def test_a_refused_push_route_pauses_following_with_a_notice_and_no_spin(chromium, tmp_path):
    """The push route answers 429 to a client that asked about 20 missing rooms in a minute.
    A browser's EventSource never retries after an answer that is not 200: the student's page
    says "Following paused: reconnecting…" and tries again after growing waits (no spin).
    Its own server: the limit would outlast this test on the module's."""
    from cnnviz.ui import class_push

    with server.running_app(ROOT / "app.py", cwd=ROOT, log=ROOT / "artifacts" / "class429.log",
                            env={"CNNVIZ_DATA_DIR": str(tmp_path)}, timeout=60) as url:
        teacher_ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
        teacher = teacher_ctx.new_page()
        teacher.set_default_timeout(30_000)
        code = _start_class(teacher, url)
        phone_ctx = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                         is_mobile=True)
        # The same address (loopback) asks about missing rooms until the route refuses it.
        for i in range(class_push.MISSES_ALLOWED):
            missing = "ZZZZZ" + "23456789ABCDEFGHJKMNPQRSTUVWXYZ"[i]
            phone_ctx.request.get(f"{url}/api/class/{missing}/events")
        assert phone_ctx.request.get(f"{url}/api/class/{code}/events").status == 429
        phone = phone_ctx.new_page()
        phone.set_default_timeout(30_000)
        asked: list[float] = []
        phone.on("request", lambda r: asked.append(time.monotonic())
                 if "/api/class/" in r.url else None)
        phone.goto(f"{url}/?room={code}")
        wait_for_app(phone, "you follow the teacher")
        notice = phone.locator("#cnnviz-follow-notice")
        notice.wait_for(state="visible", timeout=15_000)
        assert notice.inner_text() == "Following paused: reconnecting…"
        box = notice.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844  # where the student looks
        on_top = phone.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.id", [box["x"] + box["width"] / 2,
                                                                box["y"] + box["height"] / 2])
        assert on_top == "cnnviz-follow-notice", on_top  # not under Streamlit's header
        first = asked[0]
        phone.wait_for_timeout(6_000)
        recent = [t for t in asked if t - first < 6.5]
        assert 2 <= len(recent) <= 5, len(recent)  # retried, at 1, 2, 4 … s: no spin
        assert notice.is_visible()  # still told while it waits
        # The room's bar says the same: it does not claim the student follows the teacher.
        main = phone.get_by_test_id("stMain")
        main.get_by_text("catches up with the teacher").first.wait_for(timeout=15_000)
        assert main.get_by_text("you follow the teacher").count() == 0
        phone.screenshot(path=str(ROOT / "artifacts" / "screens" / "class_phone_paused.png"))
        assert no_exception_box(phone) == []
        log = (ROOT / "artifacts" / "class429.log").read_text()
        assert "Traceback" not in log
        teacher_ctx.close()
        phone_ctx.close()


@pytest.mark.parametrize("elsewhere", [False, True, "unseen"])
def test_back_to_the_teacher_returns_without_a_full_page_load(class_url, chromium, elsewhere):
    """A student who explored alone has a setting in their link that the teacher's has not
    (pool size cols k_W = 3, and the image source: a sidebar widget on every page). Back to
    the teacher returns as other follows do, in the same page (no reload: a mark left on
    the window survives), with the teacher's view on the widgets and in the address bar;
    and a later follow does not bring the student's old value back (the browser's widget
    was told, so it does not send it again). ``elsewhere``: the student went on to the
    Playground, so Back changes page too; ``"unseen"``: there the student set the stride,
    a widget no follow had drawn, and the teacher opened the Playground too."""
    teacher_ctx, teacher, code, ctx, student = _teacher_and_follower(chromium, class_url)
    student.get_by_role("button", name="Explore on my own").click()
    wait_for_app(student, "The teacher is on")
    kw = "input[aria-label='Pool size cols k_W']"
    student.locator(kw).first.fill("3")
    student.locator(kw).first.press("Enter")
    _wait_address(student, "pl_kw=3", f"room={code}")
    source = student.get_by_role("radiogroup", name="Source")  # the sidebar's image source
    source.get_by_text("Pattern", exact=True).click()
    _wait_address(student, "src=Pattern", f"room={code}")
    wait_for_app(student, "The teacher is on")
    if elsewhere:
        student.get_by_role("link", name="Playground").first.click()
        _wait_title(student, "playground")
        _wait_address(student, "src=Pattern")  # (the Playground is the app's /)
        wait_for_app(student, "The teacher is on")
    stride = "input[aria-label='Stride s rows']"
    if elsewhere == "unseen":
        student.locator(stride).first.fill("2")
        student.locator(stride).first.press("Enter")
        _wait_address(student, "s_h=2")
        teacher.get_by_role("link", name="Playground").first.click()
        _wait_title(teacher, "playground")
        wait_for_app(teacher, "Playground")
        student.get_by_text("The teacher is on: Playground").first.wait_for(timeout=40_000)
    student.evaluate("window.__notReloaded = true")
    student.get_by_role("button", name="Back to the teacher").click()
    if elsewhere == "unseen":
        student.wait_for_function(
            "sel => document.querySelector(sel) && document.querySelector(sel).value === '1'"
            " && !location.search.includes('s_h') && !location.search.includes('src=')",
            arg=stride, polling=100, timeout=40_000)
        wait_for_app(student, "you follow the teacher")
        assert student.evaluate("window.__notReloaded === true"), "Back reloaded the page"
        assert source.get_by_role("radio", name="Photo").is_checked()
        # A later follow (the teacher's stride cols): the student's old stride stays away.
        box = teacher.locator("input[aria-label='Stride s cols']").first
        box.fill("2")
        box.press("Enter")
        wait_for_app(teacher, "Playground")
        _wait_address(student, "s_w=2", f"room={code}")
        student.wait_for_timeout(1000)
        assert student.locator(stride).first.input_value() == "1"
        assert "s_h" not in _address(student)
        assert student.evaluate("window.__notReloaded === true")
        screenshot(student, "class_student_back_unseen")
        assert no_exception_box(student) == [] and no_exception_box(teacher) == []
        teacher_ctx.close()
        ctx.close()
        return
    if elsewhere:
        _wait_title(student, "Pooling")
    student.wait_for_function(
        "sel => document.querySelector(sel) && document.querySelector(sel).value === '2'"
        " && !location.search.includes('pl_kw') && !location.search.includes('src=')",
        arg=kw, polling=100, timeout=40_000)
    wait_for_app(student, "you follow the teacher")
    assert student.evaluate("window.__notReloaded === true"), "Back reloaded the page"
    assert f"room={code}" in _address(student)
    assert source.get_by_role("radio", name="Photo").is_checked()  # the teacher's source
    assert not source.get_by_role("radio", name="Pattern").is_checked()
    # A later follow: the teacher's k_H; the student's old k_W does not come back.
    box = teacher.locator("input[aria-label='Pool size rows k_H']").first
    box.fill("3")
    box.press("Enter")
    wait_for_app(teacher, "Pooling")
    student.wait_for_function(
        "() => document.querySelector(\"input[aria-label='Pool size rows k_H']\").value === '3'",
        polling=100, timeout=40_000)
    student.wait_for_timeout(1000)
    assert student.locator(kw).first.input_value() == "2"
    address = _address(student)
    assert "pl_kh=3" in address and "pl_kw" not in address and "src=" not in address, address
    assert student.evaluate("window.__notReloaded === true")
    screenshot(student, f"class_student_back{'_elsewhere' if elsewhere else ''}")
    for pg in (teacher, student):
        assert no_exception_box(pg) == []
    teacher_ctx.close()
    ctx.close()

"""Stepping you can trust, in real Chromium: seeded random sequences of a teacher's actions.

Every key, click and clicker key moves exactly one step, and after any
sequence (slow, fast, with play/pause, First/Last, jump, scrub, reload) the
screen, the ``aria-live`` caption and the link (``step=``) agree, and so do
they on whether it plays (the play button, "Playing from step …", ``play=1``).

The test keeps its own model of where the animation must be. After every
action it reads the screen (the step counter) and the caption at once, and at
every rest (the gap after the action has passed, the page has told the server
and the server has written the link) it reads all three again. A screen pulled
back by the server's rerun, a caption left behind or a stale link fails it.

``CNNVIZ_STEPPING_ACTIONS`` sets how many actions a run plays (default 100 in
five seeded sequences, two to three minutes); the issue's 1,000 run as
``CNNVIZ_STEPPING_ACTIONS=1000``. ``CNNVIZ_STEPPING_KEYS=old`` plays only the
keys the animator had before clicker keys were mapped (to show the desync on
old code).
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field

import pytest

from .conftest import no_exception_box, wait_for_app

pytestmark = pytest.mark.e2e

URL = "/animation?src=Lecture&lecture=digit_one"  # a 5 × 5 output: 25 steps
N_STEPS = 25
ACTIONS = int(os.environ.get("CNNVIZ_STEPPING_ACTIONS", "100"))
SEQUENCES = 5
# Gaps between actions (ms): fast clicks, presses around the page's 300 ms
# report, and slow ones that wait until the server has written the link.
SPEEDS = {"fast": (0, 60), "medium": (150, 500), "slow": None, "mixed": "mixed",
          # Just past the 300 ms report: the next report leaves while the last one's rerun
          # runs, with the browser's link not yet updated (a race a rerun must survive).
          "racy": (310, 420)}

NEXT_KEYS = ["ArrowRight", "PageDown", "ArrowDown", "."]
BACK_KEYS = ["ArrowLeft", "PageUp", "ArrowUp"]
OLD = os.environ.get("CNNVIZ_STEPPING_KEYS") == "old"
if OLD:
    NEXT_KEYS, BACK_KEYS = ["ArrowRight"], ["ArrowLeft"]

# Everything the test reads, in one evaluation: the screen, the caption, the link.
READ = """() => {
  const api = window.__cnnvizInstances && window.__cnnvizInstances.anim_view;
  if (!api) return null;
  const box = api.root();
  const q = (id) => box.querySelector(`[data-testid="${id}"]`);
  const m = /^Step (\\d+) \\/ (\\d+)$/.exec(q("cnnviz-step-counter").textContent.trim());
  const text = q("cnnviz-caption").textContent.trim();
  const cap = /^Step (\\d+) of (\\d+):/.exec(text);
  const params = new URLSearchParams(window.location.search);
  const link = params.get("step");
  const st = document.querySelector("[data-test-script-state]");
  // For a failure's message: is this still the animation the page opened with (a new one
  // starts from the server's step), and how many reports has it sent.
  const same = window.__steppingBox === undefined ? null : window.__steppingBox === box;
  window.__steppingBox = box;
  return {same, sent: api.reports(),
          screen: m ? Number(m[1]) - 1 : null, data: Number(box.dataset.step),
          caption: cap ? Number(cap[1]) - 1 : null,
          link: link === null ? 0 : (/^\\d+$/.test(link) ? Number(link) : -1),
          playing: box.dataset.playing === "true",
          captionPlaying: /^Playing from step \\d+ of \\d+\\./.test(text),
          linkPlay: params.get("play") === "1",
          speed: Number(q("cnnviz-speed").value), linkSpeed: Number(params.get("speed") || 2),
          running: !!st && st.getAttribute("data-test-script-state") === "running"};
}"""


@dataclass
class Run:
    """The model: where the animation must be, and what was done (for the failure message)."""

    page: object
    app_url: str
    step: int = 0
    speed: float = 2.0
    playing: bool = False
    log: list[str] = field(default_factory=list)
    checks: int = 0
    rests: int = 0
    playing_rests: int = 0

    def read(self) -> dict:
        return self.page.evaluate(READ)

    def fail(self, what: str, seen: dict) -> None:
        keys = self.page.evaluate("() => (window.__steppingKeys || []).slice(-6)")
        raise AssertionError(f"{what}: expected step {self.step}, saw {seen}; last actions: "
                             f"{self.log[-12:]}; last keys (ms, key, where, taken): {keys}")

    def check_now(self) -> None:
        """Screen and caption right after an action (the link follows at the next rest)."""
        seen = self.read()
        self.checks += 1
        if seen is None or seen["screen"] != self.step or seen["data"] != self.step:
            self.fail("the screen", seen)
        if seen["caption"] != self.step:
            self.fail("the caption", seen)

    def rest(self) -> None:
        """Wait until the page has reported and the server has written the link; all agree."""
        time.sleep(0.35)  # the page reports 300 ms after it comes to rest
        deadline = time.monotonic() + 8
        seen = self.read()
        while time.monotonic() < deadline:
            seen = self.read()
            if (seen and not seen["running"] and seen["linkPlay"] == self.playing
                    and (self.playing or seen["link"] == self.step)
                    and seen["linkSpeed"] == self.speed):
                break
            time.sleep(0.05)
        # A rerun's reply that would pull the screen back arrives with the link: look again.
        time.sleep(0.25)
        seen = self.read()
        self.rests += 1
        self.checks += 1
        if seen is None or seen["running"]:
            self.fail("the page never came to rest", seen)
        if not seen["playing"] == seen["captionPlaying"] == seen["linkPlay"] == self.playing:
            self.fail(f"playing on screen, caption and link (expected {self.playing})", seen)
        if not seen["speed"] == seen["linkSpeed"] == self.speed:
            self.fail(f"the speed at rest (expected {self.speed})", seen)
        if self.playing:  # the step moves on; it is checked once paused
            self.playing_rests += 1
            return
        if seen["screen"] != self.step or seen["data"] != self.step:
            self.fail("the screen at rest", seen)
        if seen["caption"] != self.step:
            self.fail("the caption at rest", seen)
        if seen["link"] != self.step:
            self.fail("the link at rest", seen)


def _box(page):
    return page.locator('[data-testid="stBidiComponentIsolated"] .cnv').first


def _focus(page) -> None:
    page.evaluate("() => window.__cnnvizInstances.anim_view.root().focus()")


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, "Step by step")
    page.get_by_test_id("cnnviz-step-counter").wait_for()
    page.wait_for_function("() => window.__cnnvizInstances && window.__cnnvizInstances.anim_view",
                           polling=100)


def _act(run: Run, rng: random.Random) -> None:
    """One random action; updates the model and checks the screen and caption at once."""
    page, n = run.page, N_STEPS
    kinds = ["next_key", "back_key", "next_btn", "back_btn", "home", "end", "first", "last",
             "jump", "scrub", "cell", "play", "reload", "speed", "play_rest"]
    weights = [30, 18, 10, 8, 3, 3, 3, 3, 4, 4, 3, 4, 1, 2, 3]
    if OLD:  # the old animator has no output geometry for a test to click a cell by
        weights[kinds.index("cell")] = 0
    kind = rng.choices(kinds, weights=weights)[0]
    if kind == "next_key":
        key = rng.choice(NEXT_KEYS)
        _focus(page)
        page.keyboard.press(key)
        run.step = min(run.step + 1, n - 1)
        run.log.append(key)
    elif kind == "back_key":
        key = rng.choice(BACK_KEYS)
        _focus(page)
        page.keyboard.press(key)
        run.step = max(run.step - 1, 0)
        run.log.append(key)
    elif kind in ("home", "end"):
        _focus(page)
        page.keyboard.press("Home" if kind == "home" else "End")
        run.step = 0 if kind == "home" else n - 1
        run.log.append(kind)
    elif kind in ("next_btn", "back_btn", "first", "last"):
        name = {"next_btn": "Step forward", "back_btn": "Step back", "first": "First step",
                "last": "Last step"}[kind]
        _box(page).locator(f'button[aria-label^="{name}"]').click()
        run.step = {"next_btn": min(run.step + 1, n - 1), "back_btn": max(run.step - 1, 0),
                    "first": 0, "last": n - 1}[kind]
        run.log.append(kind)
    elif kind == "jump":
        target = rng.randrange(n)
        r, c = divmod(target, 5)
        page.get_by_test_id("cnnviz-jump-row").fill(str(r))
        page.get_by_test_id("cnnviz-jump-col").fill(str(c))
        page.get_by_test_id("cnnviz-jump").click()
        run.step = target
        run.log.append(f"jump {target}")
    elif kind == "scrub":
        target = rng.randrange(n)
        page.get_by_test_id("cnnviz-timeline").fill(str(target + 1))
        run.step = target
        run.log.append(f"scrub {target}")
    elif kind == "cell":
        target = rng.randrange(n)
        _click_cell(page, target)
        run.step = target
        run.log.append(f"cell {target}")
    elif kind == "play":
        # Space plays; a while later Space (or a step key) pauses: the model reads where it is.
        _focus(page)
        page.keyboard.press(" ")
        time.sleep(rng.uniform(0.1, 1.2))
        if rng.random() < 0.5 or not run.read()["playing"]:
            # Space pauses; playback that reached the last step has paused itself, and
            # a Space pressed just then plays again from the start: one more pauses.
            for _ in range(3):
                if not run.read()["playing"]:
                    break
                page.keyboard.press(" ")
            seen = run.read()
            assert not seen["playing"], run.log[-12:]
            run.step = seen["screen"]
            run.log.append(f"play/pause at {run.step}")
        else:
            key = rng.choice(NEXT_KEYS + BACK_KEYS)
            before = run.read()["screen"]  # a step may land between reading and pressing
            page.keyboard.press(key)
            seen = run.read()
            step = +1 if key in NEXT_KEYS else -1
            # Playback moves on between the read and the press by at most one step.
            allowed = {min(max(s + step, 0), n - 1) for s in (before, before + 1)}
            if seen["screen"] not in allowed or seen["playing"]:
                run.fail(f"{key} during playback (allowed {sorted(allowed)})", seen)
            run.step = seen["screen"]
            run.log.append(f"play, {key} at {run.step}")
    elif kind == "speed":  # a new speed: no step moves, and the link takes the speed too
        run.speed = rng.choice([0.5, 1, 2, 5, 10, 20])
        page.get_by_test_id("cnnviz-speed").select_option(value=f"{run.speed:g}")
        run.log.append(f"speed {run.speed:g}")
    elif kind == "reload":
        run.rest()
        page.reload()
        _open(page, page.url)
        run.log.append("reload")
    elif kind == "play_rest":
        _play_and_rest(run, rng)
    run.check_now()


def _loop(page, on: bool) -> None:
    page.evaluate(f"() => window.__cnnvizInstances.anim_view.setLoop({str(on).lower()})")


def _play_and_rest(run: Run, rng: random.Random) -> None:
    """Play and leave it playing (a teacher talking over it): screen, caption and link say
    it plays; sometimes reload then (the link plays again); then pause."""
    page = run.page
    reload = rng.random() < 0.3 and run.step < 15
    if reload and run.speed != 1:  # slow enough that the reloaded playback is still going
        run.speed = 1
        page.get_by_test_id("cnnviz-speed").select_option(value="1")
    _loop(page, True)  # it plays until paused
    _focus(page)
    page.keyboard.press(" ")
    run.playing = True
    run.log.append("play, rest while playing")
    run.rest()
    if reload:
        page.reload()
        _open(page, page.url)
        _loop(page, True)
        run.log.append("reload while playing")
        run.rest()
    _focus(page)
    page.keyboard.press(" ")
    seen = run.read()
    if seen["playing"]:
        run.fail("Space did not pause", seen)
    run.playing = False
    run.step = seen["screen"]
    _loop(page, False)
    run.log.append(f"pause at {run.step}")


def _click_cell(page, k: int) -> None:
    """Click output cell k on the canvas (the canvas's own geometry, via the data it draws)."""
    box = page.evaluate("""k => {
      const api = window.__cnnvizInstances.anim_view;
      const c = api.root().querySelector('[data-testid="cnnviz-output"]');
      const r = c.getBoundingClientRect();
      const g = api.outputGeometry();
      return {x: r.left + g.x0 + (k % g.cols + 0.5) * g.cell,
              y: r.top + g.y0 + (Math.floor(k / g.cols) + 0.5) * g.cell};
    }""", k)
    page.mouse.click(box["x"], box["y"])
    page.mouse.move(0, 0)


def _gap(run: Run, rng: random.Random, speed: str) -> None:
    if speed == "mixed":
        speed = rng.choice(["fast", "medium", "slow"])
    if SPEEDS[speed] is None:
        run.rest()
        time.sleep(rng.uniform(0, 0.8))
    else:
        lo, hi = SPEEDS[speed]
        time.sleep(rng.uniform(lo, hi) / 1000)
        if rng.random() < (0.3 if speed == "racy" else 0.12):  # a pause to talk: all agree
            run.rest()


# Where each key went, for a failure's message: the time, the key, the element that had the
# focus, and whether a handler took it (the animation prevents the default of a key it uses).
KEY_LOG = """
window.__steppingKeys = [];
window.addEventListener('keydown', (e) => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  const entry = [Math.round(performance.now()), e.key,
                 a ? `${a.tagName}.${a.className}`.slice(0, 30) : null, null];
  window.__steppingKeys.push(entry);
  setTimeout(() => { entry[3] = e.defaultPrevented; }, 0);
}, true);
"""


def _sequence(page, app_url: str, seed: int, speed: str, actions: int) -> Run:
    page.add_init_script(KEY_LOG)
    _open(page, app_url + URL)
    run = Run(page, app_url)
    run.check_now()
    rng = random.Random(seed)
    for _ in range(actions):
        _act(run, rng)
        _gap(run, rng, speed)
    run.rest()
    assert no_exception_box(page) == []
    return run


@pytest.mark.parametrize("seed,speed", [(1, "slow"), (2, "fast"), (3, "medium"), (4, "mixed"),
                                        (5, "racy")])
def test_random_stepping_keeps_screen_caption_and_link_in_agreement(page, app_url, seed,
                                                                     speed):
    per = max(1, ACTIONS // SEQUENCES)
    run = _sequence(page, app_url, seed, speed, per)
    print(f"stepping seed={seed} speed={speed}: {per} actions, {run.checks} checks, "
          f"{run.rests} rests in agreement ({run.playing_rests} while playing)")
    assert run.checks >= per


def test_a_rested_report_reruns_only_the_step_by_step_fragment(page, app_url):
    """The report of where the animation rests reruns the page's fragment, not the whole app."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    sent: list[BackMsg] = []

    def on_socket(ws) -> None:
        def keep(payload) -> None:
            if isinstance(payload, bytes | bytearray):
                msg = BackMsg()
                msg.ParseFromString(bytes(payload))
                if msg.WhichOneof("type") == "rerun_script":
                    sent.append(msg)
        ws.on("framesent", keep)

    page.on("websocket", on_socket)
    _open(page, app_url + URL)
    run = Run(page, app_url)
    before = len(sent)
    _focus(page)
    page.keyboard.press("PageDown")
    run.step = 1
    run.check_now()
    run.rest()
    reports = [m for m in sent[before:] if any(
        "anim_view" in w.id for w in m.rerun_script.widget_states.widgets)]
    assert reports, [m.rerun_script.fragment_id for m in sent[before:]]
    assert all(m.rerun_script.fragment_id for m in reports), reports[-1]


FOCUSED_BOX = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return !!a && a.classList.contains('cnv');
}"""


def test_one_key_reaches_the_animation_and_presenter_mode_focuses_it(page, app_url):
    _open(page, app_url + URL)
    assert "A focus" in page.get_by_test_id("cnnviz-keys").inner_text()  # the key hint says it
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    assert not page.evaluate(FOCUSED_BOX)
    page.keyboard.press("a")
    assert page.evaluate(FOCUSED_BOX)
    run = Run(page, app_url)
    page.keyboard.press("PageDown")
    run.step = 1
    run.check_now()
    run.rest()
    # Typing an "a" into a field is typing, not a jump to the animation.
    row = page.get_by_test_id("cnnviz-jump-row")
    row.focus()
    page.keyboard.press("a")
    assert not page.evaluate(FOCUSED_BOX)

    # Presenter mode: the animation has the keyboard as the page opens; a clicker just works.
    _open(page, app_url + URL + "&present=true")
    page.wait_for_function(FOCUSED_BOX, polling=100)
    run = Run(page, app_url, step=0)
    for _ in range(3):
        page.keyboard.press("PageDown")
        run.step += 1
        run.check_now()
    page.keyboard.press("PageUp")
    run.step -= 1
    run.check_now()
    run.rest()


def test_a_report_queued_behind_another_still_writes_the_link(page, app_url):
    """A rerun queued behind another carries the link as the browser had it before that run.

    Found by the 1,000-action run: Home, then Next 300-400 ms later. Next's report
    left while Home's rerun was running, with the browser's query string still saying
    the step before Home. The server takes the query string from each rerun request,
    so in Next's run the link "already" said its step and was not written; the browser
    kept Home's link. Here the server's messages are held back while both reports
    leave, which makes the race certain.
    """
    import re as _re

    held: list = []
    state: dict = {"hold": False, "ws": None}

    def route(ws) -> None:
        server = ws.connect_to_server()

        def from_server(message) -> None:
            if state["hold"]:
                held.append(message)
            else:
                ws.send(message)

        server.on_message(from_server)
        ws.on_message(lambda message: server.send(message))
        state["ws"] = ws

    page.route_web_socket(_re.compile(r".*/_stcore/stream.*"), route)
    _open(page, app_url + URL)
    run = Run(page, app_url)
    _focus(page)
    page.keyboard.press("ArrowRight")
    run.step = 1
    run.rest()  # the link says step=1
    state["hold"] = True
    page.keyboard.press("Home")
    page.wait_for_timeout(450)  # Home's report leaves; its rerun's reply is held
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(450)  # Next's report leaves with the browser's stale step=1
    state["hold"] = False
    for message in held:
        state["ws"].send(message)
    held.clear()
    run.check_now()
    run.rest()


def test_a_link_that_plays_plays_but_not_for_reduced_motion(browser, app_url):
    """A link with play=1 opens playing; pausing takes play out of the link. The browser's
    reduced-motion setting is respected: such a link opens still, and the link says so,
    unless the link itself chose full motion."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000},
                                  reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        _open(page, app_url + URL + "&step=2&play=1")
        run = Run(page, app_url, step=2)
        run.check_now()
        run.rest()  # still: screen, caption and link (play dropped) agree
        assert "play=" not in page.url
        _open(page, app_url + URL + "&step=2&play=1&motion=full&speed=1")
        run = Run(page, app_url, step=2, speed=1, playing=True)
        run.rest()  # plays: the play button, "Playing from step 3 of 25." and play=1
        assert run.read()["captionPlaying"]
        _focus(page)
        page.keyboard.press(" ")
        run.playing = False
        run.step = run.read()["screen"]
        run.check_now()
        run.rest()
        assert "play=" not in page.url
    finally:
        context.close()


def test_a_clicker_goes_through_the_steps_and_on_to_the_next_example(page, app_url):
    """In a lecture list, PageDown on the last step opens the next example and PageUp on
    the first step the previous one: a teacher's clicker never needs the mouse. Before,
    the animation took every PageDown and the teacher was stuck on step 25 / 25."""
    _open(page, app_url + "/animation?src=Lecture&lecture=digit_one&ex=000.5&present=true")
    page.wait_for_function(FOCUSED_BOX, polling=100)
    run = Run(page, app_url, step=0)
    page.keyboard.press("End")
    run.step = 24
    run.check_now()
    page.keyboard.press("PageDown")  # the last step: on to the next example
    page.wait_for_url("**ex=000.6**")
    _open(page, app_url + "/animation?src=Lecture&lecture=digit_one&ex=000.5&present=true")
    page.wait_for_function(FOCUSED_BOX, polling=100)
    page.keyboard.press("PageDown")  # a step first
    Run(page, app_url, step=1).check_now()
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")  # the first step: back to the previous example
    page.wait_for_url("**ex=000.4**")


def test_clicker_presses_before_the_animation_is_there_step_once_each(browser, app_url):
    """A teacher's clicker pressed as soon as Step by step's title appears, in presenter
    mode and in a lecture list, while the rest of the page is still on its way: each press
    moves the animation exactly one step once it is there, in order; none is lost, none is
    doubled, and PageDown does not open the next example.

    The tester lost a PageDown right after the page opened, twice in about 12 presses
    under load: the press reached the page's body before the animation (and its key
    listener, and the focus presenter mode gives it) existed. Here the server's messages
    after the title are held back until the presses are made, which makes that certain.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(30_000)
    state = _hold_after_title(page)
    try:
        page.goto(app_url + URL + "&ex=000.5&present=true", wait_until="commit")
        page.wait_for_function(  # on a timer: a page waiting on held messages draws no frames
            "() => [...document.querySelectorAll('h1')].some(h => h.textContent == 'Step by step')",
            polling=50)
        assert state["hold"] and not page.evaluate(
            "() => !!(window.__cnnvizInstances && window.__cnnvizInstances.anim_view)")
        # The key keeper came before the title; its script loads a moment after (a lazy
        # chunk, like every component's): a press in that moment is not covered here.
        page.wait_for_function("() => !!window.__cnnvizKeyListener", polling=20, timeout=5000)
        # Order matters: End then back twice is 22; any other order lands elsewhere.
        for key in ["PageDown", ".", "End", "PageUp", "PageUp"]:
            page.keyboard.press(key)
        page.wait_for_timeout(300)
        _release_then_step_on(page, app_url, state)
    finally:
        context.close()


def test_a_clicker_at_the_first_step_does_not_scroll_the_animation_away(page, app_url):
    """Outside a lecture list, PageUp on the first step (PageDown on the last) has nowhere
    to go: it must not scroll the page either. Found by the 1,000-action run: the browser
    scrolled the page up by a screen (the animation 510 px down), and a click on an output
    cell made during the scroll landed a row off (cell 3 instead of 8)."""
    scrolled = ("() => [document.querySelector('[data-testid=stMain]').scrollTop, Math.round("
                "window.__cnnvizInstances.anim_view.root().getBoundingClientRect().top)]")
    _open(page, app_url + URL)
    _box(page).locator('button[aria-label^="Step forward"]').click()  # scrolls it into view
    _focus(page)
    page.keyboard.press("Home")
    before = page.evaluate(scrolled)
    assert before[0] > 0  # the page is scrolled: a PageUp could scroll it
    page.keyboard.press("PageUp")
    page.keyboard.press("End")
    page.keyboard.press("PageDown")
    page.wait_for_timeout(500)  # a smooth scroll takes about 150 ms
    assert page.evaluate(scrolled) == before
    run = Run(page, app_url, step=N_STEPS - 1)
    run.check_now()
    run.rest()


@pytest.mark.parametrize("moment", ["loading", "title"])
def test_clicker_presses_before_any_element_script_has_loaded_step_once_each(browser, app_url,
                                                                            moment):
    """A clicker pressed while the page is still loading (``loading``: the page's HTML is
    there, nothing of the app drawn yet), or the moment its title shows, with the key
    keeper's element held back (``title``), still moves the animation once it is there: each
    press once, in order, and PageDown does not open the next example.

    The keeper was an element whose script loads a few tens of ms after the title (the
    previous session's note: a press in that window was lost, and no test covered it); it is
    now in the page's HTML head (cnnviz/ui/head.py), there before anything is drawn. Here the
    server's messages after the title are held back until the presses are made (as in the
    test above), and so is any message that carries the keeper's element, so that the
    presses come before an element's script could have run.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(30_000)
    state = _hold_after_title(page, also=b"cnnviz_keys_hold")
    try:
        address = app_url + URL + "&ex=000.5&present=true"
        # Order matters: End then back twice is 22; any other order lands elsewhere.
        keys = ["PageDown", ".", "End", "PageUp", "PageUp"]
        if moment == "loading":
            page.goto(address, wait_until="domcontentloaded")
            assert not page.evaluate("() => !!document.querySelector('h1')")  # nothing drawn
        else:
            page.goto(address, wait_until="commit")
            page.wait_for_function(  # on a timer: a page waiting on held messages draws no frames
                "() => [...document.querySelectorAll('h1')]"
                ".some(h => h.textContent == 'Step by step')", polling=20)
            assert state["hold"]
        for key in keys:
            page.keyboard.press(key)
        page.wait_for_timeout(300)
        assert not page.evaluate(
            "() => !!(window.__cnnvizInstances && window.__cnnvizInstances.anim_view)")
        _release_then_step_on(page, app_url, state)
    finally:
        context.close()


def _hold_after_title(page, *, also: bytes = b"") -> dict:
    """Route ``page``'s websocket so that the server's messages after Step by step's title
    (and, before the release, any message carrying the bytes ``also``) are held back in
    ``state["held"]``; :func:`_release_then_step_on` sends them on. Returns that state."""
    import re as _re

    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    state: dict = {"hold": False, "held": [], "ws": None, "released": False}

    def route(ws) -> None:
        server = ws.connect_to_server()

        def from_server(message) -> None:
            data = bytes(message) if isinstance(message, bytes | bytearray) else b""
            if state["hold"] or (also and not state["released"] and also in data):
                state["held"].append(message)
                return
            ws.send(message)
            if data and not state["released"]:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                if (msg.WhichOneof("type") == "delta"
                        and msg.delta.WhichOneof("type") == "new_element"
                        and msg.delta.new_element.WhichOneof("type") == "heading"
                        and "Step by step" in msg.delta.new_element.heading.body):
                    state["hold"] = True  # the title is drawn; the rest waits

        server.on_message(from_server)
        ws.on_message(lambda message: server.send(message))
        state["ws"] = ws

    page.route_web_socket(_re.compile(r".*/_stcore/stream.*"), route)
    return state


def _release_then_step_on(page, app_url: str, state: dict) -> None:
    """Send the held messages on; the keys pressed meanwhile (PageDown, ".", End, PageUp,
    PageUp) left example 000.5 at step 22, and the next PageDown steps once more."""
    state["hold"], state["released"] = False, True
    if state["ws"] is not None:
        for message in state["held"]:
            state["ws"].send(message)
    state["held"].clear()
    page.wait_for_timeout(500)
    assert "ex=000.5" in page.url, page.url  # a PageDown did not open the next example
    wait_for_app(page, "Step by step")
    page.wait_for_function(
        "() => window.__cnnvizInstances && window.__cnnvizInstances.anim_view", polling=100)
    run = Run(page, app_url, step=22)
    run.check_now()
    run.rest()
    assert "ex=000.5" in page.url, page.url  # still this example, not the next
    page.keyboard.press("PageDown")  # the keys go to the animation from now on
    run.step = 23
    run.check_now()
    run.rest()
    assert no_exception_box(page) == []

"""A class: one teacher and N students as protocol clients, the students following by push.

Every client speaks Streamlit's own websocket protocol (``bench/load.py``'s
``Session``: what a browser tab sends, without the browser). The students
follow as the browser's listener component does (``cnnviz/ui/static/classroom.js``):

- each student opens ``/?room=CODE`` (its first run joins the room), then
  holds one server-sent-events stream on the push route
  ``/api/class/CODE/events`` (``cnnviz/ui/class_push.py``), with its cookies,
  as ``EventSource`` does;
- when an event carries a version newer than the one its session applied, it
  sends the component's ``wake`` trigger (the very ``BackMsg`` the browser
  sends), and its session reruns and applies the teacher's view.

The teacher, on Practice, changes the question number every ``--every``
seconds (5) and asks the room three questions (at 1/6, 3/6 and 5/6 of the
run; every student answers, then the teacher reveals). The **follow latency**
of a change is from the teacher sending it to a student's wake rerun
finishing with the teacher's value on its page: all N at once, a burst.
**Answers** are A accepted of B sent. **Errors**: an exception on any page,
a student that does not follow a change within 10 s, a dropped stream, a
check that fails. **Server CPU** is the server processes' CPU time over the
run's wall time (100 % = one core); an idle phase before the changes start
measures thirty idle followers alone.

Run from the repository root::

    python bench/class.py                                  # starts one server (SQLite)
    python bench/class.py --replicas 2 --redis             # two replicas + nginx + Redis
    python bench/class.py --students 30 --minutes 3

The last line is ``class N follow p50 X ms p95 Y ms answers A/B errors E server CPU C %``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.redis_local import running_redis  # noqa: E402
from deploy.run_replicas import running_cluster  # noqa: E402
from tests.e2e.server import running_app  # noqa: E402

_spec = importlib.util.spec_from_file_location("cnnviz_bench_load", ROOT / "bench" / "load.py")
load = importlib.util.module_from_spec(_spec)
sys.modules["cnnviz_bench_load"] = load
_spec.loader.exec_module(load)

from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

INTERNAL = "$$STREAMLIT_INTERNAL_KEY"  # Streamlit's prefix for a component's trigger widget
FOLLOW_TIMEOUT = 10.0


def wake_state(session: load.Session, version: int) -> tuple[WidgetState, str]:
    """The browser's ``setTriggerValue("wake", version)`` for the class listener."""
    etype, element, fragment = session.widget("class_listener")
    ws = WidgetState(id=f"{INTERNAL}_{element.bidi_component.id}__events")
    ws.json_trigger_value = json.dumps([{"event": "wake", "value": version}])
    return ws, fragment


def number_value(session: load.Session, key: str) -> float | None:
    """A number input's value as this session's last run drew it."""
    if key not in session.widgets:
        return None
    proto = session.widgets[key][1].number_input
    return proto.value if proto.HasField("value") else proto.default


class Stream:
    """One ``EventSource``: a GET that stays open and yields (event, data) pairs."""

    def __init__(self, url: str, path: str, cookies: dict[str, str]):
        self.parts = urllib.parse.urlsplit(url)
        self.path, self.cookies = path, cookies
        self.reader = self.writer = None

    async def __aenter__(self) -> Stream:
        self.reader, self.writer = await asyncio.open_connection(self.parts.hostname,
                                                                 self.parts.port)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.writer.write((f"GET {self.path} HTTP/1.1\r\nHost: {self.parts.netloc}\r\n"
                           f"Accept: text/event-stream\r\nCache-Control: no-cache\r\n"
                           f"Cookie: {cookie}\r\n\r\n").encode())
        await self.writer.drain()
        return self

    async def __aexit__(self, *exc) -> None:
        self.writer.close()
        with contextlib.suppress(Exception):
            await self.writer.wait_closed()

    async def events(self):
        buffer = ""
        while True:
            chunk = await self.reader.read(4096)
            if not chunk:
                raise ConnectionError("the event stream closed")
            buffer += chunk.decode("utf-8", "replace")
            for match in re.finditer(r"event: (\w+)\r?\ndata: (-?\d+)", buffer):
                yield match.group(1), int(match.group(2))
            buffer = buffer[buffer.rfind("\n") + 1:] if "\n" in buffer else buffer


class Class:
    """Shared state of one run: the teacher's changes and everyone's numbers."""

    def __init__(self, n: int):
        self.n = n
        self.code = ""
        self.changes: dict[int, tuple[float, int]] = {}  # seed -> (sent at, version unknown)
        self.latencies: list[float] = []
        self.heard: list[float] = []  # teacher's change sent → the push event received
        self.errors: list[str] = []
        self.sent = self.accepted = 0
        self.wakes = 0  # students' wake reruns (each applies the teacher's newer view)
        self.followed: dict[int, int] = {}  # seed -> how many students showed it


cls_ready = asyncio.Event()


async def student(index: int, url: str, cls: Class, t_end: float, joined: list) -> None:
    s = load.Session(url, f"student {index}", timeout=60)
    s.query = f"room={cls.code}"
    try:
        await s.open()
        if "class_listener" not in s.widgets:
            raise load.CheckFailed("no class listener on the student's page")
        joined.append(index)
        if len(joined) == cls.n:
            cls_ready.set()
        applied = 0
        path = f"/api/class/{cls.code}/events?since=0"
        async with Stream(url, path, s.cookies) as stream:
            events = stream.events()
            while time.monotonic() < t_end + 5:
                try:
                    kind, version = await asyncio.wait_for(events.__anext__(),
                                                           max(0.5, t_end + 5 - time.monotonic()))
                except TimeoutError:
                    break
                if kind != "version" or version <= applied:
                    continue
                heard = time.perf_counter()
                ws, fragment = wake_state(s, version)
                await s.rerun([ws], fragment=fragment)
                done = time.perf_counter()
                cls.wakes += 1
                applied = version
                seed = number_value(s, "q_seed")
                if seed is not None and int(seed) in cls.changes:
                    sent = cls.changes[int(seed)][0]
                    seen = cls.followed.get(int(seed), 0)
                    if seen < cls.n and (index, int(seed)) not in _counted:
                        _counted.add((index, int(seed)))
                        cls.followed[int(seed)] = seen + 1
                        cls.latencies.append(done - sent)
                        cls.heard.append(heard - sent)
                await _maybe_answer(s, cls)
    except Exception as err:  # noqa: BLE001 - every failure is an error of the run
        cls.errors.append(f"student {index}: {type(err).__name__}: {err}"[:300])
    finally:
        await s.close()


_counted: set[tuple[int, int]] = set()


async def _maybe_answer(s: load.Session, cls: Class) -> None:
    """Answer the open question once (the room's answer box is on the page)."""
    # The newest question's box (the session's widget map keeps older ones).
    boxes = [k for k in s.widgets if k.startswith("class_answer_") and k[13:].isdigit()]
    box = max(boxes, key=lambda k: int(k[13:]), default=None)
    if box is None or box in s.__dict__.setdefault("_answered", set()):
        return
    qid = box.rsplit("_", 1)[1]
    submit = f"FormSubmitter:class_form_{qid}-Send my answer"
    if submit not in s.widgets:
        return
    s._answered.add(box)
    etype, element, _ = s.widgets[box]
    if etype == "radio":  # "which kernel made this map?": pick the first of the four
        answer = element.radio.options[0]
        text_state = WidgetState(id=element.radio.id, string_value=answer)
    else:
        # A shape takes both sides: a bare "4" is no answer to it (Practice says so, and
        # nothing is sent), which counted as a lost answer whenever the seed made one.
        answer = "4 × 4" if s.shown("What is the output's shape") else "4"
        text_state = WidgetState(id=element.text_input.id, string_value=answer)
    button_state, fragment = s.state(submit, True)
    cls.sent += 1
    await s.rerun([text_state, button_state], fragment=fragment)
    if s.shown("Sent: "):
        cls.accepted += 1
    else:
        said = next((m for m in ("Answers are closed", "moved on to another question",
                                 "cannot be reached", "not in this class", "has ended",
                                 "type both sides", "not a number")
                     if s.shown(m)), "no answer message")
        cls.errors.append(f"{s.name}: the answer was not taken ({said})")


def cpu_of(pids: list[int]) -> float:
    return load.cpu_seconds(pids)


async def start_class(url: str, cls: Class) -> load.Session:
    """The teacher's session: open Practice, press Start a class, read the code off the page."""
    t = load.Session(url, "teacher", timeout=60)
    await t.open()
    await t.page("Practice: predict, then reveal")
    await t.set("class_start", True)
    for element in t.run_elements:
        found = re.search(r"room=([A-Z2-9]{6})",
                          element.SerializeToString().decode("utf-8", "replace"))
        if found:
            cls.code = found.group(1)
            return t
    raise load.CheckFailed("no room code on the teacher's page after Start a class")


async def run(url: str, args, pids: list[int]) -> tuple[Class, float, float, float]:
    cls = Class(args.students)
    seconds = args.minutes * 60
    t = await start_class(url, cls)
    t_end = time.monotonic() + 60 + args.idle + seconds + FOLLOW_TIMEOUT + 30
    joined: list[int] = []
    students = [asyncio.create_task(student(i, url, cls, t_end, joined))
                for i in range(args.students)]
    while not cls_ready.is_set() and not all(task.done() for task in students):
        await asyncio.sleep(0.1)
    # Idle: everyone in and listening, nothing changes.
    await asyncio.sleep(2)
    cpu0, w0 = cpu_of(pids), time.monotonic()
    await asyncio.sleep(args.idle)
    idle_cpu = (cpu_of(pids) - cpu0) / (time.monotonic() - w0)
    cpu1, w1 = cpu_of(pids), time.monotonic()
    await _teacher_loop(t, cls, args, w1, w1 + seconds)
    active_cpu = (cpu_of(pids) - cpu1) / (time.monotonic() - w1)
    wall = time.monotonic() - w1
    await t.close()
    for task in students:
        task.cancel()
    await asyncio.gather(*students, return_exceptions=True)
    return cls, idle_cpu, active_cpu, wall


async def _teacher_loop(t, cls, args, t_start, t_end) -> None:
    seed = 1
    asks = [t_start + (t_end - t_start) * f for f in (1 / 6, 3 / 6, 5 / 6)]
    next_change = time.monotonic()
    while time.monotonic() < t_end:
        now = time.monotonic()
        if asks and now >= asks[0]:
            asks.pop(0)
            await t.set("class_ask", True)
            await asyncio.sleep(8)
            await t.rerun()
            await t.set("class_reveal", True)
            continue
        if now >= next_change:
            seed += 1
            cls.changes[seed] = (time.perf_counter(), 0)
            cls.followed[seed] = 0
            # As the browser does: the bound widget's new value goes into the URL it sends.
            query = dict(urllib.parse.parse_qsl(t.query))
            query["q_seed"] = str(seed)
            t.query = urllib.parse.urlencode(query)
            await t.set("q_seed", seed)
            next_change = now + args.every
        await asyncio.sleep(0.05)
    await asyncio.sleep(FOLLOW_TIMEOUT)  # the last change's followers
    for seed, count in cls.followed.items():
        if count < cls.n:
            cls.errors.append(f"change to question {seed}: {cls.n - count} of {cls.n} "
                              f"students did not follow within the run")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--minutes", type=float, default=3.0)
    p.add_argument("--every", type=float, default=5.0, help="seconds between teacher changes")
    p.add_argument("--idle", type=float, default=30.0,
                   help="seconds of idle following measured before the changes start")
    p.add_argument("--replicas", type=int, default=1, help="1: one server; 2+: behind nginx")
    p.add_argument("--redis", action="store_true", help="the Redis store (redis-server)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    with contextlib.ExitStack() as stack:
        data = stack.enter_context(tempfile.TemporaryDirectory(prefix="cnnviz-class-"))
        env = {"CNNVIZ_DATA_DIR": data}
        if args.redis:
            env["CNNVIZ_REDIS_URL"] = stack.enter_context(running_redis())
        if args.replicas > 1:
            cluster = stack.enter_context(running_cluster(args.replicas, env=env))
            url, pids = cluster.url, list(cluster.pids)
            store = "Redis" if args.redis else "SQLite"
            where = f"{args.replicas} replicas behind nginx, {store}"
        else:
            os.environ.update(env)
            log = Path(data) / "server.log"
            url = stack.enter_context(running_app(ROOT / "app.py", cwd=ROOT, log=log,
                                                  env=env, timeout=90))
            port = urllib.parse.urlsplit(url).port
            pids = [load.listener_pid(port)]
            where = f"one server, {'Redis' if args.redis else 'SQLite'}"
        client0 = time.process_time()
        cls, idle_cpu, active_cpu, wall = asyncio.run(run(url, args, pids))
        client_cpu = time.process_time() - client0
        load_avg = os.getloadavg()
    lat = np.array(cls.latencies) * 1000
    p50 = float(np.quantile(lat, 0.5)) if lat.size else float("nan")
    p95 = float(np.quantile(lat, 0.95)) if lat.size else float("nan")
    print(f"cnnviz class benchmark: {where}; {args.students} students, {args.minutes:g} min, "
          f"a change every {args.every:g} s, 3 questions; machine: {os.cpu_count()} cores "
          f"(shared: other work may be running)")
    print(f"changes followed: {len(cls.latencies)} (students × changes); "
          f"max {float(lat.max()) if lat.size else float('nan'):.0f} ms")
    heard = np.array(cls.heard) * 1000
    if heard.size:
        print(f"push event received (teacher's change sent → event, this client): p50 "
              f"{np.quantile(heard, 0.5):.0f} ms p95 {np.quantile(heard, 0.95):.0f} ms")
    print(f"idle: {args.students} followers, nothing changing: server CPU "
          f"{100 * idle_cpu:.1f} % of one core over {args.idle:g} s")
    print(f"this client's own CPU: {client_cpu:.1f} s (it shares the machine's cores with the "
          f"server); load average at the end: {load_avg[0]:.2f}")
    print(f"during the class: server CPU {100 * active_cpu:.1f} % of one core over {wall:.0f} s; "
          f"{cls.wakes} wake reruns and {cls.sent} answers: about "
          f"{1000 * active_cpu * wall / max(1, cls.wakes + cls.sent):.0f} ms of server CPU each "
          f"(the teacher's runs included)")
    for line in cls.errors[:40]:
        print("error:", line)
    print(f"class {args.students} follow p50 {p50:.0f} ms p95 {p95:.0f} ms answers "
          f"{cls.accepted}/{cls.sent} errors {len(cls.errors)} server CPU {100 * active_cpu:.0f} %")
    return 0 if not cls.errors else 1


if __name__ == "__main__":
    sys.exit(main())

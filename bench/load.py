"""A classroom against the running app: N concurrent sessions speaking Streamlit's own protocol.

Each session is what a browser tab does on the wire, without the browser:

- **load**: ``GET /`` (the page; behind ``deploy/nginx.conf`` it also sets
  the sticky-session cookie), ``/_stcore/health`` (which sets the XSRF cookie)
  and ``/_stcore/host-config``, the websocket ``/_stcore/stream``, and the
  first script run, until Streamlit reports ``script_finished``;
- **upload**: switches the sidebar's source to Upload, asks the server for an
  upload URL (``file_urls_request``), PUTs a generated PNG there over HTTP as
  the frontend does, and reruns with the file uploader's new state;
- then, until the time is up, with a think time between actions: kernel
  **preset** changes, **padding** and **stride** changes, **page** switches
  (Playground, Step by step, Colour volumes, Pooling and the others), and
  animation **step**\\ s on Step by step (the state the animation reports
  when it comes to rest).

A widget change is a ``BackMsg.rerun_script`` carrying that widget's new
``WidgetState`` (inside a fragment, with the fragment's id, as the browser
sends it); widget ids are read from the elements the server sent. The
**latency** of an interaction is from sending the ``BackMsg`` to the
``ForwardMsg.script_finished`` of that run (for an upload, from asking for the
upload URL, so the HTTP PUT is included).

**Errors**: an exception element in any run, a session that does not finish
loading, a websocket that closes, an interaction that times out, and a check
that fails. The checks make sure the client really drives the app: after a
preset change the run shows that kernel's description, after an upload the
input panel has the uploaded image's shape, after a page switch the new page
runs, after an animation step the link carries that step.

The server's resident memory (the process and its children, from ``/proc``)
is sampled every second; the peak and the final value are printed. Its last
line is ``sessions N p95 X ms errors N peak RSS M MB``.

Run from the repository root::

    python bench/load.py --sessions 30 --minutes 3              # starts the app itself
    python bench/load.py --sessions 30 --minutes 3 --stagger 10 # open over 10 s, not at once
    python bench/load.py --url http://127.0.0.1:8080 --pid 1234 --pid 1235  # a running server

By default every session opens at the same moment (the classroom's worst
case); ``--stagger S`` spreads the openings over S seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import io
import json
import os
import platform
import random
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402  (a Streamlit dependency, listed in requirements-dev.txt)
from PIL import Image  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from cnnviz.core.kernels import KERNELS  # noqa: E402
from cnnviz.data.pixels import fit_shape  # noqa: E402
from tests.e2e.server import running_app  # noqa: E402

#: Runs that end a script run (the rest, FINISHED_EARLY_FOR_RERUN, go on).
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
        ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
#: Page switches, weighted: the lessons a class spends its time on come up more (a page not
#: named here, weight 1).
PAGE_WEIGHTS = {
    "Playground": 4, "Step by step": 3, "Colour volumes and filter banks": 2, "Pooling": 2,
    "Shapes and parameters": 1, "Receptive field": 1, "Convolution as a matrix": 1,
    "Correlation vs convolution": 1, "Transposed convolution and dilation": 1,
    "Learn a kernel": 1, "A small CNN on handwritten digits": 1,
}
#: What a student does on a page, besides reading it.
ACTIONS = {
    "Playground": ("preset", "preset", "padding", "stride"),
    "Step by step": ("step", "step", "step", "preset"),
}
KINDS = ("load", "upload", "preset", "padding", "stride", "page", "step")
WORKING_SIZE = 128  # the sidebar's default working size


class CheckFailed(Exception):
    """The app did not show what the interaction should have made it show."""


@dataclass
class Stats:
    """Latencies per interaction kind, errors with their reasons, what the server did."""

    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    pages: dict[str, list[float]] = field(default_factory=dict)  # page switches per page
    errors: list[str] = field(default_factory=list)
    loaded: int = 0
    rss: list[tuple[float, int]] = field(default_factory=list)
    load_avg: list[float] = field(default_factory=list)
    replicas: dict[str, int] = field(default_factory=dict)  # sessions per replica (nginx)
    client_cpu: float = 0.0  # this script's own CPU seconds: it shares the machine

    def error(self, who: str, what: str) -> None:
        self.errors.append(f"{who}: {what}")


def _quantile(values: list[float], q: float) -> float:
    return float(np.quantile(values, q)) if values else float("nan")


def _user_key(element_id: str) -> str | None:
    """The key a page gave a widget, read from the widget's id as the server sends it.

    On the wire a widget's id is ``$$ID-<hash>-<key>`` (``-None`` without a
    key): the client reads what the browser receives, so it imports nothing
    from Streamlit's server runtime, only the protocol's messages.

    >>> _user_key("$$ID-9f2c-preset"), _user_key("$$ID-9f2c-None")
    ('preset', None)
    """
    key = element_id.split("-", maxsplit=2)[-1]
    return None if key == "None" else key


class Session:
    """One browser tab's worth of protocol: a cookie jar, a websocket, the page's widgets."""

    def __init__(self, url: str, name: str, *, timeout: float):
        self.url = url.rstrip("/")
        self.name = name
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.replicas: set[str] = set()  # the replicas that answered this session's requests
        self.ws = None
        self.session_id = ""
        self.query = ""
        self.pages: dict[str, str] = {}  # page name -> script hash
        self.page_hash = ""
        self.widgets: dict[str, tuple[str, object, str]] = {}  # key -> (type, element, fragment)
        self.run_elements: list[object] = []  # the elements of the current run
        self.exceptions: list[str] = []
        self.closed: str | None = None
        self._done: asyncio.Event = asyncio.Event()
        self._status = None
        self._new_hash = ""
        self._urls: dict[str, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None

    # -- HTTP, as the browser does it ------------------------------------------------------
    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _http(self, method: str, path: str, body: bytes | None = None,
              headers: dict | None = None) -> bytes:
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers={"Cookie": self._cookie_header(), **(headers or {})})
        sticky = "cnnviz_lb" in self.cookies
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            # Behind deploy/nginx.conf: which replica answered, once the sticky cookie is set.
            if sticky and resp.headers.get("X-Cnnviz-Replica"):
                self.replicas.add(resp.headers["X-Cnnviz-Replica"])
            for raw in resp.headers.get_all("Set-Cookie") or []:
                name, _, rest = raw.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return resp.read()

    # -- the websocket -----------------------------------------------------------------------
    async def open(self) -> None:
        """Load the page, open the websocket and wait for the first run to finish."""
        html = await asyncio.to_thread(self._http, "GET", "/")
        if b"<html" not in html.lower():
            raise CheckFailed("GET / did not return the page")
        # As the frontend does before it connects; the health check sets the XSRF cookie
        # that the upload's PUT must echo in its X-Xsrftoken header.
        for path in ("/_stcore/health", "/_stcore/host-config"):
            await asyncio.to_thread(self._http, "GET", path)
        ws_url = "ws" + self.url[4:] + "/_stcore/stream"
        headers = {"Cookie": self._cookie_header()} if self.cookies else None
        # Origin as a browser sends it: Streamlit checks it against Host (and so does the
        # nginx front's Host header).
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                           origin=self.url,
                                           additional_headers=headers, open_timeout=self.timeout,
                                           ping_interval=None)
        replica = self.ws.response.headers.get("X-Cnnviz-Replica")
        if replica and "cnnviz_lb" in self.cookies:
            self.replicas.add(replica)
        self._reader = asyncio.create_task(self._read())
        await self.rerun()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except websockets.ConnectionClosed as err:
            self.closed = f"websocket closed: {err}"
        except Exception as err:  # a message we cannot read is the server's fault too
            self.closed = f"reader failed: {err!r}"
        else:
            self.closed = "websocket closed by the server"
        self._done.set()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self._new_hash = msg.new_session.page_script_hash
        elif kind == "navigation":
            self.pages = {p.page_name: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            self.run_elements.append(element)
            if etype == "exception":
                self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            wid = getattr(getattr(element, etype), "id", "") if etype else ""
            key = _user_key(wid) if isinstance(wid, str) and wid else None
            if key:
                self.widgets[key] = (etype, element, msg.delta.fragment_id)
        elif kind == "file_urls_response":
            fut = self._urls.pop(msg.file_urls_response.response_id, None)
            if fut is not None and not fut.done():
                fut.set_result(msg.file_urls_response)
        elif kind == "script_finished" and msg.script_finished in DONE:
            self._status = msg.script_finished
            self._done.set()

    async def _send(self, back: BackMsg) -> None:
        if self.closed:
            raise ConnectionError(self.closed)
        await self.ws.send(back.SerializeToString())

    async def rerun(self, states: list[WidgetState] = (), *, fragment: str = "",
                    page: str | None = None) -> float:
        """Send one rerun (a widget change, a page switch or the first load); seconds to finish."""
        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = page if page is not None else self.page_hash
        cs.fragment_id = fragment
        cs.widget_states.widgets.extend(states)
        cs.context_info.timezone = "Europe/Berlin"
        cs.context_info.locale = "en-GB"
        cs.context_info.url = self.url + "/"
        self._done.clear()
        self._status = None
        self.run_elements = []
        self.exceptions = []
        t0 = time.perf_counter()
        await self._send(back)
        try:
            await asyncio.wait_for(self._done.wait(), self.timeout)
        except TimeoutError:
            raise TimeoutError(f"no script_finished within {self.timeout:.0f} s") from None
        dt = time.perf_counter() - t0
        if self.closed:
            raise ConnectionError(self.closed)
        if self._status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            raise CheckFailed("the script did not compile")
        if self.exceptions:
            raise CheckFailed("exception shown: " + self.exceptions[0][:300])
        return dt

    # -- widgets -----------------------------------------------------------------------------
    def widget(self, key: str) -> tuple[str, object, str]:
        if key not in self.widgets:
            raise CheckFailed(f"no widget {key!r} on this page")
        return self.widgets[key]

    def state(self, key: str, value: object) -> tuple[WidgetState, str]:
        """The WidgetState the browser would send for ``key`` set to ``value``, and its fragment."""
        etype, element, fragment = self.widget(key)
        proto = getattr(element, etype)
        ws = WidgetState(id=proto.id)
        if etype in ("radio", "selectbox"):
            if value not in proto.options:
                raise CheckFailed(f"{key!r} has no option {value!r}")
            ws.string_value = str(value)
        elif etype == "number_input":
            ws.double_value = float(value)
        elif etype == "checkbox":
            ws.bool_value = bool(value)
        elif etype == "button":
            ws.trigger_value = True
        elif etype == "bidi_component":
            ws.json_value = json.dumps(value)
        else:
            raise CheckFailed(f"{key!r} is a {etype}, which this client does not set")
        return ws, fragment

    async def set(self, key: str, value: object) -> float:
        ws, fragment = self.state(key, value)
        return await self.rerun([ws], fragment=fragment)

    def shown(self, text: str) -> bool:
        """Whether this run's elements contain ``text`` (JSON-escaped in a chart's spec, too)."""
        escaped = json.dumps(text)[1:-1].encode()
        plain = text.encode()
        for element in self.run_elements:
            blob = element.SerializeToString()
            if plain in blob or escaped in blob:
                return True
        return False

    # -- interactions ------------------------------------------------------------------------
    async def upload(self, png: bytes, name: str, expected: str) -> float:
        """Source → Upload, then the file as the frontend sends it; time from asking to shown."""
        if self.widgets.get("src") is None:
            raise CheckFailed("no image source radio")
        await self.set("src", "Upload")
        uploader = self.widget("upload")[1].file_uploader
        t0 = time.perf_counter()
        request_id = uuid.uuid4().hex
        fut = asyncio.get_running_loop().create_future()
        self._urls[request_id] = fut
        back = BackMsg()
        back.file_urls_request.request_id = request_id
        back.file_urls_request.session_id = self.session_id
        back.file_urls_request.file_names.append(name)
        await self._send(back)
        urls = (await asyncio.wait_for(fut, self.timeout)).file_urls[0]
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n").encode() + png + \
            f"\r\n--{boundary}--\r\n".encode()
        path = urllib.parse.urlsplit(urls.upload_url).path
        await asyncio.to_thread(self._http, "PUT", path, body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": urllib.parse.unquote(self.cookies.get("_streamlit_xsrf", "")).strip('"'),
        })
        ws = WidgetState(id=uploader.id)
        info = ws.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = urls.file_id, name, len(png)
        info.file_urls.CopyFrom(urls)
        await self.rerun([ws], fragment=self.widget("upload")[2])
        if not self.shown(expected):
            raise CheckFailed(f"after the upload the page does not show {expected!r}")
        return time.perf_counter() - t0

    async def preset(self, rng: random.Random) -> float:
        etype, element, _ = self.widget("preset")
        options = [o for o in element.selectbox.options if not o.startswith("Custom")]
        by_title = {k.title: k for k in KERNELS.values()}
        current = element.selectbox.raw_value if element.selectbox.HasField("raw_value") else None
        title = rng.choice([o for o in options if o != current and o in by_title])
        dt = await self.set("preset", title)
        meaning = by_title[title].meaning[:60]
        if not self.shown(meaning):
            raise CheckFailed(f"after choosing {title!r} the page does not describe it")
        # The box now holds this preset; remember it so the next change is to another one.
        self.widgets["preset"][1].selectbox.raw_value = title
        return dt

    async def page(self, name: str) -> float:
        target = self.pages.get(name)
        if target is None:
            raise CheckFailed(f"no page {name!r} in the navigation")
        self.widgets = {}
        self.query = ""  # a page switch keeps no link values of the old page
        dt = await self.rerun(page=target)
        if self._new_hash != target:
            raise CheckFailed(f"the run after switching to {name!r} ran another page")
        self.page_hash = target
        return dt

    async def step(self, rng: random.Random) -> float:
        etype, element, _ = self.widget("anim_view")
        data = json.loads(element.bidi_component.json)
        meta = json.loads(data["payload"])
        n_steps, cols = int(meta["n_steps"]), int(meta["out_shape"][1])
        step = rng.randrange(1, n_steps) if n_steps > 1 else 0
        row, col = divmod(step, cols)
        dt = await self.set("anim_view", {"view": {"step": step, "row": row, "col": col,
                                                   "speed": 2.0}})
        if step and f"step={step}" not in self.query.split("&"):
            raise CheckFailed(f"after stepping to {step} the link says {self.query!r}")
        return dt


def photo(index: int) -> tuple[bytes, str, str]:
    """A PNG for session ``index`` with its own size, its name, and the input panel's title."""
    rng = np.random.default_rng(index)
    h, w = 150 + index % 50, 200
    base = np.add.outer(np.linspace(0, 180, h), np.linspace(0, 60, w))
    pixels = np.clip(base[..., None] + rng.normal(0, 20, (h, w, 3)), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    rows, cols = fit_shape((h, w), WORKING_SIZE)
    return buf.getvalue(), f"student_{index}.png", f"Input a: {rows} × {cols}"


async def student(index: int, url: str, args, stats: Stats, t_end: float,
                  start_delay: float) -> None:
    """One session: load, upload, then page visits and actions until ``t_end``."""
    rng = random.Random(args.seed * 1000 + index)
    who = f"session {index}"
    await asyncio.sleep(start_delay)
    s = Session(url, who, timeout=args.timeout)
    try:
        t0 = time.perf_counter()
        try:
            await s.open()
        except Exception as err:
            stats.error(who, f"did not load: {err!r}"[:300])
            return
        stats.times["load"].append(time.perf_counter() - t0)
        stats.loaded += 1
        for replica in s.replicas:
            stats.replicas[replica] = stats.replicas.get(replica, 0) + 1
        await asyncio.sleep(rng.uniform(*args.think))
        png, name, expected = photo(index)
        todo: list[str] = ["upload"]
        # Every page in the app's navigation, the ones a class spends its time on more often.
        names = sorted(s.pages)
        weights = [PAGE_WEIGHTS.get(name, 1) for name in names]
        current = "Playground"
        while time.monotonic() < t_end:
            if not todo:
                current = rng.choices(names, weights)[0]
                todo = ["page"] + rng.sample(ACTIONS.get(current, ()),
                                             k=min(2, len(ACTIONS.get(current, ()))))
            kind = todo.pop(0)
            try:
                if kind == "upload":
                    dt = await s.upload(png, name, expected)
                elif kind == "page":
                    dt = await s.page(current)
                elif kind == "preset":
                    dt = await s.preset(rng)
                elif kind == "padding":
                    dt = await s.set("pad", rng.choice(["valid", "same", "full"]))
                elif kind == "stride":
                    dt = await s.set("s_h", rng.choice([1, 2, 3]))
                else:
                    dt = await s.step(rng)
                stats.times[kind].append(dt)
                if kind == "page":
                    stats.pages.setdefault(current, []).append(dt)
            except Exception as err:
                stats.error(who, f"{kind} on {current}: {err!r}"[:300])
                if s.closed:
                    return
                if isinstance(err, TimeoutError):
                    return  # the session is stuck: count it once, not every action after it
            await asyncio.sleep(rng.uniform(*args.think))
    finally:
        await s.close()
        if len(s.replicas) > 1:
            stats.error(who, f"moved between replicas {sorted(s.replicas)}")


# -- the server's memory -------------------------------------------------------------------
def listener_pid(port: int) -> int | None:
    """The pid of the process listening on TCP ``port`` (from /proc, no extra package)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                parts = line.split()
                if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "0A":
                    inodes.add(parts[9])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(pid)
    return None


def family(pids: list[int]) -> set[int]:
    """``pids`` and all their descendants."""
    parents: dict[int, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as f:
            parents[int(pid)] = int(f.read().rsplit(")", 1)[1].split()[1])
    found = set(pids)
    grew = True
    while grew:
        new = {p for p, pp in parents.items() if pp in found and p not in found}
        found |= new
        grew = bool(new)
    return found


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in family(pids):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in family(pids):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def sampler(pids: list[int], stats: Stats, stop: asyncio.Event) -> None:
    t0 = time.monotonic()
    while not stop.is_set():
        if pids:
            stats.rss.append((time.monotonic() - t0, rss_bytes(pids)))
        stats.load_avg.append(os.getloadavg()[0])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


# -- the run -------------------------------------------------------------------------------
async def drive(url: str, args, pids: list[int]) -> tuple[Stats, float, float]:
    stats = Stats()
    stop = asyncio.Event()
    sample = asyncio.create_task(sampler(pids, stats, stop))
    cpu0 = cpu_seconds(pids) if pids else 0.0
    client0 = time.process_time()
    t0 = time.monotonic()
    t_end = t0 + args.minutes * 60
    delays = [args.stagger * i / max(args.sessions - 1, 1) for i in range(args.sessions)]
    await asyncio.gather(*(student(i, url, args, stats, t_end, delays[i])
                           for i in range(args.sessions)))
    wall = time.monotonic() - t0
    cpu = (cpu_seconds(pids) - cpu0) if pids else float("nan")
    stats.client_cpu = time.process_time() - client0
    await asyncio.sleep(2.0)  # the server lets go of the closed sessions: "final" RSS after it
    stop.set()
    await sample
    if pids:
        stats.rss.append((time.monotonic() - t0, rss_bytes(pids)))
    return stats, wall, cpu


def report(stats: Stats, args, *, url: str, wall: float, cpu: float, start_load: tuple,
           pids: list[int]) -> str:
    mb = 1024 * 1024
    lines = []
    lines.append(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; machine: "
                 f"{os.cpu_count()} CPUs, {platform.machine()}, Python "
                 f"{platform.python_version()}")
    lines.append(f"server: {url} (pids {', '.join(map(str, pids)) or 'unknown'}); "
                 f"{args.sessions} sessions opened "
                 + ("all at once" if args.stagger == 0 else f"over {args.stagger:g} s")
                 + f", {args.minutes:g} min, think time {args.think[0]:g}-{args.think[1]:g} s, "
                 f"seed {args.seed}")
    la = stats.load_avg or [float("nan")]
    lines.append(f"load average (1 min): {start_load[0]:.2f} before, mean {np.mean(la):.2f}, "
                 f"max {max(la):.2f} during, {os.getloadavg()[0]:.2f} after")
    all_times = [t for kind in KINDS for t in stats.times[kind]]
    lines.append(f"interactions: {len(all_times)} in {wall:.0f} s "
                 f"({len(all_times) / max(wall, 1e-9):.1f}/s); sessions loaded "
                 f"{stats.loaded}/{args.sessions}"
                 + (f"; server CPU {cpu:.0f} s ({cpu / max(wall, 1e-9):.2f} cores, "
                    f"{1000 * cpu / max(len(all_times), 1):.0f} ms per interaction)"
                    if cpu == cpu else "")
                 + f"; this client's CPU {stats.client_cpu:.0f} s")
    if stats.replicas:
        lines.append("sessions per replica (nginx's X-Cnnviz-Replica): " + ", ".join(
            f"{addr} {n}" for addr, n in sorted(stats.replicas.items())))
    lines.append("")
    lines.append("| interaction | n | p50 ms | p95 ms | max ms |")
    lines.append("|---|---:|---:|---:|---:|")
    for kind in (*KINDS, "all"):
        values = all_times if kind == "all" else stats.times[kind]
        if not values:
            continue
        lines.append(f"| {kind} | {len(values)} | {1000 * _quantile(values, .5):.0f} | "
                     f"{1000 * _quantile(values, .95):.0f} | {1000 * max(values):.0f} |")
        if kind == "page":
            for name in sorted(stats.pages, key=lambda n: -_quantile(stats.pages[n], .95)):
                values = stats.pages[name]
                lines.append(f"| page → {name} | {len(values)} | "
                             f"{1000 * _quantile(values, .5):.0f} | "
                             f"{1000 * _quantile(values, .95):.0f} | {1000 * max(values):.0f} |")
    lines.append("")
    if stats.rss:
        rss = [r for _, r in stats.rss]
        minutes: dict[int, int] = {}
        for t, r in stats.rss:  # does it level off? the peak of each minute
            minutes[int(t // 60)] = max(minutes.get(int(t // 60), 0), r)
        lines.append(f"server RSS: start {rss[0] / mb:.0f} MB, peak {max(rss) / mb:.0f} MB, "
                     f"final {rss[-1] / mb:.0f} MB; peak of each minute: "
                     + ", ".join(f"{r / mb:.0f}" for _, r in sorted(minutes.items())) + " MB")
    lines.append(f"errors: {len(stats.errors)}")
    for err in stats.errors[:20]:
        lines.append(f"  {err}")
    if len(stats.errors) > 20:
        lines.append(f"  ... and {len(stats.errors) - 20} more")
    p95 = 1000 * _quantile(all_times, .95) if all_times else float("nan")
    peak = max((r for _, r in stats.rss), default=0) / mb
    lines.append(f"sessions {args.sessions} p95 {p95:.0f} ms errors {len(stats.errors)} "
                 f"peak RSS {peak:.0f} MB")
    return "\n".join(lines)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sessions", type=int, default=30, help="concurrent sessions (30)")
    p.add_argument("--minutes", type=float, default=3.0, help="how long they work (3)")
    p.add_argument("--url", help="drive this running server (or nginx front) instead of "
                                 "starting one")
    p.add_argument("--pid", type=int, action="append", default=[],
                   help="with --url: a server process whose memory to sample (repeatable; "
                        "default: whatever listens on the URL's port)")
    p.add_argument("--seed", type=int, default=0, help="what each session does (0)")
    p.add_argument("--stagger", type=float, default=0.0,
                   help="open the sessions over this many seconds (0: all at once)")
    p.add_argument("--think", default="2-6",
                   help="seconds a student waits between actions, MIN-MAX (2-6)")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds before an interaction counts as an error (60)")
    p.add_argument("--app-dir", default=str(ROOT), help="the checkout to start (this one)")
    args = p.parse_args(argv)
    lo, _, hi = args.think.partition("-")
    args.think = (float(lo), float(hi or lo))
    if args.sessions < 1 or args.minutes <= 0:
        p.error("--sessions must be at least 1 and --minutes above 0")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    start_load = os.getloadavg()
    with contextlib.ExitStack() as stack:
        if args.url:
            url = args.url.rstrip("/")
            pids = args.pid
            if not pids:
                port = urllib.parse.urlsplit(url).port or 80
                pid = listener_pid(port)
                pids = [pid] if pid else []
        else:
            app_dir = Path(args.app_dir).resolve()
            log = Path(tempfile.mkdtemp(prefix="cnnviz_load_")) / "server.log"
            url = stack.enter_context(running_app(app_dir / "app.py", cwd=app_dir, log=log))
            pid = listener_pid(urllib.parse.urlsplit(url).port)
            pids = [pid] if pid else []
            print(f"started the app at {url} (log {log})", flush=True)
        stats, wall, cpu = asyncio.run(drive(url, args, pids))
    print(report(stats, args, url=url, wall=wall, cpu=cpu, start_load=start_load, pids=pids))
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())

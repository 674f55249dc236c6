"""The push route that wakes following students: server-sent events on ``st.App(routes=...)``.

Streamlit cannot rerun another session from outside, and a fragment polling the
store in every student's session costs the server about 65 % of a core for a
class of thirty while nothing changes (issue 20). So each student's page holds
one small component (``static/classroom.js``) with an ``EventSource`` on
``/api/class/CODE/events``; when the room's version grows, the browser asks its
own session for one rerun, which applies the teacher's view.

One :class:`Hub` per server process watches each room that has listeners: one
store read every :data:`POLL` seconds per room (not per student), and at once
when a teacher's session in this process publishes (:func:`nudge`). Across
replicas the store is the only channel: each replica's hub reads the version
from it. Redis pub/sub is not used: it keeps nothing.

The route is read-only (GET; anything else is 405) and sends version numbers
only: never the view, the key, a question or a name. A room code that is not
well formed is a 404, so the route reads nothing for it. A well-formed code of
no room is told "gone", so the route could tell live codes from dead ones: a
client that asks about :data:`MISSES_ALLOWED` missing rooms within
:data:`MISS_WINDOW` seconds gets 429 for every code until the window passes,
as a session gets a limit on wrong codes typed into the join box.

No Streamlit import: the route runs on the server's event loop, beside
Streamlit's own routes.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from cnnviz.data import rooms

__all__ = ["PATH", "POLL", "Hub", "nudge", "routes", "shared_store"]

#: Where a room's events are served (below the server's base path).
PATH = "/api/class/{code}/events"
#: Seconds between two reads of a watched room's version (per room, per process).
POLL = 0.25
#: Seconds between keep-alive comments (proxies close idle streams).
KEEPALIVE = 15.0
#: Missing rooms one client may ask about per :data:`MISS_WINDOW` seconds (then 429).
MISSES_ALLOWED = 20
MISS_WINDOW = 60.0
#: Clients whose misses are remembered at most (the oldest are forgotten first).
_MISS_CLIENTS = 10_000

_store_lock = threading.Lock()
_store: rooms.RoomStore | None = None


def shared_store() -> rooms.RoomStore:
    """This process's room store (:func:`cnnviz.data.rooms.make_store`), made once."""
    global _store  # noqa: PLW0603 - one store per process, shared by sessions and the route
    with _store_lock:
        if _store is None:
            _store = rooms.make_store()
        return _store


class Hub:
    """Per-process watcher: room code → the queues of its listeners, one poller per room."""

    def __init__(self, store: Any = None, *, poll: float = POLL) -> None:
        self._store = store
        self.poll = poll
        self.listeners: dict[str, set[asyncio.Queue]] = {}
        self.wakeups: dict[str, asyncio.Event] = {}
        self.tasks: dict[str, asyncio.Task] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.misses: dict[str, list[float]] = {}  # client → times it asked for no room

    @staticmethod
    def client(request: Request) -> str:
        """Who asks: the peer, or behind a proxy on loopback (deploy/'s nginx) the address
        it added last to X-Forwarded-For (one a client sends itself comes before it)."""
        peer = request.client.host if request.client else ""
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded and peer in ("127.0.0.1", "::1"):
            return forwarded.split(",")[-1].strip()[:64]
        return peer

    def _limited(self, client: str, now: float) -> bool:
        recent = [t for t in self.misses.get(client, ()) if now - t < MISS_WINDOW]
        if recent:
            self.misses[client] = recent
        else:
            self.misses.pop(client, None)
        return len(recent) >= MISSES_ALLOWED

    def _missed(self, client: str, now: float) -> None:
        self.misses.setdefault(client, []).append(now)
        while len(self.misses) > _MISS_CLIENTS:
            del self.misses[next(iter(self.misses))]

    @property
    def store(self) -> rooms.RoomStore:
        return self._store if self._store is not None else shared_store()

    async def _read(self, code: str) -> int | None | str:
        """The room's version, None when gone, "down" when the store is unreachable."""
        try:
            return await asyncio.to_thread(self.store.version, code)
        except rooms.StoreDown:
            return "down"

    async def _watch(self, code: str) -> None:
        last: Any = object()
        wake = self.wakeups[code]
        while self.listeners.get(code):
            now = await self._read(code)
            if now != last:
                last = now
                for queue in list(self.listeners.get(code, ())):
                    queue.put_nowait(now)
            wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wake.wait(), self.poll)
        self.tasks.pop(code, None)
        self.wakeups.pop(code, None)

    def nudge(self, code: str) -> None:
        """Read room ``code`` now (thread-safe: a session's script thread calls it)."""
        loop, wake = self.loop, self.wakeups.get(code)
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closing
                loop.call_soon_threadsafe(wake.set)

    async def stream(self, code: str, since: int,
                     first: int | None | str = "unread") -> AsyncIterator[str]:
        """Server-sent events for one listener: ``version`` (a number), ``gone``, ``down``.

        ``first``: the room's state as the endpoint just read it (else read here)."""
        self.loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        self.listeners.setdefault(code, set()).add(queue)
        if code not in self.tasks:
            self.wakeups[code] = asyncio.Event()
            self.tasks[code] = asyncio.create_task(self._watch(code))
        # Where the room is now, for this listener.
        queue.put_nowait(await self._read(code) if first == "unread" else first)
        told_down = False  # the stream's own read and the watcher's may both find it down
        try:
            yield "retry: 1000\n\n"
            while True:
                try:
                    now = await asyncio.wait_for(queue.get(), KEEPALIVE)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if now is None:
                    yield "event: gone\ndata: 0\n\n"
                    return
                if now == "down":
                    if not told_down:  # once per outage
                        told_down = True
                        yield "event: down\ndata: 0\n\n"
                    continue
                told_down = False
                if now > since:
                    since = now
                    yield f"event: version\ndata: {now}\n\n"
        finally:
            self.listeners.get(code, set()).discard(queue)
            if not self.listeners.get(code):
                self.listeners.pop(code, None)
                self.nudge(code)  # the watcher sees no listeners and ends

    async def endpoint(self, request: Request) -> Response:
        """``GET /api/class/CODE/events?since=V``."""
        if request.method != "GET":
            return PlainTextResponse("read-only", status_code=405)
        try:
            code = rooms.clean_code(request.path_params.get("code", ""))
        except ValueError:
            return PlainTextResponse("no such class", status_code=404)
        since_text = request.query_params.get("since", "0")
        # ASCII digits only: str.isdigit() is also true for "²", which int() refuses.
        plain = since_text.isascii() and since_text.isdigit() and len(since_text) < 12
        since = int(since_text) if plain else 0
        client, now = self.client(request), time.monotonic()
        if self._limited(client, now):
            return PlainTextResponse("too many tries: wait a minute", status_code=429)
        first = await self._read(code)
        if first is None:
            self._missed(client, now)
        return StreamingResponse(
            self.stream(code, since, first), media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


HUB = Hub()


def nudge(code: str) -> None:
    """A teacher's session in this process changed room ``code``: wake its listeners now."""
    HUB.nudge(code)


def routes() -> list[Route]:
    """The routes ``app.py`` gives ``st.App``."""
    return [Route(PATH, HUB.endpoint, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])]

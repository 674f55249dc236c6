"""The push route (cnnviz/ui/class_push.py): read-only, versions only, one poller per room."""

from __future__ import annotations

import asyncio
import concurrent.futures

from starlette.requests import Request

from cnnviz.data import rooms
from cnnviz.ui import class_push


def _run(coro):
    """``asyncio.run`` in a thread of its own: in a full pytest run the browser tests'
    sync Playwright keeps an event loop running in the main thread, where asyncio.run
    refuses to start another."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class FakeStore:
    def __init__(self):
        self.versions = {"ABCDEF": 1}
        self.reads = 0
        self.down = False

    def version(self, code):
        self.reads += 1
        if self.down:
            raise rooms.StoreDown("down")
        return self.versions.get(code)


async def _collect(hub, code, since, steps):
    """Run one listener; ``steps`` changes the store between events; returns what it got."""
    got = []
    stream = hub.stream(code, since)
    async for chunk in stream:
        if chunk.startswith("event:"):
            got.append(chunk)
            if not steps:
                break
            steps.pop(0)()
    await stream.aclose()
    return got


def test_versions_are_pushed_once_each_and_gone_ends_the_stream():
    store = FakeStore()
    hub = class_push.Hub(store, poll=0.01)

    async def scenario():
        def bump():
            store.versions["ABCDEF"] = 2

        def end():
            del store.versions["ABCDEF"]
        return await asyncio.wait_for(_collect(hub, "ABCDEF", 0, [bump, end]), 5)

    got = _run(scenario())
    assert got == ["event: version\ndata: 1\n\n", "event: version\ndata: 2\n\n",
                   "event: gone\ndata: 0\n\n"]


def test_one_poller_per_room_whatever_the_listeners():
    store = FakeStore()
    hub = class_push.Hub(store, poll=0.05)

    async def scenario():
        streams = [hub.stream("ABCDEF", 1) for _ in range(30)]
        for s in streams:
            await s.__anext__()  # "retry"
        assert len(hub.tasks) == 1
        reads = store.reads
        await asyncio.sleep(0.5)
        per_second = (store.reads - reads) / 0.5
        for s in streams:
            await s.aclose()
        await asyncio.sleep(0.1)
        return per_second

    per_second = _run(scenario())
    assert per_second <= 1 / 0.05 + 2  # one read per poll, not one per listener
    assert hub.tasks == {} and hub.listeners == {}


def test_store_down_is_told_and_following_resumes():
    store = FakeStore()
    hub = class_push.Hub(store, poll=0.01)

    async def scenario():
        store.down = True

        def back():
            store.down = False
            store.versions["ABCDEF"] = 3
        return await asyncio.wait_for(_collect(hub, "ABCDEF", 1, [back]), 5)

    assert _run(scenario()) == ["event: down\ndata: 0\n\n",
                                       "event: version\ndata: 3\n\n"]


def _call(hub, method, code, *, since=b"since=0", client="203.0.113.7", forwarded=None):
    """The route's answer to one request (from ``client``; through a proxy that wrote
    ``forwarded``)."""
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope = {"type": "http", "method": method, "path": f"/api/class/{code}/events",
             "path_params": {"code": code}, "query_string": since, "headers": headers,
             "client": (client, 5555)}
    return _run(hub.endpoint(Request(scope)))


def test_the_route_is_read_only_and_refuses_bad_codes():
    hub = class_push.Hub(FakeStore())
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert _call(hub, method, "ABCDEF").status_code == 405
    assert _call(hub, "GET", "0OIL1x").status_code == 404
    assert _call(hub, "GET", "<script>").status_code == 404
    response = _call(hub, "GET", "ABCDEF")
    assert response.media_type == "text/event-stream"
    assert response.headers["x-accel-buffering"] == "no"


def test_the_apps_routes_carry_the_push_route():
    paths = [r.path for r in class_push.routes()]
    assert paths == ["/api/class/{code}/events"]


def test_a_since_that_is_no_plain_number_starts_from_zero_instead_of_failing():
    """``str.isdigit`` is true for "²" and "①", which ``int`` refuses: that was a 500 and a
    traceback in the server's log for ``?since=%C2%B2``."""
    hub = class_push.Hub(FakeStore())
    for since in ("%C2%B2", "%E2%91%A0", "-1", "1e5", "%00", "9" * 40):
        response = _call(hub, "GET", "ABCDEF", since=f"since={since}".encode())
        assert response.status_code == 200, since
        assert response.media_type == "text/event-stream"


def test_an_outage_is_told_once():
    """The stream's own first read and the room's watcher both find the store down: the
    listener is told once, not once per read (the test above failed 1 run in 4 on it)."""
    store = FakeStore()
    hub = class_push.Hub(store, poll=0.01)

    async def scenario():
        store.down = True
        got = []
        stream = hub.stream("ABCDEF", 1)

        async def read():
            async for chunk in stream:
                if chunk.startswith("event:"):
                    got.append(chunk)
                    if "version" in chunk:
                        return

        task = asyncio.ensure_future(read())
        await asyncio.sleep(0.2)  # several watcher reads, all down
        store.down = False
        store.versions["ABCDEF"] = 3
        await asyncio.wait_for(task, 5)
        await stream.aclose()
        return got

    assert _run(scenario()) == ["event: down\ndata: 0\n\n", "event: version\ndata: 3\n\n"]


def _get(hub, code, **where):
    return _call(hub, "GET", code, **where)


def test_the_route_is_no_oracle_for_room_codes():
    """Missing rooms are told "gone", so a client sweeping codes would learn the live
    ones: after MISSES_ALLOWED misses it gets 429 for every code, live ones too, and
    other clients (even behind the same proxy) are not held back."""
    store = FakeStore()  # ABCDEF is live
    hub = class_push.Hub(store)
    allowed = class_push.MISSES_ALLOWED
    codes = [f"ABC{a}{b}{c}" for a in "GHJ" for b in "KMN" for c in "PQR"][:allowed]
    assert [_get(hub, code).status_code for code in codes] == [200] * len(codes)
    assert _get(hub, "ZZZZZZ").status_code == 429
    assert _get(hub, "ABCDEF").status_code == 429  # no answer tells a live code apart
    assert _get(hub, "ABCDEF", client="198.51.100.9").status_code == 200
    # Behind deploy/'s nginx (peer on loopback) each client counts apart, by the address
    # nginx adds last; one the client wrote itself in front of it changes nothing.
    for code in codes:
        _get(hub, code, client="127.0.0.1", forwarded="1.1.1.1, 192.0.2.5")
    spoofed = _get(hub, "ABCDEF", client="127.0.0.1", forwarded="9.9.9.9, 192.0.2.5")
    assert spoofed.status_code == 429
    assert _get(hub, "ABCDEF", client="127.0.0.1", forwarded="192.0.2.6").status_code == 200
    # A live room's listeners are not counted, however many.
    for _ in range(3 * class_push.MISSES_ALLOWED):
        assert _get(hub, "ABCDEF", client="192.0.2.77").status_code == 200

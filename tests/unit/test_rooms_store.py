"""One contract for both room stores: SQLite (embedded) and Redis (Debian's redis-server).

The Redis fixture starts a real ``redis-server`` on a free loopback port
(``deploy/redis_local.py``); ``tools/test.sh`` installs it when missing.
"""

from __future__ import annotations

import secrets
import threading
import time

import pytest

from cnnviz.data import rooms
from deploy.redis_local import redis_binary, running_redis


@pytest.fixture(scope="module")
def redis_url():
    if redis_binary() is None:
        pytest.skip("redis-server is not installed; tools/test.sh installs it")
    with running_redis() as url:
        yield url


@pytest.fixture(params=["sqlite", "redis"])
def make(request, tmp_path):
    """A factory of stores of one kind (all made by one test share the same data)."""
    made = []
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(url).flushdb()

        def factory(ttl=rooms.ROOM_TTL):
            store = rooms.RedisStore(url, ttl=ttl)
            made.append(store)
            return store
    else:
        path = tmp_path / "rooms.sqlite3"

        def factory(ttl=rooms.ROOM_TTL):
            store = rooms.SQLiteStore(path, ttl=ttl)
            made.append(store)
            return store
    yield factory
    for store in made:
        store.close_now()


@pytest.fixture
def store(make):
    return make()


def test_codes_have_no_look_alikes():
    codes = {rooms.new_code() for _ in range(2000)}
    assert all(len(c) == 6 for c in codes)
    assert not set("".join(codes)) & set("0O1IL")
    assert len(codes) > 1990


def test_teacher_key_is_128_bits_and_never_stored(store):
    key = rooms.new_key()
    assert len(key) >= 22  # 16 bytes in URL-safe base64
    code = store.create(key)
    room = store.room(code)
    assert key not in repr(room) and rooms.key_digest(key) not in repr(room)
    assert store.is_teacher(code, key)
    assert not store.is_teacher(code, rooms.new_key())
    assert not store.is_teacher(code, "")


def test_publish_needs_the_key_and_bumps_the_version(store):
    key = rooms.new_key()
    code = store.create(key)
    v0 = store.version(code)
    view = {"page": "animation", "query": {"step": "8", "k": "sobel_x"}}
    v1 = store.publish(code, key, view)
    assert v1 == v0 + 1 == store.version(code)
    assert store.room(code).view == view
    assert store.publish(code, "forged", {"page": "quiz", "query": {}}) is None
    assert store.publish(code, key + "x", {"page": "quiz", "query": {}}) is None
    assert store.room(code).view == view and store.version(code) == v1


def test_teacher_controls_refuse_a_wrong_key(store):
    key = rooms.new_key()
    code = store.create(key)
    wrong = rooms.new_key()
    assert not store.set_paused(code, wrong, True)
    assert not store.recall(code, wrong)
    assert store.ask(code, wrong, {"kind": "shape"}) is None
    assert not store.reveal(code, wrong) and not store.close(code, wrong)
    assert not store.clear(code, wrong) and not store.end(code, wrong)
    assert store.tally(code, wrong) is None and store.answers(code, wrong) is None
    room = store.room(code)
    assert not room.paused and room.recall == 0 and room.question is None


def test_pause_recall_and_every_change_bumps_the_version(store):
    key = rooms.new_key()
    code = store.create(key)
    versions = [store.version(code)]
    assert store.set_paused(code, key, True)
    versions.append(store.version(code))
    assert store.room(code).paused
    assert store.recall(code, key)
    versions.append(store.version(code))
    assert store.room(code).recall == 1
    assert store.set_paused(code, key, False)
    versions.append(store.version(code))
    assert not store.room(code).paused
    assert versions == sorted(set(versions))


def test_join_rename_and_the_cap(store, monkeypatch):
    key = rooms.new_key()
    code = store.create(key)
    assert store.join(code, "s1", "Blue Heron 17") == "ok"
    assert store.join(code, "s1", "Blue Heron 17") == "ok"  # rejoin: same student
    assert store.room(code).students == 1
    assert store.rename(code, "s1", "<b>Ann</b>\n" + "x" * 40)
    names = [a.nickname for a in _answer_all(store, code, key, ["s1"])]
    assert names == ["<b>Ann</b> " + "x" * 13]  # plain text, 24 characters at most
    assert not store.rename(code, "nobody", "Eve")
    monkeypatch.setattr(rooms, "MAX_STUDENTS", 3)
    assert store.join(code, "s2", "b") == "ok" and store.join(code, "s3", "c") == "ok"
    assert store.join(code, "s4", "d") == "full"
    assert store.join(code, "s1", "a") == "ok"  # already in: not refused
    assert store.room(code).students == 3


def _answer_all(store, code, key, sids):
    qid = store.ask(code, key, {"kind": "shape", "seed": 1, "level": 1})
    for sid in sids:
        assert store.answer(code, sid, qid, "4x4", True) == "ok"
    return store.answers(code, key)


def test_ask_answer_replace_and_counts(store):
    key = rooms.new_key()
    code = store.create(key)
    for i in range(5):
        assert store.join(code, f"s{i}", f"Student {i}") == "ok"
    qid = store.ask(code, key, {"kind": "value", "seed": 3, "level": 1})
    assert store.room(code).question == {"kind": "value", "seed": 3, "level": 1}
    assert store.answer(code, "s0", qid, "14", True) == "ok"
    assert store.answer(code, "s1", qid, "12", False) == "ok"
    assert store.answer(code, "s2", qid, "12", False) == "ok"
    tally = store.tally(code, key)
    assert (tally.answered, tally.correct, tally.joined) == (3, 1, 5)
    assert tally.histogram == {"14": 1, "12": 2}
    # A new answer replaces the old: counts move once.
    assert store.answer(code, "s1", qid, "14", True) == "ok"
    assert store.answer(code, "s1", qid, "14", True) == "ok"
    tally = store.tally(code, key)
    assert (tally.answered, tally.correct) == (3, 2)
    assert tally.histogram == {"14": 2, "12": 1}
    assert store.my_answer(code, "s1", qid) == "14"
    assert store.my_answer(code, "s4", qid) is None
    # Only joined students, only the open question.
    assert store.answer(code, "intruder", qid, "14", True) == "not joined"
    assert store.answer(code, "s3", qid + 7, "14", True) == "stale"
    rows = store.answers(code, key)
    assert sorted((a.nickname, a.answer, a.correct) for a in rows) == [
        ("Student 0", "14", True), ("Student 1", "14", True), ("Student 2", "12", False)]


def test_close_reveal_clear_and_a_new_question(store):
    key = rooms.new_key()
    code = store.create(key)
    store.join(code, "s0", "a")
    store.join(code, "s1", "b")
    qid = store.ask(code, key, {"kind": "shape"})
    assert store.answer(code, "s0", qid, "4x4", True) == "ok"
    assert store.close(code, key)
    assert store.answer(code, "s1", qid, "4x4", True) == "closed"
    assert store.room(code).closed and not store.room(code).revealed
    assert store.reveal(code, key)
    assert store.room(code).revealed
    qid2 = store.ask(code, key, {"kind": "parameters"})
    assert qid2 == qid + 1
    room = store.room(code)
    assert not room.closed and not room.revealed and room.question == {"kind": "parameters"}
    assert store.tally(code, key).answered == 0  # the last question's answers went with it
    assert store.answer(code, "s0", qid, "4x4", True) == "stale"
    assert store.answer(code, "s0", qid2, "280", True) == "ok"
    assert store.clear(code, key)
    room = store.room(code)
    assert room.question is None and store.tally(code, key).answered == 0
    assert store.answers(code, key) == []


def test_countdown_closes_answers(store):
    key = rooms.new_key()
    code = store.create(key)
    store.join(code, "s0", "a")
    qid = store.ask(code, key, {"kind": "shape"}, seconds=2.0)  # room for a loaded machine
    assert store.room(code).deadline is not None
    assert store.answer(code, "s0", qid, "1", False) == "ok"
    time.sleep(2.3)
    assert store.answer(code, "s0", qid, "2", False) == "closed"


def test_end_deletes_the_room_and_its_answers(store):
    key = rooms.new_key()
    code = store.create(key)
    store.join(code, "s0", "a")
    qid = store.ask(code, key, {"kind": "shape"})
    store.answer(code, "s0", qid, "4x4", True)
    assert store.end(code, key)
    assert store.room(code) is None and store.version(code) is None
    assert store.join(code, "s1", "b") == "gone"
    assert store.answer(code, "s0", qid, "4x4", True) == "gone"
    assert not store.is_teacher(code, key)
    assert store.my_answer(code, "s0", qid) is None


def test_rooms_expire_without_activity(make):
    store = make(ttl=3)  # seconds; margins for a loaded machine
    key = rooms.new_key()
    code = store.create(key)
    time.sleep(1.8)
    assert store.publish(code, key, {"page": "x"}) is not None  # activity keeps it alive
    time.sleep(1.8)
    assert store.room(code) is not None  # 3.6 s after creation, 1.8 s after the activity
    time.sleep(3.5)
    assert store.room(code) is None and store.join(code, "s", "a") == "gone"
    assert store.publish(code, key, {"page": "y"}) is None


def test_two_stores_share_one_room(make):
    """Two replicas (two store objects) see each other's changes."""
    a, b = make(), make()
    key = rooms.new_key()
    code = a.create(key)
    v = a.publish(code, key, {"page": "pooling", "query": {}})
    assert b.version(code) == v and b.room(code).view["page"] == "pooling"
    assert b.join(code, "s0", "a") == "ok" and a.room(code).students == 1


def test_thirty_students_answer_at_once(make):
    """Concurrent answers from many threads (one connection each) all count exactly once."""
    store = make()
    key = rooms.new_key()
    code = store.create(key)
    for i in range(30):
        store.join(code, f"s{i}", f"n{i}")
    qid = store.ask(code, key, {"kind": "shape"})
    errors = []

    def student(i):
        try:
            for guess in ("1", "2", "3"):
                assert store.answer(code, f"s{i}", qid, guess, guess == "3") == "ok"
        except Exception as err:  # noqa: BLE001 - collected for the assert below
            errors.append(err)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    tally = store.tally(code, key)
    assert (tally.answered, tally.correct, tally.histogram) == (30, 30, {"3": 30})


def test_view_size_is_bounded(store):
    key = rooms.new_key()
    code = store.create(key)
    with pytest.raises(ValueError, match="view"):
        store.publish(code, key, {"page": "x", "query": {"k": "1" * 20_000}})


def test_clean_code_and_text():
    assert rooms.clean_code("abc-def".replace("c", "h")) == "ABHDEF"
    for bad in ("", "ABCDE", "ABCDEFG", "ABCDE0", "ABCDEI", "<scrip"):
        with pytest.raises(ValueError):
            rooms.clean_code(bad)
    assert rooms.clean_text("a\u202eb\x00c", 10) == "a b c"
    name = rooms.nickname()
    assert 3 <= len(name) <= rooms.MAX_NICKNAME and name[-2:].isdigit()


def test_redis_down_is_store_down():
    """A Redis nobody answers on gives StoreDown within about the timeout, never a hang."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = rooms.RedisStore(f"redis://127.0.0.1:{port}/0")
    started = time.monotonic()
    with pytest.raises(rooms.StoreDown):
        store.room("ABCDEF")
    with pytest.raises(rooms.StoreDown):
        store.create(rooms.new_key())
    assert time.monotonic() - started < 3


def test_redis_hung_server_times_out():
    """A server that accepts and never answers: the socket timeout ends the call."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        store = rooms.RedisStore(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
        started = time.monotonic()
        with pytest.raises(rooms.StoreDown):
            store.version("ABCDEF")
        assert time.monotonic() - started < 2.5
    finally:
        listener.close()


def test_redis_keys_carry_the_ttl(redis_url):
    import redis

    store = rooms.RedisStore(redis_url, ttl=100)
    key = rooms.new_key()
    code = store.create(key)
    store.join(code, "s0", "a")
    qid = store.ask(code, key, {"kind": "shape"})
    store.answer(code, "s0", qid, "4x4", True)
    client = redis.Redis.from_url(redis_url)
    keys = client.keys(f"cnnviz:room:{code}*")
    assert len(keys) == 5
    assert all(0 < client.ttl(k) <= 100 for k in keys)


def test_sqlite_uses_wal_and_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path / "d"))
    assert rooms.data_dir() == tmp_path / "d"
    store = rooms.SQLiteStore()
    try:
        assert store.path == str(tmp_path / "d" / "rooms.sqlite3")
        assert store._db().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._db().execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    finally:
        store.close_now()
    monkeypatch.delenv("CNNVIZ_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert rooms.data_dir() == tmp_path / "home" / ".local" / "share" / "cnnviz"
    assert secrets  # the module's randomness comes from secrets (no random.seed can predict it)


def test_the_teachers_image_goes_to_the_room_and_only_theirs(store):
    key = rooms.new_key()
    code = store.create(key)
    assert store.image(code) is None
    data = bytes(range(256)) * 10  # binary, not text
    assert store.put_image(code, key, "cat <1>.png", data)
    assert store.image(code) == ("cat <1>.png", data)
    assert not store.put_image(code, rooms.new_key(), "x.png", b"forged")
    assert store.image(code)[1] == data
    with pytest.raises(ValueError, match="image"):
        store.put_image(code, key, "big.png", b"")
    assert store.end(code, key)
    assert store.image(code) is None


def test_a_long_code_is_not_said_to_have_twenty_characters():
    """The code was cut to 20 characters before it was counted: a pasted 62-character text
    got "this has 20"."""
    with pytest.raises(ValueError, match="this has 62"):
        rooms.clean_code("A" * 62)
    with pytest.raises(ValueError, match="this has more than 100"):
        rooms.clean_code("A" * 5000)
def test_a_student_who_has_not_answered_can_leave(store):
    """A reloaded tab first joins under a fresh id; when the tab's own id comes back, the
    fresh one leaves, so the count stays the number of students in the room."""
    key = rooms.new_key()
    code = store.create(key)
    assert store.join(code, "own", "Blue Heron 17") == "ok"
    assert store.join(code, "fresh", "Red Fox 3") == "ok"
    assert store.room(code).students == 2
    assert store.leave(code, "fresh")
    assert store.room(code).students == 1
    assert not store.leave(code, "fresh") and not store.leave(code, "nobody")
    qid = store.ask(code, key, {"kind": "shape", "seed": 1, "level": 1})
    assert store.answer(code, "own", qid, "4x4", True) == "ok"
    assert not store.leave(code, "own")  # an answer stays counted
    assert store.room(code).students == 1
    store.end(code, key)
    assert not store.leave(code, "own")

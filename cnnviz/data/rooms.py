"""Class-mode rooms: where a teacher's view, a room's question and its answers live.

One small interface (:class:`RoomStore`), two implementations, one contract
(``tests/unit/test_rooms_store.py`` runs the same tests against both):

- :class:`SQLiteStore`, the embedded default: stdlib :mod:`sqlite3` in WAL mode
  with a busy timeout, one file in :func:`data_dir` (``CNNVIZ_DATA_DIR``, else
  a per-user directory). One server, or several replicas on one host, share it
  with nothing to install.
- :class:`RedisStore`, when ``CNNVIZ_REDIS_URL`` is set: replicas on several
  hosts. Every key carries the room's TTL; answer counts are atomic
  increments (a Lua script, so a replaced answer moves the counts exactly
  once); the follow state has a version number. Connect and socket timeouts
  are short (:data:`REDIS_TIMEOUT`), so a hung Redis never blocks a page for
  long: its errors become :class:`StoreDown`, and the app goes on alone.

Who may lead: every call that changes a room's view, pause, question or
answers takes the teacher key and checks it against the room's stored
SHA-256 digest (:meth:`RoomStore.is_teacher`). The key itself is never
stored, and no read returns the digest. Students change only their own
nickname and their own answer.

A room's ``version`` grows with every change a follower must see (the view,
pause, "bring everyone back", a question opened, closed or revealed); the
push route (:mod:`cnnviz.ui.room_route`) watches it. Nothing here imports
Streamlit.
"""

from __future__ import annotations

import abc
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ALPHABET", "CODE_LENGTH", "MAX_ANSWER", "MAX_NICKNAME", "MAX_STUDENTS", "ROOM_TTL",
    "Answer", "Room", "RoomStore", "RedisStore", "SQLiteStore", "StoreDown",
    "clean_code", "clean_text", "data_dir", "key_digest", "make_store", "new_code",
    "new_key", "nickname",
]

#: Six characters with no look-alikes: no 0/O, no 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: A room expires this many seconds after its last activity (3 hours).
ROOM_TTL = 3 * 3600
#: At most this many students in a room.
MAX_STUDENTS = 300
MAX_NICKNAME = 24
MAX_ANSWER = 40
#: A published view (page, query, values) larger than this is refused.
MAX_VIEW_BYTES = 16_000
#: The teacher's uploaded image goes to the room up to Streamlit's upload limit (50 MB).
MAX_IMAGE_BYTES = 50 * 1024 * 1024
#: Seconds: connect and socket timeouts for Redis.
REDIS_TIMEOUT = 0.5


class StoreDown(RuntimeError):
    """The store cannot be reached now (Redis down or hung, the database locked too long)."""


@dataclass(frozen=True)
class Room:
    """What anyone in a room may read: never the key or its digest, never nicknames."""

    code: str
    version: int
    view: dict[str, Any]
    paused: bool
    recall: int
    question: dict[str, Any] | None
    qid: int
    revealed: bool
    closed: bool
    deadline: float | None
    students: int
    expires: float


@dataclass(frozen=True)
class Answer:
    """One student's answer to the open question (for the teacher's CSV)."""

    nickname: str
    answer: str
    correct: bool
    at: float


@dataclass
class Tally:
    """The open question's live counts: answered of joined, right, and each answer's count."""

    answered: int = 0
    correct: int = 0
    joined: int = 0
    histogram: dict[str, int] = field(default_factory=dict[str, Any])


# --- small pure helpers ------------------------------------------------------------------------


def new_code() -> str:
    """A fresh room code: six characters from :data:`ALPHABET` (about 2^29.7 codes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_key() -> str:
    """A fresh teacher key: 128 random bits, URL-safe text."""
    return secrets.token_urlsafe(16)


def key_digest(key: str) -> str:
    """What the store keeps of a teacher key: its SHA-256, never the key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def clean_code(text: str) -> str:
    """A typed or linked room code, normalised; ValueError naming what is wrong.

    Case, spaces and dashes do not matter ("abc-def" is "ABCDEF").

    >>> clean_code(" hk7-m2p ")
    'HK7M2P'
    >>> clean_code("HK7M2")
    Traceback (most recent call last):
    ...
    ValueError: a class code has 6 characters, this has 5
    >>> clean_code("HK7M20")
    Traceback (most recent call last):
    ...
    ValueError: a class code has no 0, O, 1, I or L: check the code on the board
    """
    # Bounded work whatever is pasted; the count said is the real one up to the bound.
    text = re.sub(r"[\s\-]", "", str(text or "")[:400]).upper()
    if len(text) != CODE_LENGTH:
        count = "more than 100" if len(text) > 100 else str(len(text))
        raise ValueError(f"a class code has {CODE_LENGTH} characters, this has {count}")
    if any(c not in ALPHABET for c in text):
        raise ValueError("a class code has no 0, O, 1, I or L: check the code on the board")
    return text


def clean_text(text: object, limit: int) -> str:
    """Plain text for a nickname or an answer: control characters gone, spaces collapsed,
    at most ``limit`` characters. Markup stays as it was typed; it is only ever shown as text.

    >>> clean_text("  Blue\\tHeron\\n 17 ", 24)
    'Blue Heron 17'
    >>> clean_text("x" * 30, 24) == "x" * 24
    True
    """
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(text or ""))
    return " ".join(text.split())[:limit]


_COLOURS = ("Blue", "Red", "Green", "Amber", "Silver", "Golden", "Violet", "Coral", "Teal",
            "Olive", "Crimson", "Indigo", "Ivory", "Jade", "Ruby", "Copper")
_BIRDS = ("Heron", "Falcon", "Owl", "Robin", "Swift", "Wren", "Kestrel", "Finch", "Crane",
          "Puffin", "Egret", "Plover", "Osprey", "Lark", "Ibis", "Tern")


def nickname(rng: secrets.SystemRandom | None = None) -> str:
    """A generated nickname such as "Blue Heron 17"."""
    rng = rng or secrets.SystemRandom()
    return f"{rng.choice(_COLOURS)} {rng.choice(_BIRDS)} {rng.randrange(10, 100)}"


def data_dir() -> Path:
    """Where the SQLite store lives: ``CNNVIZ_DATA_DIR``, else a per-user directory
    (``$XDG_DATA_HOME/cnnviz`` or ``~/.local/share/cnnviz``)."""
    chosen = os.environ.get("CNNVIZ_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "cnnviz"


def _view_json(view: dict[str, Any]) -> str:
    text = json.dumps(view, separators=(",", ":"), sort_keys=True)
    if len(text) > MAX_VIEW_BYTES:
        raise ValueError(f"view: {len(text)} bytes is over {MAX_VIEW_BYTES}")
    return text


# --- the interface ---------------------------------------------------------------------------


class RoomStore(abc.ABC):
    """Room state behind one small interface (see the module's docstring).

    Teacher calls take ``key`` and return False (or None) when it is not the
    room's key or the room is gone; they never raise for a wrong key. Every
    method raises :class:`StoreDown` when the store cannot be reached.
    """

    ttl: float = ROOM_TTL

    # Each implementation provides these (abstract: a store missing one cannot be made).
    @abc.abstractmethod
    def create(self, key: str) -> str:
        """A new room led by ``key``; returns its code."""
        ...

    @abc.abstractmethod
    def room(self, code: str) -> Room | None:
        """The room, or None when it does not exist, was ended or expired."""
        ...

    @abc.abstractmethod
    def version(self, code: str) -> int | None:
        """The room's version alone (cheap: the push route polls it); None if gone."""
        ...

    @abc.abstractmethod
    def is_teacher(self, code: str, key: str) -> bool:
        """Whether ``key`` leads room ``code``."""
        ...

    @abc.abstractmethod
    def end(self, code: str, key: str) -> bool:
        """Delete the room and every answer in it."""
        ...

    @abc.abstractmethod
    def join(self, code: str, sid: str, name: str) -> str:
        """Add student ``sid``; returns "ok", "full" or "gone". Rejoining is "ok"."""
        ...

    @abc.abstractmethod
    def rename(self, code: str, sid: str, name: str) -> bool:
        """A joined student's new nickname."""
        ...

    @abc.abstractmethod
    def leave(self, code: str, sid: str) -> bool:
        """Drop student ``sid`` if it has not answered the open question (a reloaded tab's
        fresh id, when the tab's own id comes back); True if it was dropped."""
        ...

    @abc.abstractmethod
    def publish(self, code: str, key: str, view: dict[str, Any]) -> int | None:
        """The teacher's view; returns the new version (None: not the teacher)."""
        ...

    @abc.abstractmethod
    def set_paused(self, code: str, key: str, paused: bool) -> bool:
        """Freeze or unfreeze the followers' screens."""
        ...

    @abc.abstractmethod
    def recall(self, code: str, key: str) -> bool:
        """Bring everyone back: every break-away ends."""
        ...

    @abc.abstractmethod
    def ask(self, code: str, key: str, question: dict[str, Any], *,
            seconds: float | None = None) -> int | None:
        """Open ``question`` (a new one replaces the last, and its answers); returns its id."""
        ...

    @abc.abstractmethod
    def close(self, code: str, key: str) -> bool:
        """Close answers: later ones are refused."""
        ...

    @abc.abstractmethod
    def reveal(self, code: str, key: str) -> bool:
        """Show the worked answer on every screen (answers close too)."""
        ...

    @abc.abstractmethod
    def clear(self, code: str, key: str) -> bool:
        """Drop the question and its answers."""
        ...

    @abc.abstractmethod
    def answer(self, code: str, sid: str, qid: int, text: str, correct: bool) -> str:
        """A student's answer; returns "ok", "closed", "stale" (another question is
        open), "not joined" or "gone". A new answer replaces the old."""
        ...

    @abc.abstractmethod
    def tally(self, code: str, key: str) -> Tally | None:
        """The open question's counts, for the teacher only."""
        ...

    @abc.abstractmethod
    def answers(self, code: str, key: str) -> list[Answer] | None:
        """Every answer to the open question with its nickname, for the teacher's CSV."""
        ...

    @abc.abstractmethod
    def my_answer(self, code: str, sid: str, qid: int) -> str | None:
        """What student ``sid`` answered to question ``qid``."""
        ...

    @abc.abstractmethod
    def put_image(self, code: str, key: str, name: str, data: bytes) -> bool:
        """The teacher's uploaded image, for the room (the last one replaces the one before)."""
        ...

    @abc.abstractmethod
    def image(self, code: str) -> tuple[str, bytes] | None:
        """The room's image (its file name and bytes), if the teacher sent one."""
        ...

    def close_now(self) -> None:  # noqa: B027 - a store with nothing to release keeps it
        """Release connections (tests, shutdown)."""


def _check_image(data: bytes) -> None:
    if not isinstance(data, bytes | bytearray) or not data:
        raise ValueError("image: no bytes")
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"image: {len(data)} bytes is over {MAX_IMAGE_BYTES}")


def _open_for(question: dict[str, Any] | None, closed: bool, deadline: float | None,
              now: float) -> bool:
    return question is not None and not closed and (deadline is None or now < deadline)


# --- SQLite ------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY, key_hash TEXT NOT NULL, touched REAL NOT NULL,
    version INTEGER NOT NULL DEFAULT 1, view TEXT NOT NULL DEFAULT '{}',
    paused INTEGER NOT NULL DEFAULT 0, recall INTEGER NOT NULL DEFAULT 0,
    question TEXT, qid INTEGER NOT NULL DEFAULT 0, revealed INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0, deadline REAL);
CREATE TABLE IF NOT EXISTS students (
    code TEXT NOT NULL, sid TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (code, sid));
CREATE TABLE IF NOT EXISTS images (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    code TEXT NOT NULL, qid INTEGER NOT NULL, sid TEXT NOT NULL, answer TEXT NOT NULL,
    correct INTEGER NOT NULL, at REAL NOT NULL, PRIMARY KEY (code, qid, sid));
"""


class SQLiteStore(RoomStore):
    """The embedded store: one SQLite file, WAL mode, a busy timeout.

    One connection per thread (Streamlit runs each session's script on its own
    thread); every change is one ``BEGIN IMMEDIATE`` transaction.
    """

    def __init__(self, path: str | Path | None = None, *, ttl: float = ROOM_TTL,
                 clock: Callable[[], float] = time.time, busy_timeout: float = 5.0) -> None:
        if path is None:
            folder = data_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "rooms.sqlite3"
        self.path, self.ttl, self.clock, self.busy = str(path), ttl, clock, busy_timeout
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            self._db().executescript(_SCHEMA)
        except sqlite3.Error as err:
            raise StoreDown(f"the class store at {self.path} cannot be opened ({err})") from err

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=self.busy, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA busy_timeout={int(self.busy * 1000)}")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.OperationalError as err:  # locked past the busy timeout, disk gone
            raise StoreDown(f"the class store is busy or unreachable ({err})") from err

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db().execute(sql, args).fetchall()
        except sqlite3.OperationalError as err:
            raise StoreDown(f"the class store is busy or unreachable ({err})") from err

    def _live(self, db: sqlite3.Connection, code: str) -> tuple[Any, ...] | None:
        """The room's row if alive; an expired room is deleted on the way."""
        row = db.execute("SELECT key_hash, touched FROM rooms WHERE code=?", (code,)).fetchone()
        if row is None:
            return None
        if self.clock() - row[1] > self.ttl:
            self._delete(db, code)
            return None
        return tuple(row)

    @staticmethod
    def _delete(db: sqlite3.Connection, code: str) -> None:
        for table in ("rooms", "students", "answers", "images"):
            db.execute(f"DELETE FROM {table} WHERE code=?", (code,))  # noqa: S608 - fixed names

    def _teacher(self, db: sqlite3.Connection, code: str, key: str) -> bool:
        row = self._live(db, code)
        if row is None or not hmac.compare_digest(row[0], key_digest(str(key))):
            return False
        db.execute("UPDATE rooms SET touched=? WHERE code=?", (self.clock(), code))
        return True

    def create(self, key: str) -> str:
        now = self.clock()
        with self._tx() as db:
            # Expired rooms go now and then, so the file does not grow for ever.
            dead = [r[0] for r in db.execute("SELECT code FROM rooms WHERE touched < ?",
                                             (now - self.ttl,))]
            for code in dead:
                self._delete(db, code)
            for _ in range(50):
                code = new_code()
                if db.execute("SELECT 1 FROM rooms WHERE code=?", (code,)).fetchone() is None:
                    db.execute("INSERT INTO rooms (code, key_hash, touched) VALUES (?, ?, ?)",
                               (code, key_digest(key), now))
                    return code
        raise StoreDown("no free class code was found")  # pragma: no cover - 1 in 10^400

    def room(self, code: str) -> Room | None:
        rows = self._read(
            "SELECT version, view, paused, recall, question, qid, revealed, closed, deadline, "
            "touched, (SELECT COUNT(*) FROM students s WHERE s.code=r.code) FROM rooms r "
            "WHERE code=?", (code,))
        if not rows or self.clock() - rows[0][9] > self.ttl:
            return None
        (version, view, paused, recall, question, qid, revealed, closed, deadline, touched,
         students) = rows[0]
        return Room(code, version, json.loads(view), bool(paused), recall,
                    json.loads(question) if question else None, qid, bool(revealed),
                    bool(closed), deadline, students, touched + self.ttl)

    def version(self, code: str) -> int | None:
        rows = self._read("SELECT version, touched FROM rooms WHERE code=?", (code,))
        if not rows or self.clock() - rows[0][1] > self.ttl:
            return None
        return int(rows[0][0])

    def is_teacher(self, code: str, key: str) -> bool:
        rows = self._read("SELECT key_hash, touched FROM rooms WHERE code=?", (code,))
        return bool(rows) and self.clock() - rows[0][1] <= self.ttl and hmac.compare_digest(
            rows[0][0], key_digest(str(key)))

    def end(self, code: str, key: str) -> bool:
        with self._tx() as db:
            if not self._teacher(db, code, key):
                return False
            self._delete(db, code)
            return True

    def join(self, code: str, sid: str, name: str) -> str:
        with self._tx() as db:
            if self._live(db, code) is None:
                return "gone"
            known = db.execute("SELECT 1 FROM students WHERE code=? AND sid=?",
                               (code, sid)).fetchone()
            if known is None:
                (count,) = db.execute("SELECT COUNT(*) FROM students WHERE code=?",
                                      (code,)).fetchone()
                if count >= MAX_STUDENTS:
                    return "full"
                db.execute("INSERT INTO students VALUES (?, ?, ?)",
                           (code, sid, clean_text(name, MAX_NICKNAME)))
            db.execute("UPDATE rooms SET touched=? WHERE code=?", (self.clock(), code))
            return "ok"

    def rename(self, code: str, sid: str, name: str) -> bool:
        with self._tx() as db:
            if self._live(db, code) is None:
                return False
            return db.execute("UPDATE students SET name=? WHERE code=? AND sid=?",
                              (clean_text(name, MAX_NICKNAME), code, sid)).rowcount == 1

    def leave(self, code: str, sid: str) -> bool:
        with self._tx() as db:
            return db.execute(
                "DELETE FROM students WHERE code=? AND sid=? AND NOT EXISTS (SELECT 1 FROM "
                "answers WHERE answers.code=? AND answers.sid=?)", (code, sid, code, sid)
            ).rowcount == 1

    def _bump(self, db: sqlite3.Connection, code: str, sets: str = "",
              args: tuple[Any, ...] = ()) -> int:
        sql = f"UPDATE rooms SET version=version+1{', ' + sets if sets else ''} WHERE code=?"
        db.execute(sql, (*args, code))
        return int(db.execute("SELECT version FROM rooms WHERE code=?", (code,)).fetchone()[0])

    def publish(self, code: str, key: str, view: dict[str, Any]) -> int | None:
        text = _view_json(view)
        with self._tx() as db:
            if not self._teacher(db, code, key):
                return None
            return self._bump(db, code, "view=?", (text,))

    def set_paused(self, code: str, key: str, paused: bool) -> bool:
        with self._tx() as db:
            if not self._teacher(db, code, key):
                return False
            self._bump(db, code, "paused=?", (int(bool(paused)),))
            return True

    def recall(self, code: str, key: str) -> bool:
        with self._tx() as db:
            if not self._teacher(db, code, key):
                return False
            self._bump(db, code, "recall=recall+1")
            return True

    def ask(self, code: str, key: str, question: dict[str, Any], *,
            seconds: float | None = None) -> int | None:
        text = _view_json(question)
        with self._tx() as db:
            if not self._teacher(db, code, key):
                return None
            deadline = self.clock() + seconds if seconds else None
            db.execute("DELETE FROM answers WHERE code=?", (code,))
            self._bump(db, code, "question=?, qid=qid+1, revealed=0, closed=0, deadline=?",
                       (text, deadline))
            return int(db.execute("SELECT qid FROM rooms WHERE code=?", (code,)).fetchone()[0])

    def close(self, code: str, key: str) -> bool:
        with self._tx() as db:
            if not self._teacher(db, code, key):
                return False
            self._bump(db, code, "closed=1")
            return True

    def reveal(self, code: str, key: str) -> bool:
        with self._tx() as db:
            if not self._teacher(db, code, key):
                return False
            self._bump(db, code, "revealed=1, closed=1")
            return True

    def clear(self, code: str, key: str) -> bool:
        with self._tx() as db:
            if not self._teacher(db, code, key):
                return False
            db.execute("DELETE FROM answers WHERE code=?", (code,))
            self._bump(db, code, "question=NULL, revealed=0, closed=0, deadline=NULL")
            return True

    def answer(self, code: str, sid: str, qid: int, text: str, correct: bool) -> str:
        now = self.clock()
        with self._tx() as db:
            row = db.execute("SELECT question, qid, closed, deadline, touched FROM rooms "
                             "WHERE code=?", (code,)).fetchone()
            if row is None or now - row[4] > self.ttl:
                return "gone"
            if row[1] != qid or row[0] is None:
                return "stale"
            if not _open_for(row[0], bool(row[2]), row[3], now):
                return "closed"
            if db.execute("SELECT 1 FROM students WHERE code=? AND sid=?",
                          (code, sid)).fetchone() is None:
                return "not joined"
            db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                       (code, qid, sid, clean_text(text, MAX_ANSWER), int(bool(correct)), now))
            db.execute("UPDATE rooms SET touched=? WHERE code=?", (now, code))
            return "ok"

    def tally(self, code: str, key: str) -> Tally | None:
        if not self.is_teacher(code, key):
            return None
        room = self.room(code)
        if room is None:
            return None
        rows = self._read("SELECT answer, correct FROM answers WHERE code=? AND qid=?",
                          (code, room.qid))
        hist: dict[str, int] = {}
        for answer, _ in rows:
            hist[answer] = hist.get(answer, 0) + 1
        return Tally(len(rows), sum(c for _, c in rows), room.students, hist)

    def answers(self, code: str, key: str) -> list[Answer] | None:
        if not self.is_teacher(code, key):
            return None
        rows = self._read(
            "SELECT s.name, a.answer, a.correct, a.at FROM answers a JOIN students s "
            "ON s.code=a.code AND s.sid=a.sid JOIN rooms r ON r.code=a.code AND r.qid=a.qid "
            "WHERE a.code=? ORDER BY a.at", (code,))
        return [Answer(n, a, bool(c), t) for n, a, c, t in rows]

    def my_answer(self, code: str, sid: str, qid: int) -> str | None:
        rows = self._read("SELECT answer FROM answers WHERE code=? AND qid=? AND sid=?",
                          (code, qid, sid))
        return rows[0][0] if rows else None

    def put_image(self, code: str, key: str, name: str, data: bytes) -> bool:
        _check_image(data)
        with self._tx() as db:
            if not self._teacher(db, code, key):
                return False
            db.execute("INSERT OR REPLACE INTO images VALUES (?, ?, ?)",
                       (code, clean_text(name, 120), bytes(data)))
            return True

    def image(self, code: str) -> tuple[str, bytes] | None:
        if self.version(code) is None:
            return None
        rows = self._read("SELECT name, data FROM images WHERE code=?", (code,))
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    def close_now(self) -> None:  # noqa: B027 - a store with nothing to release keeps it
        with self._lock:
            for db in self._all:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
            self._all.clear()
        self._local = threading.local()


# --- Redis -------------------------------------------------------------------------------------

# The answer in one step, so the counts move exactly once however often a student
# changes their mind: KEYS room, students, answers, counts, histogram;
# ARGV qid, sid, answer-json, correct(0/1), now, ttl, answer text.
_ANSWER_LUA = """
local r = redis.call('HMGET', KEYS[1], 'qid', 'question', 'closed', 'deadline')
if not r[1] then return 'gone' end
if tonumber(r[1]) ~= tonumber(ARGV[1]) or not r[2] or r[2] == '' then return 'stale' end
if r[3] == '1' then return 'closed' end
if r[4] and r[4] ~= '' and tonumber(ARGV[5]) >= tonumber(r[4]) then return 'closed' end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then return 'not joined' end
local old = redis.call('HGET', KEYS[3], ARGV[2])
if old then
  local o = cjson.decode(old)
  redis.call('HINCRBY', KEYS[4], 'correct', 0 - tonumber(o['c']))
  redis.call('HINCRBY', KEYS[5], o['a'], -1)
else
  redis.call('HINCRBY', KEYS[4], 'answered', 1)
end
redis.call('HINCRBY', KEYS[4], 'correct', tonumber(ARGV[4]))
redis.call('HINCRBY', KEYS[5], ARGV[7], 1)
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[6]) end
return 'ok'
"""

# A student joins unless the room is gone or full: KEYS room, students; ARGV sid, name, ttl, max.
_JOIN_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then return 'full' end
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 'ok'
"""


class RedisStore(RoomStore):
    """Rooms in Redis (``CNNVIZ_REDIS_URL``), for replicas on several hosts.

    Keys per room ``R``: ``cnnviz:room:R`` (a hash: the key digest, version,
    view, pause, question...), ``…:students`` (sid → nickname), and per
    question ``…:answers``, ``…:counts`` (answered, correct: HINCRBY) and
    ``…:hist`` (answer → count). Every write refreshes every key's TTL.
    Teacher writes are WATCH/MULTI transactions on the room's hash, so a key
    check and its change cannot interleave with another teacher's.
    """

    PREFIX = "cnnviz:room:"

    def __init__(self, url: str, *, ttl: float = ROOM_TTL, timeout: float = REDIS_TIMEOUT,
                 client: Any = None) -> None:
        import redis  # only when Redis is chosen

        self._redis = redis
        self.ttl = ttl
        self.url = url
        # Any: redis-py's own types mix in its asyncio client's awaitables.
        self.db: Any = client or redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout,
            decode_responses=True, health_check_interval=30, retry_on_timeout=False)
        # Images are bytes: a second client that does not decode them.
        self.raw: Any = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=max(timeout, 5.0),
            decode_responses=False, retry_on_timeout=False) if client is None else client
        self._answer = self.db.register_script(_ANSWER_LUA)
        self._join = self.db.register_script(_JOIN_LUA)

    def _keys(self, code: str) -> tuple[str, str, str, str, str]:
        base = self.PREFIX + code
        return base, base + ":students", base + ":answers", base + ":counts", base + ":hist"

    @property
    def _ttl(self) -> int:
        return max(1, int(round(self.ttl)))

    @contextlib.contextmanager
    def _up(self) -> Iterator[None]:
        try:
            yield
        except self._redis.RedisError as err:
            raise StoreDown(f"Redis is unreachable ({type(err).__name__})") from err

    def _expire(self, pipe: Any, code: str) -> None:
        for key in (*self._keys(code), self._image_key(code)):
            pipe.expire(key, self._ttl)

    def _image_key(self, code: str) -> str:
        return self.PREFIX + code + ":image"

    def _teacher_tx(self, code: str, key: str, change: Callable[[Any, dict[str, Any]], Any]) -> Any:
        """Run ``change(pipe, room_hash)`` in MULTI if ``key`` leads the room; else None."""
        room_key = self._keys(code)[0]
        with self._up(), self.db.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(room_key)
                    data = pipe.hgetall(room_key)
                    if not data or not hmac.compare_digest(data.get("key_hash", ""),
                                                           key_digest(str(key))):
                        pipe.reset()
                        return None
                    pipe.multi()
                    result = change(pipe, data)
                    self._expire(pipe, code)
                    out = pipe.execute()
                    return out if result is None else result(out)
                except self._redis.WatchError:
                    continue

    def create(self, key: str) -> str:
        with self._up():
            for _ in range(50):
                code = new_code()
                room_key = self._keys(code)[0]
                if self.db.hsetnx(room_key, "key_hash", key_digest(key)):
                    self.db.hset(room_key, mapping={
                        "version": 1, "view": "{}", "paused": 0, "recall": 0, "qid": 0,
                        "revealed": 0, "closed": 0})
                    self.db.expire(room_key, self._ttl)
                    return code
        raise StoreDown("no free class code was found")  # pragma: no cover

    def room(self, code: str) -> Room | None:
        room_key, students = self._keys(code)[:2]
        with self._up(), self.db.pipeline(transaction=True) as pipe:
            pipe.hgetall(room_key)
            pipe.hlen(students)
            pipe.ttl(room_key)
            data, count, ttl = pipe.execute()
        if not data or "version" not in data:
            return None
        question = data.get("question") or None
        deadline = data.get("deadline") or None
        return Room(code, int(data["version"]), json.loads(data.get("view") or "{}"),
                    data.get("paused") == "1", int(data.get("recall", 0)),
                    json.loads(question) if question else None, int(data.get("qid", 0)),
                    data.get("revealed") == "1", data.get("closed") == "1",
                    float(deadline) if deadline else None, int(count),
                    time.time() + max(int(ttl), 0))

    def version(self, code: str) -> int | None:
        with self._up():
            value = self.db.hget(self._keys(code)[0], "version")
        return int(value) if value is not None else None

    def is_teacher(self, code: str, key: str) -> bool:
        with self._up():
            digest = self.db.hget(self._keys(code)[0], "key_hash")
        return digest is not None and hmac.compare_digest(digest, key_digest(str(key)))

    def end(self, code: str, key: str) -> bool:
        def change(pipe: Any, data: dict[str, Any]) -> Callable[[Any], Any]:
            pipe.delete(*self._keys(code), self._image_key(code))
            return lambda out: True
        # _teacher_tx adds EXPIREs after the DELETE; on missing keys they do nothing.
        return bool(self._teacher_tx(code, key, change))

    def join(self, code: str, sid: str, name: str) -> str:
        room_key, students = self._keys(code)[:2]
        with self._up():
            return str(self._join(keys=[room_key, students],
                                  args=[sid, clean_text(name, MAX_NICKNAME), self._ttl,
                                        MAX_STUDENTS]))

    def rename(self, code: str, sid: str, name: str) -> bool:
        room_key, students = self._keys(code)[:2]
        with self._up():
            if not self.db.exists(room_key) or not self.db.hexists(students, sid):
                return False
            self.db.hset(students, sid, clean_text(name, MAX_NICKNAME))
            return True

    def leave(self, code: str, sid: str) -> bool:
        room_key, students, answers = self._keys(code)[:3]
        with self._up():
            if self.db.hexists(answers, sid):
                return False
            return bool(self.db.hdel(students, sid))

    def _bump(self, code: str, key: str,
              fields: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]],
              extra: Callable[[Any], None] | None = None) -> int | None:
        room_key = self._keys(code)[0]

        def change(pipe: Any, data: dict[str, Any]) -> Callable[[Any], Any]:
            values = fields(data) if callable(fields) else fields
            pipe.hincrby(room_key, "version", 1)
            if values:
                pipe.hset(room_key, mapping=values)
            if extra is not None:
                extra(pipe)
            return lambda out: int(out[0])
        result: int | None = self._teacher_tx(code, key, change)
        return result

    def publish(self, code: str, key: str, view: dict[str, Any]) -> int | None:
        return self._bump(code, key, {"view": _view_json(view)})

    def set_paused(self, code: str, key: str, paused: bool) -> bool:
        return self._bump(code, key, {"paused": int(bool(paused))}) is not None

    def recall(self, code: str, key: str) -> bool:
        return self._bump(code, key, lambda d: {"recall": int(d.get("recall", 0)) + 1}) is not None

    def _drop_answers(self, code: str) -> Callable[[Any], None]:
        return lambda pipe: pipe.delete(*self._keys(code)[2:5])

    def ask(self, code: str, key: str, question: dict[str, Any], *,
            seconds: float | None = None) -> int | None:
        text = _view_json(question)
        qid: list[int] = []

        def fields(data: dict[str, Any]) -> dict[str, Any]:
            qid.append(int(data.get("qid", 0)) + 1)
            return {"question": text, "qid": qid[0], "revealed": 0, "closed": 0,
                    "deadline": str(time.time() + seconds) if seconds else ""}
        done = self._bump(code, key, fields, self._drop_answers(code))
        return qid[0] if done is not None else None

    def close(self, code: str, key: str) -> bool:
        return self._bump(code, key, {"closed": 1}) is not None

    def reveal(self, code: str, key: str) -> bool:
        return self._bump(code, key, {"revealed": 1, "closed": 1}) is not None

    def clear(self, code: str, key: str) -> bool:
        return self._bump(code, key, {"question": "", "revealed": 0, "closed": 0, "deadline": ""},
                          self._drop_answers(code)) is not None

    def answer(self, code: str, sid: str, qid: int, text: str, correct: bool) -> str:
        text = clean_text(text, MAX_ANSWER)
        record = json.dumps({"a": text, "c": int(bool(correct)), "t": time.time()})
        with self._up():
            return str(self._answer(keys=list(self._keys(code)),
                                    args=[qid, sid, record, int(bool(correct)), time.time(),
                                          self._ttl, text]))

    def tally(self, code: str, key: str) -> Tally | None:
        if not self.is_teacher(code, key):
            return None
        room_key, students, _, counts, hist = self._keys(code)
        with self._up(), self.db.pipeline(transaction=True) as pipe:
            pipe.hgetall(counts)
            pipe.hgetall(hist)
            pipe.hlen(students)
            got, histogram, joined = pipe.execute()
        return Tally(int(got.get("answered", 0)), int(got.get("correct", 0)), int(joined),
                     {a: int(n) for a, n in histogram.items() if int(n) > 0})

    def answers(self, code: str, key: str) -> list[Answer] | None:
        if not self.is_teacher(code, key):
            return None
        _, students, answers = self._keys(code)[:3]
        with self._up(), self.db.pipeline(transaction=True) as pipe:
            pipe.hgetall(answers)
            pipe.hgetall(students)
            given, names = pipe.execute()
        out = []
        for sid, record in given.items():
            r = json.loads(record)
            out.append(Answer(names.get(sid, "?"), r["a"], bool(r["c"]), float(r["t"])))
        return sorted(out, key=lambda a: a.at)

    def my_answer(self, code: str, sid: str, qid: int) -> str | None:
        room_key, _, answers = self._keys(code)[:3]
        with self._up():
            current, record = self.db.hget(room_key, "qid"), self.db.hget(answers, sid)
        if record is None or current is None or int(current) != int(qid):
            return None
        return str(json.loads(record)["a"])

    def put_image(self, code: str, key: str, name: str, data: bytes) -> bool:
        _check_image(data)
        if not self.is_teacher(code, key):
            return False
        with self._up():
            self.raw.hset(self._image_key(code), mapping={"name": clean_text(name, 120),
                                                          "data": bytes(data)})
            self.raw.expire(self._image_key(code), self._ttl)
        return True

    def image(self, code: str) -> tuple[str, bytes] | None:
        with self._up():
            got = self.raw.hgetall(self._image_key(code))
        if not got or b"data" not in got:
            return None
        return got.get(b"name", b"").decode("utf-8", "replace"), got[b"data"]

    def close_now(self) -> None:  # noqa: B027 - a store with nothing to release keeps it
        with contextlib.suppress(Exception):
            self.db.close()
            self.raw.close()


def make_store() -> RoomStore:
    """The store this server uses: Redis when ``CNNVIZ_REDIS_URL`` is set, else SQLite."""
    url = os.environ.get("CNNVIZ_REDIS_URL")
    return RedisStore(url) if url else SQLiteStore()

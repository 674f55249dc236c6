// Class mode's follower (cnnviz/ui/static/classroom.js createFollower), without a browser:
// what happens when the push route fails. A browser's EventSource never retries after an
// answer that is not 200 (the route's 429 to a client that asked about 20 missing rooms in a
// minute), so the follower must: with a growing wait (no spin), a notice while it waits, and
// following again when the route answers. tests/unit/test_js.py runs this file.
import assert from "node:assert/strict";
import { test } from "node:test";

import listen, {
  DOWN, MAX_WAIT, PAUSED, backoff, createFollower,
} from "../../cnnviz/ui/static/classroom.js";

class FakeSource {
  constructor(url) {
    this.url = url;
    this.handlers = {};
    this.closed = false;
  }
  addEventListener(name, fn) {
    (this.handlers[name] ||= []).push(fn);
  }
  emit(name, data) {
    for (const fn of this.handlers[name] || []) fn({ data: String(data) });
  }
  close() {
    this.closed = true;
  }
}

function harness() {
  const h = { sources: [], timers: [], woken: [], notices: [], gone: 0, now: 0 };
  h.follower = createFollower({
    url: "/api/class/ABCDEF/events",
    open: (u) => {
      const s = new FakeSource(u);
      h.sources.push(s);
      return s;
    },
    later: (fn, seconds) => {
      h.timers.push({ fn, seconds, done: false });
      return h.timers.length - 1;
    },
    cancel: (id) => {
      h.timers[id].done = true;
    },
    wake: (v) => h.woken.push(v),
    gone: () => h.gone++,
    notice: (text) => h.notices.push(text),
    random: () => 0.5,
  });
  h.last = () => h.sources[h.sources.length - 1];
  h.fire = () => {
    const t = h.timers.find((x) => !x.done);
    assert.ok(t, "a reconnect is scheduled");
    t.done = true;
    h.now += t.seconds;
    t.fn();
  };
  return h;
}

test("a refused stream (429) is closed, the student is told, and it is retried later", () => {
  const h = harness();
  assert.equal(h.sources.length, 1);
  h.last().emit("error");  // what a browser's EventSource does on a 429: error, then CLOSED
  assert.equal(h.sources[0].closed, true);
  assert.deepEqual(h.notices, [PAUSED]);
  assert.equal(h.sources.length, 1, "no new request before the wait");
  assert.equal(h.timers.length, 1);
  h.fire();
  assert.equal(h.sources.length, 2);
});

test("the waits grow to at most MAX_WAIT seconds: a minute of 429s is a handful of requests", () => {
  const h = harness();
  for (let i = 0; i < 12; i++) {
    h.last().emit("error");
    h.fire();
  }
  const waits = h.timers.map((t) => t.seconds);
  for (let i = 1; i < waits.length; i++) assert.ok(waits[i] >= waits[i - 1], waits);
  assert.ok(Math.max(...waits) <= MAX_WAIT * 1.25, waits);
  const inAMinute = h.timers.filter((_, i) => waits.slice(0, i + 1).reduce((a, b) => a + b) <= 60);
  assert.ok(inAMinute.length <= 6, `${inAMinute.length} requests in a minute`);
  assert.deepEqual(h.notices, [PAUSED], "the notice is shown once, not flickered");
});

test("following resumes: the first version of a new stream wakes the page and clears the notice", () => {
  const h = harness();
  h.last().emit("version", 3);
  assert.deepEqual(h.woken, [3]);
  h.last().emit("error");
  h.last().emit("error");  // a second error of the same closed stream changes nothing
  assert.equal(h.timers.length, 1);
  h.fire();
  h.last().emit("version", 5);
  assert.deepEqual(h.woken, [3, 5]);
  assert.deepEqual(h.notices, [PAUSED, null]);
  // And the next failure starts from the first wait again.
  h.last().emit("error");
  assert.equal(h.timers[1].seconds, backoff(1, 0.5));
});

test("the store down is told while the stream stays open; its return clears it", () => {
  const h = harness();
  h.last().emit("down");
  assert.deepEqual(h.notices, [DOWN]);
  assert.equal(h.last().closed, false);
  h.last().emit("version", 2);
  assert.deepEqual(h.notices, [DOWN, null]);
});

test("a room that is gone ends following: no retry, the page is told once", () => {
  const h = harness();
  h.last().emit("gone");
  assert.equal(h.gone, 1);
  assert.equal(h.last().closed, true);
  h.last().emit("error");  // the browser may still report the closed stream
  assert.equal(h.timers.length, 0);
});

test("stop cancels a pending reconnect and closes the stream", () => {
  const h = harness();
  h.last().emit("error");
  h.follower.stop();
  assert.equal(h.timers[0].done, true);
  const h2 = harness();
  h2.follower.stop();
  assert.equal(h2.last().closed, true);
});

test("backoff: 1, 2, 4 … seconds, at most MAX_WAIT, jitter ±25 %", () => {
  assert.equal(backoff(1, 0.5), 1);
  assert.equal(backoff(3, 0.5), 4);
  assert.equal(backoff(50, 0.5), MAX_WAIT);
  assert.equal(backoff(1, 0), 0.75);
});

test("the session is told when following stalls and when it resumes (the bar says so)", () => {
  // The component as Streamlit mounts it, with a fake window: its EventSource, timers and a
  // document just big enough for the notice.
  const sources = [];
  const timers = [];
  const elements = {};
  const doc = {
    getElementById: (id) => elements[id] || null,
    createElement: () => ({ style: {}, setAttribute() {}, remove() { delete elements[this.id]; } }),
    body: { appendChild: (el) => { elements[el.id] = el; } },
  };
  const win = {
    document: doc,
    sessionStorage: { getItem: () => null, setItem() {}, removeItem() {} },
    EventSource: class extends FakeSource {
      constructor(u) {
        super(u);
        sources.push(this);
      }
    },
    setTimeout: (fn) => timers.push(fn),
    clearTimeout() {},
    location: { href: "http://x/" },
  };
  doc.defaultView = win;
  const states = [];
  const triggers = [];
  listen({
    data: { events: "/api/class/ABCDEF/events", version: 3 },
    parentElement: { ownerDocument: doc },
    setTriggerValue: (n, v) => triggers.push([n, v]),
    setStateValue: (n, v) => states.push([n, v]),
  });
  assert.deepEqual(states, [], "a healthy stream reports nothing (no rerun per student)");
  sources[0].emit("error");  // refused (429): the notice, and the session is told
  assert.equal(elements["cnnviz-follow-notice"].textContent, PAUSED);
  assert.deepEqual(states, [["stalled", true]]);
  timers.shift()();  // the retry
  sources[1].emit("error");  // refused again: told once, not again
  assert.deepEqual(states, [["stalled", true]]);
  timers.shift()();
  sources[2].emit("version", 4);  // back: the notice goes, the bar says "you follow" again
  assert.equal(elements["cnnviz-follow-notice"], undefined);
  assert.deepEqual(states, [["stalled", true], ["stalled", false]]);
  assert.deepEqual(triggers, [["wake", 4]]);
});

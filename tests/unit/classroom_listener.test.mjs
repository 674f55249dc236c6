// Class mode's listener (cnnviz/ui/static/classroom.js), with a fake window: no DOM needed.
// Run: node --test tests/unit/classroom_listener.test.mjs (tests/unit/test_classroom_js.py does).
import test from "node:test";
import assert from "node:assert/strict";
import mount, { shouldWake } from "../../cnnviz/ui/static/classroom.js";

function fakeWindow() {
  const sources = [];
  class FakeSource {
    constructor(url) { this.url = url; this.handlers = {}; this.closed = false; sources.push(this); }
    addEventListener(name, fn) { this.handlers[name] = fn; }
    emit(name, data) { this.handlers[name]?.({ data: String(data) }); }
    close() { this.closed = true; }
  }
  const store = new Map();
  const sessionStorage = {
    getItem: (k) => (store.has(k) ? store.get(k) : null),
    setItem: (k, v) => store.set(k, String(v)),
    removeItem: (k) => store.delete(k),
  };
  // The one DOM use: the "following paused" notice, an element found by its id.
  const nodes = new Map();
  const document = {
    getElementById: (id) => nodes.get(id) ?? null,
    createElement: () => ({ style: {}, setAttribute() {}, textContent: "" }),
    body: { appendChild(el) { nodes.set(el.id, el); el.remove = () => nodes.delete(el.id); } },
  };
  return { EventSource: FakeSource, sessionStorage, sources, store, document, nodes,
           setTimeout: () => 0, clearTimeout: () => {} };
}

function element(win) {
  return { ownerDocument: { defaultView: win } };
}

test("shouldWake: only a newer version than applied and already woken", () => {
  assert.equal(shouldWake(5, 4, 4), true);
  assert.equal(shouldWake(4, 4, 0), false);
  assert.equal(shouldWake(6, 4, 6), false);
  assert.equal(shouldWake(NaN, 0, 0), false);
});

test("a follower wakes its session once per newer version", () => {
  const win = fakeWindow();
  const el = element(win);
  const calls = [];
  const trigger = (name, value) => calls.push([name, value]);
  mount({ data: { events: "/api/class/ABCDEF/events", version: 3 }, parentElement: el,
          setTriggerValue: trigger });
  assert.equal(win.sources.length, 1);
  const src = win.sources[0];
  src.emit("version", 3);  // what this session already shows
  src.emit("version", 4);
  src.emit("version", 4);  // the same change again: no second rerun
  assert.deepEqual(calls, [["wake", 4]]);
  // The rerun applied version 4: the same stream stays open.
  mount({ data: { events: "/api/class/ABCDEF/events", version: 4 }, parentElement: el,
          setTriggerValue: trigger });
  assert.equal(win.sources.length, 1);
  src.emit("version", 5);
  assert.deepEqual(calls, [["wake", 4], ["wake", 5]]);
  src.emit("gone", 0);
  assert.deepEqual(calls.at(-1), ["wake", -1]);
  assert.equal(src.closed, true);
});

test("leaving the room closes the stream; unmount closes it too", () => {
  const win = fakeWindow();
  const el = element(win);
  mount({ data: { events: "/api/class/ABCDEF/events", version: 1 }, parentElement: el,
          setTriggerValue: () => {} });
  const cleanup = mount({ data: { restore: true }, parentElement: el, setTriggerValue: () => {} });
  assert.equal(win.sources[0].closed, true);
  mount({ data: { events: "/api/class/GHJKMN/events", version: 0 }, parentElement: el,
          setTriggerValue: () => {} });
  const last = mount({ data: { events: "/api/class/GHJKMN/events", version: 0 },
                       parentElement: el, setTriggerValue: () => {} });
  assert.equal(win.sources.length, 2);
  last();
  assert.equal(win.sources[1].closed, true);
  assert.equal(typeof cleanup, "function");
});

test("a reloaded tab asks once for its saved place; forget clears it", () => {
  const win = fakeWindow();
  const calls = [];
  const trigger = (name, value) => calls.push([name, value]);
  mount({ data: { remember: '{"code":"ABCDEF","sid":"ab12"}' }, parentElement: element(win),
          setTriggerValue: trigger });
  assert.equal(win.store.get("cnnviz-class"), '{"code":"ABCDEF","sid":"ab12"}');
  const fresh = element(win);  // a new session after a reload: a new element, same tab
  mount({ data: { restore: true }, parentElement: fresh, setTriggerValue: trigger });
  mount({ data: { restore: true }, parentElement: fresh, setTriggerValue: trigger });
  assert.deepEqual(calls, [["restore", '{"code":"ABCDEF","sid":"ab12"}']]);
  mount({ data: { forget: true }, parentElement: fresh, setTriggerValue: trigger });
  assert.equal(win.store.has("cnnviz-class"), false);
});

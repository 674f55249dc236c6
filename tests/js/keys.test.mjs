// The key keeper (cnnviz/ui/static/animator/keys.js) under `node --test`, on a fake window:
// it runs from the page's HTML head (cnnviz/ui/head.py) and follows the address.
import assert from "node:assert/strict";
import { test } from "node:test";

import { keepKeys } from "../../cnnviz/ui/static/animator/keys.js";

function fakeWindow(href) {
  const listeners = {};
  const pressed = [];
  const body = { tagName: "BODY", dispatchEvent: (e) => pressed.push(e.key) };
  const win = {
    location: { href },
    document: { activeElement: body, body },
    history: {
      pushState(state, title, url) { win.location.href = new URL(url, win.location.href).href; },
      replaceState(state, title, url) { win.location.href = new URL(url, win.location.href).href; },
    },
    addEventListener: (type, fn) => { (listeners[type] ||= []).push(fn); },
    KeyboardEvent: class { constructor(type, init) { this.type = type; this.key = init.key; } },
  };
  const press = (key) => {
    const event = { key, isTrusted: true, composedPath: () => [body], stopped: false,
      preventDefault() { this.stopped = true; }, stopImmediatePropagation() {} };
    for (const fn of listeners.keydown || []) fn(event);
    return event.stopped; // held
  };
  return { win, press, pressed, listeners };
}

const HOST = "http://127.0.0.1:8501";

test("opened on Step by step in presenter mode, keys are held from the first moment", () => {
  const { win, press, pressed } = fakeWindow(`${HOST}/animation?ex=000.5&present=true`);
  keepKeys(win);
  assert.equal(press("PageDown"), true);
  assert.equal(press("a"), false); // not the animation's key: the page has it
  assert.deepEqual(win.__cnnvizKeyHold.keys, ["PageDown"]);
  win.history.replaceState(null, "", "/animation?ex=000.5&present=true&step=0"); // same page
  assert.deepEqual(win.__cnnvizKeyHold.keys, ["PageDown"]);
  assert.deepEqual(pressed, []);
});

test("leaving for another page before the animation came hands the keys back, in order", () => {
  const { win, press, pressed } = fakeWindow(`${HOST}/animation?present=true`);
  keepKeys(win);
  press("PageDown");
  press("End");
  win.history.pushState(null, "", "/pooling?present=true");
  assert.deepEqual(pressed, ["PageDown", "End"]);
  assert.equal(press("PageDown"), false); // nothing held on the pooling page
});

test("switching to Step by step in presenter mode opens a hold; elsewhere none", () => {
  const { win, press } = fakeWindow(`${HOST}/pooling`);
  keepKeys(win);
  assert.equal(press("PageDown"), false);
  win.history.pushState(null, "", "/animation"); // Streamlit writes the page first ...
  assert.equal(press("PageDown"), false);
  win.history.replaceState(null, "", "/animation?present=true"); // ... then its link's values
  assert.equal(press("PageDown"), true);
  keepKeys(win); // installed once: one listener, one hold
  assert.deepEqual(win.__cnnvizKeyHold.keys, ["PageDown"]);
});

test("turning presenter mode on under an animation already drawn holds nothing", () => {
  const { win, press } = fakeWindow(`${HOST}/animation`);
  win.__cnnvizInstances = { anim_view: { root: () => ({ isConnected: true }) } };
  keepKeys(win);
  win.history.replaceState(null, "", "/animation?present=true");
  assert.equal(press("PageDown"), false); // the animation has the keys itself
});

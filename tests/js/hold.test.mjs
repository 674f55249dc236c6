// Keys held until the animation is there (cnnviz/ui/static/animator/hold.js) under `node --test`:
// a clicker pressed as the page opens is kept, in order, and handed over once.
import assert from "node:assert/strict";
import { test } from "node:test";

import { whereOf } from "../../cnnviz/ui/static/animator/driver.js";
import { KeyHold, holdsKeys } from "../../cnnviz/ui/static/animator/hold.js";

test("the animation's keys pressed on the page are held in order and handed over once", () => {
  const hold = new KeyHold();
  for (const key of ["PageDown", ".", "End", "PageUp", "ArrowLeft", " ", "Home"]) {
    assert.equal(hold.offer(key, "box"), true, key);
  }
  assert.deepEqual(hold.take(), ["PageDown", ".", "End", "PageUp", "ArrowLeft", " ", "Home"]);
  assert.equal(hold.open, false);
  assert.deepEqual(hold.take(), []); // nothing twice
  assert.equal(hold.offer("PageDown", "box"), false); // closed: the animation has the keys now
});

test("other keys, modified keys and keys typed into a control are not held", () => {
  const hold = new KeyHold();
  assert.equal(hold.offer("a", "box"), false);
  assert.equal(hold.offer("Tab", "box"), false);
  assert.equal(hold.offer("PageDown", "box", { altKey: true }), false); // a lecture list's Alt+→ kin
  assert.equal(hold.offer("ArrowRight", "box", { ctrlKey: true }), false);
  for (const where of ["text", "number", "select", "range", "checkbox", "button"]) {
    assert.equal(hold.offer("ArrowRight", where), false, where);
  }
  assert.deepEqual(hold.take(), []);
});

test("whereOf names where a key was pressed", () => {
  assert.equal(whereOf({ tagName: "BODY" }), "box");
  assert.equal(whereOf({ tagName: "DIV" }), "box");
  assert.equal(whereOf({ tagName: "DIV", isContentEditable: true }), "text");
  assert.equal(whereOf({ tagName: "INPUT", type: "range" }), "range");
  assert.equal(whereOf({ tagName: "INPUT", type: "number" }), "number");
  assert.equal(whereOf({ tagName: "INPUT", type: "checkbox" }), "checkbox");
  assert.equal(whereOf({ tagName: "INPUT" }), "text");
  assert.equal(whereOf({ tagName: "TEXTAREA" }), "text");
  assert.equal(whereOf({ tagName: "SELECT" }), "select");
  assert.equal(whereOf({ tagName: "BUTTON" }), "button");
  assert.equal(whereOf(null), "box");
});

test("keys are held on Step by step in presenter mode only, below any base path", () => {
  const host = "http://127.0.0.1:8501";
  assert.equal(holdsKeys(`${host}/animation?present=true`), true);
  assert.equal(holdsKeys(`${host}/animation?src=Lecture&ex=000.5&present=True`), true); // any case
  assert.equal(holdsKeys(`${host}/cnn/animation/?present=true`), true); // a base path, a slash
  assert.equal(holdsKeys(`${host}/animation`), false); // presenter mode off
  assert.equal(holdsKeys(`${host}/animation?present=false`), false);
  assert.equal(holdsKeys(`${host}/animation?present=`), false);
  assert.equal(holdsKeys(`${host}/pooling?present=true`), false); // another page
  assert.equal(holdsKeys(`${host}/?present=true`), false); // the Playground
  assert.equal(holdsKeys(`${host}/animation_x?present=true`), false);
  assert.equal(holdsKeys("not an address"), false);
});

// When the rest of a page is asked for (cnnviz/ui/static/later.js) under `node --test`:
// after two frames, once the page is ready, at an idle moment; once; never later than
// MAX_WAIT_MS; never after the element has left the page.
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_WAIT_MS, whenDrawn } from "../../cnnviz/ui/static/later.js";

/** A window whose clock, frames, timers and idle callbacks the test runs by hand. */
function fakeWindow({ idle = true } = {}) {
  const queue = [];
  const win = {
    now: 0,
    log: [],
    performance: { now: () => win.now },
    requestAnimationFrame(fn) { queue.push({ kind: "frame", fn, at: win.now }); },
    setTimeout(fn, ms) { queue.push({ kind: "timer", fn, at: win.now + ms }); },
    run(until) { // run everything due up to ``until`` ms, frames every 16 ms
      while (win.now <= until) {
        const due = queue.filter((job) => job.at <= win.now);
        for (const job of due) {
          queue.splice(queue.indexOf(job), 1);
          win.log.push(job.kind);
          job.fn();
        }
        win.now += 1;
      }
    },
  };
  if (idle) {
    win.requestIdleCallback = (fn, options) => {
      assert.ok(options.timeout > 0 && options.timeout <= 1000);
      queue.push({ kind: "idle", fn, at: win.now + 5 });
    };
  }
  return win;
}

test("fires once, after two frames and an idle moment, when the page is ready", () => {
  const win = fakeWindow();
  let fired = 0;
  whenDrawn(win, () => true, () => { fired += 1; });
  assert.equal(fired, 0); // nothing before the first frame
  win.run(100);
  assert.equal(fired, 1);
  assert.deepEqual(win.log.slice(0, 2), ["frame", "frame"]);
  assert.equal(win.log.at(-1), "idle");
  win.run(5000);
  assert.equal(fired, 1); // once
});

test("waits while the page is not ready, and fires once it is", () => {
  const win = fakeWindow();
  let ready = false;
  let fired = 0;
  whenDrawn(win, () => ready, () => { fired += 1; });
  win.run(500);
  assert.equal(fired, 0);
  ready = true;
  win.run(700);
  assert.equal(fired, 1);
});

test("never waits longer than MAX_WAIT_MS, nor for a page it cannot read", () => {
  const win = fakeWindow();
  let fired = 0;
  whenDrawn(win, () => false, () => { fired += 1; });
  win.run(MAX_WAIT_MS - 50);
  assert.equal(fired, 0);
  win.run(MAX_WAIT_MS + 300);
  assert.equal(fired, 1);
  const broken = fakeWindow();
  let firedToo = 0;
  whenDrawn(broken, () => { throw new Error("no such element"); }, () => { firedToo += 1; });
  broken.run(200);
  assert.equal(firedToo, 1);
});

test("a browser without requestIdleCallback fires on a timer; a cancelled wait never fires", () => {
  const win = fakeWindow({ idle: false });
  let fired = 0;
  whenDrawn(win, () => true, () => { fired += 1; });
  win.run(100);
  assert.equal(fired, 1);
  const gone = fakeWindow();
  let firedGone = 0;
  const cancel = whenDrawn(gone, () => false, () => { firedGone += 1; });
  gone.run(200);
  cancel();
  gone.run(MAX_WAIT_MS + 500);
  assert.equal(firedGone, 0);
});

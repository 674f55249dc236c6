// The animation's playback driver (cnnviz/ui/static/animator/driver.js) under `node --test`:
// every key and button, play/pause, speed, jump, the server's start and goto, and what it
// reports, on a fake clock: milliseconds, no browser. tests/unit/test_js.py runs this file.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  DEFAULT_SPEED, Driver, KEYS, REPORT_MS, SPEEDS, keyAction, snapSpeed,
} from "../../cnnviz/ui/static/animator/driver.js";

/** A clock whose time moves only when the test says so; timers and frames fire in order. */
function fakeClock() {
  let now = 0;
  let next = 1;
  const timers = new Map(); // id -> {at, fn}
  const frames = new Map(); // id -> fn
  const clock = {
    now: () => now,
    later: (fn, ms) => { const id = next++; timers.set(id, { at: now + ms, fn }); return id; },
    cancel: (id) => { timers.delete(id); },
    frame: (fn) => { const id = next++; frames.set(id, fn); return id; },
    cancelFrame: (id) => { frames.delete(id); },
    /** Let ms pass: timers fire when due, frames every 1000/60 ms. */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at)[0];
        // The next display frame strictly after now (60 Hz, frame i at i·1000/60 ms).
        let frameAt = Infinity;
        if (frames.size) {
          let i = Math.floor(now * 60 / 1000);
          while (i * 1000 / 60 <= now) i += 1;
          frameAt = i * 1000 / 60;
        }
        const timerAt = due ? due[1].at : Infinity;
        const at = Math.min(frameAt, timerAt);
        if (at > end) break;
        now = at;
        if (timerAt <= frameAt) {
          timers.delete(due[0]);
          due[1].fn();
        } else {
          const fns = [...frames.values()];
          frames.clear();
          for (const fn of fns) fn(now);
        }
      }
      now = end;
    },
  };
  return clock;
}

/** A driver on a fake clock, with everything it tells the page recorded. */
function make({ n = 25, cols = 5, start = 0, speed = null } = {}) {
  const clock = fakeClock();
  const log = { shown: [], announced: [], reports: [], playing: [], speeds: [] };
  const d = new Driver({
    clock,
    show: (k, source) => log.shown.push([k, source]),
    announce: (k) => log.announced.push(k),
    playing: (on) => log.playing.push(on),
    report: (view) => log.reports.push(view),
    speed: (s) => log.speeds.push(s),
  });
  d.load({ id: 1, n, cols, start, speed });
  return { d, clock, log, last: () => log.shown[log.shown.length - 1][0],
    caption: () => log.announced[log.announced.length - 1] };
}

test("the first load shows its start, announces it and reports nothing (the server knows it)", () => {
  const { d, clock, log } = make({ start: 7 });
  assert.equal(d.step, 7);
  assert.deepEqual(log.shown, [[7, "load"]]);
  assert.deepEqual(log.announced, [7]);
  clock.advance(2000);
  assert.deepEqual(log.reports, []);
});

test("every step key and clicker key moves exactly one step", () => {
  for (const key of ["ArrowRight", "ArrowDown", "PageDown", "."]) {
    const { d, last, caption } = make({ start: 3 });
    assert.equal(d.press(key, "box", {}), true, key);
    assert.equal(d.step, 4, key);
    assert.equal(last(), 4);
    assert.equal(caption(), 4);
  }
  for (const key of ["ArrowLeft", "ArrowUp", "PageUp"]) {
    const { d } = make({ start: 3 });
    d.press(key, "box", {});
    assert.equal(d.step, 2, key);
  }
});

test("Home and End, and the First, Back, Next and Last buttons", () => {
  const { d } = make({ start: 10 });
  d.press("End", "box", {});
  assert.equal(d.step, 24);
  d.press("Home", "box", {});
  assert.equal(d.step, 0);
  d.act("last");
  assert.equal(d.step, 24);
  d.act("next"); // already at the end: stays
  assert.equal(d.step, 24);
  d.act("back");
  assert.equal(d.step, 23);
  d.act("first");
  d.act("back"); // already at the start: stays
  assert.equal(d.step, 0);
  d.act("next");
  assert.equal(d.step, 1);
});

test("keys belong to the fields they are pressed in; modifiers belong to the browser", () => {
  assert.equal(keyAction("ArrowRight", "number"), null);
  assert.equal(keyAction("ArrowRight", "select"), null);
  assert.equal(keyAction("PageDown", "text"), null);
  assert.equal(keyAction(" ", "button"), null); // Space presses the button itself
  assert.equal(keyAction(" ", "checkbox"), null);
  assert.equal(keyAction("ArrowRight", "button"), "next");
  // On the timeline PageDown would jump a tenth: one step instead.
  assert.equal(keyAction("PageDown", "range"), "next");
  assert.equal(keyAction(" ", "range"), "toggle");
  assert.equal(keyAction("ArrowRight", "box", { ctrlKey: true }), null);
  assert.equal(keyAction("ArrowLeft", "box", { altKey: true }), null);
  assert.equal(keyAction("x", "box"), null);
  assert.deepEqual(Object.keys(KEYS).sort(), [" ", ".", "ArrowDown", "ArrowLeft", "ArrowRight",
    "ArrowUp", "End", "Home", "PageDown", "PageUp", "Spacebar"]);
  const { d } = make({ start: 5 });
  assert.equal(d.press("ArrowRight", "number", {}), false);
  assert.equal(d.step, 5);
});

test("a burst of presses sends one report, 300 ms after the last, with the step it rests on", () => {
  const { d, clock, log } = make({ start: 0 });
  for (let i = 0; i < 8; i += 1) { d.act("next"); clock.advance(50); }
  assert.deepEqual(log.reports, []);
  clock.advance(REPORT_MS - 50 - 1);
  assert.deepEqual(log.reports, []);
  clock.advance(1);
  assert.deepEqual(log.reports,
    [{ step: 8, row: 1, col: 3, speed: DEFAULT_SPEED, playing: false, n: 1 }]);
  clock.advance(5000);
  assert.equal(log.reports.length, 1);
});

test("slow presses: the server's echo of an older step never pulls the screen back", () => {
  // The first case: → every 3 s; each report reruns the page, which sends
  // data whose start is the step it knew before the report (or after it).
  const { d, clock, log } = make({ start: 0 });
  let serverStep = 0;
  for (let i = 1; i <= 6; i += 1) {
    d.press("ArrowRight", "box", {});
    clock.advance(REPORT_MS);
    const report = log.reports[log.reports.length - 1];
    assert.equal(report.step, i);
    d.load({ id: 1, n: 25, cols: 5, start: serverStep }); // a rerun's data, stale start
    serverStep = report.step;
    d.load({ id: 1, n: 25, cols: 5, start: serverStep });
    clock.advance(3000 - REPORT_MS);
    assert.equal(d.step, i);
  }
  assert.equal(log.shown[log.shown.length - 1][0], 6);
  assert.equal(log.announced[log.announced.length - 1], 6);
  assert.equal(log.reports.length, 6);
});

test("First, then eight quick Next clicks while the rerun of First arrives", () => {
  const { d, clock, log } = make({ start: 20 });
  d.act("first");
  clock.advance(REPORT_MS);
  assert.equal(log.reports.at(-1).step, 0);
  for (let i = 0; i < 8; i += 1) {
    d.act("next");
    if (i === 2) d.load({ id: 1, n: 25, cols: 5, start: 0 }); // the rerun of First's report
    clock.advance(40);
  }
  assert.equal(d.step, 8);
  clock.advance(REPORT_MS);
  assert.equal(log.reports.at(-1).step, 8);
  assert.equal(log.announced.at(-1), 8);
});

test("End, then Home and six →: screen, caption and report agree", () => {
  const { d, clock, log } = make({ start: 0 });
  d.press("End", "box", {});
  clock.advance(REPORT_MS);
  d.press("Home", "box", {});
  d.load({ id: 1, n: 25, cols: 5, start: 24 }); // End's rerun, arriving late
  for (let i = 0; i < 6; i += 1) d.press("ArrowRight", "box", {});
  clock.advance(REPORT_MS);
  assert.equal(d.step, 6);
  assert.equal(log.shown.at(-1)[0], 6);
  assert.equal(log.announced.at(-1), 6);
  assert.equal(log.reports.at(-1).step, 6);
});

test("returning to the step the server knows sends nothing; leaving it and coming back does", () => {
  const { d, clock, log } = make({ start: 4 });
  d.act("next");
  d.act("back");
  clock.advance(REPORT_MS);
  assert.deepEqual(log.reports, []); // rests where the server knows it is
  d.act("next");
  clock.advance(REPORT_MS);
  d.act("back");
  clock.advance(REPORT_MS);
  assert.deepEqual(log.reports.map((v) => [v.step, v.n]), [[5, 1], [4, 2]]); // n: never alike
});

test("play steps on the clock at the set speed, pause stops and reports where it rests", () => {
  const { d, clock, log } = make({ start: 0, speed: 10 });
  assert.equal(d.speed, 10);
  d.press(" ", "box", {});
  assert.equal(d.playing, true);
  assert.deepEqual(log.playing, [true]);
  clock.advance(1000 + 5); // 10 steps/s
  assert.equal(d.step, 10);
  // One report while playing: that it plays (300 ms after Play), never step by step.
  assert.deepEqual(log.reports.map((v) => v.playing), [true]);
  const played = log.shown.filter(([, s]) => s === "play").map(([k]) => k);
  assert.deepEqual(played, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  d.press(" ", "box", {});
  assert.equal(d.playing, false);
  assert.equal(log.announced.at(-1), 10);
  clock.advance(REPORT_MS);
  assert.equal(log.reports.at(-1).step, 10);
  assert.equal(log.reports.at(-1).playing, false);
  clock.advance(2000);
  assert.equal(d.step, 10); // really paused
});

test("a step key during playback pauses and moves exactly one step from where it is", () => {
  const { d, clock } = make({ start: 0, speed: 20 });
  d.act("toggle");
  clock.advance(500 + 5);
  const at = d.step;
  assert.equal(at, 10);
  d.press("PageDown", "box", {});
  assert.equal(d.playing, false);
  assert.equal(d.step, at + 1);
  clock.advance(1000);
  assert.equal(d.step, at + 1);
});

test("playback stops at the last step, or loops; play at the end starts again at 0", () => {
  const { d, clock, log } = make({ start: 22, speed: 20 });
  d.play();
  clock.advance(1000);
  assert.equal(d.step, 24);
  assert.equal(d.playing, false);
  clock.advance(REPORT_MS);
  assert.equal(log.reports.at(-1).step, 24);
  d.play();
  assert.equal(d.step, 0);
  d.loop = true;
  clock.advance(25 * 50 + 60);
  assert.equal(d.playing, true);
  assert.ok(d.step <= 2, `looped round to ${d.step}`);
});

test("the timeout clock plays at the same rate as frames", () => {
  const { d, clock } = make({ start: 0, speed: 4 });
  d.setMode("timeout");
  d.play();
  clock.advance(1000 + 1);
  assert.equal(d.step, 4);
  d.setMode("raf"); // switching while playing keeps playing
  clock.advance(500 + 20);
  assert.equal(d.step, 6);
});

test("speed snaps to the offered speeds, is reported, and survives new payloads", () => {
  assert.equal(snapSpeed(7), 6);
  assert.equal(snapSpeed(100), 20);
  assert.equal(snapSpeed("x"), DEFAULT_SPEED);
  assert.ok(SPEEDS.includes(DEFAULT_SPEED));
  const { d, clock, log } = make({ start: 2 });
  d.setSpeed(12);
  assert.deepEqual(log.speeds.at(-1), 12);
  clock.advance(REPORT_MS);
  assert.deepEqual(log.reports.at(-1),
    { step: 2, row: 0, col: 2, speed: 12, playing: false, n: 1 });
  d.load({ id: 2, n: 9, cols: 3, start: 1, speed: 3 }); // new settings: the person's speed stays
  assert.equal(d.speed, 12);
});

test("jump to an output cell, clamped to the output", () => {
  const { d } = make({ n: 12, cols: 4 }); // 3 × 4 output
  d.jump(2, 1);
  assert.equal(d.step, 9);
  d.jump(9, 9);
  assert.equal(d.step, 11);
  d.jump(-3, "x");
  assert.equal(d.step, 0);
  d.userGo(7.4); // the timeline, a clicked cell
  assert.equal(d.step, 7);
});

test("a rerun restores: new settings start at the server's step, a remount starts there too", () => {
  const { d, clock, log } = make({ start: 3 });
  d.act("next");
  clock.advance(REPORT_MS);
  assert.equal(log.reports.at(-1).step, 4);
  // New settings (a new payload): the start the server sends is where it shows.
  d.load({ id: 2, n: 9, cols: 3, start: 4 });
  assert.equal(d.step, 4);
  assert.deepEqual(log.shown.at(-1), [4, "load"]);
  assert.equal(log.announced.at(-1), 4);
  clock.advance(1000);
  assert.equal(log.reports.length, 1); // the server knows it
  // A smaller grid: the server clamps its step, and so does the driver.
  d.load({ id: 3, n: 4, cols: 2, start: 99 });
  assert.equal(d.step, 3);
  // A new instance (reload, page switch back) with the link's step.
  const again = make({ start: 17 });
  assert.equal(again.d.step, 17);
});

test("the server's goto moves once per new seq, and is then reported", () => {
  const { d, clock, log } = make({ start: 0 });
  d.load({ id: 1, n: 25, cols: 5, start: 0, goto: [1, 6] });
  assert.equal(d.step, 6);
  assert.equal(log.announced.at(-1), 6);
  d.act("back");
  d.load({ id: 1, n: 25, cols: 5, start: 6, goto: [1, 6] }); // the same goto again: no move
  assert.equal(d.step, 5);
  d.load({ id: 1, n: 25, cols: 5, start: 6, goto: [2, 9] });
  assert.equal(d.step, 9);
  clock.advance(REPORT_MS);
  assert.equal(log.reports.at(-1).step, 9);
  // A new payload takes the goto it comes with as already in its start.
  d.load({ id: 2, n: 25, cols: 5, start: 9, goto: [2, 9] });
  d.act("first");
  d.load({ id: 2, n: 25, cols: 5, start: 9, goto: [2, 9] });
  assert.equal(d.step, 0);
});

test("reduced motion: new settings stop playback; stepping still works", () => {
  const { d, clock } = make({ start: 0, speed: 10 });
  d.reduced = true;
  d.play();
  clock.advance(300);
  d.load({ id: 2, n: 25, cols: 5, start: 0 });
  assert.equal(d.playing, false);
  d.act("next");
  assert.equal(d.step, 1);
});

test("nothing happens before a payload, and nothing after destroy", () => {
  const clock = fakeClock();
  const d = new Driver({ clock, show: () => assert.fail("shown"), announce: () => {},
    playing: () => {}, report: () => assert.fail("reported") });
  d.act("next");
  d.play();
  assert.equal(d.press("ArrowRight", "box", {}), false);
  const m = make({ start: 1 });
  m.d.act("next");
  m.d.destroy();
  m.clock.advance(2000);
  assert.deepEqual(m.log.reports, []);
});

test("1,000 random presses: the driver's step is the model's, and its last report agrees", () => {
  let seed = 12345;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const { d, clock, log } = make({ start: 0 });
  let model = 0;
  let serverStep = 0;
  const keys = Object.keys(KEYS).filter((k) => KEYS[k] !== "toggle");
  for (let i = 0; i < 1000; i += 1) {
    const key = keys[Math.floor(rand() * keys.length)];
    d.press(key, "box", {});
    const act = KEYS[key];
    model = act === "next" ? Math.min(24, model + 1) : act === "back" ? Math.max(0, model - 1)
      : act === "first" ? 0 : 24;
    assert.equal(d.step, model);
    assert.equal(log.announced.at(-1), model);
    clock.advance(Math.floor(rand() * 700));
    // A rerun may arrive at any time with the server's (possibly stale) step.
    if (rand() < 0.5) d.load({ id: 1, n: 25, cols: 5, start: serverStep });
    if (log.reports.length) serverStep = log.reports.at(-1).step;
    assert.equal(d.step, model);
  }
  clock.advance(REPORT_MS);
  const told = log.reports.length ? log.reports.at(-1).step : 0;
  assert.equal(told, model);
});


test("a link that plays: the first load plays, and the server is not told what it said", () => {
  const clock = fakeClock();
  const log = { reports: [], playing: [] };
  const d = new Driver({ clock, show: () => {}, announce: () => {},
    playing: (on) => log.playing.push(on), report: (v) => log.reports.push(v) });
  d.load({ id: 1, n: 25, cols: 5, start: 3, speed: 2, play: [1, true], playing: true });
  assert.equal(d.playing, true);
  assert.equal(d.step, 3);
  clock.advance(REPORT_MS + 10);
  assert.deepEqual(log.reports, []); // the link already says it plays
  d.act("toggle"); // pause: the link drops play
  clock.advance(REPORT_MS);
  assert.equal(log.reports.at(-1).playing, false);
  assert.equal(log.reports.at(-1).step, d.step);
});

test("reduced motion: a link's play does not start playback, and the server hears so", () => {
  const clock = fakeClock();
  const log = { reports: [] };
  const d = new Driver({ clock, show: () => {}, announce: () => {}, playing: () => {},
    report: (v) => log.reports.push(v) });
  d.reduced = true;
  d.load({ id: 1, n: 25, cols: 5, start: 0, play: [1, true], playing: true });
  assert.equal(d.playing, false);
  clock.advance(REPORT_MS);
  assert.deepEqual(log.reports.map((v) => [v.step, v.playing]), [[0, false]]);
  // A later link's play (class mode's follow: the same payload) neither.
  d.load({ id: 1, n: 25, cols: 5, start: 0, play: [2, true], playing: true });
  assert.equal(d.playing, false);
  clock.advance(REPORT_MS);
  assert.equal(log.reports.length, 2);
  // The person asks: it plays.
  d.act("toggle");
  assert.equal(d.playing, true);
});

test("a new play state from the server plays or pauses once per seq; an echo does nothing", () => {
  const { d, clock, log } = make({ start: 0, speed: 2 });
  d.load({ id: 1, n: 25, cols: 5, start: 0, play: [1, true], playing: true });
  assert.equal(d.playing, true);
  clock.advance(1000);
  d.act("toggle"); // the person pauses
  assert.equal(d.playing, false);
  d.load({ id: 1, n: 25, cols: 5, start: 0, play: [1, true], playing: true }); // an old echo
  assert.equal(d.playing, false);
  d.act("toggle");
  d.load({ id: 1, n: 25, cols: 5, start: 0, play: [2, false], playing: false }); // a link: still
  assert.equal(d.playing, false);
  clock.advance(REPORT_MS);
  assert.equal(log.reports.at(-1).playing, false);
});

test("a reload of a view that was playing plays; a later payload keeps what the person did", () => {
  const { d } = make({ start: 0 });
  // Not the first load: the server's "playing" does not restart a paused animation.
  d.load({ id: 2, n: 25, cols: 5, start: 4, playing: true });
  assert.equal(d.playing, false);
});

test("a clicker's PageDown on the last step and PageUp on the first are left to the page", () => {
  // A lecture list takes them to the next / previous example (lecturenav.js): a teacher's
  // clicker goes through the steps, then on to the next example, without the mouse.
  const { d } = make({ start: 24 });
  assert.equal(d.press("PageDown", "box", {}), false);
  assert.equal(d.step, 24);
  assert.equal(d.press("ArrowRight", "box", {}), true); // an arrow stays the animation's
  const first = make({ start: 0 }).d;
  assert.equal(first.press("PageUp", "box", {}), false);
  assert.equal(first.step, 0);
  assert.equal(first.press("PageDown", "box", {}), true);
  assert.equal(first.step, 1);
  assert.equal(first.press("PageUp", "box", {}), true);
  assert.equal(first.step, 0);
});

test("leftToPage names exactly the keys the animation leaves to the page at its ends", () => {
  const last = make({ start: 24 }).d;
  assert.equal(last.leftToPage("PageDown"), true);
  assert.equal(last.leftToPage("PageUp"), false);
  assert.equal(last.leftToPage("ArrowRight"), false);
  const first = make({ start: 0 }).d;
  assert.equal(first.leftToPage("PageUp"), true);
  assert.equal(first.leftToPage("PageDown"), false);
  first.play(); // while playing, PageUp / PageDown step (and pause): nothing is left
  assert.equal(first.leftToPage("PageUp"), false);
});

/*
 * The animation's playback driver: where it stands, play/pause, speed, keys,
 * and what it tells the server. No DOM and no clock of its own (one is passed
 * in), so `node --test` drives it in milliseconds (tests/js/driver.test.mjs).
 *
 * Stepping you can trust. The browser owns the step; the server only learns
 * it. The page (cnnviz/ui/stepper.py) keeps the step it last heard, writes it
 * into the link, and sends the animation:
 *   - `start`, the step to show when a payload is new (a first load, new
 *     settings, a reload from a link); a start that comes with the payload the
 *     animation already shows is only the server's echo of an earlier report,
 *     possibly older than the presses since, and is never applied;
 *   - `goto` = [seq, step], a move the server asks for (a checked prediction):
 *     applied once per new seq;
 *   - `play` = [seq, on], whether a link just opened says it plays (`play=1`),
 *     applied once per new seq; and `playing`, what the server last heard, which
 *     the first load starts from (a reload of a playing view plays).
 * The driver reports where it rests (300 ms after the last press) and whether it
 * plays (300 ms after playback starts or stops; never step by step while
 * playing) whenever that differs from what the server knows; every report
 * carries a new number `n`, so no two reports look alike and none is lost to
 * de-duplication. So after any sequence the screen, the caption and the link
 * agree once the report's rerun is done, on the step and on playing.
 *
 * Reduced motion: nothing moves unless the person asks. A link's `play` is not
 * the person asking, so under reduced motion it does not start playback, and
 * the report tells the server (the link then drops `play`).
 */

/** The offered speeds, steps per second. */
export const SPEEDS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20];
export const DEFAULT_SPEED = 2;
/** A report waits this long after the last move (a burst of presses sends one). */
export const REPORT_MS = 300;

/**
 * Keys and what they do. Presentation clickers send PageDown/PageUp, some
 * send the arrows, and some "." (their blank-screen button): each is one step.
 */
export const KEYS = Object.freeze({
  " ": "toggle",
  Spacebar: "toggle",
  ArrowRight: "next",
  ArrowDown: "next",
  PageDown: "next",
  ".": "next",
  ArrowLeft: "back",
  ArrowUp: "back",
  PageUp: "back",
  Home: "first",
  End: "last",
});

/**
 * What a key does where it was pressed, or null to leave it to the browser.
 *
 * `where`: "box" (the animation or its canvases), "button", "checkbox",
 * "range" (the timeline), "number" (the jump fields), "select" (speed),
 * "text" (anything typed into). Modifier keys (Ctrl, Alt, Meta) are the
 * browser's.
 */
export function keyAction(key, where = "box", mods = {}) {
  if (mods.ctrlKey || mods.altKey || mods.metaKey) return null;
  const act = KEYS[key];
  if (!act) return null;
  if (where === "select" || where === "number" || where === "text") return null;
  // Space and Enter press a focused button or tick a box natively.
  if (act === "toggle" && (where === "button" || where === "checkbox")) return null;
  // On the timeline the slider would move by its own rule (PageDown: a tenth): one step instead.
  return act;
}

/** Where a key was pressed (an element, or anything with its tagName, type and
 * isContentEditable), in keyAction's words. */
export function whereOf(t) {
  const tag = t && t.tagName;
  const type = ((t && t.type) || "").toLowerCase();
  if (tag === "SELECT") return "select";
  if (tag === "TEXTAREA" || (t && t.isContentEditable)) return "text";
  if (tag === "INPUT") {
    if (type === "range") return "range";
    if (type === "checkbox") return "checkbox";
    if (type === "number") return "number";
    return "text";
  }
  if (tag === "BUTTON") return "button";
  return "box";
}

/** The offered speed nearest to s (the menu always shows the real rate). */
export function snapSpeed(s) {
  let best = SPEEDS[0];
  const x = Number(s);
  if (!Number.isFinite(x)) return DEFAULT_SPEED;
  for (const v of SPEEDS) if (Math.abs(v - x) < Math.abs(best - x)) best = v;
  return best;
}

function clampStep(k, n) {
  const v = Math.round(Number(k));
  if (!Number.isFinite(v) || n < 1) return 0;
  return Math.min(n - 1, Math.max(0, v));
}

/** A clock for the browser; tests pass their own with the same four methods. */
export function realClock(win) {
  return {
    now: () => win.performance.now(),
    later: (fn, ms) => win.setTimeout(fn, ms),
    cancel: (id) => win.clearTimeout(id),
    frame: (fn) => win.requestAnimationFrame(fn),
    cancelFrame: (id) => win.cancelAnimationFrame(id),
  };
}

export class Driver {
  /**
   * @param {object} hooks
   *   clock: {now, later, cancel, frame, cancelFrame};
   *   show(step, source): draw the step (source "load", "user", "play", "server");
   *   announce(step): the caption (where the animation rests);
   *   playing(on): the play button;
   *   report(view): tell the server {step, row, col, speed, n};
   *   speed(s): the speed menu.
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.clock = hooks.clock;
    this.n = 0;
    this.cols = 1;
    this.step = 0;
    this.playing = false;
    this.speed = DEFAULT_SPEED;
    this.speedSetByUser = false;
    this.loop = false;
    this.reduced = false;
    this.mode = "raf"; // or "timeout": the playback clock
    this.payloadId = undefined;
    this.gotoSeq = undefined;
    this.playSeq = undefined;
    this.known = null; // the step and speed the server knows, as "step/speed"
    this.sent = 0; // reports sent: each carries the next number
    this.reportTimer = 0;
    this.clockId = 0;
    this.frameMs = 16.7;
    this.lastTs = 0;
    this.nextDue = 0;
    this.dead = false;
  }

  // ---------------------------------------------------------------- the server

  /**
   * A render's data from the server. `id` names the payload (a new one
   * starts at `start`); `goto` is [seq, step] or null; `speed` is the page's
   * speed until the person picks one. Returns true when the payload is new.
   */
  load({ id, n, cols, start = null, goto = null, speed = null, play = null, playing = false }) {
    const fresh = id !== this.payloadId;
    const first = this.payloadId === undefined;
    const seq = Array.isArray(goto) ? goto[0] : null;
    const playSeq = Array.isArray(play) ? play[0] : null;
    if (fresh) {
      const wasPlaying = this.playing;
      this.payloadId = id;
      this.n = Math.max(0, n | 0);
      this.cols = Math.max(1, cols | 0);
      if (speed != null && !this.speedSetByUser) this.setSpeed(speed, false);
      this.step = clampStep(start == null ? 0 : start, this.n);
      // Reduced motion: nothing moves unless asked, so new settings stop playback.
      if (this.playing && this.reduced) this.stopPlaying();
      this.gotoSeq = seq; // a move asked for before this payload is in its start already
      this.playSeq = playSeq; // so is the play state: `playing` below, or what plays now
      this.known = this.restKey();
      this.cancelReport();
      this.hooks.show(this.step, "load");
      this.hooks.announce(this.step);
      if (this.playing) this.restartClock();
      // The first load plays when the server says the view plays (a link, a reload);
      // reduced motion stopped playback or keeps it from starting: the server is told.
      if (first && playing) this.linkPlay(true);
      else if (wasPlaying && !this.playing) this.scheduleReport();
      return true;
    }
    if (seq !== null && seq !== this.gotoSeq) {
      this.gotoSeq = seq;
      this.userGo(goto[1], "server");
    }
    if (playSeq !== null && playSeq !== this.playSeq) {
      this.playSeq = playSeq;
      this.linkPlay(!!play[1]);
    }
    return false;
  }

  /** A link says whether the view plays: play (unless motion is reduced) or pause. */
  linkPlay(on) {
    if (!this.n) return;
    if (on && !this.reduced) {
      this.play();
      this.known = this.restKey(); // the server said so: nothing to tell it
      this.cancelReport();
    } else if (on) {
      this.known = null; // the server thinks it plays: tell it it does not
      this.scheduleReport();
    } else if (this.playing) {
      this.pause();
    }
  }

  /** What the server must know: where the animation rests, or that it plays (and the speed). */
  restKey() {
    return this.playing ? `play/${this.speed}` : `${this.step}/${this.speed}`;
  }

  view() {
    return { step: this.step, row: Math.floor(this.step / this.cols), col: this.step % this.cols,
      speed: this.speed, playing: this.playing, n: this.sent + 1 };
  }

  /** Report where the animation rests, REPORT_MS after the last move. */
  scheduleReport() {
    this.cancelReport();
    this.reportTimer = this.clock.later(() => {
      this.reportTimer = 0;
      this.reportNow();
    }, REPORT_MS);
  }

  reportNow() {
    if (this.dead || !this.n) return;
    const key = this.restKey();
    if (key === this.known) return;
    const view = this.view();
    this.sent += 1;
    this.known = key;
    this.hooks.report(view);
  }

  cancelReport() {
    if (this.reportTimer) this.clock.cancel(this.reportTimer);
    this.reportTimer = 0;
  }

  // ---------------------------------------------------------------- actions

  /** One action by name: a key's, a button's ("next", "back", "first", "last", "toggle"). */
  act(action) {
    if (!this.n) return;
    if (action === "toggle") this.toggle();
    else if (action === "next") this.userGo(this.step + 1);
    else if (action === "back") this.userGo(this.step - 1);
    else if (action === "first") this.userGo(0);
    else if (action === "last") this.userGo(this.n - 1);
  }

  /** A key press; returns true when the driver used it (the caller prevents the default). */
  press(key, where, mods) {
    const action = keyAction(key, where, mods);
    if (!action || !this.n) return false;
    if (this.leftToPage(key)) return false;
    this.act(action);
    return true;
  }

  /**
   * A clicker's PageDown on the last step (PageUp on the first) is not the animation's: it
   * goes on to the page, where a lecture list opens the next (previous) example. The caller
   * still keeps the browser from scrolling the page with it (main.js, lecturenav.js).
   */
  leftToPage(key) {
    if (!this.n || this.playing) return false;
    return (key === "PageDown" && this.step >= this.n - 1) || (key === "PageUp" && this.step <= 0);
  }

  /** A person (or the server's goto) moves to step k: playback stops, the caption follows. */
  userGo(k, source = "user") {
    if (!this.n) return;
    if (this.playing) this.stopPlaying();
    this.step = clampStep(k, this.n);
    this.hooks.show(this.step, source);
    this.hooks.announce(this.step);
    this.scheduleReport();
  }

  /** Jump to output cell (row, col), clamped to the output. */
  jump(row, col) {
    if (!this.n) return;
    const rows = Math.ceil(this.n / this.cols);
    const r = Math.min(rows - 1, Math.max(0, Math.round(Number(row) || 0)));
    const c = Math.min(this.cols - 1, Math.max(0, Math.round(Number(col) || 0)));
    this.userGo(r * this.cols + c);
  }

  setSpeed(s, byUser = true) {
    this.speed = snapSpeed(s);
    if (byUser) {
      this.speedSetByUser = true;
      this.scheduleReport(); // the speed travels in the link
    }
    if (this.hooks.speed) this.hooks.speed(this.speed);
    if (this.playing) this.restartClock();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (!this.n || this.playing) return;
    if (this.step >= this.n - 1) {
      this.step = 0;
      this.hooks.show(0, "user");
    }
    this.playing = true;
    this.hooks.playing(true);
    this.restartClock();
    this.scheduleReport(); // that it plays travels in the link (once, not per step)
  }

  pause() {
    if (!this.playing) return;
    this.stopPlaying();
    this.hooks.announce(this.step);
    this.scheduleReport();
  }

  stopPlaying() {
    this.playing = false;
    this.stopClock();
    this.hooks.playing(false);
  }

  // ---------------------------------------------------------------- the playback clock

  stopClock() {
    if (this.clockId) {
      if (this.mode === "timeout") this.clock.cancel(this.clockId);
      else this.clock.cancelFrame(this.clockId);
    }
    this.clockId = 0;
  }

  restartClock() {
    this.stopClock();
    const interval = 1000 / this.speed;
    // The first step comes one interval after play, then every interval on a
    // fixed schedule (nextDue += interval), so errors never accumulate.
    this.nextDue = this.clock.now() + interval;
    if (this.mode === "timeout") {
      this.clockId = this.clock.later(this.onTimeout, interval);
    } else {
      this.lastTs = 0;
      this.clockId = this.clock.frame(this.onFrame);
    }
  }

  setMode(mode) {
    const playing = this.playing;
    this.stopClock();
    this.mode = mode === "timeout" ? "timeout" : "raf";
    if (playing) this.restartClock();
  }

  onFrame = (ts) => {
    this.clockId = 0;
    if (!this.playing || this.dead) return;
    if (this.lastTs) {
      // Running estimate of the display's frame time.
      this.frameMs = this.frameMs * 0.9 + Math.min(50, Math.max(4, ts - this.lastTs)) * 0.1;
    }
    this.lastTs = ts;
    // Step on the display frame nearest to the due time (half a frame early
    // at most): at 20 steps/s on 60 Hz each step lasts exactly 3 frames.
    if (ts + this.frameMs / 2 >= this.nextDue) this.advance(ts);
    if (this.playing) this.clockId = this.clock.frame(this.onFrame);
  };

  onTimeout = () => {
    this.clockId = 0;
    if (!this.playing || this.dead) return;
    this.advance(this.clock.now());
    if (this.playing) {
      this.clockId = this.clock.later(this.onTimeout, Math.max(0, this.nextDue - this.clock.now()));
    }
  };

  advance(now) {
    const interval = 1000 / this.speed;
    this.nextDue += interval;
    // Fell more than a step behind (tab hidden, slow machine): resynchronise
    // instead of racing through steps to catch up.
    if (now - this.nextDue > interval) this.nextDue = now + interval;
    if (this.step + 1 < this.n) {
      this.step += 1;
      this.hooks.show(this.step, "play");
    } else if (this.loop) {
      this.step = 0;
      this.hooks.show(0, "play");
    } else {
      this.pause();
    }
  }

  destroy() {
    this.dead = true;
    this.playing = false;
    this.stopClock();
    this.cancelReport();
  }
}

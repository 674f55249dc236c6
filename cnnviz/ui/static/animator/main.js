/*
 * cnnviz step-by-step animator (Streamlit components v2 module): the markup,
 * the events, and the wiring of the playback driver (driver.js, no DOM) to the
 * grid view (grid.js) and the equation view (equation.js).
 *
 * Python (cnnviz/lessons/animation.py) computes every number and ships it in
 * the payload; the browser code only looks values up and draws them.
 * cnnviz/ui/animator.py joins these modules into the one script Streamlit
 * loads (a component's inline script cannot import files) and adds the app's
 * palette as the module "./palette.js".
 *
 * Lifecycle: Streamlit calls the default export again each time `data`
 * changes, with the same parentElement, and calls only the last returned
 * cleanup, on unmount. So one Animator lives per parentElement and every call
 * just updates it: no second timer, no second set of listeners.
 */

import { DEFAULT_SPEED, Driver, SPEEDS, keyAction, realClock, whereOf } from "./driver.js";
import { EquationView, prepare } from "./equation.js";
import { GridView } from "./grid.js";
import { PALETTE } from "./palette.js";

const FRAME_LOG_MAX = 5000;
const REDUCE_QUERY = "(prefers-reduced-motion: reduce)";
/** The one key that takes the focus to the animation from anywhere on the page. */
export const FOCUS_KEY = "a";

function frameLog(win) {
  // Shared by all instances so one script can read every animator's frames;
  // entries carry the instance name.
  if (!Array.isArray(win.__cnnvizFrames)) win.__cnnvizFrames = [];
  return win.__cnnvizFrames;
}

function instances(win) {
  if (!win.__cnnvizInstances) win.__cnnvizInstances = {};
  return win.__cnnvizInstances;
}

// Inline SVG icons: media-control glyphs (⏮ ⏭ ⏸) are missing from many
// system fonts and would show as empty boxes.
const ICONS = {
  first: '<path d="M5 4h2.5v16H5zM20 4v16L8.5 12z"/>',
  back: '<path d="M18 4v16L6 12z"/>',
  play: '<path d="M7 4v16l13-8z"/>',
  pause: '<path d="M6 4h4.5v16H6zM13.5 4H18v16h-4.5z"/>',
  next: '<path d="M6 4v16l12-8z"/>',
  last: '<path d="M4 4v16l11.5-8zM16.5 4H19v16h-2.5z"/>',
};

function icon(name) {
  return `<svg class="cnv-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[name]}</svg>`;
}

const TEMPLATE = `
<div class="cnv" tabindex="0" role="group" aria-roledescription="animation" aria-keyshortcuts="A"
     aria-label="Sliding-window animation. Space plays or pauses; the right arrow, Page Down or a clicker steps forward, the left arrow or Page Up back; Home and End go to the first and last step. The key A brings the focus here.">
  <div class="cnv-top">
    <div class="cnv-title" data-testid="cnnviz-title"></div>
    <div class="cnv-counter" data-testid="cnnviz-step-counter" id="cnnviz-step-counter">Step 0 / 0</div>
    <div class="cnv-where" data-testid="cnnviz-position"></div>
  </div>
  <div class="cnv-summary" data-testid="cnnviz-summary"></div>
  <div class="cnv-controls" role="toolbar" aria-label="Animation controls">
    <button type="button" data-act="first" aria-label="First step (Home)" title="First step (Home)">${icon("first")} First</button>
    <button type="button" data-act="back" aria-label="Step back (Left arrow)" title="Step back (Left arrow, Page Up)">${icon("back")} Back</button>
    <button type="button" data-act="play" class="cnv-play" data-testid="cnnviz-play" aria-label="Play (Space)" title="Play or pause (Space)">${icon("play")} Play</button>
    <button type="button" data-act="next" aria-label="Step forward (Right arrow)" title="Step forward (Right arrow, Page Down)">Next ${icon("next")}</button>
    <button type="button" data-act="last" aria-label="Last step (End)" title="Last step (End)">Last ${icon("last")}</button>
    <label class="cnv-field">Speed
      <select data-testid="cnnviz-speed" aria-label="Speed in steps per second"></select>
    </label>
    <label class="cnv-field cnv-loop"><input type="checkbox" data-testid="cnnviz-loop" aria-label="Loop"> Loop</label>
    <span class="cnv-chs" role="group" aria-label="Colour channel shown" data-testid="cnnviz-channels" hidden>Channel
      <button type="button" data-act="channel" data-ch="0" aria-label="Show the red channel and its partial sum">R</button><button type="button" data-act="channel" data-ch="1" aria-label="Show the green channel and its partial sum">G</button><button type="button" data-act="channel" data-ch="2" aria-label="Show the blue channel and its partial sum">B</button><button type="button" data-act="channel" data-ch="all" aria-label="Show all three channels">All</button>
    </span>
    <span class="cnv-keys" data-testid="cnnviz-keys">Keys: <kbd>A</kbd> focus · <kbd>Space</kbd> play · <kbd>←</kbd><kbd>→</kbd> or <kbd>PgUp</kbd><kbd>PgDn</kbd> step · <kbd>Home</kbd><kbd>End</kbd></span>
  </div>
  <label class="cnv-timeline">Step
    <input type="range" min="1" max="1" value="1" step="1" data-testid="cnnviz-timeline" aria-label="Timeline: step">
  </label>
  <div class="cnv-jump">
    <span>Jump to output</span>
    <label>row <input type="number" min="0" value="0" data-testid="cnnviz-jump-row" aria-label="Output row"></label>
    <label>col <input type="number" min="0" value="0" data-testid="cnnviz-jump-col" aria-label="Output column"></label>
    <button type="button" data-act="jump" data-testid="cnnviz-jump" aria-label="Jump to this output cell">Go</button>
    <button type="button" data-act="view" class="cnv-viewbtn" data-testid="cnnviz-view" hidden></button>
  </div>
  <div class="cnv-row cnv-grids">
    <figure class="cnv-panel">
      <figcaption class="cnv-cap-in"></figcaption>
      <canvas class="cnv-in" role="img" data-testid="cnnviz-input"></canvas>
      <div class="cnv-legend cnv-leg-in"></div>
    </figure>
    <figure class="cnv-panel">
      <figcaption class="cnv-cap-out"></figcaption>
      <canvas class="cnv-out" role="img" data-testid="cnnviz-output"></canvas>
      <div class="cnv-legend cnv-leg-out"></div>
    </figure>
  </div>
  <div class="cnv-row cnv-detail">
    <figure class="cnv-panel cnv-panel-k">
      <figcaption class="cnv-cap-k"></figcaption>
      <canvas class="cnv-k" role="img" data-testid="cnnviz-kernel"></canvas>
      <div class="cnv-legend cnv-leg-k"></div>
      <div class="cnv-bias" data-testid="cnnviz-bias"></div>
    </figure>
    <figure class="cnv-panel cnv-panel-p">
      <figcaption class="cnv-cap-p"></figcaption>
      <canvas class="cnv-p" role="img" data-testid="cnnviz-products"></canvas>
      <div class="cnv-legend cnv-leg-p"></div>
    </figure>
  </div>
  <div class="cnv-eq" data-testid="cnnviz-equation"></div>
  <div class="cnv-result"><span class="cnv-result-label"></span> = <output data-testid="cnnviz-output-value" id="cnnviz-output-value"></output></div>
  <div class="cnv-hover" data-testid="cnnviz-hover"></div>
  <div class="cnv-sr" aria-live="polite" aria-atomic="true" data-testid="cnnviz-caption"></div>
</div>`;

class Animator {
  constructor(host) {
    this.host = host;
    const doc = host.ownerDocument || document;
    this.doc = doc;
    this.win = doc.defaultView || window;
    let root = host.querySelector(".cnnviz-root");
    if (!root) {
      root = doc.createElement("div");
      root.className = "cnnviz-root";
      host.appendChild(root);
    }
    root.innerHTML = TEMPLATE;
    this.root = root;
    const q = (sel) => root.querySelector(sel);
    this.el = {
      box: q(".cnv"), title: q(".cnv-title"), counter: q(".cnv-counter"), where: q(".cnv-where"),
      summary: q(".cnv-summary"), play: q(".cnv-play"), speed: q("select"),
      loop: q('input[type="checkbox"]'), timeline: q('input[type="range"]'),
      jumpRow: q('[data-testid="cnnviz-jump-row"]'), jumpCol: q('[data-testid="cnnviz-jump-col"]'),
      viewBtn: q(".cnv-viewbtn"), chs: q(".cnv-chs"), capIn: q(".cnv-cap-in"), capOut: q(".cnv-cap-out"),
      capK: q(".cnv-cap-k"), capP: q(".cnv-cap-p"), cIn: q(".cnv-in"), cOut: q(".cnv-out"),
      cK: q(".cnv-k"), cP: q(".cnv-p"), legIn: q(".cnv-leg-in"), legOut: q(".cnv-leg-out"),
      legK: q(".cnv-leg-k"), legP: q(".cnv-leg-p"), bias: q(".cnv-bias"), panelP: q(".cnv-panel-p"),
      eq: q(".cnv-eq"), resultLabel: q(".cnv-result-label"), result: q("output"),
      hover: q(".cnv-hover"), sr: q(".cnv-sr"),
    };
    for (const s of SPEEDS) {
      const o = doc.createElement("option");
      o.value = String(s);
      o.textContent = `${s} steps/s`;
      this.el.speed.appendChild(o);
    }
    this.el.speed.value = String(DEFAULT_SPEED);
    this.grid = new GridView(this.el, root, PALETTE);
    this.equation = new EquationView(this.el);
    this.driver = new Driver({
      clock: realClock(this.win),
      show: (k, source) => this.show(k, source),
      announce: (k) => { if (this.P) this.equation.announce(this.P, k); },
      playing: (on) => this.updatePlayButton(on),
      report: (view) => this.report(view),
      speed: (s) => { this.el.speed.value = String(s); },
    });
    this.P = null;
    this.payloadText = null;
    this.version = 0;
    this.name = "anim";
    this.send = null;
    this.dead = false;
    this.focusedOnLoad = false;
    this.bind();
    this.resizeObserver = new ResizeObserver(() => this.scheduleLayout());
    this.resizeObserver.observe(root);
  }

  alive() {
    return !this.dead && this.root.isConnected;
  }

  // ------------------------------------------------------------------ data

  update(data) {
    const opts = data.options || {};
    if (opts.clock) this.driver.setMode(opts.clock);
    this.setMotion(opts.motion);
    if (this.grid.setOptions(opts.present === true, opts.fit) && this.P) {
      this.grid.layout();
      this.afterLayout();
      this.grid.draw(this.driver.step);
    }
    const name = data.key != null ? String(data.key) : this.name;
    const reg = instances(this.win);
    if (name !== this.name && reg[this.name] === this.api) delete reg[this.name];
    this.name = name;
    this.api = this.api || this.makeApi();
    reg[this.name] = this.api;
    this.el.box.dataset.instance = this.name;

    const text = data.payload;
    if (text !== this.payloadText) {
      try {
        const P = JSON.parse(text);
        if (!P || P.v !== 1) throw new Error("unknown payload version");
        this.payloadText = text;
        this.P = prepare(P);
        this.version += 1;
        this.grid.setPayload(this.P);
        this.el.timeline.max = String(P.n_steps);
        this.el.jumpRow.max = String(P.oh - 1);
        this.el.jumpCol.max = String(P.ow - 1);
        this.grid.layout();
        this.afterLayout();
      } catch (err) {
        this.equation.error(`cnnviz animator: cannot read the payload (${err.message}).`);
        return;
      }
    }
    this.driver.load({
      id: this.version, n: this.P.n_steps, cols: this.P.ow,
      start: Number.isInteger(data.start) ? data.start : null,
      goto: Array.isArray(data.goto) ? data.goto : null,
      speed: opts.speed || null,
      play: Array.isArray(data.play) ? data.play : null,
      playing: data.playing === true,
    });
    // Presenter mode: the animation takes the keyboard as the page opens.
    if (opts.present === true && !this.focusedOnLoad) {
      this.focusedOnLoad = true;
      const active = this.doc.activeElement;
      if (!active || active === this.doc.body) this.el.box.focus({ preventScroll: true });
    }
    this.takeHeldKeys();
  }

  /** Keys pressed on the page before the animation was there (keys.js, hold.js): pressed
   * here now, in order, each once, as if they had come with the focus here. */
  takeHeldKeys() {
    const hold = this.win.__cnnvizKeyHold;
    if (!hold || !hold.open) return;
    for (const key of hold.take()) {
      this.el.box.dispatchEvent(new this.win.KeyboardEvent(
        "keydown", { key, bubbles: true, composed: true, cancelable: true }));
    }
  }

  setMotion(choice) {
    // "reduce" or "full" as chosen on the page; anything else follows the
    // browser's prefers-reduced-motion, also when it changes later.
    this.motion = choice === "reduce" || choice === "full" ? choice : "auto";
    if (!this.motionQuery && this.win.matchMedia) {
      this.motionQuery = this.win.matchMedia(REDUCE_QUERY);
      this.onMotionChange = () => this.applyMotion();
      this.motionQuery.addEventListener("change", this.onMotionChange);
    }
    this.applyMotion();
  }

  applyMotion() {
    const reduced = this.motion === "reduce" ||
      (this.motion === "auto" && !!(this.motionQuery && this.motionQuery.matches));
    this.driver.reduced = reduced;
    this.el.box.dataset.motion = reduced ? "reduced" : "full";
  }

  // ------------------------------------------------------------------ the driver's hooks

  show(k, source) {
    const P = this.P;
    if (!P) return;
    const t0 = this.win.performance.now();
    const r = Math.floor(k / P.ow);
    const c = k % P.ow;
    const el = this.el;
    el.counter.textContent = `Step ${k + 1} / ${P.n_steps}`;
    el.box.dataset.step = String(k);
    el.where.textContent = `output cell (row ${r}, col ${c})`;
    el.timeline.value = String(k + 1);
    el.timeline.setAttribute("aria-valuetext", el.counter.textContent);
    // Do not overwrite a row/col number someone is typing.
    const active = this.root.getRootNode().activeElement;
    if (active !== el.jumpRow && active !== el.jumpCol) {
      el.jumpRow.value = String(r);
      el.jumpCol.value = String(c);
    }
    this.grid.draw(k);
    this.equation.show(P, k, this.grid.only);
    if (source === "play") {
      // t: when the step was drawn; d: how long drawing it took (ms);
      // p: the timestamp of the next frame, i.e. when it reached the screen.
      const t = this.win.performance.now();
      const entry = { i: this.name, k, t, d: t - t0, p: 0 };
      this.win.requestAnimationFrame((ts) => { entry.p = ts; });
      const log = frameLog(this.win);
      log.push(entry);
      if (log.length > FRAME_LOG_MAX) log.splice(0, log.length - FRAME_LOG_MAX);
    }
  }

  /** A new layout may show one channel or all: the switch and the equation follow. */
  afterLayout() {
    this.channelsShown();
    if (this.P) this.equation.show(this.P, this.driver.step, this.grid.only);
  }

  /** One channel of a colour volume (or all three): the grids, the equation, the switch. */
  pickChannel(ch) {
    if (!this.P) return;
    this.grid.pickChannel(ch);
    this.equation.show(this.P, this.driver.step, this.grid.only);
    this.channelsShown();
  }

  /** The channel switch: offered for a colour volume's channels, the one shown pressed. */
  channelsShown() {
    const P = this.P;
    const offered = !!P && P.nc === 3 && this.grid.view === "channels" && this.grid.numbersIn !== undefined;
    this.el.chs.hidden = !offered;
    this.el.box.classList.toggle("cnv-onech", offered && this.grid.only >= 0);
    if (!offered) return;
    for (const b of this.el.chs.querySelectorAll("button")) {
      // "All" on a projector may show one channel's numbers beside the other two in
      // colours (grid.allAsOne); one channel picked never shows the others.
      const all = this.grid.only < 0 || this.grid.allAsOne;
      const on = b.dataset.ch === "all" ? all : !all && Number(b.dataset.ch) === this.grid.only;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  updatePlayButton(on) {
    const b = this.el.play;
    b.innerHTML = on ? `${icon("pause")} Pause` : `${icon("play")} Play`;
    b.setAttribute("aria-label", on ? "Pause (Space)" : "Play (Space)");
    b.setAttribute("aria-pressed", on ? "true" : "false");
    this.el.box.dataset.playing = on ? "true" : "false";
    // The caption says it plays (once: the played steps are not read out one by one);
    // a pause announces the step it rests on.
    if (on && this.P) this.equation.announcePlaying(this.P, this.driver.step);
  }

  report(view) {
    if (!this.send) return;
    try {
      this.send("view", view);
    } catch (err) {
      // Python may be gone (app stopped); the animation keeps working.
    }
  }

  // ------------------------------------------------------------------ events

  bind() {
    const { el, driver } = this;
    this.root.addEventListener("click", (e) => {
      const b = e.target.closest("button[data-act]");
      if (!b) return;
      const act = b.dataset.act;
      if (act === "jump") driver.jump(el.jumpRow.value, el.jumpCol.value);
      else if (act === "view") { this.grid.toggleView(); this.channelsShown(); }
      else if (act === "channel") this.pickChannel(b.dataset.ch);
      else driver.act(act === "play" ? "toggle" : act);
    });
    el.box.addEventListener("keydown", (e) => {
      const where = whereOf(e.target);
      if (driver.press(e.key, where, e)) {
        e.preventDefault();
        e.stopPropagation(); // the page's own shortcuts do not also act on it
      } else if (keyAction(e.key, where, e) && driver.leftToPage(e.key)) {
        // On to the page (a lecture list's next or previous example), but the browser does
        // not scroll the animation away with it: a clicker at an end changes nothing else.
        e.preventDefault();
        e.cnnvizLeftToPage = true; // lecturenav.js takes it all the same
      }
    });
    el.timeline.addEventListener("input", () => driver.userGo(Number(el.timeline.value) - 1));
    el.speed.addEventListener("change", () => driver.setSpeed(Number(el.speed.value)));
    el.loop.addEventListener("change", () => { driver.loop = el.loop.checked; });
    for (const inp of [el.jumpRow, el.jumpCol]) {
      inp.addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          driver.jump(el.jumpRow.value, el.jumpCol.value);
        }
      });
    }
    el.cOut.addEventListener("mousemove", (e) => this.setHover(this.grid.cellAt(e)));
    el.cOut.addEventListener("mouseleave", () => this.setHover(-1));
    el.cOut.addEventListener("click", (e) => {
      const k = this.grid.cellAt(e);
      if (k >= 0) driver.userGo(k);
    });
    // One key brings the focus here from anywhere on the page (not while typing).
    this.onPageKey = (e) => {
      if (e.key !== FOCUS_KEY && e.key !== FOCUS_KEY.toUpperCase()) return;
      if (e.ctrlKey || e.altKey || e.metaKey || e.defaultPrevented || !this.alive()) return;
      const t = e.composedPath ? e.composedPath()[0] : e.target;
      if (whereOf(t) !== "box" && whereOf(t) !== "button") return;
      // One animation answers: the first on the page that is still there.
      const owner = this.win.__cnnvizFocusOwner;
      if (owner && owner !== this && owner.alive()) return;
      this.win.__cnnvizFocusOwner = this;
      e.preventDefault();
      this.el.box.focus({ preventScroll: true });
      this.el.box.scrollIntoView({ block: "nearest" });
    };
    this.doc.addEventListener("keydown", this.onPageKey);
  }

  setHover(k) {
    if (!this.grid.setHover(k)) return;
    const P = this.P;
    if (k >= 0) {
      const r = Math.floor(k / P.ow);
      const c = k % P.ow;
      const rows = P.rows[r];
      const cols = P.cols[c];
      this.el.hover.textContent =
        `Output (row ${r}, col ${c}) = ${String(P.out[k])}: window on padded rows ` +
        `${rows[0]}–${rows[rows.length - 1]}, cols ${cols[0]}–${cols[cols.length - 1]}. Click to go there.`;
    } else {
      this.el.hover.textContent = "";
    }
  }

  makeApi() {
    const d = this.driver;
    return {
      step: () => d.step,
      steps: () => d.n,
      playing: () => d.playing,
      play: () => d.play(),
      pause: () => d.pause(),
      go: (k) => d.userGo(k),
      setSpeed: (s) => d.setSpeed(s),
      setLoop: (on) => { d.loop = !!on; this.el.loop.checked = d.loop; },
      setClock: (c) => d.setMode(c),
      root: () => this.el.box,
      // Reports sent so far, and whether one is waiting for its 300 ms (tests wait on these).
      reports: () => d.sent,
      reportPending: () => d.reportTimer !== 0,
      // Where output cell k sits on its canvas (CSS px), for tests that click one.
      outputGeometry: () => ({ ...this.grid.outGeom, cols: this.P ? this.P.ow : 0 }),
      // The numbers' sizes as laid out (CSS px), for tests: the font per grid and the cells.
      numbers: () => {
        const g = this.grid;
        return { ...g.fonts, cell: g.cell, outCell: g.outCell, numbersIn: g.numbersIn,
          label: g.inGeom ? g.inGeom.label : 0, thumbs: g.thumbs, allAsOne: g.allAsOne,
          numbersOut: g.numbersOut, oneLine: g.oneLine, width: g.layoutWidth,
          height: this.win.innerHeight };
      },
    };
  }

  destroy() {
    this.dead = true;
    this.driver.destroy();
    clearTimeout(this.layoutTimer);
    this.resizeObserver.disconnect();
    this.doc.removeEventListener("keydown", this.onPageKey);
    if (this.motionQuery) this.motionQuery.removeEventListener("change", this.onMotionChange);
    const reg = instances(this.win);
    if (reg[this.name] === this.api) delete reg[this.name];
    if (this.win.__cnnvizFocusOwner === this) this.win.__cnnvizFocusOwner = null;
  }

  // ------------------------------------------------------------------ layout

  scheduleLayout() {
    clearTimeout(this.layoutTimer);
    this.layoutTimer = setTimeout(() => {
      if (this.dead || !this.P) return;
      const w = this.root.clientWidth;
      if (w && w !== this.grid.layoutWidth) {
        this.grid.layout();
        this.afterLayout();
        this.grid.draw(this.driver.step);
      }
    }, 60);
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let inst = parentElement.__cnnvizAnimator;
  if (inst && !inst.alive()) {
    inst.destroy();
    inst = null;
  }
  if (!inst) {
    inst = new Animator(parentElement);
    parentElement.__cnnvizAnimator = inst;
  }
  // The setter is bound to this render's widget id; keep the newest.
  inst.send = setStateValue;
  inst.update(data || {});
  return () => {
    inst.destroy();
    if (parentElement.__cnnvizAnimator === inst) delete parentElement.__cnnvizAnimator;
  };
}

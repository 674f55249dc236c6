/*
 * cnnviz step-by-step animator (Streamlit components v2 module).
 *
 * Python (cnnviz/animation.py) computes every number and ships it in the
 * payload; this file only looks values up and draws them. The only arithmetic
 * here is on indices and pixels, and on colours (a colour is not a number the
 * audience reads).
 *
 * Lifecycle: Streamlit calls the default export again each time `data`
 * changes, with the same parentElement, and calls only the last returned
 * cleanup, on unmount. So one Animator lives per parentElement and every call
 * just updates it: no second timer, no second set of listeners.
 */

const SPEEDS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20];
const DEFAULT_SPEED = 2;
const FRAME_LOG_MAX = 5000;
// Grids up to this side (16 plus a padding ring) show numbers in cells.
const NUMBERS_MAX = 18;
// Smallest cell (CSS px) that still holds a readable number on a projector.
const NUMBER_CELL_MIN = 22;
const MAX_CELL = 56;
// The rule for a number in a cell (Python's cnnviz.plots.display.NUMBER_FIT,
// sent in data.options.fit; these are its values, for a payload without it):
// half the cell high, the widest label within `width` of the cell, and no
// smaller than `min` px (`present_min` in presenter mode).
// Below `comfort` px side by side, the output wraps under the input instead.
const FIT = { height: 0.5, width: 0.86, min: 11, max: 32, present_min: 14, comfort: 14 };
const GRID_GAP = 14;
const FONT = 'system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const WINDOW_COLOUR = "#ffb000";
const PREVIEW_COLOUR = "#00c2ff";
const WINNER_COLOUR = "#ff2bd6";
const EDGE_COLOUR = "#1e90ff";
// The diverging palette (blue negative, near-white 0, red positive) is not
// written here: it comes in the payload (`palette`, from Python's
// cnnviz.plots.display.DIVERGING_COLORS), so the animation and the figures
// share one set of colours. NEUTRAL is drawn for any value that is not a
// finite number (NaN, ±∞, max-pool padding) and stands in for a missing or
// malformed palette: a grey cell, never an exception.
const NEUTRAL = [190, 190, 190];
// A caption lists at most this many terms of a sum before it writes "…"
// (cnnviz.lessons.animation.CAPTION_TERMS; step_caption is the reference).
const CAPTION_TERMS = 4;
const REDUCE_QUERY = "(prefers-reduced-motion: reduce)";
const TINTS = { R: [255, 40, 40], G: [40, 210, 40], B: [60, 110, 255] };

function frameLog() {
  // Shared by all instances so one script can read every animator's frames;
  // entries carry the instance name.
  if (!Array.isArray(window.__cnnvizFrames)) window.__cnnvizFrames = [];
  return window.__cnnvizFrames;
}

function instances() {
  if (!window.__cnnvizInstances) window.__cnnvizInstances = {};
  return window.__cnnvizInstances;
}

/** A number's text as a factor or a term after "+": "-4" → "(−4)" (text only, no arithmetic). */
function factor(s) {
  return typeof s === "string" && s.startsWith("-") ? `(−${s.slice(1)})` : s;
}

function text(v) {
  // Payload numbers are written so that String() gives format_number's text.
  return typeof v === "string" ? v : String(v);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (ch) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch]
  ));
}

/** The lectures' notation as it is typeset: "a^[l-1]" → a<sup>[l−1]</sup>, escaped first. */
function notation(s) {
  return escapeHtml(s).replace(/\^(\[[^\]]*\])/g, (_, sup) => `<sup>${sup.replace(/-/g, "−")}</sup>`);
}

function shorten(terms) {
  return terms.length <= CAPTION_TERMS ? terms : [...terms.slice(0, 2), "…", terms[terms.length - 1]];
}

function rgbCss(c) {
  return `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`;
}

function inkFor(c) {
  // Black or white text, whichever reads better on this fill.
  const lum = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
  return lum < 0.5 ? "#ffffff" : "#111111";
}

function lerp(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function ringWidth(cell) {
  return Math.max(2, Math.min(4, cell * 0.12));
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

function finite(v) {
  return typeof v === "number" && Number.isFinite(v);
}

/** The payload's palette if it is at least two finite [r, g, b] stops, else neutral. */
function readPalette(stops) {
  const ok = Array.isArray(stops) && stops.length >= 2 && stops.every(
    (c) => Array.isArray(c) && c.length === 3 && c.every((v) => Number.isFinite(v)),
  );
  return ok ? stops : [NEUTRAL, NEUTRAL];
}

/** t in [-1, 1] through the evenly spaced stops. Never throws: a NaN or infinite t
 *  (a huge value over a huge scale) is drawn neutral. */
function divergingRgb(t, stops) {
  if (!finite(t)) return NEUTRAL.slice();
  stops = readPalette(stops);
  const x = (clamp(t, -1, 1) + 1) / 2 * (stops.length - 1);
  const i = clamp(Math.floor(x), 0, stops.length - 2);
  return lerp(stops[i], stops[i + 1], x - i);
}

/**
 * Where v lies between lo and hi, clamped to [0, 1]; null when it cannot be
 * said (a non-finite number, an empty scale). When hi - lo overflows to
 * Infinity (scales near ±1e308) everything is halved first.
 */
function fraction(v, lo, hi) {
  if (!finite(v) || !finite(lo) || !finite(hi) || !(hi > lo)) return null;
  const t = finite(hi - lo) ? (v - lo) / (hi - lo) : (v / 2 - lo / 2) / (hi / 2 - lo / 2);
  return finite(t) ? clamp(t, 0, 1) : null;
}

/** Colour of a value on a payload scale; `tint` colours one image channel. */
function scaleRgb(value, scale, tint) {
  if (!finite(value) || !scale) return NEUTRAL.slice();
  if (scale.kind === "div") {
    return finite(scale.hi) && scale.hi > 0
      ? divergingRgb(value / scale.hi, scale.palette || [NEUTRAL, NEUTRAL]) : NEUTRAL.slice();
  }
  const t = fraction(value, scale.lo, scale.hi);
  if (t === null) return NEUTRAL.slice();
  return tint ? [tint[0] * t, tint[1] * t, tint[2] * t] : [255 * t, 255 * t, 255 * t];
}

function gradientCss(scale) {
  const stops = [];
  for (let i = 0; i <= 8; i += 1) {
    // lo·(1 − f) + hi·f, not lo + (hi − lo)·f, whose difference overflows near ±1e308.
    const f = i / 8;
    const v = scale.lo * (1 - f) + scale.hi * f;
    stops.push(rgbCss(scaleRgb(v, scale, null)));
  }
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

function makeHatch(doc) {
  // Diagonal stripes for padding cells: readable over any fill colour.
  const c = doc.createElement("canvas");
  c.width = 8;
  c.height = 8;
  const g = c.getContext("2d");
  g.strokeStyle = "rgba(128,128,128,0.85)";
  g.lineWidth = 1.6;
  g.beginPath();
  g.moveTo(-2, 10); g.lineTo(10, -2);
  g.moveTo(6, 10); g.lineTo(10, 6);
  g.moveTo(-2, 2); g.lineTo(2, -2);
  g.stroke();
  return c;
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
<div class="cnv" tabindex="0" role="group" aria-roledescription="animation"
     aria-label="Sliding-window animation. Space plays or pauses, left and right arrows step, Home and End go to the first and last step.">
  <div class="cnv-top">
    <div class="cnv-title" data-testid="cnnviz-title"></div>
    <div class="cnv-counter" data-testid="cnnviz-step-counter" id="cnnviz-step-counter">Step 0 / 0</div>
    <div class="cnv-where" data-testid="cnnviz-position"></div>
  </div>
  <div class="cnv-summary" data-testid="cnnviz-summary"></div>
  <div class="cnv-controls" role="toolbar" aria-label="Animation controls">
    <button type="button" data-act="first" aria-label="First step (Home)" title="First step (Home)">${icon("first")} First</button>
    <button type="button" data-act="back" aria-label="Step back (Left arrow)" title="Step back (Left arrow)">${icon("back")} Back</button>
    <button type="button" data-act="play" class="cnv-play" data-testid="cnnviz-play" aria-label="Play (Space)" title="Play or pause (Space)">${icon("play")} Play</button>
    <button type="button" data-act="next" aria-label="Step forward (Right arrow)" title="Step forward (Right arrow)">Next ${icon("next")}</button>
    <button type="button" data-act="last" aria-label="Last step (End)" title="Last step (End)">Last ${icon("last")}</button>
    <label class="cnv-field">Speed
      <select data-testid="cnnviz-speed" aria-label="Speed in steps per second"></select>
    </label>
    <label class="cnv-field cnv-loop"><input type="checkbox" data-testid="cnnviz-loop" aria-label="Loop"> Loop</label>
    <span class="cnv-keys" data-testid="cnnviz-keys">Keys: <kbd>Space</kbd> play · <kbd>←</kbd><kbd>→</kbd> step · <kbd>Home</kbd><kbd>End</kbd></span>
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
      viewBtn: q(".cnv-viewbtn"), capIn: q(".cnv-cap-in"), capOut: q(".cnv-cap-out"),
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
    this.hatchSrc = makeHatch(doc);
    this.P = null;
    this.payloadText = null;
    this.step = 0;
    this.playing = false;
    this.speed = DEFAULT_SPEED;
    this.el.speed.value = String(DEFAULT_SPEED);
    this.loop = false;
    this.hoverStep = -1;
    this.view = "channels";
    this.clock = "raf";
    this.name = "anim";
    this.lastStart = undefined;
    this.lastSent = null;
    this.send = null;
    this.rafId = 0;
    this.timer = 0;
    this.reportTimer = 0;
    this.frameMs = 16.7;
    this.lastTs = 0;
    this.dead = false;
    this.bind();
    this.resizeObserver = new ResizeObserver(() => this.scheduleLayout());
    this.resizeObserver.observe(root);
  }

  alive() {
    return !this.dead && this.root.isConnected;
  }

  // ------------------------------------------------------------------ data

  update(data) {
    if (data.options && data.options.clock) this.clock = data.options.clock;
    this.setMotion(data.options && data.options.motion);
    const opts = data.options || {};
    const fit = Object.assign({}, FIT, opts.fit || {});
    const present = opts.present === true;
    if (present !== this.present || JSON.stringify(fit) !== JSON.stringify(this.fit)) {
      this.present = present;
      this.fit = fit;
      this.minFont = present ? fit.present_min : fit.min;
      this.el.box.classList.toggle("cnv-present", present);
      if (this.P) { this.layout(); this.render("resize"); }
    }
    const name = data.key != null ? String(data.key) : this.name;
    if (name !== this.name && instances()[this.name] === this.api) delete instances()[this.name];
    this.name = name;
    this.api = this.api || this.makeApi();
    instances()[this.name] = this.api;
    this.el.box.dataset.instance = this.name;

    const text = data.payload;
    let fresh = false;
    if (text !== this.payloadText) {
      try {
        const P = JSON.parse(text);
        if (!P || P.v !== 1) throw new Error("unknown payload version");
        this.payloadText = text;
        this.P = P;
        this.prepare();
        fresh = true;
      } catch (err) {
        this.el.eq.textContent = `cnnviz animator: cannot read the payload (${err.message}).`;
        return;
      }
    }
    if (fresh && data.options && data.options.speed && this.speedSetByUser !== true) {
      this.setSpeed(Number(data.options.speed));
    }
    const start = data.start;
    if (fresh) {
      this.step = clamp(Number.isInteger(start) ? start : 0, 0, this.P.n_steps - 1);
      this.hoverStep = -1;
      // Reduced motion: nothing moves unless asked, so new settings stop playback.
      if (this.playing && this.reduced) this.pause();
      this.layout();
      this.render("load");
      this.announce();
      if (this.playing) this.restartClock();
    } else if (Number.isInteger(start) && start !== this.lastStart) {
      this.go(start, "python");
    }
    this.lastStart = start;
  }

  setMotion(choice) {
    // "reduce" or "full" as chosen on the page; anything else follows the
    // browser's prefers-reduced-motion, also when it changes later.
    this.motion = choice === "reduce" || choice === "full" ? choice : "auto";
    const win = this.doc.defaultView || window;
    if (!this.motionQuery && win.matchMedia) {
      this.motionQuery = win.matchMedia(REDUCE_QUERY);
      this.onMotionChange = () => this.applyMotion();
      this.motionQuery.addEventListener("change", this.onMotionChange);
    }
    this.applyMotion();
  }

  applyMotion() {
    this.reduced = this.motion === "reduce" ||
      (this.motion === "auto" && !!(this.motionQuery && this.motionQuery.matches));
    this.el.box.dataset.motion = this.reduced ? "reduced" : "full";
  }

  prepare() {
    const P = this.P;
    const [hp, wp] = P.padded_shape;
    const nc = P.channels;
    const [[top, bottom], [left, right]] = P.padding;
    P.isConv = P.kind === "conv";
    P.hp = hp; P.wp = wp; P.nc = nc;
    P.oh = P.out_shape[0]; P.ow = P.out_shape[1];
    P.fh = P.kernel_shape[0]; P.fw = P.kernel_shape[1];
    P.top = top; P.left = left;
    P.bottomEdge = hp - bottom; P.rightEdge = wp - right;
    P.hasPad = top + bottom + left + right > 0;
    P.out = P.isConv ? (P.activated || P.totals) : P.results;
    P.taps = P.fh * P.fw * nc;
    // Every diverging scale draws with the payload's palette.
    const palette = readPalette(P.palette);
    for (const sc of Object.values(P.scales || {})) sc.palette = palette;
    // Colours per (channel, value id), computed once: drawing is look-ups only.
    const tints = nc === 3 ? P.channel_names.map((n) => TINTS[n]) : [null];
    P.inRgb = [];
    for (let ch = 0; ch < nc; ch += 1) {
      P.inRgb.push(P.vals.map((v) => scaleRgb(v, P.scales.input, nc === 3 ? tints[ch] : null)));
    }
    P.outRgb = P.out.map((v) => scaleRgb(v, P.scales.output));
    if (P.isConv) {
      P.kRgb = P.kernel.map((v) => scaleRgb(v, P.scales.kernel));
    }
    this.el.viewBtn.hidden = nc !== 3;
    this.view = nc === 3 && Math.max(hp, wp) > NUMBERS_MAX ? "rgb" : "channels";
    this.el.timeline.max = String(P.n_steps);
    this.el.jumpRow.max = String(P.oh - 1);
    this.el.jumpCol.max = String(P.ow - 1);
    const L = P.labels;
    this.el.title.textContent = L.title;
    this.el.capIn.innerHTML = notation(L.input);
    if (P.isConv) {
      this.el.capOut.innerHTML = notation(P.activation !== "none"
        ? `${L.output_activated}${P.activation_note ? `, ${P.activation_note}` : ""}`
        : L.output);
      this.el.capK.innerHTML = notation(P.flip ? `${L.kernel}, ${L.flip_note}` : L.kernel);
      this.el.capP.innerHTML = notation(L.products);
      this.el.bias.textContent = `bias b = ${text(P.bias)}`;
      this.el.panelP.hidden = false;
    } else {
      this.el.capOut.textContent = L.output;
      this.el.capK.textContent = `${L.window} (${P.mode === "max" ? "max marked" : "average"})`;
      this.el.bias.textContent = "";
      this.el.panelP.hidden = true;
    }
    const sz = (s) => `${s[0]}×${s[1]}`;
    const plain = (s) => String(s).replace(/\^\[(.*?)\]/g, "[$1]");
    this.el.cIn.setAttribute("aria-label", `${plain(L.input)}: the padded input, ${sz(P.padded_shape)}` +
      `${nc > 1 ? `×${nc}` : ""}, the current window outlined`);
    this.el.cOut.setAttribute("aria-label", `${plain(L.output)}: ` +
      `${sz(P.out_shape)} cells, filled up to the current step`);
    this.el.cK.setAttribute("aria-label", P.isConv ? `${plain(L.kernel)}: ${sz(P.kernel_shape)}` +
      `${nc > 1 ? `×${nc}` : ""} weights` : `${L.window}: the values under the current window`);
    this.el.cP.setAttribute("aria-label", P.isConv ? `${plain(L.products)} of the current step` : "");
    const pads = P.padding.flat();
    const padText = pads.every((p) => p === pads[0]) ? String(pads[0]) : `(top ${pads[0]}, bottom ${pads[1]}, left ${pads[2]}, right ${pads[3]})`;
    const what = P.isConv ? `filter ${sz(P.kernel_shape)}${nc > 1 ? `×${nc}` : ""}` : `pool ${sz(P.kernel_shape)}`;
    const dil = P.isConv ? ` · dilation ${P.dilation[0] === P.dilation[1] ? P.dilation[0] : sz(P.dilation)}` : "";
    const padMode = P.hasPad ? ` (${P.pad_mode})` : "";
    this.el.summary.textContent =
      `input ${sz(P.in_shape)}${nc > 1 ? `×${nc}` : ""} · padding ${padText}${padMode} · ${what}` +
      ` · stride ${P.stride[0] === P.stride[1] ? P.stride[0] : sz(P.stride)}${dil} → output ${sz(P.out_shape)}`;
  }

  // ------------------------------------------------------------------ events

  bind() {
    const el = this.el;
    this.root.addEventListener("click", (e) => {
      const b = e.target.closest("button[data-act]");
      if (!b) return;
      const act = b.dataset.act;
      if (act === "play") this.toggle();
      else if (act === "first") this.userGo(0);
      else if (act === "last") this.userGo(this.P ? this.P.n_steps - 1 : 0);
      else if (act === "back") this.userGo(this.step - 1);
      else if (act === "next") this.userGo(this.step + 1);
      else if (act === "jump") this.jump();
      else if (act === "view") {
        this.view = this.view === "rgb" ? "channels" : "rgb";
        this.layout();
        this.render("view");
      }
    });
    el.box.addEventListener("keydown", (e) => this.onKey(e));
    el.timeline.addEventListener("input", () => this.userGo(Number(el.timeline.value) - 1));
    el.speed.addEventListener("change", () => {
      this.speedSetByUser = true;
      this.setSpeed(Number(el.speed.value));
      this.report();  // the speed travels in the page's link
    });
    el.loop.addEventListener("change", () => { this.loop = el.loop.checked; });
    for (const inp of [el.jumpRow, el.jumpCol]) {
      inp.addEventListener("keydown", (e) => {
        if (e.key === "Enter") { e.preventDefault(); this.jump(); }
      });
    }
    el.cOut.addEventListener("mousemove", (e) => this.onHover(e));
    el.cOut.addEventListener("mouseleave", () => this.setHover(-1));
    el.cOut.addEventListener("click", (e) => {
      const k = this.cellAt(e);
      if (k >= 0) this.userGo(k);
    });
  }

  onKey(e) {
    const t = e.target;
    const tag = t.tagName;
    const type = (t.type || "").toLowerCase();
    // Let form fields keep their own keys: typing a row number, choosing a
    // speed, arrows and Home/End on the timeline slider.
    if (tag === "SELECT" || (tag === "INPUT" && type === "number")) return;
    if (tag === "INPUT" && type === "range" && e.key !== " ") return;
    if (e.key === " " || e.key === "Spacebar") {
      if (tag === "BUTTON" || type === "checkbox") return; // native activation
      e.preventDefault();
      this.toggle();
    } else if (e.key === "ArrowRight") {
      e.preventDefault();
      this.userGo(this.step + 1);
    } else if (e.key === "ArrowLeft") {
      e.preventDefault();
      this.userGo(this.step - 1);
    } else if (e.key === "Home") {
      e.preventDefault();
      this.userGo(0);
    } else if (e.key === "End") {
      e.preventDefault();
      this.userGo(this.P ? this.P.n_steps - 1 : 0);
    }
  }

  cellAt(e) {
    if (!this.P || !this.outGeom) return -1;
    const rect = this.el.cOut.getBoundingClientRect();
    const { x0, y0, cell } = this.outGeom;
    const c = Math.floor((e.clientX - rect.left - x0) / cell);
    const r = Math.floor((e.clientY - rect.top - y0) / cell);
    if (r < 0 || c < 0 || r >= this.P.oh || c >= this.P.ow) return -1;
    return r * this.P.ow + c;
  }

  onHover(e) {
    this.setHover(this.cellAt(e));
  }

  setHover(k) {
    if (!this.P || k === this.hoverStep) return;
    this.hoverStep = k;
    const P = this.P;
    if (k >= 0) {
      const r = Math.floor(k / P.ow);
      const c = k % P.ow;
      const rows = P.rows[r];
      const cols = P.cols[c];
      this.el.hover.textContent =
        `Output (row ${r}, col ${c}) = ${text(P.out[k])}: window on padded rows ` +
        `${rows[0]}–${rows[rows.length - 1]}, cols ${cols[0]}–${cols[cols.length - 1]}. Click to go there.`;
    } else {
      this.el.hover.textContent = "";
    }
    this.drawInput();
    this.drawOutput();
  }

  jump() {
    if (!this.P) return;
    const r = clamp(Math.round(Number(this.el.jumpRow.value) || 0), 0, this.P.oh - 1);
    const c = clamp(Math.round(Number(this.el.jumpCol.value) || 0), 0, this.P.ow - 1);
    this.userGo(r * this.P.ow + c);
  }

  // ------------------------------------------------------------------ playback

  makeApi() {
    return {
      step: () => this.step,
      steps: () => (this.P ? this.P.n_steps : 0),
      playing: () => this.playing,
      play: () => this.play(),
      pause: () => this.pause(),
      go: (k) => this.userGo(k),
      setSpeed: (s) => this.setSpeed(s),
      setLoop: (on) => { this.loop = !!on; this.el.loop.checked = this.loop; },
      setClock: (c) => { this.clock = c; if (this.playing) this.restartClock(); },
      root: () => this.el.box,
      // The numbers' sizes as laid out (CSS px), for tests: the font per grid and the cells.
      numbers: () => ({ ...this.fonts, cell: this.cell, outCell: this.outCell,
        numbersIn: this.numbersIn, numbersOut: this.numbersOut, oneLine: this.oneLine,
        width: this.layoutWidth, height: window.innerHeight }),
    };
  }

  setSpeed(s) {
    // Snap to the offered speeds so the menu always shows the real rate.
    let best = SPEEDS[0];
    for (const v of SPEEDS) if (Math.abs(v - s) < Math.abs(best - s)) best = v;
    this.speed = best;
    this.el.speed.value = String(best);
    if (this.playing) this.restartClock();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (!this.P || this.playing) return;
    if (this.step >= this.P.n_steps - 1) this.go(0, "user");
    this.playing = true;
    this.updatePlayButton();
    this.restartClock();
    clearTimeout(this.reportTimer);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.stopClock();
    this.updatePlayButton();
    this.announce();
    this.report();
  }

  updatePlayButton() {
    const b = this.el.play;
    b.innerHTML = this.playing ? `${icon("pause")} Pause` : `${icon("play")} Play`;
    b.setAttribute("aria-label", this.playing ? "Pause (Space)" : "Play (Space)");
    b.setAttribute("aria-pressed", this.playing ? "true" : "false");
    this.el.box.dataset.playing = this.playing ? "true" : "false";
  }

  stopClock() {
    if (this.rafId) cancelAnimationFrame(this.rafId);
    if (this.timer) clearTimeout(this.timer);
    this.rafId = 0;
    this.timer = 0;
  }

  restartClock() {
    this.stopClock();
    const interval = 1000 / this.speed;
    // The first step comes one interval after play, then every interval on a
    // fixed schedule (nextDue += interval), so errors never accumulate.
    this.nextDue = performance.now() + interval;
    if (this.clock === "timeout") {
      this.timer = setTimeout(this.onTimeout, interval);
    } else {
      this.lastTs = 0;
      this.rafId = requestAnimationFrame(this.onFrame);
    }
  }

  onFrame = (ts) => {
    this.rafId = 0;
    if (!this.playing || this.dead) return;
    if (this.lastTs) {
      // Running estimate of the display's frame time.
      this.frameMs = this.frameMs * 0.9 + clamp(ts - this.lastTs, 4, 50) * 0.1;
    }
    this.lastTs = ts;
    // Step on the display frame nearest to the due time (half a frame early
    // at most): at 20 steps/s on 60 Hz each step lasts exactly 3 frames.
    if (ts + this.frameMs / 2 >= this.nextDue) this.advance(ts);
    if (this.playing) this.rafId = requestAnimationFrame(this.onFrame);
  };

  onTimeout = () => {
    this.timer = 0;
    if (!this.playing || this.dead) return;
    this.advance(performance.now());
    if (this.playing) {
      this.timer = setTimeout(this.onTimeout, Math.max(0, this.nextDue - performance.now()));
    }
  };

  advance(now) {
    const interval = 1000 / this.speed;
    this.nextDue += interval;
    // Fell more than a step behind (tab hidden, slow machine): resynchronise
    // instead of racing through steps to catch up.
    if (now - this.nextDue > interval) this.nextDue = now + interval;
    if (this.step + 1 < this.P.n_steps) this.go(this.step + 1, "play");
    else if (this.loop) this.go(0, "play");
    else this.pause();
  }

  userGo(k) {
    // A person taking a step takes control: playback stops.
    if (this.playing) this.pause();
    this.go(k, "user");
  }

  go(k, source) {
    if (!this.P) return;
    const n = this.P.n_steps;
    const next = clamp(Math.round(Number(k) || 0), 0, n - 1);
    const changed = next !== this.step;
    this.step = next;
    const t0 = performance.now();
    if (changed || source === "load" || source === "user") this.render(source);
    if (source === "play") {
      // t: when the step was drawn; d: how long drawing it took (ms);
      // p: the timestamp of the next frame, i.e. when it reached the screen.
      const t = performance.now();
      const entry = { i: this.name, k: this.step, t, d: t - t0, p: 0 };
      requestAnimationFrame((ts) => { entry.p = ts; });
      const log = frameLog();
      log.push(entry);
      if (log.length > FRAME_LOG_MAX) log.splice(0, log.length - FRAME_LOG_MAX);
    } else if (source === "user") {
      this.announce();
      this.report();
    }
  }

  announce() {
    // Screen readers hear where the animation rests (not every played step).
    if (this.P) this.el.sr.textContent = this.caption(this.step);
  }

  caption(k) {
    // The step in words: cnnviz.lessons.animation.step_caption, text for text.
    const P = this.P;
    const r = Math.floor(k / P.ow);
    const c = k % P.ow;
    const out = text(P.out[k]);
    const head = `Step ${k + 1} of ${P.n_steps}: output (${r}, ${c}) = ${out}.`;
    const { rows, cols } = this.windowCells(k);
    if (!P.isConv) {
      const items = [];
      for (const rr of rows) for (const cc of cols) items.push(text(P.vals[P.ids[rr * P.wp + cc]]));
      const flat = shorten(items);
      const body = P.mode === "max" ? `max(${flat.join(", ")})` : `(${flat.join(" + ")}) / ${P.count}`;
      return `${head} ${body} = ${out}.`;
    }
    const terms = [];
    for (let ch = 0; ch < P.nc; ch += 1) {
      const t = [];
      for (let i = 0; i < P.fh; i += 1) {
        for (let j = 0; j < P.fw; j += 1) {
          const tap = (i * P.fw + j) * P.nc + ch;
          const uid = P.ids[(rows[i] * P.wp + cols[j]) * P.nc + ch];
          t.push(`${factor(text(P.vals[uid]))}·${factor(text(P.kernel[tap]))}`);
        }
      }
      terms.push(shorten(t));
    }
    const total = text(P.totals[k]);
    const bias = `bias ${text(P.bias)} = ${total}`;
    let body;
    if (P.nc === 1) {
      body = `${terms[0].join(" + ")} + ${bias}`;
    } else {
      const partials = terms.map((_, ch) => text(P.partials[k * P.nc + ch]));
      const sums = terms.map((t, ch) => `${P.channel_names[ch]}: ${t.join(" + ")} = ${partials[ch]}`);
      body = [...sums, `${partials.join(" + ")} + ${bias}`].join("; ");
    }
    if (P.activated) body += `; ${P.activation_name}(${total}) = ${out}`;
    return `${head} ${body}.`;
  }

  report() {
    // Tell Python where we are, but only once the animation rests: each
    // state change reruns the page script, which must not happen per frame
    // (nor during playback, where the rerun's re-render could delay a frame).
    if (!this.send) return;
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => {
      if (this.dead || !this.P || this.playing) return;
      const r = Math.floor(this.step / this.P.ow);
      const view = { step: this.step, row: r, col: this.step % this.P.ow, speed: this.speed };
      const key = JSON.stringify(view);
      if (key === this.lastSent) return;
      this.lastSent = key;
      try {
        this.send("view", view);
      } catch (err) {
        // Python may be gone (app stopped); the animation keeps working.
      }
    }, 300);
  }

  destroy() {
    this.dead = true;
    this.playing = false;
    this.stopClock();
    clearTimeout(this.reportTimer);
    clearTimeout(this.layoutTimer);
    this.resizeObserver.disconnect();
    if (this.motionQuery) this.motionQuery.removeEventListener("change", this.onMotionChange);
    if (instances()[this.name] === this.api) delete instances()[this.name];
  }

  // ------------------------------------------------------------------ layout

  scheduleLayout() {
    clearTimeout(this.layoutTimer);
    this.layoutTimer = setTimeout(() => {
      if (this.dead || !this.P) return;
      const w = this.root.clientWidth;
      if (w && w !== this.layoutWidth) {
        this.layout();
        this.render("resize");
      }
    }, 60);
  }

  layout() {
    const P = this.P;
    if (!P) return;
    const W = Math.max(280, this.root.clientWidth || 700);
    this.layoutWidth = this.root.clientWidth;
    this.dpr = window.devicePixelRatio || 1;
    const grids = P.nc > 1 && this.view === "channels" ? P.nc : 1;
    const label = P.nc > 1 ? 24 : 0;
    const small = P.hp <= NUMBERS_MAX && P.wp <= NUMBERS_MAX;
    const outSmall = P.oh <= NUMBERS_MAX && P.ow <= NUMBERS_MAX;
    const axis = outSmall ? 20 : 0;
    const rowGap = 28;
    const inCols = grids * P.wp;
    // 16 px of slack: the root's own padding (8) and each canvas's 2 px edge
    // allowance, or the output wraps under the input by a few pixels.
    let cell = Math.floor((W - rowGap - axis - (grids - 1) * GRID_GAP - 16) / (inCols + P.ow));
    const minFont = this.minFont || FIT.min;
    const both = P.isConv ? 2 : 1;
    const kGrids = P.isConv ? P.nc : 1;
    // Presenter mode: the grids, the kernel and the products on one line when
    // their numbers fit there, so the whole step is on the first screen; and
    // never taller than the window leaves below the controls.
    this.oneLine = false;
    if (this.present) {
      const screen = window.innerHeight || 720;
      const room = Math.max(screen - 410, 260);
      const tall = Math.max(P.hp, P.oh);
      const kCols = P.fw * kGrids;  // kernel above products, beside the grids
      const oneCell = Math.min(MAX_CELL, Math.floor(room / tall),
        Math.floor((W - 3 * rowGap - axis - (grids + kGrids - 2) * GRID_GAP - 32) /
          (inCols + P.ow + kCols)));
      // The filter's column is as wide as its captions and legend (about 260 px) at least.
      const besideWidth = (inCols + P.ow) * oneCell + axis + 3 * rowGap + 32 +
        Math.max(260, kCols * oneCell);
      if (grids === 1 && besideWidth <= W && this.fontFor(P.vals, clamp(oneCell, 2, MAX_CELL)) >= minFont &&
          this.fontFor(P.out, clamp(oneCell, 2, MAX_CELL)) >= minFont) {
        this.oneLine = true;
        cell = oneCell;
      }
      // Fit the window's height, unless that costs the numbers: then the
      // smallest cell that still prints them (the page scrolls a little).
      const widest = clamp(cell, 2, MAX_CELL);
      // The output's numbers count only if they can fit at all (long sums may not).
      const outCounts = outSmall && this.fontFor(P.out, widest) >= minFont;
      const readable = (c) => this.fontFor(P.vals, c) >= minFont &&
        (!outCounts || this.fontFor(P.out, c) >= minFont);
      let c = Math.min(widest, Math.floor(room / tall));
      if (!readable(c) && readable(widest)) {
        while (c < widest && !readable(c)) c += 1;
      }
      cell = c;
    }
    const fit = this.fit || FIT;
    const wanted = this.present ? minFont : Math.max(minFont, fit.comfort);
    const sideBySideFits = cell >= 2 && this.fontFor(P.vals, clamp(cell, 2, MAX_CELL)) >= wanted &&
      (!outSmall || this.fontFor(P.out, clamp(cell, 2, MAX_CELL)) >= wanted);
    if (small && grids === 1 && !sideBySideFits && !this.present) {
      // Numbers do not fit side by side: give the input the whole width and
      // let the output wrap below it (same cell size, so stride shows).
      // Presenter mode keeps the output beside the input (150 % zoom too).
      // Cells of 44 px hold 3-4 digit numbers at about 20 px; larger ones only add scrolling.
      cell = Math.min(44, Math.floor((W - axis - 8) / Math.max(inCols, P.ow)));
    } else if (grids > 1 && !sideBySideFits) {
      cell = Math.floor((W - (grids - 1) * GRID_GAP - 8) / inCols);
    }
    cell = clamp(cell, 2, MAX_CELL);
    this.cell = cell;
    // The output gets its own, larger cells when it sits on a line of its own
    // (three channel grids side by side) and its numbers do not fit in the input's.
    let outCell = cell;
    if (grids > 1 && outSmall && this.fontFor(P.out, cell) < minFont) {
      outCell = clamp(Math.floor((W - axis - 8) / P.ow), cell, MAX_CELL);
      if (this.present) outCell = Math.min(outCell, Math.max(cell, Math.floor(((window.innerHeight || 720) - 330) / P.oh)));
    }
    this.outCell = outCell;
    this.numbersIn = small && (P.nc === 1 || this.view === "channels");
    this.numbersOut = outSmall;
    this.fonts = {
      input: this.numbersIn ? this.fontFor(P.vals, cell) : 0,
      output: this.numbersOut ? this.fontFor(P.out, outCell) : 0,
    };
    // Numbers too small to read at all are noise: colour only. (Presenter mode lays
    // out for its larger minimum, but a grid it cannot reach still prints at the
    // normal one, as the Plotly grids do.)
    const fitRule = this.fit || FIT;
    if (this.fonts.input < fitRule.min) this.numbersIn = false;
    if (this.fonts.output < fitRule.min) this.numbersOut = false;
    this.el.box.classList.toggle("cnv-oneline", this.oneLine);
    const ax = this.numbersOut ? axis : 0;
    this.inGeom = { grids, label, cell, x0: 0, y0: label, gw: P.wp * cell };
    // +2 px everywhere: the last grid line sits half a pixel past the cells.
    this.sizeCanvas(this.el.cIn, grids * P.wp * cell + (grids - 1) * GRID_GAP + 2, label + P.hp * cell + 2);
    this.outGeom = { cell: outCell, x0: ax, y0: label + ax };
    this.sizeCanvas(this.el.cOut, ax + P.ow * outCell + 2, label + ax + P.oh * outCell + 2);

    // Kernel and products side by side if they fit at a readable size,
    // else each takes the full width.
    let kCell = Math.floor((W - 8 - rowGap * (both - 1) - both * (kGrids - 1) * GRID_GAP) / (both * P.fw * kGrids));
    if (kCell < 40) kCell = Math.floor((W - 8 - (kGrids - 1) * GRID_GAP) / (P.fw * kGrids));
    kCell = clamp(kCell, 26, 64);
    if (this.oneLine) kCell = clamp(cell, 26, 64);
    this.kGeom = { grids: kGrids, cell: kCell, label: kGrids > 1 ? 24 : 0 };
    const kw = kGrids * P.fw * kCell + (kGrids - 1) * GRID_GAP + 2;
    const kh = this.kGeom.label + P.fh * kCell + 2;
    this.sizeCanvas(this.el.cK, kw, kh);
    if (P.isConv) this.sizeCanvas(this.el.cP, kw, kh);

    this.fonts.kernel = this.fontFor(P.isConv ? P.kernel : P.vals, kCell);
    this.fonts.products = P.isConv ? this.fontFor(P.prods || P.ptab.flat(), kCell) : 0;
    this.buildInputBase();
    this.drawKernel();
    this.drawLegends();
    this.el.viewBtn.textContent = this.view === "rgb" ? "Show R, G, B channels" : "Show as RGB image";
    this.el.viewBtn.setAttribute("aria-label", this.el.viewBtn.textContent);
  }

  sizeCanvas(canvas, w, h) {
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    canvas.width = Math.max(1, Math.round(w * this.dpr));
    canvas.height = Math.max(1, Math.round(h * this.dpr));
    canvas.cssW = w;
    canvas.cssH = h;
  }

  ctxOf(canvas) {
    const g = canvas.getContext("2d");
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    return g;
  }

  themeInk() {
    const v = getComputedStyle(this.el.box).getPropertyValue("--st-text-color").trim();
    return v || "#31333f";
  }

  fontFor(strings, cell) {
    // One font size per grid, the largest at which its widest text fits a
    // cell: sizes that jump from cell to cell read as emphasis.
    const g = this.measureCtx || (this.measureCtx = this.doc.createElement("canvas").getContext("2d"));
    const fit = this.fit || FIT;
    const base = Math.max(6, Math.min(fit.max, Math.floor(cell * fit.height)));
    g.font = `650 ${base}px ${FONT}`;
    let longest = 0;
    for (const s of strings) longest = Math.max(longest, text(s).length);
    let widest = 0;
    const seen = new Set();
    for (const s of strings) {
      const t = text(s);
      if (t.length >= longest - 1 && !seen.has(t)) {
        seen.add(t);
        widest = Math.max(widest, g.measureText(t).width);
      }
    }
    // Leave room for the window's ring inside the cell edge.
    const room = Math.min(cell * fit.width, cell - ringWidth(cell) - 5);
    return widest > room ? Math.max(6, Math.floor(base * room / widest)) : base;
  }

  cellText(g, s, x, y, cell, fill, italic, size) {
    g.font = `${italic ? "italic " : ""}650 ${size}px ${FONT}`;
    g.fillStyle = inkFor(fill);
    g.textAlign = "center";
    g.textBaseline = "middle";
    g.fillText(s, x + cell / 2, y + cell / 2 + 1);
  }

  isPad(r, c) {
    const P = this.P;
    return r < P.top || r >= P.bottomEdge || c < P.left || c >= P.rightEdge;
  }

  buildInputBase() {
    const P = this.P;
    const c = this.el.cIn;
    const base = this.doc.createElement("canvas");
    base.width = c.width;
    base.height = c.height;
    const g = base.getContext("2d");
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const { grids, label, cell, gw } = this.inGeom;
    const ink = this.themeInk();
    const pattern = g.createPattern(this.hatchSrc, "repeat");
    for (let gi = 0; gi < grids; gi += 1) {
      const x0 = gi * (gw + GRID_GAP);
      const ch = grids > 1 ? gi : (P.nc === 1 ? 0 : -1);
      if (label) {
        g.font = `700 16px ${FONT}`;
        g.fillStyle = ink;
        g.textAlign = "center";
        g.textBaseline = "middle";
        g.fillText(ch >= 0 ? P.channel_names[ch] : "RGB", x0 + gw / 2, label / 2);
      }
      for (let r = 0; r < P.hp; r += 1) {
        for (let cc = 0; cc < P.wp; cc += 1) {
          const x = x0 + cc * cell;
          const y = label + r * cell;
          const fill = this.inputRgb(r, cc, ch);
          g.fillStyle = rgbCss(fill);
          g.fillRect(x, y, cell, cell);
          const pad = this.isPad(r, cc);
          if (pad) {
            g.fillStyle = pattern;
            g.fillRect(x, y, cell, cell);
          }
          if (this.numbersIn && ch >= 0) {
            const v = P.vals[P.ids[(r * P.wp + cc) * P.nc + ch]];
            this.cellText(g, text(v), x, y, cell, fill, pad, this.fonts.input);
          }
        }
      }
      if (cell >= 10) {
        // Below 10 px a mesh would hide the image it sits on.
        g.strokeStyle = "rgba(128,128,128,0.6)";
        g.lineWidth = 1;
        g.beginPath();
        for (let r = 0; r <= P.hp; r += 1) {
          g.moveTo(x0, label + r * cell + 0.5);
          g.lineTo(x0 + gw, label + r * cell + 0.5);
        }
        for (let cc = 0; cc <= P.wp; cc += 1) {
          g.moveTo(x0 + cc * cell + 0.5, label);
          g.lineTo(x0 + cc * cell + 0.5, label + P.hp * cell);
        }
        g.stroke();
      }
      // Rows/columns no window reaches (the floor in the size formula): faded.
      const [ur, uc] = P.unreached;
      g.fillStyle = "rgba(255,255,255,0.6)";
      if (ur > 0) g.fillRect(x0, label + (P.hp - ur) * cell, gw, ur * cell);
      if (uc > 0) g.fillRect(x0 + (P.wp - uc) * cell, label, uc * cell, (P.hp - ur) * cell);
      if (P.hasPad) {
        // The edge of the real image, so padding reads as "outside".
        g.strokeStyle = EDGE_COLOUR;
        g.lineWidth = ringWidth(cell);
        g.strokeRect(x0 + P.left * cell, label + P.top * cell,
          (P.rightEdge - P.left) * cell, (P.bottomEdge - P.top) * cell);
      }
    }
    this.inBase = base;
  }

  inputRgb(r, c, ch) {
    const P = this.P;
    const base = (r * P.wp + c) * P.nc;
    if (ch >= 0) return P.inRgb[ch][P.ids[base + ch]];
    // RGB view: each channel's own brightness (tinted scales hold it in the
    // channel's dominant component).
    const sc = P.scales.input;
    const comp = [0, 0, 0];
    for (let k = 0; k < 3; k += 1) {
      const v = P.vals[P.ids[base + k]];
      const t = fraction(v, sc.lo, sc.hi);
      comp[k] = t === null ? NEUTRAL[k] : 255 * t;
    }
    return comp;
  }

  drawKernel() {
    const P = this.P;
    const g = this.ctxOf(this.el.cK);
    g.clearRect(0, 0, this.el.cK.cssW, this.el.cK.cssH);
    if (!P.isConv) return; // pooling draws its window per step
    const { grids, cell, label } = this.kGeom;
    const ink = this.themeInk();
    for (let ch = 0; ch < grids; ch += 1) {
      const x0 = ch * (P.fw * cell + GRID_GAP);
      if (label) this.channelLabel(g, P.channel_names[ch], x0 + P.fw * cell / 2, label / 2, ink);
      for (let i = 0; i < P.fh; i += 1) {
        for (let j = 0; j < P.fw; j += 1) {
          const tap = (i * P.fw + j) * P.nc + ch;
          const fill = P.kRgb[tap];
          const x = x0 + j * cell;
          const y = label + i * cell;
          g.fillStyle = rgbCss(fill);
          g.fillRect(x, y, cell, cell);
          this.cellText(g, text(P.kernel[tap]), x, y, cell, fill, false, this.fonts.kernel);
        }
      }
      this.gridLines(g, x0, label, P.fh, P.fw, cell);
    }
  }

  channelLabel(g, s, x, y, ink) {
    g.font = `700 16px ${FONT}`;
    g.fillStyle = ink;
    g.textAlign = "center";
    g.textBaseline = "middle";
    g.fillText(s, x, y);
  }

  gridLines(g, x0, y0, rows, cols, cell) {
    g.strokeStyle = "rgba(110,110,110,0.9)";
    g.lineWidth = 1;
    g.beginPath();
    for (let r = 0; r <= rows; r += 1) {
      g.moveTo(x0, y0 + r * cell + 0.5);
      g.lineTo(x0 + cols * cell, y0 + r * cell + 0.5);
    }
    for (let c = 0; c <= cols; c += 1) {
      g.moveTo(x0 + c * cell + 0.5, y0);
      g.lineTo(x0 + c * cell + 0.5, y0 + rows * cell);
    }
    g.stroke();
  }

  legendHtml(scale, caption) {
    const mid = scale.kind === "div" ? '<span class="cnv-mid">0</span>' : "";
    return `<span class="cnv-legend-cap">${escapeHtml(caption)}</span>` +
      `<span class="cnv-lo">${escapeHtml(scale.lo_text)}</span>` +
      `<span class="cnv-bar" style="background:${gradientCss(scale)}">${mid}</span>` +
      `<span class="cnv-hi">${escapeHtml(scale.hi_text)}</span>`;
  }

  drawLegends() {
    const P = this.P;
    const sIn = P.scales.input;
    const keys = [];
    if (P.hasPad) keys.push(`<span class="cnv-key"><i class="cnv-sw cnv-sw-pad"></i>padding (${escapeHtml(P.pad_mode)})</span>`);
    keys.push('<span class="cnv-key"><i class="cnv-sw cnv-sw-win"></i>window taps</span>');
    if (P.isConv && (P.dilation[0] > 1 || P.dilation[1] > 1)) {
      keys.push('<span class="cnv-key"><i class="cnv-sw cnv-sw-span"></i>window span (dilated)</span>');
    }
    if (!P.isConv && P.mode === "max") keys.push('<span class="cnv-key"><i class="cnv-sw cnv-sw-max"></i>max</span>');
    if (P.unreached[0] > 0 || P.unreached[1] > 0) keys.push('<span class="cnv-key"><i class="cnv-sw cnv-sw-unr"></i>never reached</span>');
    keys.push('<span class="cnv-key"><i class="cnv-sw cnv-sw-prev"></i>hovered cell\'s window</span>');
    const tinted = P.nc === 3 && this.view === "channels" && sIn.kind === "seq";
    const cap = tinted ? "value (each channel in its own colour)" : "value";
    this.el.legIn.innerHTML =
      `<div class="cnv-legend-row">${this.legendHtml(sIn, cap)}</div>` +
      `<div class="cnv-legend-row">${keys.join("")}</div>`;
    this.el.legOut.innerHTML = `<div class="cnv-legend-row">${this.legendHtml(P.scales.output, "value")}</div>` +
      '<div class="cnv-legend-row"><span class="cnv-key"><i class="cnv-sw cnv-sw-win"></i>this step</span>' +
      '<span class="cnv-key"><i class="cnv-sw cnv-sw-empty"></i>not computed yet</span></div>';
    if (P.isConv) {
      this.el.legK.innerHTML = `<div class="cnv-legend-row">${this.legendHtml(P.scales.kernel, "weight")}</div>`;
      this.el.legP.innerHTML = `<div class="cnv-legend-row">${this.legendHtml(P.scales.products, "product")}</div>`;
    } else {
      this.el.legK.innerHTML = "";
      this.el.legP.innerHTML = "";
    }
  }

  // ------------------------------------------------------------------ drawing

  render(source) {
    const P = this.P;
    if (!P) return;
    const k = this.step;
    const r = Math.floor(k / P.ow);
    const c = k % P.ow;
    this.el.counter.textContent = `Step ${k + 1} / ${P.n_steps}`;
    this.el.box.dataset.step = String(k);
    this.el.where.textContent = `output cell (row ${r}, col ${c})`;
    this.el.timeline.value = String(k + 1);
    this.el.timeline.setAttribute("aria-valuetext", this.el.counter.textContent);
    // Do not overwrite a row/col number someone is typing.
    const active = this.root.getRootNode().activeElement;
    if (active !== this.el.jumpRow && active !== this.el.jumpCol) {
      this.el.jumpRow.value = String(r);
      this.el.jumpCol.value = String(c);
    }
    this.drawInput();
    this.drawOutput();
    if (P.isConv) this.drawProducts();
    else this.drawWindow();
    this.drawEquation();
  }

  windowCells(k) {
    const P = this.P;
    const r = Math.floor(k / P.ow);
    const c = k % P.ow;
    return { rows: P.rows[r], cols: P.cols[c] };
  }

  drawInput() {
    const P = this.P;
    const canvas = this.el.cIn;
    const g = this.ctxOf(canvas);
    g.clearRect(0, 0, canvas.cssW, canvas.cssH);
    g.drawImage(this.inBase, 0, 0, canvas.cssW, canvas.cssH);
    const { grids, label, cell, gw } = this.inGeom;
    const lw = ringWidth(cell);
    for (let gi = 0; gi < grids; gi += 1) {
      const x0 = gi * (gw + GRID_GAP);
      if (this.hoverStep >= 0 && this.hoverStep !== this.step) {
        const { rows, cols } = this.windowCells(this.hoverStep);
        g.setLineDash([Math.max(3, cell * 0.2), Math.max(2, cell * 0.12)]);
        this.outlineSpan(g, x0, label, rows, cols, cell, PREVIEW_COLOUR, lw);
        g.setLineDash([]);
      }
      const { rows, cols } = this.windowCells(this.step);
      const dilated = rows.length > 1 && rows[1] - rows[0] > 1 || cols.length > 1 && cols[1] - cols[0] > 1;
      if (cell < 14) {
        // Tiny cells: a frame around the whole window keeps it findable.
        this.outlineSpan(g, x0 - 2, label - 2, rows, cols, cell, WINDOW_COLOUR, 3, 4);
      } else if (dilated) {
        g.setLineDash([6, 4]);
        this.outlineSpan(g, x0, label, rows, cols, cell, WINDOW_COLOUR, Math.max(1.5, lw * 0.6));
        g.setLineDash([]);
      }
      for (const rr of rows) {
        for (const cc of cols) {
          const x = x0 + cc * cell;
          const y = label + rr * cell;
          if (cell < 14) {
            // Tiny cells: the ring alone would hide the cell, so tint it.
            g.fillStyle = "rgba(255,176,0,0.45)";
            g.fillRect(x, y, cell, cell);
          }
          const pad = this.isPad(rr, cc);
          if (pad) g.setLineDash([Math.max(3, cell * 0.18), Math.max(2, cell * 0.1)]);
          this.ring(g, x, y, cell, WINDOW_COLOUR, lw);
          if (pad) g.setLineDash([]);
        }
      }
      if (!P.isConv && P.winners[this.step] >= 0) {
        const w = P.winners[this.step];
        const rr = rows[Math.floor(w / cols.length)];
        const cc = cols[w % cols.length];
        this.winnerMark(g, x0 + cc * cell, label + rr * cell, cell, lw);
      }
    }
  }

  outlineSpan(g, x0, y0, rows, cols, cell, colour, lw, grow = 0) {
    const x = x0 + cols[0] * cell;
    const y = y0 + rows[0] * cell;
    const w = (cols[cols.length - 1] - cols[0] + 1) * cell + grow;
    const h = (rows[rows.length - 1] - rows[0] + 1) * cell + grow;
    g.lineWidth = lw + 2;
    g.strokeStyle = "#000";
    g.strokeRect(x, y, w, h);
    g.lineWidth = lw;
    g.strokeStyle = colour;
    g.strokeRect(x, y, w, h);
  }

  ring(g, x, y, cell, colour, lw) {
    // Dark under-stroke then colour: visible on white, black and saturated
    // cells. Drawn on the cell's edge so the number inside stays readable.
    const inset = cell >= 14 ? lw / 2 + 1 : 0;
    g.lineWidth = lw + 2;
    g.strokeStyle = "#000";
    g.strokeRect(x + inset, y + inset, cell - 2 * inset, cell - 2 * inset);
    g.lineWidth = lw;
    g.strokeStyle = colour;
    g.strokeRect(x + inset, y + inset, cell - 2 * inset, cell - 2 * inset);
  }

  winnerMark(g, x, y, cell, lw) {
    const rad = Math.max(2, cell * 0.36);
    g.lineWidth = lw + 2;
    g.strokeStyle = "#000";
    g.beginPath();
    g.arc(x + cell / 2, y + cell / 2, rad, 0, 2 * Math.PI);
    g.stroke();
    g.lineWidth = lw;
    g.strokeStyle = WINNER_COLOUR;
    g.stroke();
  }

  drawOutput() {
    const P = this.P;
    const canvas = this.el.cOut;
    const g = this.ctxOf(canvas);
    g.clearRect(0, 0, canvas.cssW, canvas.cssH);
    const { cell, x0, y0 } = this.outGeom;
    const ink = this.themeInk();
    if (this.inGeom.label) {
      g.font = `700 16px ${FONT}`;
      g.fillStyle = ink;
      g.textAlign = "center";
      g.textBaseline = "middle";
      g.fillText("output", x0 + P.ow * cell / 2, this.inGeom.label / 2);
    }
    if (this.numbersOut) {
      // Row and column numbers, for "jump to output (row, col)".
      g.font = `600 12px ${FONT}`;
      g.fillStyle = ink;
      g.textAlign = "center";
      g.textBaseline = "middle";
      for (let c = 0; c < P.ow; c += 1) g.fillText(String(c), x0 + c * cell + cell / 2, y0 - 10);
      g.textAlign = "right";
      for (let r = 0; r < P.oh; r += 1) g.fillText(String(r), x0 - 5, y0 + r * cell + cell / 2);
    }
    const k = this.step;
    // Not computed yet: a faint grey, so "empty" differs from "value 0" (white).
    g.fillStyle = "rgba(128,128,128,0.14)";
    g.fillRect(x0, y0, P.ow * cell, P.oh * cell);
    for (let i = 0; i <= k; i += 1) {
      const r = Math.floor(i / P.ow);
      const c = i % P.ow;
      const fill = P.outRgb[i];
      g.fillStyle = rgbCss(fill);
      g.fillRect(x0 + c * cell, y0 + r * cell, cell, cell);
      if (this.numbersOut) {
        this.cellText(g, text(P.out[i]), x0 + c * cell, y0 + r * cell, cell, fill, false, this.fonts.output);
      }
    }
    if (cell >= 10) this.gridLines(g, x0, y0, P.oh, P.ow, cell);
    else {
      g.strokeStyle = "rgba(110,110,110,0.9)";
      g.lineWidth = 1;
      g.strokeRect(x0 + 0.5, y0 + 0.5, P.ow * cell, P.oh * cell);
    }
    const lw = ringWidth(cell);
    const r = Math.floor(k / P.ow);
    this.ring(g, x0 + (k % P.ow) * cell, y0 + r * cell, cell, WINDOW_COLOUR, lw);
    if (this.hoverStep >= 0 && this.hoverStep !== k) {
      const hr = Math.floor(this.hoverStep / P.ow);
      g.setLineDash([4, 3]);
      this.ring(g, x0 + (this.hoverStep % P.ow) * cell, y0 + hr * cell, cell, PREVIEW_COLOUR, lw);
      g.setLineDash([]);
    }
  }

  productAt(k, tap, uid) {
    const P = this.P;
    return P.prods ? P.prods[k * P.taps + tap] : P.ptab[P.ptap[tap]][uid];
  }

  drawProducts() {
    const P = this.P;
    const canvas = this.el.cP;
    const g = this.ctxOf(canvas);
    g.clearRect(0, 0, canvas.cssW, canvas.cssH);
    const { grids, cell, label } = this.kGeom;
    const { rows, cols } = this.windowCells(this.step);
    const ink = this.themeInk();
    const pattern = g.createPattern(this.hatchSrc, "repeat");
    for (let ch = 0; ch < grids; ch += 1) {
      const x0 = ch * (P.fw * cell + GRID_GAP);
      if (label) this.channelLabel(g, P.channel_names[ch], x0 + P.fw * cell / 2, label / 2, ink);
      for (let i = 0; i < P.fh; i += 1) {
        for (let j = 0; j < P.fw; j += 1) {
          const tap = (i * P.fw + j) * P.nc + ch;
          const uid = P.ids[(rows[i] * P.wp + cols[j]) * P.nc + ch];
          const v = this.productAt(this.step, tap, uid);
          const fill = scaleRgb(v, P.scales.products);
          const x = x0 + j * cell;
          const y = label + i * cell;
          g.fillStyle = rgbCss(fill);
          g.fillRect(x, y, cell, cell);
          const pad = this.isPad(rows[i], cols[j]);
          if (pad) {
            g.fillStyle = pattern;
            g.fillRect(x, y, cell, cell);
          }
          this.cellText(g, text(v), x, y, cell, fill, pad, this.fonts.products);
        }
      }
      this.gridLines(g, x0, label, P.fh, P.fw, cell);
    }
  }

  drawWindow() {
    const P = this.P;
    const canvas = this.el.cK;
    const g = this.ctxOf(canvas);
    g.clearRect(0, 0, canvas.cssW, canvas.cssH);
    const { cell } = this.kGeom;
    const { rows, cols } = this.windowCells(this.step);
    const pattern = g.createPattern(this.hatchSrc, "repeat");
    for (let i = 0; i < rows.length; i += 1) {
      for (let j = 0; j < cols.length; j += 1) {
        const uid = P.ids[rows[i] * P.wp + cols[j]];
        const fill = P.inRgb[0][uid];
        const x = j * cell;
        const y = i * cell;
        g.fillStyle = rgbCss(fill);
        g.fillRect(x, y, cell, cell);
        const pad = this.isPad(rows[i], cols[j]);
        if (pad) {
          g.fillStyle = pattern;
          g.fillRect(x, y, cell, cell);
        }
        this.cellText(g, text(P.vals[uid]), x, y, cell, fill, pad, this.fonts.kernel);
      }
    }
    this.gridLines(g, 0, 0, rows.length, cols.length, cell);
    const w = P.winners[this.step];
    if (w >= 0) {
      this.winnerMark(g, (w % cols.length) * cell, Math.floor(w / cols.length) * cell, cell, 3);
    }
  }

  drawEquation() {
    const P = this.P;
    const k = this.step;
    const r = Math.floor(k / P.ow);
    const c = k % P.ow;
    const { rows, cols } = this.windowCells(k);
    const lines = [];
    const term = (s, pad) => `<span class="cnv-term${pad ? " cnv-pad" : ""}">${escapeHtml(s)}</span>`;
    const out = text(P.out[k]);
    if (P.isConv) {
      const parts = [];
      for (let ch = 0; ch < P.nc; ch += 1) {
        const terms = [];
        for (let i = 0; i < P.fh; i += 1) {
          for (let j = 0; j < P.fw; j += 1) {
            const tap = (i * P.fw + j) * P.nc + ch;
            const uid = P.ids[(rows[i] * P.wp + cols[j]) * P.nc + ch];
            terms.push(term(`${factor(text(P.vals[uid]))}·${factor(text(P.kernel[tap]))}`,
              this.isPad(rows[i], cols[j])));
          }
        }
        parts.push(terms.join(" + "));
      }
      const total = text(P.totals[k]);
      const bias = escapeHtml(factor(text(P.bias)));
      if (P.nc === 1 && P.partials) {
        // The filter as a neuron (the lectures' wᵀx + w₀): the weighted sum, then the bias.
        const p = escapeHtml(text(P.partials[k]));
        lines.push(`${parts[0]} = <b>${p}</b>`);
        lines.push(`wᵀx + w₀ = ${p} + <span class="cnv-bias-term">${bias}</span> = <b>${escapeHtml(total)}</b>`);
      } else if (P.nc === 1) {
        lines.push(`${parts[0]} + <span class="cnv-bias-term">${bias}</span> = <b>${escapeHtml(total)}</b>`);
      } else {
        const partials = [];
        for (let ch = 0; ch < P.nc; ch += 1) {
          const p = escapeHtml(text(P.partials[k * P.nc + ch]));
          partials.push(p);
          lines.push(`<span class="cnv-ch">${escapeHtml(P.channel_names[ch])}:</span> ${parts[ch]} = <b>${p}</b>`);
        }
        lines.push(`${partials.join(" + ")} + <span class="cnv-bias-term">${bias}</span> = <b>${escapeHtml(total)}</b>`);
      }
      if (P.activated) {
        lines.push(`${escapeHtml(P.activation_name)}(${escapeHtml(total)}) = <b>${escapeHtml(out)}</b>`);
      }
      this.el.resultLabel.textContent = `${P.activated ? "a" : "z"}[${r}, ${c}]`;
    } else {
      const items = [];
      const w = P.winners[k];
      for (let i = 0; i < rows.length; i += 1) {
        for (let j = 0; j < cols.length; j += 1) {
          const s = text(P.vals[P.ids[rows[i] * P.wp + cols[j]]]);
          const idx = i * cols.length + j;
          items.push(idx === w ? `<b class="cnv-win">${escapeHtml(s)}</b>` : term(s, this.isPad(rows[i], cols[j])));
        }
      }
      lines.push(P.mode === "max"
        ? `max(${items.join(", ")}) = <b>${escapeHtml(out)}</b>`
        : `(${items.join(" + ")}) / ${P.count} = <b>${escapeHtml(out)}</b>`);
      this.el.resultLabel.textContent = `output[${r}, ${c}]`;
    }
    this.el.eq.innerHTML = lines.map((l) => `<div class="cnv-eq-line">${l}</div>`).join("");
    this.el.result.textContent = out;
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

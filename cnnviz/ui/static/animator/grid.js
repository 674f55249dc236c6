/*
 * The grid view: the input (padded, the window outlined), the output filling
 * in, the filter and the products (or pooling's window), each a canvas with
 * its numbers in the cells when they fit, and the legends. It draws the step
 * it is given; where the animation stands is the driver's (driver.js).
 *
 * One rule sizes every number in a cell (Python's cnnviz.plots.display.NUMBER_FIT,
 * sent in data.options.fit): half the cell high, the widest label within
 * `width` of the cell, and no smaller than `min` px (`present_min` in
 * presenter mode).
 */

import { NEUTRAL, TINTS, clamp, fraction, gradientCss, inkFor, readPalette, rgbCss, scaleRgb }
  from "./colours.js";
import { escapeHtml, isPad, notation, text, windowCells } from "./equation.js";

// Grids up to this side (16 plus a padding ring) show numbers in cells.
export const NUMBERS_MAX = 18;
const MAX_CELL = 56;
// The values of NUMBER_FIT, for a payload without options.fit.
// Below `comfort` px side by side, the output wraps under the input instead.
export const FIT = { height: 0.5, width: 0.86, min: 11, max: 32, present_min: 14, comfort: 14 };
const GRID_GAP = 14;
// One channel at a time (presenter mode): the room its equation's two lines take below
// the grids (the channel's products and partial sum, then the sum of the partial sums).
const ONE_CHANNEL_EQUATION = 66;
// Presenter mode, the arithmetic beside the grids: the gap before its column, the
// column's least width (the equation's terms wrap in it), and the height under the
// filter's and the products' cells that their captions, the bias, the equation and the
// result take.
const BESIDE_GAP = 28;
const BESIDE_MIN = 300;
const BESIDE_TEXT = 210;
const BESIDE_LEGEND = 48;
// "All" on a projector drawn as one channel with numbers (grid.js: allAsOne): the other
// two channels' least cell, and the height of the name above each.
const THUMB_MIN = 8;
const THUMB_NAME = 20;
const FONT = 'system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const WINDOW_COLOUR = "#ffb000";
const PREVIEW_COLOUR = "#00c2ff";
const WINNER_COLOUR = "#ff2bd6";
const EDGE_COLOUR = "#1e90ff";

function ringWidth(cell) {
  return Math.max(2, Math.min(4, cell * 0.12));
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

/**
 * Presenter mode, one channel of a colour volume beside the output: the cells of the
 * channel's grid (`cell`), of the output (`ownOut`) and of the other two channels drawn
 * in colours beside it (`thumbs`, 0 when `withThumbs` is false). No DOM: `g` gives the
 * geometry in CSS px, `fontIn(c)` / `fontOut(c)` the font the input's / output's numbers
 * print at in cells of c px.
 *
 * One channel picked (R, G or B): cells just large enough to print the numbers at
 * `minFont`, no taller than `room` when they can be; where they are wider than `W`,
 * the grids (not the gaps) shrunk to the width.
 * "All" as one channel with its numbers (`withThumbs`): the two colour grids' width
 * (cells of THUMB_MIN px at least) is taken out of the width first, then the numbered
 * channel and the output share what is left, never below `minFont`; null when they
 * cannot (then All shows the three side by side instead).
 *
 * @param g {W, wp, hp, ow, oh, axis, rowGap, room, label, minFont, outSmall}
 * @returns {{cell: number, ownOut: number, thumbs: number} | null}
 */
export function oneChannelCells(g, fontIn, fontOut, withThumbs = false) {
  const { W, wp, hp, ow, oh, axis, rowGap, room, label, minFont, outSmall } = g;
  const readable = (font, c) => {
    while (c < MAX_CELL && font(c) < minFont) c += 1;
    return c;
  };
  let cell = readable(fontIn, clamp(Math.floor((room - label) / hp), 2, MAX_CELL));
  let ownOut = outSmall ? readable(fontOut, clamp(Math.floor((room - label - axis) / oh), 2, MAX_CELL)) : cell;
  // 16 px of slack: the root's own padding (8) and each canvas's 2 px edge allowance.
  const fixed = axis + rowGap + 16;
  if (!withThumbs) {
    const grids = wp * cell + ow * ownOut;
    if (grids + fixed > W) {
      // The grids shrink, not the gaps: the output stays beside the input. (Not to
      // `room` as well: the room measured as the page opens can be short, and the 12 × 12
      // photo's output then printed 10 px, below the normal minimum: colours only.)
      const k = (W - fixed) / grids;
      cell = Math.floor(cell * k);
      ownOut = Math.floor(ownOut * k);
    }
    return { cell, ownOut, thumbs: 0 };
  }
  // The width the numbered channel and the output share once the thumbnails have theirs.
  const share = W - fixed - GRID_GAP - wp * THUMB_MIN;
  const leastIn = readable(fontIn, 2);
  const leastOut = outSmall ? readable(fontOut, 2) : leastIn;
  const ok = (c, o) => fontIn(c) >= minFont && (!outSmall || fontOut(o) >= minFont);
  if (!ok(leastIn, leastOut) || wp * leastIn + ow * (outSmall ? leastOut : leastIn) > share) return null;
  if (!outSmall) ownOut = cell;
  // Shrink to the share, each grid no smaller than its least readable cell.
  while (wp * cell + ow * ownOut > share) {
    if (outSmall && ownOut > leastOut && (cell <= leastIn || ownOut / leastOut >= cell / leastIn)) ownOut -= 1;
    else cell -= 1;
    if (!outSmall) ownOut = cell;
  }
  // The two others one above the other under their names, no taller than the numbered
  // grid when they can be, cells of up to 16 px.
  const tall = Math.floor((hp * cell - GRID_GAP - 2 * THUMB_NAME) / (2 * hp));
  const left = Math.floor((W - fixed - GRID_GAP - wp * cell - ow * ownOut) / wp);
  const thumbs = Math.max(THUMB_MIN, Math.min(16, tall, left));
  return { cell, ownOut, thumbs };
}

/**
 * The input canvas's accessible name: the volume, then the channel drawn when one is
 * (and whether its numbers print), then the two drawn beside it in colours ("All" on a
 * projector). Plain text: the caption escapes it for HTML, setAttribute takes it as is.
 */
export function inputName(base, names, only, allAsOne, numbers) {
  if (only < 0) return base;
  const drawn = `channel ${names[only]}, ${numbers ? "with its numbers" : "in colours"}`;
  const others = names.filter((_, ch) => ch !== only).join(" and ");
  return `${base}; ${drawn}${allAsOne ? `; ${others} beside it in colour` : ""}`;
}

export class GridView {
  /**
   * @param el the template's elements (canvases, captions, legends, the box)
   * @param root the element whose width the grids fill
   * @param palette the app's diverging lookup table ([r, g, b] per level)
   */
  constructor(el, root, palette) {
    this.el = el;
    this.root = root;
    this.doc = root.ownerDocument;
    this.win = this.doc.defaultView || window;
    this.palette = readPalette(palette);
    this.hatchSrc = makeHatch(this.doc);
    this.P = null;
    this.step = 0;
    this.hoverStep = -1;
    this.view = "channels";
    // One channel of a colour volume at a time (presenter mode, when three side by side
    // would print their numbers too small): `only` is the channel shown, -1 for all;
    // `pick` is the person's choice (0-2, "all"), null until they make one.
    this.only = -1;
    this.pick = null;
    // "All" on a projector where three channels cannot print their numbers readable: the
    // channel last picked (`focus`) prints them, the other two stand beside it in colours
    // (`thumbs`: their grids' cell, 0 when not shown).
    this.focus = 0;
    this.thumbs = 0;
    this.allAsOne = false;
    this.present = false;
    this.fit = FIT;
    this.minFont = FIT.min;
  }

  /** Presenter mode and the number rule; true when they changed (lay out again). */
  setOptions(present, fit) {
    fit = Object.assign({}, FIT, fit || {});
    if (present === this.present && JSON.stringify(fit) === JSON.stringify(this.fit)) return false;
    this.present = present;
    this.fit = fit;
    this.minFont = present ? fit.present_min : fit.min;
    this.el.box.classList.toggle("cnv-present", present);
    return true;
  }

  /** A new payload (already through equation.prepare): colours, captions, labels. */
  setPayload(P) {
    this.P = P;
    const { el } = this;
    const [hp, wp] = P.padded_shape;
    const nc = P.nc;
    // Every diverging scale draws with the app's palette.
    for (const sc of Object.values(P.scales || {})) sc.palette = this.palette;
    // Colours per (channel, value id), computed once: drawing is look-ups only.
    const tints = nc === 3 ? P.channel_names.map((n) => TINTS[n]) : [null];
    P.inRgb = [];
    for (let ch = 0; ch < nc; ch += 1) {
      P.inRgb.push(P.vals.map((v) => scaleRgb(v, P.scales.input, nc === 3 ? tints[ch] : null)));
    }
    P.outRgb = P.out.map((v) => scaleRgb(v, P.scales.output));
    if (P.isConv) P.kRgb = P.kernel.map((v) => scaleRgb(v, P.scales.kernel));
    el.viewBtn.hidden = nc !== 3;
    this.view = nc === 3 && Math.max(hp, wp) > NUMBERS_MAX ? "rgb" : "channels";
    this.hoverStep = -1;
    const L = P.labels;
    el.title.textContent = L.title;
    el.capIn.innerHTML = notation(L.input);
    if (P.isConv) {
      el.capOut.innerHTML = notation(P.activation !== "none"
        ? `${L.output_activated}${P.activation_note ? `, ${P.activation_note}` : ""}`
        : L.output);
      el.capK.innerHTML = notation(P.flip ? `${L.kernel}, ${L.flip_note}` : L.kernel);
      el.capP.innerHTML = notation(L.products);
      el.bias.textContent = `bias b = ${text(P.bias)}`;
      el.panelP.hidden = false;
    } else {
      el.capOut.textContent = L.output;
      el.capK.textContent = `${L.window} (${P.mode === "max" ? "max marked" : "average"})`;
      el.bias.textContent = "";
      el.panelP.hidden = true;
    }
    const sz = (s) => `${s[0]}×${s[1]}`;
    const plain = (s) => String(s).replace(/\^\[(.*?)\]/g, "[$1]");
    P.inLabel = `${plain(L.input)}: the padded input, ${sz(P.padded_shape)}` +
      `${nc > 1 ? `×${nc}` : ""}, the current window outlined`;
    el.cIn.setAttribute("aria-label", P.inLabel);
    el.cOut.setAttribute("aria-label", `${plain(L.output)}: ` +
      `${sz(P.out_shape)} cells, filled up to the current step`);
    el.cK.setAttribute("aria-label", P.isConv ? `${plain(L.kernel)}: ${sz(P.kernel_shape)}` +
      `${nc > 1 ? `×${nc}` : ""} weights` : `${L.window}: the values under the current window`);
    el.cP.setAttribute("aria-label", P.isConv ? `${plain(L.products)} of the current step` : "");
    const pads = P.padding.flat();
    const padText = pads.every((p) => p === pads[0]) ? String(pads[0]) : `(top ${pads[0]}, bottom ${pads[1]}, left ${pads[2]}, right ${pads[3]})`;
    const what = P.isConv ? `filter ${sz(P.kernel_shape)}${nc > 1 ? `×${nc}` : ""}` : `pool ${sz(P.kernel_shape)}`;
    const dil = P.isConv ? ` · dilation ${P.dilation[0] === P.dilation[1] ? P.dilation[0] : sz(P.dilation)}` : "";
    const padMode = P.hasPad ? ` (${P.pad_mode})` : "";
    el.summary.textContent =
      `input ${sz(P.in_shape)}${nc > 1 ? `×${nc}` : ""} · padding ${padText}${padMode} · ${what}` +
      ` · stride ${P.stride[0] === P.stride[1] ? P.stride[0] : sz(P.stride)}${dil} → output ${sz(P.out_shape)}`;
  }

  /** Show the channels side by side, or as one RGB image. */
  toggleView() {
    this.view = this.view === "rgb" ? "channels" : "rgb";
    this.layout();
    this.draw();
  }

  /**
   * The height from the grids' top to the screen's foot, as the page opens (scrolled to
   * the top: the page's own scrolling container, not the window, scrolls).
   */
  roomBelowCaptions() {
    const screen = this.win.innerHeight || 720;
    const cap = this.el.capIn.getBoundingClientRect();
    if (!cap.height) return screen - 420;
    const scroller = this.doc.querySelector('[data-testid="stMain"]');
    const scrolled = scroller ? scroller.scrollTop : (this.win.scrollY || 0);
    return screen - (cap.bottom + scrolled) - 4;
  }

  /** Show channel `ch` alone (0-2) or "all" three; lays out and draws again. */
  pickChannel(ch) {
    this.pick = ch === "all" ? "all" : clamp(Number(ch) || 0, 0, 2);
    if (this.pick !== "all") this.focus = this.pick;
    this.layout();
    this.draw();
  }

  /** The channel input grid `gi` shows (-1: the RGB image). */
  inputChannel(gi, grids) {
    if (this.only >= 0) return this.only;
    return grids > 1 ? gi : (this.P.nc === 1 ? 0 : -1);
  }

  /** The channel filter/products grid `gi` shows. */
  filterChannel(gi) {
    return this.only >= 0 ? this.only : gi;
  }

  /** Draw step k on every canvas. */
  draw(k = this.step) {
    if (!this.P) return;
    this.step = k;
    this.drawInput();
    this.drawOutput();
    if (this.P.isConv) this.drawProducts();
    else this.drawWindow();
  }

  /** The output cell under a pointer event, as a step, or -1. */
  cellAt(e) {
    if (!this.P || !this.outGeom) return -1;
    const rect = this.el.cOut.getBoundingClientRect();
    const { x0, y0, cell } = this.outGeom;
    const c = Math.floor((e.clientX - rect.left - x0) / cell);
    const r = Math.floor((e.clientY - rect.top - y0) / cell);
    if (r < 0 || c < 0 || r >= this.P.oh || c >= this.P.ow) return -1;
    return r * this.P.ow + c;
  }

  /** Outline the window of output cell k (a hover preview; -1 for none). */
  setHover(k) {
    if (!this.P || k === this.hoverStep) return false;
    this.hoverStep = k;
    this.drawInput();
    this.drawOutput();
    return true;
  }

  isPad(r, c) {
    return isPad(this.P, r, c);
  }

  windowCells(k) {
    return windowCells(this.P, k);
  }

  layout() {
    const P = this.P;
    if (!P) return;
    const W = Math.max(280, this.root.clientWidth || 700);
    this.layoutWidth = this.root.clientWidth;
    this.dpr = this.win.devicePixelRatio || 1;
    const small = P.hp <= NUMBERS_MAX && P.wp <= NUMBERS_MAX;
    const outSmall = P.oh <= NUMBERS_MAX && P.ow <= NUMBERS_MAX;
    const axis = outSmall ? 20 : 0;
    const rowGap = 28;
    const minFont = this.minFont || FIT.min;
    // A colour volume's channels side by side, or one at a time: the person's pick,
    // else one when three (beside the output in presenter mode) print their numbers
    // below the readable size (issue 18: one channel beside its partial sum, not smaller).
    this.only = -1;
    this.thumbs = 0;
    const three = Math.floor((W - rowGap - axis - 2 * GRID_GAP - 16) / (3 * P.wp + P.ow));
    // "All" picked on a projector, where the three side by side would print their numbers
    // below the presenter's size (lecture 004's 10 × 10 × 3 at 1280 × 720: 11 px, and the
    // equation pushed below the screen). No layout can do better: 14 px numbers need
    // 39 px cells, three 10-column channels of them are 1,200 px wide and the screen's
    // content is 1,007. So All shows the volume whole but prints the numbers of one
    // channel, the one last picked (R at first), at the size one channel prints them,
    // and the other two beside it, in colours with the window marked; the equation keeps
    // that channel's products and the sum of all three partial sums, on the screen.
    // Numbers smaller than the back row reads would be noise, not "All"; and where even one
    // channel beside two colour thumbnails cannot print them at the presenter's size (a
    // narrow screen, a 16 × 16 photo), All is the three side by side, as off the projector.
    const oneGeom = {
      W, wp: P.wp, hp: P.hp, ow: P.ow, oh: P.oh, axis, rowGap, minFont, outSmall, label: 0,
      room: this.present ? Math.max(this.roomBelowCaptions() - ONE_CHANNEL_EQUATION, 200) : 0,
    };
    const fontIn = (c) => this.fontFor(P.vals, c);
    const fontOut = (c) => this.fontFor(P.out, c);
    const asOne = P.nc === 3 && this.view === "channels" && small && this.pick === "all" &&
      this.present && this.fontFor(P.vals, clamp(three, 2, MAX_CELL)) < minFont
      ? oneChannelCells(oneGeom, fontIn, fontOut, true) : null;
    const allAsOne = asOne !== null;
    this.allAsOne = allAsOne;
    if (allAsOne) this.only = this.focus;
    if (P.nc === 3 && this.view === "channels" && small && this.pick !== "all") {
      // Off the projector the three may wrap the output under them (the widest they get);
      // when even that prints them below the comfortable size, they would show colours
      // only: open on R too (004.6a opened on "All" with no numbers at 1400 × 1000).
      const wrapped = Math.floor((W - 2 * GRID_GAP - 8) / (3 * P.wp));
      const comfort = Math.max(minFont, (this.fit || FIT).comfort);
      if (this.pick !== null) this.only = this.pick;
      else if (this.present && this.fontFor(P.vals, clamp(three, 2, MAX_CELL)) < minFont) this.only = 0;
      else if (!this.present && this.fontFor(P.vals, clamp(Math.max(three, wrapped), 2, MAX_CELL)) < comfort) {
        this.only = 0;
      }
    }
    // "all-one": All drawn as one channel with its numbers and the other two in colours.
    this.el.box.dataset.channel = allAsOne ? "all-one" : this.only >= 0 ? P.channel_names[this.only] : "all";
    const grids = P.nc > 1 && this.view === "channels" && this.only < 0 ? P.nc : 1;
    // The channels' names above the grids; one channel alone is named in the caption.
    const label = P.nc > 1 && this.only < 0 ? 24 : 0;
    const inCols = grids * P.wp;
    // 16 px of slack: the root's own padding (8) and each canvas's 2 px edge
    // allowance, or the output wraps under the input by a few pixels.
    let cell = Math.floor((W - rowGap - axis - (grids - 1) * GRID_GAP - 16) / (inCols + P.ow));
    const both = P.isConv ? 2 : 1;
    const kGrids = P.isConv && this.only < 0 ? P.nc : 1;
    // Presenter mode: the grids, the kernel and the products on one line when
    // their numbers fit there, so the whole step is on the first screen; and
    // never taller than the window leaves below the controls.
    this.oneLine = false;
    let ownOut = 0; // the output's own cell size (one channel at a time)
    // Presenter mode, one input grid with its numbers: the filter, the products and the
    // arithmetic in a column beside the grids (.cnv-beside), so that the window, the
    // filter, the products and the sum are read together on one 720-pixel screen
    // (issue 18: under the grids the equation started at y = 718, on 001.3 at 1070).
    this.beside = this.present && this.only < 0 && grids === 1 && kGrids === 1 && small;
    this.besideK = 0;
    if (this.beside) {
      const room = this.roomBelowCaptions() - 2;
      const readable = (strings, c) => {
        while (c < MAX_CELL && this.fontFor(strings, c) < minFont) c += 1;
        return c;
      };
      const fixed = rowGap + axis + 16 + BESIDE_GAP + BESIDE_MIN;
      const ci = readable(P.vals, 2);
      const co = outSmall ? readable(P.out, 2) : 2;
      // One cell for both grids (stride shows) as large as the height and the width
      // leave beside the column, never below what prints the numbers.
      // (the input's and the output's legends under them: on the screen too)
      const tall = room - BESIDE_LEGEND;
      let c = Math.min(MAX_CELL, Math.floor(tall / P.hp), Math.floor((tall - axis) / P.oh),
        Math.floor((W - fixed) / (P.wp + P.ow)));
      if (co > Math.max(c, ci)) {
        // The output's longer sums need larger cells: it gets its own (as in 001.3's
        // "2295" beside "255"), and the input what the width then leaves.
        ownOut = co;
        c = Math.min(c, Math.floor((W - fixed - P.ow * co) / P.wp));
      }
      c = Math.max(c, ci);
      const out = ownOut > c ? ownOut : c;
      // The column's width: what the grids leave. The filter and the products side by side
      // in it, as large as that width and the height under the captions allow (their
      // captions, the bias and the equation need about BESIDE_TEXT px).
      const side = W - (P.wp * c + P.ow * out + rowGap + axis + 16 + BESIDE_GAP);
      if (side >= BESIDE_MIN) {
        cell = c;
        ownOut = out > c ? out : 0;
        this.besideK = clamp(Math.min(Math.floor((side - 8 - rowGap * (both - 1)) / (both * P.fw)),
          Math.floor((room - BESIDE_TEXT) / P.fh)), 26, 64);
      } else {
        // A narrow screen (a zoomed browser): the grids as before, the arithmetic below.
        this.beside = false;
        ownOut = 0;
      }
    }
    if (this.beside) {
      // (laid out above)
    } else if (this.present && this.only >= 0) {
      // One channel beside the output, each grid with cells just large enough to print
      // its numbers at the readable size (the output's sums are longer than the
      // input's values), and no taller than the screen leaves when they can be; on
      // "All", with the other two beside it in colours (oneChannelCells).
      const one = asOne || oneChannelCells({ ...oneGeom, label }, fontIn, fontOut, false);
      cell = one.cell;
      ownOut = one.ownOut;
      const thumbs = one.thumbs;
      this.thumbs = thumbs;
    } else if (this.present) {
      const screen = this.win.innerHeight || 720;
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
        // Each grid's smallest readable cell. Where the output's longer sums need larger
        // cells than the input's values, the output gets its own (as one channel at a
        // time does), so that the input need not grow past the screen's foot for them
        // (001.3: an 8 × 8 input of "255" beside sums of "2295" ended 10 px below 720).
        let ci = c;
        while (ci < widest && this.fontFor(P.vals, ci) < minFont) ci += 1;
        let co = c;
        while (co < widest && !readable(co)) co += 1;
        c = co;
        if (ci < co && outCounts && grids === 1) {
          const fits = Math.floor((this.roomBelowCaptions() - label - 2) / P.hp);
          c = Math.max(ci, Math.min(co, fits));
          if (c < co) ownOut = co;
        }
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
      // On its own line, an output whose longer sums do not print at the comfortable size
      // in the input's cells gets its own, just large enough (lecture 004's 10 × 10 × 3
      // one channel at a time: its 8 × 8 sums printed 13 px in 44 px cells at 1280 × 720).
      if (outSmall && this.fontFor(P.out, clamp(cell, 2, MAX_CELL)) < wanted) {
        const most = Math.min(MAX_CELL, Math.floor((W - axis - 8) / P.ow));
        let co = clamp(cell, 2, MAX_CELL);
        while (co < most && this.fontFor(P.out, co) < wanted) co += 1;
        if (co > cell) ownOut = co;
      }
    } else if (grids > 1 && !sideBySideFits) {
      cell = Math.floor((W - (grids - 1) * GRID_GAP - 8) / inCols);
    }
    cell = clamp(cell, 2, MAX_CELL);
    this.cell = cell;
    // The output gets its own, larger cells when it sits on a line of its own
    // (three channel grids side by side) and its numbers do not fit in the input's.
    let outCell = ownOut ? clamp(ownOut, 2, MAX_CELL) : cell;
    if (grids > 1 && outSmall && this.fontFor(P.out, cell) < minFont) {
      outCell = clamp(Math.floor((W - axis - 8) / P.ow), cell, MAX_CELL);
      if (this.present) outCell = Math.min(outCell, Math.max(cell, Math.floor(((this.win.innerHeight || 720) - 330) / P.oh)));
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
    // The input's caption and name, now that what it prints is known: the channel drawn
    // and, on "All" as one channel, the two beside it in colours.
    const others = P.channel_names.filter((_, ch) => ch !== this.only).join(" and ");
    this.el.capIn.innerHTML = notation(P.labels.input) + (this.only >= 0
      ? ` <span class="cnv-ch-name">channel ${escapeHtml(P.channel_names[this.only])}</span>` +
        (allAsOne ? `, ${escapeHtml(others)} beside it in colour` : "") : "");
    this.el.cIn.setAttribute("aria-label",
      inputName(P.inLabel, P.channel_names, this.only, allAsOne, this.numbersIn));
    this.el.box.classList.toggle("cnv-oneline", this.oneLine);
    this.el.box.classList.toggle("cnv-beside", this.beside);
    const ax = this.numbersOut ? axis : 0;
    // The other two channels ("All" on a projector, see allAsOne): a column beside the grid.
    const tc = this.thumbs;
    const thumbs = tc ? P.channel_names.map((_, ch) => ch).filter((ch) => ch !== this.only)
      .map((ch, i) => ({ ch, cell: tc, x: P.wp * cell + GRID_GAP,
        y: label + i * (THUMB_NAME + P.hp * tc + GRID_GAP) + THUMB_NAME })) : [];
    this.inGeom = { grids, label, cell, x0: 0, y0: label, gw: P.wp * cell, thumbs };
    const thumbW = tc ? GRID_GAP + P.wp * tc : 0;
    const thumbH = tc ? 2 * (THUMB_NAME + P.hp * tc) + GRID_GAP : 0;
    // +2 px everywhere: the last grid line sits half a pixel past the cells.
    this.sizeCanvas(this.el.cIn, grids * P.wp * cell + (grids - 1) * GRID_GAP + thumbW + 2,
      label + Math.max(P.hp * cell, thumbH) + 2);
    this.outGeom = { cell: outCell, x0: ax, y0: label + ax };
    this.sizeCanvas(this.el.cOut, ax + P.ow * outCell + 2, label + ax + P.oh * outCell + 2);

    // Kernel and products side by side if they fit at a readable size,
    // else each takes the full width.
    let kCell = Math.floor((W - 8 - rowGap * (both - 1) - both * (kGrids - 1) * GRID_GAP) / (both * P.fw * kGrids));
    if (kCell < 40) kCell = Math.floor((W - 8 - (kGrids - 1) * GRID_GAP) / (P.fw * kGrids));
    kCell = clamp(kCell, 26, 64);
    if (this.oneLine) kCell = clamp(cell, 26, 64);
    if (this.beside) kCell = this.besideK;
    this.kGeom = { grids: kGrids, cell: kCell, label: P.nc > 1 ? 24 : 0 };
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
      const ch = this.inputChannel(gi, grids);
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
    for (const t of this.inGeom.thumbs) {
      // The other channels, colours only, under their names.
      g.font = `700 15px ${FONT}`;
      g.fillStyle = ink;
      g.textAlign = "left";
      g.textBaseline = "middle";
      g.fillText(P.channel_names[t.ch], t.x, t.y - THUMB_NAME / 2);
      for (let r = 0; r < P.hp; r += 1) {
        for (let cc = 0; cc < P.wp; cc += 1) {
          g.fillStyle = rgbCss(this.inputRgb(r, cc, t.ch));
          g.fillRect(t.x + cc * t.cell, t.y + r * t.cell, t.cell, t.cell);
          if (this.isPad(r, cc)) {
            g.fillStyle = pattern;
            g.fillRect(t.x + cc * t.cell, t.y + r * t.cell, t.cell, t.cell);
          }
        }
      }
      g.strokeStyle = "rgba(110,110,110,0.9)";
      g.lineWidth = 1;
      g.strokeRect(t.x + 0.5, t.y + 0.5, P.wp * t.cell, P.hp * t.cell);
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
    for (let gi = 0; gi < grids; gi += 1) {
      const ch = this.filterChannel(gi);
      const x0 = gi * (P.fw * cell + GRID_GAP);
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
    if (this.inGeom.thumbs.length) {
      // The same window on the other channels: a frame around it, as on tiny cells.
      const { rows, cols } = this.windowCells(this.step);
      for (const t of this.inGeom.thumbs) {
        this.outlineSpan(g, t.x - 1, t.y - 1, rows, cols, t.cell, WINDOW_COLOUR, 2, 2);
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
    for (let gi = 0; gi < grids; gi += 1) {
      const ch = this.filterChannel(gi);
      const x0 = gi * (P.fw * cell + GRID_GAP);
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

}

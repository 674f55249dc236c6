/*
 * cnnviz map element (Streamlit components v2 module): every grid of the app,
 * drawn from a cnnviz.plots.figures.Picture's data: a 512² feature map, or a
 * lecture's 7 × 7 matrix with its numbers printed in the cells.
 *
 * Why not Plotly: Streamlit's Plotly chart costs 40-100 ms of the browser's
 * time on every rerun that changes it (margins, label measuring, React), and
 * the first one of a session 2.3 s for Plotly's script; this draws one PNG on
 * a canvas in a few ms. What it shows matches the heatmap it replaces: the
 * title and subtitle, square cells with row 0 at the top, the colour bar in
 * raw values, the window outlines, and a read-out of the raw value (or RGB)
 * under the pointer. A small grid also gets its numbers (sized by the one rule
 * of NUMBER_FIT, from the cells it really draws; bold with a halo in presenter
 * mode), gaps between its cells, and its row and column indices.
 *
 * Click to pick: when the page asks (meta.pick), a click on a cell (or Enter
 * on the keyboard's cell) sends [row, col] to Python as the trigger "pick".
 *
 * Mosaics (cnnviz.plots.figures.mosaic_figure, meta.panels): several grids in one
 * picture (a bank of feature maps, a gallery of digits, W · x = y). Each panel's label
 * is drawn in the white band above it, its numbers where they fit at NUMBER_FIT's
 * minimum (sized from its own cells and texts; upright in a strip of narrow cells), and
 * the read-out names the panel's entry ("W[2, 5] = 3" and its row's and column's names).
 * meta.aspect gives cells that are not square (W's wide cells), meta.axes the texts
 * along the edges. meta.wide (presenter mode): where the height Python gave keeps a
 * grid's numbers below present_min and the width does not, its cells get wider than
 * tall instead of the figure taller (a grid of long numbers near the screen's foot).
 *
 * Interaction, as in Plotly: drag a box to zoom into it, Shift+drag to pan,
 * double-click (or the "Reset zoom" button) to see the whole map; the "PNG"
 * button downloads the map's pixels. A grid that prints its numbers also has
 * "LaTeX" and "Markdown" buttons (slides out, issue 18): they copy the texts
 * Python wrote (meta.copy, cnnviz.lessons.export), never text made here. Keyboard:
 * focus the picture, arrows move the read-out one cell (Shift: ten), + and -
 * zoom around it, 0 resets. The read-out is also announced (aria-live).
 *
 * Lifecycle: Streamlit calls the default export again each time `data`
 * changes, with the same parentElement, so one MapView lives per
 * parentElement and each call only updates it.
 */

const BAR_W = 70;       // the most the colour bar and its labels take (px), as Plotly's
const MIN_CELLS = 4;    // zoom in no further than 4 cells across
// A small grid's index labels: the strip under it (px), and a column as wide as its
// widest row number; Plotly's ticks took about as much.
const AXIS = 18;
const FONT = 'system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
// Label widths (px) by "size|text", and the one canvas that measures them (MapView.textWidth).
const WIDTHS = new Map();
let MEASURE = null;

// Black or white text, whichever reads better on this fill (the animation's rule).
function inkFor(r, g, b) {
  const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return lum < 0.5 ? "#ffffff" : "#111111";
}

// The widest of a grid's labels in `font` (each distinct label measured once).
function widestText(ctx, texts, font) {
  ctx.font = font;
  let widest = 0;
  const seen = new Set();
  for (const row of texts) {
    for (const t of row) {
      if (seen.has(t)) continue;
      seen.add(t);
      widest = Math.max(widest, ctx.measureText(t).width);
    }
  }
  return widest;
}

// The font size (px) for the numbers of a grid whose cells are `cell` px: NUMBER_FIT's rule
// (cnnviz.plots.display.number_font) with the browser's measured text widths, as the
// animation applies it. Below fit.min, fit.min while the widest label still fits inside the
// cell (past the rule's margin), else 0: numbers that overflow their cells are noise, and
// the cells show their colours only (as in the animation). Cells need not be square:
// `along` is the side the text runs along, `thick` the other (a mosaic's panels).
function numberFont(ctx, texts, cell, fit, weight, along = cell, thick = cell) {
  const base = Math.max(1, Math.floor(Math.min(fit.max, thick * fit.height) + 1e-9));
  const widest = widestText(ctx, texts, `${weight} ${base}px ${FONT}`);
  const room = along * fit.width;
  const size = widest > room ? Math.floor((base * room) / widest) : base;
  // A mosaic's panel (cell 0) keeps its true size: the caller skips one below fit.min.
  if (!cell) return size;
  if (size >= fit.min) return size;
  return fit.min <= thick && (widest * fit.min) / base <= along ? fit.min : 0;
}

// The smallest cell (CSS px) whose numbers numberFont prints at `want` px or more (want ≥
// fit.min): where the figure's width allows it, a grid in presenter mode gets cells this
// large, taller than Python asked if need be (the back row reads present_min px at least).
export function cellFor(ctx, texts, want, fit, weight) {
  const widest = widestText(ctx, texts, `${weight} 100px ${FONT}`);
  // The rule's two limits solved for the cell, then checked against the rule itself
  // (text widths need not scale exactly with the font size).
  let cell = Math.ceil(Math.max(want / fit.height, (want * widest) / (100 * fit.width)));
  while (cell < 1000 && numberFont(ctx, texts, cell, fit, weight) < want) cell += 1;
  return cell;
}

// A double's exact value as m · 2^e (m a BigInt ≥ 0; the sign apart).
function exactParts(v) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const bits = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bits) m |= 1n << 52n;
  return [m, (bits || 1) - 1075];
}

// round(|v| · 10^k) to an integer, half to even on the exact value, as Python rounds.
function scaledRound(v, k) {
  const [m, e] = exactParts(v);
  let num = m * (k >= 0 ? 10n ** BigInt(k) : 1n) * (e >= 0 ? 1n << BigInt(e) : 1n);
  const den = (k < 0 ? 10n ** BigInt(-k) : 1n) * (e < 0 ? 1n << BigInt(-e) : 1n);
  const q = num / den;
  const twice = 2n * (num % den);
  return twice > den || (twice === den && q % 2n === 1n) ? q + 1n : q;
}

// n · 10^-places as decimal text (n ≥ 0).
function placed(n, places) {
  if (places <= 0) return n.toString();
  const s = n.toString().padStart(places + 1, "0");
  return `${s.slice(0, -places)}.${s.slice(-places)}`;
}

// Python's f"{v:.{places}f}": exact value, rounded half to even.
function fixed(v, places) {
  const body = placed(scaledRound(v, places), places);
  return v < 0 || Object.is(v, -0) ? `-${body}` : body;
}

// Python's f"{v:.{p}g}" for |v| ≥ 1 (format_number uses it from 1e15 on).
function general(v, p) {
  p = Math.max(1, p);
  let exp = exactParts(v)[0] === 0n ? 0 : Math.floor(Math.log10(Math.abs(v)));
  let n = scaledRound(v, p - 1 - exp);
  // log10 may be one off near powers of ten; the digit count settles it.
  while (n.toString().length > p) { exp += 1; n = scaledRound(v, p - 1 - exp); }
  while (n.toString().length < p && exp > -400) { exp -= 1; n = scaledRound(v, p - 1 - exp); }
  const sign = v < 0 ? "-" : "";
  const strip = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp >= -4 && exp < p) return sign + strip(placed(n, p - 1 - exp));
  const digits = n.toString();
  const mant = strip(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
  return `${sign}${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/**
 * cnnviz.core.text.format_number, ported: integers without decimals, others rounded
 * to `digits` decimals (half to even on the exact value, as Python's round), never
 * "-0"; "NaN", "∞", "-∞"; from 1e15 on, short scientific notation.
 * tests/js/format.test.mjs compares it with Python's on many values.
 */
export function formatNumber(value, digits = 3) {
  const v = Number(value);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  if (Math.abs(v) >= 1e15) return general(v, digits + 1);
  const n = scaledRound(v, digits);
  const rounded = Number(`${v < 0 ? "-" : ""}${placed(n, digits)}`);  // Python's round(v, digits)
  if (rounded === 0) return "0";  // never "-0"
  if (Math.abs(rounded) >= 1e15) return general(rounded, digits + 1);  // 999999999999999.9 → 1e+15
  if (Number.isInteger(rounded)) return String(rounded);
  // As Python's format_number: never more digits than the float holds (from about 5e11 a
  // float cannot keep 4 decimals); String() is the shortest text that reads back the same.
  const shortest = String(rounded);
  if (!shortest.includes("e") && (shortest.split(".")[1] || "").length <= digits) return shortest;
  return fixed(rounded, digits).replace(/0+$/, "").replace(/\.$/, "");
}

/**
 * The read-out's text for cell (i, j) of the hover grid (a picture's meta and raw values):
 * a grid that prints its numbers says the cell's own text, any other map writes the value
 * by the same rule (formatNumber, with the digits Python sent). No DOM.
 */
export function valueText(meta, values, i, j) {
  const hv = meta.hover;
  const [sr, sc] = hv.step;
  const own = meta.numbers?.text?.[i * sr]?.[j * sc];
  return own ?? formatNumber(values[i * hv.shape[1] + j], hv.digits ?? 3);
}

/**
 * The copy buttons a picture offers: one per text Python sent in meta.copy (a grid that
 * prints its numbers), none for a map without numbers. Each says what it copies (its
 * label, and the name a screen reader hears) and the text, as Python wrote it. No DOM.
 */
export function copyChoices(meta) {
  const copy = meta.copy || {};
  const what = meta.title || "this grid";
  return [["latex", "LaTeX", "a LaTeX bmatrix"], ["markdown", "Markdown", "a Markdown table"]]
    .filter(([kind]) => typeof copy[kind] === "string")
    .map(([kind, label, as]) => ({ kind, label, text: copy[kind], name: `Copy ${what} as ${as}` }));
}

// The outlines a slide keeps (the PNG button): the page's own (the window, the pooling
// winners), not the cell the user picked (Python flags it "picked"; the keyboard's cursor
// is never among them).
export function slideShapes(shapes) {
  return (shapes || []).filter((shape) => !shape.picked);
}

/**
 * The panel of a mosaic (cnnviz.plots.figures.mosaic_figure, meta.panels) holding cell (r, c)
 * of the whole picture, with the cell's row and column inside the panel's own values
 * (a panel's value may span several cells: a vector drawn as a taller strip); null
 * between the panels. No DOM.
 */
export function panelAt(meta, r, c) {
  for (const p of meta.panels || []) {
    const [pr, pc] = p.at;
    const [h, w] = p.shape;
    const [sr, sc] = p.span || [1, 1];
    if (r >= pr && r < pr + h * sr && c >= pc && c < pc + w * sc) {
      return { panel: p, i: Math.floor((r - pr) / sr), j: Math.floor((c - pc) / sc) };
    }
  }
  return null;
}

/**
 * A mosaic's read-out for cell (r, c): "W[2, 5] = 3" and the row's and column's names,
 * or the panel's label, the cell and its value; the value as the cell prints it, else by
 * format_number's rule (formatNumber). `values`: the mosaic's raw values, row-major. No DOM.
 */
export function panelReadOut(meta, values, r, c) {
  const at = panelAt(meta, r, c);
  if (!at) return ["between the panels"];
  const { panel: p, i, j } = at;
  const own = p.text?.[i]?.[j];
  const text = own ? own : formatNumber(values[r * meta.shape[1] + c], meta.hover.digits ?? 3);
  if (p.name) {
    const index = p.index === "r" ? `${i}` : p.index === "c" ? `${j}` : `${i}, ${j}`;
    const names = [p.index !== "c" ? p.rows?.[i] : null, p.index !== "r" ? p.cols?.[j] : null]
      .filter(Boolean);
    return [`${p.name}[${index}] = ${text}`, ...(names.length ? [names.join(", ")] : [])];
  }
  const head = p.readout || p.label;
  return [...(head ? [head] : []), `row ${i}, col ${j}`, `value ${text}`];
}

// Put text on the clipboard: the Clipboard API where the page is a secure context
// (https, localhost); else (a class server on plain http) a hidden textarea and
// execCommand("copy"), which browsers still honour during a click. True if copied.
async function writeClipboard(win, doc, text) {
  if (win.isSecureContext && win.navigator.clipboard) {
    try {
      await win.navigator.clipboard.writeText(text);
      return true;
    } catch (err) {
      // Refused (no permission, the document not focused): the old way may still work.
    }
  }
  const back = doc.activeElement;  // selecting the textarea moves the focus; give it back
  const area = doc.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.setAttribute("aria-hidden", "true");
  Object.assign(area.style, { position: "fixed", top: "0", left: "-9999px", opacity: "0" });
  doc.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = doc.execCommand("copy");
  } catch (err) {
    ok = false;
  }
  area.remove();
  if (back && back.focus) back.focus();
  return ok;
}

// Replace an element's children by one <div> per line of text.
function setLines(el, lines) {
  const doc = el.ownerDocument;
  el.replaceChildren(...lines.map((line) => {
    const div = doc.createElement("div");
    div.textContent = line;
    return div;
  }));
}

// Picture.pack's bytes: a 4-byte length, the JSON meta, the PNG, the raw values.
function unpack(data) {
  const u8 = data instanceof Uint8Array ? data : new Uint8Array(data);
  const n = new DataView(u8.buffer, u8.byteOffset, 4).getUint32(0, true);
  const meta = JSON.parse(new TextDecoder().decode(u8.subarray(4, 4 + n)));
  const [pngSize, valuesSize] = meta.sizes;
  const png = u8.subarray(4 + n, 4 + n + pngSize);
  // A copy: a typed array needs its own aligned buffer.
  const raw = u8.slice(4 + n + pngSize, 4 + n + pngSize + valuesSize).buffer;
  let values = null;
  if (meta.hover.kind === "value") {
    values = meta.hover.dtype === "float64" ? new Float64Array(raw) : new Float32Array(raw);
  }
  return { meta, png, values };
}

class MapView {
  constructor(parent) {
    this.parent = parent;
    const doc = parent.ownerDocument || document;
    this.doc = doc;
    this.win = doc.defaultView || window;
    this.root = doc.createElement("figure");
    this.root.className = "cm-root";
    this.root.setAttribute("data-testid", "cnnviz-map");
    this.root.innerHTML = `
      <div class="cm-head">
        <div class="cm-title" data-testid="cnnviz-map-title"></div>
        <div class="cm-note"></div>
      </div>
      <div class="cm-body">
        <div class="cm-plot">
          <canvas class="cm-canvas" tabindex="0" role="img" data-testid="cnnviz-map-canvas"></canvas>
          <canvas class="cm-yax" aria-hidden="true" hidden></canvas>
          <canvas class="cm-xax" aria-hidden="true" hidden></canvas>
          <div class="cm-box" hidden></div>
          <div class="cm-tools">
            <button type="button" class="cm-reset" hidden>Reset zoom</button>
            <button type="button" class="cm-save" data-testid="cnnviz-map-save"
              title="Download the map's pixels as a PNG (each cell a square of pixels)">PNG</button>
            <button type="button" class="cm-copy" data-kind="latex" data-testid="cnnviz-map-latex"
              title="Copy the numbers as a LaTeX bmatrix" hidden>LaTeX</button>
            <button type="button" class="cm-copy" data-kind="markdown" data-testid="cnnviz-map-markdown"
              title="Copy the numbers as a Markdown table" hidden>Markdown</button>
          </div>
        </div>
        <div class="cm-bar" aria-hidden="true"><canvas class="cm-ramp"></canvas><div class="cm-ticks"></div></div>
      </div>
      <div class="cm-tip" data-testid="cnnviz-map-tip" hidden></div>
      <div class="cm-live" aria-live="polite" aria-atomic="true"></div>`;
    parent.appendChild(this.root);
    const q = (s) => this.root.querySelector(s);
    this.canvas = q(".cm-canvas");
    this.xax = q(".cm-xax");
    this.yax = q(".cm-yax");
    this.box = q(".cm-box");
    this.tip = q(".cm-tip");
    this.reset = q(".cm-reset");
    this.save = q(".cm-save");
    this.copyButtons = [...this.root.querySelectorAll(".cm-copy")];
    this.live = q(".cm-live");
    this.view = null;      // [x, y, w, h] in cells
    this.cursor = null;    // [row, col] for the keyboard
    this.drag = null;
    this.bind();
    // Sizes come from ResizeObservers, which the browser calls after its own layout:
    // reading offsetHeight after a rerun changed the page would force a layout of the
    // whole page, once per map.
    this.head = q(".cm-head");
    this.resize = new this.win.ResizeObserver((entries) => {
      for (const entry of entries) {
        if (entry.target === parent) this.width = parent.clientWidth;
        else this.headH = this.head.offsetHeight;
      }
      this.layout();
    });
    this.resize.observe(parent);
    this.resize.observe(this.head);
  }

  update(packed) {
    const { meta: data, png, values } = unpack(packed);
    const first = !this.data;
    const same = this.data && this.data.shape.join() === data.shape.join();
    this.data = data;
    this.root.classList.toggle("cm-present", !!data.present);
    // Only what changed is touched: every DOM change costs the page a style pass.
    if (this.root.getAttribute("aria-label") !== data.label) {
      this.root.setAttribute("aria-label", data.label);
      this.canvas.setAttribute("aria-label",
        `${data.label} ${data.shape[0]} × ${data.shape[1]} cells. Arrow keys read values.`);
    }
    const title = this.root.querySelector(".cm-title");
    if (title.textContent !== data.title) title.textContent = data.title;
    const note = this.root.querySelector(".cm-note");
    if (this.noteText !== data.note.join("\n")) {
      this.noteText = data.note.join("\n");
      setLines(note, data.note);
    }
    this.values = values;
    this.canvas.classList.toggle("cm-pick", !!data.pick);
    this.save.setAttribute("aria-label", `Download ${data.title || "this map"} as a PNG`);
    const choices = new Map(copyChoices(data).map((c) => [c.kind, c]));
    for (const button of this.copyButtons) {
      const choice = choices.get(button.dataset.kind);
      button.hidden = !choice;
      if (choice && button.getAttribute("aria-label") !== choice.name) {
        button.setAttribute("aria-label", choice.name);
      }
    }
    // A new map of the same shape keeps the zoom: a teacher compares kernels on one spot.
    if (first || !same || JSON.stringify(data.margin) !== this.marginKey) this.view = this.home(data);
    this.marginKey = JSON.stringify(data.margin);
    // The room Python asked for, until the picture is laid out (then as tall as it needs).
    if (first) this.root.style.height = `${data.height}px`;
    // "loading" until the new picture is on the canvas (tests and bench/ wait for it).
    this.root.dataset.state = "loading";
    const token = (this.token = {});
    // Decoded off the main thread; drawn once ready.
    this.win.createImageBitmap(new Blob([png], { type: "image/png" })).then((img) => {
      if (token !== this.token) { img.close(); return; }  // a newer map arrived meanwhile
      if (this.img) this.img.close();
      this.img = img;
      this.pixels = null;
      // The RGB read-out, and the ink of a small grid's numbers, read the decoded pixels.
      if (data.hover.kind === "rgb" || data.numbers) {
        const c = this.doc.createElement("canvas");
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext("2d", { willReadFrequently: true });
        ctx.drawImage(img, 0, 0);
        this.pixels = ctx.getImageData(0, 0, c.width, c.height).data;
      }
      this.layout();
      this.root.dataset.state = "drawn";
      this.root.dataset.drawn = String((Number(this.root.dataset.drawn) || 0) + 1);
    }).catch((err) => {
      // Python wrote the PNG, so this is a bug: say so where a developer looks.
      this.root.dataset.state = "error";
      this.win.console.error("cnnviz map: the picture could not be decoded", err);
    });
  }

  // Sizes: the figure keeps the height Python gave (title and subtitle included);
  // square cells fill the width or the height left, whichever is tighter.
  layout() {
    const d = this.data;
    if (!d || !this.img) return;
    if (this.width === undefined) this.width = this.parent.clientWidth;  // before the observers
    if (this.headH === undefined) this.headH = this.head.offsetHeight;
    const bar = !!d.colorbar;
    const axis = d.axes ? this.axisFont() * 1.5 : 0;
    this.axisW = d.axes ? Math.max(...this.axisLabels(true).map((t) => this.textWidth(t, this.axisFont())), 0) + 9 : 0;
    // The bar takes what its widest label needs (ramp 12 px, gap 4, margin 12), at most BAR_W:
    // a narrow legend ("-8" … "8") leaves the cells more room.
    this.barW = bar ? Math.min(BAR_W, Math.ceil(28 + Math.max(...d.colorbar.ticks.map(
      ([, t]) => this.textWidth(t, d.present ? 15 : 11))))) : 0;
    const availW = Math.max(40, (this.width || 300) - 16 - this.barW - this.axisW);
    const titleArea = Math.max(this.headH + 6, d.top - 24);
    const availH = Math.max(40, d.height - titleArea - 8 - axis);
    this.availH = availH;
    const [, , W, H] = this.home(d);  // the grid and its margin
    const aspect = d.aspect || 1;  // a cell's height over its width (W · x = y: wide cells)
    let sx = Math.min(availW / W, availH / (H * aspect));
    let sy = sx * aspect;
    let grown = false;  // taller than Python asked, for its numbers (presenter mode)
    if (d.stretch) {
      // As the heatmap it replaces: the whole width and the height Python gave, the cells'
      // shape within 1:2 and 2:1 (W · x = y in a wide column keeps its cells' height).
      sx = availW / W;
      sy = Math.min(availH / H, 2 * sx);
      sx = Math.min(sx, 2 * sy);
    } else {
      // Presenter mode: numbers at NUMBER_FIT's present_min at least, as on Step by step.
      // Where the height Python guessed is what keeps the cells smaller, the figure grows
      // taller; where the width is, the page's layout must give the grid room.
      const need = aspect === 1 ? this.presentCell(d) : 0;
      if (d.wide && need > 0 && sx < need && availW / W >= need) {
        // Where the page asks (meta.wide: the screen's foot is near), cells wider than
        // tall rather than a taller figure: the width the numbers need, the height Python
        // gave, while that still prints them at present_min (a number is half a cell
        // high). Lecture 004's padded map: ten rows of "-1204" in 10 × 43 px cells.
        const fit = d.numbers.fit;
        const want = fit.present_min || fit.min;
        const g = this.measure || (this.measure = this.doc.createElement("canvas").getContext("2d"));
        const tall = Math.floor(availH / H);
        if (numberFont(g, d.numbers.text, need, fit, 700, need, tall) >= want) {
          sx = need;
          sy = tall;
        }
      }
      grown = need > 0 && sx < need && availH / H < need;
      if (grown) {
        sx = Math.min(availW / W, need);
        sy = sx;
      }
    }
    this.cssW = Math.max(1, Math.floor(W * sx));
    this.cssH = Math.max(1, Math.floor(H * sy));
    const dpr = this.win.devicePixelRatio || 1;
    this.dpr = dpr;
    const cw = Math.round(this.cssW * dpr);
    const ch = Math.round(this.cssH * dpr);
    // Setting a canvas's size clears and reallocates it, even to the same size.
    if (this.canvas.width !== cw || this.canvas.height !== ch) {
      this.canvas.width = cw;
      this.canvas.height = ch;
      this.canvas.style.width = `${this.cssW}px`;
      this.canvas.style.height = `${this.cssH}px`;
    }
    this.draw();
    const barKey = bar ? `${JSON.stringify(d.colorbar)} ${this.cssH} ${availH}` : "";
    if (barKey !== this.barKey) {
      this.barKey = barKey;
      this.drawBar(bar);
    }
    // The figure is as tall as what it shows (Python's height is the most it may take):
    // no empty band under a picture that the width kept small.
    const used = titleArea + 8 + Math.max(this.cssH + axis, bar ? this.barLen : 0) + 8 + 8;
    const height = `${grown ? Math.ceil(used) : Math.min(d.height, Math.ceil(used))}px`;
    if (this.root.style.height !== height) this.root.style.height = height;
  }

  draw() {
    const d = this.data;
    const ctx = this.canvas.getContext("2d");
    const [x, y, w, h] = this.view;
    const k = this.canvas.width / w;   // device px per cell, across
    const kh = this.canvas.height / h; // and down (the same unless meta.aspect says otherwise)
    const s = d.step;
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    // The PNG holds every s-th cell: cell (r, c) is its pixel (r / s, c / s).
    ctx.drawImage(this.img, x / s, y / s, w / s, h / s, 0, 0, this.canvas.width, this.canvas.height);
    if (d.numbers) {
      const font = this.drawNumbers(ctx, k, x, y, w, h, this.dpr, kh);
      // The numbers' size on screen, for tests and the benchmark (NUMBER_FIT's rule).
      if (this.root.dataset.font !== String(font)) this.root.dataset.font = String(font);
      const each = d.numbers.panels ? (this.panelFonts || []).join(",") : null;
      if (each !== null && this.root.dataset.panelFonts !== each) this.root.dataset.panelFonts = each;
      // Whether the page let it grow for its numbers (presenter mode; grid_figure's grow).
      const grows = d.grow === false ? "false" : "true";
      if (this.root.dataset.grow !== grows) this.root.dataset.grow = grows;
    } else {
      // Colours only now: the element may be the one that printed numbers a run ago (a
      // channel switched off), so its report must say so, not keep the old size.
      if (this.root.dataset.font !== "0") this.root.dataset.font = "0";
      if ("panelFonts" in this.root.dataset) delete this.root.dataset.panelFonts;
    }
    for (const shape of d.shapes) {
      const line = shape.line || {};
      ctx.strokeStyle = line.color || "#ffb300";
      ctx.lineWidth = (line.width || 2) * this.dpr;
      ctx.setLineDash(line.dash ? [4 * this.dpr, 3 * this.dpr] : []);
      ctx.strokeRect((shape.x0 + 0.5 - x) * k, (shape.y0 + 0.5 - y) * kh,
        (shape.x1 - shape.x0) * k, (shape.y1 - shape.y0) * kh);
    }
    if (d.panels) this.drawLabels(ctx, k, kh, x, y);
    if (this.cursor) {
      const [r, c] = this.cursor;
      ctx.setLineDash([]);
      ctx.lineWidth = 2 * this.dpr;
      ctx.strokeStyle = "#111";
      ctx.strokeRect((c - x) * k, (r - y) * kh, Math.max(k, 3), Math.max(kh, 3));
    }
    const home = this.home(d);
    this.reset.hidden = w >= home[2] - 1e-9 && h >= home[3] - 1e-9;
    this.drawAxes(k / this.dpr, kh / this.dpr);
  }

  // The cell side a presenter-mode grid needs for its numbers (cellFor), 0 for any other
  // picture; measured once per picture.
  presentCell(d) {
    if (!d.present || !d.numbers || d.grow === false) return 0;
    if (this.needFor !== d) {
      const g = this.measure || (this.measure = this.doc.createElement("canvas").getContext("2d"));
      const fit = d.numbers.fit;
      this.needFor = d;
      this.need = cellFor(g, d.numbers.text, fit.present_min || fit.min, fit, 700);
    }
    return this.need;
  }

  axisFont() {
    return this.data.present ? 15 : 12;
  }

  // The width (px) of `text` in the app's font at `px` pixels. Measured once per page for
  // all maps: every map's layout measures its colour bar's and axes' labels again, and a
  // first visit of a page of 20 maps spent 36 ms in measureText (a system font: no
  // web font arrives later to change a width).
  textWidth(text, px) {
    const key = `${px}|${text}`;
    let width = WIDTHS.get(key);
    if (width === undefined) {
      if (!MEASURE) MEASURE = this.doc.createElement("canvas").getContext("2d");
      MEASURE.font = `${px}px ${FONT}`;
      width = Math.ceil(MEASURE.measureText(text).width);
      if (WIDTHS.size >= 4096) WIDTHS.clear();  // bounded: labels of many maps and zooms
      WIDTHS.set(key, width);
    }
    return width;
  }

  // A small grid's gaps between cells and its numbers, for cells k device px wide, the
  // view's corner at cell (x, y) (fractional when zoomed). dpr: device px per CSS px.
  drawNumbers(ctx, k, x, y, w, h, dpr, kh = k) {
    const d = this.data;
    if (d.numbers.panels) return this.drawPanelNumbers(ctx, k, kh, x, y, dpr);
    const [H, W] = d.shape;
    const present = !!d.present;
    const r0 = Math.max(0, Math.floor(y));
    const c0 = Math.max(0, Math.floor(x));
    const r1 = Math.min(H, Math.ceil(y + h));
    const c1 = Math.min(W, Math.ceil(x + w));
    // Gaps of 1 CSS px between the cells, as the heatmaps had: white, or grey on a
    // projector so that white cells keep their edges.
    ctx.save();
    ctx.beginPath();
    ctx.rect((0 - x) * k, (0 - y) * kh, W * k, H * kh);  // not into a margin around the grid
    ctx.clip();
    ctx.fillStyle = present ? "#cfcfcf" : "#ffffff";
    const gap = Math.max(1, Math.round(dpr));
    for (let c = c0 + 1; c < c1; c += 1) ctx.fillRect(Math.round((c - x) * k) - gap / 2, 0, gap, ctx.canvas.height);
    for (let r = r0 + 1; r < r1; r += 1) ctx.fillRect(0, Math.round((r - y) * kh) - gap / 2, ctx.canvas.width, gap);
    const weight = present ? 700 : 400;
    // Cells wider than tall (meta.wide) print along their width, as high as their height allows.
    const size = numberFont(ctx, d.numbers.text, Math.min(k, kh) / dpr, d.numbers.fit, weight,
      k / dpr, kh / dpr);
    if (!size) {
      ctx.restore();
      return 0;
    }
    ctx.font = `${weight} ${size * dpr}px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    const p = this.pixels;
    const iw = this.img.width;
    const s = d.step;
    for (let r = r0; r < r1; r += 1) {
      for (let c = c0; c < c1; c += 1) {
        const t = d.numbers.text[r][c];
        if (!t) continue;
        const at = (Math.floor(r / s) * iw + Math.floor(c / s)) * 4;
        const ink = p ? inkFor(p[at], p[at + 1], p[at + 2]) : "#111111";
        const cx = (c + 0.5 - x) * k;
        const cy = (r + 0.5 - y) * kh + dpr;
        if (present) {
          // A contrasting halo: readable on mid-grey cells from the back row too.
          ctx.lineWidth = 3 * dpr;
          ctx.strokeStyle = ink === "#ffffff" ? "rgba(0,0,0,0.55)" : "rgba(255,255,255,0.7)";
          ctx.strokeText(t, cx, cy);
        }
        ctx.fillStyle = ink;
        ctx.fillText(t, cx, cy);
      }
    }
    ctx.restore();
    return size;
  }

  // Row indices left of a small grid and column indices under it, as a matrix is labelled.
  // The texts along the left edge (rows) or under the picture (columns): the indices, or
  // the ones Python sent (meta.axes.rows / .cols; "" leaves a row or column unlabelled).
  axisLabels(rows) {
    const d = this.data;
    const custom = d.axes && typeof d.axes === "object" ? d.axes[rows ? "rows" : "cols"] : null;
    if (custom) return custom;
    return Array.from({ length: d.shape[rows ? 0 : 1] }, (_, i) => String(i));
  }

  drawAxes(cell, cellH = cell) {
    const d = this.data;
    const show = !!d.axes;
    this.xax.hidden = !show;
    this.yax.hidden = !show;
    if (!show) return;
    const [x, y, w, h] = this.view;
    const [H, W] = d.shape;
    const dpr = this.dpr;
    const fontPx = this.axisFont();
    // Every index where there is room, else every 2nd, 5th, ... (a name, not a number,
    // is always written: "xᵀ", "y").
    const labels = [this.axisLabels(false), this.axisLabels(true)];
    const widest = Math.max(...labels[0].map((t) => this.textWidth(t, fontPx)), fontPx);
    const every = [1, 2, 5, 10, 20, 50].find((n) => n * cell >= Math.max(fontPx * 1.6, widest + 4)) || 100;
    const everyRow = [1, 2, 5, 10, 20, 50].find((n) => n * cellH >= fontPx * 1.6) || 100;
    const paint = (cv, cssW, cssH, horizontal) => {
      if (cv.width !== Math.round(cssW * dpr) || cv.height !== Math.round(cssH * dpr)) {
        cv.width = Math.round(cssW * dpr);
        cv.height = Math.round(cssH * dpr);
        cv.style.width = `${cssW}px`;
        cv.style.height = `${cssH}px`;
      }
      const g = cv.getContext("2d");
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      g.clearRect(0, 0, cssW, cssH);
      g.font = `${fontPx}px ${FONT}`;
      g.fillStyle = "#444";
      g.textBaseline = "middle";
      g.textAlign = horizontal ? "center" : "right";
      const [from, to, origin] = horizontal ? [x, x + w, x] : [y, y + h, y];
      const n = horizontal ? W : H;
      const texts = labels[horizontal ? 0 : 1];
      const step = horizontal ? every : everyRow;
      for (let i = Math.max(0, Math.ceil(from - 0.5)); i < Math.min(n, to); i += 1) {
        const text = texts[i] ?? "";
        if (!text || (i % step && /^-?[0-9]+$/.test(text))) continue;
        const at = (i + 0.5 - origin) * (horizontal ? cell : cellH);
        if (horizontal) g.fillText(text, at, cssH / 2);
        else g.fillText(text, cssW - 5, at);
      }
    };
    paint(this.xax, this.cssW, Math.round(fontPx * 1.5), true);
    paint(this.yax, this.axisW, this.cssH, false);
  }

  drawBar(show) {
    const bar = this.root.querySelector(".cm-bar");
    bar.hidden = !show;
    if (!show) return;
    const cb = this.data.colorbar;
    // As long as the picture's 85 %, and at least 120 px where the figure has the room
    // (a picture in a narrow column is small; its legend should stay readable).
    const len = Math.max(Math.round(this.cssH * 0.85), Math.min(120, Math.round(this.availH * 0.85)));
    this.barLen = len;
    const ramp = bar.querySelector(".cm-ramp");
    ramp.width = 12;
    ramp.height = Math.max(1, len);
    ramp.style.height = `${len}px`;
    bar.style.marginTop = `${Math.max(0, Math.round((this.cssH - len) / 2))}px`;
    bar.style.width = `${this.barW - 12}px`;  // the 12 px margin is the CSS's
    const ctx = ramp.getContext("2d");
    const grad = ctx.createLinearGradient(0, len, 0, 0);
    for (const [pos, colour] of cb.colours) grad.addColorStop(pos, colour);
    ctx.fillStyle = grad;
    ctx.fillRect(0, 0, 12, len);
    const ticks = bar.querySelector(".cm-ticks");
    ticks.style.height = `${len}px`;
    // Every label where they fit (16 px apart), else every other one, else the ends.
    const every = [1, 2, 4].find((k) => (len / Math.max(1, cb.ticks.length - 1)) * k >= 16) || 4;
    const shown = cb.ticks.filter((_, i) => i % every === 0 || i === cb.ticks.length - 1
      && (cb.ticks.length - 1) % every === 0);
    ticks.replaceChildren(...shown.map(([pos, text]) => {
      const t = this.doc.createElement("span");
      t.textContent = text;
      t.style.top = `${Math.round((1 - pos) * len)}px`;
      return t;
    }));
  }

  // A mosaic's numbers (meta.numbers.panels): each panel sized by NUMBER_FIT from its own
  // cells and texts, and printed only where they fit at fit.min or more (a bank of
  // 28 × 28 maps has none; W · x = y keeps the panels whose numbers fit). A panel marked
  // upright writes them upwards (a strip of narrow cells, as the heatmap did). k, kh:
  // device px per cell across and down.
  drawPanelNumbers(ctx, k, kh, x, y, dpr) {
    const d = this.data;
    const present = !!d.present;
    const weight = present ? 700 : 400;
    const fit = d.numbers.fit;
    const p = this.pixels;
    const iw = this.img.width;
    const s = d.step;
    let shown = 0;
    const fonts = [];  // each panel's size (0: colours only), for tests (data-panel-fonts)
    this.panelFonts = fonts;
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    for (const panel of d.panels) {
      fonts.push(0);
      if (!panel.text) continue;
      const [pr, pc] = panel.at;
      const [sr, sc] = panel.span || [1, 1];
      // One value's block, in CSS px: across and down (upright: the text runs down it).
      const bw = (k * sc) / dpr;
      const bh = (kh * sr) / dpr;
      const [along, thick] = panel.upright ? [bh, bw] : [bw, bh];
      // Upright text has no window ring to leave room for: up to 3/4 of the cell's width.
      const size = numberFont(ctx, panel.text, 0, fit, weight, along, panel.upright ? thick * 1.5 : thick);
      if (size < fit.min) continue;
      shown = Math.max(shown, size);
      fonts[fonts.length - 1] = size;
      // Gaps of 1 CSS px between the panel's cells, as the heatmaps had.
      const [h, w] = panel.shape;
      const gap = Math.max(1, Math.round(dpr));
      ctx.fillStyle = present ? "#cfcfcf" : "#ffffff";
      for (let j = 1; j < w; j += 1) {
        ctx.fillRect(Math.round((pc + j * sc - x) * k) - gap / 2, (pr - y) * kh, gap, h * sr * kh);
      }
      for (let i = 1; i < h; i += 1) {
        ctx.fillRect((pc - x) * k, Math.round((pr + i * sr - y) * kh) - gap / 2, w * sc * k, gap);
      }
      ctx.font = `${weight} ${size * dpr}px ${FONT}`;
      panel.text.forEach((row, i) => row.forEach((t, j) => {
        if (!t) return;
        const cx = (pc + (j + 0.5) * sc - x) * k;
        const cy = (pr + (i + 0.5) * sr - y) * kh;
        if (cx < -k * sc || cy < -kh * sr || cx > ctx.canvas.width + k * sc
          || cy > ctx.canvas.height + kh * sr) return;
        const rr = Math.min(d.shape[0] - 1, pr + i * sr);
        const cc = Math.min(d.shape[1] - 1, pc + j * sc);
        const at = (Math.floor(rr / s) * iw + Math.floor(cc / s)) * 4;
        const ink = p ? inkFor(p[at], p[at + 1], p[at + 2]) : "#111111";
        ctx.save();
        ctx.translate(cx, cy + (panel.upright ? 0 : dpr));
        if (panel.upright) ctx.rotate(-Math.PI / 2);
        if (present) {
          ctx.lineWidth = 3 * dpr;
          ctx.strokeStyle = ink === "#ffffff" ? "rgba(0,0,0,0.55)" : "rgba(255,255,255,0.7)";
          ctx.strokeText(t, 0, 0);
        }
        ctx.fillStyle = ink;
        ctx.fillText(t, 0, 0);
        ctx.restore();
      }));
    }
    ctx.restore();
    return shown;
  }

  // A mosaic's panel labels, centred above each panel in the white band Python left
  // there (a channel's number, a digit's caption); shrunk to the panel's width.
  drawLabels(ctx, k, kh, x, y, scale = this.dpr) {
    const d = this.data;
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillStyle = "#222";
    for (const panel of d.panels) {
      if (!panel.label) continue;
      const [pr, pc] = panel.at;
      const [, w] = panel.shape;
      const width = w * (panel.span || [1, 1])[1] * k;
      const band = (d.band || 1) * kh;  // the rows of white above the panel
      // A label may have several lines ("#157" over "1→2 (1.00)"), the last one lowest.
      const lines = panel.label.split("\n");
      let size = Math.min(d.present ? 15 : 12, (band / scale / lines.length) * 0.8) * scale;
      ctx.font = `${size}px ${FONT}`;
      const tw = Math.max(...lines.map((line) => ctx.measureText(line).width));
      if (tw > width * 0.98) {
        size = Math.max(7 * scale, (size * width * 0.98) / tw);
        ctx.font = `${size}px ${FONT}`;
      }
      lines.forEach((line, n) => {
        ctx.fillText(line, (pc - x) * k + width / 2,
          (pr - y) * kh - scale - (lines.length - 1 - n) * size * 1.15);
      });
    }
    ctx.restore();
  }

  // The cell at the middle of the view, where the keyboard's cursor starts.
  centre() {
    const [x, y, w, h] = this.view;
    return [Math.floor(y + h / 2), Math.floor(x + w / 2)];
  }

  // The cell under a point of the canvas (CSS px).
  cellAt(px, py) {
    const [x, y, w, h] = this.view;
    const [H, W] = this.data.shape;
    const c = Math.min(W - 1, Math.max(0, Math.floor(x + (px / this.cssW) * w)));
    const r = Math.min(H - 1, Math.max(0, Math.floor(y + (py / this.cssH) * h)));
    return [r, c];
  }

  // What the read-out says for cell (r, c): lines of text.
  readOut(r, c) {
    const hv = this.data.hover;
    if (this.data.panels) return panelReadOut(this.data, this.values, r, c);
    if (hv.kind === "value") {
      const [sr, sc] = hv.step;
      const [n, m] = hv.shape;
      // The nearest sampled cell, as a heatmap on the sampled grid would pick it.
      const i = Math.min(n - 1, Math.round(r / sr));
      const j = Math.min(m - 1, Math.round(c / sc));
      const lines = [`row ${i * sr}, col ${j * sc}`, `value ${valueText(this.data, this.values, i, j)}`];
      if (hv.where) lines.push(hv.where);
      return lines;
    }
    const s = this.data.step;
    const iw = this.img.width;
    const at = (Math.floor(r / s) * iw + Math.floor(c / s)) * 4;
    const p = this.pixels;
    return [`row ${r}, col ${c}`, `RGB [${p[at]}, ${p[at + 1]}, ${p[at + 2]}]`];
  }

  showTip(r, c, px, py) {
    const lines = this.readOut(r, c);
    setLines(this.tip, lines);
    this.tip.hidden = false;
    // Beside the point in the figure's coordinates: to the left of it near the right
    // edge, above it near the bottom, never outside the figure (which clips).
    const fig = this.root.getBoundingClientRect();
    const cv = this.canvas.getBoundingClientRect();
    const x = cv.left - fig.left + px;
    const y = cv.top - fig.top + py;
    const tw = this.tip.offsetWidth;
    const th = this.tip.offsetHeight;
    let left = x + 14 + tw > fig.width ? x - 14 - tw : x + 14;
    let top = y + 12 + th > fig.height ? y - 12 - th : y + 12;
    left = Math.max(0, Math.min(left, fig.width - tw));
    top = Math.max(0, Math.min(top, fig.height - th));
    this.tip.style.left = `${left}px`;
    this.tip.style.top = `${top}px`;
    return lines;
  }

  // The whole view, in cells: the grid, and around it the margin a picture may ask for
  // (meta.margin [top, bottom, left, right]: pooling windows that hang over the padding).
  home(d) {
    const [H, W] = d.shape;
    const [t, b, l, r] = d.margin || [0, 0, 0, 0];
    return [-l, -t, W + l + r, H + t + b];
  }

  zoomTo(x, y, w) {
    const [hx, hy, hw, hh] = this.home(this.data);
    w = Math.min(hw, Math.max(MIN_CELLS, w));
    const h = (w * hh) / hw;  // the canvas keeps its shape: cells stay square
    x = Math.min(hx + hw - w, Math.max(hx, x));
    y = Math.min(hy + hh - h, Math.max(hy, y));
    this.view = [x, y, w, h];
    this.draw();
  }

  bind() {
    const cv = this.canvas;
    const pos = (e) => {
      const rect = cv.getBoundingClientRect();
      return [e.clientX - rect.left, e.clientY - rect.top];
    };
    cv.addEventListener("mousemove", (e) => {
      if (!this.img) return;
      const [px, py] = pos(e);
      if (this.pan) {
        const [x0, y0, v] = this.pan;
        this.zoomTo(v[0] - ((px - x0) / this.cssW) * v[2], v[1] - ((py - y0) / this.cssH) * v[3], v[2]);
      } else if (this.drag) {
        const [x0, y0] = this.drag;
        Object.assign(this.box.style, {
          left: `${cv.offsetLeft + Math.min(x0, px)}px`, top: `${cv.offsetTop + Math.min(y0, py)}px`,
          width: `${Math.abs(px - x0)}px`, height: `${Math.abs(py - y0)}px`,
        });
        this.box.hidden = false;
      }
      const [r, c] = this.cellAt(px, py);
      this.showTip(r, c, px, py);
    });
    cv.addEventListener("mouseleave", () => { this.tip.hidden = true; });
    cv.addEventListener("mousedown", (e) => {
      if (e.button !== 0) return;
      if (e.shiftKey) this.pan = [...pos(e), [...this.view]];
      else this.drag = pos(e);
      e.preventDefault();
    });
    const end = (e) => {
      this.pan = null;
      if (!this.drag) return;
      const [x0, y0] = this.drag;
      const [x1, y1] = pos(e);
      this.drag = null;
      this.box.hidden = true;
      if (Math.abs(x1 - x0) < 6 && Math.abs(y1 - y0) < 6) {  // a click, not a box
        if (this.data.pick) this.pick(...this.cellAt(x1, y1));
        return;
      }
      const [vx, vy, vw, vh] = this.view;
      const cx = vx + (((x0 + x1) / 2) / this.cssW) * vw;
      const cy = vy + (((y0 + y1) / 2) / this.cssH) * vh;
      // The box's wider side, in cells, at the canvas's shape.
      const bw = Math.max((Math.abs(x1 - x0) / this.cssW) * vw,
        ((Math.abs(y1 - y0) / this.cssH) * vh * vw) / vh);
      const bh = (bw * vh) / vw;
      this.zoomTo(cx - bw / 2, cy - bh / 2, bw);
    };
    this.win.addEventListener("mouseup", end);
    this.endDrag = end;
    cv.addEventListener("dblclick", () => this.zoomTo(-Infinity, -Infinity, Infinity));
    this.save.addEventListener("click", () => this.download());
    for (const button of this.copyButtons) {
      button.addEventListener("click", () => this.copy(button));
    }
    this.reset.addEventListener("click", (e) => {
      this.zoomTo(-Infinity, -Infinity, Infinity);
      // The button hides itself: a keyboard press (detail 0) keeps the focus on the
      // picture; a mouse click leaves no cursor behind.
      if (e.detail === 0) cv.focus();
    });
    cv.addEventListener("focus", () => {
      // A mouse click focuses the canvas too; the cursor is for keyboard focus only.
      if (!cv.matches(":focus-visible")) return;
      if (!this.cursor && this.data) {
        this.cursor = this.centre();
        this.announce();
      }
    });
    cv.addEventListener("blur", () => { this.cursor = null; this.tip.hidden = true; if (this.img) this.draw(); });
    cv.addEventListener("keydown", (e) => {
      if (!this.img) return;
      if (!this.cursor) this.cursor = this.centre();  // focused by a click, then a key
      const [H, W] = this.data.shape;
      const n = e.shiftKey ? 10 : 1;
      const moves = { ArrowUp: [-n, 0], ArrowDown: [n, 0], ArrowLeft: [0, -n], ArrowRight: [0, n] };
      const [x, y, w, h] = this.view;
      if (moves[e.key]) {
        const [dr, dc] = moves[e.key];
        const r = Math.min(H - 1, Math.max(0, this.cursor[0] + dr));
        const c = Math.min(W - 1, Math.max(0, this.cursor[1] + dc));
        this.cursor = [r, c];
        // Keep the cursor in view: pan when it walks off the zoomed part.
        if (c < x || c >= x + w || r < y || r >= y + h) this.zoomTo(c - w / 2, r - h / 2, w);
      } else if (e.key === "+" || e.key === "=") {
        this.zoomTo(this.cursor[1] - w / 4, this.cursor[0] - h / 4, w / 2);
      } else if (e.key === "-") {
        this.zoomTo(this.cursor[1] - w, this.cursor[0] - h, w * 2);
      } else if (e.key === "0") {
        this.zoomTo(-Infinity, -Infinity, Infinity);
      } else if ((e.key === "Enter" || e.key === " ") && this.data.pick) {
        this.pick(...this.cursor);
      } else {
        return;
      }
      e.preventDefault();
      this.announce();
    });
  }

  // The map's own pixels, each cell a square of k × k pixels so that the file is at least
  // 512 px on its longer side (Plotly's toolbar had a download; the picture is 1 px a cell).
  // A grid with numbers gets them drawn too, with its gaps and outlines: a slide's figure.
  download() {
    if (!this.img) return;
    const c = this.render();
    const name = `${(this.data.title || "map").replace(/[^\w.-]+/g, "_").replace(/^_+|_+$/g, "")
      || "map"}.png`;
    c.toBlob((blob) => {
      const a = this.doc.createElement("a");
      a.href = this.win.URL.createObjectURL(blob);
      a.download = name;
      a.click();
      this.win.setTimeout(() => this.win.URL.revokeObjectURL(a.href), 10000);
    }, "image/png");
  }

  // The download's canvas: each cell k × k pixels, at least 512 px on the longer side.
  render() {
    const { width, height } = this.img;
    const aspect = this.data.aspect || 1;
    // A mosaic with numbers (W · x = y) gets cells of 40 px at least, so that its numbers
    // fit there as on screen; the file stays within 4096 px a side.
    const want = this.data.panels && this.data.numbers
      ? Math.min(40, Math.floor(4096 / Math.max(width, height * aspect))) : 1;
    const k = Math.max(1, want, Math.ceil(512 / Math.max(width, height * aspect)));
    const kh = Math.max(1, Math.round(k * aspect));
    const c = this.doc.createElement("canvas");
    c.width = width * k;
    c.height = height * kh;
    const ctx = c.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.img, 0, 0, c.width, c.height);
    const d = this.data;
    if (d.numbers) {
      // One cell is k px; drawn at a scale of k / 40 "CSS px" so gaps and halos stay thin.
      const [H, W] = d.shape;
      this.drawNumbers(ctx, k, 0, 0, W, H, Math.max(1, k / 40), kh);
      for (const shape of slideShapes(d.shapes)) {
        const line = shape.line || {};
        ctx.strokeStyle = line.color || "#ffb300";
        ctx.lineWidth = (line.width || 2) * Math.max(1, k / 40);
        ctx.setLineDash(line.dash ? [k / 8, k / 12] : []);
        ctx.strokeRect((shape.x0 + 0.5) * k, (shape.y0 + 0.5) * kh,
          (shape.x1 - shape.x0) * k, (shape.y1 - shape.y0) * kh);
      }
    }
    if (d.panels) this.drawLabels(ctx, k, kh, 0, 0, Math.max(1, Math.min(k, kh) / 12));
    return c;
  }

  // Copy the text Python sent for this button's kind; say so on the button for a moment
  // and to a screen reader (the aria-live region).
  async copy(button) {
    const choice = copyChoices(this.data || {}).find((c) => c.kind === button.dataset.kind);
    if (!choice) return;
    const ok = await writeClipboard(this.win, this.doc, choice.text);
    const what = this.data.title || "the grid";
    button.textContent = ok ? "Copied" : "Copy failed";
    this.live.textContent = ok ? `${what} copied as ${choice.label}`
      : `Could not copy ${what}: the browser refused the clipboard`;
    this.win.clearTimeout(button.cmTimer);
    button.cmTimer = this.win.setTimeout(() => { button.textContent = choice.label; }, 1500);
  }

  pick(r, c) {
    if (this.send) this.send("pick", [r, c]);
  }

  announce() {
    const [r, c] = this.cursor;
    const [x, y, w, h] = this.view;
    this.draw();
    const lines = this.showTip(r, c, ((c + 0.5 - x) / w) * this.cssW, ((r + 0.5 - y) / h) * this.cssH);
    this.live.textContent = lines.join(", ");
  }

  destroy() {
    if (this.img) this.img.close();
    this.resize.disconnect();
    this.win.removeEventListener("mouseup", this.endDrag);
    this.root.remove();
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let view = parentElement.__cnnvizMap;
  if (!view) {
    view = new MapView(parentElement);
    parentElement.__cnnvizMap = view;
  }
  view.send = setTriggerValue;
  view.update(data);
  return () => {
    view.destroy();
    delete parentElement.__cnnvizMap;
  };
}

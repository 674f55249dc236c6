/*
 * cnnviz map element (Streamlit components v2 module): a grid too big for
 * numbers, drawn from a cnnviz.plots.figures.Picture's data.
 *
 * Why not Plotly: Streamlit's Plotly chart costs 40-100 ms of the browser's
 * time on every rerun that changes it (margins, label measuring, React);
 * this draws one PNG on a canvas in a few ms. What it shows matches the
 * heatmap it replaces: the title and subtitle, square cells with row 0 at the
 * top, the colour bar in raw values, the window outlines, and a read-out of
 * the raw value (or RGB) under the pointer.
 *
 * Interaction, as in Plotly: drag a box to zoom into it, Shift+drag to pan,
 * double-click (or the "Reset zoom" button) to see the whole map; the "PNG"
 * button downloads the map's pixels. Keyboard:
 * focus the picture, arrows move the read-out one cell (Shift: ten), + and -
 * zoom around it, 0 resets. The read-out is also announced (aria-live).
 *
 * Lifecycle: Streamlit calls the default export again each time `data`
 * changes, with the same parentElement, so one MapView lives per
 * parentElement and each call only updates it.
 */

const BAR_W = 70;       // the colour bar and its labels (px), as Plotly's
const MIN_CELLS = 4;    // zoom in no further than 4 cells across

function fmt(v) {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  return String(Number(v.toPrecision(4)));  // Plotly's %{customdata:.4g}, without "e+4"
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
          <div class="cm-box" hidden></div>
          <div class="cm-tools">
            <button type="button" class="cm-reset" hidden>Reset zoom</button>
            <button type="button" class="cm-save" data-testid="cnnviz-map-save"
              title="Download the map's pixels as a PNG (each cell a square of pixels)">PNG</button>
          </div>
        </div>
        <div class="cm-bar" aria-hidden="true"><canvas class="cm-ramp"></canvas><div class="cm-ticks"></div></div>
      </div>
      <div class="cm-tip" data-testid="cnnviz-map-tip" hidden></div>
      <div class="cm-live" aria-live="polite" aria-atomic="true"></div>`;
    parent.appendChild(this.root);
    const q = (s) => this.root.querySelector(s);
    this.canvas = q(".cm-canvas");
    this.box = q(".cm-box");
    this.tip = q(".cm-tip");
    this.reset = q(".cm-reset");
    this.save = q(".cm-save");
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
    this.save.setAttribute("aria-label", `Download ${data.title || "this map"} as a PNG`);
    // A new map of the same shape keeps the zoom: a teacher compares kernels on one spot.
    if (first || !same) this.view = [0, 0, data.shape[1], data.shape[0]];
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
      if (data.hover.kind === "rgb") {
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
    const availW = Math.max(40, (this.width || 300) - 16 - (bar ? BAR_W : 0));
    const titleArea = Math.max(this.headH + 6, d.top - 24);
    const availH = Math.max(40, d.height - titleArea - 8);
    this.availH = availH;
    const [H, W] = d.shape;
    const scale = Math.min(availW / W, availH / H);
    this.cssW = Math.max(1, Math.floor(W * scale));
    this.cssH = Math.max(1, Math.floor(H * scale));
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
    const used = titleArea + 8 + Math.max(this.cssH, bar ? this.barLen : 0) + 8 + 8;
    const height = `${Math.min(d.height, Math.ceil(used))}px`;
    if (this.root.style.height !== height) this.root.style.height = height;
  }

  draw() {
    const d = this.data;
    const ctx = this.canvas.getContext("2d");
    const [x, y, w, h] = this.view;
    const k = this.canvas.width / w;   // device px per cell
    const s = d.step;
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    // The PNG holds every s-th cell: cell (r, c) is its pixel (r / s, c / s).
    ctx.drawImage(this.img, x / s, y / s, w / s, h / s, 0, 0, this.canvas.width, this.canvas.height);
    for (const shape of d.shapes) {
      const line = shape.line || {};
      ctx.strokeStyle = line.color || "#ffb300";
      ctx.lineWidth = (line.width || 2) * this.dpr;
      ctx.setLineDash(line.dash ? [4 * this.dpr, 3 * this.dpr] : []);
      ctx.strokeRect((shape.x0 + 0.5 - x) * k, (shape.y0 + 0.5 - y) * k,
        (shape.x1 - shape.x0) * k, (shape.y1 - shape.y0) * k);
    }
    if (this.cursor) {
      const [r, c] = this.cursor;
      ctx.setLineDash([]);
      ctx.lineWidth = 2 * this.dpr;
      ctx.strokeStyle = "#111";
      ctx.strokeRect((c - x) * k, (r - y) * k, Math.max(k, 3), Math.max(k, 3));
    }
    this.reset.hidden = w >= d.shape[1] && h >= d.shape[0];
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
    if (hv.kind === "value") {
      const [sr, sc] = hv.step;
      const [n, m] = hv.shape;
      // The nearest sampled cell, as a heatmap on the sampled grid would pick it.
      const i = Math.min(n - 1, Math.round(r / sr));
      const j = Math.min(m - 1, Math.round(c / sc));
      const lines = [`row ${i * sr}, col ${j * sc}`, `value ${fmt(this.values[i * m + j])}`];
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

  zoomTo(x, y, w) {
    const [H, W] = this.data.shape;
    w = Math.min(W, Math.max(MIN_CELLS, w));
    const h = (w * H) / W;  // the canvas keeps its shape: cells stay square
    x = Math.min(W - w, Math.max(0, x));
    y = Math.min(H - h, Math.max(0, y));
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
      if (Math.abs(x1 - x0) < 6 && Math.abs(y1 - y0) < 6) return;  // a click, not a box
      const [vx, vy, vw, vh] = this.view;
      const cx = vx + (((x0 + x1) / 2) / this.cssW) * vw;
      const cy = vy + (((y0 + y1) / 2) / this.cssH) * vh;
      // The box's wider side, in cells, at the canvas's shape.
      const bw = Math.max((Math.abs(x1 - x0) / this.cssW) * vw,
        ((Math.abs(y1 - y0) / this.cssH) * vh * this.data.shape[1]) / this.data.shape[0]);
      const bh = (bw * this.data.shape[0]) / this.data.shape[1];
      this.zoomTo(cx - bw / 2, cy - bh / 2, bw);
    };
    this.win.addEventListener("mouseup", end);
    this.endDrag = end;
    cv.addEventListener("dblclick", () => this.zoomTo(0, 0, Infinity));
    this.save.addEventListener("click", () => this.download());
    this.reset.addEventListener("click", (e) => {
      this.zoomTo(0, 0, Infinity);
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
        this.zoomTo(0, 0, Infinity);
      } else {
        return;
      }
      e.preventDefault();
      this.announce();
    });
  }

  // The map's own pixels, each cell a square of k × k pixels so that the file is at least
  // 512 px on its longer side (Plotly's toolbar had a download; the picture is 1 px a cell).
  download() {
    if (!this.img) return;
    const { width, height } = this.img;
    const k = Math.max(1, Math.ceil(512 / Math.max(width, height)));
    const c = this.doc.createElement("canvas");
    c.width = width * k;
    c.height = height * k;
    const ctx = c.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.img, 0, 0, c.width, c.height);
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
  const { data, parentElement } = component;
  let view = parentElement.__cnnvizMap;
  if (!view) {
    view = new MapView(parentElement);
    parentElement.__cnnvizMap = view;
  }
  view.update(data);
  return () => {
    view.destroy();
    delete parentElement.__cnnvizMap;
  };
}

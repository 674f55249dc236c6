/*
 * cnnviz drawing canvas (Streamlit components v2 module).
 *
 * White ink on black, as MNIST digits are, drawn with the mouse, a pen or a
 * finger (pointer events). When a stroke ends, the drawing is averaged down
 * to a `grid` × `grid` picture of grey levels 0–255 and sent to Python as the
 * state value "drawing" ({grid, pixels, strokes}); "Clear" sends null. Python
 * does the MNIST preprocessing (cnnviz.data.digits.mnist_style): no number
 * the page shows is computed here.
 */

function build(host) {
  const doc = host.ownerDocument;
  let root = host.querySelector(".cnnviz-canvas");
  if (!root) {
    root = doc.createElement("div");
    root.className = "cnnviz-canvas";
    host.appendChild(root);
  }
  root.innerHTML =
    '<canvas class="pad" aria-label="Drawing area: draw one digit"></canvas>' +
    '<div class="row"><button type="button" class="clear">Clear</button>' +
    '<span class="hint">Draw one digit, large, in the middle.</span></div>';
  return {
    root,
    canvas: root.querySelector("canvas"),
    clear: root.querySelector(".clear"),
  };
}

class Pad {
  constructor(host) {
    this.host = host;
    this.el = build(host);
    this.send = () => {};
    this.size = 280;
    this.grid = 56;
    this.strokes = 0;
    this.drawing = false;
    this.last = null;
    this.ctx = this.el.canvas.getContext("2d");
    this.onDown = (e) => this.down(e);
    this.onMove = (e) => this.move(e);
    this.onUp = (e) => this.up(e);
    this.onClear = () => this.reset(true);
    const c = this.el.canvas;
    c.addEventListener("pointerdown", this.onDown);
    c.addEventListener("pointermove", this.onMove);
    c.addEventListener("pointerup", this.onUp);
    c.addEventListener("pointercancel", this.onUp);
    c.addEventListener("pointerleave", this.onUp);
    this.el.clear.addEventListener("click", this.onClear);
    this.reset(false); // a bare <canvas> is 300 × 150 until sized
  }

  update(data) {
    const size = Number(data.size) || 280;
    const grid = Number(data.grid) || 56;
    if (size !== this.size || grid !== this.grid) {
      this.size = size;
      this.grid = grid;
      this.reset(false);
    }
  }

  reset(tell) {
    const c = this.el.canvas;
    c.width = this.size;
    c.height = this.size;
    c.style.width = this.size + "px";
    c.style.height = this.size + "px";
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, this.size, this.size);
    this.strokes = 0;
    if (tell) this.send("drawing", null);
  }

  point(e) {
    const r = this.el.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.size) / r.width, ((e.clientY - r.top) * this.size) / r.height];
  }

  down(e) {
    e.preventDefault();
    this.el.canvas.setPointerCapture?.(e.pointerId);
    this.drawing = true;
    this.last = this.point(e);
    this.line(this.last, this.last);
  }

  move(e) {
    if (!this.drawing) return;
    e.preventDefault();
    const p = this.point(e);
    this.line(this.last, p);
    this.last = p;
  }

  up() {
    if (!this.drawing) return;
    this.drawing = false;
    this.strokes += 1;
    this.report();
  }

  line(a, b) {
    const ctx = this.ctx;
    ctx.strokeStyle = "#fff";
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    // About a tenth of the field, like a pen stroke in an MNIST digit.
    ctx.lineWidth = this.size / 13;
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  }

  report() {
    // Average the canvas down to grid × grid grey levels (the red channel: it is grey).
    const n = this.grid;
    const small = this.host.ownerDocument.createElement("canvas");
    small.width = n;
    small.height = n;
    const sctx = small.getContext("2d");
    sctx.imageSmoothingEnabled = true;
    sctx.imageSmoothingQuality = "high";
    sctx.drawImage(this.el.canvas, 0, 0, n, n);
    const rgba = sctx.getImageData(0, 0, n, n).data;
    const pixels = new Array(n * n);
    for (let i = 0; i < n * n; i += 1) pixels[i] = rgba[4 * i];
    this.send("drawing", { grid: n, pixels, strokes: this.strokes });
  }

  alive() {
    return this.host.isConnected && this.el.root.isConnected;
  }

  destroy() {
    const c = this.el.canvas;
    c.removeEventListener("pointerdown", this.onDown);
    c.removeEventListener("pointermove", this.onMove);
    c.removeEventListener("pointerup", this.onUp);
    c.removeEventListener("pointercancel", this.onUp);
    c.removeEventListener("pointerleave", this.onUp);
    this.el.clear.removeEventListener("click", this.onClear);
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let pad = parentElement.__cnnvizPad;
  if (pad && !pad.alive()) {
    pad.destroy();
    pad = null;
  }
  if (!pad) {
    pad = new Pad(parentElement);
    parentElement.__cnnvizPad = pad;
  }
  pad.send = setStateValue;
  pad.update(data || {});
  return () => {
    pad.destroy();
    if (parentElement.__cnnvizPad === pad) delete parentElement.__cnnvizPad;
  };
}

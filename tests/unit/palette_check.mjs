// Helper of tests/unit/test_palette.py: loads the colour functions of animator.js and
// prints the colours of a few values (finite and not) as JSON lines.
import fs from "fs";
const src = fs.readFileSync(process.argv[2], "utf8");
const grab = (name) => { const m = src.match(new RegExp(`function ${name}\\([\\s\\S]*?\\n}\\n`)); return m[0]; };
const code = src.match(/const NEUTRAL = .*\n/)[0] + ["clamp","lerp","finite","fraction","readPalette","divergingRgb","scaleRgb"].map(grab).join("\n")
  + "\nreturn {readPalette, divergingRgb, scaleRgb, NEUTRAL};";
const f = new Function(code)();
const pal = JSON.parse(process.argv[3]);
const sc = {kind: "div", lo: -2, hi: 2, palette: f.readPalette(pal)};
const out = [-2, 0, 2, NaN, Infinity, -Infinity, "NaN", "-∞", 1e308].map((v) => f.scaleRgb(v, sc, null));
console.log(JSON.stringify(out));
console.log(JSON.stringify([f.scaleRgb(1, {kind: "div", lo: 0, hi: 0, palette: f.readPalette(null)}),
  f.scaleRgb(1, {kind: "div", lo: -1, hi: 1}), f.readPalette([[1,2],[3]]), f.scaleRgb(0.5, {kind: "seq", lo: 1, hi: 1}, null)]));

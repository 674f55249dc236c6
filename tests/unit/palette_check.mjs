// Helper of tests/unit/test_palette.py: imports the animator's colour module
// (cnnviz/ui/static/animator/colours.js, given as a file URL) and prints the
// colours of a few values (finite and not) on the palette given, as JSON lines.
const { readPalette, scaleRgb } = await import(process.argv[2]);
const pal = JSON.parse(process.argv[3]);
const sc = { kind: "div", lo: -2, hi: 2, palette: readPalette(pal) };
const out = [-2, 0, 2, NaN, Infinity, -Infinity, "NaN", "-∞", 1e308].map((v) => scaleRgb(v, sc, null));
console.log(JSON.stringify(out));
console.log(JSON.stringify([scaleRgb(1, { kind: "div", lo: 0, hi: 0, palette: readPalette(null) }),
  scaleRgb(1, { kind: "div", lo: -1, hi: 1 }), readPalette([[1, 2], [3]]),
  scaleRgb(0.5, { kind: "seq", lo: 1, hi: 1 }, null)]));

// Step by step's one-channel layouts on a projector (cnnviz/ui/static/animator/grid.js:
// oneChannelCells, inputName) under `node --test`: the cells of one channel picked, and of
// "All" drawn as one channel with its numbers and the other two beside it in colours.
// tests/unit/test_js.py runs this file.
import assert from "node:assert/strict";
import { test } from "node:test";

import { inputName, oneChannelCells } from "../../cnnviz/ui/static/animator/grid.js";

// Fonts much as the browser's: a one- or two-digit input prints 14 px in 39 px cells, the
// output's longer sums need larger cells for the same size.
const fontIn = (c) => Math.floor(c * 0.36);
const fontOut = (c) => Math.floor(c * 0.32);
const MIN = 14;
// Lecture 004's 10 × 10 × 3 (padded 10 × 10, output 8 × 8), presenter mode.
const geom = (W, over = {}) => ({
  W, wp: 10, hp: 10, ow: 8, oh: 8, axis: 20, rowGap: 28, room: 420, label: 0, minFont: MIN,
  outSmall: true, ...over,
});
// The row's width as grid.js lays it out: the grids, the axis, the gap, 16 px of slack,
// and the thumbnails' column with its gap.
const width = (g, r) => g.wp * r.cell + g.ow * r.ownOut + g.axis + g.rowGap + 16 +
  (r.thumbs ? 14 + g.wp * r.thumbs : 0);

test("one channel picked never gets thumbnails, even where it shrinks to the width", () => {
  for (const W of [600, 743, 1007, 1400]) {
    const r = oneChannelCells(geom(W), fontIn, fontOut, false);
    assert.equal(r.thumbs, 0, `W=${W}`);
    assert.ok(width(geom(W), r) <= W, `W=${W}: ${JSON.stringify(r)}`);
  }
});

test("All as one channel keeps its rules or is not used", () => {
  let used = 0;
  let refused = 0;
  for (const [wp, ow] of [[10, 8], [12, 12], [14, 12], [18, 16]]) {
    for (let W = 500; W <= 1600; W += 37) {
      const g = geom(W, { wp, hp: wp, ow, oh: ow });
      const r = oneChannelCells(g, fontIn, fontOut, true);
      if (r === null) { refused += 1; continue; }
      used += 1;
      const at = `${wp}/${ow} at W=${W}: ${JSON.stringify(r)}`;
      assert.ok(r.thumbs >= 8, at);                       // a picture one can point at
      assert.ok(width(g, r) <= W, at);                     // thumbnails inside the width
      assert.ok(fontIn(r.cell) >= MIN, at);                // numbers at the presenter's size
      assert.ok(fontOut(r.ownOut) >= MIN, at);
    }
  }
  assert.ok(used > 10 && refused > 10, `${used} used, ${refused} refused`);
});

test("004.6a: one channel with its numbers and two thumbnails fit 1,007 px, not 743", () => {
  // 1280 × 720 with the sidebar (1,007 px of content): 39 px cells print 14 px.
  const wide = oneChannelCells(geom(1007), fontIn, fontOut, true);
  assert.ok(wide && fontIn(wide.cell) >= MIN && wide.thumbs >= 8, JSON.stringify(wide));
  // 1024 × 768 with the sidebar (743 px): 390 + 352 px of readable grids leave no room.
  assert.equal(oneChannelCells(geom(743), fontIn, fontOut, true), null);
});

test("the input's name says the channel drawn and whether its numbers print", () => {
  const base = "Input a[l-1]: the padded input, 10×10×3, the current window outlined";
  const names = ["R", "G", "B"];
  assert.equal(inputName(base, names, -1, false, false), base);
  assert.equal(inputName(base, names, 1, false, true), `${base}; channel G, with its numbers`);
  assert.equal(inputName(base, names, 0, false, false), `${base}; channel R, in colours`);
  assert.equal(inputName(base, names, 2, true, true),
    `${base}; channel B, with its numbers; R and G beside it in colour`);
  // Plain text for setAttribute: nothing escaped twice.
  assert.equal(inputName("a<b", ["R&", "G", "B"], 0, true, true),
    "a<b; channel R&, with its numbers; G and B beside it in colour");
});

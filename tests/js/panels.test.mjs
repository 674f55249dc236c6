// A mosaic's read-out (mapview.js panelAt / panelReadOut): several grids in one picture
// (cnnviz.plots.figures.mosaic_figure), each cell read out by its own panel's name.
import { test } from "node:test";
import assert from "node:assert/strict";

import { panelAt, panelReadOut } from "../../cnnviz/ui/static/mapview.js";

// W (2 × 2) at the top left, x as a strip two cells tall under it, y beside W.
const meta = {
  shape: [5, 4],
  hover: { digits: 2 },
  panels: [
    { name: "W", index: "rc", at: [0, 0], shape: [2, 2], span: [1, 1],
      rows: ["out 0", "out 1"], cols: ["px 0", "px 1"], text: [["1", ""], ["0.5", "2"]] },
    { name: "x", index: "c", at: [3, 0], shape: [1, 2], span: [2, 1], cols: ["px 0", "px 1"],
      text: null },
    { name: "", label: "7", readout: "channel 7", at: [0, 3], shape: [2, 1], span: [1, 1],
      text: null },
  ],
};
const values = new Float64Array(20).fill(NaN);
Object.assign(values, { 0: 1, 1: 0, 4: 0.5, 5: 2, 12: 0.25, 16: 0.25, 13: 1 / 3, 17: 1 / 3,
  3: -1.5, 7: 4 });

test("a cell is found in its panel, a strip's cell by its value", () => {
  assert.deepEqual(panelAt(meta, 1, 1), { panel: meta.panels[0], i: 1, j: 1 });
  assert.deepEqual(panelAt(meta, 4, 1), { panel: meta.panels[1], i: 0, j: 1 });
  assert.equal(panelAt(meta, 2, 0), null);  // the white row between W and x
});

test("the read-out names the entry, its row and its column", () => {
  assert.deepEqual(panelReadOut(meta, values, 1, 0), ["W[1, 0] = 0.5", "out 1, px 0"]);
  // A blank cell (a zero left unprinted) still says its value.
  assert.deepEqual(panelReadOut(meta, values, 0, 1), ["W[0, 1] = 0", "out 0, px 1"]);
  // The strip: x[j], with the column's name only, written as format_number would.
  assert.deepEqual(panelReadOut(meta, values, 4, 1), ["x[1] = 0.33", "px 1"]);
  assert.deepEqual(panelReadOut(meta, values, 1, 3), ["channel 7", "row 1, col 0", "value 4"]);
  assert.deepEqual(panelReadOut(meta, values, 2, 2), ["between the panels"]);
});

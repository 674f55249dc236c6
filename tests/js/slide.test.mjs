// The map element's PNG button (mapview.js render, through slideShapes) draws the page's own
// outlines (the window, the pooling winners) but not the cell the user picked: a slide holds
// the grid, its numbers and what the page marks, not the transient selection.
// Python writes the pictures' metas here, so the test follows what the app really sends.
// tests/unit/test_js.py runs this file.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { slideShapes } from "../../cnnviz/ui/static/mapview.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const VENV = join(ROOT, ".venv", "bin", "python");
const PYTHON = process.env.CNNVIZ_PYTHON || (existsSync(VENV) ? VENV : "python3");

const METAS = String.raw`
import json
import numpy as np
from cnnviz.plots.figures import grid_figure
out = grid_figure(np.arange(16.0).reshape(4, 4), highlight=[(0, 0, 2, 2)], cells=[(3, 3)],
                  picked=[(1, 2)]).meta
print(json.dumps({"out": out}))
`;

const metas = JSON.parse(execFileSync(PYTHON, ["-c", METAS], { cwd: ROOT, encoding: "utf8" }));

test("the slide keeps the window and the marked cells, not the picked cell", () => {
  const shapes = metas.out.shapes;
  assert.equal(shapes.length, 3);  // on screen: window, winner, picked cell
  const kept = slideShapes(shapes);
  assert.equal(kept.length, 2);
  assert.deepEqual(kept.map((s) => [s.x0, s.y0]), [[-0.5, -0.5], [2.55, 2.55]]);
  assert.ok(!kept.some((s) => s.picked));
});

test("no shapes, no outlines", () => {
  assert.deepEqual(slideShapes(undefined), []);
  assert.deepEqual(slideShapes([]), []);
});

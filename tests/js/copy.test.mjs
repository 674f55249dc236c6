// The map element's "LaTeX" and "Markdown" buttons (mapview.js copyChoices) copy the texts
// Python sent in a picture's meta.copy, exactly, and a map without numbers offers none.
// Python writes the pictures' metas here (cnnviz.plots.figures.grid_figure), so the test
// follows what the app really sends. tests/unit/test_js.py runs this file.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { copyChoices } from "../../cnnviz/ui/static/mapview.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const VENV = join(ROOT, ".venv", "bin", "python");
const PYTHON = process.env.CNNVIZ_PYTHON || (existsSync(VENV) ? VENV : "python3");

const METAS = String.raw`
import json
import numpy as np
from cnnviz.plots.figures import grid_figure
small = grid_figure(np.array([[1.0, -2.5], [1 / 3, 4.0]]), title="Output").meta
big = grid_figure(np.zeros((40, 40)), title="Big").meta
print(json.dumps({"small": small, "big": big}))
`;

const metas = JSON.parse(execFileSync(PYTHON, ["-c", METAS], { cwd: ROOT, encoding: "utf8" }));

test("a grid with numbers offers LaTeX and Markdown, with Python's texts as they are", () => {
  const choices = copyChoices(metas.small);
  assert.deepEqual(choices.map((c) => c.label), ["LaTeX", "Markdown"]);
  assert.equal(choices[0].text, metas.small.copy.latex);
  assert.equal(choices[1].text, metas.small.copy.markdown);
  assert.equal(choices[0].text,
    "\\begin{bmatrix}\n1 & -2.5 \\\\\n0.33 & 4\n\\end{bmatrix}");
  assert.equal(choices[0].name, "Copy Output as a LaTeX bmatrix");
  assert.equal(choices[1].name, "Copy Output as a Markdown table");
});

test("a map without numbers offers no copy", () => {
  assert.equal(metas.big.copy, null);
  assert.deepEqual(copyChoices(metas.big), []);
  assert.deepEqual(copyChoices({}), []);
});

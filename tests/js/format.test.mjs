// The map element's read-out writes numbers by cnnviz.core.text.format_number's rule
// (mapview.js formatNumber), so a cell and its read-out never disagree (0.333 against
// 0.3333). Python writes the expected texts here, for many values and digits: ties
// (0.125, 2.5), values whose decimal text is not exact (2.675), -0, tiny and huge
// numbers, ones that round up to 1e15, random doubles of every size and random bit
// patterns. tests/unit/test_js.py runs this file (and says which Python, CNNVIZ_PYTHON).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { formatNumber, valueText } from "../../cnnviz/ui/static/mapview.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const VENV = join(ROOT, ".venv", "bin", "python");
const PYTHON = process.env.CNNVIZ_PYTHON || (existsSync(VENV) ? VENV : "python3");

const CASES = String.raw`
import json, random, struct, sys
from cnnviz.core.text import format_number
random.seed(17)
vals = [0.0, -0.0, 1 / 3, -1 / 3, 2 / 3, 0.125, -0.125, 0.375, 2.5, -2.5, 0.5, 1.5, 2.675,
        9.9995, 0.0005, 0.0015, 1e-17, -1e-17, 5e-324, 1.0, -7.0, 123456.0, 1e14, 1e15, -1e15,
        2e15, 999999999999999.9, -999999999999999.9, 999999999999999.4, 9.5e15, 1e21, 1e22,
        12345678901234.5678, 99999999999999.99, 619615600136.503, 1e308, -1.7976931348623157e308,
        float("inf"), float("-inf"), float("nan")]
vals += [random.choice((1, -1)) * 10 ** random.uniform(-8, 22) for _ in range(3000)]
vals += [random.randint(-10 ** 6, 10 ** 6) / random.choice((2, 4, 8, 16, 1000, 1024)) for _ in range(1500)]
vals += [struct.unpack("<d", random.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(500)]
def js(v):  # JSON has no NaN or infinities: send them as their names
    return v if v == v and abs(v) != float("inf") else repr(v)
json.dump([[js(v), d, format_number(v, d)] for v in vals for d in (0, 1, 2, 3, 4, 6)], sys.stdout)
`;

function expected() {
  const out = execFileSync(PYTHON, ["-c", CASES], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
  return JSON.parse(out).map(([v, d, text]) => [typeof v === "string" ? Number(v.replace("inf", "Infinity")) : v, d, text]);
}

test("formatNumber writes every value as Python's format_number does", () => {
  const cases = expected();
  assert.ok(cases.length > 25000, `only ${cases.length} cases`);
  const wrong = cases.filter(([v, d, text]) => formatNumber(v, d) !== text)
    .map(([v, d, text]) => `format_number(${v}, ${d}) = ${text}, JS ${formatNumber(v, d)}`);
  assert.deepEqual(wrong.slice(0, 20), []);
});

test("formatNumber: the texts the read-out shows most", () => {
  assert.equal(formatNumber(1 / 3), "0.333");
  assert.equal(formatNumber(1 / 3, 2), "0.33");
  assert.equal(formatNumber(-0.0001), "0");
  assert.equal(formatNumber(-0), "0");
  assert.equal(formatNumber(2), "2");
  assert.equal(formatNumber(0.125, 2), "0.12");  // half to even, as Python's round
  assert.equal(formatNumber(Number.NaN), "NaN");
  assert.equal(formatNumber(-Infinity), "-∞");
  assert.equal(formatNumber(1e308), "1e+308");
  assert.equal(formatNumber(999999999999999.9, 0), "1e+15");
  assert.equal(formatNumber(619615600136.503, 4), "619615600136.503");  // no noise digits
});

test("the read-out says a printed cell's own text, else the value by the grid's digits", () => {
  // A 2 × 2 grid that prints 1/3 as "0.33" (digits 2): the read-out says "0.33" too.
  const small = {
    hover: { kind: "value", step: [1, 1], shape: [2, 2], digits: 2 },
    numbers: { text: [["0.33", "-2"], ["0", "1/9"]] },
  };
  const values = new Float32Array([1 / 3, -2, 0, 1 / 9]);
  assert.equal(valueText(small, values, 0, 0), "0.33");
  assert.equal(valueText(small, values, 1, 1), "1/9");
  // A big map prints no numbers: every 3rd cell's value, written with the grid's digits.
  const big = { hover: { kind: "value", step: [3, 3], shape: [2, 2], digits: 2 }, numbers: null };
  assert.equal(valueText(big, new Float32Array([1 / 3, 2.675, -0.004, 12345.678]), 0, 0), "0.33");
  assert.equal(valueText(big, new Float32Array([1 / 3, 2.675, -0.004, 12345.678]), 1, 1), "12345.68");
  assert.equal(valueText(big, new Float32Array([1 / 3, 2.675, -0.004, 12345.678]), 1, 0), "0");
  // Without digits (an older payload), format_number's default of 3.
  const old = { hover: { kind: "value", step: [1, 1], shape: [1, 1] } };
  assert.equal(valueText(old, new Float64Array([1 / 3]), 0, 0), "0.333");
});

// node --test tests/unit/lecturenav.test.mjs: which key goes to the next or previous example.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";

const src = fs.readFileSync(new URL("../../cnnviz/ui/static/lecturenav.js", import.meta.url), "utf8");
const { keyTarget } = await import("data:text/javascript," + encodeURIComponent(src));
const key = (k, more = {}) => ({ key: k, target: { tagName: "DIV" }, ...more });

test("a clicker's PageDown / PageUp walk the list", () => {
  assert.equal(keyTarget(key("PageDown")), "next");
  assert.equal(keyTarget(key("PageUp")), "prev");
});

test("Alt + arrows walk it too; plain arrows are left to the page (the animation steps)", () => {
  assert.equal(keyTarget(key("ArrowRight", { altKey: true })), "next");
  assert.equal(keyTarget(key("ArrowLeft", { altKey: true })), "prev");
  assert.equal(keyTarget(key("ArrowRight")), null);
  assert.equal(keyTarget(key(".")), null);
});

test("a key another handler took, or typed into a field, is never taken", () => {
  assert.equal(keyTarget(key("PageDown", { defaultPrevented: true })), null);
  for (const tagName of ["INPUT", "TEXTAREA", "SELECT"]) {
    assert.equal(keyTarget(key("PageDown", { target: { tagName } })), null);
  }
  assert.equal(keyTarget(key("PageDown", { target: { tagName: "DIV", isContentEditable: true } })), null);
  assert.equal(keyTarget(key("PageDown", { ctrlKey: true })), null);
});

test("a key the animation left to the page at its first or last step is the list's", () => {
  // The animation prevents the browser's scroll (it would carry the animation away) and
  // marks the key: the list still opens the next or previous example.
  assert.equal(keyTarget(key("PageDown", { defaultPrevented: true, cnnvizLeftToPage: true })), "next");
  assert.equal(keyTarget(key("PageUp", { defaultPrevented: true, cnnvizLeftToPage: true })), "prev");
});

// The cell grid's logic (cnnviz/ui/static/cellgrid/logic.js) under `node --test`: what a
// paste holds and where it lands, where each key moves the focus (navigating or editing),
// how the focus arrives at a cell, which cell is the grid's one Tab stop, the cells' names,
// and the grid's least height.
// tests/unit/test_js.py runs this file.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  arrival, canAdd, cellName, controlKey, editingAfter, focusAfterDelete, isBlock, isStale,
  minHeight, move, parseBlock, pasteInto, pasteNote, rowCellName, rowName, sameTable, tabStop,
  withRow, withoutRow,
} from "../../cnnviz/ui/static/cellgrid/logic.js";

const ZEROS = () => [["0", "0", "0"], ["0", "0", "0"], ["0", "0", "0"]];

test("a block copied from a spreadsheet is rows of tab-separated cells, as typed", () => {
  // Spreadsheets end the copy with a newline; Windows ones with \r\n.
  assert.deepEqual(parseBlock("1\t-1\t1/9\r\n0\t 2 \t-0.5\r\n"),
    [["1", "-1", "1/9"], ["0", "2", "-0.5"]]);
  // An empty cell stays an empty cell (the page then reports it), not a shifted row.
  assert.deepEqual(parseBlock("1\t\t3\n"), [["1", "", "3"]]);
  // A row typed in a text editor, with spaces.
  assert.deepEqual(parseBlock("1 2  3\n4 5 6"), [["1", "2", "3"], ["4", "5", "6"]]);
  // A typo stays as typed: the grid reports it, it does not drop or change it.
  assert.deepEqual(parseBlock("1\tabc\n"), [["1", "abc"]]);
});

test("a row typed with commas splits on them; a decimal comma stays one cell", () => {
  // Found by review24: "1, 0, -1" (as the typed-matrix boxes take it) became the cells
  // "1,", "0," and "-1", all bad, and a leading empty line blanked the focused cell.
  assert.deepEqual(parseBlock("1, 0, -1\n2; 3; 4"), [["1", "0", "-1"], ["2", "3", "4"]]);
  assert.deepEqual(parseBlock("\n\n1 2\n3 4\n"), [["1", "2"], ["3", "4"]]);
  // "1,5" may be a decimal comma: kept as typed, so the page names it (never 1 and 5).
  assert.deepEqual(parseBlock("1,5 2,5"), [["1,5", "2,5"]]);
});

test("one value is no block: the browser pastes it into the cell", () => {
  assert.equal(isBlock(parseBlock("1/9")), false);
  assert.equal(isBlock(parseBlock("1/9\n")), false);
  assert.equal(isBlock(parseBlock("1\t2")), true);
  assert.equal(isBlock(parseBlock("1\n2")), true);
});

test("a 3 × 3 block lands from the focused cell on, and what falls outside is counted", () => {
  const block = parseBlock("1\t2\t3\n4\t5\t6\n7\t8\t9\n");
  const all = pasteInto(ZEROS(), 0, 0, block);
  assert.deepEqual(all.table, [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]]);
  assert.equal(all.placed, 9);
  assert.equal(all.left, 0);
  assert.equal(pasteNote(all, [3, 3]), "");
  const part = pasteInto(ZEROS(), 1, 1, block);
  assert.deepEqual(part.table, [["0", "0", "0"], ["0", "1", "2"], ["0", "4", "5"]]);
  assert.equal(part.placed, 4);
  assert.equal(part.left, 5);
  assert.match(pasteNote(part, [3, 3]), /3 × 3: 5 cells past the 3 × 3 grid were left out/);
  // The table given is not changed.
  const table = ZEROS();
  pasteInto(table, 0, 0, block);
  assert.deepEqual(table, ZEROS());
});

test("navigating: arrows, Home / End and Ctrl+Home / Ctrl+End move in the grid", () => {
  const at = (row, col, extra = {}) => ({ row, col, rows: 3, cols: 4, ...extra });
  assert.deepEqual(move("ArrowDown", at(0, 1)), [1, 1]);
  assert.deepEqual(move("ArrowUp", at(0, 1)), [0, 1]); // stays in the top row
  assert.deepEqual(move("ArrowRight", at(1, 3)), [1, 3]); // stays in the last column
  assert.deepEqual(move("ArrowRight", at(1, 2)), [1, 3]);
  assert.deepEqual(move("ArrowLeft", at(1, 2)), [1, 1]);
  assert.deepEqual(move("ArrowLeft", at(1, 0)), [1, 0]); // never wraps to the row above
  assert.deepEqual(move("Home", at(1, 2)), [1, 0]); // the row's first cell
  assert.deepEqual(move("End", at(1, 1)), [1, 3]); // the row's last cell
  assert.deepEqual(move("Home", at(2, 3, { ctrl: true })), [0, 0]); // the grid's first cell
  assert.deepEqual(move("End", at(0, 0, { ctrl: true })), [2, 3]); // the grid's last cell
  assert.deepEqual(move("Enter", at(1, 2)), [2, 2]);
  assert.deepEqual(move("Enter", at(2, 2)), [2, 2]); // stays put in the last row
  assert.deepEqual(move("Enter", at(2, 2, { shift: true })), [1, 2]);
  // Tab and Shift+Tab are the browser's: they leave the grid (one Tab stop).
  assert.equal(move("Tab", at(0, 0)), null);
  assert.equal(move("Tab", at(0, 0, { shift: true })), null);
  // Typing is the cell's.
  assert.equal(move("5", at(0, 0)), null);
  assert.equal(move("a", at(0, 0, { editing: true })), null);
  // Ctrl with an arrow or Enter is the browser's (word jumps).
  assert.equal(move("ArrowLeft", at(1, 2, { ctrl: true })), null);
  assert.equal(move("ArrowDown", at(1, 2, { ctrl: true })), null);
});

test("editing: Left, Right, Home and End move the caret, never out of the cell", () => {
  const at = (row, col, extra = {}) => ({ row, col, rows: 3, cols: 4, editing: true, ...extra });
  for (const key of ["ArrowLeft", "ArrowRight", "Home", "End"]) {
    assert.equal(move(key, at(1, 1)), null, key);
    assert.equal(move(key, at(1, 1, { ctrl: true })), null, `Ctrl+${key}`);
  }
  // Even at the text's ends (a spreadsheet's edit mode): Left at the start stays.
  assert.equal(move("ArrowLeft", at(1, 0)), null);
  // Up, Down and Enter still move (a cell's text is one line).
  assert.deepEqual(move("ArrowUp", at(1, 1)), [0, 1]);
  assert.deepEqual(move("ArrowDown", at(1, 1)), [2, 1]);
  assert.deepEqual(move("Enter", at(1, 1)), [2, 1]);
  assert.deepEqual(move("Enter", at(1, 1, { shift: true })), [0, 1]);
});

test("F2 starts or ends an edit, Escape ends it, other keys leave it as it is", () => {
  assert.equal(editingAfter("F2", false), true);
  assert.equal(editingAfter("F2", true), false);
  assert.equal(editingAfter("Escape", true), false);
  assert.equal(editingAfter("Escape", false), false);
  assert.equal(editingAfter("ArrowLeft", true), true);
  assert.equal(editingAfter("5", false), false); // typing starts one through the input event
});

test("the grid's one Tab stop is the cell last focused, the first at the start", () => {
  assert.deepEqual(tabStop(null, 3, 3), [0, 0]);
  assert.deepEqual(tabStop(undefined, 11, 11), [0, 0]);
  assert.deepEqual(tabStop([2, 1], 3, 3), [2, 1]);
  assert.deepEqual(tabStop([10, 10], 11, 11), [10, 10]);
  // A resize that left the cell out of the grid: back to the first.
  assert.deepEqual(tabStop([4, 4], 3, 3), [0, 0]);
  assert.deepEqual(tabStop([0, 3], 3, 3), [0, 0]);
  assert.deepEqual(tabStop([-1, 0], 3, 3), [0, 0]);
  assert.deepEqual(tabStop(["1", 0], 3, 3), [0, 0]);
  // A copy: the caller's array is not kept.
  const last = [1, 1];
  assert.notEqual(tabStop(last, 3, 3), last);
});

test("cells are named by row and column counted from 1, as the page's messages count", () => {
  assert.equal(cellName("Kernel", 1, 2), "Kernel, row 2, column 3");
  assert.equal(cellName("", 0, 0), "row 1, column 1");
});

test("tables are the same only with the same texts in the same shape", () => {
  assert.equal(sameTable([["1", "2"]], [["1", "2"]]), true);
  assert.equal(sameTable([["1", "2"]], [["1", "2.0"]]), false);
  assert.equal(sameTable([["1", "2"]], [["1"], ["2"]]), false);
  assert.equal(sameTable(null, [["1"]]), false);
});

// --- The rows mode (a layer table: rowtable.js) ---------------------------------------

test("a layer table's cells and delete buttons are named by their row, from 1", () => {
  assert.equal(rowName("layer", 1), "Layer 2");
  assert.equal(rowCellName("layer", 0, "k"), "Layer 1, k");
  assert.equal(rowCellName("layer", 4, "filters/units"), "Layer 5, filters/units");
  assert.equal(rowName("", 0), "Row 1"); // no item: rows
});

test("adding a row appends empty cells (the defaults); deleting one keeps the others", () => {
  const table = [["conv", "3", ""], ["pool", "2", "2"]];
  assert.deepEqual(withRow(table, 3), [["conv", "3", ""], ["pool", "2", "2"], ["", "", ""]]);
  assert.deepEqual(withRow([], 2), [["", ""]]);
  assert.deepEqual(withoutRow(table, 0), [["pool", "2", "2"]]);
  assert.deepEqual(withoutRow(table, 1), [["conv", "3", ""]]);
  assert.deepEqual(withoutRow([["conv"]], 0), []);
  // Copies: the table drawn is not changed behind the grid's back.
  const before = JSON.stringify(table);
  withRow(table, 3)[0][0] = "x";
  withoutRow(table, 1)[0][0] = "x";
  assert.equal(JSON.stringify(table), before);
});

test("after a delete the focus goes to the row that took its place, else the last, else add", () => {
  assert.equal(focusAfterDelete(1, 3), 1); // the old row 3 moved up into row 2's place
  assert.equal(focusAfterDelete(3, 3), 2); // the last row was deleted: the new last one
  assert.equal(focusAfterDelete(0, 0), -1); // none left: the add button
});

test("rows may be added up to the table's most, and without a most, always", () => {
  assert.equal(canAdd(5, 6), true);
  assert.equal(canAdd(6, 6), false);
  assert.equal(canAdd(7, 6), false);
  assert.equal(canAdd(100, Number.NaN), true);
  assert.equal(canAdd(100, undefined), true);
});

test("a table from a run for an earlier send is stale; the latest or Python's own is not", () => {
  const typed = [["conv", "5"]];
  const added = [["conv", "5"], ["", ""]];
  const preset = [["conv", "7"]];
  assert.equal(isStale(typed, [typed, added]), true); // the run for the first send
  assert.equal(isStale(added, [typed, added]), false); // the latest
  assert.equal(isStale(preset, [typed, added]), false); // Python's own change (a preset)
  assert.equal(isStale(typed, []), false); // nothing sent
  assert.equal(isStale(typed, [typed]), false);
});

test("the grid's least height is the height Python gave its element, in px", () => {
  assert.equal(minHeight(140), "140px");
  assert.equal(minHeight(429), "429px");
  // No height (an old page's data), or anything that is none: no least height.
  for (const bad of [undefined, null, 0, -5, "140", Number.NaN, Infinity, [140]]) {
    assert.equal(minHeight(bad), "", String(bad));
  }
});

test("the focus coming back with the window leaves the caret and the edit as they were", () => {
  // Alt-tab away and back while typing: still an edit, nothing selected (the browser keeps
  // the caret), so the next key goes where the caret is.
  assert.deepEqual(arrival({ back: true, editing: true }), { editing: true, select: false });
  // Away while navigating: navigating still; the text's selection is the browser's, kept.
  assert.deepEqual(arrival({ back: true, editing: false }), { editing: false, select: false });
  // Back by a click on the cell: the click's caret, the edit it was.
  assert.deepEqual(arrival({ back: true, clicked: true, editing: true }),
    { editing: true, select: false });
  // A click on a cell: an edit, the caret where it pointed.
  assert.deepEqual(arrival({ clicked: true }), { editing: true, select: false });
  assert.deepEqual(arrival({ clicked: true, editing: false }), { editing: true, select: false });
  // The keyboard (Tab, the arrows): navigated to, its text selected, whatever came before.
  assert.deepEqual(arrival({ editing: true }), { editing: false, select: true });
  assert.deepEqual(arrival(), { editing: false, select: true });
});

test("a layer table's delete buttons are its last column: the arrows and End reach them", () => {
  // Receptive field's stack: three rows, five columns and the delete column (index 5).
  const size = { rows: 3, cols: 6 };
  assert.deepEqual(move("End", { row: 1, col: 0, ...size }), [1, 5]);
  assert.deepEqual(move("ArrowRight", { row: 1, col: 4, ...size }), [1, 5]);
  assert.deepEqual(move("ArrowRight", { row: 1, col: 5, ...size }), [1, 5]);
  assert.deepEqual(move("ArrowDown", { row: 1, col: 5, ...size }), [2, 5]);
  assert.deepEqual(move("End", { row: 0, col: 2, ...size, ctrl: true }), [2, 5]);
  // After the last row is deleted, a Tab stop on its delete button is no cell any more:
  // the first cell takes it; one on a row still there stays.
  assert.deepEqual(tabStop([2, 5], 2, 6), [0, 0]);
  assert.deepEqual(tabStop([1, 5], 2, 6), [1, 5]);
  assert.deepEqual(tabStop([0, 0], 0, 6), [0, 0]);
});

test("a button's Enter and Space press it; a choice's Enter opens its list", () => {
  assert.equal(controlKey("button", "Enter"), "press");
  assert.equal(controlKey("button", " "), "press");
  assert.equal(controlKey("button", "ArrowDown"), null); // the arrows move
  assert.equal(controlKey("choice", "Enter"), "open");
  assert.equal(controlKey("choice", "Enter", { shift: true }), null); // Shift+Enter moves up
  assert.equal(controlKey("choice", "Enter", { ctrl: true }), null);
  assert.equal(controlKey("choice", " "), null); // Space: the select's own
  assert.equal(controlKey("choice", "ArrowLeft"), null);
  assert.equal(controlKey("text", "Enter"), null); // sends and moves down: `move`
  assert.equal(controlKey("text", " "), null);
});

/*
 * cnnviz cell grid (Streamlit components v2 module): a small matrix of cells to type into,
 * the kernel and the other small editable grids (cnnviz.ui.grid.Grid.cells). It replaces
 * Streamlit's data editor there, whose DataFrame and Arrow scripts (about 1.5 MB) a first
 * visit had to load before the page's first screen was ready.
 *
 * One <input> per cell, named by its row and column; the texts are the person's, as typed
 * ("1/9", "-0.5", or a typo the page then reports). An edit reaches Python (the state
 * "cells", the whole table of texts, and a rerun) on Enter, when the cell loses the focus,
 * and on a paste; never on every keystroke. A block copied from a spreadsheet (tab-separated
 * rows) is pasted from the focused cell on; what falls outside the grid is left out, and a
 * note says how much. Python marks the cells that are not numbers (data.bad: [row, col,
 * message]): red, aria-invalid, and the message right under the grid, where the person is
 * looking.
 *
 * Keyboard (the WAI-ARIA grid pattern; the whole rule is written out in logic.js, above
 * `move`): the grid is ONE Tab stop, a roving tabindex: the cell last focused (the first at
 * the start) has tabindex 0 and every other -1, so Tab and Shift+Tab leave the grid and come
 * back to that cell (an 11 × 11 kernel took 121 presses of Tab to get past). Inside, a cell
 * reached by the keyboard is navigated to, its whole text selected: the arrows move to the
 * next cell, Home / End to the row's ends, Ctrl+Home / Ctrl+End to the grid's corners, and
 * typing replaces the text. Typing, F2, or a click into the text starts an edit: then Left,
 * Right, Home and End move the caret, as in a spreadsheet's edit mode. Up / Down move either
 * way, Enter sends and moves down (Shift+Enter up), Escape puts back the cell's last sent
 * text and ends the edit. The window losing the focus and getting it back (alt-tab, another
 * tab) sends the cell, as leaving it does, but leaves the caret and the edit as they were.
 * The page's own keys (the key keeper in every page's head, the animation's "A",
 * Streamlit's shortcuts) leave keys pressed in a text field alone.
 * The keys, the Tab stop and the edit mode live in keys.js, shared with the rows mode.
 *
 * Height: Python gives the element the grid's height (grid.drawn_height) before this script
 * has loaded; once drawn the grid keeps it as its least height (data.height).
 *
 * Semantics: a <table> with role="grid", named by the grid's label and described by a
 * hidden line on its keys; rows role="row", cells role="gridcell" holding the <input>, each
 * named "Kernel, row 2, column 3". The column numbers over the grid are hidden from screen
 * readers (they count from 0, the names from 1, as the page's messages do), so a screen
 * reader's own "row 2 of 3, column 3 of 3" agrees with the cell's name.
 *
 * With `data.columns` the element is a layer table instead (rowtable.js): named columns of
 * choices and whole numbers, rows added and deleted, with the same keys (one Tab stop).
 *
 * Lifecycle: Streamlit calls the default export again each time `data` changes, with the
 * same parentElement, so one CellGrid lives per parentElement and each call updates it;
 * a cell being typed into keeps its text through a rerun.
 */
import {
  cellName, isBlock, minHeight, parseBlock, pasteInto, pasteNote, sameTable,
} from "./logic.js";
import { gridFrame } from "./frame.js";
import { GridKeys } from "./keys.js";
import { markCells } from "./marks.js";
import { RowTable } from "./rowtable.js";

// What the grid's description says (read with the grid's name when the focus enters it).
const KEYS_HINT = "Arrow keys move between cells, Home and End to a row's ends. Type to "
  + "replace a cell; F2 edits its text. Enter sends and moves down, Escape undoes the cell. "
  + "Tab leaves the grid.";

class CellGrid {
  constructor(parent) {
    Object.assign(this, gridFrame({ className: "cg-root", idPrefix: "cg", hint: KEYS_HINT }));
    this.note = document.createElement("div");
    this.note.className = "cg-note";
    this.note.setAttribute("role", "status");
    this.root.append(this.wrap, this.hint, this.errors, this.note);
    parent.appendChild(this.root);
    this.inputs = [];
    this.sent = null; // the table Python has: its data, or what this grid sent since
    this.send = null;
    // The keys, the one Tab stop and the edit mode (keys.js, shared with the rows mode).
    this.keys = new GridKeys({
      cell: (r, c) => this.inputs[r][c],
      size: () => [this.inputs.length, this.inputs.length ? this.inputs[0].length : 0],
      undo: (r, c) => (this.sent ? this.sent[r][c] : null),
      commit: () => this.commit(),
    });
  }

  update(data) {
    const cells = Array.isArray(data?.cells) ? data.cells.map((r) => r.map(String)) : [["0"]];
    this.label = String(data?.label ?? "");
    this.root.classList.toggle("cg-present", Boolean(data?.present));
    this.root.style.minHeight = minHeight(data?.height);
    this.tableEl.setAttribute("aria-label", this.label || "cells");
    const rows = cells.length;
    const cols = cells[0].length;
    if (this.inputs.length !== rows || this.inputs[0].length !== cols) {
      this.build(rows, cols);
      this.sent = null;
    }
    this.inputs.forEach((line, r) => line.forEach((input, c) => {
      input.setAttribute("aria-label", cellName(this.label, r, c));
    }));
    this.inputs.forEach((line, r) => line.forEach((input, c) => {
      // A cell typed into since the last send keeps its text; the others show Python's.
      const edited = this.sent !== null && input.value !== this.sent[r][c];
      if (!edited && input.value !== cells[r][c]) input.value = cells[r][c];
    }));
    this.sent = cells;
    this.mark(Array.isArray(data?.bad) ? data.bad : []);
  }

  build(rows, cols) {
    this.tableEl.replaceChildren();
    // Cells at least as wide as the data editor's (75 px): a wide grid scrolls sideways
    // in its box rather than squeezing its cells.
    this.tableEl.style.minWidth = `${cols * 75}px`;
    this.tableEl.setAttribute("aria-rowcount", String(rows));
    this.tableEl.setAttribute("aria-colcount", String(cols));
    // The column numbers (from 0, as the data editor showed them) are for the eye: each cell's
    // name counts from 1, as the page's messages do, and a screen reader's own row count
    // agrees with it only without a header row.
    const thead = this.tableEl.createTHead();
    thead.setAttribute("aria-hidden", "true");
    const head = thead.insertRow();
    for (let c = 0; c < cols; c += 1) {
      const th = document.createElement("th");
      th.textContent = String(c);
      head.appendChild(th);
    }
    const body = this.tableEl.createTBody();
    this.inputs = [];
    for (let r = 0; r < rows; r += 1) {
      const tr = body.insertRow();
      tr.setAttribute("role", "row");
      const line = [];
      for (let c = 0; c < cols; c += 1) {
        const input = document.createElement("input");
        input.type = "text";
        input.className = "cg-cell";
        input.autocomplete = "off";
        input.spellcheck = false;
        input.dataset.row = String(r);
        input.dataset.col = String(c);
        this.keys.attach(input, r, c);
        input.addEventListener("blur", () => this.commit());
        input.addEventListener("paste", (e) => this.paste(e, r, c));
        const td = tr.insertCell();
        td.setAttribute("role", "gridcell");
        td.appendChild(input);
        line.push(input);
      }
      this.inputs.push(line);
    }
    this.keys.place();
  }

  table() {
    return this.inputs.map((line) => line.map((input) => input.value));
  }

  commit() {
    const table = this.table();
    if (this.sent !== null && sameTable(table, this.sent)) return;
    this.sent = table;
    if (this.send) this.send("cells", table);
  }

  paste(e, r, c) {
    const text = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
    const block = parseBlock(text);
    if (!isBlock(block)) return; // one value: the browser pastes it into the cell
    e.preventDefault();
    const result = pasteInto(this.table(), r, c, block);
    result.table.forEach((line, i) => line.forEach((value, j) => {
      this.inputs[i][j].value = value;
    }));
    this.note.textContent = pasteNote(result, [this.inputs.length, this.inputs[0].length]);
    this.commit();
  }

  mark(bad) {
    markCells(this.inputs, this.errors, bad, { id: this.id });
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  // A table with described columns is a layer table (rows added and deleted).
  const Kind = Array.isArray(data?.columns) ? RowTable : CellGrid;
  let grid = parentElement.__cnnvizCells;
  if (!grid || !(grid instanceof Kind)) {
    if (grid) grid.root.remove();
    grid = new Kind(parentElement);
    parentElement.__cnnvizCells = grid;
  }
  grid.send = setStateValue;
  grid.update(data);
  return () => {
    if (parentElement.__cnnvizCells === grid) delete parentElement.__cnnvizCells;
  };
}

/*
 * cnnviz cell grid (Streamlit components v2 module): a small matrix of cells to type into,
 * the kernel and the other small editable grids (cnnviz.ui.grid.Grid.cells). It replaces
 * Streamlit's data editor there, whose DataFrame and Arrow scripts (about 1.5 MB) a first
 * visit had to load before the page's first screen was ready.
 *
 * One <input> per cell, named by its row and column; the texts are the person's, as typed
 * ("1/9", "-0.5", or a typo the page then reports). An edit reaches Python (the state
 * "cells", the whole table of texts, and a rerun) on Enter, when the cell loses the focus,
 * and on a paste; never on every keystroke. Keys: Tab / Shift+Tab go through the cells in
 * reading order, the arrows move (Left and Right from the text's ends), Enter moves down
 * (Shift+Enter up), Escape puts back the cell's last sent text. A block copied from a
 * spreadsheet (tab-separated rows) is pasted from the focused cell on; what falls outside
 * the grid is left out, and a note says how much. Python marks the cells that are not
 * numbers (data.bad: [row, col, message]): red, aria-invalid, and the message right under
 * the grid, where the person is looking.
 *
 * With `data.columns` the element is a layer table instead (rowtable.js): named columns of
 * choices and whole numbers, rows added and deleted.
 *
 * Lifecycle: Streamlit calls the default export again each time `data` changes, with the
 * same parentElement, so one CellGrid lives per parentElement and each call updates it;
 * a cell being typed into keeps its text through a rerun.
 */
import { cellName, isBlock, move, parseBlock, pasteInto, pasteNote, sameTable } from "./logic.js";
import { markCells } from "./marks.js";
import { RowTable } from "./rowtable.js";

class CellGrid {
  constructor(parent) {
    this.root = document.createElement("div");
    this.root.className = "cg-root";
    this.root.setAttribute("data-testid", "cnnviz-cells");
    this.wrap = document.createElement("div");
    this.wrap.className = "cg-wrap";
    this.tableEl = document.createElement("table");
    this.tableEl.className = "cg-table";
    this.wrap.appendChild(this.tableEl);
    this.note = document.createElement("div");
    this.note.className = "cg-note";
    this.note.setAttribute("role", "status");
    this.errors = document.createElement("div");
    this.errors.className = "cg-errors";
    this.root.append(this.wrap, this.errors, this.note);
    parent.appendChild(this.root);
    this.inputs = [];
    this.sent = null; // the table Python has: its data, or what this grid sent since
    this.send = null;
    this.id = `cg${Math.random().toString(36).slice(2, 9)}`;
  }

  update(data) {
    const cells = Array.isArray(data?.cells) ? data.cells.map((r) => r.map(String)) : [["0"]];
    this.label = String(data?.label ?? "");
    this.root.classList.toggle("cg-present", Boolean(data?.present));
    this.tableEl.setAttribute("aria-label", this.label || "cells");
    const rows = cells.length;
    const cols = cells[0].length;
    if (this.inputs.length !== rows || this.inputs[0].length !== cols) {
      this.build(rows, cols);
      this.sent = null;
    }
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
    const head = this.tableEl.createTHead().insertRow();
    for (let c = 0; c < cols; c += 1) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = String(c);
      head.appendChild(th);
    }
    const body = this.tableEl.createTBody();
    this.inputs = [];
    for (let r = 0; r < rows; r += 1) {
      const tr = body.insertRow();
      const line = [];
      for (let c = 0; c < cols; c += 1) {
        const input = document.createElement("input");
        input.type = "text";
        input.className = "cg-cell";
        input.autocomplete = "off";
        input.spellcheck = false;
        input.dataset.row = String(r);
        input.dataset.col = String(c);
        input.setAttribute("aria-label", cellName(this.label, r, c));
        input.addEventListener("keydown", (e) => this.key(e, r, c));
        input.addEventListener("blur", () => this.commit());
        input.addEventListener("paste", (e) => this.paste(e, r, c));
        tr.insertCell().appendChild(input);
        line.push(input);
      }
      this.inputs.push(line);
    }
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

  key(e, r, c) {
    if (e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return;
    const input = e.target;
    if (e.key === "Escape" && this.sent) {
      input.value = this.sent[r][c];
      return;
    }
    const whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    const to = move(e.key, {
      row: r, col: c, rows: this.inputs.length, cols: this.inputs[0].length, shift: e.shiftKey,
      // A cell just reached (its whole text selected) moves on either way, as a spreadsheet's.
      atStart: input.selectionStart === 0 && (input.selectionEnd === 0 || whole),
      atEnd: input.selectionEnd === input.value.length
        && (input.selectionStart === input.value.length || whole),
    });
    if (e.key === "Enter") {
      e.preventDefault();
      this.commit();
    }
    if (to === null) return;
    e.preventDefault();
    const next = this.inputs[to[0]][to[1]];
    if (next !== input) {
      next.focus();
      next.select();
    }
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

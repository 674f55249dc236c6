/*
 * The cell grid's rows mode: a layer table (cnnviz.ui.grid.Rows.editor: the Receptive field
 * page's stack, the Shapes page's network). It replaces Streamlit's data editor there, whose
 * DataFrame and Arrow scripts (about 1.5 MB) a first visit loaded before the page's first
 * screen was ready.
 *
 * Named columns (data.columns: name, label, help; `options` for a column of choices, else
 * whole numbers): a <select> per choice cell, an <input> per number cell, "—" where a cell
 * is empty (its default). Each column's help is its header's tooltip and each of its cells'
 * description. Under the table, a button adds an empty row (up to data.rows.max rows), and
 * each row has its own labelled delete button ("Delete layer 2").
 *
 * The state "cells" is the whole table of texts, sent on Enter, when a cell loses the focus,
 * on a choice, and when a row is added or deleted; never on every keystroke.
 *
 * Keys, the matrix grid's (keys.js, logic.js's rule above `move`; the WAI-ARIA grid pattern):
 * the table is ONE Tab stop, a roving tabindex (VGG16's network took over 100 presses of
 * Tab to get past), and "Add a layer" the next. The delete buttons are the grid's last
 * column, "Delete", so the arrows reach them and a screen reader reads each in its row, as
 * a data grid's row actions; Enter or Space presses one. Inside: the arrows, Home / End
 * (the row's type, its delete button), Ctrl+Home / Ctrl+End; a number cell reached by the
 * keyboard has its text selected (typing replaces it), and after typing or F2 Left / Right
 * move the caret; Enter sends and moves down (Shift+Enter up), Escape puts back the sent
 * text. On a choice the arrows move and never change it; its first letter, Space, Enter
 * or Alt+Down picks one, as a select does. After a row is deleted the focus (the Tab stop)
 * goes to the delete button of the row that took its place; an added row's type takes it.
 * Semantics: role="grid" named by data.label and described by a hidden line on its keys,
 * aria-rowcount / aria-colcount counting the header row and the row numbers' column.
 * Python marks the cells it cannot read (data.bad: [row, col, message]): red, aria-invalid,
 * the text kept as typed, and the message right under the table (data.after after it).
 */
import {
  canAdd, focusAfterDelete, isStale, rowCellName, rowName, sameTable, withRow, withoutRow,
} from "./logic.js";
import { gridFrame } from "./frame.js";
import { GridKeys } from "./keys.js";
import { markCells } from "./marks.js";

// What the table's description says (read with its name when the focus enters it).
const KEYS_HINT = "Arrow keys move between cells, Home and End to a row's ends; each row "
  + "ends with its delete button. Type to replace a number; F2 edits its text. On a choice, "
  + "type its first letter, or Space, Enter or Alt+Down to open its list. Enter sends and "
  + "moves down, Escape undoes the cell. Tab leaves the table.";

export class RowTable {
  constructor(parent) {
    // The cell grid's frame (its test id, by which the benchmark and the tests wait for it).
    Object.assign(this, gridFrame({ className: "cg-root cg-rows", idPrefix: "cr", hint: KEYS_HINT }));
    this.addButton = document.createElement("button");
    this.addButton.type = "button";
    this.addButton.className = "cg-add";
    this.addButton.addEventListener("click", () => this.addRow());
    this.helps = document.createElement("div");
    this.helps.hidden = true;
    this.root.append(this.wrap, this.hint, this.errors, this.addButton, this.helps);
    parent.appendChild(this.root);
    this.controls = [];
    this.deletes = [];
    this.columns = [];
    this.shape = "";
    this.sent = null; // the table Python has: its data, or what this table sent since
    this.sentLog = []; // the tables sent since Python last drew the latest (isStale)
    this.send = null;
    // The keys, the one Tab stop and the edit mode (keys.js, the matrix grid's): the cells,
    // then each row's delete button as its last column.
    this.keys = new GridKeys({
      cell: (r, c) => this.cellAt(r, c),
      size: () => [this.controls.length, this.columns.length + 1],
      undo: (r, c) => (this.sent && this.sent[r] ? this.sent[r][c] : null),
      commit: () => this.commit(),
    });
  }

  cellAt(r, c) {
    return c < this.columns.length ? this.controls[r][c] : this.deletes[r];
  }

  update(data) {
    const columns = Array.isArray(data?.columns) ? data.columns : [];
    const width = columns.length;
    const cells = (Array.isArray(data?.cells) ? data.cells : [])
      .filter((row) => Array.isArray(row) && row.length === width)
      .map((row) => row.map((text) => (text == null ? "" : String(text))));
    this.item = String(data?.rows?.item || "row");
    this.max = Number(data?.rows?.max);
    this.root.classList.toggle("cg-present", Boolean(data?.present));
    this.tableEl.setAttribute("aria-label", String(data?.label || "Rows"));
    const shape = JSON.stringify([columns, this.item]);
    if (shape === this.shape && isStale(cells, this.sentLog)) return;
    this.sentLog = [];
    if (shape !== this.shape || this.controls.length !== cells.length) {
      const focus = this.focused();
      this.shape = shape;
      this.columns = columns;
      this.build(cells.length);
      this.fill(cells);
      this.sent = null;
      if (focus) this.refocus(focus);
    } else {
      this.controls.forEach((line, r) => line.forEach((control, c) => {
        // A cell typed into since the last send keeps its text; the others show Python's.
        const edited = this.sent !== null && control.value !== this.sent[r][c];
        if (!edited && control.value !== cells[r][c]) setControl(control, cells[r][c]);
      }));
    }
    this.sent = cells;
    this.refreshAdd(cells.length);
    markCells(this.controls, this.errors, data?.bad, {
      id: this.id, after: String(data?.after || ""), keep: (r, c) => [this.helpId(c)],
    });
  }

  // The add button: "Add a layer" (its "+" not read out), disabled at the table's most
  // rows, with a tooltip saying why.
  refreshAdd(rows) {
    const plus = document.createElement("span");
    plus.setAttribute("aria-hidden", "true");
    plus.textContent = "+ ";
    this.addButton.replaceChildren(plus,
      `Add a${/^[aeiou]/i.test(this.item) ? "n" : ""} ${this.item}`);
    this.addButton.disabled = !canAdd(rows, this.max);
    this.addButton.title = this.addButton.disabled
      ? `Up to ${this.max} ${this.item}s: delete one to add another` : "";
  }

  helpId(c) {
    return `${this.id}-help-${c}`;
  }

  build(rows) {
    this.tableEl.replaceChildren();
    this.helps.replaceChildren();
    // Counted with the header row and the row numbers' column, as a screen reader counts.
    this.tableEl.setAttribute("aria-rowcount", String(rows + 1));
    this.tableEl.setAttribute("aria-colcount", String(this.columns.length + 2));
    const head = this.tableEl.createTHead().insertRow();
    head.setAttribute("role", "row");
    const num = document.createElement("th");
    num.scope = "col";
    num.className = "cg-num";
    num.textContent = "#";
    num.title = `${rowName(this.item, 0).replace(/ 1$/, "")} number: the first row is [1]`;
    head.appendChild(num);
    this.columns.forEach((column, c) => {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = String(column.label ?? column.name);
      th.className = column.options ? "cg-pick-col" : "cg-number-col";
      if (column.help) th.title = String(column.help);
      head.appendChild(th);
      const help = document.createElement("span");
      help.id = this.helpId(c);
      help.textContent = String(column.help || "");
      this.helps.appendChild(help);
    });
    const last = document.createElement("th");
    last.scope = "col";
    last.className = "cg-del-col";
    const hidden = document.createElement("span");
    hidden.className = "cg-sr";
    hidden.textContent = "Delete";
    last.appendChild(hidden);
    head.appendChild(last);
    const body = this.tableEl.createTBody();
    this.controls = [];
    this.deletes = [];
    for (let r = 0; r < rows; r += 1) {
      const tr = body.insertRow();
      tr.setAttribute("role", "row");
      const th = document.createElement("th");
      th.scope = "row";
      th.className = "cg-num";
      th.textContent = String(r + 1);
      tr.appendChild(th);
      const line = this.columns.map((column, c) => {
        const control = column.options ? this.choice(column) : document.createElement("input");
        if (!column.options) {
          control.type = "text";
          control.inputMode = "numeric";
          control.autocomplete = "off";
          control.spellcheck = false;
          control.placeholder = "—";
          control.addEventListener("blur", () => this.commit());
        }
        control.classList.add("cg-cell");
        control.dataset.row = String(r);
        control.dataset.col = String(c);
        control.setAttribute("aria-label",
          rowCellName(this.item, r, String(column.label ?? column.name)));
        this.keys.attach(control, r, c);
        const td = tr.insertCell();
        td.setAttribute("role", "gridcell");
        td.appendChild(control);
        return control;
      });
      const del = document.createElement("button");
      del.type = "button";
      del.className = "cg-del";
      del.dataset.row = String(r);
      del.dataset.col = String(this.columns.length);
      del.textContent = "✕";
      del.setAttribute("aria-label", `Delete ${rowName(this.item, r).toLowerCase()}`);
      del.title = del.getAttribute("aria-label");
      del.addEventListener("click", () => this.deleteRow(r));
      this.keys.attach(del, r, this.columns.length);
      const td = tr.insertCell();
      td.setAttribute("role", "gridcell");
      td.appendChild(del);
      this.controls.push(line);
      this.deletes.push(del);
    }
    this.keys.place();
  }

  choice(column) {
    const select = document.createElement("select");
    const blank = document.createElement("option");
    blank.value = "";
    blank.textContent = "—";
    select.appendChild(blank);
    column.options.forEach((text) => {
      const option = document.createElement("option");
      option.value = String(text);
      option.textContent = String(text);
      select.appendChild(option);
    });
    select.addEventListener("change", () => {
      setControl(select, select.value); // a stray bad value leaves the list
      this.commit();
    });
    return select;
  }

  fill(table) {
    this.controls.forEach((line, r) => line.forEach((control, c) => {
      setControl(control, table[r][c]);
    }));
  }

  table() {
    return this.controls.map((line) => line.map((control) => control.value));
  }

  commit() {
    const table = this.table();
    if (this.sent !== null && sameTable(table, this.sent)) return;
    this.sent = table;
    this.sentLog = [...this.sentLog.slice(-9), table];
    if (this.send) this.send("cells", table);
  }

  // Rows added or deleted here are drawn at once, then sent (Python's answer then has
  // the same rows, so nothing is drawn again).
  redraw(table) {
    this.build(table.length);
    this.fill(table);
    this.refreshAdd(table.length);
  }

  addRow() {
    if (!canAdd(this.controls.length, this.max)) return;
    const table = withRow(this.table(), this.columns.length);
    this.redraw(table);
    this.commit();
    const first = this.controls[table.length - 1]?.[0];
    if (first) first.focus();
  }

  deleteRow(r) {
    const table = withoutRow(this.table(), r);
    this.redraw(table);
    this.commit();
    const next = focusAfterDelete(r, table.length);
    (next < 0 ? this.addButton : this.deletes[next]).focus();
  }

  focused() {
    const el = document.activeElement;
    if (!el || !this.root.contains(el)) return null;
    if (el === this.addButton) return { add: true };
    if (el.dataset.row === undefined) return null;
    return { row: Number(el.dataset.row), col: Number(el.dataset.col) };
  }

  refocus({ add, row, col }) {
    if (add) { this.addButton.focus(); return; }
    const r = Math.min(row, this.controls.length - 1);
    if (r < 0) { this.addButton.focus(); return; }
    this.cellAt(r, Math.min(col, this.columns.length)).focus();
  }
}

// Show `text` in a cell: a choice not offered (a bad value from a link or a test) is added
// to its list, so the cell shows it as it is, marked, rather than another value; it leaves
// the list again once the cell holds a choice offered.
function setControl(control, text) {
  if (control.tagName === "SELECT") {
    [...control.options].filter((o) => o.dataset.stray && o.value !== text)
      .forEach((o) => o.remove());
    if (![...control.options].some((o) => o.value === text)) {
      const option = document.createElement("option");
      option.value = text;
      option.textContent = text;
      option.dataset.stray = "1";
      control.appendChild(option);
    }
  }
  control.value = text;
}

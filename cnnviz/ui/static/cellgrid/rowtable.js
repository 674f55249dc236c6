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
 * on a choice, and when a row is added or deleted; never on every keystroke. Keys, as in the
 * matrix grid: Tab / Shift+Tab in reading order (each row's delete button after its cells),
 * the arrows move between cells (Left and Right from a text's ends), Enter moves down
 * (Shift+Enter up), Escape puts back a cell's last sent text. On a choice the arrows move
 * too; typing a choice's first letter, Space or Alt+Down picks one, as a select does.
 * Python marks the cells it cannot read (data.bad: [row, col, message]): red, aria-invalid,
 * the text kept as typed, and the message right under the table (data.after after it).
 */
import {
  canAdd, focusAfterDelete, isStale, move, rowCellName, rowName, sameTable, withRow, withoutRow,
} from "./logic.js";
import { markCells } from "./marks.js";

export class RowTable {
  constructor(parent) {
    this.root = document.createElement("div");
    this.root.className = "cg-root cg-rows";
    // The cell grid's test id: the benchmark and the tests wait for the element by it.
    this.root.setAttribute("data-testid", "cnnviz-cells");
    this.wrap = document.createElement("div");
    this.wrap.className = "cg-wrap";
    this.tableEl = document.createElement("table");
    this.tableEl.className = "cg-table";
    this.wrap.appendChild(this.tableEl);
    this.errors = document.createElement("div");
    this.errors.className = "cg-errors";
    this.addButton = document.createElement("button");
    this.addButton.type = "button";
    this.addButton.className = "cg-add";
    this.addButton.addEventListener("click", () => this.addRow());
    this.helps = document.createElement("div");
    this.helps.hidden = true;
    this.root.append(this.wrap, this.errors, this.addButton, this.helps);
    parent.appendChild(this.root);
    this.controls = [];
    this.deletes = [];
    this.columns = [];
    this.shape = "";
    this.sent = null; // the table Python has: its data, or what this table sent since
    this.sentLog = []; // the tables sent since Python last drew the latest (isStale)
    this.send = null;
    this.id = `cr${Math.random().toString(36).slice(2, 9)}`;
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
    const head = this.tableEl.createTHead().insertRow();
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
        control.addEventListener("keydown", (e) => this.key(e, r, c));
        tr.insertCell().appendChild(control);
        return control;
      });
      const del = document.createElement("button");
      del.type = "button";
      del.className = "cg-del";
      del.dataset.row = String(r);
      del.textContent = "✕";
      del.setAttribute("aria-label", `Delete ${rowName(this.item, r).toLowerCase()}`);
      del.title = del.getAttribute("aria-label");
      del.addEventListener("click", () => this.deleteRow(r));
      tr.insertCell().appendChild(del);
      this.controls.push(line);
      this.deletes.push(del);
    }
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
    return { row: Number(el.dataset.row), col: el.dataset.col === undefined ? -1
      : Number(el.dataset.col) };
  }

  refocus({ add, row, col }) {
    if (add) { this.addButton.focus(); return; }
    const line = this.controls[Math.min(row, this.controls.length - 1)];
    if (!line) { this.addButton.focus(); return; }
    (col < 0 ? this.deletes[this.controls.indexOf(line)] : line[col]).focus();
  }

  key(e, r, c) {
    if (e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return;
    const control = e.target;
    const text = control.tagName === "INPUT";
    if (e.key === "Escape" && this.sent && text) {
      control.value = this.sent[r][c];
      return;
    }
    const len = text ? control.value.length : 0;
    const whole = text && control.selectionStart === 0 && control.selectionEnd === len;
    // A cell just reached (its whole text selected) moves on either way, a choice always;
    // otherwise Left and Right move the caret until the text's end, and Home and End are
    // the caret's (logic.js's `editing`: the keys move() leaves to the browser).
    const atStart = !text || (control.selectionStart === 0 && (control.selectionEnd === 0 || whole));
    const atEnd = !text || (control.selectionEnd === len && (control.selectionStart === len || whole));
    const editing = (e.key === "ArrowLeft" && !atStart) || (e.key === "ArrowRight" && !atEnd)
      || e.key === "Home" || e.key === "End";
    const to = move(e.key, {
      row: r, col: c, rows: this.controls.length, cols: this.columns.length, shift: e.shiftKey,
      editing,
    });
    if (e.key === "Enter") {
      e.preventDefault();
      this.commit();
    }
    if (to === null) return;
    e.preventDefault(); // on a choice, the arrows move rather than change it
    const next = this.controls[to[0]][to[1]];
    if (next !== control) {
      next.focus();
      if (next.tagName === "INPUT") next.select();
    }
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

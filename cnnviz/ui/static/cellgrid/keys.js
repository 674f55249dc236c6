/*
 * The cell grid's keyboard in the page, one home for both modes (main.js's matrix,
 * rowtable.js's layer table): the grid's ONE Tab stop (a roving tabindex), a text cell
 * navigated to or being edited, and the keys of logic.js's rule (written out above `move`).
 * A cell's control is an <input> (text: navigated to or edited), a <select> (a choice: the
 * arrows move; Space, Enter, Alt+Down or a letter pick, as a select does) or a <button>
 * (a layer table's "Delete layer 2": Enter and Space press it; the arrows move).
 *
 * The owner builds the controls and calls `attach` on each, then `place` once they are all
 * in; it sends the table itself (on leaving a text cell, on a paste, on a choice).
 */
import { arrival, controlKey, editingAfter, move, tabStop } from "./logic.js";

const isText = (el) => el.tagName === "INPUT";
const kindOf = (el) => ({ INPUT: "text", SELECT: "choice", BUTTON: "button" })[el.tagName];

export class GridKeys {
  // cell(r, c): the control at (r, c); size(): [rows, cols]; undo(r, c): the cell's last
  // sent text (null: none yet); commit(): send the table if it changed.
  constructor({ cell, size, undo, commit }) {
    this.cell = cell;
    this.size = size;
    this.undo = undo;
    this.commit = commit;
    this.stop = [0, 0]; // the cell holding the grid's one Tab stop
    this.editing = false; // whether the focused text cell is being edited (the caret is the text's)
    this.pointed = null; // the control a pointer is pressing on (its focus is a click's)
    this.away = null; // the control that had the focus when the window lost it
  }

  // A new cell's control: out of the Tab order until it holds the Tab stop.
  attach(el, r, c) {
    el.tabIndex = -1;
    el.addEventListener("keydown", (e) => this.key(e, r, c));
    el.addEventListener("pointerdown", () => this.point(el));
    el.addEventListener("focus", () => this.focused(r, c));
    if (isText(el)) el.addEventListener("input", () => { this.editing = true; });
    // Still the page's active element as it loses the focus: the window lost it (another
    // window, another tab, the address bar), and gives it back to this cell as it was.
    el.addEventListener("blur", () => {
      this.away = el.ownerDocument.activeElement === el ? el : null;
    });
  }

  // Once the cells are built (again): the Tab stop on the cell last focused while it is
  // still there (rows deleted, a smaller grid), else on the first; none in an empty grid.
  place() {
    const [rows, cols] = this.size();
    if (rows < 1 || cols < 1) return;
    this.stop = tabStop(this.stop, rows, cols);
    this.cell(this.stop[0], this.stop[1]).tabIndex = 0;
  }

  has(r, c) {
    const [rows, cols] = this.size();
    return r >= 0 && c >= 0 && r < rows && c < cols;
  }

  // The focus came to cell (r, c): it takes the grid's Tab stop. A click put the caret where
  // it pointed (an edit); the keyboard (Tab, the arrows) selects the whole text, so typing
  // replaces it and the arrows move on; the window getting the focus back (alt-tab) leaves
  // the caret and the edit as they were (logic.js, `arrival`).
  focused(r, c) {
    const el = this.cell(r, c);
    const [sr, sc] = this.stop;
    if ((sr !== r || sc !== c) && this.has(sr, sc)) this.cell(sr, sc).tabIndex = -1;
    el.tabIndex = 0;
    this.stop = [r, c];
    const how = arrival({
      back: this.away === el, clicked: this.pointed === el, editing: this.editing,
    });
    this.away = null;
    this.pointed = null;
    this.editing = isText(el) && how.editing;
    if (isText(el) && how.select) el.select();
  }

  // A pointer pressed on a cell: its focus is a click's; a click into the focused text
  // cell places the caret there (an edit).
  point(el) {
    if (el.ownerDocument.activeElement === el) this.editing = isText(el);
    else this.pointed = el;
  }

  key(e, r, c) {
    if (e.isComposing || e.altKey) return; // Alt+Down: a choice's list, the browser's
    const el = e.target;
    const ctrl = e.ctrlKey || e.metaKey;
    const text = isText(el);
    if (e.key === "Escape" || e.key === "F2") {
      if (ctrl || e.shiftKey || !text) return;
      const was = this.editing;
      const sent = e.key === "Escape" ? this.undo(r, c) : null;
      if (sent !== null && sent !== undefined) el.value = sent;
      this.editing = editingAfter(e.key, this.editing);
      if (this.editing) el.setSelectionRange(el.value.length, el.value.length);
      else el.select();
      // Escape outside an edit is also the page's (a dialog closes on it).
      if (e.key === "F2" || was) e.preventDefault();
      return;
    }
    // A button's own keys press it (a row deleted); a choice's Enter opens its list.
    const own = controlKey(kindOf(el), e.key, { shift: e.shiftKey, ctrl });
    if (own === "press") return;
    if (own === "open") {
      e.preventDefault();
      try {
        el.showPicker();
      } catch {
        // No picker offered here: Space and Alt+Down still open the list.
      }
      return;
    }
    const [rows, cols] = this.size();
    const to = move(e.key, {
      row: r, col: c, rows, cols, shift: e.shiftKey, ctrl, editing: this.editing,
    });
    if (e.key === "Enter" && !ctrl) {
      e.preventDefault();
      this.commit();
    }
    if (to === null) return;
    e.preventDefault(); // on a choice, the arrows move rather than change it
    const next = this.cell(to[0], to[1]);
    if (next !== el) {
      next.focus(); // focused(): its Tab stop, and its text selected
    } else {
      // Enter in the last row, or an arrow at the grid's edge: the edit ends (sent, as on
      // leaving the cell) and the cell stays, navigated to.
      this.commit();
      this.editing = false;
      if (text) el.select();
    }
  }
}

/*
 * The cell grid's logic with no DOM (cnnviz/ui/static/cellgrid/main.js draws it): what a
 * pasted block holds, where it lands, which cell is the grid's one Tab stop, where a key
 * moves the focus (the keyboard rule is written out above `move`), and whether the
 * table changed. Tested under `node --test` (tests/js/cellgrid.test.mjs).
 */

// A block copied from a spreadsheet: rows on lines, cells separated by tabs. A line
// without a tab (a row typed in a text editor, "1 2 3" or "1, 0, -1") is split on spaces,
// and on a comma or semicolon followed by a space; "1,5" stays one cell (a decimal comma
// the page then names, never the two cells 1 and 5). One cell with nothing around it is
// no block: the browser pastes it into the cell as text.
export function parseBlock(text) {
  const lines = String(text ?? "").replace(/\r\n?/g, "\n").split("\n");
  // A spreadsheet ends its copy with a newline: no empty last row (nor first).
  while (lines.length > 1 && lines[lines.length - 1].trim() === "") lines.pop();
  while (lines.length > 1 && lines[0].trim() === "") lines.shift();
  const rows = lines.map((line) => (line.includes("\t")
    ? line.split("\t").map((cell) => cell.trim())
    : line.trim().split(/\s*[,;]\s+|\s+/)));
  return rows;
}

// Whether a paste is a block for the grid (more than one cell) rather than text for one cell.
export function isBlock(rows) {
  return rows.length > 1 || (rows.length === 1 && rows[0].length > 1);
}

// `block` written into a copy of `table` from (row, col) on; what falls outside the table
// is counted in `left` (and not written), so the caller can say so.
export function pasteInto(table, row, col, block) {
  const out = table.map((r) => r.slice());
  let placed = 0;
  let left = 0;
  block.forEach((cells, i) => {
    cells.forEach((text, j) => {
      const r = row + i;
      const c = col + j;
      if (r < out.length && c < out[r].length) {
        out[r][c] = text;
        placed += 1;
      } else {
        left += 1;
      }
    });
  });
  return { table: out, placed, left, rows: block.length,
           cols: Math.max(0, ...block.map((cells) => cells.length)) };
}

// The keyboard, as a spreadsheet's (the WAI-ARIA grid pattern): the grid is one Tab stop
// (a roving tabindex: the cell last focused has tabindex 0, every other -1), so Tab and
// Shift+Tab leave it; inside it a cell is either *navigated to* (its whole text selected:
// typing replaces it) or *being edited* (a caret in its text). The rule:
// - navigating: the arrows move to the next cell, Home / End to the row's first / last
//   cell, Ctrl+Home / Ctrl+End to the grid's first / last cell;
// - editing (after typing into the cell, after F2, or after a click that put the caret into
//   its text): Left, Right, Home and End (with Ctrl too) move the caret in the text and never
//   leave the cell, even at the text's ends, as in a spreadsheet's edit mode;
// - either way: Up and Down move to the cell above / below (a cell's text is one line),
//   Enter sends the table and moves down (Shift+Enter up; it stays put in the last row),
//   Escape puts back the cell's last sent text and ends the edit, F2 starts (or ends) an
//   edit with the caret at the text's end. Any move ends the edit: the next cell is navigated to.
// The window losing the focus and getting it back (alt-tab) changes neither (`arrival`).
// Ctrl stands for Cmd as well on a Mac (`ctrl` is either).

// Where a key moves the focus from (row, col) in a rows × cols grid, or null to leave the
// key to the browser (typing, the caret in an edited cell; Tab, which leaves the grid).
export function move(key, { row, col, rows, cols, shift = false, ctrl = false,
                            editing = false }) {
  const at = (r, c) => [Math.min(Math.max(r, 0), rows - 1), Math.min(Math.max(c, 0), cols - 1)];
  switch (key) {
    case "ArrowUp": return ctrl ? null : at(row - 1, col);
    case "ArrowDown": return ctrl ? null : at(row + 1, col);
    case "Enter": return ctrl ? null : at(row + (shift ? -1 : 1), col);
    default: break;
  }
  if (editing) return null; // the caret's keys
  switch (key) {
    case "ArrowLeft": return ctrl ? null : at(row, col - 1);
    case "ArrowRight": return ctrl ? null : at(row, col + 1);
    case "Home": return ctrl ? at(0, 0) : at(row, 0);
    case "End": return ctrl ? at(rows - 1, cols - 1) : at(row, cols - 1);
    default: return null;
  }
}

// What a key does on a cell's control that is not text (the rows mode's): on a button (a
// row's "Delete layer 2") Enter and Space press it ("press": the browser's, never a move);
// on a choice Enter opens its list ("open"), as a spreadsheet's list cell does (Space, Alt+Down
// and a letter are the select's own; Shift+Enter still moves up). Else null: `move`'s rule.
export function controlKey(kind, key, { shift = false, ctrl = false } = {}) {
  if (kind === "button" && (key === "Enter" || key === " ")) return "press";
  if (kind === "choice" && key === "Enter" && !shift && !ctrl) return "open";
  return null;
}

// Whether the focused cell is being edited after `key` (F2 turns an edit on or off,
// Escape ends it; typing starts one through the input event, not here).
export function editingAfter(key, editing) {
  if (key === "F2") return !editing;
  if (key === "Escape") return false;
  return editing;
}

// How the focus came to a cell decides whether the cell is edited and its text selected:
// - back to the cell it left when the window lost it (alt-tab, another browser tab, the
//   address bar): the caret, the selection and the edit as they were;
// - a click: an edit, the caret where it pointed;
// - the keyboard (Tab, the arrows): navigated to, its whole text selected, so typing replaces it.
export function arrival({ back = false, clicked = false, editing = false } = {}) {
  if (back) return { editing: Boolean(editing), select: false };
  if (clicked) return { editing: true, select: false };
  return { editing: false, select: true };
}

// The cell that holds the grid's one Tab stop: the one last focused while it is still in
// the grid (a rerun or a resize can shrink it), else the first.
export function tabStop(last, rows, cols) {
  if (Array.isArray(last) && Number.isInteger(last[0]) && Number.isInteger(last[1])
      && last[0] >= 0 && last[1] >= 0 && last[0] < rows && last[1] < cols) {
    return [last[0], last[1]];
  }
  return [0, 0];
}

// Whether two tables hold the same texts.
export function sameTable(a, b) {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((row, r) => Array.isArray(b[r]) && row.length === b[r].length
    && row.every((text, c) => text === b[r][c]));
}

// The accessible name of a cell: counted from 1, as the app's messages count
// ("kernel cell (row 2, column 3) is not a number").
export function cellName(label, row, col) {
  return `${label ? `${label}, ` : ""}row ${row + 1}, column ${col + 1}`;
}

// A note for a paste that did not fit, or "" when all of it did.
export function pasteNote({ left, rows, cols }, size) {
  if (!left) return "";
  const cells = left === 1 ? "1 cell" : `${left} cells`;
  return `The pasted block is ${rows} × ${cols}: ${cells} past the ${size[0]} × ${size[1]} `
    + "grid were left out. Make the grid larger first to paste all of it.";
}

// --- The rows mode (a layer table: rowtable.js) -------------------------------------

// A row's name, counted from 1 as the page's messages count ("row 2 (pool): …"):
// "Layer 2".
export function rowName(item, row) {
  const word = String(item || "row");
  return `${word[0].toUpperCase()}${word.slice(1)} ${row + 1}`;
}

// The accessible name of a row's cell: the row and the column's header ("Layer 2, k").
export function rowCellName(item, row, column) {
  return `${rowName(item, row)}, ${column}`;
}

// `table` with an empty row (every cell empty: its defaults, "—") added at the bottom.
export function withRow(table, width) {
  return [...table.map((r) => r.slice()), Array.from({ length: width }, () => "")];
}

// `table` without its row `row`.
export function withoutRow(table, row) {
  return table.filter((_, r) => r !== row).map((r) => r.slice());
}

// Which row's delete button takes the focus once row `row` is deleted and `left` rows
// remain: the row that moved up into its place, else the new last row; -1 when none
// is left (the focus goes to the add button).
export function focusAfterDelete(row, left) {
  if (left <= 0) return -1;
  return Math.min(row, left - 1);
}

// Whether another row may be added (`max`: the table's most rows, none when absent).
export function canAdd(rows, max) {
  return !(Number.isFinite(max) && max > 0) || rows < max;
}

// Whether the table Python sends (`cells`) is stale: one this grid sent before its latest
// send (`sent`: the tables sent since Python last showed the latest, oldest first). Two
// sends in a row (a cell left by clicking "Add a layer": its text, then the new row) start
// two runs; the first may still draw its table, which would take the new row away and
// then bring it back, the focus lost. Such a table is skipped: the next run brings the
// latest.
export function isStale(cells, sent) {
  if (!Array.isArray(sent) || !sent.length) return false;
  if (sameTable(cells, sent[sent.length - 1])) return false;
  return sent.slice(0, -1).some((table) => sameTable(table, cells));
}

// The grid's least height, as CSS: the height Python gave its element (px) before the grid's
// script loaded, so that the grid, once drawn, is never shorter than the place it held ("" for
// none, or anything that is no height).
export function minHeight(px) {
  const n = Number(px);
  return typeof px === "number" && Number.isFinite(n) && n > 0 ? `${n}px` : "";
}

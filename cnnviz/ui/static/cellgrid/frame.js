/*
 * The frame both modes of the cell grid are drawn in (main.js's matrix, rowtable.js's layer
 * table): the element the tests and the benchmark find by its test id, a <table> with
 * role="grid" in a box that scrolls sideways, the hidden line that describes its keys, and
 * the place for bad cells' messages. Each mode adds its own parts and appends them.
 */

// `className`: the root's classes; `idPrefix`: the start of the ids this element's parts
// get (a page holds several grids); `hint`: what the keys do, read with the grid's name.
export function gridFrame({ className, idPrefix, hint }) {
  const root = document.createElement("div");
  root.className = className;
  root.setAttribute("data-testid", "cnnviz-cells");
  const wrap = document.createElement("div");
  wrap.className = "cg-wrap";
  const tableEl = document.createElement("table");
  tableEl.className = "cg-table";
  tableEl.setAttribute("role", "grid");
  wrap.appendChild(tableEl);
  const id = `${idPrefix}${Math.random().toString(36).slice(2, 9)}`;
  const hintEl = document.createElement("p");
  hintEl.className = "cg-hint";
  hintEl.id = `${id}-keys`;
  hintEl.textContent = hint;
  tableEl.setAttribute("aria-describedby", hintEl.id);
  const errors = document.createElement("div");
  errors.className = "cg-errors";
  return { root, wrap, tableEl, id, hint: hintEl, errors };
}

/*
 * The bad cells of a cell grid, in either mode (main.js's matrix, rowtable.js's rows):
 * each marked red with aria-invalid, and its message right under the table, where the
 * person is looking, tied to the cell with aria-describedby (so a screen reader reads it
 * with the cell). `bad`: Python's [row, col, message]; `after`: a line said after the
 * messages when there are any; `keep`: ids a cell is described by anyway (its column's
 * help), kept in front of the message's.
 */
export function markCells(controls, errors, bad, { id, after = "", keep = () => [] } = {}) {
  const messages = new Map((Array.isArray(bad) ? bad : [])
    .filter((b) => Array.isArray(b) && b.length >= 3)
    .map(([r, c, text]) => [`${r},${c}`, String(text)]));
  errors.replaceChildren();
  controls.forEach((line, r) => line.forEach((control, c) => {
    const text = messages.get(`${r},${c}`);
    const described = keep(r, c);
    if (text === undefined) {
      control.removeAttribute("aria-invalid");
      if (described.length) control.setAttribute("aria-describedby", described.join(" "));
      else control.removeAttribute("aria-describedby");
      control.classList.remove("cg-bad");
      return;
    }
    const p = document.createElement("p");
    p.id = `${id}-${r}-${c}`;
    p.textContent = text;
    errors.appendChild(p);
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", [p.id, ...described].join(" "));
    control.classList.add("cg-bad");
  }));
  if (messages.size && after) {
    const p = document.createElement("p");
    p.textContent = after;
    errors.appendChild(p);
  }
}

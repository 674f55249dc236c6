/*
 * cnnviz: no typed number is changed in silence (in every page's HTML head).
 *
 * Streamlit's number input reads what was typed with parseInt or parseFloat
 * when Enter is pressed or the box loses focus: "2.7" in a whole-number box
 * becomes 2 and "1e308" becomes 1, and the old value is gone without a word.
 * This module, in every page's HTML head (cnnviz/ui/head.py), looks at the text first (in the capture
 * phase, before Streamlit sees the key or the blur). Text the box would change
 * is not applied: it stays in the box as typed, the setting keeps its value,
 * and a message beside the control says why (aria-live, so a screen reader
 * says it too). Text the box takes as it is passes untouched.
 *
 * checkTyped() holds the rule and touches no DOM (tests/unit/test_numbers_js.py
 * runs it in Node).
 */

/**
 * Why ``text`` cannot go into a number box as typed, or null when it can.
 * ``box``: {min, max, whole, current} (min/max may be null).
 */
function checkTyped(text, box) {
  const t = String(text).trim();
  if (t === "") return null;  // an empty box: Streamlit puts the value back itself
  const keeps = `the setting keeps ${box.current}`;
  const range = (box.min !== null && box.max !== null) ? ` (${box.min} to ${box.max})` : "";
  const v = Number(t);
  if (!Number.isFinite(v)) {
    return box.whole ? `“${t}” is not a whole number${range}; ${keeps}.`
      : `“${t}” is not a number${range}; ${keeps}.`;
  }
  if (box.min !== null && v < box.min) {
    return `“${t}” is below the smallest value, ${box.min}; ${keeps}.`;
  }
  if (box.max !== null && v > box.max) {
    return `“${t}” is above the largest value, ${box.max}; ${keeps}.`;
  }
  if (box.whole && !/^[+-]?\d+$/.test(t)) {
    return Number.isInteger(v) ? `“${t}”: type the whole number in digits${range}; ${keeps}.`
      : `“${t}” is not a whole number${range}; ${keeps}.`;
  }
  return null;
}

function attrNumber(input, name) {
  const raw = input.getAttribute(name);
  if (raw === null || raw === "" || raw === "any") return null;
  const v = Number(raw);
  return Number.isFinite(v) ? v : null;
}

function describe(input) {
  const step = attrNumber(input, "step");
  return {
    min: attrNumber(input, "min"),
    max: attrNumber(input, "max"),
    whole: step !== null && Number.isInteger(step),
    current: input.getAttribute("data-cnnviz-kept") || input.defaultValue || "its value",
  };
}

const NOTE_CLASS = "cnnviz-typed-note";

function noteFor(input, make) {
  const widget = input.closest('[data-testid="stNumberInput"]') || input.parentElement;
  let note = widget.parentElement.querySelector(`:scope > .${NOTE_CLASS}`);
  if (!note && make) {
    note = input.ownerDocument.createElement("div");
    note.className = NOTE_CLASS;
    note.setAttribute("role", "status");
    note.setAttribute("aria-live", "polite");
    note.style.cssText = "color:#b3261e;font-size:0.85rem;margin:-0.4rem 0 0.6rem 0;";
    widget.insertAdjacentElement("afterend", note);
  }
  return note;
}

function install(win) {
  const doc = win.document;
  const isNumber = (el) => el && el.tagName === "INPUT" && el.type === "number";
  // The value the box last showed while its text was a good one: what it keeps.
  doc.addEventListener("focusin", (event) => {
    const input = event.target;
    if (isNumber(input)) input.setAttribute("data-cnnviz-kept", input.value);
  }, true);
  doc.addEventListener("input", (event) => {
    const input = event.target;
    if (!isNumber(input)) return;
    if (checkTyped(input.value, describe(input)) === null) {
      const note = noteFor(input, false);
      if (note) note.remove();
    }
  }, true);
  const guard = (event) => {
    const input = event.target;
    if (!isNumber(input)) return;
    if (event.type === "keydown" && event.key !== "Enter") return;
    const why = checkTyped(input.value, describe(input));
    if (why === null) return;
    // Keep Streamlit from reading the text: it stays as typed, the value as it was.
    event.preventDefault();
    event.stopImmediatePropagation();
    noteFor(input, true).textContent = why;
  };
  win.addEventListener("keydown", guard, true);
  win.addEventListener("focusout", guard, true);
  win.addEventListener("blur", guard, true);
}

/** Install the guard on ``win`` once (from the page's HTML head: cnnviz/ui/head.py). */
export function guardNumbers(win) {
  if (!win.__cnnvizTypedNumbers) {
    install(win);
    win.__cnnvizTypedNumbers = true;
  }
}

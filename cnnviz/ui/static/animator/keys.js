/*
 * cnnviz: keys held until the animation is there (Streamlit components v2 module).
 *
 * Mounted near the top of the page (cnnviz/ui/animator.py's hold_keys, from app.py,
 * before a lecture list's banner and its PageDown / PageUp) with {hold: true} when
 * the page's animation will take the keys as it opens (Step by step in presenter
 * mode). From then on, a key the animation steps with, pressed on the page, is held
 * (hold.js) and kept from the page's other listeners; the animation takes the held
 * keys when it is drawn (main.js). The same module at the page's foot ({end: true})
 * hands them back to the page when the run drew no animation (settings that do not
 * fit), so a key is never swallowed: it does what it would have done.
 */

import { whereOf } from "./driver.js";
import { KeyHold } from "./hold.js";

/** Press the held keys on the page itself, in order: no animation came to take them. */
function release(win) {
  const hold = win.__cnnvizKeyHold;
  if (!hold || !hold.open) return;
  const doc = win.document;
  for (const key of hold.take()) {
    (doc.activeElement || doc.body).dispatchEvent(
      new win.KeyboardEvent("keydown", { key, bubbles: true, composed: true, cancelable: true }));
  }
}

/** Whether an animation is already on the page (a rerun, not a page that opens). */
function animationThere(win) {
  return Object.values(win.__cnnvizInstances || {}).some((api) => api.root().isConnected);
}

export default function (component) {
  const data = component.data || {};
  const win = component.parentElement.ownerDocument.defaultView || window;
  if (data.end) {
    if (!data.drawn) release(win);
    return undefined;
  }
  if (!data.hold) {
    release(win);
    return undefined;
  }
  const open = win.__cnnvizKeyHold && win.__cnnvizKeyHold.open;
  if (!open && !animationThere(win)) win.__cnnvizKeyHold = new KeyHold();
  if (!win.__cnnvizKeyListener) {
    // One listener for the page's life, first of all (the window, capture phase): it acts
    // only while a hold is open. A key the animation presses on itself is not a person's.
    win.__cnnvizKeyListener = (event) => {
      const hold = win.__cnnvizKeyHold;
      if (!hold || !hold.open || !event.isTrusted) return;
      const target = event.composedPath ? event.composedPath()[0] : event.target;
      if (!hold.offer(event.key, whereOf(target), event)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
    };
    win.addEventListener("keydown", win.__cnnvizKeyListener, true);
  }
  return undefined;
}

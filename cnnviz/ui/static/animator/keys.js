/*
 * cnnviz: keys held until the animation is there.
 *
 * keepKeys() runs from the page's first moment: the server puts it into every page's HTML
 * head (cnnviz/ui/head.py), so a clicker pressed while the page is still loading, or just
 * after its title shows, is held too (as an element's script it loaded a few tens of ms
 * after the title, and a press in that gap was lost). Whenever the address becomes a page
 * whose animation takes the keys as it opens (hold.js's holdsKeys: Step by step in presenter
 * mode) and no animation is there yet, a hold opens: from then on a key the animation steps
 * with, pressed on the page, is held (hold.js) and kept from the page's other listeners, and
 * the animation takes the held keys when it is drawn (main.js). Leaving for another page
 * hands them back to the page.
 *
 * The default export is the element a run adds at its foot when it drew no animation on such
 * a page (cnnviz/ui/animator.py's keys_done: settings that do not fit): it hands the held
 * keys back to the page, so a key is never swallowed: it does what it would have done.
 */

import { whereOf } from "./driver.js";
import { KeyHold, holdsKeys } from "./hold.js";

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

/** The key listener for the page's life and the holds, installed once on `win`. */
export function keepKeys(win) {
  if (win.__cnnvizKeyListener) return;
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
  // The address tells: when it becomes such a page (opened, or switched to in the app, where
  // Streamlit writes it with pushState / replaceState; Back and Forward), a hold opens unless
  // an animation is already there; when it is another page, held keys go back to the page.
  let holding = false;
  const follow = () => {
    const now = holdsKeys(win.location.href);
    if (now && !holding) {
      const open = win.__cnnvizKeyHold && win.__cnnvizKeyHold.open;
      if (!open && !animationThere(win)) win.__cnnvizKeyHold = new KeyHold();
    } else if (!now) {
      release(win);
    }
    holding = now;
  };
  const history = win.history;
  for (const name of ["pushState", "replaceState"]) {
    const original = history[name];
    history[name] = function (...args) {
      const out = original.apply(this, args);
      follow();
      return out;
    };
  }
  win.addEventListener("popstate", follow);
  follow();
}

export default function (component) {
  const data = component.data || {};
  const win = component.parentElement.ownerDocument.defaultView || window;
  if (!data.drawn) release(win);
  return undefined;
}

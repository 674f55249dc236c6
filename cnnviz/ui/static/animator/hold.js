/*
 * Keys pressed before the animation is there (no DOM: tests/js/hold.test.mjs).
 *
 * In presenter mode Step by step's animation takes the keyboard as it appears,
 * but a teacher's clicker is pressed as soon as the page shows anything: the
 * title comes first, the animation (and its key listener, and the focus) a
 * moment to a few seconds later. A press in that gap reached the page, where
 * nothing took it (lost) or a lecture list's PageDown opened the next example.
 * So a small element near the top of the page (keys.js) holds such presses from
 * its first moment, and the animation, once there, takes them and presses them
 * on itself in the order they came, each exactly once (main.js).
 */

import { keyAction } from "./driver.js";

export class KeyHold {
  constructor() {
    this.keys = [];
    this.open = true;
  }

  /**
   * A key pressed on the page: hold it (true) if the animation would have taken it
   * had it been there with the focus. Only presses on the page itself (`where` "box":
   * nothing focused, or a plain element), never typing into a field or a control's own keys.
   */
  offer(key, where, mods = {}) {
    if (!this.open || where !== "box") return false;
    if (!keyAction(key, "box", mods)) return false;
    this.keys.push(key);
    return true;
  }

  /** The held keys in the order they came, each once; the hold closes. */
  take() {
    const keys = this.keys;
    this.keys = [];
    this.open = false;
    return keys;
  }
}

/**
 * Whether the page at `href` is one whose animation takes the keys as it opens: Step by step
 * (its address's last segment, below any base path) in presenter mode (`present=true`, as
 * Streamlit reads a bound switch: any case). The server's own test is app.py's `hold_keys`.
 */
export function holdsKeys(href) {
  let url;
  try {
    url = new URL(href);
  } catch (err) {
    return false;
  }
  const page = url.pathname.split("/").filter(Boolean).pop() || "";
  return page === "animation" && (url.searchParams.get("present") || "").toLowerCase() === "true";
}

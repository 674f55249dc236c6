/*
 * cnnviz: the rest of the page, asked for once its first screen is drawn
 * (Streamlit components v2 module; cnnviz/ui/later.py).
 *
 * On a session's first run a long page ends early with this element where the
 * rest would be: a line saying the rest is on its way. Once the browser has
 * drawn what the run sent, the element sets its trigger, and the rerun draws the
 * whole page (this element is then gone). "Drawn": two animation frames after the
 * element is mounted (the frame that paints the first screen has passed), then
 * the first moment the page is ready (the run has ended, no element is still a
 * skeleton waiting for its script, every map is drawn) and the main thread idle
 * (requestIdleCallback). Whatever happens, the trigger is set at most MAX_WAIT_MS
 * after mounting: the rest of the page never waits for good.
 *
 * whenDrawn() holds the timing and touches no DOM (tests/js/later.test.mjs).
 */

/** The longest the rest of the page waits for the first screen (ms). */
const MAX_WAIT_MS = 3000;
/** How often readiness is looked at again (ms). */
const POLL_MS = 25;
/** requestIdleCallback's own limit: an idle moment, or this long at most (ms). */
const IDLE_TIMEOUT_MS = 200;

/**
 * Call ``fire`` once, after two frames, when ``ready()`` (or MAX_WAIT_MS after the
 * start), at an idle moment. ``win`` gives requestAnimationFrame, setTimeout,
 * requestIdleCallback (optional) and performance.now. Returns a function that
 * cancels it (the element left the page first).
 */
function whenDrawn(win, ready, fire) {
  const start = win.performance.now();
  let cancelled = false;
  let done = false;
  const go = () => {
    if (cancelled || done) return;
    done = true;
    fire();
  };
  const idle = () => {
    if (cancelled) return;
    if (typeof win.requestIdleCallback === "function") {
      win.requestIdleCallback(go, { timeout: IDLE_TIMEOUT_MS });
    } else {
      win.setTimeout(go, 0);
    }
  };
  const check = () => {
    if (cancelled) return;
    let ok = false;
    try {
      ok = Boolean(ready());
    } catch (_err) {
      ok = true; // a page this module cannot read: do not hold the rest back
    }
    if (ok || win.performance.now() - start >= MAX_WAIT_MS) idle();
    else win.setTimeout(check, POLL_MS);
  };
  win.requestAnimationFrame(() => win.requestAnimationFrame(check));
  return () => { cancelled = true; };
}

/** Whether the page ``doc`` shows what the run sent: the run over, nothing still loading. */
function pageReady(doc) {
  if (doc.querySelector('[data-test-script-state="running"]')) return false;
  if (doc.querySelector('[data-testid="stSkeleton"]')) return false;
  for (const map of doc.querySelectorAll('[data-testid="cnnviz-map"]')) {
    if (map.dataset.state !== "drawn") return false;
  }
  for (const slot of doc.querySelectorAll('[data-cnnviz-slot="map"]')) {
    const element = slot.closest('[data-testid^="stBidiComponent"]');
    if (element && !element.querySelector('[data-testid="cnnviz-map"]')) return false;
  }
  return true;
}

export { MAX_WAIT_MS, whenDrawn, pageReady };

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const box = parentElement.querySelector("[data-cnnviz-later]");
  if (box && data && Number.isFinite(data.height)) box.style.minHeight = `${data.height}px`;
  if (parentElement.__cnnvizLater) return undefined; // one request per element
  const doc = parentElement.ownerDocument || document;
  const win = doc.defaultView || window;
  parentElement.__cnnvizLater = whenDrawn(win, () => pageReady(doc), () => {
    if (parentElement.isConnected) setTriggerValue("drawn", true); // not for a page left
  });
  return undefined;
}

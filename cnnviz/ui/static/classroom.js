/**
 * Class mode's listener: one per page (cnnviz/ui/classroom.py), no visible pixels.
 *
 * - Followers: an EventSource on the push route (cnnviz/ui/class_push.py). When the
 *   room's version passes the one this session applied, ask the session for one
 *   rerun (the "wake" trigger); the session then applies the teacher's view itself.
 * - Reloads: what this tab needs to come back to its room (the room code, the
 *   student's id and nickname, or the teacher's key) is kept in sessionStorage:
 *   per tab, never in a URL, a cookie or anything shared. A fresh session asks
 *   for it once ("restore"); the server checks it against the store.
 *
 * The browser keeps the EventSource open across reruns. When it fails (a dropped stream,
 * or an answer that is not 200, after which a browser never retries), createFollower shows
 * "Following paused: reconnecting…" and opens a new one after a growing wait; the first
 * message of a new stream carries the current version, so nothing is missed. The session
 * is told both ways (the "stalled" state), so that the room's bar says the same.
 */

const SLOT = "cnnviz-class";
/** What a following student reads while the push route cannot be reached. */
export const PAUSED = "Following paused: reconnecting…";
export const DOWN = "Following paused: the class cannot be reached. Reconnecting…";
/** Seconds before the n-th reconnect (1, 2, 4, … at most MAX_WAIT): never a spin. */
export const FIRST_WAIT = 1;
export const MAX_WAIT = 30;

export function shouldWake(version, applied, woke) {
  return Number.isFinite(version) && version > applied && version > woke;
}

/** Seconds to wait before reconnect number ``failures`` (1 for the first), jitter in [0, 1). */
export function backoff(failures, jitter = 0) {
  const base = Math.min(MAX_WAIT, FIRST_WAIT * 2 ** Math.max(0, failures - 1));
  return base * (0.75 + 0.5 * jitter);
}

/**
 * The follower's connection to the push route, without a DOM: testable under node --test.
 *
 * ``open(url)`` makes an EventSource-like object (addEventListener, close); ``later(fn, s)``
 * and ``cancel(id)`` are setTimeout/clearTimeout in seconds; ``wake(v)``, ``gone()`` and
 * ``notice(text or null)`` tell the page. A browser's EventSource retries a dropped stream
 * by itself, but gives up for good on an answer that is not 200 (the route's 429 to a client
 * that asked about too many missing rooms, a 502 from a proxy): so on any error this closes
 * the stream, shows the notice and opens a new one after a growing wait. The first message
 * of a new stream is the room's version, so nothing is missed; it takes the notice away.
 */
export function createFollower({ url, open, later, cancel, wake, gone, notice, random }) {
  const f = { source: null, timer: null, failures: 0, shown: null, closed: false };
  const show = (text) => {
    if (text !== f.shown) {
      f.shown = text;
      notice(text);
    }
  };
  const healthy = () => {  // a message, not only "open": a stream that opens and drops still backs off
    f.failures = 0;
    show(null);
  };
  const connect = () => {
    f.timer = null;
    if (f.closed) return;
    const source = open(url);
    f.source = source;
    source.addEventListener("version", (e) => {
      if (f.source !== source) return;
      healthy();
      wake(Number(e.data));
    });
    source.addEventListener("down", () => {
      if (f.source === source) show(DOWN);  // the store is down; the stream stays open
    });
    source.addEventListener("gone", () => {
      if (f.source !== source) return;
      f.closed = true;
      source.close();
      show(null);
      gone();
    });
    source.addEventListener("error", () => {
      if (f.source !== source || f.closed) return;
      source.close();
      f.source = null;
      f.failures += 1;
      show(PAUSED);
      f.timer = later(connect, backoff(f.failures, random ? random() : Math.random()));
    });
  };
  connect();
  f.stop = () => {
    f.closed = true;
    if (f.timer !== null) cancel(f.timer);
    f.timer = null;
    if (f.source) f.source.close();
    f.source = null;
  };
  return f;
}

/** The notice on the page: fixed at the top of the window, over the page. */
function showNotice(doc, text) {
  let el = doc.getElementById("cnnviz-follow-notice");
  if (!text) {
    if (el) el.remove();
    return;
  }
  if (!el) {
    el = doc.createElement("div");
    el.id = "cnnviz-follow-notice";
    el.setAttribute("role", "status");
    // In the header's middle, above it (Streamlit's header is z-index 999990), clear of its
    // corners: the sidebar's arrow on the left, the menu on the right.
    el.style.cssText = "position:fixed;top:.5rem;left:50%;transform:translateX(-50%);" +
      "max-width:calc(100% - 7rem);z-index:1000000;background:#fff3cd;color:#5c4400;" +
      "border:1px solid #e0c36a;border-radius:.5rem;padding:.4rem .8rem;" +
      "font-family:sans-serif;font-size:.95rem;line-height:1.3;text-align:center";
    doc.body.appendChild(el);
  }
  el.textContent = text;
}

export default function (component) {
  const { data, parentElement, setTriggerValue, setStateValue } = component;
  const win = parentElement.ownerDocument.defaultView || window;
  let inst = parentElement.__cnnvizClass;
  if (!inst) {
    inst = { follower: null, url: null, woke: 0, applied: 0, asked: false, stalled: false };
    parentElement.__cnnvizClass = inst;
  }
  inst.trigger = setTriggerValue;
  inst.state = setStateValue;
  const d = data || {};
  try {
    // Read before writing: a reloaded tab whose link joined afresh (room=CODE in the
    // address) still has its own place here, which the server then takes back.
    if (d.restore && !inst.asked) {
      inst.asked = true;
      const saved = win.sessionStorage.getItem(SLOT);
      if (saved && saved !== d.remember) setTriggerValue("restore", saved);
    }
    if (d.remember) win.sessionStorage.setItem(SLOT, d.remember);
    if (d.forget) win.sessionStorage.removeItem(SLOT);
  } catch (e) {
    // Storage refused (private mode): a reload then starts afresh; nothing else breaks.
  }
  inst.applied = Number(d.version) || 0;
  if (inst.woke < inst.applied) inst.woke = inst.applied;
  const url = d.events || null;
  if (url !== inst.url) {
    if (inst.follower) inst.follower.stop();
    inst.follower = null;
    inst.url = url;
    inst.woke = inst.applied;
    const doc = win.document;
    showNotice(doc, null);
    const report = (stalled) => {
      if (stalled !== inst.stalled) {
        inst.stalled = stalled;
        inst.state("stalled", stalled);
      }
    };
    report(false);  // a new stream (another room, or none): nothing is stalled yet
    if (url) {
      inst.follower = createFollower({
        url,
        open: (u) => new win.EventSource(u),
        later: (fn, seconds) => win.setTimeout(fn, seconds * 1000),
        cancel: (id) => win.clearTimeout(id),
        wake: (v) => {
          if (shouldWake(v, inst.applied, inst.woke)) {
            inst.woke = v;
            inst.trigger("wake", v);
          }
        },
        gone: () => inst.trigger("wake", -1),
        notice: (text) => {
          showNotice(doc, text);
          // The session's bar says so too (not "you follow the teacher"), and again when
          // the stream is back (cnnviz/ui/classroom.py, STALLED): a state, kept across runs.
          report(Boolean(text));
        },
      });
    }
  }
  return () => {
    if (inst.follower) inst.follower.stop();
    showNotice(win.document, null);
    if (parentElement.__cnnvizClass === inst) delete parentElement.__cnnvizClass;
  };
}

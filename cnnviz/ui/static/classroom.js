/**
 * Class mode's listener: one per page (cnnviz/ui/classroom.py), no visible pixels.
 *
 * - Followers: an EventSource on the push route (cnnviz/ui/class_push.py). When the
 *   room's version passes the one this session applied, ask the session for one
 *   rerun (the "wake" trigger); the session then applies the teacher's view itself.
 * - Back to the teacher after exploring alone: when the server asks, load the teacher's
 *   address afresh ("navigate").
 * - Reloads: what this tab needs to come back to its room (the room code, the
 *   student's id and nickname, or the teacher's key) is kept in sessionStorage:
 *   per tab, never in a URL, a cookie or anything shared. A fresh session asks
 *   for it once ("restore"); the server checks it against the store.
 *
 * The browser keeps the EventSource open across reruns; EventSource reconnects on
 * its own after a network or server hiccup, and the first message after that
 * carries the current version, so nothing is missed.
 */

const SLOT = "cnnviz-class";

export function shouldWake(version, applied, woke) {
  return Number.isFinite(version) && version > applied && version > woke;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const win = parentElement.ownerDocument.defaultView || window;
  let inst = parentElement.__cnnvizClass;
  if (!inst) {
    inst = { source: null, url: null, woke: 0, applied: 0, asked: false };
    parentElement.__cnnvizClass = inst;
  }
  inst.trigger = setTriggerValue;
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
  if (d.navigate && d.navigate !== inst.navigated) {
    // The teacher's address, loaded afresh: widgets the student changed while exploring
    // alone show the teacher's values again (cnnviz/ui/classroom.py, _apply).
    inst.navigated = d.navigate;
    win.location.replace(new URL(d.navigate, win.location.href).href);
    return () => {};
  }
  inst.applied = Number(d.version) || 0;
  if (inst.woke < inst.applied) inst.woke = inst.applied;
  const url = d.events || null;
  if (url !== inst.url) {
    if (inst.source) inst.source.close();
    inst.source = null;
    inst.url = url;
    inst.woke = inst.applied;
    if (url) {
      const source = new win.EventSource(url);
      source.addEventListener("version", (e) => {
        const v = Number(e.data);
        if (shouldWake(v, inst.applied, inst.woke)) {
          inst.woke = v;
          inst.trigger("wake", v);
        }
      });
      source.addEventListener("gone", () => {
        source.close();
        inst.trigger("wake", -1);
      });
      inst.source = source;
    }
  }
  return () => {
    if (inst.source) inst.source.close();
    if (parentElement.__cnnvizClass === inst) delete parentElement.__cnnvizClass;
  };
}

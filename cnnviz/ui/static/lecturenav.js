/*
 * cnnviz lecture navigation (Streamlit components v2 module): where a lecture
 * list's example sits, Previous / Next as real links, and the keys a teacher's
 * clicker sends (PageDown / PageUp), plus Alt+→ / Alt+←.
 *
 * Why links and a full page load: an example's link is its whole view (page and
 * settings, cnnviz.lessons.lectures); opening it as a fresh page applies every
 * setting exactly as a shared link does, so nothing of the last example leaks.
 *
 * Keys: a handler that already took the key (the step-by-step animation maps
 * PageDown / PageUp to its steps while it has the focus) calls preventDefault,
 * and then the key is left to it, unless it marked the key as left to the page
 * (`cnnvizLeftToPage`: the animation's first or last step). Keys typed into a
 * field are never taken.
 */

export function keyTarget(event) {
  // Which way a key goes: "next", "prev" or null (pure: tested with node --test).
  // The animation leaves PageDown on its last step (PageUp on its first) to the list, with
  // the browser's scrolling prevented: such a key is still the list's.
  if ((event.defaultPrevented && !event.cnnvizLeftToPage) || event.ctrlKey || event.metaKey) {
    return null;
  }
  const tag = (event.target && event.target.tagName) || "";
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag)) return null;
  if (event.target && event.target.isContentEditable) return null;
  if (event.key === "PageDown" && !event.altKey) return "next";
  if (event.key === "PageUp" && !event.altKey) return "prev";
  if (event.altKey && event.key === "ArrowRight") return "next";
  if (event.altKey && event.key === "ArrowLeft") return "prev";
  return null;
}

export default function (component) {
  const { data, parentElement } = component;
  const doc = parentElement.ownerDocument;
  const win = doc.defaultView || window;
  // Only our own <nav> is replaced: the element also holds the component's <style>.
  const old = parentElement.querySelector("nav.ln-nav");
  if (old) old.remove();
  const nav = doc.createElement("nav");
  nav.className = "ln-nav";
  nav.setAttribute("aria-label", "Lecture list");
  const link = (item, text, rel) => {
    if (!item) {
      const span = doc.createElement("span");
      span.className = "ln-off";
      span.textContent = text;
      return span;
    }
    const a = doc.createElement("a");
    a.href = item.href;
    a.rel = rel;
    a.className = "ln-link";
    a.textContent = text;
    a.title = item.title;
    a.setAttribute("data-testid", `lecture-${rel}`);
    return a;
  };
  nav.append(link(data.prev, "← Previous", "prev"));
  const where = doc.createElement("a");
  where.className = "ln-where";
  where.href = data.list;
  where.textContent = data.position;
  where.title = "The whole list";
  nav.append(where);
  nav.append(link(data.next, "Next →", "next"));
  const hint = doc.createElement("span");
  hint.className = "ln-hint";
  hint.textContent = "PageDown / PageUp";
  nav.append(hint);
  parentElement.append(nav);

  const onKey = (event) => {
    const way = keyTarget(event);
    const item = way === "next" ? data.next : way === "prev" ? data.prev : null;
    if (!item) return;
    event.preventDefault();
    win.location.assign(new URL(item.href, win.location.href).href);
  };
  // One listener per page: a rerun replaces the old one (its cleanup runs first).
  win.addEventListener("keydown", onKey);
  return () => win.removeEventListener("keydown", onKey);
}

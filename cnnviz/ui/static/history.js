/*
 * cnnviz: one Back press per view the person asked for (in every page's HTML head).
 *
 * In this app the address is the view: every setting is in the link. Streamlit
 * 1.67 pushes a browser history entry for every change of the query string the
 * server makes (``st.query_params``, ``st.switch_page(query_params=...)``), while
 * a bound widget's change replaces the entry. So one page switch left up to four
 * entries: on a switch the new run first empties the query (the browser still
 * shows the old page, whose entry then became "/"), then rebuilds it value by
 * value, and the first switch after opening a link switches once more to carry
 * the link's values (links.carry). Back needed two presses and then showed "/"
 * and the default photo instead of the opened link.
 *
 * The rule, in historyStep() (no DOM; tests/unit/test_history_js.py runs it in
 * Node): a change that keeps the page (same path) replaces the current entry; a
 * change of page first puts back the address the old page had when the person
 * acted (a click or key press just before), so its entry is what they saw, and
 * then pushes the new page. Full page loads (the lecture lists' links) are not
 * touched.
 *
 * It runs from the page's HTML head (cnnviz/ui/head.py), before Streamlit's own script:
 * as an element's script it came after the page's text, and a click before it got
 * Streamlit's own history (Back then needed extra presses).
 */

/** How long after a click or key press a page switch counts as its result (ms). */
const FRESH_MS = 15000;

/**
 * What to do with ``history.pushState(target)`` while the address is ``current``.
 * ``acted``: {url, at} the address when the person last clicked or pressed a key
 * (or null); ``now``: the time in ms. Returns {replace, restore}: ``replace``
 * true to replace the current entry instead of pushing one; ``restore`` an
 * address to put back on the current entry before pushing, or null.
 */
function historyStep(current, target, acted, now) {
  const here = new URL(current);
  const there = new URL(target, current);
  if (there.pathname === here.pathname) return { replace: true, restore: null };
  const fresh = acted !== null && now - acted.at <= FRESH_MS;
  const before = fresh ? new URL(acted.url) : null;
  const restore = before !== null && before.pathname === here.pathname
    && before.href !== here.href ? before.href : null;
  return { replace: false, restore };
}

function install(win) {
  const history = win.history;
  const push = history.pushState.bind(history);
  const replace = history.replaceState.bind(history);
  let acted = null;
  const note = () => { acted = { url: win.location.href, at: Date.now() }; };
  // Capture phase: the address before Streamlit reacts to the click or key.
  win.addEventListener("pointerdown", note, true);
  win.addEventListener("keydown", note, true);
  history.pushState = (state, title, url) => {
    if (url === undefined || url === null) return push(state, title, url);
    const step = historyStep(win.location.href, String(url), acted, Date.now());
    if (step.replace) return replace(state, title, url);
    if (step.restore !== null) replace(history.state, title, step.restore);
    acted = null;
    return push(state, title, url);
  };
}

/**
 * Install the rule on ``win`` once, from the page's first moment: app.py's server puts this
 * module into every page's HTML head (cnnviz/ui/head.py), so no click comes before it.
 */
export function keepHistory(win) {
  if (!win.__cnnvizHistory) {
    install(win);
    win.__cnnvizHistory = true;
  }
}

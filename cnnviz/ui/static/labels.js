/*
 * cnnviz: chart names for screen readers (in every page's HTML head).
 *
 * Plotly draws a chart as <svg> elements without a name, so a screen reader
 * says "image" and nothing more. This module, in every page's HTML head (cnnviz/ui/head.py), names
 * each chart after its own title and subtitle (the display mapping's note),
 * e.g. "Chart: A: 128 × 128. diverging: divided by max |v| = 3.5 …", and
 * hides Plotly's second, empty overlay <svg>. The text inside the chart (the
 * numbers in small grids) stays readable. A MutationObserver keeps up with
 * charts that are drawn or redrawn later (reruns, fragments).
 */

function chartName(root) {
  const title = root.querySelector(".gtitle");
  const sub = root.querySelector(".gtitle-subtitle");
  const bits = [title, sub].map((e) => (e ? e.textContent.trim() : "")).filter(Boolean);
  return bits.length ? `Chart: ${bits.join(". ")}` : "Chart";
}

function label(doc) {
  for (const plot of doc.querySelectorAll(".js-plotly-plot")) {
    const svgs = plot.querySelectorAll("svg.main-svg");
    if (!svgs.length) continue;
    const name = chartName(plot);
    const main = svgs[0];
    if (main.getAttribute("aria-label") !== name) {
      main.setAttribute("role", "figure");  // not "img": the numbers inside stay readable
      main.setAttribute("aria-label", name);
    }
    for (let i = 1; i < svgs.length; i += 1) svgs[i].setAttribute("aria-hidden", "true");
  }
}

/** Name the charts on ``win``'s page, now and as they come (from the page's HTML head:
 * cnnviz/ui/head.py, where the body is not there yet). */
export function nameCharts(win) {
  if (win.__cnnvizChartNames) return;
  const doc = win.document;
  win.__cnnvizChartNames = true;
  const start = () => {
    let pending = 0;
    const observer = new win.MutationObserver(() => {
      if (pending) return;
      pending = win.setTimeout(() => { pending = 0; label(doc); }, 150);
    });
    observer.observe(doc.body, { childList: true, subtree: true });
    win.__cnnvizChartNames = observer;
    label(doc);
  };
  if (doc.body) start();
  else doc.addEventListener("DOMContentLoaded", start, { once: true });
}

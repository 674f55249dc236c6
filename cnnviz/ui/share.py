"""The "Copy link" button: the page's address is the view, so copying it shares it.

(A grid's numbers copy as LaTeX or Markdown from the grid's own map element,
``static/mapview.js``.)"""

from __future__ import annotations

import streamlit as st

__all__ = ["copy_link"]

_JS = """
export default function ({ parentElement }) {
  const doc = parentElement.ownerDocument;
  const win = doc.defaultView || window;
  for (const old of parentElement.querySelectorAll(".cl-copy, .cl-status")) old.remove();
  const button = doc.createElement("button");
  button.type = "button";
  button.className = "cl-copy";
  button.setAttribute("data-testid", "copy-link");
  button.textContent = "Copy link";
  const status = doc.createElement("span");
  status.className = "cl-status";
  status.setAttribute("aria-live", "polite");
  const copied = (ok, note) => {
    status.textContent = ok ? `Copied: this exact view${note}`
      : "Select the address bar and copy it";
    win.setTimeout(() => { status.textContent = ""; }, 4000);
  };
  button.addEventListener("click", () => {
    // Presenter mode is how this screen is projected, not part of the view: a link a
    // teacher copies from the projector is for students' own screens.
    const url = new win.URL(win.location.href);
    const presenting = url.searchParams.has("present");
    url.searchParams.delete("present");
    const link = url.href;
    const note = presenting ? " (without presenter mode)" : "";
    const fallback = () => {
      const area = doc.createElement("textarea");
      area.value = link;
      doc.body.append(area);
      area.select();
      let ok = false;
      try { ok = doc.execCommand("copy"); } catch (err) { ok = false; }
      area.remove();
      copied(ok, note);
    };
    if (win.navigator.clipboard && win.isSecureContext) {
      win.navigator.clipboard.writeText(link).then(() => copied(true, note), fallback);
    } else {
      fallback();
    }
  });
  parentElement.append(button, status);
}
"""
_CSS = """
.cl-copy { font: inherit; padding: 0.3rem 0.8rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid #8a8f98; background: transparent; color: inherit; }
.cl-copy:hover, .cl-copy:focus-visible { border-color: #ff4b4b; }
.cl-copy:focus-visible { outline: 2px solid #ff4b4b; outline-offset: 2px; }
.cl-status { margin-left: 0.5rem; font-size: 0.85rem; }
"""
_copy = st.components.v2.component("cnnviz_copy_link", html="<span hidden></span>", js=_JS,
                                   css=_CSS, isolate_styles=False)


def copy_link(where=None) -> None:
    """The "Copy link" button, in ``where`` (the sidebar by default)."""
    with where or st.sidebar:
        _copy(key="copy_link", data={}, height="content")


"""Copy buttons: "Copy link" (the page's address is the view, so copying it shares it) and
a grid's numbers as LaTeX or Markdown for slides, shown as they will be pasted."""

from __future__ import annotations

import streamlit as st

__all__ = ["copy_link", "copy_text"]

_JS = """
export default function ({ data, parentElement }) {
  const doc = parentElement.ownerDocument;
  const win = doc.defaultView || window;
  const text = data && data.text;  // none: the page's own address
  for (const old of parentElement.querySelectorAll(".cl-copy, .cl-status, .cl-text")) old.remove();
  const button = doc.createElement("button");
  button.type = "button";
  button.className = "cl-copy";
  button.setAttribute("data-testid", (data && data.testid) || "copy-link");
  button.textContent = (data && data.label) || "Copy link";
  const status = doc.createElement("span");
  status.className = "cl-status";
  status.setAttribute("aria-live", "polite");
  const copied = (ok) => {
    status.textContent = ok ? (text ? "Copied" : "Copied: this exact view")
      : (text ? "Select the text and copy it" : "Select the address bar and copy it");
    win.setTimeout(() => { status.textContent = ""; }, 4000);
  };
  button.addEventListener("click", () => {
    const link = text || win.location.href;
    const fallback = () => {
      const area = doc.createElement("textarea");
      area.value = link;
      doc.body.append(area);
      area.select();
      let ok = false;
      try { ok = doc.execCommand("copy"); } catch (err) { ok = false; }
      area.remove();
      copied(ok);
    };
    if (win.navigator.clipboard && win.isSecureContext) {
      win.navigator.clipboard.writeText(link).then(() => copied(true), fallback);
    } else {
      fallback();
    }
  });
  parentElement.append(button, status);
  if (text) {
    const pre = doc.createElement("pre");
    pre.className = "cl-text";
    pre.textContent = text;
    parentElement.append(pre);
  }
}
"""
_CSS = """
.cl-copy { font: inherit; padding: 0.3rem 0.8rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid #8a8f98; background: transparent; color: inherit; }
.cl-copy:hover, .cl-copy:focus-visible { border-color: #ff4b4b; }
.cl-copy:focus-visible { outline: 2px solid #ff4b4b; outline-offset: 2px; }
.cl-status { margin-left: 0.5rem; font-size: 0.85rem; }
.cl-text { margin: 0.4rem 0 0.8rem; padding: 0.5rem; max-height: 14rem; overflow: auto;
  font-size: 0.8rem; border: 1px solid #d0d3d8; border-radius: 0.4rem; white-space: pre; }
"""
_copy = st.components.v2.component("cnnviz_copy_link", html="<span hidden></span>", js=_JS,
                                   css=_CSS, isolate_styles=False)


def copy_link(where=None) -> None:
    """The "Copy link" button, in ``where`` (the sidebar by default)."""
    with where or st.sidebar:
        _copy(key="copy_link", data={}, height="content")


def copy_text(label: str, text: str, *, key: str) -> None:
    """A button copying ``text`` (LaTeX, Markdown), with the text shown under it."""
    _copy(key=key, data={"label": label, "text": text, "testid": key}, height="content")

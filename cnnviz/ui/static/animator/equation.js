/*
 * The equation view: each step's arithmetic as the lines under the grids
 * (a·w + … + b = value) and as the aria-live caption a screen reader hears.
 * Python (cnnviz/lessons/animation.py) wrote every number as text; here the
 * texts are only looked up and joined. The text functions use no DOM, so the
 * caption is checked in Node against the reference step_caption (tests/readers.py).
 */

// A caption lists at most this many terms of a sum before it writes "…"
// (tests/readers.py CAPTION_TERMS; its step_caption is the reference).
export const CAPTION_TERMS = 4;

/** A number's text as a factor or a term after "+": "-4" → "(−4)" (text only, no arithmetic). */
export function factor(s) {
  return typeof s === "string" && s.startsWith("-") ? `(−${s.slice(1)})` : s;
}

/** Numbers' texts as the terms of a sum (core.text.addends): the first with a true minus,
 * each later negative one in parentheses, "−448 + (−91) + 472". */
export function addends(texts) {
  return texts.map((s, i) => addend(s, i === 0));
}

/** One term of a sum: the first with a true minus, a later negative one in parentheses. */
export function addend(s, first) {
  if (!first) return factor(s);
  return typeof s === "string" && s.startsWith("-") ? `−${s.slice(1)}` : s;
}

/** Payload numbers are written so that String() gives format_number's text. */
export function text(v) {
  return typeof v === "string" ? v : String(v);
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (ch) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch]
  ));
}

/** The lectures' notation as it is typeset: "a^[l-1]" → a<sup>[l−1]</sup>, escaped first. */
export function notation(s) {
  return escapeHtml(s).replace(/\^(\[[^\]]*\])/g, (_, sup) => `<sup>${sup.replace(/-/g, "−")}</sup>`);
}

function shorten(terms) {
  return terms.length <= CAPTION_TERMS ? terms : [...terms.slice(0, 2), "…", terms[terms.length - 1]];
}

/**
 * Derived fields of a parsed payload, computed once (no DOM): its shapes
 * under short names, the padding's edges, and the values the output shows.
 */
export function prepare(P) {
  const [hp, wp] = P.padded_shape;
  const [[top, bottom], [left, right]] = P.padding;
  P.isConv = P.kind === "conv";
  P.hp = hp; P.wp = wp; P.nc = P.channels;
  P.oh = P.out_shape[0]; P.ow = P.out_shape[1];
  P.fh = P.kernel_shape[0]; P.fw = P.kernel_shape[1];
  P.top = top; P.left = left;
  P.bottomEdge = hp - bottom; P.rightEdge = wp - right;
  P.hasPad = top + bottom + left + right > 0;
  P.out = P.isConv ? (P.activated || P.totals) : P.results;
  P.taps = P.fh * P.fw * P.nc;
  return P;
}

/** The padded rows and columns of step k's window. */
export function windowCells(P, k) {
  return { rows: P.rows[Math.floor(k / P.ow)], cols: P.cols[k % P.ow] };
}

export function isPad(P, r, c) {
  return r < P.top || r >= P.bottomEdge || c < P.left || c >= P.rightEdge;
}

/** Step k in words: tests/readers.py step_caption, text for text. */
export function caption(P, k) {
  const r = Math.floor(k / P.ow);
  const c = k % P.ow;
  const out = text(P.out[k]);
  const head = `Step ${k + 1} of ${P.n_steps}: output (${r}, ${c}) = ${out}.`;
  const { rows, cols } = windowCells(P, k);
  if (!P.isConv) {
    const items = [];
    for (const rr of rows) for (const cc of cols) items.push(text(P.vals[P.ids[rr * P.wp + cc]]));
    const flat = shorten(items);
    const body = P.mode === "max" ? `max(${flat.join(", ")})` : `(${addends(flat).join(" + ")}) / ${P.count}`;
    return `${head} ${body} = ${out}.`;
  }
  const terms = [];
  for (let ch = 0; ch < P.nc; ch += 1) {
    const t = [];
    for (let i = 0; i < P.fh; i += 1) {
      for (let j = 0; j < P.fw; j += 1) {
        const tap = (i * P.fw + j) * P.nc + ch;
        const uid = P.ids[(rows[i] * P.wp + cols[j]) * P.nc + ch];
        t.push(`${factor(text(P.vals[uid]))}·${factor(text(P.kernel[tap]))}`);
      }
    }
    terms.push(shorten(t));
  }
  const total = text(P.totals[k]);
  const bias = `bias ${text(P.bias)} = ${total}`;
  let body;
  if (P.nc === 1) {
    body = `${terms[0].join(" + ")} + ${bias}`;
  } else {
    const partials = terms.map((_, ch) => text(P.partials[k * P.nc + ch]));
    const sums = terms.map((t, ch) => `${P.channel_names[ch]}: ${t.join(" + ")} = ${partials[ch]}`);
    body = [...sums, `${addends(partials).join(" + ")} + ${bias}`].join("; ");
  }
  if (P.activated) body += `; ${P.activation_name}(${total}) = ${out}`;
  return `${head} ${body}.`;
}

/**
 * Step k's equation as HTML lines (escaped), and the result's label: {lines, label, out}.
 * `only` (a colour volume shown one channel at a time): that channel's products and
 * partial sum, then the sum of the partial sums with that one marked.
 */
export function equation(P, k, only = -1) {
  const r = Math.floor(k / P.ow);
  const c = k % P.ow;
  const { rows, cols } = windowCells(P, k);
  const lines = [];
  const term = (s, pad) => `<span class="cnv-term${pad ? " cnv-pad" : ""}">${escapeHtml(s)}</span>`;
  const out = text(P.out[k]);
  let label;
  if (P.isConv) {
    const parts = [];
    for (let ch = 0; ch < P.nc; ch += 1) {
      const terms = [];
      for (let i = 0; i < P.fh; i += 1) {
        for (let j = 0; j < P.fw; j += 1) {
          const tap = (i * P.fw + j) * P.nc + ch;
          const uid = P.ids[(rows[i] * P.wp + cols[j]) * P.nc + ch];
          terms.push(term(`${factor(text(P.vals[uid]))}·${factor(text(P.kernel[tap]))}`,
            isPad(P, rows[i], cols[j])));
        }
      }
      parts.push(terms.join(" + "));
    }
    const total = text(P.totals[k]);
    const bias = escapeHtml(factor(text(P.bias)));
    if (P.nc === 1 && P.partials) {
      // The filter as a neuron (the lectures' wᵀx + w₀): the weighted sum, then the bias.
      const p = escapeHtml(text(P.partials[k]));
      lines.push(`${parts[0]} = <b>${p}</b>`);
      const sum = escapeHtml(addend(text(P.partials[k]), true));
      lines.push(`wᵀx + w₀ = ${sum} + <span class="cnv-bias-term">${bias}</span> = <b>${escapeHtml(total)}</b>`);
    } else if (P.nc === 1) {
      lines.push(`${parts[0]} + <span class="cnv-bias-term">${bias}</span> = <b>${escapeHtml(total)}</b>`);
    } else {
      const partials = [];
      const terms = addends(P.partials.slice(k * P.nc, (k + 1) * P.nc).map(text));
      for (let ch = 0; ch < P.nc; ch += 1) {
        const p = escapeHtml(text(P.partials[k * P.nc + ch]));
        const t = escapeHtml(terms[ch]); // as a term of the sum of the partial sums
        partials.push(ch === only
          ? `<span class="cnv-ch-now" title="${escapeHtml(P.channel_names[ch])}">${t}</span>` : t);
        if (only < 0 || ch === only) {
          lines.push(`<span class="cnv-ch">${escapeHtml(P.channel_names[ch])}:</span> ${parts[ch]} = <b>${p}</b>`);
        }
      }
      const named = only < 0 ? "" : `<span class="cnv-ch">${P.channel_names.map(escapeHtml).join(" + ")}:</span> `;
      lines.push(`${named}${partials.join(" + ")} + <span class="cnv-bias-term">${bias}</span> = <b>${escapeHtml(total)}</b>`);
    }
    if (P.activated) {
      lines.push(`${escapeHtml(P.activation_name)}(${escapeHtml(total)}) = <b>${escapeHtml(out)}</b>`);
    }
    label = `${P.activated ? "a" : "z"}[${r}, ${c}]`;
  } else {
    const items = [];
    const w = P.winners[k];
    for (let i = 0; i < rows.length; i += 1) {
      for (let j = 0; j < cols.length; j += 1) {
        const idx = i * cols.length + j;
        const value = text(P.vals[P.ids[rows[i] * P.wp + cols[j]]]);
        // An average is a sum: its terms are written as addends (a max is a list).
        const s = P.mode === "max" ? value : addend(value, idx === 0);
        items.push(idx === w ? `<b class="cnv-win">${escapeHtml(s)}</b>` : term(s, isPad(P, rows[i], cols[j])));
      }
    }
    lines.push(P.mode === "max"
      ? `max(${items.join(", ")}) = <b>${escapeHtml(out)}</b>`
      : `(${items.join(" + ")}) / ${P.count} = <b>${escapeHtml(out)}</b>`);
    label = `output[${r}, ${c}]`;
  }
  return { lines, label, out };
}

/** Writes a step's equation, result and caption into the animation's elements. */
export class EquationView {
  /** @param el {eq, resultLabel, result, sr}: the template's elements. */
  constructor(el) {
    this.el = el;
  }

  show(P, k, only = -1) {
    const { lines, label, out } = equation(P, k, only);
    this.el.eq.innerHTML = lines.map((l) => `<div class="cnv-eq-line">${l}</div>`).join("");
    this.el.resultLabel.textContent = label;
    this.el.result.textContent = out;
  }

  /** The aria-live caption: where the animation rests (not every played step). */
  announce(P, k) {
    this.el.sr.textContent = caption(P, k);
  }

  /** The caption while playing: from which step, and how to stop. */
  announcePlaying(P, k) {
    this.el.sr.textContent = `Playing from step ${k + 1} of ${P.n_steps}. Space pauses.`;
  }

  error(message) {
    this.el.eq.textContent = message;
  }
}

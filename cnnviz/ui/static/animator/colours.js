/*
 * Colours of the animation's cells: look-ups in the app's one diverging
 * palette, which Python sends once with the script (cnnviz.plots.display's
 * lookup table, see cnnviz/ui/animator.py), so the animation and the maps
 * share one set of colours. No DOM. A value that is not a finite number (NaN,
 * ±∞, max-pool padding) is drawn NEUTRAL, which also stands in for a missing
 * or malformed palette: a grey cell, never an exception.
 */

export const NEUTRAL = [190, 190, 190];
export const TINTS = { R: [255, 40, 40], G: [40, 210, 40], B: [60, 110, 255] };

export function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

export function finite(v) {
  return typeof v === "number" && Number.isFinite(v);
}

export function lerp(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function rgbCss(c) {
  return `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`;
}

/** Black or white text, whichever reads better on this fill. */
export function inkFor(c) {
  const lum = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
  return lum < 0.5 ? "#ffffff" : "#111111";
}

/** The palette if it is at least two finite [r, g, b] entries, else neutral. */
export function readPalette(stops) {
  const ok = Array.isArray(stops) && stops.length >= 2 && stops.every(
    (c) => Array.isArray(c) && c.length === 3 && c.every((v) => Number.isFinite(v)),
  );
  return ok ? stops : [NEUTRAL, NEUTRAL];
}

/**
 * t in [-1, 1] through the palette's evenly spaced entries. With the app's
 * lookup table (251 levels) this is the level the maps' PNGs use for t: the
 * nearest entry. With a few stops it interpolates between them. Never
 * throws: a NaN or infinite t (a huge value over a huge scale) is neutral.
 */
export function divergingRgb(t, stops) {
  if (!finite(t)) return NEUTRAL.slice();
  stops = readPalette(stops);
  if (stops.length > 32) {
    // A lookup table: its level, rounded half to even as NumPy's rint in
    // cnnviz.plots.display._diverging_index, so a cell is its map's colour.
    const half = (stops.length - 1) / 2;
    const y = clamp(t, -1, 1) * half + half;
    let k = Math.round(y);
    if (y - Math.floor(y) === 0.5 && k % 2 === 1) k -= 1;
    return stops[k].slice();
  }
  const x = (clamp(t, -1, 1) + 1) / 2 * (stops.length - 1);
  const i = clamp(Math.floor(x), 0, stops.length - 2);
  return lerp(stops[i], stops[i + 1], x - i);
}

/**
 * Where v lies between lo and hi, clamped to [0, 1]; null when it cannot be
 * said (a non-finite number, an empty scale). When hi - lo overflows to
 * Infinity (scales near ±1e308) everything is halved first.
 */
export function fraction(v, lo, hi) {
  if (!finite(v) || !finite(lo) || !finite(hi) || !(hi > lo)) return null;
  const t = finite(hi - lo) ? (v - lo) / (hi - lo) : (v / 2 - lo / 2) / (hi / 2 - lo / 2);
  return finite(t) ? clamp(t, 0, 1) : null;
}

/** Colour of a value on a payload scale; `tint` colours one image channel. */
export function scaleRgb(value, scale, tint) {
  if (!finite(value) || !scale) return NEUTRAL.slice();
  if (scale.kind === "div") {
    return finite(scale.hi) && scale.hi > 0
      ? divergingRgb(value / scale.hi, scale.palette || [NEUTRAL, NEUTRAL]) : NEUTRAL.slice();
  }
  const t = fraction(value, scale.lo, scale.hi);
  if (t === null) return NEUTRAL.slice();
  return tint ? [tint[0] * t, tint[1] * t, tint[2] * t] : [255 * t, 255 * t, 255 * t];
}

export function gradientCss(scale) {
  const stops = [];
  for (let i = 0; i <= 8; i += 1) {
    // lo·(1 − f) + hi·f, not lo + (hi − lo)·f, whose difference overflows near ±1e308.
    const f = i / 8;
    const v = scale.lo * (1 - f) + scale.hi * f;
    stops.push(rgbCss(scaleRgb(v, scale, null)));
  }
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

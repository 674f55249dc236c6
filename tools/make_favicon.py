"""Draw assets/favicon.png: the browser-tab icon, made for cnnviz (no icon font, no network).

A 5 × 5 grid of grey cells (an image) with a 3 × 3 window outlined in the
amber of the app's highlight: a kernel on its input. Run from the repository
root: ``.venv/bin/python tools/make_favicon.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 64
CELLS = 5
AMBER = (255, 176, 0, 255)  # the window colour of the figures and the animator
OUT = Path(__file__).resolve().parents[1] / "assets" / "favicon.png"


def draw() -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    g = ImageDraw.Draw(img)
    g.rounded_rectangle((0, 0, SIZE - 1, SIZE - 1), radius=10, fill=(33, 47, 61, 255))
    margin, gap = 6, 2
    cell = (SIZE - 2 * margin - (CELLS - 1) * gap) / CELLS
    for r in range(CELLS):
        for c in range(CELLS):
            level = int(70 + 185 * ((r + 2 * c) % 7) / 6)  # a fixed grey pattern
            x0, y0 = margin + c * (cell + gap), margin + r * (cell + gap)
            g.rectangle((round(x0), round(y0), round(x0 + cell), round(y0 + cell)),
                        fill=(level, level, level, 255))
    # The 3 × 3 window over the top-left cells.
    x0 = y0 = margin - 3
    x1 = y1 = margin + 3 * cell + 2 * gap + 3
    g.rectangle((x0, y0, round(x1), round(y1)), outline=AMBER, width=4)
    return img


if __name__ == "__main__":
    draw().save(OUT, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")

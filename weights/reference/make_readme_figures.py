"""Side-by-side figures for the README: blurred input | engine output (| sharp target), 8-bit PNGs.

  /usr/bin/python3 weights/reference/make_readme_figures.py OUT_PNG INPUT RESULT [TARGET]

Each panel is shown at its own pixels (nearest-neighbour 2x for images under 320 px tall) with a caption
strip above; nothing is resampled smoothly, so the figure shows what the engine wrote.
"""
import sys

from PIL import Image, ImageDraw

CAPTIONS = ["blurred input", "blurdm-java (shipped model)", "sharp target"]


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    out, paths = sys.argv[1], sys.argv[2:]
    panels = [Image.open(p).convert("RGB") for p in paths]
    h = max(p.height for p in panels)
    scale = 2 if h < 320 else 1
    panels = [p.resize((p.width * scale, p.height * scale), Image.NEAREST) for p in panels]
    gap, strip = 8, 22
    width = sum(p.width for p in panels) + gap * (len(panels) - 1)
    fig = Image.new("RGB", (width, strip + max(p.height for p in panels)), (255, 255, 255))
    draw = ImageDraw.Draw(fig)
    x = 0
    for p, caption in zip(panels, CAPTIONS):
        fig.paste(p, (x, strip))
        draw.text((x + 4, 5), caption, fill=(0, 0, 0))
        x += p.width + gap
    fig.save(out, optimize=True)
    print(f"wrote {out} ({fig.width}x{fig.height})")


if __name__ == "__main__":
    main()

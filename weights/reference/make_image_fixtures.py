#!/usr/bin/python3
"""Writes the EXIF-orientation fixtures for blurdm's image reader (ImagesExifTest).

    /usr/bin/python3 weights/reference/make_image_fixtures.py

Into blurdm/src/test/resources/fixtures/images/exif/:
  o<k>.jpg           the same stored 24x16 picture (3x2 blocks of 8x8 flat colours, quality 100,
                     4:4:4, so any decoder gives the colours within a level or two) tagged with EXIF
                     orientation k = 1..8
  o<k>.expected.png  what PIL's ImageOps.exif_transpose makes of it: the upright picture
  bad_exif.jpg       an APP1 "Exif" segment holding garbage: read as stored
"""
import os

from PIL import Image, ImageOps

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "blurdm", "src", "test", "resources",
                   "fixtures", "images", "exif")
COLOURS = [(230, 30, 30), (30, 200, 40), (20, 40, 220), (240, 220, 20), (200, 30, 220), (20, 210, 220)]


def stored():
    img = Image.new("RGB", (24, 16))
    for i, c in enumerate(COLOURS):
        bx, by = i % 3, i // 3
        for y in range(8):
            for x in range(8):
                img.putpixel((bx * 8 + x, by * 8 + y), c)
    return img


def main():
    os.makedirs(OUT, exist_ok=True)
    img = stored()
    for k in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = k
        path = os.path.join(OUT, f"o{k}.jpg")
        img.save(path, quality=100, subsampling=0, exif=exif.tobytes())
        upright = ImageOps.exif_transpose(Image.open(path))
        upright.save(os.path.join(OUT, f"o{k}.expected.png"))
        print(path, upright.size)
    # garbage where the TIFF header should be
    img.save(os.path.join(OUT, "bad_exif.jpg"), quality=100, subsampling=0, exif=b"Exif\x00\x00II*\x00\xff\xff\xff\x7f")


if __name__ == "__main__":
    main()

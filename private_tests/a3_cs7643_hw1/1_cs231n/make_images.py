"""Draw the stand-ins for kitten.jpg and puppy.jpg of layers.ipynb (instructors only; not a test).

    .venv/bin/python private_tests/a3_cs7643_hw1/1_cs231n/make_images.py

The course's photographs cannot be fetched here, so these are drawings with what the
notebook's aside needs: colour (the grayscale filter) and strong horizontal edges (the
edge filter); the kitten is wide (the notebook crops it square), the puppy square.
Replace them with any photographs of the same names.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parents[3]
OUT = REPO / "solutions" / "a3_cs7643_hw1" / "1_cs231n"


def background(size, top, bottom):
    """A vertical gradient from colour `top` to colour `bottom`."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for row in range(height):
        t = row / (height - 1)
        draw.line([(0, row), (width, row)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return image


def kitten():
    image = background((400, 300), (170, 200, 235), (90, 140, 80))
    draw = ImageDraw.Draw(image)
    fur, dark = (235, 150, 60), (120, 70, 30)
    draw.polygon([(130, 120), (150, 40), (195, 95)], fill=fur, outline=dark)    # ears
    draw.polygon([(270, 120), (250, 40), (205, 95)], fill=fur, outline=dark)
    draw.ellipse([115, 70, 285, 230], fill=fur, outline=dark, width=3)           # head
    for x in (165, 235):                                                          # eyes
        draw.ellipse([x - 16, 125, x + 16, 160], fill=(90, 170, 60))
        draw.ellipse([x - 5, 128, x + 5, 157], fill=(10, 10, 10))
    draw.polygon([(190, 178), (210, 178), (200, 190)], fill=(230, 120, 140))      # nose
    for dy in (-8, 0, 8):                                                         # whiskers
        draw.line([(185, 190), (110, 185 + dy)], fill=(40, 30, 20), width=2)
        draw.line([(215, 190), (290, 185 + dy)], fill=(40, 30, 20), width=2)
    for x in (150, 200, 250):                                                     # stripes
        draw.line([(x - 10, 85), (x + 10, 85)], fill=dark, width=4)
    return image.filter(ImageFilter.GaussianBlur(1))


def puppy():
    image = background((300, 300), (240, 225, 180), (200, 160, 110))
    draw = ImageDraw.Draw(image)
    fur, dark = (250, 245, 235), (90, 60, 40)
    draw.ellipse([55, 70, 245, 260], fill=fur, outline=dark, width=3)            # head
    draw.ellipse([30, 60, 95, 200], fill=dark)                                     # floppy ears
    draw.ellipse([205, 60, 270, 200], fill=dark)
    draw.ellipse([155, 110, 215, 170], fill=(170, 120, 80))                       # patch
    for x in (115, 185):                                                          # eyes
        draw.ellipse([x - 12, 130, x + 12, 154], fill=(30, 20, 10))
    draw.ellipse([125, 180, 175, 215], fill=(20, 20, 20))                         # nose
    draw.arc([110, 195, 190, 245], start=20, end=160, fill=(20, 20, 20), width=4)  # mouth
    draw.ellipse([138, 228, 162, 262], fill=(230, 90, 110))                       # tongue
    return image.filter(ImageFilter.GaussianBlur(1))


def main():
    kitten().save(OUT / "kitten.jpg", quality=90)
    puppy().save(OUT / "puppy.jpg", quality=90)


if __name__ == "__main__":
    main()

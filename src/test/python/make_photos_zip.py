#!/usr/bin/env python3
"""Makes a zip of real photographs of various sizes in the ImageFolder layout, from scikit-image's
sample data (Debian's python3-skimage; its images are public domain or CC0, see skimage.data).

    /usr/bin/python3 src/test/python/make_photos_zip.py <out.zip>

Two classes, as a team's own data would come:
- animal/chelsea.jpg      451x300 RGB JPEG (the cat)
- animal/horse.png        400x328 gray PNG (a silhouette)
- thing/astronaut.png     512x512 RGB PNG
- thing/hubble.jpg        640x480 RGB JPEG (a crop of the Hubble deep field)
- thing/coffee.png        600x400 RGB PNG with an alpha channel (alpha is dropped on import)
- thing/logo-palette.png  500x500 palette PNG (expanded to RGB on import)
"""
import io
import sys
import zipfile

import numpy as np
from PIL import Image
from skimage import data


def png(img, **options):
    b = io.BytesIO()
    img.save(b, format="PNG", **options)
    return b.getvalue()


def jpeg(img):
    b = io.BytesIO()
    img.save(b, format="JPEG", quality=90)
    return b.getvalue()


def main():
    horse = Image.fromarray(np.where(data.horse(), 255, 0).astype(np.uint8), mode="L")
    coffee = Image.fromarray(data.coffee()).convert("RGBA")
    alpha = np.full((coffee.height, coffee.width), 255, dtype=np.uint8)
    alpha[:, : coffee.width // 4] = 128
    coffee.putalpha(Image.fromarray(alpha, mode="L"))
    logo = Image.fromarray(data.logo()).convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=64)
    entries = {
        "animal/chelsea.jpg": jpeg(Image.fromarray(data.chelsea())),
        "animal/horse.png": png(horse),
        "thing/astronaut.png": png(Image.fromarray(data.astronaut())),
        "thing/hubble.jpg": jpeg(Image.fromarray(data.hubble_deep_field()[100:580, 100:740])),
        "thing/coffee.png": png(coffee),
        "thing/logo-palette.png": png(logo),
    }
    with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in entries.items():
            z.writestr(name, content)


if __name__ == "__main__":
    main()

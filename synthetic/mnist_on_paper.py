"""MNIST's own digits put on paper: picture files whose answer is known exactly.

    render(image, size, rng)                      # a PNG, dark on light, random margins
    render(image, size, rng, dark_on_light=False) # light on dark
    render(image, size, rng, photo=True)          # grey paper, uneven light, blur, noise, JPEG 75

Each digit's whole 28x28 frame is scaled to `size` px (bilinear unless `resample` says
otherwise) and laid in random margins of up to a frame on each side, so it sits anywhere in
the picture. benchmarks/bench_roundtrip.py and tests/test_roundtrip.py read them back.
"""
import io
import math

import numpy as np
from PIL import Image, ImageFilter


def render(image, size, rng, dark_on_light=True, photo=False, resample=Image.BILINEAR):
    """One MNIST digit [28, 28] in [0, 1] (white on black) -> a picture file's bytes."""
    frame = Image.fromarray(np.uint8(np.round(image * 255))).resize((size, size), resample)
    left, top, right, bottom = (int(v) for v in rng.integers(0, size + 1, 4))
    ink = np.zeros((size + top + bottom, size + left + right), np.float32)
    ink[top:top + size, left:left + size] = np.asarray(frame, np.float32) / 255.0
    buffer = io.BytesIO()
    if not photo:
        grey = 255.0 * (1.0 - ink if dark_on_light else ink)
        Image.fromarray(np.uint8(np.round(grey))).save(buffer, 'PNG')
        return buffer.getvalue()
    h, w = ink.shape
    paper = rng.uniform(150, 230) * rng.uniform(0.92, 1.0, 3)  # greyish, a little tinted
    pen = rng.uniform(10, 70, 3)
    if not dark_on_light:
        paper, pen = 255.0 - paper, 255.0 - pen
    yy, xx = np.mgrid[0:h, 0:w] / float(max(h, w))
    turn = rng.uniform(0, 2 * math.pi)
    light = 1.0 - rng.uniform(0.1, 0.35) * (np.cos(turn) * xx + np.sin(turn) * yy)
    rgb = (paper + (pen - paper) * ink[..., None]) * light[..., None]
    rgb += rng.normal(0, rng.uniform(2, 6), rgb.shape)
    im = Image.fromarray(np.uint8(np.clip(np.round(rgb), 0, 255)))
    im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0) * size / 112.0))
    im.save(buffer, 'JPEG', quality=75)
    return buffer.getvalue()

"""Makes the pictures the app is shown.

    python synthetic/make_pictures.py pic            # pic/0.png ... pic/9.png
    python synthetic/make_pictures.py photos DIR     # the evaluation set (not from MNIST)

pic/: for each digit d, the MNIST test image of d nearest to the mean of all
test images of d (the most typical one, not a hand-picked one), inverted
(dark on light), upscaled 10x with bicubic filtering and laid on a 300x300
off-white page: the kind of picture a student draws and crops.

photos: digits drawn here from pen strokes (per-digit stroke skeletons with
random shape jitter, slant and rotation; no MNIST pixel is used), in six
styles a student meets: phone photos (large, grey or beige paper, uneven
light, noise, blur, JPEG, ballpoint or marker, black/blue/green/red ink, some
with EXIF rotation), paint-program drawings with 1-2 px strokes on a big
canvas, thick strokes touching the border, chalk on a dark board, and odd
Pillow modes (RGBA with transparency, P, LA, I;16, CMYK). Deterministic: the
same seed gives the same files.
"""
import argparse
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def arc(cx, cy, rx, ry, start, end, n=24):
    """Points on an ellipse, angles in degrees, clockwise on screen (y grows down)."""
    t = np.radians(np.linspace(start, end, n))
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t)))


# Each digit: a few variants, each a list of strokes (polylines in a unit box, y down).
SKELETONS = {
    0: [[arc(0.5, 0.5, 0.32, 0.46, -90, 275)],
        [arc(0.5, 0.5, 0.28, 0.47, -100, 265)]],
    1: [[[(0.5, 0.03), (0.5, 0.97)]],
        [[(0.3, 0.25), (0.55, 0.03), (0.55, 0.97)]],
        [[(0.3, 0.25), (0.55, 0.03), (0.55, 0.97)], [(0.32, 0.97), (0.78, 0.97)]]],
    2: [[arc(0.5, 0.3, 0.3, 0.27, 190, 360) + [(0.75, 0.45), (0.18, 0.97), (0.85, 0.97)]],
        [arc(0.48, 0.3, 0.3, 0.27, 200, 380) + [(0.2, 0.95), (0.88, 0.93)]]],
    3: [[arc(0.5, 0.27, 0.28, 0.24, 200, 450) + arc(0.5, 0.72, 0.32, 0.25, -90, 160)]],
    4: [[[(0.62, 0.97), (0.62, 0.03), (0.12, 0.66), (0.88, 0.66)]],
        [[(0.3, 0.03), (0.18, 0.6), (0.85, 0.6)], [(0.68, 0.3), (0.68, 0.97)]]],
    5: [[[(0.82, 0.04), (0.3, 0.04), (0.24, 0.45)] + arc(0.5, 0.68, 0.32, 0.28, -135, 155)],
        [[(0.28, 0.06), (0.24, 0.45)] + arc(0.5, 0.68, 0.32, 0.28, -135, 155),
         [(0.28, 0.06), (0.82, 0.04)]]],
    6: [[arc(0.62, 0.5, 0.4, 0.46, -70, -180) + arc(0.5, 0.7, 0.3, 0.26, 180, 540)],
        [[(0.7, 0.03), (0.28, 0.55)] + arc(0.5, 0.72, 0.28, 0.25, 200, 560)]],
    7: [[[(0.12, 0.04), (0.88, 0.04), (0.4, 0.97)]],
        [[(0.12, 0.08), (0.88, 0.04), (0.42, 0.97)], [(0.35, 0.5), (0.8, 0.5)]]],
    8: [[arc(0.5, 0.27, 0.24, 0.23, 90, 450) + arc(0.5, 0.73, 0.3, 0.25, -90, 270)],
        [arc(0.5, 0.26, 0.22, 0.22, 120, 480) + arc(0.5, 0.72, 0.31, 0.26, -60, 300)]],
    9: [[arc(0.48, 0.3, 0.28, 0.26, 0, 360) + [(0.76, 0.3), (0.66, 0.97)]],
        [arc(0.5, 0.3, 0.28, 0.26, 10, 370) + arc(0.3, 0.3, 0.48, 0.66, 0, 90)]],
}


def draw_digit(rng, digit, size, width, ink, paper, margin=0.18):
    """Draws `digit` on a square page of `size` px: random skeleton variant, jitter, slant,
    rotation; returns an RGB image."""
    strokes = SKELETONS[digit][rng.integers(len(SKELETONS[digit]))]
    slant = rng.uniform(-0.25, 0.15)
    squash = rng.uniform(0.75, 1.05)
    angle = math.radians(rng.uniform(-10, 10))
    box = size * (1 - 2 * margin)
    page = Image.new('RGB', (size, size), paper)
    pen = ImageDraw.Draw(page)
    for stroke in strokes:
        points = []
        for x, y in stroke:
            x, y = x + rng.normal(0, 0.015), y + rng.normal(0, 0.015)
            # About the centre: narrow (digits are taller than wide), slant, then rotate.
            x, y = (x - 0.5) * squash * 0.7 + slant * (0.5 - y), y - 0.5
            cos, sin = math.cos(angle), math.sin(angle)
            x, y = x * cos - y * sin, x * sin + y * cos
            points.append((size / 2 + x * box, size / 2 + y * box))
        pen.line(points, fill=ink, width=max(1, int(width)), joint='curve')
        if width > 3:
            r = width / 2.0
            for px, py in (points[0], points[-1]):
                pen.ellipse([px - r, py - r, px + r, py + r], fill=ink)
    return page


INKS = {'black': (25, 25, 30), 'blue': (30, 50, 160), 'green': (20, 110, 60), 'red': (185, 35, 35)}
PAPERS = {'white': (246, 246, 244), 'grey': (196, 198, 200), 'beige': (232, 220, 192)}


def photo(rng, digit):
    """A phone photo of a digit on paper: big, uneven light, noise, blur, JPEG."""
    side = int(rng.integers(900, 3000))
    ink = list(INKS.values())[rng.integers(len(INKS))]
    paper = list(PAPERS.values())[rng.integers(len(PAPERS))]
    width = side * (0.64) * rng.choice([0.02, 0.04, 0.09])  # ballpoint ... marker
    page = np.asarray(draw_digit(rng, digit, side, width, ink, paper,
                                 margin=rng.uniform(0.12, 0.3)), dtype=np.float32)
    return as_photographed(rng, page, (0.15, 0.4), (3, 9), (0.5, 2.5))


def as_photographed(rng, rgb, light, noise, blur):
    """A page [H, W, 3] as a phone sees it: light falling off across it by a share drawn from
    `light`, noise of a standard deviation `noise` (or drawn from that range), blur of a
    radius drawn from `blur`. Returns a PIL image."""
    h, w, _ = rgb.shape
    yy, xx = np.mgrid[0:h, 0:w] / float(max(h, w))
    direction = rng.uniform(0, 2 * math.pi)
    falloff = 1.0 - rng.uniform(*light) * (np.cos(direction) * xx + np.sin(direction) * yy)
    sd = rng.uniform(*noise) if isinstance(noise, tuple) else noise
    rgb = rgb * falloff[..., None] + rng.normal(0, sd, rgb.shape)
    im = Image.fromarray(np.uint8(np.clip(rgb, 0, 255)))
    return im.filter(ImageFilter.GaussianBlur(rng.uniform(*blur)))


def paint_thin(rng, digit):
    side = int(rng.integers(600, 1400))
    return draw_digit(rng, digit, side, rng.integers(1, 3), (0, 0, 0), (255, 255, 255),
                      margin=rng.uniform(0.15, 0.35))


def paint_thick(rng, digit):
    side = int(rng.integers(300, 600))
    return draw_digit(rng, digit, side, side * rng.uniform(0.1, 0.14), (0, 0, 0),
                      (255, 255, 255), margin=0.07)


def chalk(rng, digit):
    side = int(rng.integers(400, 900))
    im = draw_digit(rng, digit, side, side * 0.05, (235, 235, 225), (40, 60, 50))
    noisy = np.asarray(im, np.float32) + rng.normal(0, 8, (side, side, 3))
    return Image.fromarray(np.uint8(np.clip(noisy, 0, 255))).filter(ImageFilter.GaussianBlur(1))


def save_photo(im, path, rng):
    """JPEG like a phone's, half of them stored sideways with an EXIF orientation tag."""
    exif = Image.Exif()
    if rng.random() < 0.5:
        im = im.transpose(Image.ROTATE_90)  # pixels stored turned left ...
        exif[0x0112] = 6                    # ... and the tag says: turn right to view
    im.save(path, 'JPEG', quality=int(rng.integers(70, 92)), exif=exif.tobytes())


def save_mode(im, path, digit):
    """Paint-program files in Pillow's other modes."""
    mode = ['RGBA', 'P', 'LA', 'I;16', 'CMYK'][digit % 5]
    if mode == 'RGBA':  # ink on a transparent page
        grey = np.asarray(im.convert('L'))
        rgba = np.zeros(grey.shape + (4,), np.uint8)
        rgba[..., 3] = 255 - grey
        Image.fromarray(rgba).save(path + '.png')
    elif mode == 'I;16':
        grey = np.asarray(im.convert('L'), np.uint16) * 257
        Image.fromarray(grey).save(path + '.png')
    elif mode == 'CMYK':
        im.convert('CMYK').save(path + '.jpg', quality=90)
    else:
        im.convert(mode).save(path + '.png')


def make_photos(folder, seed=2026):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    for digit in range(10):
        for k in range(2):
            save_photo(photo(rng, digit), os.path.join(folder, 'photo%d_%d.jpg' % (k, digit)), rng)
        paint_thin(rng, digit).save(os.path.join(folder, 'thin_%d.png' % digit))
        paint_thick(rng, digit).save(os.path.join(folder, 'thick_%d.png' % digit))
        chalk(rng, digit).save(os.path.join(folder, 'chalk_%d.jpg' % digit), quality=85)
        save_mode(paint_thick(rng, digit), os.path.join(folder, 'mode_%d' % digit), digit)
    return sorted(os.listdir(folder))


def label_of(filename):
    """photo0_7.jpg -> 7: every evaluation file name ends in its digit."""
    return int(os.path.splitext(filename)[0].split('_')[-1])


def make_pic(folder):
    import input_data
    mnist = input_data.read_data_sets(os.path.join(ROOT, 'data'), dtype=np.uint8, reshape=False)
    labels = mnist.test.labels
    images = mnist.test.images.reshape(len(labels), -1).astype(np.float32)
    for digit in range(10):
        # The most typical test image of the digit: the nearest to the digit's mean image.
        members = np.flatnonzero(labels == digit)
        mean = images[members].mean(axis=0)
        index = int(members[np.argmin(((images[members] - mean) ** 2).sum(axis=1))])
        digit_im = Image.fromarray(255 - mnist.test.images[index, :, :, 0])
        digit_im = digit_im.resize((280, 280), Image.BICUBIC)
        page = Image.new('L', (300, 300), 250)
        page.paste(digit_im, (10, 10))
        page.convert('RGB').save(os.path.join(folder, '%d.png' % digit))
        print('%d.png: MNIST test image %d' % (digit, index))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('what', choices=['pic', 'photos'])
    parser.add_argument('folder', nargs='?', default=os.path.join(ROOT, 'pic'))
    args = parser.parse_args()
    if args.what == 'pic':
        make_pic(args.folder)
    else:
        print('\n'.join(make_photos(args.folder)))


if __name__ == '__main__':
    main()

"""Realistic numbers written with MNIST's test digits: what `--number` is measured on.

    python synthetic/mnist_numbers.py DIR          # 200 numbers of 2-8 digits
    python synthetic/mnist_numbers.py DIR --count 400 --seed 3
    python synthetic/mnist_numbers.py DIR --count 100 --seed 6 --extras small
    python synthetic/mnist_numbers.py DIR --count 100 --seed 7 --extras word

Each picture is a number of 2 to 8 MNIST test digits (none used twice in a set), each
scaled to its own height around a common one, on a wavering baseline, with gaps drawn from
wide to touching and overlapping; and, in some, what real pages add: a margin line beside
the number, a ruled line under it, a box around it, specks, a decimal point (not a digit: the
answer leaves it out), a row on a slant; or (--extras small, a set of its own) one digit
written small, as a small 0 inside a number often is; or (--extras word) a unit or a word set
in type (Pillow's own font) before or after it, which the answer leaves out. Then it is
photographed: paper, ink, light, blur, noise, JPEG. The file name holds the answer:
<k>_<digits>_<what was added>.jpg. Deterministic: the same --seed gives the same files. (The
training images are never used.)
"""
import argparse
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

EXTRAS = ('plain', 'touching', 'margin', 'ruled', 'box', 'specks', 'point', 'slant')
SMALL = 'small'  # one digit written small (45-70% of the others): a set of its own
WORD = 'word'    # a unit or a word set in type beside the number: a set of its own
WORDS = ('cm', 'kg', 'mm', 'km', 'x', 'No', 'Rs', 'h', 'min', 'm', 'USD', 'EUR', 'kcal', 'ml',
         'ft', 'in', 'yen', 'pcs', 'Nr', 'mph', 'kW', 'A', 'V', 'g', 'cal', 'sec', 'pts', 'N')


def number_picture(rng, images, extra):
    """(RGB picture, its answer): the MNIST digits `images` [(image [28, 28], label)] written
    as one number, with `extra` (one of EXTRAS) added."""
    height = rng.uniform(40, 110)  # the digits' height in px, as the picture shows them
    pieces, x = [], 0.0
    point_at = int(rng.integers(1, len(images))) if extra == 'point' else None
    small_at = int(rng.integers(len(images))) if extra == SMALL else None
    for k, (image, _) in enumerate(images):
        h = height * rng.uniform(0.85, 1.15)
        if k == small_at:  # one digit written small, sitting on the baseline or centred
            h = height * rng.uniform(0.45, 0.7)
        scale = h / 20.0  # MNIST's digits are 20 px tall in their frames
        digit = Image.fromarray(np.uint8(image * 255)).resize(
            (int(round(28 * scale)), int(round(28 * scale))), Image.BILINEAR)
        ink = np.asarray(digit, np.float32) / 255.0
        cols = np.flatnonzero(ink.max(axis=0) > 0.1)
        ink = ink[:, cols[0]:cols[-1] + 1]
        if k == point_at:  # a decimal point before this digit
            pieces.append(('point', x + 0.15 * height, 0.0))
            x += 0.45 * height
        if extra == 'touching':
            gap = rng.uniform(-0.15, 0.02) * height
        else:
            gap = rng.uniform(0.05, 0.45) * height
        dy = rng.normal(0, 0.05) * height
        if k == small_at and rng.random() < 0.5:
            dy += (height - h) / 2.0
        pieces.append((ink, x, dy))
        x += ink.shape[1] + gap
    margin = int(height)
    word, room, start = None, 0, margin  # the number's left end, right of a word before it
    if extra == WORD:
        word = WORDS[int(rng.integers(len(WORDS)))]
        font = ImageFont.load_default(size=max(8, int(height * rng.uniform(0.9, 1.3))))
        wx0, _, wx1, wy1 = font.getbbox(word)
        gap = int(height * rng.uniform(0.3, 0.7))
        room = wx1 - wx0 + gap
        before = rng.random() < 0.35
        start += room if before else 0
    w, h = int(x + 2 * margin + room), int(2.2 * height + 2 * margin)
    page = np.zeros((h, w), np.float32)
    base = margin + 0.6 * height
    for ink, at, dy in pieces:
        if isinstance(ink, str):
            continue
        top = int(base + dy - ink.shape[0] / 2.0)
        left = int(start + at)
        region = page[top:top + ink.shape[0], left:left + ink.shape[1]]
        np.maximum(region, ink[:region.shape[0], :region.shape[1]], out=region)
    im = Image.fromarray(np.uint8(page * 255))
    pen = ImageDraw.Draw(im)
    stroke = max(2, int(height * 0.1))
    bottom = base + 0.55 * height
    for ink, at, dy in pieces:
        if isinstance(ink, str):  # the point, on the baseline
            r = stroke * 0.8
            cx, cy = start + at, bottom - r
            pen.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
    if word:  # set in type, on the baseline, before or after the number
        pen.text((margin - wx0 if before else start + x + gap - wx0, bottom - wy1), word,
                 font=font, fill=255)
    if extra == 'margin':
        left = margin * rng.uniform(0.3, 0.8) if rng.random() < 0.5 else w - margin * 0.5
        pen.line([(left, 0), (left + rng.uniform(-4, 4), h)], fill=255,
                 width=max(1, int(stroke * rng.uniform(0.3, 1.0))))
    elif extra == 'ruled':
        y = bottom + rng.uniform(0.02, 0.12) * height
        pen.line([(0, y), (w, y + rng.uniform(-3, 3))], fill=255,
                 width=max(1, int(stroke * rng.uniform(0.2, 0.6))))
    elif extra == 'box':
        pad = rng.uniform(0.2, 0.5) * height
        pen.rectangle([margin - pad, base - 0.55 * height - pad, w - margin + pad, bottom + pad],
                      outline=255, width=max(1, int(stroke * rng.uniform(0.3, 0.8))))
    elif extra == 'specks':
        for _ in range(int(rng.integers(3, 12))):
            r = rng.uniform(0.5, 2.5)
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            pen.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
    if extra == 'slant':
        im = im.rotate(rng.uniform(8, 20) * rng.choice([-1, 1]), Image.BILINEAR, expand=True)
    return photographed(rng, np.asarray(im, np.float32) / 255.0), ''.join(
        str(label) for _, label in images)


def photographed(rng, ink):
    """Ink [H, W] in [0, 1] -> an RGB picture: paper and ink of random shades, light falling
    off, a little blur and noise."""
    h, w = ink.shape
    paper = rng.uniform(170, 250) * rng.uniform(0.92, 1.0, 3)
    pen = rng.uniform(10, 90, 3)
    yy, xx = np.mgrid[0:h, 0:w] / float(max(h, w))
    turn = rng.uniform(0, 2 * math.pi)
    light = 1.0 - rng.uniform(0.0, 0.3) * (np.cos(turn) * xx + np.sin(turn) * yy)
    rgb = (paper + (pen - paper) * ink[..., None]) * light[..., None]
    rgb += rng.normal(0, rng.uniform(1, 5), rgb.shape)
    im = Image.fromarray(np.uint8(np.clip(rgb, 0, 255)))
    return im.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 1.2)))


def make(folder, count=200, seed=5, data_dir=None, extras=EXTRAS):
    """Writes `count` numbers into `folder`, each with the next of `extras` added; returns
    [(path, answer)]."""
    import input_data
    test = input_data.read_data_sets(data_dir or os.path.join(ROOT, 'data')).test
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(test.images))
    os.makedirs(folder, exist_ok=True)
    made, used = [], 0
    for k in range(count):
        n = int(rng.integers(2, 9))
        if used + n > len(order):
            break
        digits = [(test.images[i].reshape(28, 28), int(test.labels[i]))
                  for i in order[used:used + n]]
        used += n
        extra = extras[k % len(extras)]
        im, answer = number_picture(rng, digits, extra)
        path = os.path.join(folder, '%03d_%s_%s.jpg' % (k, answer, extra))
        im.save(path, quality=int(rng.integers(75, 95)))
        made.append((path, answer))
    return made


def answer_of(filename):
    """'012_3141_point.jpg' -> '3141'."""
    return os.path.basename(filename).split('_')[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('folder')
    parser.add_argument('--count', type=int, default=200)
    parser.add_argument('--seed', type=int, default=5)
    parser.add_argument('--extras', nargs='+', default=list(EXTRAS),
                        choices=list(EXTRAS) + [SMALL, WORD], help='what is added, in turn')
    args = parser.parse_args()
    made = make(args.folder, args.count, args.seed, extras=args.extras)
    print('%d numbers written to %s' % (len(made), args.folder))


if __name__ == '__main__':
    main()

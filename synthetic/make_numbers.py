"""Makes the numbers `mnist_app.py --number` is shown, drawn from the same pen strokes as
py's digits (no MNIST pixel is used).

    python synthetic/make_numbers.py DIR     # 48 numbers of 2-6 digits, four styles

Each number has digits of uneven heights, baselines and gaps, some a wide gap inside, dust
specks, an underline or a line struck through; in a quarter of them one or two pairs of
neighbouring digits touch. Deterministic: the same seed gives the same files.
"""
import argparse
import os

import numpy as np
from PIL import Image

from make_pictures import INKS, PAPERS, as_photographed, draw_digit, save_photo


def coverage(rng, digit, height, width):
    """How much ink covers each pixel of a `height`-tall box holding `digit`: [h, w] in [0, 1],
    cropped to the digit."""
    im = draw_digit(rng, digit, height, width, (255, 255, 255), (0, 0, 0), margin=0.02)
    c = np.asarray(im.convert('L'), np.float32) / 255.0
    cols = np.flatnonzero(c.max(axis=0) > 0.05)
    return c[:, cols[0]:cols[-1] + 1] if len(cols) else c


NUMBER_STYLES = ('photo', 'thin', 'thick', 'chalk')


def number_picture(rng, text, style, touching=False, line=None, specks=0):
    """A picture of the number `text` drawn from pen strokes: digits of uneven heights,
    baselines and gaps (touching: one or two pairs of neighbours overlap), an optional ruled
    `line` ('under' or 'through') and dust `specks`, in one of NUMBER_STYLES. Returns a PIL
    image."""
    height = {'photo': 220, 'thin': 120, 'thick': 90, 'chalk': 150}[style]
    pen = {'photo': height * rng.choice([0.05, 0.08, 0.11]), 'thin': 2, 'thick': height * 0.13,
           'chalk': height * 0.08}[style]
    digits = []
    for ch in text:
        h = int(height * rng.uniform(0.85, 1.15))
        digits.append((coverage(rng, int(ch), h, max(1, int(pen * h / height))), h))
    gaps = [rng.uniform(0.12, 0.6) * height for _ in text]
    if touching:  # one pair of neighbours touches (two pairs in longer numbers)
        pairs = rng.choice(np.arange(1, len(text)), 1 + (len(text) >= 5), replace=False)
        for k in pairs:
            gaps[k] = -rng.uniform(0.02, 0.08) * height
    if not touching and len(text) > 2 and rng.random() < 0.3:
        gaps[int(rng.integers(1, len(text) - 1))] += height * 0.9  # a wide gap inside
    margin = int(height * 0.5)
    total = int(sum(c.shape[1] for c, _ in digits) + sum(gaps[1:]) + 2 * margin)
    page = np.zeros((int(height * 1.6) + 2 * margin, max(total, 2 * margin + 10)), np.float32)
    x = float(margin)
    base = margin + height * 1.3
    for k, (c, h) in enumerate(digits):
        if k:
            x += gaps[k]
        top = int(base - h + rng.uniform(-0.06, 0.06) * height)
        xi = int(x)
        region = page[top:top + c.shape[0], xi:xi + c.shape[1]]
        np.maximum(region, c[:region.shape[0], :region.shape[1]], out=region)
        x += c.shape[1]
    thickness = max(1, int(pen * 0.8))
    if line == 'under':
        y = int(base + height * 0.08)
        page[y:y + thickness, margin // 2:-margin // 2] = 1.0
    elif line == 'through':
        y = int(base - height * 0.45)
        page[y:y + thickness, margin // 3:-margin // 3] = 1.0
    for _ in range(specks):
        y, x = int(rng.integers(0, page.shape[0] - 3)), int(rng.integers(0, page.shape[1] - 3))
        page[y:y + 2, x:x + 2] = 1.0
    ink = np.array(list(INKS.values())[rng.integers(len(INKS))] if style == 'photo'
                   else (235, 235, 225) if style == 'chalk' else (0, 0, 0), np.float32)
    paper = np.array(list(PAPERS.values())[rng.integers(len(PAPERS))] if style == 'photo'
                     else (40, 60, 50) if style == 'chalk' else (255, 255, 255), np.float32)
    rgb = paper * (1 - page[..., None]) + ink * page[..., None]
    if style in ('photo', 'chalk'):
        return as_photographed(rng, rgb, (0.1, 0.3), 6, (0.5, 1.5))
    return Image.fromarray(np.uint8(np.clip(rgb, 0, 255)))


def make_numbers(folder, count=48, seed=7):
    """`count` number pictures (2 to 6 digits), every style, a quarter with touching digits,
    some with lines and specks; file names `<style>_<k>_<number>[_touching].<ext>`."""
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    names = []
    for k in range(count):
        style = NUMBER_STYLES[k % len(NUMBER_STYLES)]
        text = ''.join(str(d) for d in rng.integers(0, 10, int(rng.integers(2, 7))))
        touching = (k // 4) % 4 == k % 4  # a quarter, spread over the styles
        line = [None, None, 'under', 'through'][int(rng.integers(4))] if not touching else None
        im = number_picture(rng, text, style, touching, line, specks=int(rng.integers(0, 6)))
        name = '%s_%02d_%s%s' % (style, k, text, '_touching' if touching else '')
        if style == 'photo':
            name += '.jpg'
            save_photo(im, os.path.join(folder, name), rng)
        else:
            name += '.png'
            im.save(os.path.join(folder, name))
        names.append(name)
    return names


def number_of(filename):
    """photo_03_2026_touching.jpg -> '2026'."""
    return os.path.splitext(filename)[0].split('_')[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('folder')
    print('\n'.join(make_numbers(parser.parse_args().folder)))


if __name__ == '__main__':
    main()

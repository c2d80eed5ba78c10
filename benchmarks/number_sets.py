"""The sets of numbers that --number is measured on, besides those synthetic/ writes: the real
ones of ../shared/numbers_dev, and the MNIST-made ones made tiny or cropped tight."""
import os

import numpy as np
from PIL import Image

from common import ROOT

REAL_NUMBERS = os.path.join(os.path.dirname(ROOT), 'shared', 'numbers_dev')  # never copied in
TINY = 84  # px: the MNIST-made numbers shrunk to this height (their digits about 20 px tall)


def real_numbers(folder=REAL_NUMBERS):
    """The real handwritten numbers of ../shared/numbers_dev (never copied into the project):
    {'one row': [(path, label)], 'two rows': [...]}, the label the file name's prefix; the
    pictures SOURCES.tsv notes as two rows counted apart. None when the folder is absent."""
    if not os.path.isdir(folder):
        return None
    two = set()
    with open(os.path.join(folder, 'SOURCES.tsv')) as f:
        for line in f.read().splitlines()[1:]:
            cells = line.split('\t')
            if len(cells) > 6 and cells[6].startswith('two rows'):
                two.add(cells[0])
    sets = {'one row': [], 'two rows': []}
    for name in sorted(os.listdir(folder)):
        if name[0].isdigit() and name.lower().endswith(('.png', '.jpg', '.jpeg')):
            sets['two rows' if name in two else 'one row'].append(
                (os.path.join(folder, name), name.split('_')[0]))
    return sets


def tiny(made, folder, height=TINY):
    """The MNIST-made numbers `made` [(path, answer)] shrunk to `height` px high, as PNG in
    `folder`: a thumbnail, or a number cropped tight from a small scan (mnist_numbers draws a
    picture about 4.2 times as tall as its digits)."""
    os.makedirs(folder, exist_ok=True)
    items = []
    for path, answer in made:
        im = Image.open(path).convert('RGB')
        small = os.path.join(folder, os.path.basename(path)[:-4] + '.png')
        im.resize((max(1, round(im.width * height / im.height)), height), Image.LANCZOS).save(small)
        items.append((small, answer))
    return items


def cropped(made, folder, seed=3):
    """The MNIST-made numbers `made` [(path, answer)] cropped to their ink, 5-30% of its
    height left around it (seeded), as a user crops a number from a page: a margin line or a
    box then runs from edge to edge of the crop, a little taller than the digits (a cell's
    side). A line down the whole picture does not set the crop's top and bottom."""
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    items = []
    for path, answer in made:
        im = Image.open(path).convert('RGB')
        grey = np.asarray(im.convert('L'), np.float32)
        dark = grey < np.median(grey) - 40
        line = dark.mean(axis=0) > 0.6
        rows = np.flatnonzero(dark[:, ~line].sum(axis=1) > 1)
        cols = np.flatnonzero(dark[rows[0]:rows[-1] + 1].sum(axis=0) > 1)
        room = lambda: int(rng.uniform(0.05, 0.3) * (rows[-1] - rows[0]))  # noqa: E731
        crop = os.path.join(folder, os.path.basename(path)[:-4] + '.png')
        im.crop((max(0, cols[0] - room()), max(0, rows[0] - room()),
                 min(im.width, cols[-1] + room()), min(im.height, rows[-1] + room()))).save(crop)
        items.append((crop, answer))
    return items

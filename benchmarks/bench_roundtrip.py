"""MNIST's own digits put on paper and read back: what the app's normalisation costs.

    python benchmarks/bench_roundtrip.py                      # every 5th test digit (2000)
    python benchmarks/bench_roundtrip.py --split validation   # the trainers' held-out 5000, to tune on
    python benchmarks/bench_roundtrip.py --filter nearest     # frames scaled another way
    python benchmarks/bench_roundtrip.py --steps              # where the points went: the
                                                              # normalisation as it was, one step changed at a time

Each digit's 28x28 frame is drawn at a size, in random margins (synthetic/mnist_on_paper.py),
written as a PNG (the photo-like copy as a JPEG) and read back through pre_pic, as the app
reads a file. The table gives the digits read right beside the network's own accuracy on
the raw arrays, for both networks, and the time pre_pic takes per picture; then real digits:
60 drawn and photographed (synthetic/make_pictures.py photos), 200 drawn in many hands
(bench_augment.py's), and the digits of ../shared/numbers_dev cut from the original pictures
by the boxes --number finds (with LeNet-5) in the numbers it reads at the right length.
Uses model/ and model/lenet5/ (or --mlp_dir, --lenet5_dir) and MNIST from data/ (or
MNIST_MIRROR).
"""
import argparse
import io
import os
import tempfile
import time

import numpy as np
from PIL import Image

from common import ROOT, tf1
import bench_augment
import input_data
import make_pictures
import mnist_app
import mnist_on_paper
import normalise_before
import number_sets
from mnist_lib import digits as digit_finder
from mnist_lib import judge as judge_lib
from mnist_lib import picture
from mnist_lib import recognise

SIZES = (28, 40, 56, 112, 280)
FILTERS = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC,
           'lanczos': Image.LANCZOS, 'box': Image.BOX}
# --steps: the normalisation as it was (normalise_before.py), then one step changed at a time.
CHANGES = [('as it was', {})] + [
    ('%s: %s' % (step, variant), {step: variant})
    for step, variants in normalise_before.STEPS.items() for variant in variants[1:]]


def renderings(sizes, resample, both=True):
    """(name, keyword arguments of mnist_on_paper.render) for each kind of picture."""
    kinds = []
    for size in sizes:
        kinds.append(('%d px, dark on light' % size, dict(size=size, resample=resample)))
        if both:
            kinds.append(('%d px, light on dark' % size,
                          dict(size=size, dark_on_light=False, resample=resample)))
    kinds.append(('112 px photo-like JPEG', dict(size=112, photo=True, resample=resample)))
    return kinds


def mnist_digits(split, every):
    """(images [N, 28, 28], labels [N]) of MNIST's test set or the trainers' validation set."""
    mnist = input_data.read_data_sets(os.path.join(ROOT, 'data'))
    data = getattr(mnist, split)
    return data.images[::every].reshape(-1, 28, 28), data.labels[::every]


def numbers_dev_digits(cutter, folder):
    """The digits of ../shared/numbers_dev's one-row numbers that `cutter` reads at the right
    length, cut from the pictures by its boxes with a margin of 15% of their height (never
    into a neighbour's box), as PNGs in `folder`: [(path, digit)]. A picture stored sideways
    is turned upright first."""
    real = number_sets.real_numbers()
    if real is None or cutter is None:
        return []
    sideways = set()
    with open(os.path.join(number_sets.REAL_NUMBERS, 'SOURCES.tsv')) as f:
        sideways = {line.split('\t')[0] for line in f if 'stored sideways' in line}
    items, judge = [], judge_lib.Judge()
    for path, truth in real['one row']:
        rgb = picture.load(path, max_side=digit_finder.WORK_SIDE)
        if os.path.basename(path) in sideways:
            rgb = np.ascontiguousarray(np.rot90(rgb))
        buffer = io.BytesIO()
        Image.fromarray(np.uint8(np.round(rgb * 255))).save(buffer, 'PNG')
        try:
            reading = recognise.read(buffer.getvalue(), cutter, number=True, judge=judge)
        except picture.PictureError:
            continue
        if len(reading.digits) != len(truth):
            continue
        for k, (x0, y0, x1, y1) in enumerate(reading.boxes):
            margin = int(round(0.15 * (y1 - y0)))
            left, right = x0 - margin, x1 + margin
            for j, (a0, b0, a1, b1) in enumerate(reading.boxes):
                if j != k and b0 < y1 and b1 > y0:  # a neighbour in the same row
                    left = max(left, (a1 + x0) // 2) if a1 <= x0 else left
                    right = min(right, (a0 + x1 + 1) // 2) if a0 >= x1 else right
            crop = rgb[max(0, y0 - margin):y1 + margin, max(0, left):right]
            name = os.path.join(folder, '%s_%d.png' % (os.path.splitext(os.path.basename(path))[0], k))
            Image.fromarray(np.uint8(np.round(crop * 255))).save(name)
            items.append((name, int(truth[k])))
    return items


def real_digits(folder, cutter):
    """{set name: [(path, digit)]}: the real digits the table shows."""
    for sub in ('photos', 'drawn', 'numbers_dev'):
        os.makedirs(os.path.join(folder, sub))
    photos = os.path.join(folder, 'photos')
    return {
        'drawn and photographed (make_pictures)': [
            (os.path.join(photos, n), make_pictures.label_of(n))
            for n in make_pictures.make_photos(photos)],
        'drawn in many hands (bench_augment)': bench_augment.drawn_set(
            os.path.join(folder, 'drawn'), 20),
        'numbers_dev digits, cut out': numbers_dev_digits(cutter,
                                                          os.path.join(folder, 'numbers_dev'))}


def read_back(files, read=picture.pre_pic):
    """The inputs [1, 784] that `read` gives for each picture (None where it refuses one),
    and the seconds per picture."""
    inputs, started = [], time.perf_counter()
    for data in files:
        try:
            inputs.append(read(data))
        except picture.PictureError:
            inputs.append(None)
    return inputs, (time.perf_counter() - started) / len(files)


def right(model, inputs, labels):
    """How many of `inputs` (None: refused, counted wrong) the model reads as their label."""
    kept = [k for k, a in enumerate(inputs) if a is not None]
    if not kept:
        return 0
    predicted = model.predict(np.concatenate([inputs[k] for k in kept])).argmax(axis=1)
    return int((predicted == np.asarray(labels)[kept]).sum())


def cells(models, inputs, labels):
    return ['%d (%.2f%%)' % (n, 100.0 * n / len(labels))
            for n in (right(m, inputs, labels) for m in models.values())]


def table(models, mnist, real, kinds, seed):
    """The round trip with today's normalisation: a row per kind of picture."""
    images, labels = mnist
    print('\n| picture | ' + ' | '.join(models) + ' | ms per picture |')
    print('|---|' + '---|' * (len(models) + 1))
    raw = [a.reshape(1, 784) for a in images]
    print('| the 28x28 arrays (%d) | %s | |' % (len(labels), ' | '.join(cells(models, raw, labels))))
    for name, kwargs in kinds:
        rng = np.random.default_rng([seed, kwargs['size'], len(name)])
        files = [mnist_on_paper.render(image, rng=rng, **kwargs) for image in images]
        inputs, secs = read_back(files)
        print('| %s | %s | %.1f |' % (name, ' | '.join(cells(models, inputs, labels)),
                                      1000 * secs), flush=True)
    for name, items in real.items():
        inputs, secs = read_back([p for p, _ in items])
        print('| %s (%d) | %s | %.1f |' % (name, len(items), ' | '.join(
            cells(models, inputs, [d for _, d in items])), 1000 * secs), flush=True)


def steps(models, mnist, real, kinds, seed):
    """Where the points went: the normalisation as it was, one step changed at a time, and
    today's. Each cell: MLP / LeNet-5 digits read right."""
    images, labels = mnist
    files = {}
    for name, kwargs in kinds:
        rng = np.random.default_rng([seed, kwargs['size'], len(name)])
        files[name] = ([mnist_on_paper.render(image, rng=rng, **kwargs) for image in images],
                       labels)
    for name, items in real.items():
        files[name] = ([p for p, _ in items], [d for _, d in items])
    raw = [a.reshape(1, 784) for a in images]
    print('\nDigits read right, %s. MNIST (%d digits): the 28x28 arrays %s.\n' % (
        ' / '.join(models), len(labels), ' / '.join(
            str(right(m, raw, labels)) for m in models.values())))
    print('| normalisation | ' + ' | '.join('%s (%d)' % (k, len(v[1])) for k, v in files.items())
          + ' |')
    print('|---|' + '---|' * len(files))
    ways = [(name, lambda s, c=change: normalise_before.pre_pic(s, **c)) for name, change in CHANGES]
    ways.append(('**now** (picture.pre_pic)', picture.pre_pic))
    for name, read in ways:
        row = []
        for sources, truth in files.values():
            inputs, _ = read_back(sources, read)
            row.append(' / '.join(str(right(m, inputs, truth)) for m in models.values()))
        print('| %s | %s |' % (name, ' | '.join(row)), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--split', choices=['test', 'validation'], default='test')
    parser.add_argument('--every', type=int, default=5, help='take every this many digits')
    parser.add_argument('--sizes', type=int, nargs='+', default=list(SIZES))
    parser.add_argument('--filter', choices=sorted(FILTERS), default='bilinear',
                        help='how the 28x28 frame is scaled to each size')
    parser.add_argument('--steps', action='store_true', help='the normalisation as it was, '
                        'one step changed at a time (dark on light pictures only)')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--mlp_dir', help='MLP checkpoints (default model/)')
    parser.add_argument('--lenet5_dir', help='LeNet-5 checkpoints (default model/lenet5/)')
    args = parser.parse_args()
    tf1()
    models = {'mlp': mnist_app.open_model('mlp', args.mlp_dir),
              'lenet5': mnist_app.open_model('lenet5', args.lenet5_dir)}
    models = {k: m for k, m in models.items() if m.checkpoint}
    mnist = mnist_digits(args.split, args.every)
    print('%d %s digits; frames scaled %s; models: %s' % (
        len(mnist[1]), args.split, args.filter,
        ', '.join('%s %s' % (k, m.checkpoint) for k, m in models.items())))
    kinds = renderings(args.sizes, FILTERS[args.filter], both=not args.steps)
    with tempfile.TemporaryDirectory() as folder:
        real = real_digits(folder, models.get('lenet5'))
        (steps if args.steps else table)(models, mnist, real, kinds, args.seed)


if __name__ == '__main__':
    main()

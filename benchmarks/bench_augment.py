"""--augment (issue 19): what it costs (step time, MNIST test accuracy) and what it buys
(real single digits that are not MNIST's), for both models, with and without it.

    python benchmarks/bench_augment.py --models MODELS_DIR/augment \\
        --mlp_plain model --lenet5_plain MODELS_DIR/lenet5_6000

Each of the four model folders (--mlp_plain, --mlp_augment, --lenet5_plain,
--lenet5_augment; by default <--models>/<name>) is trained with the real trainer,
--seed 1, up to --mlp_steps / --lenet5_steps (LeNet-5 with --lenet5_flags), unless its
latest checkpoint is there already: a finished folder is only read. Then:

  MNIST test accuracy   the EMA weights on the 10000 test images (as mnist_test.py);
  images/s              the trainers' own speed lines, short runs in a temporary folder,
                        plain and --augment alternating, medians (first report left out);
  synthetic             the 60 pictures of `synthetic/make_pictures.py photos`: drawn here
                        from pen strokes, never MNIST (phone photos, paint programs, chalk);
  numbers_dev           the digits of ../shared/numbers_dev/ as `mnist_app.py --number
                        --save_input` cuts them (recognise.read), with one model (--cutter)
                        for every model's set; only numbers it reads at the right length;
  drawn                 --drawn pictures per digit drawn here from the same pen strokes in a
                        wider range of hands (slant, rotation, width, stroke): the classic
                        misses of real handwriting, as a harder, made-up set.

Set MNIST_MIRROR (or have data/ filled) first.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

from bench import tf_speed
from common import ROOT, tf1

MODELS = {'mlp': 'mnist_backward.py', 'lenet5': 'mnist_lenet5_backward.py'}
VARIANTS = [('mlp', False), ('mlp', True), ('lenet5', False), ('lenet5', True)]
NUMBERS = os.path.join(os.path.dirname(ROOT), 'shared', 'numbers_dev')
STEP = re.compile(r'-(\d+)$')


def name(kind, augment):
    return '%s_%s' % (kind, 'augment' if augment else 'plain')


def checkpoint_step(folder):
    tf = tf1()
    path = tf.train.latest_checkpoint(folder) if os.path.isdir(folder) else None
    return int(STEP.search(path).group(1)) if path else 0


def train(kind, augment, folder, steps, extra):
    """Trains (or resumes) `folder` up to `steps`; a folder already there is left alone."""
    if checkpoint_step(folder) >= steps:
        return
    print('training %s to %d steps in %s ...' % (name(kind, augment), steps, folder), flush=True)
    subprocess.run([sys.executable, MODELS[kind], '--steps', str(steps), '--seed', '1',
                    '--model_dir', folder] + extra + (['--augment'] if augment else []),
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def speeds(kind, rounds, steps, extra):
    """{augment: median images/s}, plain and --augment runs alternating (NaN: no rounds)."""
    seen = {False: [float('nan')], True: [float('nan')]} if not rounds else {False: [], True: []}
    for _ in range(rounds):
        for augment in (False, True):
            seen[augment].append(tf_speed(MODELS[kind], steps,
                                          extra + (['--augment'] if augment else []))[0])
    return {augment: statistics.median(v) for augment, v in seen.items()}


def synthetic_set(folder):
    """The 60 synthetic pictures: [(path, digit)]."""
    import make_pictures
    names = make_pictures.make_photos(folder)
    return [(os.path.join(folder, n), make_pictures.label_of(n)) for n in names]


def drawn_set(folder, per_digit, seed=19):
    """Digits drawn here from make_pictures' pen-stroke skeletons, in a wider range of hands
    than its photos: slants, rotations, narrow and wide digits, hairline to marker strokes
    (black on white, 400x400 PNG). [(path, digit)]."""
    import make_pictures
    from PIL import Image, ImageDraw
    rng, items = np.random.default_rng(seed), []
    for digit in range(10):
        for k in range(per_digit):
            variants = make_pictures.SKELETONS[digit]
            strokes = variants[rng.integers(len(variants))]
            slant, angle = rng.uniform(-0.45, 0.35), np.radians(rng.uniform(-18, 18))
            width, narrow = 280 * rng.uniform(0.5, 1.3) * 0.7, rng.choice([0.01, 0.05, 0.1, 0.16])
            page = Image.new('L', (400, 400), 255)
            pen = ImageDraw.Draw(page)
            for stroke in strokes:
                points = []
                for x, y in stroke:
                    x, y = (x - 0.5) * width + slant * 280 * (0.5 - y), (y - 0.5) * 280
                    points.append((200 + x * np.cos(angle) - y * np.sin(angle),
                                   200 + x * np.sin(angle) + y * np.cos(angle)))
                pen.line(points, fill=0, width=max(1, int(280 * narrow)), joint='curve')
            path = os.path.join(folder, 'drawn%d_%d.png' % (k, digit))
            page.save(path)
            items.append((path, digit))
    return items


def numbers_set(cutter, folder):
    """The numbers_dev digits as the app cuts them: inputs [N, 784], digits [N], and how many
    numbers were read at the right length, of how many."""
    from mnist_lib import judge as judge_lib, picture, recognise
    names = sorted(f for f in os.listdir(folder) if f[0].isdigit())
    inputs, digits, used, judge = [], [], 0, judge_lib.Judge()
    for n in names:
        truth = n.split('_')[0]
        try:
            reading = recognise.read(os.path.join(folder, n), cutter, number=True, judge=judge)
        except picture.PictureError:  # not read at all: not usable either
            continue
        if len(recognise.number_text(reading).replace(' ', '')) == len(truth):
            used += 1
            inputs.append(reading.inputs)
            digits += [int(d) for d in truth]
    return np.concatenate(inputs), np.array(digits), used, len(names)


def mnist_accuracy(model, data_dir):
    import input_data
    test = input_data.read_data_sets(data_dir, one_hot=False).test
    got = np.concatenate([model.predict(test.images[i:i + 1000]).argmax(1)
                          for i in range(0, len(test.images), 1000)])
    return float(np.mean(got == test.labels))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--models', default=os.path.join(ROOT, 'model', 'augment_bench'),
                        help='Where the folders not given below go.')
    for kind, augment in VARIANTS:
        parser.add_argument('--' + name(kind, augment), help='Folder of that model.')
    parser.add_argument('--mlp_steps', type=int, default=50000)
    parser.add_argument('--lenet5_steps', type=int, default=6000)
    parser.add_argument('--lenet5_flags', default='--mixed_precision')
    parser.add_argument('--rounds', type=int, default=3, help='Timing rounds per variant '
                        '(0: no timing).')
    parser.add_argument('--timing_steps', type=int, nargs=2, default=(1000, 250),
                        help='Steps of each timing run: MLP, LeNet-5.')
    parser.add_argument('--drawn', type=int, default=20, help='Drawn pictures per digit.')
    parser.add_argument('--numbers', default=NUMBERS, help='The numbers_dev folder.')
    parser.add_argument('--cutter', default='lenet5_plain',
                        help='The model whose reading cuts the numbers into digits.')
    parser.add_argument('--data_dir', default=os.path.join(ROOT, 'data'))
    args = parser.parse_args()
    tf1()
    import mnist_app
    from mnist_lib import recognise

    folders, steps = {}, {'mlp': args.mlp_steps, 'lenet5': args.lenet5_steps}
    extra = {'mlp': [], 'lenet5': args.lenet5_flags.split()}
    for kind, augment in VARIANTS:
        key = name(kind, augment)
        folders[key] = getattr(args, key) or os.path.join(args.models, key)
        train(kind, augment, folders[key], steps[kind], extra[kind])
    models = {key: mnist_app.open_model(key.split('_')[0], folder)
              for key, folder in folders.items()}
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, 'drawn'))
        pictures = {'synthetic': synthetic_set(os.path.join(tmp, 'synthetic')),
                    'drawn': drawn_set(os.path.join(tmp, 'drawn'), args.drawn)}
        cut, cut_digits, used, numbers = numbers_set(models[args.cutter], args.numbers)
        rows, misses = [], []
        for key, model in models.items():
            right, missed = {}, []
            for set_name, items in pictures.items():
                read = [recognise.read(path, model).digits[0] for path, _ in items]
                right[set_name] = sum(r == d for r, (_, d) in zip(read, items))
                missed += ['%s->%d' % (os.path.basename(p), r)
                           for r, (p, d) in zip(read, items) if r != d]
            got = model.predict(cut).argmax(1)
            right['numbers_dev'] = int(np.sum(got == cut_digits))
            missed += ['%d->%d' % (d, g) for d, g in zip(cut_digits, got) if d != g]
            rows.append((key, checkpoint_step(folders[key]), mnist_accuracy(model, args.data_dir),
                         right))
            misses.append('%s: %s' % (key, ' '.join(missed) or '-'))
    speed = {kind: speeds(kind, args.rounds, steps_, extra[kind])
             for kind, steps_ in zip(('mlp', 'lenet5'), args.timing_steps)}

    sizes = {k: len(v) for k, v in pictures.items()}
    sizes['numbers_dev'] = len(cut_digits)
    print('| model | steps | MNIST test accuracy | images/s (x plain step time) | synthetic '
          '(of {synthetic}) | numbers_dev digits (of {numbers_dev}) | both (of {both}) | drawn '
          '(of {drawn}) |'.format(both=sizes['synthetic'] + sizes['numbers_dev'], **sizes))
    print('|---|---|---|---|---|---|---|---|')
    for key, step, accuracy, right in rows:
        kind, augment = key.split('_')[0], key.endswith('augment')
        print('| %s%s | %d | %.2f%% | %.0f (%.2fx) | %d | %d | %d | %d |'
              % (kind, ' --augment' if augment else '', step, 100 * accuracy,
                 speed[kind][augment], speed[kind][False] / speed[kind][augment],
                 right['synthetic'], right['numbers_dev'],
                 right['synthetic'] + right['numbers_dev'], right['drawn']))
    print('numbers_dev: %d of %d numbers read at the right length by %s (%s), %d digits.'
          % (used, numbers, args.cutter, folders[args.cutter], len(cut_digits)))
    print('misses (picture or digit -> read):\n  ' + '\n  '.join(misses))


if __name__ == '__main__':
    main()

"""Benchmarks of the app's reading, behind the figures in benchmarks/RESULTS.md.

    python benchmarks/bench_app.py pictures   # the app on pic/ and on drawn/photographed digits
    python benchmarks/bench_app.py numbers    # --number on stroke-drawn, MNIST-made and real
                                              # numbers; time
    python benchmarks/bench_app.py unsure     # where test errors lie in confidence

Uses the models in model/ and model/lenet5/ (or --mlp_dir, --lenet5_dir) and MNIST in data/.
"""
import argparse
import os
import statistics
import tempfile
import time

import numpy as np
from PIL import Image

from common import ROOT, median_ms, tf1
import input_data
import make_numbers
import make_pictures
import mnist_backward
import mnist_forward
import mnist_app
import mnist_numbers
import number_sets
from mnist_lib import judge as judge_lib
from mnist_lib import picture
from mnist_lib import recognise

# Sets of 100 MNIST-made numbers apart from the 200: their mnist_numbers kind and seed.
APART = {'MNIST-made apart: one digit small (100)': (mnist_numbers.SMALL, 6),
         'MNIST-made apart: a word in type beside (100)': (mnist_numbers.WORD, 7)}


def notes_restore_model(testPicArr, model_dir, decay):
    """The notes' restore_model, as they wrote it: a new graph, session and restore per call."""
    tf = tf1()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, mnist_forward.INPUT_NODE])
        y = mnist_forward.forward(x, None)
        preValue = tf.argmax(y, 1)
        saver = tf.train.Saver(tf.train.ExponentialMovingAverage(decay).variables_to_restore())
        with tf.Session() as sess:
            saver.restore(sess, tf.train.get_checkpoint_state(model_dir).model_checkpoint_path)
            return sess.run(preValue, feed_dict={x: testPicArr})[0]


def app(model_dirs, photos_dir):
    """Accuracy of the app per model and preprocessing, and its per-picture time."""
    tf1()
    photos = make_pictures.make_photos(photos_dir)
    pic_dir = os.path.join(ROOT, 'pic')
    sets = {'pic/': [(os.path.join(pic_dir, '%d.png' % d), d) for d in range(10)],
            'drawn + photographed (%d)' % len(photos):
                [(os.path.join(photos_dir, f), make_pictures.label_of(f)) for f in photos]}
    print('| model | preprocessing | ' + ' | '.join(sets) + ' |')
    print('|---|---|' + '---|' * len(sets))
    for kind in mnist_app.MODELS:
        model = mnist_app.open_model(kind, model_dirs.get(kind))
        if not model.checkpoint:
            print('| %s | (no checkpoint in %s) |' % (kind, model.model_dir))
            continue
        for method in ('course', picture.DEFAULT):
            cells = []
            for name, items in sets.items():
                arrays = np.concatenate([picture.pre_pic(p, method) for p, _ in items])
                predicted = model.predict(arrays).argmax(axis=1)
                wrong = [os.path.basename(p) for (p, d), q in zip(items, predicted) if d != q]
                cells.append('%d/%d%s' % (len(items) - len(wrong), len(items),
                                          (' (wrong: %s)' % ', '.join(wrong)) if wrong else ''))
            print('| %s | %s | %s |' % (kind, method, ' | '.join(cells)), flush=True)

    model = mnist_app.open_model('mlp', model_dirs.get('mlp'))
    arrays = [picture.pre_pic(p, 'course') for p, _ in sets['pic/']]
    paths = [p for p, _ in sets['pic/']]
    # The session's first runs optimise the graph: part of loading it, so warmed up first.
    ours = median_ms(lambda: [model.predict(a) for a in arrays], 50, warmup=1) / len(arrays)
    notes = median_ms(lambda: [notes_restore_model(a, model.model_dir,
                                                   mnist_backward.MOVING_AVERAGE_DECAY)
                               for a in arrays], 1, warmup=0) / len(arrays)
    whole = median_ms(lambda: [model.predict(picture.pre_pic(p)) for p in paths], 3,
                      warmup=0) / len(paths)
    print('\nPer picture, MLP, model already loaded: %.2f ms; the notes\' restore per picture: '
          '%.0f ms (%.0fx). With the default preprocessing of a pic/ file included: %.1f ms.'
          % (ours, notes, notes / ours, whole))


def tally(model, judge, items):
    """(numbers right, numbers, digits right, digits, wrong ['name -> answer']): a digit
    counts only inside a number read at the right length; rows are read top to bottom and
    compared joined."""
    n_ok = d_ok = d = 0
    wrong = []
    for path, truth in items:
        try:
            got = recognise.number_text(recognise.read(path, model, number=True, judge=judge))
        except picture.PictureError as e:
            got = 'error: %s' % e
        joined = got.replace(' ', '')
        n_ok += joined == truth
        d_ok += sum(a == b for a, b in zip(joined, truth)) if len(joined) == len(truth) else 0
        d += len(truth)
        if joined != truth:
            wrong.append('%s -> %s' % (os.path.basename(path), got))
    return n_ok, len(items), d_ok, d, wrong


def numbers(model_dirs, folder):
    """Whole-number and per-digit accuracy of --number, per model: on stroke-drawn numbers
    (the touching-digits subset apart), on 200 numbers written with MNIST's test digits
    (synthetic/mnist_numbers.py; each kind apart), the same shrunk to tiny pictures and
    cropped tight (a margin line or a box then a cell's side, a little taller than the
    digits), 100 others with one digit written small, 100 with a word set in type beside
    them (a unit, which the answer leaves out), and on the real numbers of
    ../shared/numbers_dev (two rows apart); and the time split for a 4-digit number in a
    12 MP photo."""
    tf1()
    judge = judge_lib.Judge()
    names = make_numbers.make_numbers(folder)
    sets = {'synthetic': [(os.path.join(folder, n), make_numbers.number_of(n)) for n in names]}
    sets['synthetic, touching'] = [item for item in sets['synthetic'] if 'touching' in item[0]]
    made = mnist_numbers.make(os.path.join(folder, 'mnist'),
                              data_dir=os.path.join(ROOT, 'data'))
    sets['MNIST-made'] = made
    made_subsets = ['MNIST-made, %s' % extra for extra in mnist_numbers.EXTRAS]
    for extra, key in zip(mnist_numbers.EXTRAS, made_subsets):
        sets[key] = [(p, a) for p, a in made if p.endswith('_%s.jpg' % extra)]
    sets['tiny: MNIST-made, %d px high' % number_sets.TINY] = number_sets.tiny(
        made, os.path.join(folder, 'tiny'))
    sets['MNIST-made, cropped tight'] = number_sets.cropped(made, os.path.join(folder, 'cropped'))
    for extra in ('margin', 'box'):
        sets['MNIST-made, cropped tight, %s' % extra] = [
            (p, a) for p, a in sets['MNIST-made, cropped tight'] if p.endswith('_%s.png' % extra)]
    for key, (extra, seed) in APART.items():
        sets[key] = mnist_numbers.make(os.path.join(folder, extra), count=100, seed=seed,
                                       data_dir=os.path.join(ROOT, 'data'), extras=(extra,))
    real = number_sets.real_numbers()
    if real is None:
        print('(%s is absent: the real numbers are not measured)' % number_sets.REAL_NUMBERS)
    else:
        sets.update(('real, %s' % k, v) for k, v in real.items())
    models = {kind: mnist_app.open_model(kind, model_dirs.get(kind)) for kind in mnist_app.MODELS}
    models = {kind: m for kind, m in models.items() if m.checkpoint}
    results, wrong = {}, {kind: [] for kind in models}
    for kind, model in models.items():
        for key, items in sets.items():
            if key in made_subsets or key == 'synthetic, touching' or (
                    key.startswith('MNIST-made, cropped tight, ')):
                continue  # counted from the whole set's answers below
            results[kind, key] = tally(model, judge, items)
            if key != 'MNIST-made' and key not in APART:
                wrong[kind] += results[kind, key][4]
        for key, items in sets.items():  # the subsets, from the answers already given
            whole = ('MNIST-made' if key in made_subsets else 'MNIST-made, cropped tight'
                     if key.startswith('MNIST-made, cropped tight') else 'synthetic')
            if (kind, key) not in results:
                names = {os.path.basename(p) for p, _ in items}
                bad = [w for w in results[kind, whole][4] if w.split(' -> ')[0] in names]
                results[kind, key] = _subset(items, bad)
    print('| numbers | ' + ' | '.join('%s: numbers | digits' % k for k in models) + ' |')
    print('|---|' + '---|---|' * len(models))
    for key in sets:
        cells = []
        for kind in models:
            n_ok, n, d_ok, d, _ = results[kind, key]
            cells += ['%d/%d (%.1f%%)' % (n_ok, n, 100.0 * n_ok / max(n, 1)),
                      '%d/%d (%.1f%%)' % (d_ok, d, 100.0 * d_ok / max(d, 1))]
        print('| %s | %s |' % (key, ' | '.join(cells)))
    for kind in models:
        print('  %s wrong: %s' % (kind, '; '.join(wrong[kind]) or 'none'), flush=True)
    number_timing(mnist_app.open_model('lenet5', model_dirs.get('lenet5')), judge, folder)


def _subset(items, bad):
    """tally()'s figures for `items` whose wrong answers ('name -> answer') are `bad`."""
    answers = {w.split(' -> ')[0]: w.split(' -> ')[1].replace(' ', '') for w in bad}
    n_ok = d_ok = d = 0
    for path, truth in items:
        got = answers.get(os.path.basename(path), truth)
        n_ok += got == truth
        d_ok += sum(a == b for a, b in zip(got, truth)) if len(got) == len(truth) else 0
        d += len(truth)
    return n_ok, len(items), d_ok, d, bad


def number_timing(model, judge, folder):
    """A 4-digit number written on a 4000x3000 phone photo (EXIF-rotated): time per stage, as
    recognise.read reports it."""
    rng = np.random.default_rng(4)
    number = make_numbers.number_picture(rng, '2026', 'photo')
    page = Image.new('RGB', (4000, 3000), (236, 232, 220))
    page.paste(number.resize((number.width * 2, number.height * 2)), (1400, 1100))
    noisy = np.asarray(page, np.float32) + rng.normal(0, 5, (3000, 4000, 3))
    path = os.path.join(folder, 'phone_2026.jpg')
    make_pictures.save_photo(Image.fromarray(np.uint8(np.clip(noisy, 0, 255))), path, rng)
    runs, cpu = [], []
    for _ in range(7):
        timings = {}
        started = time.process_time()
        found = recognise.read(path, model, number=True, timings=timings, judge=judge).digits
        cpu.append(time.process_time() - started)
        runs.append(timings)
    med = {k: 1000 * statistics.median(t[k] for t in runs[1:]) for k in runs[0]}
    print('\n4-digit number on a 4000x3000 JPEG photo (%s read as %s): %.0f ms after the model '
          'is loaded (reading %.0f ms, finding the digits %.0f ms, the network %.1f ms, the '
          'judge %.1f ms; median of 6); CPU time %.0f ms; load average %.1f on %d CPUs'
          % (model.kind, ''.join(map(str, found)), sum(med.values()), med['decode'],
             med['preprocess'], med['network'], med['judge'], 1000 * statistics.median(cpu[1:]),
             os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan'),
             os.cpu_count()))


def unsure(model_dirs):
    """Where the test errors are: the share of MNIST test errors, and of right answers, under
    each best-probability threshold (recognise.UNSURE_BELOW is chosen from this)."""
    tf1()
    mnist = input_data.read_data_sets(os.path.join(ROOT, 'data'))
    print('| model | errors | ' + ' | '.join('best < %.1f: errors / right answers' % t
                                             for t in (0.6, 0.7, 0.8, 0.9)) + ' |')
    print('|---|---|' + '---|' * 4)
    for kind in mnist_app.MODELS:
        model = mnist_app.open_model(kind, model_dirs.get(kind))
        if not model.checkpoint:
            continue
        p = model.predict(mnist.test.images)
        best, wrong = p.max(axis=1), p.argmax(axis=1) != mnist.test.labels
        cells = ["%.0f%% / %.1f%%" % (100 * (best[wrong] < t).mean(),
                                      100 * (best[~wrong] < t).mean())
                 for t in (0.6, 0.7, 0.8, 0.9)]
        print('| %s | %d | %s |' % (kind, wrong.sum(), ' | '.join(cells)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('what', choices=['pictures', 'numbers', 'unsure'])
    parser.add_argument('--mlp_dir', help='MLP checkpoints (default model/)')
    parser.add_argument('--lenet5_dir', help='LeNet-5 checkpoints (default model/lenet5/)')
    args = parser.parse_args()
    model_dirs = {'mlp': args.mlp_dir, 'lenet5': args.lenet5_dir}
    if args.what == 'unsure':
        unsure(model_dirs)
        return
    with tempfile.TemporaryDirectory() as folder:
        (app if args.what == 'pictures' else numbers)(model_dirs, folder)


if __name__ == '__main__':
    main()

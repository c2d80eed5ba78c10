"""Benchmarks of the app's reading, behind the README's figures.

    python benchmarks/bench_app.py pictures   # the app on pic/ and on drawn/photographed digits
    python benchmarks/bench_app.py numbers    # --number on stroke-drawn numbers; its time
    python benchmarks/bench_app.py unsure     # where test errors lie in confidence

Uses the models in model/ and model/lenet5/ (or --mlp_dir, --lenet5_dir) and MNIST in data/.
"""
import argparse
import os
import statistics
import tempfile

import numpy as np
from PIL import Image

from common import ROOT, median_ms, tf1
import input_data
import make_numbers
import make_pictures
import mnist_backward
import mnist_forward
import mnist_app
from mnist_lib import picture
from mnist_lib import recognise


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


def numbers(model_dirs, folder):
    """Whole-number and per-digit accuracy of --number on stroke-drawn numbers, per model;
    the touching-digits subset apart; and the time split for a 4-digit number in a 12 MP photo."""
    tf1()
    names = make_numbers.make_numbers(folder)
    print('| model | numbers right | digits right | touching: numbers | touching: digits |')
    print('|---|---|---|---|---|')
    for kind in mnist_app.MODELS:
        model = mnist_app.open_model(kind, model_dirs.get(kind))
        if not model.checkpoint:
            print('| %s | (no checkpoint in %s) |' % (kind, model.model_dir))
            continue
        tally = {'all': [0, 0, 0, 0], 'touching': [0, 0, 0, 0]}
        wrong = []
        for name in names:
            truth = make_numbers.number_of(name)
            try:
                got = recognise.number_text(recognise.read(os.path.join(folder, name), model,
                                                           number=True))
            except picture.PictureError as e:
                got = 'error: %s' % e
            right = sum(a == b for a, b in zip(got, truth)) if len(got) == len(truth) else 0
            for key in ('all', 'touching') if 'touching' in name else ('all',):
                t = tally[key]
                t[0] += got == truth
                t[1] += 1
                t[2] += right
                t[3] += len(truth)
            if got != truth:
                wrong.append('%s -> %s' % (name, got))
        cells = []
        for key in ('all', 'touching'):
            n_ok, n, d_ok, d = tally[key]
            cells += ['%d/%d (%.1f%%)' % (n_ok, n, 100.0 * n_ok / n),
                      '%d/%d (%.1f%%)' % (d_ok, d, 100.0 * d_ok / d)]
        print('| %s | %s |' % (kind, ' | '.join(cells)), flush=True)
        print('  wrong: ' + ('; '.join(wrong) or 'none'), flush=True)
    number_timing(mnist_app.open_model('lenet5', model_dirs.get('lenet5')), folder)


def number_timing(model, folder):
    """A 4-digit number written on a 4000x3000 phone photo (EXIF-rotated): time per stage, as
    recognise.read reports it."""
    rng = np.random.default_rng(4)
    number = make_numbers.number_picture(rng, '2026', 'photo')
    page = Image.new('RGB', (4000, 3000), (236, 232, 220))
    page.paste(number.resize((number.width * 2, number.height * 2)), (1400, 1100))
    noisy = np.asarray(page, np.float32) + rng.normal(0, 5, (3000, 4000, 3))
    path = os.path.join(folder, 'phone_2026.jpg')
    make_pictures.save_photo(Image.fromarray(np.uint8(np.clip(noisy, 0, 255))), path, rng)
    runs = []
    for _ in range(7):
        timings = {}
        found = recognise.read(path, model, number=True, timings=timings).digits
        runs.append(timings)
    med = {k: 1000 * statistics.median(t[k] for t in runs[1:]) for k in runs[0]}
    print('\n4-digit number on a 4000x3000 JPEG photo (%s read as %s): %.0f ms after the model '
          'is loaded (reading %.0f ms, finding the digits %.0f ms, the network %.1f ms; '
          'median of 6)' % (model.kind, ''.join(map(str, found)), sum(med.values()),
                            med['decode'], med['preprocess'], med['network']))


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

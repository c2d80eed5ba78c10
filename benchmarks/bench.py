"""Benchmarks behind the README's figures. Each runs the real scripts.

    python benchmarks/bench.py speed mlp          # images/s, TF vs the PyTorch yardstick
    python benchmarks/bench.py accuracy mlp       # test accuracy against steps and wall time
    python benchmarks/bench.py app                # the app on pic/ and on drawn/photographed digits
    python benchmarks/bench.py numbers            # --number on stroke-drawn numbers; its time
    python benchmarks/bench.py unsure             # where test errors lie in confidence
    python benchmarks/bench.py tfrecord           # build time; training from records vs memory

`accuracy` trains with the course defaults (50000 steps) in a fresh temporary
model folder while the test script watches it, as a student would run them;
extra flags after `--` go to the trainer (e.g. `-- --steps 20000`).
Set MNIST_MIRROR (or have data/ filled) first.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))

# model -> (trainer, watcher, PyTorch yardstick)
MODELS = {
    'mlp': ('mnist_backward.py', 'mnist_test.py'),
    'lenet5': ('mnist_lenet5_backward.py', 'mnist_lenet5_test.py'),
}
YARDSTICK = os.path.join(HERE, 'torch_yardstick.py')
SPEED = re.compile(r'After (\d+) training step\(s\), (\d+) images/s \(per step: feeding '
                   r'([0-9.]+) ms, session run ([0-9.]+) ms')
TORCH = re.compile(r'(\d+) images/s \(per step: feeding ([0-9.]+) ms, compute ([0-9.]+) ms')
TEST = re.compile(r'After (\d+) training step\(s\), test accuracy = ([0-9.]+)')


def script(name, *args, **kwargs):
    return subprocess.run([sys.executable, name] + [str(a) for a in args], cwd=ROOT,
                          capture_output=True, text=True, check=True, **kwargs).stdout


def tf_speed(trainer, steps, extra):
    """Median images/s of the trainer's reports, the first (warm-up) one left out."""
    with tempfile.TemporaryDirectory() as model_dir:
        out = script(trainer, '--steps', steps, '--save_every', steps // 5,
                     '--model_dir', model_dir, *extra)
    reports = [m.groups() for m in SPEED.finditer(out)][1:]
    return (statistics.median(float(r[1]) for r in reports),
            statistics.median(float(r[2]) for r in reports),
            statistics.median(float(r[3]) for r in reports))


def torch_speed(model, steps, mixed=False):
    out = script(YARDSTICK, '--model', model, '--steps', steps,
                 *(['--mixed_precision'] if mixed else []))
    m = TORCH.search(out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def speed(model, rounds, steps, extra, mixed=False):
    """TF against the PyTorch yardstick, alternating rounds; with `mixed`, each in float32 and
    in bfloat16 (TF's --mixed_precision rewrite, PyTorch's autocast)."""
    trainer, _ = MODELS[model]
    variants = [('TF float32', lambda: tf_speed(trainer, steps, extra)),
                ('PyTorch float32', lambda: torch_speed(model, steps))]
    if mixed:
        variants += [('TF bfloat16 (--mixed_precision)',
                      lambda: tf_speed(trainer, steps, extra + ['--mixed_precision'])),
                     ('PyTorch bfloat16 autocast', lambda: torch_speed(model, steps, True))]
    runs = {name: [] for name, _ in variants}
    for r in range(rounds):  # alternate, so that drifts of the machine hit all alike
        for name, measure in variants:
            runs[name].append(measure())
        print('round %d: %s' % (r + 1, ', '.join('%s %.0f' % (name, runs[name][-1][0])
                                                  for name, _ in variants)), flush=True)
    med = {name: [statistics.median(v) for v in zip(*runs[name])] for name in runs}
    print('\n| %s, batch as the course | images/s (median of %d) | feeding ms/step | '
          'run ms/step |' % (model, rounds))
    print('|---|---|---|---|')
    for name, _ in variants:
        print('| %s | %.0f | %.2f | %.2f |' % (name, *med[name]))
    print('\nTF / PyTorch, float32: %.2fx' % (med['TF float32'][0] / med['PyTorch float32'][0]))
    if mixed:
        tf16, pt16 = med['TF bfloat16 (--mixed_precision)'][0], med['PyTorch bfloat16 autocast'][0]
        print('TF / PyTorch, bfloat16: %.2fx; TF bfloat16 / TF float32: %.2fx; PyTorch bfloat16 '
              '/ PyTorch float32: %.2fx' % (tf16 / pt16, tf16 / med['TF float32'][0],
                                            pt16 / med['PyTorch float32'][0]))


def accuracy(model, save_every, extra):
    """Trains with the defaults while the watcher evaluates every checkpoint; prints a table."""
    trainer, watcher = MODELS[model]
    steps = int(extra[extra.index('--steps') + 1]) if '--steps' in extra else None
    with tempfile.TemporaryDirectory() as model_dir:
        common = ['--model_dir', model_dir]
        watch_args = common + ['--interval_secs', 1] + (['--steps', steps] if steps else [])
        if '--fc_size' in extra:  # the watcher builds the same graph
            watch_args += ['--fc_size', extra[extra.index('--fc_size') + 1]]
        started = time.time()
        train = subprocess.Popen([sys.executable, trainer, '--save_every', str(save_every)]
                                 + common + extra, cwd=ROOT, stdout=subprocess.DEVNULL)
        watch = subprocess.Popen([sys.executable, watcher] + [str(a) for a in watch_args],
                                 cwd=ROOT, stdout=subprocess.PIPE, text=True)
        rows = []
        for line in watch.stdout:
            m = TEST.search(line)
            if m:
                rows.append((int(m.group(1)), time.time() - started, float(m.group(2))))
                print('%6d steps  %7.0f s  %.4f' % rows[-1], flush=True)
        watch.wait()
        train.wait()
    print('\n| steps | wall time (s, training beside the watcher) | test accuracy (EMA) |')
    print('|---|---|---|')
    for step, secs, acc in rows:
        print('| %d | %.0f | %.2f%% |' % (step, secs, 100 * acc))


def notes_restore_model(testPicArr, model_dir, decay):
    """The notes' restore_model, as they wrote it: a new graph, session and restore per call."""
    import tensorflow.compat.v1 as tf
    import mnist_forward
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
    sys.path.insert(0, ROOT)
    sys.path.insert(0, HERE)
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import make_pictures
    import mnist_backward
    from mnist_lib import model as model_lib
    from mnist_lib import picture
    photos = make_pictures.make_photos(photos_dir)
    pic_dir = os.path.join(ROOT, 'pic')
    sets = {'pic/': [(os.path.join(pic_dir, '%d.png' % d), d) for d in range(10)],
            'drawn + photographed (%d)' % len(photos):
                [(os.path.join(photos_dir, f), make_pictures.label_of(f)) for f in photos]}
    print('| model | preprocessing | ' + ' | '.join(sets) + ' |')
    print('|---|---|' + '---|' * len(sets))
    for kind in model_lib.MODELS:
        model = model_lib.Model(kind, model_dirs.get(kind))
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

    model = model_lib.Model('mlp', model_dirs.get('mlp'))
    arrays = [picture.pre_pic(p, 'course') for p, _ in sets['pic/']]
    for a in arrays:  # the session's first runs optimise the graph: part of loading it
        model.predict(a)
    start = time.perf_counter()
    for _ in range(50):
        for a in arrays:
            model.predict(a)
    ours = (time.perf_counter() - start) / (50 * len(arrays))
    start = time.perf_counter()
    for a in arrays:
        notes_restore_model(a, model.model_dir, mnist_backward.MOVING_AVERAGE_DECAY)
    notes = (time.perf_counter() - start) / len(arrays)
    start = time.perf_counter()
    for p, _ in sets['pic/']:
        model.predict(picture.pre_pic(p))
    whole = (time.perf_counter() - start) / len(arrays)
    print('\nPer picture, MLP, model already loaded: %.2f ms; the notes\' restore per picture: '
          '%.0f ms (%.0fx). With the default preprocessing of a pic/ file included: %.1f ms.'
          % (1000 * ours, 1000 * notes, notes / ours, 1000 * whole))


def numbers(model_dirs, folder):
    """Whole-number and per-digit accuracy of --number on stroke-drawn numbers, per model;
    the touching-digits subset apart; and the time split for a 4-digit number in a 12 MP photo."""
    sys.path.insert(0, ROOT)
    sys.path.insert(0, HERE)
    import tensorflow.compat.v1 as tf
    tf.logging.set_verbosity(tf.logging.ERROR)
    tf.disable_v2_behavior()
    import make_pictures
    from mnist_lib import model as model_lib
    from mnist_lib import picture
    from mnist_lib import recognise
    names = make_pictures.make_numbers(folder)
    print('| model | numbers right | digits right | touching: numbers | touching: digits |')
    print('|---|---|---|---|---|')
    for kind in model_lib.MODELS:
        model = model_lib.Model(kind, model_dirs.get(kind))
        if not model.checkpoint:
            print('| %s | (no checkpoint in %s) |' % (kind, model.model_dir))
            continue
        tally = {'all': [0, 0, 0, 0], 'touching': [0, 0, 0, 0]}
        wrong = []
        for name in names:
            truth = make_pictures.number_of(name)
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
    number_timing(model_lib.Model('lenet5', model_dirs.get('lenet5')), folder)


def number_timing(model, folder):
    """A 4-digit number written on a 4000x3000 phone photo (EXIF-rotated): time per stage."""
    import make_pictures
    from mnist_lib import digits
    from mnist_lib import picture
    from PIL import Image
    rng = np.random.default_rng(4)
    number = make_pictures.number_picture(rng, '2026', 'photo')
    page = Image.new('RGB', (4000, 3000), (236, 232, 220))
    page.paste(number.resize((number.width * 2, number.height * 2)), (1400, 1100))
    noisy = np.asarray(page, np.float32) + rng.normal(0, 5, (3000, 4000, 3))
    path = os.path.join(folder, 'phone_2026.jpg')
    make_pictures.save_photo(Image.fromarray(np.uint8(np.clip(noisy, 0, 255))), path, rng)
    times = {'read': [], 'find': [], 'network': []}
    for _ in range(7):
        t0 = time.perf_counter()
        rgb = picture.load(path, max_side=digits.WORK_SIDE)
        t1 = time.perf_counter()
        inputs, _ = digits.find(rgb)
        t2 = time.perf_counter()
        found = model.predict(inputs).argmax(axis=1)
        t3 = time.perf_counter()
        for key, secs in zip(times, (t1 - t0, t2 - t1, t3 - t2)):
            times[key].append(1000 * secs)
    med = {k: statistics.median(v[1:]) for k, v in times.items()}
    print('\n4-digit number on a 4000x3000 JPEG photo (%s read as %s): %.0f ms after the model '
          'is loaded (reading %.0f ms, finding the digits %.0f ms, the network %.1f ms; '
          'median of 6)' % (model.kind, ''.join(map(str, found)), sum(med.values()),
                            med['read'], med['find'], med['network']))


def unsure(model_dirs):
    """Where the test errors are: the share of MNIST test errors, and of right answers, under
    each best-probability threshold (recognise.UNSURE_BELOW is chosen from this)."""
    sys.path.insert(0, ROOT)
    import tensorflow.compat.v1 as tf
    tf.logging.set_verbosity(tf.logging.ERROR)
    tf.disable_v2_behavior()
    import input_data
    from mnist_lib import model as model_lib
    mnist = input_data.read_data_sets(os.path.join(ROOT, 'data'))
    print('| model | errors | ' + ' | '.join('best < %.1f: errors / right answers' % t
                                             for t in (0.6, 0.7, 0.8, 0.9)) + ' |')
    print('|---|---|' + '---|' * 4)
    for kind in model_lib.MODELS:
        model = model_lib.Model(kind, model_dirs.get(kind))
        if not model.checkpoint:
            continue
        p = model.predict(mnist.test.images)
        best, wrong = p.max(axis=1), p.argmax(axis=1) != mnist.test.labels
        cells = ["%.0f%% / %.1f%%" % (100 * (best[wrong] < t).mean(),
                                      100 * (best[~wrong] < t).mean())
                 for t in (0.6, 0.7, 0.8, 0.9)]
        print('| %s | %d | %s |' % (kind, wrong.sum(), ' | '.join(cells)))


def tfrecord(rounds, steps):
    """Time to export and build the records; MLP images/s from them vs from memory."""
    with tempfile.TemporaryDirectory() as work:
        jpg, records = os.path.join(work, 'jpg'), os.path.join(work, 'records')
        started = time.time()
        script('mnist_generateds.py', '--jpg_dir', jpg, '--data_dir', records, '--export_jpg')
        both = time.time() - started
        started = time.time()  # the jpg folders exist now: this builds the records alone
        script('mnist_generateds.py', '--jpg_dir', jpg, '--data_dir', records)
        build = time.time() - started
        print('export MNIST to jpg + build both .tfrecords: %.0f s; build from the jpg folders '
              'alone: %.0f s (70000 pictures, whole script runs)' % (both, build), flush=True)
        memory, queue = [], []
        for r in range(rounds):
            memory.append(tf_speed('mnist_backward.py', steps, [])[0])
            queue.append(tf_speed('mnist_backward.py', steps,
                                  ['--data', 'tfrecord', '--data_dir', records])[0])
            print('round %d: from memory %.0f images/s, from TFRecords %.0f images/s'
                  % (r + 1, memory[-1], queue[-1]), flush=True)
    m, q = statistics.median(memory), statistics.median(queue)
    print('\n| MLP, batch 200 | images/s (median of %d) |' % rounds)
    print('|---|---|')
    print('| --data input_data (feed from memory) | %.0f |' % m)
    print('| --data tfrecord (queue runners) | %.0f (%+.1f%%) |' % (q, 100 * (q - m) / m))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('what', choices=['speed', 'accuracy', 'app', 'numbers', 'unsure', 'tfrecord'])
    parser.add_argument('model', nargs='?', choices=sorted(MODELS))
    parser.add_argument('--mlp_dir', help='app: MLP checkpoints (default model/)')
    parser.add_argument('--lenet5_dir', help='app: LeNet-5 checkpoints (default model/lenet5/)')
    parser.add_argument('--rounds', type=int, default=3, help='speed: rounds (default 3)')
    parser.add_argument('--steps', type=int, default=0,
                        help='speed: steps a run (default: 3000 MLP, 500 LeNet-5)')
    parser.add_argument('--mixed_precision', action='store_true',
                        help='speed: also bfloat16, TF --mixed_precision and PyTorch autocast')
    parser.add_argument('--save_every', type=int, default=5000,
                        help='accuracy: checkpoint interval (5000)')
    argv = sys.argv[1:]
    extra = argv[argv.index('--') + 1:] if '--' in argv else []
    argv = argv[:argv.index('--')] if '--' in argv else argv
    args = parser.parse_args(argv)
    args.extra = extra  # flags for the trainer, after --
    if args.what == 'app':
        with tempfile.TemporaryDirectory() as photos_dir:
            app({'mlp': args.mlp_dir, 'lenet5': args.lenet5_dir}, photos_dir)
    elif args.what == 'unsure':
        unsure({'mlp': args.mlp_dir, 'lenet5': args.lenet5_dir})
    elif args.what == 'numbers':
        with tempfile.TemporaryDirectory() as folder:
            numbers({'mlp': args.mlp_dir, 'lenet5': args.lenet5_dir}, folder)
    elif args.what == 'tfrecord':
        tfrecord(args.rounds, args.steps or 3000)
    elif args.what == 'speed':
        steps = args.steps or {'mlp': 3000, 'lenet5': 500}[args.model]
        speed(args.model, args.rounds, steps, args.extra, args.mixed_precision)
    else:
        accuracy(args.model, args.save_every, args.extra)


if __name__ == '__main__':
    main()

"""Training benchmarks behind the figures in benchmarks/RESULTS.md. Each runs the real scripts.

    python benchmarks/bench.py speed mlp          # images/s, TF vs the PyTorch yardstick
    python benchmarks/bench.py accuracy mlp       # test accuracy against steps and wall time
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

from common import HERE, ROOT, script

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
        done = ', '.join('%s %.0f' % (name, runs[name][-1][0]) for name, _ in variants)
        print('round %d: %s' % (r + 1, done), flush=True)
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
              '/ PyTorch float32: %.2fx'
              % (tf16 / pt16, tf16 / med['TF float32'][0], pt16 / med['PyTorch float32'][0]))


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
    parser.add_argument('what', choices=['speed', 'accuracy', 'tfrecord'])
    parser.add_argument('model', nargs='?', choices=sorted(MODELS))
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
    if args.what == 'tfrecord':
        tfrecord(args.rounds, args.steps or 3000)
    elif args.what == 'speed':
        steps = args.steps or {'mlp': 3000, 'lenet5': 500}[args.model]
        speed(args.model, args.rounds, steps, args.extra, args.mixed_precision)
    else:
        accuracy(args.model, args.save_every, args.extra)


if __name__ == '__main__':
    main()

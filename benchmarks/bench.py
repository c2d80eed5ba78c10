"""Benchmarks behind the README's figures. Each runs the real scripts.

    python benchmarks/bench.py speed mlp          # images/s, TF vs the PyTorch yardstick
    python benchmarks/bench.py accuracy mlp       # test accuracy against steps and wall time

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


def torch_speed(model, steps):
    out = script(YARDSTICK, '--model', model, '--steps', steps)
    m = TORCH.search(out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def speed(model, rounds, steps, extra):
    trainer, _ = MODELS[model]
    tf_runs, torch_runs = [], []
    for r in range(rounds):  # alternate, so that drifts of the machine hit both alike
        tf_runs.append(tf_speed(trainer, steps, extra))
        torch_runs.append(torch_speed(model, steps))
        print('round %d: TF %.0f images/s, PyTorch %.0f images/s'
              % (r + 1, tf_runs[-1][0], torch_runs[-1][0]), flush=True)
    tf_med = [statistics.median(v) for v in zip(*tf_runs)]
    torch_med = [statistics.median(v) for v in zip(*torch_runs)]
    print('\n| %s, batch as the course | images/s (median of %d) | feeding ms/step | '
          'run ms/step |' % (model, rounds))
    print('|---|---|---|---|')
    print('| TF 1.x graph (%s) | %.0f | %.2f | %.2f |' % (trainer, *tf_med))
    print('| PyTorch yardstick (benchmarks/torch_yardstick.py) | %.0f | %.2f | %.2f |'
          % tuple(torch_med))
    print('\nTF / PyTorch: %.2fx' % (tf_med[0] / torch_med[0]))


def accuracy(model, save_every, extra):
    """Trains with the defaults while the watcher evaluates every checkpoint; prints a table."""
    trainer, watcher = MODELS[model]
    steps = int(extra[extra.index('--steps') + 1]) if '--steps' in extra else None
    with tempfile.TemporaryDirectory() as model_dir:
        common = ['--model_dir', model_dir]
        watch_args = common + ['--interval_secs', 1] + (['--steps', steps] if steps else [])
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('what', choices=['speed', 'accuracy'])
    parser.add_argument('model', choices=sorted(MODELS))
    parser.add_argument('--rounds', type=int, default=3, help='speed: rounds (default 3)')
    parser.add_argument('--steps', type=int, default=0,
                        help='speed: steps a run (default: 3000 MLP, 500 LeNet-5)')
    parser.add_argument('--save_every', type=int, default=5000,
                        help='accuracy: checkpoint interval (5000)')
    parser.add_argument('extra', nargs='*', help='flags for the trainer, after --')
    args = parser.parse_args()
    if args.what == 'speed':
        steps = args.steps or {'mlp': 3000, 'lenet5': 500}[args.model]
        speed(args.model, args.rounds, steps, args.extra)
    else:
        accuracy(args.model, args.save_every, args.extra)


if __name__ == '__main__':
    main()

"""Benchmarks of the trained models, behind the figures in benchmarks/RESULTS.md. Each runs
the real scripts.

    python benchmarks/bench_model.py report    # per-digit table, top confusions; LeNet-5 pictures
    python benchmarks/bench_model.py export    # sizes, time per picture, quantised accuracy
    python benchmarks/bench_model.py peak      # matmul peak per precision; LeNet-5 step's share
    python benchmarks/bench_model.py startup   # python mnist_app.py pic/1.png, split by stage

Uses the models in model/ and model/lenet5/ (trained with the defaults) and MNIST in data/.
"""
import argparse
import os
import re
import shutil
import statistics
import tempfile
import time

import numpy as np

from common import HERE, ROOT, median_ms, script as run, tf1
import input_data
import mnist_app
from mnist_lib import precision
from mnist_lib import report as report_lib

FIGURES = os.path.join(HERE, 'figures')


def report():
    for kind, script in (('mlp', 'mnist_test.py'), ('lenet5', 'mnist_lenet5_test.py')):
        with tempfile.TemporaryDirectory() as out:
            text = run(script, '--once', '--report', '--report_dir', out)
            lines = [line for line in text.splitlines() if not line.startswith('Extracting')]
            print('%s: %s' % (kind, lines[0]))
            print('\n'.join(lines[1:12]))
            if kind == 'lenet5':
                os.makedirs(FIGURES, exist_ok=True)
                for name in ('confusion.png', 'mistakes.png'):
                    shutil.copy(os.path.join(out, name), os.path.join(FIGURES, 'lenet5_' + name))
            print(lines[12].replace(out, '<report_dir>'))
        print('five most frequent confusions (true -> predicted: count): %s\n'
              % ', '.join('%d->%d: %d' % c for c in top_confusions(kind)))


def top_confusions(kind, n=5):
    tf1()
    mnist = input_data.read_data_sets(os.path.join(ROOT, 'data'))
    predicted = mnist_app.open_model(kind).predict(mnist.test.images).argmax(axis=1)
    confusion = report_lib.matrix(mnist.test.labels, predicted)
    np.fill_diagonal(confusion, 0)
    order = np.argsort(-confusion, axis=None, kind='stable')[:n]
    return [(i // 10, i % 10, confusion.flat[i]) for i in order]


EXPORT_TIMING = '''
import sys, time, statistics
import numpy as np
import tensorflow as tf
folder, which, inputs = sys.argv[1:]
x = np.load(inputs)
one = x[:1]
if which == 'savedmodel':
    f = tf.saved_model.load(folder).signatures['serving_default']
    run = lambda: f(image=tf.constant(one))['digit'].numpy()
    every = f(image=tf.constant(x))['digit'].numpy()
else:
    it = tf.lite.Interpreter(model_path=folder + '/model.tflite')
    i = it.get_input_details()[0]['index']
    outs = {len(d['shape']): d['index'] for d in it.get_output_details()}
    def call(batch):
        it.resize_tensor_input(i, batch.shape)
        it.allocate_tensors()
        it.set_tensor(i, batch)
        it.invoke()
        return it.get_tensor(outs[1])
    every = np.concatenate([call(x[k:k + 1000]) for k in range(0, len(x), 1000)])
    it.resize_tensor_input(i, one.shape)
    it.allocate_tensors()
    def run():
        it.set_tensor(i, one)
        it.invoke()
        return it.get_tensor(outs[1])
for _ in range(20):
    run()
times = []
for _ in range(300):
    t = time.perf_counter(); run(); times.append(time.perf_counter() - t)
np.save(inputs + '.digits.npy', every)
print('%.3f' % (1000 * statistics.median(times)))
'''


def export():
    tf1()
    mnist = input_data.read_data_sets(os.path.join(ROOT, 'data'))
    print('| model | export | size | ms per picture (median of 300, batch 1) | test accuracy |')
    print('|---|---|---|---|---|')
    with tempfile.TemporaryDirectory() as work:
        inputs = os.path.join(work, 'x.npy')
        np.save(inputs, mnist.test.images.astype(np.float32))
        for kind in mnist_app.MODELS:
            model = mnist_app.open_model(kind)
            ms = median_ms(lambda: model.predict(mnist.test.images[:1]), 300)
            digits = model.predict(mnist.test.images).argmax(axis=1)
            print('| %s | checkpoint, TF1 session (the app) | %.1f MB | %.3f | %.2f%% |' % (
                kind, sum(os.path.getsize(os.path.join(model.model_dir, f))
                          for f in os.listdir(model.model_dir)
                          if f.startswith(os.path.basename(model.checkpoint) + '.')) / 1e6,
                ms, 100 * (digits == mnist.test.labels).mean()))
            for quantize in (False, True):
                folder = os.path.join(work, '%s_%s' % (kind, quantize))
                run('mnist_app.py', '--model', kind, '--export', folder,
                    *(['--quantize'] if quantize else []))
                saved = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(folder)
                            for f in files if f != 'model.tflite')
                for which in (('savedmodel', 'tflite') if not quantize else ('tflite',)):
                    ms = float(run('-c', EXPORT_TIMING, folder, which, inputs).strip())
                    got = np.load(inputs + '.digits.npy')
                    size = (saved if which == 'savedmodel'
                            else os.path.getsize(os.path.join(folder, 'model.tflite')))
                    name = {'savedmodel': 'SavedModel, TF2 signature call',
                            'tflite': 'TFLite interpreter'}[which]
                    print('| %s | %s%s | %.2f MB | %.3f | %.2f%% (agrees with the checkpoint on '
                          '%.2f%%) |' % (kind, name, ', int8 weights' if quantize else '',
                                         size / 1e6, ms, 100 * (got == mnist.test.labels).mean(),
                                         100 * (got == digits).mean()), flush=True)


def peak():
    """Matmul peak per precision (TF, this machine), and the LeNet-5 step's share of it."""
    tf = tf1()
    n = 4096
    rates = {}
    for name, dtype in (('float32', tf.float32), ('bfloat16', tf.bfloat16)):
        with tf.Graph().as_default():
            a = tf.Variable(tf.random.normal([n, n], dtype=tf.float32))
            b = tf.Variable(tf.random.normal([n, n], dtype=tf.float32))
            product = tf.reduce_sum(tf.matmul(tf.cast(a, dtype), tf.cast(b, dtype)))
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                ms = median_ms(lambda: sess.run(product), 10, warmup=1)
        rates[name] = 2.0 * n ** 3 / (ms / 1000) / 1e9
        print('%dx%d matmul in %s: %.0f GFLOP/s (median of 10)' % (n, n, name, rates[name]))
    # One LeNet-5 training image: forward conv1 + conv2 + fc1 + fc2 multiply-adds, x2 for
    # FLOPs, x3 for forward + the two backward products.
    forward = 2 * (28 * 28 * 32 * 25 + 14 * 14 * 64 * 25 * 32 + 3136 * 512 + 512 * 10)
    print('LeNet-5: %.1f MFLOP per training image (3 x %.1f forward)'
          % (3 * forward / 1e6, forward / 1e6))
    for mixed in (False, True):
        out = run('mnist_lenet5_backward.py', '--steps', 600, '--save_every', 200,
                  '--model_dir', tempfile.mkdtemp(), *(['--mixed_precision'] if mixed else []))
        speeds = [float(m.group(1)) for m in re.finditer(r'(\d+) images/s', out)][1:]
        rate = statistics.median(speeds) * 3 * forward / 1e9
        name = 'bfloat16' if mixed and precision.cpu_has_bf16() else 'float32'
        print('LeNet-5 training, %s: %.0f images/s = %.0f GFLOP/s = %.1f%% of the %s matmul peak'
              % ('--mixed_precision' if mixed else 'float32', statistics.median(speeds), rate,
                 100 * rate / rates[name], name))


STARTUP = '''
import time
t0 = time.perf_counter()
import sys
sys.argv = ['mnist_app.py']
sys.path.insert(0, %r)
import tensorflow.compat.v1 as tf
t1 = time.perf_counter()
import mnist_app
from mnist_lib import model, picture, recognise
tf.logging.set_verbosity(tf.logging.ERROR)
tf.disable_v2_behavior()
t2 = time.perf_counter()
m = mnist_app.open_model('mlp')
t3 = time.perf_counter()
reading = recognise.read(%r, m)
t4 = time.perf_counter()
print('%%.3f %%.3f %%.3f %%.3f' %% (t1 - t0, t2 - t1, t3 - t2, t4 - t3))
'''


def startup():
    pic = os.path.join(ROOT, 'pic', '1.png')
    walls, parts = [], []
    for _ in range(5):
        t = time.perf_counter()
        run('mnist_app.py', pic)
        walls.append(time.perf_counter() - t)
        parts.append([float(v) for v in run('-c', STARTUP % (ROOT, pic)).split()])
    part = [statistics.median(p) for p in zip(*parts)]
    t = time.perf_counter()
    run('-c', 'import sys')
    python = time.perf_counter() - t
    print('python mnist_app.py pic/1.png with a trained MLP: %.2f s wall (median of 5); '
          'python itself %.2f s, importing TensorFlow %.2f s, our modules and TF1 mode %.2f s, '
          'building and restoring the model %.2f s, preprocessing and answering (first run) '
          '%.2f s' % (statistics.median(walls), python, *part))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('what', choices=['report', 'export', 'peak', 'startup'])
    args = parser.parse_args()
    {'report': report, 'export': export, 'peak': peak, 'startup': startup}[args.what]()


if __name__ == '__main__':
    main()

"""What the benchmark scripts share: the project folder, running a script, TF1 set-up, timing."""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
SYNTHETIC = os.path.join(ROOT, 'synthetic')  # the picture makers
for folder in (ROOT, HERE, SYNTHETIC):  # the project's modules, the benchmarks' own, the makers
    if folder not in sys.path:
        sys.path.insert(0, folder)


def script(name, *args, **kwargs):
    """Runs a script of the project (or `-c`, code) with this Python; returns its stdout."""
    return subprocess.run([sys.executable, name] + [str(a) for a in args], cwd=ROOT,
                          capture_output=True, text=True, check=True, **kwargs).stdout


def tf1():
    """tensorflow.compat.v1 in the notes' graph mode, without its deprecation chatter."""
    import tensorflow.compat.v1 as tf
    tf.logging.set_verbosity(tf.logging.ERROR)
    tf.disable_v2_behavior()
    return tf


def median_ms(call, times, warmup=20):
    """Median milliseconds of `call()` over `times` runs, after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append(time.perf_counter() - started)
    return 1000 * statistics.median(spent)

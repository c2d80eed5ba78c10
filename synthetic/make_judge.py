"""Makes the judge's weights (mnist_lib/judge/): the network that says whether the 28x28
input the classifier is given is one whole digit (mnist_lib/judge.py).

    python synthetic/make_judge.py            # about 25 minutes on 2 CPU cores

Its data are made from MNIST's 55000 training digits alone (the validation 5000 and the test
set are never seen), as mnist_lib/judge_data.py describes: half whole digits, half negatives
of every kind, all drawn, photographed and normalised by the app's own code. Negatives that
look like a digit after all are wrong labels: one upright stroke is a 1 whatever it was cut
from (judge_data.upright_stroke), and half an 8 is a 0: for those, the data are split in two,
a judge is trained on each half and scores the other, and a negative the judge that never saw
it takes surely for a digit (LOOKALIKE) is dropped before the judge is trained on the rest.
Deterministic: the same --seed gives the same data (and, on the same machine, the same
weights). Make them again whenever the normalisation (mnist_lib/picture.py and paper.py)
changes, and put the figures it prints in benchmarks/RESULTS.md.
"""
import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from mnist_lib import judge_data  # noqa: E402  (needs ROOT on the path)

# How often each kind is drawn: half whole digits, half negatives.
SHARE = {judge_data.POSITIVE: 50, 'half': 5, 'fragment': 4, 'pair': 6, 'neighbour': 6,
         'line': 2, 'curve': 2, 'ruled': 1, 'corner': 2, 'border': 2, 'dots': 2,
         'blob': 2, 'scribble': 4, 'symbol': 6, 'doodle': 3, 'figure': 3}
CHUNK = 500  # samples made by one worker task, from its own seed
LOOKALIKE = 0.5  # a negative a judge that never saw it takes rather for a digit: dropped
POSITIVE_WEIGHT = 2.0  # a whole digit judged not one costs this many times a wrong negative:
                       # rejecting a real digit is the worse mistake


_TRAIN = {}  # a worker's MNIST training digits, read once by load_train


def load_train(data_dir):
    """Reads MNIST's training digits into this worker (the Pool's initializer)."""
    import input_data
    train = input_data.read_data_sets(data_dir).train
    _TRAIN['images'], _TRAIN['labels'] = train.images.reshape(-1, 28, 28), train.labels


def make_chunk(task):
    """(inputs [n, 784] float32, kinds [n] int): one chunk of samples, from its seed."""
    seed, index, count = task
    images, labels = _TRAIN['images'], _TRAIN['labels']
    rng = np.random.default_rng([seed, index])
    names = list(SHARE)
    weights = np.array([SHARE[k] for k in names], float)
    inputs, kinds = [], []
    while len(inputs) < count:
        kind = int(rng.choice(len(names), p=weights / weights.sum()))
        made = judge_data.sample(names[kind], images, labels, rng)
        if made is not None:
            inputs.append(made)
            kinds.append(kind)
    return np.array(inputs, np.float32), np.array(kinds)


def make_data(count, seed, workers, data_dir):
    """(inputs, kinds, names): `count` samples in chunks, each worker on its own chunks."""
    tasks = [(seed, k, min(CHUNK, count - k * CHUNK)) for k in range((count + CHUNK - 1) // CHUNK)]
    with multiprocessing.get_context('spawn').Pool(workers, load_train, (data_dir,)) as pool:
        chunks = pool.map(make_chunk, tasks)
    return (np.concatenate([c[0] for c in chunks]), np.concatenate([c[1] for c in chunks]),
            list(SHARE))


def train(inputs, labels, steps, seed, batch=128):
    """Trains the judge; returns (session, graph, probability op, x placeholder)."""
    import tensorflow.compat.v1 as tf
    from mnist_lib import judge, tf1
    tf1.behave()
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.placeholder(tf.float32, [None])
        keep = tf.placeholder_with_default(1.0, [])
        logits = judge.forward(x, keep)
        loss = tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(
            labels=y, logits=logits, pos_weight=POSITIVE_WEIGHT))
        step = tf.train.get_or_create_global_step()
        rate = tf.train.cosine_decay(1e-3, step, steps)
        train_op = tf.train.AdamOptimizer(rate).minimize(loss, global_step=step)
        probability = tf.sigmoid(logits)
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
    rng = np.random.default_rng(seed)
    order, at = rng.permutation(len(inputs)), 0
    started = time.time()
    for k in range(1, steps + 1):
        if at + batch > len(order):
            order, at = rng.permutation(len(inputs)), 0
        pick = order[at:at + batch]
        at += batch
        _, value = sess.run([train_op, loss], {x: inputs[pick], y: labels[pick], keep: 0.7})
        if k % 1000 == 0 or k == steps:
            print('step %d: loss %.4f (%.0f s)' % (k, value, time.time() - started), flush=True)
    return sess, graph, probability, x


def save(sess, graph, folder):
    """The judge's variables as a checkpoint in `folder`, written beside it first and then
    put in place, so that a stopped run leaves the old weights whole."""
    import tensorflow.compat.v1 as tf
    from mnist_lib import judge
    os.makedirs(os.path.dirname(folder) or '.', exist_ok=True)
    staging = tempfile.mkdtemp(prefix='.judge-', dir=os.path.dirname(folder))
    with graph.as_default():
        tf.train.Saver(judge.variables()).save(sess, os.path.join(staging, 'judge'),
                                               write_meta_graph=False, write_state=False)
    old = folder + '.old'
    if os.path.exists(folder):
        os.replace(folder, old)
    os.replace(staging, folder)
    shutil.rmtree(old, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--samples', type=int, default=150000)
    parser.add_argument('--steps', type=int, default=20000)
    parser.add_argument('--clean_steps', type=int, default=3000,
                        help='steps of each of the two judges that find wrong labels')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--workers', type=int, default=max(1, os.cpu_count() or 1))
    parser.add_argument('--data_dir', default=os.path.join(ROOT, 'data'))
    parser.add_argument('--out', default=os.path.join(ROOT, 'mnist_lib', 'judge'))
    args = parser.parse_args()
    import input_data
    input_data.read_data_sets(args.data_dir)  # fetched once, before the workers read it
    started = time.time()
    inputs, kinds, names = make_data(args.samples, args.seed, args.workers, args.data_dir)
    labels = (kinds == names.index(judge_data.POSITIVE)).astype(np.float32)
    print('%d samples made in %.0f s' % (len(inputs), time.time() - started), flush=True)
    ones = (labels == 0) & judge_data.upright_stroke(inputs)
    print('negatives that are one upright stroke (a 1), dropped: %d' % ones.sum())
    inputs, labels, kinds = inputs[~ones], labels[~ones], kinds[~ones]
    fold = np.random.default_rng(args.seed).random(len(inputs)) < 0.5
    unseen = np.empty(len(inputs), np.float32)
    for part in (fold, ~fold):  # each half scored by a judge trained on the other
        sess, _, probability, x = train(inputs[~part], labels[~part], args.clean_steps,
                                        args.seed)
        unseen[part] = sess.run(probability, {x: inputs[part]})
        sess.close()
    keep = (labels == 1) | (unseen < LOOKALIKE)
    print('negatives that look like a digit, dropped: %d of %d'
          % ((~keep).sum(), (labels == 0).sum()), flush=True)
    for k, name in enumerate(names):
        if name != judge_data.POSITIVE:
            print('  %-10s %5d of %5d dropped' % (name, ((kinds == k) & ~keep).sum(),
                                                  (kinds == k).sum()))
    inputs, labels, kinds = inputs[keep], labels[keep], kinds[keep]
    held = np.random.default_rng(args.seed).random(len(inputs)) < 0.05
    sess, graph, probability, x = train(inputs[~held], labels[~held], args.steps, args.seed)
    from mnist_lib.judge import THRESHOLD
    said = sess.run(probability, {x: inputs[held]}) >= THRESHOLD
    print('held-out samples, right: %.2f%%' % (100 * (said == labels[held]).mean()))
    for k, name in enumerate(names):
        if (kinds[held] == k).any():
            print('  %-10s %.1f%% judged whole digits' % (name, 100 * said[kinds[held] == k].mean()))
    mnist = input_data.read_data_sets(args.data_dir)
    for split in ('validation', 'test'):
        whole = sess.run(probability, {x: getattr(mnist, split).images})
        print('MNIST %s digits (the arrays) judged not a digit: %.2f%%'
              % (split, 100 * (whole < THRESHOLD).mean()))
    save(sess, graph, args.out)
    print('weights written to %s in %.0f s' % (os.path.relpath(args.out), time.time() - started))


if __name__ == '__main__':
    main()

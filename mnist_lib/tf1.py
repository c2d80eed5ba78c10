"""TensorFlow 1.x behaviour, as the notes were written for, wherever the notes' functions run:
from a script (cli.run), and from a notebook cell that calls backward(), test() or
restore_model() without a %run before it (TensorFlow 2 starts eager)."""
import contextlib

import tensorflow.compat.v1 as tf


def behave(verbose=False):
    """Graphs, sessions and reference variables: `sess.run([train_op, loss, global_step])`
    then returns the step after the update, as the notes' printed lines expect. TensorFlow's
    INFO lines ("Restoring parameters from ...") stay off, in a notebook too, and unless
    `verbose`, so does the switch's own deprecation notice."""
    level = tf.logging.get_verbosity()
    if not verbose:
        tf.logging.set_verbosity(tf.logging.ERROR)
    tf.disable_v2_behavior()
    tf.logging.set_verbosity(max(level, tf.logging.WARN))


@contextlib.contextmanager
def graph(seed=None):
    """A fresh graph, the default inside the block, in TF 1.x behaviour, seeded with `seed`
    (None: different every run): each call of backward() or test() builds its own."""
    behave()
    with tf.Graph().as_default() as g:
        tf.set_random_seed(seed)
        yield g

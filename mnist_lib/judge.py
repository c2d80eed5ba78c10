"""The judge: how likely the 28x28 input the classifier is given is one whole digit.

A network trained on MNIST's ten digits only ever chooses among ten digits, often surely, for
a blank page, a letter or a cup as much as for a 7. The judge is a second, small network
beside it (the notes' classifiers stay as they are) that answers one question: is this input
one whole digit? It was trained on data made from MNIST's training digits alone
(mnist_lib/judge_data.py), by `python synthetic/make_judge.py`, and its weights are part of
the library (mnist_lib/judge/, about 450 KB), so it works on a fresh clone.

    judge = Judge()                  # restored once
    judge.whole(inputs)              # [N, 784] -> [N] probabilities of one whole digit
    judge.whole(inputs) < THRESHOLD  # not a digit
"""
import os

import numpy as np
import tensorflow.compat.v1 as tf

from mnist_lib import tf1
from mnist_lib.errors import UsageError, first_line

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'judge')
WEIGHTS = os.path.join(FOLDER, 'judge')  # the checkpoint's prefix (.index, .data-*)
MAKE = 'python synthetic/make_judge.py'  # the command that makes the weights
WITHOUT = (' (without them --noreject still reads single digits, with --serve too; --number '
           'needs them)')
SIZE = 28
CONV1 = 16    # 5x5 filters of the first convolution,
CONV2 = 32    # ... of the second,
HIDDEN = 64   # units of the fully connected layer
THRESHOLD = 0.5  # an input judged less likely than this to be one whole digit is not one


def forward(x, keep_prob=None):
    """x [N, 784] -> logits [N] of 'one whole digit'. Variables under the scope 'judge'."""
    with tf.variable_scope('judge', reuse=tf.AUTO_REUSE):
        images = tf.reshape(x, [-1, SIZE, SIZE, 1])
        conv1 = _pool(tf.nn.relu(_conv(images, 1, CONV1, 'conv1')))     # [N, 14, 14, CONV1]
        conv2 = _pool(tf.nn.relu(_conv(conv1, CONV1, CONV2, 'conv2')))  # [N, 7, 7, CONV2]
        flat = tf.reshape(conv2, [-1, 7 * 7 * CONV2])
        hidden = tf.nn.relu(tf.matmul(flat, _weight('fc1', [7 * 7 * CONV2, HIDDEN]))
                            + _bias('fc1', HIDDEN))
        if keep_prob is not None:
            hidden = tf.nn.dropout(hidden, rate=1.0 - keep_prob)
        return tf.squeeze(tf.matmul(hidden, _weight('fc2', [HIDDEN, 1])) + _bias('fc2', 1),
                          axis=1)


def variables():
    """The judge's weights, to save and restore exactly these (not the optimiser's slots)."""
    return tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='judge/')


class Judge(object):
    """The judge restored from `weights` (default: the library's own), in its own graph and
    session. Raises UsageError, in one line naming the command that makes them, when the
    weights are missing or damaged."""

    def __init__(self, weights=WEIGHTS):
        tf1.behave()
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.x = tf.placeholder(tf.float32, [None, SIZE * SIZE])
            self.probability = tf.sigmoid(forward(self.x))
            saver = tf.train.Saver(variables())
        self.graph.finalize()
        self.sess = tf.Session(graph=self.graph)
        self._run = self.sess.make_callable(self.probability, feed_list=[self.x])
        if not os.path.exists(weights + '.index'):
            raise UsageError('the judge\'s weights are missing (%s.index): make them with %s%s'
                             % (weights, MAKE, WITHOUT))
        try:
            saver.restore(self.sess, weights)
        except (tf.errors.OpError, ValueError) as e:
            raise UsageError('the judge\'s weights in %s are damaged (%s): make them again '
                             'with %s%s' % (os.path.dirname(weights), first_line(e), MAKE,
                                            WITHOUT))

    def whole(self, inputs):
        """[N, 784] float32 inputs -> [N] float: how likely each is one whole digit."""
        if not len(inputs):
            return np.zeros(0, np.float32)
        return self._run(inputs)


def _weight(name, shape):
    return tf.get_variable(name + '_w', shape,
                           initializer=tf.truncated_normal_initializer(stddev=0.1))


def _bias(name, size):
    return tf.get_variable(name + '_b', [size], initializer=tf.zeros_initializer())


def _conv(x, depth, filters, name):
    return tf.nn.conv2d(x, _weight(name, [5, 5, depth, filters]), [1, 1, 1, 1],
                        'SAME') + _bias(name, filters)


def _pool(x):
    return tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME')

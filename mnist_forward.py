"""Lesson 5: the forward pass of the MLP, 784 -> 500 (relu) -> 10 logits.

This module only defines the model; mnist_backward.py trains it, mnist_test.py
and mnist_app.py restore its moving-average weights.
"""
import tensorflow.compat.v1 as tf

INPUT_NODE = 784   # 28 x 28 pixels, flattened
OUTPUT_NODE = 10   # one logit per digit
LAYER1_NODE = 500  # hidden units


def get_weight(shape, regularizer):
    """A weight initialised from a truncated normal (stddev 0.1).

    When `regularizer` is given, regularizer * sum(w ** 2) / 2 joins the
    'losses' collection: what tf.contrib.layers.l2_regularizer computed.
    """
    w = tf.Variable(tf.truncated_normal(shape, stddev=0.1))
    if regularizer is not None:
        tf.add_to_collection('losses', regularizer * tf.nn.l2_loss(w))
    return w


def get_bias(shape):
    """A bias initialised to zeros."""
    b = tf.Variable(tf.zeros(shape))
    return b


def forward(x, regularizer):
    """x: [batch, 784] -> logits [batch, 10] (no softmax: the loss applies it)."""
    w1 = get_weight([INPUT_NODE, LAYER1_NODE], regularizer)
    b1 = get_bias([LAYER1_NODE])
    y1 = tf.nn.relu(tf.matmul(x, w1) + b1)

    w2 = get_weight([LAYER1_NODE, OUTPUT_NODE], regularizer)
    b2 = get_bias([OUTPUT_NODE])
    y = tf.matmul(y1, w2) + b2
    return y

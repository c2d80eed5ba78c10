"""mnist_forward.py shapes and L2 value; the EMA pass the trainer validates with."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

import mnist_forward
from mnist_lib import evaluation

tf.disable_v2_behavior()


def test_forward_shapes_and_variables():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, mnist_forward.INPUT_NODE])
        y = mnist_forward.forward(x, None)
        assert y.shape.as_list() == [None, 10]
        shapes = [v.shape.as_list() for v in tf.trainable_variables()]
        assert shapes == [[784, 500], [500], [500, 10], [10]]
        assert tf.get_collection('losses') == []


def test_l2_loss_is_what_contrib_l2_regularizer_computed():
    with tf.Graph().as_default():
        w = mnist_forward.get_weight([30, 20], 0.25)
        b = mnist_forward.get_bias([20])
        (l2,) = tf.get_collection('losses')
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            w_value, l2_value, b_value = sess.run([w, l2, b])
    assert l2_value == pytest.approx(0.25 * np.sum(w_value ** 2) / 2, rel=1e-5)
    assert np.abs(w_value).max() <= 0.2 + 1e-6  # truncated at two standard deviations
    assert not b_value.any()


def test_ema_forward_reads_the_shadow_weights():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y = mnist_forward.forward(x, 0.1)
        ema = tf.train.ExponentialMovingAverage(0.5)
        ema_op = ema.apply(tf.trainable_variables())
        n_vars = len(tf.global_variables())
        y_ema = evaluation.ema_forward(ema, mnist_forward.forward, x, None)
        assert len(tf.global_variables()) == n_vars  # no new variables
        assert len(tf.get_collection('losses')) == 2  # and no extra L2 terms
        weights = tf.trainable_variables()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(ema_op)  # shadows = the initial weights
            start = sess.run(weights)
            sess.run([w.assign(w * 3.0) for w in weights])
            xs = np.random.default_rng(0).random((4, 784), dtype=np.float32)
            y_value, y_ema_value = sess.run([y, y_ema], {x: xs})
    w1, b1, w2, b2 = start
    expected = np.maximum(xs @ w1 + b1, 0) @ w2 + b2
    assert np.allclose(y_ema_value, expected, atol=1e-4)
    assert not np.allclose(y_value, expected, atol=1e-2)

"""Accuracy over a data set, and the forward pass through the moving-average (EMA) weights."""
import numpy as np
import tensorflow.compat.v1 as tf

EVAL_BATCH = 1000  # images per session run when evaluating (bounds memory)


def ema_forward(ema, forward, *args):
    """Builds forward(*args) a second time, reading the EMA shadow of each weight.

    The new pass asks for its variables in the same order as the first one
    did, so the k-th tf.Variable it creates is answered by the shadow of the
    k-th trainable variable. No variable is created.
    """
    shadows = iter([ema.average(v) for v in tf.trainable_variables()])

    def use_shadow(next_creator, **kwargs):
        del next_creator, kwargs
        return next(shadows)

    with tf.name_scope('ema_forward'), tf.variable_creator_scope(use_shadow):
        return forward(*args)


def accuracy_op(y, y_):
    """Fraction of rows whose largest logit is at the one-hot label."""
    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    return tf.reduce_mean(tf.cast(correct_prediction, tf.float32))


def evaluate(sess, accuracy, x, y_, images, labels, reshape=None):
    """Accuracy over all `images`, EVAL_BATCH at a time to bound memory."""
    total = 0.0
    for start in range(0, len(images), EVAL_BATCH):
        xs = images[start:start + EVAL_BATCH]
        ys = labels[start:start + EVAL_BATCH]
        if reshape is not None:
            xs = reshape(xs)
        total += sess.run(accuracy, feed_dict={x: xs, y_: ys}) * len(xs)
    return total / len(images)


def predict(sess, probabilities, x, images, reshape=None):
    """The [N, 10] probabilities of all `images`, EVAL_BATCH at a time."""
    out = []
    for start in range(0, len(images), EVAL_BATCH):
        xs = images[start:start + EVAL_BATCH]
        out.append(sess.run(probabilities, feed_dict={x: reshape(xs) if reshape else xs}))
    return np.concatenate(out)


class Validation(object):
    """validate(sess) -> the accuracy of the logits `y` on a data set (its .images and
    .labels), e.g. the EMA weights' on MNIST's validation images: what the trainers print."""

    def __init__(self, y, x, y_, data, reshape=None):
        self.accuracy, self.x, self.y_ = accuracy_op(y, y_), x, y_
        self.data, self.reshape = data, reshape

    def __call__(self, sess):
        return evaluate(sess, self.accuracy, self.x, self.y_, self.data.images, self.data.labels,
                        self.reshape)

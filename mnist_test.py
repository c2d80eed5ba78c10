"""Lesson 5: watch ./model/ and print the test accuracy of each new checkpoint.

    python mnist_test.py          # beside a running mnist_backward.py
    python mnist_test.py --once   # the latest checkpoint, then exit

The moving-average (EMA) weights are restored, as the notes do.
"""
import tensorflow.compat.v1 as tf

import input_data
import mnist_backward
import mnist_forward
import mnist_util

TEST_INTERVAL_SECS = 5  # seconds between looks for a new checkpoint


def test(mnist, model_dir=mnist_backward.MODEL_SAVE_PATH, once=False,
         interval_secs=TEST_INTERVAL_SECS, steps=mnist_backward.STEPS):
    """Returns the exit status: 0 once evaluated, 1 with `once` and no checkpoint."""
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, mnist_forward.INPUT_NODE])
        y_ = tf.placeholder(tf.float32, [None, mnist_forward.OUTPUT_NODE])
        y = mnist_forward.forward(x, None)

        ema = tf.train.ExponentialMovingAverage(mnist_backward.MOVING_AVERAGE_DECAY)
        ema_restore = ema.variables_to_restore()
        saver = tf.train.Saver(ema_restore)

        accuracy = mnist_util.accuracy_op(y, y_)
        g.finalize()  # the graph is built once; polling adds nothing to it
        with tf.Session(config=mnist_util.session_config()) as sess:
            return mnist_util.watch(
                saver, sess, model_dir,
                lambda: mnist_util.evaluate(sess, accuracy, x, y_,
                                            mnist.test.images, mnist.test.labels),
                once, interval_secs, steps)


def main(argv):
    del argv
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
    return test(mnist, FLAGS.model_dir, FLAGS.once, FLAGS.interval_secs, FLAGS.steps)


FLAGS = mnist_util.FLAGS

if __name__ == '__main__':
    mnist_util.define_test_flags(mnist_backward.MODEL_SAVE_PATH, mnist_backward.STEPS,
                                 TEST_INTERVAL_SECS)
    mnist_util.run(main)

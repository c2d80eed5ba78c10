"""Lesson 7: watch ./model/lenet5/ and print the test accuracy of each new checkpoint.

    python mnist_lenet5_test.py          # beside a running mnist_lenet5_backward.py
    python mnist_lenet5_test.py --once   # the latest checkpoint, then exit

The 10000 test images go through the moving-average (EMA) weights, without dropout.
"""
if __name__ == '__main__':  # before TensorFlow is imported: see mnist_lib/quiet.py
    from mnist_lib import quiet
    quiet.hush()

import tensorflow.compat.v1 as tf
from absl import flags

import input_data
import mnist_lenet5_backward
import mnist_lenet5_forward
from mnist_lib import cli
from mnist_lib import evaluation
from mnist_lib import precision
from mnist_lib import report
from mnist_lib import tf1
from mnist_lib import watcher

TEST_INTERVAL_SECS = 5  # seconds between looks for a new checkpoint


def test(mnist, model_dir=mnist_lenet5_backward.MODEL_SAVE_PATH, once=False,
         interval_secs=TEST_INTERVAL_SECS, steps=mnist_lenet5_backward.STEPS,
         fc_size=mnist_lenet5_forward.FC_SIZE, report_dir=None):
    """Returns the exit status: 0 once evaluated, 1 with `once` and no checkpoint."""
    with tf1.graph() as g:
        x = tf.placeholder(tf.float32, [None, mnist_lenet5_forward.IMAGE_SIZE,
                                        mnist_lenet5_forward.IMAGE_SIZE,
                                        mnist_lenet5_forward.NUM_CHANNELS])
        y_ = tf.placeholder(tf.float32, [None, mnist_lenet5_forward.OUTPUT_NODE])
        y = mnist_lenet5_forward.forward(x, False, None, fc_size)

        ema = tf.train.ExponentialMovingAverage(mnist_lenet5_backward.MOVING_AVERAGE_DECAY)
        ema_restore = ema.variables_to_restore()
        saver = tf.train.Saver(ema_restore)

        accuracy = evaluation.accuracy_op(y, y_)
        probabilities = tf.nn.softmax(y)
        g.finalize()  # the graph is built once; polling adds nothing to it
        with tf.Session(config=precision.session_config()) as sess:

            def evaluate():
                return evaluation.evaluate(sess, accuracy, x, y_, mnist.test.images,
                                           mnist.test.labels, mnist_lenet5_backward.reshape)

            def write_report():
                predicted = evaluation.predict(sess, probabilities, x, mnist.test.images,
                                               mnist_lenet5_backward.reshape)
                return report.write(mnist.test.images, mnist.test.labels.argmax(axis=1),
                                    predicted, report_dir)

            return watcher.watch(saver, sess, model_dir, evaluate, once, interval_secs, steps,
                                 write_report if report_dir else None)


def main(argv):
    del argv
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
    return test(mnist, FLAGS.model_dir, FLAGS.once, FLAGS.interval_secs, FLAGS.steps,
                FLAGS.fc_size, cli.report_dir() if FLAGS.report else None)


FLAGS = cli.FLAGS

if __name__ == '__main__':
    cli.define_test_flags(mnist_lenet5_backward.MODEL_SAVE_PATH, mnist_lenet5_backward.STEPS,
                          TEST_INTERVAL_SECS)
    flags.DEFINE_integer('fc_size', mnist_lenet5_forward.FC_SIZE, 'Units of the fully '
                         'connected layer, as trained.', lower_bound=1)
    cli.run(main, errors=(input_data.DataError,))

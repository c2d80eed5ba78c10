"""Lesson 5: watch ./model/ and print the test accuracy of each new checkpoint.

    python mnist_test.py          # beside a running mnist_backward.py
    python mnist_test.py --once   # the latest checkpoint, then exit

The moving-average (EMA) weights are restored, as the notes do.
"""
if __name__ == '__main__':  # before TensorFlow is imported: see mnist_lib/quiet.py
    from mnist_lib import quiet
    quiet.hush()

import os

import tensorflow.compat.v1 as tf

import input_data
import mnist_backward
import mnist_forward
import mnist_generateds
from mnist_lib import cli
from mnist_lib import evaluation
from mnist_lib import precision
from mnist_lib import queue_runners
from mnist_lib import report
from mnist_lib import tf1
from mnist_lib import watcher

TEST_INTERVAL_SECS = 5  # seconds between looks for a new checkpoint


def test(mnist, model_dir=mnist_backward.MODEL_SAVE_PATH, once=False,
         interval_secs=TEST_INTERVAL_SECS, steps=mnist_backward.STEPS, tfrecord_dir=None,
         report_dir=None):
    """Returns the exit status: 0 once evaluated, 1 with `once` and no checkpoint.

    With `tfrecord_dir` (lesson 6.2) the test images come from its
    mnist_test.tfrecords: one batch of all its records, through queue runners.
    """
    with tf1.graph() as g:
        if tfrecord_dir:
            TEST_NUM = mnist_generateds.count_records(
                os.path.join(tfrecord_dir, mnist_generateds.TEST_NAME))
            img_batch, label_batch = mnist_generateds.get_tfrecord(TEST_NUM, False, tfrecord_dir)
        x = tf.placeholder(tf.float32, [None, mnist_forward.INPUT_NODE])
        y_ = tf.placeholder(tf.float32, [None, mnist_forward.OUTPUT_NODE])
        y = mnist_forward.forward(x, None)

        ema = tf.train.ExponentialMovingAverage(mnist_backward.MOVING_AVERAGE_DECAY)
        ema_restore = ema.variables_to_restore()
        saver = tf.train.Saver(ema_restore)

        accuracy = evaluation.accuracy_op(y, y_)
        probabilities = tf.nn.softmax(y)
        g.finalize()  # the graph is built once; polling adds nothing to it
        with tf.Session(config=precision.session_config()) as sess:
            if tfrecord_dir:
                with queue_runners.QueueRunners(sess) as queues:
                    images, labels = queues.run([img_batch, label_batch])
            else:
                images, labels = mnist.test.images, mnist.test.labels

            def evaluate():
                return evaluation.evaluate(sess, accuracy, x, y_, images, labels)

            def write_report():
                predicted = evaluation.predict(sess, probabilities, x, images)
                return report.write(images, labels.argmax(axis=1), predicted, report_dir)

            return watcher.watch(saver, sess, model_dir, evaluate, once, interval_secs, steps,
                                 write_report if report_dir else None)


def main(argv):
    del argv
    tfrecord_dir = FLAGS.data_dir if FLAGS.data == 'tfrecord' else None
    mnist = None if tfrecord_dir else input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
    return test(mnist, FLAGS.model_dir, FLAGS.once, FLAGS.interval_secs, FLAGS.steps,
                tfrecord_dir, cli.report_dir() if FLAGS.report else None)


FLAGS = cli.FLAGS

if __name__ == '__main__':
    cli.define_test_flags(mnist_backward.MODEL_SAVE_PATH, mnist_backward.STEPS,
                          TEST_INTERVAL_SECS)
    cli.define_data_flag()
    cli.run(main, errors=(input_data.DataError,))

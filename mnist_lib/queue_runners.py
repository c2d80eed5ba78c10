"""The notes' queue runners (lesson 6.2's TFRecords), for the trainers and the watcher."""
import tensorflow.compat.v1 as tf

from mnist_lib.errors import UsageError, first_line


class QueueRunners(object):
    """The notes' Coordinator + start_queue_runners, stopped and joined on the way out.

    run() fetches from the queues with a time limit, so that a pipeline that
    cannot deliver is an error instead of a hang. Without queue runners in the
    graph it does nothing.
    """

    TIMEOUT_SECS = 120

    def __init__(self, sess):
        self.sess = sess

    def __enter__(self):
        self.coord = tf.train.Coordinator()
        self.threads = tf.train.start_queue_runners(sess=self.sess, coord=self.coord)
        return self

    def run(self, fetches, feed_dict=None):
        """sess.run, with a time limit only where the queues are read from."""
        if feed_dict is not None or not self.threads:
            return self.sess.run(fetches, feed_dict=feed_dict)
        options = tf.RunOptions(timeout_in_ms=self.TIMEOUT_SECS * 1000)
        try:
            return self.sess.run(fetches, options=options)
        except (tf.errors.DeadlineExceededError, tf.errors.OutOfRangeError,
                tf.errors.DataLossError, tf.errors.CancelledError) as e:
            raise UsageError('reading the records failed (%s)' % first_line(e))

    def __exit__(self, kind, error, trace):
        self.coord.request_stop()
        try:
            self.coord.join(self.threads, stop_grace_period_secs=5, ignore_live_threads=True)
        except tf.errors.OpError as e:  # a queue thread's: records that hold no MNIST Example
            if error is None or isinstance(error, UsageError):  # (it said: the queue closed)
                raise UsageError('reading the records failed (%s)' % first_line(e))

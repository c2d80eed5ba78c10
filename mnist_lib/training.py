"""The plumbing around the notes' training loop: restore or start, stop on a signal and
save, time the steps, save and validate, run the queue runners, say how it ended."""
import os
import signal
import time

import tensorflow.compat.v1 as tf

from mnist_lib.errors import UsageError, first_line

SAVE_EVERY = 1000  # the notes save every 1000 steps


def restore_or_init(sess, saver, model_dir, global_step):
    """Initialises the variables, then restores the latest checkpoint in `model_dir` if any.

    Returns the global step to continue from (0 for a fresh start).
    """
    try:
        os.makedirs(model_dir, exist_ok=True)
    except OSError as e:
        raise UsageError('cannot use %s as the model folder (%s)' % (model_dir, e.strerror))
    sess.run(tf.global_variables_initializer())
    ckpt = tf.train.get_checkpoint_state(model_dir)
    if ckpt and ckpt.model_checkpoint_path:
        try:
            saver.restore(sess, ckpt.model_checkpoint_path)
        except (tf.errors.OpError, ValueError) as e:
            raise UsageError('cannot resume from %s (%s); train in another --model_dir or delete '
                             'that folder.' % (ckpt.model_checkpoint_path, first_line(e)))
        print('Resuming from %s' % ckpt.model_checkpoint_path)
    return int(sess.run(global_step))


class StopSignal(object):
    """Turns the first Ctrl-C (SIGINT) or SIGTERM into a request to save and stop.

    A second one ends the process at once, without saving.
    """

    def __init__(self):
        self.requested = None
        self._previous = {}

    def _handle(self, signum, frame):
        if self.requested:
            print('Stopping without saving.', flush=True)
            os._exit(128 + signum)
        self.requested = signal.Signals(signum).name

    def __enter__(self):
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


class Progress(object):
    """Times training steps between reports and writes the TensorBoard scalars.

    Checkpointing and validation happen between two timed stretches, so the
    images/s figure is training alone.
    """

    def __init__(self, model_dir, batch_size, graph):
        self.batch_size = batch_size
        self.writer = tf.summary.FileWriter(model_dir, graph)
        self.restart()

    def restart(self):
        self.steps, self.feed_secs, self.run_secs = 0, 0.0, 0.0
        self.started = time.perf_counter()

    def step(self, feed_secs, run_secs):
        self.steps += 1
        self.feed_secs += feed_secs
        self.run_secs += run_secs

    def scalars(self, step, **values):
        summary = tf.Summary(value=[tf.Summary.Value(tag=tag, simple_value=float(value))
                                    for tag, value in sorted(values.items())])
        self.writer.add_summary(summary, step)

    def report_speed(self, step):
        """Prints images/s since restart(), with the time per step split in three."""
        if not self.steps:
            return
        wall = time.perf_counter() - self.started
        ms = 1000.0 / self.steps
        print('After %d training step(s), %.0f images/s (per step: feeding %.2f ms, '
              'session run %.2f ms, other %.2f ms).'
              % (step, self.steps * self.batch_size / wall, self.feed_secs * ms,
                 self.run_secs * ms, (wall - self.feed_secs - self.run_secs) * ms))
        self.scalars(step, images_per_sec=self.steps * self.batch_size / wall)

    def close(self):
        self.writer.close()


def save_and_validate(sess, saver, save_path, global_step, validate, progress):
    """Reports the speed since the last save, then the notes' saver.save, then the validation
    accuracy of the EMA weights (as in 002, when `validate` gives one). The timer restarts
    after all that, so the images/s figure is training alone."""
    step = int(sess.run(global_step))
    progress.report_speed(step)
    path = saver.save(sess, save_path, global_step=global_step)
    accuracy = validate()
    if accuracy is not None:
        print('After %d training step(s), validation accuracy using average model is %g'
              % (step, accuracy))
        progress.scalars(step, validation_accuracy=accuracy)
    progress.writer.flush()
    progress.restart()
    return path


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

    def __exit__(self, *exc):
        self.coord.request_stop()
        self.coord.join(self.threads, stop_grace_period_secs=5, ignore_live_threads=True)


def say_how_it_ended(stop, step, steps, path, model_dir):
    if stop.requested:
        print('Stopped by %s at step %d; saved %s. Run again to resume.'
              % (stop.requested, step, path or 'nothing new'))
    elif step >= steps:
        print('Reached %d steps; the model is in %s.' % (steps, model_dir))

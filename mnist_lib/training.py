"""The plumbing around the notes' training loop, written once for both trainers: restore or
start, stop on a signal and save (mnist_lib/stop_signal.py), time the steps, save and
validate, run the queue runners (mnist_lib/queue_runners.py), say how it ended. backward()
keeps the notes' loop and hands the rest to a Trainer:

    with training.Trainer(saver, global_step, model_dir, MODEL_NAME, steps, batch_size,
                          save_every, mixed_precision, validate) as trainer:
        while trainer.running():
            xs, ys = mnist.train.next_batch(batch_size)
            _, loss_value, step = trainer.run([train_op, loss, global_step], {x: xs, y_: ys})
            if step % print_every == 0 or step == steps:
                print("After %d training step(s), loss on training batch is %g." % ...)
            trainer.save_if_due(step)
"""
import os
import time

import numpy as np
import tensorflow.compat.v1 as tf

from mnist_lib import checkpoints
from mnist_lib import precision
from mnist_lib.errors import UsageError, first_line
from mnist_lib.queue_runners import QueueRunners
from mnist_lib.stop_signal import StopSignal, stopped  # noqa: F401  (training.StopSignal)

SAVE_EVERY = 1000   # the notes save every 1000 steps
SAVE_TRIES = 5      # a save refused by the file system (Windows: the watcher or TensorBoard
SAVE_RETRY_SECS = 1  # holds the file, "Failed to rename ... Access is denied") is tried again


class Trainer(object):
    """A session for the graph being built, restored from `model_dir` or started afresh,
    with everything around the loop: stop signals, timing, saving and validating.

    `validate(sess)` returns the validation accuracy of the EMA weights, or None (no
    validation line). The loop ends when global_step reaches `steps` or on Ctrl-C/SIGTERM.
    `lower` names what to make smaller when the loss diverges ('--learning_rate or
    --regularizer').
    """

    def __init__(self, saver, global_step, model_dir, model_name, steps, batch_size,
                 save_every=SAVE_EVERY, mixed_precision=False, validate=None,
                 lower='learning rate'):
        self.saver, self.global_step, self.model_dir = saver, global_step, model_dir
        self.save_path = os.path.join(model_dir, model_name)
        self.steps, self.save_every, self.validate = steps, save_every, validate
        self.config = precision.session_config(mixed_precision)
        self.batch_size, self.lower = batch_size, lower
        self.step, self.saved = 0, None

    def __enter__(self):
        self.lock = checkpoints.hold(self.model_dir)
        self.sess = tf.Session(config=self.config)
        try:
            self.step = restore_or_init(self.sess, self.saver, self.model_dir, self.global_step)
        except BaseException:
            self.sess.close()
            self.lock.close()
            raise
        self.sess.graph.finalize()  # the loop adds no ops: memory stays flat
        self.progress = Progress(self.model_dir, self.batch_size, self.sess.graph)
        self.stop = StopSignal().__enter__()
        self.queues = QueueRunners(self.sess).__enter__()
        self._last = time.perf_counter()
        return self

    def running(self):
        return self.step < self.steps and not self.stop.requested

    def run(self, fetches, feed_dict=None):
        """One training step's sess.run; the time since the last one counts as feeding."""
        started = time.perf_counter()
        result = self.queues.run(fetches, feed_dict)
        self._last, fed = time.perf_counter(), started - self._last
        self.progress.step(fed, self._last - started)
        diverged = [v for v in (result if isinstance(result, (list, tuple)) else [result])
                    if isinstance(v, (float, np.floating)) and not np.isfinite(v)]
        if diverged:  # saved, such weights would be all a resumed run could start from
            raise UsageError('the loss became %s after step %d: the weights diverged and are '
                             'not saved (the last checkpoint in %s, if any, stays); try a '
                             'smaller %s' % (diverged[0], self.step, self.model_dir, self.lower))
        return result

    def scalars(self, step, **values):
        """Writes TensorBoard scalars; tensors among the values are evaluated first."""
        tensors = {k: v for k, v in values.items() if isinstance(v, tf.Tensor)}
        values.update(zip(tensors, self.sess.run(list(tensors.values()))))
        self.progress.scalars(step, **values)

    def save_if_due(self, step):
        """Saves (and validates) every `save_every` steps, at the last step and when asked to
        stop."""
        self.step = step
        if step % self.save_every == 0 or step == self.steps or self.stop.requested:
            self.progress.report_speed(step)
            self._hold_again()
            with self.stop.saving():
                self.saved = save(self.sess, self.saver, self.save_path, self.global_step)
                if self.stop.requested:
                    self.stop.saved = (step, self.saved)
            accuracy = self.validate(self.sess) if self.validate else None
            if accuracy is not None:
                print('After %d training step(s), validation accuracy using average model is %g'
                      % (step, accuracy))
                self.progress.scalars(step, validation_accuracy=accuracy)
            self.progress.writer.flush()
            self.progress.restart()
            self._last = time.perf_counter()

    def _hold_again(self):
        """Before a save: where the model folder was removed while training, makes it again
        and locks it, or stops (UsageError) where another trainer took it meanwhile: the two
        would write the same checkpoint names over each other."""
        if checkpoints.still_held(self.lock, self.model_dir):
            return
        self.lock.close()
        try:
            self.lock = checkpoints.hold(self.model_dir)
        except UsageError as e:  # (__exit__ closes the old lock again: no harm)
            raise UsageError('%s was removed while this trainer ran, which stops without '
                             'saving its steps since the last checkpoint: %s'
                             % (self.model_dir, e))
        print('%s was removed while training: made again for the next checkpoints.'
              % self.model_dir)

    def __exit__(self, *exc):
        if exc[0] is not None and issubclass(exc[0], BrokenPipeError) and self.step:
            # The reader of our output went away: `| tee log` ended by the same Ctrl-C, before
            # this run's stop-time save. The work since the last save is kept all the same.
            with self.stop.saving():
                self.saved = save(self.sess, self.saver, self.save_path, self.global_step)
        self.queues.__exit__(*exc)
        self.stop.__exit__(*exc)
        self.progress.close()
        self.sess.close()
        self.lock.close()
        if exc[0] is None:
            say_how_it_ended(self.stop, self.step, self.steps, self.saved, self.model_dir)


def save(sess, saver, save_path, global_step, tries=SAVE_TRIES):
    """The notes' saver.save, tried again a few times when the file system refuses it."""
    for attempt in range(tries):
        try:
            return saver.save(sess, save_path, global_step=global_step)
        except (tf.errors.OpError, OSError) as e:
            if attempt == tries - 1:
                raise UsageError('cannot save the checkpoint %s (%s); is another program '
                                 'holding the file?' % (save_path, first_line(e)))
            time.sleep(SAVE_RETRY_SECS)


def restore_or_init(sess, saver, model_dir, global_step):
    """Initialises the variables, then restores the latest checkpoint in `model_dir` if any.

    Returns the global step to continue from (0 for a fresh start).
    """
    sess.run(tf.global_variables_initializer())
    ckpt = checkpoints.state(model_dir)
    if ckpt and ckpt.model_checkpoint_path:
        try:
            saver.restore(sess, ckpt.model_checkpoint_path)
        except (tf.errors.OpError, ValueError) as e:
            raise UsageError('cannot resume from %s (%s); train in another --model_dir or delete '
                             'that folder.' % (ckpt.model_checkpoint_path, first_line(e)))
        print('Resuming from %s' % ckpt.model_checkpoint_path)
    return int(sess.run(global_step))


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


def say_how_it_ended(stop, step, steps, path, model_dir):
    if stop.requested:
        print(stopped(stop.requested, step, path))
    elif step >= steps:
        print('Reached %d steps; the model is in %s.' % (steps, model_dir))

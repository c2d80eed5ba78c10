"""What the course scripts share: paths, flags, the entry point, and the plumbing
around the notes' training loop (resume, save, stop on a signal, report) and
around their test loop (watch a checkpoint folder, evaluate each new one once).

Nothing here runs at import; the scripts call it from main().
"""
import os
import signal
import sys
import time

from absl import app
from absl import flags
import tensorflow.compat.v1 as tf

import input_data

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, 'data')    # the notes' './data/', found from this folder
MODEL_DIR = os.path.join(HERE, 'model')  # the notes' './model/', found from this folder
SAVE_EVERY = 1000                        # the notes save every 1000 steps
EVAL_BATCH = 1000                        # images per session run when evaluating (bounds memory)
RESTORE_TRIES = 5                        # failed restores of one checkpoint before giving up

FLAGS = flags.FLAGS


class UsageError(Exception):
    """Bad input from the user; main() prints the message on one line and exits 1."""


# ------------------------------------------------------------------- flags

def define_train_flags(steps, batch_size, model_dir, print_every):
    """The trainer's flags; the defaults are the course constants passed in."""
    flags.DEFINE_integer('steps', steps, 'Train until global_step reaches this, counting the '
                         'steps of earlier runs that this one resumes.', lower_bound=1)
    flags.DEFINE_integer('batch_size', batch_size, 'Images per training step.', lower_bound=1)
    flags.DEFINE_string('model_dir', model_dir, 'Checkpoints and TensorBoard summaries go here; '
                        'training resumes from the latest checkpoint in it.')
    flags.DEFINE_string('data_dir', DATA_DIR, 'Folder of the MNIST .gz files (fetched if missing).')
    flags.DEFINE_integer('save_every', SAVE_EVERY, 'Save a checkpoint and report validation '
                         'accuracy every this many steps (and at the last step).', lower_bound=1)
    flags.DEFINE_integer('print_every', print_every, "Print the notes' loss line every this many "
                         'steps.', lower_bound=1)
    flags.DEFINE_integer('seed', None, 'Seed for the initial weights and the batch order; '
                         'unset: different every run.')


def define_test_flags(model_dir, steps, interval_secs):
    """The watcher's flags; the defaults are the course constants passed in."""
    flags.DEFINE_string('model_dir', model_dir, 'Checkpoint folder to watch.')
    flags.DEFINE_string('data_dir', DATA_DIR, 'Folder of the MNIST .gz files (fetched if missing).')
    flags.DEFINE_bool('once', False, 'Evaluate the latest checkpoint once and exit.')
    flags.DEFINE_float('interval_secs', interval_secs, 'Seconds between looks for a new '
                       'checkpoint.', lower_bound=0)
    flags.DEFINE_integer('steps', steps, 'Stop watching once the checkpoint of this step has '
                         'been evaluated (the trainer\'s --steps).', lower_bound=1)


def define_data_flag():
    flags.DEFINE_enum('data', 'input_data', ['input_data', 'tfrecord'], 'input_data: MNIST '
                      'from --data_dir in memory; tfrecord: lesson 6.2, the .tfrecords files '
                      'in --data_dir (made by mnist_generateds.py) through queue runners.')


def run(main, takes_args=False):
    """absl's app.run with TF1 behaviour, and one-line errors instead of tracebacks."""
    def wrapped(argv):
        if len(argv) > 1 and not takes_args:
            raise app.UsageError('unexpected argument(s): %s' % ' '.join(argv[1:]))
        tf.logging.set_verbosity(tf.logging.ERROR)  # TF's deprecation chatter, not ours
        tf.disable_v2_behavior()
        try:
            return main(argv)
        except (input_data.DataError, UsageError) as e:
            sys.exit('%s: error: %s' % (os.path.basename(sys.argv[0]), e))
        except KeyboardInterrupt:
            sys.exit('%s: interrupted.' % os.path.basename(sys.argv[0]))
    app.run(wrapped)


def session_config():
    """Session options, measured in benchmarks/: see README, 'Speed'."""
    return tf.ConfigProto()


# ---------------------------------------------------------------- training

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


def first_line(error):
    text = getattr(error, 'message', None) or str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


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


# ----------------------------------------------------------------- testing

def watch(saver, sess, model_dir, evaluate_fn, once, interval_secs, last_step):
    """The notes' test loop: restore each new checkpoint once and print its test accuracy.

    Returns the exit status: 0 after evaluating (once, or the checkpoint of
    `last_step`), 1 with --once and no checkpoint. A checkpoint deleted or
    still being written while we read it is tried again at the next poll; one
    that keeps failing is not this model's, which is an error.
    """
    evaluated = failed = None
    failures = 0
    waiting_said = False
    while True:
        path = _latest_checkpoint(model_dir)
        if path is None:
            if not waiting_said:
                print('No checkpoint file found', flush=True)
                waiting_said = True
            if once:
                return 1
        elif path != evaluated:
            try:
                saver.restore(sess, path)
            except (tf.errors.OpError, ValueError) as e:
                failures = failures + 1 if path == failed else 1
                failed = path
                if failures >= RESTORE_TRIES:
                    raise UsageError('cannot restore %s (%s); is it a checkpoint of this model?'
                                     % (path, first_line(e)))
                time.sleep(min(interval_secs, 1.0))
                continue  # rotated away or half-written: look again
            global_step = os.path.basename(path).split('-')[-1]
            print('After %s training step(s), test accuracy = %g'
                  % (global_step, evaluate_fn()), flush=True)
            evaluated = path
            if once or (global_step.isdigit() and int(global_step) >= last_step):
                return 0
        time.sleep(interval_secs)


def _latest_checkpoint(model_dir):
    try:
        ckpt = tf.train.get_checkpoint_state(model_dir)
    except (tf.errors.OpError, ValueError):
        return None  # the 'checkpoint' file is being replaced: look again later
    return ckpt.model_checkpoint_path if ckpt and ckpt.model_checkpoint_path else None

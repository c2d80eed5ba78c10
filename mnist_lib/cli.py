"""The scripts' entry point: their flags (defaults are the course constants), absl's app.run
with TF1 behaviour, and one-line errors instead of tracebacks."""
import os
import sys

from absl import app
from absl import flags
import tensorflow.compat.v1 as tf

from mnist_lib import paths
from mnist_lib import quiet
from mnist_lib import training
from mnist_lib.errors import UsageError

FLAGS = flags.FLAGS


def define_train_flags(steps, batch_size, model_dir, print_every):
    """The trainer's flags; the defaults are the course constants passed in."""
    flags.DEFINE_integer('steps', steps, 'Train until global_step reaches this, counting the '
                         'steps of earlier runs that this one resumes.', lower_bound=1)
    flags.DEFINE_integer('batch_size', batch_size, 'Images per training step.', lower_bound=1)
    flags.DEFINE_string('model_dir', model_dir, 'Checkpoints and TensorBoard summaries go here; '
                        'training resumes from the latest checkpoint in it.')
    flags.DEFINE_string('data_dir', paths.DATA_DIR, 'Folder of the MNIST .gz files (fetched if '
                        'missing).')
    flags.DEFINE_integer('save_every', training.SAVE_EVERY, 'Save a checkpoint and report '
                         'validation accuracy every this many steps (and at the last step).',
                         lower_bound=1)
    flags.DEFINE_integer('print_every', print_every, "Print the notes' loss line every this many "
                         'steps.', lower_bound=1)
    flags.DEFINE_integer('seed', None, 'Seed for the initial weights and the batch order; '
                         'unset: different every run.')
    flags.DEFINE_bool('mixed_precision', False, 'Compute in bfloat16 (CPU with AVX512_BF16/AMX) '
                      'or float16 (GPU); variables and checkpoints stay float32.')


def define_test_flags(model_dir, steps, interval_secs):
    """The watcher's flags; the defaults are the course constants passed in."""
    flags.DEFINE_string('model_dir', model_dir, 'Checkpoint folder to watch.')
    flags.DEFINE_string('data_dir', paths.DATA_DIR, 'Folder of the MNIST .gz files (fetched if '
                        'missing).')
    flags.DEFINE_bool('once', False, 'Evaluate the latest checkpoint once and exit.')
    flags.DEFINE_float('interval_secs', interval_secs, 'Seconds between looks for a new '
                       'checkpoint.', lower_bound=0)
    flags.DEFINE_integer('steps', steps, 'Stop watching once the checkpoint of this step has '
                         'been evaluated (the trainer\'s --steps).', lower_bound=1)
    flags.DEFINE_bool('report', False, 'For the last checkpoint evaluated: a per-digit table, '
                      'and confusion.png and mistakes.png in --report_dir.')
    flags.DEFINE_string('report_dir', None, 'Where --report writes (default: <model_dir>/report).')


def define_data_flag():
    flags.DEFINE_enum('data', 'input_data', ['input_data', 'tfrecord'], 'input_data: MNIST '
                      'from --data_dir in memory; tfrecord: lesson 6.2, the .tfrecords files '
                      'in --data_dir (made by mnist_generateds.py) through queue runners.')


def run(main, takes_args=False, errors=()):
    """absl's app.run with TF1 behaviour, and one-line errors instead of tracebacks: for
    UsageError and for the exception types in `errors` (input_data.DataError, say).

    TensorFlow's own log lines are shown only with --verbose (or TF_CPP_MIN_LOG_LEVEL set):
    the scripts call quiet.hush() before they import TensorFlow.
    """
    flags.DEFINE_bool('verbose', False, "Show TensorFlow's own log lines (start-up, "
                      'deprecations), as TensorFlow prints them.')

    def wrapped(argv):
        if len(argv) > 1 and not takes_args:
            raise app.UsageError('unexpected argument(s): %s' % ' '.join(argv[1:]))
        if not FLAGS.verbose:
            tf.logging.set_verbosity(tf.logging.ERROR)  # TF's deprecation chatter, not ours
        tf.disable_v2_behavior()
        try:
            status = main(argv)
        except (UsageError,) + tuple(errors) as e:
            leave(1, '%s: error: %s' % (os.path.basename(sys.argv[0]), e))
        except KeyboardInterrupt:
            leave(1, '%s: interrupted.' % os.path.basename(sys.argv[0]))
        leave(status or 0)
    app.run(wrapped)


def leave(status, message=None):
    """Ends the process at once, after flushing: Python's own shutdown with TensorFlow loaded
    takes 0.6 s and does nothing we need (every file we write is closed by then)."""
    if message:
        print(message, file=sys.stderr)
    sys.stdout.flush()
    quiet.finish()
    os._exit(status)


def session_config():
    """Session options, measured in benchmarks/: see README, 'Speed'."""
    return tf.ConfigProto()


def report_dir():
    """--report_dir, or the model folder's report/."""
    return FLAGS.report_dir or os.path.join(FLAGS.model_dir, 'report')

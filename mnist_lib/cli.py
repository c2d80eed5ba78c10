"""The scripts' entry point: their flags (defaults are the course constants), absl's app.run
with TF1 behaviour, and one-line errors instead of tracebacks."""
import os
import shlex
import signal
import sys

from absl import app
from absl import flags
import tensorflow.compat.v1 as tf

from mnist_lib import files
from mnist_lib import paths
from mnist_lib import quiet
from mnist_lib import tf1
from mnist_lib import training
from mnist_lib.errors import UsageError, escaped, first_line

FLAGS = flags.FLAGS
TRAIN_IMAGES = 55000  # MNIST's training split: 60000 less the loader's 5000 for validation
FLOAT32_MAX = float(tf.float32.max)  # a float flag past it is inf in the graph (numpy warned)


def define_train_flags(steps, batch_size, model_dir, print_every):
    """The trainer's flags, defined afresh (fresh_flags); the defaults are the course
    constants passed in."""
    fresh_flags()
    flags.DEFINE_integer('steps', steps, 'Train until global_step reaches this, counting the '
                         'steps of earlier runs that this one resumes.', lower_bound=1)
    flags.DEFINE_integer('batch_size', batch_size, 'Images per training step.', lower_bound=1,
                         upper_bound=TRAIN_IMAGES)
    flags.DEFINE_string('model_dir', model_dir, 'Checkpoints and TensorBoard summaries go here; '
                        'training resumes from the latest checkpoint in it.')
    flags.DEFINE_string('data_dir', paths.DATA_DIR, 'Folder of the MNIST .gz files (fetched if '
                        'missing).')
    flags.DEFINE_integer('save_every', training.SAVE_EVERY, 'Save a checkpoint and report '
                         'validation accuracy every this many steps (and at the last step).',
                         lower_bound=1)
    flags.DEFINE_integer('print_every', print_every, "Print the notes' loss line every this many "
                         'steps.', lower_bound=1)
    flags.DEFINE_integer('seed', None, 'Seed for the initial weights and the batch order '
                         '(default: none, different every run).', lower_bound=0,
                         upper_bound=2 ** 31 - 3)  # (the loader seeds its splits seed..seed+2)
    flags.DEFINE_bool('mixed_precision', False, 'Compute in bfloat16 (CPU with AVX512_BF16/AMX) '
                      'or float16 (GPU); variables and checkpoints stay float32.')
    flags.DEFINE_bool('augment', False, 'Distort part of each training batch at random '
                      '(rotation, slant, size, shift, stroke width), for your own photos and '
                      'drawings; validation and test images stay as they are. A run may resume '
                      'with it on or off.')


def define_test_flags(model_dir, steps, interval_secs):
    """The watcher's flags, defined afresh (fresh_flags); the defaults are the course
    constants passed in."""
    fresh_flags()
    flags.DEFINE_string('model_dir', model_dir, 'Checkpoint folder to watch.')
    flags.DEFINE_string('data_dir', paths.DATA_DIR, 'Folder of the MNIST .gz files (fetched if '
                        'missing).')
    flags.DEFINE_bool('once', False, 'Evaluate the latest checkpoint once and exit.')
    flags.DEFINE(_PositiveFloat(upper_bound=24 * 3600), 'interval_secs', interval_secs,
                 'Seconds between looks for a new checkpoint.',
                 serializer=flags.ArgumentSerializer())
    flags.DEFINE_integer('steps', steps, 'Stop watching once the checkpoint of this step has '
                         'been evaluated (the trainer\'s --steps).', lower_bound=1)
    flags.DEFINE_bool('report', False, 'For the last checkpoint evaluated: a per-digit table, '
                      'and confusion.png and mistakes.png in --report_dir.')
    flags.DEFINE_string('report_dir', None, 'Where --report writes (default: <model_dir>/report).')


class _PositiveFloat(flags.FloatParser):
    """A float flag's parser for the range (0, upper_bound]: absl's bounds hold both ends, and
    0 is no interval (the watcher looked again at once, busy-looping)."""

    def __init__(self, upper_bound):
        super().__init__(0, upper_bound)
        self.syntactic_help = 'a number in the range (0, %s]' % upper_bound

    def is_outside_bounds(self, val):
        return val <= 0 or super().is_outside_bounds(val)


def define_data_flag():
    flags.DEFINE_enum('data', 'input_data', ['input_data', 'tfrecord'], 'input_data: MNIST '
                      'from --data_dir in memory; tfrecord: lesson 6.2, the .tfrecords files '
                      'in --data_dir (made by mnist_generateds.py) through queue runners.')


def fresh_flags():
    """Forgets the flags of the script run before in this process (a notebook's %run), so that
    the next script defines its own afresh and no value carries over; absl's and TensorFlow's
    own flags stay, back at their defaults. In a new process there is nothing to forget."""
    while _script_flags:
        flag = _script_flags.pop()
        if FLAGS._flags().get(flag.name) is flag:  # pylint: disable=protected-access
            delattr(FLAGS, flag.name)
    if FLAGS.is_parsed():
        FLAGS.unparse_flags()


_script_flags = []  # the flags of the script being run: its own and those defined here


def run(main, takes_args=False, errors=()):
    """absl's app.run with TF1 behaviour, and one-line errors instead of tracebacks: for
    UsageError and for the exception types in `errors` (input_data.DataError, say).

    TensorFlow's own log lines are shown only with --verbose (or TF_CPP_MIN_LOG_LEVEL set):
    the scripts call quiet.hush() before they import TensorFlow. --help lists every flag the
    script takes, those defined here included. In IPython or Jupyter (%run) the kernel lives
    on: see run_in_kernel.
    """
    flags.DEFINE_bool('verbose', False, "Show TensorFlow's own log lines (start-up, "
                      'deprecations), as TensorFlow prints them.')
    by_module = FLAGS.flags_by_module_dict()
    _script_flags[:] = by_module.get(sys.argv[0], []) + by_module.get(__name__, [])
    for flag in _script_flags:  # absl's --help shows the key flags of the main module
        FLAGS.register_key_flag_for_module(sys.argv[0], flag)
        if flag.name.endswith('_dir'):  # (empty, it was the current folder, or no folder)
            flags.register_validator(flag.name, lambda value: value is None or value.strip(),
                                     '--%s needs a folder, not an empty name' % flag.name)
        if isinstance(flag.parser, flags.FloatParser):  # (its bounds let nan through)
            flags.register_validator(flag.name, _within_float32(flag.name))

    def start(argv):
        if len(argv) > 1 and not takes_args:  # (absl's UsageError printed all of --help)
            raise UsageError('unexpected argument(s): %s (a flag is --name=value; --help lists '
                             'them)' % escaped(' '.join(shlex.quote(a) for a in argv[1:])))
        tf1.behave(FLAGS.verbose)
        if not FLAGS.verbose:
            tf.logging.set_verbosity(tf.logging.ERROR)  # TF's deprecation chatter, not ours
        return main(argv)

    if quiet.interactive():
        run_in_kernel(start, errors)
        return
    _escape_what_cannot_be_shown()
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)

    def wrapped(argv):
        try:
            if signal.getsignal(signal.SIGINT) is quiet.starting:  # the work begins
                signal.signal(signal.SIGINT, signal.default_int_handler)
            status = start(argv)
        except (UsageError,) + tuple(errors) as e:
            leave(1, '%s: error: %s' % (os.path.basename(sys.argv[0]), e))
        except KeyboardInterrupt:
            leave(1, '%s: interrupted.' % os.path.basename(sys.argv[0]))
        except tf.errors.ResourceExhaustedError as e:  # a flag set too large for this machine
            leave(1, '%s: error: not enough memory (%s): try smaller flag values (--batch_size, '
                  '--fc_size)' % (os.path.basename(sys.argv[0]), first_line(e)))
        except BrokenPipeError:  # the reader of our output went away (`| head`): stop quietly
            leave(1)
        leave(status or 0)

    def parse(argv):
        try:
            return parse_flags(argv, lambda line: leave(1, line))
        except SystemExit:  # absl has printed a help (--help, --helpfull, --helpxml): not
            leave(0)        # an error, though absl ends it with status 1
    app.run(wrapped, flags_parser=parse)


def _within_float32(name):
    """A float flag's check: a number (nan passed absl's bounds), as a float32 holds it."""
    def check(value):
        if value is not None and value != value:
            raise flags.ValidationError('--%s must be a number, not nan' % name)
        if value is not None and abs(value) > FLOAT32_MAX:
            raise flags.ValidationError('--%s must lie within +-%.4g (what a float32 holds)'
                                        % (name, FLOAT32_MAX))
        return True
    return check


def parse_flags(argv, refuse):
    """absl's parsing of the flags in `argv`; a wrong one is `refuse`d with absl's own line
    (absl adds a second, where help is: here in brackets on the same line)."""
    try:
        return FLAGS(argv)
    except (flags.Error, ValueError) as e:  # (absl's ValueError: --noverbose=1)
        if isinstance(e, UnicodeDecodeError):
            e = 'a --flagfile holds bytes that are no UTF-8 text (%s)' % e
        refuse('FATAL Flags parsing error: %s (--help lists the flags)'  # (one per wrong flag)
               % escaped(str(e).strip().replace('\nflag --', '; flag --')))


def _interrupt(signum, frame):
    """SIGTERM as Ctrl-C: the script ends by KeyboardInterrupt, so a file being written (a
    fetched .gz, a record file, an export) is removed by its own clean-up, not left behind.
    Training and the server take both signals their own way while they run."""
    raise KeyboardInterrupt


def _escape_what_cannot_be_shown():
    """A file name the output cannot show (bytes that are no UTF-8, a letter not in cp1252)
    is printed escaped, not a UnicodeEncodeError. A stream that cannot be reconfigured is left
    as it is: not a TextIOWrapper, or stderr after quiet.hush made its file a pipe (it can no
    longer tell its place)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors='backslashreplace')
        except (AttributeError, OSError):
            pass


class Stopped(Exception):
    """A script's one-line error in a notebook: it ends the cell with that line and no
    traceback (IPython shows _render_traceback_ instead), and the kernel lives on."""

    def _render_traceback_(self):
        return [str(self)]


def run_in_kernel(start, errors=()):
    """The script's run inside an IPython kernel: absl parses the flags, but nothing ends the
    process (no sys.exit, no os._exit) and the kernel's stderr stays its own."""
    name = os.path.basename(sys.argv[0])
    app.define_help_flags()
    try:
        argv = parse_flags(sys.argv, lambda line: print(line, file=sys.stderr))
    except SystemExit:  # absl has printed --help
        return
    if argv is None:  # a wrong flag, said
        return
    try:
        start(argv)
    except (UsageError, app.UsageError) + tuple(errors) as e:
        raise Stopped(escaped('%s: error: %s' % (name, e))) from None
    except KeyboardInterrupt:
        raise Stopped('%s: interrupted.' % name) from None


def leave(status, message=None):
    """Ends the process at once, after flushing: Python's own shutdown with TensorFlow loaded
    takes 0.6 s and does nothing we need (every file we write is closed by then). A Ctrl-C or
    SIGTERM arriving now is ignored: it would break off the flushing with a traceback (a
    second SIGINT, as `timeout` sends to the whole group, came while a server left)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    if message:  # (escaped: a path with a newline in an error would break it in two)
        print(escaped(message), file=sys.stderr)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # what is left in the buffer has no reader: drop it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    quiet.finish()
    os._exit(status)


def report_dir():
    """--report_dir, or the model folder's report/, made now: a folder that cannot be written
    is a UsageError at the start, not after the evaluation."""
    folder = FLAGS.report_dir or os.path.join(FLAGS.model_dir, 'report')
    try:
        files.check_writable(folder)
    except OSError as e:
        raise UsageError('cannot write the report into %s (%s)' % (folder, e.strerror or e))
    return folder

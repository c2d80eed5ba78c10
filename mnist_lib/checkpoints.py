"""A model folder as the scripts share it: its 'checkpoint' state file, read as TensorFlow
reads it except that a file it cannot read (empty, or not a state file) is said, not taken for
no checkpoint (a trainer would start again and write over the checkpoints that file was meant
to name); and the lock a trainer holds on the folder while it writes there."""
import os

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

import tensorflow.compat.v1 as tf

from mnist_lib.errors import UsageError

LOCK = '.trainer.lock'  # the file a trainer holds locked in its model folder


def check_folder(model_dir):
    """Raises UsageError where `model_dir` is a file: no checkpoint can ever be in it."""
    if os.path.exists(model_dir) and not os.path.isdir(model_dir):
        raise UsageError('--model_dir %s is a file, not a folder' % model_dir)


def state(model_dir):
    """tf.train.get_checkpoint_state(model_dir): None when the folder has no 'checkpoint'
    file. Raises UsageError, naming the file, when it has one that cannot be read, or when
    `model_dir` is a file."""
    check_folder(model_dir)
    path = os.path.join(model_dir, 'checkpoint')
    try:
        ckpt = tf.train.get_checkpoint_state(model_dir)
    except (tf.errors.OpError, ValueError):  # an empty one: 'Invalid checkpoint state'
        ckpt = None
    if ckpt is None and os.path.isfile(path):
        raise UsageError('cannot read %s (%s); delete it, or train in another --model_dir'
                         % (path, 'it is empty' if not os.path.getsize(path)
                            else 'not a checkpoint state file'))
    return ckpt


def hold(model_dir):
    """Makes `model_dir` if needed and locks it for one trainer; returns the open lock file,
    whose close() lets go. The lock is the operating system's: it goes with the process
    however that ends. Raises UsageError where another trainer holds it (two would write the
    same checkpoint names over each other) or the folder cannot be used."""
    try:
        os.makedirs(model_dir, exist_ok=True)
        lock = open(os.path.join(model_dir, LOCK), 'a+')
    except OSError as e:
        raise UsageError('cannot use %s as the model folder (%s)' % (model_dir, e.strerror))
    try:
        lock.seek(0)
        if fcntl:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(lock.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        holder = _read(lock)
        lock.close()
        raise UsageError('another trainer%s is writing into %s: wait for it to end, or train '
                         'in another --model_dir' % (' (process %s)' % holder if holder else '',
                                                     model_dir))
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()
    return lock


def still_held(lock, model_dir):
    """Whether `lock` (hold's) is still the lock file in `model_dir`: False once the folder was
    removed, or removed and made again (by another trainer, which then holds a lock of its
    own there), while its trainer ran."""
    try:
        return os.path.samestat(os.fstat(lock.fileno()), os.stat(os.path.join(model_dir, LOCK)))
    except OSError:
        return False


def _read(lock):
    try:
        lock.seek(0)
        return lock.read(20).strip()
    except OSError:  # (Windows: the holder's lock covers it)
        return ''

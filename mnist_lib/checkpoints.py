"""A model folder's 'checkpoint' state file, read as TensorFlow reads it, except that a file
it cannot read (empty, or not a state file) is said, not taken for no checkpoint: a trainer
would start again and write over the checkpoints that file was meant to name."""
import os

import tensorflow.compat.v1 as tf

from mnist_lib.errors import UsageError


def state(model_dir):
    """tf.train.get_checkpoint_state(model_dir): None when the folder has no 'checkpoint'
    file. Raises UsageError, naming the file, when it has one that cannot be read."""
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

"""The test scripts' loop: watch a checkpoint folder and evaluate each new checkpoint once,
safe beside a trainer that writes and rotates checkpoints."""
import os
import time

import tensorflow.compat.v1 as tf

from mnist_lib.errors import UsageError, first_line

RESTORE_TRIES = 5  # failed restores of one checkpoint before giving up


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

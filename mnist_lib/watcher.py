"""The test scripts' loop: watch a checkpoint folder and evaluate each new checkpoint once,
safe beside a trainer that writes and rotates checkpoints."""
import io
import os
import sys
import time

import tensorflow.compat.v1 as tf

from mnist_lib import checkpoints
from mnist_lib.errors import UsageError, first_line, named

RESTORE_TRIES = 5  # failed restores of one checkpoint before giving up
TEST_RUN = 'test'  # the watcher's TensorBoard run, a subfolder of the model folder


def watch(saver, sess, model_dir, evaluate_fn, once, interval_secs, last_step, report_fn=None):
    """The notes' test loop: restore each new checkpoint once and print its test accuracy.

    Returns the exit status: 0 after evaluating (once, or the checkpoint of
    `last_step`), 1 with --once and no checkpoint. A checkpoint deleted or
    still being written while we read it is tried again at the next poll; one
    that keeps failing is not this model's, which is an error.

    Each test accuracy also goes to TensorBoard, as the run `<model_dir>/test`. With
    `report_fn`, the last checkpoint evaluated is reported too: report_fn() prints and
    writes the report and returns its pictures, which go to TensorBoard as images.
    """
    checkpoints.check_folder(model_dir)
    writer = None
    evaluated = failed = None
    failures = unreadable = 0
    waiting_said = False
    while True:
        try:  # a 'checkpoint' file it cannot read is said, not taken for none: at once with
            ckpt = checkpoints.state(model_dir)  # --once, else when it stays so (one being
            unreadable = 0                       # replaced is read at the next poll)
        except UsageError:
            unreadable += 1
            if once or unreadable >= RESTORE_TRIES:
                raise
            time.sleep(min(interval_secs, 1.0))
            continue
        path = ckpt.model_checkpoint_path if ckpt and ckpt.model_checkpoint_path else None
        if path is None:
            if not waiting_said:
                print('No checkpoint file found', flush=True)
                if not once:  # (the notes' loop ended here: ours waits, and says so)
                    print('Waiting for checkpoints in %s (checked every %g s; Ctrl-C stops).'
                          % (named(model_dir), interval_secs), flush=True)
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
            accuracy = evaluate_fn()
            print('After %s training step(s), test accuracy = %g' % (global_step, accuracy),
                  flush=True)
            evaluated = path
            step = int(global_step) if global_step.isdigit() else 0
            if writer is None:  # (False where it cannot be written)
                writer = _summary_writer(os.path.join(model_dir, TEST_RUN))
            values = [tf.Summary.Value(tag='test_accuracy', simple_value=accuracy)]
            last = once or step >= last_step
            if last and report_fn:
                values += [tf.Summary.Value(tag='report/' + name, image=_image(im))
                           for name, im in sorted(report_fn().items())]
            if writer:
                writer.add_summary(tf.Summary(value=values), step)
                writer.flush()
            if last:
                if writer:
                    writer.close()
                return 0
        time.sleep(interval_secs)


def _summary_writer(folder):
    """A FileWriter into `folder`; False, said once, where it cannot be written: a model
    folder that is read-only (someone else's) is evaluated all the same."""
    try:
        return tf.summary.FileWriter(folder)
    except (tf.errors.OpError, OSError) as e:
        print('(TensorBoard summaries not written: %s)' % first_line(e), file=sys.stderr,
              flush=True)
        return False


def _image(im):
    """A PIL picture as a TensorBoard image summary."""
    png = io.BytesIO()
    im.save(png, 'PNG')
    channels = {'L': 1, 'RGB': 3}[im.mode]
    return tf.Summary.Image(height=im.height, width=im.width, colorspace=channels,
                            encoded_image_string=png.getvalue())

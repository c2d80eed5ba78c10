"""--export DIR: the trained model (EMA weights, no dropout) as a SavedModel and a TFLite model.

    DIR/saved_model.pb, DIR/variables/   signature serving_default:
                                         image [N, 784] float32 -> probabilities [N, 10],
                                         digit [N] int64
    DIR/model.tflite                     converted from it by TensorFlow's own converter

The input is what pre_pic returns: 28x28 pixels in [0, 1], white digit on black, row by row.
Everything is written into a temporary folder beside DIR and renamed into place at the end,
so a failed export leaves nothing behind.
"""
import os
import shutil
import tempfile

import tensorflow.compat.v1 as tf

from mnist_lib import files
from mnist_lib.errors import UsageError, first_line

SIGNATURE = 'serving_default'
TFLITE_NAME = 'model.tflite'


def check_target(out_dir, overwrite, model_dir):
    """A one-line error for a target that cannot be used, before any work is done: one that
    holds the model's checkpoints or the folder we are in would be replaced with them."""
    for what, inside in (('the model folder', model_dir), ('the current folder', os.getcwd())):
        if _within(inside, out_dir):
            raise UsageError('--export %s holds %s (%s): export elsewhere'
                             % (out_dir, what, inside))
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise UsageError('--export %s is a file, not a folder' % out_dir)
    if os.path.isdir(out_dir) and os.listdir(out_dir) and not overwrite:
        raise UsageError('--export %s exists and is not empty (add --overwrite to replace it)'
                         % out_dir)
    try:
        files.check_writable(os.path.dirname(os.path.normpath(out_dir)) or os.curdir)
    except OSError as e:
        raise UsageError('cannot write --export %s (%s)' % (out_dir, e.strerror or e))


def export(model, out_dir, quantize=False, overwrite=False):
    """Writes `model` (a restored mnist_lib.model.Model) into `out_dir`; returns the line that
    says what was written."""
    check_target(out_dir, overwrite, model.model_dir)
    parent = os.path.dirname(os.path.abspath(out_dir))
    work = tempfile.mkdtemp(prefix='.export.', dir=parent)
    try:
        built = os.path.join(work, 'model')
        with model.graph.as_default():
            builder = tf.saved_model.builder.SavedModelBuilder(built)
            signature = tf.saved_model.signature_def_utils.predict_signature_def(
                inputs={'image': model.x},
                outputs={'probabilities': model.probabilities, 'digit': model.digit})
            builder.add_meta_graph_and_variables(
                model.sess, [tf.saved_model.tag_constants.SERVING],
                signature_def_map={SIGNATURE: signature}, strip_default_attrs=True)
            builder.save()
        converter = tf.lite.TFLiteConverter.from_saved_model(built, signature_key=SIGNATURE)
        if quantize:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]  # weights in int8
        with open(os.path.join(built, TFLITE_NAME), 'wb') as f:
            f.write(converter.convert())
        if os.path.isdir(out_dir):  # empty, or --overwrite: out of the way, then in
            _replace(out_dir, built, parent)
        else:
            os.rename(built, out_dir)
    except (tf.errors.OpError, ValueError, RuntimeError, OSError) as e:
        raise UsageError('export failed (%s)' % first_line(e))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = os.path.getsize(os.path.join(out_dir, TFLITE_NAME))
    return ('Wrote %s (signature %s: image [N,784] -> probabilities [N,10], digit [N]) and %s '
            '(%.1f MB%s)' % (os.path.join(out_dir, 'saved_model.pb'), SIGNATURE,
                             os.path.join(out_dir, TFLITE_NAME), size / 1e6,
                             ', weights int8' if quantize else ''))


def _replace(out_dir, built, parent):
    """Moves the folder `out_dir` out of the way and `built` in its place; should the second
    step fail, the first is undone (and where even that fails, the old folder is kept)."""
    old = tempfile.mkdtemp(prefix='.replaced.', dir=parent)
    moved = os.path.join(old, 'old')
    try:
        os.rename(out_dir, moved)
        os.rename(built, out_dir)
    except OSError:
        if os.path.isdir(moved) and not os.path.exists(out_dir):
            os.rename(moved, out_dir)
        raise
    finally:
        if os.path.exists(out_dir) or not os.path.exists(moved):
            shutil.rmtree(old, ignore_errors=True)


def _within(path, folder):
    """Whether `path` is `folder` or lies inside it."""
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)

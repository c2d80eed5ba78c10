"""Lesson 6.1: recognise your own pictures of digits with the trained model.

    python mnist_app.py                        # the notes' prompts
    python mnist_app.py pic/*.png photo.jpg    # one line per picture: path: digit (confidence%)
    python mnist_app.py --model lenet5 ...     # LeNet-5 instead of the MLP

The model (EMA weights) is restored once per process, not once per picture.
Exit status: 0 every picture answered, 1 some could not be read, 2 no checkpoint.
"""
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf
from absl import flags

import mnist_backward
import mnist_forward
import mnist_lenet5_backward
import mnist_lenet5_forward
import mnist_util
import preprocess

MODELS = ('mlp', 'lenet5')


class Model(object):
    """One graph and session with a model's EMA weights restored, used for every picture."""

    def __init__(self, kind='mlp', model_dir=None, fc_size=mnist_lenet5_forward.FC_SIZE):
        if kind == 'mlp':
            decay, default_dir = mnist_backward.MOVING_AVERAGE_DECAY, mnist_backward.MODEL_SAVE_PATH
        else:
            decay = mnist_lenet5_backward.MOVING_AVERAGE_DECAY
            default_dir = mnist_lenet5_backward.MODEL_SAVE_PATH
        self.model_dir = model_dir or default_dir
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.x = tf.placeholder(tf.float32, [None, mnist_forward.INPUT_NODE])
            if kind == 'mlp':
                y = mnist_forward.forward(self.x, None)
            else:
                images = tf.reshape(self.x, [-1, mnist_lenet5_forward.IMAGE_SIZE,
                                             mnist_lenet5_forward.IMAGE_SIZE,
                                             mnist_lenet5_forward.NUM_CHANNELS])
                y = mnist_lenet5_forward.forward(images, False, None, fc_size)
            probabilities = tf.nn.softmax(y)
            variable_averages = tf.train.ExponentialMovingAverage(decay)
            saver = tf.train.Saver(variable_averages.variables_to_restore())
        self.graph.finalize()
        self.sess = tf.Session(graph=self.graph, config=mnist_util.session_config())
        # A callable skips sess.run's per-call analysis of fetches and feeds: a picture then
        # costs a fraction of a millisecond.
        self._run = self.sess.make_callable(probabilities, feed_list=[self.x])
        ckpt = tf.train.get_checkpoint_state(self.model_dir)
        self.checkpoint = ckpt.model_checkpoint_path if ckpt else None
        if self.checkpoint:
            try:
                saver.restore(self.sess, self.checkpoint)
            except (tf.errors.OpError, ValueError) as e:
                raise mnist_util.UsageError(
                    'cannot restore %s (%s); is it a %s checkpoint? (see --model, --model_dir, '
                    '--fc_size)' % (self.checkpoint, mnist_util.first_line(e), kind))

    def predict(self, testPicArr):
        """[N, 784] pictures -> [N, 10] probabilities."""
        return self._run(testPicArr)


_model = None  # the process's Model, restored on first use


def restore_model(testPicArr):
    """The notes' function: returns the predicted digit of a [1, 784] picture.

    Unlike the notes, the model is restored once and kept for later calls.
    """
    global _model
    if _model is None:
        _model = Model()
    return int(np.argmax(_model.predict(testPicArr), axis=1)[0])


def pre_pic(picName, method=preprocess.DEFAULT):
    """The notes' function: a picture file -> a [1, 784] float32 array, white digit on black."""
    return preprocess.pre_pic(picName, method)


def answer(path, method):
    """Returns (digit, confidence) for one picture; raises preprocess.PictureError."""
    probabilities = _model.predict(pre_pic(path, method))[0]
    digit = int(np.argmax(probabilities))
    return digit, float(probabilities[digit])


def ask(prompt):
    """input(), with the end of input or Ctrl-C as None."""
    try:
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        print()
        return None


def application(method=preprocess.DEFAULT):
    """The notes' interactive loop. Returns the exit status."""
    while True:
        answer_text = ask('input the number of test pictures:')
        if answer_text is None:
            return 0
        try:
            testNum = int(answer_text)
        except ValueError:
            testNum = -1
        if testNum >= 0:
            break
        print('Please type a whole number, 0 or more.')
    failed = 0
    for _ in range(testNum):
        testPic = ask('the path of test picture:')
        if testPic is None:
            return 0
        testPic = os.path.expanduser(testPic.strip().strip('"\''))
        try:
            preValue, _ = answer(testPic, method)
        except preprocess.PictureError as e:
            print('%s: error: %s' % (testPic, e))
            failed += 1
            continue
        print('The prediction number is:', preValue)
    return 1 if failed else 0


def batch(paths, method):
    """One line per picture: '<path>: <digit> (<confidence>%)'. Returns the exit status."""
    failed = 0
    for path in paths:
        try:
            digit, confidence = answer(path, method)
        except preprocess.PictureError as e:
            print('%s: error: %s' % (path, e), flush=True)
            failed += 1
            continue
        print('%s: %d (%.1f%%)' % (path, digit, 100 * confidence), flush=True)
    return 1 if failed else 0


def main(argv):
    global _model
    if FLAGS.fc_size != mnist_lenet5_forward.FC_SIZE and FLAGS.model != 'lenet5':
        raise mnist_util.UsageError('--fc_size only applies to --model lenet5')
    _model = Model(FLAGS.model, FLAGS.model_dir, FLAGS.fc_size)
    if not _model.checkpoint:
        print('No checkpoint file found')
        print('(train first: python %s)' % ('mnist_backward.py' if FLAGS.model == 'mlp'
                                           else 'mnist_lenet5_backward.py'), file=sys.stderr)
        return 2
    if len(argv) > 1:
        return batch(argv[1:], FLAGS.preprocess)
    return application(FLAGS.preprocess)


FLAGS = mnist_util.FLAGS

if __name__ == '__main__':
    flags.DEFINE_enum('model', 'mlp', MODELS, 'mlp: mnist_forward.py; lenet5: LeNet-5.')
    flags.DEFINE_string('model_dir', None, 'Checkpoint folder (default: the model\'s own, '
                        'model/ or model/lenet5/).')
    flags.DEFINE_integer('fc_size', mnist_lenet5_forward.FC_SIZE, 'LeNet-5 FC units, as '
                         'trained.', lower_bound=1)
    flags.DEFINE_enum('preprocess', preprocess.DEFAULT, preprocess.METHODS,
                      'mnist: find the digit and normalise it as MNIST was; course: the notes\' '
                      'invert + threshold 50 on a whole-picture resize.')
    mnist_util.run(main, takes_args=True)

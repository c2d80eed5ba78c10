"""A trained model, restored once: the graph, the session and the EMA weights of the MLP or
LeNet-5, ready to classify [N, 784] pictures. The app, its page and the export use it."""
import tensorflow.compat.v1 as tf

import mnist_backward  # the notes' MOVING_AVERAGE_DECAY and MODEL_SAVE_PATH, defined there
import mnist_forward
import mnist_lenet5_backward
import mnist_lenet5_forward
from mnist_lib import cli
from mnist_lib.errors import UsageError, first_line

MODELS = ('mlp', 'lenet5')
TRAINERS = {'mlp': 'mnist_backward.py', 'lenet5': 'mnist_lenet5_backward.py'}


def default_dir(kind):
    """The checkpoint folder the model's trainer writes to by default."""
    return (mnist_backward.MODEL_SAVE_PATH if kind == 'mlp'
            else mnist_lenet5_backward.MODEL_SAVE_PATH)


def build(kind, x, fc_size=mnist_lenet5_forward.FC_SIZE):
    """The inference graph of `kind` on x [N, 784]: returns the logits [N, 10], no dropout."""
    if kind == 'mlp':
        return mnist_forward.forward(x, None)
    images = tf.reshape(x, [-1, mnist_lenet5_forward.IMAGE_SIZE, mnist_lenet5_forward.IMAGE_SIZE,
                            mnist_lenet5_forward.NUM_CHANNELS])
    return mnist_lenet5_forward.forward(images, False, None, fc_size)


def ema_saver(kind):
    """A Saver that loads each variable from its moving average in the checkpoint."""
    decay = (mnist_backward.MOVING_AVERAGE_DECAY if kind == 'mlp'
             else mnist_lenet5_backward.MOVING_AVERAGE_DECAY)
    return tf.train.Saver(tf.train.ExponentialMovingAverage(decay).variables_to_restore())


class Model(object):
    """One graph and session with a model's EMA weights restored, used for every picture.

    `checkpoint` is None when the folder has none; predict() then must not be called.
    The graph is finalized unless `finalize` is False.
    """

    def __init__(self, kind='mlp', model_dir=None, fc_size=mnist_lenet5_forward.FC_SIZE,
                 finalize=True):
        self.kind = kind
        self.fc_size = fc_size
        self.model_dir = model_dir or default_dir(kind)
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.x = tf.placeholder(tf.float32, [None, mnist_forward.INPUT_NODE])
            self.logits = build(kind, self.x, fc_size)
            self.probabilities = tf.nn.softmax(self.logits)
            self.digit = tf.argmax(self.probabilities, 1)  # int64 [N]
            saver = ema_saver(kind)
        if finalize:  # (the export adds its saver to the graph)
            self.graph.finalize()
        self.sess = tf.Session(graph=self.graph, config=cli.session_config())
        # A callable skips sess.run's per-call analysis of fetches and feeds: a picture then
        # costs a fraction of a millisecond.
        self._run = self.sess.make_callable(self.probabilities, feed_list=[self.x])
        ckpt = tf.train.get_checkpoint_state(self.model_dir)
        self.checkpoint = ckpt.model_checkpoint_path if ckpt else None
        if self.checkpoint:
            try:
                saver.restore(self.sess, self.checkpoint)
            except (tf.errors.OpError, ValueError) as e:
                raise UsageError(
                    'cannot restore %s (%s); is it a %s checkpoint? (see --model, --model_dir, '
                    '--fc_size)' % (self.checkpoint, first_line(e), kind))

    def predict(self, testPicArr):
        """[N, 784] pictures -> [N, 10] probabilities."""
        return self._run(testPicArr)

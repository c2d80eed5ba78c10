"""A trained model, restored once: the graph, the session and the EMA weights of the MLP or
LeNet-5, ready to classify [N, 784] pictures. The app, its page and the export use it.

The library knows the networks only through the notes' forward modules; what it needs of a
trained model besides (its moving-average decay, its folder, the script that trains it) the
caller says in a Spec: mnist_app.MODELS is the table of the two.
"""
import collections

import tensorflow.compat.v1 as tf

import mnist_forward
import mnist_lenet5_forward
from mnist_lib import checkpoints
from mnist_lib import precision
from mnist_lib import tf1
from mnist_lib.errors import UsageError, first_line

# forward(x [N, 784], fc_size) -> logits [N, 10], no dropout; the EMA decay it was trained
# with; the folder its trainer writes to; that trainer's file name.
Spec = collections.namedtuple('Spec', 'name forward decay model_dir trainer')


def mlp_logits(x, fc_size=None):
    """The MLP's inference graph on x [N, 784] (it has no FC size to choose)."""
    del fc_size
    return mnist_forward.forward(x, None)


def lenet5_logits(x, fc_size=mnist_lenet5_forward.FC_SIZE):
    """LeNet-5's inference graph on x [N, 784], reshaped to its [N, 28, 28, 1] images."""
    images = tf.reshape(x, [-1, mnist_lenet5_forward.IMAGE_SIZE, mnist_lenet5_forward.IMAGE_SIZE,
                            mnist_lenet5_forward.NUM_CHANNELS])
    return mnist_lenet5_forward.forward(images, False, None, fc_size)


class Model(object):
    """One graph and session with a model's EMA weights restored, used for every picture.

    `checkpoint` is None when the folder has none; predict() then must not be called.
    The graph is finalized, except `for_export`: then the export adds its saver, and the
    weights are resource variables, which TensorFlow 2 loads back as its own (reference
    variables cost a warning each when a SavedModel is loaded).
    """

    def __init__(self, spec, model_dir=None, fc_size=mnist_lenet5_forward.FC_SIZE,
                 for_export=False):
        self.kind = spec.name
        self.fc_size = fc_size
        self.model_dir = model_dir or spec.model_dir
        tf1.behave()  # (also when a notebook cell calls restore_model() first)
        self.graph = tf.Graph()
        with self.graph.as_default(), tf.variable_scope(tf.get_variable_scope(),
                                                        use_resource=for_export or None):
            self.x = tf.placeholder(tf.float32, [None, mnist_forward.INPUT_NODE])
            self.logits = spec.forward(self.x, fc_size)
            self.probabilities = tf.nn.softmax(self.logits)
            self.digit = tf.argmax(self.probabilities, 1)  # int64 [N]
            # Each variable is loaded from its moving average in the checkpoint.
            averages = tf.train.ExponentialMovingAverage(spec.decay).variables_to_restore()
            saver = tf.train.Saver(averages)
        if not for_export:
            self.graph.finalize()
        self.sess = tf.Session(graph=self.graph, config=precision.session_config())
        # A callable skips sess.run's per-call analysis of fetches and feeds: a picture then
        # costs a fraction of a millisecond.
        self._run = self.sess.make_callable(self.probabilities, feed_list=[self.x])
        ckpt = checkpoints.state(self.model_dir)
        self.checkpoint = ckpt.model_checkpoint_path if ckpt else None
        if self.checkpoint:
            try:
                _same_shapes(self.checkpoint, averages)
                with self.graph.as_default():
                    saver.restore(self.sess, self.checkpoint)
            except (tf.errors.OpError, ValueError) as e:
                raise UsageError(
                    'cannot restore %s (%s); is it a %s checkpoint? (see --model, --model_dir, '
                    '--fc_size)' % (self.checkpoint, first_line(e), self.kind))

    def predict(self, testPicArr):
        """[N, 784] pictures -> [N, 10] probabilities."""
        return self._run(testPicArr)


def _same_shapes(checkpoint, variables):
    """Raises ValueError naming the first of `variables` ({name in the checkpoint: variable})
    whose shape differs there. A restore checks shapes itself, but not into the resource
    variables of an export: the other model's weights, or the wrong --fc_size, went in."""
    shapes = tf.train.load_checkpoint(checkpoint).get_variable_to_shape_map()
    for name, variable in sorted(variables.items()):
        if name in shapes and list(shapes[name]) != variable.shape.as_list():
            raise ValueError('%s is %s in the checkpoint, %s here'
                             % (name, shapes[name], variable.shape.as_list()))

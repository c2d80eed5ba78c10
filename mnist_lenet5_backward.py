"""Lesson 7: train LeNet-5 (mnist_lenet5_forward.py), resuming from ./model/lenet5/.

    python mnist_lenet5_backward.py             # the notes' recipe, 50000 steps
    python mnist_lenet5_backward.py --fc_size 1024 --optimizer adam --learning_rate 1e-4 \\
        --learning_rate_decay 1 --regularizer 0 --batch_size 50 --steps 20000 \\
        --model_dir model/deep_mnist            # TensorFlow's "Deep MNIST" tutorial

Ctrl-C (or SIGTERM) saves and stops; running again resumes where it stopped.
"""
if __name__ == '__main__':  # before TensorFlow is imported: see mnist_lib/quiet.py
    from mnist_lib import quiet
    quiet.hush()

import os

import numpy as np
import tensorflow.compat.v1 as tf
from absl import flags

import input_data
import mnist_lenet5_forward
from mnist_lib import augment
from mnist_lib import cli
from mnist_lib import evaluation
from mnist_lib import paths
from mnist_lib import tf1
from mnist_lib import training

BATCH_SIZE = 100             # images per training step
LEARNING_RATE_BASE = 0.005   # initial learning rate
LEARNING_RATE_DECAY = 0.99   # learning rate is multiplied by this once per epoch
REGULARIZER = 0.0001         # weight of the L2 loss
STEPS = 50000                # training steps in total, over resumes
MOVING_AVERAGE_DECAY = 0.99  # decay of the weights' moving averages
MODEL_SAVE_PATH = os.path.join(paths.MODEL_DIR, 'lenet5')  # apart from the MLP's
MODEL_NAME = 'mnist_model'
PRINT_EVERY = 100            # the notes print the loss every 100 steps
AUGMENTED = 0.5              # --augment distorts this part of each batch (the MLP: 15%)
OPTIMIZERS = {'sgd': tf.train.GradientDescentOptimizer, 'adam': tf.train.AdamOptimizer}


def reshape(xs):
    """[N, 784] rows -> [N, 28, 28, 1] images, the network's input."""
    return np.reshape(xs, (len(xs), mnist_lenet5_forward.IMAGE_SIZE,
                           mnist_lenet5_forward.IMAGE_SIZE, mnist_lenet5_forward.NUM_CHANNELS))


def backward(mnist, steps=STEPS, batch_size=BATCH_SIZE, model_dir=MODEL_SAVE_PATH,
             save_every=training.SAVE_EVERY, print_every=PRINT_EVERY, seed=None,
             fc_size=mnist_lenet5_forward.FC_SIZE, optimizer='sgd',
             learning_rate_base=LEARNING_RATE_BASE, learning_rate_decay=LEARNING_RATE_DECAY,
             regularizer=REGULARIZER, mixed_precision=False, augment_images=False):
    """Trains until global_step reaches `steps`, saving to `model_dir` as it goes."""
    with tf1.graph(seed):
        x = tf.placeholder(tf.float32, [None, mnist_lenet5_forward.IMAGE_SIZE,
                                        mnist_lenet5_forward.IMAGE_SIZE,
                                        mnist_lenet5_forward.NUM_CHANNELS])
        y_ = tf.placeholder(tf.float32, [None, mnist_lenet5_forward.OUTPUT_NODE])
        y = mnist_lenet5_forward.forward(augment.batch(x, AUGMENTED) if augment_images else x,
                                         True, regularizer or None, fc_size)
        global_step = tf.Variable(0, trainable=False)

        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=y, labels=tf.argmax(y_, 1))
        cem = tf.reduce_mean(ce)
        loss = (cem + tf.add_n(tf.get_collection('losses'))) if regularizer else cem

        learning_rate = tf.train.exponential_decay(
            learning_rate_base,
            global_step,
            mnist.train.num_examples / batch_size,  # decay once per epoch
            learning_rate_decay,
            staircase=True)
        train_step = OPTIMIZERS[optimizer](learning_rate).minimize(loss, global_step=global_step)

        ema = tf.train.ExponentialMovingAverage(MOVING_AVERAGE_DECAY, global_step)
        ema_op = ema.apply(tf.trainable_variables())
        with tf.control_dependencies([train_step, ema_op]):
            train_op = tf.no_op(name='train')

        # Validation accuracy of the moving-average weights, without dropout.
        ema_y = evaluation.ema_forward(ema, mnist_lenet5_forward.forward, x, False, None, fc_size)
        validate = evaluation.Validation(ema_y, x, y_, mnist.validation, reshape)
        saver = tf.train.Saver(save_relative_paths=True)
        lower = '--learning_rate or --regularizer' if regularizer else '--learning_rate'

        with training.Trainer(saver, global_step, model_dir, MODEL_NAME, steps, batch_size,
                              save_every, mixed_precision, validate, lower) as trainer:
            while trainer.running():
                xs, ys = mnist.train.next_batch(batch_size)
                reshaped_xs = reshape(xs)
                _, loss_value, step = trainer.run([train_op, loss, global_step],
                                                  feed_dict={x: reshaped_xs, y_: ys})
                if step % print_every == 0 or step == steps:
                    print("After %d training step(s), loss on training batch is %g."
                          % (step, loss_value))
                    trainer.scalars(step, loss=loss_value, learning_rate=learning_rate)
                trainer.save_if_due(step)


def define_flags():
    cli.define_train_flags(STEPS, BATCH_SIZE, MODEL_SAVE_PATH, PRINT_EVERY)
    flags.DEFINE_integer('fc_size', mnist_lenet5_forward.FC_SIZE, 'Units of the fully '
                         'connected layer (the test and app scripts need the same).',
                         lower_bound=1)
    flags.DEFINE_enum('optimizer', 'sgd', sorted(OPTIMIZERS), 'sgd: the notes; adam: Deep MNIST.')
    flags.DEFINE_float('learning_rate', LEARNING_RATE_BASE, 'Initial learning rate.',
                       lower_bound=0)
    flags.DEFINE_float('learning_rate_decay', LEARNING_RATE_DECAY, 'Learning rate factor per '
                       'epoch (1: constant).', lower_bound=0)
    flags.DEFINE_float('regularizer', REGULARIZER, 'Weight of the L2 loss (0: none).',
                       lower_bound=0)


def main(argv):
    del argv
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, seed=FLAGS.seed)
    backward(mnist, steps=FLAGS.steps, batch_size=FLAGS.batch_size, model_dir=FLAGS.model_dir,
             save_every=FLAGS.save_every, print_every=FLAGS.print_every, seed=FLAGS.seed,
             fc_size=FLAGS.fc_size, optimizer=FLAGS.optimizer,
             learning_rate_base=FLAGS.learning_rate,
             learning_rate_decay=FLAGS.learning_rate_decay, regularizer=FLAGS.regularizer,
             mixed_precision=FLAGS.mixed_precision, augment_images=FLAGS.augment)


FLAGS = cli.FLAGS

if __name__ == '__main__':
    define_flags()
    cli.run(main, errors=(input_data.DataError,))

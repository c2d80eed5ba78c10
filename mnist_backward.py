"""Lesson 5 and 6.1: train the MLP of mnist_forward.py, resuming from ./model/.

    python mnist_backward.py                    # the notes' 50000 steps
    python mnist_backward.py --steps 2000       # any flag overrides its constant

Ctrl-C (or SIGTERM) saves and stops; running again resumes where it stopped.
"""
if __name__ == '__main__':  # before TensorFlow is imported: see mnist_lib/quiet.py
    from mnist_lib import quiet
    quiet.hush()

import tensorflow.compat.v1 as tf

import input_data
import mnist_forward
import mnist_generateds
from mnist_lib import augment
from mnist_lib import cli
from mnist_lib import evaluation
from mnist_lib import paths
from mnist_lib import tf1
from mnist_lib import training

BATCH_SIZE = 200             # images per training step
LEARNING_RATE_BASE = 0.1     # initial learning rate
LEARNING_RATE_DECAY = 0.99   # learning rate is multiplied by this once per epoch
REGULARIZER = 0.0001         # weight of the L2 loss
STEPS = 50000                # training steps in total, over resumes
MOVING_AVERAGE_DECAY = 0.99  # decay of the weights' moving averages
MODEL_SAVE_PATH = paths.MODEL_DIR
MODEL_NAME = 'mnist_model'


def backward(mnist, steps=STEPS, batch_size=BATCH_SIZE, model_dir=MODEL_SAVE_PATH,
             save_every=training.SAVE_EVERY, print_every=training.SAVE_EVERY, seed=None,
             tfrecord_dir=None, mixed_precision=False, augment_images=False):
    """Trains until global_step reaches `steps`, saving to `model_dir` as it goes.

    With `tfrecord_dir` (lesson 6.2's fc4 variant) batches come from its
    mnist_train.tfrecords through queue runners instead of from `mnist`.
    """
    with tf1.graph(seed):
        if tfrecord_dir:  # lesson 6.2: batches from the records' queue
            x, y_, train_num_examples = mnist_generateds.train_inputs(batch_size, tfrecord_dir)
        else:
            train_num_examples = mnist.train.num_examples
            x = tf.placeholder(tf.float32, [None, mnist_forward.INPUT_NODE])
            y_ = tf.placeholder(tf.float32, [None, mnist_forward.OUTPUT_NODE])
        y = mnist_forward.forward(augment.batch(x) if augment_images else x, REGULARIZER)
        global_step = tf.Variable(0, trainable=False)

        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=y, labels=tf.argmax(y_, 1))
        cem = tf.reduce_mean(ce)
        loss = cem + tf.add_n(tf.get_collection('losses'))

        learning_rate = tf.train.exponential_decay(
            LEARNING_RATE_BASE,
            global_step,
            train_num_examples / batch_size,  # decay once per epoch
            LEARNING_RATE_DECAY,
            staircase=True)
        train_step = tf.train.GradientDescentOptimizer(learning_rate).minimize(
            loss, global_step=global_step)

        ema = tf.train.ExponentialMovingAverage(MOVING_AVERAGE_DECAY, global_step)
        ema_op = ema.apply(tf.trainable_variables())
        with tf.control_dependencies([train_step, ema_op]):
            train_op = tf.no_op(name='train')

        # Validation accuracy of the moving-average weights, as the book chapter watches it
        # (fc4 trains on all 60000 records: nothing is held out).
        ema_y = evaluation.ema_forward(ema, mnist_forward.forward, x, None)
        validate = None if tfrecord_dir else evaluation.Validation(ema_y, x, y_, mnist.validation)
        saver = tf.train.Saver(save_relative_paths=True)

        with training.Trainer(saver, global_step, model_dir, MODEL_NAME, steps, batch_size,
                              save_every, mixed_precision, validate) as trainer:
            while trainer.running():
                feed = None
                if not tfrecord_dir:
                    xs, ys = mnist.train.next_batch(batch_size)
                    feed = {x: xs, y_: ys}
                _, loss_value, step = trainer.run([train_op, loss, global_step], feed)
                if step % print_every == 0 or step == steps:
                    print("After %d training step(s), loss on training batch is %g."
                          % (step, loss_value))
                    trainer.scalars(step, loss=loss_value, learning_rate=learning_rate)
                trainer.save_if_due(step)


def main(argv):
    del argv
    tfrecord_dir = FLAGS.data_dir if FLAGS.data == 'tfrecord' else None
    mnist = None if tfrecord_dir else input_data.read_data_sets(FLAGS.data_dir, one_hot=True,
                                                                seed=FLAGS.seed)
    backward(mnist, steps=FLAGS.steps, batch_size=FLAGS.batch_size, model_dir=FLAGS.model_dir,
             save_every=FLAGS.save_every, print_every=FLAGS.print_every, seed=FLAGS.seed,
             tfrecord_dir=tfrecord_dir, mixed_precision=FLAGS.mixed_precision,
             augment_images=FLAGS.augment)


FLAGS = cli.FLAGS

if __name__ == '__main__':
    cli.define_train_flags(STEPS, BATCH_SIZE, MODEL_SAVE_PATH, training.SAVE_EVERY)
    cli.define_data_flag()
    cli.run(main, errors=(input_data.DataError,))

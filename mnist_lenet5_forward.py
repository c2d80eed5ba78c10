"""Lesson 7: the forward pass of LeNet-5, 28x28x1 -> conv/pool x2 -> FC -> 10 logits.

    [N,28,28,1] -conv 5x5x32, relu, pool-> [N,14,14,32] -conv 5x5x64, relu, pool-> [N,7,7,64]
    -flatten-> [N,3136] -FC 512, relu (dropout 0.5 when training)-> [N,512] -FC-> [N,10]

This module only defines the model; get_weight and get_bias are the MLP's.
"""
import tensorflow.compat.v1 as tf

from mnist_forward import get_bias, get_weight  # noqa: F401  (the notes' names, defined once)

IMAGE_SIZE = 28        # input height and width
NUM_CHANNELS = 1       # grey images
CONV1_SIZE = 5         # first convolution: 5x5 kernels
CONV1_KERNEL_NUM = 32  # ... 32 of them
CONV2_SIZE = 5         # second convolution: 5x5 kernels
CONV2_KERNEL_NUM = 64  # ... 64 of them
FC_SIZE = 512          # hidden units of the fully connected layer
OUTPUT_NODE = 10       # one logit per digit


def conv2d(x, w):
    """Stride 1, zero padding: the output keeps the input's height and width."""
    return tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding='SAME')


def max_pool_2x2(x):
    """2x2 max pooling with stride 2: halves height and width."""
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')


def forward(x, train, regularizer, fc_size=FC_SIZE):
    """x: [batch, 28, 28, 1] -> logits [batch, 10]; dropout only when `train`."""
    conv1_w = get_weight([CONV1_SIZE, CONV1_SIZE, NUM_CHANNELS, CONV1_KERNEL_NUM], regularizer)
    conv1_b = get_bias([CONV1_KERNEL_NUM])
    conv1 = conv2d(x, conv1_w)
    relu1 = tf.nn.relu(tf.nn.bias_add(conv1, conv1_b))
    pool1 = max_pool_2x2(relu1)

    conv2_w = get_weight([CONV2_SIZE, CONV2_SIZE, CONV1_KERNEL_NUM, CONV2_KERNEL_NUM],
                         regularizer)
    conv2_b = get_bias([CONV2_KERNEL_NUM])
    conv2 = conv2d(pool1, conv2_w)
    relu2 = tf.nn.relu(tf.nn.bias_add(conv2, conv2_b))
    pool2 = max_pool_2x2(relu2)

    # Flatten [batch, 7, 7, 64] to [batch, 3136]; -1 lets one graph take any batch size.
    pool_shape = pool2.get_shape().as_list()
    nodes = pool_shape[1] * pool_shape[2] * pool_shape[3]
    reshaped = tf.reshape(pool2, [-1, nodes])

    fc1_w = get_weight([nodes, fc_size], regularizer)
    fc1_b = get_bias([fc_size])
    fc1 = tf.nn.relu(tf.matmul(reshaped, fc1_w) + fc1_b)
    if train:
        fc1 = tf.nn.dropout(fc1, rate=0.5)  # drop half the units while training

    fc2_w = get_weight([fc_size, OUTPUT_NODE], regularizer)
    fc2_b = get_bias([OUTPUT_NODE])
    y = tf.matmul(fc1, fc2_w) + fc2_b
    return y

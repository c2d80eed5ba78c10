"""--augment: training images distorted at random, within what real handwriting does.

MNIST's writers slant, stretch and press their pens in their own ways; a student's photo or
drawing, put into MNIST's normalisation by the app (size and place, not slant or shape),
still carries its writer's. Each distorted image gets its own random

    stroke width   thinner or thicker (the stroke's soft edges faded or saturated);
    rotation       up to ROTATE_DEGREES either way;
    shear          a slant of up to SHEAR (the tangent) either way;
    scale, aspect  the size and the width-to-height ratio, each by up to SCALE and ASPECT;
    shift          up to SHIFT pixels in x and y;

done in the graph (TensorFlow image ops, CPU and GPU alike), so no variable is added: a
checkpoint trained with or without it is the same network, and a run may resume either way.
Only the training step sees it; validation, the test script and the app read plain images.
Shifts and sizes vary a little, although the app centres and sizes every digit: they keep
the MLP, which has no convolution, from leaning on exact pixel places.

A part of each batch is distorted, the rest left plain: distorting an image costs about as
much as an MLP step on it, so the MLP distorts 15% (it still sees each image distorted ~27
times in 50000 steps); LeNet-5's step costs far more, and it distorts half.

    y = mnist_forward.forward(augment.batch(x) if augment_images else x, REGULARIZER)
"""
import math

import tensorflow.compat.v1 as tf

SIZE = 28             # MNIST images are SIZE x SIZE, the digit in a 20x20 box centred by mass
ROTATE_DEGREES = 12   # rotation, uniform in +-this
SHEAR = 0.25          # slant: x moves by up to this times y, either way (about 14 degrees)
SCALE = 0.12          # size: a factor in [1 / (1 + SCALE), 1 + SCALE], log-uniform
ASPECT = 0.3          # width over height: likewise, on top of the size
SHIFT = 2.0           # pixels, uniform in +-this, in x and in y
STROKE = 0.5          # strokes: grey levels below up to this fade, or above 1 - this saturate
AUGMENTED = 0.15      # the part of a batch distorted: all of it would cost an MLP step's time


def batch(x, part=AUGMENTED):
    """x: a batch of images in [0, 1], white on black, [N, 784] or [N, 28, 28, 1] -> the same
    shape, its first `part` distorted (each image its own way), the rest as it was. The
    batches come shuffled, so which images those are is random."""
    images = tf.reshape(x, [-1, SIZE, SIZE, 1])
    k = tf.cast(tf.ceil(part * tf.cast(tf.shape(images)[0], tf.float32)), tf.int32)
    distorted = stroke_width(transform(images[:k], random_transforms(k)))
    return tf.reshape(tf.concat([distorted, images[k:]], 0), tf.shape(x))


def stroke_width(images):
    """Each image's strokes made thinner or thicker by a random grey-level window: the soft
    edges of a stroke fade out below `low` (thinner) or saturate above `high` (thicker)."""
    amount = tf.random.uniform([tf.shape(images)[0], 1, 1, 1], -STROKE, STROKE)
    low, high = tf.nn.relu(-amount), 1 - tf.nn.relu(amount)
    return tf.clip_by_value((images - low) / (high - low), 0, 1)


def random_transforms(n):
    """[n, 8] projective transforms (ImageProjectiveTransform's rows: output pixel -> input
    pixel), each an affine map about the image centre with random rotation, shear, scale,
    aspect and shift."""
    def uniform(limit):
        return tf.random.uniform([n], -limit, limit)
    angle = uniform(math.radians(ROTATE_DEGREES))
    shear = uniform(SHEAR)
    size = tf.exp(uniform(math.log1p(SCALE)))
    aspect = tf.exp(uniform(math.log1p(ASPECT)))
    # The input is read at A (p - c - t) + c for output pixel p: A undoes a forward map of
    # rotation after shear after scaling, so the distributions above are the digit's own.
    sx, sy = 1 / (size * tf.sqrt(aspect)), tf.sqrt(aspect) / size
    cos, sin = tf.cos(angle), tf.sin(angle)
    # inverse(R(angle) Shear(shear) diag(size_x, size_y)) = diag(sx, sy) Shear(-shear) R(-angle)
    a00, a01 = sx * (cos + shear * sin), sx * (sin - shear * cos)
    a10, a11 = -sy * sin, sy * cos
    centre = (SIZE - 1) / 2.0
    cx, cy = centre + uniform(SHIFT), centre + uniform(SHIFT)
    b0 = centre - a00 * cx - a01 * cy
    b1 = centre - a10 * cx - a11 * cy
    zero = tf.zeros([n])
    return tf.stack([a00, a01, b0, a10, a11, b1, zero, zero], axis=1)


def transform(images, transforms):
    """Resamples each image through its transform, bilinear, zeros outside."""
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=tf.constant([SIZE, SIZE]),
        fill_value=tf.constant(0.0, images.dtype), interpolation='BILINEAR',
        fill_mode='CONSTANT')

"""--augment (mnist_lib/augment.py): the trainers train and resume with it on or off, the
validation sees plain images, and a distorted batch is still the same digits."""
import re

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from PIL import Image

import input_data
import mnist_app
import mnist_generateds
from conftest import run_script
from mnist_lib import augment
from test_mlp_scripts import LOSS, VALIDATION, matches, no_traceback

tf.disable_v2_behavior()

# trainer, model kind, steps of the first run
TRAINERS = [('mnist_backward.py', 'mlp', 200), ('mnist_lenet5_backward.py', 'lenet5', 40)]


def train(name, data_dir, model_dir, steps, *args):
    result = run_script(name, '--data_dir', data_dir, '--model_dir', model_dir, '--steps', steps,
                        '--save_every', steps, '--print_every', steps, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    no_traceback(result)
    return result


def validation_of(model_dir, kind, data_dir):
    """The accuracy of the checkpoint's EMA weights on plain validation images, as the app
    reads pictures (no augmentation anywhere in its graph)."""
    model = mnist_app.open_model(kind, model_dir)
    try:
        data = input_data.read_data_sets(data_dir, one_hot=False).validation
        return float(np.mean(model.predict(data.images).argmax(1) == data.labels))
    finally:
        model.sess.close()


@pytest.mark.parametrize('name,kind,steps', TRAINERS)
def test_trains_and_resumes_with_augment_on_or_off(tmp_path, data_dir, name, kind, steps):
    model_dir = tmp_path / 'model'
    first = train(name, data_dir, model_dir, steps, '--augment', '--seed', 1)
    assert [int(s) for s, _ in matches(LOSS, first.stdout)] == [steps]
    ((step, accuracy),) = matches(VALIDATION, first.stdout)
    assert int(step) == steps and float(accuracy) > (0.85 if kind == 'mlp' else 0.3)

    # Validation is off the augmentation: the printed accuracy is the plain images' one.
    assert abs(float(accuracy) - validation_of(str(model_dir), kind, data_dir)) <= 0.0004

    # The checkpoint is the same network: resume with it on, then with it off.
    second = train(name, data_dir, model_dir, 2 * steps, '--augment')
    assert re.search(r'^Resuming from .*mnist_model-%d$' % steps, second.stdout, re.M)
    third = train(name, data_dir, model_dir, 3 * steps)
    assert re.search(r'^Resuming from .*mnist_model-%d$' % (2 * steps), third.stdout, re.M)
    assert [int(s) for s, _ in matches(LOSS, third.stdout)] == [3 * steps]
    assert 'Reached %d steps' % (3 * steps) in third.stdout


def test_trains_from_records_with_augment(tmp_path, data_dir):
    """Lesson 6.2's path: x comes from the queue, and the step distorts it all the same."""
    mnist = input_data.read_data_sets(data_dir, one_hot=False, dtype=np.uint8, reshape=False)
    pictures = tmp_path / 'pictures'
    pictures.mkdir()
    lines = []
    for i in range(200):
        Image.fromarray(mnist.train.images[i, :, :, 0]).save(pictures / ('%d.png' % i))
        lines.append('%d.png %d\n' % (i, mnist.train.labels[i]))
    (tmp_path / 'labels.txt').write_text(''.join(lines))
    records = tmp_path / 'records'
    records.mkdir()
    mnist_generateds.write_tfRecord(str(records / mnist_generateds.TRAIN_NAME), str(pictures),
                                    str(tmp_path / 'labels.txt'))
    result = run_script('mnist_backward.py', '--data', 'tfrecord', '--data_dir', records,
                        '--model_dir', tmp_path / 'model', '--steps', 40, '--save_every', 40,
                        '--print_every', 20, '--augment')
    assert result.returncode == 0, result.stdout + result.stderr
    assert [int(s) for s, _ in matches(LOSS, result.stdout)] == [20, 40]
    assert 'Reached 40 steps' in result.stdout


def distort(images):
    """augment.batch on `images` [N, 784] and again on them as [N, 28, 28, 1]."""
    with tf.Graph().as_default():
        tf.set_random_seed(19)
        flat = tf.placeholder(tf.float32, [None, 784])
        square = tf.placeholder(tf.float32, [None, 28, 28, 1])
        with tf.Session() as sess:
            return sess.run([augment.batch(flat), augment.batch(square)],
                            {flat: images, square: images.reshape(-1, 28, 28, 1)})


def centre_of_mass(images):
    """[N, 28, 28] -> [N, 2] (row, column)."""
    ink, index = images.sum((1, 2))[:, None], np.arange(28)
    return np.stack([(images.sum(2) * index).sum(1), (images.sum(1) * index).sum(1)], 1) / ink


def test_augmented_batch_differs_yet_stays_the_digit(data_dir, mlp_dir):
    test = input_data.read_data_sets(data_dir, one_hot=False).test
    images, labels = test.images[:1000], test.labels[:1000]
    flat, square = distort(images)
    assert flat.shape == images.shape and square.shape == (1000, 28, 28, 1)
    part = int(np.ceil(augment.AUGMENTED * len(images)))
    for out in (flat.reshape(-1, 784), square.reshape(-1, 784)):
        assert np.array_equal(out[part:], images[part:])  # the rest of the batch as it was
        plain, distorted = images[:part].reshape(-1, 28, 28), out[:part].reshape(-1, 28, 28)
        assert (np.abs(distorted - plain).mean((1, 2)) > 0.005).all()  # each image changed
        assert distorted.min() >= 0 and distorted.max() <= 1
        # Still a digit in the frame: about its ink, little of it at the edge, near the centre.
        ratio = distorted.sum((1, 2)) / plain.sum((1, 2))
        assert ratio.min() > 0.3 and ratio.max() < 2.5 and 0.8 < ratio.mean() < 1.25
        edge = 1 - distorted[:, 1:-1, 1:-1].sum((1, 2)) / distorted.sum((1, 2))  # outer pixels
        assert edge.mean() < 0.01 and edge.max() < 0.15
        assert np.abs(centre_of_mass(distorted) - centre_of_mass(plain)).max() < 3
    assert not np.array_equal(flat.reshape(-1, 784)[:part], square.reshape(-1, 784)[:part])

    # The labels still hold: a network trained on plain MNIST reads the distorted digits, once
    # moved back to where their ink was (the app centres every digit), nearly as well as the
    # plain ones.
    distorted = flat[:part].reshape(-1, 28, 28)
    moved = move(distorted, centre_of_mass(images[:part].reshape(-1, 28, 28))
                 - centre_of_mass(distorted))
    model = mnist_app.open_model('mlp', mlp_dir)
    right = [np.mean(model.predict(x.reshape(-1, 784)).argmax(1) == labels[:part])
             for x in (images[:part], moved)]
    model.sess.close()
    assert right[1] > right[0] - 0.1 and right[1] > 0.8, right


def move(images, by):
    """[N, 28, 28] images moved by [N, 2] (rows, columns) pixels, bilinear."""
    with tf.Graph().as_default(), tf.Session() as sess:
        one, zero = np.ones(len(images)), np.zeros(len(images))
        transforms = np.stack([one, zero, -by[:, 1], zero, one, -by[:, 0], zero, zero], 1)
        return sess.run(augment.transform(images[..., None].astype(np.float32),
                                          transforms.astype(np.float32)))[..., 0]

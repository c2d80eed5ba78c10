"""Lesson 6.2: make a dataset of your own as TFRecords, and read it with queue runners.

    python mnist_generateds.py                 # jpg folders + label files -> data/*.tfrecords
    python mnist_backward.py --data tfrecord   # the notes' fc4 variant: train from them
    python mnist_test.py --data tfrecord

The course's jpg folders are not shipped: when they are missing (or with
--export_jpg) MNIST's 60000 + 10000 images are first written in exactly that
layout (`<index>_<label>.jpg`, label lines `1_0.jpg 0`). Any folder of pictures with a
label file of `<file name> <label>` lines works the same way.
"""
if __name__ == '__main__':  # before TensorFlow is imported: see mnist_lib/quiet.py
    from mnist_lib import quiet
    quiet.hush()

import os
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf
from absl import flags

import input_data
from mnist_lib import cli
from mnist_lib import dataset
from mnist_lib import errors
from mnist_lib import files
from mnist_lib import paths
from mnist_lib.dataset import DatasetError  # noqa: F401  (callers catch it from here)

JPG_DIR = os.path.join(paths.HERE, 'mnist_data_jpg')  # the notes' './mnist_data_jpg/'
image_train_path = os.path.join(JPG_DIR, 'mnist_train_jpg_60000/')
label_train_path = os.path.join(JPG_DIR, 'mnist_train_jpg_60000.txt')
image_test_path = os.path.join(JPG_DIR, 'mnist_test_jpg_10000/')
label_test_path = os.path.join(JPG_DIR, 'mnist_test_jpg_10000.txt')
data_path = paths.DATA_DIR
TRAIN_NAME = 'mnist_train.tfrecords'  # the notes' ./data/mnist_train.tfrecords ...
TEST_NAME = 'mnist_test.tfrecords'    # ... and ./data/mnist_test.tfrecords, in --data_dir
resize_height = 28
resize_width = 28
PROGRESS_EVERY = dataset.PROGRESS_EVERY
CAPACITY = 1000        # the notes' shuffle_batch settings
MIN_AFTER_DEQUEUE = 700
NUM_THREADS = 2
RECORDS_PER_READ = 500  # records per read op (1: the notes' one by one)


def write_tfRecord(tfRecordName, image_path, label_path, method='none'):
    """The notes' writer: one tf.train.Example per label line, written atomically."""
    directory = os.path.dirname(os.path.abspath(tfRecordName))
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(tfRecordName), dir=directory)
    os.close(fd)
    try:
        num_pic = 0
        with tf.python_io.TFRecordWriter(tmp) as writer:
            for number, name, label in dataset.label_lines(label_path):
                img_path = os.path.join(image_path, name)
                if not os.path.isfile(img_path):
                    raise DatasetError('%s line %d: picture %s is missing'
                                       % (label_path, number, img_path))
                try:
                    img_raw = dataset.picture_bytes(img_path, method, (resize_width, resize_height))
                except DatasetError as e:
                    raise DatasetError('%s line %d: %s' % (label_path, number, e))
                labels = [0] * 10
                labels[label] = 1
                example = tf.train.Example(features=tf.train.Features(feature={
                    'img_raw': tf.train.Feature(bytes_list=tf.train.BytesList(value=[img_raw])),
                    'label': tf.train.Feature(int64_list=tf.train.Int64List(value=labels))}))
                writer.write(example.SerializeToString())
                num_pic += 1
                if num_pic % PROGRESS_EVERY == 0:
                    print('the number of picture:', num_pic, flush=True)
        if not num_pic:
            raise DatasetError('%s lists no pictures' % label_path)
        os.chmod(tmp, 0o644)
        dataset.replace(tmp, tfRecordName)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    if num_pic % PROGRESS_EVERY:
        print('the number of picture:', num_pic)
    print('write tfrecord successful: %s' % tfRecordName)


def jpg_sources(jpg_dir=JPG_DIR):
    """((train pictures, train labels), (test pictures, test labels)) in the notes' layout."""
    return tuple((os.path.join(jpg_dir, os.path.basename(os.path.dirname(images))) + os.sep,
                  os.path.join(jpg_dir, os.path.basename(labels)))
                 for images, labels in ((image_train_path, label_train_path),
                                        (image_test_path, label_test_path)))


def export_jpg(mnist_data_dir, jpg_dir=JPG_DIR):
    """Writes MNIST's 60000 + 10000 images as the course's jpg folders and label files."""
    mnist = input_data.read_data_sets(mnist_data_dir, dtype=np.uint8, reshape=False,
                                      validation_size=0)
    dataset.write_jpg_folders((mnist.train, mnist.test), jpg_sources(jpg_dir), jpg_dir)


def generate_tfRecord(data_dir=data_path, sources=None, method='none'):
    """The notes' generate_tfRecord: both record files from the jpg folders."""
    if not os.path.exists(data_dir):
        os.makedirs(data_dir)
        print('The directory was created successfully')
    else:
        print('directory already exists')
    train, test = sources or jpg_sources()
    write_tfRecord(os.path.join(data_dir, TRAIN_NAME), *train, method=method)
    write_tfRecord(os.path.join(data_dir, TEST_NAME), *test, method=method)


def count_records(tfRecord_path):
    """Number of records, reading the file through once: a missing, truncated or corrupted
    file is an error here, before any queue runner could wait on it forever."""
    if not os.path.isfile(tfRecord_path):
        raise DatasetError('%s not found; make it with: python mnist_generateds.py'
                           % tfRecord_path)
    count = 0
    try:
        for _ in tf.io.tf_record_iterator(tfRecord_path):
            count += 1
    except tf.errors.OpError as e:
        raise DatasetError('%s is damaged after record %d (%s); make it again with: python '
                           'mnist_generateds.py' % (tfRecord_path, count,
                                                    errors.first_line(e)))
    if not count:
        raise DatasetError('%s holds no records' % tfRecord_path)
    return count


def _read_raw(tfRecord_path, records_per_read):
    """Pictures as uint8 [784] and labels as int64 [10] (or [n, ...] when reading n at once)."""
    filename_queue = tf.train.string_input_producer([tfRecord_path], shuffle=True)
    reader = tf.TFRecordReader()
    features = {'label': tf.FixedLenFeature([10], tf.int64),
                'img_raw': tf.FixedLenFeature([], tf.string)}
    if records_per_read == 1:
        _, serialized_example = reader.read(filename_queue)
        features = tf.parse_single_example(serialized_example, features=features)
        img = tf.decode_raw(features['img_raw'], tf.uint8)
        img.set_shape([784])
    else:
        _, serialized_examples = reader.read_up_to(filename_queue, records_per_read)
        features = tf.parse_example(serialized_examples, features=features)
        img = tf.reshape(tf.decode_raw(features['img_raw'], tf.uint8), [-1, 784])
    return img, features['label']


def _scale(img, label):
    """uint8 pixels -> float32 in [0, 1]; int64 one-hot -> float32."""
    return tf.cast(img, tf.float32) * (1. / 255), tf.cast(label, tf.float32)


def read_tfRecord(tfRecord_path, records_per_read=1):
    """The notes' reader: (image [784] float32 in [0, 1], one-hot label [10] float32).

    With records_per_read > 1, the same ops in their batched forms read that
    many records at a time and return [n, 784] and [n, 10].
    """
    return _scale(*_read_raw(tfRecord_path, records_per_read))


def get_tfrecord(num, isTrain=True, data_dir=data_path):
    """The notes' batches: `num` shuffled (image, label) pairs from the train or test records.

    Unlike the notes, records are read RECORDS_PER_READ at a time (enqueue_many)
    and queued as raw bytes, scaled after the queue: the notes' one-by-one,
    float queue starves training on a small CPU (benchmarks/RESULTS.md, Speed).
    """
    tfRecord_path = os.path.join(data_dir, TRAIN_NAME if isTrain else TEST_NAME)
    img, label = _read_raw(tfRecord_path, RECORDS_PER_READ)
    img_batch, label_batch = tf.train.shuffle_batch([img, label],
                                                    batch_size=num,
                                                    num_threads=NUM_THREADS,
                                                    capacity=CAPACITY,
                                                    min_after_dequeue=MIN_AFTER_DEQUEUE,
                                                    enqueue_many=RECORDS_PER_READ > 1)
    return _scale(img_batch, label_batch)


def train_inputs(batch_size, data_dir=data_path):
    """The trainer's x [N, 784] and y_ [N, 10] fed by get_tfrecord's batches, and the number
    of training records. The batches flow from the queue straight into the step (the notes
    fetch each into Python and feed it back, which costs a fifth of the speed here)."""
    num_examples = count_records(os.path.join(data_dir, TRAIN_NAME))
    img_batch, label_batch = get_tfrecord(batch_size, True, data_dir)
    return (tf.placeholder_with_default(img_batch, [None, 784]),
            tf.placeholder_with_default(label_batch, [None, 10]), num_examples)


def main(argv):
    del argv
    own = (FLAGS.train_images, FLAGS.train_labels, FLAGS.test_images, FLAGS.test_labels)
    if any(own):
        if not all(own):
            raise errors.UsageError('--train_images, --train_labels, --test_images and '
                                    '--test_labels go together')
        sources = ((FLAGS.train_images, FLAGS.train_labels),
                   (FLAGS.test_images, FLAGS.test_labels))
    else:
        sources = jpg_sources(FLAGS.jpg_dir)
    exporting = not any(own) and (FLAGS.export_jpg or not all(os.path.exists(p)
                                                              for pair in sources for p in pair))
    for flag in ('jpg_dir', 'data_dir') if exporting else ('data_dir',):
        blocker = files.file_in_the_way(FLAGS[flag].value)
        if blocker:
            raise errors.UsageError('cannot write into --%s %s (%s is a file, not a folder)'
                                    % (flag, FLAGS[flag].value, blocker))
    try:
        if exporting:
            export_jpg(FLAGS.mnist_dir, FLAGS.jpg_dir)
        generate_tfRecord(FLAGS.data_dir, sources, FLAGS.preprocess)
    except OSError as e:  # a folder that cannot be made or written
        where = e.filename or FLAGS.data_dir
        if os.path.basename(where).startswith('.'):  # our temporary name: its folder
            where = os.path.dirname(where)
        raise errors.UsageError('cannot write %s (%s)' % (where, e.strerror or e))


FLAGS = cli.FLAGS

if __name__ == '__main__':
    cli.fresh_flags()
    flags.DEFINE_string('data_dir', data_path, 'Where the .tfrecords files are written.')
    flags.DEFINE_string('mnist_dir', paths.DATA_DIR, 'MNIST .gz files to export the jpg '
                        'folders from (fetched if missing).')
    flags.DEFINE_string('jpg_dir', JPG_DIR, 'Where the exported jpg folders go.')
    flags.DEFINE_bool('export_jpg', False, 'Write the jpg folders from MNIST even if they exist.')
    flags.DEFINE_string('train_images', None, 'Your own folder of training pictures ... '
                        '(default: none, the jpg folders in --jpg_dir)')
    flags.DEFINE_string('train_labels', None, '... and its label file of "<name> <label>" lines, '
                        'UTF-8 (default: none, the label file in --jpg_dir).')
    flags.DEFINE_string('test_images', None, 'Your own folder of test pictures ... (default: '
                        'none, the jpg folders in --jpg_dir)')
    flags.DEFINE_string('test_labels', None, '... and its label file (default: none, the label '
                        'file in --jpg_dir).')
    flags.DEFINE_enum('preprocess', 'none', ['none', 'mnist'], 'none: pictures are already '
                      'MNIST-like (white digit on black), just made 28x28 grey; mnist: photos '
                      'or drawings of your own, normalised as mnist_app.py does.')
    cli.run(main, errors=(input_data.DataError,))

"""MNIST loader: a drop-in for the removed tensorflow.examples.tutorials.mnist.

    import input_data
    mnist = input_data.read_data_sets('./data/', one_hot=True)
    xs, ys = mnist.train.next_batch(200)   # xs: [200, 784] float32 in [0, 1]

Same split and semantics as TF 1.x: validation is the first 5000 training
images, train the other 55000, test the 10000 test images. Two differences:
shuffling uses the DataSet's own random generator (numpy's global one is
never reseeded), and `seed` makes the order of batches reproducible.

Missing files are fetched, in this order, from $MNIST_MIRROR (a folder or a
URL), `source_url`, then the PyTorch mirror. A fetched file is checked
against the SHA-256 of its decompressed contents before it is renamed into
place, so `train_dir` never holds a half-written or wrong file. A site that
cannot be reached (blocked, offline) costs one short connect time-out: the
other files are not asked of it again.
"""
import collections
import gzip
import hashlib
import os
import tempfile
import zlib

import numpy as np

from mnist_lib import download
from mnist_lib.errors import escaped

DEFAULT_SOURCE_URL = 'https://storage.googleapis.com/cvdf-datasets/mnist/'
PYTORCH_MIRROR = 'https://ossci-datasets.s3.amazonaws.com/mnist/'
MIRROR_ENV = 'MNIST_MIRROR'

TRAIN_IMAGES = 'train-images-idx3-ubyte.gz'
TRAIN_LABELS = 'train-labels-idx1-ubyte.gz'
TEST_IMAGES = 't10k-images-idx3-ubyte.gz'
TEST_LABELS = 't10k-labels-idx1-ubyte.gz'

# SHA-256 of the decompressed files: the same whichever mirror served them.
SHA256 = {
    TRAIN_IMAGES: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    TRAIN_LABELS: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    TEST_IMAGES: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    TEST_LABELS: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
}
IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
NUM_CLASSES = 10

Datasets = collections.namedtuple('Datasets', ['train', 'validation', 'test'])


class DataError(Exception):
    """A data file is missing, unreachable or malformed; the message says which and what to do."""


def _numpy_dtype(dtype):
    """Accepts tf.float32 / tf.uint8 (anything with as_numpy_dtype) or a numpy dtype."""
    dtype = np.dtype(getattr(dtype, 'as_numpy_dtype', dtype))
    if dtype not in (np.uint8, np.float32):
        raise TypeError('Invalid image dtype %r, expected uint8 or float32' % dtype)
    return dtype


# ---------------------------------------------------------------- fetching

def _sources(source_url):
    mirror = os.environ.get(MIRROR_ENV)
    sources = [mirror] if mirror else []
    for url in (source_url, PYTORCH_MIRROR):
        if url and url not in sources:
            sources.append(url)
    return sources


def _check_sha256(path, filename):
    digest = hashlib.sha256()
    with gzip.open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    if digest.hexdigest() != SHA256[filename]:
        raise ValueError('checksum mismatch (sha256 %s...)' % digest.hexdigest()[:12])


def maybe_download(filename, work_directory, source_url=DEFAULT_SOURCE_URL, unreachable=None):
    """Returns the path of `filename` in `work_directory`, fetching it first if it is missing.

    `unreachable`: a set of sources that failed to connect before; they are not tried again,
    and a source that fails to connect now is added to it.
    """
    filepath = os.path.join(work_directory, filename)
    if os.path.isfile(filepath):
        return filepath
    try:
        os.makedirs(work_directory, exist_ok=True)
        with tempfile.TemporaryFile(dir=work_directory):  # it takes files, too
            pass
    except OSError as e:
        raise DataError('cannot write into the data folder %s: %s'
                        % (work_directory, e.strerror or e))
    unreachable = set() if unreachable is None else unreachable
    failures, certificates = [], False
    for source in _sources(source_url):
        if source in unreachable:
            failures.append('%s: skipped, unreachable before' % source)
            continue
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % filename, suffix='.part', dir=work_directory)
        try:
            with os.fdopen(fd, 'wb') as out:
                download.copy(source, filename, out)
            if filename in SHA256:
                _check_sha256(tmp, filename)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; data files are shared
            os.replace(tmp, filepath)
        except download.ERRORS + (ValueError, EOFError, zlib.error) as e:
            failures.append('%s: %s' % (source, download.reason(e)))
            certificates = certificates or download.bad_certificate(e)
            if download.unreachable(source, e):
                unreachable.add(source)
            continue
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        print('Successfully downloaded %s from %s (%d bytes).'
              % (filename, source, os.path.getsize(filepath)))
        return filepath
    raise DataError('could not fetch %s (%s)%s. Put the four MNIST .gz files in %s, or set %s '
                    'to a folder or URL that has them.'
                    % (filename, '; '.join(failures),
                       '; %s' % download.CERTIFICATES_HINT if certificates else '',
                       os.path.abspath(work_directory), MIRROR_ENV))


# ----------------------------------------------------------------- reading

def _read_idx(path, magic, item_shape):
    """Returns the uint8 array of an IDX file, checking its magic number and size."""
    print('Extracting', escaped(str(path)))  # (a newline in it would break the line in two)
    try:
        with gzip.open(path, 'rb') as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as e:
        raise DataError('%s is truncated or not a gzip file (%s); delete it and run again '
                        'to fetch it anew.' % (path, e))
    header_size = 4 * (2 + len(item_shape))
    header = np.frombuffer(data[:header_size], dtype='>u4')
    if len(header) < 2 or header[0] != magic:
        raise DataError('%s is not an MNIST file (magic number %s, expected %d); delete it and '
                        'run again to fetch it anew.'
                        % (path, header[0] if len(header) else 'missing', magic))
    if len(header) != 2 + len(item_shape) or tuple(header[2:]) != item_shape:
        raise DataError('%s has item shape %s, expected %s; delete it and run again to fetch '
                        'it anew.' % (path, tuple(int(v) for v in header[2:]), item_shape))
    count = int(header[1])
    expected = header_size + count * int(np.prod(item_shape, dtype=np.int64))
    if len(data) != expected:
        raise DataError('%s holds %d bytes, expected %d for %d items; delete it and run again '
                        'to fetch it anew.' % (path, len(data), expected, count))
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape((count,) + item_shape)


def extract_images(path):
    """Returns a [N, 28, 28, 1] uint8 array."""
    return _read_idx(path, IMAGES_MAGIC, (28, 28))[..., np.newaxis]


def extract_labels(path, one_hot=False, num_classes=NUM_CLASSES):
    """Returns a [N] uint8 array, or [N, num_classes] float32 one-hot rows."""
    labels = _read_idx(path, LABELS_MAGIC, ())
    if labels.size and labels.max() >= num_classes:
        raise DataError('%s has label %d, expected 0-%d; delete it and run again to fetch it '
                        'anew.' % (path, labels.max(), num_classes - 1))
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


def dense_to_one_hot(labels_dense, num_classes=NUM_CLASSES):
    """[N] class indices -> [N, num_classes] float32 one-hot rows."""
    return np.eye(num_classes, dtype=np.float32)[labels_dense]


# ----------------------------------------------------------------- batches

class DataSet(object):
    """Images and labels in memory, served as shuffled mini-batches."""

    def __init__(self, images, labels, fake_data=False, one_hot=False,
                 dtype=np.float32, reshape=True, seed=None):
        """`images`: [N, 28, 28, 1] uint8; float32 scales them to [0, 1], reshape to [N, 784]."""
        dtype = _numpy_dtype(dtype)
        self._rng = np.random.default_rng(seed)
        if fake_data:
            self._num_examples = 10000
            self.one_hot = one_hot
        else:
            if images.shape[0] != labels.shape[0]:
                raise ValueError('images.shape: %s labels.shape: %s'
                                 % (images.shape, labels.shape))
            self._num_examples = images.shape[0]
            if reshape:
                images = images.reshape(images.shape[0], int(np.prod(images.shape[1:])))
            if dtype == np.float32:
                images = images.astype(np.float32) * np.float32(1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._order = np.arange(self._num_examples)
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def _take(self, start, end):
        idx = self._order[start:end]
        return self._images[idx], self._labels[idx]

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """Returns the next `batch_size` examples; a batch that crosses the end of an epoch is
        completed from the start of the next (reshuffled) one, so every batch is full."""
        if fake_data:
            fake_image = [1] * 784
            fake_label = [1] + [0] * 9 if self.one_hot else 0
            return ([fake_image for _ in range(batch_size)],
                    [fake_label for _ in range(batch_size)])
        if not 0 < batch_size <= self._num_examples:
            raise ValueError('batch_size %d is not in 1..%d' % (batch_size, self._num_examples))
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._rng.shuffle(self._order)
        if start + batch_size <= self._num_examples:
            self._index_in_epoch += batch_size
            return self._take(start, self._index_in_epoch)
        # The batch crosses the epoch boundary: the rest of this epoch, then a new one.
        self._epochs_completed += 1
        rest_images, rest_labels = self._take(start, self._num_examples)
        if shuffle:
            self._rng.shuffle(self._order)
        self._index_in_epoch = batch_size - rest_images.shape[0]
        new_images, new_labels = self._take(0, self._index_in_epoch)
        return (np.concatenate((rest_images, new_images), axis=0),
                np.concatenate((rest_labels, new_labels), axis=0))


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=np.float32, reshape=True,
                   validation_size=5000, seed=None, source_url=DEFAULT_SOURCE_URL):
    """Returns Datasets(train, validation, test), fetching missing files into `train_dir`."""
    dtype = _numpy_dtype(dtype)  # fail before any download
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)
        return Datasets(train=fake(), validation=fake(), test=fake())

    unreachable = set()  # a site that fails once is not asked for the other files

    def load(images_file, labels_file):
        images = extract_images(maybe_download(images_file, train_dir, source_url, unreachable))
        labels = extract_labels(maybe_download(labels_file, train_dir, source_url, unreachable),
                                one_hot)
        if images.shape[0] != labels.shape[0]:
            raise DataError('%s has %d images but %s has %d labels; delete both and run again.'
                            % (images_file, images.shape[0], labels_file, labels.shape[0]))
        return images, labels

    train_images, train_labels = load(TRAIN_IMAGES, TRAIN_LABELS)
    test_images, test_labels = load(TEST_IMAGES, TEST_LABELS)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError('Validation size should be between 0 and %d. Received: %d.'
                         % (len(train_images), validation_size))
    options = dict(dtype=dtype, reshape=reshape)
    # Distinct seeds per split keep the splits' batch orders independent yet reproducible.
    seeds = [None] * 3 if seed is None else [seed, seed + 1, seed + 2]
    train = DataSet(train_images[validation_size:], train_labels[validation_size:],
                    seed=seeds[0], **options)
    validation = DataSet(train_images[:validation_size], train_labels[:validation_size],
                         seed=seeds[1], **options)
    test = DataSet(test_images, test_labels, seed=seeds[2], **options)
    return Datasets(train=train, validation=validation, test=test)


"""Making a dataset of your own (lesson 6.2), what the notes' TFRecord writer stands on:
label files read and checked, pictures turned into MNIST's 784 bytes, files replaced whole,
and MNIST written out as the course's jpg folders. mnist_generateds.py keeps the notes' own
functions (write_tfRecord, generate_tfRecord, read_tfRecord, get_tfrecord)."""
import os
import shutil
import tempfile

import numpy as np
from PIL import Image

from mnist_lib import errors
from mnist_lib import picture

PROGRESS_EVERY = 5000  # pictures between progress lines


class DatasetError(errors.UsageError):
    """A bad picture, label line or record file; the message names it."""


def picture_bytes(path, method, size=(picture.SIZE, picture.SIZE)):
    """784 raw uint8 bytes of a picture, white digit on black as MNIST's; `size` is (width,
    height), 28x28."""
    try:
        if method == 'mnist':  # photos and drawings of your own: find and normalise the digit
            return np.uint8(np.round(picture.pre_pic(path)[0] * 255)).tobytes()
        grey = picture.load(path).mean(axis=2)  # already MNIST-like: just grey, 28x28
    except picture.PictureError as e:
        raise DatasetError('%s %s' % (path, e))
    im = Image.fromarray(np.uint8(np.round(grey * 255)))
    if im.size != tuple(size):
        im = im.resize(tuple(size), Image.LANCZOS)
    return im.tobytes()


def label_lines(label_path):
    """Yields (line number, file name, label) from a label file, checking each line.

    The file is UTF-8, with or without the byte-order mark that Windows Notepad writes.
    """
    try:
        with open(label_path, 'rb') as f:
            data = f.read()
    except OSError as e:
        raise DatasetError('cannot read label file %s (%s)' % (label_path, e.strerror))
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as e:
        raise DatasetError('%s line %d is not UTF-8 text (byte 0x%02x); save the label file as '
                           'UTF-8' % (label_path, data[:e.start].count(b'\n') + 1,
                                      data[e.start]))
    for number, content in enumerate(text.splitlines(), 1):
        value = content.split()
        if not value:
            continue
        if len(value) != 2:
            raise DatasetError('%s line %d: expected "<file name> <label>", got %r'
                               % (label_path, number, content.strip()))
        if value[1] not in [str(d) for d in range(10)]:
            raise DatasetError('%s line %d: label %r is not a digit 0-9'
                               % (label_path, number, value[1]))
        yield number, value[0], int(value[1])


def replace(source, target):
    """os.replace, with a refusal (Windows: `target` open in another program) as a
    DatasetError that names it."""
    try:
        os.replace(source, target)
    except OSError as e:
        raise DatasetError('cannot replace %s (%s); is it open in another program, a trainer '
                           'reading it say?' % (target, e.strerror or e))


def write_jpg_folders(subsets, sources, jpg_dir):
    """Writes each subset (.images uint8 [N, 28, 28, 1], .labels) as a folder of
    `<index>_<label>.jpg` pictures and its label file, `sources` [(folder, label file)],
    each whole or not at all, in `jpg_dir`."""
    os.makedirs(jpg_dir, exist_ok=True)
    for subset, (image_dir, label_file) in zip(subsets, sources):
        image_dir = image_dir.rstrip(os.sep)
        tmp_dir = tempfile.mkdtemp(prefix='.export.', dir=jpg_dir)
        try:
            lines = []
            for index, (image, label) in enumerate(zip(subset.images, subset.labels)):
                name = '%d_%d.jpg' % (index, label)
                Image.fromarray(image[:, :, 0]).save(os.path.join(tmp_dir, name), quality=95)
                lines.append('%s %d\n' % (name, label))
                if (index + 1) % PROGRESS_EVERY == 0:
                    print('exported %d pictures to %s' % (index + 1, image_dir), flush=True)
            with open(os.path.join(tmp_dir, 'labels.txt'), 'w', encoding='utf-8') as f:
                f.writelines(lines)
            shutil.rmtree(image_dir, ignore_errors=True)
            replace(os.path.join(tmp_dir, 'labels.txt'), label_file + '.tmp')
            replace(tmp_dir, image_dir)
            replace(label_file + '.tmp', label_file)
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)
        print('exported %d pictures: %s, %s' % (len(lines), image_dir, label_file))

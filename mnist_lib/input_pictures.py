"""The 28x28 inputs the network was given, as pictures: the page's image of each, and the
files --save_input writes (all or none, never over or in place of a file it did not write)."""
import os
import warnings

import numpy as np
from PIL import Image

from mnist_lib import files
from mnist_lib import picture
from mnist_lib.errors import UsageError, named

ENLARGE = 10  # --save_input pictures: 280x280, each input pixel a 10x10 square
MARK = ('Software', 'mnist_app.py --save_input')  # a PNG text chunk in each: written here


def input_png(array):
    """One [784] input -> PNG image, white digit on black, ENLARGE times, crisp pixels."""
    grey = np.uint8(np.round(np.clip(array.reshape(picture.SIZE, picture.SIZE), 0, 1) * 255))
    side = picture.SIZE * ENLARGE
    return Image.fromarray(grey).resize((side, side), Image.NEAREST)


def save_inputs(reading, folder, name, number=False, source=None):
    """Writes the inputs as `<name>.png`, or `<name>_<k>.png` (k from 1) in number mode, all
    or none, into `folder` (made if missing), each marked as written here (MARK). What an
    earlier picture of the same name left there and this one does not write
    (`<name>_<k>.png` past this one's count; `<name>.png` of a blank picture) is removed: the
    folder shows this reading alone. A file that this did not write is never written over
    nor removed. Returns the paths written. Raises UsageError, naming the file, where one
    cannot be written, is the picture `source` itself, or is a file this did not write."""
    def path(k):
        return os.path.join(folder, '%s_%d.png' % (name, k) if number else '%s.png' % name)

    def own(path):  # the picture being read
        return source and os.path.exists(path) and os.path.samefile(path, source)
    written = [path(k) for k in range(1, len(reading.inputs) + 1)]
    for where in written:
        if own(where):
            raise UsageError('--save_input would write over the picture itself (%s): give it '
                             'another folder' % named(where))
        if os.path.lexists(where) and not os.path.isdir(where) and not ours(where):
            raise UsageError('--save_input would write over %s, a file it did not write: give '
                             'it another folder' % named(where))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise UsageError('cannot write pictures into %s (%s)' % (named(folder),
                                                                  e.strerror or e))
    files.save_pngs([input_png(array) for array in reading.inputs], written, dict([MARK]))
    stale = []
    if number:
        while ours(path(len(written) + len(stale) + 1)):
            stale.append(path(len(written) + len(stale) + 1))
    elif not written and ours(path(1)):
        stale.append(path(1))
    for where in stale:
        if not own(where):
            os.remove(where)
    return written


def ours(path):
    """Whether `path` is a PNG that save_inputs wrote: it carries MARK (read from the file's
    head, before its pixels: nothing is decoded). Never opens what is no regular file (a
    FIFO would block)."""
    if not os.path.isfile(path):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            with Image.open(path, formats=['PNG']) as im:
                return im.info.get(MARK[0]) == MARK[1]
    except Exception:  # missing, a folder, not a PNG, damaged: not one of ours
        return False

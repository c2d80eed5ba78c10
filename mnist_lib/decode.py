"""A picture file -> an RGB float array, with bounded time and memory whatever the file holds.

Only the formats people send are opened (phone photos, scans, screenshots, drawings); the
size is checked on the header, before anything is decoded; a JPEG is decoded at a reduced
scale (its DCT does that almost for free); and the picture is shrunk by Pillow, in 8 bits,
before the one float32 array is made. So a 34 KB PNG that claims 7000x7000 pixels costs
nothing, and a 48-megapixel phone photo reads in a fraction of a second.
"""
import io
import os
import warnings

import numpy as np
from PIL import Image

from mnist_lib.errors import PictureError

# Pillow's names of the formats opened: PNG, JPEG (phones' MPO is a JPEG with more frames),
# GIF, BMP, TIFF, WebP. Others (ICO, ICNS, PSD, ...) hold pictures of any size in containers
# whose plugins decode while opening; no one sends a digit that way.
FORMATS = ('PNG', 'JPEG', 'GIF', 'BMP', 'TIFF', 'WEBP')  # (an MPO opens as a JPEG)
NAMES = 'PNG, JPEG, GIF, BMP, TIFF or WebP'
MAX_PIXELS = 25000000  # decoded pixels (after a JPEG's reduced-size decoding): 5000x5000
MIN_SIDE = 8           # smaller pictures cannot hold a digit
# EXIF orientation -> the transposition that shows the picture upright (ImageOps's table).
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
           4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
           6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}
TURNED = (5, 6, 7, 8)  # of those, the ones that turn it a quarter: its width and height swap
HIGH_DEPTH = ('I;16', 'I;16L', 'I;16B', 'I;16N', 'I', 'F')
GREY = 128  # what libjpeg fills a JPEG's blocks with when its data ends before them


def load(path, side):
    """The picture as an RGB float32 array [H, W, 3] in [0, 1], its longest side at most
    `side` (box-averaged down when larger): first frame, EXIF rotation applied, transparency
    laid on white paper. `path` is a file name or the file's bytes."""
    return load_sized(path, side)[0]


def load_sized(path, side):
    """(load's array, (width, height)): the array and the picture's own size in pixels, upright
    (EXIF rotation applied): a pixel of the array is width / W by height / H of the picture's."""
    source = _source(path)
    with warnings.catch_warnings():
        # Pillow's own bomb limit (a warning past 89 M pixels) is an error here, as ours is.
        warnings.simplefilter('error', Image.DecompressionBombWarning)
        try:
            with Image.open(source, formats=FORMATS) as im:
                return _decode(im, side, source)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise PictureError('is too large (more than %d pixels: Pillow refuses it as a '
                               'possible decompression bomb)' % Image.MAX_IMAGE_PIXELS,
                               'too large')
        except PictureError:
            raise
        except Image.UnidentifiedImageError:
            raise PictureError('is not a picture in a format read here (%s)' % NAMES,
                               'unreadable')
        except MemoryError:
            raise PictureError('is too large to decode here', 'too large')
        except Exception as e:  # Pillow raises many kinds for damaged files
            if isinstance(e, OSError) and 'truncated' in str(e):
                raise PictureError('is truncated or damaged', 'unreadable')
            raise PictureError('cannot be read (%s)' % _first(e), 'unreadable')


def _source(path):
    if isinstance(path, (bytes, bytearray, memoryview)):
        if not len(path):
            raise PictureError('is an empty file', 'empty')
        return io.BytesIO(path)
    if not path:
        raise PictureError('no file name was given (an empty line)')
    if os.path.isdir(path):
        raise PictureError('is a folder, not a picture')
    if not os.path.exists(path):
        raise PictureError('is a link that leads nowhere (to a missing file, or round in a '
                           'loop)' if os.path.islink(path) else 'no such file')
    if not os.path.isfile(path):  # a pipe or a device: no size to check, maybe no end
        raise PictureError('is not a regular file (a pipe, device or socket)')
    if os.path.getsize(path) == 0:
        raise PictureError('is an empty file', 'empty')
    return path


def _first(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _decode(im, side, source):
    """An opened (not yet decoded) picture -> (the float array, its own upright size). Every
    size check comes before the pixels are decoded."""
    width, height = im.size
    if min(width, height) < MIN_SIDE:
        raise PictureError('is too small (%dx%d pixels) to hold a digit' % (width, height))
    im.seek(0)  # animated pictures and multi-page files: the first frame
    jpeg = im.format in ('JPEG', 'MPO')
    if jpeg and max(width, height) > side:
        ratio = 0.9 * side / max(width, height)  # the smallest DCT scale keeping ~side px
        im.draft('RGB', (int(width * ratio) + 1, int(height * ratio) + 1))
    if im.size[0] * im.size[1] > MAX_PIXELS:
        raise PictureError('is too large (%dx%d pixels; the limit is %d pixels)'
                           % (width, height, MAX_PIXELS), 'too large')
    orientation = im.getexif().get(0x0112)
    size = (height, width) if orientation in TURNED else (width, height)  # its own, upright
    if im.mode in HIGH_DEPTH:
        im = _high_depth(im)
    else:
        if im.mode in ('RGBA', 'LA', 'PA', 'La', 'RGBa') or 'transparency' in im.info:
            im = im.convert('RGBA')
            im = Image.alpha_composite(Image.new('RGBA', im.size, (255, 255, 255, 255)), im)
        if im.mode != 'RGB':  # (convert copies even when the mode is already right)
            im = im.convert('RGB')
    if jpeg and _cut_short(im, source):
        raise PictureError('is cut short: its data ends before the %d rows its header claims'
                           % height, 'unreadable')
    im = _shrink(im, side)
    if orientation in UPRIGHT:
        im = im.transpose(UPRIGHT[orientation])
    if im.mode == 'F':
        grey = np.clip(np.asarray(im, np.float32), 0.0, 1.0)
        return np.repeat(grey[..., None], 3, axis=2), size
    return np.asarray(im, dtype=np.float32) / 255.0, size


def _cut_short(im, source):
    """True when a JPEG's data ends before the rows its header claims. libjpeg fills the
    blocks it lacks with GREY, and Pillow does not say so. A picture whose bottom row is all
    GREY (rare in a whole one) is decoded again, its data cut at the end marker and followed
    by zero bytes (libjpeg reads a few ahead): a whole scan still decodes, a cut one asks
    for more (Pillow: truncated). A JPEG of several scans (progressive) is not told apart."""
    w, h = im.size
    if set(im.crop((0, h - 1, w, h)).getextrema()) != {(GREY, GREY)}:
        return False
    if isinstance(source, io.BytesIO):
        data = source.getvalue()
    else:
        with open(source, 'rb') as f:
            data = f.read()
    scan = _scan_start(data)
    end = data.find(b'\xff\xd9', scan)  # EOI (in the scan's data an 0xff is followed by 0)
    if scan < 0 or end < 0 or data.find(b'\xff\xda', scan + 2, end) >= 0:
        return False
    with Image.open(io.BytesIO(data[:end] + bytes(64)), formats=('JPEG',)) as again:
        again.draft(None, (1, 1))  # the smallest scale: every block's data is still read
        try:
            again.load()
        except OSError as e:
            return 'truncated' in str(e)
    return False


def _scan_start(data):
    """Where a JPEG's first scan (its SOS marker) is, walking the segments from the top (an
    EXIF thumbnail holds markers of its own); -1 if there is none."""
    at = 2
    while data[at:at + 1] == b'\xff' and at + 4 <= len(data):
        if data[at + 1] == 0xDA:
            return at
        at += 2 + int.from_bytes(data[at + 2:at + 4], 'big')
    return -1


def _high_depth(im):
    """16-bit, 32-bit and float pictures -> one 'F' band, scaled so that white is 1: the top
    value guessed from the pixels (1 for float pictures that stay within it, else 255 or
    65535). Clipped to [0, 1] once small."""
    floating = im.mode == 'F'
    im = im.convert('F') if not floating else im
    top = im.getextrema()[1]
    scale = 1.0 if floating and top <= 1.0 else (255.0 if top <= 255 else 65535.0)
    return im.point(lambda v: v / scale)


def _shrink(im, side):
    """Box-averages `im` down to `side` px on its longest side (if larger), in Pillow."""
    width, height = im.size
    scale = min(1.0, side / float(max(width, height)))
    if scale >= 1.0:
        return im
    size = (max(1, int(round(width * scale))), max(1, int(round(height * scale))))
    return im.resize(size, Image.BOX)


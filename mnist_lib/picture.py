"""A picture file -> the networks' input: [1, 784] float32 in [0, 1], white digit on black.

Two methods:
  mnist  (default) gives the network what MNIST would have given it: find the ink
         against the paper whatever their colours (dark on light or light on dark,
         uneven light), threshold adaptively, leave out specks, then, as MNIST made
         its digits, scale the digit's box to 20 px on its longer side (stroke
         width evened only when outside MNIST's own range), averaging the ink
         down, and put its centre of mass at pixel 14 of 28x28. An MNIST digit
         drawn at any size reads as its own 28x28 array does: see
         benchmarks/bench_roundtrip.py. The ink against the paper is paper.py's.
  course the notes' pre_pic: resize the whole picture to 28x28, invert, and
         threshold at 50.
"""
import numpy as np
from PIL import Image, ImageFilter

from mnist_lib import decode
from mnist_lib import marks
from mnist_lib import paper
from mnist_lib.errors import BlankPicture, PictureError  # noqa: F401  (callers catch them here)

METHODS = ('mnist', 'course')
DEFAULT = 'mnist'
WORK_SIDE = 384        # the longest side of the copy the digit is looked for in
THRESHOLD = 50         # the notes' binarisation threshold (course method)
BOX = 20               # MNIST digits fit a 20x20 box ...
SIZE = 28              # ... centred by mass in 28x28 ...
CENTRE = 14.0          # ... at pixel 14 (row and column index: MNIST's lie within 14 +- 0.5)
CANVAS = 80            # a digit is measured on a canvas where it is at least this many px
THIN = 1.5             # MNIST's strokes are 1.6 to 5.1 px wide in its 20 px box (99% of
THICK = 5.5            # them): one under THIN is widened to WIDEN_TO, one over THICK thinned
WIDEN_TO = 2.0         # to it
SPECK = 0.2            # ink marks under this share of the largest mark's size are specks


def load(path, max_side=None):
    """Returns the picture as an RGB float array [H, W, 3] in [0, 1], its longest side at most
    `max_side` (default WORK_SIDE: the digit is looked for in no larger a copy): first frame,
    EXIF rotation applied, transparency laid on white paper. `path` is a file name or the
    file's bytes. Bounded in time and memory whatever the file holds: see decode.py."""
    return decode.load(path, max_side or WORK_SIDE)


def pre_pic(picName, method=DEFAULT):
    """Returns the [1, 784] float32 input for the picture `picName` (a file name or bytes)."""
    return normalised(load(picName), method)


def normalised(rgb, method=DEFAULT):
    """A loaded picture -> the [1, 784] float32 input, by `method`."""
    if method not in METHODS:
        raise ValueError('unknown method %r: one of %s' % (method, ', '.join(METHODS)))
    if method == 'course':
        return course(rgb)
    return mnist_style(rgb)


def course(rgb):
    """The notes' pre_pic: whole-picture resize, invert, threshold 50."""
    im = Image.fromarray(np.uint8(np.round(rgb * 255))).convert('L')
    im_arr = np.asarray(im.resize((SIZE, SIZE), Image.LANCZOS), dtype=np.int32)
    im_arr = 255 - im_arr
    im_arr = np.where(im_arr < THRESHOLD, 0, 255)
    return (im_arr.reshape([1, SIZE * SIZE]) / 255.0).astype(np.float32)


def _stroke_width(mask):
    """Mean stroke width of a binary mask: twice its area over its boundary length."""
    inner = mask[1:-1, 1:-1] & mask[:-2, 1:-1] & mask[2:, 1:-1] & mask[1:-1, :-2] & mask[1:-1, 2:]
    boundary = mask.sum() - inner.sum()
    return 2.0 * mask.sum() / max(boundary, 1)


def _morph(ink, radius, grow):
    im = Image.fromarray(np.uint8(np.round(np.clip(ink, 0, 1) * 255)))
    for _ in range(radius):  # repeated 3x3 steps: a rounder pen than one big square
        im = im.filter(ImageFilter.MaxFilter(3) if grow else ImageFilter.MinFilter(3))
    return np.asarray(im, dtype=np.float32) / 255.0


def mnist_style(rgb):
    """Finds the digit and normalises it the way MNIST's digits were: [1, 784]."""
    ink, mask, labels, boxes, specks = _marks(rgb)
    return normalise(ink, mask & ~np.isin(labels, specks)).reshape([1, SIZE * SIZE])


def _marks(rgb):
    """The picture's ink [H, W], its mask, the marks' labels and boxes (marks.marks) and the
    labels of the specks among them, in the copy a single digit is looked for in."""
    ink, mask, _ = paper.find_ink(paper.shrink(rgb, WORK_SIDE))
    labels, boxes = marks.marks(mask)
    if not boxes:
        raise BlankPicture()
    sides = np.array([max(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes])
    return ink, mask, labels, boxes, np.flatnonzero(sides < SPECK * sides.max()) + 1


def side_by_side(rgb):
    """How many marks stand side by side in the picture's row, as the digits of a number do:
    its marks (specks left out) at least half as tall as the tallest and beside it, where
    most of its marks are such (0 where not: a texture, a page of writing). Two or more: a
    number, likely, which --number reads."""
    _, _, _, boxes, specks = _marks(rgb)
    boxes = [b for k, b in enumerate(boxes, 1) if k not in set(specks)]
    _, top, _, bottom = max(boxes, key=lambda b: b[3] - b[1])
    beside = [b for b in boxes if 2 * (b[3] - b[1]) >= bottom - top
              and b[1] < bottom and b[3] > top]
    return len(beside) if 2 * len(beside) >= len(boxes) else 0


def normalise(ink, mask):
    """The digit whose surely-ink pixels are `mask` [H, W], in the contrast `ink` (zero on
    other marks and lines) -> the 28x28 input, float32 in [0, 1], as MNIST made its digits:
    the digit's box scaled to BOX px on its longer side, its centre of mass at CENTRE. Its
    ink is the mask's and the soft edge around it; the number finder and a single digit
    alike come here.

    The digit is looked at on a canvas where it is at least CANVAS px (a small one is
    enlarged), its ink scaled to its stroke's strength; there its box is where the ink
    passes half-strength, its stroke width is measured in MNIST's pixels and evened only
    when outside MNIST's own range; then it is averaged down (a box filter, as MNIST's
    anti-aliasing was) straight into 28x28, at a sub-pixel position."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        raise BlankPicture()
    side = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
    edge = soft_edge(side)
    top, left = max(rows[0] - edge, 0), max(cols[0] - edge, 0)
    ink, mask = (a[top:rows[-1] + 1 + edge, left:cols[-1] + 1 + edge] for a in (ink, mask))
    # The canvas: the digit CANVAS px on its longer side, enlarged smoothly or averaged down.
    scale = CANVAS / float(side)
    h, w = ink.shape
    size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
    resample = Image.BILINEAR if scale > 1 else Image.BOX
    ink = paper.resize(ink, size, resample)
    share = paper.resize(mask.astype(np.float32), size, resample)  # of each pixel, surely ink
    near = share > 0
    for _ in range(CANVAS // BOX):  # its soft edge: one of MNIST's pixels around
        near = marks.grow(near)
    ink = np.where(near, ink, 0.0)  # and nothing else
    sure = share > 0.5
    strength = np.percentile(ink[sure] if sure.any() else ink, 90)  # of the stroke's middle
    ink = np.clip(ink / max(strength, 1e-6), 0, 1)
    ink = _even_stroke(ink)
    return _centred(ink, _box(ink > 0.5))


def soft_edge(side):
    """The px around a digit `side` px tall (or wide) that its soft edge may take: one of
    MNIST's pixels."""
    return max(1, int(round(side / float(BOX))))


def _box(mask):
    """(x0, y0, x1, y1) of a mask's True pixels, exclusive ends."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        raise BlankPicture()
    return cols[0], rows[0], cols[-1] + 1, rows[-1] + 1


def _even_stroke(ink):
    """Widens a stroke thinner than THIN MNIST pixels to WIDEN_TO, thins one thicker than
    THICK to it; MNIST's own strokes, between them, are left as they are."""
    x0, y0, x1, y1 = _box(ink > 0.5)
    unit = max(x1 - x0, y1 - y0) / float(BOX)  # canvas px per MNIST px
    # A blocky outline (a small picture enlarged) looks longer than it is: a stroke's width
    # is measured on the canvas and on a smoothed copy, the larger taken.
    h, w = ink.shape
    smooth = paper.resize(paper.resize(ink, (max(1, w // 2), max(1, h // 2)), Image.BOX), (w, h))
    width = max(_stroke_width(np.pad(a[y0:y1, x0:x1] > 0.5, 1)) for a in (ink, smooth)) / unit
    if width < THIN:
        radius = int(round((WIDEN_TO - width) * unit / 2))
        return _morph(np.pad(ink, radius), radius, grow=True)
    if width > THICK:  # (not where it leaves nothing: a mark all ink, as a dense spiral)
        thinned = _morph(ink, int(round((width - THICK) * unit / 2)), grow=False)
        return thinned if (thinned > 0.5).any() else ink
    return ink


def _centred(ink, box):
    """28x28 from the canvas `ink`: its `box` (x0, y0, x1, y1) scaled to BOX px on the
    longer side, area-averaged, the centre of mass at CENTRE (kept whole in the frame)."""
    x0, y0, x1, y1 = box
    px = max(x1 - x0, y1 - y0) / float(BOX)  # canvas px per input px
    total = ink.sum()
    # Pixel k covers [k, k + 1): the centre of mass at index CENTRE lies at CENTRE + 0.5.
    cy = (ink.sum(axis=1) * (np.arange(ink.shape[0]) + 0.5)).sum() / total
    cx = (ink.sum(axis=0) * (np.arange(ink.shape[1]) + 0.5)).sum() / total
    span = SIZE * px
    top = min(max(cy - (CENTRE + 0.5) * px, y1 - span), y0)
    left = min(max(cx - (CENTRE + 0.5) * px, x1 - span), x0)
    return _areas(top, px, ink.shape[0]).dot(ink).dot(_areas(left, px, ink.shape[1]).T)


def _areas(start, px, n):
    """[SIZE, n]: the share of input pixel i = [start + i px, start + (i + 1) px) that each
    canvas pixel [j, j + 1) covers, over px: an exact area average (PIL's box filter rounds
    to whole pixels)."""
    edges = start + px * np.arange(SIZE + 1)
    low, high = np.arange(n), np.arange(n) + 1
    overlap = (np.minimum(edges[1:, None], high[None, :])
               - np.maximum(edges[:-1, None], low[None, :]))
    return (np.clip(overlap, 0, None) / px).astype(np.float32)

"""A picture file -> the networks' input: [1, 784] float32 in [0, 1], white digit on black.

Two methods:
  mnist  (default) gives the network what MNIST would have given it: find the ink
         against the paper whatever their colours (dark on light or light on dark,
         uneven light), threshold adaptively, leave out specks, then, as MNIST made
         its digits, scale the digit's box to 20 px on its longer side (stroke
         width evened only when outside MNIST's own range), averaging the ink
         down, and put its centre of mass at pixel 14 of 28x28. An MNIST digit
         drawn at any size reads as its own 28x28 array does: see
         benchmarks/bench_roundtrip.py.
  course the notes' pre_pic: resize the whole picture to 28x28, invert, and
         threshold at 50.
"""
import numpy as np
from PIL import Image, ImageFilter

from mnist_lib import decode
from mnist_lib import marks
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
MIN_CONTRAST = 0.08    # less ink contrast than this is a blank picture
PAPER_STEP = 0.25      # paper's colour changes less than this from a block to the next


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


def _resize(array, size, resample=Image.BILINEAR, box=None):
    """Resizes a 2-D float array (its region `box`, x0, y0, x1, y1 in pixels, by default
    all of it) to `size` = (width, height)."""
    return np.asarray(Image.fromarray(array.astype(np.float32)).resize(size, resample, box))


def _background(rgb, blocks=6):
    """The paper's colour at each pixel: block medians, smoothly interpolated. A block is
    paper when its median is near the whole picture's, or when it is even and near a
    neighbour that is paper (paper darkening step by step: a shadow, a photo's vignette).
    The rest are mostly ink and take the mean of their neighbours that are paper."""
    h, w, _ = rgb.shape
    # Each colour's plane apart: a median over contiguous values is 3 times as fast.
    planes = np.ascontiguousarray(rgb.transpose(2, 0, 1))
    overall = np.median(planes.reshape(3, -1), axis=1)
    rows, cols = min(blocks, h), min(blocks, w)  # a thin strip: no empty block
    ys = np.linspace(0, h, rows + 1).astype(int)
    xs = np.linspace(0, w, cols + 1).astype(int)
    grid = np.empty((rows, cols, 3), np.float32)
    even = np.empty((rows, cols), bool)
    step = max(1, max(h, w) // 256)  # the spread is taken on a sample: 16 times as fast
    grey = planes[:, ::step, ::step].mean(axis=0)
    for i in range(rows):
        for j in range(cols):
            block = planes[:, ys[i]:ys[i + 1], xs[j]:xs[j + 1]].reshape(3, -1)
            grid[i, j] = np.median(block, axis=1)
            sample = grey[ys[i] // step:-(-ys[i + 1] // step), xs[j] // step:-(-xs[j + 1] // step)]
            low, high = np.percentile(sample, [10, 90])
            even[i, j] = high - low <= PAPER_STEP
    near = lambda a, b: np.abs(a - b).max(axis=-1) <= PAPER_STEP
    paper = near(grid, overall)
    grown = None
    while grown is None or (grown != paper).any():
        grown, paper = paper, paper.copy()
        for to, of in _NEIGHBOURS:
            paper[to] |= even[to] & grown[of] & near(grid[to], grid[of])
    if not paper.any():
        grid[:], paper[:] = overall, True
    while not paper.all():  # the ink blocks, ring by ring from the paper
        total, count = np.zeros_like(grid), np.zeros(paper.shape, np.float32)
        for to, of in _NEIGHBOURS:
            total[to] += grid[of] * paper[of][..., None]
            count[to] += paper[of]
        filled = ~paper & (count > 0)
        grid[filled] = total[filled] / count[filled][:, None]
        paper = paper | filled
    return np.stack([_resize(grid[..., c], (w, h)) for c in range(3)], axis=2)


# (cells, their neighbours) in a grid: below, above, right, left
_NEIGHBOURS = [(np.s_[1:], np.s_[:-1]), (np.s_[:-1], np.s_[1:]),
               (np.s_[:, 1:], np.s_[:, :-1]), (np.s_[:, :-1], np.s_[:, 1:])]


def _box3(a):
    padded = np.pad(a, 1, mode='edge')
    h, w = a.shape
    return sum(padded[i:i + h, j:j + w] for i in range(3) for j in range(3)) / 9.0


def _otsu(values):
    """The threshold that best splits `values` (in [0, 1]) into two classes."""
    hist, edges = np.histogram(values, bins=256, range=(0.0, 1.0))
    hist = hist.astype(np.float64)
    centres = (edges[:-1] + edges[1:]) / 2
    weight0 = np.cumsum(hist)
    weight1 = weight0[-1] - weight0
    mean0 = np.cumsum(hist * centres) / np.maximum(weight0, 1)
    mean1 = ((hist * centres).sum() - np.cumsum(hist * centres)) / np.maximum(weight1, 1)
    between = weight0 * weight1 * (mean0 - mean1) ** 2
    return centres[int(np.argmax(between))]


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
    ink, mask, _ = find_ink(shrink(rgb, WORK_SIDE))
    labels, boxes = marks.marks(mask)
    if not boxes:
        raise BlankPicture()
    sides = np.array([max(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes])
    specks = np.flatnonzero(sides < SPECK * sides.max()) + 1
    return normalise(ink, mask & ~np.isin(labels, specks)).reshape([1, SIZE * SIZE])


def shrink(rgb, side):
    """Box-averages the picture down to `side` px on its longest side (if larger): keeps thin
    strokes' ink and averages the noise away."""
    scale = side / float(max(rgb.shape[:2]))
    return _rescaled(rgb, scale, Image.BOX) if scale < 1.0 else rgb


def enlarge(rgb, side):
    """Enlarges the picture smoothly (bicubic) to `side` px on its longest side (if smaller)."""
    scale = side / float(max(rgb.shape[:2]))
    return _rescaled(rgb, scale, Image.BICUBIC) if scale > 1.0 else rgb


def _rescaled(rgb, scale, resample):
    h, w, _ = rgb.shape
    size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
    return np.asarray(Image.fromarray(np.uint8(np.round(rgb * 255))).resize(size, resample),
                      dtype=np.float32) / 255.0


def find_ink(rgb):
    """Returns (ink, mask, smooth): ink [H, W] in [0, 1] with its faint fringe cleared, the
    pixels that are surely ink, and the ink's 3x3 mean. Ink is whatever differs from the paper
    under it, in any colour and either polarity; the threshold adapts to the picture."""
    ink, smooth = contrast(rgb)
    ink, mask, _ = ink_of(ink, smooth)
    return ink, mask, smooth


def ink_of(ink, smooth, threshold=None):
    """(ink, mask, threshold) from contrast(): the ink with its faint fringe cleared and the
    pixels above the `threshold` (by default ink_threshold's)."""
    if smooth.max() < MIN_CONTRAST:
        raise BlankPicture()
    if threshold is None:
        threshold = ink_threshold(smooth)
    return np.where(smooth > 0.5 * threshold, ink, 0.0), smooth > threshold, threshold


def contrast(rgb):
    """(ink, smooth): how much each pixel differs from the paper under it [H, W], in any
    colour and either polarity, and its 3x3 mean (specks fade to 1/9, strokes keep 1/3)."""
    away = np.abs(rgb - _background(rgb))  # the greatest of the three (max(axis=2): 7x slower)
    ink = np.maximum(np.maximum(away[..., 0], away[..., 1]), away[..., 2])
    return ink, _box3(ink)


def ink_threshold(values):
    """The smoothed contrast above which a pixel is surely ink, from the `values` it takes
    over the paper: Otsu's split, and at least a quarter of the strongest."""
    return max(_otsu(values / values.max()) * values.max(), 0.25 * values.max())


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
    ink = _resize(ink, size, resample)
    share = _resize(mask.astype(np.float32), size, resample)  # of each pixel, surely ink
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
    smooth = _resize(_resize(ink, (max(1, w // 2), max(1, h // 2)), Image.BOX), (w, h))
    width = max(_stroke_width(np.pad(a[y0:y1, x0:x1] > 0.5, 1)) for a in (ink, smooth)) / unit
    if width < THIN:
        radius = int(round((WIDEN_TO - width) * unit / 2))
        return _morph(np.pad(ink, radius), radius, grow=True)
    if width > THICK:
        return _morph(ink, int(round((width - THICK) * unit / 2)), grow=False)
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

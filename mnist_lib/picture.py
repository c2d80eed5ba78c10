"""A picture file -> the networks' input: [1, 784] float32 in [0, 1], white digit on black.

Two methods:
  mnist  (default) puts any picture into MNIST's own normalisation: find the
         ink against the paper whatever their colours (dark on light or light
         on dark, uneven light), threshold adaptively, crop to the digit, even
         out the stroke width, scale into a 20x20 box keeping the aspect ratio,
         and centre it by centre of mass in 28x28.
  course the notes' pre_pic: resize the whole picture to 28x28, invert, and
         threshold at 50.
"""
import numpy as np
from PIL import Image, ImageFilter

from mnist_lib import decode
from mnist_lib.errors import PictureError  # noqa: F401  (callers catch picture.PictureError)

METHODS = ('mnist', 'course')
DEFAULT = 'mnist'
WORK_SIDE = 384        # the longest side of the copy the digit is looked for in
THRESHOLD = 50         # the notes' binarisation threshold (course method)
BOX = 20               # MNIST digits fit a 20x20 box ...
SIZE = 28              # ... centred by mass in 28x28
STROKE = 0.12          # MNIST stroke width, as a fraction of the digit's longest side
THIN = 0.7             # a stroke under THIN * the MNIST width is widened to it
MIN_CONTRAST = 0.08    # less ink contrast than this is a blank picture


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


def _resize(array, size, resample=Image.BILINEAR):
    """Resizes a 2-D float array to `size` = (width, height)."""
    return np.asarray(Image.fromarray(array.astype(np.float32)).resize(size, resample))


def _background(rgb, blocks=6):
    """The paper's colour at each pixel: block medians, smoothly interpolated. A block whose
    median is far from the whole picture's (mostly ink) takes the picture's instead."""
    h, w, _ = rgb.shape
    overall = np.median(rgb.reshape(-1, 3), axis=0)
    rows, cols = min(blocks, h), min(blocks, w)  # a thin strip: no empty block
    ys = np.linspace(0, h, rows + 1).astype(int)
    xs = np.linspace(0, w, cols + 1).astype(int)
    grid = np.empty((rows, cols, 3), np.float32)
    for i in range(rows):
        for j in range(cols):
            block = rgb[ys[i]:ys[i + 1], xs[j]:xs[j + 1]].reshape(-1, 3)
            grid[i, j] = np.median(block, axis=0)
            if np.abs(grid[i, j] - overall).max() > 0.25:
                grid[i, j] = overall
    return np.stack([_resize(grid[..., c], (w, h)) for c in range(3)], axis=2)


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
    ink, mask, smooth = find_ink(shrink(rgb, WORK_SIDE))
    # Crop to the ink, trimming 0.5% of its mass at each side against stray specks.
    rows, cols = np.nonzero(mask)
    weights = smooth[rows, cols]
    top, bottom = _mass_range(rows, weights)
    left, right = _mass_range(cols, weights)
    return normalise(ink[top:bottom + 1, left:right + 1],
                     mask[top:bottom + 1, left:right + 1]).reshape([1, SIZE * SIZE])


def shrink(rgb, side):
    """Box-averages the picture down to `side` px on its longest side (if larger): keeps thin
    strokes' ink and averages the noise away."""
    h, w, _ = rgb.shape
    scale = min(1.0, side / float(max(h, w)))
    if scale < 1.0:
        size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
        rgb = np.asarray(Image.fromarray(np.uint8(np.round(rgb * 255))).resize(size, Image.BOX),
                         dtype=np.float32) / 255.0
    return rgb


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
        raise PictureError('holds no digit (the picture is blank)')
    if threshold is None:
        threshold = ink_threshold(smooth)
    return np.where(smooth > 0.5 * threshold, ink, 0.0), smooth > threshold, threshold


def contrast(rgb):
    """(ink, smooth): how much each pixel differs from the paper under it [H, W], in any
    colour and either polarity, and its 3x3 mean (specks fade to 1/9, strokes keep 1/3)."""
    ink = np.abs(rgb - _background(rgb)).max(axis=2)
    return ink, _box3(ink)


def ink_threshold(values):
    """The smoothed contrast above which a pixel is surely ink, from the `values` it takes
    over the paper: Otsu's split, and at least a quarter of the strongest."""
    return max(_otsu(values / values.max()) * values.max(), 0.25 * values.max())


def normalise(ink, mask, thin=THIN):
    """One digit's ink, cropped to it, and its mask -> the 28x28 input (float32 in [0, 1]).
    A stroke thinner than `thin` times MNIST's is widened to MNIST's."""
    # Even out the stroke: MNIST's pens were about STROKE of the digit's size wide.
    target = STROKE * max(ink.shape)
    width = _stroke_width(np.pad(mask, 1))
    if width < thin * target:
        radius = int(round((target - width) / 2))
        ink = _morph(np.pad(ink, radius), radius, grow=True)
    elif width > 1.6 * target:
        ink = _morph(ink, int(round((width - target) / 2)), grow=False)
    strength = np.percentile(ink[ink > 0], 90) if (ink > 0).any() else 1.0
    ink = np.clip(ink / max(strength, 1e-6), 0, 1)

    # Scale into the 20x20 box, aspect kept, then centre by mass in 28x28.
    h, w = ink.shape
    factor = BOX / float(max(h, w))
    small = np.clip(_resize(ink, (max(1, int(round(w * factor))), max(1, int(round(h * factor)))),
                            Image.LANCZOS), 0, 1)
    return _centre_by_mass(small)


def _mass_range(index, weights, trim=0.005):
    if not len(index) or not weights.sum() > 0:
        raise PictureError('holds no digit (the picture is blank)')
    order = np.argsort(index)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    low = index[order][np.searchsorted(cumulative, trim)]
    high = index[order][min(len(order) - 1, np.searchsorted(cumulative, 1 - trim))]
    return int(low), int(high)


def _centre_by_mass(small):
    h, w = small.shape
    total = small.sum()
    if total <= 0:
        raise PictureError('holds no digit (the picture is blank)')
    cy = (small.sum(axis=1) * np.arange(h)).sum() / total
    cx = (small.sum(axis=0) * np.arange(w)).sum() / total
    top = int(round(SIZE / 2.0 - 0.5 - cy))
    left = int(round(SIZE / 2.0 - 0.5 - cx))
    top = min(max(top, 0), SIZE - h)  # keep the whole digit in the picture
    left = min(max(left, 0), SIZE - w)
    out = np.zeros((SIZE, SIZE), np.float32)
    out[top:top + h, left:left + w] = small
    return out

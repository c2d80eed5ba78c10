"""Ink against paper: how much each pixel of a picture differs from the paper under it, in any
colour and either polarity, under uneven light; the threshold above which it is surely ink; and
the picture's rescaling to the size it is looked at in. The single digit (picture.py) and the
number finder (digits.py, clearing.py) alike start here."""
import numpy as np
from PIL import Image

from mnist_lib.errors import BlankPicture

MIN_CONTRAST = 0.08    # less ink contrast than this is a blank picture
PAPER_STEP = 0.25      # paper's colour changes less than this from a block to the next


def resize(array, size, resample=Image.BILINEAR, box=None):
    """Resizes a 2-D float array (its region `box`, x0, y0, x1, y1 in pixels, by default
    all of it) to `size` = (width, height)."""
    return np.asarray(Image.fromarray(array.astype(np.float32)).resize(size, resample, box))


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
    return np.stack([resize(grid[..., c], (w, h)) for c in range(3)], axis=2)


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

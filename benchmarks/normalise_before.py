"""The app's normalisation as it was before it followed MNIST's own recipe (commit 6c42411),
with each of its steps switchable, one at a time, to the way it is done now or off: what
`bench_roundtrip.py --steps` measures, to show where the points went.

    pre_pic(source)                       # as it was
    pre_pic(source, centring='subpixel')  # as it was, but centred the way it is now
"""
import numpy as np
from PIL import Image

from mnist_lib import paper
from mnist_lib import picture

# step -> its variants, the first as it was; each pre_pic keyword takes one.
STEPS = {
    'fringe': ('cleared', 'kept'),        # ink under half the threshold zeroed, or kept
    'crop': ('trimmed', 'box'),           # 0.5% of the ink's mass off each side, or the box
    'evening': ('before', 'off', 'now'),  # widen under 0.7x / thin over 1.6x of 0.12 of the
                                          # side, to it; not at all; MNIST's range (now)
    'intensity': ('p90', 'none'),         # ink over its 90th percentile, or as it is
    'filter': ('lanczos', 'bilinear', 'box'),  # how the crop is scaled into the 20 px box
    'centring': ('13.5', '14', 'subpixel'),    # centre of mass at pixel 13.5 or 14, rounded
                                               # to whole pixels, or at 14.0 exactly (now)
}
FILTERS = {'lanczos': Image.LANCZOS, 'bilinear': Image.BILINEAR, 'box': Image.BOX}


def pre_pic(source, fringe='cleared', crop='trimmed', evening='before', intensity='p90',
            filter='lanczos', centring='13.5'):
    """The [1, 784] input of the picture `source` (a file name or bytes)."""
    ink, smooth = paper.contrast(paper.shrink(picture.load(source), picture.WORK_SIDE))
    if smooth.max() < paper.MIN_CONTRAST:
        raise picture.PictureError('holds no digit (the picture is blank)')
    threshold = paper.ink_threshold(smooth)
    mask = smooth > threshold
    if fringe == 'cleared':
        ink = np.where(smooth > 0.5 * threshold, ink, 0.0)
    rows, cols = np.nonzero(mask)
    if crop == 'trimmed':
        top, bottom = _mass_range(rows, smooth[rows, cols])
        left, right = _mass_range(cols, smooth[rows, cols])
    else:
        top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
    ink, mask = ink[top:bottom + 1, left:right + 1], mask[top:bottom + 1, left:right + 1]

    side = max(ink.shape)
    width = picture._stroke_width(np.pad(mask, 1))
    if evening == 'before':
        grow_to, thin_to = (0.12 * side if width < 0.7 * 0.12 * side else None,
                            0.12 * side if width > 1.6 * 0.12 * side else None)
    else:
        unit = side / float(picture.BOX)
        grow_to = picture.WIDEN_TO * unit if width < picture.THIN * unit else None
        thin_to = picture.THICK * unit if width > picture.THICK * unit else None
    if evening != 'off' and grow_to:
        radius = int(round((grow_to - width) / 2))
        ink = picture._morph(np.pad(ink, radius), radius, grow=True)
    elif evening != 'off' and thin_to:
        ink = picture._morph(ink, int(round((width - thin_to) / 2)), grow=False)
    if intensity == 'p90':
        ink = ink / max(np.percentile(ink[ink > 0], 90) if (ink > 0).any() else 1.0, 1e-6)
    ink = np.clip(ink, 0, 1)

    h, w = ink.shape
    factor = picture.BOX / float(max(h, w))
    if centring == 'subpixel':  # straight into 28x28, the centre of mass at 14.0
        total = ink.sum()
        cy = (ink.sum(axis=1) * (np.arange(h) + 0.5)).sum() / total
        cx = (ink.sum(axis=0) * (np.arange(w) + 0.5)).sum() / total
        span, pad = picture.SIZE / factor, int(np.ceil(picture.SIZE / factor))
        top = min(max(cy - (picture.CENTRE + 0.5) / factor, h - span), 0) + pad
        left = min(max(cx - (picture.CENTRE + 0.5) / factor, w - span), 0) + pad
        out = paper.resize(np.pad(ink, pad), (picture.SIZE, picture.SIZE),
                              FILTERS[filter], (left, top, left + span, top + span))
        return np.clip(out, 0, 1).reshape(1, -1)
    small = np.clip(paper.resize(ink, (max(1, int(round(w * factor))),
                                          max(1, int(round(h * factor)))), FILTERS[filter]), 0, 1)
    return _centre_by_mass(small, float(centring)).reshape(1, -1)


def _mass_range(index, weights, trim=0.005):
    order = np.argsort(index)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    low = index[order][np.searchsorted(cumulative, trim)]
    high = index[order][min(len(order) - 1, np.searchsorted(cumulative, 1 - trim))]
    return int(low), int(high)


def _centre_by_mass(small, centre):
    """`small` pasted into 28x28 at whole pixels, its centre of mass nearest `centre`."""
    h, w = small.shape
    total = small.sum()
    cy = (small.sum(axis=1) * np.arange(h)).sum() / total
    cx = (small.sum(axis=0) * np.arange(w)).sum() / total
    top = min(max(int(np.floor(centre - cy + 0.5)), 0), picture.SIZE - h)
    left = min(max(int(np.floor(centre - cx + 0.5)), 0), picture.SIZE - w)
    out = np.zeros((picture.SIZE, picture.SIZE), np.float32)
    out[top:top + h, left:left + w] = small
    return out

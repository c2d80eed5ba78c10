"""The judge's training data, made from MNIST's training digits alone: one whole digit, or not.

Every sample starts as a binary shape on a canvas where a digit is about 80 px tall, made
by one of the KINDS below; then all are rendered the same way (a random pen edge, paper,
ink, noise, a size) and passed through the app's own normalisation, so that the judge sees
what the classifier sees and cannot tell the kinds apart by how they were drawn.

    positive  an MNIST digit, jittered as real cut-outs are: slanted, turned, narrower or
              wider, thicker or thinner, a little off-centre in its crop
    negatives halves and fragments of digits; two digits side by side, touching or
              overlapping; a digit with a piece of its neighbour; straight and curved lines,
              ruled lines, a margin line, box corners and borders; dots, specks, blobs and
              smudges; scribbles; shapes built from strokes (letters, arrows, crosses, plus
              and equals signs, stars); doodles of rings, polygons, spirals and zigzags;
              figures alone (triangles, squares, diamonds, stars, hearts, clouds,
              flowers, lightning)

A negative that looks like a digit after all is a wrong label. Some are never made (no half
or piece of a 1, no line nearer upright than LEANING, no corner shaped like a 7); the
others (half an 8 is a 0, a scribble may be a 2) are found by the networks themselves and
dropped: see synthetic/make_judge.py.
"""
import collections
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from mnist_lib import picture

UP = 4            # the canvas: an MNIST pixel is UP px, a digit about 80 px tall
CANVAS = 28 * UP  # a single digit's canvas side
POSITIVE = 'digit'
KINDS = (POSITIVE, 'half', 'fragment', 'pair', 'neighbour', 'line', 'curve', 'ruled',
         'margin', 'corner', 'border', 'dots', 'blob', 'scribble', 'symbol', 'doodle',
         'figure')
# One sample before rendering: its binary shape [H, W] bool, and its kind.
Shape = collections.namedtuple('Shape', 'ink kind')

LEANING = 35     # degrees from upright: a straight stroke leaning less may be a 1
UPRIGHT_SPREAD = 0.1  # ink spread across a stroke under this share of along it: a stroke
SPECKS = 0.25    # share of whole digits given a few small specks beside them, as on paper
WOBBLE = 0.03    # a drawn letter or figure is bent by smooth waves of this much of its box
                 # on average (up to twice), as no two hands draw one alike
FLAGGED = 0.4    # share of 1s given a flag at the top (and now and then a foot), as many
                 # hands outside America write them and MNIST's writers seldom did
# Letters, arrows and signs, as strokes of points in a unit box (y down); none like a digit.
SYMBOLS = {
    'A': [[(0.1, 1), (0.5, 0), (0.9, 1)], [(0.27, 0.6), (0.73, 0.6)]],
    'E': [[(0.85, 0), (0.15, 0), (0.15, 1), (0.85, 1)], [(0.15, 0.5), (0.7, 0.5)]],
    'F': [[(0.85, 0), (0.15, 0), (0.15, 1)], [(0.15, 0.5), (0.7, 0.5)]],
    'H': [[(0.15, 0), (0.15, 1)], [(0.85, 0), (0.85, 1)], [(0.15, 0.5), (0.85, 0.5)]],
    'K': [[(0.15, 0), (0.15, 1)], [(0.85, 0), (0.15, 0.55), (0.85, 1)]],
    'M': [[(0.05, 1), (0.15, 0), (0.5, 0.7), (0.85, 0), (0.95, 1)]],
    'N': [[(0.15, 1), (0.15, 0), (0.85, 1), (0.85, 0)]],
    'R': [[(0.15, 1), (0.15, 0), (0.7, 0.05), (0.8, 0.25), (0.7, 0.45), (0.15, 0.5),
           (0.85, 1)]],
    'T': [[(0.05, 0), (0.95, 0)], [(0.5, 0), (0.5, 1)]],
    'U': [[(0.15, 0), (0.15, 0.75), (0.3, 0.97), (0.7, 0.97), (0.85, 0.75), (0.85, 0)]],
    'V': [[(0.1, 0), (0.5, 1), (0.9, 0)]],
    'W': [[(0.0, 0), (0.25, 1), (0.5, 0.3), (0.75, 1), (1.0, 0)]],
    'X': [[(0.1, 0), (0.9, 1)], [(0.9, 0), (0.1, 1)]],
    'Y': [[(0.1, 0), (0.5, 0.5), (0.9, 0)], [(0.5, 0.5), (0.5, 1)]],
    'a': [[(0.8, 0.45), (0.5, 0.35), (0.2, 0.55), (0.25, 0.95), (0.6, 1), (0.8, 0.75)],
          [(0.8, 0.35), (0.8, 1)]],
    'e': [[(0.2, 0.65), (0.8, 0.65), (0.7, 0.4), (0.4, 0.35), (0.2, 0.6), (0.3, 0.95),
           (0.8, 0.95)]],
    'h': [[(0.2, 0), (0.2, 1)], [(0.2, 0.55), (0.5, 0.4), (0.8, 0.55), (0.8, 1)]],
    'k': [[(0.2, 0), (0.2, 1)], [(0.75, 0.35), (0.2, 0.7), (0.8, 1)]],
    'm': [[(0.05, 1), (0.05, 0.4)], [(0.05, 0.5), (0.25, 0.38), (0.5, 0.5), (0.5, 1)],
          [(0.5, 0.5), (0.75, 0.38), (0.95, 0.5), (0.95, 1)]],
    'n': [[(0.2, 1), (0.2, 0.4)], [(0.2, 0.5), (0.5, 0.38), (0.8, 0.5), (0.8, 1)]],
    'r': [[(0.3, 1), (0.3, 0.4)], [(0.3, 0.6), (0.55, 0.42), (0.85, 0.42)]],
    't': [[(0.45, 0.05), (0.45, 0.9), (0.6, 1), (0.8, 0.95)], [(0.15, 0.35), (0.8, 0.35)]],
    'u': [[(0.2, 0.4), (0.2, 0.85), (0.45, 1), (0.8, 0.85)], [(0.8, 0.4), (0.8, 1)]],
    'w': [[(0.0, 0.4), (0.25, 1), (0.5, 0.55), (0.75, 1), (1.0, 0.4)]],
    'x': [[(0.15, 0.4), (0.85, 1)], [(0.85, 0.4), (0.15, 1)]],
    'y': [[(0.15, 0.35), (0.5, 0.75)], [(0.85, 0.35), (0.35, 1.1)]],
    '+': [[(0.5, 0.1), (0.5, 0.9)], [(0.1, 0.5), (0.9, 0.5)]],
    '=': [[(0.1, 0.35), (0.9, 0.35)], [(0.1, 0.65), (0.9, 0.65)]],
    '#': [[(0.35, 0), (0.3, 1)], [(0.7, 0), (0.65, 1)], [(0.05, 0.33), (0.95, 0.33)],
          [(0.05, 0.67), (0.95, 0.67)]],
    '*': [[(0.5, 0.1), (0.5, 0.9)], [(0.15, 0.3), (0.85, 0.7)], [(0.85, 0.3), (0.15, 0.7)]],
    '->': [[(0.0, 0.5), (1.0, 0.5)], [(0.7, 0.25), (1.0, 0.5), (0.7, 0.75)]],
    '<-': [[(1.0, 0.5), (0.0, 0.5)], [(0.3, 0.25), (0.0, 0.5), (0.3, 0.75)]],
    'up': [[(0.5, 1.0), (0.5, 0.0)], [(0.2, 0.3), (0.5, 0.0), (0.8, 0.3)]],
    '%': [[(0.85, 0.05), (0.15, 0.95)], [(0.25, 0.1), (0.35, 0.2), (0.25, 0.3), (0.15, 0.2),
                                          (0.25, 0.1)],
          [(0.75, 0.7), (0.85, 0.8), (0.75, 0.9), (0.65, 0.8), (0.75, 0.7)]],
    '?': [[(0.2, 0.25), (0.4, 0.05), (0.7, 0.05), (0.8, 0.3), (0.5, 0.5), (0.5, 0.75)],
          [(0.5, 0.93), (0.5, 0.97)]],
    '!': [[(0.5, 0), (0.5, 0.7)], [(0.5, 0.92), (0.5, 0.97)]],
    '&': [[(0.9, 1), (0.3, 0.4), (0.35, 0.1), (0.6, 0.1), (0.6, 0.35), (0.15, 0.7),
           (0.3, 0.97), (0.6, 0.95), (0.9, 0.6)]],
    'pi': [[(0.05, 0.1), (0.95, 0.1)], [(0.3, 0.1), (0.25, 1)], [(0.7, 0.1), (0.75, 1)]],
    'B': [[(0.2, 1), (0.2, 0), (0.6, 0.02), (0.75, 0.15), (0.7, 0.4), (0.2, 0.48), (0.75, 0.55),
           (0.85, 0.75), (0.7, 0.97), (0.2, 1)]],
    'C': [[(0.85, 0.15), (0.6, 0.0), (0.3, 0.05), (0.1, 0.4), (0.15, 0.8), (0.4, 1.0),
           (0.85, 0.85)]],
    'D': [[(0.2, 1), (0.2, 0), (0.55, 0.05), (0.85, 0.35), (0.85, 0.65), (0.55, 0.95), (0.2, 1)]],
    'G': [[(0.85, 0.15), (0.55, 0.0), (0.2, 0.15), (0.1, 0.55), (0.3, 0.95), (0.7, 0.95),
           (0.9, 0.65), (0.55, 0.6)]],
    'P': [[(0.2, 1), (0.2, 0), (0.65, 0.03), (0.8, 0.22), (0.65, 0.45), (0.2, 0.5)]],
    'Q': [[(0.5, 0.0), (0.15, 0.2), (0.1, 0.6), (0.4, 0.95), (0.8, 0.8), (0.9, 0.35),
           (0.5, 0.0)], [(0.55, 0.7), (0.95, 1.0)]],
    'd': [[(0.75, 0.55), (0.45, 0.45), (0.2, 0.7), (0.4, 0.98), (0.75, 0.85)],
          [(0.75, 0.0), (0.75, 1.0)]],
    'p': [[(0.25, 0.35), (0.25, 1.2)], [(0.25, 0.45), (0.6, 0.35), (0.8, 0.55), (0.6, 0.8),
                                        (0.25, 0.75)]],
    'f': [[(0.8, 0.1), (0.6, 0.0), (0.45, 0.15), (0.45, 1.0)], [(0.2, 0.4), (0.75, 0.4)]],
    'v': [[(0.15, 0.35), (0.5, 1.0), (0.85, 0.35)]],
    'star': [[(0.5, 0.0), (0.62, 0.38), (1.0, 0.38), (0.7, 0.6), (0.82, 1.0), (0.5, 0.76),
              (0.18, 1.0), (0.3, 0.6), (0.0, 0.38), (0.38, 0.38), (0.5, 0.0)]],
    'J': [[(0.3, 0.0), (0.9, 0.0)], [(0.65, 0.0), (0.65, 0.75), (0.5, 0.97), (0.25, 0.95),
                                       (0.15, 0.75)]],
    'L': [[(0.2, 0.0), (0.2, 1.0), (0.85, 1.0)]],
    'c': [[(0.8, 0.45), (0.55, 0.35), (0.25, 0.45), (0.15, 0.7), (0.3, 0.95), (0.55, 1.0),
           (0.8, 0.9)]],
    'i': [[(0.5, 0.35), (0.5, 1.0)], [(0.5, 0.1), (0.5, 0.13)]],
    'j': [[(0.55, 0.35), (0.55, 1.05), (0.4, 1.2), (0.2, 1.1)], [(0.55, 0.1), (0.55, 0.13)]],
    'beta': [[(0.25, 1.2), (0.25, 0.2), (0.45, 0.0), (0.7, 0.1), (0.7, 0.35), (0.4, 0.45),
              (0.8, 0.6), (0.8, 0.9), (0.5, 1.0), (0.25, 0.85)]],
    'omega': [[(0.1, 1.0), (0.35, 1.0), (0.15, 0.7), (0.2, 0.25), (0.5, 0.05), (0.8, 0.25),
               (0.85, 0.7), (0.65, 1.0), (0.9, 1.0)]],
    'loops': [[(0.1 + 0.8 * t + 0.12 * math.cos(9 * t * math.pi),
                0.5 + 0.3 * math.sin(9 * t * math.pi)) for t in np.linspace(0, 1, 60)]],
    'sum': [[(0.9, 0.05), (0.1, 0.05), (0.55, 0.5), (0.1, 0.95), (0.9, 0.95)]],
    'check': [[(0.05, 0.55), (0.35, 0.95), (0.95, 0.05)]],
    'smile': [[(0.5 + 0.45 * math.cos(t), 0.5 + 0.45 * math.sin(t))
               for t in np.linspace(0, 2 * math.pi, 24)],
              [(0.35, 0.35), (0.36, 0.38)], [(0.65, 0.35), (0.66, 0.38)],
              [(0.3 + 0.4 * k / 8, 0.65 + 0.1 * math.sin(math.pi * k / 8)) for k in range(9)]],
}


def digit_shape(image, rng, jitter=True):
    """An MNIST digit [28, 28] in [0, 1] -> its binary shape on a CANVAS-px canvas, jittered
    as a real cut-out is (slant, turn, width, stroke)."""
    up = np.asarray(Image.fromarray(np.float32(image)).resize((CANVAS, CANVAS),
                                                              Image.BILINEAR)) > 0.5
    if not jitter:
        return up
    return _stroke(_affine(up, rng, slant=0.3, turn=12, squeeze=(0.8, 1.15)),
                   int(rng.integers(-2, 5)))


def whole(image, rng, one=False):
    """A whole digit as a positive: jittered, now and then with small specks beside it (the
    dust and dots of a real page, each under a tenth of its height); a 1 (`one`) now and
    then with a flag and a foot."""
    ink = digit_shape(image, rng)
    if one and rng.random() < FLAGGED:
        ink = _flag(ink, rng)
    if rng.random() < SPECKS:
        (y0, y1), (x0, x1) = _span(ink.any(axis=1)), _span(ink.any(axis=0))
        im = Image.fromarray(np.uint8(ink) * 255)
        pen = ImageDraw.Draw(im)
        for _ in range(int(rng.integers(1, 4))):
            r = rng.uniform(0.01, 0.04) * (y1 - y0)
            x, y = rng.uniform(x0 - 8, x1 + 8), rng.uniform(y0 - 8, y1 + 8)
            pen.ellipse([x - r, y - r, x + r, y + r], fill=255)
        ink = np.asarray(im) > 127
    return ink


def _flag(ink, rng):
    """A 1's shape with a flag from its top down to the left (a quarter to half its height,
    20 to 60 degrees below level), now and then a foot across its bottom; the pen as wide
    as the 1's own stroke."""
    ys, xs = np.nonzero(ink)
    top, bottom = ys.min(), ys.max()
    height = bottom - top + 1
    width = max(2.0, ink.sum() / float(height))
    im = Image.fromarray(np.uint8(ink) * 255)
    pen = ImageDraw.Draw(im)
    x = xs[ys <= top + width].mean()
    a, length = math.radians(rng.uniform(20, 60)), height * rng.uniform(0.25, 0.5)
    pen.line([(x, top + width / 2), (x - length * math.cos(a), top + width / 2 +
                                     length * math.sin(a))], fill=255, width=int(width))
    if rng.random() < 0.3:
        x = xs[ys >= bottom - width].mean()
        foot = height * rng.uniform(0.15, 0.3)
        pen.line([(x - foot, bottom - width / 2), (x + foot, bottom - width / 2)], fill=255,
                 width=int(width))
    return np.asarray(im) > 127


def half(image, rng):
    """A digit cut in two, top from bottom or left from right, one part kept (35-65%)."""
    ink = digit_shape(image, rng)
    rows, cols = _span(ink.any(axis=1)), _span(ink.any(axis=0))
    axis = rng.integers(2)
    lo, hi = (rows, cols)[axis]
    at = int(lo + (hi - lo) * rng.uniform(0.35, 0.65))
    keep = np.zeros_like(ink)
    index = [slice(None), slice(None)]
    index[axis] = slice(lo, at) if rng.random() < 0.5 else slice(at, hi)
    keep[tuple(index)] = True
    return ink & keep


def fragment(image, rng):
    """A piece of a digit: what a box of 25-60% of its size around one of its ink pixels
    holds."""
    ink = digit_shape(image, rng)
    ys, xs = np.nonzero(ink)
    k = rng.integers(len(ys))
    size = int(0.7 * CANVAS * rng.uniform(0.25, 0.6))
    keep = np.zeros_like(ink)
    keep[max(ys[k] - size // 2, 0):ys[k] + size // 2, max(xs[k] - size // 2, 0):xs[k] + size // 2] = 1
    return ink & keep


def pair(image, other, rng):
    """Two digits side by side: apart by a little, touching or overlapping."""
    a, b = digit_shape(image, rng), digit_shape(other, rng)
    a, b = _trim(a), _trim(b)
    gap = int(rng.integers(-a.shape[1] // 3, UP * 3))  # negative: overlapping
    h = max(a.shape[0], b.shape[0])
    w = a.shape[1] + b.shape[1] + max(gap, -min(a.shape[1], b.shape[1]) + 1)
    out = np.zeros((h + 8, max(w, a.shape[1], b.shape[1]) + 8), bool)
    dy = int(rng.integers(-UP * 2, UP * 2 + 1))
    _paste(out, a, 4, 4 + max(dy, 0))
    _paste(out, b, 4 + a.shape[1] + gap, 4 + max(-dy, 0))
    return out


def neighbour(image, other, rng):
    """A digit with a piece of its neighbour, cut by the crop's edge, beside it."""
    a, b = _trim(digit_shape(image, rng)), _trim(digit_shape(other, rng))
    piece = b[:, :max(1, int(b.shape[1] * rng.uniform(0.25, 0.5)))]
    if rng.random() < 0.5:  # the neighbour's left end on the right, or its right end on the left
        out = np.zeros((max(a.shape[0], b.shape[0]) + 8, a.shape[1] + piece.shape[1] + 12), bool)
        _paste(out, a, 4, 4)
        _paste(out, piece, 4 + a.shape[1] + int(rng.integers(0, UP * 2)), 4)
        return out
    piece = b[:, -max(1, int(b.shape[1] * rng.uniform(0.25, 0.5))):]
    out = np.zeros((max(a.shape[0], b.shape[0]) + 8, a.shape[1] + piece.shape[1] + 12), bool)
    _paste(out, piece, 4, 4)
    _paste(out, a, 4 + piece.shape[1] + int(rng.integers(0, UP * 2)), 4)
    return out


def strokes(rng, lines, size=CANVAS, width=None):
    """Polylines (points in a unit box, y down) drawn with a pen whose width wanders as a real
    pen's does, on a `size` px canvas, the box 70% of it."""
    width = width or rng.uniform(1.5, 4.0) * UP
    im = Image.new('L', (size, size), 0)
    pen = ImageDraw.Draw(im)
    box = 0.7 * size
    for line in lines:
        points = np.array(line, float)
        steps = max(2, int(np.abs(np.diff(points, axis=0)).sum() * box / 2) + 2)
        t = np.linspace(0, len(points) - 1, steps)
        path = np.stack([np.interp(t, np.arange(len(points)), points[:, k]) for k in (0, 1)], 1)
        path = (path - 0.5) * box + size / 2 + rng.normal(0, 0.01 * box, (1, 2))
        radius = width / 2 * (1 + 0.25 * np.sin(np.linspace(0, rng.uniform(2, 8), steps)
                                                + rng.uniform(0, 6)))
        for (x, y), r in zip(path, radius):
            pen.ellipse([x - r, y - r, x + r, y + r], fill=255)
    return np.asarray(im) > 127


def line(rng):
    """A straight stroke as long as a digit, leaning LEANING degrees or more from upright."""
    a = math.radians(rng.uniform(-90 + LEANING, 90 - LEANING))  # from level
    dx, dy = 0.5 * math.cos(a), 0.5 * math.sin(a)
    return strokes(rng, [[(0.5 - dx, 0.5 - dy), (0.5 + dx, 0.5 + dy)]])


def curve(rng):
    """An arc of a circle or ellipse, a quarter to three quarters round."""
    start, span = rng.uniform(0, 360), rng.uniform(80, 270)
    rx, ry = rng.uniform(0.25, 0.5), rng.uniform(0.25, 0.5)
    t = np.radians(np.linspace(start, start + span, 24))
    return strokes(rng, [list(zip(0.5 + rx * np.cos(t), 0.5 + ry * np.sin(t)))])


def ruled(rng, length=None):
    """A long level line, two to six digits long."""
    length = length or rng.uniform(2, 6)
    ink = strokes(rng, [[(0.5 - length / 2, 0.5), (0.5 + length / 2, 0.5)]],
                  size=int(CANVAS * length), width=rng.uniform(0.7, 2.5) * UP)
    return ink


def margin(image, rng):
    """A long upright line, as a page's margin or a table's side, 1.3 to 3 digits tall,
    with a digit beside it or touching it."""
    line = _trim(ruled(rng, rng.uniform(1.3, 3)).T)
    digit = _trim(digit_shape(image, rng))
    gap = int(rng.integers(-UP * 2, UP * 6))
    out = np.zeros((max(line.shape[0], digit.shape[0]) + 8,
                    line.shape[1] + digit.shape[1] + max(gap, 0) + 8), bool)
    y = int(rng.integers(0, max(1, line.shape[0] - digit.shape[0])))
    if rng.random() < 0.5:
        _paste(out, line, 4, 4)
        _paste(out, digit, 4 + line.shape[1] + gap, 4 + y)
    else:
        _paste(out, digit, 4, 4 + y)
        _paste(out, line, 4 + digit.shape[1] + gap, 4)
    return out


def corner(rng):
    """A corner of a box: two strokes meeting at a right angle, opening down and right, up
    and right or up and left (opening down and left, it is a 7)."""
    arm = rng.uniform(0.4, 1.0)
    ink = strokes(rng, [[(0.0, arm), (0.0, 0.0), (arm, 0.0)]], width=rng.uniform(1, 3) * UP)
    return np.rot90(ink, int(rng.integers(3)))


def border(rng):
    """A box's border around nothing, or three of its sides."""
    w, h = rng.uniform(0.4, 1.0), rng.uniform(0.4, 1.0)
    x0, y0 = 0.5 - w / 2, 0.5 - h / 2
    sides = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)]
    if rng.random() < 0.5:
        sides = sides[:4]
    return strokes(rng, [sides], width=rng.uniform(1, 3) * UP)


def dots(rng):
    """A dot, a few specks or a blot."""
    im = Image.new('L', (CANVAS, CANVAS), 0)
    pen = ImageDraw.Draw(im)
    for _ in range(int(rng.integers(1, 5))):
        x, y = rng.uniform(0.2, 0.8, 2) * CANVAS
        r = rng.uniform(0.02, 0.12) * CANVAS
        pen.ellipse([x - r, y - r * rng.uniform(0.6, 1.4), x + r, y + r], fill=255)
    return np.asarray(im) > 127


def blob(rng):
    """A smudge: a filled, irregular patch of ink."""
    im = Image.new('L', (CANVAS, CANVAS), 0)
    t = np.linspace(0, 2 * math.pi, 16, endpoint=False)
    r = CANVAS * rng.uniform(0.1, 0.35) * (1 + 0.3 * rng.standard_normal(16))
    squash = rng.uniform(0.4, 1.0)
    ImageDraw.Draw(im).polygon(list(zip(CANVAS / 2 + r * np.cos(t),
                                        CANVAS / 2 + squash * r * np.sin(t))), fill=255)
    return np.asarray(im.filter(ImageFilter.GaussianBlur(3))) > 127


def scribble(rng):
    """A random scrawl: a smooth random walk of a few turns."""
    n = int(rng.integers(4, 12))
    points = np.cumsum(rng.normal(0, 0.25, (n, 2)), axis=0)
    points = (points - points.min(axis=0)) / max(np.ptp(points, axis=0).max(), 1e-6)
    return strokes(rng, [list(map(tuple, points))])


def doodle(rng):
    """One to four figures drawn over one another: rings, polygons, spirals, zigzags and
    arcs, anywhere in the box (triangles, clouds, flowers, faces, crossed-out marks)."""
    lines = []
    count = int(rng.integers(1, 5))
    for _ in range(count):
        cx, cy, r = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), rng.uniform(0.2, 0.45)
        figure = rng.integers(count == 1, 5)  # a ring alone is a 0
        if figure == 0:  # a ring, an ellipse
            t = np.linspace(0, 2 * math.pi, 20)
            ry = r * rng.uniform(0.5, 1.2)
            lines.append(list(zip(cx + r * np.cos(t), cy + ry * np.sin(t))))
        elif figure == 1:  # a polygon, closed
            t = np.sort(rng.uniform(0, 2 * math.pi, int(rng.integers(3, 7))))
            t = np.append(t, t[0])
            lines.append(list(zip(cx + r * np.cos(t), cy + r * np.sin(t))))
        elif figure == 2:  # a spiral
            t = np.linspace(0, rng.uniform(8, 16), 40)
            lines.append(list(zip(cx + r * t / t[-1] * np.cos(t), cy + r * t / t[-1] * np.sin(t))))
        elif figure == 3:  # a zigzag
            n = int(rng.integers(3, 7))
            lines.append([(cx - r + 2 * r * k / n, cy + (r / 2) * (-1) ** k) for k in range(n + 1)])
        else:  # an arc
            a = rng.uniform(0, 2 * math.pi)
            t = np.linspace(a, a + rng.uniform(2, 5), 16)
            lines.append(list(zip(cx + r * np.cos(t), cy + r * np.sin(t))))
    return strokes(rng, lines, width=rng.uniform(1.0, 2.5) * UP)


def figure(rng):
    """One figure alone, as drawn for fun: a triangle, square or diamond, a star, a heart, a
    cloud, a flower or a flash of lightning, jittered like a digit."""
    kind = rng.integers(7)
    if kind == 0:  # a polygon of 3 or 4 sides, any way up
        n = int(rng.integers(3, 5))
        t = rng.uniform(0, 2 * math.pi) + np.linspace(0, 2 * math.pi, n + 1)
        lines = [list(zip(0.5 + 0.5 * np.cos(t), 0.5 + 0.5 * rng.uniform(0.6, 1.2) * np.sin(t)))]
    elif kind == 1:  # a star of 5 to 7 points, drawn round
        n = int(rng.integers(5, 8))
        t = -math.pi / 2 + np.linspace(0, 2 * math.pi, 2 * n + 1)
        r = np.where(np.arange(2 * n + 1) % 2, rng.uniform(0.2, 0.3), 0.5)
        lines = [list(zip(0.5 + r * np.cos(t), 0.5 + r * np.sin(t)))]
    elif kind == 2:  # a heart
        t = np.linspace(0, 2 * math.pi, 40)
        x, y = 16 * np.sin(t) ** 3, -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t)
                                      - np.cos(4 * t))
        lines = [list(zip(0.5 + x / 34.0, 0.45 + y / 34.0))]
    elif kind == 3:  # a cloud: a ring of 4 to 7 bumps, flat underneath now and then
        n = int(rng.integers(4, 8))
        t = np.linspace(0, 2 * math.pi, 24 * n)
        r = 0.4 + 0.08 * np.abs(np.sin(n * t / 2))
        y = 0.5 + 0.7 * r * np.sin(t)
        if rng.random() < 0.5:
            y = np.minimum(y, 0.72)
        lines = [list(zip(0.5 + r * np.cos(t), y))]
    elif kind == 4:  # a flower: petals round a heart, on a stem
        n = int(rng.integers(4, 8))
        lines = [[(0.5, 0.45), (0.5 + rng.uniform(-0.1, 0.1), 1.0)]]
        for a in np.linspace(0, 2 * math.pi, n, endpoint=False):
            t = np.linspace(0, 2 * math.pi, 16)
            cx, cy = 0.5 + 0.17 * math.cos(a), 0.3 + 0.17 * math.sin(a)
            lines.append(list(zip(cx + 0.1 * np.cos(t), cy + 0.1 * np.sin(t))))
    elif kind == 5:  # lightning
        lines = [[(0.65, 0.0), (0.35, 0.5), (0.62, 0.45), (0.3, 1.0)]]
    else:  # a square with its diagonals, or a crossed-out box
        lines = [[(0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9), (0.1, 0.1)],
                 [(0.1, 0.1), (0.9, 0.9)]] + ([[(0.9, 0.1), (0.1, 0.9)]] if rng.random() < 0.5
                                              else [])
    return _affine(strokes(rng, _wobble(rng, lines)), rng, slant=0.3, turn=15,
                   squeeze=(0.7, 1.3))


def symbol(rng):
    """A letter, arrow, cross or sign, drawn with strokes and jittered like a digit."""
    name = list(SYMBOLS)[rng.integers(len(SYMBOLS))]
    ink = strokes(rng, _wobble(rng, SYMBOLS[name]))
    return _affine(ink, rng, slant=0.3, turn=12, squeeze=(0.8, 1.15))


def shape(kind, images, labels, rng):
    """A Shape of `kind`, from the MNIST digits `images` [N, 28, 28] and their `labels`."""
    pick = lambda: images[rng.integers(len(images))]  # noqa: E731

    def not_a_one():  # (any part of a 1 is a 1)
        while True:
            k = rng.integers(len(images))
            if labels[k] != 1:
                return images[k]
    def digit():
        k = rng.integers(len(images))
        return whole(images[k], rng, one=labels[k] == 1)
    makers = {POSITIVE: digit, 'half': lambda: half(not_a_one(), rng),
              'fragment': lambda: fragment(not_a_one(), rng),
              'pair': lambda: pair(pick(), pick(), rng),
              'neighbour': lambda: neighbour(pick(), pick(), rng), 'line': lambda: line(rng),
              'curve': lambda: curve(rng), 'ruled': lambda: ruled(rng),
              'margin': lambda: margin(pick(), rng), 'corner': lambda: corner(rng),
              'border': lambda: border(rng), 'dots': lambda: dots(rng),
              'blob': lambda: blob(rng), 'scribble': lambda: scribble(rng),
              'symbol': lambda: symbol(rng), 'doodle': lambda: doodle(rng),
              'figure': lambda: figure(rng)}
    return Shape(makers[kind](), kind)


def render(ink, rng):
    """A binary shape -> an RGB picture [H, W, 3] in [0, 1], as a photo or scan of it: a pen
    edge of random softness, ink on paper of random shades (now and then light on dark),
    noise, and a size at which the shape is 20 to 200 px tall, in margins."""
    ink = _trim(ink)
    if not ink.size:
        return None
    pad = int(max(ink.shape) * rng.uniform(0.1, 0.5)) + 2
    ink = np.pad(ink, pad).astype(np.float32)
    soft = Image.fromarray(np.uint8(ink * 255)).filter(
        ImageFilter.GaussianBlur(rng.uniform(0.3, 2.0)))
    target = rng.uniform(20, 200) / max(1, max(ink.shape) - 2 * pad)
    size = (max(8, int(soft.width * target)), max(8, int(soft.height * target)))
    grey = np.asarray(soft.resize(size, Image.BOX), np.float32) / 255.0
    paper, pen = rng.uniform(0.6, 1.0), rng.uniform(0.0, 0.35)
    if rng.random() < 0.15:
        paper, pen = 1.0 - paper, 1.0 - pen
    rgb = paper + (pen - paper) * grey[..., None] * rng.uniform(0.9, 1.0, 3)
    rgb = rgb + rng.normal(0, rng.uniform(0, 0.025), rgb.shape)
    return np.clip(rgb, 0, 1).astype(np.float32)


def upright_stroke(inputs):
    """Which 28x28 inputs [N, 784] are one upright stroke, as a 1 is: ink spread along one
    axis (the lesser spread under UPRIGHT_SPREAD of the greater), that axis within
    LEANING degrees of upright. A negative like this is a 1, whatever it was cut from.
    bool [N]."""
    images = inputs.reshape(-1, 28, 28)
    yy, xx = np.mgrid[0:28, 0:28]
    mass = np.maximum(images.sum(axis=(1, 2)), 1e-6)
    cy = (images * yy).sum(axis=(1, 2)) / mass
    cx = (images * xx).sum(axis=(1, 2)) / mass
    dy, dx = yy[None] - cy[:, None, None], xx[None] - cx[:, None, None]
    syy = (images * dy * dy).sum(axis=(1, 2)) / mass
    sxx = (images * dx * dx).sum(axis=(1, 2)) / mass
    sxy = (images * dx * dy).sum(axis=(1, 2)) / mass
    spread = np.sqrt(((syy - sxx) / 2) ** 2 + sxy ** 2)
    major, minor = (syy + sxx) / 2 + spread, (syy + sxx) / 2 - spread
    from_upright = np.degrees(0.5 * np.arctan2(2 * sxy, syy - sxx))
    return (minor < UPRIGHT_SPREAD * major) & (np.abs(from_upright) < LEANING)


def sample(kind, images, labels, rng):
    """One sample of `kind`: the 28x28 input [784] the app makes of it, or None where the
    app finds nothing to read."""
    rgb = render(shape(kind, images, labels, rng).ink, rng)
    if rgb is None:
        return None
    try:
        return picture.normalised(rgb).reshape(-1)
    except picture.PictureError:
        return None


def _wobble(rng, lines):
    """The polylines bent by a smooth random warp of their box (each coordinate moved by a
    wave of about WOBBLE of the box), as no two hands draw a letter or a figure alike; a
    smooth curve stays smooth."""
    waves = [(rng.uniform(-1.5, 1.5, 2), rng.uniform(0, 2 * math.pi)) for _ in range(2)]
    amount = rng.uniform(0, 2 * WOBBLE, 2)

    def moved(x, y):
        return tuple(v + a * math.sin(2 * math.pi * (f[0] * x + f[1] * y) + phase)
                     for v, a, (f, phase) in zip((x, y), amount, waves))
    return [[moved(x, y) for x, y in line] for line in lines]


def _affine(ink, rng, slant, turn, squeeze):
    """The shape slanted, turned and squeezed about its centre, on a canvas as large."""
    h, w = ink.shape
    a = math.radians(rng.uniform(-turn, turn))
    s, k = rng.uniform(*squeeze), rng.uniform(-slant, slant)
    # Output (x, y) about the centre -> input: inverse of turn . slant . squeeze.
    m = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]]).dot(
        np.array([[s, k], [0, 1]]))
    inv = np.linalg.inv(m)
    cx, cy = w / 2.0, h / 2.0
    offset = np.array([cx, cy]) - inv.dot([cx, cy])
    data = (inv[0, 0], inv[0, 1], offset[0], inv[1, 0], inv[1, 1], offset[1])
    im = Image.fromarray(np.uint8(ink) * 255).transform((w, h), Image.AFFINE, data,
                                                        Image.BILINEAR)
    return np.asarray(im) > 127


def _stroke(ink, k):
    """Thicker by `k` px each way (thinner for negative k)."""
    im = Image.fromarray(np.uint8(ink) * 255)
    for _ in range(abs(k)):
        im = im.filter(ImageFilter.MaxFilter(3) if k > 0 else ImageFilter.MinFilter(3))
    thinner = np.asarray(im) > 127
    return thinner if thinner.any() else ink


def _span(flags):
    found = np.flatnonzero(flags)
    return int(found[0]), int(found[-1]) + 1


def _trim(ink):
    """The shape cut to its box."""
    if not ink.any():
        return ink[:0, :0]
    (y0, y1), (x0, x1) = _span(ink.any(axis=1)), _span(ink.any(axis=0))
    return ink[y0:y1, x0:x1]


def _paste(out, ink, x, y):
    h, w = ink.shape
    x, y = max(x, 0), max(y, 0)
    h, w = min(h, out.shape[0] - y), min(w, out.shape[1] - x)
    out[y:y + h, x:x + w] |= ink[:h, :w]

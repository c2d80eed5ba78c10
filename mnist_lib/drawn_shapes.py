"""Shapes that are no digit, drawn by code with a pen, for the judge's training data
(mnist_lib/judge_data.py): lines, arcs, ruled lines, box corners and borders, dots, blobs,
scribbles, doodles, figures, and letters, arrows and signs, each a binary shape [H, W] bool on
a canvas where a digit is about 80 px tall. None is shaped like a digit: no line nearer
upright than LEANING (a 1), no corner opening down and left (a 7), no ring alone (a 0).
"""
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from mnist_lib import pen
from mnist_lib.pen import CANVAS, UP

LEANING = 35     # degrees from upright: a straight stroke leaning less may be a 1
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


def line(rng):
    """A straight stroke as long as a digit, leaning LEANING degrees or more from upright."""
    a = math.radians(rng.uniform(-90 + LEANING, 90 - LEANING))  # from level
    dx, dy = 0.5 * math.cos(a), 0.5 * math.sin(a)
    return pen.strokes(rng, [[(0.5 - dx, 0.5 - dy), (0.5 + dx, 0.5 + dy)]])


def curve(rng):
    """An arc of a circle or ellipse, a quarter to three quarters round."""
    start, span = rng.uniform(0, 360), rng.uniform(80, 270)
    rx, ry = rng.uniform(0.25, 0.5), rng.uniform(0.25, 0.5)
    t = np.radians(np.linspace(start, start + span, 24))
    return pen.strokes(rng, [list(zip(0.5 + rx * np.cos(t), 0.5 + ry * np.sin(t)))])


def ruled(rng, length=None):
    """A long level line, two to six digits long."""
    length = length or rng.uniform(2, 6)
    ink = pen.strokes(rng, [[(0.5 - length / 2, 0.5), (0.5 + length / 2, 0.5)]],
                      size=int(CANVAS * length), width=rng.uniform(0.7, 2.5) * UP)
    return ink


def corner(rng):
    """A corner of a box: two strokes meeting at a right angle, opening down and right, up
    and right or up and left (opening down and left, it is a 7)."""
    arm = rng.uniform(0.4, 1.0)
    ink = pen.strokes(rng, [[(0.0, arm), (0.0, 0.0), (arm, 0.0)]], width=rng.uniform(1, 3) * UP)
    return np.rot90(ink, int(rng.integers(3)))


def border(rng):
    """A box's border around nothing, or three of its sides."""
    w, h = rng.uniform(0.4, 1.0), rng.uniform(0.4, 1.0)
    x0, y0 = 0.5 - w / 2, 0.5 - h / 2
    sides = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)]
    if rng.random() < 0.5:
        sides = sides[:4]
    return pen.strokes(rng, [sides], width=rng.uniform(1, 3) * UP)


def dots(rng):
    """A dot, a few specks or a blot."""
    im = Image.new('L', (CANVAS, CANVAS), 0)
    draw = ImageDraw.Draw(im)
    for _ in range(int(rng.integers(1, 5))):
        x, y = rng.uniform(0.2, 0.8, 2) * CANVAS
        r = rng.uniform(0.02, 0.12) * CANVAS
        draw.ellipse([x - r, y - r * rng.uniform(0.6, 1.4), x + r, y + r], fill=255)
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
    return pen.strokes(rng, [list(map(tuple, points))])


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
    return pen.strokes(rng, lines, width=rng.uniform(1.0, 2.5) * UP)


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
    return pen.affine(pen.strokes(rng, pen.wobble(rng, lines)), rng, slant=0.3, turn=15,
                      squeeze=(0.7, 1.3))


def symbol(rng):
    """A letter, arrow, cross or sign, drawn with strokes and jittered like a digit."""
    name = list(SYMBOLS)[rng.integers(len(SYMBOLS))]
    ink = pen.strokes(rng, pen.wobble(rng, SYMBOLS[name]))
    return pen.affine(ink, rng, slant=0.3, turn=12, squeeze=(0.8, 1.15))


# Each kind of judge_data.KINDS drawn here: its maker, a function of the random generator.
MAKERS = {'line': line, 'curve': curve, 'ruled': ruled, 'corner': corner, 'border': border,
          'dots': dots, 'blob': blob, 'scribble': scribble, 'symbol': symbol, 'doodle': doodle,
          'figure': figure}

"""The pen that draws the judge's training shapes (mnist_lib/judge_data.py,
mnist_lib/drawn_shapes.py): a canvas where a digit is about 80 px tall, strokes drawn along
polylines with a wandering width, a smooth warp that makes no two drawings alike, and the
slant, turn and squeeze that jitter a shape as real cut-outs are.
"""
import math

import numpy as np
from PIL import Image, ImageDraw

UP = 4            # the canvas: an MNIST pixel is UP px, a digit about 80 px tall
CANVAS = 28 * UP  # a single digit's canvas side
WOBBLE = 0.03     # a drawn letter or figure is bent by smooth waves of this much of its box
                  # on average (up to twice), as no two hands draw one alike


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


def wobble(rng, lines):
    """The polylines bent by a smooth random warp of their box (each coordinate moved by a
    wave of about WOBBLE of the box), as no two hands draw a letter or a figure alike; a
    smooth curve stays smooth."""
    waves = [(rng.uniform(-1.5, 1.5, 2), rng.uniform(0, 2 * math.pi)) for _ in range(2)]
    amount = rng.uniform(0, 2 * WOBBLE, 2)

    def moved(x, y):
        return tuple(v + a * math.sin(2 * math.pi * (f[0] * x + f[1] * y) + phase)
                     for v, a, (f, phase) in zip((x, y), amount, waves))
    return [[moved(x, y) for x, y in line] for line in lines]


def affine(ink, rng, slant, turn, squeeze):
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

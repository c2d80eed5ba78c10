"""The rows of a number: the slant they are written on, and which marks belong to which row.

A row is found from its marks' boxes alone: marks whose heights overlap (directly or through
their neighbours) stand on one row. A row written on a slant is turned level first, so its
digits are read along it; two rows one above the other stay two rows, read top to bottom.
"""
import collections

import numpy as np
from PIL import Image

from mnist_lib import marks

SLANT_MAX = 60.0    # degrees: rows slanted more than this are not turned (nor those slanted
                    # no more than a ruled line may lie: marks.TILTS)
ROW_SPREAD = 0.3    # marks whose centres lie within this * H of one straight line: one row
ROW_MIN = 3         # a slant is measured on this many digit-sized marks at least

# A level copy of the work picture: `angle` (degrees, counter-clockwise) it was turned by,
# about `centre` (x, y) of the original, `turned_centre` the same point in the copy.
Turn = collections.namedtuple('Turn', 'angle centre turned_centre')


def slant(boxes, height):
    """The slant (degrees; positive: the row falls to the right) of the row(s) the digit-sized
    `boxes` (x0, y0, x1, y1) stand on: one straight row, or rows that share a slant; 0 when
    they show none clearly (too few marks, or not in straight rows)."""
    if len(boxes) < ROW_MIN:
        return 0.0
    centres = np.array([((x0 + x1) / 2.0, (y0 + y1) / 2.0) for x0, y0, x1, y1 in boxes])
    angle = _line_angle([centres])
    if angle is None:  # not one row: rows that share a slant
        rows = [r for r in level_rows(boxes) if len(r) >= 2]
        if sum(len(r) for r in rows) >= ROW_MIN:
            angle = _line_angle([centres[r] for r in rows], height)
    if angle is None or abs(angle) <= marks.TILTS.max() or abs(angle) > SLANT_MAX:
        return 0.0
    return angle


def _line_angle(groups, height=None):
    """The direction (degrees from level) of the straight lines, one per group of points,
    that share it and fit the points best; None when the points stray more than ROW_SPREAD
    * height from them (height: the spread allowed is taken from the points' own extent)."""
    centred = np.concatenate([g - g.mean(axis=0) for g in groups])
    scatter = centred.T @ centred
    values, vectors = np.linalg.eigh(scatter)  # ascending: the last is the rows' direction
    dx, dy = vectors[:, 1]
    if dx < 0:
        dx, dy = -dx, -dy
    spread = np.sqrt(max(values[0], 0.0) / len(centred))  # points in line: -1e-13, not 0
    along = np.sqrt(values[1] / len(centred))
    if spread > ROW_SPREAD * (height if height else along):
        return None
    return float(np.degrees(np.arctan2(dy, dx)))


def level_rows(boxes):
    """Indices of `boxes`, in rows top to bottom: boxes whose vertical extents overlap,
    directly or through others, share a row."""
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][1])
    rows, bottom = [], None
    for i in order:
        _, y0, _, y1 = boxes[i]
        if rows and y0 < bottom:
            rows[-1].append(i)
            bottom = max(bottom, y1)
        else:
            rows.append([i])
            bottom = y1
    return rows


def turn(arrays, angle):
    """Turns 2-D arrays (bool or float) by `angle` degrees counter-clockwise, the picture
    growing to hold them whole. Returns (turned arrays, Turn)."""
    h, w = arrays[0].shape
    out = []
    for a in arrays:
        im = Image.fromarray(a.astype(np.float32))
        turned = np.asarray(im.rotate(angle, resample=Image.BILINEAR, expand=True))
        out.append(turned > 0.5 if a.dtype == bool else turned)
    th, tw = out[0].shape
    return out, Turn(angle, (w / 2.0, h / 2.0), (tw / 2.0, th / 2.0))


def box_back(box, how):
    """A box (x0, y0, x1, y1) in the turned copy -> the box around it in the original."""
    if how is None:
        return box
    x0, y0, x1, y1 = box
    corners = np.array([(x0, y0), (x1, y0), (x0, y1), (x1, y1)], float) - how.turned_centre
    a = np.radians(how.angle)
    c, s = np.cos(a), np.sin(a)
    xs = how.centre[0] + c * corners[:, 0] - s * corners[:, 1]
    ys = how.centre[1] + s * corners[:, 0] + c * corners[:, 1]
    return xs.min(), ys.min(), xs.max(), ys.max()

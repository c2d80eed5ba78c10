"""Marks on a binary picture: its horizontal runs, the connected marks they make (8-neighbours,
by union-find over runs), ruled lines taken out with the strokes they crossed mended, and
the digits' height the marks show."""
import numpy as np
from PIL import Image, ImageFilter

from mnist_lib.errors import BlankPicture, PictureError

MAX_RUNS = 200000  # more ink runs than this: noise, not writing
SLIVER = 2  # marks lying within this many pixels of a line are part of it
TILTS = np.arange(-4.0, 4.01, 0.5)  # degrees off level (or upright) a ruled line may lie
STRAIGHT = 5  # marks this many times as long as wide are straight strokes (as long as their
              # strokes are wide: writing, clearing.py)
PIECE = 0.3  # marks under this share of the tallest are pieces, not whole digits


def runs(mask):
    """Horizontal runs of a 2-D bool array: rows, starts, ends (exclusive), row-major."""
    edges = np.diff(np.pad(mask, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    return rows, starts, ends


def drop_lines(mask, longest, tallest, boxes):
    """Takes out lines: horizontal runs longer than `longest` and upright ones taller than
    `tallest`, along any of the TILTS (a ruled line or a box's side is seldom quite level),
    then mends the strokes a horizontal line crossed (its pixels with ink just above and just
    below). `boxes` are the boxes of the marks of `mask` (marks()): only marks that long are
    searched. Returns (what is left, what was taken)."""
    flat = long_runs(mask, longest, [b for b in boxes if b[2] - b[0] > longest])
    lines = flat | long_runs(mask.T, tallest,
                              [(y0, x0, y1, x1) for x0, y0, x1, y1 in boxes if y1 - y0 > tallest]).T
    left = mask & ~lines
    if flat.any():
        band = int(flat.sum(axis=0).max()) + 2  # the thickest line, and a little
        above = np.zeros_like(left)
        below = np.zeros_like(left)
        for d in range(1, min(band, left.shape[0] - 1) + 1):
            above[d:] |= left[:-d]
            below[:-d] |= left[d:]
        mended = flat & above & below
        left |= mended
        lines &= ~mended
    if lines.any():  # slivers along a line (a wavy or blurred side) go with it
        near = np.asarray(Image.fromarray(np.uint8(lines) * 255).filter(
            ImageFilter.MaxFilter(2 * SLIVER + 1))) > 0
        labels, _ = marks(left)
        outside = np.unique(labels[left & ~near])
        sliver = left & ~np.isin(labels, outside)
        left &= ~sliver
        lines |= sliver
    return left, lines


def long_runs(whole, limit, wide):
    """The pixels of `whole` in horizontal runs longer than `limit`, along any of the TILTS,
    searched where the marks wider than that are (their boxes (x0, y0, x1, y1) `wide`): a
    run along a tilt of under 45 degrees lies in one mark."""
    found = np.zeros_like(whole)
    if not wide:
        return found
    x0, y0 = min(b[0] for b in wide), min(b[1] for b in wide)
    x1, y1 = max(b[2] for b in wide), max(b[3] for b in wide)
    mask = whole[y0:y1, x0:x1]
    for tilt in TILTS:
        h, w = mask.shape
        dy = np.round((np.arange(w) - w / 2.0) * np.tan(np.radians(tilt))).astype(np.intp)
        pad = int(np.abs(dy).max()) + 1
        padded = np.pad(mask, ((pad, pad), (0, 0)))
        index = np.clip(np.arange(h + 2 * pad)[:, None] + dy[None, :], 0, h + 2 * pad - 1)
        sheared = padded[index, np.arange(w)[None, :]]  # the tilted line now level
        rows, starts, ends = runs(sheared)
        long = ends - starts > limit
        if not long.any():
            continue
        level = np.zeros_like(sheared)
        for r, s, e in zip(rows[long], starts[long], ends[long]):
            level[r, s:e] = True
        r, x = np.nonzero(level)
        found[y0 + r + dy[x] - pad, x0 + x] = True
    return found


def marks(mask):
    """Connected marks (8-neighbours): a label image (0 = paper, k = mark k-1) and each
    mark's box (x0, y0, x1, y1), exclusive ends."""
    rows, starts, ends = runs(mask)
    if len(rows) > MAX_RUNS:
        raise PictureError('is noise, not writing (%d separate ink runs)' % len(rows))
    parent = list(range(len(rows)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = np.searchsorted(rows, np.arange(mask.shape[0] + 1))
    for y in range(mask.shape[0] - 1):
        i, i_end, j, j_end = first[y], first[y + 1], first[y + 1], first[y + 2]
        while i < i_end and j < j_end:  # runs of two rows that touch, corners included
            if starts[i] <= ends[j] and starts[j] <= ends[i]:
                a, b = root(i), root(j)
                if a != b:
                    parent[b] = a
            if ends[i] < ends[j]:
                i += 1
            else:
                j += 1
    labels = np.zeros(mask.shape, np.int32)
    if not len(rows):
        return labels, []
    _, mark = np.unique([root(i) for i in range(len(rows))], return_inverse=True)
    lengths = ends - starts
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    labels[np.repeat(rows, lengths), np.repeat(starts, lengths) + offsets] = np.repeat(mark + 1,
                                                                                       lengths)
    n = mark.max() + 1
    x0, y0 = np.full(n, mask.shape[1]), np.full(n, mask.shape[0])
    x1, y1 = np.zeros(n, int), np.zeros(n, int)
    np.minimum.at(x0, mark, starts)
    np.minimum.at(y0, mark, rows)
    np.maximum.at(x1, mark, ends)
    np.maximum.at(y1, mark, rows + 1)
    return labels, [tuple(int(v) for v in b) for b in zip(x0, y0, x1, y1)]


def holes(mask):
    """The paper a mark encloses (a 0's or 8's loops): bool array, the shape of `mask`."""
    paper, _ = marks(np.pad(~mask, 1, constant_values=True))
    return (paper != paper[0, 0])[1:-1, 1:-1] & ~mask


def stroke_widths(labels, n):
    """Each of the `n` marks' mean stroke width: twice its area over its outline's length."""
    inside = labels > 0
    edge = inside.copy()
    edge[1:-1, 1:-1] &= ~(inside[:-2, 1:-1] & inside[2:, 1:-1] & inside[1:-1, :-2]
                          & inside[1:-1, 2:])
    area = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    outline = np.bincount(labels[edge], minlength=n + 1)[1:]
    return 2.0 * area / np.maximum(outline, 1)


def grow(mask):
    """`mask` grown by one pixel each way, corners included (a 3x3 maximum)."""
    grown = mask.copy()
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    wide = grown.copy()
    grown[:, 1:] |= wide[:, :-1]
    grown[:, :-1] |= wide[:, 1:]
    return grown


def typical_height(boxes):
    """The digits' height: the upper quartile of the heights of the marks at least PIECE of
    the tallest (pieces of digits are shorter, never taller). Straight strokes (STRAIGHT
    times as long as wide: a box's side, a page's edge, but also a 1) are left out where
    others are left; they count only where they outnumber the others that they make look
    small (1s beside specks), not where one towers over many (a line beside the number)."""
    if not boxes:
        raise BlankPicture()

    def whole(heights):  # those at least PIECE of the tallest
        return [h for h in heights if h >= PIECE * max(heights)]
    heights = [b[3] - b[1] for b in boxes if not straight(b)]
    towering = [b for b in boxes if straight(b) and b[3] - b[1] > max(heights or [0]) / PIECE]
    if not heights or len(towering) >= len(whole(heights)):
        heights = [b[3] - b[1] for b in boxes]
    return float(np.percentile(whole(heights), 75))


def straight(box):
    """Whether a mark's box (x0, y0, x1, y1) is a straight stroke's: STRAIGHT times as long as
    wide (a line, a box's side, a dash, but also a 1)."""
    x0, y0, x1, y1 = box
    return max(x1 - x0, y1 - y0) >= STRAIGHT * min(x1 - x0, y1 - y0)

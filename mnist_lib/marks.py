"""Marks on a binary picture: its horizontal runs, the connected marks they make (8-neighbours,
by union-find over runs), and ruled lines taken out with the strokes they crossed mended."""
import numpy as np

from mnist_lib.errors import PictureError

MAX_RUNS = 200000  # more ink runs than this: noise, not writing


def runs(mask):
    """Horizontal runs of a 2-D bool array: rows, starts, ends (exclusive), row-major."""
    edges = np.diff(np.pad(mask, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    return rows, starts, ends


def drop_lines(mask, longest, tallest):
    """Takes out horizontal runs longer than `longest` and upright ones taller than `tallest`,
    then mends the strokes a horizontal line crossed (its pixels with ink just above and just
    below). Returns (what is left, what was taken)."""
    lines = np.zeros_like(mask)
    for flipped, limit in ((False, longest), (True, tallest)):
        rows, starts, ends = runs(mask.T if flipped else mask)
        out = lines.T if flipped else lines
        for r, s, e in zip(*(a[ends - starts > limit] for a in (rows, starts, ends))):
            out[r, s:e] = True
    left = mask & ~lines
    if lines.any():
        band = int(lines.sum(axis=0).max()) + 2  # the thickest line, and a little
        above = np.zeros_like(left)
        below = np.zeros_like(left)
        for d in range(1, min(band, left.shape[0] - 1) + 1):
            above[d:] |= left[:-d]
            below[:-d] |= left[d:]
        mended = lines & above & below
        left |= mended
        lines &= ~mended
    return left, lines


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

"""The digit finder of `--number`: it proposes; the judge and the network decide.

What on the page is no digit goes first, as whole-page work (mnist_lib/clearing.py:
surfaces, ruled lines, boxes, faint pencil made whole); a row written on a slant is turned
level, and rows one above the other are found (mnist_lib/rows.py). Within a row the finder
proposes more pieces than it believes in (LeCun, Bottou, Bengio and Haffner 1998, heuristic
over-segmentation): the row's marks, left to right, a mark wide enough to be touching digits
cut at its thinnest columns, are its atoms; every run of up to MAX_ATOMS neighbouring atoms
is a piece, normalised as a single digit is (picture.normalise). Which pieces are digits, and
which atoms are none (a point, a dash, a margin line, a speck), the judge and the network
say: mnist_lib/best_path.py. No rule here removes a mark the networks could read.

H below is the row's digit height (marks.typical_height).
"""
import collections

import numpy as np

from mnist_lib import clearing
from mnist_lib import marks
from mnist_lib import paper
from mnist_lib import picture
from mnist_lib import rows as rowing
from mnist_lib.errors import LayoutError

WORK_SIDE = 1024   # longest side of the copy a number is looked for in; a picture smaller
LEAST_SIDE = 400   # than this is enlarged to it first (a stroke must span pixels to be found)
MAX_MARKS = 20     # more digit-sized marks than this: refused, not guessed
MAX_ROWS = 3       # more rows than this: refused
LOW_ROW = 0.5      # a row whose marks are under this * the tallest row's H: print, no digits
DUST = 0.08        # marks under this * H both ways are dust, not looked at (nor paid for)
CUT_FROM = 0.6     # a mark this * H wide may be touching digits: it is cut at columns of
CUT_APART = 0.15   # least ink, this * H apart and from its ends at least
MAX_ATOMS = 6      # a piece is at most this many atoms

# A candidate digit: the atoms [start, end) of its row it holds, its input [784] float32,
# its box (x0, y0, x1, y1) in the picture's pixels, its height and width over the row's H.
Piece = collections.namedtuple('Piece', 'start end input box height width')
# A row: its pieces, each atom's height over H (leaving an atom unread costs by it), for
# each boundary between atoms [n + 1] whether it cuts through a mark, and each atom's width
# over H (leaving a mark cut in parts unread costs by its height and width).
Row = collections.namedtuple('Row', 'pieces sizes cuts widths')


def find_rows(rgb):
    """rgb [H, W, 3] in [0, 1] -> the Rows of the number, top to bottom ([] when there are
    no marks to read). Raises LayoutError for a page that is no number (too many marks or
    rows), PictureError for one that is no picture of writing at all."""
    work = paper.enlarge(paper.shrink(rgb, WORK_SIDE), LEAST_SIDE)
    ink, mask, lines, labels, boxes = clearing.clear(work)
    if not boxes:
        return []
    height = marks.typical_height(boxes)
    turn = None
    angle = rowing.slant([b for b in boxes if b[3] - b[1] >= LOW_ROW * height], height)
    if angle:
        (ink, mask, lines), turn = rowing.turn([ink, mask, lines], angle)
        labels, boxes = marks.marks(mask)
        height = marks.typical_height(boxes)
    to_picture = _mapping(turn, rgb.shape[1] / float(work.shape[1]), rgb.shape)
    # Marks at least PIECE * H (no mere piece of a digit) make rows; the rest join the row
    # they lie in, unless they are dust.
    big = [i for i, b in enumerate(boxes) if _size(b) >= marks.PIECE * height]
    if len(big) > MAX_MARKS:
        raise LayoutError('holds %d separate marks (at most %d digits are read in one '
                          'number): is it a number on plain paper?' % (len(big), MAX_MARKS))
    rows = [[big[i] for i in row] for row in rowing.level_rows([boxes[i] for i in big])]
    heights = [marks.typical_height([boxes[i] for i in row]) for row in rows]
    rows = [(row, h) for row, h in zip(rows, heights) if h >= LOW_ROW * max(heights)]
    if len(rows) > MAX_ROWS:
        raise LayoutError('holds %d rows of marks (at most %d are read)' % (len(rows), MAX_ROWS))
    found = []
    for row, row_height in rows:
        top = min(boxes[i][1] for i in row) - marks.PIECE * row_height
        bottom = max(boxes[i][3] for i in row) + marks.PIECE * row_height
        small = [i for i, b in enumerate(boxes) if i not in row and
                 _size(b) >= DUST * row_height and top <= (b[1] + b[3]) / 2.0 <= bottom
                 and _size(b) < marks.PIECE * height]
        found.append(_row(row + small, boxes, labels, lines, ink, row_height, to_picture))
    return found


def _size(box):
    x0, y0, x1, y1 = box
    return max(x1 - x0, y1 - y0)


def _row(members, boxes, labels, lines, ink, height, to_picture):
    """One row's Row: its marks `members` (indices into `boxes`) cut into atoms, left to
    right, and every piece of up to MAX_ATOMS neighbouring atoms."""
    edge = picture.soft_edge(height)
    x0 = max(min(boxes[m][0] for m in members) - edge, 0)
    y0 = max(min(boxes[m][1] for m in members) - edge, 0)
    x1 = max(boxes[m][2] for m in members) + edge
    y1 = max(boxes[m][3] for m in members) + edge
    crop = (slice(y0, y1), slice(x0, x1))
    labels, ink = labels[crop], ink[crop]
    unmarked = (labels == 0) & ~lines[crop]  # a piece's soft edge may lie here, nowhere else
    atoms, cuts = [], [False]  # each atom's mask in the crop; which boundaries are cuts
    for m in sorted(members, key=lambda m: boxes[m][0] + boxes[m][2]):
        own = labels == m + 1
        parts = (_cut(own, height) if boxes[m][2] - boxes[m][0] >= CUT_FROM * height
                 else [own])
        atoms.extend(parts)
        cuts.extend([True] * (len(parts) - 1) + [False])
    spans = [_span(a) for a in atoms]
    pieces = []
    for start in range(len(atoms)):
        piece = np.zeros_like(atoms[0])
        for end in range(start + 1, min(len(atoms), start + MAX_ATOMS) + 1):
            piece = piece | atoms[end - 1]
            px0, py0, px1, py1 = _span(piece)
            made = picture.normalise(np.where(unmarked | piece, ink, 0.0), piece).reshape(-1)
            pieces.append(Piece(start, end, made, to_picture((x0 + px0, y0 + py0, x0 + px1,
                                                              y0 + py1)),
                                (py1 - py0) / height, (px1 - px0) / height))
    return Row(pieces, [(y1_ - y0_) / height for _, y0_, _, y1_ in spans], cuts,
               [(x1_ - x0_) / height for x0_, _, x1_, _ in spans])


def _cut(own, height):
    """A wide mark's mask -> the masks of its parts between cuts at its columns of least ink
    (valleys of the ink per column, CUT_APART * H from each other and its ends), left to
    right: where touching digits meet, if they do. A dot or a bar has no valley: no cut."""
    columns = own.sum(axis=0)
    cols = np.flatnonzero(columns)
    lo, hi = cols[0], cols[-1] + 1
    apart = max(1, int(CUT_APART * height))
    padded = np.pad(columns.astype(float), 2, constant_values=np.inf)
    minima = [x for x in range(lo + apart, hi - apart)  # a valley: more ink on both sides
              if padded[x + 2] <= padded[x:x + 5].min()
              and columns[lo:x].max() > columns[x] < columns[x + 1:hi].max()]
    cuts = []
    for x in sorted(minima, key=lambda x: (columns[x], x)):
        if all(abs(x - c) >= apart for c in cuts):
            cuts.append(x)
    edges = [lo] + sorted(cuts) + [hi]
    index = np.arange(own.shape[1])
    parts = [own & (index >= a) & (index < b) for a, b in zip(edges[:-1], edges[1:])]
    return [p for p in parts if p.any()]


def _span(mask):
    """(x0, y0, x1, y1) of a mask's pixels, exclusive ends."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return cols[0], rows[0], cols[-1] + 1, rows[-1] + 1


def _mapping(turn, scale, shape):
    """A function: a box in the (turned) work picture -> the box in the picture's pixels."""
    def to_picture(box):
        x0, y0, x1, y1 = (v * scale for v in rowing.box_back(box, turn))
        return (int(np.clip(round(x0), 0, shape[1] - 1)), int(np.clip(round(y0), 0, shape[0] - 1)),
                int(np.clip(round(x1), 1, shape[1])), int(np.clip(round(y1), 1, shape[0])))
    return to_picture

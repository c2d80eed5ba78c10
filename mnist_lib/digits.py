"""The digit finder of `--number`: the digits of a number in a picture, row by row, left to
right.

What on the page is no digit goes first (mnist_lib/clearing.py: surfaces, ruled lines,
boxes, faint pencil made whole). A row written on a slant is turned level
(mnist_lib/rows.py); rows one above the other are read one by one, top to bottom. In each
row, specks go, marks that stand above one another become one digit and a group much wider
than a digit is offered cut where its ink is thinnest, and one holding two marks as tall as
digits (a 1 under a 7's bar) is offered as those marks apart (mnist_lib/groups.py); a group
shorter than the row's digits is no digit, and one a little short is offered with and
without it: the network picks the surer reading. Each digit is then normalised as a single digit is
(picture.normalise).

H below is the row's digit height (marks.typical_height).
"""
import collections

import numpy as np

from mnist_lib import clearing
from mnist_lib import groups as grouping
from mnist_lib import marks
from mnist_lib import picture
from mnist_lib import rows as rowing
from mnist_lib.errors import LayoutError

WORK_SIDE = 1024     # longest side of the copy a number is looked for in
MAX_MARKS = 20       # more digit-sized marks than this: refused, not guessed
MAX_ROWS = 3         # more rows than this: refused
SPECK = 0.3          # marks smaller than this * H both ways are specks
LOW_ROW = 0.5        # a row whose marks are under this * the tallest row's H: no digits
NO_DIGIT = 0.5       # a group under this * H tall is no digit (a dash, a border's stub) ...
FRAGMENT = 0.75      # ... and one under this * H, narrower than a digit, may be none: kept
SURE_FRAGMENT = 0.9  # ... only if the network reads it with this probability at least

# One way to read a group of marks: its pieces' inputs [k, 784] float32, their boxes (x0, y0,
# x1, y1) in the picture's pixels, the penalty its shape earns (groups.DOUBT), and which
# pieces [k] bool are cut out as narrow as a 1 (groups.NOT_A_ONE): such a piece counts only
# as a 1 (recognise._choose), so a cut through one wide digit does not win. With no pieces
# (k = 0) it reads the group as no digit at all.
Candidate = collections.namedtuple('Candidate', 'inputs boxes penalty narrow')


def find_options(rgb):
    """rgb [H, W, 3] in [0, 1] -> the rows of the number, top to bottom: each a list of its
    groups of marks, left to right, each a list of Candidates, the likeliest first. A group
    that may be touching digits, or no digit, has several; recognise.read lets the network
    choose. Raises PictureError when no number can be read."""
    work = picture.shrink(rgb, WORK_SIDE)
    ink, mask, lines, labels, boxes = clearing.clear(work)
    if not boxes:
        raise LayoutError('holds no digit (only lines)')
    height = marks.typical_height(boxes)
    turn = None
    angle = rowing.slant([b for b in boxes if b[3] - b[1] >= NO_DIGIT * height], height)
    if angle:
        (ink, mask, lines), turn = rowing.turn([ink, mask, lines], angle)
        labels, boxes = marks.marks(mask)
        height = marks.typical_height(boxes)
    to_picture = _mapping(turn, rgb.shape[1] / float(work.shape[1]), rgb.shape)
    seen = [i for i, (x0, y0, x1, y1) in enumerate(boxes)
            if max(x1 - x0, y1 - y0) >= SPECK * height]
    found = []
    for row in rowing.level_rows([boxes[i] for i in seen], height):
        row = [seen[i] for i in row]
        row_height = marks.typical_height([grouping.box(g, boxes)
                                     for g in grouping.group(row, boxes, None)])
        if row_height >= LOW_ROW * height:
            found.append(_row(row, boxes, row_height))
    found = [row for row in found if row]
    if sum(len(row) for row in found) > MAX_MARKS:
        raise LayoutError('holds %d separate marks (at most %d digits are read in one '
                           'number): is it a number on plain paper?'
                           % (sum(len(row) for row in found), MAX_MARKS))
    if len(found) > MAX_ROWS:
        raise LayoutError('holds %d rows of marks (at most %d are read)'
                           % (len(found), MAX_ROWS))
    options = []
    for row in found:
        options.append([])
        for members, row_height, width in row:
            gx0, gy0, gx1, gy1 = grouping.box(members, boxes)
            edge = picture.soft_edge(max(gx1 - gx0, gy1 - gy0))  # and its soft edge
            x0, y0, x1, y1 = max(gx0 - edge, 0), max(gy0 - edge, 0), gx1 + edge, gy1 + edge
            crop = (slice(y0, y1), slice(x0, x1))
            def of(part):  # the mask of these marks, in the crop
                return np.isin(labels[crop], [m + 1 for m in part])
            own = of(members)
            ways = [(grouping.pieces(own, cut), cut.penalty)
                    for cut in grouping.split(own, width, row_height)]
            parts = grouping.by_marks(members, boxes, row_height)
            if parts:
                ways.append(([of(part) for part in parts], 0.0))
            candidates = []
            for pieces, penalty in ways:
                made = _inputs(pieces, labels[crop], lines[crop], ink[crop], (x0, y0),
                               to_picture, NO_DIGIT * row_height)
                if made is not None:
                    inputs, shown, widths = made
                    narrow = [len(widths) > 1 and w < grouping.NOT_A_ONE * row_height
                              for w in widths]
                    candidates.append(Candidate(inputs, shown, penalty, narrow))
            if (gy1 - gy0 < FRAGMENT * row_height and gx1 - gx0 < width) or not candidates:
                candidates.append(Candidate(np.zeros((0, picture.SIZE ** 2), np.float32), [],
                                            1.0 - SURE_FRAGMENT, []))
            options[-1].append(candidates)
    if not options:
        raise LayoutError('holds no digit (only specks)')
    return options


def find(rgb):
    """rgb [H, W, 3] in [0, 1] -> (inputs [n, 784] float32, boxes [(x0, y0, x1, y1)] in the
    picture's pixels), row by row, left to right, without the network: each group's likeliest
    reading (cut where it is much wider than a digit). Raises PictureError when no number can
    be read."""
    chosen = [candidates[0] for row in find_options(rgb) for candidates in row]
    return (np.concatenate([c.inputs for c in chosen]), [box for c in chosen for box in c.boxes])


def _row(row, boxes, height):
    """One row's groups of marks, left to right, as (members, H, a digit's width): specks
    and groups too short to be digits left out."""
    keep = [i for i in row if max(boxes[i][2] - boxes[i][0], boxes[i][3] - boxes[i][1])
            >= SPECK * height]
    groups = grouping.group(keep, boxes, height)
    groups = [g for g in groups if grouping.box(g, boxes)[3] - grouping.box(g, boxes)[1]
              >= NO_DIGIT * height]
    return [(g, height, grouping.digit_width(groups, g, boxes, height)) for g in groups]


def _mapping(turn, scale, shape):
    """A function: a box in the (turned) work picture -> the box in the picture's pixels."""
    def to_picture(box):
        x0, y0, x1, y1 = (v * scale for v in rowing.box_back(box, turn))
        return (int(np.clip(round(x0), 0, shape[1] - 1)), int(np.clip(round(y0), 0, shape[0] - 1)),
                int(np.clip(round(x1), 1, shape[1])), int(np.clip(round(y1), 1, shape[0])))
    return to_picture


def _inputs(pieces, labels, lines, ink, corner, to_picture, lowest):
    """The normalised inputs [k, 784], boxes and ink widths of one group cut into `pieces`
    (masks cropped at `corner` of the work picture, like the arrays); None when a cut leaves a
    piece with no ink or one lower than `lowest`."""
    inputs, found, widths = [], [], []
    for piece in pieces:
        rows = np.flatnonzero(piece.any(axis=1))
        if not len(rows) or (len(pieces) > 1 and rows[-1] + 1 - rows[0] < lowest):
            return None
        cols = np.flatnonzero(piece.any(axis=0))
        y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        own = (labels == 0) & ~lines | piece  # never a neighbour's ink
        inputs.append(picture.normalise(np.where(own, ink, 0.0), piece).reshape(-1))
        found.append(to_picture((corner[0] + x0, corner[1] + y0, corner[0] + x1,
                                 corner[1] + y1)))
        widths.append(x1 - x0)
    return np.stack(inputs).astype(np.float32), found, widths

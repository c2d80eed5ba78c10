"""The digit finder of `--number`: the digits of a number in a picture, row by row, left to
right.

The picture's ink (picture.find_ink) is cut into horizontal runs, and the runs are joined
into connected marks (mnist_lib/marks.py). A picture with too many marks to be a number is
refused before anything else. Then what cannot be a digit goes: surfaces (a shadow, a
sleeve: strokes far thicker than the writing's), ruled lines, underlines, boxes and table
borders (runs far longer than a digit is tall, nearly level or upright; the strokes they
crossed are mended) and specks. Faint pencil that bold print held under the threshold is
then made whole, the threshold chosen again without the print. A row written on a slant is turned level (mnist_lib/rows.py);
rows one above the other are read one by one, top to bottom. In each row, marks that stand
above one another become one digit and a group much wider than a digit is offered cut where
its ink is thinnest, and one holding two marks as tall as digits (a 1 under a 7's bar) is
offered as those marks apart (mnist_lib/groups.py); a group shorter than the row's digits is
no digit, and one a little short is offered with and without it: the network picks the
surer reading. Each digit is then normalised as a single digit is, except that a stroke a
little thinner than MNIST's is widened too (THIN).
"""
import collections

import numpy as np

from mnist_lib import groups as grouping
from mnist_lib import marks
from mnist_lib import picture
from mnist_lib import rows as rowing
from mnist_lib.errors import PictureError

WORK_SIDE = 1024     # longest side of the copy a number is looked for in
MAX_SEEN = 500       # more connected marks than this (counted first): grid or noise, refused
MAX_MARKS = 20       # more digit-sized marks than this: refused, not guessed
MAX_ROWS = 3         # more rows than this: refused
MAX_INK = 0.35       # ink over this share of the picture: a surface, not digits on paper
SURFACE = 3.0        # marks whose strokes are this many times the writing's width: surfaces
STROKE_LENGTH = 5    # marks this many times as long as their strokes are wide are writing
PAGE_LINE = 0.6      # runs over this share of the picture's width are lines, and upright
PAGE_UPRIGHT = 0.95  # runs over this share of its height (a 1 in a tight crop is not) ...
FRAME_SIDE = 0.85    # runs over this share of a frame's width or height are its sides, and
ENCLOSED = 0.05      # ... a frame holds a mark at least this share of its height
LINE = 1.2           # ... and, once the digits' height H is known, runs over LINE * H
UPRIGHT_LINE = 1.6   # ... and upright runs over UPRIGHT_LINE * H
SPECK = 0.3          # marks smaller than this * H both ways are specks
STRAIGHT = 6         # marks this many times as long as wide are straight strokes
PIECE = 0.3          # marks under this share of the tallest are pieces, not whole digits
LOW_ROW = 0.5        # a row whose marks are under this * the tallest row's H: no digits
NO_DIGIT = 0.5       # a group under this * H tall is no digit (a dash, a border's stub) ...
FRAGMENT = 0.75      # ... and one under this * H, narrower than a digit, may be none: kept
SURE_FRAGMENT = 0.9  # ... only if the network reads it with this probability at least
BOLD = 1.6           # marks this many times as strong as the typical mark are print; it
FAINT = 0.7          # ... held the threshold up if without it the threshold is under FAINT
FAINT_INK = 2.0      # ... of it, and the typical mark is under FAINT_INK times it (faint)
THIN = 0.8           # a stroke under THIN * MNIST's is widened to it (one digit: picture.THIN)

# One way to read a group of marks: its pieces' inputs [k, 784] float32, their boxes (x0, y0,
# x1, y1) in the picture's pixels, the penalty its shape earns (groups.DOUBT), and which
# pieces [k] bool are cut out as narrow as a 1 (groups.NOT_A_ONE): such a piece counts only
# as a 1 (recognise._choose), so a cut through one wide digit does not win. With no pieces
# (k = 0) it reads the group as no digit at all.
Candidate = collections.namedtuple('Candidate', 'inputs boxes penalty narrow')


class LayoutError(PictureError):
    """No number in the way the marks lie (too many rows or digits, only lines or specks):
    the picture turned a quarter may still hold one. Other PictureErrors (blank, one blob,
    noise) hold however it is turned."""


def find_options(rgb):
    """rgb [H, W, 3] in [0, 1] -> the rows of the number, top to bottom: each a list of its
    groups of marks, left to right, each a list of Candidates, the likeliest first. A group
    that may be touching digits, or no digit, has several; recognise.read lets the network
    choose. Raises PictureError when no number can be read."""
    work = picture.shrink(rgb, WORK_SIDE)
    contrast = picture.contrast(work)
    ink, mask, threshold = picture.ink_of(*contrast)
    first = mask
    share = mask.mean()
    if share > MAX_INK:
        raise PictureError('is one large blob (ink covers %d%% of it), not digits on paper'
                           % round(100 * share))
    labels, boxes = marks.marks(mask)
    if len(boxes) > MAX_SEEN:
        raise PictureError('holds %d separate marks (more than %d): is it a number on plain '
                           'paper?' % (len(boxes), MAX_SEEN))
    surfaces = _surfaces(labels, boxes)
    if len(surfaces):
        ink, mask = _without_surface(contrast, threshold, ink, mask,
                                     np.isin(labels, surfaces + 1))
        labels, boxes = marks.marks(mask)
    frames = _frames(mask, boxes)  # a box drawn around the digits: its sides are lines
    mask, lines = marks.drop_lines(mask, mask.shape[1] * PAGE_LINE, mask.shape[0] * PAGE_UPRIGHT,
                                   boxes)
    for frame in frames:
        x0, y0, x1, y1 = frame
        mask, sides = marks.drop_lines(mask, FRAME_SIDE * (x1 - x0), FRAME_SIDE * (y1 - y0),
                                       [frame])
        lines |= sides
    if lines.any():
        labels, boxes = marks.marks(mask)
    faint = _faint_writing(contrast, threshold, mask, lines | first & ~mask, labels,
                           len(boxes))
    if faint is not None:
        ink, mask = faint
        labels, boxes = marks.marks(mask)
    height = typical_height(boxes)
    mask, more = marks.drop_lines(mask, LINE * height, UPRIGHT_LINE * height, boxes)
    if more.any():
        lines |= more
        labels, boxes = marks.marks(mask)
    straight = [i for i, (x0, y0, x1, y1) in enumerate(boxes)  # a line of its own, broken
                if (x1 - x0 > LINE * height or y1 - y0 > UPRIGHT_LINE * height)
                and max(x1 - x0, y1 - y0) >= STRAIGHT * min(x1 - x0, y1 - y0)]
    if straight:
        taken = np.isin(labels, np.array(straight) + 1)
        lines |= taken
        mask &= ~taken
        labels, boxes = marks.marks(mask)
    if not boxes:
        raise LayoutError('holds no digit (only lines)')
    height = typical_height(boxes)
    turn = None
    angle = rowing.slant([b for b in boxes if b[3] - b[1] >= NO_DIGIT * height], height)
    if angle:
        (ink, mask, lines), turn = rowing.turn([ink, mask, lines], angle)
        labels, boxes = marks.marks(mask)
        height = typical_height(boxes)
    to_picture = _mapping(turn, rgb.shape[1] / float(work.shape[1]), rgb.shape)
    seen = [i for i, (x0, y0, x1, y1) in enumerate(boxes)
            if max(x1 - x0, y1 - y0) >= SPECK * height]
    found = []
    for row in rowing.level_rows([boxes[i] for i in seen], height):
        row = [seen[i] for i in row]
        row_height = typical_height([grouping.box(g, boxes)
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
            x0, y0, x1, y1 = grouping.box(members, boxes)  # its box, and a pixel around
            x0, y0, x1, y1 = max(x0 - 1, 0), max(y0 - 1, 0), x1 + 1, y1 + 1
            crop = (slice(y0, y1), slice(x0, x1))
            own = np.isin(labels[crop], [m + 1 for m in members])
            ways = [(grouping.pieces(own, cut), cut.penalty)
                    for cut in grouping.split(own, width, row_height)]
            parts = grouping.by_marks(members, boxes, row_height)
            if parts:
                ways.append(([np.isin(labels[crop], [m + 1 for m in part]) for part in parts],
                             0.0))
            candidates = []
            for pieces, penalty in ways:
                found = _inputs(pieces, labels[crop], lines[crop], ink[crop], (x0, y0),
                                to_picture, NO_DIGIT * row_height)
                if found is not None:
                    inputs, shown, widths = found
                    narrow = [len(widths) > 1 and w < grouping.NOT_A_ONE * row_height
                              for w in widths]
                    candidates.append(Candidate(inputs, shown, penalty, narrow))
            if (y1 - y0 - 2 < FRAGMENT * row_height and x1 - x0 - 2 < width) or not candidates:
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


def _surfaces(labels, boxes):
    """The indices of the marks whose strokes are SURFACE times as wide as the writing's (the
    median over the marks that are strokes: much longer than wide)."""
    widths = marks.stroke_widths(labels, len(boxes))
    sides = np.array([max(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes])
    strokes = widths[sides >= STROKE_LENGTH * widths]
    if not len(strokes):
        return np.zeros(0, int)
    return np.flatnonzero((widths > SURFACE * np.median(strokes)) & (sides >= STROKE_LENGTH
                                                                       * np.median(strokes)))


def _frames(mask, boxes):
    """The boxes of the marks that hold another mark at least ENCLOSED of their height
    inside their box and have sides: runs FRAME_SIDE of their width and of their height,
    both (a drawn box, a form field, a cell around the digits; not a 7 over a 1)."""
    found = []
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if any(j != i and x0 < a and y0 < b and c < x1 and d < y1
               and d - b >= ENCLOSED * (y1 - y0) for j, (a, b, c, d) in enumerate(boxes)):
            if (marks.long_runs(mask, FRAME_SIDE * (x1 - x0), [boxes[i]]).any() and
                    marks.long_runs(mask.T, FRAME_SIDE * (y1 - y0), [(y0, x0, y1, x1)]).any()):
                found.append((x0, y0, x1, y1))
    return found


def _without_surface(contrast, before, ink, mask, surface):
    """The ink and its mask without the `surface` pixels (a sleeve, a shadow, a card's edge).
    A surface far darker than the writing holds the picture's threshold (`before`) up and
    breaks faint strokes: the threshold is chosen again without it (never higher), and what
    joins the surface at the new threshold goes with it. `contrast`: picture.contrast's."""
    smooth = contrast[1]
    outside = smooth[~_grow(surface)]
    if not outside.size or outside.max() <= 0:
        return ink, mask & ~surface
    threshold = picture.ink_threshold(outside)
    if threshold >= before:
        return ink, mask & ~surface
    ink, lower, _ = picture.ink_of(*contrast, threshold=threshold)
    labels, _ = marks.marks(lower)
    lower &= ~np.isin(labels, np.unique(labels[surface & lower]))
    return ink, lower


def _faint_writing(contrast, before, mask, taken, labels, count):
    """(ink, mask) with faint writing made whole, or None. Writing is faint when its typical
    mark (the one holding the median ink pixel: not a speck) is under FAINT_INK times the
    picture's threshold `before`. What was `taken` (lines, surfaces) and marks BOLD times as
    strong as the typical mark (a printed box, a question number) may then have held the
    threshold up and broken its strokes into pieces: the threshold is chosen again without
    them, and where it is under FAINT of the first, the ink above it that joins a mark is
    added to that mark (never to what was taken). `contrast`: picture.contrast's."""
    smooth = contrast[1]
    if not count:
        return None
    strength = np.zeros(count + 1)
    np.maximum.at(strength, labels[mask], smooth[mask])
    typical = np.median(strength[labels[mask]])  # the mark holding the median ink pixel
    strong = strength > BOLD * typical
    strong[0] = False
    if typical >= FAINT_INK * before or not strong.any() and not taken.any():
        return None
    held = _grow(_grow(taken | strong[labels]))
    threshold = picture.ink_threshold(smooth[~held])
    if threshold >= FAINT * before:
        return None
    lower = (smooth > threshold) & ~_grow(taken)
    joined, _ = marks.marks(lower)
    lower &= np.isin(joined, np.unique(joined[mask & lower]))
    return picture.ink_of(*contrast, threshold=threshold)[0], mask | lower


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
        near = _grow(piece)
        near &= (labels == 0) & ~lines | piece  # its own fringe, never a neighbour's ink
        crop = np.where(near, ink, 0.0)[y0:y1, x0:x1]
        inputs.append(picture.normalise(crop, piece[y0:y1, x0:x1], THIN).reshape(-1))
        found.append(to_picture((corner[0] + x0, corner[1] + y0, corner[0] + x1,
                                 corner[1] + y1)))
        widths.append(x1 - x0)
    return np.stack(inputs).astype(np.float32), found, widths


def _grow(mask):
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
    times as long as wide: a box's side, but also a 1) are left out where others are left."""
    if not boxes:
        raise PictureError('holds no digit (the picture is blank)')
    shapes = [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes]
    heights = [h for w, h in shapes if max(w, h) < STRAIGHT * min(w, h)]
    if not heights or max(heights) < PIECE * max(h for _, h in shapes):
        heights = [h for _, h in shapes]
    tallest = max(heights)
    return float(np.percentile([h for h in heights if h >= PIECE * tallest], 75))

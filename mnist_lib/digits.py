"""The digit finder of `--number`: the digits of a one-row number in a picture, left to right.

The picture's ink (picture.find_ink) is cut into horizontal runs, and the runs are joined
into connected marks. On the way: ruled lines, underlines and table borders are taken out
(runs far longer than a digit is tall) and the strokes they crossed are mended; specks are
dropped; marks that stand above one another (a 5's floating bar, a 4 or 7 drawn in two
strokes, a digit broken by a line) become one digit; a mark much wider than a digit is
split where its ink is thinnest (and read whole too: the network picks the surer reading).
Each digit is then normalised as a single digit is.
"""
import collections

import numpy as np
from PIL import Image, ImageFilter

from mnist_lib import marks
from mnist_lib import picture
from mnist_lib.errors import PictureError

WORK_SIDE = 1024     # longest side of the copy a number is looked for in
MAX_MARKS = 20       # more separate marks than this: refused, not guessed
MAX_INK = 0.35       # ink over this share of the picture: a surface, not digits on paper
PAGE_LINE = 0.6      # runs over this share of the picture's width are lines, and upright
PAGE_UPRIGHT = 0.95  # runs over this share of its height (a 1 in a tight crop is not) ...
LINE = 1.2           # ... and, once the digits' height H is known, runs over LINE * H
UPRIGHT_LINE = 1.6   # ... and upright runs over UPRIGHT_LINE * H
SPECK = 0.3          # marks smaller than this * H both ways are specks
SAME_DIGIT = 0.5     # marks overlapping by this share of the narrower one: one digit
DIGIT_WIDTH = 0.75   # a digit is at most about this * H wide, typically TYPICAL_WIDTH * H ...
TYPICAL_WIDTH = 0.6
TOO_WIDE = 1.35      # ... and a mark this many digit widths wide is touching digits,
SINGLE_WIDTH = 0.8   # ... if also this * H wide
CUT_CANDIDATES = 9   # ways of cutting one mark into digits offered to the network
MAYBE_TWO = 0.6      # a mark this * H wide may be two digits: the network chooses, and the
DOUBT = 0.05         # reading the shape speaks against must be this much surer to win
PIECE = 0.3          # marks under this share of the tallest are pieces, not whole digits
SHORT = 0.7          # a mark under this * H is part of a digit (a 4's or 7's second stroke)
STACKED = 0.3        # marks sharing at most this share of their heights stand above each other
NEAR = 0.1           # ... and join when at most this * H apart sideways
HAIRLINE = 0.04      # a short piece this * H from a digit is a broken stroke
NOT_A_ONE = 0.35     # groups at least this * H wide show a digit's width (1s are narrower)
CUT_REACH = 0.3      # a cut is looked for within this share of a digit's width of its place
CUT_APART = 0.1      # candidate cuts at least this share of a digit's width apart ...
CUTS_PER_PLACE = 3   # ... and this many per place at most

# One way to read a group of marks: its pieces' inputs [k, 784] float32, their boxes (x0, y0,
# x1, y1) in the picture's pixels, and the penalty its shape earns (see DOUBT).
Candidate = collections.namedtuple('Candidate', 'inputs boxes penalty')
# One way to cut a group: column ranges [(x0, x1), ...] in its box, and its penalty.
Cut = collections.namedtuple('Cut', 'ranges penalty')


def find_options(rgb):
    """rgb [H, W, 3] in [0, 1] -> the digits, left to right, as a list with one entry per
    group of marks: its Candidates, the likeliest first. A group that may be touching digits
    has several (cut ways and whole); recognise.read lets the network choose. Raises
    PictureError when no number can be read."""
    work = picture.shrink(rgb, WORK_SIDE)
    scale = rgb.shape[1] / float(work.shape[1])
    ink, mask, _ = picture.find_ink(work)
    share = mask.mean()
    if share > MAX_INK:
        raise PictureError('is one large blob (ink covers %d%% of it), not digits on paper'
                           % round(100 * share))
    mask, lines = marks.drop_lines(mask, mask.shape[1] * PAGE_LINE, mask.shape[0] * PAGE_UPRIGHT)
    labels, boxes = marks.marks(mask)
    height = _typical_height(boxes)
    mask, more = marks.drop_lines(mask, LINE * height, UPRIGHT_LINE * height)
    labels, boxes = marks.marks(mask)
    lines |= more
    if not boxes:
        raise PictureError('holds no digit (only lines)')
    groups = _group(range(len(boxes)), boxes, None)
    height = _typical_height([_box(g, boxes) for g in groups])
    keep = [i for i, (x0, y0, x1, y1) in enumerate(boxes)
            if max(x1 - x0, y1 - y0) >= SPECK * height]
    groups = _group(keep, boxes, height)
    if len(groups) > MAX_MARKS:
        raise PictureError('holds %d separate marks (at most %d digits are read in one '
                           'number): is it a number on plain paper?' % (len(groups), MAX_MARKS))
    options = []
    for members in groups:
        x0, y0, x1, y1 = _box(members, boxes)  # work in the group's box, and a pixel around
        x0, y0, x1, y1 = max(x0 - 1, 0), max(y0 - 1, 0), x1 + 1, y1 + 1
        crop = (slice(y0, y1), slice(x0, x1))
        own = np.isin(labels[crop], [m + 1 for m in members])
        candidates = []
        for cut in _split(own, _digit_width(groups, members, boxes, height), height):
            pieces = _inputs(own, cut.ranges, labels[crop], lines[crop], ink[crop], scale, x0, y0)
            if pieces is not None:
                candidates.append(Candidate(pieces[0], pieces[1], cut.penalty))
        options.append(candidates)
    if not options:
        raise PictureError('holds no digit (only specks)')
    return options


def find(rgb):
    """rgb [H, W, 3] in [0, 1] -> (inputs [n, 784] float32, boxes [(x0, y0, x1, y1)] in the
    picture's pixels), left to right, without the network: each mark's likeliest reading
    (cut where it is much wider than a digit). Raises PictureError when no number can be
    read."""
    chosen = [candidates[0] for candidates in find_options(rgb)]
    return (np.concatenate([c.inputs for c in chosen]), [box for c in chosen for box in c.boxes])


def _inputs(own, ranges, labels, lines, ink, scale, left, top):
    """The normalised inputs [k, 784] and boxes of one mark cut into column `ranges` (arrays
    cropped at `left`, `top` of the work picture); None when a cut leaves a piece with no
    ink."""
    inputs, found = [], []
    for x0, x1 in ranges:
        piece = np.zeros_like(own)
        piece[:, x0:x1] = own[:, x0:x1]
        rows = np.flatnonzero(piece.any(axis=1))
        if not len(rows):
            return None
        y0, y1 = rows[0], rows[-1] + 1
        near = np.asarray(Image.fromarray(np.uint8(piece) * 255).filter(
            ImageFilter.MaxFilter(3))) > 0
        near &= (labels == 0) & ~lines | piece  # its own fringe, never a neighbour's ink
        crop = np.where(near, ink, 0.0)[y0:y1, x0:x1]
        inputs.append(picture.normalise(crop, piece[y0:y1, x0:x1]).reshape(-1))
        corners = (left + x0, top + y0, left + x1, top + y1)
        found.append(tuple(int(round(v * scale)) for v in corners))
    return np.stack(inputs).astype(np.float32), found


def _typical_height(boxes):
    """The digits' height: the upper quartile of the heights of the marks at least PIECE of
    the tallest (pieces of digits are shorter, never taller)."""
    heights = [y1 - y0 for _, y0, _, y1 in boxes]
    if not heights:
        raise PictureError('holds no digit (the picture is blank)')
    return float(np.percentile([h for h in heights if h >= PIECE * max(heights)], 75))


def _box(members, boxes):
    chosen = [boxes[m] for m in members]
    return (min(b[0] for b in chosen), min(b[1] for b in chosen), max(b[2] for b in chosen),
            max(b[3] for b in chosen))


def _group(keep, boxes, height):
    """Marks that stand above one another -> one digit: those overlapping by SAME_DIGIT of the
    narrower, and (once the digits' `height` is known) pieces no wider together than a digit
    that are stacked (a slanted stroke cut by a line) or short (a 4's or 7's second stroke).
    Lists of mark indices, left to right."""
    groups = []
    for i in sorted(keep, key=lambda k: (boxes[k][1] - boxes[k][3], boxes[k][0])):  # tall first
        x0, y0, x1, y1 = boxes[i]
        best, best_overlap = None, 0
        for g in groups:
            gx0, _, gx1, _ = g['box']
            overlap = min(x1, gx1) - max(x0, gx0)
            narrower = min(x1 - x0, gx1 - gx0)
            joins = overlap >= SAME_DIGIT * narrower
            short = height and y1 - y0 < SHORT * height
            if height and not joins and max(x1, gx1) - min(x0, gx0) <= DIGIT_WIDTH * height:
                gy0, gy1 = g['box'][1], g['box'][3]
                stacked = min(y1, gy1) - max(y0, gy0) <= STACKED * min(y1 - y0, gy1 - gy0)
                joins = overlap > -NEAR * height and (stacked or short)
            if height and not joins and short and overlap > -HAIRLINE * height:
                joins = True  # a broken stroke: the gap is a hairline
            if joins and overlap > best_overlap - 1e-9:
                best, best_overlap = g, overlap
        if best is None:
            groups.append({'members': [i], 'box': boxes[i]})
        else:
            best['members'].append(i)
            best['box'] = _box(best['members'], boxes)
    groups.sort(key=lambda g: (g['box'][0] + g['box'][2]) / 2.0)
    return [g['members'] for g in groups]


def _digit_width(groups, members, boxes, height):
    """A digit's width, as the other digits here show it: the median width of the other
    groups that are not 1s; TYPICAL_WIDTH * height when there are none."""
    widths = [x1 - x0 for x0, _, x1, _ in (_box(g, boxes) for g in groups if g is not members)]
    wide = [w for w in widths if w >= NOT_A_ONE * height]
    return np.median(wide) if wide else TYPICAL_WIDTH * height


def _split(own, digit_width, height):
    """Ways to cut one group into digits, the likeliest first, as Cuts:
    the group whole; or where it is much wider than a digit (touching digits), cuts at the
    columns with the least ink (a few candidates per cut, CUT_CANDIDATES at most), then the
    group whole with the penalty DOUBT. A group a little narrower may still be two digits:
    its cuts are offered after the whole, with the penalty DOUBT."""
    columns = own.sum(axis=0)
    cols = np.flatnonzero(columns)
    x0, x1 = int(cols[0]), int(cols[-1]) + 1
    rows = np.flatnonzero(own[:, x0:x1].any(axis=1))
    tallest = min(rows[-1] + 1 - rows[0], height)  # touching digits on other baselines: taller
    digit_width = min(digit_width, DIGIT_WIDTH * tallest)
    wide = (x1 - x0) >= max(TOO_WIDE * digit_width, SINGLE_WIDTH * tallest)
    whole = Cut([(x0, x1)], 0.0)
    if not wide and (x1 - x0) < MAYBE_TWO * tallest:
        return [whole]
    n = max(2, int(round((x1 - x0) / digit_width)))
    per_cut = []
    for k in range(1, n):
        nominal = x0 + (x1 - x0) * k / float(n)
        reach = CUT_REACH * (x1 - x0) / n
        lo, hi = int(nominal - reach), int(nominal + reach) + 1
        window = columns[lo:hi].astype(float) + 1e-3 * np.abs(np.arange(lo, hi) - nominal)
        picked = []
        for c in np.argsort(window, kind='stable'):  # least ink first, apart from each other
            if all(abs(c - p) > CUT_APART * digit_width for p in picked):
                picked.append(int(c))
            if len(picked) == CUTS_PER_PLACE:
                break
        per_cut.append([lo + c for c in picked])
    ways = [[]]
    for candidates in per_cut:
        ways = [w + [c] for w in ways for c in candidates][:CUT_CANDIDATES]
    ways.sort(key=lambda w: sum(columns[c] for c in w))
    cuts = [Cut(list(zip([x0] + w, w + [x1])), 0.0 if wide else DOUBT) for w in ways]
    return cuts + [whole._replace(penalty=DOUBT)] if wide else [whole] + cuts

"""What on the page is no digit, for the digit finder (mnist_lib/digits.py): a picture
with too many marks to be a number is refused; surfaces (a shadow, a sleeve: strokes far
thicker than the writing's), ruled lines, underlines, boxes and table borders (runs far
longer than a digit is tall, nearly level or upright; the strokes they crossed are mended)
go; and faint pencil that bold print held under the threshold is made whole, the threshold
chosen again without the print.

H below is the digits' height (marks.typical_height).
"""
import numpy as np

from mnist_lib import marks
from mnist_lib import paper
from mnist_lib.errors import PictureError

MAX_SEEN = 500       # more connected marks than this (counted first): grid or noise, refused
MAX_INK = 0.35       # ink over this share of the picture: a surface, not digits on paper
SURFACE = 3.0        # marks whose strokes are this many times the writing's width: surfaces
PAGE_LINE = 0.6      # level runs over this share of the picture's width are lines ...
FRAME_SIDE = 0.85    # runs over this share of a frame's width or height are its sides, and
FRAMES = 50          # ... a frame holds a mark or a line across the page (looked for among
                     # this many of the largest)
LINE = 1.2           # ... and, once H is known, runs over LINE * H
UPRIGHT_LINE = 1.6   # ... and upright runs over UPRIGHT_LINE * H
BOLD = 1.6           # marks this many times as strong as the typical mark are print; it
FAINT = 0.7          # ... held the threshold up if without it the threshold is under FAINT
FAINT_INK = 2.0      # ... of it, and the typical mark is under FAINT_INK times it (faint)
GROWTH = 5.0         # ... unless the marks would grow this many times: paper, not strokes


def clear(work):
    """work [H, W, 3] in [0, 1] (the finder's copy) -> (ink, mask, lines, labels, boxes): the
    ink [H, W] and the mask of what may be digits, what was taken out as lines, and the marks
    left (marks.marks). Raises PictureError for a blob or too many marks to be a number."""
    contrast = paper.contrast(work)
    ink, mask, threshold = paper.ink_of(*contrast)
    first = mask
    share = mask.mean()
    if share > MAX_INK:
        raise PictureError('is one large blob (ink covers %d%% of it), not digits on paper'
                           % round(100 * share))
    labels, boxes = _counted(mask)
    surfaces = _surfaces(labels, boxes)
    if len(surfaces):
        ink, mask = _without_surface(contrast, threshold, ink, mask,
                                     np.isin(labels, surfaces + 1))
        labels, boxes = _counted(mask)
    mask, lines = marks.drop_lines(mask, mask.shape[1] * PAGE_LINE, np.inf, boxes)
    frames = _frames(labels, boxes, lines)  # a box around the digits: its sides are lines
    for x0, y0, x1, y1 in frames:  # each looked at in its own box, and a little around
        a, b = max(x0 - marks.SLIVER - 1, 0), max(y0 - marks.SLIVER - 1, 0)
        around = (slice(b, y1 + marks.SLIVER + 1), slice(a, x1 + marks.SLIVER + 1))
        mask[around], sides = marks.drop_lines(mask[around], FRAME_SIDE * (x1 - x0),
                                               FRAME_SIDE * (y1 - y0),
                                               [(x0 - a, y0 - b, x1 - a, y1 - b)])
        lines[around] |= sides
    if lines.any():
        labels, boxes = marks.marks(mask)
    faint = _faint_writing(contrast, threshold, mask, lines | first & ~mask, labels,
                           len(boxes))
    if faint is not None:
        ink, mask = faint
        labels, boxes = marks.marks(mask)
    height = marks.typical_height(boxes)
    mask, more = marks.drop_lines(mask, LINE * height, UPRIGHT_LINE * height, boxes)
    if more.any():
        lines |= more
        labels, boxes = marks.marks(mask)
    mask, labels, boxes = _straight_lines(mask, lines, labels, boxes, LINE * height,
                                          UPRIGHT_LINE * height)
    mask, labels, boxes = _in_line(mask, lines, labels, boxes)
    return ink, mask, lines, labels, boxes


def _in_line(mask, lines, labels, boxes):
    """Takes out (into `lines`) the upright straight marks that lie on an upright line taken
    out, beyond its ends or in its gaps: the rest of a broken page edge or margin line, which
    alone would be a 1. Returns (mask, labels, boxes) without them."""
    line_labels, line_boxes = marks.marks(lines)
    found = set()
    for k, (x0, y0, x1, y1) in enumerate(line_boxes):
        if y1 - y0 <= x1 - x0 or not marks.straight((x0, y0, x1, y1)):
            continue  # a level line, or lines that meet (a box)
        ys, xs = np.nonzero(line_labels[y0:y1, x0:x1] == k + 1)
        slope, at = np.polyfit(ys + y0, xs + x0, 1)  # the line's column along its rows
        reach = (x1 - x0) / 2.0 + marks.SLIVER
        found.update(i for i, (a, b, c, d) in enumerate(boxes)
                     if d - b > c - a and marks.straight((a, b, c, d))
                     and abs((a + c) / 2.0 - slope * (b + d) / 2.0 - at) <= reach)
    return _taken_out(mask, lines, labels, boxes, sorted(found))


def _straight_lines(mask, lines, labels, boxes, longest, tallest):
    """Takes out (into `lines`) the marks that are lines of their own though broken or
    wavering (no run along them is long enough): straight strokes wider than `longest` or
    taller than `tallest`. Returns (mask, labels, boxes) without them."""
    straight = [i for i, b in enumerate(boxes)
                if (b[2] - b[0] > longest or b[3] - b[1] > tallest) and marks.straight(b)]
    return _taken_out(mask, lines, labels, boxes, straight)


def _taken_out(mask, lines, labels, boxes, which):
    """(mask, labels, boxes) without the marks `which` (indices into `boxes`), which go into
    `lines`; as they were when there are none."""
    if not which:
        return mask, labels, boxes
    taken = np.isin(labels, np.array(which) + 1)
    lines |= taken
    mask &= ~taken
    return (mask,) + tuple(marks.marks(mask))


def _counted(mask):
    """marks.marks(mask), refused when they are more than MAX_SEEN."""
    labels, boxes = marks.marks(mask)
    if len(boxes) > MAX_SEEN:
        raise PictureError('holds %d separate marks (more than %d): is it a number on plain '
                           'paper?' % (len(boxes), MAX_SEEN))
    return labels, boxes


def _surfaces(labels, boxes):
    """The indices of the marks whose strokes are SURFACE times as wide as the writing's (the
    median over the marks that are strokes: much longer than wide, but not straight: a margin
    or a ruled line is drawn with another pen, often much finer)."""
    widths = marks.stroke_widths(labels, len(boxes))
    sides = np.array([max(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes])
    curved = np.array([not marks.straight(b) for b in boxes], bool)
    strokes = widths[(sides >= marks.STRAIGHT * widths) & curved]
    if not len(strokes):
        return np.zeros(0, int)
    return np.flatnonzero((widths > SURFACE * np.median(strokes))
                          & (sides >= marks.STRAIGHT * np.median(strokes)))


def _frames(labels, boxes, lines):
    """The boxes of the marks, among the FRAMES largest, that hold another mark inside their
    box or a level line across the page (among `lines`), and have sides: runs FRAME_SIDE of
    their width along their top or bottom, and of their height along their left or right,
    both (a drawn box, a form field, a cell around the digits, the page's own edges; not a 7
    over a 1, nor a 1 in a tight crop)."""
    if not boxes:
        return []
    b = np.array(boxes)
    found = []
    largest = np.argsort((b[:, 0] - b[:, 2]) * (b[:, 3] - b[:, 1]), kind='stable')[:FRAMES]
    for i in sorted(largest):
        x0, y0, x1, y1 = boxes[i]
        inside = (b[:, 0] > x0) & (b[:, 1] > y0) & (b[:, 2] < x1) & (b[:, 3] < y1)
        held = lines[y0:y1, x0:x1]
        if inside.any() or held.any():
            own = labels[y0:y1, x0:x1] == i + 1
            if ((inside.any() or (own & held).any()) and _has_side(own)
                    and _has_side(own.T)):
                found.append(boxes[i])
    return found


def _has_side(own):
    """Whether a mark `own` (cropped to its box) has a run FRAME_SIDE of its width, along
    any of marks.TILTS, near its top or its bottom."""
    h, w = own.shape
    band = min(h, int(np.tan(np.radians(np.abs(marks.TILTS).max())) * w) + max(4, h // 20))
    return any(marks.long_runs(own[rows], FRAME_SIDE * w, [(0, 0, w, band)]).any()
               for rows in (slice(0, band), slice(h - band, h)))


def _without_surface(contrast, before, ink, mask, surface):
    """The ink and its mask without the `surface` pixels (a sleeve, a shadow, a card's edge).
    A surface far darker than the writing holds the picture's threshold (`before`) up and
    breaks faint strokes: the threshold is chosen again without it (never higher), and what
    joins the surface at the new threshold goes with it. `contrast`: paper.contrast's."""
    smooth = contrast[1]
    outside = smooth[~marks.grow(surface)]
    if not outside.size or outside.max() <= 0:
        return ink, mask & ~surface
    threshold = paper.ink_threshold(outside)
    if threshold >= before:
        return ink, mask & ~surface
    ink, lower, _ = paper.ink_of(*contrast, threshold=threshold)
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
    added to that mark (never to what was taken, nor lines the lower threshold shows; and
    not at all where that would make the marks GROWTH times as large). `contrast`:
    paper.contrast's."""
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
    outside = smooth[~marks.grow(marks.grow(taken | strong[labels]))]
    if not outside.size or outside.max() <= 0:
        return None
    threshold = paper.ink_threshold(outside)
    if threshold >= FAINT * before:
        return None
    lower = (smooth > threshold) & ~marks.grow(taken)
    joined, boxes = marks.marks(lower)
    kept = np.unique(joined[mask & lower])
    lower &= np.isin(joined, kept)
    if lower.sum() > GROWTH * mask.sum():  # the paper's grain or grid, not faint strokes
        return None
    lower, _ = marks.drop_lines(lower, lower.shape[1] * PAGE_LINE, np.inf,  # ruled lines
                                [boxes[k - 1] for k in kept if k])             # it showed
    joined, _ = marks.marks(lower)
    lower &= np.isin(joined, np.unique(joined[mask & lower]))
    return paper.ink_of(*contrast, threshold=threshold)[0], mask | lower

"""Marks -> digits, for the digit finder: marks that stand above one another become one digit,
and a group much wider than a digit is offered cut into digits where its ink is thinnest.

H below is the row's digit height (marks.typical_height).
"""
import collections

import numpy as np

from mnist_lib import marks

SAME_DIGIT = 0.5     # marks overlapping by this share of the narrower one: one digit
SHORT = 0.7          # a mark under this * H is part of a digit (a 4's or 7's second stroke)
STACKED = 0.3        # marks sharing at most this share of their heights stand above each other
NEAR = 0.1           # ... and join when at most this * H apart sideways
HAIRLINE = 0.04      # a short piece this * H from a digit is a broken stroke
DIGIT_WIDTH = 0.75   # a digit is at most about this * H wide, typically TYPICAL_WIDTH * H ...
TYPICAL_WIDTH = 0.6
NOT_A_ONE = 0.35     # groups at least this * H wide show a digit's width (1s are narrower)
TOO_WIDE = 1.35      # a group this many digit widths wide is touching digits,
SINGLE_WIDTH = 0.8   # ... if also this * H wide
MAYBE_TWO = 0.6      # a group this * H wide may be two digits: the network chooses, and the
DOUBT = 0.05         # reading the shape speaks against must be this much surer to win
CUT_CANDIDATES = 9   # ways of cutting one group into digits offered to the network
CUT_REACH = 0.3      # a cut is looked for within this share of a digit's width of its place
CUT_APART = 0.1      # candidate cuts at least this share of a digit's width apart ...
CUTS_PER_PLACE = 3   # ... and this many per place at most
TALL = 0.75          # marks this * H tall may be digits of their own, within one group
LOOP_SHARE = 0.25    # no cut leaves this share of a loop's paper on each side of it
LOOP = 0.02          # (paper enclosed by a group, LOOP * H ** 2 at least)

# One way to cut a group: column ranges [(x0, x1), ...] in its box, and its penalty.
Cut = collections.namedtuple('Cut', 'ranges penalty')


def box(members, boxes):
    """The box (x0, y0, x1, y1) around the marks `members`."""
    chosen = [boxes[m] for m in members]
    return (min(b[0] for b in chosen), min(b[1] for b in chosen), max(b[2] for b in chosen),
            max(b[3] for b in chosen))


def group(keep, boxes, height):
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
            best['box'] = box(best['members'], boxes)
    groups.sort(key=lambda g: (g['box'][0] + g['box'][2]) / 2.0)
    return [g['members'] for g in groups]


def digit_width(groups, members, boxes, height):
    """A digit's width, as the other digits here show it: the median width of the other
    groups that are not 1s; TYPICAL_WIDTH * height when there are none."""
    widths = [x1 - x0 for x0, _, x1, _ in (box(g, boxes) for g in groups if g is not members)]
    wide = [w for w in widths if w >= NOT_A_ONE * height]
    return np.median(wide) if wide else TYPICAL_WIDTH * height


def split(own, digit_width, height):
    """Ways to cut one group (its mask `own`) into digits, the likeliest first, as Cuts: the
    group whole; or where it is much wider than a digit (touching digits), cuts at the columns
    with the least ink (a few candidates per cut, CUT_CANDIDATES at most), then the group
    whole, on equal terms: a wide 8 or 2 read surely whole stays whole. A group a little
    narrower may still be two digits: its cuts are offered after the whole, with the penalty
    DOUBT. A cut never crosses paper that the group encloses: a loop (a wide 0, an 8) is one
    digit."""
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
    loop = _loops(own, tallest)
    n = max(2, int(round((x1 - x0) / digit_width)))
    per_cut = []
    for k in range(1, n):
        nominal = x0 + (x1 - x0) * k / float(n)
        reach = CUT_REACH * (x1 - x0) / n
        lo, hi = int(nominal - reach), int(nominal + reach) + 1
        window = columns[lo:hi].astype(float) + 1e-3 * np.abs(np.arange(lo, hi) - nominal)
        picked = []
        for c in np.argsort(window, kind='stable'):  # least ink first, apart from each other
            if not loop[lo + c] and all(abs(c - p) > CUT_APART * digit_width for p in picked):
                picked.append(int(c))
            if len(picked) == CUTS_PER_PLACE:
                break
        per_cut.append([lo + c for c in picked])
    ways = [[]]
    for candidates in per_cut:
        ways = [w + [c] for w in ways for c in candidates][:CUT_CANDIDATES]
    ways = [w for w in ways if w]
    ways.sort(key=lambda w: sum(columns[c] for c in w))
    cuts = [Cut(list(zip([x0] + w, w + [x1])), 0.0 if wide else DOUBT) for w in ways]
    return cuts + [whole] if wide else [whole] + cuts


def pieces(own, cut):
    """The masks of the digits a Cut leaves of the group `own`, left to right."""
    columns = np.arange(own.shape[1])
    return [own & (columns >= a) & (columns < b) for a, b in cut.ranges]


def by_marks(members, boxes, height):
    """A group that holds two or more marks TALL * H tall or taller (a 1 under a 7's bar) may
    be those digits side by side: the members of each, left to right (a shorter mark goes
    with the tall one it overlaps most); None otherwise."""
    tall = sorted((m for m in members if boxes[m][3] - boxes[m][1] >= TALL * height),
                  key=lambda m: boxes[m][0] + boxes[m][2])
    if len(tall) < 2:
        return None
    parts = [[m] for m in tall]
    for m in members:
        if m not in tall:
            x0, _, x1, _ = boxes[m]
            nearest = max(range(len(tall)), key=lambda k: min(x1, boxes[tall[k]][2])
                          - max(x0, boxes[tall[k]][0]))
            parts[nearest].append(m)
    return parts


def _loops(own, height):
    """The columns of a group's mask `own` that would cut a loop (paper it encloses, LOOP *
    height ** 2 at least) in two, LOOP_SHARE of it on each side at least: bool [width]."""
    labels, boxes = marks.marks(marks.holes(own))
    cut = np.zeros(own.shape[1], bool)
    for k in range(len(boxes)):
        area = (labels == k + 1).sum(axis=0).cumsum()
        if area[-1] < LOOP * height ** 2:
            continue
        left = area / float(area[-1])
        cut |= (left >= LOOP_SHARE) & (left <= 1 - LOOP_SHARE)
    return cut

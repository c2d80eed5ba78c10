"""The reading of a row: the best path through its pieces (LeCun, Bottou, Bengio and Haffner
1998, recognition-based segmentation).

A path reads the row's atoms left to right: each atom either lies in one piece the path
reads as a digit, or is left unread. A piece scores

    log P(one whole digit)  (the judge)  +  log P(its likeliest digit)  (the network)
    - SIZE * (log(height)^2 + log(width / CUT_FROM)^2 if wider than CUT_FROM)
      (heights and widths over the row's H, a log-normal prior on the size of a digit: soft
      evidence, never a rule; digits.CUT_FROM * H is the width from which the finder takes a
      mark for touching digits and cuts it), TALL in place of SIZE for a piece taller than
      the row's digits (a line beside the number is a 1 to the judge and the network: its
      height says no)

and each of its ends that cuts through a mark (touching digits: rarer than digits apart)
costs CUT / 2; an atom left unread costs SKIP * its height over H (at most SKIP): a speck or
a point costs little, a whole digit's worth of ink a lot. A mark cut in parts and left unread
whole costs as one mark, SKIP * its height for each digit its width may hold: leaving a
letter beside the number unread does not grow dearer with each cut that parts its strokes
(each of which, alone, is a 1), while touching digits cost as the digits they are. Every
term is a log-probability or a cost, never a reward, so reading two digits as one wide piece
is not cheaper than reading them apart: the judge says a pair is no whole digit. The best
path is found by dynamic programming over the atoms, not by trying every combination. Last,
a mark that the path reads cut in parts as 1s only is left unread (without_strokes): the
strokes of a letter (A, H, U, W), each a 1 alone.
"""
import numpy as np

from mnist_lib import digits

SKIP = 3.0       # an atom left unread costs this * its height over H (a digit's at most)
SIZE = 1.0       # a piece shorter than the row's digits, or wider than digits.CUT_FROM * H,
                 # costs this * log(the ratio) squared, ...
TALL = 8.0       # ... and one taller, this * log(the ratio) squared
CUT = 1.5        # reading across a cut through a mark costs this


def scores(pieces, probabilities, whole, cuts):
    """The score of each piece (digits.Piece) from the network's `probabilities` [n, 10],
    the judge's `whole` [n] and the row's `cuts` (digits.Row)."""
    height = np.log([p.height for p in pieces])
    cut = np.array([cuts[p.start] + cuts[p.end] for p in pieces], float)
    width = np.log(np.maximum([p.width / digits.CUT_FROM for p in pieces], 1.0))
    size = -np.where(height > 0, TALL, SIZE) * height ** 2 - SIZE * width ** 2
    with np.errstate(divide='ignore'):  # log 0: a piece that can never be read
        return np.log(whole) + np.log(probabilities.max(axis=1)) + size - CUT / 2 * cut


def best(row, score):
    """The indices of the pieces on the best path through `row` (digits.Row), left to right
    ([] when leaving every atom unread is best), `score` the pieces' scores: dynamic
    programming over the atoms."""
    n = len(row.sizes)
    value = np.full(n + 1, -np.inf)
    value[0] = 0.0
    back = [None] * (n + 1)  # (previous atom boundary, the piece read or None: left unread)
    ending = [[] for _ in range(n + 1)]
    for k, p in enumerate(row.pieces):
        ending[p.end].append(k)
    first = 0  # the first atom of the mark that the atom before `end` is a part of
    for end in range(1, n + 1):
        if not row.cuts[end - 1]:
            first = end - 1
        value[end] = value[end - 1] - SKIP * min(row.sizes[end - 1], 1.0)
        back[end] = (end - 1, None)
        if end - first > 1 and not row.cuts[end]:  # a whole mark cut in parts, left unread
            unread = value[first] - skip_mark(row.sizes[first:end], row.widths[first:end])
            if unread > value[end]:
                value[end], back[end] = unread, (first, None)
        for k in ending[end]:
            start = row.pieces[k].start
            if value[start] + score[k] > value[end]:
                value[end] = value[start] + score[k]
                back[end] = (start, k)
    path, at = [], n
    while at > 0:
        at, k = back[at]
        if k is not None:
            path.append(k)
    return path[::-1]


def skip_mark(sizes, widths):
    """What leaving a whole mark unread costs, its parts' heights `sizes` and `widths` over H:
    as one mark however many parts it was cut into, SKIP * its height (at most H) for each
    digit its width may hold (one per CUT_FROM * H: a mark that wide may be two, and is cut)."""
    return SKIP * min(max(sizes), 1.0) * max(1.0, sum(widths) / digits.CUT_FROM)


def without_strokes(row, path, digits):
    """`path` (best()'s, `digits` the digits it reads) without the pieces of any mark that it
    reads cut in parts as 1s only (two or more): the strokes of a letter (A, H, N, U, V, W, m),
    each a 1 alone to the judge and the network, are no digits."""
    mark, groups = None, []
    for k, d in zip(path, digits):
        piece = row.pieces[k]
        if mark is not None and all(row.cuts[mark:piece.start + 1]):
            groups[-1].append((k, d))  # a part of the same mark as the piece before
        else:
            groups.append([(k, d)])
        mark = piece.end
    return [k for group in groups
            if len(group) < 2 or any(d != 1 for _, d in group) for k, _ in group]

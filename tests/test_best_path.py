"""The best path through a row's pieces (mnist_lib/best_path.py), on rows made up here: what
the judge and the network say of each piece decides, no rule of size alone."""
import itertools

import numpy as np

from mnist_lib import best_path
from mnist_lib.digits import Piece, Row


def piece(start, end, height=1.0, width=0.6):
    return Piece(start, end, None, (0, 0, 1, 1), height, width)


def sure(digit, p=0.98):
    row = np.full(10, (1 - p) / 9)
    row[digit] = p
    return row


def read(pieces, sizes, said, cuts=None, widths=None):
    """The (start, end) of the pieces on the best path, given `said` [(whole, probabilities)]."""
    cuts = cuts or [False] * (len(sizes) + 1)
    score = best_path.scores(pieces, np.array([p for _, p in said]),
                             np.array([w for w, _ in said]), cuts)
    row = Row(pieces, sizes, cuts, widths or [0.5] * len(sizes))
    return [(pieces[k].start, pieces[k].end) for k in best_path.best(row, score)]


def test_a_point_between_digits_is_left_unread():
    pieces = [piece(0, 1), piece(1, 2, 0.15, 0.15), piece(2, 3), piece(0, 2), piece(1, 3)]
    said = [(0.99, sure(3)), (0.02, sure(0, 0.6)), (0.99, sure(1)), (0.1, sure(3, 0.7)),
            (0.05, sure(1, 0.8))]
    assert read(pieces, [1.0, 0.15, 1.0], said) == [(0, 1), (2, 3)]


def test_touching_digits_are_read_apart_and_a_wide_zero_whole():
    pieces = [piece(0, 1, width=0.55), piece(1, 2, width=0.55), piece(0, 2, width=1.1)]
    cut = [False, True, False]
    pair = [(0.97, sure(6)), (0.96, sure(9)), (0.01, sure(8, 0.6))]
    assert read(pieces, [1.0, 1.0], pair, cut) == [(0, 1), (1, 2)]
    zero = [(0.03, sure(1, 0.7)), (0.04, sure(1, 0.6)), (0.99, sure(0))]
    assert read(pieces, [1.0, 1.0], zero, cut) == [(0, 2)]


def test_fewer_pieces_do_not_win_by_being_fewer():
    pieces = [piece(0, 1), piece(1, 2), piece(0, 2, width=0.8)]
    said = [(0.9, sure(1, 0.9)), (0.9, sure(7, 0.9)), (0.5, sure(4, 0.9))]
    assert read(pieces, [1.0, 1.0], said) == [(0, 1), (1, 2)]


def test_a_margin_line_is_left_unread_and_a_small_zero_read():
    pieces = [piece(0, 1, height=3.0, width=0.1), piece(1, 2), piece(2, 3, height=0.5,
                                                                    width=0.3)]
    said = [(0.9, sure(1)), (0.99, sure(2)), (0.95, sure(0))]
    assert read(pieces, [3.0, 1.0, 0.5], said) == [(1, 2), (2, 3)]


def test_a_letter_cut_in_strokes_is_left_unread_as_one_mark():
    """An m beside a number, cut in three strokes that are each surely a 1, and whole surely
    no digit: leaving it unread costs as one mark, less than reading its strokes as 111;
    two touching digits, as wide as two, are read."""
    pieces = [piece(0, 1), piece(1, 2, 0.7, 0.25), piece(2, 3, 0.7, 0.25), piece(3, 4, 0.7, 0.25),
              piece(1, 4, 0.7, 0.8)]
    said = [(0.99, sure(4)), (0.99, sure(1)), (0.99, sure(1)), (0.99, sure(1)), (0.001, sure(7))]
    cuts = [False, False, True, True, False]
    sizes, widths = [1.0, 0.7, 0.7, 0.7], [0.5, 0.25, 0.3, 0.25]
    assert read(pieces, sizes, said, cuts, widths) == [(0, 1)]
    pair = [(0.99, sure(4)), (0.9, sure(6, 0.8)), (0.9, sure(8, 0.8)), (0.9, sure(1)),
            (0.001, sure(8))]
    pieces[1:4] = [piece(1, 2, 1.0, 0.5), piece(2, 3, 1.0, 0.25), piece(3, 4, 1.0, 0.3)]
    pieces.append(piece(2, 4, 1.0, 0.55))
    pair.append((0.95, sure(8, 0.9)))
    assert read(pieces, [1.0] * 4, pair, cuts, [0.5, 0.5, 0.25, 0.3]) == [(0, 1), (1, 2), (2, 4)]


def test_the_dynamic_programme_finds_the_best_of_all_paths():
    rng = np.random.default_rng(0)
    for _ in range(40):
        n = int(rng.integers(1, 6))
        pieces = [piece(a, b, rng.uniform(0.3, 2.0), rng.uniform(0.2, 1.5))
                  for a in range(n) for b in range(a + 1, min(n, a + 3) + 1)
                  if rng.random() < 0.8]
        sizes, widths = list(rng.uniform(0.1, 1.5, n)), list(rng.uniform(0.05, 0.8, n))
        cuts = [False] + list(rng.random(n - 1) < 0.4) + [False]
        score = best_path.scores(pieces, rng.dirichlet(np.ones(10), len(pieces)),
                                 rng.uniform(0, 1, len(pieces)), cuts)
        starts = [a for a in range(n) if not cuts[a]]  # the marks: atoms [start, next start)
        marks = list(zip(starts, starts[1:] + [n]))

        def value(path):  # a path: pieces in order, not overlapping; the rest unread, each
            read = {a for k in path for a in range(pieces[k].start, pieces[k].end)}
            unread = 0.0  # mark left wholly unread at its cheaper cost, as one or atom by atom
            for a, b in marks:
                atoms = sum(best_path.SKIP * min(sizes[x], 1.0) for x in range(a, b)
                            if x not in read)
                whole = read.isdisjoint(range(a, b)) and b - a > 1
                unread += min(atoms, best_path.skip_mark(sizes[a:b], widths[a:b])
                              ) if whole else atoms
            return sum(score[k] for k in path) - unread
        paths = [p for r in range(len(pieces) + 1) for p in itertools.combinations(
            range(len(pieces)), r) if all(pieces[a].end <= pieces[b].start
                                          for a, b in zip(p, p[1:]))]
        found = best_path.best(Row(pieces, sizes, cuts, widths), score)
        assert np.isclose(value(found), max(map(value, paths)))


def test_a_mark_read_in_parts_as_1s_only_is_a_letters_strokes():
    """An H beside a 4, cut at its bar: each upright is surely a 1 (the bar, left unread
    between them, costs little), and --number read `411` for it. A mark read in parts as 1s
    only is left unread; one read as other digits (touching 17) or a 1 alone stays."""
    pieces = [piece(0, 1), piece(1, 2, width=0.2), piece(2, 3, 0.1), piece(3, 4, width=0.2),
              piece(4, 5, width=0.2)]
    cuts = [False, False, True, True, False, False]  # atoms 1-3: one mark (the H), cut twice
    row = Row(pieces, [1.0, 1.0, 0.1, 1.0, 1.0], cuts, [0.5, 0.2, 0.5, 0.2, 0.2])
    assert best_path.without_strokes(row, [0, 1, 3, 4], [4, 1, 1, 1]) == [0, 4]
    assert best_path.without_strokes(row, [0, 1, 3, 4], [4, 1, 7, 1]) == [0, 1, 3, 4]
    assert best_path.without_strokes(row, [1, 4], [1, 1]) == [1, 4]  # a 1 alone (its mark's
    # other parts unread) and a 1 of a mark of its own
    assert best_path.without_strokes(row, [], []) == []

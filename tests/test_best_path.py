"""The best path through a row's pieces (mnist_lib/best_path.py), on rows made up here: what
the judge and the network say of each piece decides, no rule of size alone."""
import itertools

import numpy as np

from mnist_lib import best_path
from mnist_lib.digits import Piece


def piece(start, end, height=1.0, width=0.6):
    return Piece(start, end, None, (0, 0, 1, 1), height, width)


def sure(digit, p=0.98):
    row = np.full(10, (1 - p) / 9)
    row[digit] = p
    return row


def read(pieces, sizes, said, cuts=None):
    """The (start, end) of the pieces on the best path, given `said` [(whole, probabilities)]."""
    cuts = cuts or [False] * (len(sizes) + 1)
    score = best_path.scores(pieces, np.array([p for _, p in said]),
                             np.array([w for w, _ in said]), cuts)
    return [(pieces[k].start, pieces[k].end) for k in best_path.best(pieces, sizes, score)]


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


def test_the_dynamic_programme_finds_the_best_of_all_paths():
    rng = np.random.default_rng(0)
    for _ in range(40):
        n = int(rng.integers(1, 6))
        pieces = [piece(a, b, rng.uniform(0.3, 2.0), rng.uniform(0.2, 1.5))
                  for a in range(n) for b in range(a + 1, min(n, a + 3) + 1)
                  if rng.random() < 0.8]
        sizes = list(rng.uniform(0.1, 1.5, n))
        cuts = [False] + list(rng.random(n - 1) < 0.3) + [False]
        score = best_path.scores(pieces, rng.dirichlet(np.ones(10), len(pieces)),
                                 rng.uniform(0, 1, len(pieces)), cuts)

        def value(path):  # a path: pieces in order, not overlapping; the rest unread
            read = {a for k in path for a in range(pieces[k].start, pieces[k].end)}
            return (sum(score[k] for k in path)
                    - sum(best_path.SKIP * min(sizes[a], 1.0) for a in range(n) if a not in read))
        paths = [p for r in range(len(pieces) + 1) for p in itertools.combinations(
            range(len(pieces)), r) if all(pieces[a].end <= pieces[b].start
                                          for a, b in zip(p, p[1:]))]
        assert np.isclose(value(best_path.best(pieces, sizes, score)), max(map(value, paths)))

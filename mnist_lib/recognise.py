"""Reading a picture: the one function that the app, its batch mode and its page all call.

    reading = read(path_or_bytes, model, number=False, judge=None)
    reading.digits         [d, ...]: one digit, or the digits of a number left to right;
                           [] when the picture holds no digit
    reading.probabilities  [n, 10] float32
    reading.inputs         [n, 784] float32: the 28x28 pictures the network was given
    reading.boxes          [(x0, y0, x1, y1), ...] in the picture's own pixels, upright (EXIF)
    reading.rows           [k, ...]: how many of the digits stand in each row, top to bottom
    reading.whole          [n] float: how likely each input is one whole digit, as the judge
                           (mnist_lib/judge.py) says; None when it was not asked
    reading.not_a_digit    True when the picture holds no digit: blank, or the judge says
                           its input is no whole digit (then probabilities and inputs still
                           say what the network would have answered)
    reading.several        for a single digit judged no whole digit: True when its marks stand
                           side by side, as a number's digits do (picture.side_by_side): a
                           hint to read it with --number; else None
"""
import collections
import time

import numpy as np

from mnist_lib import best_path
from mnist_lib import decode
from mnist_lib import digits as digit_finder
from mnist_lib import judge as judge_lib
from mnist_lib import picture

# "Not sure" when the best probability is under UNSURE_BELOW; then the runner-up is named.
# (At 0.8 or more, the runner-up has at most 0.2: "the two best are close" is the same
# rule.) Chosen on the 10000 MNIST test images, python benchmarks/bench_app.py unsure: under 0.8
# lie 65% of the MLP's 189 test errors and 2.2% of its right answers; for LeNet-5, 68% of
# its 110 errors and 1.3% of its right answers.
UNSURE_BELOW = 0.8
JUDGED_BELOW = judge_lib.THRESHOLD  # the judge's "one whole digit" under this: not a digit
NOT_A_DIGIT = 'not a digit'
NOT_A_NUMBER = 'not a number'

Reading = collections.namedtuple('Reading', 'digits probabilities inputs boxes rows whole '
                                 'not_a_digit several', defaults=(None, None, False, None))
def read(source, model, number=False, method=picture.DEFAULT, timings=None, judge=None):
    """Reads one digit (or with `number`, a whole number) from a picture file or its bytes.
    With a `judge` (mnist_lib/judge.Judge), a single digit read with the default
    preprocessing whose input it does not take for one whole digit is "not a digit"; so is
    a blank picture, judge or not. A number is read by the judge and the network together
    (mnist_lib/best_path.py): `number` needs the judge.

    Raises picture.PictureError, with a one-line reason, when it cannot. With a `timings`
    dict, adds the seconds spent on 'decode', 'preprocess', 'network' and 'judge' to it.
    """
    started = time.perf_counter()
    spent = {}
    if number:
        if method != picture.DEFAULT:
            raise ValueError('--number reads with the default preprocessing only')
        if judge is None:
            raise ValueError('--number reads with the judge only')
        rgb, size = decode.load_sized(source, digit_finder.WORK_SIDE)
        spent['decode'] = time.perf_counter() - started
        try:
            reading = _read_number(rgb, model, judge, spent)
        except picture.BlankPicture:
            reading = Reading([], np.zeros((0, 10)), np.zeros((0, picture.SIZE ** 2),
                                                              np.float32), [], [],
                              np.zeros(0), True)
        reading = reading._replace(boxes=_in_picture(reading.boxes, rgb.shape, size))
    else:
        rgb, size = decode.load_sized(source, picture.WORK_SIDE)
        decoded = time.perf_counter()
        box = [(0, 0) + size]
        try:
            inputs = picture.normalised(rgb, method)
        except picture.BlankPicture:
            if method != picture.DEFAULT:
                raise
            inputs = np.zeros((0, picture.SIZE ** 2), np.float32)
        found = time.perf_counter()
        reading = Reading(None, model.predict(inputs) if len(inputs) else np.zeros((0, 10)),
                          inputs, box if len(inputs) else [], [1] if len(inputs) else [],
                          not_a_digit=not len(inputs))
        spent = {'decode': decoded - started, 'preprocess': found - decoded,
                 'network': time.perf_counter() - found}
        if judge is not None and method == picture.DEFAULT:
            judged = time.perf_counter()
            whole = judge.whole(inputs)
            reading = reading._replace(whole=whole, not_a_digit=bool(
                not len(whole) or whole[0] < JUDGED_BELOW))
            spent['judge'] = time.perf_counter() - judged
            if reading.not_a_digit and len(whole):
                reading = reading._replace(several=picture.side_by_side(rgb) > 1)
    if timings is not None:
        for key, secs in spent.items():
            timings[key] = timings.get(key, 0.0) + secs
    digits = [] if reading.not_a_digit else reading.probabilities.argmax(axis=1)
    return reading._replace(digits=[int(d) for d in digits])


def _in_picture(boxes, shape, size):
    """Boxes in the pixels of the copy read (`shape`: shrunk, upright) -> in the picture's own
    (`size`: width, height)."""
    sx, sy = size[0] / float(shape[1]), size[1] / float(shape[0])
    return [(int(round(x0 * sx)), int(round(y0 * sy)), min(int(round(x1 * sx)), size[0]),
             min(int(round(y1 * sy)), size[1])) for x0, y0, x1, y1 in boxes]


def _read_number(rgb, model, judge, spent):
    """The number in `rgb` [H, W, 3] as a Reading. A picture stored sideways (a phone photo
    without its EXIF turn) shows its digits in a column: when the upright reading fails for
    the way its marks lie, finds no digit, or reads several rows that are each one digit or
    unsure, the picture is read turned a quarter each way too, and the surest reading
    (sureness: the judge and the network together) wins if it is a row of digits judged
    rather digits than not, not all 1s (level strokes turned are 1s: a dash, the bars of a
    sign, the edges of a thing photographed prove nothing); boxes always in `rgb`'s pixels."""
    try:
        best = _read_turned(rgb, model, judge, 0, spent)
        if best.digits and (len(best.rows) < 2 or (max(best.rows) > 1
                                                   and confidence(best) >= UNSURE_BELOW)):
            return best
        error = None
    except digit_finder.LayoutError as e:
        best, error = None, e
    for quarter in (1, 3):
        try:
            other = _read_turned(rgb, model, judge, quarter, spent)
        except digit_finder.LayoutError:
            continue
        if len(other.digits) > 1 and set(other.digits) - {1} and (
                sureness(other) >= judge_lib.THRESHOLD) and (
                best is None or sureness(other) > sureness(best)):
            best = other
    if best is None:
        raise error
    return best


def _read_turned(rgb, model, judge, quarter, spent):
    """The number in `rgb` turned `quarter` quarters counter-clockwise, its boxes turned
    back: each row's best path through its pieces; `spent` gains the seconds of
    'preprocess', 'network' and 'judge'."""
    started = time.perf_counter()
    rows = digit_finder.find_rows(np.rot90(rgb, quarter) if quarter else rgb)
    every = [p for row in rows for p in row.pieces]
    found = time.perf_counter()
    inputs = np.array([p.input for p in every], np.float32).reshape(-1, picture.SIZE ** 2)
    probabilities = model.predict(inputs) if len(every) else np.zeros((0, 10), np.float32)
    network = time.perf_counter()
    whole = judge.whole(inputs)
    for key, secs in (('preprocess', found - started), ('network', network - found),
                      ('judge', time.perf_counter() - network)):
        spent[key] = spent.get(key, 0.0) + secs
    chosen, counts, at = [], [], 0
    for row in rows:
        mine = slice(at, at + len(row.pieces))
        at += len(row.pieces)
        score = best_path.scores(row.pieces, probabilities[mine], whole[mine], row.cuts)
        path = best_path.best(row, score)
        path = [mine.start + k for k in best_path.without_strokes(
            row, path, probabilities[mine][path].argmax(axis=1))]
        chosen += path
        counts.append(len(path))
    h, w = rgb.shape[:2]
    back = {0: lambda x0, y0, x1, y1: (x0, y0, x1, y1),  # a box in the turned picture
            1: lambda x0, y0, x1, y1: (w - y1, x0, w - y0, x1),
            3: lambda x0, y0, x1, y1: (y0, h - x1, y1, h - x0)}[quarter]
    return Reading([int(d) for d in probabilities[chosen].argmax(axis=1)],
                   probabilities[chosen], inputs[chosen],
                   [back(*every[k].box) for k in chosen], [n for n in counts if n],
                   whole[chosen], not chosen)


def row_texts(reading):
    """['1572', '43890']: each row's digits as written, leading zeros kept, top to bottom
    ([] when the picture holds no digit)."""
    if not reading.digits:
        return []
    texts, digits = [], list(reading.digits)
    for n in reading.rows or [len(digits)]:
        texts.append(''.join(str(d) for d in digits[:n]))
        digits = digits[n:]
    return texts


def number_text(reading):
    """'2026': the digits as written, leading zeros kept; rows apart by a space ('' when the
    picture holds no digit)."""
    return ' '.join(row_texts(reading))


def answer_text(reading, number=False):
    """The answer as the notes' dialogue prints it: the digits, or 'not a digit' ('not a
    number' for a `number` reading)."""
    if reading.not_a_digit:
        return NOT_A_NUMBER if number else NOT_A_DIGIT
    return number_text(reading)


def sureness(reading):
    """How likely the judge and the network together find the reading's digits, as the
    geometric mean over its digits of P(one whole digit) * P(that digit) (0 for none)."""
    if not reading.digits or reading.whole is None:
        return 0.0
    p = [pr[d] * w for pr, d, w in zip(reading.probabilities, reading.digits, reading.whole)]
    return float(np.exp(np.mean(np.log(np.maximum(p, 1e-9)))))


def confidence(reading):
    """The lowest of the digits' probabilities: how sure the whole answer is (0 for none)."""
    return float(min((p[d] for p, d in zip(reading.probabilities, reading.digits)),
                     default=0.0))


def doubt(reading):
    """None when sure (or not a digit); else (answer, the runner-up answer): the least sure
    digit swapped for its second-best."""
    if reading.not_a_digit:
        return None
    worst, runner_up, unsure = None, None, False
    for k, p in enumerate(reading.probabilities):
        first, second = np.argsort(p)[::-1][:2]
        if p[first] < UNSURE_BELOW:
            unsure = True
            if worst is None or p[first] < reading.probabilities[worst].max():
                worst, runner_up = k, int(second)
    if not unsure:
        return None
    other = list(reading.digits)
    other[worst] = runner_up
    return number_text(reading), number_text(reading._replace(digits=other))


def number_hint(reading):
    """'a number? add --number to read several digits' for a single digit judged no whole
    digit whose marks stand side by side (reading.several); None otherwise."""
    return 'a number? add --number to read several digits' if reading.several else None


def answer_line(reading, number=False):
    """'2026 (97.3%)', and ' not sure: 3 or 5?' after it when unsure: the batch mode's line.
    A picture with no digit: 'not a digit (blank picture)', or 'not a digit (forced: 7,
    97.1%)', what the network would have said, and ' a number? add --number to read several
    digits' after it where its marks stand side by side (number_hint); with `number`, 'not a
    number'."""
    if reading.not_a_digit and number:
        return NOT_A_NUMBER
    if reading.not_a_digit:
        if not len(reading.probabilities):
            return NOT_A_DIGIT + ' (blank picture)'
        p = reading.probabilities[0]
        return NOT_A_DIGIT + ' (forced: %d, %.1f%%)' % (p.argmax(), 100 * p.max()) + (
            ' ' + number_hint(reading) if reading.several else '')
    text = '%s (%.1f%%)' % (number_text(reading), 100 * confidence(reading))
    unsure = doubt(reading)
    return text + (' not sure: %s or %s?' % unsure if unsure else '')

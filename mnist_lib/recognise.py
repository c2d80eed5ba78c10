"""Reading a picture: the one function that the app, its batch mode and its page all call.

    reading = read(path_or_bytes, model, number=False)
    reading.digits         [d, ...]: one digit, or the digits of a number left to right
    reading.probabilities  [n, 10] float32
    reading.inputs         [n, 784] float32: the 28x28 pictures the network was given
    reading.boxes          [(x0, y0, x1, y1), ...] in the picture's pixels
    reading.rows           [k, ...]: how many of the digits stand in each row, top to bottom
"""
import collections
import os
import time

import numpy as np
from PIL import Image

from mnist_lib import digits as digit_finder
from mnist_lib import files
from mnist_lib import picture

# "Not sure" when the best probability is under UNSURE_BELOW; then the runner-up is named.
# (At 0.8 or more, the runner-up has at most 0.2: "the two best are close" is the same
# rule.) Chosen on the 10000 MNIST test images, python benchmarks/bench_app.py unsure: under 0.8
# lie 65% of the MLP's 189 test errors and 2.2% of its right answers; for LeNet-5, 68% of
# its 110 errors and 1.3% of its right answers.
UNSURE_BELOW = 0.8
ENLARGE = 10  # --save_input pictures: 280x280, each input pixel a 10x10 square

Reading = collections.namedtuple('Reading', 'digits probabilities inputs boxes rows',
                                 defaults=(None,))
# A finder's candidate (digits.Candidate) and the network's answer for it, [k, 10].
Scored = collections.namedtuple('Scored', 'candidate probabilities')


def read(source, model, number=False, method=picture.DEFAULT, timings=None):
    """Reads one digit (or with `number`, a whole number) from a picture file or its bytes.

    Raises picture.PictureError, with a one-line reason, when it cannot. With a `timings`
    dict, adds the seconds spent on 'decode', 'preprocess' and 'network' to it.
    """
    started = time.perf_counter()
    spent = {}
    if number:
        if method != picture.DEFAULT:
            raise ValueError('--number reads with the default preprocessing only')
        rgb = picture.load(source, max_side=digit_finder.WORK_SIDE)
        spent['decode'] = time.perf_counter() - started
        reading = _read_number(rgb, model, spent)
    else:
        rgb = picture.load(source)
        decoded = time.perf_counter()
        inputs = picture.normalised(rgb, method)
        found = time.perf_counter()
        reading = Reading(None, model.predict(inputs), inputs,
                          [(0, 0, rgb.shape[1], rgb.shape[0])], [1])
        spent = {'decode': decoded - started, 'preprocess': found - decoded,
                 'network': time.perf_counter() - found}
    if timings is not None:
        for key, secs in spent.items():
            timings[key] = timings.get(key, 0.0) + secs
    return reading._replace(digits=[int(d) for d in reading.probabilities.argmax(axis=1)])


def _read_number(rgb, model, spent):
    """The number in `rgb` [H, W, 3] as a Reading. A picture stored sideways (a phone photo
    without its EXIF turn) shows its digits in a column: when the upright reading fails for
    the way its marks lie, or reads several rows that are each one digit or unsure, the
    picture is read turned a quarter each way too, and the surest reading wins if it is sure
    (boxes always in `rgb`'s pixels)."""
    try:
        best = _read_turned(rgb, model, 0, spent)
        if len(best.rows) < 2 or (max(best.rows) > 1 and confidence(best) >= UNSURE_BELOW):
            return best
    except digit_finder.LayoutError as e:
        best, error = None, e
    for quarter in (1, 3):
        try:
            other = _read_turned(rgb, model, quarter, spent)
        except digit_finder.LayoutError:
            continue
        if confidence(other) >= UNSURE_BELOW and (best is None
                                                   or confidence(other) > confidence(best)):
            best = other
    if best is None:
        raise error
    return best


def _read_turned(rgb, model, quarter, spent):
    """The number in `rgb` turned `quarter` quarters counter-clockwise, its boxes turned
    back; `spent` gains the seconds of 'preprocess' and 'network'."""
    started = time.perf_counter()
    options = digit_finder.find_options(np.rot90(rgb, quarter) if quarter else rgb)
    every = [c for row in options for candidates in row for c in candidates]
    found = time.perf_counter()
    # One session run for every candidate of every group, then split back per candidate.
    answers = iter(np.split(model.predict(np.concatenate([c.inputs for c in every])),
                            np.cumsum([len(c.inputs) for c in every])[:-1]))
    chosen = [[_choose([Scored(c, next(answers)) for c in candidates])
               for candidates in row] for row in options]
    spent['preprocess'] = spent.get('preprocess', 0.0) + found - started
    spent['network'] = spent.get('network', 0.0) + time.perf_counter() - found
    rows = [sum(len(s.candidate.inputs) for s in row) for row in chosen]
    chosen = [s for row in chosen for s in row]
    if not sum(rows):
        raise digit_finder.LayoutError('holds no digit (only marks the network cannot '
                                       'read as digits)')
    h, w = rgb.shape[:2]
    back = {0: lambda x0, y0, x1, y1: (x0, y0, x1, y1),  # a box in the turned picture
            1: lambda x0, y0, x1, y1: (w - y1, x0, w - y0, x1),
            3: lambda x0, y0, x1, y1: (y0, h - x1, y1, h - x0)}[quarter]
    probabilities = np.concatenate([s.probabilities for s in chosen])
    return Reading(list(probabilities.argmax(axis=1)), probabilities,
                   np.concatenate([s.candidate.inputs for s in chosen]),
                   [back(*box) for s in chosen for box in s.candidate.boxes],
                   [n for n in rows if n])


def _choose(scored):
    """The candidate whose least sure digit, less the candidate's penalty, is surest (one
    that reads the group as no digit counts as sure). A piece cut out as narrow as a 1 counts
    with its probability of being a 1: the pieces of one wide digit (an 8 cut into "8" and a
    thin "3") lose to the digit whole."""
    def score(s):
        p = s.probabilities
        sure = np.where(s.candidate.narrow, p[:, 1], p.max(axis=1)) if len(p) else p.max(axis=1)
        return sure.min(initial=1.0) - s.candidate.penalty
    return max(scored, key=score)


def row_texts(reading):
    """['1572', '43890']: each row's digits as written, leading zeros kept, top to bottom."""
    texts, digits = [], list(reading.digits)
    for n in reading.rows or [len(digits)]:
        texts.append(''.join(str(d) for d in digits[:n]))
        digits = digits[n:]
    return texts


def number_text(reading):
    """'2026': the digits as written, leading zeros kept; rows apart by a space."""
    return ' '.join(row_texts(reading))


def confidence(reading):
    """The lowest of the digits' probabilities: how sure the whole answer is."""
    return float(min(p[d] for p, d in zip(reading.probabilities, reading.digits)))


def doubt(reading):
    """None when sure; else (answer, the runner-up answer): the least sure digit swapped for
    its second-best."""
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


def answer_line(reading):
    """'2026 (97.3%)', and ' not sure: 3 or 5?' after it when unsure: the batch mode's line."""
    text = '%s (%.1f%%)' % (number_text(reading), 100 * confidence(reading))
    unsure = doubt(reading)
    return text + (' not sure: %s or %s?' % unsure if unsure else '')


def input_png(array):
    """One [784] input -> PNG image, white digit on black, ENLARGE times, crisp pixels."""
    grey = np.uint8(np.round(np.clip(array.reshape(picture.SIZE, picture.SIZE), 0, 1) * 255))
    side = picture.SIZE * ENLARGE
    return Image.fromarray(grey).resize((side, side), Image.NEAREST)


def save_inputs(reading, folder, name, number=False):
    """Writes the inputs as `<name>.png`, or `<name>_<k>.png` (k from 1) in number mode; each
    file appears whole or not at all. Returns the paths written."""
    written = []
    for k, array in enumerate(reading.inputs, 1):
        path = os.path.join(folder, '%s_%d.png' % (name, k) if number else '%s.png' % name)
        files.save_png(input_png(array), path)
        written.append(path)
    return written

"""--report on the test scripts: which digits fail. A per-digit table, and two pictures drawn
with Pillow: the confusion matrix and every mistake, most confident first."""
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from mnist_lib import files

MAX_MISTAKES = 400  # tiles in mistakes.png; more mistakes than this are counted, not shown
CELL = 44           # confusion.png: pixels per cell
TILE = 56           # mistakes.png: a digit 2x, with its label under it
COLUMNS = 20


def table(confusion):
    """The per-digit lines: digit, right, of, accuracy, the digit it is most often taken for."""
    lines = ['digit  right  of    accuracy  most often taken for']
    for d in range(10):
        of, right = confusion[d].sum(), confusion[d, d]
        others = confusion[d].copy()
        others[d] = 0
        taken = '%d (%d)' % (others.argmax(), others.max()) if others.max() else '-'
        accuracy = '%.2f%%' % (100.0 * right / max(of, 1))
        lines.append('%-7d%-7d%-6d%-10s%s' % (d, right, of, accuracy, taken))
    return lines


def matrix(labels, predicted):
    """confusion[true, predicted] counts, [10, 10]."""
    confusion = np.zeros((10, 10), np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    return confusion


def font(size):
    """DejaVu Sans where the system has it (it has the arrow), else Pillow's own font."""
    try:
        return ImageFont.truetype('DejaVuSans.ttf', size)
    except OSError:
        try:
            return ImageFont.load_default(size=size)
        except TypeError:  # Pillow before 10.1: one bitmap size
            return ImageFont.load_default()


def arrow(font_):
    """'→' where the font draws it, else '->'."""
    try:
        return '→' if font_.getname()[0].startswith('DejaVu') else '->'
    except AttributeError:
        return '->'


def confusion_png(confusion):
    """A 10x10 confusion matrix with counts in the cells and a colour scale (log counts)."""
    margin, bar = 60, 30
    side = margin + 10 * CELL
    im = Image.new('RGB', (side + bar + 70, side + 20), 'white')
    pen = ImageDraw.Draw(im)
    top = np.log1p(confusion.max())

    def colour(count):
        t = np.log1p(count) / top if top else 0.0
        return tuple(int(round(255 - t * (255 - c))) for c in (25, 80, 160))

    small, big = font(12), font(14)
    for t in range(10):
        for p in range(10):
            x, y = margin + p * CELL, margin + t * CELL
            pen.rectangle([x, y, x + CELL - 1, y + CELL - 1], fill=colour(confusion[t, p]),
                          outline=(220, 220, 220))
            if confusion[t, p]:
                dark = np.log1p(confusion[t, p]) / top > 0.6
                pen.text((x + CELL / 2, y + CELL / 2), str(confusion[t, p]), anchor='mm',
                         font=small, fill='white' if dark else 'black')
        pen.text((margin + t * CELL + CELL / 2, margin - 12), str(t), anchor='mm', font=big,
                 fill='black')
        pen.text((margin - 12, margin + t * CELL + CELL / 2), str(t), anchor='mm', font=big,
                 fill='black')
    pen.text((margin + 5 * CELL, 18), 'predicted', anchor='mm', font=big, fill='black')
    pen.text((14, margin + 5 * CELL), 'true', anchor='mm', font=big, fill='black')
    x0 = side + 15
    for k in range(10 * CELL):  # the scale: from no images at the bottom to the most at the top
        pen.line([x0, margin + k, x0 + bar, margin + k],
                 fill=colour(np.expm1(top * (1 - k / (10.0 * CELL)))))
    pen.text((x0 + bar + 4, margin), str(confusion.max()), anchor='lm', font=small, fill='black')
    pen.text((x0 + bar + 4, margin + 10 * CELL), '0', anchor='lm', font=small, fill='black')
    return im


def mistakes_png(images, labels, probabilities):
    """Every misclassified image (up to MAX_MISTAKES), labelled 'true→predicted confidence',
    most confident mistakes first. Returns (picture, number of mistakes)."""
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    order = wrong[np.argsort(-probabilities[wrong, predicted[wrong]], kind='stable')]
    shown = order[:MAX_MISTAKES]
    rows = max(1, -(-len(shown) // COLUMNS))
    header = 24
    im = Image.new('L', (COLUMNS * TILE, header + rows * (TILE + 14)), 255)
    pen = ImageDraw.Draw(im)
    label_font = font(9)
    note = '%d mistakes, most confident first' % len(wrong)
    if len(wrong) > len(shown):
        note += ' (the first %d shown)' % len(shown)
    pen.text((6, 6), note, font=font(13), fill=0)
    for k, i in enumerate(shown):
        x, y = (k % COLUMNS) * TILE, header + (k // COLUMNS) * (TILE + 14)
        digit = Image.fromarray(np.uint8(np.round(images[i].reshape(28, 28) * 255)))
        im.paste(digit.resize((TILE - 4, TILE - 4), Image.NEAREST), (x + 2, y))
        pen.text((x + TILE / 2, y + TILE + 3), '%d%s%d %.2f' % (
            labels[i], arrow(label_font), predicted[i], probabilities[i, predicted[i]]),
            anchor='mm', font=label_font, fill=0)
    return im, len(wrong)


def write(images, labels, probabilities, report_dir):
    """Prints the table and writes confusion.png and mistakes.png into `report_dir`.
    Returns the two pictures (for TensorBoard)."""
    counts = matrix(labels, probabilities.argmax(axis=1))
    for line in table(counts):
        print(line)
    os.makedirs(report_dir, exist_ok=True)
    confusion = confusion_png(counts)
    mistakes, count = mistakes_png(images, labels, probabilities)
    paths = [os.path.join(report_dir, name) for name in ('confusion.png', 'mistakes.png')]
    files.save_png(confusion, paths[0])
    files.save_png(mistakes, paths[1])
    print('Wrote %s and %s (%d mistakes)' % (paths[0], paths[1], count), flush=True)
    return {'confusion': confusion, 'mistakes': mistakes}

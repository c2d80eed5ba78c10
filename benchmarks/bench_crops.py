"""--number on real numbers cropped tight and made small, as users send them.

    python benchmarks/bench_crops.py                  # LeNet-5 in model/lenet5/
    python benchmarks/bench_crops.py --kind mlp       # the MLP in model/
    python benchmarks/bench_crops.py --margin 0       # cropped to the digits' own boxes

Each one-row number of ../shared/numbers_dev that the app reads right as it is, cropped to
the boxes of its digits with a margin of MARGIN digit heights, then scaled (never enlarged)
so that its digits are each of HEIGHTS px tall: how many are still read right. A crop is
made from the copy of the picture the app reads (decode.load_sized), the boxes scaled to it.
"""
import argparse
import os
import tempfile

import numpy as np
from PIL import Image

from common import tf1
import bench_app
import mnist_app
import number_sets
from mnist_lib import decode
from mnist_lib import digits as digit_finder
from mnist_lib import judge as judge_lib
from mnist_lib import recognise

MARGIN = 0.4
HEIGHTS = (None, 60, 40, 28)  # None: the crop at the size it has


def crops(model, judge, items, margin=MARGIN):
    """[(crop [H, W, 3] uint8, digit height px, name, label)] of the numbers read right,
    cropped with `margin` digit heights around their digits."""
    found = []
    for path, label in items:
        reading = recognise.read(path, model, number=True, judge=judge)
        if recognise.number_text(reading).replace(' ', '') != label:
            continue
        rgb, (width, height) = decode.load_sized(path, digit_finder.WORK_SIDE)
        scale = np.array([rgb.shape[1] / width, rgb.shape[0] / height] * 2)
        boxes = np.round(np.array(reading.boxes) * scale).astype(int)  # in the copy's pixels
        height = float(np.median(boxes[:, 3] - boxes[:, 1]))
        m = int(margin * height)
        x0, y0 = max(boxes[:, 0].min() - m, 0), max(boxes[:, 1].min() - m, 0)
        x1, y1 = boxes[:, 2].max() + m, boxes[:, 3].max() + m
        found.append((np.uint8(255 * rgb[y0:y1, x0:x1]), height, os.path.basename(path), label))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--kind', choices=['lenet5', 'mlp'], default='lenet5')
    parser.add_argument('--model_dir', help='its checkpoints (default: the model\'s own)')
    parser.add_argument('--margin', type=float, default=MARGIN,
                        help='room around the digits, in digit heights (default %(default)s)')
    args = parser.parse_args()
    tf1()
    model, judge = mnist_app.open_model(args.kind, args.model_dir), judge_lib.Judge()
    items = number_sets.real_numbers()['one row']
    found = crops(model, judge, items, args.margin)
    print('%s: %d of %d one-row numbers read right as they are; cropped to them:'
          % (args.kind, len(found), len(items)))
    with tempfile.TemporaryDirectory() as folder:
        for target in HEIGHTS:
            paths = []
            for array, height, name, label in found:
                im = Image.fromarray(array)
                scale = min(1.0, target / height) if target else 1.0
                im = im.resize((max(8, round(im.width * scale)), max(8, round(im.height * scale))),
                               Image.LANCZOS)
                paths.append((os.path.join(folder, name.rsplit('.', 1)[0] + '.png'), label))
                im.save(paths[-1][0])
            right, total, _, _, wrong = bench_app.tally(model, judge, paths)
            print('  digits %s: %d of %d read right%s' % (
                '%d px tall' % target if target else 'as they are', right, total,
                (': wrong ' + '; '.join(wrong)) if wrong else ''), flush=True)


if __name__ == '__main__':
    main()

"""The judge ("one whole digit?", mnist_lib/judge.py) against pictures it was not made from.

    python benchmarks/bench_judge.py --photos DIR   # DIR: photos of objects (see below)

Rejected ("not a digit") among:
  MNIST test digits     the 10000 arrays, and 1000 drawn at 112 px, black on white, read
                        through pre_pic (and at 28 and 280 px, and photo-like)
  real digits           pic/, the 60 drawn and photographed of synthetic/make_pictures.py,
                        200 drawn in many hands (bench_augment.py), the digits cut from
                        ../shared/numbers_dev (bench_roundtrip.py), digits drawn with the mouse
                        on the app's page in Chromium
  non-digits            letters and signs set in every font on this machine; letters, signs
                        and doodles drawn with the mouse on the page in Chromium; photos of
                        objects (--photos: a folder of them, e.g. scikit-image's sample photos:
                        pip download --no-deps scikit-image==0.26.0 -d /tmp/sk, then unzip
                        its skimage/data/*.png and *.jpg into DIR); blank paper, photographed
                        (grey, uneven light, grain, JPEG) and plain
and the time the judge adds per picture. None of these come from the judge's training
generator (mnist_lib/judge_data.py, mnist_lib/drawn_shapes.py): letters and signs are drawn
here afresh, with other strokes, in the browser. Uses model/ and model/lenet5/ (for cutting
numbers_dev), MNIST from data/ (or MNIST_MIRROR), Debian's chromium and Playwright.
"""
import argparse
import glob
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from common import ROOT, median_ms, tf1
import bench_roundtrip
import input_data
import make_pictures
import mnist_app
import mnist_on_paper
from mnist_lib import judge as judge_lib
from mnist_lib import picture

# Drawn with the mouse on the page: strokes of points in a unit box (y down).
ARC = lambda cx, cy, rx, ry, a, b: [(cx + rx * math.cos(math.radians(t)),  # noqa: E731
                                     cy + ry * math.sin(math.radians(t)))
                                    for t in np.linspace(a, b, 16)]
DOODLES = {
    'star': [[(0.5, 0.05), (0.62, 0.4), (0.97, 0.4), (0.68, 0.62), (0.8, 0.97), (0.5, 0.75),
              (0.2, 0.97), (0.32, 0.62), (0.03, 0.4), (0.38, 0.4), (0.5, 0.05)]],
    'heart': [ARC(0.3, 0.3, 0.2, 0.2, 180, 360) + ARC(0.7, 0.3, 0.2, 0.2, 180, 360)
              + [(0.9, 0.35), (0.5, 0.95), (0.1, 0.35)]],
    'spiral': [[(0.5 + 0.04 * t * math.cos(t), 0.5 + 0.04 * t * math.sin(t))
                for t in np.linspace(0, 11, 40)]],
    'house': [[(0.15, 0.95), (0.15, 0.45), (0.5, 0.1), (0.85, 0.45), (0.85, 0.95), (0.15, 0.95)],
              [(0.4, 0.95), (0.4, 0.7), (0.6, 0.7), (0.6, 0.95)]],
    'sun': [ARC(0.5, 0.5, 0.2, 0.2, 0, 360)] + [
        [(0.5 + 0.28 * math.cos(a), 0.5 + 0.28 * math.sin(a)),
         (0.5 + 0.45 * math.cos(a), 0.5 + 0.45 * math.sin(a))]
        for a in np.linspace(0, 2 * math.pi, 8, endpoint=False)],
    'cloud': [ARC(0.3, 0.6, 0.2, 0.2, 90, 270) + ARC(0.5, 0.4, 0.22, 0.22, 180, 360)
              + ARC(0.72, 0.6, 0.2, 0.2, 270, 450) + [(0.3, 0.8)]],
    'fish': [ARC(0.45, 0.5, 0.35, 0.22, 0, 360), [(0.8, 0.5), (0.97, 0.3), (0.97, 0.7),
                                                   (0.8, 0.5)]],
    'face': [ARC(0.5, 0.5, 0.45, 0.45, 0, 360), [(0.35, 0.38), (0.36, 0.4)],
             [(0.65, 0.38), (0.66, 0.4)], ARC(0.5, 0.55, 0.25, 0.2, 20, 160)],
    'bolt': [[(0.6, 0.02), (0.25, 0.55), (0.55, 0.5), (0.35, 0.98), (0.8, 0.4), (0.5, 0.45),
              (0.7, 0.02)]],
    'note': [[(0.35, 0.8), (0.35, 0.1), (0.75, 0.2)], ARC(0.25, 0.82, 0.12, 0.09, 0, 360)],
    'flower': [ARC(0.5 + 0.25 * math.cos(a), 0.4 + 0.25 * math.sin(a), 0.12, 0.12, 0, 360)
               for a in np.linspace(0, 2 * math.pi, 5, endpoint=False)] + [[(0.5, 0.5),
                                                                            (0.5, 0.98)]],
    'circled x': [ARC(0.5, 0.5, 0.45, 0.45, 0, 360), [(0.25, 0.25), (0.75, 0.75)],
                  [(0.75, 0.25), (0.25, 0.75)]],
    'infinity': [[(0.5 + 0.45 * math.sin(t), 0.5 + 0.2 * math.sin(2 * t))
                  for t in np.linspace(0, 2 * math.pi, 40)]],
    'triangle': [[(0.5, 0.05), (0.95, 0.9), (0.05, 0.9), (0.5, 0.05)]],
    'diamond': [[(0.5, 0.02), (0.9, 0.5), (0.5, 0.98), (0.1, 0.5), (0.5, 0.02)]],
    'wave': [[(t, 0.5 + 0.2 * math.sin(t * 4 * math.pi)) for t in np.linspace(0.02, 0.98, 30)]],
    'zigzag': [[(0.05, 0.3), (0.25, 0.7), (0.45, 0.3), (0.65, 0.7), (0.85, 0.3)]],
    'hash': [[(0.35, 0.1), (0.3, 0.9)], [(0.7, 0.1), (0.65, 0.9)], [(0.1, 0.35), (0.9, 0.35)],
             [(0.1, 0.65), (0.9, 0.65)]],
    'not equal': [[(0.15, 0.4), (0.85, 0.4)], [(0.15, 0.6), (0.85, 0.6)],
                  [(0.65, 0.15), (0.35, 0.85)]],
    'divide': [[(0.1, 0.5), (0.9, 0.5)], [(0.5, 0.22), (0.51, 0.24)], [(0.5, 0.76),
                                                                       (0.51, 0.78)]],
    'root': [[(0.05, 0.6), (0.2, 0.55), (0.35, 0.95), (0.55, 0.05), (0.98, 0.05)]],
    'integral': [ARC(0.62, 0.12, 0.1, 0.08, 180, 360) + [(0.5, 0.5)]
                 + ARC(0.38, 0.88, 0.1, 0.08, 0, 180)],
    'B': [[(0.25, 0.05), (0.25, 0.95)], [(0.25, 0.05)] + ARC(0.45, 0.27, 0.25, 0.22, 270, 450)
          + [(0.25, 0.5)] + ARC(0.48, 0.72, 0.28, 0.23, 270, 450) + [(0.25, 0.95)]],
    'D': [[(0.2, 0.05), (0.2, 0.95)], [(0.2, 0.05)] + ARC(0.35, 0.5, 0.45, 0.45, 270, 450)
          + [(0.2, 0.95)]],
    'G': [ARC(0.5, 0.5, 0.42, 0.45, -30, -330) + [(0.9, 0.55), (0.6, 0.55)]],
    'J': [[(0.3, 0.05), (0.9, 0.05)], [(0.65, 0.05)] + ARC(0.4, 0.75, 0.25, 0.2, 0, 180)],
    'K': [[(0.2, 0.05), (0.2, 0.95)], [(0.85, 0.05), (0.2, 0.55)], [(0.4, 0.42), (0.85, 0.95)]],
    'P': [[(0.25, 0.95), (0.25, 0.05)] + ARC(0.45, 0.28, 0.3, 0.23, 270, 450) + [(0.25, 0.5)]],
    'Q': [ARC(0.5, 0.45, 0.4, 0.42, 0, 360), [(0.6, 0.7), (0.9, 0.98)]],
    'd': [ARC(0.45, 0.7, 0.25, 0.25, 0, 360), [(0.7, 0.05), (0.7, 0.95)]],
    'f': [ARC(0.65, 0.2, 0.17, 0.15, 180, 360)[::-1] + [(0.48, 0.25), (0.48, 0.95)],
          [(0.25, 0.45), (0.75, 0.45)]],
    'k': [[(0.25, 0.05), (0.25, 0.95)], [(0.75, 0.45), (0.25, 0.75), (0.8, 0.95)]],
    'p': [[(0.3, 0.35), (0.3, 0.98)], ARC(0.5, 0.5, 0.22, 0.16, 0, 360)],
    'x': [[(0.2, 0.35), (0.8, 0.95)], [(0.8, 0.35), (0.2, 0.95)]],
    'w': [[(0.05, 0.35), (0.25, 0.95), (0.5, 0.5), (0.75, 0.95), (0.95, 0.35)]],
    'm': [[(0.1, 0.95), (0.1, 0.4)], [(0.1, 0.5)] + ARC(0.3, 0.55, 0.2, 0.15, 180, 360)
          + [(0.5, 0.95)], [(0.5, 0.55)] + ARC(0.7, 0.55, 0.2, 0.15, 180, 360) + [(0.9, 0.95)]],
    'h': [[(0.25, 0.05), (0.25, 0.95)], [(0.25, 0.6)] + ARC(0.5, 0.6, 0.25, 0.2, 180, 360)
          + [(0.75, 0.95)]],
    'e': [[(0.2, 0.6), (0.8, 0.6)] + ARC(0.5, 0.6, 0.3, 0.3, 0, -300)],
    'at': [ARC(0.5, 0.5, 0.14, 0.16, 0, 360), [(0.64, 0.4), (0.66, 0.62), (0.85, 0.6)]
           + ARC(0.5, 0.5, 0.4, 0.42, 0, -300)],
    'arrow up': [[(0.5, 0.95), (0.5, 0.05)], [(0.2, 0.35), (0.5, 0.05), (0.8, 0.35)]],
}
# Digits drawn with the mouse on the page: real digits of our own (not MNIST, not its shapes).
DRAWN_DIGITS = {d: skeletons for d, skeletons in make_pictures.SKELETONS.items()}


def mnist_sets(data_dir, count=1000):
    """{name: inputs [N, 784]} of MNIST test digits: the arrays, and drawn at sizes."""
    test = input_data.read_data_sets(data_dir).test
    images = test.images[::len(test.images) // count].reshape(-1, 28, 28)
    sets = {'MNIST test digits, the arrays (%d)' % len(test.images): test.images}
    for name, kwargs in [('112 px, black on white', dict(size=112)),
                         ('28 px, black on white', dict(size=28)),
                         ('280 px, black on white', dict(size=280)),
                         ('112 px photo-like JPEG', dict(size=112, photo=True))]:
        rng = np.random.default_rng([7, kwargs['size'], len(name)])
        sets['MNIST test digits, %s (%d)' % (name, len(images))] = np.concatenate(
            [picture.pre_pic(mnist_on_paper.render(image, rng=rng, **kwargs))
             for image in images])
    return sets


def font_pictures(folder):
    """Letters and signs set in every TrueType font on this machine, dark on light paper."""
    chars = ('ABCDEFGHJKLMNPQRTUVWXYZabcdefhkmnprstuvwxyz'
             '+=?!@#$%&*<>~^\u03c0\u03a3\u221a\u221e\u03b1\u03b2\u03b3\u03bb\u03a9\u2192'
             '\u2190\u2191\u2665\u2605\u263a')
    rng, paths = np.random.default_rng(11), []
    fonts = sorted(glob.glob('/usr/share/fonts/**/*.ttf', recursive=True)
                   + glob.glob('C:/Windows/Fonts/*.ttf') + glob.glob('/Library/Fonts/*.ttf'))
    for path in fonts[::max(1, len(fonts) // 6)]:  # six fonts, spread over the list
        font = ImageFont.truetype(path, 110)
        for c in chars:
            if not font.getmask(c).getbbox():
                continue  # the font has no such glyph
            im = Image.new('L', (200, 200), int(rng.uniform(200, 255)))
            ImageDraw.Draw(im).text((100, 100), c, font=font, fill=int(rng.uniform(0, 60)),
                                    anchor='mm')
            im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
            noisy = np.asarray(im, np.float32) + rng.normal(0, 3, (200, 200))
            paths.append(os.path.join(folder, '%s_%04x.png' % (os.path.basename(path)[:-4], ord(c))))
            Image.fromarray(np.uint8(np.clip(noisy, 0, 255))).save(paths[-1])
    return paths


def blank_papers(folder, count=10):
    """Photos of blank paper (grey or tinted, light falling off, grain, JPEG) and plain ones."""
    rng, paths = np.random.default_rng(13), []
    for k in range(count):
        h, w = int(rng.integers(300, 1200)), int(rng.integers(300, 1200))
        yy, xx = np.mgrid[0:h, 0:w] / float(max(h, w))
        turn = rng.uniform(0, 2 * math.pi)
        light = 1 - rng.uniform(0.05, 0.4) * (np.cos(turn) * xx + np.sin(turn) * yy)
        paper = rng.uniform(150, 250) * rng.uniform(0.9, 1.0, 3)
        rgb = paper * light[..., None] + rng.normal(0, rng.uniform(1, 6), (h, w, 3))
        paths.append(os.path.join(folder, 'paper_%d.jpg' % k))
        Image.fromarray(np.uint8(np.clip(rgb, 0, 255))).save(paths[-1], quality=80)
    for k, colour in enumerate([(255, 255, 255), (0, 0, 0), (238, 232, 214)]):
        paths.append(os.path.join(folder, 'plain_%d.png' % k))
        Image.new('RGB', (280, 280), colour).save(paths[-1])
    return paths


def drawn_on_page(folder, model_dir, shapes, rounds=2):
    """Each of `shapes` ({name: [strokes]}, or {digit: [variants]}) drawn with the mouse on
    the app's page in Chromium, `rounds` times at other places and sizes; the pad saved as
    PNG. Returns [(path, name)]."""
    from playwright.sync_api import sync_playwright
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, 'mnist_app.py'), '--serve',
                               '--port', '0', '--model_dir', model_dir, '--noreject'],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    url = 'http://127.0.0.1:%s/' % re.search(r':(\d+)/', server.stdout.readline()).group(1)
    rng, found = np.random.default_rng(17), []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get('CHROMIUM',
                                                                       '/usr/bin/chromium'),
                                        args=['--no-sandbox'])
            page = browser.new_page()
            page.goto(url)
            box = page.locator('#pad').bounding_box()
            for name, strokes in shapes.items():
                for k in range(rounds):
                    if isinstance(name, int):  # a digit: one of its stroke variants
                        strokes_now = strokes[k % len(strokes)]
                    else:
                        strokes_now = strokes
                    page.click('#clear')
                    size = rng.uniform(0.45, 0.8) * box['height']
                    left = box['x'] + rng.uniform(0.05, 0.95 - size / box['width']) * box['width']
                    top = box['y'] + rng.uniform(0.05, 0.95 - size / box['height']) * box['height']
                    for stroke in strokes_now:
                        xs = [left + (0.15 + 0.7 * x) * size for x, _ in stroke]
                        ys = [top + y * size for _, y in stroke]
                        page.mouse.move(xs[0], ys[0])
                        page.mouse.down()
                        for x, y in zip(xs[1:], ys[1:]):
                            page.mouse.move(x, y, steps=3)
                        page.mouse.up()
                    data = page.evaluate("() => document.getElementById('pad').toDataURL()")
                    path = os.path.join(folder, '%s_%d.png' % (re.sub(r'\W', '_', str(name)), k))
                    with open(path, 'wb') as f:
                        import base64
                        f.write(base64.b64decode(data.split(',', 1)[1]))
                    found.append((path, name))
            browser.close()
    finally:
        server.kill()
    return found


def inputs_of(paths):
    """pre_pic of each picture; a blank one (no ink) counts as rejected: None."""
    out = []
    for path in paths:
        try:
            out.append(picture.pre_pic(path))
        except picture.PictureError:
            out.append(None)
    return out


def rejected(judge, inputs, threshold):
    """(rejected, of how many): None inputs (no ink at all) count as rejected."""
    found = [a for a in inputs if a is not None]
    said = judge.whole(np.concatenate(found)) if found else np.zeros(0)
    return int((said < threshold).sum()) + sum(a is None for a in inputs), len(inputs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--photos', help='a folder of photos of objects (none: not measured)')
    parser.add_argument('--mlp_dir', help='MLP checkpoints for the page (default model/)')
    parser.add_argument('--lenet5_dir', help='LeNet-5 checkpoints that cut numbers_dev '
                        '(default model/lenet5/)')
    parser.add_argument('--weights', default=judge_lib.WEIGHTS, help='the judge to measure')
    parser.add_argument('--threshold', type=float, default=judge_lib.THRESHOLD)
    parser.add_argument('--show', action='store_true', help='name each picture misjudged')
    args = parser.parse_args()
    tf1()
    judge = judge_lib.Judge(args.weights)
    cutter = mnist_app.open_model('lenet5', args.lenet5_dir)
    mlp_dir = args.mlp_dir or mnist_app.MODELS['mlp'].model_dir
    with tempfile.TemporaryDirectory() as folder:
        for sub in ('fonts', 'page', 'papers', 'real'):
            os.makedirs(os.path.join(folder, sub))
        rows = [(name, rejected(judge, list(a.reshape(-1, 1, 784)), args.threshold), None)
                for name, a in mnist_sets(os.path.join(ROOT, 'data')).items()]
        real = bench_roundtrip.real_digits(os.path.join(folder, 'real'),
                                           cutter if cutter.checkpoint else None)
        real['pic/'] = [(os.path.join(ROOT, 'pic', '%d.png' % d), d) for d in range(10)]
        page = drawn_on_page(os.path.join(folder, 'page'), mlp_dir,
                             dict(DRAWN_DIGITS, **DOODLES))
        real['digits drawn on the page'] = [(p, n) for p, n in page if isinstance(n, int)]
        non = {'letters and signs in fonts': font_pictures(os.path.join(folder, 'fonts')),
               'letters, signs, doodles drawn on the page':
                   [p for p, n in page if not isinstance(n, int)],
               'blank paper, photographed and plain': blank_papers(os.path.join(folder,
                                                                                'papers'))}
        if args.photos:
            non['photos of objects'] = sorted(glob.glob(os.path.join(args.photos, '*')))
        for name, items in real.items():
            paths = [p for p, _ in items]
            rows.append(('real: ' + name, rejected(judge, inputs_of(paths), args.threshold),
                         paths))
        for name, paths in non.items():
            rows.append(('NOT digits: ' + name, rejected(judge, inputs_of(paths),
                                                         args.threshold), paths))
        print('\nJudge %s, threshold %.2f\n' % (os.path.relpath(args.weights, ROOT),
                                               args.threshold))
        print('| pictures | answered "not a digit" |')
        print('|---|---|')
        for name, (n, total), paths in rows:
            print('| %s | %d of %d (%.1f%%) |' % (name, n, total, 100.0 * n / max(total, 1)))
            if args.show and paths:
                said = [judge.whole(a)[0] if a is not None else 0.0 for a in inputs_of(paths)]
                wrong = [os.path.basename(p) for p, s in zip(paths, said)
                         if (s < args.threshold) != name.startswith('NOT')]
                print('|   misjudged: %s | |' % ' '.join(wrong))
        one = picture.pre_pic(os.path.join(ROOT, 'pic', '3.png'))
        print('\nThe judge adds %.2f ms per picture (median of 200, after the models are '
              'loaded).' % median_ms(lambda: judge.whole(one), 200))


if __name__ == '__main__':
    main()

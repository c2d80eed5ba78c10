"""mnist_app.py --number, --save_input and the "not sure" notice; the digit finder in process,
and a fuzz of the normalisation and the finder."""
import os
import re
import sys
import zlib

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from PIL import Image, ImageDraw

from conftest import ROOT, run_script
from mnist_lib import digits
import mnist_app
from mnist_lib import picture
from mnist_lib import recognise

sys.path.insert(0, os.path.join(ROOT, 'synthetic'))
import make_numbers  # noqa: E402  (the stroke-drawn numbers, synthetic/)

tf.disable_v2_behavior()
ANSWER = r'^(.*): (\d+) \(([0-9.]+)%\)( not sure: (\d+) or (\d+)\?)?$'


def app(*args, stdin=None):
    return run_script('mnist_app.py', *args, stdin=stdin)


def find(im):
    return digits.find(np.asarray(im.convert('RGB'), np.float32) / 255.0)


@pytest.mark.parametrize('style', make_numbers.NUMBER_STYLES)
@pytest.mark.parametrize('case', ['separate', 'touching', 'underline', 'through', 'specks'])
def test_finder_counts_and_orders_the_digits(style, case):
    """Numbers drawn from pen strokes: uneven heights, baselines and gaps, different inks,
    broken strokes (the skeletons' two-stroke 4, 5 and 7), touching pairs, lines, dust."""
    rng = np.random.default_rng(zlib.crc32((style + case).encode()))
    text = '74513' if case != 'touching' else '4807'
    im = make_numbers.number_picture(rng, text, style, touching=case == 'touching',
                                     line={'underline': 'under', 'through': 'through'}.get(case),
                                     specks=12 if case == 'specks' else 0)
    inputs, boxes = find(im)
    assert len(inputs) == len(text)
    assert inputs.shape == (len(text), 784) and inputs.dtype == np.float32
    centres = [(x0 + x1) / 2 for x0, _, x1, _ in boxes]
    assert centres == sorted(centres)
    assert all(0 <= x0 < x1 <= im.width and 0 <= y0 < y1 <= im.height
               for x0, y0, x1, y1 in boxes)


def mnist_number(text, seed=0):
    """The digits of `text` as real MNIST test images (pic/: each digit's most typical test
    image), side by side on white paper with uneven gaps and baselines."""
    rng = np.random.default_rng(seed)
    page = np.full((500, 150 + 260 * len(text)), 255, np.uint8)
    x = 60
    for ch in text:
        digit = np.asarray(Image.open(os.path.join(ROOT, 'pic', ch + '.png')).convert('L'))
        cols = np.flatnonzero(digit.min(axis=0) < 128)
        digit = digit[:, cols[0] - 5:cols[-1] + 5]
        top = 100 + int(rng.integers(-40, 41))
        region = page[top:top + digit.shape[0], x:x + digit.shape[1]]
        np.minimum(region, digit[:region.shape[0], :region.shape[1]], out=region)
        x += digit.shape[1] + int(rng.integers(10, 90))
    return Image.fromarray(page[:, :x + 60])


def test_number_from_mnist_digits_batch_and_save_input(mlp_dir, tmp_path):
    mnist_number('09876').save(tmp_path / 'n.png')
    seen = tmp_path / 'seen'
    result = app('--model_dir', mlp_dir, '--number', '--save_input', seen, tmp_path / 'n.png')
    assert result.returncode == 0, result.stderr
    path, number, confidence, *_ = re.match(ANSWER, result.stdout.strip()).groups()
    assert (path, number) == (str(tmp_path / 'n.png'), '09876')  # leading zero kept
    assert sorted(os.listdir(seen)) == ['n_%d.png' % k for k in range(1, 6)]
    reading = recognise.read(str(tmp_path / 'n.png'), mnist_app.open_model('mlp', mlp_dir), True)
    assert float(confidence) == pytest.approx(100 * recognise.confidence(reading), abs=0.05)
    for k, array in enumerate(reading.inputs, 1):
        saved = np.asarray(Image.open(seen / ('n_%d.png' % k)))
        assert saved.shape == (280, 280)
        assert (saved[::10, ::10] == np.uint8(np.round(array.reshape(28, 28) * 255))).all()
        assert saved[0, 0] == 0  # white digit on black, as MNIST


def test_number_interactive(mlp_dir, tmp_path):
    mnist_number('2026', seed=1).save(tmp_path / 'n.png')
    result = app('--model_dir', mlp_dir, '--number', stdin='1\n%s\n' % (tmp_path / 'n.png'))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ('input the number of test pictures:'
                             'the path of test picture:The prediction number is: 2026\n')


def test_single_digit_save_input_name(mlp_dir, tmp_path):
    seen = tmp_path / 'seen'
    result = app('--model_dir', mlp_dir, '--save_input', seen, os.path.join(ROOT, 'pic', '4.png'))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('%s: 4 (' % os.path.join(ROOT, 'pic', '4.png'))
    assert os.listdir(seen) == ['4.png']


def test_unsure_line_batch_and_interactive(mlp_dir, tmp_path):
    """A scribble the model is unsure of (found by trying a few) gets the notice."""
    model = mnist_app.open_model('mlp', mlp_dir)
    rng = np.random.default_rng(5)
    for k in range(200):
        im = Image.new('L', (200, 200), 255)
        points = [tuple(rng.integers(30, 170, 2)) for _ in range(4)]
        ImageDraw.Draw(im).line(points, fill=0, width=12)
        im.save(tmp_path / 'scribble.png')
        reading = recognise.read(str(tmp_path / 'scribble.png'), model)
        if recognise.doubt(reading):
            break
    else:
        pytest.fail('no unsure scribble among 200')
    first, second = recognise.doubt(reading)
    result = app('--model_dir', mlp_dir, tmp_path / 'scribble.png')
    assert result.returncode == 0, result.stderr
    match = re.match(ANSWER, result.stdout.strip())
    assert match and match.group(5, 6) == (first, second)
    assert float(match.group(3)) < 100 * recognise.UNSURE_BELOW
    result = app('--model_dir', mlp_dir, stdin='1\n%s\n' % (tmp_path / 'scribble.png'))
    assert result.stdout.endswith('the path of test picture:The prediction number is: %s\n'
                                  'not sure: %s or %s?\n' % (first, first, second))


def test_answer_line_format():
    p = np.zeros((2, 10), np.float32)
    p[0, 4], p[0, 1] = 0.995, 0.005
    p[1, 3], p[1, 5], p[1, 8] = 0.412, 0.40, 0.188
    reading = recognise.Reading([4, 3], p, np.zeros((2, 784)), [(0, 0, 1, 1)] * 2)
    assert recognise.answer_line(reading) == '43 (41.2%) not sure: 43 or 45?'
    assert recognise.answer_line(reading._replace(digits=[4], probabilities=p[:1])) == '4 (99.5%)'


def bad_number_pictures(folder):
    bad = {}
    Image.new('RGB', (400, 200), (250, 250, 250)).save(folder / 'no_ink.png')
    bad['no_ink.png'] = 'holds no digit'
    wall = np.random.default_rng(0).normal(120, 60, (300, 400, 3))
    Image.fromarray(np.uint8(np.clip(wall, 0, 255))).save(folder / 'wall.png')
    bad['wall.png'] = 'one large blob'
    dots = Image.new('L', (900, 200), 255)
    for k in range(25):
        dots.paste(0, (20 + 35 * k, 80, 40 + 35 * k, 120))
    dots.save(folder / 'dots.png')
    bad['dots.png'] = 'holds 25 separate marks'
    return bad


def test_bad_number_pictures(mlp_dir, tmp_path):
    bad = bad_number_pictures(tmp_path)
    paths = [os.path.join(ROOT, 'pic', '3.png')] + [str(tmp_path / n) for n in bad]
    result = app('--model_dir', mlp_dir, '--number', *paths)
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith('%s: 3 (' % paths[0])
    for line, (name, words) in zip(lines[1:], bad.items()):
        assert line.startswith('%s: error: ' % (tmp_path / name)) and words in line, line


def test_unwritable_save_input_fails_before_any_picture(mlp_dir, tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    result = app('--model_dir', mlp_dir, '--save_input', blocker / 'seen',
                 os.path.join(ROOT, 'pic', '1.png'))
    assert result.returncode == 1
    assert result.stdout == ''
    assert result.stderr.strip().splitlines()[-1].startswith(
        'mnist_app.py: error: cannot write pictures into --save_input')


def fuzz_pictures(rng):
    yield np.uint8(rng.integers(0, 256, (120, 160, 3)))                     # noise
    yield np.uint8(np.tile(np.linspace(0, 255, 300), (200, 1)))             # gradient
    one = np.full((64, 64), 255, np.uint8)
    one[rng.integers(64), rng.integers(64)] = 0
    yield one                                                               # one pixel
    lines = np.full((100, 300), 255, np.uint8)
    lines[rng.integers(100), :] = 0
    lines[:, rng.integers(300)] = 0
    yield lines                                                             # lines
    yield np.uint8(rng.integers(0, 256, (8, 8)))                            # tiny
    yield np.uint8(rng.integers(0, 2, (3000, 4000)) * 255)                  # huge, salt
    yield np.zeros((50, 2000), np.uint8)                                    # all ink
    sparse = np.full((500, 500), 255, np.uint8)
    sparse[rng.random((500, 500)) < 0.02] = 0
    yield sparse                                                            # dust


def test_fuzz_never_raises_anything_but_picture_error():
    rng = np.random.default_rng(11)
    for round_ in range(3):
        for array in fuzz_pictures(rng):
            grey = array if array.ndim == 2 else array.mean(axis=2)
            rgb = np.repeat((grey.astype(np.float32) / 255.0)[..., None], 3, axis=2)
            for call in (picture.mnist_style, picture.course, digits.find):
                try:
                    call(rgb)
                except picture.PictureError as e:
                    assert '\n' not in str(e)


def test_small_crop_and_large_rotated_photo(tmp_path):
    rng = np.random.default_rng(3)
    number = make_numbers.number_picture(rng, '4096', 'thick')
    rows = np.flatnonzero(np.asarray(number.convert('L')).min(axis=1) < 128)
    tight = number.crop((0, rows[0] - 3, number.width, rows[-1] + 4))
    small = tight.resize((int(tight.width * 30 / tight.height), 30), Image.LANCZOS)
    assert small.height == 30
    assert len(find(small)[0]) == 4
    # 12 megapixels, the number a small part of the page, stored sideways with an EXIF tag.
    page = Image.new('RGB', (4000, 3000), (236, 232, 220))
    page.paste(number.convert('RGB'), (1500, 1200))
    exif = Image.Exif()
    exif[0x0112] = 6
    page.transpose(Image.ROTATE_90).save(tmp_path / 'phone.jpg', quality=85, exif=exif.tobytes())
    rgb = picture.load(str(tmp_path / 'phone.jpg'), max_side=digits.WORK_SIDE)
    inputs, boxes = digits.find(rgb)
    assert len(inputs) == 4
    assert rgb.shape[1] > rgb.shape[0]  # turned upright by its EXIF tag


def test_number_with_the_course_preprocessing_is_refused(mlp_dir):
    result = app('--model_dir', mlp_dir, '--number', '--preprocess', 'course',
                 os.path.join(ROOT, 'pic', '1.png'))
    assert result.returncode == 1 and result.stdout == ''
    assert result.stderr.strip().splitlines()[-1] == (
        'mnist_app.py: error: --number reads with --preprocess mnist only')

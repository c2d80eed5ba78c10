"""--number on what real photos bring: a wide digit offered cut in two, a number stored
sideways, faint pencil beside bold print. Pictures made here (never the real dev set)."""
import re

import numpy as np
from PIL import Image, ImageDraw

from conftest import ANSWER, app
from test_numbers import mnist_number
import mnist_app
from mnist_lib import digits
from mnist_lib import groups
from mnist_lib import picture
from mnist_lib import recognise


def scored(probabilities, narrow, penalty=0.0):
    p = np.asarray(probabilities, np.float32)
    candidate = digits.Candidate(np.zeros((len(p), 784), np.float32), [(0, 0, 1, 1)] * len(p),
                                 penalty, narrow)
    return recognise.Scored(candidate, p)


def one_hot(digit, sure):
    p = np.full(10, (1 - sure) / 9.0)
    p[digit] = sure
    return p


def test_a_piece_as_narrow_as_a_1_counts_only_as_a_1():
    """A wide 8 offered whole and cut into a sure '8' and a thin sliver read as a sure '3':
    the sliver is as narrow as a 1, so the whole wins; the same cut whose sliver reads as a 1
    wins (a 7 and a 1 touching), and so does a cut into two pieces of a digit's width."""
    whole = scored([one_hot(8, 0.98)], [False])
    cut = scored([one_hot(8, 0.999), one_hot(3, 0.99)], [False, True])
    assert recognise._choose([cut, whole]) is whole
    seven_one = scored([one_hot(7, 0.999), one_hot(1, 0.99)], [False, True])
    assert recognise._choose([seven_one, whole]) is seven_one
    wide_pieces = scored([one_hot(8, 0.999), one_hot(3, 0.99)], [False, False])
    assert recognise._choose([wide_pieces, whole]) is wide_pieces
    doubted = scored([one_hot(8, 0.999), one_hot(3, 0.99)], [False, False], groups.DOUBT)
    assert recognise._choose([whole, doubted]) is whole  # a cut the shape speaks against


def test_the_finder_marks_cut_pieces_as_narrow_as_a_1():
    """A 0 and a 1 joined by a stroke: the group is offered cut, and a piece holding only the
    1 (narrower than NOT_A_ONE of the digits' height) is marked narrow; the group whole never
    is."""
    im = Image.new('L', (600, 400), 255)
    draw = ImageDraw.Draw(im)
    draw.ellipse([(100, 100), (200, 300)], outline=0, width=12)
    draw.line([(196, 200), (260, 200)], fill=0, width=12)  # a bridge to the 1
    draw.line([(260, 100), (260, 300)], fill=0, width=12)
    options = digits.find_options(np.asarray(im.convert('RGB'), np.float32) / 255.0)
    assert len(options) == 1 and len(options[0]) == 1
    candidates = options[0][0]
    cuts = [c for c in candidates if len(c.inputs) == 2]
    assert cuts and [c.narrow for c in candidates if len(c.inputs) == 1] == [[False]]
    for c in cuts:
        assert c.narrow == [x1 - x0 < groups.NOT_A_ONE * 201 for x0, _, x1, _ in c.boxes]
    assert any(c.narrow == [False, True] and c.boxes[1][0] > 200 for c in cuts)


def test_a_number_stored_sideways_is_read_turned(mlp_dir, tmp_path):
    """A photo stored on its side (no EXIF turn) puts the digits in a column, each lying on
    its side: read turned a quarter, either way, as the same number upright is read; the
    boxes are in the stored picture's pixels."""
    upright = mnist_number('2026', seed=5)
    upright.save(tmp_path / 'upright.png')
    upright.rotate(-90, expand=True).save(tmp_path / 'clockwise.png')
    upright.rotate(90, expand=True).save(tmp_path / 'counter.png')
    result = app('--model_dir', mlp_dir, '--number',
                        tmp_path / 'upright.png', tmp_path / 'clockwise.png',
                        tmp_path / 'counter.png')
    assert result.returncode == 0, result.stderr
    assert [re.match(ANSWER, line).group(2) for line in result.stdout.splitlines()] == [
        '2026'] * 3
    model = mnist_app.open_model('mlp', mlp_dir)
    level = recognise.read(str(tmp_path / 'upright.png'), model, number=True)
    turned = recognise.read(str(tmp_path / 'clockwise.png'), model, number=True)
    assert turned.rows == level.rows == [4]
    height = picture.load(str(tmp_path / 'upright.png'), digits.WORK_SIDE).shape[0]
    assert turned.boxes == [(height - y1, x0, height - y0, x1)  # the upright boxes, turned
                            for x0, y0, x1, y1 in level.boxes]


def test_only_a_layout_refusal_is_tried_turned(mlp_dir, tmp_path, monkeypatch):
    """Rows of one mark each may be a number on its side: tried turned. One large blob is
    one blob however it is turned: refused after one look."""
    calls = []
    find_options = digits.find_options
    monkeypatch.setattr(digits, 'find_options',
                        lambda rgb: calls.append(rgb.shape) or find_options(rgb))
    model = mnist_app.open_model('mlp', mlp_dir)
    blob = Image.new('L', (400, 300), 255)
    ImageDraw.Draw(blob).rectangle([(50, 50), (350, 250)], fill=0)
    blob.save(tmp_path / 'blob.png')
    try:
        recognise.read(str(tmp_path / 'blob.png'), model, number=True)
        raise AssertionError('a blob was read as a number')
    except picture.PictureError as e:
        assert not isinstance(e, digits.LayoutError) and 'one large blob' in str(e)
    assert calls == [(300, 400, 3)]
    calls.clear()
    mnist_number('47', seed=6).rotate(90, expand=True).save(tmp_path / 'side.png')
    assert recognise.number_text(recognise.read(str(tmp_path / 'side.png'), model, True)) == '47'
    assert len(calls) == 3 and calls[1] == calls[0][1::-1] + (3,)


def seven_over_a_one():
    """A 7 whose bar reaches over a 1 standing apart under it, and a 7 on its own."""
    im = Image.new('L', (700, 400), 255)
    draw = ImageDraw.Draw(im)
    draw.line([(180, 110), (365, 100), (250, 320)], fill=0, width=12, joint='curve')
    draw.line([(356, 145), (356, 320)], fill=0, width=12)
    draw.line([(420, 120), (520, 120), (440, 320)], fill=0, width=12, joint='curve')
    return im


def test_a_1_under_a_7s_bar_is_offered_as_a_digit_of_its_own(mlp_dir, tmp_path):
    """Two marks as tall as digits in one group (the 1 lies under the 7's bar, so they
    overlap) are offered apart as well, each whole, with no penalty: the sure reading wins.
    The 7's bar is no box side (a box has upright sides too)."""
    im = seven_over_a_one()
    options = digits.find_options(np.asarray(im.convert('RGB'), np.float32) / 255.0)
    assert [len(group) > 1 for group in options[0]] == [True, False]
    apart = [c for c in options[0][0] if len(c.boxes) == 2 and c.boxes[1][2] - c.boxes[1][0] < 20]
    assert len(apart) == 1 and apart[0].penalty == 0.0 and apart[0].narrow == [False, True]
    seven, one = apart[0].boxes
    assert seven[0] == 180 and seven[2] > 360 and 340 < one[0] < one[2] < 370
    im.save(tmp_path / '717.png')
    result = app('--model_dir', mlp_dir, '--number', tmp_path / '717.png')
    assert result.returncode == 0, result.stderr
    assert re.match(ANSWER, result.stdout.strip()).group(2) == '717'


def pencil(draw, strokes, shades):
    """Strokes (lists of points) drawn dot by dot, the shade fading in and out along each
    as a pencil's does: `shades(k)` is the grey of the k-th dot."""
    for points in strokes:
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            n = int(max(abs(x1 - x0), abs(y1 - y0)))
            for k in range(n):
                x, y = x0 + k / float(n) * (x1 - x0), y0 + k / float(n) * (y1 - y0)
                draw.ellipse([(x - 2, y - 2), (x + 2, y + 2)], fill=shades(k))


ONE_FIVE_TWO = [[(150, 160), (148, 300)],
                [(260, 165), (205, 165), (200, 225), (250, 225), (265, 265), (245, 300),
                 (200, 295)],
                [(300, 180), (340, 165), (370, 190), (300, 300), (380, 300)]]


def test_faint_pencil_beside_bold_print_is_read_whole():
    """Pencil digits far fainter than the printed box and question mark around them: at the
    picture's threshold they fall into specks. Without the print the threshold is chosen
    again, and the faint ink joining what was found makes each digit whole."""
    im = Image.new('L', (600, 450), 255)
    draw = ImageDraw.Draw(im)
    draw.rectangle([(20, 40), (580, 420)], outline=0, width=7)
    draw.rectangle([(50, 70), (75, 120)], fill=0)
    pencil(draw, ONE_FIVE_TWO, lambda k: int(215 - 85 * abs(np.sin(k / 20.0))))
    options = digits.find_options(np.asarray(im.convert('RGB'), np.float32) / 255.0)
    assert len(options) == 1
    boxes = [group[0].boxes for group in options[0]]
    assert len(boxes) == 3 and all(len(b) == 1 for b in boxes)
    drawn = [(min(x for x, _ in s), min(y for _, y in s), max(x for x, _ in s),
              max(y for _, y in s)) for s in ONE_FIVE_TWO]
    for [found], wanted in zip(boxes, drawn):
        assert all(abs(a - b) <= 5 for a, b in zip(found, wanted)), (found, wanted)


def test_a_short_digit_as_wide_as_a_digit_is_never_offered_as_none():
    """A 2 written shorter than its neighbours (under FRAGMENT of their height) but as wide
    as a digit is a digit: only a narrow short group (a stub, a fragment) may be read as
    none."""
    im = Image.new('L', (600, 450), 255)
    draw = ImageDraw.Draw(im)
    short_two = [[(300, 235), (340, 225), (370, 240), (300, 300), (380, 300)]]
    pencil(draw, ONE_FIVE_TWO[:2] + short_two, lambda k: 0)
    options = digits.find_options(np.asarray(im.convert('RGB'), np.float32) / 255.0)
    assert len(options[0]) == 3
    assert all(len(c.inputs) for group in options[0] for c in group)
    [(_, y0, _, y1)] = [c.boxes[0] for c in options[0][2] if len(c.boxes) == 1]
    assert y1 - y0 < digits.FRAGMENT * 140


def test_a_digit_alone_and_in_a_number_is_normalised_alike():
    """One normalisation (picture.normalise) for both modes: a 0 drawn with a hairline (it is
    widened), pens about as wide as MNIST's and a marker (thinned) gives the same 28x28 read
    alone as read as a one-digit number; the two modes look at the picture at different
    sizes, so pixels at the edges differ a little."""
    for width in (3, 12, 17, 40):
        im = Image.new('L', (400, 300), 255)
        ImageDraw.Draw(im).ellipse([(140, 50), (260, 250)], outline=0, width=width)
        rgb = np.asarray(im.convert('RGB'), np.float32) / 255.0
        [[group]] = digits.find_options(rgb)
        [whole] = [c for c in group if len(c.inputs) == 1]
        single = picture.normalised(rgb)
        assert np.abs(whole.inputs - single).mean() < 0.015, width


def test_ruled_lines_a_lower_threshold_shows_stay_out():
    """Grey MNIST digits on ruled paper under a bold heading: the heading makes the writing
    look faint, and the threshold chosen again without it shows the pale ruled lines too,
    each touching a digit. They are lines: taken out, never joined to the digits (which
    they would cut into pieces, the heading then read as a row of its own)."""
    number = np.asarray(mnist_number('2719', seed=2), np.float32) / 255.0
    h, w = number.shape
    page = Image.new('RGB', (w, h + 150), 'white')
    draw = ImageDraw.Draw(page)
    for y in range(150, h + 150, 40):
        draw.rectangle([(0, y), (w - 1, y + 1)], fill=(180, 205, 240))
    for x in range(60, 500, 90):  # a heading in bold strokes
        draw.line([(x, 110), (x, 30), (x + 50, 30)], fill=0, width=14)
        draw.line([(x, 70), (x + 40, 70)], fill=0, width=14)
    paper = np.asarray(page, np.float32) / 255.0
    paper[150:] = np.minimum(paper[150:], (1 - 0.5 * (1 - number))[..., None])
    options = digits.find_options(paper)
    assert len(options) == 1 and len(options[0]) == 4
    assert all(box[1] > 150 for group in options[0] for c in group for box in c.boxes)

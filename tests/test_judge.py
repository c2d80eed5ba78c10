"""The judge ("one whole digit?"): "not a digit" in every reading (batch, the notes' dialogue,
JSON; the page is in test_page.py), --noreject and reject=0, blank pictures as an answer, a
missing or damaged weights file, and the training data generator's kinds. The committed
weights are loaded; the judge is never trained here."""
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest
from PIL import Image, ImageDraw

from conftest import ANSWER, PIC, ROOT, SERVING, app, script_env

NOT_A_DIGIT = r'^(.*): not a digit \(forced: (\d), ([0-9.]+)%\)$'


@pytest.fixture(scope='module')
def pictures(tmp_path_factory):
    """A level stroke (a dash: no digit), a blank page, and pic/3.png."""
    folder = tmp_path_factory.mktemp('judged')
    dash = Image.new('L', (300, 300), 250)
    ImageDraw.Draw(dash).line([(60, 150), (240, 150)], fill=20, width=18)
    dash.save(folder / 'dash.png')
    Image.new('RGB', (300, 300), (246, 244, 238)).save(folder / 'blank.png')
    return {'dash': str(folder / 'dash.png'), 'blank': str(folder / 'blank.png'),
            'three': PIC[3]}


def test_batch_says_not_a_digit_and_exits_0(mlp_dir, pictures):
    result = app('--model_dir', mlp_dir, pictures['dash'], pictures['blank'], pictures['three'])
    assert result.returncode == 0, result.stderr
    dash, blank, three = result.stdout.splitlines()
    assert re.match(NOT_A_DIGIT, dash).group(1) == pictures['dash']
    assert blank == '%s: not a digit (blank picture)' % pictures['blank']
    assert re.match(ANSWER, three).group(2) == '3'
    assert 'not sure' not in dash


def test_ink_over_the_whole_picture_is_no_blank_picture(mlp_dir, tmp_path):
    """A dense spiral: its stroke, thicker than MNIST's, was thinned away to nothing, and the
    picture called blank."""
    spiral = Image.new('L', (400, 400), 255)
    turns = np.arange(0, 200, 0.05)
    ImageDraw.Draw(spiral).line(list(zip(200 + turns * np.cos(turns), 200 + turns * np.sin(turns))),
                                fill=0, width=4)
    spiral.save(tmp_path / 'spiral.png')
    result = app('--model_dir', mlp_dir, tmp_path / 'spiral.png')
    assert result.returncode == 0, result.stderr
    assert re.match(NOT_A_DIGIT, result.stdout.strip()), result.stdout


def test_the_notes_dialogue_says_not_a_digit(mlp_dir, pictures):
    result = app('--model_dir', mlp_dir, stdin='3\n%s\n%s\n%s\n' % (
        pictures['three'], pictures['dash'], pictures['blank']))
    assert result.returncode == 0, result.stderr
    said = [line.split('The prediction number is: ')[1] for line in result.stdout.splitlines()
            if 'The prediction number is: ' in line]
    assert said == ['3', 'not a digit', 'not a digit']
    assert 'not sure' not in result.stdout


def test_noreject_names_a_digit_but_a_blank_page_has_none(mlp_dir, pictures):
    result = app('--model_dir', mlp_dir, '--noreject', pictures['dash'], pictures['blank'])
    assert result.returncode == 0, result.stderr
    dash, blank = result.stdout.splitlines()
    assert re.match(ANSWER, dash), dash
    assert blank.endswith(': not a digit (blank picture)')


def test_the_course_preprocessing_never_asks_the_judge(mlp_dir, pictures):
    result = app('--model_dir', mlp_dir, '--preprocess', 'course', pictures['dash'])
    assert result.returncode == 0
    assert re.match(ANSWER, result.stdout.strip()), result.stdout


def test_save_input_writes_what_the_judge_saw(mlp_dir, pictures, tmp_path):
    result = app('--model_dir', mlp_dir, '--save_input', tmp_path, pictures['dash'])
    assert result.returncode == 0
    seen = np.asarray(Image.open(tmp_path / 'dash.png'))
    assert seen.shape == (280, 280) and seen.max() > 200  # the dash, white on black


def post(url, path, query=''):
    with open(path, 'rb') as f:
        request = urllib.request.Request(url + '/predict' + query, data=f.read(),
                                         method='POST')
    with urllib.request.urlopen(request, timeout=60) as reply:
        return reply.status, json.loads(reply.read())


def test_json_not_a_digit_and_reject_0(url, pictures):
    status, dash = post(url, pictures['dash'])
    assert status == 200
    assert dash['not_a_digit'] is True and dash['number'] == '' and dash['digits'] == []
    assert 0 <= dash['whole_digit'] < 0.5
    assert len(dash['probabilities']) == 1 and len(dash['probabilities'][0]) == 10
    assert len(dash['inputs']) == 1 and dash['unsure'] is False
    status, forced = post(url, pictures['dash'], '?reject=0')
    assert forced['not_a_digit'] is False and forced['whole_digit'] is None
    assert forced['digits'] == [int(np.argmax(dash['probabilities'][0]))]
    status, blank = post(url, pictures['blank'])
    assert status == 200 and blank['not_a_digit'] is True and blank['inputs'] == []
    status, three = post(url, pictures['three'], '?model=lenet5')
    assert three['not_a_digit'] is False and three['whole_digit'] >= 0.5
    assert three['number'] == '3'
    for query in ('?reject=yes', '?reject='):
        with pytest.raises(urllib.error.HTTPError) as refused:
            post(url, pictures['three'], query)
        assert refused.value.code == 400
        assert 'reject must be 0 or 1' in json.loads(refused.value.read())['error']


@pytest.fixture(scope='module')
def project_copy(tmp_path_factory):
    """The project's scripts and library, to take the judge's weights away from."""
    copy = tmp_path_factory.mktemp('project')
    for name in os.listdir(ROOT):
        if name.endswith('.py'):
            shutil.copy(os.path.join(ROOT, name), copy)
    shutil.copytree(os.path.join(ROOT, 'mnist_lib'), copy / 'mnist_lib',
                    ignore=shutil.ignore_patterns('__pycache__'))
    return copy


def run_copy(copy, *args):
    return subprocess.run([sys.executable, str(copy / 'mnist_app.py')] + [str(a) for a in args],
                          capture_output=True, text=True, env=script_env(), timeout=300)


def test_missing_or_damaged_weights_say_how_to_make_them(project_copy, mlp_dir, running):
    weights = project_copy / 'mnist_lib' / 'judge'
    shutil.rmtree(weights)
    result = run_copy(project_copy, '--model_dir', mlp_dir, PIC[3])
    assert result.returncode == 1 and 'Traceback' not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "the judge's weights are missing" in line
    assert 'python synthetic/make_judge.py' in line and '--noreject' in line
    result = run_copy(project_copy, '--model_dir', mlp_dir, '--noreject', PIC[3])
    assert result.returncode == 0 and re.match(ANSWER, result.stdout.strip())
    result = run_copy(project_copy, '--model_dir', mlp_dir, '--number', '--noreject', PIC[3])
    assert result.returncode == 1  # a number is read with the judge: --noreject cannot help
    [line] = result.stderr.strip().splitlines()
    assert 'python synthetic/make_judge.py' in line and '--number needs them' in line
    result = run_copy(project_copy, '--model_dir', mlp_dir, '--serve', '--port', 0)
    assert result.returncode == 1 and "the judge's weights are missing" in result.stderr
    server = running(str(project_copy / 'mnist_app.py'), '--serve', '--noreject', '--port', 0,
                     '--model_dir', mlp_dir)  # single digits served; what needs the judge: 503
    url = 'http://127.0.0.1:%d' % int(server.wait_for(SERVING, timeout=120).group(1))
    status, three = post(url, PIC[3])
    assert status == 200 and three['number'] == '3' and three['whole_digit'] is None
    for query in ('?number=1', '?reject=1'):
        with pytest.raises(urllib.error.HTTPError) as refused:
            post(url, PIC[3], query)
        assert refused.value.code == 503
        assert 'python synthetic/make_judge.py' in json.loads(refused.value.read())['error']
    assert post(url, PIC[3])[0] == 200  # and it keeps serving
    for damage in ('judge.data', 'judge.index', 'gone'):  # cut short; garbage; data gone
        shutil.rmtree(weights, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, 'mnist_lib', 'judge'), weights)
        [name] = [f for f in os.listdir(weights)
                  if f.startswith(damage if damage != 'gone' else 'judge.data')]
        if damage == 'judge.data':
            with open(weights / name, 'r+b') as f:
                f.truncate(1000)
        elif damage == 'gone':
            os.remove(weights / name)
        else:
            (weights / name).write_bytes(bytes(range(256)) * 2)
        result = run_copy(project_copy, '--model_dir', mlp_dir, PIC[3])
        assert result.returncode == 1 and 'Traceback' not in result.stderr
        [line] = result.stderr.strip().splitlines()
        assert 'are damaged' in line and 'python synthetic/make_judge.py' in line, damage
        if damage == 'gone':  # the file that is missing, not TensorFlow's guess at a cause
            assert name in line and 'Original error' not in line, line


def test_the_committed_weights_are_small():
    folder = os.path.join(ROOT, 'mnist_lib', 'judge')
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    assert 0 < size <= 1000000


@pytest.fixture(scope='module')
def digits(data_dir):
    """50 of MNIST's training digits, no 1 among them: (images [50, 28, 28], labels)."""
    import input_data
    train = input_data.read_data_sets(data_dir).train
    keep = train.labels != 1
    return train.images[keep][:50].reshape(-1, 28, 28), train.labels[keep][:50]


class TestTheGeneratorsKinds:
    """Each kind of negative really is one, seen on its shape before it is drawn."""

    @staticmethod
    def same(seed):
        return np.random.default_rng(seed), np.random.default_rng(seed)

    def test_a_half_or_a_piece_has_less_ink_than_its_digit(self, digits):
        from mnist_lib import judge_data
        for k, image in enumerate(digits[0]):
            a, b = self.same(k)
            whole = judge_data.digit_shape(image, a)
            assert 0 < judge_data.half(image, b).sum() < 0.8 * whole.sum()
            a, b = self.same(k)
            whole = judge_data.digit_shape(image, a)
            assert judge_data.fragment(image, b).sum() < 0.8 * whole.sum()

    def test_two_digits_or_a_digit_and_a_neighbour_are_wider_than_one(self, digits):
        from mnist_lib import judge_data
        for k, (image, other) in enumerate(zip(digits[0], digits[0][::-1])):
            a, b = self.same(k)
            whole = judge_data.digit_shape(image, a)
            two = judge_data.pair(image, other, b)  # overlapping by up to a third of the first
            assert judge_data._trim(two).shape[1] > judge_data._trim(whole).shape[1]
            assert two.sum() > whole.sum()
            a, b = self.same(k)
            width = judge_data._trim(judge_data.digit_shape(image, a)).shape[1]
            assert judge_data._trim(judge_data.neighbour(image, other, b)).shape[1] > width

    def test_lines_and_marks_are_no_digit_shapes(self, digits):
        from mnist_lib import drawn_shapes, judge_data
        for k in range(30):
            rng = np.random.default_rng(k)
            line = judge_data._trim(drawn_shapes.line(rng))
            assert line.shape[1] > np.tan(np.radians(drawn_shapes.LEANING)) * line.shape[0] * 0.9
            ruled = judge_data._trim(drawn_shapes.ruled(rng))
            assert ruled.shape[1] > 5 * ruled.shape[0]
            dots = drawn_shapes.dots(rng)
            assert dots.sum() < 0.25 * dots.size
            corner = judge_data._trim(drawn_shapes.corner(rng))
            h, w = corner.shape
            assert corner[-h // 4:, :w // 4].any(), 'a corner opening down and left: a 7'

    def test_a_whole_digit_keeps_all_its_ink(self, digits):
        from mnist_lib import judge_data
        for k, image in enumerate(digits[0]):
            a, b = self.same(k)
            assert judge_data.whole(image, b).sum() >= judge_data.digit_shape(image, a).sum()

    def test_every_kind_renders_and_normalises(self, digits):
        from mnist_lib import judge_data
        rng = np.random.default_rng(0)
        for kind in judge_data.KINDS:
            made = [judge_data.sample(kind, digits[0], digits[1], rng) for _ in range(3)]
            assert any(m is not None and m.shape == (784,) for m in made), kind

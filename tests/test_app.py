"""Lesson 6.1 part two: mnist_app.py on pic/ and on bad input, with models trained here."""
import os
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from conftest import ANSWER, PIC, ROOT, TIMEOUT, app, clean_env, command, run_script, script_env
from mnist_lib import picture


def test_batch_mode_gets_every_sample_right(mlp_dir):
    result = app('--model_dir', mlp_dir, *PIC)
    assert result.returncode == 0, result.stderr
    answers = re.findall(ANSWER, result.stdout, re.M)
    assert [(path, digits) for path, digits, *_ in answers] == [(p, str(d)) for d, p in
                                                               enumerate(PIC)]
    assert all(0 < float(confidence) <= 100 for _, _, confidence, *_ in answers)


@pytest.mark.skipif(os.name != 'posix', reason='POSIX only: a pseudo-terminal')
def test_the_dialogue_shows_each_prompt_before_it_waits_in_a_terminal(mlp_dir):
    """In a terminal, Python's input() writes its prompt to stderr, which the quiet start
    (mnist_lib/quiet.py) passes on in whole lines: the prompts showed only after the app had
    ended, and the student, seeing nothing, thought it hung. Typed into a pseudo-terminal,
    as a student types: each answer only after its prompt has shown."""
    import pty
    import select
    master, slave = pty.openpty()
    proc = subprocess.Popen(command('mnist_app.py', '--model_dir', mlp_dir), cwd=os.path.dirname(
        PIC[3]), env=clean_env(), stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    shown = b''

    def wait_for(text):
        nonlocal shown
        while text.encode() not in shown:
            ready, _, _ = select.select([master], [], [], 120)
            assert ready, 'nothing more shown in 120 s; so far: %r' % shown
            try:
                shown += os.read(master, 4096)
            except OSError:  # the app ended: the terminal is gone
                raise AssertionError('ended without showing %r: %r' % (text, shown))
    try:
        wait_for('input the number of test pictures:')
        os.write(master, b'1\n')
        wait_for('the path of test picture:')
        os.write(master, b'3.png\n')
        wait_for('The prediction number is: 3')
        assert proc.wait(TIMEOUT) == 0
    finally:
        proc.kill()
        os.close(master)


def test_course_preprocessing_is_selectable(mlp_dir):
    result = app('--model_dir', mlp_dir, '--preprocess', 'course', *PIC)
    assert result.returncode == 0, result.stderr
    assert len(re.findall(ANSWER, result.stdout, re.M)) == 10


def test_interactive_as_in_the_notes(mlp_dir):
    result = app('--model_dir', mlp_dir, stdin='2\npic/2.png\n%s\n' % PIC[7])
    assert result.returncode == 0, result.stderr
    assert result.stdout == ('input the number of test pictures:'
                             'the path of test picture:The prediction number is: 2\n'
                             'the path of test picture:The prediction number is: 7\n')


def test_interactive_reasks_bad_counts_and_takes_quoted_paths(mlp_dir):
    result = app('--model_dir', mlp_dir, stdin='two\n-1\n1_0\n+1\n1\n"%s"\n' % PIC[3])
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('Please type a whole number, 0 or more.') == 4  # 1_0 was 10
    assert result.stdout.endswith('The prediction number is: 3\n')


@pytest.mark.parametrize('stdin', ['', '3\npic/1.png\n'])
def test_end_of_input_ends_cleanly(mlp_dir, stdin):
    result = app('--model_dir', mlp_dir, stdin=stdin)
    assert result.returncode == 0
    assert 'Traceback' not in result.stderr


@pytest.mark.skipif(os.name != 'posix', reason='POSIX only: Ctrl-C sent as SIGINT')
@pytest.mark.parametrize('typed, prompt', [('', 'input the number of test pictures:'),
                                           ('1\n', 'the path of test picture:')])
def test_ctrl_c_at_a_prompt_is_an_interruption_not_the_end_of_input(mlp_dir, typed, prompt):
    """Ctrl-C at a prompt of the dialogue ended the app with status 0, as the end of input
    does (`mnist_app.py && next` went on); now it ends as a Ctrl-C ends the other scripts."""
    import select
    import signal
    proc = subprocess.Popen(command('mnist_app.py', '--model_dir', mlp_dir), cwd=ROOT,
                            env=clean_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            # Ctrl-C as at a terminal, even where pytest runs in the background
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        proc.stdin.write(typed.encode())
        proc.stdin.flush()
        shown = b''
        while not shown.endswith(prompt.encode()):  # the app waits for an answer
            ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
            chunk = os.read(proc.stdout.fileno(), 4096) if ready else b''
            assert chunk, 'no %r; so far: %r' % (prompt, shown)
            shown += chunk
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 1 and err == b'mnist_app.py: interrupted.\n', (proc.returncode, err)
    assert out == b'\n'  # the prompt's line ended, the interrupted line below it


def test_interactive_bad_picture_is_reported_and_the_rest_answered(mlp_dir, tmp_path):
    result = app('--model_dir', mlp_dir, stdin='2\n%s\n%s\n' % (tmp_path / 'nope.png', PIC[5]))
    assert result.returncode == 1
    assert '%s: error: no such file' % (tmp_path / 'nope.png') in result.stdout
    assert result.stdout.endswith('The prediction number is: 5\n')
    ended = app('--model_dir', mlp_dir, stdin='3\n%s\n' % (tmp_path / 'nope.png'))
    assert ended.returncode == 1, 'the input ended after a picture that could not be read'
    long = str(tmp_path / ('x' * 50000 + '.png'))  # a paste gone wrong: not echoed whole
    named = app('--model_dir', mlp_dir, stdin='1\n%s\n' % long)
    line = named.stdout.splitlines()[-1]
    assert line.endswith('x.png: error: no such file') and len(line) < 300, line[:300]
    assert line.startswith('input the number of test pictures:the path of test picture:%s'
                           % long[:50])
    odd = app('--model_dir', mlp_dir, 'new\nline.png', '\x1b[31mred.png')
    assert odd.stdout.splitlines() == ['new\\nline.png: error: no such file',
                                       '\\x1b[31mred.png: error: no such file'], odd.stdout
    empty = app('--model_dir', mlp_dir, stdin='2\n\n%s\n' % PIC[5])  # it said 'no such file'
    assert 'the path of test picture:: error: no file name was given (an empty line)\n' in (
        empty.stdout) and empty.returncode == 1


@pytest.mark.skipif(os.name != 'posix', reason='POSIX only: a file name that is no UTF-8')
def test_names_the_terminal_cannot_show_are_escaped_not_a_traceback(mlp_dir, tmp_path):
    odd = [os.path.join(str(tmp_path), os.fsdecode(b'bad\xff\xfename.png')),
           str(tmp_path / 'ünï€ode 数字.png')]
    for path in odd:
        shutil.copy(PIC[3], path)
    for encoding in ('utf-8', 'ascii'):
        result = app('--model_dir', mlp_dir, *odd, env=script_env(PYTHONIOENCODING=encoding))
        assert result.returncode == 0 and 'Traceback' not in result.stderr, result.stderr
        assert len(re.findall(r': 3 \(', result.stdout)) == 2, result.stdout


@pytest.mark.skipif(os.name != 'posix', reason='POSIX only: a newline in a file name')
def test_a_path_with_control_characters_is_escaped_in_its_answer_line(mlp_dir, tmp_path):
    """A path holding a newline or a terminal escape was printed raw in its answer line,
    two lines for one picture; now escaped as its error line would be. Other paths, with a
    space or letters not in ASCII, are printed as they are."""
    names = {'new\nline.png': 'new\\nline.png', '\x1b[31mred.png': '\\x1b[31mred.png',
             '\x9b31mcsi.png': '\\x9b31mcsi.png', 'line\u2028sep.png': 'line\\u2028sep.png',
             'a space.png': 'a space.png', '数字.png': '数字.png'}
    for name in names:
        shutil.copy(PIC[3], tmp_path / name)
    result = app('--model_dir', mlp_dir, *[tmp_path / name for name in names])
    assert result.returncode == 0, result.stderr
    assert [line.split(': 3 (')[0] for line in result.stdout.splitlines()] == [
        str(tmp_path / shown) for shown in names.values()], result.stdout


@pytest.mark.skipif(os.name != 'posix', reason='POSIX only: a file name that is no UTF-8')
def test_a_typed_path_that_is_no_text_in_the_terminals_encoding(mlp_dir, tmp_path):
    """The dialogue where the terminal's input is strict UTF-8 (en_US.UTF-8 is; C.UTF-8 is
    not): a path pasted in another encoding was a UnicodeDecodeError traceback."""
    name = os.fsencode(str(tmp_path)) + b'/bad\xffname.png'
    shutil.copy(PIC[3], name)
    result = subprocess.run(
        command('mnist_app.py', '--model_dir', mlp_dir), capture_output=True, timeout=TIMEOUT,
        input=b'2\n' + name + b'\nmissing\xfe.png\n',
        env=script_env(PYTHONIOENCODING='utf-8:strict'))
    out = result.stdout.decode('utf-8')
    assert 'Traceback' not in result.stderr.decode('utf-8', 'replace') and (
        result.returncode == 1), result.stderr
    assert 'The prediction number is: 3\n' in out, out
    assert out.endswith('the path of test picture:missing\\udcfe.png: error: no such file\n')


def make_bad_pictures(folder):
    """Each bad input the issue names, with the words its message must contain."""
    bad = {}
    bad[str(folder / 'missing.png')] = 'no such file'
    if os.name == 'posix':  # (Windows lets only an administrator make links)
        os.symlink('loop.png', folder / 'loop.png')
        bad[str(folder / 'loop.png')] = 'is a link that leads nowhere'
    (folder / 'a_folder').mkdir()
    bad[str(folder / 'a_folder')] = 'is a folder'
    (folder / 'empty.png').write_bytes(b'')
    bad[str(folder / 'empty.png')] = 'is an empty file'
    (folder / 'text.png').write_text('this is not a picture\n')
    bad[str(folder / 'text.png')] = 'is not a picture'
    data = open(PIC[4], 'rb').read()
    (folder / 'truncated.png').write_bytes(data[:len(data) // 2])
    bad[str(folder / 'truncated.png')] = 'truncated'
    Image.new('L', (1, 1), 0).save(folder / 'tiny.png')
    bad[str(folder / 'tiny.png')] = 'too small (1x1 pixels)'
    Image.new('1', (10000, 9000), 1).save(folder / 'bomb.png')  # small file, 90 M pixels
    bad[str(folder / 'bomb.png')] = 'too large'
    return bad


def test_bad_pictures_each_get_one_line_and_the_rest_are_answered(mlp_dir, tmp_path):
    bad = make_bad_pictures(tmp_path)
    if os.name == 'posix':  # it was 'an empty file' (and a pipe waited for a writer)
        bad[os.devnull] = 'is not a regular file'
    first, *rest = Image.open(PIC[6]).convert('L'), Image.new('L', (300, 300), 255)
    first.save(tmp_path / 'animated.gif', save_all=True, append_images=rest, duration=100)
    paths = [PIC[0]] + list(bad) + [str(tmp_path / 'animated.gif'), PIC[9]]
    result = app('--model_dir', mlp_dir, *paths)
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(paths)
    assert lines[0] == '%s: 0' % PIC[0] + lines[0][len(PIC[0]) + 3:]
    for line, (path, words) in zip(lines[1:], bad.items()):
        assert line.startswith('%s: error: ' % path) and words in line, line
    assert re.match(r'.*animated\.gif: 6 \(', lines[-2])  # the first frame
    assert lines[-1].startswith('%s: 9 (' % PIC[9])


def test_no_checkpoint(tmp_path):
    result = app('--model_dir', tmp_path, *PIC)
    assert result.returncode == 2
    assert result.stdout.splitlines()[0] == 'No checkpoint file found'
    assert 'Traceback' not in result.stderr
    # a file given as the folder: it said 'train first: python mnist_backward.py --model_dir
    # pic/3.png', which cannot train there either
    for mode in (tuple(PIC), ('--serve', '--port', 0)):
        result = app('--model_dir', PIC[3], *mode)
        assert result.returncode == 1 and result.stderr.splitlines()[-1] == (
            'mnist_app.py: error: --model_dir %s is a file, not a folder' % PIC[3]), result.stderr


@pytest.mark.parametrize('content', ['', 'not a state file'])
def test_a_checkpoint_file_that_cannot_be_read_is_said_and_kept(tmp_path, content):
    """Taken for none, it sent the app and the watcher to 'No checkpoint file found' (empty:
    a traceback), and the trainer to start again over the checkpoints it named."""
    (tmp_path / 'checkpoint').write_text(content)
    said = 'error: cannot read %s (%s); delete it' % (
        tmp_path / 'checkpoint', 'it is empty' if not content else 'not a checkpoint state file')
    for script, *args in (('mnist_app.py', PIC[1]), ('mnist_backward.py',),
                          ('mnist_test.py', '--once'),  # ... and watching (it waited for ever):
                          ('mnist_test.py', '--interval_secs', 0.05)):
        result = run_script(script, '--model_dir', tmp_path, *args)
        assert result.returncode == 1, result.stdout
        assert 'No checkpoint file found' not in result.stdout, result.stdout
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith('%s: %s' % (script, said)), result.stderr
    assert sorted(os.listdir(tmp_path)) == ['.trainer.lock', 'checkpoint']  # (the trainer's)
    assert (tmp_path / 'checkpoint').read_text() == content


# --- preprocessing, in process ------------------------------------------------------------

def digit_page(colour=(20, 20, 20), paper=(250, 250, 250)):
    """pic/7.png recoloured: ink and paper colours of our choosing."""
    grey = np.asarray(Image.open(PIC[7]).convert('L'), np.float32)[..., None] / 255.0
    rgb = grey * np.array(paper, np.float32) + (1 - grey) * np.array(colour, np.float32)
    return Image.fromarray(np.uint8(np.round(rgb)))


@pytest.fixture
def reference(tmp_path):
    digit_page().save(tmp_path / 'ref.png')
    return picture.pre_pic(str(tmp_path / 'ref.png'))


def test_output_is_mnist_shaped(reference):
    assert reference.shape == (1, 784) and reference.dtype == np.float32
    image = reference.reshape(28, 28)
    assert 0 <= image.min() and image.max() <= 1 and image.max() > 0.9
    rows, cols = np.nonzero(image > 0.05)
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) <= 21  # the 20x20 box
    cy = (image.sum(axis=1) * np.arange(28)).sum() / image.sum()
    cx = (image.sum(axis=0) * np.arange(28)).sum() / image.sum()
    assert abs(cy - 13.5) <= 0.6 and abs(cx - 13.5) <= 0.6  # centred by mass
    assert image[0].sum() == 0 and image[:, 0].sum() == 0   # a dark border, as in MNIST


def close(a, b):
    return np.abs(a - b).mean() < 0.03


@pytest.mark.parametrize('mode', ['L', 'P', 'LA', 'CMYK', 'I;16', 'RGBA'])
def test_pillow_modes(tmp_path, reference, mode):
    page = digit_page()
    if mode == 'I;16':
        im = Image.fromarray(np.asarray(page.convert('L'), np.uint16) * 257)
    elif mode == 'RGBA':  # dark ink on a transparent page
        rgba = np.zeros((300, 300, 4), np.uint8)
        rgba[..., 3] = 255 - np.asarray(page.convert('L'))
        im = Image.fromarray(rgba)
    else:
        im = page.convert(mode)
    path = str(tmp_path / ('pic.jpg' if mode == 'CMYK' else 'pic.png'))
    im.save(path)
    assert close(picture.pre_pic(path), reference)


def test_exif_rotation_is_applied(tmp_path, reference):
    exif = Image.Exif()
    exif[0x0112] = 6  # 'rotate 90 degrees clockwise to view'
    digit_page().transpose(Image.ROTATE_90).save(tmp_path / 'sideways.jpg', exif=exif.tobytes(),
                                                 quality=95)
    assert close(picture.pre_pic(str(tmp_path / 'sideways.jpg')), reference)


@pytest.mark.parametrize('colour, paper', [
    ((240, 240, 240), (30, 40, 35)),     # chalk on a board
    ((30, 50, 160), (232, 220, 192)),    # blue ink on beige paper
    ((185, 35, 35), (196, 198, 200)),    # red ink on grey paper
])
def test_ink_and_paper_colours(tmp_path, reference, colour, paper):
    digit_page(colour, paper).save(tmp_path / 'coloured.png')
    assert close(picture.pre_pic(str(tmp_path / 'coloured.png')), reference)


def test_the_notes_method_on_a_photo_like_picture_is_not_the_default(tmp_path, reference):
    digit_page((185, 35, 35), (196, 198, 200)).save(tmp_path / 'grey.png')
    course = picture.pre_pic(str(tmp_path / 'grey.png'), 'course')
    assert set(np.unique(course)) <= {0.0, 1.0}
    assert course.mean() > 0.5  # grey paper inverted past the threshold: mostly white


def test_wrong_model_for_the_checkpoint(mlp_dir):
    result = app('--model', 'lenet5', '--model_dir', mlp_dir, PIC[0])
    assert result.returncode == 1
    assert re.search(r'mnist_app\.py: error: cannot restore .* is it a lenet5 checkpoint\?',
                     result.stderr.strip().splitlines()[-1])
    assert 'Traceback' not in result.stderr


def test_fc_size_only_for_lenet5(mlp_dir):
    result = app('--model_dir', mlp_dir, '--fc_size', 1024, PIC[0])
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        'mnist_app.py: error: --fc_size only applies to --model lenet5')


def test_a_reader_that_goes_away_ends_the_app_quietly(mlp_dir):
    """`python mnist_app.py pic/*.png | head -1`: no BrokenPipeError traceback."""
    import subprocess
    from conftest import command, script_env
    proc = subprocess.Popen(command('mnist_app.py', '--model_dir', mlp_dir, *(PIC * 20)),
                            env=script_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1
    assert first.startswith(PIC[0].encode()) and 'Traceback' not in err and 'Error' not in err, err

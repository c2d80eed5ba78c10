"""What differs on Windows and macOS, tested here on Linux: for real where Linux can do the
same thing (a rename onto a folder fails as a rename onto an open file does on Windows; a
Notepad label file; a literal `pic/*.png`), and by patching os.name, sys.platform, os.replace
or /proc where only the other system can (each such test says so)."""
import os
import re
import shutil
import sys

import numpy as np
import pytest
from PIL import Image

import mnist_generateds
from conftest import ROOT, posix_only, run_script
from mnist_lib import dataset
from mnist_lib import files
from mnist_lib import report
from mnist_lib.errors import UsageError

WINDOWS_REFUSAL = PermissionError(13, 'Access is denied')  # what os.replace raises there


def windows_replace(*args):
    raise WINDOWS_REFUSAL


def one_line_error(result, script, pattern):
    """The script failed with exit status 1 and one line on stderr, matching `pattern`."""
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.match(r'%s: error: %s' % (re.escape(script), pattern), lines[0]), lines[0]


def make_folder(folder, n=4):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        Image.new('L', (28, 28), 20 * i).save(folder / ('%d.png' % i))
    return str(folder)


# ------------------------------------------------------------------ renames

def test_a_refused_rename_of_a_picture_is_one_line_and_leaves_no_temp_file(tmp_path,
                                                                          monkeypatch):
    """Patched: Windows refuses to replace a PNG open in a viewer (PermissionError)."""
    monkeypatch.setattr(os, 'replace', windows_replace)
    target = tmp_path / 'seen.png'
    with pytest.raises(UsageError) as e:
        files.save_png(Image.new('L', (8, 8)), str(target))
    assert str(e.value) == ('cannot write %s (Access is denied); is it open in another program?'
                            % target)
    assert os.listdir(tmp_path) == []


@posix_only('a rename onto a folder fails with EISDIR (Windows: access denied)')
def test_report_pictures_that_cannot_be_replaced(tmp_path, capsys):
    """For real: confusion.png is a folder, so the rename onto it fails."""
    (tmp_path / 'confusion.png' / 'inside').mkdir(parents=True)
    labels = np.arange(20) % 10
    probabilities = np.eye(10)[labels[::-1]]
    with pytest.raises(UsageError, match=r'cannot write .*confusion\.png \(Is a directory\)$'):
        report.write(np.zeros((20, 784), np.float32), labels, probabilities, str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == ['confusion.png']


@posix_only('a rename onto a folder fails with EISDIR (Windows: access denied)')
def test_a_record_file_that_cannot_be_replaced_is_one_line(tmp_path):
    """For real, through the script: the .tfrecords target is a folder."""
    pics = make_folder(tmp_path / 'pics')
    labels = tmp_path / 'labels.txt'
    labels.write_text(''.join('%d.png %d\n' % (i, i) for i in range(4)))
    out = tmp_path / 'out'
    (out / mnist_generateds.TRAIN_NAME / 'inside').mkdir(parents=True)
    result = run_script('mnist_generateds.py', '--data_dir', out, '--train_images', pics,
                        '--train_labels', labels, '--test_images', pics, '--test_labels', labels)
    one_line_error(result, 'mnist_generateds.py', r'cannot replace .*mnist_train\.tfrecords '
                   r'\(Is a directory\); is it open in another program')
    assert sorted(os.listdir(out)) == [mnist_generateds.TRAIN_NAME]  # no temp file left


def test_a_record_file_being_read_on_windows(tmp_path, monkeypatch):
    """Patched: Windows refuses to replace a .tfrecords file a trainer is reading."""
    pics = make_folder(tmp_path / 'pics')
    labels = tmp_path / 'labels.txt'
    labels.write_text('0.png 0\n')
    monkeypatch.setattr(os, 'replace', windows_replace)
    record = tmp_path / 'own.tfrecords'
    with pytest.raises(mnist_generateds.DatasetError, match=r'cannot replace .*own\.tfrecords '
                       r'\(Access is denied\)'):
        mnist_generateds.write_tfRecord(str(record), pics, str(labels))
    assert sorted(os.listdir(tmp_path)) == ['labels.txt', 'pics']


# ------------------------------------------------------------- label files

@pytest.mark.parametrize('encoding', ['utf-8', 'utf-8-sig'])
def test_label_files_with_or_without_a_byte_order_mark(tmp_path, encoding):
    """Notepad saves UTF-8 with a byte-order mark; the first name must not carry it."""
    pics = make_folder(tmp_path / 'pics')
    shutil.copy(os.path.join(pics, '1.png'), os.path.join(pics, '数字1.png'))
    labels = tmp_path / 'labels.txt'
    labels.write_bytes('0.png 0\r\n数字1.png 1\r\n'.encode(encoding))
    assert [(n, name, label) for n, name, label in dataset.label_lines(str(labels))] \
        == [(1, '0.png', 0), (2, '数字1.png', 1)]
    record = str(tmp_path / 'own.tfrecords')
    mnist_generateds.write_tfRecord(record, pics, str(labels))
    assert mnist_generateds.count_records(record) == 2


def test_a_label_file_in_another_encoding_is_one_line(tmp_path):
    """A label file saved as GBK (a Chinese Windows' ANSI): the line it fails on."""
    pics = make_folder(tmp_path / 'pics')
    labels = tmp_path / 'labels.txt'
    labels.write_bytes('0.png 0\n数字1.png 1\n'.encode('gbk'))
    result = run_script('mnist_generateds.py', '--data_dir', tmp_path / 'out', '--train_images',
                        pics, '--train_labels', labels, '--test_images', pics,
                        '--test_labels', labels)
    one_line_error(result, 'mnist_generateds.py', r'.*labels\.txt line 2 is not UTF-8 text '
                   r'\(byte 0xca\); save the label file as UTF-8$')


# ------------------------------------------------------------------ the app

def test_the_app_expands_a_pattern_the_shell_passed_on(mlp_dir):
    """For real: cmd and PowerShell hand `pic/*.png` to the program as it is; so does a POSIX
    shell when the pattern is quoted."""
    result = run_script('mnist_app.py', '--model_dir', mlp_dir, os.path.join('pic', '*.png'),
                        os.path.join('nothing', '*.png'))
    lines = result.stdout.splitlines()
    assert [line.split(':')[0] for line in lines] == \
        [os.path.join('pic', '%d.png' % d) for d in range(10)] + [os.path.join('nothing',
                                                                               '*.png')]
    assert lines[-1].startswith(os.path.join('nothing', '*.png') + ': error: ')
    assert result.returncode == 1 and 'Traceback' not in result.stderr


# -------------------------------------------------------------- the start-up

def test_windows_has_no_quiet_start(monkeypatch):
    """Patched: without os.fork (Windows) hush() leaves stderr as it is."""
    from mnist_lib import quiet
    monkeypatch.delattr(os, 'fork', raising=False)
    monkeypatch.delenv('TF_CPP_MIN_LOG_LEVEL', raising=False)
    before = os.fstat(2)
    quiet.hush([])
    assert not quiet._filtering and os.path.samestat(before, os.fstat(2))


def test_no_quiet_start_inside_a_notebook_kernel(monkeypatch):
    """Patched: an IPython shell in this process, as in Jupyter (tests/test_notebook.py runs a
    real kernel); hush() must neither fork it nor rewire its stderr."""
    from mnist_lib import quiet
    IPython = pytest.importorskip('IPython')  # a test dependency (requirements-test.txt)
    monkeypatch.setattr(IPython, 'get_ipython', lambda: object())
    monkeypatch.delenv('TF_CPP_MIN_LOG_LEVEL', raising=False)
    assert quiet.interactive()
    before = os.fstat(2)
    quiet.hush([])
    assert not quiet._filtering and os.path.samestat(before, os.fstat(2))


# -------------------------------------------------------- precision and GPU

def test_where_the_cpu_check_cannot_look_it_says_so(monkeypatch):
    """Patched: no /proc/cpuinfo, as on macOS and Windows."""
    import tensorflow.compat.v1 as tf
    from mnist_lib import precision
    assert precision.cpu_has_bf16() in (True, False)  # Linux: it can look
    monkeypatch.setattr(precision, 'CPUINFO', os.path.join(ROOT, 'no', 'cpuinfo'))
    monkeypatch.setattr(tf.config, 'list_physical_devices', lambda kind=None: [])
    assert precision.cpu_has_bf16() is None
    config = tf.ConfigProto()
    assert precision.configure(config, True) == (
        'Mixed precision is not available here (no GPU; could not tell whether this CPU has '
        'bfloat16 instructions); training in float32.')
    assert config.graph_options.rewrite_options.auto_mixed_precision_onednn_bfloat16 == 0


@pytest.mark.parametrize('mixed', [False, True])
def test_sessions_take_gpu_memory_as_needed(mixed, capsys):
    """The trainer and its watcher can share one GPU. No GPU here: the options, and a session
    that runs with them."""
    import tensorflow.compat.v1 as tf
    from mnist_lib import precision
    config = precision.session_config(mixed)
    assert config.gpu_options.allow_growth
    assert config.gpu_options.per_process_gpu_memory_fraction == 0  # no cap: grow as needed
    with tf.Graph().as_default(), tf.Session(config=config) as sess:
        assert sess.run(tf.constant(2) * 3) == 6
    assert ('precision' in capsys.readouterr().out) == mixed  # the line saying which


# --------------------------------------------------------- the browser tests

def run_page_tests(**env):
    import subprocess
    environ = {k: v for k, v in os.environ.items() if k != 'CI'}
    environ.update(env)
    return subprocess.run([sys.executable, '-m', 'pytest', '-q', '-rs', '-p', 'no:cacheprovider',
                           os.path.join(ROOT, 'tests', 'test_page.py')], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=300)


def test_without_a_browser_the_page_tests_skip_and_say_how_to_install_one():
    """Outside CI (no CI variable), as on a student's machine without root."""
    result = run_page_tests(CHROMIUM='/nonexistent/chromium')
    assert result.returncode in (0, 5), result.stdout + result.stderr  # 5: nothing else ran
    assert '1 skipped' in result.stdout
    said = ' '.join(result.stdout.split())
    assert 'no Chromium at /nonexistent/chromium' in said
    assert 'sudo apt-get install -y chromium' in said and 'pip install playwright' in said


def test_in_ci_without_a_browser_the_page_tests_fail():
    result = run_page_tests(CHROMIUM='/nonexistent/chromium', CI='true')
    assert result.returncode != 0
    assert 'skipped' not in result.stdout
    assert 'browser tests in CI: no Chromium at /nonexistent/chromium' in result.stdout

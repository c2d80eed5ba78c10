"""A plain run prints only the scripts' own lines; --verbose and TF_CPP_MIN_LOG_LEVEL bring
TensorFlow's back; real errors stay visible. --mixed_precision trains and resumes both ways."""
import os
import re
import subprocess
import sys

from conftest import ROOT, TIMEOUT, posix_only

QUIET_START = posix_only("the quiet start (a forked stderr filter)")

PIC1 = os.path.join(ROOT, 'pic', '1.png')
PRECISION = (r'^(Training in bfloat16 mixed precision \(oneDNN, CPU\)|Training in float16 mixed '
             r'precision \(GPU\)|Mixed precision is not available here)')


def clean_run(name, *args, extra_env=None):
    """The script as a student runs it: no TF_CPP_MIN_LOG_LEVEL, nothing of ours set."""
    env = {k: os.environ[k] for k in ('PATH', 'HOME', 'MNIST_MIRROR', 'LANG') if k in os.environ}
    env.update(extra_env or {})
    return subprocess.run([sys.executable, os.path.join(ROOT, name)] + [str(a) for a in args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def lines_match(text, patterns):
    lines = text.splitlines()
    assert len(lines) == len(patterns), text
    for line, pattern in zip(lines, patterns):
        assert re.match(pattern, line), (line, pattern)


@QUIET_START
def test_trainer_and_watcher_print_only_their_lines(data_dir, tmp_path):
    result = clean_run('mnist_backward.py', '--steps', 2, '--save_every', 2, '--print_every', 1,
                       '--data_dir', data_dir, '--model_dir', tmp_path)
    assert result.returncode == 0 and result.stderr == '', result.stderr
    lines_match(result.stdout, [r'^Extracting .*'] * 4 + [
        r'^After 1 training step\(s\), loss on training batch is [0-9.]+\.$',
        r'^After 2 training step\(s\), loss on training batch is [0-9.]+\.$',
        r'^After 2 training step\(s\), \d+ images/s \(per step: .*\)\.$',
        r'^After 2 training step\(s\), validation accuracy using average model is [0-9.]+$',
        r'^Reached 2 steps; the model is in .*\.$'])
    result = clean_run('mnist_test.py', '--once', '--data_dir', data_dir, '--model_dir', tmp_path)
    assert result.returncode == 0 and result.stderr == '', result.stderr
    lines_match(result.stdout, [r'^Extracting .*'] * 4 +
                [r'^After 2 training step\(s\), test accuracy = [0-9.]+$'])


@QUIET_START
def test_lenet5_scripts_print_only_their_lines(data_dir, tmp_path):
    result = clean_run('mnist_lenet5_backward.py', '--steps', 1, '--data_dir', data_dir,
                       '--model_dir', tmp_path)
    assert result.returncode == 0 and result.stderr == '', result.stderr
    assert result.stdout.splitlines()[-1].startswith('Reached 1 steps')
    result = clean_run('mnist_lenet5_test.py', '--once', '--data_dir', data_dir, '--model_dir',
                       tmp_path)
    assert result.returncode == 0 and result.stderr == '', result.stderr
    lines_match(result.stdout, [r'^Extracting .*'] * 4 +
                [r'^After 1 training step\(s\), test accuracy = [0-9.]+$'])


@QUIET_START
def test_app_and_generateds_print_only_their_lines(mlp_dir, tmp_path):
    result = clean_run('mnist_app.py', '--model_dir', mlp_dir, PIC1)
    assert result.returncode == 0 and result.stderr == '', result.stderr
    lines_match(result.stdout, [r'^%s: 1 \([0-9.]+%%\)$' % re.escape(PIC1)])
    (tmp_path / 'labels.txt').write_text('1.png 1\n')
    result = clean_run('mnist_generateds.py', '--train_images', os.path.join(ROOT, 'pic'),
                       '--train_labels', tmp_path / 'labels.txt', '--test_images',
                       os.path.join(ROOT, 'pic'), '--test_labels', tmp_path / 'labels.txt',
                       '--data_dir', tmp_path / 'records')
    assert result.returncode == 0 and result.stderr == '', result.stderr
    lines_match(result.stdout, [r'^The directory was created successfully$'] +
                [r'^the number of picture: 1$', r'^write tfrecord successful: .*$'] * 2)


def test_verbose_or_the_users_own_level_shows_tensorflows_lines(mlp_dir):
    for args, env in ((['--verbose'], None), ([], {'TF_CPP_MIN_LOG_LEVEL': '0'})):
        result = clean_run('mnist_app.py', '--model_dir', mlp_dir, *args, PIC1, extra_env=env)
        assert result.returncode == 0
        assert 'All log messages before absl::InitializeLog() is called' in result.stderr
        assert result.stdout.startswith('%s: 1 (' % PIC1)


def test_real_errors_stay_visible():
    code = ('from mnist_lib import quiet; quiet.hush(); import tensorflow; import sys; '
            'sys.stderr.write("W0000 a warning of our own\\n"); raise RuntimeError("boom")')
    env = {k: os.environ[k] for k in ('PATH', 'HOME') if k in os.environ}
    result = subprocess.run([sys.executable, '-c', code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 1
    assert 'W0000 a warning of our own' in result.stderr
    assert 'Traceback' in result.stderr and 'RuntimeError: boom' in result.stderr
    assert 'absl::InitializeLog' not in result.stderr and 'oneDNN' not in result.stderr


def test_mixed_precision_trains_and_resumes_both_ways(data_dir, tmp_path):
    common = ['--data_dir', data_dir, '--model_dir', tmp_path, '--save_every', 2]
    result = clean_run('mnist_backward.py', '--steps', 2, '--mixed_precision', *common)
    assert result.returncode == 0 and result.stderr == '', result.stderr
    said = [line for line in result.stdout.splitlines() if not line.startswith('Extracting')]
    assert re.match(PRECISION, said[0])
    result = clean_run('mnist_backward.py', '--steps', 4, *common)  # float32 resumes it
    assert result.returncode == 0, result.stderr
    assert 'Resuming from' in result.stdout and 'Reached 4 steps' in result.stdout
    assert not re.search(PRECISION, result.stdout, re.M)  # the notes' float32: no line
    result = clean_run('mnist_backward.py', '--steps', 6, '--mixed_precision', *common)
    assert result.returncode == 0, result.stderr
    assert 'Resuming from' in result.stdout and 'Reached 6 steps' in result.stdout


@posix_only("the quiet start, and Ctrl-C sent as SIGINT")
def test_server_prints_only_its_line_and_stops_on_ctrl_c(mlp_dir):
    env = {k: os.environ[k] for k in ('PATH', 'HOME', 'LANG') if k in os.environ}
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'mnist_app.py'), '--serve',
                             '--port', '0', '--model_dir', mlp_dir], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert re.match(r'^Serving the drawing page on http://127\.0\.0\.1:\d+/ \(Ctrl-C to '
                        r'stop\)$', line), line
        proc.send_signal(2)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert out == '' and err == '', err


def test_mixed_precision_without_bfloat16_or_gpu_says_so(monkeypatch):
    """The third branch, which this machine (it has bfloat16) cannot reach for real."""
    import tensorflow.compat.v1 as tf
    from mnist_lib import precision
    monkeypatch.setattr(precision, 'cpu_has_bf16', lambda: False)
    monkeypatch.setattr(tf.config, 'list_physical_devices', lambda kind: [])
    config = tf.ConfigProto()
    said = precision.configure(config, True)
    assert said == ('Mixed precision is not available here (no GPU, no bfloat16 on this CPU); '
                    'training in float32.')
    assert config.graph_options.rewrite_options.auto_mixed_precision_onednn_bfloat16 == 0
    assert precision.configure(tf.ConfigProto(), False) is None

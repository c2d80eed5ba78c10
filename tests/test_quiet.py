"""A plain run prints only the scripts' own lines; --verbose and TF_CPP_MIN_LOG_LEVEL bring
TensorFlow's back; real errors stay visible."""
import os
import re
import signal
import subprocess
import time

from conftest import PIC, ROOT, SERVING, Running, clean_env, command, posix_only, run_script

QUIET_START = posix_only("the quiet start (a forked stderr filter)")

PIC1 = PIC[1]


def clean_run(name, *args, extra_env=None):
    """The script as a student runs it: no TF_CPP_MIN_LOG_LEVEL, nothing of ours set."""
    return run_script(name, *args, env=clean_env(**(extra_env or {})))


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
    result = clean_run('-c', code)
    assert result.returncode == 1
    assert 'W0000 a warning of our own' in result.stderr
    assert 'Traceback' in result.stderr and 'RuntimeError: boom' in result.stderr
    assert 'absl::InitializeLog' not in result.stderr and 'oneDNN' not in result.stderr


@posix_only("the quiet start, and Ctrl-C sent as SIGINT")
def test_server_prints_only_its_line_and_stops_on_ctrl_c(mlp_dir):
    server = Running('mnist_app.py', '--serve', '--port', 0, '--model_dir', mlp_dir,
                     env=clean_env())
    try:
        server.wait_for(SERVING, timeout=120)
        server.proc.send_signal(signal.SIGINT)
        status, lines, err = server.finish(timeout=60)
    finally:
        server.kill()
    assert status == 0
    assert len(lines) == 1 and err == '', err


@posix_only('Ctrl-C sent as SIGINT')
def test_ctrl_c_while_tensorflow_is_imported_is_one_line(tmp_path):
    """Importing TensorFlow takes seconds, and a Ctrl-C then was a traceback through its
    modules (status -2). Now it is the line a Ctrl-C gets later, and status 1."""
    for delay in (0.5, 1.0):
        proc = subprocess.Popen(command('mnist_backward.py', '--steps', 5, '--model_dir',
                                        tmp_path / 'model'), cwd=ROOT, env=clean_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 1 and err == 'mnist_backward.py: interrupted.\n', (delay, err)


def test_the_filter_drops_tensorflows_echo_of_a_failed_op_only():
    """The 'Local rendezvous is aborting' echo (queues closed at the end of a tfrecord run, a
    refused restore) goes with the start-up lines; TensorFlow's other warnings stay."""
    from mnist_lib import quiet
    echo = (b'W0000 00:00:1796026522.751051   27104 local_rendezvous.cc:412] Local rendezvous '
            b'is aborting with status: CANCELLED: Enqueue operation was cancelled')
    other = b'W0000 00:00:1796026522.751051   27104 some_op.cc:12] a warning of its own'
    assert quiet.NOISE.match(echo) and not quiet.NOISE.match(other)

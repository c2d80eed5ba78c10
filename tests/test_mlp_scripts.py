"""The lesson 5/6.1 scripts run for real, as subprocesses, on MNIST from the mirror."""
import os
import re
import shutil
import signal
import subprocess

import pytest

from conftest import ROOT, command, posix_only, run_script, script_env

LOSS = r'After (\d+) training step\(s\), loss on training batch is ([0-9.e+-]+)\.$'
VALIDATION = (r'After (\d+) training step\(s\), validation accuracy using average model is '
              r'([0-9.]+)$')
TEST = r'After (\d+) training step\(s\), test accuracy = ([0-9.]+)$'


def matches(pattern, text):
    return [m.groups() for m in re.finditer(pattern, text, re.M)]


def no_traceback(result):
    assert 'Traceback' not in result.stderr, result.stderr


def train(data_dir, model_dir, *args):
    result = run_script('mnist_backward.py', '--data_dir', data_dir, '--model_dir', model_dir,
                        *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_train_resume_then_test(tmp_path, data_dir):
    model_dir = tmp_path / 'model'
    first = train(data_dir, model_dir, '--steps', 300, '--save_every', 100, '--print_every', 100,
                  '--seed', 1)
    assert [int(s) for s, _ in matches(LOSS, first.stdout)] == [100, 200, 300]
    validation = matches(VALIDATION, first.stdout)
    assert [int(s) for s, _ in validation] == [100, 200, 300]
    assert float(validation[-1][1]) > 0.85
    assert len(matches(r'images/s \(per step: feeding [0-9.]+ ms, session run [0-9.]+ ms',
                       first.stdout)) == 3
    assert 'Resuming' not in first.stdout
    files = os.listdir(model_dir)
    for step in (100, 200, 300):
        assert 'mnist_model-%d.index' % step in files
    assert any(f.startswith('events.out.tfevents') for f in files)

    # A second run resumes at 300 and stops at --steps in total, not 300 more.
    second = train(data_dir, model_dir, '--steps', 500, '--save_every', 100, '--print_every', 100)
    assert re.search(r'^Resuming from .*mnist_model-300$', second.stdout, re.M)
    assert [int(s) for s, _ in matches(LOSS, second.stdout)] == [400, 500]
    assert 'Reached 500 steps' in second.stdout
    assert 'mnist_model-600.index' not in os.listdir(model_dir)

    # Nothing is left to do at 500: no step runs, nothing is saved.
    third = train(data_dir, model_dir, '--steps', 500)
    assert matches(LOSS, third.stdout) == [] and 'Reached 500 steps' in third.stdout

    tested = run_script('mnist_test.py', '--once', '--data_dir', data_dir, '--model_dir',
                        model_dir)
    assert tested.returncode == 0, tested.stderr
    ((step, accuracy),) = matches(TEST, tested.stdout)
    assert step == '500' and 0.88 < float(accuracy) <= 1.0


def test_once_without_checkpoint(tmp_path, data_dir):
    result = run_script('mnist_test.py', '--once', '--data_dir', data_dir, '--model_dir',
                        tmp_path / 'nothing_here')
    assert result.returncode == 1
    assert result.stdout.rstrip().endswith('No checkpoint file found')
    no_traceback(result)


@posix_only('SIGINT and SIGTERM sent to a child process')
@pytest.mark.parametrize('signum', [signal.SIGINT, signal.SIGTERM])
def test_signal_saves_and_exits_cleanly(tmp_path, data_dir, running, signum):
    model_dir = tmp_path / 'model'
    trainer = running('mnist_backward.py', '--data_dir', data_dir, '--model_dir', model_dir,
                      '--steps', 100000, '--print_every', 30, '--save_every', 100000)
    trainer.wait_for(LOSS)
    trainer.proc.send_signal(signum)
    code, lines, stderr = trainer.finish()
    assert code == 0, stderr
    assert 'Traceback' not in stderr
    stopped = re.search(r'^Stopped by %s at step (\d+); saved (.*)\. Run again to resume\.$'
                        % signal.Signals(signum).name, '\n'.join(lines), re.M)
    assert stopped, lines
    assert stopped.group(2) == os.path.join(str(model_dir), 'mnist_model-' + stopped.group(1))
    assert os.path.exists(stopped.group(2) + '.index')


def run_code(code):
    """Runs Python `code` in the project, as a script would run (the CompletedProcess, text)."""
    return subprocess.run(command('-c', code), cwd=ROOT, env=script_env(), capture_output=True,
                          text=True, timeout=60)


@posix_only('SIGINT sent to the process itself')
@pytest.mark.parametrize('saved', [None, (7, 'model/mnist_model-7')])
def test_a_second_ctrl_c_says_whether_the_first_ones_save_was_made(saved):
    """The first Ctrl-C's save is made before the validation pass; a second Ctrl-C during that
    pass said 'Stopping without saving.' of a checkpoint already written. It now says what
    the first one saved, as a stop does; before that save, that nothing is saved."""
    code = ('import os, signal\n'
            'from mnist_lib import training\n'
            'with training.StopSignal() as stop:\n'
            '    os.kill(os.getpid(), signal.SIGINT)\n'
            '    stop.saved = %r\n'
            '    os.kill(os.getpid(), signal.SIGINT)\n'
            '    print("still running")\n' % (saved,))
    result = run_code(code)
    assert result.returncode == 128 + signal.SIGINT, result.stderr
    assert result.stdout == ('Stopped by SIGINT at step 7; saved model/mnist_model-7. Run again '
                             'to resume.\n' if saved else 'Stopping without saving.\n')


@posix_only('SIGINT sent to the process itself')
def test_a_second_ctrl_c_while_a_checkpoint_is_written_waits_until_it_is_whole():
    """A second Ctrl-C that came within the stop's save ended the process at once, leaving
    that checkpoint's .data and .index without its .meta and state file. It now waits until
    the checkpoint is written, then ends, saying so."""
    code = ('import os, signal\n'
            'from mnist_lib import training\n'
            'with training.StopSignal() as stop:\n'
            '    os.kill(os.getpid(), signal.SIGINT)\n'
            '    with stop.saving():\n'
            '        os.kill(os.getpid(), signal.SIGINT)\n'
            '        print("the checkpoint written whole")\n'
            '        stop.saved = (7, "model/mnist_model-7")\n'
            '    print("still running")\n')
    result = run_code(code)
    assert result.returncode == 128 + signal.SIGINT, result.stderr
    assert result.stdout == ('the checkpoint written whole\nStopped by SIGINT at step 7; saved '
                             'model/mnist_model-7. Run again to resume.\n'), result.stdout


@posix_only('SIGINT sent to a child process')
def test_ctrl_c_with_the_output_piped_to_a_reader_it_also_ends_still_saves(tmp_path, data_dir):
    """`python mnist_backward.py | tee log`: Ctrl-C ends tee too, the trainer's next line
    met a broken pipe, and it left before its stop-time save: the steps since the last
    save were lost. Here the reader closes the pipe, then the trainer gets SIGINT."""
    model_dir = tmp_path / 'model'
    trainer = subprocess.Popen(command('mnist_backward.py', '--data_dir', data_dir,
                                       '--model_dir', model_dir, '--steps', 100000,
                                       '--print_every', 30, '--save_every', 100000),
                               cwd=ROOT, env=script_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    while not re.match(LOSS, trainer.stdout.readline().rstrip('\n')):
        assert trainer.poll() is None, trainer.stderr.read()
    trainer.stdout.close()  # the reader goes away
    trainer.send_signal(signal.SIGINT)
    trainer.wait(timeout=120)
    assert 'Traceback' not in trainer.stderr.read()
    assert re.match(r'model_checkpoint_path: "mnist_model-\d+"',
                    (model_dir / 'checkpoint').read_text())


def test_sigkill_then_restart_resumes(tmp_path, data_dir, running):
    model_dir = tmp_path / 'model'
    trainer = running('mnist_backward.py', '--data_dir', data_dir, '--model_dir', model_dir,
                      '--steps', 100000, '--save_every', 50)
    saved = 0
    while saved < 150:
        saved = int(trainer.wait_for(VALIDATION).group(1))
    trainer.proc.kill()  # SIGKILL: no chance to save
    trainer.proc.wait()
    result = train(data_dir, model_dir, '--steps', saved + 100, '--save_every', 50)
    resumed = re.search(r'^Resuming from .*mnist_model-(\d+)$', result.stdout, re.M)
    assert resumed and int(resumed.group(1)) >= saved
    assert 'Reached %d steps' % (saved + 100) in result.stdout


def test_a_second_trainer_on_the_same_folder_is_refused(tmp_path, data_dir, running):
    """Both ran to the end, writing the same checkpoint names over each other."""
    model_dir = tmp_path / 'model'
    first = running('mnist_backward.py', '--data_dir', data_dir, '--model_dir', model_dir,
                    '--steps', 100000, '--print_every', 30, '--save_every', 100000)
    first.wait_for(LOSS)
    for script in ('mnist_backward.py', 'mnist_lenet5_backward.py'):
        second = run_script(script, '--data_dir', data_dir, '--model_dir', model_dir,
                            '--steps', 10)
        assert second.returncode == 1, second.stdout
        assert second.stderr.strip().splitlines()[-1] == (
            '%s: error: another trainer (process %d) is writing into %s: wait for it to end, '
            'or train in another --model_dir' % (script, first.proc.pid, model_dir))
    assert first.proc.poll() is None
    assert not [name for name in os.listdir(model_dir) if name.startswith('mnist_model')]


@posix_only('a trainer paused by SIGSTOP')
def test_a_model_folder_removed_while_training(tmp_path, data_dir, running):
    """The folder removed under a trainer: it is made again at the next save; made again by a
    second trainer first, the two wrote the same checkpoint names over each other (the first
    one's lock was on the removed folder): the first one stops."""
    model_dir = tmp_path / 'model'
    first = running('mnist_backward.py', '--data_dir', data_dir, '--model_dir', model_dir,
                    '--steps', 100000, '--print_every', 1000, '--save_every', 40)
    first.wait_for(VALIDATION)
    shutil.rmtree(model_dir)
    first.wait_for(r'^%s was removed while training: made again for the next checkpoints\.$'
                   % re.escape(str(model_dir)))
    first.wait_for(VALIDATION)
    assert [name for name in os.listdir(model_dir) if name.startswith('mnist_model')]
    first.proc.send_signal(signal.SIGSTOP)  # (the second one must take the folder first)
    shutil.rmtree(model_dir)
    second = running('mnist_backward.py', '--data_dir', data_dir, '--model_dir', model_dir,
                     '--steps', 100000, '--print_every', 10, '--save_every', 100000)
    second.wait_for(LOSS)
    first.proc.send_signal(signal.SIGCONT)
    code, lines, stderr = first.finish()
    assert code == 1
    assert stderr.strip().splitlines()[-1] == (
        'mnist_backward.py: error: %s was removed while this trainer ran, which stops without '
        'saving its steps since the last checkpoint: another trainer (process %d) is writing '
        'into %s: wait for it to end, or train in another --model_dir'
        % (model_dir, second.proc.pid, model_dir))
    assert second.proc.poll() is None
    assert not [name for name in os.listdir(model_dir) if name.startswith('mnist_model')]


def test_watcher_beside_a_fast_saving_trainer(tmp_path, data_dir, running):
    """Saves every 10 steps rotate checkpoints away under the watcher: it must never crash."""
    model_dir = tmp_path / 'model'
    watcher = running('mnist_test.py', '--data_dir', data_dir, '--model_dir', model_dir,
                      '--interval_secs', 0.05, '--steps', 400)
    watcher.wait_for(r'^No checkpoint file found$')
    watcher.wait_for(r'^Waiting for checkpoints in %s \(checked every 0\.05 s; Ctrl-C stops\)\.$'
                     % re.escape(str(model_dir)))  # (a typo in the folder: seen, not a hang)
    train(data_dir, model_dir, '--steps', 400, '--save_every', 10)
    code, lines, stderr = watcher.finish()
    assert code == 0, stderr
    assert 'Traceback' not in stderr
    steps = [int(s) for s, _ in matches(TEST, '\n'.join(lines))]
    assert steps and steps[-1] == 400
    assert steps == sorted(set(steps))  # each checkpoint evaluated once, in order
    assert lines.count('No checkpoint file found') == 1


@pytest.mark.parametrize('args, expected', [
    (['--steps', '-5'], 'steps'),
    (['--stepz', '10'], 'stepz'),
    (['extra_argument'], 'extra_argument'),
    (['', 'a b'], "unexpected argument(s): '' 'a b' (a flag is --name=value"),  # (quoted)
    (['--noverbose=1'], 'does not take an argument'),  # (absl's ValueError: a traceback)
    (['--steps=1\n2'], "--steps=1\\n2"),  # (a newline in a value: escaped, one line)
    (['--flagfile=%s' % os.path.join(ROOT, 'pic', '3.png')], 'no UTF-8 text'),
    (['--model_dir=', '--data_dir='],  # (it trained in the current folder, or said 'cannot use')
     '--model_dir needs a folder, not an empty name; flag --data_dir=: --data_dir needs'),
])
def test_bad_flags_fail_loudly(tmp_path, args, expected):
    """In one line: absl added 'Pass --helpshort ...' below its own, and an argument that is
    no flag printed all of --help above the error."""
    result = run_script('mnist_backward.py', '--model_dir', tmp_path, *args)
    assert result.returncode != 0
    assert expected in result.stderr and '--help lists' in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stdout == '', result.stderr
    no_traceback(result)


def test_model_dir_that_is_a_file(tmp_path, data_dir):
    (tmp_path / 'file').write_text('not a folder')
    result = run_script('mnist_backward.py', '--data_dir', data_dir, '--model_dir',
                        tmp_path / 'file', '--steps', 5)
    assert result.returncode == 1
    assert re.match(r'mnist_backward\.py: error: cannot use .*file as the model folder',
                    result.stderr.strip().splitlines()[-1])
    no_traceback(result)
    # The watcher waited for a checkpoint there for ever.
    result = run_script('mnist_test.py', '--data_dir', data_dir, '--model_dir',
                        tmp_path / 'file', timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        'mnist_test.py: error: --model_dir %s is a file, not a folder' % (tmp_path / 'file'))


def test_a_model_folder_the_watcher_cannot_write_is_evaluated_all_the_same(tmp_path, data_dir):
    """Its TensorBoard run (`test/`) cannot be made there (here a file is in the way; a
    read-only folder is the same): that ended in a traceback after the accuracy. A report
    folder that cannot be written is said before the evaluation, not after it."""
    model_dir = tmp_path / 'model'
    assert run_script('mnist_backward.py', '--data_dir', data_dir, '--model_dir', model_dir,
                      '--steps', 5).returncode == 0
    (model_dir / 'test').write_text('in the way')
    result = run_script('mnist_test.py', '--once', '--data_dir', data_dir, '--model_dir',
                        model_dir)
    assert result.returncode == 0, result.stderr
    assert [step for step, _ in matches(TEST, result.stdout)] == ['5']
    assert '(TensorBoard summaries not written: ' in result.stderr
    no_traceback(result)
    result = run_script('mnist_test.py', '--once', '--report', '--data_dir', data_dir,
                        '--model_dir', model_dir, '--report_dir', model_dir / 'test' / 'report')
    assert result.returncode == 1 and not matches(TEST, result.stdout), result.stdout
    assert result.stderr.strip().splitlines()[-1] == (
        'mnist_test.py: error: cannot write the report into %s (%s is a file, not a folder)'
        % (model_dir / 'test' / 'report', model_dir / 'test'))


def test_bad_data_is_one_line_error(tmp_path, data_dir):
    bad_dir = tmp_path / 'data'
    bad_dir.mkdir()
    good = open(os.path.join(data_dir, 'train-images-idx3-ubyte.gz'), 'rb').read()
    (bad_dir / 'train-images-idx3-ubyte.gz').write_bytes(good[:100000])
    result = run_script('mnist_backward.py', '--data_dir', bad_dir, '--model_dir',
                        tmp_path / 'model')
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert re.match(r'mnist_backward\.py: error: .*train-images-idx3-ubyte\.gz is truncated.*'
                    r'delete it', last), last
    no_traceback(result)
    assert not os.path.exists(tmp_path / 'model' / 'checkpoint')


def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        return int(re.search(r'VmRSS:\s+(\d+) kB', f.read()).group(1))


@pytest.mark.skipif(not os.path.isfile('/proc/self/status'), reason='Linux only: /proc')
def test_watcher_memory_stays_flat_over_thousands_of_polls(tmp_path, data_dir, running):
    import time
    model_dir = tmp_path / 'model'
    train(data_dir, model_dir, '--steps', 10)
    watcher = running('mnist_test.py', '--data_dir', data_dir, '--model_dir', model_dir,
                      '--interval_secs', 0.001, '--steps', 1000)  # waits for step 1000: forever
    watcher.wait_for(TEST)
    time.sleep(3)
    before = rss_kib(watcher.proc.pid)
    time.sleep(10)  # some thousands of polls of the checkpoint folder
    after = rss_kib(watcher.proc.pid)
    assert watcher.proc.poll() is None
    assert after - before < 2048, (before, after)

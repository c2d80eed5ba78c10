"""What several test files share: MNIST filled by the loader, small trained models, the one
way to run a course script (in the foreground, run_script; in the background, Running), and
the sample pictures and the app's answer line."""
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import input_data  # noqa: E402  (needs ROOT on the path)

if os.environ.get("MNIST_MIRROR"):  # a relative mirror path must survive cwd changes
    os.environ["MNIST_MIRROR"] = os.path.abspath(os.environ["MNIST_MIRROR"])

TIMEOUT = 300


@pytest.fixture(scope='session')
def data_dir(tmp_path_factory):
    """A folder with the four MNIST .gz files, filled by the loader itself.

    With $MNIST_MIRROR set (here and in CI) it is a fresh folder filled from
    that mirror; without it, the project's data/ folder, filled from the
    public mirrors as a student's would be.
    """
    if os.environ.get('MNIST_MIRROR'):
        path = str(tmp_path_factory.mktemp('data'))
    else:
        path = os.path.join(ROOT, 'data')
    for name in input_data.SHA256:
        input_data.maybe_download(name, path)
    return path


@pytest.fixture(scope='session')
def mlp_dir(tmp_path_factory, data_dir):
    """An MLP trained for 1500 steps (about 96% on the test set), for the app's tests."""
    path = tmp_path_factory.mktemp('mlp')
    result = run_script('mnist_backward.py', '--data_dir', data_dir, '--model_dir', path,
                        '--steps', 1500, '--seed', 3)
    assert result.returncode == 0, result.stderr
    return str(path)


PIC = [os.path.join(ROOT, 'pic', '%d.png' % d) for d in range(10)]  # pic/0.png ... pic/9.png
# The app's batch line: path, digits, confidence, and the "not sure" notice with its answers.
ANSWER = r'^(.*): (\d+) \(([0-9.]+)%\)( not sure: (\d+) or (\d+)\?)?$'
SERVING = r'^Serving the drawing page on http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)$'


@pytest.fixture(scope='session')
def models_dir(mlp_dir, data_dir, tmp_path_factory):
    """model/ as a student has it: the MLP, and LeNet-5 (300 steps) in lenet5/."""
    path = tmp_path_factory.mktemp('models')
    for name in os.listdir(mlp_dir):
        if os.path.isfile(os.path.join(mlp_dir, name)):
            shutil.copy(os.path.join(mlp_dir, name), path)
    result = run_script('mnist_lenet5_backward.py', '--steps', 300, '--data_dir', data_dir,
                        '--model_dir', path / 'lenet5', '--seed', 1)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope='session')
def url(models_dir):
    """http://127.0.0.1:<port> of mnist_app.py --serve on models_dir, for the whole run."""
    server = Running('mnist_app.py', '--serve', '--port', 0, '--model_dir', models_dir)
    try:
        yield 'http://127.0.0.1:%d' % int(server.wait_for(SERVING, timeout=120).group(1))
    finally:
        server.kill()


def script_env(**extra):
    """The tests' environment for a script: ours, unbuffered, with `extra`."""
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    env.update(extra)
    return env


def clean_env(**extra):
    """A student's environment: no TF_CPP_MIN_LOG_LEVEL, nothing of ours set but the mirror."""
    env = {k: os.environ[k] for k in ('PATH', 'HOME', 'MNIST_MIRROR', 'LANG') if k in os.environ}
    env.update(extra)
    return env


def command(name, *args):
    """The command line of a course script (or `-c`, code) run with this Python."""
    return [sys.executable] + ([name] if name == '-c' else [os.path.join(ROOT, name)]) + [
        str(a) for a in args]


def run_script(name, *args, cwd=None, timeout=TIMEOUT, env=None, stdin=None):
    """Runs one of the course scripts; returns the CompletedProcess (text)."""
    return subprocess.run(command(name, *args), cwd=cwd or ROOT, env=env or script_env(),
                          input=stdin, capture_output=True, text=True, timeout=timeout)


def app(*args, stdin=None, **kwargs):
    """Runs mnist_app.py (run_script)."""
    return run_script('mnist_app.py', *args, stdin=stdin, **kwargs)


class Running(object):
    """A script started in the background whose stdout lines we can wait for."""

    def __init__(self, name, *args, cwd=None, env=None):
        self.proc = subprocess.Popen(
            command(name, *args), cwd=cwd or ROOT, env=env or script_env(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self._queue = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self._queue.put(line.rstrip('\n'))
        self._queue.put(None)

    def wait_for(self, pattern, timeout=TIMEOUT):
        """Returns the match of the first new stdout line matching `pattern`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self._queue.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError('no line matching %r; got:\n%s\nstderr:\n%s'
                             % (pattern, '\n'.join(self.lines), self.stderr_so_far()))

    def finish(self, timeout=TIMEOUT):
        """Waits for exit; returns (returncode, all stdout lines, stderr)."""
        self.proc.wait(timeout=timeout)
        while True:
            line = self._queue.get(timeout=10)
            if line is None:
                break
            self.lines.append(line)
        return self.proc.returncode, self.lines, self.proc.stderr.read()

    def stderr_so_far(self):
        return '' if self.proc.poll() is None else self.proc.stderr.read()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


@pytest.fixture
def running():
    """Starts background scripts and makes sure none outlives the test."""
    started = []

    def start(name, *args, **kwargs):
        started.append(Running(name, *args, **kwargs))
        return started[-1]
    yield start
    for r in started:
        r.kill()


def posix_only(why):
    """Marks a test that needs what only POSIX systems have (signals to a child, /proc, the
    quiet start's fork): on Windows it is skipped, saying so."""
    return pytest.mark.skipif(os.name != 'posix', reason='POSIX only: %s' % why)


def exchange(port, data, wait=30, host='127.0.0.1', trickle=None):
    """Sends `data` (all at once, or `trickle` bytes at a time, one step a second) and returns
    everything the server sends before it closes, or after `wait` seconds."""
    with socket.create_connection((host, port), timeout=wait) as s:
        if trickle:
            try:
                for k in range(0, len(data), trickle):
                    s.sendall(data[k:k + trickle])
                    time.sleep(1)
            except OSError:  # dropped while trickling: what it said is still there
                pass
        else:
            s.sendall(data)
        reply = b''
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    return reply

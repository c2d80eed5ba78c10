"""No picture and no request brings the app or the page down (issue 18).

Odd pictures of our own making (thin strips of every orientation and length, extreme aspect
ratios, dot grids, ICO and ICNS containers) through the command line and the server; slow
clients, request smuggling, foreign Host and Origin headers over raw sockets; Ctrl-C at the
moment the server starts, beside a CPU hog. Times here are generous bounds; the figures are
measured by benchmarks/bench_server.py.
"""
import io
import json
import os
import re
import signal
import socket
import struct
import subprocess
import threading
import time

import numpy as np
import pytest
from PIL import Image

from conftest import PIC, ROOT, command, exchange, posix_only, run_script, script_env

SERVING = r'^Serving the drawing page on http://[^/]+:(\d+)/ \(Ctrl-C to stop\)$'
LOG = re.compile(r'^\S+ (\S+) (\S+) (\d{3}) \d+ ms$')
PIC7 = PIC[7]


class Server(object):
    """mnist_app.py --serve, its stderr in a file (the log may grow past a pipe's buffer)."""

    def __init__(self, model_dir, folder, *args):
        self.err_path = os.path.join(str(folder), 'server-stderr-%d.txt' % time.time_ns())
        self.err = open(self.err_path, 'w')
        self.proc = subprocess.Popen(
            command('mnist_app.py', '--serve', '--port', 0, '--model_dir', model_dir, *args),
            cwd=ROOT, env=script_env(), stdout=subprocess.PIPE, stderr=self.err, text=True)
        line = self.proc.stdout.readline()
        match = re.match(SERVING, line)
        assert match, (line, self.stderr())
        self.port = int(match.group(1))

    def stderr(self):
        if not self.err.closed:
            self.err.flush()
        return open(self.err_path).read()

    def stop(self, signum=signal.SIGINT, timeout=60):
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.err.close()


@pytest.fixture(scope='module')
def server(mlp_dir, tmp_path_factory):
    running = Server(mlp_dir, tmp_path_factory.mktemp('server'))
    yield running
    running.kill()
    text = running.stderr()
    assert 'Traceback' not in text, text[-3000:]
    for line in text.splitlines():  # one line per request, nothing else
        assert LOG.match(line), line


def replies(data):
    """[(status, headers text, JSON or bytes body)] of the responses in `data`, in order."""
    found = []
    while data:
        head, _, rest = data.partition(b'\r\n\r\n')
        status = int(head.split(b' ')[1])
        length = int(re.search(rb'Content-Length: (\d+)', head).group(1))
        body, data = rest[:length], rest[length:]
        if b'application/json' in head:
            body = json.loads(body)
        found.append((status, head.decode('latin-1'), body))
    return found


def post(port, body, path='/predict?model=mlp', headers=()):
    head = 'POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: %d\r\n' % (
        path, port, len(body)) + ''.join('%s: %s\r\n' % h for h in headers)
    return replies(exchange(port, head.encode() + b'Connection: close\r\n\r\n' + body))[0]


# --- odd pictures ------------------------------------------------------------------------

def png(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, 'PNG')
    return buffer.getvalue()


def strips():
    """(name, PNG bytes): thin strips, both orientations, many lengths, several contents."""
    rng = np.random.default_rng(18)
    for length in (8, 9, 40, 300, 3000, 12000):
        for thickness in (8, 9, 40):
            if thickness > length:
                continue
            for content in ('paper', 'ink', 'noise', 'line', 'stroke'):
                a = np.full((thickness, length), 255, np.uint8)
                if content == 'ink':
                    a[:] = 0
                elif content == 'noise':
                    a = np.uint8(rng.integers(0, 256, a.shape))
                elif content == 'line':
                    a[thickness // 2] = 0
                elif content == 'stroke':
                    a[:, length // 3:length // 3 + max(1, thickness // 3)] = 0
                yield 'strip_%dx%d_%s' % (length, thickness, content), png(a)
                yield 'strip_%dx%d_%s' % (thickness, length, content), png(a.T.copy())


def extremes():
    yield 'aspect_20000x8', png(np.full((8, 20000), 255, np.uint8))
    yield 'aspect_8x20000', png(np.zeros((20000, 8), np.uint8))
    wide = np.full((1000, 24000), 255, np.uint8)
    wide[400:600, 12000:12060] = 0
    yield 'aspect_24000x1000', png(wide)        # 24 M pixels: just within the budget
    yield 'over_budget_6000x6000', png(np.full((6000, 6000), 255, np.uint8))


def dot_grid(step, dot, side):
    a = np.full((side, side), 255, np.uint8)
    for k in range(dot):
        for j in range(dot):
            a[k::step, j::step] = 0
    return png(a)


def grids():
    yield 'grid_every_4px', dot_grid(4, 1, 1200)
    yield 'grid_every_8px', dot_grid(8, 2, 2000)
    yield 'grid_every_30px', dot_grid(30, 4, 1500)


def containers():
    """An ICO whose one entry is a PNG of 12000x12000 pixels, and an ICNS."""
    big = io.BytesIO()
    Image.new('1', (12000, 12000), 1).save(big, 'PNG')
    data = big.getvalue()
    ico = struct.pack('<HHH', 0, 1, 1) + struct.pack('<BBBBHHII', 0, 0, 0, 0, 1, 32,
                                                     len(data), 22) + data
    icns = io.BytesIO()
    Image.new('RGB', (512, 512), 'white').save(icns, 'ICNS')
    yield 'icon.ico', ico
    yield 'icon.icns', icns.getvalue()


def write_all(folder, pictures):
    paths = []
    for name, data in pictures:
        path = os.path.join(str(folder), name + ('' if '.' in name else '.png'))
        with open(path, 'wb') as f:
            f.write(data)
        paths.append(path)
    return paths


def check_lines(result, paths):
    """Every picture got its own line, an answer ('not a digit' and 'not a number' are
    answers) or a one-line error, and nothing crashed."""
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert 'Traceback' not in result.stderr, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert len(lines) == len(paths), result.stdout[-2000:]
    for path, line in zip(paths, lines):
        assert re.match(r'^%s: (\S.* \(\d+\.\d%%\)( not sure: .*)?|error: \S.*'
                        r'|not a digit( \(.*\))?( a number\? add --number to read several '
                        r'digits)?|not a number)$'
                        % re.escape(path), line), line
    return lines


@pytest.mark.parametrize('mode', [(), ('--preprocess', 'course'), ('--number',)])
def test_odd_shapes_on_the_command_line(mlp_dir, tmp_path, mode):
    paths = write_all(tmp_path, list(strips()) + list(extremes()))
    result = run_script('mnist_app.py', '--model_dir', mlp_dir, *(mode + tuple(paths)))
    lines = check_lines(result, paths)
    over = [line for line in lines if 'over_budget' in line][0]
    assert 'error: is too large (6000x6000 pixels' in over


def test_containers_are_refused_on_the_command_line(mlp_dir, tmp_path):
    paths = write_all(tmp_path, containers()) + [PIC7]
    lines = check_lines(run_script('mnist_app.py', '--model_dir', mlp_dir, *paths), paths)
    for line in lines[:2]:
        assert 'error: is not a picture in a format read here (PNG, JPEG' in line, line
    assert lines[2].startswith('%s: 7 (' % PIC7)


def test_a_jpeg_cut_short_is_refused_and_a_grey_one_read(mlp_dir, tmp_path):
    """A JPEG whose data ends (at its end marker) before the rows its header claims was
    answered: libjpeg fills the rest with grey and Pillow does not say so. Now it gets its
    error line; a whole JPEG whose bottom is that very grey is still read."""
    whole = io.BytesIO()
    Image.open(PIC7).convert('RGB').save(whole, 'JPEG')
    data = whole.getvalue()
    (tmp_path / 'cut.jpg').write_bytes(data[:len(data) // 2] + b'\xff\xd9')
    grey = Image.new('RGB', (300, 400), (128, 128, 128))
    grey.paste(Image.open(PIC7).convert('RGB'))
    grey.save(tmp_path / 'grey.jpg')
    paths = [str(tmp_path / 'cut.jpg'), str(tmp_path / 'grey.jpg')]
    lines = check_lines(run_script('mnist_app.py', '--model_dir', mlp_dir, *paths), paths)
    assert lines[0] == ('%s: error: is cut short: its data ends before the 300 rows its '
                        'header claims' % paths[0]), lines
    assert not lines[1].startswith('%s: error' % paths[1]), lines


def test_odd_pictures_in_the_server(server):
    for name, data in list(strips())[::7] + list(extremes()) + list(containers()):
        for number in ('0', '1'):
            status, _, answer = post(server.port, data, '/predict?model=mlp&number=' + number)
            assert status == 200 or (status in (400, 413, 415, 422)
                                     and '\n' not in answer['error']), (name, status, answer)
            if name.startswith('icon'):
                assert status == 415 and 'format read here' in answer['error']
    assert post(server.port, open(PIC7, 'rb').read())[2]['number'] == '7'


def test_dot_grids_get_an_answer_or_a_one_line_error(server):
    for name, data in grids():
        for number in ('0', '1'):
            started = time.time()
            status, _, answer = post(server.port, data, '/predict?model=mlp&number=' + number)
            assert time.time() - started < 60, name  # generous: the figure is in benchmarks/
            assert status == 200 or (status in (400, 413, 415, 422)
                                     and '\n' not in answer['error']), (name, status, answer)


# --- slow clients, smuggling, errors, Host and Origin -------------------------------------

def test_slow_clients_are_dropped_and_others_served(server):
    head = ('POST /predict?model=mlp HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 5000\r\n'
            '\r\n' % server.port).encode()
    results = {}

    def slow(name, data, trickle):
        started = time.time()
        results[name] = exchange(server.port, data, wait=60, trickle=trickle), \
            time.time() - started
    threads = [threading.Thread(target=slow, args=('headers', head + b'x' * 40, 1)),
               threading.Thread(target=slow, args=('body', head + b'x' * 60, len(head) + 1))]
    for t in threads:
        t.start()
    for _ in range(3):
        assert post(server.port, open(PIC7, 'rb').read())[0] == 200
    for t in threads:
        t.join()
    for name, (reply, seconds) in results.items():
        assert seconds < 40, (name, seconds)  # dropped at the 10 s deadline, not at the end
        status, _, answer = replies(reply)[0]
        assert status in (400, 408) and '\n' not in answer['error'], (name, reply)


def test_no_smuggling_after_an_early_answer(server):
    hidden = b'GET /web/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
    for first in (b'POST /nothing HTTP/1.1\r\n', b'GET /nothing HTTP/1.1\r\n',
                  b'POST /predict?model=cnn HTTP/1.1\r\n', b'PUT / HTTP/1.1\r\n'):
        data = first + b'Host: 127.0.0.1\r\nContent-Length: %d\r\n\r\n' % len(hidden) + hidden
        got = replies(exchange(server.port, data))
        assert len(got) == 1 and got[0][0] in (400, 404, 405), (first, got)
        assert 'Connection: close' in got[0][1]


@pytest.mark.parametrize('headers', [
    b'Content-Length: 5\r\nContent-Length: 5\r\n',
    b'Content-Length: 5, 5\r\n',
    b'Content-Length: +5\r\n',
    b'Content-Length: 0x5\r\n',
    b'Content-Length : 5\r\n',
    b'X-Folded: a\r\n b\r\nContent-Length: 5\r\n',
])
def test_ambiguous_lengths_are_400(server, headers):
    data = b'POST /predict?model=mlp HTTP/1.1\r\nHost: 127.0.0.1\r\n' + headers + b'\r\n' + \
        b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
    got = replies(exchange(server.port, data))
    assert len(got) == 1 and got[0][0] == 400 and '\n' not in got[0][2]['error'], got


def test_keep_alive_and_pipelining_still_work(server):
    one = b'GET /models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
    got = replies(exchange(server.port, one + one + one.replace(b'\r\n\r\n',
                                                                b'\r\nConnection: close\r\n\r\n')))
    assert [g[0] for g in got] == [200, 200, 200]


@pytest.mark.parametrize('data, status', [
    (b'GARBAGE\r\n\r\n', 400),
    (b'GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n', 505),
    (b'GET /' + b'a' * 10000 + b' HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 414),
    (b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n' + b'X-Big: ' + b'b' * 40000 + b'\r\n\r\n', 431),
    (b'BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 501),
    (b'GET / HTTP/1.1\r\n\r\n', 400),
])
def test_every_error_is_json(server, data, status):
    got = replies(exchange(server.port, data))
    assert len(got) == 1 and got[0][0] == status, got
    assert 'Content-Type: application/json' in got[0][1]
    assert got[0][2]['error'] and '\n' not in got[0][2]['error']


def test_host_must_be_this_computer(server):
    for host, status in (('evil.example', 403), ('evil.example:%d' % server.port, 403),
                         ('127.0.0.1.evil.example', 403), ('localhost:%d' % server.port, 200),
                         ('127.0.0.1', 200), ('[::1]:%d' % server.port, 200),
                         ('LOCALHOST', 200)):
        data = 'GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' % host
        got = replies(exchange(server.port, data.encode()))
        assert got[0][0] == status, (host, got[0][:2])


def test_origin_must_be_the_page_itself(server):
    picture = open(PIC7, 'rb').read()
    own = 'http://127.0.0.1:%d' % server.port
    for origin, status in (('http://evil.example', 403), ('null', 403),
                           ('http://localhost:%d' % server.port, 403),  # Host says 127.0.0.1
                           ('https://127.0.0.1:%d' % server.port, 403), (own, 200)):
        got = post(server.port, picture, headers=[('Origin', origin)])
        assert got[0] == status, (origin, got)
    data = ('POST /predict?model=mlp HTTP/1.1\r\nHost: localhost:%d\r\nOrigin: http://localhost:%d'
            '\r\nContent-Length: %d\r\nConnection: close\r\n\r\n'
            % (server.port, server.port, len(picture))).encode() + picture
    assert replies(exchange(server.port, data))[0][0] == 200  # the page opened as localhost


def test_a_client_that_hangs_up_leaves_no_traceback(server):
    big = png(np.uint8(np.random.default_rng(1).integers(0, 256, (2000, 2000))))
    for _ in range(5):
        with socket.create_connection(('127.0.0.1', server.port)) as s:
            s.sendall(b'POST /predict?model=mlp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: '
                      b'%d\r\n\r\n' % len(big) + big)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    assert post(server.port, open(PIC7, 'rb').read())[0] == 200
    assert 'Traceback' not in server.stderr()


# --- the connection loop in process: caps, waits, stops ------------------------------------

class Echo(object):
    """A stand-in for the page: GET answers at once, POST takes `delay` seconds in a worker."""

    def __init__(self, delay=0.0):
        self.delay = delay

    def early(self, head, client):
        from mnist_lib import http_wire
        return None if head.method == 'POST' else http_wire.json_response(200, {'ok': True})

    def answer(self, head, body):
        from mnist_lib import http_wire
        time.sleep(self.delay)
        return http_wire.json_response(200, {'bytes': len(body)})


@pytest.fixture
def loop(monkeypatch):
    """Starts connections.Loop on a free port: loop(app, workers, cap) -> (loop, port)."""
    from mnist_lib import connections
    started = []

    def start(app, workers=1, cap=64, **constants):
        for name, value in constants.items():
            monkeypatch.setattr(connections, name, value)
        listener = socket.create_server(('127.0.0.1', 0))
        running = connections.Loop(listener, app, workers, cap, log=lambda line: None)
        thread = threading.Thread(target=running.run, daemon=True)
        thread.start()
        started.append((running, thread))
        return running, listener.getsockname()[1]
    yield start
    for running, thread in started:
        running.stop(now=True)
        thread.join(10)


def test_past_the_cap_an_idle_connection_makes_room_or_503(loop):
    _, port = loop(Echo(), cap=3)
    partial = [socket.create_connection(('127.0.0.1', port)) for _ in range(3)]
    for s in partial:
        s.sendall(b'GET / HTTP/1.1\r\n')  # a request begun: not idle
    time.sleep(0.5)
    got = replies(exchange(port, b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', wait=10))
    assert got[0][0] == 503 and 'Retry-After: ' in got[0][1]
    for s in partial:
        s.close()
    deadline = time.time() + 30  # until the loop has seen them go (slow on a loaded machine)
    while replies(exchange(port, b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close'
                                 b'\r\n\r\n', wait=10))[0][0] != 200:
        assert time.time() < deadline
        time.sleep(0.2)
    idle = [socket.create_connection(('127.0.0.1', port)) for _ in range(3)]
    time.sleep(0.5)
    got = replies(exchange(port, b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close'
                                 b'\r\n\r\n', wait=10))
    assert got[0][0] == 200
    assert sum(s.recv(10) == b'' for s in idle) >= 1  # the longest idle was closed
    for s in idle:
        s.close()


def test_a_request_that_waits_too_long_for_a_worker_is_503(loop):
    _, port = loop(Echo(delay=1.0), workers=1, WAIT=0.3)
    body = b'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nConnection: close\r\n' \
        b'\r\nabc'
    results = []
    threads = [threading.Thread(target=lambda: results.append(replies(exchange(port, body))[0][0]))
               for _ in range(3)]
    for t in threads:
        t.start()
        time.sleep(0.1)
    for t in threads:
        t.join()
    assert sorted(results)[0] == 200 and 503 in results, results


def test_stop_lets_the_request_in_flight_finish(loop):
    running, port = loop(Echo(delay=1.5))
    with socket.create_connection(('127.0.0.1', port), timeout=30) as s:
        s.sendall(b'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc')
        time.sleep(0.3)
        running.stop()
        reply = s.recv(65536)
    assert replies(reply)[0][:1] == (200,) and 'Connection: close' in replies(reply)[0][1]


FD_STARVED = """
import resource, socket, sys, threading
sys.path.insert(0, sys.argv[1])
from mnist_lib import connections, http_wire
resource.setrlimit(resource.RLIMIT_NOFILE, (40, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
class App(object):
    def early(self, head, client):
        return http_wire.json_response(200, {'ok': True})
    def answer(self, head, body):
        return None
class Counting(connections.Loop):
    tries = 0
    def _accept(self):
        Counting.tries += 1
        connections.Loop._accept(self)
listener = socket.create_server(('127.0.0.1', 0))
loop = Counting(listener, App(), 1, 400, log=lambda line: None)
threading.Thread(target=loop.run, daemon=True).start()
print(listener.getsockname()[1], flush=True)
for line in sys.stdin:  # each line asks how often accepting was tried so far
    print(Counting.tries, flush=True)
"""


@posix_only('the resource module')
def test_out_of_file_descriptors_the_loop_rests_then_serves_again():
    child = subprocess.Popen(command('-c', FD_STARVED, ROOT), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)

    def tries():
        child.stdin.write('?\n')
        child.stdin.flush()
        return int(child.stdout.readline())
    try:
        port = int(child.stdout.readline())
        flood = [socket.create_connection(('127.0.0.1', port)) for _ in range(80)]
        time.sleep(1)
        before = tries()
        time.sleep(3)
        assert tries() - before < 100  # resting 0.5 s at a time; spinning: many thousands
        for s in flood:
            s.close()
        time.sleep(1)
        got = replies(exchange(port, b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: '
                                     b'close\r\n\r\n', wait=10))
        assert got[0][0] == 200
    finally:
        child.kill()
        child.wait()


def test_no_reuse_address_on_windows(monkeypatch):
    """On Windows SO_REUSEADDR lets a second server take a port in use; elsewhere it only lets
    a restart bind while old connections linger."""
    from mnist_lib import server
    sock = server.listen('127.0.0.1', 0)
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0
    sock.close()
    monkeypatch.setattr(os, 'name', 'nt')
    sock = server.listen('127.0.0.1', 0)
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) == 0
    sock.close()


# --- the real server's start and stop -----------------------------------------------------

@posix_only('stopped with SIGINT')
def test_a_network_address_is_warned_about(mlp_dir, tmp_path):
    running = Server(mlp_dir, tmp_path, '--host', '0.0.0.0')
    try:
        data = b'GET /models HTTP/1.1\r\nHost: my-laptop.local\r\nConnection: close\r\n\r\n'
        assert replies(exchange(running.port, data))[0][0] == 200
        assert running.stop() == 0
    finally:
        running.kill()
    first = running.stderr().splitlines()[0]
    assert first.startswith('Warning: serving on 0.0.0.0') and 'anyone' in first


@posix_only('signals sent to a child')
@pytest.mark.parametrize('signum', [signal.SIGINT, signal.SIGTERM])
def test_stop_lets_an_upload_in_flight_finish(mlp_dir, tmp_path, signum):
    running = Server(mlp_dir, tmp_path)
    try:
        picture = open(PIC7, 'rb').read()
        with socket.create_connection(('127.0.0.1', running.port), timeout=60) as s:
            s.sendall(b'POST /predict?model=mlp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: '
                      b'%d\r\n\r\n' % len(picture) + picture[:100])
            time.sleep(0.5)
            running.proc.send_signal(signum)
            time.sleep(1)
            s.sendall(picture[100:])
            reply = exchange_rest(s)
        status, _, answer = replies(reply)[0]
        assert status == 200 and answer['number'] == '7'
        assert running.proc.wait(timeout=60) == 0
        with pytest.raises(OSError):
            socket.create_connection(('127.0.0.1', running.port), timeout=5).close()
    finally:
        running.kill()
    assert 'Traceback' not in running.stderr()


def exchange_rest(s):
    reply = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return reply
        reply += chunk


@posix_only('signals sent to a child')
def test_ctrl_c_as_the_server_starts_20_times_beside_a_cpu_hog(mlp_dir, tmp_path):
    """The stop that hung: Ctrl-C the moment the Serving line appears, on a busy machine, also
    when SIGINT was ignored by whoever started us (a background job of a shell script)."""
    hogs = [subprocess.Popen(command('-c', 'while True: pass'))]  # a CPU hog
    try:
        for k in range(20):
            preexec = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if k % 2 else None
            running = Server.__new__(Server)
            running.err_path = str(tmp_path / ('stderr-%d.txt' % k))
            running.err = open(running.err_path, 'w')
            running.proc = subprocess.Popen(
                command('mnist_app.py', '--serve', '--port', 0, '--model_dir', mlp_dir),
                cwd=ROOT, env=script_env(), stdout=subprocess.PIPE, stderr=running.err,
                text=True, preexec_fn=preexec)
            try:
                line = running.proc.stdout.readline()
                assert re.match(SERVING, line), (line, running.proc.wait(), running.stderr())
                assert running.stop(signal.SIGINT, timeout=60) == 0, running.stderr()
            finally:
                running.kill()
            assert 'Traceback' not in running.stderr()
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()

"""mnist_app.py --serve: the HTTP API over real HTTP, and the page in a real browser."""
import base64
import concurrent.futures
import io
import json
import os
import re
import shutil
import socket
import sys
import time
import urllib.error
import urllib.request

import pytest
from PIL import Image

from conftest import PIC, SERVING, exchange, posix_only, run_script

def start(running, model_dir):
    server = running('mnist_app.py', '--serve', '--port', 0, '--model_dir', model_dir)
    port = int(server.wait_for(SERVING, timeout=120).group(1))
    return server, 'http://127.0.0.1:%d' % port


def call(url, path, body=None, method=None, headers=None):
    """(status, parsed JSON or text) of one request."""
    request = urllib.request.Request(url + path, data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            status, data, kind = reply.status, reply.read(), reply.headers['Content-Type']
    except urllib.error.HTTPError as e:
        status, data, kind = e.code, e.read(), e.headers['Content-Type']
    return status, json.loads(data) if kind == 'application/json' else data.decode()


def raw(url, request_bytes, wait=15):
    """Sends bytes on a socket as they are; returns what comes back before the server closes."""
    host, port = url[len('http://'):].split(':')
    return exchange(int(port), request_bytes, wait, host)


def test_page_models_and_a_good_answer_per_model(url):
    status, page = call(url, '/')
    assert status == 200
    for element in ('pad', 'clear', 'number', 'photo', 'model', 'answer', 'probabilities',
                    'seen', 'error'):
        assert 'id="%s"' % element in page
    assert call(url, '/web/app.js')[0] == 200 and call(url, '/web/style.css')[0] == 200
    assert call(url, '/models') == (200, {'models': [
        {'name': 'mlp', 'trained': True, 'hint': None},
        {'name': 'lenet5', 'trained': True, 'hint': None}]})
    for kind in ('mlp', 'lenet5'):
        status, answer = call(url, '/predict?model=%s&number=0' % kind, open(PIC[7], 'rb').read())
        assert status == 200, answer
        assert answer['model'] == kind and answer['number'] == '7' and answer['digits'] == [7]
        assert len(answer['probabilities']) == 1 and len(answer['probabilities'][0]) == 10
        assert abs(sum(answer['probabilities'][0]) - 1) < 1e-3
        assert answer['confidence'][0] == pytest.approx(max(answer['probabilities'][0]), 1e-5)
        assert answer['unsure'] is False
        png = base64.b64decode(answer['inputs'][0].split(',', 1)[1])
        assert Image.open(io.BytesIO(png)).size == (280, 280)


def test_number_over_http(url, tmp_path):
    from test_numbers import mnist_number
    mnist_number('2026', seed=1).save(tmp_path / 'n.png')
    status, answer = call(url, '/predict?model=mlp&number=1', (tmp_path / 'n.png').read_bytes())
    assert status == 200, answer
    assert answer['number'] == '2026' and answer['digits'] == [2, 0, 2, 6]
    assert len(answer['inputs']) == 4 and len(answer['probabilities']) == 4


def test_same_answers_as_the_command_line(url, models_dir):
    result = run_script('mnist_app.py', '--model_dir', models_dir, *PIC)
    lines = result.stdout.splitlines()
    for path, line in zip(PIC, lines):
        status, answer = call(url, '/predict?model=mlp', open(path, 'rb').read())
        assert status == 200
        expected = '%s: %s (%.1f%%)' % (path, answer['number'], 100 * answer['confidence'][0])
        assert line == expected + (' ' + answer['notice'] if answer['unsure'] else '')


def test_bad_requests_and_the_server_keeps_serving(url, tmp_path):
    Image.new('1', (10000, 9000), 1).save(tmp_path / 'bomb.png')
    cases = [
        (('/predict?model=mlp', b'this is not a picture'), 415, 'not a picture'),
        (('/predict?model=mlp', b''), 400, 'empty'),
        (('/predict?model=mlp', (tmp_path / 'bomb.png').read_bytes()), 413, 'too large'),
        (('/predict?model=cnn', open(PIC[1], 'rb').read()), 400, 'unknown model'),
        (('/predict?model=mlp&number=2', open(PIC[1], 'rb').read()), 400, 'number'),
        (('/predict?model=mlp&nuber=1', open(PIC[1], 'rb').read()), 400,
         "unknown parameter 'nuber' (model, number, reject)"),
        (('/predict?model=lenet5&model=mlp', open(PIC[1], 'rb').read()), 400,
         "parameter 'model' given 2 times"),
        (('/predict', None, 'GET'), 405, 'POST'),
        (('/', None, 'PUT'), 405, 'not allowed'),
        (('/predict?model=mlp', b'--x\r\n' + open(PIC[1], 'rb').read(), 'POST',
          {'Content-Type': 'multipart/form-data; boundary=x'}), 415, 'is a form'),
        (('/nothing', None), 404, 'no such page'),
        (('/web/nothing.js', None), 404, 'no such page'),
    ]
    for args, status, words in cases:
        got, answer = call(url, *args)
        assert got == status and words in answer['error'], (args, got, answer)
        assert '\n' not in answer['error']
    for path in ('/../README.md', '/web/../../README.md', '/web/%2e%2e/%2e%2e/README.md',
                 '/%2e%2e/mnist_app.py'):
        reply = raw(url, b'GET ' + path.encode() + b' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: '
                    b'close\r\n\r\n')
        assert reply.startswith(b'HTTP/1.0 404') or reply.startswith(b'HTTP/1.1 404'), reply[:80]
    # 30 MB announced, a few bytes sent: refused at once, the body never read.
    started = time.time()
    reply = raw(url, b'POST /predict?model=mlp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: '
                b'30000000\r\n\r\n\x89PNG')
    assert reply.startswith(b'HTTP/1.1 413') and time.time() - started < 5
    # A truncated request: the connection is dropped after the read time-out.
    started = time.time()
    reply = raw(url, b'POST /predict?model=mlp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n'
                b'\r\n0123456789', wait=30)
    assert time.time() - started < 25
    assert reply == b'' or reply.startswith(b'HTTP/1.1 400')
    assert call(url, '/predict?model=mlp', open(PIC[4], 'rb').read())[1]['number'] == '4'


@posix_only("Ctrl-C sent as SIGINT to a child")
def test_model_without_checkpoint_is_409(mlp_dir, running, tmp_path):
    for name in os.listdir(mlp_dir):
        if os.path.isfile(os.path.join(mlp_dir, name)):
            shutil.copy(os.path.join(mlp_dir, name), tmp_path)
    server, url = start(running, tmp_path)
    status, models = call(url, '/models')
    hint = 'not trained yet: python mnist_lenet5_backward.py --model_dir %s' % (
        tmp_path / 'lenet5')  # (it named the default folder, not the one served)
    assert models['models'][1] == {'name': 'lenet5', 'trained': False, 'hint': hint}
    status, answer = call(url, '/predict?model=lenet5', open(PIC[2], 'rb').read())
    assert status == 409 and 'not trained yet' in answer['error']
    server.proc.send_signal(2)  # Ctrl-C: stops with status 0
    assert server.proc.wait(timeout=30) == 0


def saved_as_a_trainer_saves(source, folder):
    """Copies the checkpoint files of `source` into `folder`, its 'checkpoint' state last."""
    os.makedirs(folder, exist_ok=True)
    names = sorted(n for n in os.listdir(source) if os.path.isfile(os.path.join(source, n)))
    for name in [n for n in names if n != 'checkpoint'] + ['checkpoint']:
        shutil.copy(os.path.join(source, name), folder)


def test_a_model_trained_while_serving_is_served(mlp_dir, models_dir, running, tmp_path):
    """LeNet-5 trained beside a running page: the server said 'not trained yet: python
    mnist_lenet5_backward.py' until it was restarted. It serves it once it has a checkpoint."""
    saved_as_a_trainer_saves(mlp_dir, tmp_path)
    server, url = start(running, tmp_path)
    assert call(url, '/models')[1]['models'][1]['trained'] is False
    damaged = tmp_path / 'lenet5'  # a checkpoint that cannot be restored: still not trained
    damaged.mkdir()
    (damaged / 'mnist_model-1.index').write_bytes(b'not a checkpoint')
    (damaged / 'mnist_model-1.data-00000-of-00001').write_bytes(b'')
    (damaged / 'checkpoint').write_text('model_checkpoint_path: "mnist_model-1"\n')
    assert call(url, '/models')[1]['models'][1]['trained'] is False
    assert call(url, '/predict?model=lenet5', open(PIC[7], 'rb').read())[0] == 409
    assert call(url, '/predict?model=mlp', open(PIC[7], 'rb').read())[0] == 200
    saved_as_a_trainer_saves(models_dir / 'lenet5', tmp_path / 'lenet5')
    assert call(url, '/models')[1]['models'][1] == {'name': 'lenet5', 'trained': True,
                                                    'hint': None}
    status, answer = call(url, '/predict?model=lenet5', open(PIC[7], 'rb').read())
    assert status == 200 and answer['model'] == 'lenet5' and answer['number'] == '7', answer
    server.proc.send_signal(2)
    assert server.proc.wait(timeout=30) == 0


def test_fifty_requests_at_once(url):
    def one(k):
        return k % 10, call(url, '/predict?model=mlp', open(PIC[k % 10], 'rb').read())
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        results = list(pool.map(one, range(50)))
    assert all(status == 200 and answer['digits'] == [digit]
               for digit, (status, answer) in results), results


def test_no_model_at_all_is_a_one_line_error(tmp_path):
    result = run_script('mnist_app.py', '--serve', '--port', 0, '--model_dir', tmp_path)
    assert result.returncode == 2  # no checkpoint, as for pictures (it was 1)
    assert result.stderr.strip().splitlines()[-1] == (
        'mnist_app.py: error: no model is trained yet in %s (train first: python '
        'mnist_backward.py --model_dir %s)' % (tmp_path, tmp_path))


def test_serve_refuses_what_it_would_ignore(mlp_dir):
    """Pictures, --model, --number and the like were taken and ignored (--model lenet5 was
    answered by the MLP)."""
    for args, what in (([PIC[7]], 'pictures'), (['--model', 'lenet5'], '--model'),
                       (['--number'], '--number'), (['--export', 'out'], '--export')):
        result = run_script('mnist_app.py', '--serve', '--port', 0, '--model_dir', mlp_dir,
                            *args)
        assert result.returncode == 1 and result.stdout == '', result.stdout
        assert result.stderr.strip().splitlines()[-1].startswith(
            'mnist_app.py: error: --serve takes no %s: ' % what), result.stderr


def test_head_is_get_without_a_body(url):
    """HEAD was a 405 with a JSON body, which a keep-alive client reads as the start of the
    next answer."""
    reply = raw(url, b'HEAD /models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
                b'GET /models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    head, rest = reply.split(b'\r\n\r\n', 1)
    assert head.startswith(b'HTTP/1.1 200') and b'application/json' in head
    length = int(re.search(rb'Content-Length: (\d+)', head).group(1))
    assert rest.startswith(b'HTTP/1.1 200')  # the GET's answer right after HEAD's headers
    assert len(rest.split(b'\r\n\r\n', 1)[1]) == length  # and HEAD told its length


def test_bad_lengths_and_the_server_keeps_serving(url):
    chunked = raw(url, b'POST /predict?model=mlp HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: '
                  b'chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n')
    assert chunked.startswith(b'HTTP/1.1 411') and b'Content-Length' in chunked
    words = raw(url, b'POST /predict?model=mlp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n'
                b'Connection: close\r\n\r\n')
    assert words.startswith(b'HTTP/1.1 400') and b'not a number' in words
    assert call(url, '/predict?model=mlp', open(PIC[8], 'rb').read())[1]['number'] == '8'


def test_a_target_beginning_with_two_slashes_is_a_path(url):
    """'//[x' is a path (urlsplit would take [x for an IPv6 host, and raise): no such page,
    and the server goes on; '//anyhost/predict' is no way round to /predict either."""
    for target in (b'//[x', b'//]', b'//[x/predict?model=mlp', b'//anyhost/predict?model=mlp'):
        method = b'POST' if b'predict' in target else b'GET'
        reply = raw(url, method + b' ' + target + b' HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                    b'Content-Length: 0\r\nConnection: close\r\n\r\n')
        assert reply.startswith(b'HTTP/1.1 404') and b'no such page' in reply, (target, reply)
    assert call(url, '/predict?model=mlp', open(PIC[8], 'rb').read())[1]['number'] == '8'


def test_port_in_use_is_a_one_line_error(url, models_dir):
    port = url.rsplit(':', 1)[1]
    result = run_script('mnist_app.py', '--serve', '--port', port, '--model_dir', models_dir)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith('mnist_app.py: error: cannot serve on 127.0.0.1:%s' % port), last


def test_an_ipv6_host_it_cannot_serve_on_is_named_as_a_url_writes_it(models_dir):
    """A link-local address with no interface named: it said 'cannot serve on fe80::1:0'."""
    result = run_script('mnist_app.py', '--serve', '--port', 0, '--host', 'fe80::1',
                        '--model_dir', models_dir)
    assert result.returncode == 1 and 'Traceback' not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        'mnist_app.py: error: cannot serve on [fe80::1]:0 ('), result.stderr


def ipv6_listens(address):
    """Whether this machine can listen on the IPv6 `address` (a container may have IPv6 off;
    a v4-mapped address needs a dual-stack socket)."""
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind((address, 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize('host', [
    pytest.param('127.0.0.2', marks=pytest.mark.skipif(
        not sys.platform.startswith('linux'), reason='Linux only: a loopback address there')),
    pytest.param('[::1]', marks=pytest.mark.skipif(
        not ipv6_listens('::1'), reason='this machine has no IPv6 loopback')),
    pytest.param('[::ffff:127.0.0.1]', marks=pytest.mark.skipif(
        not ipv6_listens('::ffff:127.0.0.1'), reason='this machine has no dual-stack IPv6'))])
def test_the_host_it_serves_on_is_its_own(mlp_dir, running, host):
    """--host 127.0.0.2 printed its URL, then refused every request to it (403); --host [::1],
    as a URL writes it, was refused: 'cannot serve on [::1]:0'; --host ::ffff:127.0.0.1 (this
    computer, as IPv6 writes 127.0.0.1) was taken for a public address: a warning, and any
    Host header answered. Each is this computer only: another Host is refused."""
    server = running('mnist_app.py', '--serve', '--port', 0, '--host', host,
                     '--model_dir', mlp_dir)
    port = int(server.wait_for(SERVING.replace(r'127\.0\.0\.1', re.escape(host)),
                               timeout=120).group(1))
    url = 'http://%s:%d' % (host, port)
    assert call(url, '/models', headers={'Host': 'evil.example'})[0] == 403
    assert call(url, '/models')[0] == 200

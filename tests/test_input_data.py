"""input_data.py on small IDX files written here, and the facts of the real MNIST."""
import functools
import gzip
import http.server
import os
import shutil
import signal
import struct
import subprocess
import threading
import time

import numpy as np
import pytest

import input_data
from conftest import ROOT, command, posix_only, run_script, script_env


def write_idx(path, array, magic=None, truncate_to=None):
    """Writes `array` (uint8) as a gzipped IDX file, like MNIST's."""
    array = np.asarray(array, dtype=np.uint8)
    if magic is None:
        magic = input_data.IMAGES_MAGIC if array.ndim == 3 else input_data.LABELS_MAGIC
    data = struct.pack('>%dI' % (1 + array.ndim), magic, *array.shape) + array.tobytes()
    if truncate_to is not None:
        data = data[:truncate_to]
    with gzip.open(path, 'wb') as f:
        f.write(data)


def make_small_mnist(folder, n_train=30, n_test=12):
    """Canonical file names, tiny contents: image i is filled with the value i, label i % 10."""
    os.makedirs(folder, exist_ok=True)
    for images_name, labels_name, n in ((input_data.TRAIN_IMAGES, input_data.TRAIN_LABELS, n_train),
                                        (input_data.TEST_IMAGES, input_data.TEST_LABELS, n_test)):
        images = np.repeat(np.arange(n, dtype=np.uint8), 28 * 28).reshape(n, 28, 28)
        write_idx(os.path.join(folder, images_name), images)
        write_idx(os.path.join(folder, labels_name), np.arange(n) % 10)
    return str(folder)


@pytest.fixture
def small(tmp_path):
    return make_small_mnist(tmp_path / 'small')


def ids(images):
    """The example index that each image row was written with."""
    return [int(round(v)) for v in np.asarray(images).reshape(len(images), -1)[:, 0] * 255]


def test_split_sizes_scaling_and_shapes(small):
    m = input_data.read_data_sets(small, validation_size=10)
    assert (m.train.num_examples, m.validation.num_examples, m.test.num_examples) == (20, 10, 12)
    assert m.train.images.shape == (20, 784) and m.train.images.dtype == np.float32
    # Validation is the first 10 training images, train the rest.
    assert ids(m.validation.images) == list(range(10))
    assert ids(m.train.images) == list(range(10, 30))
    assert m.train.images.max() == pytest.approx(29 / 255.0)
    assert m.train.labels.dtype == np.uint8 and list(m.train.labels[:3]) == [0, 1, 2]


def test_uint8_and_unreshaped_images(small):
    m = input_data.read_data_sets(small, dtype=np.uint8, reshape=False, validation_size=0)
    assert m.train.images.shape == (30, 28, 28, 1) and m.train.images.dtype == np.uint8
    assert m.train.images[29].max() == 29


def test_tf_dtype_is_accepted(small):
    import tensorflow.compat.v1 as tf
    m = input_data.read_data_sets(small, dtype=tf.float32, validation_size=0)
    assert m.train.images.dtype == np.float32
    with pytest.raises(TypeError):
        input_data.read_data_sets(small, dtype=tf.int32)


def test_one_hot_labels(small):
    m = input_data.read_data_sets(small, one_hot=True, validation_size=10)
    assert m.train.labels.shape == (20, 10)
    assert list(m.train.labels[3]) == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]  # example 13, label 3
    assert (m.train.labels.sum(axis=1) == 1).all()


def test_batches_stitch_across_the_epoch_boundary(small):
    m = input_data.read_data_sets(small, validation_size=10, seed=3)
    seen = []
    for _ in range(3):  # 3 x 8 = 24 > 20: the third batch crosses into epoch 2
        xs, ys = m.train.next_batch(8)
        assert xs.shape == (8, 784) and ys.shape == (8,)
        assert [i % 10 for i in ids(xs)] == list(ys)  # images and labels stay paired
        seen += ids(xs)
    assert m.train.epochs_completed == 1
    assert sorted(seen[:20]) == list(range(10, 30))  # each example exactly once per epoch
    assert seen[:20] != list(range(10, 30))          # and shuffled


def test_unshuffled_batches_are_in_order(small):
    m = input_data.read_data_sets(small, validation_size=10)
    xs, _ = m.train.next_batch(15, shuffle=False)
    assert ids(xs) == list(range(10, 25))
    xs, _ = m.train.next_batch(10, shuffle=False)
    assert ids(xs) == list(range(25, 30)) + list(range(10, 15))


def test_seed_makes_batches_reproducible_without_touching_numpy(small):
    np.random.seed(123)
    state = np.random.get_state()[1].copy()

    def batches(seed):
        m = input_data.read_data_sets(small, validation_size=10, seed=seed)
        return [ids(m.train.next_batch(7)[0]) for _ in range(6)]
    assert batches(5) == batches(5)
    assert batches(5) != batches(6)
    assert (np.random.get_state()[1] == state).all()


def test_validation_size_out_of_range(small):
    with pytest.raises(ValueError, match='Validation size'):
        input_data.read_data_sets(small, validation_size=31)


def test_fake_data():
    m = input_data.read_data_sets('', fake_data=True, one_hot=True)
    xs, ys = m.train.next_batch(4, fake_data=True)
    assert len(xs) == 4 and len(xs[0]) == 784 and ys[0] == [1] + [0] * 9


def test_bad_magic_names_the_file(small):
    bad = os.path.join(small, input_data.TRAIN_IMAGES)
    write_idx(bad, np.zeros((3, 28, 28)), magic=1234)
    with pytest.raises(input_data.DataError, match='train-images-idx3-ubyte.gz is not an MNIST '
                                                    'file.*delete it'):
        input_data.read_data_sets(small)


def test_labels_where_images_should_be(small):
    shutil.copy(os.path.join(small, input_data.TRAIN_LABELS),
                os.path.join(small, input_data.TRAIN_IMAGES))
    with pytest.raises(input_data.DataError, match='not an MNIST file'):
        input_data.read_data_sets(small)


def test_truncated_payload(small):
    write_idx(os.path.join(small, input_data.TEST_IMAGES), np.zeros((5, 28, 28)),
              truncate_to=16 + 3 * 784)
    with pytest.raises(input_data.DataError, match='t10k-images-idx3-ubyte.gz holds .* bytes'):
        input_data.read_data_sets(small)


def test_truncated_gzip(small):
    path = os.path.join(small, input_data.TRAIN_LABELS)
    data = open(path, 'rb').read()
    open(path, 'wb').write(data[:len(data) // 2])
    with pytest.raises(input_data.DataError, match='train-labels-idx1-ubyte.gz is truncated'):
        input_data.read_data_sets(small)


def test_mismatched_counts(small):
    write_idx(os.path.join(small, input_data.TRAIN_LABELS), np.zeros(29))
    with pytest.raises(input_data.DataError, match='30 images but .* 29 labels'):
        input_data.read_data_sets(small)


def test_bad_checksum_leaves_nothing_behind(tmp_path, monkeypatch):
    fake_mirror = make_small_mnist(tmp_path / 'fake_mirror')  # right names, wrong contents
    target = tmp_path / 'data'
    monkeypatch.setenv('MNIST_MIRROR', fake_mirror)
    monkeypatch.setattr(input_data, 'PYTORCH_MIRROR', 'http://127.0.0.1:9/')
    with pytest.raises(input_data.DataError, match='could not fetch train-images.*checksum '
                                                    'mismatch'):
        input_data.read_data_sets(str(target), source_url='http://127.0.0.1:9/')
    assert os.listdir(target) == []


def test_offline_without_a_mirror(tmp_path, monkeypatch):
    monkeypatch.delenv('MNIST_MIRROR', raising=False)
    monkeypatch.setattr(input_data, 'PYTORCH_MIRROR', 'http://127.0.0.1:9/')
    target = tmp_path / 'data'
    with pytest.raises(input_data.DataError) as e:
        input_data.read_data_sets(str(target), source_url='http://127.0.0.1:9/')
    message = str(e.value)
    assert '\n' not in message
    assert 'train-images-idx3-ubyte.gz' in message and 'MNIST_MIRROR' in message
    assert str(target) in message
    assert os.listdir(target) == []


def test_fetch_from_a_mirror_url(tmp_path, data_dir, monkeypatch):
    """A URL mirror (served here on loopback) is fetched, verified and renamed into place."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=data_dir)
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv('MNIST_MIRROR', 'http://127.0.0.1:%d/' % server.server_address[1])
        path = input_data.maybe_download(input_data.TEST_LABELS, str(tmp_path))
    finally:
        server.shutdown()
    assert os.listdir(tmp_path) == [input_data.TEST_LABELS]
    assert open(path, 'rb').read() == open(os.path.join(data_dir, input_data.TEST_LABELS),
                                           'rb').read()


def test_real_mnist_facts(data_dir, capsys):
    m = input_data.read_data_sets(data_dir, one_hot=True)
    out = capsys.readouterr().out
    for name in input_data.SHA256:
        assert 'Extracting %s' % os.path.join(data_dir, name) in out
    assert (m.train.num_examples, m.validation.num_examples, m.test.num_examples) == \
        (55000, 5000, 10000)
    assert m.train.images.shape == (55000, 784) and m.train.images.dtype == np.float32
    assert 0.0 == m.train.images.min() and m.train.images.max() == 1.0
    all_train = np.concatenate([m.validation.labels, m.train.labels]).argmax(axis=1)
    assert list(np.bincount(all_train)) == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265,
                                            5851, 5949]
    assert list(all_train[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    test_labels = m.test.labels.argmax(axis=1)
    assert list(np.bincount(test_labels)) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974,
                                              1009]
    assert list(test_labels[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@posix_only('a newline in a folder name')
def test_a_data_folder_named_with_control_characters_is_escaped_in_the_notes_lines(tmp_path,
                                                                                  data_dir):
    """The notes' 'Extracting <path>' lines printed the path raw: a newline in it broke the
    line in two, and a terminal escape reached the terminal. Now escaped, as error lines do."""
    folder = tmp_path / 'new\nline\x1b[31m'
    folder.mkdir()
    for name in input_data.SHA256:
        os.symlink(os.path.join(data_dir, name), folder / name)
    result = run_script('mnist_test.py', '--once', '--data_dir', folder, '--model_dir',
                        tmp_path / 'm')
    assert result.returncode == 1 and 'Traceback' not in result.stderr, result.stderr
    shown = os.path.join(str(tmp_path), 'new\\nline\\x1b[31m')
    names = [input_data.TRAIN_IMAGES, input_data.TRAIN_LABELS, input_data.TEST_IMAGES,
             input_data.TEST_LABELS]
    assert result.stdout.splitlines() == ['Extracting %s' % os.path.join(shown, name)
                                          for name in names] + ['No checkpoint file found']
    os.remove(folder / input_data.TEST_LABELS)  # and an error naming a file in it: one line
    (folder / input_data.TEST_LABELS).write_bytes(b'not gzip')
    result = run_script('mnist_test.py', '--once', '--data_dir', folder, '--model_dir',
                        tmp_path / 'm')
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith('mnist_test.py: error: %s is truncated or not a gzip file'
                                    % os.path.join(shown, input_data.TEST_LABELS)), result.stderr


def test_label_out_of_range(small):
    write_idx(os.path.join(small, input_data.TEST_LABELS), [1, 2, 10] + [0] * 9)
    with pytest.raises(input_data.DataError, match='t10k-labels-idx1-ubyte.gz has label 10'):
        input_data.read_data_sets(small)


def serve_folder(folder, ssl_context=None):
    """An HTTP(S) server on loopback serving `folder`; returns (server, base URL, paths asked)."""
    asked = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=folder, **kwargs)

        def do_GET(self):
            asked.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    scheme = 'http'
    if ssl_context:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
        scheme = 'https'
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, '%s://127.0.0.1:%d/' % (scheme, server.server_address[1]), asked


def test_a_blocked_site_costs_one_connect_timeout_not_four(tmp_path, data_dir, monkeypatch):
    """The first source is a site that never answers a connection (as a blocked one): the
    connection gives up after CONNECT_TIMEOUT_SECS, and the other three files are not asked
    of it again; the mirror behind it serves all four."""
    import socket
    from mnist_lib import download
    real = socket.create_connection
    tries = []

    def connect(address, timeout=None, *args, **kwargs):
        if address[1] == 9:  # the blocked site
            tries.append(timeout)
            raise TimeoutError('timed out')
        return real(address, timeout, *args, **kwargs)
    monkeypatch.setattr(socket, 'create_connection', connect)
    monkeypatch.delenv('MNIST_MIRROR', raising=False)
    server, mirror, asked = serve_folder(data_dir)
    monkeypatch.setattr(input_data, 'PYTORCH_MIRROR', mirror)
    try:
        m = input_data.read_data_sets(str(tmp_path), source_url='http://127.0.0.1:9/')
    finally:
        server.shutdown()
    assert tries == [download.CONNECT_TIMEOUT_SECS]
    assert download.CONNECT_TIMEOUT_SECS < download.DOWNLOAD_TIMEOUT_SECS
    assert sorted(asked) == sorted('/' + name for name in input_data.SHA256)
    assert m.test.num_examples == 10000


def test_a_refused_site_is_skipped_and_the_error_names_the_mirror_variable(tmp_path,
                                                                          monkeypatch):
    monkeypatch.delenv('MNIST_MIRROR', raising=False)
    monkeypatch.setattr(input_data, 'PYTORCH_MIRROR', 'http://127.0.0.1:9/')  # the same site
    unreachable = set()
    with pytest.raises(input_data.DataError, match='MNIST_MIRROR'):
        input_data.maybe_download(input_data.TRAIN_IMAGES, str(tmp_path),
                                  'http://127.0.0.1:9/', unreachable)
    assert unreachable == {'http://127.0.0.1:9/'}
    with pytest.raises(input_data.DataError) as e:
        input_data.maybe_download(input_data.TRAIN_LABELS, str(tmp_path),
                                  'http://127.0.0.1:9/', unreachable)
    assert 'http://127.0.0.1:9/: skipped, unreachable before' in str(e.value)
    assert '\n' not in str(e.value)


def test_a_site_that_answers_404_is_asked_again(tmp_path, monkeypatch):
    """Only a site that cannot be reached is skipped: one that lacks a file may have others."""
    empty = tmp_path / 'empty'
    empty.mkdir()
    server, url, asked = serve_folder(str(empty))
    monkeypatch.delenv('MNIST_MIRROR', raising=False)
    monkeypatch.setattr(input_data, 'PYTORCH_MIRROR', url)
    unreachable = set()
    try:
        for name in (input_data.TEST_LABELS, input_data.TEST_IMAGES):
            with pytest.raises(input_data.DataError, match='File not found'):
                input_data.maybe_download(name, str(tmp_path / 'data'), url, unreachable)
    finally:
        server.shutdown()
    assert len(asked) == 2 and not unreachable


def test_a_certificate_failure_says_how_to_fix_it(tmp_path, data_dir, monkeypatch):
    """A real TLS server whose certificate is not trusted (self-signed, as a Python on macOS
    without its certificates sees every site)."""
    import ssl
    import subprocess
    key, cert = tmp_path / 'key.pem', tmp_path / 'cert.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
                    '-subj', '/CN=127.0.0.1', '-keyout', str(key), '-out', str(cert)],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server, url, asked = serve_folder(data_dir, context)
    monkeypatch.delenv('MNIST_MIRROR', raising=False)
    monkeypatch.setattr(input_data, 'PYTORCH_MIRROR', url)
    try:
        with pytest.raises(input_data.DataError) as e:
            input_data.read_data_sets(str(tmp_path / 'data'), source_url=url)
    finally:
        server.shutdown()
    message = str(e.value)
    assert 'CERTIFICATE_VERIFY_FAILED' in message
    assert 'Install Certificates.command' in message and 'MNIST_MIRROR' in message
    assert '\n' not in message and not asked


class TrickleHandler(http.server.BaseHTTPRequestHandler):
    """Serves any file as a long, slow body: a fetch that is still running when stopped."""

    def do_GET(self):
        self.send_response(200)
        self.send_header('Content-Length', str(1 << 24))
        self.end_headers()
        try:
            for _ in range(600):
                self.wfile.write(b'\0' * 4096)
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client went away
            pass

    def log_message(self, *args):
        pass


@posix_only('signals sent to a child process')
@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGINT])
def test_a_script_stopped_while_fetching_leaves_no_part_file(tmp_path, signum):
    """SIGTERM killed the script at once and left the fetch's .part file behind; now it ends
    as Ctrl-C does, its clean-up run."""
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), TrickleHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    data = tmp_path / 'data'
    try:
        proc = subprocess.Popen(
            command('mnist_test.py', '--once', '--data_dir', data, '--model_dir', tmp_path / 'm'),
            cwd=ROOT,
            env=script_env(MNIST_MIRROR='http://127.0.0.1:%d/' % server.server_address[1]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            # Ctrl-C as at a terminal, even where pytest runs as a background job (which
            # starts with SIGINT ignored, and its children with it).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.time() + 120
        while not (data.is_dir() and any(n.endswith('.part') for n in os.listdir(data))):
            assert time.time() < deadline and proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        time.sleep(1)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        server.shutdown()
    assert proc.returncode == 1, (proc.returncode, err)
    assert err.strip().splitlines()[-1] == 'mnist_test.py: interrupted.'
    assert 'Traceback' not in err
    assert os.listdir(data) == []

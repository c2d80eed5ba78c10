"""The server against dear pictures, slow clients and an idle flood (issue 18's figures).

    python benchmarks/bench_server.py                # models in model/ and model/lenet5/
    python benchmarks/bench_server.py --slow 60 --idle 900

Prints one line per figure. Linux only (reads the server's /proc/<pid>/ for its memory and
CPU). Targets: each dear picture <= 1.5 s; four 16-megapixel PNGs at once <= 3 s with the
server's memory growing <= 400 MB; 60 slow clients each dropped within 15 s while a normal
client gets only 200s, median <= 200 ms; with 900 idle connections the server burns <= 0.5
CPU s per s and answers a normal request (200 or 503) within 2 s; no traceback, no empty reply.
"""
import argparse
import io
import os
import re
import resource
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
from PIL import Image

from common import ROOT

PIC7 = open(os.path.join(ROOT, 'pic', '7.png'), 'rb').read()
EMPTY = []  # normal requests that got no reply at all


def encode(image, kind='PNG', **options):
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def dear_pictures():
    """(name, query, bytes): pictures cheap to send and dear to read."""
    rng = np.random.default_rng(18)
    photo = np.uint8(np.linspace(200, 240, 4618, dtype=np.float32)[None, :, None]
                     + rng.integers(0, 4, (3464, 4618, 3), dtype=np.uint8))
    photo[1000:2500, 2000:2200] = 30  # a '1', 16 megapixels of noisy paper around it
    png16 = encode(Image.fromarray(photo), compress_level=3)
    big = Image.new('RGB', (8000, 6000), (228, 226, 220))
    big.paste(Image.new('RGB', (500, 2400), (20, 20, 30)), (3800, 1800))
    huge = encode(Image.new('1', (12000, 12000), 1))
    ico = struct.pack('<HHH', 0, 1, 1) + struct.pack('<BBBBHHII', 0, 0, 0, 0, 1, 32, len(huge),
                                                     22) + huge
    grid = np.full((2000, 2000), 255, np.uint8)
    grid[::6, ::6] = 0
    strip = np.full((40, 3000), 255, np.uint8)
    strip[:, 1500:1510] = 0
    pictures = [('7000x7000 PNG', encode(Image.new('L', (7000, 7000), 255))),
                ('ICO holding a 12000x12000 PNG', ico),
                ('dot grid 2000x2000', encode(Image.fromarray(grid).convert('1'), optimize=True)),
                ('48 MP JPEG photo', encode(big, 'JPEG', quality=90)),
                ('16 MP noisy PNG', png16),
                ('24000x1000 PNG', encode(Image.new('L', (24000, 1000), 255))),
                ('3000x40 strip', encode(Image.fromarray(strip))),
                ('8x3000 strip', encode(Image.fromarray(strip[:8, 1400:].T.copy())))]
    for name, data in pictures:
        for number in ('0', '1'):
            yield '%s (%d KB), number=%s' % (name, len(data) // 1000, number), \
                '/predict?model=mlp&number=' + number, data
    yield 'png16', None, png16


def request(port, data, wait=60):
    """(status or None, seconds) of one request sent at once."""
    started = time.perf_counter()
    reply = b''
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=wait) as s:
            s.sendall(data)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
    except OSError:
        pass
    seconds = time.perf_counter() - started
    if not reply:
        EMPTY.append(data[:40])
        return None, seconds
    return int(reply.split(b' ', 2)[1]), seconds


def post(port, path, body):
    return request(port, b'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n'
                   b'Connection: close\r\n\r\n' % (path.encode(), len(body)) + body)


def rss_mb(pid):
    return int(re.search(r'VmRSS:\s+(\d+)', open('/proc/%d/status' % pid).read()).group(1)) / 1024


def cpu_secs(pid):
    fields = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


class Peak(threading.Thread):
    """The server's highest RSS while it runs (sampled every 20 ms)."""

    def __init__(self, pid):
        threading.Thread.__init__(self, daemon=True)
        self.pid, self.peak, self.running = pid, rss_mb(pid), True
        self.start()

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.join()
        return self.peak


def dear(port, pid):
    worst = 0.0
    png16 = None
    for name, path, data in dear_pictures():
        if path is None:
            png16 = data
            continue
        status, seconds = post(port, path, data)
        worst = max(worst, seconds)
        print('dear picture  %-52s %s in %.2f s' % (name, status, seconds), flush=True)
    print('dear pictures: slowest answer %.2f s (target <= 1.5 s)' % worst, flush=True)
    before, cpu = rss_mb(pid), cpu_secs(pid)
    peak = Peak(pid)
    results = [None] * 4
    threads = [threading.Thread(target=lambda k=k: results.__setitem__(
        k, post(port, '/predict?model=mlp', png16))) for k in range(4)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spent = time.perf_counter() - started
    grown, cpu = peak.stop() - before, cpu_secs(pid) - cpu
    time.sleep(2)
    print('four 16 MP PNGs at once: %s in %.2f s (target <= 3 s; the server used %.2f CPU s, '
          'load average %.1f on %d CPUs), server memory +%.0f MB at most (target <= 400 MB), '
          '+%.0f MB two seconds later' % ([r[0] for r in results], spent, cpu,
                                          os.getloadavg()[0], os.cpu_count(), grown,
                                          rss_mb(pid) - before), flush=True)


def trickle(port, first, rest, results):
    """Sends `first` at once, then `rest` a byte a second until the server answers or hangs up;
    records how long the server let it go on."""
    started = time.perf_counter()
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=60) as s:
            s.sendall(first)
            for k in range(len(rest)):
                s.sendall(rest[k:k + 1])
                time.sleep(1)
                s.setblocking(False)
                try:
                    s.recv(1, socket.MSG_PEEK)  # an answer, or b'' for a hang-up
                    break
                except BlockingIOError:
                    s.setblocking(True)
    except OSError:
        pass
    results.append(time.perf_counter() - started)


def slow(port, count):
    head = b'POST /predict?model=mlp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n'
    dropped = []
    threads = [threading.Thread(target=trickle, args=(port, b'', head, dropped))
               for _ in range(count // 2)]
    threads += [threading.Thread(target=trickle, args=(port, head, b'x' * 60, dropped))
                for _ in range(count - count // 2)]
    for t in threads:
        t.start()
    normal = []
    while any(t.is_alive() for t in threads):
        normal.append(post(port, '/predict?model=mlp', PIC7))
    for t in threads:
        t.join()
    statuses = sorted(set(s for s, _ in normal))
    print('slow clients: %d (half trickling headers, half the body), each dropped within %.1f s '
          '(target <= 15 s); meanwhile %d normal requests: statuses %s, median %.0f ms '
          '(target <= 200 ms)' % (count, max(dropped), len(normal), statuses,
                                  1000 * statistics.median(s for _, s in normal)), flush=True)


def idle(port, pid, count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 200)), hard))
    socks = []
    for _ in range(count):
        try:
            socks.append(socket.create_connection(('127.0.0.1', port), timeout=5))
        except OSError:
            break
    cpu, started = cpu_secs(pid), time.perf_counter()
    time.sleep(2)
    status, seconds = post(port, '/predict?model=mlp', PIC7)
    time.sleep(1)
    burn = (cpu_secs(pid) - cpu) / (time.perf_counter() - started)
    held = open_count(pid)
    print('idle flood: %d connections opened (the server holds %d); server CPU %.3f s per s '
          '(target <= 0.5); a normal request: %s in %.2f s (target 200 or 503 within 2 s)'
          % (len(socks), held, burn, status, seconds), flush=True)
    for s in socks:
        s.close()
    time.sleep(1)
    status, seconds = post(port, '/predict?model=mlp', PIC7)
    print('after the flood: %s in %.0f ms' % (status, 1000 * seconds), flush=True)


def open_count(pid):
    """The server's open TCP connections (its sockets, less the listener)."""
    count = 0
    for fd in os.listdir('/proc/%d/fd' % pid):
        try:
            count += os.readlink('/proc/%d/fd/%s' % (pid, fd)).startswith('socket:')
        except OSError:  # closed meanwhile
            pass
    return count - 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--slow', type=int, default=60, help='slow clients (default 60)')
    parser.add_argument('--idle', type=int, default=900, help='idle connections (default 900)')
    args = parser.parse_args()
    log = tempfile.NamedTemporaryFile('w+', suffix='.log')
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'mnist_app.py'), '--serve',
                             '--port', '0'], cwd=ROOT, stdout=subprocess.PIPE, stderr=log,
                            text=True)
    port = int(re.search(r':(\d+)/', proc.stdout.readline()).group(1))
    try:
        post(port, '/predict?model=mlp', PIC7)  # warm-up
        dear(port, proc.pid)
        slow(port, args.slow)
        idle(port, proc.pid, args.idle)
        started = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        print('Ctrl-C: exit %d after %.2f s' % (code, time.perf_counter() - started))
    finally:
        if proc.poll() is None:
            proc.kill()
    log.seek(0)
    text = log.read()
    print('clean: %d tracebacks in the server log (%d lines), %d empty replies to normal '
          'requests' % (text.count('Traceback'), len(text.splitlines()), len(EMPTY)))


if __name__ == '__main__':
    main()

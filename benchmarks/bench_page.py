"""The drawing page's figures: round trip in a real browser, the server under load, the same
answers as the command line, and the README's screenshot.

    python benchmarks/bench_page.py              # all of it (models in model/, model/lenet5/)
    python benchmarks/bench_page.py --load_secs 30 --clients 20

Needs Debian's chromium (/usr/bin/chromium) and `pip install playwright`.
"""
import argparse
import base64
import concurrent.futures
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from common import HERE, ROOT
import make_pictures

SERVING = re.compile(r'http://127\.0\.0\.1:(\d+)/')
SEVEN = [(70, 50), (210, 50), (120, 240)]


def start_server():
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'mnist_app.py'), '--serve',
                             '--port', '0'], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    port = SERVING.search(proc.stdout.readline()).group(1)
    return proc, 'http://127.0.0.1:%s' % port


def post(url, body, kind='mlp'):
    request = urllib.request.Request(url + '/predict?model=' + kind, data=body, method='POST')
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as reply:
        answer = json.loads(reply.read())
    return time.perf_counter() - started, answer


def rss_kb(pid):
    with open('/proc/%d/status' % pid) as f:
        return int(re.search(r'VmRSS:\s+(\d+)', f.read()).group(1))


# The benchmark's own stopwatch (app.js has no hook): from the end of the stroke (pointerup, or
# now for an upload) to the moment the page shows the answer or the error.
STOPWATCH = """() => {
  window.benchMs = null;
  let start = performance.now();
  document.addEventListener('pointerup', () => { start = performance.now(); },
                            {once: true, capture: true});
  new MutationObserver((changes, observer) => {
    observer.disconnect();
    window.benchMs = performance.now() - start;
  }).observe(document.querySelector('main'),
             {subtree: true, childList: true, characterData: true, attributeFilter: ['hidden']});
}"""


def timed(page, action):
    """Does `action`; returns the ms until the page showed the answer (STOPWATCH)."""
    page.evaluate(STOPWATCH)
    action()
    page.wait_for_function('window.benchMs !== null')
    return page.evaluate('window.benchMs')


def draw(page, points):
    box = page.locator('#pad').bounding_box()
    scale = box['height'] / 280.0

    def stroke():
        page.mouse.move(box['x'] + points[0][0] * scale, box['y'] + points[0][1] * scale)
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(box['x'] + x * scale, box['y'] + y * scale, steps=6)
        page.mouse.up()
    return timed(page, stroke)


def browser_figures(url, photos, strokes):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path='/usr/bin/chromium', args=['--no-sandbox'])
        page = browser.new_page(viewport={'width': 720, 'height': 1000})
        page.goto(url)
        page.wait_for_selector('#model option', state='attached')
        canvas_png = None
        for kind in ('mlp', 'lenet5'):
            page.select_option('#model', kind)
            times = []
            for k in range(strokes):
                page.click('#clear')
                times.append(draw(page, SEVEN))
            canvas_png = base64.b64decode(page.evaluate(
                "document.getElementById('pad').toDataURL('image/png')").split(',')[1])
            split = [post(url, canvas_png, kind)[1]['ms'] for _ in range(50)]
            print('%s: browser stroke -> answer on screen, 280x280 pad: median %.1f ms, p90 %.1f '
                  'ms (%d strokes); server per request: decoding %.2f ms, preprocessing %.2f ms, '
                  'network %.2f ms (medians of 50)' % (
                      kind, statistics.median(times), sorted(times)[int(0.9 * len(times))],
                      len(times), *(statistics.median(s[key] for s in split)
                                    for key in ('decode', 'preprocess', 'network'))),
                  flush=True)
        page.select_option('#model', 'mlp')
        page.click('#clear')
        draw(page, SEVEN)
        os.makedirs(os.path.join(HERE, 'figures'), exist_ok=True)
        shot = os.path.join(HERE, 'figures', 'page.png')
        page.screenshot(path=shot, full_page=True)
        from PIL import Image
        Image.open(shot).convert('RGB').quantize(64).save(shot, optimize=True)
        print('screenshot: %s (%d KB)'
              % (os.path.relpath(shot, ROOT), os.path.getsize(shot) // 1024))

        cli = subprocess.run([sys.executable, os.path.join(ROOT, 'mnist_app.py')] + photos,
                             capture_output=True, text=True, cwd=ROOT).stdout.splitlines()
        same = 0
        for path, line in zip(photos, cli):
            timed(page, lambda: page.set_input_files('#photo', path))
            shown = page.inner_text('#answer') or 'error'
            same += line.split(': ')[1].split(' ')[0] == shown
        print('page upload vs python mnist_app.py <file>: %d of %d pictures give the same answer'
              % (same, len(photos)), flush=True)
        browser.close()


def load(url, pid, bodies, clients, secs, warmup=10):
    """`clients` threads posting pictures for `secs` seconds, after `warmup` seconds of the same
    load (the allocator's per-thread arenas fill then); RSS sampled every 5 s."""
    latencies, errors, samples = [], [], []
    lock = threading.Lock()
    measuring = threading.Event()
    deadline = time.time() + warmup + secs

    def client(k):
        n = k
        while time.time() < deadline:
            try:
                latency, answer = post(url, bodies[n % len(bodies)])
                if measuring.is_set():
                    with lock:
                        latencies.append(latency)
            except Exception as e:  # counted, not raised: the figure is how many
                if measuring.is_set():
                    with lock:
                        errors.append(repr(e))
            n += 1
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client, k) for k in range(clients)]
        time.sleep(warmup)
        measuring.set()
        started = time.time()
        while time.time() < deadline:
            samples.append(rss_kb(pid))
            time.sleep(5)
        samples.append(rss_kb(pid))
        for f in futures:
            f.result()
    wall = time.time() - started
    latencies.sort()
    print('load: %d clients for %.0f s (after %d s of the same load): %d requests, %.0f '
          'requests/s, latency p50 %.0f ms, p99 %.0f ms, %d errors; server RSS every 5 s (MB): '
          '%s (%+.1f%% over the run)' % (
              clients, wall, warmup, len(latencies), len(latencies) / wall,
              1000 * latencies[len(latencies) // 2], 1000 * latencies[int(0.99 * len(latencies))],
              len(errors), ' '.join('%.0f' % (kb / 1024) for kb in samples),
              100.0 * (samples[-1] - samples[0]) / samples[0]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--load_secs', type=float, default=30)
    parser.add_argument('--strokes', type=int, default=30)
    parser.add_argument('--load_only', action='store_true', help='only the load test')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        photos = [os.path.join(ROOT, 'pic', '%d.png' % d) for d in range(10)]
        photos += [os.path.join(folder, f) for f in make_pictures.make_photos(folder)]
        proc, url = start_server()
        try:
            if not args.load_only:
                browser_figures(url, photos, args.strokes)
            bodies = [open(p, 'rb').read() for p in photos[:10]]
            load(url, proc.pid, bodies, args.clients, args.load_secs)
        finally:
            proc.terminate()
            proc.wait()


if __name__ == '__main__':
    main()

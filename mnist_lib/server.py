"""`mnist_app.py --serve`: the drawing page and its HTTP API, on Python's own http.server.

    GET  /                                   the page (web/index.html), and /web/<its files>
    GET  /models                             {"models": [{"name", "trained", "hint"}, ...]}
    POST /predict?model=mlp|lenet5&number=0|1   body: the picture file's bytes -> JSON answer

Every answer is JSON or one of the page's own files; an error is {"error": "<one line>"}
with its status. Each model is loaded once; a request costs one decoding, one
preprocessing and one session run (recognise.read, as the app's other modes).
"""
import base64
import io
import json
import os
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

import mnist_forward
from mnist_lib import model as model_lib
from mnist_lib import picture
from mnist_lib import recognise
from mnist_lib.errors import UsageError

WEB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'web')
MAX_BODY = 20 * 1000 * 1000  # bytes of picture a request may send
READ_TIMEOUT = 10            # seconds a client may take to send its request
BUSY = 4                     # pictures worked on at once; more requests wait their turn
TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
         '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml'}
# A picture's error, by its kind (picture.PictureError): the status that answers it.
STATUS = {'empty': 400, 'too large': 413, 'unreadable': 415, 'content': 422}


class HttpError(Exception):
    def __init__(self, status, message):
        Exception.__init__(self, message)
        self.status = status


def data_uri(array):
    png = io.BytesIO()
    recognise.input_png(array).save(png, 'PNG')
    return 'data:image/png;base64,' + base64.b64encode(png.getvalue()).decode('ascii')


def answer(reading, kind, timings):
    """The JSON answer for a reading (the same facts the app prints)."""
    doubt = recognise.doubt(reading)
    return {'model': kind, 'number': recognise.number_text(reading), 'digits': reading.digits,
            'confidence': [float(p[d]) for p, d in zip(reading.probabilities, reading.digits)],
            'probabilities': [[round(float(v), 6) for v in p] for p in reading.probabilities],
            'inputs': [data_uri(a) for a in reading.inputs],
            'boxes': [list(b) for b in reading.boxes],
            'unsure': doubt is not None,
            'notice': 'not sure: %s or %s?' % doubt if doubt else None,
            'ms': {k: round(1000 * v, 2) for k, v in timings.items()}}


class Handler(BaseHTTPRequestHandler):
    server_version = 'mnist_app'
    timeout = READ_TIMEOUT  # a stalled or truncated request is dropped, its thread freed
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):  # one person's page: no access log on the terminal
        pass

    def send_json(self, status, payload, extra=()):
        body = json.dumps(payload).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Cache-Control', 'no-store')
        for header in extra:
            self.send_header(*header)
        self.end_headers()
        self.wfile.write(body)

    def send_file(self, path):
        with open(path, 'rb') as f:
            body = f.read()
        self.send_response(200)
        self.send_header('Content-Type', TYPES.get(os.path.splitext(path)[1],
                                                   'application/octet-stream'))
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_errors(self, work):
        try:
            work()
        except HttpError as e:
            if e.status == 413:
                self.close_connection = True  # the body was not read: do not reuse the line
            self.send_json(e.status, {'error': str(e)},
                           [('Allow', 'GET, POST')] if e.status == 405 else ())

    def do_GET(self):
        self.handle_errors(self.get)

    def do_POST(self):
        self.handle_errors(self.post)

    def refuse(self):
        self.close_connection = True
        self.send_json(405, {'error': '%s is not allowed here; use GET or POST' % self.command},
                       [('Allow', 'GET, POST')])

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = refuse

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        if '..' in path or '\\' in path or '\0' in path:
            raise HttpError(404, 'no such page: %s' % url.path)
        return path, urllib.parse.parse_qs(url.query)

    def get(self):
        path, _ = self.route()
        if path in ('/', '/index.html'):
            return self.send_file(os.path.join(WEB_DIR, 'index.html'))
        if path == '/models':
            return self.send_json(200, {'models': self.server.model_list()})
        if path == '/predict':
            raise HttpError(405, 'GET is not allowed on /predict; POST the picture')
        name = path[len('/web/'):] if path.startswith('/web/') else None
        if name and name in self.server.web_files:
            return self.send_file(os.path.join(WEB_DIR, name))
        raise HttpError(404, 'no such page: %s' % path)

    def post(self):
        path, query = self.route()
        if path != '/predict':
            raise HttpError(404 if path not in ('/', '/models') else 405,
                            'no such page: %s' % path if path not in ('/', '/models')
                            else 'POST is not allowed on %s' % path)
        kind = (query.get('model') or ['mlp'])[0]
        number = (query.get('number') or ['0'])[0]
        if kind not in self.server.models:
            raise HttpError(400, 'unknown model %r (mlp or lenet5)' % kind)
        if number not in ('0', '1'):
            raise HttpError(400, 'number must be 0 or 1, not %r' % number)
        model = self.server.models.get(kind)
        if model is None:
            raise HttpError(409, '%s is not trained yet: python %s'
                            % (kind, self.server.trainers[kind]))
        length = self.headers.get('Content-Length')
        if self.headers.get('Transfer-Encoding') or length is None:
            self.close_connection = True
            raise HttpError(411, 'send the picture with a Content-Length')
        try:
            length = int(length)
        except ValueError:
            raise HttpError(400, 'Content-Length is not a number')
        if length > MAX_BODY:
            raise HttpError(413, 'the picture is too large (%d bytes; the limit is %d)'
                            % (length, MAX_BODY))
        if length <= 0:
            raise HttpError(400, 'the request has no picture (empty body)')
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True
            raise HttpError(400, 'the picture was cut short (%d of %d bytes)'
                            % (len(body), length))
        timings = {}
        with self.server.busy:
            try:
                reading = recognise.read(body, model, number == '1', timings=timings)
            except picture.PictureError as e:
                message = 'the upload %s' % e
                raise HttpError(STATUS[e.kind], message)
        self.send_json(200, answer(reading, kind, timings))


class Server(ThreadingHTTPServer):
    daemon_threads = True      # a hung client never keeps the process alive
    request_queue_size = 128   # 50 clients at once wait in the queue, none refused

    def __init__(self, address, models, trainers):
        self.models = models
        self.trainers = trainers
        self.busy = threading.BoundedSemaphore(BUSY)
        self.web_files = sorted(f for f in os.listdir(WEB_DIR) if not f.startswith('.'))
        ThreadingHTTPServer.__init__(self, address, Handler)

    def model_list(self):
        return [{'name': kind, 'trained': self.models.get(kind) is not None,
                 'hint': None if self.models.get(kind) else
                 'not trained yet: python %s' % self.trainers[kind]}
                for kind in self.models]


def load_models(specs, model_dirs, fc_size):
    """Every model of `specs` (name -> model.Spec) that has a checkpoint, restored once and
    run once (the first session run optimises the graph: before the first visitor, not
    during); None for the others."""
    models = {}
    for kind, spec in specs.items():
        model = model_lib.Model(spec, model_dirs.get(kind), fc_size)  # (the MLP ignores it)
        if model.checkpoint:
            model.predict(np.zeros((1, mnist_forward.INPUT_NODE), np.float32))
        models[kind] = model if model.checkpoint else None
    return models


def serve(models, trainers, host, port):
    """Serves `models` (name -> Model or None; `trainers`: name -> the script that trains it)
    until Ctrl-C; returns the exit status (0)."""
    if not any(models.values()):
        raise UsageError('no model is trained yet: python mnist_backward.py (or '
                         'mnist_lenet5_backward.py) first')
    try:
        server = Server((host, port), models, trainers)
    except OSError as e:
        raise UsageError('cannot serve on %s:%d (%s)' % (host, port, e.strerror or e))
    shown = host if ':' not in host else '[%s]' % host
    try:
        print('Serving the drawing page on http://%s:%d/ (Ctrl-C to stop)'
              % (shown, server.server_address[1]), flush=True)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0

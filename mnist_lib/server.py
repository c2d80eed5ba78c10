"""`mnist_app.py --serve`: the drawing page and its HTTP API (connections.Loop runs the sockets).

    GET  /                                   the page (web/index.html), and /web/<its files>
    GET  /models                             {"models": [{"name", "trained", "hint"}, ...]}
    POST /predict?model=mlp|lenet5&number=0|1&reject=1|0
                                             body: the picture file's bytes -> JSON answer
                                             (reject=0: no judge, a digit is named
                                             unless the picture is blank)

Every answer is JSON or one of the page's own files; an error is {"error": "<one line>"}
with its status. Each model is loaded once; a request costs one decoding, one
preprocessing and one session run (recognise.read, as the app's other modes). On a loopback
address only requests for localhost, 127.0.0.1 or [::1] are answered (a DNS-rebinding page
gets 403), and a POST from another site's page (its Origin) is refused. One line per request
goes to stderr: client, method, path, status, milliseconds.
"""
import base64
import io
import ipaddress
import os
import re
import signal
import socket
import sys
import urllib.parse

from mnist_lib import connections
from mnist_lib import http_wire as wire
from mnist_lib import input_pictures
from mnist_lib import picture
from mnist_lib import recognise
from mnist_lib.errors import UsageError

WEB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'web')
MAX_BODY = 20 * 1000 * 1000  # bytes of picture a request may send
# Pictures worked on at once (worker threads): no more than the CPUs, as decoding is CPU-bound
# and each one holds its pixels; more requests wait their turn.
BUSY = max(2, min(4, os.cpu_count() or 1))
MAX_CONNECTIONS = 512        # open connections at once (fewer where the file limit is lower)
TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
         '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml'}
# A picture's error, by its kind (picture.PictureError): the status that answers it.
STATUS = {'empty': 400, 'too large': 413, 'unreadable': 415, 'content': 422}
LOOPBACK_NAMES = ('localhost', '127.0.0.1', '[::1]')  # and the address it was given
ALLOW = [('Allow', 'GET, HEAD, POST')]
PARAMETERS = ('model', 'number', 'reject')  # of POST /predict, each at most once


def data_uri(array):
    png = io.BytesIO()
    input_pictures.input_png(array).save(png, 'PNG')
    return 'data:image/png;base64,' + base64.b64encode(png.getvalue()).decode('ascii')


def answer(reading, kind, timings, number=False):
    """The JSON answer for a reading (the same facts the app prints). A picture with no
    digit: "not_a_digit": true, "number": "", "digits": [], and the network's probabilities
    and input as it would have answered; "whole_digit" is the judge's probability (the least
    of a number's digits; 0 for a blank picture; null when it was not asked); "several_marks"
    whether such a picture's marks stand side by side, as a number's digits (null when not
    asked), which "notice" then says to read as a number. With `number`,
    "not_a_number" says the same of a whole number. "boxes" are in the picture's own pixels,
    upright (EXIF)."""
    doubt = recognise.doubt(reading)
    whole = reading.whole
    return {'model': kind, 'number': recognise.number_text(reading), 'digits': reading.digits,
            'not_a_digit': bool(reading.not_a_digit),
            'not_a_number': bool(reading.not_a_digit) if number else None,
            'whole_digit': None if whole is None else round(float(min(whole, default=0.0)), 6),
            'rows': recognise.row_texts(reading),
            'confidence': [float(p[d]) for p, d in zip(reading.probabilities, reading.digits)],
            'probabilities': [[round(float(v), 6) for v in p] for p in reading.probabilities],
            'inputs': [data_uri(a) for a in reading.inputs],
            'boxes': [list(b) for b in reading.boxes],
            'unsure': doubt is not None,
            'several_marks': reading.several,
            'notice': 'not sure: %s or %s?' % doubt if doubt else
            'A number? Tick "number" to read several digits.' if reading.several else None,
            'ms': {k: round(1000 * v, 2) for k, v in timings.items()}}


def _target(head):
    """(path, query {name: [values]}) of a request's target, which early() has checked begins
    with '/': split at the first '?' (a path beginning '//' is a path, not a host, as urlsplit
    would take it). A blank value stays blank: reject= is refused, not taken for 1."""
    path, _, query = head.target.partition('?')
    return path, urllib.parse.parse_qs(query, keep_blank_values=True)


class App(object):
    """The page and its API, for connections.Loop: `early` answers from a request's head (every
    GET, and every POST refused before its body is read), `answer` reads a picture."""

    def __init__(self, models, loopback, judge=None, reject=True, no_judge=None,
                 host='127.0.0.1'):
        self.models, self.loopback = models, loopback
        names = LOOPBACK_NAMES + (host,)  # (as its URL shows it: an IPv6 address in [])
        self.own_host = re.compile(r'^(%s)(:\d{1,5})?$' % '|'.join(map(re.escape, names)), re.I)
        self.judge, self.reject, self.no_judge = judge, reject, no_judge
        self.web_files = sorted(f for f in os.listdir(WEB_DIR) if not f.startswith('.'))

    def early(self, head, client):
        host = wire.header(head, 'host')
        if host is None and (head.version >= (1, 1) or 'host' in head.headers):
            return wire.error(400, 'the request needs one Host header')
        if self.loopback and host is not None and not self.own_host.match(host):
            return wire.error(403, 'this server answers its own page only, on localhost or '
                              '127.0.0.1 (Host %s refused)' % host[:80])
        if head.method in ('PUT', 'DELETE', 'PATCH', 'OPTIONS'):
            return wire.error(405, '%s is not allowed here; use GET or POST' % head.method,
                              ALLOW)
        if head.method not in ('GET', 'HEAD', 'POST'):
            return wire.error(501, '%s is not a method this server knows; use GET or POST'
                              % head.method[:20])
        if not head.target.startswith('/'):
            return wire.error(400, 'the request target must be a path: %s' % head.target[:80])
        raw, query = _target(head)
        path = urllib.parse.unquote(raw)
        if '..' in path or '\\' in path or '\0' in path:
            return wire.error(404, 'no such page: %s' % raw[:80])
        if head.method in ('GET', 'HEAD'):  # HEAD: GET's answer without its body
            return self.get(path)._replace(head_only=head.method == 'HEAD')
        return self.check_post(head, path, query, host)

    def get(self, path):
        if path in ('/', '/index.html'):
            return file_response(os.path.join(WEB_DIR, 'index.html'))
        if path == '/models':
            return wire.json_response(200, {'models': self.models.listing()})
        if path == '/predict':
            return wire.error(405, 'GET is not allowed on /predict; POST the picture', ALLOW)
        name = path[len('/web/'):] if path.startswith('/web/') else None
        if name and name in self.web_files:
            return file_response(os.path.join(WEB_DIR, name))
        return wire.error(404, 'no such page: %s' % path)

    def check_post(self, head, path, query, host):
        """A refusal of a POST from its head alone, or None: read the picture."""
        if path != '/predict':
            if path in ('/', '/models'):
                return wire.error(405, 'POST is not allowed on %s' % path, ALLOW)
            return wire.error(404, 'no such page: %s' % path)
        origin = head.headers.get('origin')
        if origin is not None and (len(origin) != 1 or host is None
                                   or origin[0].lower() != 'http://' + host.lower()):
            return wire.error(403, 'a picture sent from another site (Origin %s) is refused'
                              % ', '.join(origin)[:80])
        for name, values in query.items():
            if name not in PARAMETERS:
                return wire.error(400, 'unknown parameter %r (%s)'
                                  % (name[:40], ', '.join(PARAMETERS)))
            if len(values) > 1:
                return wire.error(400, 'parameter %r given %d times; give it once'
                                  % (name, len(values)))
        kind = (query.get('model') or ['mlp'])[0]
        number = (query.get('number') or ['0'])[0]
        if kind not in self.models:
            return wire.error(400, 'unknown model %r (mlp or lenet5)' % kind[:40])
        if number not in ('0', '1'):
            return wire.error(400, 'number must be 0 or 1, not %r' % number[:40])
        reject = (query.get('reject') or ['1'])[0]
        if reject not in ('0', '1'):
            return wire.error(400, 'reject must be 0 or 1, not %r' % reject[:40])
        if self.models.get(kind) is None:
            return wire.error(409, '%s is %s' % (kind, self.models.hint(kind)))
        if self.judge is None and self.no_judge and (number == '1' or self._judged(query)):
            return wire.error(503, self.no_judge)
        if (wire.header(head, 'content-type') or '').lower().startswith('multipart/'):
            return wire.error(415, 'the upload is a form (multipart); send the picture file '
                              'itself as the body, as the page does')
        if 'transfer-encoding' in head.headers or head.length is None:
            return wire.error(411, 'send the picture with a Content-Length')
        if head.length > MAX_BODY:
            return wire.error(413, 'the picture is too large (%d bytes; the limit is %d)'
                              % (head.length, MAX_BODY))
        if head.length == 0:
            return wire.error(400, 'the request has no picture (empty body)')
        return None

    def _judged(self, query):
        """Whether a request asks the judge of a single digit: its reject=, else --reject."""
        return (query.get('reject') or ['1' if self.reject else '0'])[0] == '1'

    def answer(self, head, body):
        """A POST /predict whose body has arrived (in a worker thread)."""
        query = _target(head)[1]
        kind = (query.get('model') or ['mlp'])[0]
        number = (query.get('number') or ['0'])[0] == '1'
        judged = number or self._judged(query)

        timings = {}
        try:
            reading = recognise.read(body, self.models.get(kind), number, timings=timings,
                                     judge=self.judge if judged else None)
        except picture.PictureError as e:
            return wire.error(STATUS[e.kind], 'the upload %s' % e)
        return wire.json_response(200, answer(reading, kind, timings, number))


def file_response(path):
    with open(path, 'rb') as f:
        body = f.read()
    return wire.Response(200, body, TYPES.get(os.path.splitext(path)[1],
                                              'application/octet-stream'), [])


def listen(host, port):
    """The listening socket. Not shared with another server: on Windows SO_REUSEADDR would let
    a second server bind a port in use, so it is set only elsewhere (where it merely allows a
    restart while old connections linger)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != 'nt':
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def connection_cap():
    """MAX_CONNECTIONS, or fewer where the process may open fewer files (macOS: 256)."""
    try:
        import resource
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return MAX_CONNECTIONS
    return MAX_CONNECTIONS if soft == resource.RLIM_INFINITY else max(
        64, min(MAX_CONNECTIONS, soft - 64))


def serve(models, host, port, judge=None, reject=True, no_judge=None):
    """Serves `models` (served_models.ServedModels),
    with the `judge` (numbers need it) asked of single digits unless not `reject` or a
    request says reject=0, until Ctrl-C or SIGTERM; then the requests in flight finish (up to
    connections.GRACE s). Without a judge, `no_judge` (why: its weights are missing) answers
    the requests that need one, with 503. Returns the exit status (0)."""
    if not models.any():
        raise UsageError('no model is trained yet: python mnist_backward.py (or '
                         'mnist_lenet5_backward.py) first')
    if host.startswith('[') and host.endswith(']'):
        host = host[1:-1]  # an IPv6 address as a URL writes it
    shown = host if ':' not in host else '[%s]' % host  # (as a URL writes it)
    try:
        sock = listen(host, port)
    except (OSError, UnicodeError) as e:
        raise UsageError('cannot serve on %s:%d (%s)' % (shown, port, getattr(e, 'strerror', None)
                                                         or e))
    address = ipaddress.ip_address(sock.getsockname()[0].split('%')[0])
    loopback = (getattr(address, 'ipv4_mapped', None) or address).is_loopback  # ::ffff:127.x
    loop = connections.Loop(sock, App(models, loopback, judge, reject, no_judge, shown),
                            BUSY, connection_cap())
    previous = {}

    def stop(signum, frame):
        loop.stop(now=loop.stopping is not None)  # a second Ctrl-C: at once
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, stop)
    except ValueError:  # not the main thread: the caller stops the loop
        pass
    try:
        if not loopback:
            print('Warning: serving on %s, not this computer only: there is no login, so anyone '
                  'on that network can use the page.' % host, file=sys.stderr, flush=True)
        print('Serving the drawing page on http://%s:%d/ (Ctrl-C to stop)'
              % (shown, sock.getsockname()[1]), flush=True)
        loop.run()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0

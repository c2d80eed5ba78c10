"""HTTP/1.1 on the wire, strictly: a request's head parsed with limits, and a response's bytes.

The parser refuses what lets two programs disagree on where a request ends (request
smuggling): a duplicate or malformed Content-Length, folded header lines, spaces before a
header's colon. Its errors carry the status that answers them (400, 414, 431, 505).
"""
import collections
import email.utils
import json
import re
from http import HTTPStatus

MAX_LINE = 8 * 1024     # bytes of request line (longer: 414)
MAX_HEAD = 32 * 1024    # bytes of request line and headers together (more: 431)
MAX_HEADERS = 100       # header lines (more: 431)
TOKEN = re.compile(rb'^[!#$%&\'*+\-.^_`|~0-9A-Za-z]+$')
VERSION = re.compile(rb'^HTTP/(\d)\.(\d)$')
DIGITS = re.compile(r'^[0-9]{1,18}$')

# A parsed head: method and target as text, (major, minor) version, headers as a dict of
# lower-case name -> [values], and the announced body length (None: no Content-Length).
Head = collections.namedtuple('Head', 'method target version headers length')
# An answer: status, body bytes, Content-Type, extra [(name, value)] headers; `head_only`
# (the answer to HEAD): the headers, Content-Length the body's, and no body.
Response = collections.namedtuple('Response', 'status body type extra head_only',
                                  defaults=(False,))


class WireError(Exception):
    """A request that cannot be parsed; `status` answers it, and the connection closes."""

    def __init__(self, status, message):
        Exception.__init__(self, message)
        self.status = status


def json_response(status, payload, extra=()):
    return Response(status, json.dumps(payload).encode('utf-8'), 'application/json',
                    list(extra))


def error(status, message, extra=()):
    """Every error is JSON: {"error": "<one line>"}."""
    return json_response(status, {'error': message}, extra)


def internal_error(e):
    """A bug met while answering: 500 with the exception's first line (the server goes on)."""
    return error(500, 'internal error: %s' % (str(e).splitlines() or [type(e).__name__])[0])


def head_end(buffer):
    """(end of the head, start of the body) in `buffer`, or None while the head is incomplete.
    Raises WireError when the head grows past the limits."""
    crlf, lf = buffer.find(b'\r\n\r\n'), buffer.find(b'\n\n')
    ends = [(i, i + 4) for i in (crlf,) if i >= 0] + [(i, i + 2) for i in (lf,) if i >= 0]
    if ends:
        return min(ends)
    line_end = buffer.find(b'\n')
    if (line_end < 0 and len(buffer) > MAX_LINE) or line_end > MAX_LINE:
        raise WireError(414, 'the request line is longer than %d bytes' % MAX_LINE)
    if len(buffer) > MAX_HEAD:
        raise WireError(431, 'the request headers are larger than %d bytes' % MAX_HEAD)
    return None


def parse_head(data):
    """The bytes before the blank line -> Head. Raises WireError."""
    if len(data) > MAX_HEAD:
        raise WireError(431, 'the request headers are larger than %d bytes' % MAX_HEAD)
    lines = [line[:-1] if line.endswith(b'\r') else line for line in data.split(b'\n')]
    request_line = lines[0]
    if len(request_line) > MAX_LINE:
        raise WireError(414, 'the request line is longer than %d bytes' % MAX_LINE)
    parts = request_line.split(b' ')
    if len(parts) != 3 or not TOKEN.match(parts[0]) or not parts[1]:
        raise WireError(400, 'bad request syntax: %r' % request_line[:100].decode('latin-1'))
    version = VERSION.match(parts[2])
    if not version:
        raise WireError(400, 'bad request version: %r' % parts[2][:20].decode('latin-1'))
    version = (int(version.group(1)), int(version.group(2)))
    if version[0] != 1:
        raise WireError(505, 'HTTP/%d.%d is not supported; use HTTP/1.1' % version)
    if len(lines) - 1 > MAX_HEADERS:
        raise WireError(431, 'more than %d request headers' % MAX_HEADERS)
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b':')
        if not colon or not TOKEN.match(name):  # folded lines, spaces before the colon
            raise WireError(400, 'bad header line: %r' % line[:100].decode('latin-1'))
        headers.setdefault(name.decode('ascii').lower(), []).append(
            value.strip(b' \t').decode('latin-1'))
    length = None
    if 'content-length' in headers:
        values = [v.strip() for v in ','.join(headers['content-length']).split(',')]
        if len(values) != 1:
            raise WireError(400, 'more than one Content-Length')
        if not DIGITS.match(values[0]):
            raise WireError(400, 'Content-Length is not a number: %r' % values[0][:20])
        length = int(values[0])
    target = parts[1].decode('latin-1')
    return Head(parts[0].decode('ascii'), target, version, headers, length)


def header(head, name):
    """The one value of header `name`, or None (absent, or sent more than once)."""
    values = head.headers.get(name.lower())
    return values[0] if values and len(values) == 1 else None


def keep_alive(head):
    """True when the client lets the connection stay open after the answer."""
    words = {w.strip().lower() for v in head.headers.get('connection', []) for w in v.split(',')}
    if head.version >= (1, 1):
        return 'close' not in words
    return 'keep-alive' in words


def render(response, close):
    """The response's bytes: status line, headers, body."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = 'Unknown'
    lines = ['HTTP/1.1 %d %s' % (response.status, reason),
             'Server: mnist_app',
             'Date: %s' % email.utils.formatdate(usegmt=True),
             'Content-Type: %s' % response.type,
             'Content-Length: %d' % len(response.body)]
    if response.type == 'application/json':
        lines.append('Cache-Control: no-store')
    lines += ['%s: %s' % pair for pair in response.extra]
    if close:
        lines.append('Connection: close')
    return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + (
        b'' if response.head_only else response.body)


def log_line(client, head, status, seconds):
    """The server's line per request: client, method, path, status, milliseconds."""
    target = ''.join(c if ' ' < c < '\x7f' else '%%%02X' % ord(c) for c in head.target[:200]
                     ) if head else '-'
    return '%s %s %s %d %.0f ms' % (client[0], head.method if head else '-', target, status,
                                    1000 * seconds)

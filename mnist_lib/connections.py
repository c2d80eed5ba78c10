"""The server's connections: one thread reads and writes every socket, a few workers compute.

Reading a request and writing its answer cost no thread, so a client that trickles one byte
a second holds nothing but its socket, and is dropped at its deadline. Past `cap` open
connections the longest-idle one makes room; with none idle, the newcomer
gets a fast 503 with Retry-After. When the process runs out of file descriptors, accepting
pauses for a moment instead of spinning.
"""
import errno
import selectors
import sys
import time

from mnist_lib import http_wire as wire
from mnist_lib import workers as workers_lib

RECEIVE = 10.0   # seconds from a request's first byte until all of it (head, body) is in
IDLE = 5.0       # seconds an open connection may wait before its next request begins
SEND = 10.0      # seconds an answer may take to be taken by the client
WAIT = 10.0      # seconds a request may wait for a worker (then 503)
GRACE = 5.0      # seconds requests in flight get to finish on a stop
MAX_BUFFERED = 200 * 1000 * 1000  # bytes of request bodies held at once (more: 503)
TICK = 0.25                      # seconds between deadline sweeps
RETRY = workers_lib.RETRY


class Connection(object):
    """One client's socket, what it has sent and what it has yet to take, and its state."""

    def __init__(self, sock, address, now):
        self.sock, self.address = sock, address
        self.inbox, self.outbox = bytearray(), bytearray()
        self.state = 'reading'   # reading -> working -> writing -> reading (or closed)
        self.deadline = now + IDLE
        self.head = None
        self.started = now
        self.close_after = False
        self.budget = 0          # bytes of MAX_BUFFERED this request holds

    def idle(self):
        return self.state == 'reading' and not self.inbox


class Loop(object):
    """`app.early(head, client)` answers a request from its head alone (a Response) or lets
    its body be read (None); `app.answer(head, body)` answers it in a worker."""

    def __init__(self, listener, app, workers, cap, log=None):
        self.listener, self.app, self.cap = listener, app, cap
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.selector = selectors.DefaultSelector()
        self.conns = {}
        self.workers = workers_lib.Workers(workers, app.answer, WAIT)
        listener.setblocking(False)
        self.selector.register(listener, selectors.EVENT_READ, 'accept')
        self.selector.register(self.workers.wake_r, selectors.EVENT_READ, 'wake')
        self.accept_paused_until = None
        self.next_sweep = 0.0
        self.buffered = 0
        self.stopping = None     # the moment a stop was asked for

    # --- the outside ------------------------------------------------------------------

    def stop(self, now=False):
        """Stops accepting; requests in flight finish (up to GRACE s, or none with `now`).
        Safe to call from a signal handler."""
        self.stopping = 0.0 if now else (self.stopping or time.monotonic())
        self.workers.wake()

    def run(self):
        """Serves until stop() and the requests in flight are done (or GRACE has passed)."""
        while True:
            now = time.monotonic()
            if self.stopping is not None:
                if not self._stopping(now):
                    break
            for key, events in self.selector.select(TICK):
                if key.data == 'accept':
                    self._accept()
                elif key.data != 'wake':
                    self._ready(key.data, events)
            for conn, response in self.workers.finished():
                if conn.sock.fileno() >= 0:  # (not closed by a stop meanwhile)
                    self.selector.register(conn.sock, selectors.EVENT_READ, conn)
                    self._respond(conn, response, close=False)
            self._sweep(time.monotonic())
        for conn in list(self.conns.values()):
            self._close(conn)
        self.selector.close()

    def _stopping(self, now):
        if self.listener is not None:
            self.selector.unregister(self.listener)
            self.listener.close()
            self.listener = None
        for conn in list(self.conns.values()):
            if conn.idle():
                self._close(conn)
        return bool(self.conns) and now - self.stopping < GRACE

    def _accept(self):
        for _ in range(64):
            try:
                sock, address = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                if e.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    self.selector.unregister(self.listener)  # out of descriptors: rest a bit
                    self.accept_paused_until = time.monotonic() + 0.5
                return
            sock.setblocking(False)
            now = time.monotonic()
            if len(self.conns) >= self.cap and not self._make_room():
                try:
                    sock.send(wire.render(wire.error(503, 'the server is busy (%d connections);'
                                                     ' try again' % self.cap, RETRY), True))
                except OSError:
                    pass
                sock.close()
                self.log(wire.log_line(address, None, 503, 0))
                continue
            conn = Connection(sock, address, now)
            self.conns[sock.fileno()] = conn
            self.selector.register(sock, selectors.EVENT_READ, conn)

    def _make_room(self):
        idle = [c for c in self.conns.values() if c.idle()]
        if not idle:
            return False
        self._close(min(idle, key=lambda c: c.deadline))
        return True

    def _ready(self, conn, events):
        if events & selectors.EVENT_WRITE:
            self._send(conn)
        elif events & selectors.EVENT_READ:
            try:
                data = conn.sock.recv(262144)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b''
            if not data:
                return self._close(conn)
            if not conn.inbox and conn.head is None:
                conn.started = time.monotonic()   # a request begins: its deadline runs
                conn.deadline = conn.started + RECEIVE
            conn.inbox += data
            self._parse(conn)

    def _parse(self, conn):
        try:
            if conn.head is None:
                if conn.inbox[:1] in (b'\r', b'\n'):  # blank lines between requests
                    conn.inbox = bytearray(conn.inbox.lstrip(b'\r\n'))
                ends = wire.head_end(conn.inbox)
                if ends is None:
                    return
                conn.head = wire.parse_head(bytes(conn.inbox[:ends[0]]))
                del conn.inbox[:ends[1]]
                try:
                    early = self.app.early(conn.head, conn.address)
                except Exception as e:  # a bug: one line, and the server goes on
                    early = wire.internal_error(e)
                if early is not None:
                    announced = conn.head.length or 'transfer-encoding' in conn.head.headers
                    return self._respond(conn, early, close=bool(announced))
                length = conn.head.length or 0
                if self.buffered + length > MAX_BUFFERED:
                    return self._respond(conn, wire.error(503, 'the server is busy (too many '
                                                          'pictures at once); try again',
                                                          RETRY), close=True)
                conn.budget = length
                self.buffered += length
                if length and '100-continue' in (wire.header(conn.head, 'expect') or '').lower():
                    conn.outbox += b'HTTP/1.1 100 Continue\r\n\r\n'
                    if self._send(conn) is False:
                        return
            length = conn.head.length or 0
            if len(conn.inbox) < length:
                return
            body = bytes(conn.inbox[:length])  # bytes: the decoder reads it without a copy
            if len(conn.inbox) == length:
                conn.inbox = bytearray()
            else:
                del conn.inbox[:length]
        except wire.WireError as e:
            return self._respond(conn, wire.error(e.status, str(e)), close=True)
        conn.state = 'working'
        conn.deadline = None
        self.selector.unregister(conn.sock)
        self.workers.put(conn, conn.head, body)

    def _respond(self, conn, response, close):
        head = conn.head
        close = (close or head is None or not wire.keep_alive(head)
                 or self.stopping is not None)
        conn.close_after = close
        conn.outbox += wire.render(response, close)
        self.buffered -= conn.budget
        conn.budget = 0
        self.log(wire.log_line(conn.address, head, response.status,
                               time.monotonic() - conn.started))
        conn.head = None
        conn.state = 'writing'
        conn.deadline = time.monotonic() + SEND
        self._send(conn)

    def _send(self, conn):
        try:
            sent = conn.sock.send(conn.outbox)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:  # the client went away: no traceback, just close
            self._close(conn)
            return False
        del conn.outbox[:sent]
        if conn.outbox:
            return self.selector.modify(conn.sock, selectors.EVENT_WRITE, conn)
        self.selector.modify(conn.sock, selectors.EVENT_READ, conn)
        if conn.state != 'writing':
            return  # (a 100 Continue went out: the body comes next)
        if conn.close_after:
            return self._close(conn)
        conn.state = 'reading'
        conn.deadline = time.monotonic() + IDLE
        if conn.inbox:  # a pipelined request is waiting
            conn.started = time.monotonic()
            conn.deadline = conn.started + RECEIVE
            self._parse(conn)

    def _sweep(self, now):
        if now < self.next_sweep:
            return
        self.next_sweep = now + TICK
        if self.accept_paused_until and now >= self.accept_paused_until and self.listener:
            self.accept_paused_until = None
            self.selector.register(self.listener, selectors.EVENT_READ, 'accept')
        for conn in list(self.conns.values()):
            if conn.deadline is None or now < conn.deadline:
                continue
            if conn.state == 'reading' and (conn.head is not None or conn.inbox):
                self._respond(conn, wire.error(400, 'the picture was cut short (%d of %d bytes '
                                               'in %g s)' % (len(conn.inbox), conn.head.length,
                                                             RECEIVE)) if conn.head else
                              wire.error(408, 'the request was not received within %g s'
                                         % RECEIVE), close=True)
                if conn.outbox:
                    conn.deadline = now + 1.0  # one more second to take the answer
            else:
                self._close(conn)

    def _close(self, conn):
        if self.conns.pop(conn.sock.fileno(), None) is None:
            return
        self.buffered -= conn.budget
        conn.budget = 0
        if conn.state != 'working':
            try:
                self.selector.unregister(conn.sock)
            except (KeyError, ValueError):
                pass
        conn.sock.close()

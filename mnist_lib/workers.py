"""The server's workers: a fixed few threads that answer requests whose bytes have all arrived.

connections.Loop puts a request in; a worker answers it (or, when it waited past `wait`
seconds, answers 503); the loop is woken through a socket pair and sends the answer. The
threads never touch a socket, so a slow client costs none of them.
"""
import queue
import socket
import threading
import time

from mnist_lib import http_wire as wire

RETRY = [('Retry-After', '2')]


class Workers(object):
    def __init__(self, count, answer, wait):
        self.answer, self.wait = answer, wait
        self.jobs, self.done = queue.Queue(), queue.Queue()
        self.wake_r, self._wake_w = socket.socketpair()
        self.wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        for _ in range(count):
            threading.Thread(target=self._work, daemon=True).start()

    def put(self, conn, head, body):
        self.jobs.put((conn, head, body, time.monotonic()))

    def wake(self):
        """Wakes the loop (from a worker or a signal handler)."""
        try:
            self._wake_w.send(b'x')
        except OSError:
            pass  # full: the loop is waking anyway

    def finished(self):
        """The (connection, response) pairs done since the last call."""
        try:
            while self.wake_r.recv(4096):
                pass
        except OSError:
            pass
        while True:
            try:
                yield self.done.get_nowait()
            except queue.Empty:
                return

    def _work(self):
        while True:
            conn, head, body, queued = self.jobs.get()
            if time.monotonic() - queued > self.wait:
                response = wire.error(503, 'the server is busy; try again', RETRY)
            else:
                try:
                    response = self.answer(head, body)
                except Exception as e:  # a bug: one line, and the server goes on
                    response = wire.internal_error(e)
            del body
            self.done.put((conn, response))
            self.wake()

"""A training's stop on a signal: the first Ctrl-C (SIGINT) or SIGTERM asks the loop to save
and stop; a second one ends at once, never while a checkpoint is half-written."""
import contextlib
import os
import signal

from mnist_lib import quiet


class StopSignal(object):
    """Turns the first Ctrl-C (SIGINT) or SIGTERM into a request to save and stop.

    A second one ends the process at once, without saving (or, when the first one's save is
    made, `saved` (step, path), with the line a stop ends with); one that comes while a
    checkpoint is being written (`saving`), as soon as it is whole.
    """

    def __init__(self):
        self.requested = None
        self.saved = None
        self._writing = False
        self._pending = None  # a second signal that came while a checkpoint was written
        self._previous = {}

    def _handle(self, signum, frame):
        if not self.requested:
            self.requested = signal.Signals(signum).name
        elif self._writing:  # ended now, it would leave a checkpoint's files half-written
            self._pending = signum
        else:
            self._quit(signum)

    def _quit(self, signum):
        if self.saved:  # (the validation after that save was cut short)
            print(stopped(self.requested, *self.saved), flush=True)
        else:
            print('Stopping without saving.', flush=True)
        if quiet.interactive():  # a notebook: stop the cell, never the kernel
            raise KeyboardInterrupt
        os._exit(128 + signum)

    @contextlib.contextmanager
    def saving(self):
        """Around the writing of a checkpoint: a second signal waits until it is whole."""
        self._writing = True
        try:
            yield
        finally:
            self._writing = False
            if self._pending:
                self._quit(self._pending)

    def __enter__(self):
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


def stopped(signal_name, step, path):
    """The line a run stopped by a signal ends with."""
    return ('Stopped by %s at step %d; saved %s. Run again to resume.'
            % (signal_name, step, path or 'nothing new'))

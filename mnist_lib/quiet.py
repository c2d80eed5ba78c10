"""Keeps a script's start-up quiet: TensorFlow's log lines off a plain run (every other line of
stderr passes), and a Ctrl-C while TensorFlow is imported one line, not a traceback.

TensorFlow's native code prints its start-up lines (oneDNN, CUDA drivers, CPU
instructions, and on a machine without a GPU a failed cuInit) while it is imported and
when the first session starts, before its log settings apply: TF_CPP_MIN_LOG_LEVEL does
not stop them. So each script calls hush() under its main guard before it imports
TensorFlow. From then on the process's stderr (fd 2) runs through a small child process
that drops exactly those lines and passes on everything else: tracebacks, failed imports,
out-of-memory, TensorFlow's warnings and errors. The child outlives a crash of the script,
so nothing written before the crash is lost.

In a notebook's kernel (%run) nothing of the kernel's process is rewired: its stderr
stream, which also shows what is written to fd 2, leaves those lines out (_hush_kernel).

A user who sets TF_CPP_MIN_LOG_LEVEL, or passes --verbose, gets TensorFlow's lines back.

Importing TensorFlow takes seconds, and a Ctrl-C then broke off the import with a traceback
through TensorFlow's modules. hush() also makes a Ctrl-C before the script's work begins end
it with the line the script says of a Ctrl-C later ('mnist_backward.py: interrupted.'),
status 1; cli.run gives Ctrl-C back to Python (KeyboardInterrupt) when the work begins.
"""
import atexit
import os
import re
import signal
import sys

NOISE = re.compile(
    rb'^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to '
    rb'STDERR'
    rb'|I\d{4} [\d:. ]+\d+ \S+:\d+\] '                         # native INFO lines
    rb'|To enable the following instructions: .* rebuild TensorFlow with the appropriate '
    rb'compiler flags\.'                                      # the rest of cpu_feature_guard's
    rb'|E\d{4} [\d:. ]+\d+ cuda_platform\.cc:\d+\] failed call to cuInit: '  # no GPU here
    rb'|W\d{4} [\d:. ]+\d+ tf_tfl_flatbuffer_helpers\.cc:\d+\] Ignored '  # TFLite converter
    rb'(output_format|drop_control_dependency)\.$'
    rb'|W\d{4} [\d:. ]+\d+ local_rendezvous\.cc:\d+\] Local rendezvous is aborting with '
    rb'status: '  # a failed op's echo: queues closed at the end, a restore that is refused
    rb'|W\d{4} [\d:. ]+\d+ op_kernel\.cc:\d+\] OP_REQUIRES failed at '  # the same, reported
    rb'|\t \[\[\{\{node [^}]*\}\}\]\]$'  # ... and the node named on the next line
    rb')')
_filtering = {}  # while hush() is in force: the real stderr's fd and the filter's pid


def wanted(argv=None, environ=None):
    """True unless the user asked for TensorFlow's own lines."""
    argv = sys.argv[1:] if argv is None else argv
    environ = os.environ if environ is None else environ
    verbose = any(a in ('--verbose', '-verbose', '--verbose=true', '--verbose=1') for a in argv)
    return not verbose and 'TF_CPP_MIN_LOG_LEVEL' not in environ


def interactive():
    """True inside IPython, Jupyter, Colab or Spyder (an IPython kernel runs the script, by
    %run or Spyder's Run): the process is then the user's kernel, which nothing of ours may
    fork, rewire or end."""
    ipython = sys.modules.get('IPython')
    return bool(ipython and getattr(ipython, 'get_ipython', lambda: None)())


def hush(argv=None):
    """Routes fd 2 through the filter (POSIX only), and a Ctrl-C to starting. In a notebook's
    kernel neither: there only the kernel's stderr stream leaves TensorFlow's lines out."""
    if interactive():
        _hush_kernel(wanted(argv))
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # (not where ignored)
        signal.signal(signal.SIGINT, starting)
    if not wanted(argv) or not hasattr(os, 'fork'):
        return
    sys.stderr.flush()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(write)
        _filter(read)  # never returns
    os.close(read)
    _filtering['stderr'] = os.dup(2)
    _filtering['child'] = child
    os.dup2(write, 2)
    os.close(write)
    atexit.register(finish)


def _hush_kernel(quiet=True):
    """A notebook's kernel shows what native code writes to fd 2 through its stderr stream
    (ipykernel reads fd 2 in a thread and writes it there): that stream leaves out NOISE
    lines, in this cell and each one after it (with `quiet` False, as --verbose asks, no
    longer). IPython gives each cell its own stream.write and puts the one before back at
    the cell's end, so the filter wraps it again as each cell starts. The kernel's process,
    its fds and its signals stay as they are."""
    events = getattr(sys.modules['IPython'].get_ipython(), 'events', None)
    if events is None or quiet == _kernel['hushed']:
        return
    _kernel['hushed'] = quiet
    if quiet:
        events.register('pre_run_cell', _leave_out_noise)
        _leave_out_noise()
    else:
        events.unregister('pre_run_cell', _leave_out_noise)
        write = sys.stderr.write
        if hasattr(write, 'original'):
            sys.stderr.write = write.original


_kernel = {'hushed': False}  # whether the kernel's stderr leaves NOISE out, cell by cell


def _leave_out_noise(*cell_info):
    """Wraps the kernel's sys.stderr.write in a filter of NOISE lines (once)."""
    stream = sys.stderr
    write = getattr(stream, 'write', None)
    if write is None or hasattr(write, 'original'):
        return

    def quieter(text, *args, **kwargs):
        if isinstance(text, str):
            text = ''.join(line for line in text.splitlines(True)
                           if not NOISE.match(line.encode('utf-8', 'replace')))
            if not text:
                return 0
        return write(text, *args, **kwargs)
    quieter.original = write
    stream.write = quieter


def starting(signum, frame):
    """Ctrl-C before the script's work begins (while TensorFlow is imported): its one line,
    and status 1. Nothing is being written yet."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print('%s: interrupted.' % os.path.basename(sys.argv[0]), file=sys.stderr, flush=True)
    finish()
    os._exit(1)


def finish():
    """Gives fd 2 back and waits until the filter has passed on everything, so that the last
    line comes before the shell's next prompt. Called at exit (cli.leave calls it too)."""
    if not _filtering:
        return
    sys.stderr.flush()
    os.dup2(_filtering.pop('stderr'), 2)  # the pipe's last writer is gone: the filter drains
    try:
        os.waitpid(_filtering.pop('child'), 0)
    except ChildProcessError:
        pass


def _filter(read):
    """The child: copies lines from `read` to the real stderr, leaving out NOISE."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)  # drain to the end, whatever the script gets
    for fd in (0, 1):  # hold nothing the caller waits on (the stdout pipe of a test, say)
        os.close(fd)
    status = 0
    try:
        pending = b''
        while True:
            chunk = os.read(read, 65536)
            if not chunk:  # every writer is gone: the script has ended
                break
            *lines, pending = (pending + chunk).split(b'\n')
            kept = b''.join(line + b'\n' for line in lines if not NOISE.match(line))
            if kept:
                os.write(2, kept)
        if pending:
            os.write(2, pending)
    except OSError:
        status = 1
    os._exit(status)

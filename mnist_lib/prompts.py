"""What the user types to the app: the answers to the notes' prompts (typed, or given as a
list in a notebook), and the picture paths given on the command line."""
import glob
import os
import sys

from mnist_lib import errors
from mnist_lib import quiet


def ask(prompt):
    """input(), with the end of input as None; a Ctrl-C stays a KeyboardInterrupt (the script
    says 'interrupted.' and ends with status 1). Bytes that are no text in the terminal's
    encoding (a path in another one, pasted) are kept as Python keeps such file names
    (surrogateescape), not a UnicodeDecodeError. The prompt goes to stdout, as it does
    when the input is piped: in a terminal, input() writes it to stderr, which the quiet start
    (mnist_lib/quiet.py) passes on in whole lines only, so the prompt showed after the answer
    (in a notebook, the kernel's input() shows it by its box)."""
    if getattr(sys.stdin, 'errors', None) == 'strict' and hasattr(sys.stdin, 'reconfigure'):
        sys.stdin.reconfigure(errors='surrogateescape')
    try:
        if quiet.interactive():
            return input(prompt)
        sys.stdout.write(prompt)
        sys.stdout.flush()
        return input()
    except EOFError:
        print()
        return None
    except KeyboardInterrupt:  # the script's 'interrupted.' line, on a line of its own
        print()
        raise
    except NotImplementedError:  # IPython's StdinNotImplementedError: a kernel without stdin
        raise errors.UsageError('nothing can be typed here: give the answers as '
                                'application(lines=[...]), or the pictures as arguments')


def answers(lines):
    """An ask() that answers with `lines` in turn, shown after their prompts, then None.
    A line may also be a number (the count) or a path object or bytes (a picture's path)."""
    lines = iter(lines)

    def ask_given(prompt):
        line = next(lines, None)
        if line is not None and not isinstance(line, str):
            try:
                line = str(line) if isinstance(line, (int, float)) else os.fsdecode(line)
            except TypeError:
                raise errors.UsageError('lines=[...] holds %r: give the count and the paths '
                                        'as strings' % (line,))
        print(prompt + ('' if line is None else line))
        return line
    return ask_given


def expand(args):
    """The pictures named: a pattern that the shell passed on as it is (cmd and PowerShell do
    not expand `pic/*.png`) is expanded here, sorted. One that matches nothing stays, to be
    reported as missing."""
    paths = []
    for arg in args:
        matches = []
        if any(c in arg for c in '*?[') and not os.path.exists(arg):
            matches = sorted(glob.glob(os.path.expanduser(arg)))
        paths.extend(matches or [arg])
    return paths

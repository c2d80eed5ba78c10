"""What the user types to the app: the answers to the notes' prompts (typed, or given as a
list in a notebook), and the picture paths given on the command line."""
import glob
import os

from mnist_lib import errors


def ask(prompt):
    """input(), with the end of input or Ctrl-C as None."""
    try:
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        print()
        return None
    except NotImplementedError:  # IPython's StdinNotImplementedError: a kernel without stdin
        raise errors.UsageError('nothing can be typed here: give the answers as '
                                'application(lines=[...]), or the pictures as arguments')


def answers(lines):
    """An ask() that answers with `lines` in turn, shown after their prompts, then None."""
    lines = iter(lines)

    def ask_given(prompt):
        line = next(lines, None)
        print(prompt + ('' if line is None else line))
        return line
    return ask_given


def named(path, most=200):
    """`path` as an error line names it: a path longer than `most` characters keeps its
    head and its end, so that a line pasted by mistake does not fill the terminal."""
    return path if len(path) <= most else '%s...%s' % (path[:most // 2], path[-most // 4:])


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

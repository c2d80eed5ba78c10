"""The errors a user can cause, and how they are said: one line, no traceback."""
import re


class OneLine(Exception):
    """An error a user caused, said in one line: by the scripts' entry point, and in IPython
    or Jupyter too, where a notes' function called from a cell (pre_pic of a missing file)
    shows this line instead of a traceback (IPython calls _render_traceback_ for it)."""

    def _render_traceback_(self):
        return ['%s: %s' % (type(self).__name__, self)]


class UsageError(OneLine):
    """Bad input from the user; the entry point prints the message on one line and exits 1."""


class PictureError(OneLine):
    """A picture that cannot be read or holds no digit; the message says why, in one line.

    `kind` says which: 'empty', 'too large', 'unreadable' (not a picture, damaged), or
    'content' (a picture, but not one a digit can be read from).
    """

    def __init__(self, message, kind='content'):
        Exception.__init__(self, message)
        self.kind = kind


class BlankPicture(PictureError):
    """A picture with no ink at all: with the default preprocessing that is an answer ("not
    a digit"), not bad input; the message stays for the modes that cannot answer so."""

    def __init__(self, message='holds no digit (the picture is blank)'):
        PictureError.__init__(self, message)


class LayoutError(PictureError):
    """No number in the way the marks lie (too many rows or digits, only lines or specks):
    the picture turned a quarter may still hold one. Other PictureErrors (blank, one blob,
    noise) hold however it is turned."""


def named(path, most=200):
    """`path` as an error line names it: a path longer than `most` characters keeps its
    head and its end, so that a line pasted by mistake does not fill the terminal; escaped."""
    path = escaped(path)
    return path if len(path) <= most else '%s...%s' % (path[:most // 2], path[-most // 4:])


def escaped(path):
    """`path` with each control character in it escaped (\\n, \\x1b), so that a line naming
    it stays one line and no terminal escape reaches the terminal; any other path as it is."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], path)


# C0 and C1 controls (\x9b starts an escape sequence in some terminals) and the line breaks
# of Unicode (\x85 is C1; \u2028, \u2029).
_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029]')


def first_line(error):
    """The first telling line of an exception's message (TensorFlow's run on for pages, and
    a failed graph op's begin with where the op was made: 'Graph execution error:'; a failed
    restore with a guess at the cause, before 'Original error:')."""
    text = getattr(error, 'message', None) or str(error)
    text = text.split(_ORIGINAL, 1)[-1]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    telling = [line for line in lines if not _WHERE.match(line)]
    return (telling or lines or [type(error).__name__])[0]


_ORIGINAL = 'Original error:'
_WHERE = re.compile(r'(Graph execution error:$|Detected at node |File "|Node: )')

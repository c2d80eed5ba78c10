"""The errors a user can cause, and how they are said: one line, no traceback."""


class UsageError(Exception):
    """Bad input from the user; the entry point prints the message on one line and exits 1."""


class PictureError(Exception):
    """A picture that cannot be read or holds no digit; the message says why, in one line.

    `kind` says which: 'empty', 'too large', 'unreadable' (not a picture, damaged), or
    'content' (a picture, but not one a digit can be read from).
    """

    def __init__(self, message, kind='content'):
        Exception.__init__(self, message)
        self.kind = kind


class LayoutError(PictureError):
    """No number in the way the marks lie (too many rows or digits, only lines or specks):
    the picture turned a quarter may still hold one. Other PictureErrors (blank, one blob,
    noise) hold however it is turned."""


def first_line(error):
    """The first line of an exception's message (TensorFlow's run on for pages)."""
    text = getattr(error, 'message', None) or str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__

"""The errors a user can cause, and how they are said: one line, no traceback."""


class UsageError(Exception):
    """Bad input from the user; the entry point prints the message on one line and exits 1."""


def first_line(error):
    """The first line of an exception's message (TensorFlow's run on for pages)."""
    text = getattr(error, 'message', None) or str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__

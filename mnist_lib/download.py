"""Copying a file from a folder or a URL, with a short connect time-out: a blocked or offline
site fails in seconds, not in the system's minutes. input_data.py chooses the sources."""
import http.client
import os
import shutil
import ssl
import urllib.error
import urllib.parse
import urllib.request

CONNECT_TIMEOUT_SECS = 10   # to connect and shake hands
DOWNLOAD_TIMEOUT_SECS = 60  # the longest wait for the next bytes once connected
CERTIFICATES_HINT = ('the site\'s certificate could not be checked (on macOS: run "Install '
                     'Certificates.command" in your Python\'s folder under Applications)')
ERRORS = (OSError, http.client.HTTPException)  # what copy() raises when a source fails


class _ConnectTimeout(object):
    """An HTTP(S) connection that waits CONNECT_TIMEOUT_SECS to connect, then its own
    timeout for each read."""

    def connect(self):
        reading = self.timeout
        self.timeout = CONNECT_TIMEOUT_SECS
        try:
            super().connect()
        finally:
            self.timeout = reading
        self.sock.settimeout(reading)


class _HTTPConnection(_ConnectTimeout, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_ConnectTimeout, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


def copy(source, filename, out):
    """Copies `filename` from `source` (a folder or a URL) into the open binary file `out`.
    Raises one of ERRORS."""
    if '://' not in source:
        with open(os.path.join(source, filename), 'rb') as f:
            shutil.copyfileobj(f, out)
        return
    url = urllib.parse.urljoin(source.rstrip('/') + '/', filename)
    opener = urllib.request.build_opener(_HTTPHandler, _HTTPSHandler)  # proxies still apply
    with opener.open(url, timeout=DOWNLOAD_TIMEOUT_SECS) as response:
        shutil.copyfileobj(response, out)


def unreachable(source, error):
    """True when `source` is a site that could not be reached or stalled: not one that
    answered (404, say), not a folder, not a bad file."""
    return ('://' in source and isinstance(error, ERRORS)
            and not isinstance(error, urllib.error.HTTPError))


def bad_certificate(error):
    return isinstance(getattr(error, 'reason', error), ssl.SSLCertVerificationError)


def reason(error):
    """The failure in a few words."""
    return getattr(error, 'reason', None) or str(error) or type(error).__name__

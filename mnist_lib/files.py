"""Writing files whole or not at all, and finding out early whether a folder takes them."""
import errno
import os
import tempfile

from PIL import PngImagePlugin

from mnist_lib.errors import UsageError, named


def check_writable(folder):
    """Creates `folder` if needed and writes a probe file in it; raises OSError saying why
    it cannot be written."""
    blocker = file_in_the_way(folder)
    if blocker:  # (makedirs would say 'File exists' of the folder asked for)
        raise NotADirectoryError(errno.ENOTDIR, '%s is a file, not a folder' % blocker)
    os.makedirs(folder, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix='.probe.'):
        pass


def file_in_the_way(folder):
    """The file that `folder`, or a folder above it, would have to be: None when there is
    none (it may not exist yet)."""
    above = os.path.normpath(folder)
    while not os.path.exists(above) and os.path.dirname(above) not in ('', above):
        above = os.path.dirname(above)
    return above if os.path.exists(above) and not os.path.isdir(above) else None


def save_png(im, path):
    """Writes a PIL picture as PNG to a temporary name beside `path`, then renames it
    (save_pngs of one)."""
    save_pngs([im], [path])


def save_pngs(images, paths, text=None):
    """Writes PIL pictures as PNGs to `paths`, all or none: each to a temporary name beside
    its path first; once all are written, each is renamed into place. `text`: PNG text
    chunks ({keyword: text}) written into each, before its pixels.

    Raises UsageError, naming the file, when one cannot be: a folder that takes no files, a
    folder of that name, or (Windows) a picture of that name open in another program, which
    refuses the rename.
    """
    made = []
    path = paths[0] if paths else ''
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    try:
        for im, path in zip(images, paths):
            fd, tmp = tempfile.mkstemp(prefix='.save-', dir=os.path.dirname(path) or '.')
            made.append(tmp)
            with os.fdopen(fd, 'wb') as f:
                im.save(f, 'PNG', pnginfo=info)
            os.chmod(tmp, 0o644)
        for path in paths:
            if os.path.isdir(path):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        for tmp, path in zip(made, paths):
            os.replace(tmp, path)
    except OSError as e:
        raise UsageError('cannot write %s (%s)%s' % (
            named(path), e.strerror or e, '; is it open in another program?'
            if isinstance(e, PermissionError) else ''))
    finally:
        for tmp in made:
            if os.path.exists(tmp):
                os.remove(tmp)

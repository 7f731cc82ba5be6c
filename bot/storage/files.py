"""Private files and folders: what the bot writes holds member ids, names and questions.

The process umask is not ours to rely on (a shell's 022 makes every new file world-readable), so
folders are created and tightened to 0700 and files are created 0600 explicitly, whatever the
umask says. Writes go to a temporary file in the same folder and are renamed over the target, so a
reader (or a crash) sees the old content or the new, never half.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["DIR_MODE", "FILE_MODE", "make_private", "private_dir", "write_private"]

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path | str) -> Path:
    """Create `path` (and missing parents) and make the folder itself 0700; returns it.

    Only the leaf is tightened: a parent such as the home folder belongs to the admin's choices.
    A folder we cannot chmod (owned by someone else) is left as it is; opening files in it will
    tell the caller what is wrong.
    """
    folder = Path(path)
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if stat.S_IMODE(folder.stat().st_mode) != DIR_MODE:
            folder.chmod(DIR_MODE)
    return folder


def make_private(path: Path | str) -> None:
    """Set an existing file to 0600 (a database made by an older version, say); missing is fine."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        target = Path(path)
        if stat.S_IMODE(target.stat().st_mode) != FILE_MODE:
            target.chmod(FILE_MODE)


def write_private(path: Path | str, data: bytes) -> None:
    """Write `data` to `path` atomically (temporary file, fsync, rename), readable by us only.

    `mkstemp` creates the temporary file 0600 whatever the umask, and the rename keeps that mode.
    """
    target = Path(path)
    private_dir(target.parent)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

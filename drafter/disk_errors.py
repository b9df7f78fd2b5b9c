"""A full, read-only or forbidden disk, told apart from other failures and reported in German.

Python says `OSError: [Errno 30]`, SQLite says „attempt to write a readonly database“, Chroma
passes on what its SQLite or its index files said. `translate_disk_errors` turns each of them
into `StorageUnavailable`, naming the folder, and lets every other error through unchanged.
Nothing is cached on the failure, so the next call after the disk is writable again succeeds.
"""

from __future__ import annotations

import errno
import functools
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

from drafter.errors import StorageUnavailable

P = ParamSpec("P")
T = TypeVar("T")

REASONS = {
    errno.EROFS: "der Datenträger ist schreibgeschützt",
    errno.ENOSPC: "der Datenträger ist voll",
    errno.EDQUOT: "das Speicherkontingent ist erschöpft",
    errno.EACCES: "keine Schreibberechtigung",
    errno.EPERM: "keine Schreibberechtigung",
}
# What SQLite and Chroma (whose Rust core passes on only the text) say, lower-cased.
_MESSAGES = {
    "readonly": "der Datenträger ist schreibgeschützt",
    "read-only file system": "der Datenträger ist schreibgeschützt",
    "no space left on device": "der Datenträger ist voll",
    "disk is full": "der Datenträger ist voll",
    "disk i/o error": "der Datenträger meldet einen Schreibfehler",
    "unable to open database": "die Datenbankdatei kann nicht geöffnet werden",
}


@contextmanager
def translate_disk_errors(folder: Path | None) -> Iterator[None]:
    """Raise StorageUnavailable for a disk that refuses to write within the block; `folder` is named when the
    error does not say which file it was."""
    try:
        yield
    except StorageUnavailable:
        raise
    except Exception as error:
        found = _disk_problem(error)
        if found is None:
            raise
        path, reason = found
        named = Path(path).parent if path else folder
        raise StorageUnavailable(named or "Datenverzeichnis der Wissensbasis", _state(named) or reason) from error


def disk_errors_translated(method: Callable[P, T]) -> Callable[P, T]:
    """For methods of an object with a `data_dir` (set, or not yet in `__init__`): their disk errors become
    StorageUnavailable."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with translate_disk_errors(getattr(args[0], "data_dir", None)):
            return method(*args, **kwargs)

    return wrapper


def _state(folder: Path | None) -> str | None:
    """What the file system says about itself: SQLite reports a read-only disk as „unable to open database
    file“, which alone would send an administrator looking for the wrong cause."""
    try:
        status = os.statvfs(folder) if folder else None
    except OSError:
        return None
    if status is None:
        return None
    if status.f_flag & os.ST_RDONLY:
        return REASONS[errno.EROFS]
    if status.f_bavail == 0:
        return REASONS[errno.ENOSPC]
    return None


def _disk_problem(error: BaseException | None) -> tuple[str | None, str] | None:
    """(file, reason) when `error` or what caused it is a disk refusing to write."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno in REASONS:
            return error.filename, REASONS[error.errno]
        if isinstance(error, sqlite3.OperationalError) or type(error).__module__.startswith("chromadb"):
            text = str(error).lower()
            for marker, reason in _MESSAGES.items():
                if marker in text:
                    return None, reason
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None

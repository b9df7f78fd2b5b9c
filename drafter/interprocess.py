"""Coordination between processes that share one data directory on one host.

The web application runs several gunicorn worker processes (one Python process uses one
core), and a curator may run `python -m drafter ingest` beside it. All of them read and
write the same knowledge base. SQLite copes with that by itself; Chroma's embedded client
does not: a process keeps serving what it loaded until it is told that the directory
changed. So writers of vectors renew a change stamp, and readers compare the stamp (one
`stat`) before they search. File locks keep apart what must not run twice at once in one
data directory: the embedded Chroma's writes, the keyword index's rebuild and swap, and the
writers of a SQLite catalog. Across hosts nothing here applies: a PostgreSQL catalog has an
advisory lock and a version in the database instead (`drafter.catalog`).

File locks (`flock`) are per open file, so they also keep apart threads of one process
that each take the lock; they are not re-entrant.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

Stamp = tuple[int, int] | None
"""(inode, modification time in ns) of the stamp file; None before the first change."""


class LockTimeout(TimeoutError):
    """Another process held the lock longer than the caller was willing to wait."""


@contextmanager
def file_lock(path: Path, shared: bool = False, timeout: float | None = None) -> Iterator[None]:
    """Hold an advisory lock on `path` (created if missing) for the duration of the block.

    With `timeout` (seconds), give up with LockTimeout instead of waiting longer.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    with open(path, "a+b") as handle:
        if timeout is None:
            fcntl.flock(handle.fileno(), mode)
        else:
            _acquire_within(handle.fileno(), mode, timeout, path)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _acquire_within(fd: int, mode: int, timeout: float, path: Path) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(f"{path} not acquired within {timeout:g} s") from None
            time.sleep(0.05)


class ChangeStamp:
    """A file whose identity changes whenever a process has changed the data directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Stamp:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return None
        return status.st_ino, status.st_mtime_ns

    def renew(self) -> Stamp:
        """Replace the file atomically (a new inode), so readers see the change even within one clock tick;
        its identity is the stamp, it has no content."""
        staging = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        staging.touch()
        os.replace(staging, self.path)
        return self.read()

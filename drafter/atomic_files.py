"""Writing files so that a crash (kill -9, power loss) leaves the old version or the new one, never half of one.

The pattern is write-new-then-rename: the new content goes to a temporary copy beside the
target (so the rename never crosses a file system), is flushed to disk with fsync, and then
replaces the old file with one `os.replace`; the directory is synced too, so the rename
itself survives a power loss. A copy's folder carries the writer's host name and process id, so
a process that starts later can tell a leftover of a dead writer from the copy of one still
writing; in a folder that several hosts share (DRAFTER_UPLOAD_DIR on NFS), it judges only the
copies of its own host, since another host's process ids mean nothing here.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

from drafter.config import host_name

_STAGING = re.compile(r"^\.neu-(?:(?P<host>.+)-)?(?P<pid>\d+)-[0-9a-f]{8}$")
"""`.neu-<host>-<pid>-<random>`; copies made before host names were written have none and count as this host's."""


def copy_durably(source: Path, target: Path) -> Path:
    """Copy `source` into a hidden folder beside `target`, under `target`'s name, synced to disk; returns the
    copy, which `replace_durably` later moves into place.

    The copy keeps the file's own name (the loaders read its type from it, messages show it) and stays on
    `target`'s file system, so the move is a single rename.
    """
    staging = target.parent / f".neu-{_host()}-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir(parents=True)
    staged = staging / target.name
    try:
        with open(source, "rb") as reader, open(staged, "xb") as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)
            writer.flush()
            os.fsync(writer.fileno())
    except BaseException:
        discard(staged)
        raise
    return staged


def replace_durably(staged: Path, target: Path) -> None:
    """Move the complete, synced `staged` copy over `target` in one step, and make the move itself durable."""
    os.replace(staged, target)
    sync_directory(target.parent)
    discard(staged)


def discard(staged: Path) -> None:
    """Remove a copy from `copy_durably` that is not needed (any more), with its folder."""
    shutil.rmtree(staged.parent, ignore_errors=True)


def sync_directory(directory: Path) -> None:
    """fsync a directory, so that renames and new entries in it survive a power loss."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_tree(directory: Path) -> None:
    """fsync every file in `directory` and the directory itself (a freshly written index, before it is swapped in)."""
    for path in directory.iterdir():
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    sync_directory(directory)


def remove_leftovers(directory: Path) -> list[Path]:
    """Delete the copies in `directory` whose writing process on this host no longer runs; returns what was
    deleted."""
    removed = []
    if not directory.is_dir():
        return removed
    for path in directory.iterdir():
        match = _STAGING.match(path.name)
        if match and match["host"] in {None, _host()} and not _running(int(match["pid"])):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _host() -> str:
    return host_name().replace("/", "_") or "host"


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

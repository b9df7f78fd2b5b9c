"""Reading a file in a child process with memory and CPU-time limits: a hostile file costs at most that process.

The content limits (`drafter.loaders.limits`) catch the hostile files we know of before the
expensive step; this catches the rest. Every file is read in a process of its own that sets
an address-space limit (RLIMIT_AS) and a CPU-time limit (RLIMIT_CPU) on itself before it
reads anything. Past the memory limit an allocation fails (MemoryError, or a crash in C
code); past the CPU limit the kernel ends the process; past four times the CPU limit in
wall-clock time (a child that waits for something) the server kills it. Either way the caller
gets a German `ParsingAborted` and the web worker or the ingest run carries on.

The children are forked from a small parse server of our own (`serve`): a fresh interpreter,
started once per calling process, that has imported the loaders and does nothing but fork.
Each call hands it one end of a socket pair; the child reads the request from it and writes
the result back, and the server adds the child's exit status and usage once it has ended.
Forking the caller itself would copy a process with many threads (gunicorn's, torch's) whose
locks the child may find held. multiprocessing's fork server would do, but on Python 3.11
every child imports the caller's main script again (its preloading of `__main__` looks for a
key the parent never sends): 235–440 ms a file measured with bench/hostile.py as the main
script, seconds under a script that imports torch. This server costs 4 ms a file, also with
torch loaded in the caller (bench/hostile.py; README, „Grenzen beim Einlesen“).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from drafter.config import ParseLimits
from drafter.errors import ParsingAborted

from . import progress
from .limits import german_number

T = TypeVar("T")
log = logging.getLogger(__name__)

WALL_FACTOR = 4
"""A child is given this many times its CPU time in wall-clock time: on a busy machine it gets only part of a core."""
_HEADER = struct.Struct("!Q")


class ChildTraceback(Exception):
    """The traceback of an error raised in the child, set as the error's cause so that logs keep showing it."""


@dataclass(frozen=True)
class ChildUsage:
    """What one child process used, as the kernel counted it."""

    cpu_seconds: float
    peak_bytes: int


def run_limited(
    function: Callable[..., T], *args: Any, path: os.PathLike, limits: ParseLimits, helper_seconds: float = 0
) -> tuple[T, ChildUsage]:
    """`function(*args)` in a child process under `limits`: its result and the child's usage, or its exception.

    `function` must be importable by name (a module-level function, not one of a script run as
    `__main__`) and should raise only `DocumentError`s; `path` names the file in the message
    when the child is stopped. `helper_seconds` is CPU time the child may wait for programs it
    starts (Tesseract for OCR): RLIMIT_CPU counts each process apart, so only the wall-clock
    limit has to make room for it.
    """
    wall_seconds = WALL_FACTOR * (limits.cpu_seconds + helper_seconds)
    mine, theirs = socket.socketpair()
    with mine:
        try:
            with theirs:  # closed once handed over: the answer ends when the child and the server close theirs
                _server().submit(theirs, wall_seconds)
            mine.settimeout(wall_seconds + 30)  # the server kills the child at wall_seconds; this guards the server
            _send_frame(mine, pickle.dumps((function, args, limits)))
            frames = _read_frames(mine)
        except (OSError, EOFError) as exc:  # the server could not be reached or ended: the next call starts another
            raise ParsingAborted(path, _died(None, limits)) from exc
    ending = frames.pop() if frames and frames[-1][0] == "exit" else ("exit", None, False, 0.0, 0)
    _, exitcode, timed_out, cpu_seconds, peak_bytes = ending
    usage = ChildUsage(cpu_seconds, peak_bytes)
    log.debug("%s gelesen: %.2f s Rechenzeit, %d MB", os.fspath(path), cpu_seconds, peak_bytes >> 20)
    if timed_out:
        raise ParsingAborted(path, _too_slow(wall_seconds))
    outcome = frames[0] if frames else ("died", None, "")
    if outcome[0] == "ok":
        return outcome[1], usage
    if outcome[0] == "error":
        raise outcome[1] from ChildTraceback(outcome[2])
    if outcome[0] == "memory":
        raise ParsingAborted(path, _out_of_memory(limits))
    raise ParsingAborted(path, _died(exitcode, limits))


class _Server:
    """The caller's side of the parse server: the control socket that new requests are handed over."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self._control, theirs = socket.socketpair()
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(path or "." for path in sys.path))
        with theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-c", f"from drafter.loaders.sandbox import serve; serve({theirs.fileno()})"],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                env=environment,
            )
        self._lock = threading.Lock()

    def submit(self, request: socket.socket, wall_seconds: float) -> None:
        with self._lock:
            socket.send_fds(self._control, [b"%d" % wall_seconds], [request.fileno()])

    @property
    def alive(self) -> bool:
        return self.owner == os.getpid() and self._process.poll() is None


_current: _Server | None = None
_starting = threading.Lock()


def _server() -> _Server:
    """The parse server of this process, started on first use and again if it died (or after a fork)."""
    global _current
    with _starting:
        if _current is None or not _current.alive:
            _current = _Server()
        return _current


# ---------------------------------------------------------------- the server process


def serve(control_fd: int) -> None:
    """Fork a child for every request handed over `control_fd`; report each child's end; stop when the caller does."""
    control = socket.socket(fileno=control_fd)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that SIGCHLD wakes the select below
    children: dict[int, tuple[socket.socket, float, list[bool]]] = {}
    while True:
        now = time.monotonic()
        deadlines = [deadline for _, deadline, _ in children.values()]
        timeout = max(0.0, min(deadlines) - now) if deadlines else None
        try:
            ready, _, _ = select.select([control, wake_read], [], [], timeout)
        except InterruptedError:
            ready = []
        if control in ready:
            message, fds, _, _ = socket.recv_fds(control, 32, 1)
            if not message:
                break  # the caller has gone
            request = socket.socket(fileno=fds[0])
            pid = os.fork()
            if pid == 0:  # the child keeps only its own request: a copy of another would hold back that one's end
                for other, _, _ in children.values():
                    other.close()
                control.close()
                os.close(wake_read)
                os.close(wake_write)
                _run_child(request)
            children[pid] = (request, now + float(message), [False])
        if wake_read in ready:
            while True:
                try:
                    os.read(wake_read, 512)
                except BlockingIOError:
                    break
        _reap(children)
        for pid, (_, deadline, timed_out) in children.items():
            if time.monotonic() > deadline and not timed_out[0]:
                timed_out[0] = True
                os.kill(pid, signal.SIGKILL)


def _reap(children: dict[int, tuple[socket.socket, float, list[bool]]]) -> None:
    for pid in list(children):
        ended, status, usage = os.wait4(pid, os.WNOHANG)
        if ended == 0:
            continue
        request, _, timed_out = children.pop(pid)
        cpu_seconds = usage.ru_utime + usage.ru_stime
        ending = ("exit", os.waitstatus_to_exitcode(status), timed_out[0], cpu_seconds, usage.ru_maxrss * 1024)
        with contextlib.suppress(OSError):  # the caller stopped listening (it timed out or went away)
            _send_frame(request, pickle.dumps(ending))
        request.close()


def _run_child(request: socket.socket) -> None:
    """In the forked child: read the request, set the limits, run it, send the outcome, and end."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    try:
        frame = _read_frame(request)
        function, args, limits = pickle.loads(frame)
        # On top of what the child starts with (the server's interpreter and the loaders).
        address_space = _address_space() + limits.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        # SIGXCPU at the soft limit ends the process; the hard limit (SIGKILL) is there should anything catch it.
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        try:
            with progress.reporting_to(lambda message: _send_frame(request, pickle.dumps(("progress", message)))):
                outcome = ("ok", function(*args), "")
        except MemoryError:
            outcome = ("memory", None, "")
        except Exception as error:
            if _ran_out_of_memory(error):  # a loader's safety net turned the MemoryError into "unreadable"
                outcome = ("memory", None, "")
            else:  # tracebacks cannot be pickled; their text can
                outcome = ("error", error, "".join(traceback.format_exception(error)))
        try:
            data = pickle.dumps(outcome)
        except MemoryError:  # a result too large to copy within the limit
            data = pickle.dumps(("memory", None, ""))
        _send_frame(request, data)
    finally:
        os._exit(0)


# ---------------------------------------------------------------- frames and messages


def _send_frame(connection: socket.socket, data: bytes) -> None:
    connection.sendall(_HEADER.pack(len(data)) + data)


def _read_frame(connection: socket.socket) -> bytes:
    size = _HEADER.unpack(_read_exactly(connection, _HEADER.size))[0]
    return _read_exactly(connection, size)


def _read_exactly(connection: socket.socket, size: int) -> bytes:
    parts = []
    while size:
        part = connection.recv(min(size, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _read_frames(connection: socket.socket) -> list[tuple[Any, ...]]:
    """Every frame until both the child and the server have closed their ends; a frame cut off is dropped.
    The child's progress messages are passed on to this thread's reporter as they come."""
    frames = []
    while True:
        try:
            frame = pickle.loads(_read_frame(connection))
        except EOFError:
            return frames
        except pickle.UnpicklingError:  # the child was killed while writing
            continue
        if frame[0] == "progress":
            progress.report(frame[1])
        else:
            frames.append(frame)


def _address_space() -> int:
    """Bytes of address space this process has mapped (its virtual size, which RLIMIT_AS limits)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _ran_out_of_memory(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, MemoryError):
            return True
        error = error.__cause__ or error.__context__
    return False


def _out_of_memory(limits: ParseLimits) -> str:
    return (
        f"Das Einlesen der Datei brauchte mehr als {german_number(limits.memory_bytes / 1_048_576)} MB "
        "Arbeitsspeicher und wurde abgebrochen. Bitte die Datei in kleinere Teile aufteilen oder neu speichern "
        "(etwa als PDF) und erneut hochladen. Die Grenze legt die IT-Betreuung fest (DRAFTER_PARSE_MEMORY_MB)."
    )


def _too_slow(wall_seconds: float) -> str:
    return (
        f"Das Einlesen der Datei dauerte länger als {german_number(wall_seconds)} s und wurde abgebrochen. "
        "Bitte die Datei in kleinere Teile aufteilen oder später erneut versuchen, wenn der Server weniger "
        "ausgelastet ist. Die Grenze legt die IT-Betreuung fest (DRAFTER_PARSE_CPU_SECONDS)."
    )


def _died(exitcode: int | None, limits: ParseLimits) -> str:
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        return (
            f"Das Einlesen der Datei brauchte mehr als {german_number(limits.cpu_seconds)} s Rechenzeit und wurde "
            "abgebrochen. Bitte die Datei in kleinere Teile aufteilen und diese einzeln hochladen. "
            "Die Grenze legt die IT-Betreuung fest (DRAFTER_PARSE_CPU_SECONDS)."
        )
    if exitcode is None:
        ending = "ohne Rückmeldung"
    elif exitcode < 0:
        ending = f"Signal {-exitcode}"
    else:
        ending = f"Exit-Status {exitcode}"
    return (
        f"Das Programm, das die Datei liest, ist abgestürzt ({ending}); vermutlich ist die Datei beschädigt oder "
        f"braucht mehr als {german_number(limits.memory_bytes / 1_048_576)} MB Arbeitsspeicher. "
        "Bitte die Datei neu speichern (etwa als PDF) und erneut hochladen."
    )

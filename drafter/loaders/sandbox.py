"""Reading a file in a child process with memory and CPU-time limits: a hostile file costs at most that process.

The content limits (`drafter.loaders.limits`) catch the hostile files we know of before the
expensive step; this catches the rest. Every file is read in a process of its own that sets
an address-space limit (RLIMIT_AS) and a CPU-time limit (RLIMIT_CPU) on itself before it
reads anything. Past the memory limit an allocation fails (MemoryError, or a crash in C
code); past the CPU limit the kernel ends the process. Either way the caller gets a German
`ParsingAborted` and the web worker or the ingest run carries on with the next file.

The child is forked from multiprocessing's fork server, a small process started once per
calling process that has imported the loaders (and the calling script's modules), not from
the caller itself. Forking a gunicorn worker directly would copy a process with many threads
(requests, torch's thread pool), and the child may deadlock on a lock one of them held at the
moment of the fork; nor is it cheaper. Measured on the 2-core test machine with torch and the
embedding model loaded in the caller: 7–8 ms per file from the fork server, 9 ms forking the
caller, against 0.3 ms for reading the same small text file in-process; the fork server
starts once, in about 0.2 s. As for any program using multiprocessing, a calling script must
guard its top level with `if __name__ == "__main__"` (`python -m drafter`, gunicorn and
flask do).
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from drafter.config import ParseLimits
from drafter.errors import ParsingAborted

from .limits import german_number

T = TypeVar("T")

_CONTEXT = multiprocessing.get_context("forkserver")
_WALL_FACTOR = 4
"""The child is given this many times its CPU time in wall-clock time: on a busy machine it gets only part of a core."""


class ChildTraceback(Exception):
    """The traceback of an error raised in the child, set as the error's cause so that logs keep showing it."""


def run_limited(function: Callable[..., T], *args: Any, path: Path, limits: ParseLimits) -> T:
    """`function(*args)` in a child process under `limits`; its result or its exception, raised here.

    `function` must be importable by name (a module-level function) and should raise only
    `DocumentError`s; `path` names the file in the message when the child is stopped.
    """
    # The fork server imports these once, so every child starts with the loaders and their libraries in memory;
    # `__main__` too, or every child would import the calling script again.
    _CONTEXT.set_forkserver_preload(["__main__", "drafter.loaders"])
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(
        target=_run_child, args=(sender, limits, function, args), name="drafter-parse", daemon=True
    )
    child.start()
    sender.close()
    wall_seconds = _WALL_FACTOR * limits.cpu_seconds
    try:
        if not receiver.poll(wall_seconds):
            child.kill()
            raise ParsingAborted(path, _too_slow(wall_seconds))
        try:
            outcome, value, trace = receiver.recv()
        except EOFError:  # the child ended without a word: killed by the kernel or crashed in C code
            outcome, value, trace = "died", None, ""
    finally:
        receiver.close()
        child.join()
    if outcome == "ok":
        return value
    if outcome == "error":
        raise value from ChildTraceback(trace)
    if outcome == "memory":
        raise ParsingAborted(path, _out_of_memory(limits))
    raise ParsingAborted(path, _died(child.exitcode, limits))


def _run_child(sender: Connection, limits: ParseLimits, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # On top of what the child starts with: the fork server also imports the calling script's modules
    # (torch, for a script that embeds), and those should not count against the file.
    address_space = _address_space() + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    # SIGXCPU at the soft limit ends the process; the hard limit (SIGKILL) is there should anything catch it.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    try:
        outcome = ("ok", function(*args), "")
    except MemoryError:
        outcome = ("memory", None, "")
    except Exception as error:
        if _ran_out_of_memory(error):  # a loader's safety net turned the MemoryError into "unreadable"
            outcome = ("memory", None, "")
        else:  # tracebacks cannot be pickled; their text can
            outcome = ("error", error, "".join(traceback.format_exception(error)))
    try:
        sender.send(outcome)
    except MemoryError:  # a result too large to copy within the limit
        sender.send(("memory", None, ""))
    finally:
        sender.close()


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
    ending = f"Signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"Exit-Status {exitcode}"
    return (
        f"Das Programm, das die Datei liest, ist abgestürzt ({ending}); vermutlich ist die Datei beschädigt oder "
        f"braucht mehr als {german_number(limits.memory_bytes / 1_048_576)} MB Arbeitsspeicher. "
        "Bitte die Datei neu speichern (etwa als PDF) und erneut hochladen."
    )

"""How far the reading of one file has got („Seite 3 von 12 wird erkannt“), for whoever waits for it.

A loader reports to the reporter of its context; nobody listening costs nothing. Reading runs
in a child process (`sandbox`): there the reporter sends each message back to the caller as a
frame of its own, and the caller hands it to the reporter of the thread that asked for the file
(the ingestion job, which keeps it on its row for the upload page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Reporter = Callable[[str], None]

_reporter: ContextVar[Reporter | None] = ContextVar("reading_progress", default=None)


def report(message: str) -> None:
    reporter = _reporter.get()
    if reporter is not None:
        reporter(message)


@contextmanager
def reporting_to(reporter: Reporter) -> Iterator[None]:
    """Send what loaders report in this thread (and the children it starts for reading) to `reporter`."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


def page_message(number: int, page_count: int) -> str:
    return f"Seite {number} von {page_count} wird erkannt"

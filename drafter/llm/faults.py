"""Sorts what can go wrong when calling the model into retryable and final faults.

Timeouts, refused connections, server errors (5xx), rate limits (429) and unreadable output are
often gone on the next try; a rejected request (401, 404 …) or a configuration error is not.
Each fault carries the German wording for the notice on the extractive fallback draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import httpx
import ollama
import openai

from drafter.errors import LLMUnavailable
from drafter.llm.output_parsing import MalformedOutput

FALLBACK_SUFFIX = "dieser Entwurf wurde extraktiv aus den besten Fundstellen erstellt."


class FaultKind(StrEnum):
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    SERVER_ERROR = "server_error"
    RATE_LIMIT = "rate_limit"
    MALFORMED = "malformed"
    REJECTED = "rejected"
    CONFIGURATION = "configuration"
    UNEXPECTED = "unexpected"


RETRYABLE = frozenset(
    {
        FaultKind.TIMEOUT,
        FaultKind.CONNECTION,
        FaultKind.SERVER_ERROR,
        FaultKind.RATE_LIMIT,
        FaultKind.MALFORMED,
    }
)


@dataclass(frozen=True)
class LLMFault:
    kind: FaultKind
    status: int | None = None
    detail: str = ""

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    @property
    def reason(self) -> str:
        """Short German description, for the log and the notice."""
        return {
            FaultKind.TIMEOUT: "Zeitüberschreitung",
            FaultKind.CONNECTION: "keine Verbindung",
            FaultKind.SERVER_ERROR: f"Serverfehler HTTP {self.status}",
            FaultKind.RATE_LIMIT: "überlastet, HTTP 429",
            FaultKind.MALFORMED: "keine auswertbare Antwort",
            FaultKind.REJECTED: f"Anfrage abgelehnt, HTTP {self.status}",
            FaultKind.CONFIGURATION: self.detail.rstrip("."),
            FaultKind.UNEXPECTED: f"unerwarteter Fehler {self.detail}",
        }[self.kind]

    def notice(self, attempts: int) -> str:
        tries = f"{attempts} Versuche" if attempts != 1 else "1 Versuch"
        if self.kind == FaultKind.MALFORMED:
            reason = f"Das Sprachmodell lieferte keine auswertbare Antwort ({tries})"
        elif self.kind == FaultKind.REJECTED:
            reason = (
                f"Der Sprachmodell-Server lehnte die Anfrage ab (HTTP {self.status}; bitte "
                "DRAFTER_LLM_URL, DRAFTER_LLM_MODEL und DRAFTER_LLM_API_KEY prüfen)"
            )
        elif self.kind in (FaultKind.CONFIGURATION, FaultKind.UNEXPECTED):
            reason = f"Das Sprachmodell ist nicht nutzbar ({self.reason})"
        else:
            reason = f"Das Sprachmodell war nicht erreichbar ({self.reason}, {tries})"
        return f"{reason}; {FALLBACK_SUFFIX}"


def classify(error: BaseException) -> LLMFault:
    if isinstance(error, MalformedOutput):
        return LLMFault(FaultKind.MALFORMED)
    if isinstance(error, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        return LLMFault(FaultKind.TIMEOUT)
    if isinstance(error, openai.APIConnectionError | httpx.TransportError | ConnectionError):
        return LLMFault(FaultKind.CONNECTION)
    status = _status_of(error)
    if status == 429:
        return LLMFault(FaultKind.RATE_LIMIT, status)
    if status is not None and status >= 500:
        return LLMFault(FaultKind.SERVER_ERROR, status)
    if status is not None:
        return LLMFault(FaultKind.REJECTED, status)
    if isinstance(error, LLMUnavailable):
        return LLMFault(FaultKind.CONFIGURATION, detail=str(error))
    return LLMFault(FaultKind.UNEXPECTED, detail=type(error).__name__)


def _status_of(error: BaseException) -> int | None:
    if isinstance(error, openai.APIStatusError):
        return error.status_code
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code
    if isinstance(error, ollama.ResponseError) and error.status_code > 0:
        return error.status_code
    return None

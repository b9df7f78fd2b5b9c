"""The subject, received date and requester of an inquiry, read from the inquiry itself.

Staff should not retype what the inquiry already says: an e-mail carries its subject, date
and sender in its headers (also when it was pasted with „Von:“, „Gesendet:“, „Betreff:“); a
letter has a „Betreff:“ line or a title above its text, a date line („Talbach, 14. Januar
2026“, „vom 20.08.2012“) and a signature. The requester's name is personal data: it belongs
to the inquiry only and is never written into the knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr, parsedate_to_datetime

from drafter.document_metadata import first_date
from drafter.errors import EmptyInquiry
from drafter.question_labels import find_label_sequence
from drafter.question_sentences import CLOSING, SALUTATION
from drafter.splitting import split_inquiry
from drafter.text_cleaning import collapse_whitespace, hyphen_glue

_HEADER = re.compile(
    r"^[^\S\n]*(von|from|gesendet|datum|date|sent|betreff|betr\.|subject)[^\S\n]*:[^\S\n]*(.*)$", re.I | re.M
)
_HEADER_KEYS = {
    "von": "sender",
    "from": "sender",
    "gesendet": "date",
    "datum": "date",
    "date": "date",
    "sent": "date",
    "betreff": "subject",
    "betr.": "subject",
    "subject": "subject",
}
_REPLY_PREFIX = re.compile(r"^(?:(?:aw|wg|re|fw|fwd|antwort|wtr)\s*:\s*)+", re.I)
# Lines above a letter's text that are no title: letterhead, addressee, sender, form fields, kind.
_NOT_A_TITLE = re.compile(
    r"^(?:stadt|landkreis|landratsamt|kreisverwaltung|gemeinde|ortsverwaltung|bezirksamt|der\s+oberbürgermeister"
    r"|die\s+oberbürgermeisterin|der\s+landrat|die\s+landrätin|an\s+(?:die|den|das)\b|herrn?\b|frau\b|stadtr|kreisr"
    r"|gemeinder|ortschaftsr|fraktion\b|\S+-fraktion\b|gremium|termin|top\b|vorlage|tagesordnung|öffentlich"
    r"|nichtöffentlich|seite\s+\d|\(?(?:kleine\s+|große\s+)?(?:anfrage|antrag)\)?$)",
    re.I,
)
_DATE = r"\d{1,2}\.\s*(?:\d{1,2}\.\s*\d{4}|[A-Za-zäöüÄÖÜ]+\s+\d{4})"
# "vom 20.08.2012", "eingegangen am: 16.08.2018", "Talbach, den 14. Januar 2026", "09.07.2010"
_DATE_LINE = re.compile(
    r"^(?:(?:vom|eingegangen(?:\s+am)?|eingang|posteingang)\s*:?\s*"
    rf"|(?:[A-ZÄÖÜ][\w .-]{{1,40}},\s*)?(?:den\s+)?)?{_DATE}$"
)
_SIGNED = re.compile(r"^[^\S\n]*(?:unterzeichnet\s+von|gez\.|gezeichnet)\s*:?", re.I | re.M)
_NAME = re.compile(
    r"(?:(?:Dr\.|Prof\.|Dipl\.-[\w.]+|Dr\.-Ing\.|i\.\s?A\.)\s+)*[A-ZÄÖÜ][\w'’-]+"
    r"(?:\s+(?:(?:von|van|de|zu|der|den)\s+)?[A-ZÄÖÜ][\w'’.-]+){1,3}"
)
_MAX_TITLE_WORDS = 25
_MAX_TITLE_LINES = 5
_BLOCK_BREAK = re.compile(r"\n[^\S\n]*\n")
_PROSE = re.compile(r"[.!][\"“”»)\]]*\s+[A-ZÄÖÜ]|[.!]$")
_RECEIVED_LINE = re.compile(r"^(?:eingegangen(?:\s+am)?|eingang|posteingang)\b")


@dataclass(frozen=True)
class InquiryMetadata:
    """What an inquiry says about itself; each field is None where the text does not tell."""

    subject: str | None = None
    received: date | None = None
    requester: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "subject": self.subject,
            "received": self.received.isoformat() if self.received else None,
            "requester": self.requester,
        }


def read_inquiry_metadata(text: str, headers: Mapping[str, str] | None = None) -> InquiryMetadata:
    """Subject, received date and requester of an inquiry.

    `headers` are what the file's format knew (`LoadedDocument.metadata` of an .eml: `subject`,
    `sender`, `date`); they win over the text, whose pasted mail headers win over a letter's
    title, date line and signature.
    """
    known = dict(headers or {})
    body = _body_start(text)
    pasted = _pasted_headers(text, body)
    subject = known.get("subject") or pasted.get("subject") or _title(text, body)
    received = _iso_date(known.get("date")) or _header_date(pasted.get("date")) or _date_line(text, body)
    requester = _person(known.get("sender")) or _person(pasted.get("sender")) or _signature(text, body)
    return InquiryMetadata(_clean_subject(subject), received, requester)


def _pasted_headers(text: str, body: int) -> dict[str, str]:
    """„Von: …“, „Gesendet: …“, „Betreff: …“ lines of a pasted e-mail: the first of each kind.

    Sender and date count only above the inquiry's text: further down they belong to a mail
    it quotes. A „Betreff:“ line may also follow the salutation.
    """
    found: dict[str, str] = {}
    for match in _HEADER.finditer(text):
        key = _HEADER_KEYS[match[1].lower()]
        if match[2].strip() and (key == "subject" or match.start() < body):
            found.setdefault(key, match[2].strip())
    return found


def _clean_subject(subject: str | None) -> str | None:
    subject = _REPLY_PREFIX.sub("", collapse_whitespace(subject or ""))
    return subject or None


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _header_date(value: str | None) -> date | None:
    """An RFC 2822 date („Mon, 19 Jan 2026 20:16:45 +0100“) or a German one („Montag, 19. Januar 2026“)."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return _iso_date(first_date(value))


def _date_line(text: str, body: int) -> date | None:
    """The letter's date above the questions: „eingegangen am: …“, else a line holding only a
    date, after a place or „vom“."""
    lines = [line.strip() for line in text[:body].splitlines()]
    dated = [line for line in lines if _DATE_LINE.match(line)]
    received = [line for line in dated if _RECEIVED_LINE.match(line.lower())]
    return _iso_date(first_date((received or dated)[0])) if dated else None


def _person(value: str | None) -> str | None:
    """The name in „Jan Beispiel <jan@example.org>“, else the address."""
    if not value:
        return None
    name, address = parseaddr(value)
    return collapse_whitespace(name or address or value) or None


def _signature(text: str, body: int) -> str | None:
    """The names below the first closing formula („Mit freundlichen Grüßen“) or „unterzeichnet von:“
    after the questions."""
    marks = [m.end() for m in _SIGNED.finditer(text)]
    for m in re.finditer(r"^[^\S\n]*(.*)$", text, re.M):
        closing = CLOSING.match(m[1])
        if closing and not re.search(r"dank", closing.group(), re.I):
            marks.append(m.start(1) + closing.end())
    if not marks:
        return None
    signed = min((mark for mark in marks if mark > body), default=max(marks))  # not a quoted mail's
    names = []
    rest = text[signed:].lstrip(" ,\t")
    for line in rest.splitlines():
        line = line.strip(" ,\t")
        if not line:
            if names:
                break
            continue
        parts = [part.strip() for part in re.split(r"[,;]", line)]
        if not all(_NAME.fullmatch(part) for part in parts if part):
            match = _NAME.match(line)  # "Erika Beispiel Anfragenr: 123": the name in front
            if match and not names:
                names.append(_leading_name(line))
            break
        names.extend(part for part in parts if part)
    return ", ".join(names) or None


def _leading_name(line: str) -> str:
    words = []
    for word in line.split():
        if not word[:1].isupper() or word.endswith(":") or any(c.isdigit() for c in word) or len(words) == 3:
            break
        words.append(word)
    return " ".join(words)


def _title(text: str, body: int) -> str | None:
    """The last title above the salutation or the questions: a short block of lines that are no
    sentences, no letterhead, form field, address or date („Umweltzone Karlsruhe – …“)."""
    title: str | None = None
    for block in _BLOCK_BREAK.split(text[:body]):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and len(lines) <= _MAX_TITLE_LINES and not _PROSE.search(" ".join(lines)):
            title = _block_title(lines) or title
    return title


def _block_title(lines: list[str]) -> str | None:
    """The last title line of a block, with the lines it wraps onto."""
    title: str | None = None
    joinable = False  # the line before belongs to `title`
    fragment = ""  # "CO", "2" before "-Einsparungen …": a compound that a subscript broke apart
    for line in lines:
        if joinable and title and (_continues_line(title, line) or (title.endswith("?") and _is_title_line(line))):
            title = _joined(title, line)
        elif line.startswith("-") and fragment:
            title = fragment + line
        elif _is_title_line(line):
            title = line
        else:
            joinable = False
            fragment = fragment + line if len(line) <= 3 else ""
            continue
        joinable, fragment = True, ""
    return title


def _continues_line(previous: str, line: str) -> bool:
    return bool(line) and (previous.endswith("-") or bool(re.search(r"\b[a-zäöüß]+$", previous)))


def _joined(title: str, line: str) -> str:
    if title.endswith("-"):
        fragment = re.search(r"(\w+)-$", title)
        glue = hyphen_glue(fragment.group(1), line) if fragment else "-"
        return title[:-1] + glue + line
    return f"{title} {line}"


def _is_title_line(line: str) -> bool:
    words = line.split()
    if len(words) < 2 or len(words) > _MAX_TITLE_WORDS or line.endswith((",", ":", ".", ";")):
        return False
    if SALUTATION.match(line) or _HEADER.match(line) or _NOT_A_TITLE.match(line):
        return False
    if re.search(r"\d{5}|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|@|https?://", line) or _DATE_LINE.match(line):
        return False
    return not re.search(r"[.!?]\s+[A-ZÄÖÜ]", line)


def _body_start(text: str) -> int:
    """Where the inquiry's text begins: its salutation, its first label or its first question."""
    starts = [m.start() for m in re.finditer(r"^[^\S\n]*\S.*$", text, re.M) if SALUTATION.match(m.group().strip())]
    if links := find_label_sequence(text):
        starts.append(links[0].token.start)
    with suppress(EmptyInquiry):
        starts.append(min(q.start for q in split_inquiry(text)))
    return min(starts, default=len(text))

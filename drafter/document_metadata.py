"""Guess a document's type, date and issuing authority from its text.

Curators can override every guess (`--type` on the command line, the knowledge-base page in
the web app); the guesses only need to be right for the common forms: a reply letter or e-mail
reply, a Sitzungsvorlage/status report, a press release, minutes, an inquiry, a participation portal's page
(its counters „9 Beiträge“, „9 Kommentare“ say so more surely than the word „Bürgerdialog“, which a report
about one uses too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.models import DocType
from drafter.text_cleaning import shortened

MONTHS = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "maerz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}

_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

_AUTHORITY = re.compile(
    r"\b((?:Kreisverwaltung|Landratsamt|Landkreis|Kreis|Stadtverwaltung|Stadt|Gemeinde|Bezirksamt|"
    r"Verbandsgemeinde|Regierungspräsidium)\s+(?:[A-ZÄÖÜ][\wäöüß-]+)(?:[ -](?:[A-ZÄÖÜ][\wäöüß-]+))?)"
)

# Signals per type; each hit adds its weight. Tuned on the form of the documents, not on any single one.
_SIGNALS: dict[DocType, list[tuple[str, float]]] = {
    DocType.PAST_REPLY: [
        (r"hiermit erhalten Sie", 3),
        (r"\bSehr geehrte[rs]?\b", 1),
        (r"\bAntwort der Verwaltung\b", 3),
        (r"\bIhre (?:Anfrage|E-Mail|Anträge?|Schreiben) vom\b", 2),
        (r"\bbeantworte[nt]? (?:wir|ich)\b", 2),
        (r"^\s*Zu (?:Frage )?\d", 2),
        (r"\bMit freundlichen Grüßen\b", 0.5),
        (r"^(?:Betreff|Subject):\s*(?:AW|Aw|RE|Re|WG|Antwort)\b", 3),
        (r"\bIhre (?:E-Mail|Nachricht|Mail) vom\b", 2),
    ],
    DocType.REPORT: [
        (r"\bSachstandsbericht\b", 3),
        (r"\bBericht\b", 1),
        (r"\bSachverhalt\b", 2),
        (r"\bSitzungsvorlage\b|\bVorlage\s+\d", 2),
        (r"\bzur Kenntnis\b", 1),
    ],
    DocType.PRESS_RELEASE: [
        (r"\b(?:Pressemitteilung|Presseinformation|Pressemeldung|Medieninformation)\b", 3),
        (r"\bPressestelle\b|\bPressesprecher(?:in)?\b", 2),
        (r"\bfür Rückfragen der Presse\b|\bPressekontakt\b", 2),
    ],
    DocType.MINUTES: [
        (r"\bNiederschrift\b", 3),
        (r"\bWortprotokoll\b", 3),
        (r"\bProtokoll\b", 1),
        (r"\bTOP\s*\d", 2),
        (r"\bBeschluss\b", 1),
        (r"\bAbstimmungsergebnis\b", 2),
    ],
    DocType.INQUIRY: [
        (r"\bWir fragen an\b|\bDazu fragen wir\b", 3),
        (r"\bAntrag nach dem\b", 2),
        (r"\bAnfrage\b", 1),
        (r"\bbitte senden Sie mir\b", 2),
        (r"\bbitte beantworten Sie\b", 2),
        (r"\bFraktion\b", 0.5),
    ],
    DocType.PARTICIPATION: [
        (r"\bBürgerdialog\b|\bBeteiligungsportal\b|\bOnline-Beteiligung\b|\bBürgerbeteiligung\b", 1),
        (r"^\W*\d+\s+(?:Beiträge|Kommentare|Bewertungen)\s*$", 2),
        (r"\bIhre (?:Anregungen|Ideen|Beiträge|Vorschläge)\b", 1),
    ],
}


@dataclass(frozen=True)
class DetectedMetadata:
    doc_type: DocType
    date: str | None
    authority: str | None


def detect_metadata(text: str, *, has_answers: bool, known_date: str | None = None) -> DetectedMetadata:
    """`has_answers` says whether chunking found answered questions, the strongest sign of a reply."""
    return DetectedMetadata(
        doc_type=detect_doc_type(text, has_answers=has_answers),
        date=known_date or first_date(text),
        authority=first_authority(text),
    )


def detect_doc_type(text: str, *, has_answers: bool) -> DocType:
    scores = {
        doc_type: sum(weight for pattern, weight in signals if re.search(pattern, text, re.MULTILINE))
        for doc_type, signals in _SIGNALS.items()
    }
    if has_answers:
        scores[DocType.PAST_REPLY] += 4
    best, score = max(scores.items(), key=lambda item: item[1])
    return best if score >= 2 else DocType.OTHER


def first_date(text: str) -> str | None:
    """The earliest-mentioned plausible date in the text, as ISO `YYYY-MM-DD`."""
    candidates: list[tuple[int, str]] = []
    for match in _NUMERIC_DATE.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        candidates.extend(_iso(match.start(), year, month, day))
    for match in _WORD_DATE.finditer(text):
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
        candidates.extend(_iso(match.start(), year, month, day))
    for match in _ISO_DATE.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        candidates.extend(_iso(match.start(), year, month, day))
    return min(candidates)[1] if candidates else None


_SUBJECT_LINE = re.compile(r"^[ \t]*(?:Betreff|Betr\.|Gegenstand)[ \t]*:[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)
_LETTERHEAD = re.compile(
    r"^(?:(?:der|die)\s+(?:ober)?(?:bürgermeister|landrat|landrätin|präsident)\w*$|seite\s+\d|tel(?:efon)?\b|fax\b"
    r"|e-mail\b|www\.|postfach\b|.*\b\d{5}\s+[A-ZÄÖÜ]|.*@|.*\b(?:drucksache|wahlperiode)\b|-{2,})",
    re.IGNORECASE,
)
# Who writes, to whom, and on which form, rather than what about: an organisational unit („Abteilung 3 – Ordnung
# und Verkehr“), a council information system's print header, an address line („An die“), a legal basis („gemäß
# § 46 GO LT“), who asked or answered („Anfrage der Abgeordneten …“ with no „zur …“, „über …“ or „: …“ after it),
# or a form field: a known label, or any short label with nothing but a date or number after it.
_NOT_THE_SUBJECT = re.compile(
    r"^(?:(?:abteilung|referat|amt|fachbereich|dezernat|stabsstelle|sachgebiet|fachdienst|geschäftsbereich|stadtamt"
    r"|ortsverwaltung|bürgermeisteramt)\b|allris\b|sessionnet\b|ratsinfo|bürgerinformationssystem|an (?:die|den|das)\b"
    r"|gemäß\b|(?:anfrage|antwort|antrag|stellungnahme)\s+(?:der|des)\b(?!.*\b(?:zu[mr]?|über|betreffend|auf\s+die)\s)"
    r"[^:„\"]*$|(?:vom|von|an|datum|status|anfrage\s+an|aktenzeichen|az\.|ihr\s+zeichen|unser\s+zeichen|gremium|termin"
    r"|top|vorlage(?:\s+nr\.)?|verantwortlich|eingegangen(?:\s+am)?|beginn|ende|vorsitz|anwesend|schriftführung"
    r"|beratungsfolge|sitzung|ort)\s*:|\S+(?:\s+\S+){0,2}\s*:[\d\s./:-]*$)",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"^(?:[Ss]tadträt(?:in|innen|e)|[Ss]tadtrat|[Aa]bgeordnete[nr]?|Herrn?|Frau)(?:\s+Dr\.)?(?:\s+[A-ZÄÖÜ][\w.-]*){1,3}"
    r"(?:\s*\([^)]*\))?(?:,.*)?$"
)
"""An addressee or a requester: „Stadträtin Sabine Zürn (Die Linke)“, „Frau Renate Schneider-Voss, …“."""
_ADDRESSEE = re.compile(r"^(?:herrn?|frau|an\s+(?:die|den|das))$", re.IGNORECASE)
# The words of a form's printed name („STELLUNGNAHME zur Anfrage“, „Kleine Anfrage zur schriftlichen Beantwortung“,
# „Pressemitteilung vom 3. März 2025“): a line made of these, figures and months alone names the kind of document,
# which the type says, not what it is about.
_FORM_WORDS = frozenset(
    "anfrage antwort antrag stellungnahme kleine große schriftliche schriftlichen mündliche mündlichen kurzfristige "
    "kurzfristigen beantwortung pressemitteilung presseinformation medieninformation niederschrift protokoll "
    "wortprotokoll vorlage beschlussvorlage sitzungsvorlage informationsvorlage mitteilung mitteilungsvorlage "
    "landesregierung verwaltung namens zur zum zu der die des dem den mit und auf ein eine einer vom am nr "
    "öffentlich öffentliche inhalt".split()
    + list(MONTHS)
)
_OPEN_END = frozenset(
    "der die das des dem den ein eine einer eines einem und oder sowie für von vom zu zur zum im in am an auf aus bei "
    "beim mit nach über unter vor gegen durch zwischen ohne um seit bis ab".split()
)
"""Words a title does not end in: „… im Saarland nach“ goes on in the next line."""
_SALUTATION = re.compile(r"^(?:sehr\s+geehrte|guten\s+tag\b|hallo\b|liebe[rs]?\s)[^:.?]{0,60}[,!]?$", re.IGNORECASE)
_TITLE_MIN_LETTERS = 8
_TITLE_MAX_WORDS = 18
"""A longer line is running text: the scan for a title stops there."""


def document_title(text: str, limit: int = 120) -> str:
    """What a document is about: its subject line, the subject a letter prints above its salutation, else its
    first line, before the text begins, that names a subject. „Kreisverwaltung Talbach“, „Abteilung 3 – Ordnung
    und Verkehr“ or „STELLUNGNAHME zur Anfrage“ name who wrote it or on which form, not what it says, and seven
    documents titled so cannot be told apart in a reply's list of sources."""
    lines = [line.strip() for line in text.split("\n")[:60]]
    subject = _SUBJECT_LINE.search(text)
    if subject and any(ch.isalpha() for ch in subject.group(1)):
        start = text[: subject.start(1)].count("\n")
        return shortened(_with_continuation(subject.group(1).strip(), lines[start + 1 :]), limit)
    salutation = next((i for i, line in enumerate(lines) if _SALUTATION.match(line)), None)
    candidates = list(range(len(lines) if salutation is None else salutation))
    block = None if salutation is None else _block_above(lines, salutation)
    if block is not None:
        candidates.insert(0, block)
    for i in candidates:
        line, rest = lines[i], lines[i + 1 :]
        if _is_running_text(line) and i != block:
            break  # the text has begun; a line after its first sentence is part of it, not its title
        if line.isalpha() and line[:1].isupper() and rest and rest[0][:1].islower():
            line, rest = f"{line} {rest[0]}", rest[1:]  # „Niederschrift“ / „über die 7. Sitzung …“
        if _names_a_subject(line, lines[i - 1] if i else ""):
            return shortened(_with_continuation(line, rest), limit)
    return ""


def _block_above(lines: list[str], salutation: int) -> int | None:
    """Where the paragraph right above a letter's salutation starts, which is its subject unless it is the
    address („Max Mustermann / Hauptstraße 5 / 56789 Talbach“)."""
    end = salutation
    while end > 0 and not lines[end - 1]:
        end -= 1
    start = end
    while start > 0 and lines[start - 1]:
        start -= 1
    block = lines[start:end]
    if not block or start == 0 or any(_LETTERHEAD.match(line) or _PERSON.match(line) for line in block):
        return None
    return start


def _is_running_text(line: str) -> bool:
    words = line.split()
    return len(words) > _TITLE_MAX_WORDS or (len(words) >= 6 and line.endswith((".", "!")))


def _names_a_subject(line: str, previous: str) -> bool:
    """Whether a line says what the document is about, rather than who wrote it, to whom, when or on which form;
    `previous` is the line above it, a form field's label when it ends in „:“."""
    words = line.split()
    if sum(ch.isalpha() for ch in line) < _TITLE_MIN_LETTERS or not 2 <= len(words) <= _TITLE_MAX_WORDS:
        return False
    if previous.endswith(":") or _ADDRESSEE.match(previous) or (words[0][:1].islower() and words[0].islower()):
        return False  # a form field's value below its label („Gremium:“), a name below „Herrn“, a line going on
    if _LETTERHEAD.match(line) or _NOT_THE_SUBJECT.match(line) or _PERSON.match(line) or _is_date_line(line):
        return False
    if _AUTHORITY.fullmatch(line) or (_AUTHORITY.match(line) and len(words) <= 6 and re.search(r"\s[–·,-]\s", line)):
        return False  # „Kreisverwaltung Talbach – Pressestelle“
    if (line.isupper() and len(words) <= 3) or line.endswith((".", ":", "/", ",")):
        return False  # a shouted authority name, a sentence or its lead-in, a unit cut at its end, an address line
    named = {re.sub(r"\W", "", word).lower() for word in words if not any(ch.isdigit() for ch in word)}
    return not named - {""} <= _FORM_WORDS


def _with_continuation(title: str, rest: list[str]) -> str:
    """A title printed over two lines: „… im Saarland nach“ / „dem Fahrplanwechsel 2014“ (PDF text may put a
    blank line between them)."""
    title = title.lstrip("-–• ")
    following = next((line for line in rest[:2] if line), "")
    if following and title.split()[-1].lower() in _OPEN_END:
        return f"{title} {following}"
    return title


def _is_date_line(line: str) -> bool:
    """A line that is a date and little else („Talbach, 14.03.2025“, „Mainz, 29.09.2024“)."""
    return first_date(line) is not None and len(re.sub(r"[\d.,\s]", "", line)) <= 20


def first_authority(text: str) -> str | None:
    match = _AUTHORITY.search(text)
    return match.group(1).strip() if match else None


def parse_date(value: str) -> str | None:
    """Accept `YYYY-MM-DD`, `DD.MM.YYYY` or „1. März 2024“ and return ISO, else None."""
    return first_date(value.strip())


def _iso(position: int, year: int, month: int, day: int) -> list[tuple[int, str]]:
    if 1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
        return [(position, f"{year:04d}-{month:02d}-{day:02d}")]
    return []

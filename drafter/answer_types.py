"""What kind of answer a question asks for, and whether a sentence gives that kind.

„Wie viele …“ is answered by a number, „Bis wann …“ by a date, „Wer …“ by a person or a body,
„Gibt es …“ by a statement that affirms or denies. A sentence that shares the question's words but
not its answer type („Die Ortsdurchfahrt liegt im Zuge der B 248.“ for „Wie hoch sind die Kosten?“)
is background, not the answer: drafting leads with a sentence of the asked type and flags a draft
that has none.
"""

from __future__ import annotations

import re
from enum import StrEnum


class AnswerType(StrEnum):
    AMOUNT = "amount"
    NUMBER = "number"
    DATE = "date"
    AGENT = "agent"
    POLAR = "polar"
    OPEN = "open"

    @property
    def missing_de(self) -> str:
        """The reason a draft is flagged when no quoted sentence gives this type."""
        return {
            AnswerType.AMOUNT: "Gefragt ist ein Betrag; keine zitierte Fundstelle nennt einen.",
            AnswerType.NUMBER: "Gefragt ist eine Zahl oder ein Betrag; keine zitierte Fundstelle nennt eine.",
            AnswerType.DATE: "Gefragt ist ein Zeitpunkt; keine zitierte Fundstelle nennt ein Datum.",
            AnswerType.AGENT: "Gefragt ist eine Person oder Stelle; keine zitierte Fundstelle nennt eine.",
            AnswerType.POLAR: "Gefragt ist ein Ja oder Nein; keine zitierte Fundstelle bejaht oder verneint es.",
            AnswerType.OPEN: "",
        }[self]


_AMOUNT_QUESTION = re.compile(
    r"\b(?:was\s+kost\w*|wie\s+teuer|welche\s+kosten|in\s+welcher\s+höhe|wie\s+hoch\s+(?:ist|sind|war|waren|wäre"
    r"|wären|liegt|liegen)\s+(?:\w+\s+){0,3}\w*(?:kosten|betrag|beträge|gebühr\w*|preis\w*|zuschuss|zuschüsse|förderung"
    r"|mittel|ausgaben|einnahmen|vorschuss|miete|entgelt\w*|honorar\w*|summe|budget\w*|etat|beitr[aä]g\w*))",
    re.IGNORECASE,
)
_NUMBER_QUESTION = re.compile(
    r"\b(?:wie\s+(?:viele?|hoch|groß|gross|lange?|teuer|weit|schnell|oft|stark|alt|breit|umfangreich)"
    r"|was\s+kost\w*|in\s+welche[mr]\s+(?:höhe|umfang|zahl)|welche[rns]?\s+(?:anzahl|betrag|summe|höhe"
    r"|kosten|umfang|zahl)|wie\s+(?:viel|hoch)\s+\w+|(?:anzahl|summe|höhe)\s+(?:der|des|an)\b)",
    re.IGNORECASE,
)
_DATE_QUESTION = re.compile(
    r"\b(?:(?:bis|seit|ab)\s+wann|wann|zu\s+welchem\s+zeitpunkt|(?:ab|seit|bis\s+zu)\s+welche[mr]\s+"
    r"(?:datum|zeitpunkt|jahr|termin)|in\s+welchem\s+(?:jahr|zeitraum|monat)|welche[rn]?\s+(?:termin|frist))\b",
    re.IGNORECASE,
)
_AGENT_QUESTION = re.compile(
    r"^\W*(?:wer\b|von\s+wem|welche[rs]?\s+(?:stelle|behörde|amt|ämter|gremium|gremien|person|personen"
    r"|firma|firmen|unternehmen|träger|dienststelle|abteilung|fachbereich)\b)",
    re.IGNORECASE,
)
_POLAR_QUESTION = re.compile(
    r"^\W*(?:ob\b|(?:ist|sind|gibt|gab|hat|haben|hatte|hatten|wird|werden|wurde|wurden|kann|können|könnte"
    r"|könnten|soll|sollen|sollte|sollten|muss|müssen|darf|dürfen|plant|planen|besteht|bestehen|liegt|liegen"
    r"|sieht|sehen|beabsichtigt|beabsichtigen|existiert|existieren|trifft|teilt|befürwortet|unterstützt"
    r"|erwägt|prüft|war|waren|wäre|wären|würde|würden)\b)",
    re.IGNORECASE,
)
_INTERROGATIVE = re.compile(r"\b(?:wie|was|welche\w*|warum|weshalb|wieso|wo|wohin|woher|wozu|womit)\b", re.I)

_NUMBER_WORDS = (
    r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend|dutzend"
    r"|hälfte|drittel|viertel|prozent|million\w*|milliard\w*"
)
_NUMBER = re.compile(rf"(?<![§\w])(?<!Abs\. )(?<!Nr\. )\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_AMOUNT = re.compile(
    r"€|\beur\b|\beuro\b|\bmio\.|\bmrd\.|\btsd\.|\bkostenlos|\bkostenfrei|\bgebührenfrei|\bunentgeltlich"
    r"|\bkeine\s+(?:kosten|gebühren)",
    re.IGNORECASE,
)
_MONTHS = r"januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\.\s?\d{{1,2}}\.(?:\d{{2,4}})?|(?:19|20)\d{{2}}|(?:{_MONTHS})|quartal|halbjahr"
    r"|frühjahr|sommer|herbst|winter|jahresende|sofort|bereits|derzeit|zurzeit|seit|bislang|noch\s+nicht)\b",
    re.IGNORECASE,
)
_AGENT = re.compile(
    r"\b(?:frau|herr|dr\.|\w*(?:amt|ämter|behörde|stelle|ministerium|verwaltung|beirat|rat|ausschuss|kommission"
    r"|gremium|abteilung|fachbereich|referat|dezernat|gmbh|ag|landkreis|stadt|gemeinde|kreis|land|bund"
    r"|vorsitzende\w*|beauftragte\w*|leitung|leiter\w*|träger|unternehmen|firma|büro|zentrum|gesellschaft|betrieb"
    r"|werk|werke|agentur|anstalt|polizei|feuerwehr|kammer|verband|verein|stiftung|regierung|senat))\b",
    re.IGNORECASE,
)
_POLARITY = re.compile(
    r"\b(?:ja|nein|nicht|kein\w*|nie|niemals|grundsätzlich|möglich|unmöglich|vorgesehen|geplant|beabsichtigt"
    r"|besteht|bestehen|gibt|liegt|liegen|erfolgt|erfolgte|wurde|wurden|wird|werden|ist|sind)\b",
    re.IGNORECASE,
)


def focus_word(question: str) -> str | None:
    """The first noun of a question after its opening word: what it asks about („Wie viele *Parkplätze* …“).
    German capitalises nouns, so the first capitalised word after the first one is a good guess."""
    for word in re.findall(r"[\wÄÖÜäöüß-]+", question)[1:]:
        if word[:1].isupper() and len(word) > 2 and not _PRONOUN.match(word):
            return word
    return None


_PRONOUN = re.compile(r"(?:Sie|Ihr\w*|Ich|Wir|Es|Er|Herr|Frau|Landrat|Landkreis|Stadt|Verwaltung|Kreisverwaltung)$")


def expected_answer_type(question: str) -> AnswerType:
    """The answer type a question asks for; OPEN when it asks for an explanation or a list."""
    if _AMOUNT_QUESTION.search(question):
        return AnswerType.AMOUNT
    if _NUMBER_QUESTION.search(question):
        return AnswerType.NUMBER
    if _DATE_QUESTION.search(question):
        return AnswerType.DATE
    if _AGENT_QUESTION.search(question):
        return AnswerType.AGENT
    if _POLAR_QUESTION.search(question) and not _INTERROGATIVE.search(question.split(",")[0]):
        return AnswerType.POLAR
    return AnswerType.OPEN


def gives_answer_type(answer_type: AnswerType, sentence: str) -> bool:
    """Whether a sentence can give the asked kind of answer (OPEN questions take any statement)."""
    pattern = {
        AnswerType.AMOUNT: _AMOUNT,
        AnswerType.NUMBER: _NUMBER,
        AnswerType.DATE: _DATE,
        AnswerType.AGENT: _AGENT,
        AnswerType.POLAR: _POLARITY,
    }.get(answer_type)
    return pattern is None or bool(pattern.search(sentence))

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

from drafter.retrieval.german_analyzer import GermanAnalyzer

_analyzer = GermanAnalyzer()


class AnswerType(StrEnum):
    AMOUNT = "amount"
    NUMBER = "number"
    DATE = "date"
    AGENT = "agent"
    POLAR = "polar"
    OPEN = "open"

    @property
    def asked_de(self) -> str:
        """What the question asks for, as „Gefragt ist …“ names it; empty for an open question."""
        return {
            AnswerType.AMOUNT: "ein Betrag",
            AnswerType.NUMBER: "eine Zahl oder ein Betrag",
            AnswerType.DATE: "ein Zeitpunkt",
            AnswerType.AGENT: "eine Person oder Stelle",
            AnswerType.POLAR: "ein Ja oder Nein",
            AnswerType.OPEN: "",
        }[self]

    def missing_de(self, elsewhere: bool = False) -> str:
        """The reason a draft is flagged when its first sentence does not give this type; `elsewhere` when
        a later quoted sentence does (the answer should lead, so the draft is still to be checked)."""
        asked = self.asked_de
        if not asked:
            return ""
        none = {
            AnswerType.AMOUNT: "nennt einen",
            AnswerType.NUMBER: "nennt eine",
            AnswerType.DATE: "nennt ein Datum",
            AnswerType.AGENT: "nennt eine",
            AnswerType.POLAR: "bejaht oder verneint es",
        }[self]
        if elsewhere:
            return f"Gefragt ist {asked}; erst ein späterer zitierter Satz {none}, nicht der erste."
        return f"Gefragt ist {asked}; keine zitierte Fundstelle {none}."


_AMOUNT_QUESTION = re.compile(
    r"\b(?:was\s+kost\w*|wie\s+teuer|welche\s+kosten|in\s+welcher\s+höhe|wie\s+hoch\s+(?:ist|sind|war|waren|wäre"
    r"|wären|liegt|liegen)\s+(?:\w+\s+){0,3}\w*(?:kosten|betrag|beträge|gebühr\w*|preis\w*|zuschuss|zuschüsse|förderung"
    r"|mittel|ausgaben|einnahmen|vorschuss|miete|entgelt\w*|honorar\w*|summe|budget\w*|etat|beitr[aä]g\w*))",
    re.IGNORECASE,
)
_NUMBER_QUESTION = re.compile(
    r"\b(?:wie\s+(?:viele?|hoch|groß|gross|lange?|teuer|weit|schnell|oft|stark|alt|breit|umfangreich)"
    r"|was\s+kost\w*|in\s+welche[mr]\s+(?:höhe|umfang|zahl)|welche[rns]?\s+(?:anzahl|betrag|summe|höhe"
    r"|kosten|umfang|zahl|anteil|quote|prozentsatz)|wie\s+(?:viel|hoch)\s+\w+|(?:anzahl|summe|höhe)\s+(?:der|des|an)\b)",
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
_INTERROGATIVE = re.compile(
    r"\b(?:wie|was|welche\w*|warum|weshalb|wieso|wo|wohin|woher|wozu|womit|inwie\w+|wann|wer|wem|wen)\b", re.I
)
_LIST_MARKER = re.compile(r"^\s*\(?(?:[a-z]{1,2}|\d{1,2}(?:\.\d{1,2})*)[.)]\s+", re.IGNORECASE)
_NOT_A_VERB = re.compile(
    r"^\W*(?:bitte|der|die|das|den|dem|des|ein\w*|in|im|bei|beim|auf|für|mit|nach|von|vom|zu|zum|zur|an|am|aus"
    r"|über|unter|vor|seit|ab|bis|durch|gegen|ohne|um|wegen|trotz|inwie\w+|inwiefern|wie\w*|wo\w*|wer|wem|wen"
    r"|wessen|was|wann|welche\w*|warum|weshalb|wieso|ob|und|oder|sowie|falls|wenn|sofern|soweit)\b",
    re.IGNORECASE,
)
"""Words a question can open with that are not its finite verb: a question ending in „?“ that opens with
anything else opens with its verb („Stellt der Kreis … bereit?“) and asks for a yes or no."""

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
    r"|besteht|bestehen|gibt|liegt|liegen|erfolgt|erfolgte|wurde|wurden|wird|werden|ist|sind"
    r"|werde|sei|seien)\b",
    re.IGNORECASE,
)
"""A statement that can say yes or no, also in the reported speech of minutes („…, dass die Eingangspost in der
Poststelle eingescannt werde“); not a hypothetical („… würde 50.000 Euro kosten“). A reported question („fragt,
ob …“) is never quoted at all (`drafter.extractive.is_quotable`)."""


FRAME_NOUNS = frozenset(
    "Grundlage Rahmen Zusammenhang Hinblick Bezug Blick Sicht Fall Falle Art Weise Form Frage Anfrage Antwort "
    "Jahr Jahre Jahren Jahres Frühjahr Sommer Herbst Winter Monat Monate Monaten Zeit Zeitraum Zeitpunkt Stand "
    "Anteil Anzahl Zahl Höhe Umfang Datum Betrag Summe Hause Verfügung".split()
)
"""Nouns that frame a question („auf Grundlage …“, „seit dem Frühjahr 2024“, „Wie ist der Stand bei …“, „von zu
Hause“, „zur Verfügung stehen“) or name the kind of answer it asks for („Welcher Anteil der Bauanträge …“, „Ab
welchem Datum …“) without naming what it is about: „62 Prozent der Bauanträge“ answers without the word
„Anteil“. So none is the question's focus, no reason names them, and the outcome model's `noun_weight_cited` does
not count them (the model was fitted with this list)."""


def focus_word(question: str) -> str | None:
    """The first noun of a question after its opening word: what it asks about („Wie viele *Parkplätze* …“).
    German capitalises nouns, so the first capitalised word after the first one is a good guess, unless it
    only frames the question or names the kind of answer („Wie ist der *Stand* bei der *Einführung* …“)."""
    for word in re.findall(r"[\wÄÖÜäöüß-]+", question)[1:]:
        if word[:1].isupper() and len(word) > 2 and not _PRONOUN.match(word) and word not in FRAME_NOUNS:
            return word
    return None


_PRONOUN = re.compile(r"(?:Sie|Ihr\w*|Ich|Wir|Es|Er|Herr|Frau|Landrat|Landkreis|Stadt|Verwaltung|Kreisverwaltung)$")


_OPENS_WITH_INTERROGATIVE = re.compile(
    r"^\W*(?:\w+\s+)?(?:wie|was|wann|wer|wem|wen|wessen|wo\w*|welche\w*|warum|weshalb|wieso|inwie\w+)\b",
    re.IGNORECASE,
)


def expected_answer_type(question: str) -> AnswerType:
    """The answer type a question asks for; OPEN when it asks for an explanation or a list.

    A question that opens with its interrogative asks what its main clause asks: „Woran misst die
    Verwaltung, wie weit …“ asks for a yardstick, not for a figure.
    """
    question = _LIST_MARKER.sub("", question)  # „a) Inwieweit …“ kept inside the question it completes
    if _OPENS_WITH_INTERROGATIVE.match(question):
        question = question.split(",")[0]
    if _AMOUNT_QUESTION.search(question):
        return AnswerType.AMOUNT
    if _NUMBER_QUESTION.search(question):
        return AnswerType.NUMBER
    if _DATE_QUESTION.search(question):
        return AnswerType.DATE
    if _AGENT_QUESTION.search(question):
        return AnswerType.AGENT
    first_clause = question.split(",")[0]
    verb_first = question.rstrip().endswith("?") and not _NOT_A_VERB.match(question)
    if (verb_first or _POLAR_QUESTION.search(question)) and not _INTERROGATIVE.search(first_clause):
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


_YEAR_OR_DATE = re.compile(r"^(?:(?:19|20)\d{2}|\d{1,2}\.\d{1,2}\.(?:\d{2,4})?)$")
_NUMBER_TOKEN = re.compile(rf"^(?:\d[\d.,]*%?|{_NUMBER_WORDS})$", re.IGNORECASE)
FIGURE_WINDOW = 4
"""„536 der rund 1.080 Beschäftigten“: the counted noun may follow a second figure and an article."""
_MEASURE_UNITS = (
    (re.compile(r"\bwie\s+schnell\b", re.I), r"[kmg]?bit/s|km/h|minuten|stunden"),
    (
        re.compile(r"\bwie\s+lange?\b", re.I),
        r"sekunden|minuten|stunden|tage[n]?|werktage[n]?|wochen|monate[n]?|jahre[n]?|km|m",
    ),
    (re.compile(r"\bwie\s+oft\b|\bhäufigkeit\b", re.I), r"mal|täglich|wöchentlich|monatlich|jährlich"),
    (re.compile(r"\bwie\s+(?:groß|gross|breit|weit)\b", re.I), r"m|km|m²|qm|ha|personen|mitglieder\w*|plätze[n]?"),
    (re.compile(r"\bwie\s+hoch\b|\banteil\b|\bquote\b", re.I), r"%|prozent|euro|€|mio\.|mrd\."),
)
"""For a question about a measure, the units that state it: „Wie schnell …“ is answered in Mbit/s."""
_EXPLICIT_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\.\s?\d{{1,2}}\.(?:\d{{2,4}})?|(?:19|20)\d{{2}}|(?:{_MONTHS})|quartal|halbjahr"
    r"|jahresende|jahresmitte)\b",
    re.IGNORECASE,
)
_EXPLICIT_POLARITY = re.compile(
    r"\b(?:ja|nein|nicht|kein\w*|nie|niemals|nur|ausschließlich|vorbehalten|unmöglich|möglich|vorgesehen|geplant"
    r"|beabsichtigt|zulässig|unzulässig|erlaubt|untersagt)\b",
    re.IGNORECASE,
)
_NAMED_AGENT = re.compile(
    r"\b(?:frau|herr|dr\.|\w*(?:amt|ämter|behörde|ministerium|beirat|ausschuss|kommission|gremium|abteilung"
    r"|fachbereich|referat|dezernat|gmbh|vorsitzende\w*|beauftragte\w*|leitung|leiter\w*|agentur|kammer"
    r"|verband|verein|stiftung))\b",
    re.IGNORECASE,
)
_NOT_KNOWN = re.compile(
    r"\b(?:nicht\s+(?:abzusehen|absehbar|bekannt|bezifferbar|zu\s+beziffern|erfasst|ermittelt|festgelegt)"
    r"|(?:liegen|liegt)\s+(?:\w+\s+){0,4}keine\s+(?:\w+\s+){0,2}(?:daten|zahlen|angaben|erkenntnisse|informationen"
    r"|statistiken)\b(?:\s+\w+){0,4}\s+vor|steh(?:t|en)\s+noch\s+nicht\s+fest|noch\s+offen)\b",
    re.IGNORECASE,
)
"""The answer that the asked figure, date or body is not known („Hierzu liegen keine Daten vor.“): outright when
the sentence is about what the question asks."""
_WORD = re.compile(r"[\wÄÖÜäöüß%€²/.,-]+")
_MONTH = re.compile(_MONTHS, re.IGNORECASE)


def answer_strength(answer_type: AnswerType, sentence: str, question: str, question_stems: set[str]) -> float:
    """How clearly a sentence gives the asked kind of answer: 1 when it says it outright, 0.5 when it only
    could, 0 when it cannot.

    „536 der rund 1.080 Beschäftigten …“ answers „Wie viele Beschäftigte …“ outright: a count of what the
    question asks about (the head of its first noun: `_counted`), or a figure in the unit of the asked measure
    („200 Mbit/s“ for „Wie schnell …“). „Zwei Stellen waren … nicht besetzt“ holds a number too, but of something else.
    A body or person is named outright when it is not just the question's own word. That the asked figure,
    date or body is not known („… liegen keine Daten vor“, „… ist nicht abzusehen“) is an outright answer
    too. A yes or no is outright when the sentence denies or affirms about what the question asks (its words,
    `question_stems`, as stems); a date when it names one, not when it only says „derzeit“.
    """
    if answer_type == AnswerType.OPEN:
        return 1.0
    about_it = bool(question_stems & set(_analyzer.tokens(sentence)))
    if answer_type != AnswerType.POLAR and about_it and _NOT_KNOWN.search(sentence):
        return 1.0  # „Ein genauer Zeitpunkt ist nicht abzusehen.“ answers „Ab wann …“ as plainly as a date
    if not gives_answer_type(answer_type, sentence):
        return 0.0
    if answer_type == AnswerType.AMOUNT:
        return 1.0
    if answer_type == AnswerType.NUMBER:
        asked = _counted(focus_word(question) or "") & question_stems or question_stems
        return 1.0 if figures_of(sentence, question, asked) else 0.5
    if answer_type == AnswerType.DATE:
        return 1.0 if _EXPLICIT_DATE.search(sentence) else 0.5
    if answer_type == AnswerType.AGENT:
        named = {stem for match in _NAMED_AGENT.findall(sentence) for stem in _analyzer.tokens(match)}
        return 1.0 if named - question_stems else 0.5  # „das Gremium“ does not say who was in „dem Gremium“
    return 1.0 if about_it and _EXPLICIT_POLARITY.search(sentence) else 0.5


def _counted(noun: str) -> set[str]:
    """The stems that name what a noun counts: its head, the last part of a compound, whether hyphenated or
    closed („Online-Dienste“, „Onlinedienste“ → dienst): „3,1 % online abgewickelt“ counts no service."""
    tokens = _analyzer.tokens(noun.split("-")[-1])
    return {token for token in tokens if tokens[0].endswith(token)}


def figures_of(sentence: str, question: str, question_stems: set[str]) -> set[str]:
    """What the sentence's figures measure, as far as the question asks about it: the question's words
    (the stem of each whole word, of its last part when hyphenated), or the units of the asked measure,
    within `FIGURE_WINDOW` words after a number (not a year or a date). „536 der rund 1.080 Beschäftigten“
    measures {beschaftigt}; two sentences whose figures measure the same are two statements of one figure.
    """
    units = "|".join(u for pattern, u in _MEASURE_UNITS if pattern.search(question))
    unit = re.compile(rf"^(?:{units})$", re.IGNORECASE) if units else None
    words = _WORD.findall(sentence)
    measured: set[str] = set()
    for position, word in enumerate(words):
        token = word.rstrip(".,")
        after = words[position + 1 : position + 1 + FIGURE_WINDOW]
        if not _NUMBER_TOKEN.match(token) or _YEAR_OR_DATE.match(token) or _is_month(after[:1]):
            continue  # „4. November 2024“ is a date, not a count
        for following in after:
            following = following.rstrip(".,")
            stem = _analyzer.tokens(following.split("-")[-1])[:1]  # the head: „Online-Anträge“ are no „Online-Dienste“
            if unit and unit.match(following):
                measured.add(following.lower())
            measured.update(set(stem) & question_stems)
    return measured


def measured_by(sentence: str) -> dict[str, str]:
    """Each figure of the sentence (not a year or a date) with what it counts: the unit right after it
    („15,2 %“), else the stem of the first noun within `FIGURE_WINDOW` words, of its last part when
    hyphenated („120 Online-Dienste“ → dienst). Unlike `figures_of` it needs no question: it compares two
    statements of one measure that word it alike, whatever the question asked."""
    words = _WORD.findall(sentence)
    result: dict[str, str] = {}
    for position, word in enumerate(words):
        token = word.rstrip(".,")
        after = [w.rstrip(".,") for w in words[position + 1 : position + 1 + FIGURE_WINDOW]]
        if not token[:1].isdigit() or _YEAR_OR_DATE.match(token) or _is_month(after[:1]) or not after:
            continue
        if _UNIT.fullmatch(after[0]):
            result[token] = after[0].lower()
            continue
        noun = next((w for w in after if w[:1].isupper()), None)
        stem = _analyzer.tokens(noun.split("-")[-1])[:1] if noun else []
        if stem:
            result[token] = stem[0]
    return result


_UNIT = re.compile(r"%|prozent|euro|eur|€|mio|mrd|km|m|m²|ha|[kmg]?bit/s", re.IGNORECASE)


def statement_words(sentence: str) -> set[str]:
    """A statement's word stems without its figures and dates: what two statements of one figure share."""
    return {t for t in _analyzer.tokens(_MONTH_WORD.sub(" ", sentence)) if not t[:1].isdigit()}


_MONTH_WORD = re.compile(rf"\b(?:{_MONTHS})\b", re.IGNORECASE)


def _is_month(words: list[str]) -> bool:
    return bool(words) and bool(_MONTH.fullmatch(words[0]))

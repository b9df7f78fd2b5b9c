"""Whether one sentence of an inquiry asks something, and how.

German inquiries ask with a question mark, but just as often without one: „Ich bitte um
Übersendung …“, „Bitte teilen Sie mir mit, …“, „Die Fraktion bittet Sie, … darzulegen“. And
much that ends in „?“ asks nothing of the authority: a quoted question of a newspaper or of an
earlier inquiry, „Haben Sie noch Fragen?“ in a portal's footer. `drafter.splitting` decides
the structure of an inquiry; this module only judges single sentences, so each rule can be
read and tested on its own.
"""

from __future__ import annotations

import re

QUESTION_END = re.compile(r"\?[\"“”»)\]'’]*\s*$")
SALUTATION = re.compile(r"^(?:sehr\s+geehrte|guten\s+(?:tag|morgen|abend)|hallo\b|liebe[rs]?\b|moin\b)", re.I)
CLOSING = re.compile(
    r"^(?:mit\s+(?:freundlichen|besten|herzlichen|kollegialen)\s+grüßen|(?:freundliche|viele|beste|herzliche)"
    r"\s+grüße|mfg\b|hochachtungsvoll|(?:vielen|herzlichen|besten)\s+dank|danke\b)",
    re.I,
)
# Phrases of FOI-portal and council boilerplate: never a question, and where they start an item ends.
BOILERPLATE = re.compile(
    r"dies\s+ist\s+ein\s+antrag|nicht\s+zuständig|(?:empfangs|eingangs)bestätigung|weitergabe\s+meiner"
    r"|\bwiderspreche\b|anfrage-?nr|\bantwort\s+an:|\bpostanschrift\b|https?://|www\.|\S@\S|<<"
    r"|laden\s+sie\s.{0,60}\shoch|elektronischer\s+form|über\s+den\s+antrag\s+zu\s+entscheiden"
    r"|verwaltungsaufwand|akteneinsicht|aktenauskunft|informationszugang|verbraucherinformation"
    r"|\berbetene[nr]?\b|\bvorab\b.{0,160}\binformieren\b|fragdenstaat|^begründung\b|wider\s+erwarten"
    r"|gebührenpflichtig|voraussichtliche[n]?\s+kosten|kosten\s+voraussichtlich|nicht\s+gewährt|antragszugang"
    r"|\bum\s+(?:\w+\s+)?beantwortung\b|^(?:sachverhalt|unterzeichnet|gez\.)",
    re.I,
)
# The few boilerplate phrases that also end in "?" ("Haben Sie noch Fragen?").
_BOILERPLATE_QUESTION = re.compile(
    r"nicht\s+zuständig|(?:empfangs|eingangs)bestätigung|weitergabe\s+meiner|https?://|www\.|fragdenstaat"
    r"|(?:haben\s+sie\s+)?noch\s+fragen|rückfragen|folgenden?\s+fragen|nachstehenden?\s+fragen"
    r"|fragen\s+beantworten",
    re.I,
)
_W_WORD = (
    r"(?:ob|wie|wann|wo|was|wer|wem|wen|wessen|warum|weshalb|wieso|weswegen|welche[rsmn]?|inwieweit"
    r"|inwiefern|wodurch|woran|worauf|wofür|wozu|womit|woher|wohin|worin|wieviele?|in\s+wie\s*weit)"
)
_PREPOSITION = r"(?:in|für|aus|mit|an|auf|bei|nach|von|zu|über|seit|bis|unter|gegen|durch|um)"
_W_CLAUSE = re.compile(rf"(?:[,:]\s*|\s)(?:und\s+|bzw\.\s+|oder\s+)?(?:{_PREPOSITION}\s+)?{_W_WORD}\b", re.I)
# Ways of asking without a question mark; they ask only together with a w-clause ("…, ob …").
_ASK = re.compile(
    r"\b(?:möchte|möchten|würde|würden|will|wollen)\s+(?:\w+\s+){0,4}?(?:wissen|erfahren)\b"
    r"|\b(?:wissen|erfahren)\s+(?:möchte|möchten|will|wollen)\b|\binteressier\w*\b"
    r"|\bmitzuteilen\b|\bmitteilen\b|\bteilen\s+sie\s+(?:\w+\s+){0,3}?mit\b|\bzu\s+berichten\b|\bdarzulegen\b"
    r"|\bfrage[n]?\s+(?:ich|wir)\b|\b(?:ich|wir)\s+frage[n]?\b|\bauskunft\s+darüber\b|\berkundig\w*",
    re.I,
)
# Requests that ask on their own: "Bitte nennen Sie …", "Ich bitte um Auskunft über …",
# "Die Fraktion bittet Sie, … den Sachstand darzulegen", "Die Verwaltung wird gebeten, … zu berichten".
_REQUEST = re.compile(
    r"^(?:\w+\s+){0,2}?(?:bitte\s+)?(?:nennen|benennen|erläutern|beziffern|schildern|beschreiben|übersenden"
    r"|übermitteln|senden|schicken|listen|legen|teilen|erklären|skizzieren|stellen)\s+sie\b"
    r"|\bbitte[nt]?\s+(?:ich\s+|wir\s+)?(?:sie\s+)?(?:\w+\s+)?um\s+(?:die\s+|eine\s+)?(?:auskunft|mitteilung"
    r"|information|angabe|darlegung|erläuterung|übersendung|zusendung|herausgabe|aufstellung|auflistung"
    r"|nennung|darstellung|stellungnahme|bericht)\b|\bbeantrage[n]?\b"
    r"|\b(?:bitte[nt]?|ersuche[nt]?|gebeten)\b.{0,240}?\b(?:darzulegen|darzustellen|mitzuteilen|zu\s+berichten"
    r"|zu\s+erläutern|aufzulisten|aufzuschlüsseln|vorzulegen|zu\s+übersenden|zuzusenden|zu\s+nennen"
    r"|zu\s+beziffern|zu\s+erklären|auszuführen|zu\s+informieren|zu\s+unterrichten)\b",
    re.I | re.S,
)
# "bitte senden Sie mir Folgendes zu:" – what follows is requested even without a question mark.
REQUEST_INTRO = re.compile(r"\b(?:bitte|beantrage[n]?)\b[^:]*:\s*$", re.I)
# "… beantrage ich Auskunft zu folgenden Punkten.": the opening formula only announces the questions.
_ANNOUNCEMENT = re.compile(
    r"\b(?:folgende[nrs]?|nachstehende[nrs]?)\s+(?:punkte[n]?|fragen|informationen|angaben|auskünfte"
    r"|unterlagen|dokumente|themen|sachverhalte)\b[^?]*$|\bfolgendes\b[^?]*$",
    re.I,
)
# An introduction that runs on into the first question after its colon ("Wir fragen an: Wie …?").
INTRO_COLON = re.compile(r"[^:?]*\b(?:bitte|beantrage[n]?|frage[n]?|folgende[sn]?)\b[^:?]*:(?=\s)", re.I)
# Sentences that only make sense as part of the question before them.
FOLLOW_UP = re.compile(
    r"^(?:und\s+|oder\s+)?(?:(?:falls|sofern|gegebenenfalls|andernfalls|anderenfalls)\b|ggf\.|wenn\s+(?:ja|nein"
    r"|nicht|dem\s+(?:nicht\s+)?so\s+ist|das\s+(?:nicht\s+)?(?:so|der\s+fall)\s+ist)\b)",
    re.I,
)
# Finite verbs that open a yes/no question when they come first ("Ist …", "Plant die Verwaltung …").
_QUESTION_VERB = (
    r"(?:ist|sind|war|waren|hat|haben|hatte|hatten|wird|werden|wurde|wurden|kann|können|konnte|konnten|könnte"
    r"|könnten|soll|sollen|sollte|sollten|muss|müssen|darf|dürfen|gibt|gab|gäbe|liegt|liegen|lag|lagen|plant"
    r"|planen|sieht|sehen|teilt|teilen|trifft|treffen|hält|halten|beabsichtigt|beabsichtigen|erwartet|erwarten"
    r"|führt|führen|besteht|bestehen|wäre|wären|würde|würden|hätte|hätten|stimmt|steht|stehen|erhält|erhalten"
    r"|nutzt|nutzen|prüft|prüfen|verfügt|verfügen|kommt|kommen|gilt|gelten|befindet|befinden|erfolgt|bietet"
    r"|bieten|wirkt|weiß|kennt|kennen|unterstützt|unterstützen|setzt|zahlt|existiert|existieren|gedenkt)"
)
_QUESTION_START = re.compile(
    rf"^(?:(?:und|oder|sowie|bzw\.)\s+)?(?:zu\s+[a-z0-9]{{1,3}}\)?(?:\s+und\s+[a-z0-9]{{1,3}}\)?)*\s*:\s*)?"
    rf"(?:(?:{_PREPOSITION}\s+)?{_W_WORD}\b|{_QUESTION_VERB}\b|falls\b|sofern\b|ggf\.|wenn\s+(?:ja|nein|nicht)\b)",
    re.I,
)
_W_START = re.compile(rf"^(?:{_PREPOSITION}\s+)?{_W_WORD}\b(?!\s*(?:,|\.|$))", re.I)
# "Wie bereits berichtet, …": a w-word that compares or refers back does not ask.
_NOT_ASKING_W = re.compile(
    r"^wie\s+(?:bereits|schon|oben|unten|sie\b|in\b|im\b|aus\b|berichtet|erwähnt|besprochen)", re.I
)
_UNFINISHED = re.compile(r"(?:\.\.\.|…|[^.?!\"“”»)\]'’\s])[\"“”»)\]'’]*\s*$|:\s*$")
_QUOTED_QUESTION = re.compile(r"[„\"“»«‚'][^„\"“”»«]{3,}\?[\"“”»«‘’']")


def asks(sentence: str) -> bool:
    """Whether a sentence asks: a question mark, a request, or an indirect question."""
    stripped = sentence.strip()
    if not stripped or stripped.endswith(":"):
        return False
    if QUESTION_END.search(stripped):
        return True
    return bool(_REQUEST.search(stripped) or (_ASK.search(stripped) and _W_CLAUSE.search(stripped)))


def starts_question(sentence: str) -> bool:
    """Whether a sentence is built as a question from its first word: „Wie …“, „Ist …“, „Mit welchem …“."""
    stripped = sentence.strip()
    return bool(_QUESTION_START.match(stripped)) and not _NOT_ASKING_W.match(stripped)


def is_unfinished_question(opening: str) -> bool:
    """A question whose end the sub-items supply: „Welche Ausnahmen gibt es für“ … „a) für Pkw?“."""
    return starts_question(opening) and bool(_UNFINISHED.search(opening))


def asks_as_numbered_item(sentence: str) -> bool:
    """A numbered question may lack its „?“: „1. Wie sind die Preise … von“ followed by a list,
    „16. Welchen Stellenwert haben … Schulen.“ A w-word asks even before a full stop; a verb
    in front asks only in a sentence left open („13. Sind folgende Aussagen bekannt:“)."""
    stripped = sentence.strip()
    if asks(stripped) or (_W_START.match(stripped) and not _NOT_ASKING_W.match(stripped)):
        return True
    return starts_question(stripped) and not stripped.endswith(".")


def is_quoted_question(sentence: str) -> bool:
    """A question in quotation marks is somebody else's: a newspaper's, an earlier inquiry's."""
    return bool(_QUOTED_QUESTION.search(sentence)) and not QUESTION_END.search(_QUOTED_QUESTION.sub("", sentence))


def is_prose_question(sentence: str) -> bool:
    """Whether a sentence of an unnumbered e-mail is one of its questions."""
    if not sentence or sentence.rstrip().endswith(":") or SALUTATION.match(sentence) or CLOSING.match(sentence):
        return False
    if REQUEST_INTRO.search(sentence) or _ANNOUNCEMENT.search(sentence) or is_quoted_question(sentence):
        return False
    if QUESTION_END.search(sentence):
        return not _BOILERPLATE_QUESTION.search(sentence)
    return asks(sentence) and not BOILERPLATE.search(sentence)


def is_requested_item(sentence: str) -> bool:
    """What a request intro asks for ("Folgendes zu: den Vertrag …"), unless it is boilerplate."""
    return bool(sentence) and not (
        sentence.rstrip().endswith(":")
        or SALUTATION.match(sentence)
        or CLOSING.match(sentence)
        or BOILERPLATE.search(sentence)
    )


def continues(sentence: str) -> bool:
    """A follow-up ("Falls ja, bis wann?") or a short elliptic question ("Warum nicht?")."""
    follows = FOLLOW_UP.match(sentence) or (QUESTION_END.search(sentence) and len(sentence.split()) <= 3)
    return bool(follows) and not BOILERPLATE.search(sentence)

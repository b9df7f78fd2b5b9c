"""Splitting an incoming inquiry into its sub-questions, keeping the labels the sender used.

Answers are drafted question by question and matched to earlier replies by label, so the
split must reproduce what a clerk sees: "1a", "2.3" or "II.1" where the sender numbered,
the heading a question stands under, and 1, 2, 3 … for questions in plain e-mail prose.
Everything else – salutations, justification, the legal boilerplate of FOI portals,
signatures – stays out. The numbering itself is found by `drafter.question_labels`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from drafter.errors import EmptyInquiry
from drafter.models import SubQuestion
from drafter.question_labels import LabelLink, Scheme, find_label_sequence, is_abbreviation, join_label
from drafter.text_cleaning import collapse_whitespace, strip_span

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_GREETING_LINE = re.compile(
    r"^[^\S\n]*(?:sehr\s+geehrte|guten\s+(?:tag|morgen|abend)|hallo\b|liebe[rs]?\s|moin\b"
    r"|mit\s+(?:freundlichen|besten|herzlichen|kollegialen)\s+grüßen|(?:freundliche|viele|beste)\s+grüße)"
    r"[^\n]{0,60}$",
    re.I | re.M,
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"“”»)\]'’]*(?=\s)")
_QUESTION_END = re.compile(r"\?[\"“”»)\]'’]*\s*$")
_SALUTATION = re.compile(r"^(?:sehr\s+geehrte|guten\s+(?:tag|morgen|abend)|hallo\b|liebe[rs]?\b|moin\b)", re.I)
_CLOSING = re.compile(
    r"^(?:mit\s+(?:freundlichen|besten|herzlichen|kollegialen)\s+grüßen|(?:freundliche|viele|beste|herzliche)"
    r"\s+grüße|mfg\b|hochachtungsvoll|(?:vielen|herzlichen|besten)\s+dank|danke\b)",
    re.I,
)
# Phrases of FOI-portal and council boilerplate: never a question, and where they start an item ends.
_BOILERPLATE = re.compile(
    r"dies\s+ist\s+ein\s+antrag|nicht\s+zuständig|(?:empfangs|eingangs)bestätigung|weitergabe\s+meiner"
    r"|\bwiderspreche\b|anfrage-?nr|\bantwort\s+an:|\bpostanschrift\b|https?://|www\.|\S@\S|<<"
    r"|laden\s+sie\s.{0,60}\shoch|elektronischer\s+form|über\s+den\s+antrag\s+zu\s+entscheiden"
    r"|verwaltungsaufwand|akteneinsicht|aktenauskunft|informationszugang|verbraucherinformation"
    r"|\berbetene[nr]?\b|\bvorab\b.{0,160}\binformieren\b|fragdenstaat|^begründung\b|wider\s+erwarten"
    r"|gebührenpflichtig|voraussichtliche[n]?\s+kosten|kosten\s+voraussichtlich|nicht\s+gewährt|antragszugang"
    r"|\bum\s+(?:\w+\s+)?beantwortung\b",
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
    r"|inwiefern|wodurch|woran|worauf|wofür|wozu|womit|woher|wohin|worin|wieviele?)"
)
_W_CLAUSE = re.compile(
    rf"(?:[,:]\s*|\s)(?:und\s+|bzw\.\s+|oder\s+)?(?:(?:in|für|aus|mit|an|auf|bei|nach|von|zu|über|seit|bis)\s+)?"
    rf"{_W_WORD}\b",
    re.I,
)
# Ways of asking without a question mark; they ask only together with a w-clause ("…, ob …").
_ASK = re.compile(
    r"\b(?:möchte|möchten|würde|würden|will|wollen)\s+(?:\w+\s+){0,4}?(?:wissen|erfahren)\b"
    r"|\b(?:wissen|erfahren)\s+(?:möchte|möchten|will|wollen)\b|\binteressier\w*\b"
    r"|\bmitzuteilen\b|\bmitteilen\b|\bteilen\s+sie\s+(?:\w+\s+){0,3}?mit\b"
    r"|\bfrage[n]?\s+(?:ich|wir)\b|\b(?:ich|wir)\s+frage[n]?\b|\bauskunft\s+darüber\b|\berkundig\w*",
    re.I,
)
# Requests that ask on their own: "Bitte nennen Sie …", "Ich bitte um Auskunft über …".
_REQUEST = re.compile(
    r"^(?:\w+\s+){0,2}?(?:bitte\s+)?(?:nennen|benennen|erläutern|beziffern|schildern|beschreiben|übersenden"
    r"|übermitteln|senden|schicken|listen|legen|teilen|erklären|skizzieren|stellen)\s+sie\b"
    r"|\bbitte[nt]?\s+(?:ich\s+|wir\s+)?(?:sie\s+)?(?:\w+\s+)?um\s+(?:die\s+|eine\s+)?(?:auskunft|mitteilung"
    r"|information|angabe|darlegung|erläuterung|übersendung|zusendung|herausgabe|aufstellung|auflistung"
    r"|nennung|darstellung)\b|\bbeantrage[n]?\b",
    re.I,
)
# "bitte senden Sie mir Folgendes zu:" – what follows is requested even without a question mark.
_REQUEST_INTRO = re.compile(r"\b(?:bitte|beantrage[n]?)\b[^:]*:\s*$", re.I)
# An introduction that runs on into the first question after its colon ("Wir fragen an: Wie …?").
_INTRO_COLON = re.compile(r"[^:?]*\b(?:bitte|beantrage[n]?|frage[n]?|folgende[sn]?)\b[^:?]*:(?=\s)", re.I)
# Sentences that only make sense as part of the question before them.
_FOLLOW_UP = re.compile(
    r"^(?:und\s+|oder\s+)?(?:(?:falls|sofern|gegebenenfalls|andernfalls|anderenfalls)\b|ggf\.|wenn\s+(?:ja|nein"
    r"|nicht|dem\s+(?:nicht\s+)?so\s+ist|das\s+(?:nicht\s+)?(?:so|der\s+fall)\s+ist)\b)",
    re.I,
)


@dataclass
class _Item:
    question: SubQuestion
    asks: bool  # the item contains a question or request, not only a title


def split_inquiry(text: str) -> list[SubQuestion]:
    """The sub-questions of `text` in order, with offsets of each question text into `text`.

    Numbered items win over prose: once a sender numbers questions, sentences outside the
    numbering are justification or boilerplate, not further questions. A numbered list
    without any question (a list of requested documents) counts only when the prose asks
    nothing either, and what follows "bitte senden Sie mir Folgendes zu:" only when nothing
    else was found.
    """
    if not text.strip():
        raise EmptyInquiry()
    labelled = _labelled_questions(text, find_label_sequence(text))
    prose: list[_Item] = []
    if not any(item.asks for item in labelled):
        prose = _prose_questions(text)
    for candidates, enough in (
        (labelled, any(item.asks for item in labelled)),
        (prose, any(item.asks for item in prose)),
        (labelled, len(labelled) >= 2),
        (prose, bool(prose)),
    ):
        if enough:
            return [item.question for item in candidates]
    raise EmptyInquiry()


def _labelled_questions(text: str, links: list[LabelLink]) -> list[_Item]:
    links, opening_asks = _without_enumerations(text, links)
    items: list[_Item] = []
    labels: list[str] = []
    headings: list[str | None] = []
    groups: list[str | None] = []
    bullets_under: dict[int | None, int] = {}
    for i, link in enumerate(links):
        token, parent = link.token, link.parent
        end = links[i + 1].token.start if i + 1 < len(links) else len(text)
        own = token.own
        if token.scheme is Scheme.BULLET:
            bullets_under[parent] = bullets_under.get(parent, 0) + 1
            own = str(bullets_under[parent])
        labels.append(own if parent is None else join_label(labels[parent], links[parent].token, token, own))
        groups.append(None if parent is None else headings[parent] or groups[parent])
        has_children = i + 1 < len(links) and links[i + 1].parent == i
        if has_children and not opening_asks[i]:
            headings.append(_heading(text, token.start, token.end, end))
            continue
        headings.append(None)
        extent = _item_extent(text, token.end, end)
        if extent is not None:
            start, stop, asks = extent
            question = SubQuestion(labels[i], collapse_whitespace(text[start:stop]), groups[i], start, stop)
            items.append(_Item(question, asks))
    return _distinct(items)


def _without_enumerations(text: str, links: list[LabelLink]) -> tuple[list[LabelLink], list[bool]]:
    """Drop labelled entries that ask nothing and stand under a question: they enumerate
    what the question covers ("a) Bauamt b) Jugendamt") or number points in a comment,
    and are no sub-questions of their own. Also says for each kept label whether the text
    right after it asks something."""
    ends = [link.token.start for link in links[1:]] + [len(text)]
    asks = [_opening_asks(text, link.token.end, end) for link, end in zip(links, ends, strict=False)]
    parents = {link.parent for link in links}
    kept: dict[int, int] = {}
    result: list[LabelLink] = []
    for i, link in enumerate(links):
        if link.parent is not None and asks[link.parent] and not asks[i] and i not in parents:
            continue
        kept[i] = len(result)
        parent = kept.get(link.parent) if link.parent is not None else None
        result.append(LabelLink(link.token, link.depth, parent))
    return result, [asks[i] for i in kept]


def _opening_asks(text: str, start: int, end: int) -> bool:
    """Whether the first paragraph after a label asks something (else the label is a heading)."""
    paragraphs = _paragraphs(text, start, end)
    return bool(paragraphs) and any(_asks(text[a:b]) for a, b in _sentences(text, *paragraphs[0]))


def _heading(text: str, label_start: int, label_end: int, end: int) -> str:
    """The heading as written: its label and the first line of text after it."""
    content = strip_span(text, label_end, end)[0]
    line_end = text.find("\n", content, end)
    return collapse_whitespace(text[label_start : line_end if line_end != -1 else end])


def _item_extent(text: str, start: int, end: int) -> tuple[int, int, bool] | None:
    """Where an item's question starts and ends, and whether it asks at all.

    An item runs from its label to its last question, so a question of several sentences
    ("Wird …? Falls ja, welche …?") stays whole; justification, boilerplate and signatures
    after the last question are cut off. An item without any question keeps its first sentence.
    """
    paragraphs = _paragraphs(text, start, end)
    if not paragraphs:
        return None
    item_start = paragraphs[0][0]
    sentences = _sentences(text, *paragraphs[0])
    last_ask = _last_ask(text, sentences, None)
    if last_ask is None:
        return item_start, sentences[0][1], False
    for paragraph in paragraphs[1:]:
        sentences = _sentences(text, *paragraph)
        if not _FOLLOW_UP.match(text[slice(*sentences[0])]):
            break
        last_ask = _last_ask(text, sentences, last_ask)
    return item_start, last_ask, True


def _last_ask(text: str, sentences: list[tuple[int, int]], last_ask: int | None) -> int | None:
    """The end of the last sentence that still belongs to the question, scanning `sentences`.

    After the first question, a new line that neither asks nor follows up ends the question,
    and so does boilerplate anywhere after the first sentence.
    """
    for n, (a, b) in enumerate(sentences):
        sentence = text[a:b]
        if n and (_BOILERPLATE.search(sentence) or _CLOSING.match(sentence)):
            break
        if _asks(sentence) or (last_ask is not None and _FOLLOW_UP.match(sentence)):
            last_ask = b
        elif last_ask is not None and n and "\n" in text[sentences[n - 1][1] : a]:
            break
    return last_ask


def _prose_questions(text: str) -> list[_Item]:
    """Questions of an unnumbered e-mail: each question sentence, with its follow-ups, is one item."""
    spans: list[list[int]] = []  # start, end, and whether the item asks (1) or is only requested (0)
    in_item = requested = False
    for a, b in _prose_sentences(text):
        sentence = text[a:b]
        if spans and in_item and _continues(sentence):
            spans[-1][1] = b
            continue
        asks = _is_prose_question(sentence)
        in_item = asks or (requested and _is_requested_item(sentence))
        requested = bool(_REQUEST_INTRO.search(sentence))
        if in_item:
            spans.append([a, b, asks])
    return [
        _Item(SubQuestion(str(n), collapse_whitespace(text[a:b]), None, a, b), bool(asks))
        for n, (a, b, asks) in enumerate(spans, 1)
    ]


def _prose_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentences of an e-mail without its salutation, with introductions split off at their colon."""
    for paragraph in _paragraphs(text, 0, len(text)):
        for a, b in _sentences(text, *paragraph):
            a = _after_salutation(text, a, b)
            if intro := _INTRO_COLON.match(text, a, b):
                yield a, intro.end()
                a = strip_span(text, intro.end(), b)[0]
            if a < b:
                yield a, b


def _is_prose_question(sentence: str) -> bool:
    if not sentence or sentence.rstrip().endswith(":") or _SALUTATION.match(sentence) or _CLOSING.match(sentence):
        return False
    if _QUESTION_END.search(sentence):
        return not _BOILERPLATE_QUESTION.search(sentence)
    return _asks(sentence) and not _BOILERPLATE.search(sentence)


def _is_requested_item(sentence: str) -> bool:
    """What a request intro asks for ("Folgendes zu: den Vertrag …"), unless it is boilerplate."""
    return bool(sentence) and not (
        sentence.rstrip().endswith(":")
        or _SALUTATION.match(sentence)
        or _CLOSING.match(sentence)
        or _BOILERPLATE.search(sentence)
    )


def _continues(sentence: str) -> bool:
    """A follow-up ("Falls ja, bis wann?") or a short elliptic question ("Warum nicht?")."""
    follows = _FOLLOW_UP.match(sentence) or (_QUESTION_END.search(sentence) and len(sentence.split()) <= 3)
    return bool(follows) and not _BOILERPLATE.search(sentence)


def _asks(sentence: str) -> bool:
    """Whether a sentence asks: a question mark, a request, or an indirect question."""
    stripped = sentence.strip()
    if not stripped or stripped.endswith(":"):
        return False
    if _QUESTION_END.search(stripped):
        return True
    return bool(_REQUEST.search(stripped) or (_ASK.search(stripped) and _W_CLAUSE.search(stripped)))


def _after_salutation(text: str, start: int, end: int) -> int:
    """Skip "Sehr geehrte Damen und Herren," when an e-mail runs on in the same sentence."""
    if not _SALUTATION.match(text, start, end):
        return start
    comma = text.find(",", start, min(end, start + 80))
    return strip_span(text, comma + 1, end)[0] if comma != -1 else end


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Blank-line separated blocks in [start, end); a greeting line is a block of its own."""
    cuts = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text, start, end)]
    cuts += [(m.start(), m.start()) for m in _GREETING_LINE.finditer(text, start, end)]
    cuts += [(m.end(), m.end()) for m in _GREETING_LINE.finditer(text, start, end)]
    spans, position = [], start
    for cut_start, cut_end in sorted(cuts):
        if cut_start >= position:
            spans.append(strip_span(text, position, cut_start))
            position = cut_end
    spans.append(strip_span(text, position, end))
    return [(a, b) for a, b in spans if a < b]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph; abbreviations, initials and ordinals do not end a sentence."""
    spans, position = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        if _ends_sentence(text, m, end):
            spans.append((position, m.end()))
            position = strip_span(text, m.end(), end)[0]
    if position < end:
        spans.append((position, end))
    return spans


def _ends_sentence(text: str, match: re.Match, end: int) -> bool:
    following = strip_span(text, match.end(), end)[0]
    if following < end and text[following].islower():
        return False
    if match.group().rstrip("\"“”»)]'’") != ".":
        return True
    before = text[max(0, match.start() - 40) : match.start()].split()
    return not (before and is_abbreviation(before[-1] + "."))


def _distinct(items: list[_Item]) -> list[_Item]:
    """Drop a question repeated word for word under the same label (a request quoted again
    below itself) and number other repeated labels ("1 (2)") when a second list restarts at 1."""
    seen: dict[str, list[str]] = {}
    result = []
    for item in items:
        question = item.question
        texts = seen.setdefault(question.label, [])
        if question.text in texts:
            continue
        texts.append(question.text)
        if len(texts) > 1:
            question.label = f"{question.label} ({len(texts)})"
        result.append(item)
    return result

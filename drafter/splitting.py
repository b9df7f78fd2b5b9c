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

from drafter import question_sentences
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
# Where an e-mail quotes the message it answers or forwards; questions below it are someone else's.
_QUOTED_MESSAGE = re.compile(
    r"^[^\S\n]*(?:-{2,}\s*(?:Ursprüngliche Nachricht|Original Message|Weitergeleitete Nachricht)"
    r"|Am .{6,80} schrieb .{0,80}:[^\S\n]*$|On .{6,80} wrote:[^\S\n]*$)",
    re.M | re.I,
)
# A subject line is a title even when it ends in "?".
_SUBJECT_LINE = re.compile(r"^(?:betreff|betr\.|subject|thema|titel)\s*:", re.I)
_MAX_TITLE_WORDS = 20
# A list that a blank line interrupts continues in the next paragraph.
_BULLET_LINE = re.compile(r"^[^\S\n]*[•\-*–·▪◦●■►➢][^\S\n]+", re.M)
# A paragraph ending in a lowercase word or a comma stops mid-sentence (German nouns are capitalised).
_MID_SENTENCE = re.compile(r"(?:\b[a-zäöüß]+|,)$")


@dataclass
class _Item:
    question: SubQuestion
    asks: bool  # the item contains a question or request, not only a title


@dataclass
class _Node:
    """A label kept in the structure: whether it is a heading, and the end of sub-items it absorbed."""

    link: LabelLink
    heading: bool
    through: int  # start of the last sub-item merged into this one (its own start if none)


def split_inquiry(text: str) -> list[SubQuestion]:
    """The sub-questions of `text` in order, with offsets of each question text into `text`.

    Numbered items win over prose: once a sender numbers questions, sentences outside the
    numbering are justification or boilerplate, and numbered statements are no questions. A
    numbered list without any question (a list of requested documents) counts only when the
    prose asks nothing either, and what follows "bitte senden Sie mir Folgendes zu:" only
    when nothing else was found.
    """
    if not text.strip():
        raise EmptyInquiry()
    labelled = _labelled_questions(text, find_label_sequence(text))
    asking = [item for item in labelled if item.asks]
    prose = [] if asking else _prose_questions(text)
    for candidates, enough in (
        (asking, bool(asking)),
        (prose, any(item.asks for item in prose)),
        (labelled, len(labelled) >= 2),
        (prose, bool(prose)),
    ):
        if enough:
            return [item.question for item in _distinct(candidates)]
    raise EmptyInquiry()


def _labelled_questions(text: str, links: list[LabelLink]) -> list[_Item]:
    nodes = _structure(text, links)
    items: list[_Item] = []
    labels: list[str] = []
    groups: list[str | None] = []
    titles: list[str | None] = []
    bullets_under: dict[int | None, int] = {}
    for i, node in enumerate(nodes):
        token, parent = node.link.token, node.link.parent
        end = nodes[i + 1].link.token.start if i + 1 < len(nodes) else len(text)
        own = token.own
        if token.scheme is Scheme.BULLET:
            bullets_under[parent] = bullets_under.get(parent, 0) + 1
            own = str(bullets_under[parent])
        if parent is None:
            labels.append(own)
            groups.append(None)
        else:
            parent_token = nodes[parent].link.token
            labels.append(join_label(labels[parent], parent_token, token, own, under_heading=nodes[parent].heading))
            groups.append(groups[parent] or titles[parent])  # the outermost titled section
        if node.heading:
            heading = _heading(text, token.start, token.end, end)
            titles.append(heading if _is_title(heading, token.end - token.start) else None)
            continue
        titles.append(None)
        extent = _item_extent(text, token.end, end, node.through)
        if extent is not None:
            start, stop, asks = extent
            question = SubQuestion(labels[i], collapse_whitespace(text[start:stop]), groups[i], start, stop)
            items.append(_Item(question, asks))
    return items


def _structure(text: str, links: list[LabelLink]) -> list[_Node]:
    """Keep the labels that stand for questions or headings; merge the others into their parent.

    Labelled entries that ask nothing under a question enumerate what it covers ("a) Bauamt
    b) Jugendamt"), and sub-items of an unfinished question complete its sentence ("Welche
    Ausnahmen gibt es a) für Pkw? b) für Lkw?"): both stay inside the question's item. A label
    with sub-items whose own text asks nothing is a heading.
    """
    ends = [link.token.start for link in links[1:]] + [len(text)]
    openings = [_opening(text, link.token.end, end) for link, end in zip(links, ends, strict=False)]
    opening_asks = [any(question_sentences.asks_as_numbered_item(s) for s in sentences) for sentences in openings]
    children: dict[int, list[int]] = {}
    for i, link in enumerate(links):
        if link.parent is not None:
            children.setdefault(link.parent, []).append(i)
    merged_into: dict[int, int] = {}
    for i, link in enumerate(links):
        parent = link.parent
        if parent is None:
            continue
        if parent in merged_into:
            merged_into[i] = merged_into[parent]
        elif _completes(openings, parent, children[parent]) or (
            opening_asks[parent] and not opening_asks[i] and i not in children
        ):
            merged_into[i] = parent
    kept: dict[int, int] = {}
    nodes: list[_Node] = []
    for i, link in enumerate(links):
        if i in merged_into:
            nodes[kept[merged_into[i]]].through = link.token.start
            continue
        kept[i] = len(nodes)
        parent = kept.get(link.parent) if link.parent is not None else None
        has_children = any(c not in merged_into for c in children.get(i, []))
        heading = has_children and not opening_asks[i]
        nodes.append(_Node(LabelLink(link.token, link.depth, parent), heading, link.token.start))
    return nodes


def _completes(openings: list[list[str]], parent: int, children: list[int]) -> bool:
    """Whether the sub-items finish the parent's unfinished question rather than ask on their own."""
    stem = " ".join(openings[parent])
    if not stem or not question_sentences.is_unfinished_question(stem):
        return False
    return not any(openings[c] and question_sentences.starts_question(openings[c][0]) for c in children)


def _opening(text: str, start: int, end: int) -> list[str]:
    """The sentences of the first paragraph after a label: they say whether it asks or heads a section."""
    paragraphs = _paragraphs(text, start, end)
    return [text[a:b] for a, b in _sentences(text, *paragraphs[0])] if paragraphs else []


def _heading(text: str, label_start: int, label_end: int, end: int) -> str:
    """The heading as written: its label and its line, with the lines it wraps onto."""
    position = strip_span(text, label_end, end)[0]
    line_end = text.find("\n", position, end)
    while line_end != -1:
        following = strip_span(text, line_end, end)[0]
        if following >= end or not text[following].islower() or _PARAGRAPH_BREAK.search(text, line_end, following):
            break
        line_end = text.find("\n", following, end)
    return collapse_whitespace(text[label_start : line_end if line_end != -1 else end])


def _is_title(heading: str, label_length: int) -> bool:
    """A section title ("II. Finanzierung", "1) Auskunft zur Planung:"), not a numbered statement."""
    words = heading[label_length:].split()
    statement = heading.endswith(".") and len(words) > 6
    return bool(words) and len(words) <= _MAX_TITLE_WORDS and not statement


def _item_extent(text: str, start: int, end: int, through: int) -> tuple[int, int, bool] | None:
    """Where an item's question starts and ends, and whether it asks at all.

    An item runs from its label to its last question, over the sub-items merged into it up
    to `through` and over follow-ups in the next paragraphs ("Mit welchem Ergebnis?", "Falls
    ja, …"), so a question of several sentences stays whole; a note in brackets right after
    it belongs to it too. Justification, boilerplate and signatures are cut off. An item
    without any question keeps its first sentence.
    """
    paragraphs = _rejoined(text, _paragraphs(text, start, end))
    if not paragraphs:
        return None
    item_start = paragraphs[0][0]
    fixed = max(n for n, (a, _) in enumerate(paragraphs) if n == 0 or a <= through)
    sentences = _sentences(text, *paragraphs[fixed])
    last_ask = _last_ask(text, sentences, paragraphs[fixed - 1][1] if fixed else None)
    if last_ask is None:
        first = text[slice(*sentences[0])]
        return item_start, sentences[0][1], question_sentences.asks_as_numbered_item(first)
    for paragraph in paragraphs[fixed + 1 :]:
        sentences = _sentences(text, *paragraph)
        first = text[slice(*sentences[0])]
        asking = all(
            question_sentences.asks(text[a:b]) or question_sentences.FOLLOW_UP.match(text[a:b]) for a, b in sentences
        )
        follows = (
            question_sentences.FOLLOW_UP.match(first)
            or (asking and question_sentences.starts_question(first))  # not "Ist das hinnehmbar? Wir meinen nein."
            or (_BULLET_LINE.match(text[slice(*paragraph)]) and _BULLET_LINE.search(text[item_start : paragraph[0]]))
        )
        if not follows or question_sentences.BOILERPLATE.search(first):
            break
        last_ask = _last_ask(text, sentences, last_ask)
    return item_start, _with_bracketed_note(text, last_ask, end), True


def _rejoined(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join paragraphs that a page break cut mid-sentence ("weshalb die damals geäußerte" / "Bitte …")."""
    joined: list[tuple[int, int]] = []
    for a, b in paragraphs:
        if joined and _MID_SENTENCE.search(text, joined[-1][0], joined[-1][1]):
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return joined


def _with_bracketed_note(text: str, stop: int, end: int) -> int:
    """Extend an item over "(Hinweis: …)" written right after its question mark."""
    position = strip_span(text, stop, end)[0]
    if position >= end or text[position] != "(" or _PARAGRAPH_BREAK.search(text, stop, position):
        return stop
    close = text.find(")", position, end)
    return close + 1 if close != -1 and "(" not in text[position + 1 : close] else stop


def _last_ask(text: str, sentences: list[tuple[int, int]], last_ask: int | None) -> int | None:
    """The end of the last sentence that still belongs to the question, scanning `sentences`.

    After the first question, a new line that neither asks nor follows up ends the question,
    and so does boilerplate anywhere after the first sentence.
    """
    for n, (a, b) in enumerate(sentences):
        sentence = text[a:b]
        if n and (question_sentences.BOILERPLATE.search(sentence) or question_sentences.CLOSING.match(sentence)):
            break
        if question_sentences.asks(sentence) or (last_ask is not None and question_sentences.FOLLOW_UP.match(sentence)):
            last_ask = b
        elif last_ask is not None and n and "\n" in text[sentences[n - 1][1] : a]:
            break
    return last_ask


def _prose_questions(text: str) -> list[_Item]:
    """Questions of an unnumbered e-mail: each question sentence, with its follow-ups, is one item.

    A message quoted below the e-mail is left out when the e-mail itself asks something.
    """
    quoted = _QUOTED_MESSAGE.search(text)
    if quoted and quoted.start() > 0:
        own = _prose_questions_in(text, quoted.start())
        if any(item.asks for item in own):
            return own
    return _prose_questions_in(text, len(text))


def _prose_questions_in(text: str, end: int) -> list[_Item]:
    spans: list[list[int]] = []  # start, end, and whether the item asks (1) or is only requested (0)
    in_item = requested = False
    for a, b in _prose_sentences(text, end):
        sentence = text[a:b]
        if spans and in_item and question_sentences.continues(sentence):
            spans[-1][1] = b
            continue
        asks = question_sentences.is_prose_question(sentence)
        in_item = asks or (requested and question_sentences.is_requested_item(sentence))
        requested = bool(question_sentences.REQUEST_INTRO.search(sentence))
        if in_item:
            spans.append([a, b, asks])
    return [
        _Item(SubQuestion(str(n), collapse_whitespace(text[a:b]), None, a, b), bool(asks))
        for n, (a, b, asks) in enumerate(spans, 1)
    ]


def _prose_sentences(text: str, end: int) -> Iterator[tuple[int, int]]:
    """Sentences of an e-mail without its salutation, subject line and a title standing alone
    before the salutation, with introductions split off at their colon."""
    paragraphs = _paragraphs(text, 0, end)
    salutation = next(
        (n for n, (a, b) in enumerate(paragraphs) if question_sentences.SALUTATION.match(text[a:b])), None
    )
    for n, paragraph in enumerate(paragraphs):
        is_title = salutation is not None and n < salutation and "\n" not in text[slice(*paragraph)]
        if is_title or _SUBJECT_LINE.match(text[slice(*paragraph)]):
            continue
        for a, b in _sentences(text, *paragraph):
            a = _after_salutation(text, a, b)
            if intro := question_sentences.INTRO_COLON.match(text, a, b):
                yield a, intro.end()
                a = strip_span(text, intro.end(), b)[0]
            if a < b:
                yield a, b


def _after_salutation(text: str, start: int, end: int) -> int:
    """Skip "Sehr geehrte Damen und Herren," when an e-mail runs on in the same sentence."""
    if not question_sentences.SALUTATION.match(text[start:end]):
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
    below itself) and number other repeated labels of one section ("1 (2)") when a second
    list restarts at 1. Sections that each number from 1 keep their labels: the group tells
    their questions apart."""
    seen: dict[tuple[str | None, str], list[str]] = {}
    result = []
    for item in items:
        question = item.question
        texts = seen.setdefault((question.group, question.label), [])
        if question.text in texts:
            continue
        texts.append(question.text)
        if len(texts) > 1:
            question.label = f"{question.label} ({len(texts)})"
        result.append(item)
    return result

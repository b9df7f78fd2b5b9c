"""Find the answered questions in a past reply, so each answer is indexed with its question.

A reply usually repeats each numbered question and answers it right after („1a) Wie wird …?
Für bestimmte Projekte …“), or answers by reference („Zu 1.: …“) to questions listed earlier
in the same document. References inside the prose („Bezugnehmend auf die Frage 2b)“, „Falls
Frage 3a) nicht …“) are not items. A block of labelled questions that are mostly left
unanswered (the request part of a reply) yields no pairs at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.sentences import sentence_spans
from drafter.text_cleaning import collapse_whitespace, strip_span

# A label at the start of a line or right after the end of a sentence/heading.
_LABEL = re.compile(
    r"(?:(?<=^)|(?<=\n)|(?<=[.?!:;“\")]\s)|(?<=[.?!:;“\")]\s\s))"
    r"(?P<prefix>(?:Zu|Antwort zu)\s+(?:Frage\s+)?|Frage\s+)?"
    r"(?P<label>(?:[IVX]{1,4}\.\s*)?\d{1,2}(?:\.\d{1,2})*[a-z]?(?:\)|\.(?!\d))|[a-z]\))"
    r"(?P<colon>:)?[ \t]+(?=\S)",
)
_REFERENCE_BEFORE = re.compile(r"(?:Frage|Fragen|Nr\.|siehe|vgl\.|gemäß|Antwort von|Punkt)\s*$", re.IGNORECASE)
_CLOSING = re.compile(
    r"\s*(?:Mit freundlichen Grüßen|Freundliche Grüße|Mit freundlichem Gruß|Viele Grüße|Gruß)\b.*\Z", re.DOTALL
)
_ANSWER_MARKER = re.compile(r"\s*(?:Antwort(?: der Verwaltung)?|Stellungnahme)\s*:\s*", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^(?:Falls|Wenn|Sofern|Und falls|Ggf\.|Gegebenenfalls)\b")
MIN_ANSWER_CHARS = 12


@dataclass(frozen=True)
class QAPair:
    label: str
    question: str
    answer: str
    start: int
    """Start of the label in the document (or of the answer when the question stands elsewhere)."""
    answer_start: int
    end: int
    heading: str | None
    question_in_span: bool


@dataclass
class _Item:
    label: str
    key: tuple
    start: int
    body_start: int
    end: int
    by_reference: bool


def find_qa_pairs(text: str) -> list[QAPair]:
    items = _label_items(text)
    pairs: list[QAPair] = []
    questions_by_label: dict[str, str] = {}
    heading: str | None = None
    for block in _blocks(items):
        parsed = [(item, *_split_question(text, item)) for item in block]
        answered = [p for p in parsed if p[1] and p[2] is not None]
        questions = [p for p in parsed if p[1]]
        is_reply_block = questions and len(answered) * 2 >= len(questions)
        for item, question, answer_span in parsed:
            if question:
                questions_by_label[item.label] = question
            if not question:
                body = collapse_whitespace(text[item.body_start : item.end])
                if item.by_reference and item.label in questions_by_label and len(body) >= MIN_ANSWER_CHARS:
                    answer_start, end = _trim_span(text, item.body_start, item.end)
                    pairs.append(
                        QAPair(
                            item.label,
                            questions_by_label[item.label],
                            text[answer_start:end],
                            answer_start,
                            answer_start,
                            end,
                            heading,
                            False,
                        )
                    )
                elif body.endswith(":") or len(body) < 120:
                    heading = text[item.start : item.end].strip()
                continue
            if is_reply_block and answer_span is not None:
                answer_start, end = answer_span
                pairs.append(
                    QAPair(item.label, question, text[answer_start:end], item.start, answer_start, end, heading, True)
                )
    return pairs


def _label_items(text: str) -> list[_Item]:
    matches = [
        m for m in _LABEL.finditer(text) if not _REFERENCE_BEFORE.search(text[max(0, m.start() - 25) : m.start()])
    ]
    items = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        label = re.sub(r"[\s)]|\.$", "", match.group("label")).rstrip(".")
        items.append(_Item(label, _order_key(label), match.start(), match.end(), end, bool(match.group("prefix"))))
    return items


def _order_key(label: str) -> tuple:
    roman = re.match(r"([IVX]+)\.", label)
    numbers = tuple(int(n) for n in re.findall(r"\d+", label))
    letter = re.search(r"([a-z])$", label)
    return (_roman_value(roman.group(1)) if roman else 0, *numbers, ord(letter.group(1)) - 96 if letter else 0)


def _roman_value(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for char, following in zip(roman, [*roman[1:], ""], strict=True):
        value = values[char]
        total += -value if following and values[following] > value else value
    return total


def _blocks(items: list[_Item]) -> list[list[_Item]]:
    """Cut the label sequence where it starts over: the request part and the reply are separate blocks."""
    blocks: list[list[_Item]] = []
    for item in items:
        last = blocks[-1][-1] if blocks else None
        if last and item.key > last.key and item.by_reference == last.by_reference:
            blocks[-1].append(item)
        else:
            blocks.append([item])
    return blocks


def _split_question(text: str, item: _Item) -> tuple[str | None, tuple[int, int] | None]:
    """The question sentences at the start of an item, and the span of the answer that follows."""
    spans = [(item.body_start + s, item.body_start + e) for s, e in sentence_spans(text[item.body_start : item.end])]
    if not spans or not text[spans[0][0] : spans[0][1]].rstrip().endswith("?"):
        return None, None
    last = 0
    while last + 1 < len(spans) and _continues_question(text[spans[last + 1][0] : spans[last + 1][1]]):
        last += 1
    question = re.sub(r"^Frage\s*:\s*", "", collapse_whitespace(text[spans[0][0] : spans[last][1]]))
    answer_start, end = _trim_span(text, spans[last][1], item.end)
    marker = _ANSWER_MARKER.match(text, answer_start, end)
    if marker:
        answer_start = marker.end()
    answer = text[answer_start:end]
    if len(answer) < MIN_ANSWER_CHARS or (answer.endswith(":") and not re.search(r"[.!?]\s", answer)):
        return question, None  # nothing, or only the heading that introduces the answers

    return question, (answer_start, end)


def _continues_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") and (_FOLLOW_UP.match(sentence) is not None or len(sentence) < 60)


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    segment = text[start:end]
    closing = _CLOSING.search(segment)
    if closing:
        end = start + closing.start()
    return strip_span(text, start, end)

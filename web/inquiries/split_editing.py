"""Staff corrections to an inquiry's split: edit, relabel, merge, split, delete and add sub-questions.

The splitter is good but not perfect (a question spread over two numbered lines, two
questions in one sentence). Each operation keeps positions dense (0, 1, 2 …) and labels
unique within the inquiry, because the reply letter answers „Zu 1a)“ by label.
"""

from __future__ import annotations

import re

from drafter.models import SubQuestion
from drafter.sentences import sentence_spans
from web.models import Inquiry, Question

MAX_LABEL = 40


class SplitEditError(ValueError):
    """An edit that would leave the split unusable; the message says what to change."""


def replace_all(inquiry: Inquiry, detected: list[SubQuestion]) -> None:
    inquiry.questions = [
        Question(position=index, label=sub.label[:MAX_LABEL], text=sub.text, group_title=sub.group)
        for index, sub in enumerate(_unique_labels(detected))
    ]


def edit(inquiry: Inquiry, question: Question, label: str, text: str) -> None:
    label, text = _checked(inquiry, label, text, ignore=question)
    question.label, question.text = label, text


def merge_with_next(inquiry: Inquiry, question: Question) -> Question:
    following = _neighbour(inquiry, question)
    if following is None:
        raise SplitEditError(f"Nach Frage {question.label} folgt keine weitere Frage zum Zusammenführen.")
    question.text = f"{question.text.rstrip()}\n{following.text.lstrip()}"
    inquiry.questions.remove(following)  # delete-orphan removes the row
    _renumber(inquiry)
    return question


def split_points(text: str) -> list[tuple[int, str]]:
    """Where a question can be divided: after each of its sentences but the last, with a preview."""
    spans = sentence_spans(text)
    return [(end, _preview(text[start:end])) for start, end in spans[:-1]]


def split_at(inquiry: Inquiry, question: Question, position: int, new_label: str) -> Question:
    head, tail = question.text[:position].strip(), question.text[position:].strip()
    if not head or not tail:
        raise SplitEditError("An dieser Stelle kann nicht geteilt werden: beide Teile brauchen Text.")
    new_label, tail = _checked(inquiry, new_label, tail)
    question.text = head
    created = Question(label=new_label, text=tail, group_title=question.group_title, position=0)
    inquiry.questions.insert(inquiry.questions.index(question) + 1, created)
    _renumber(inquiry)
    return created


def delete(inquiry: Inquiry, question: Question) -> None:
    if len(inquiry.questions) == 1:
        raise SplitEditError("Die letzte Frage kann nicht gelöscht werden; bitte stattdessen den Text ändern.")
    inquiry.questions.remove(question)  # delete-orphan removes the row
    _renumber(inquiry)


def add(inquiry: Inquiry, label: str, text: str) -> Question:
    label, text = _checked(inquiry, label, text)
    group = inquiry.questions[-1].group_title if inquiry.questions else None
    created = Question(label=label, text=text, group_title=group, position=len(inquiry.questions))
    inquiry.questions.append(created)
    return created


def suggest_label(inquiry: Inquiry, label: str) -> str:
    """The label after `label` that is still free: 1a → 1b, 2 → 3, otherwise "1a-2"."""
    taken = {q.label for q in inquiry.questions}
    match = re.fullmatch(r"(.*?)([a-y]|\d+)", label)
    if match:
        stem, last = match.groups()
        candidate = stem + (str(int(last) + 1) if last.isdigit() else chr(ord(last) + 1))
        if candidate not in taken:
            return candidate
    number = 2
    while f"{label}-{number}" in taken:
        number += 1
    return f"{label}-{number}"


def _checked(inquiry: Inquiry, label: str, text: str, ignore: Question | None = None) -> tuple[str, str]:
    label, text = label.strip().rstrip(")").strip(), text.strip()
    if not label:
        raise SplitEditError("Bitte eine Bezeichnung angeben (z. B. 1a).")
    if len(label) > MAX_LABEL:
        raise SplitEditError(f"Die Bezeichnung darf höchstens {MAX_LABEL} Zeichen lang sein.")
    if not text:
        raise SplitEditError("Der Fragetext darf nicht leer sein; zum Entfernen bitte „Löschen“ verwenden.")
    if any(q.label == label and q is not ignore for q in inquiry.questions):
        raise SplitEditError(f"Die Bezeichnung „{label}“ ist schon vergeben; bitte eine andere wählen.")
    return label, text


def _neighbour(inquiry: Inquiry, question: Question) -> Question | None:
    index = inquiry.questions.index(question)
    return inquiry.questions[index + 1] if index + 1 < len(inquiry.questions) else None


def _renumber(inquiry: Inquiry) -> None:
    for index, question in enumerate(inquiry.questions):
        question.position = index


def _preview(sentence: str, limit: int = 60) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else f"… {sentence[-limit:]}"


def _unique_labels(detected: list[SubQuestion]) -> list[SubQuestion]:
    seen: dict[str, int] = {}
    result = []
    for sub in detected:
        label = sub.label or str(len(result) + 1)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label}-{seen[label]}"
        result.append(SubQuestion(label=label, text=sub.text, group=sub.group, start=sub.start, end=sub.end))
    return result

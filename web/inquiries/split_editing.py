"""Staff corrections to an inquiry's split: edit, relabel, merge, split, delete and add sub-questions.

The splitter is good but not perfect (a question spread over two numbered lines, two
questions in one sentence). Each operation keeps positions dense (0, 1, 2 …) and labels
unique within their section, because the reply letter answers „Zu 1a)“ by label under the
section's heading: an inquiry whose numbering restarts per section has a „3.“ under „I.“ and
another under „II.“, told apart by the group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafter.models import SubQuestion
from drafter.sentences import sentence_spans
from web.answers.rules import job_pending
from web.models import Inquiry, Question

MAX_LABEL = 40


class SplitEditError(ValueError):
    """An edit that would leave the split unusable; the message says what to change."""


def replace_all(inquiry: Inquiry, detected: list[SubQuestion]) -> None:
    inquiry.questions = [
        Question(position=index, label=sub.label[:MAX_LABEL], text=sub.text, group_title=sub.group)
        for index, sub in enumerate(_unique_labels(detected))
    ]


def question_name(question: Question) -> str:
    """The label, with its section heading where the same label stands in another section: „3 (II. Radwege)“."""
    repeated = any(other is not question and other.label == question.label for other in question.inquiry.questions)
    return f"{question.label} ({question.group_title})" if repeated and question.group_title else question.label


def groups(inquiry: Inquiry) -> list[str]:
    """The section headings of the inquiry, in order, for choosing where an added question belongs."""
    return list(dict.fromkeys(q.group_title for q in inquiry.questions if q.group_title))


def edit(inquiry: Inquiry, question: Question, label: str, text: str) -> None:
    label, text = _checked(inquiry, label, text, question.group_title, ignore=question)
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
    new_label, tail = _checked(inquiry, new_label, tail, question.group_title)
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


def add(inquiry: Inquiry, label: str, text: str, group: str | None = None) -> Question:
    """A new question at the end of its section (`group`, one of `groups`), else at the end of the inquiry."""
    if group is None and inquiry.questions:
        group = inquiry.questions[-1].group_title
    elif group is not None and group not in groups(inquiry):
        raise SplitEditError("Diesen Abschnitt gibt es in der Anfrage nicht; bitte einen aus der Liste wählen.")
    label, text = _checked(inquiry, label, text, group)
    created = Question(label=label, text=text, group_title=group, position=0)
    in_group = [index for index, q in enumerate(inquiry.questions) if q.group_title == group]
    inquiry.questions.insert(in_group[-1] + 1 if in_group else len(inquiry.questions), created)
    _renumber(inquiry)
    return created


def suggest_label(inquiry: Inquiry, label: str, group: str | None = None) -> str:
    """The label after `label` that is still free in its section: 1a → 1b, 2 → 3, otherwise "1a-2"."""
    taken = {q.label for q in inquiry.questions if q.group_title == group}
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


def _checked(
    inquiry: Inquiry, label: str, text: str, group: str | None, ignore: Question | None = None
) -> tuple[str, str]:
    label, text = label.strip().rstrip(")").strip(), text.strip()
    if not label:
        raise SplitEditError("Bitte eine Bezeichnung angeben (z. B. 1a).")
    if len(label) > MAX_LABEL:
        raise SplitEditError(f"Die Bezeichnung darf höchstens {MAX_LABEL} Zeichen lang sein.")
    if not text:
        raise SplitEditError("Der Fragetext darf nicht leer sein; zum Entfernen bitte „Löschen“ verwenden.")
    if any(q.label == label and q.group_title == group and q is not ignore for q in inquiry.questions):
        where = f" im Abschnitt „{group}“" if group else ""
        raise SplitEditError(f"Die Bezeichnung „{label}“ ist{where} schon vergeben; bitte eine andere wählen.")
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
    """Labels as printed; only a label repeated within one section gets a suffix („2-2“)."""
    seen: dict[tuple[str | None, str], int] = {}
    result = []
    for sub in detected:
        label = sub.label or str(len(result) + 1)
        key = (sub.group, label)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            label = f"{label}-{seen[key]}"
        result.append(SubQuestion(label=label, text=sub.text, group=sub.group, start=sub.start, end=sub.end))
    return result


# After drafting: the split stays correctable, and each answer follows its question.


@dataclass(frozen=True)
class _Seen:
    question: Question
    label: str
    text: str
    group: str | None


@dataclass
class SplitChange:
    """What one correction did to the questions, compared with before: the answers it affects."""

    changed_text: list[Question] = field(default_factory=list)
    relabelled: list[tuple[str, Question]] = field(default_factory=list)
    removed: list[tuple[str, Question]] = field(default_factory=list)
    added: list[Question] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed_text or self.relabelled or self.removed or self.added)

    def descriptions(self) -> list[str]:
        """One German sentence per changed question, for the audit log."""
        return [
            *(f"Frage {question_name(q)} ergänzt." for q in self.added),
            *(f"Frage {name} gelöscht." for name, _ in self.removed),
            *(f"Bezeichnung „{old}“ in „{question_name(q)}“ geändert." for old, q in self.relabelled),
            *(f"Text der Frage {question_name(q)} geändert." for q in self.changed_text),
        ]


def snapshot(inquiry: Inquiry) -> list[_Seen]:
    """The questions as they are before a correction, to compare with afterwards (`compare`)."""
    return [_Seen(q, q.label, q.text, q.group_title) for q in inquiry.questions]


def compare(before: list[_Seen], inquiry: Inquiry) -> SplitChange:
    change = SplitChange()
    now = {id(q) for q in inquiry.questions}
    earlier = {id(seen.question): seen for seen in before}
    for seen in before:
        if id(seen.question) not in now:
            change.removed.append((f"{seen.label} ({seen.group})" if seen.group else seen.label, seen.question))
    for question in inquiry.questions:
        seen = earlier.get(id(question))
        if seen is None:
            change.added.append(question)
            continue
        if seen.text != question.text:
            change.changed_text.append(question)
        if (seen.label, seen.group) != (question.label, question.group_title):
            change.relabelled.append((seen.label, question))
    return change


def check_changeable(inquiry: Inquiry, change: SplitChange) -> None:
    """A sent reply is final, and a question being drafted right now must wait for its draft."""
    if inquiry.sent_at:
        raise SplitEditError("Die Antwort ist bereits versandt; die Aufteilung kann nicht mehr geändert werden.")
    touched = [*change.changed_text, *(q for _, q in change.removed), *(q for _, q in change.relabelled)]
    busy = [q for q in touched if job_pending(q)]
    if busy:
        raise SplitEditError(
            f"Für Frage {busy[0].label} wird gerade ein Entwurf erstellt. Bitte warten, bis er fertig ist, "
            "und dann erneut korrigieren."
        )

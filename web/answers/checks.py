"""Checks of an answer that staff see before they submit and the reviewer sees before deciding.

Two kinds: the check of each sentence against the passages it cites (`check_sentences`, the same
verification the language-model path runs, `drafter.llm.verification.verify_sentences`: exact,
then fuzzy, numbers unchanged), and the Prüfhinweise of the whole answer (`review_notes`): is the
asked kind of answer given, is every sentence belegt, are its numbers in the sources, are sources
of another authority or old, is the abstention text still there, is it the untouched machine
draft, is it very long. Everything here is a pure function of the answer's sentences and its
citation rows, so it is tested on small answers made up in the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from drafter.answer_text import with_note
from drafter.answer_types import AnswerType, expected_answer_type, gives_answer_type
from drafter.llm.output_parsing import ProposedSentence
from drafter.llm.verification import unsupported_numbers, verify_sentences
from drafter.models import Chunk, DocType, DocumentInfo, DraftSentence, SearchHit
from web.answers.rules import is_unchanged_machine_draft
from web.models import CitationRecord, Draft, RevisionOrigin

LONG_ANSWER_WORDS = 300
"""Above this many words an answer to one question is probably a pasted passage, not an answer."""


class SentenceState(StrEnum):
    BELEGT = "belegt"
    OHNE_BELEG = "ohne_beleg"
    BELEG_PASST_NICHT = "beleg_passt_nicht"

    @property
    def label_de(self) -> str:
        return {"belegt": "belegt", "ohne_beleg": "ohne Beleg", "beleg_passt_nicht": "Beleg passt nicht"}[self]


@dataclass(frozen=True)
class SentenceCheck:
    """One sentence with the outcome of its check and, when it failed, the German reason."""

    sentence: DraftSentence
    state: SentenceState
    reason: str | None = None


@dataclass(frozen=True)
class Note:
    """One Prüfhinweis. `blocking` ones stop approval and export; `ok` ones say a check passed."""

    text: str
    ok: bool = False
    blocking: bool = False


def _hit(record: CitationRecord) -> SearchHit:
    """A citation row as the search hit the verifier expects: only the passage text matters to it."""
    text = record.passage_text
    chunk = Chunk(record.chunk_id, record.doc, 0, text, 0, len(text))
    document = DocumentInfo(record.doc, record.doc, "", "", record.title, DocType.OTHER, record.doc_date)
    return SearchHit(chunk=chunk, document=document, score=0.0)


def check_sentences(
    paragraphs: list[list[DraftSentence]],
    citations: list[CitationRecord],
    machine_verified: list[DraftSentence] = (),
) -> list[list[SentenceCheck]]:
    """Each sentence matched against the passages its markers name.

    A sentence the machine drafted and verified (with the quote it was checked against) counts as
    belegt as long as its text and markers are unchanged; every other sentence must itself be found
    in a cited passage, since staff cite by writing the passage's words or by quoting it.
    """
    passages = {c.marker: _hit(c) for c in citations}
    trusted = {(s.text, tuple(s.markers)) for s in machine_verified if s.verified}
    dated = {(s.text, s.note) for s in machine_verified if s.note}
    paragraphs = [[_note_checked(s, dated) for s in paragraph] for paragraph in paragraphs]
    flat = [s for paragraph in paragraphs for s in paragraph]
    proposed = [ProposedSentence(s.text, list(s.markers), s.text) for s in flat]
    problems = dict(verify_sentences(proposed, passages).problems)
    checks: list[SentenceCheck] = []
    for index, sentence in enumerate(flat, start=1):
        problem = problems.get(index)
        if problem is None or (sentence.text, tuple(sentence.markers)) in trusted:
            checks.append(SentenceCheck(sentence, SentenceState.BELEGT))
        elif not sentence.markers:
            reason = "Der Satz nennt keine Fundstelle. Bitte eine Fundstelle wie [1] anfügen oder den Satz streichen."
            checks.append(SentenceCheck(sentence, SentenceState.OHNE_BELEG, reason))
        else:
            reason = (
                f"{problem[:1].upper()}{problem[1:]}. Bitte den Wortlaut der Fundstelle übernehmen oder die "
                "passende Fundstelle angeben."
            )
            checks.append(SentenceCheck(sentence, SentenceState.BELEG_PASST_NICHT, reason))
    result, position = [], 0
    for paragraph in paragraphs:
        result.append(checks[position : position + len(paragraph)])
        position += len(paragraph)
    return result


def _note_checked(sentence: DraftSentence, dated: set[tuple[str, str]]) -> DraftSentence:
    """A date mark („Stand 11/2024“) stays a mark only where the core set it on this very sentence; one typed by
    staff is part of the text and checked with it, so an invented date cannot pass as the core's."""
    if sentence.note is None or (sentence.text, sentence.note) in dated:
        return sentence
    return replace(sentence, text=with_note(sentence), note=None)


def checked_paragraphs(
    paragraphs: list[list[DraftSentence]],
    citations: list[CitationRecord],
    machine_verified: list[DraftSentence] = (),
) -> list[list[DraftSentence]]:
    """The sentences with `verified` set by the check: what a save stores."""
    return [
        [
            DraftSentence(c.sentence.text, list(c.sentence.markers), c.state == SentenceState.BELEGT, c.sentence.note)
            for c in paragraph
        ]
        for paragraph in check_sentences(paragraphs, citations, machine_verified)
    ]


def machine_sentences(draft: Draft) -> list[DraftSentence]:
    """The sentences of the automatic drafts of this answer, which the core verified when drafting."""
    return [s for r in draft.revisions if r.origin == RevisionOrigin.GENERATED for s in r.sentences]


def plural(count: int, one: str, many: str) -> str:
    """„1 Satz“, „2 Sätze“: the German number and noun."""
    return f"{count:,}".replace(",", ".") + " " + (one if count == 1 else many)


def review_notes(draft: Draft, *, max_age_years: int, today: date | None = None) -> list[Note]:
    """The Prüfhinweise of an answer, problems first; each says what to do about it."""
    today = today or date.today()
    current = draft.current
    text = " ".join(s.text for s in current.sentences)
    notes: list[Note] = []
    if current.holds_abstention:
        notes.append(
            Note(
                "Die Antwort enthält noch den Hinweis, dass die Wissensbasis nichts zur Frage enthält. Bitte "
                "fachlich ergänzen und den Hinweis streichen; so kann die Antwort nicht freigegeben werden.",
                blocking=True,
            )
        )
    if draft.notice:
        notes.append(Note(f"Hinweis des automatischen Entwurfs: {draft.notice}"))
    answer_type = expected_answer_type(draft.question.text)
    if answer_type != AnswerType.OPEN:
        if any(gives_answer_type(answer_type, s.text) for s in current.sentences):
            notes.append(Note(f"Gefragt ist {answer_type.asked_de}; die Antwort enthält das.", ok=True))
        else:
            notes.append(Note(f"Gefragt ist {answer_type.asked_de}; kein Satz der Antwort nennt das. Bitte ergänzen."))
    checked = check_sentences(current.paragraphs, draft.citations, machine_sentences(draft))
    checks = [c for paragraph in checked for c in paragraph]
    without = sum(c.state == SentenceState.OHNE_BELEG for c in checks)
    wrong = sum(c.state == SentenceState.BELEG_PASST_NICHT for c in checks)
    if without or wrong:
        parts = [plural(without, "Satz", "Sätze") + " ohne Beleg"] if without else []
        parts += [plural(wrong, "Satz", "Sätze") + ", deren Beleg nicht passt"] if wrong else []
        notes.append(Note(f"{' und '.join(parts)}. Bitte belegen oder streichen (markiert im Text)."))
    elif checks:
        notes.append(Note("Jeder Satz ist mit einer passenden Fundstelle belegt.", ok=True))
    used = {m for s in current.sentences for m in s.markers}
    cited = [c for c in draft.citations if c.marker in used]
    missing = unsupported_numbers(text, [c.passage_text for c in cited])
    if missing:
        numbers = ", ".join(f"„{n}“" for n in dict.fromkeys(missing))
        notes.append(Note(f"Zahlen ohne Quelle: {numbers} steht in keiner zitierten Fundstelle. Bitte prüfen."))
    elif re.search(r"\d", text):
        notes.append(Note("Alle Zahlen der Antwort stehen in den zitierten Fundstellen.", ok=True))
    foreign = sorted({f"[{c.marker}]" for c in cited if c.other_authority})
    if foreign:
        notes.append(
            Note(
                f"Fundstelle {', '.join(foreign)} stammt von einer anderen Behörde; ihre Angaben nicht als "
                "eigene ausgeben."
            )
        )
    contributions = sorted({f"[{c.marker}]" for c in cited if c.doc_type == DocType.PARTICIPATION})
    if contributions:
        notes.append(
            Note(
                f"Fundstelle {', '.join(contributions)} ist ein Beitrag aus einer Bürgerbeteiligung: eine Meinung "
                "von Teilnehmenden, keine Angabe der Verwaltung. Bitte nicht als Tatsache ausgeben."
            )
        )
    superseded = sorted({f"[{c.marker}]" for c in cited if c.superseded})
    if superseded:
        notes.append(
            Note(
                f"Fundstelle {', '.join(superseded)} stammt aus einem als überholt markierten Dokument; bitte die "
                "Angabe am neueren Dokument prüfen."
            )
        )
    old = sorted({f"[{c.marker}]" for c in cited if _age_years(c.doc_date, today) > max_age_years})
    if old:
        notes.append(
            Note(
                f"Fundstelle {', '.join(old)} ist älter als {plural(max_age_years, 'Jahr', 'Jahre')}; bitte prüfen, "
                "ob sie noch gilt."
            )
        )
    if is_unchanged_machine_draft(draft):
        notes.append(
            Note("Unverändert übernommener automatischer Entwurf: vor dem Einreichen ausdrücklich bestätigen.")
        )
    words = len(text.split())
    if words > LONG_ANSWER_WORDS:
        notes.append(Note(f"Die Antwort ist mit {plural(words, 'Wort', 'Wörtern')} sehr lang; bitte kürzen."))
    return sorted(notes, key=lambda n: (not n.blocking, n.ok))


def _age_years(value: str | None, today: date) -> float:
    """Years between a document's date („2019-05-02“ or „2019“) and today; 0 when it has none."""
    if not value:
        return 0.0
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        match = re.match(r"(\d{4})", value)
        if not match:
            return 0.0
        day = date(int(match.group(1)), 12, 31)
    return (today - day).days / 365.25

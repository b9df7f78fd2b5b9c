"""Extractive drafts: the best evidence sentences, each with its source, or a plain abstention.

Without a language model the most honest draft quotes: it leads with the one sentence that best
answers the question (its content words, the asked answer type, the direct answer given to an
earlier, similar question, the newer of two documents), adds at most two sentences that back it,
and cites every sentence with the passage and the exact quote. Questions, headings, table rows,
greetings and sentences that report someone asking are never quoted. When no passage reaches the
evidence threshold the draft says so instead of quoting something unrelated.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from drafter.answer_text import render_answer
from drafter.answer_types import (
    AnswerType,
    answer_strength,
    expected_answer_type,
    figures_of,
    measured_by,
    statement_words,
)
from drafter.authorities import is_other_authority
from drafter.confidence import Judgement, judge, outcome_features
from drafter.figure_tables import figure_tables
from drafter.learned import LinearModel, load_model
from drafter.models import (
    Chunk,
    ChunkKind,
    Citation,
    DocType,
    DocumentInfo,
    DraftAnswer,
    DraftSentence,
    DraftStatus,
    SearchHit,
    SubQuestion,
)
from drafter.retrieval.fusion import weighted_coverage
from drafter.retrieval.german_analyzer import GermanAnalyzer
from drafter.sentences import sentence_spans
from drafter.text_cleaning import collapse_lines, collapse_whitespace, strip_span

ABSTENTION_SENTENCE = "Die Wissensbasis enthält zu dieser Frage keine belastbaren Informationen."
"""The one sentence that says „no basis“: the extractive drafter uses it, and the LLM must answer with it."""
ABSTENTION = f"{ABSTENTION_SENTENCE} Die Antwort muss fachlich ergänzt werden."
MAX_PASSAGES = 5
MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 700
MIN_QUOTE_WORDS = 4
HEADING_MAX_WORDS = 12
"""A line without a full stop is a heading when it is shorter than this; a longer one is a sentence."""
MIN_RELATIVE_SCORE = 0.6
"""A sentence beside the lead is quoted only when it scores at least this share of the lead's score."""
SIDE_COVERAGE = 0.1
"""A sentence of another passage beside the lead holds at least this share of the question's weighted words,
unless its answer type shows it is about the question (`_about_the_question`): a passage's rank and a figure of
its own do not make „Zusätzlich stehen den Beschäftigten 12 Dienstpedelecs zur Verfügung“ an answer to how many
staff work from home."""
PASSAGE_EVIDENCE_FLOOR = 0.5
"""A passage is quoted only when its evidence reaches this share of the abstention threshold."""
PASSAGE_WEIGHT = 1.0
"""Weight of the passage's retrieval score (relative to the best passage, 0–1) against the sentence's coverage."""
TYPE_BONUS = 0.6
"""For a sentence of the asked answer type (a number for „Wie viele“): it outweighs a shared word or two."""
DIRECT_ANSWER_BONUS = 0.3
NEWER_BONUS = 0.05
"""Between two sentences of the asked type that answer alike, the one from the newer document leads."""
NOT_OWN_PENALTY = 0.5
"""Another authority's sentence leads only when no own sentence comes close, and so does a citizen's contribution
to a participation portal, unless the question asks what citizens think (`_ASKS_FOR_VIEWS`): „Die Anträge sollten
auch mit dem Smartphone gestellt werden können“ is a wish, no answer to „Können Anträge … gestellt werden?“."""
OLDER_FIGURE_PENALTY = 0.5
"""A figure that a newer document states again gives way to the newer one and is marked with its date."""
LEAD_CHARS = 350
"""The lead quote reads on into the next sentence of its paragraph while both fit in this many characters:
a direct answer („Nein.“, „Das hängt von … ab.“) is followed by the sentence that gives its substance. Another
lead reads on only into a sentence that shares a word with the question, unless it is short: „Zwischenzeitlich
haben sich hybride Besprechungsformate durchgesetzt.“ does not belong after the number of encrypted-mail users."""
SHORT_LEAD_WORDS = 10
"""A lead of at most this many words reads on whatever follows: „Hier wäre eine elektronische Kommunikation
wünschenswert.“ says what is wished for only with the sentence after it."""
RARE_TERMS = 2
"""How many of the question's rarest words a sentence or passage is checked for."""
SAME_STATEMENT_SHARE = 0.5
"""A later sentence states the lead's figure anew when it holds this share of the words of the lead's sentence
that gives the figure, figures and dates aside: „Bei der Kfz-Zulassung lag der Anteil internetbasierter Vorgänge
(i-Kfz) bei 15,2 %“ holds four of the eight of „Der Anteil der internetbasierten Zulassungen (i-Kfz) liege im
laufenden Jahr bei rund 11 %“. Plain shares, not IDF-weighted ones: in a small knowledge base the words that
two statements of one figure share are the common ones."""

NewerSearch = Callable[[str, str], list[SearchHit]]
"""Passages that best match a text, from documents dated on or after a date (YYYY-MM-DD)."""

_analyzer = GermanAnalyzer()


@dataclass
class Candidate:
    """A sentence that could be quoted, with the evidence features the lead model weighs."""

    hit: SearchHit
    passage_rank: int
    start: int
    end: int
    features: dict[str, float]
    score: float = 0.0
    following_end: int | None = None
    """End of the next sentence of the same paragraph, when it can be quoted: the lead reads on into it."""
    note: str | None = None
    """„Stand 11/2024“ when a newer document states the same figure."""
    table: bool = False
    """A table of figures: quoted with its rows on lines of their own, as it reads in the document."""

    @property
    def text(self) -> str:
        return self.hit.chunk.text[self.start : self.end]


def draft_extractive(
    question: SubQuestion,
    hits: list[SearchHit],
    min_evidence: float,
    own_authority: str | None = None,
    newer: NewerSearch | None = None,
) -> DraftAnswer:
    """`own_authority` is the authority drafter answers for: another authority's passages are labelled,
    led by the own ones, and a draft that quotes them is never marked `drafted`. With `newer`, a figure
    in the lead is looked up in the documents dated after it (`current_figure`)."""
    supporting = supporting_hits(hits, min_evidence)
    answer_type = expected_answer_type(question.text)
    chosen = choose_sentences(question.text, supporting, answer_type, own_authority)
    if not chosen:
        return abstention(question)
    judgement = judge_draft(question.text, answer_type, supporting, chosen, load_model("outcome"))
    if newer is not None:
        chosen = current_figure(chosen, newer, own_authority)
    citations: list[Citation] = []
    sentences: list[DraftSentence] = []
    markers: dict[str, int] = {}
    for candidate in chosen:
        chunk = candidate.hit.chunk
        marker = markers.setdefault(chunk.chunk_id, len(markers) + 1)
        citations.append(citation_for(candidate.hit, marker, candidate.start, candidate.end, own_authority))
        text = collapse_lines(candidate.text) if candidate.table else collapse_whitespace(candidate.text)
        sentences.append(DraftSentence(text=text, markers=[marker], note=candidate.note))
    if reason := source_reason(citations):
        judgement = Judgement(DraftStatus.NEEDS_REVIEW, judgement.probability, reason)
    return DraftAnswer(
        label=question.label,
        question=question.text,
        group=question.group,
        answer=render_answer(sentences),
        status=judgement.status,
        citations=citations,
        sentences=sentences,
        notice=judgement.reason,
    )


SUPERSEDED_REASON = (
    "Die zitierte Fundstelle stammt aus einem Dokument, das als überholt markiert ist; bitte die Angabe am "
    "neueren Dokument prüfen."
)


def source_reason(citations: list[Citation]) -> str | None:
    """Why a draft citing these passages is never `drafted`, however well they answer: it quotes another
    authority, whose figures must not pass as the own, or a citizen's contribution to a participation portal,
    whose view is no statement of the authority, or it opens with a document marked superseded."""
    foreign = sorted({c.authority or "" for c in citations if c.other_authority})
    if foreign:
        return (
            f"Zitiert wird eine Fundstelle einer anderen Behörde ({', '.join(foreign)}); ihre Angaben dürfen "
            "nicht als eigene ausgegeben werden. Bitte als fremde Angabe kennzeichnen oder durch eigene Zahlen "
            "ersetzen."
        )
    contributions = sorted({f"„{c.title}“" for c in citations if c.doc_type == DocType.PARTICIPATION})
    if contributions:
        return (
            f"Zitiert wird ein Beitrag aus einer Bürgerbeteiligung ({', '.join(contributions)}); er gibt die "
            "Meinung von Teilnehmenden wieder, keine Angabe der Verwaltung. Bitte streichen oder als Meinung "
            "kennzeichnen."
        )
    return SUPERSEDED_REASON if citations and citations[0].superseded else None


def speaker(document: DocumentInfo, own_authority: str | None) -> tuple[bool, bool]:
    """Who states a document's figures: the own authority, another one, or citizens on a participation portal.
    Only statements of one speaker date or replace each other: a citizen's or a neighbour's newer figure is no
    update of the own."""
    return is_other_authority(document.authority, own_authority), document.doc_type == DocType.PARTICIPATION


def judge_draft(
    question: str, answer_type: AnswerType, hits: list[SearchHit], chosen: list[Candidate], model: LinearModel
) -> Judgement:
    """Whether the chosen sentences can be marked `drafted`, by the fitted outcome model."""
    features = draft_features(question, hits, chosen)
    return judge(model, features, question, hits, _quoted(chosen), type_missing(answer_type, chosen))


def draft_features(question: str, hits: list[SearchHit], chosen: list[Candidate]) -> dict[str, float]:
    return outcome_features(question, hits, _quoted(chosen))


def _quoted(chosen: list[Candidate]) -> list[tuple[SearchHit, str, float]]:
    return [(c.hit, c.text, c.score) for c in chosen]


def type_missing(answer_type: AnswerType, chosen: list[Candidate]) -> str | None:
    """Why the draft does not answer in the asked type, when its first sentence does not give it: a
    „Wie viele“ draft that opens without the number is not the answer a user can rely on."""
    if answer_type == AnswerType.OPEN or not chosen or chosen[0].features["type_match"]:
        return None
    return answer_type.missing_de(elsewhere=any(c.features["type_match"] for c in chosen[1:]))


def supporting_hits(hits: list[SearchHit], min_evidence: float) -> list[SearchHit]:
    """The passages to answer from: none if even the best is below the threshold, else the top-ranked ones
    that share words with the question (retrieval order already weighs coverage against paraphrase)."""
    if max((h.evidence for h in hits), default=0.0) < min_evidence:
        return []
    return [h for h in hits if h.evidence >= PASSAGE_EVIDENCE_FLOOR * min_evidence][:MAX_PASSAGES]


def abstention(question: SubQuestion) -> DraftAnswer:
    return DraftAnswer(
        label=question.label,
        question=question.text,
        group=question.group,
        answer=ABSTENTION,
        status=DraftStatus.INSUFFICIENT_EVIDENCE,
        sentences=[DraftSentence(text=ABSTENTION, markers=[], verified=False)],
    )


def citation_for(hit: SearchHit, marker: int, start: int, end: int, own_authority: str | None = None) -> Citation:
    """The citation of `hit.chunk.text[start:end]`; labelled as another authority's against `own_authority`."""
    return Citation(
        marker=marker,
        chunk_id=hit.chunk.chunk_id,
        doc=hit.document.name,
        title=hit.document.title,
        passage_text=hit.chunk.text,
        quote=hit.chunk.text[start:end],
        quote_start=start,
        quote_end=end,
        page=hit.chunk.page,
        doc_type=str(hit.document.doc_type),
        date=hit.document.date,
        authority=hit.document.authority,
        superseded=bool(hit.document.superseded_by),
        other_authority=is_other_authority(hit.document.authority, own_authority),
    )


def choose_sentences(
    question: str, hits: list[SearchHit], answer_type: AnswerType, own_authority: str | None = None
) -> list[Candidate]:
    """The lead, the sentence that best answers the question, then up to two that score nearly as well, in
    reading order after it: the first sentence a reader sees is the one that answers. One from another passage
    must be about the question (`_about_the_question`), not just rank high. A citizen's contribution
    to a participation portal is quoted beside the authority's answer never: it would read as part of it."""
    candidates = sentence_candidates(question, hits, answer_type, own_authority)
    for candidate in candidates:
        candidate.score = lead_score(candidate.features)
    _mark_older_figures(candidates, question, own_authority)
    candidates.sort(key=lambda c: -c.score)
    if not candidates:
        return []
    lead = candidates[0]
    read_on = [c for c in candidates if c.hit is lead.hit and c.end == lead.following_end]
    dated = any(c.note for c in read_on)  # the next sentence gave way to a newer figure: the lead stops before it
    short = len(lead.text.split()) <= SHORT_LEAD_WORDS
    related = bool(read_on) or short or lead.features["direct_answer"] > 0
    if lead.following_end is not None and lead.following_end - lead.start <= LEAD_CHARS and related and not dated:
        gives = max([lead.features["type_match"], *(c.features["type_match"] for c in read_on)])
        lead = replace(lead, end=lead.following_end, features={**lead.features, "type_match": gives})
    chosen, length = [lead], lead.end - lead.start
    for candidate in candidates[1:]:
        size = candidate.end - candidate.start
        if len(chosen) >= MAX_SENTENCES or candidate.score < MIN_RELATIVE_SCORE * lead.score:
            break
        if candidate.hit is not lead.hit and not _about_the_question(candidate, answer_type):
            continue
        if length + size > MAX_ANSWER_CHARS or any(_overlap(c, candidate) for c in chosen):
            continue
        if _contribution(candidate) and not _contribution(lead):
            continue
        chosen.append(candidate)
        length += size
    return [lead, *sorted(chosen[1:], key=lambda c: (c.passage_rank, c.start))]


def _about_the_question(candidate: Candidate, answer_type: AnswerType) -> bool:
    """Whether a sentence of another passage belongs beside the lead: it holds enough of the question's words,
    or it gives the asked type in full where that says it is about the question too (a count of what is asked,
    a yes or no about it) or where the answer is rarely worded like the question (a date: „Die Arbeiten zur
    Fortschreibung … dauern bis Mitte 2027“ answers „Bis wann wird … überarbeitet?“). Any sum of money and any
    named body give their type without being about the question, so they need the words."""
    if candidate.features["coverage"] >= SIDE_COVERAGE:
        return True
    return answer_type in _TOPICAL_TYPES and candidate.features["type_match"] >= 1.0


_TOPICAL_TYPES = frozenset({AnswerType.NUMBER, AnswerType.POLAR, AnswerType.DATE})


def _contribution(candidate: Candidate) -> bool:
    return candidate.hit.document.doc_type == DocType.PARTICIPATION


def lead_score(features: dict[str, float]) -> float:
    """How well a sentence answers: the question's words it holds, its passage's retrieval score, the asked
    answer type, and whether it is the answer given to an earlier, similar question (when it gives the asked
    type: the direct answer to „Wie viele KFZ …“ does not answer „Seit wann …“). A logistic model fitted
    on these features (bench/fit_models.py) chose the answering sentence less often on sets it was not
    fitted on than these weights do, so the weights are set, and the fitted model decides only the status."""
    return (
        features["coverage"]
        + PASSAGE_WEIGHT * features["passage_score"]
        + TYPE_BONUS * features["type_match"]
        + DIRECT_ANSWER_BONUS * features["direct_answer"] * (1.0 - features["type_miss"])
        + NEWER_BONUS * features["type_match"] * features["recency"]
        - NOT_OWN_PENALTY * features["not_own"]
    )


def _overlap(a: Candidate, b: Candidate) -> bool:
    return a.text == b.text or (a.hit.chunk.chunk_id == b.hit.chunk.chunk_id and a.start < b.end and b.start < a.end)


def sentence_candidates(
    question: str, hits: list[SearchHit], answer_type: AnswerType, own_authority: str | None = None
) -> list[Candidate]:
    """Every quotable sentence of the supporting passages that shares a word with the question."""
    if not hits:
        return []
    weights = hits[0].term_weights
    rare = set(sorted(weights, key=lambda t: -weights[t])[:RARE_TERMS])
    best_score = max(h.score for h in hits) or 1.0
    counts = answer_type in (AnswerType.NUMBER, AnswerType.AMOUNT)
    views = bool(_ASKS_FOR_VIEWS.search(question))
    result = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        contribution = hit.document.doc_type == DocType.PARTICIPATION
        other_authority = is_other_authority(hit.document.authority, own_authority)
        body_start = chunk.answer_start if chunk.kind == ChunkKind.QA else 0
        spans = [(body_start + s, body_start + e) for s, e in sentence_spans(chunk.text[body_start:])]
        spans = [_after_heading(chunk, start, end) for start, end in spans]
        for quote in _quotes(hit, spans, body_start, tables=counts):
            start, end = quote.start, quote.end
            sentence = chunk.text[start:end]
            position = sum(1 for _, e in spans if e <= quote.place)
            direct_answer = chunk.kind == ChunkKind.QA and position == 0  # answers the earlier question directly
            tokens = set(_analyzer.tokens(_context(chunk, sentence, quote.introduction)))
            coverage = weighted_coverage(weights, tokens)
            if coverage == 0:  # not even the earlier question it answers shares a word with this one
                continue
            typed = answer_type != AnswerType.OPEN
            gives = answer_strength(answer_type, sentence, question, set(weights)) if typed else 0.0
            features = {
                "coverage": coverage,
                "rare": len(rare & tokens) / len(rare) if rare else 0.0,
                "passage_score": hit.score / best_score,
                "passage_rank": 1.0 / (rank + 1),
                "passage_evidence": hit.evidence,
                "type_match": gives,
                "type_miss": float(typed and not gives),
                "direct_answer": float(direct_answer),
                "position": 1.0 / (position + 1),
                "length": math.log1p(len(sentence.split())) / 5,
                "recency": recency(hit.document.date),
                "not_own": float(other_authority or (contribution and not views)),
            }
            following = next(((s, e) for s, e in spans if s >= end), None)
            reads_on = following and not quote.table and "\n\n" not in chunk.text[end : following[0]]
            reads_on = reads_on and is_quotable(chunk.text[following[0] : following[1]])
            following_end = following[1] if reads_on else None
            result.append(Candidate(hit, rank, start, end, features, following_end=following_end, table=quote.table))
    return result


def _after_heading(chunk: Chunk, start: int, end: int) -> tuple[int, int]:
    """A sentence span without the passage's heading line, which the sentence splitter joins to the first
    sentence when the passage holds little more than one long line: „Weitere besondere Erfolge“ is not part of
    the sentence „Einrichtung Vernetzungsplattform … wurde festgestellt, …“."""
    heading = chunk.heading
    if not heading or not chunk.text.startswith(f"{heading}\n", start) or start + len(heading) >= end:
        return start, end
    if len(heading.split()) >= HEADING_MAX_WORDS:
        return start, end  # a long first line taken as the heading is the sentence's own first line
    return strip_span(chunk.text, start + len(heading), end)


@dataclass(frozen=True)
class _Quote:
    """A span of a passage that can be quoted: a sentence, or a table of figures."""

    start: int
    end: int
    place: int
    """Where it stands in the passage's reading order: a table takes the place of the sentence announcing it."""
    table: bool = False
    introduction: str = ""
    """A table's sentence that says what its figures count, read with it."""


def _quotes(hit: SearchHit, spans: list[tuple[int, int]], body_start: int, tables: bool) -> list[_Quote]:
    """The passage's quotable sentences and, with `tables`, its tables of figures, in reading order.

    A long line without a full stop at the end of a passage that is not the document's last is taken as cut
    off (a question running on into the next passage, a PDF line the chunker ended at): passages otherwise end
    where sentences do. Bullet items keep their own rule. A sentence that only points to a table („… in der
    nachfolgenden Übersicht dargestellt.“) gives way to the table."""
    text = hit.chunk.text
    cut_off = hit.chunk.ordinal < hit.document.chunk_count - 1

    def complete(position: int, start: int, end: int) -> bool:
        line = text[start:end].strip()
        return position < len(spans) - 1 or not cut_off or line.startswith(_BULLETS) or bool(_SENTENCE_END.search(line))

    quotable = [
        (start, end)
        for position, (start, end) in enumerate(spans)
        if is_quotable(text[start:end]) and complete(position, start, end)
    ]
    body = text[body_start:]
    found = [(body_start + s, body_start + e) for s, e in figure_tables(body, LEAD_CHARS)] if tables else []
    introductions = {table: _introduction(text, quotable, table[0]) for table in found}
    announcing = {span for span in introductions.values() if _ANNOUNCES_TABLE.search(text[slice(*span)])}
    quotes = [_Quote(start, end, start) for start, end in quotable if (start, end) not in announcing]
    for (start, end), introduction in introductions.items():
        place = introduction[0] if introduction in announcing else start
        quotes.append(_Quote(start, end, place, table=True, introduction=text[slice(*introduction)]))
    return sorted(quotes, key=lambda q: (q.start, q.end))


def _introduction(text: str, quotable: list[tuple[int, int]], table_start: int) -> tuple[int, int]:
    """The sentence that says what a table's figures count: the last one announcing a table before it
    („… wird in der nachfolgenden Übersicht dargestellt.“), else the last sentence before it."""
    before = [span for span in quotable if span[1] <= table_start]
    announcing = [span for span in before if _ANNOUNCES_TABLE.search(text[slice(*span)])]
    return (announcing or before or [(table_start, table_start)])[-1]


_ANNOUNCES_TABLE = re.compile(
    r"\b(?:nachfolgend\w*|folgende[nr]?\s+(?:übersicht|tabelle|aufstellung|zahlen)|wie\s+folgt|tabelle|übersicht"
    r"|aufstellung)\b|:\s*$",
    re.IGNORECASE,
)
"""„… wird in der nachfolgenden Übersicht dargestellt.“: the table is what the sentence points to."""


def _mark_older_figures(candidates: list[Candidate], question: str, own_authority: str | None) -> None:
    """Where two documents of different dates state the same measure, the older statement is demoted and
    marked „Stand MM/JJJJ“, so a draft never puts 448 (November 2024) beside 536 (September 2025) unlabelled,
    and the newest takes the place of the best-scored older one: an old report that words the question better
    does not keep the current figure out of the draft. This holds for every question: „In welchen
    Abteilungen …“ is answered with figures too. Only statements of the same `speaker` are compared: another
    authority's newer report or a citizen's contribution neither dates nor replaces the own figure."""
    stems = set(candidates[0].hit.term_weights) if candidates else set()
    measures = {id(c): figures_of(c.text, question, stems) for c in candidates if c.hit.document.date}
    dated = [c for c in candidates if measures.get(id(c))]

    def newer_of(older: Candidate) -> list[Candidate]:
        return [
            c
            for c in dated
            if c.hit.document.date > older.hit.document.date
            and speaker(c.hit.document, own_authority) == speaker(older.hit.document, own_authority)
            and measures[id(c)] & measures[id(older)]
        ]

    superseded = {id(c): newer for c in dated if (newer := newer_of(c))}
    scores = {id(c): c.score for c in dated}  # every decision on the scores before any change
    for older in dated:
        newer = superseded.get(id(older))
        if newer:
            current = [c for c in newer if id(c) not in superseded] or newer
            newest = max(current, key=lambda c: (c.hit.document.date, scores[id(c)]))
            newest.score = max(newest.score, scores[id(older)])
    for older in dated:
        if id(older) in superseded:
            older.score -= OLDER_FIGURE_PENALTY
            older.note = stand(older.hit.document.date)


def current_figure(chosen: list[Candidate], newer: NewerSearch, own_authority: str | None) -> list[Candidate]:
    """The draft with the newest statement of its lead's figure first and the lead after it, marked with its
    date: „Zum Stichtag stehen 158 Online-Dienste zur Verfügung.“ (September 2025) before „Zum Stichtag
    31. März 2024 standen 120 Online-Dienste zur Verfügung. (Stand 04/2024)“.

    Retrieval finds what the question's words find. A later report that updates a figure often words it
    unlike the question but like the older statement itself, so the lead is searched for in the documents
    dated after it (`newer_statement`). The status stays the one judged on the sentences that answer the
    question's words: the newer sentence restates one of them."""
    lead = chosen[0]
    date = lead.hit.document.date
    stated = next((s for s in (lead.text[a:b] for a, b in sentence_spans(lead.text)) if measured_by(s)), None)
    if not date or lead.note or lead.table or stated is None:
        return chosen  # a table's rows are compared by `_mark_older_figures`, with the passages found
    found = newer_statement(stated, lead.hit.document, newer(collapse_whitespace(stated), date), own_authority)
    if found is None:
        return chosen
    update = Candidate(found.hit, lead.passage_rank, found.start, found.end, lead.features)
    counted = set(measured_by(update.text).values())
    rest = [c for c in chosen[1:] if not _overlap(c, update)]
    return [update, *(_dated(c) if _restated(c, update, counted) else c for c in [lead, *rest])]


@dataclass(frozen=True)
class Restatement:
    """A sentence of a later document, `hit.chunk.text[start:end]`, that states an earlier figure anew."""

    hit: SearchHit
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.hit.chunk.text[self.start : self.end]


def newer_statement(
    stated: str, document: DocumentInfo, hits: list[SearchHit], own_authority: str | None
) -> Restatement | None:
    """The newest sentence of `hits` that states the figure of `stated`, a sentence of `document`, anew: from
    a later document of the same side (own or other authority) that is not superseded, counting the same thing
    (`measured_by`: „Online-Dienste“, „%“) with another number and holding `SAME_STATEMENT_SHARE` of its words.
    Of several of the newest date, the one most like `stated`."""
    measures, words = measured_by(stated), statement_words(stated)
    if not measures or not words or not document.date:
        return None
    side = speaker(document, own_authority)
    found = []
    for hit in hits:
        later = hit.document
        if not later.date or later.date <= document.date or later.superseded_by:
            continue
        if speaker(later, own_authority) != side:
            continue
        for start, end in sentence_spans(hit.chunk.text):
            sentence = hit.chunk.text[start:end]
            same = {number for number, what in measured_by(sentence).items() if what in measures.values()}
            if not same or same <= set(measures) or not is_quotable(sentence):
                continue
            share = len(words & statement_words(sentence)) / len(words)
            if share >= SAME_STATEMENT_SHARE:
                found.append((later.date, share, Restatement(hit, start, end)))
    return max(found, key=lambda item: item[:2])[2] if found else None


def _restated(candidate: Candidate, update: Candidate, counted: set[str]) -> bool:
    """Whether `update`, from a later document, counts what `candidate` counts."""
    date = candidate.hit.document.date
    return bool(date) and date < update.hit.document.date and bool(counted & set(measured_by(candidate.text).values()))


def _dated(candidate: Candidate) -> Candidate:
    return replace(candidate, note=candidate.note or stand(candidate.hit.document.date or ""))


def stand(date: str) -> str:
    """The mark of an older statement: „Stand 11/2024“ for a document of 2024-11-19."""
    return f"Stand {date[5:7]}/{date[:4]}"


def recency(date: str | None) -> float:
    """0 … 1 across the years 2000 … 2040: enough to order two documents by date, and 0 when undated."""
    if not date or not date[:4].isdigit():
        return 0.0
    month = int(date[5:7]) if date[5:7].isdigit() else 0
    return min(1.0, max(0.0, (int(date[:4]) - 2000) / 40 + month / 480))


def _context(chunk: Chunk, sentence: str, introduction: str = "") -> str:
    """A QA answer sentence is read together with its question: „Ja.“ answers what the question asked; a table
    with the sentence that introduces it."""
    question = chunk.question if chunk.kind == ChunkKind.QA and chunk.question else ""
    return "\n".join(part for part in (question, introduction, sentence) if part)


_ASKS_FOR_VIEWS = re.compile(
    r"\b(?:wünsch\w*|Wünsche\w*|Sorgen|Bedenken|äußer\w*|Anregung\w*|Meinung\w*|Kritik\w*|Vorschl[äa]g\w*"
    r"|Rückmeldung\w*|Beschwerde\w*|Forderung\w*|fordern)\b",
    re.IGNORECASE,
)
"""A question about what citizens think („Was wünschen sich Bürger …“, „Welche Sorgen äußern …“): a participation
portal's contributions answer it as plainly as any report."""
_REPORTED_QUESTION = re.compile(
    r"\b(?:fragt|fragte|fragen|fragten|erkundigt\w*|möchte\s+wissen|wollte\s+wissen|will\s+wissen|bittet\s+um"
    r"|bat\s+um|beantragt\w*|wird\s+gefragt|wurde\s+gefragt|anfrage\s+(?:der|des|von))\b",
    re.IGNORECASE,
)
_FORMULA = re.compile(
    r"^(?:sehr\s+geehrte|liebe[rs]?\s|hallo\b|guten\s+tag|mit\s+freundlichen|freundliche\s+grüße|viele\s+grüße"
    r"|für\s+(?:rückfragen|weitere\s+fragen)|bei\s+(?:rückfragen|fragen)|ich\s+hoffe|wir\s+hoffen"
    r"|im\s+auftrag\b|gez\.|i\.\s?a\.|anlage\w*:|betreff:|von:|an:|gesendet:|datum:|tel\.|telefon"
    r"|(?:auf|hierzu\s+wird\s+auf)\s+die\s+(?:vorbemerkung|antwort|ausführungen)\w*\s.*verwiesen"
    r"|siehe\s+(?:antwort|frage|vorbemerkung))",
    re.IGNORECASE,
)
_RECORD_LINE = re.compile(
    r"\b(?:eingegangen\s+am|drucksache|drs\.|anfrage\s+(?:der|des)\s+abgeordneten|namens\s+der\s+landesregierung"
    r"|wahlperiode|tagesordnungspunkt|vorlage\s+nr)",
    re.IGNORECASE,
)
"""The record of a parliamentary or council paper („Anfrage des Abgeordneten …, eingegangen am …“)."""


_REQUESTERS_WORDS = re.compile(
    r"\b(?:bitte[n]?\s+(?:ich|wir)\s+sie|(?:ich|wir)\s+bitte[n]?\s+sie|beantrage[n]?\s+(?:ich|wir)"
    r"|(?:ich|wir)\s+beantrage[n]?|dies\s+ist\s+ein\s+antrag|wider\s+erwarten)\b",
    re.IGNORECASE,
)
"""What the requester writes, not the authority: „Sollte diese Anfrage wider Erwarten keine einfache Anfrage sein,
bitte ich Sie …“ – the request a reply or an FOI portal's page prints above the answers."""
_PRINTED_QUESTION = re.compile(
    r"^(?:[A-Za-z]|\d{1,2}(?:\.\d{1,2})*)[.)]\s+(?!wie\s+(?:bereits|schon|oben|unten|berichtet|erwähnt)\b)"
    r"(?:wie|wann|welche[rsmn]?|was|wer|warum|inwieweit|ob|gibt|ist|sind|wird|werden|kann|können)\b",
    re.IGNORECASE,
)
"""A numbered question of the inquiry that a reply prints without its „?“ („A. Wie viele Fahrzeuge … befinden sich
im Eigentum …“, its sub-items below it): a numbered item opening with a question word asks."""
_TRAILING_OFF = re.compile(r"(?:\.\.\.|…)[\"'“”»)\]]*\s*$")
"""A sentence that trails off („… befinden sich im Eigentum …“) is continued elsewhere: quoted, it says nothing."""
_SENTENCE_END = re.compile(r"[.!][\"'“”»)\]]*\s*$")
_BULLETS = ("•", "-", "–", "*")


def is_quotable(sentence: str) -> bool:
    """A statement that can stand in an answer: not a question, heading, table row, fragment, greeting or
    closing formula, not a report of someone asking („Herr A. fragt, wie viele …“) and not the request
    itself („… bitte ich Sie, mich vorab zu informieren.“)."""
    stripped = sentence.strip()
    if len(stripped.split()) < MIN_QUOTE_WORDS or stripped.endswith("?"):
        return False  # a bare „Ja.“ says nothing once quoted apart from its question
    ends_sentence = _SENTENCE_END.search(stripped) or len(stripped.split()) >= HEADING_MAX_WORDS
    if not stripped.startswith(_BULLETS) and not ends_sentence:
        return False  # a heading, or a list item that does not form a sentence
    if "|" in stripped or stripped[:1].islower() or _FORMULA.match(stripped) or _RECORD_LINE.search(stripped):
        return False  # a table row, the rest of a sentence cut off before the passage, a formula
    if _REQUESTERS_WORDS.search(stripped) or _PRINTED_QUESTION.match(stripped) or _TRAILING_OFF.search(stripped):
        return False
    if _REPORTED_QUESTION.search(stripped) and re.search(
        r"\b(?:ob|wie|wann|welche\w*|was|warum|inwieweit)\b", stripped
    ):
        return False
    digits = sum(ch.isdigit() for ch in stripped)
    letters = sum(ch.isalpha() for ch in stripped)
    return letters > 2 * digits  # a row of figures read without its table header says nothing

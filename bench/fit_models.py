"""Fit the outcome model of the extractive drafter and report it leave-one-set-out.

    python bench/fit_models.py [--write] [--cache DIR]

Labelled data: the questions of every evaluation set found (../shared/eval/dev, ../shared/eval/real,
bench/sets/talbach), each with its gold answer spans, plus one generated unanswerable question per
answerable one: the same question asked again with every document that holds its answer removed
from the results (the closest realistic question the knowledge base cannot answer).

The outcome model learns, for each draft, whether its cited passages hold the answer; the threshold
for `drafted` is the lowest probability at which the training sets reach a precision of 0.9. Lead is
the scorer's test on the first quote: the gold span in it, it in the span, or 60 % of the span's words.
`--lead` also fits a model for the lead sentence and compares it with the set weights of
`drafter.extractive.lead_score`, leave-one-set-out.

Every figure printed for a set comes from models fitted on the other sets only. `--write` then fits
on all sets and stores the outcome model in drafter/learned/. Never fails a build; prints its figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drafter.answer_types import expected_answer_type  # noqa: E402
from drafter.config import Settings  # noqa: E402
from drafter.extractive import (  # noqa: E402
    NewerSearch,
    choose_sentences,
    citation_for,
    current_figure,
    draft_features,
    lead_score,
    sentence_candidates,
    source_reason,
    supporting_hits,
    type_missing,
)
from drafter.knowledge_base import KnowledgeBase  # noqa: E402
from drafter.learned import LinearModel, model_path  # noqa: E402
from drafter.models import SearchHit  # noqa: E402
from drafter.pipeline import NEWER_STATEMENTS, PASSAGES_PER_QUESTION, newer_search  # noqa: E402

SETS = {
    "dev": ROOT.parent / "shared" / "eval" / "dev",
    "real": ROOT.parent / "shared" / "eval" / "real",
    "talbach": ROOT / "bench" / "sets" / "talbach",
}
LEAD_FEATURES = (
    "coverage",
    "rare",
    "passage_score",
    "passage_rank",
    "passage_evidence",
    "type_match",
    "type_miss",
    "direct_answer",
    "position",
    "length",
    "recency",
)
OUTCOME_FEATURES = ("lead_keyword_rank", "focus_in_lead", "noun_weight_cited")
TARGET_PRECISION = 0.9
L2 = 1.0


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def holds_answer(gold: list[str], quote: str) -> bool:
    """The scorer's lead test: the span in the quote, the quote in the span, or most of the span's words."""
    quote = norm(quote)
    for span in map(norm, gold):
        if span and quote and (span in quote or quote in span):
            return True
        words = set(re.findall(r"\w+", span))
        if words and len(words & set(re.findall(r"\w+", quote))) / len(words) >= 0.6:
            return True
    return False


@dataclass
class Case:
    """One question asked of one knowledge base: its evidence and what holds the answer."""

    set_name: str
    question: str
    gold: list[str]
    hits: list[SearchHit]
    newer: NewerSearch
    """The draft's lookup of a newer figure, as in drafter.pipeline: a draft is right or wrong by what it cites."""
    generated: bool = False


def corpus_paths(set_dir: Path) -> list[Path]:
    if (set_dir / "corpus").is_dir():
        return [set_dir / "corpus"]
    lines = (set_dir / "corpus.txt").read_text().splitlines()
    return [(set_dir / line.strip()).resolve() for line in lines if line.strip()]


def cases_of(name: str, set_dir: Path, kb: KnowledgeBase) -> list[Case]:
    settings = kb.settings
    if not kb.documents():
        kb.ingest(corpus_paths(set_dir))
    queries = [json.loads(line) for line in (set_dir / "retrieval.jsonl").read_text().splitlines() if line.strip()]
    texts = {d.doc_id: norm(kb.document_text(d.doc_id)) for d in kb.documents()}
    cases = []
    for query in queries:
        hits = supporting_hits(kb.search(query["question"], k=PASSAGES_PER_QUESTION), settings.min_evidence)
        cases.append(Case(name, query["question"], query["gold"], hits, newer_search(kb)))
        if query["gold"]:
            holding = {doc_id for doc_id, text in texts.items() if any(norm(g) in text for g in query["gold"])}
            rest = [h for h in kb.search(query["question"], k=40) if h.document.doc_id not in holding]
            hits = supporting_hits(rest[:PASSAGES_PER_QUESTION], settings.min_evidence)
            cases.append(Case(name, query["question"], [], hits, _without(kb, holding), generated=True))
    return cases


def _without(kb: KnowledgeBase, removed: set[str]) -> NewerSearch:
    """The newer-figure lookup of the knowledge base as if the documents `removed` were gone: searched wider
    and then cut, so the removed documents do not push out the later ones it would find without them."""
    return lambda text, date: [
        h for h in kb.search(text, k=NEWER_STATEMENTS + 40, date_from=date) if h.document.doc_id not in removed
    ][:NEWER_STATEMENTS]


def fit(x: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> LinearModel:
    """L2-regularised logistic regression by Newton's method on standardised features."""
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales < 1e-9] = 1.0
    z = np.hstack([(x - means) / scales, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * L2
    penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return LinearModel(names, tuple(w[:-1]), float(w[-1]), tuple(means), tuple(scales))


def lead_data(cases: list[Case]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per answerable question: its candidate sentences' features and whether each holds the answer."""
    groups = []
    for case in cases:
        candidates = (
            sentence_candidates(case.question, case.hits, expected_answer_type(case.question)) if case.gold else []
        )
        if candidates and not case.generated:
            rows = np.array([[c.features[f] for f in LEAD_FEATURES] for c in candidates])
            groups.append((rows, np.array([float(holds_answer(case.gold, c.text)) for c in candidates])))
    return groups


def lead_rate(groups: list[tuple[np.ndarray, np.ndarray]], score: Callable[[dict[str, float]], float]) -> float:
    """Share of the questions whose best-scored candidate holds the answer."""
    hits = 0.0
    for rows, labels in groups:
        scores = [score(dict(zip(LEAD_FEATURES, row, strict=True))) for row in rows]
        hits += labels[int(np.argmax(scores))]
    return hits / (len(groups) or 1)


@dataclass
class Drafted:
    case: Case
    features: dict[str, float]
    right: bool
    lead_right: bool
    eligible: bool
    """The first sentence gives the asked answer type and no cited source rules the draft out (a citizen's
    contribution, a superseded document: `drafter.extractive.source_reason`); else it is never `drafted`."""


def drafts(cases: list[Case]) -> list[Drafted]:
    result = []
    for case in cases:
        answer_type = expected_answer_type(case.question)
        chosen = choose_sentences(case.question, case.hits, answer_type)
        if not chosen:
            continue  # insufficient evidence: the outcome model is never asked
        # Judged, as in drafter.extractive.draft_extractive, on the sentences before the newer figure is looked up;
        # right or wrong by what the draft then cites.
        features = draft_features(case.question, case.hits, chosen)
        typed = type_missing(answer_type, chosen) is None
        chosen = current_figure(chosen, case.newer, None)
        citations = [citation_for(c.hit, 1, c.start, c.end) for c in chosen]
        eligible = typed and source_reason(citations) is None
        cited = " ".join(norm(c.hit.chunk.text) for c in chosen)
        right = bool(case.gold) and any(norm(g) in cited for g in case.gold)
        lead_right = bool(case.gold) and holds_answer(case.gold, chosen[0].text)
        result.append(Drafted(case, features, right, lead_right, eligible))
    return result


def fit_outcome(train: list[Drafted]) -> LinearModel:
    x = np.array([[d.features[f] for f in OUTCOME_FEATURES] for d in train])
    y = np.array([float(d.right) for d in train])
    model = fit(x, y, OUTCOME_FEATURES)
    probabilities = sorted(((model.probability(d.features), d.right) for d in train if d.eligible), reverse=True)
    threshold, right = 1.0, 0
    for count, (p, is_right) in enumerate(probabilities, 1):
        right += is_right
        tie_follows = count < len(probabilities) and probabilities[count][0] == p
        if right / count >= TARGET_PRECISION and not tie_follows:
            threshold = p  # drafts of equal probability are all drafted or none: judged as one group
    return LinearModel(model.features, model.weights, model.bias, model.means, model.scales, threshold)


def report(name: str, judged: list[Drafted], generated: list[Drafted], answerable: int, outcome: LinearModel) -> str:
    def marked(drafted: list[Drafted]) -> list[Drafted]:
        return [d for d in drafted if d.eligible and outcome.probability(d.features) >= outcome.threshold]

    answerable = answerable or 1
    kept = marked(judged)
    right = sum(d.right for d in kept)
    return (
        f"{name:8s} lead {sum(d.lead_right for d in judged) / answerable:.3f}"
        f"  grounded {sum(d.right for d in judged) / answerable:.3f}"
        f"  precision {right / len(kept) if kept else 0:.3f}  coverage {right / answerable:.3f}"
        f"  unanswerable drafted {sum(1 for d in kept if not d.case.gold)}/{sum(1 for d in judged if not d.case.gold)}"
        f"  generated negatives drafted {len(marked(generated))}/{len(generated)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="fit on all sets and store the outcome model")
    parser.add_argument("--lead", action="store_true", help="also compare a fitted lead model with the set weights")
    parser.add_argument("--cache", type=Path, help="keep the ingested sets here between runs")
    args = parser.parse_args()
    root = args.cache or Path(tempfile.mkdtemp(prefix="drafter-fit-"))
    with contextlib.ExitStack() as open_bases:
        cases = {}
        for name, set_dir in SETS.items():
            if (set_dir / "retrieval.jsonl").exists():
                kb = KnowledgeBase(Settings.from_env(data_dir=root / name))
                open_bases.callback(kb.close)
                cases[name] = cases_of(name, set_dir, kb)
        report_all(cases, args)


def report_all(cases: dict[str, list[Case]], args: argparse.Namespace) -> None:
    """Print every figure leave-one-set-out; with `--write`, fit on all sets and store the model."""
    judged = {name: drafts([c for c in group if not c.generated]) for name, group in cases.items()}
    generated = {name: drafts([c for c in group if c.generated]) for name, group in cases.items()}
    answerable = {name: sum(1 for c in group if c.gold and not c.generated) for name, group in cases.items()}
    print("leave-one-set-out (outcome model fitted on the other sets):")
    for name in cases:
        train = [d for other in cases if other != name for d in judged[other] + generated[other]]
        print(report(name, judged[name], generated[name], answerable[name], fit_outcome(train)))
    if args.lead:
        print("lead sentence, leave-one-set-out: fitted logistic model against the set weights")
        groups = {name: lead_data(group) for name, group in cases.items()}
        for name in cases:
            train = [g for other in cases if other != name for g in groups[other]]
            model = fit(np.vstack([r for r, _ in train]), np.concatenate([y for _, y in train]), LEAD_FEATURES)
            fitted = lead_rate(groups[name], model.probability)
            weights = lead_rate(groups[name], lead_score)
            print(f"{name:8s} fitted {fitted:.3f}  set weights {weights:.3f}  (best candidate holds the answer)")
    if args.write:
        outcome = fit_outcome([d for name in cases for d in judged[name] + generated[name]])
        model_path("outcome").write_text(json.dumps(outcome.to_json(), indent=1) + "\n", encoding="utf-8")
        print("fitted on all sets (in-sample, for reference only):")
        for name in cases:
            print(report(name, judged[name], generated[name], answerable[name], outcome))
        print(f"threshold {outcome.threshold:.3f}; written to {model_path('outcome')}")
        for feature, weight in zip(outcome.features, outcome.weights, strict=True):
            print(f"  {feature:16s} {weight:+.3f}")


if __name__ == "__main__":
    main()

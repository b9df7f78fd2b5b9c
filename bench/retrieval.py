"""Retrieval quality of each component and fusion variant on an evaluation set; prints a table.

    python bench/retrieval.py [SET_DIR] [--chunk-chars 500,700,900] [--evidence]

SET_DIR defaults to ../shared/eval/dev (corpus, retrieval.jsonl). A hit is a result whose
text contains one of the gold spans, as in the project's scorer. `--evidence` also prints,
per query, the evidence of the best passage (for calibrating DRAFTER_MIN_EVIDENCE).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drafter.config import Settings  # noqa: E402
from drafter.embeddings import Embedder  # noqa: E402
from drafter.knowledge_base import KnowledgeBase  # noqa: E402
from drafter.retrieval.hybrid import FusionSettings, Rankings, SearchFilters  # noqa: E402


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def corpus_paths(set_dir: Path) -> list[Path]:
    if (set_dir / "corpus").is_dir():
        return [set_dir / "corpus"]
    lines = (set_dir / "corpus.txt").read_text().splitlines()
    return [(set_dir / line.strip()).resolve() for line in lines if line.strip()]


def rank_of(texts: list[str], gold: list[str]) -> int | None:
    spans = [norm(g) for g in gold]
    for rank, text in enumerate(texts, 1):
        if any(span in norm(text) for span in spans):
            return rank
    return None


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    result = {f"R@{k}": sum(1 for r in ranks if r and r <= k) / n for k in (1, 3, 5, 10)}
    result["MRR@10"] = sum(1 / r for r in ranks if r and r <= 10) / n
    return result


def cut(rankings: Rankings, fusion: FusionSettings) -> Rankings:
    return replace(rankings, question=rankings.question[: fusion.question_depth])


def evaluate(kb: KnowledgeBase, queries: list[dict], evidence: bool) -> None:
    answerable = [q for q in queries if q["gold"]]
    docs = kb._documents()
    retriever = kb.retriever
    started = time.perf_counter()
    retriever.settings = replace(FusionSettings(), question_depth=50)
    rankings = {q["id"]: retriever.rankings(q["question"], SearchFilters(), docs) for q in queries}
    per_query_ms = (time.perf_counter() - started) / len(queries) * 1000

    def component(ranking: list[tuple[str, float]], gold: list[str]) -> int | None:
        found = kb.catalog.chunks_by_id([c for c, _ in ranking[:10]])
        return rank_of([found[c].text for c, _ in ranking[:10] if c in found], gold)

    rows = {
        "dense only (passage vectors)": [component(rankings[q["id"]].dense, q["gold"]) for q in answerable],
        "dense only (passage + question)": [
            component(sorted(rankings[q["id"]].dense + rankings[q["id"]].question, key=lambda p: -p[1]), q["gold"])
            for q in answerable
        ],
        "keyword only (German BM25)": [component(rankings[q["id"]].keyword, q["gold"]) for q in answerable],
    }
    default = FusionSettings()
    rank_only = replace(default, score_share=0.0)
    # Before score fusion, coverage was added at 0.05 to unscaled RRF: the same weight on today's 0–1 scale.
    weights = default.dense_weight + default.keyword_weight + default.question_weight
    earlier_coverage = 0.05 * (default.rrf_k + 1) / weights
    variants = {
        "RRF dense+keyword 1:1": replace(
            rank_only, dense_weight=1.0, question_weight=0, coverage_weight=0, question_list_penalty=0
        ),
        "RRF dense 0.25 + keyword 1": replace(rank_only, question_weight=0, coverage_weight=0, question_list_penalty=0),
        "  + earlier-question ranking": replace(rank_only, coverage_weight=0, question_list_penalty=0),
        "  + coverage, question-list penalty": replace(rank_only, coverage_weight=earlier_coverage),
        "score fusion only": replace(default, score_share=1.0),
        "rank + score fusion (default)": default,
        "default, dense weight 1": replace(default, dense_weight=1.0),
        "default, question depth 10": replace(default, question_depth=10),
        "default, coverage weight 0.2": replace(default, coverage_weight=0.2),
    }
    for name, fusion in variants.items():
        retriever.settings = fusion
        rows[name] = [
            rank_of(
                [h.chunk.text for h in retriever.fuse(q["question"], cut(rankings[q["id"]], fusion), docs, 10)],
                q["gold"],
            )
            for q in answerable
        ]
    retriever.settings = default
    print(f"{'variant':<36} " + " ".join(f"{k:>7}" for k in ("R@1", "R@3", "R@5", "R@10", "MRR@10")))
    for name, ranks in rows.items():
        m = metrics(ranks)
        print(f"{name:<36} " + " ".join(f"{m[k]:>7.3f}" for k in ("R@1", "R@3", "R@5", "R@10", "MRR@10")))
    ranks = rows["rank + score fusion (default)"]
    misses = [q["id"] for q, r in zip(answerable, ranks, strict=True) if not r or r > 5]
    print(f"misses@5 (default): {misses}   component look-ups: {per_query_ms:.1f} ms/query")
    if evidence:
        print("\nid   gold  evidence dense  question")
        for q in queries:
            hits = retriever.fuse(q["question"], cut(rankings[q["id"]], default), docs, 8)
            best = max(hits, key=lambda h: h.evidence) if hits else None
            if best:
                dense = max(best.dense_score or 0, best.question_score or 0)
                print(
                    f"{q['id']:<4} {'yes' if q['gold'] else 'NO ':<5} {best.evidence:8.3f} {dense:6.3f}  "
                    f"{q['question'][:70]}"
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("set_dir", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "dev"))
    parser.add_argument("--chunk-chars", default=str(Settings().chunk_chars))
    parser.add_argument("--evidence", action="store_true")
    args = parser.parse_args()
    set_dir = Path(args.set_dir)
    queries = [json.loads(line) for line in (set_dir / "retrieval.jsonl").read_text().splitlines() if line.strip()]
    settings = Settings.from_env()
    embedder = Embedder(settings.embedding_model, settings.embedding_device)
    for size in (int(s) for s in args.chunk_chars.split(",")):
        with tempfile.TemporaryDirectory() as data_dir:
            kb = KnowledgeBase(replace(settings, data_dir=Path(data_dir), chunk_chars=size), embedder)
            kb.ingest(corpus_paths(set_dir))
            lengths = [len(c.text) for d in kb.documents() for c in kb.chunks(d.doc_id)]
            print(f"\n== chunk target {size} chars: {len(lengths)} passages, median {statistics.median(lengths):.0f}")
            evaluate(kb, queries, args.evidence)
            kb.close()


if __name__ == "__main__":
    main()

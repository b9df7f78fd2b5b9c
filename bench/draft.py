"""Time to draft a whole inquiry extractively, warm: the wait a user has after „Entwürfe erstellen“.

    python bench/draft.py [--questions 18] [--repeat 5]

Ingests the sample knowledge base (knowledge/documents) and, where present, the seed documents of
../shared/corpus/seeds into a temporary data directory, then drafts an inquiry of N sub-questions
(the sample inquiry's questions, then the dev set's) once to warm the model and caches and N more
times; prints the median and the slowest run, and the share of each status.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drafter.config import Settings  # noqa: E402
from drafter.knowledge_base import KnowledgeBase  # noqa: E402
from drafter.pipeline import draft_inquiry  # noqa: E402
from drafter.splitting import split_inquiry  # noqa: E402

SAMPLE = ROOT / "knowledge" / "inquiries" / "2026-anfrage-digitalisierung-fraktion.txt"
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev" / "retrieval.jsonl"
SOURCES = [ROOT / "knowledge" / "documents", ROOT.parent / "shared" / "corpus" / "seeds"]


def questions(count: int):
    result = split_inquiry(SAMPLE.read_text(encoding="utf-8"))
    if DEV_QUESTIONS.exists():
        extra = [json.loads(line)["question"] for line in DEV_QUESTIONS.read_text().splitlines() if line.strip()]
        result += split_inquiry("\n".join(f"{i}. {q}" for i, q in enumerate(extra, 100)))
    return result[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=18)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        kb = KnowledgeBase(Settings.from_env(data_dir=Path(data_dir)))
        kb.ingest([p for p in SOURCES if p.is_dir()])
        asked = questions(args.questions)
        answers = draft_inquiry(kb, asked, kb.settings)  # warm: model, caches, keyword index loaded
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            draft_inquiry(kb, asked, kb.settings)
            times.append(time.perf_counter() - start)
        kb.close()
    statuses = Counter(str(a.status) for a in answers)
    print(f"{len(asked)} Teilfragen, extraktiv, warm, {args.repeat} Läufe:")
    print(f"  Median {statistics.median(times):.2f} s, langsamster Lauf {max(times):.2f} s")
    print("  Status: " + ", ".join(f"{status} {count}" for status, count in sorted(statuses.items())))


if __name__ == "__main__":
    main()

"""Hybrid top-10 query latency at 10k and 100k passages, with the embedded Chroma store and a Chroma server.

    python bench/query.py [--sizes 10000,100000] [--repeat 3] [--stores embedded,server,shared]

Per size and store it prints p50/p95. The server is a real `chroma run` on 127.0.0.1 that this
benchmark starts (as a Chroma server for several hosts would run, DRAFTER_CHROMA_URL), filled with
the same passages as the embedded store; the target is server p95 ≤ 1.5 × embedded p95. `shared` is
the whole setup of several hosts: the Chroma server and the catalog in a throwaway PostgreSQL
(DRAFTER_CATALOG_URL; Debian's `postgresql`), so the catalog's look-ups cross a socket too.

Embedding 100k passages with the real model would take over an hour on 2 cores, so the
corpus is synthetic but realistic: passages recombine real sentences of the seed documents
and the sample knowledge base, and their vectors are real passage vectors plus noise (see NOISE), not embedded
one by one. Queries
take the real path: the model embeds each query, Chroma and the keyword index answer, the
catalog hydrates and fusion ranks. Filtered queries (document type) are measured separately.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drafter.config import Settings  # noqa: E402
from drafter.embeddings import Embedder  # noqa: E402
from drafter.knowledge_base import KnowledgeBase  # noqa: E402
from drafter.models import Chunk, DocType, DocumentInfo  # noqa: E402
from drafter.sentences import split_sentences  # noqa: E402
from tests.servers import ChromaServer, PostgresCluster  # noqa: E402

SOURCES = [ROOT.parent / "shared" / "corpus" / "seeds", ROOT / "knowledge" / "documents"]
QUERIES = ROOT.parent / "shared" / "eval" / "dev" / "retrieval.jsonl"
PER_DOCUMENT = 100
NOISE = 0.04
"""Per-dimension noise on the real vectors: about cosine 0.7 to their source, a spread like a real collection's.
Much less noise makes 100k near-identical points in a few hundred tight clusters, HNSW's worst case."""


def seed_material(settings: Settings, embedder: Embedder, folder: Path) -> tuple[list[str], np.ndarray]:
    kb = KnowledgeBase(replace(settings, data_dir=folder / "seed"), embedder)
    kb.ingest([s for s in SOURCES if s.is_dir()])
    sentences = [s for d in kb.documents() for c in kb.chunks(d.doc_id) for s in split_sentences(c.text)]
    vectors = kb.vector_store.vectors()
    kb.close()
    return [s for s in sentences if len(s) > 30], vectors


def fill(kb: KnowledgeBase, size: int, sentences: list[str], vectors: np.ndarray, rng: random.Random) -> None:
    tokens_of = {s: kb.analyzer.tokens(s) for s in sentences}
    types = list(DocType)
    np_rng = np.random.default_rng(rng.randrange(1 << 30))
    for number in range(size // PER_DOCUMENT):
        doc_id = f"syn{number:06d}"
        chunks, tokens = [], []
        for ordinal in range(PER_DOCUMENT):
            picked = rng.sample(sentences, rng.randint(4, 7))
            text = " ".join(picked)
            chunks.append(Chunk(f"{doc_id}:{ordinal:04d}", doc_id, ordinal, text, 0, len(text)))
            tokens.append([t for s in picked for t in tokens_of[s]])
        info = DocumentInfo(
            doc_id,
            f"{doc_id}.txt",
            f"/synthetisch/{doc_id}",
            doc_id,
            f"Dokument {number}",
            types[number % len(types)],
            f"20{20 + number % 6}-01-01",
        )
        kb.catalog.save_document(info, "", chunks, tokens, type_fixed=True)
        base = vectors[np_rng.integers(0, len(vectors), PER_DOCUMENT)]
        noisy = base + np_rng.normal(0, NOISE, base.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        kb.vector_store.add([c.chunk_id for c in chunks], [doc_id] * PER_DOCUMENT, ["passage"] * PER_DOCUMENT, noisy)
    with kb.keyword_index.building():
        kb.keyword_index.rebuild(kb.catalog.all_tokens(), kb.catalog.version().passages)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(kb: KnowledgeBase, queries: list[str], repeat: int, **filters) -> list[float]:
    kb.search(queries[0], k=10, **filters)  # warm caches and the memory-mapped index
    timings = []
    for _ in range(repeat):
        for query in queries:
            started = time.perf_counter()
            kb.search(query, k=10, **filters)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stores", default="embedded,server")
    args = parser.parse_args()
    stores = args.stores.split(",")
    settings = Settings.from_env()
    embedder = Embedder(settings.embedding_model, settings.embedding_device)
    queries = [json.loads(line)["question"] for line in QUERIES.read_text().splitlines() if line.strip()]
    print("Vectors: real passage vectors of the sample documents plus noise, not embedded one by one.")
    with tempfile.TemporaryDirectory() as tmp:
        sentences, vectors = seed_material(settings, embedder, Path(tmp))
        for size in (int(s) for s in args.sizes.split(",")):
            p95 = {
                store: measure_store(store, size, settings, embedder, sentences, vectors, queries, args.repeat, tmp)
                for store in stores
            }
            for store in ("server", "shared"):
                if store in p95 and "embedded" in p95:
                    print(f"{size:>7} passages: {store} p95 / embedded p95 = {p95[store] / p95['embedded']:.2f}")


def measure_store(
    store: str,
    size: int,
    settings: Settings,
    embedder: Embedder,
    sentences: list[str],
    vectors: np.ndarray,
    queries: list[str],
    repeat: int,
    tmp: str,
) -> float:
    """Fill a fresh store (a new `chroma run` for the server, and a new PostgreSQL for `shared`) with `size`
    passages, measure and print it; returns its hybrid p95 in ms. The same seed gives every store the same passages."""
    server = ChromaServer() if store in {"server", "shared"} else None
    cluster = PostgresCluster() if store == "shared" else None
    url = server.url if server else None
    catalog = cluster.create_database() if cluster else None
    folder = Path(tmp) / f"{store}{size}"
    kb = KnowledgeBase(replace(settings, data_dir=folder, chroma_url=url, catalog_url=catalog), embedder)
    try:
        started = time.perf_counter()
        fill(kb, size, sentences, vectors, random.Random(7))
        build_s = time.perf_counter() - started
        plain = measure(kb, queries, repeat)
        filtered = measure(kb, queries, 1, doc_types=[DocType.PAST_REPLY])
    finally:
        kb.close()
        if server:
            server.stop()
        if cluster:
            cluster.stop()
    encode = measure_encode(embedder, queries)
    print(
        f"{size:>7} passages, {store:<8} (built in {build_s:.0f} s): hybrid top-10 p50 "
        f"{statistics.median(plain):5.1f} ms  p95 {percentile(plain, 0.95):5.1f} ms  | filtered by type p50 "
        f"{statistics.median(filtered):5.1f} ms p95 {percentile(filtered, 0.95):5.1f} ms | of which query embedding "
        f"p50 {statistics.median(encode):4.1f} ms",
        flush=True,
    )
    return percentile(plain, 0.95)


def measure_encode(embedder: Embedder, queries: list[str]) -> list[float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        embedder.encode_query(query)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


if __name__ == "__main__":
    main()

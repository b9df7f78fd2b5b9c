"""Ingest throughput against the raw encode rate of the same model on the same passages.

    python bench/ingest.py [--target-chunks 1000]

Builds a corpus of about --target-chunks passages from the seed documents (../shared) and the
sample knowledge base, each copy made distinct so nothing is skipped as unchanged, then prints:
end-to-end chunks/s of a full ingest (model already loaded), the raw `encode` rate of the same
passages with the same batch size, their ratio, and the time to re-ingest the unchanged corpus.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drafter.chunking import index_text  # noqa: E402
from drafter.config import Settings  # noqa: E402
from drafter.embeddings import Embedder  # noqa: E402
from drafter.knowledge_base import KnowledgeBase  # noqa: E402

SOURCES = [ROOT.parent / "shared" / "corpus" / "seeds", ROOT / "knowledge" / "documents"]


def build_corpus(folder: Path, target_chunks: int, settings: Settings, embedder: Embedder) -> int:
    files = [f for source in SOURCES if source.is_dir() for f in sorted(source.iterdir()) if f.is_file()]
    probe = KnowledgeBase(replace(settings, data_dir=folder / "probe"), embedder)
    per_copy = sum(len(_chunks(probe, f)) for f in files)
    copies = max(1, round(target_chunks / per_copy))
    for copy in range(copies):
        for file in files:
            target = folder / "corpus" / f"kopie{copy:02d}-{file.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            data = file.read_bytes()
            if file.suffix == ".eml":  # keep the headers first; vary the body's last line
                target.write_bytes(data + f"\nAblage {copy}\n".encode())
            elif file.suffix == ".html":
                target.write_bytes(data.replace(b"</body>", f"<p>Ablage {copy}</p></body>".encode()))
            else:
                target.write_bytes(f"Ablage {copy}\n\n".encode() + data)
    return copies * per_copy


def _chunks(kb: KnowledgeBase, path: Path):
    from drafter.chunking import chunk_document
    from drafter.loaders import load_document

    return chunk_document(load_document(path), "probe", kb.settings.chunk_chars)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target-chunks", type=int, default=1000)
    args = parser.parse_args()
    settings = Settings.from_env()
    embedder = Embedder(settings.embedding_model, settings.embedding_device, settings.embedding_batch)
    embedder.encode(["Aufwärmen des Modells"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_corpus(folder, args.target_chunks, settings, embedder)
        kb = KnowledgeBase(replace(settings, data_dir=folder / "data"), embedder)

        started = time.perf_counter()
        report = kb.ingest([folder / "corpus"])
        ingest_s = time.perf_counter() - started
        chunks = [c for d in kb.documents() for c in kb.chunks(d.doc_id)]
        texts = [index_text(c) for c in chunks]

        started = time.perf_counter()
        embedder.encode(texts)
        encode_s = time.perf_counter() - started

        started = time.perf_counter()
        again = kb.ingest([folder / "corpus"])
        reingest_s = time.perf_counter() - started

    n = len(chunks)
    print(f"corpus: {len(report.files)} files, {n} passages ({report.count('failed')} failed)")
    print(f"full ingest:        {ingest_s:7.1f} s  {n / ingest_s:6.1f} passages/s (model loaded beforehand)")
    print(
        f"raw encode:         {encode_s:7.1f} s  {n / encode_s:6.1f} passages/s (same passages, batch "
        f"{settings.embedding_batch})"
    )
    print(f"end-to-end / raw:   {encode_s / ingest_s * 100:6.1f} %")
    print(
        f"re-ingest unchanged:{reingest_s:7.2f} s  = {reingest_s / n * 1000:.2f} s per 1,000 passages "
        f"({again.count('unchanged')} files unchanged)"
    )


if __name__ == "__main__":
    main()

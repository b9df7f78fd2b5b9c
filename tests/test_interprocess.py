"""Several processes on one data directory, as with several gunicorn workers or a command-line ingest.

The other process is the real command line (`python -m drafter`), on the same real Chroma store.
"""

import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from drafter.config import Settings
from drafter.errors import KnowledgeBaseBusy
from drafter.interprocess import LockTimeout, file_lock
from drafter.knowledge_base import KnowledgeBase

from .conftest import ROOT
from .test_knowledge_base import REPLY, REPORT


def other_process(*args: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    command = [sys.executable, "-m", "drafter", "-q", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


@pytest.fixture
def kb(tmp_path: Path, embedder) -> KnowledgeBase:
    base = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "data"), embedder)
    yield base
    base.close()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    paths = {"antwort": folder / "antwort.txt", "bericht": folder / "bericht.md"}
    paths["antwort"].write_text(REPLY, encoding="utf-8")
    paths["bericht"].write_text(REPORT, encoding="utf-8")
    return paths


def test_a_running_process_finds_what_another_process_ingested_and_forgets_what_it_removed(kb, files):
    kb.ingest([files["antwort"]])
    assert all(h.document.name == "antwort.txt" for h in kb.search("Glasfaserausbau in Haselbach", k=5))

    finished(other_process("ingest", str(files["bericht"]), "--data-dir", str(kb.data_dir)))
    top = kb.search("Wann beginnt der Glasfaserausbau in Haselbach?", k=1)[0]
    assert top.document.name == "bericht.md"
    assert top.dense_rank is not None, "the vectors written by the other process must be searchable here"
    assert {d.name for d in kb.documents()} == {"antwort.txt", "bericht.md"}

    finished(other_process("remove", "bericht.md", "--data-dir", str(kb.data_dir)))
    assert all(h.document.name == "antwort.txt" for h in kb.search("Glasfaserausbau in Haselbach", k=5))
    assert kb.vector_store.count() == kb.documents()[0].chunk_count + 2  # plus the question vector of each answer


def test_two_processes_ingesting_at_once_lose_nothing(kb, files):
    kb.search("Ladepunkte")  # this process has opened its view of the store before the other one writes
    other = other_process("ingest", str(files["bericht"]), "--data-dir", str(kb.data_dir))
    kb.ingest([files["antwort"]])
    finished(other)
    assert {h.document.name for h in kb.search("Ladepunkte Glasfaserausbau Haselbach", k=10)} == {
        "antwort.txt",
        "bericht.md",
    }
    expected_vectors = sum(d.chunk_count for d in kb.documents()) + 2  # plus the question vector of each answer
    assert kb.vector_store.count() == expected_vectors
    listing = finished(other_process("list", "--data-dir", str(kb.data_dir)))
    assert "antwort.txt" in listing and "bericht.md" in listing


def test_the_write_lock_keeps_writers_apart(tmp_path: Path):
    lock = tmp_path / "write.lock"
    order: list[str] = []

    def second_writer() -> None:
        with file_lock(lock):
            order.append("second")

    with file_lock(lock):
        waiting = threading.Thread(target=second_writer)
        waiting.start()
        waiting.join(timeout=0.3)
        order.append("first")
    waiting.join(timeout=5)
    assert order == ["first", "second"]


def test_a_writer_that_cannot_wait_gives_up_instead_of_hanging(tmp_path: Path):
    lock = tmp_path / "write.lock"
    with file_lock(lock), pytest.raises(LockTimeout), file_lock(lock, timeout=0.2):
        pass
    with file_lock(lock, timeout=0.2):  # free again once the holder is done
        pass


def test_removing_while_another_process_writes_says_so_and_changes_nothing(kb, files):
    kb.ingest([files["antwort"]])
    with file_lock(kb.data_dir / "write.lock"), pytest.raises(KnowledgeBaseBusy, match="erneut versuchen"):
        kb.remove("antwort.txt")  # waits INTERACTIVE_WAIT seconds for the other writer, then gives up
    assert [d.name for d in kb.documents()] == ["antwort.txt"]

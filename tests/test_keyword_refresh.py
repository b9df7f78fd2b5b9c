"""A keyword index whose rebuild from the catalog fails is not rebuilt again with every search, but once the pause
after the failure is over; meanwhile searches go on with the old index.

Two data directories share one catalog, as two hosts do: a document ingested through the first leaves the
second's keyword index behind, and the second's next search starts rebuilding it in the background. That rebuild
fails for a real reason: a file lies where it writes the new index, as a full or broken disk would refuse it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from drafter.config import Settings
from drafter.knowledge_base import KnowledgeBase, RetryPause

REPORT = """Sachstandsbericht Breitband 2024

Der geförderte Glasfaserausbau erreicht 4.870 Adressen in drei Clustern. Für den Cluster 3 in Oberwiesen und
Haselbach beginnen die Bauarbeiten im Frühjahr 2026.
"""
QUERY = "Wann beginnt der Glasfaserausbau in Haselbach?"
FAILED = "Stichwortindex nicht aus dem Katalog aktualisiert"


class Clock:
    """A clock the test moves on, so that a pause is over without waiting for it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_pause_doubles_after_each_failure_up_to_the_longest_and_ends_with_a_success():
    clock = Clock()
    pause = RetryPause(first=30, longest=100, clock=clock)
    assert pause.due()
    assert [pause.failed() for _ in range(4)] == [30, 60, 100, 100]
    assert not pause.due()
    clock.now += 99
    assert not pause.due()
    clock.now += 1
    assert pause.due()
    pause.succeeded()
    assert pause.due() and pause.failed() == 30


@pytest.fixture
def hosts(tmp_path: Path, embedder):
    """The host that ingests, and the second host on its catalog whose keyword rebuilds pause 60 s after failing."""
    clock = Clock()
    settings = Settings.from_env()
    first = KnowledgeBase(replace(settings, data_dir=tmp_path / "first"), embedder)
    catalog = f"sqlite:///{tmp_path / 'first' / 'catalog.sqlite'}"
    second = KnowledgeBase(
        replace(settings, data_dir=tmp_path / "second", catalog_url=catalog),
        embedder,
        RetryPause(first=60, longest=600, clock=clock),
    )
    yield first, second, clock
    second.close()
    first.close()


def _search(kb: KnowledgeBase) -> list:
    """A search, and the rebuild of the keyword index it started, if any, to its end."""
    hits = kb.search(QUERY, k=3)
    for thread in threading.enumerate():
        if thread.name == "Stichwortindex":
            thread.join()
    return hits


def _failures(caplog) -> int:
    return sum(FAILED in record.getMessage() for record in caplog.records)


def test_a_failing_keyword_rebuild_is_tried_again_only_after_its_pause(hosts, tmp_path: Path, caplog):
    first, second, clock = hosts
    caplog.set_level(logging.ERROR, logger="drafter.knowledge_base")
    (tmp_path / "report.md").write_text(REPORT, encoding="utf-8")
    assert first.ingest([tmp_path / "report.md"]).ok
    in_the_way = second.keyword_index.directory.with_name("keyword.new")
    in_the_way.write_text("belegt")

    _search(second)
    assert _failures(caplog) == 1
    for _ in range(3):  # the searches go on with the old index, and start no rebuild
        _search(second)
    assert _failures(caplog) == 1
    assert second.keyword_index.built_from() != second.catalog.version().passages

    in_the_way.unlink()  # the disk is fine again
    _search(second)
    assert second.keyword_index.built_from() != second.catalog.version().passages  # still in the pause
    clock.now += 60
    _search(second)
    assert _failures(caplog) == 1
    assert second.keyword_index.built_from() == second.catalog.version().passages
    hits = _search(second)
    assert hits and hits[0].keyword_rank is not None and "Haselbach" in hits[0].chunk.text

"""Judges one run of bench/llm_smoke.sh: did every sub-question come back, and was the model really asked?

The quality of a 270M base model is not judged here, only the wiring: one answer per
sub-question (same labels, same order), each drafted, flagged for review or abstained, and at
least one chat completion request in the llama.cpp server log. With --probe, asks the server
for one short completion first, so that a server that cannot generate (a build for the wrong
CPU dies on its first generation) is found before any drafting.

usage: python bench/llm_smoke_check.py QUESTIONS.json DRAFTS.json SERVER.log
       python bench/llm_smoke_check.py --probe BASE_URL
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

ALLOWED = {"drafted", "needs_review", "insufficient_evidence"}
CHAT_REQUEST = re.compile(r'"POST /v1/chat/completions HTTP/1\.[01]" (\d{3})')


def probe(base_url: str, timeout: float = 120.0) -> int:
    """One chat completion of a few tokens; 0 if the server answered with a message, 1 otherwise."""
    started = time.perf_counter()
    try:
        response = httpx.post(
            f"{base_url}/chat/completions",
            json={"messages": [{"role": "user", "content": "Antworte mit einem Wort: Hallo"}], "max_tokens": 8},
            timeout=timeout,
        )
        response.raise_for_status()
        answer = response.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as error:
        print(f"FEHLER: keine Antwort vom Sprachmodell-Server ({type(error).__name__}: {error})")
        return 1
    print(f"Antwort des Servers nach {time.perf_counter() - started:.1f} s: {answer!r}")
    return 0


def main(questions_file: str, drafts_file: str, server_log: str) -> int:
    questions = json.loads(Path(questions_file).read_text(encoding="utf-8"))["questions"]
    answers = json.loads(Path(drafts_file).read_text(encoding="utf-8"))["answers"]
    requests = Counter(CHAT_REQUEST.findall(Path(server_log).read_text(encoding="utf-8", errors="replace")))

    for answer in answers:
        sentences = answer.get("sentences", [])
        verified = sum(1 for s in sentences if s.get("verified"))
        print(
            f"{answer['label']:>4}  {answer['status']:<22} {answer['method']:<10} "
            f"Sätze belegt {verified}/{len(sentences)}  Zitate {len(answer['citations'])}"
            + (f"\n      Hinweis: {answer['notice']}" if answer.get("notice") else "")
        )
    statuses = Counter(a["status"] for a in answers)
    methods = Counter(a["method"] for a in answers)
    print(f"Teilfragen: {len(questions)}, Antworten: {len(answers)}")
    print(f"Status: {dict(statuses)}; Verfahren: {dict(methods)}")
    print(f"Chat-Anfragen an den Server (HTTP-Status → Anzahl): {dict(requests)}")

    problems = []
    if [q["label"] for q in questions] != [a["label"] for a in answers]:
        problems.append("nicht jede Teilfrage hat genau eine Antwort in der Reihenfolge der Anfrage")
    if set(statuses) - ALLOWED:
        problems.append(f"unerwarteter Status: {sorted(set(statuses) - ALLOWED)}")
    if sum(requests.values()) == 0:
        problems.append("der Sprachmodell-Server wurde nie aufgerufen")
    for problem in problems:
        print(f"FEHLER: {problem}")
    print("Ergebnis: OK" if not problems else "Ergebnis: FEHLGESCHLAGEN")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        sys.exit(probe(sys.argv[2]))
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))

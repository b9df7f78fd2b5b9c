"""Latency of the busiest pages under load: the inquiry list and the draft workspace.

Seeds a fresh database (200 inquiries, each with answered sub-questions, citations and
revisions), starts gunicorn on a free loopback port, signs in 20 clients and lets them request
both pages concurrently. Prints p50/p95/max per page and the throughput; never fails.

    python bench/web.py [--clients 20] [--requests 40] [--workers 1] [--threads 8]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "Bench-Passwort-123"
QUESTIONS_PER_INQUIRY = 6
PASSAGE = (
    "Die Kreisverwaltung bietet derzeit 142 Verwaltungsleistungen online an. Im November 2024 waren es noch 131. "
    "Bei 37 Online-Diensten können Gebühren direkt im Antragsverfahren bezahlt werden; 2024 wurden so rund "
    "18.400 Zahlungen abgewickelt. Die elektronische Akte ist in 14 von 21 Organisationseinheiten eingeführt."
)


def seed(instance: Path, clients: int, inquiries: int) -> None:
    """Fill the database through the app's own models, as the app itself would have."""
    from datetime import date, timedelta

    from werkzeug.security import generate_password_hash

    from web import create_app
    from web.database import db, utcnow
    from web.models import AnswerStatus, CitationRecord, Draft, DraftRevision, Inquiry, Question, Role, User

    app = create_app({"INSTANCE_PATH": str(instance), "START_WORKERS": False, "KNOWLEDGE_DIR": str(instance / "kb")})
    rng = random.Random(7)
    with app.app_context():
        users = []
        for number in range(clients):
            user = User(username=f"bench{number:02d}", display_name=f"Bench {number:02d}",
                        password_hash=generate_password_hash(PASSWORD))  # fmt: skip
            user.set_roles({Role.STAFF, Role.REVIEWER})
            users.append(user)
        db.session.add_all(users)
        db.session.flush()
        today = date.today()
        for number in range(inquiries):
            received = today - timedelta(days=rng.randint(0, 60))
            inquiry = Inquiry(
                reference=f"BENCH/{2026}/{number:04d}", kind=rng.choice(["ifg", "ltranspg", "council", "citizen"]),
                subject=f"Anfrage {number} zur Digitalisierung der Kreisverwaltung", text="1a) Frage?\n" * 6,
                received_on=received, deadline=received + timedelta(days=30), status="drafting",
                assignee_id=rng.choice(users).id, created_by_id=users[0].id, drafting_started_at=utcnow(),
                requester_name="Erika Mustermann",
            )  # fmt: skip
            for position in range(QUESTIONS_PER_INQUIRY):
                question = Question(position=position, label=f"{position // 3 + 1}{'abc'[position % 3]}",
                                    text="Wie viele Leistungen lassen sich inzwischen digital beantragen?")  # fmt: skip
                draft = Draft(evidence="drafted", method="extractive", status=rng.choice(list(AnswerStatus)))
                draft.revisions = [
                    DraftRevision(number=1, text=f"{PASSAGE} [1] [2]", origin="generated", author_id=users[0].id),
                    DraftRevision(number=2, text=f"Stand heute: {PASSAGE} [1] [2]", origin="edited",
                                  author_id=users[1].id),
                ]  # fmt: skip
                draft.citations = [
                    CitationRecord(marker=marker, chunk_id=f"doc{marker}:000{marker}", doc=f"bericht-{marker}.txt",
                                   title=f"Sachstandsbericht {marker}", passage_text=PASSAGE, quote=PASSAGE[:67],
                                   quote_start=0, quote_end=67, page=marker, doc_type="report", doc_date="2025-09-01")
                    for marker in (1, 2)
                ]  # fmt: skip
                question.draft = draft
                inquiry.questions.append(question)
            db.session.add(inquiry)
        db.session.commit()
        draft_ids = [d for (d,) in db.session.execute(db.select(Draft.id))]
    (instance / "draft_ids.txt").write_text(" ".join(map(str, draft_ids)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(instance: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DRAFTER_INSTANCE_PATH": str(instance), "DRAFTER_DATA_DIR": str(instance / "kb")}
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
               "--bind", f"127.0.0.1:{port}", "--keep-alive", "30", "--log-level", "warning", "wsgi:app"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn beendet mit Code {process.returncode}")
        try:
            if requests.get(f"{base}/login", timeout=30).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise RuntimeError("gunicorn antwortet nicht")


def signed_in_session(base: str, username: str):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(f"{base}/login", data={"username": username, "password": PASSWORD,
                                                   "csrf_token": token}, allow_redirects=False)  # fmt: skip
    if response.status_code != 302:
        raise RuntimeError(f"Anmeldung von {username} fehlgeschlagen ({response.status_code})")
    return session


def hammer(base: str, clients: int, requests_per_client: int, draft_ids: list[int], pages: int) -> dict:
    import requests

    timings: dict[str, list[float]] = {"Anfragenliste": [], "Arbeitsbereich": []}
    errors: list[str] = []
    lock = threading.Lock()
    sessions = [signed_in_session(base, f"bench{n:02d}") for n in range(clients)]
    start = threading.Barrier(clients)

    def client(number: int) -> None:
        rng = random.Random(number)
        session = sessions[number]
        start.wait()
        for index in range(requests_per_client):
            if index % 2 == 0:
                name, url = "Anfragenliste", f"{base}/inquiries/?status=all&page={rng.randint(1, pages)}"
            else:
                name, url = "Arbeitsbereich", f"{base}/answers/{rng.choice(draft_ids)}"
            began = time.perf_counter()
            try:
                status = session.get(url, allow_redirects=False, timeout=30).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            elapsed = time.perf_counter() - began
            with lock:
                timings[name].append(elapsed)
                if status != 200:
                    errors.append(f"{url}: {status}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"timings": timings, "errors": errors, "seconds": time.perf_counter() - began}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(result: dict, args: argparse.Namespace) -> None:
    print(f"gunicorn --workers {args.workers} --threads {args.threads}, {args.clients} gleichzeitige Clients, "
          f"{args.inquiries} Anfragen in der Datenbank")  # fmt: skip
    for name, values in result["timings"].items():
        print(f"  {name:15s} n={len(values):5d}  p50={1000 * statistics.median(values):6.1f} ms  "
              f"p95={1000 * percentile(values, 0.95):6.1f} ms  max={1000 * max(values):6.1f} ms")  # fmt: skip
    total = sum(len(v) for v in result["timings"].values())
    print(f"  Durchsatz: {total / result['seconds']:.0f} Anfragen/s; Ziel: p95 ≤ 100 ms")
    if result["errors"]:
        print(f"  {len(result['errors'])} Fehlantworten, z. B. {result['errors'][:3]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40, help="Anfragen je Client")
    parser.add_argument("--inquiries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    process = None
    try:
        with tempfile.TemporaryDirectory(prefix="drafter-bench-") as folder:
            instance = Path(folder) / "instance"
            seed(instance, args.clients, args.inquiries)
            draft_ids = [int(x) for x in (instance / "draft_ids.txt").read_text().split()]
            port = free_port()
            process = start_gunicorn(instance, port, args.workers, args.threads)
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, process)
            hammer(base, min(args.clients, 4), 4, draft_ids, pages=4)  # warm-up: templates, connections
            result = hammer(base, args.clients, args.requests, draft_ids, pages=-(-args.inquiries // 50))
            report(result, args)
    except Exception as error:  # a benchmark reports, it never fails a build
        print(f"Benchmark abgebrochen: {type(error).__name__}: {error}")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

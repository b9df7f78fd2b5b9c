"""Latency of the busiest pages under load: the inquiry list and the draft workspace.

Seeds a fresh database (200 inquiries, each with answered sub-questions, citations and
revisions), starts gunicorn with the project's gunicorn.conf.py on a free loopback port,
signs in 20 users and lets wrk (Debian package `wrk`, a load generator in C that barely
competes with the server for the two cores) keep 20 connections busy per page, each request
under a different user's session. Prints p50/p95/p99/max per page and the throughput; never fails.

    python bench/web.py [--clients 20] [--seconds 15] [--workers N] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
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
# wrk runs this per request: a random page of the given set, under the next user's session.
WRK_SCRIPT = """
local cookies = {%(cookies)s}
local paths = {%(paths)s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[math.random(#paths)], {["Cookie"] = cookies[counter %% #cookies + 1]})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%.1f %%.1f %%.1f %%.1f\\n", summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


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


def start_gunicorn(instance: Path, port: int, workers: int | None, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DRAFTER_INSTANCE_PATH": str(instance), "DRAFTER_DATA_DIR": str(instance / "kb"),
           "DRAFTER_BIND": f"127.0.0.1:{port}", "DRAFTER_WEB_THREADS": str(threads)}  # fmt: skip
    if workers:
        env["DRAFTER_WEB_WORKERS"] = str(workers)
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
    )


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


def session_cookie(base: str, username: str) -> str:
    import requests

    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(f"{base}/login", data={"username": username, "password": PASSWORD,
                                                   "csrf_token": token}, allow_redirects=False)  # fmt: skip
    if response.status_code != 302:
        raise RuntimeError(f"Anmeldung von {username} fehlgeschlagen ({response.status_code})")
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def load(base: str, cookies: list[str], paths: list[str], clients: int, seconds: int, folder: Path) -> dict:
    """Run wrk with `clients` connections for `seconds`; latencies in ms."""
    script = folder / "bench.lua"
    quote = lambda values: ", ".join(f'"{v}"' for v in values)  # noqa: E731
    script.write_text(WRK_SCRIPT % {"cookies": quote(cookies), "paths": quote(paths)})
    command = ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
               base]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, duration_us, errors, p50, p95, p99, worst = (float(x) for x in line.split()[1:])
    return {"requests": int(requests), "rate": requests / (duration_us / 1e6), "errors": int(errors), "p50": p50,
            "p95": p95, "p99": p99, "max": worst}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=15, help="Messdauer je Seite")
    parser.add_argument("--inquiries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None, help="Standard: gunicorn.conf.py (ein Prozess je Kern)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("Benchmark übersprungen: wrk fehlt (Debian: apt-get install wrk).")
        return 0
    process = None
    try:
        with tempfile.TemporaryDirectory(prefix="drafter-bench-") as folder:
            instance = Path(folder) / "instance"
            seed(instance, args.clients, args.inquiries)
            draft_ids = (instance / "draft_ids.txt").read_text().split()
            port = free_port()
            process = start_gunicorn(instance, port, args.workers, args.threads)
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, process)
            cookies = [session_cookie(base, f"bench{n:02d}") for n in range(args.clients)]
            pages = {
                "Anfragenliste": [f"/inquiries/?status=all&page={n}" for n in range(1, -(-args.inquiries // 50) + 1)],
                "Arbeitsbereich": [
                    f"/answers/{d}" for d in random.Random(7).sample(draft_ids, min(200, len(draft_ids)))
                ],
            }
            workers = args.workers or os.cpu_count()
            print(f"gunicorn: {workers} Prozesse × {args.threads} Threads; {args.clients} gleichzeitige Clients (wrk); "
                  f"{args.inquiries} Anfragen in der Datenbank")  # fmt: skip
            for name, paths in pages.items():
                load(base, cookies, paths, args.clients, 3, Path(folder))  # warm-up: every worker, every template
                result = load(base, cookies, paths, args.clients, args.seconds, Path(folder))
                figures = "  ".join(f"{key}={result[key]:6.1f} ms" for key in ("p50", "p95", "p99", "max"))
                errors = f"  {result['errors']} Fehlantworten" if result["errors"] else ""
                print(f"  {name:15s} n={result['requests']:6d}  {figures}  {result['rate']:5.0f}/s{errors}")
            print("  Ziel: p95 ≤ 100 ms")
    except Exception as error:  # a benchmark reports, it never fails a build
        print(f"Benchmark abgebrochen: {type(error).__name__}: {error}")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

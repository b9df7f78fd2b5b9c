"""The web app under the load a county's staff really make: many users who read between clicks.

Seeds a fresh database (10,000 inquiries by default, each with answered sub-questions,
citations and revisions) and the sample knowledge base, starts gunicorn with the project's
gunicorn.conf.py on a free loopback port (2 processes), then lets 100 simulated users work:
each signs in with its own session and clicks every 3–10 seconds, a mix of the inquiry list,
the list searched, a draft's workspace, a knowledge-base search (the only page here that runs
a model: it embeds the query) and saving a draft. After a warm-up it measures for at least
two minutes and prints p50/p95/p99 per page, the CPU share the server used and how busy the
whole machine was (other work on a shared machine shows as the difference). Never fails.

    python bench/web.py [--users 100] [--seconds 150] [--inquiries 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "Bench-Passwort-123"
QUESTIONS_PER_INQUIRY = 4
WARM_UP_SECONDS = 20
THINK_SECONDS = (3.0, 10.0)
PASSAGE = (
    "Die Kreisverwaltung bietet derzeit 142 Verwaltungsleistungen online an. Im November 2024 waren es noch 131. "
    "Bei 37 Online-Diensten können Gebühren direkt im Antragsverfahren bezahlt werden; 2024 wurden so rund "
    "18.400 Zahlungen abgewickelt. Die elektronische Akte ist in 14 von 21 Organisationseinheiten eingeführt."
)
SENTENCES = [sentence + "." for sentence in PASSAGE.rstrip(".").split(". ")]
# What a click does, and how often: staff mostly read the list and a draft; fewer search or save.
ACTIONS = {"Anfragenliste": 35, "Liste mit Suche": 10, "Arbeitsbereich": 35, "Wissenssuche": 8, "Speichern": 12}
MODEL_PAGES = {"Wissenssuche"}
SEARCH_WORDS = ["Digitalisierung", "BENCH/2026/01", "Mustermann", "Anfrage 77", "Radwege"]
KNOWLEDGE_QUERIES = [
    "Wie viele Leistungen lassen sich digital beantragen?",
    "Gebühr für ein Wunschkennzeichen",
    "Welche Daten stehen über eine Schnittstelle zur Verfügung?",
    "Stand der elektronischen Akte",
]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_BASE = re.compile(r'name="base_revision" value="(\d+)"')


def seed(instance: Path, users: int, inquiries: int) -> tuple[list[int], list[int]]:
    """Fill the database with bulk inserts into the app's own tables; returns (all drafts, editable drafts)."""
    from datetime import date, timedelta

    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from web import create_app
    from web.database import db, utcnow
    from web.models import CitationRecord, Draft, DraftRevision, Inquiry, Question, User, UserRole

    app = create_app({"INSTANCE_PATH": str(instance), "START_WORKERS": False, "KNOWLEDGE_DIR": str(instance / "kb")})
    rng = random.Random(7)
    now = utcnow()
    password_hash = generate_password_hash(PASSWORD)  # one hash for all: hashing is the slow part of seeding
    revision_columns = set(DraftRevision.__table__.c.keys())
    statuses = ["draft"] * 5 + ["in_review"] * 2 + ["changes_requested", "approved", "approved"]
    rows: dict[type, list[dict]] = {model: [] for model in (Inquiry, Question, Draft, DraftRevision, CitationRecord)}
    today = date.today()
    for number in range(inquiries):
        received = today - timedelta(days=rng.randint(0, 60))
        inquiry_id = number + 1
        rows[Inquiry].append(
            {
                "id": inquiry_id,
                "reference": f"BENCH/2026/{number:05d}",
                "kind": rng.choice(["ifg", "ltranspg", "council", "citizen"]),
                "subject": f"Anfrage {number} zur Digitalisierung der Kreisverwaltung",
                "text": "1a) Frage?\n" * QUESTIONS_PER_INQUIRY,
                "received_on": received,
                "deadline": received + timedelta(days=30),
                "status": rng.choice(["drafting", "drafting", "in_review", "approved", "sent"]),
                "reply_approved": False,
                "assignee_id": rng.randint(1, users),
                "created_by_id": 1,
                "created_at": now,
                "updated_at": now,
                "drafting_started_at": now,
                "requester_name": "Erika Mustermann",
            }
        )
        for position in range(QUESTIONS_PER_INQUIRY):
            question_id = number * QUESTIONS_PER_INQUIRY + position + 1
            rows[Question].append(
                {
                    "id": question_id,
                    "inquiry_id": inquiry_id,
                    "position": position,
                    "label": f"{position // 3 + 1}{'abc'[position % 3]}",
                    "text": "Wie viele Leistungen lassen sich inzwischen digital beantragen?",
                }
            )
            rows[Draft].append(
                {
                    "id": question_id,
                    "question_id": question_id,
                    "status": rng.choice(statuses),
                    "evidence": "drafted",
                    "method": "extractive",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for revision in (1, 2):
                lead = "Stand heute: " if revision == 2 else ""
                row = {
                    "draft_id": question_id,
                    "number": revision,
                    "origin": "generated" if revision == 1 else "edited",
                    "author_id": 1 if revision == 1 else 2,
                    "created_at": now,
                }
                if "text" in revision_columns:  # the layout before issue 10: the rendered text
                    row |= {"text": f"{lead}{PASSAGE} [1] [2]", "unverified": []}
                if "sentences" in revision_columns:  # after: paragraphs of structured sentences
                    cited = [{"text": s, "markers": [1 + i % 2], "verified": True} for i, s in enumerate(SENTENCES)]
                    cited[0]["text"] = lead + cited[0]["text"]
                    row["sentences"] = [cited]
                rows[DraftRevision].append(row)
            for marker in (1, 2):
                rows[CitationRecord].append(
                    {
                        "draft_id": question_id,
                        "marker": marker,
                        "chunk_id": f"doc{marker}:000{marker}",
                        "doc": f"bericht-{marker}.txt",
                        "title": f"Sachstandsbericht {marker}",
                        "passage_text": PASSAGE,
                        "quote": PASSAGE[:67],
                        "quote_start": 0,
                        "quote_end": 67,
                        "page": marker,
                        "doc_type": "report",
                        "doc_date": "2025-09-01",
                        "created_at": now,
                    }
                )
    with app.app_context():
        db.session.execute(
            insert(User),
            [
                {
                    "id": n + 1,
                    "username": f"bench{n:03d}",
                    "display_name": f"Bench {n:03d}",
                    "active": True,
                    "password_hash": password_hash,
                    "must_change_password": False,
                    "created_at": now,
                }
                for n in range(users)
            ],
        )
        db.session.execute(
            insert(UserRole), [{"user_id": n + 1, "role": role} for n in range(users) for role in ("staff", "reviewer")]
        )
        for model, values in rows.items():
            for start in range(0, len(values), 5000):
                db.session.execute(insert(model), values[start : start + 5000])
        db.session.commit()
    editable = [row["id"] for row in rows[Draft] if row["status"] in {"draft", "changes_requested"}]
    return [row["id"] for row in rows[Draft]], editable


def ingest_sample_knowledge(data_dir: Path) -> None:
    from drafter.config import Settings
    from drafter.knowledge_base import KnowledgeBase

    kb = KnowledgeBase(Settings.from_env(data_dir=data_dir))
    kb.ingest(sorted((ROOT / "knowledge" / "documents").iterdir()))
    kb.close()


def warm_up(base: str, draft_id: int) -> None:
    """Load templates and the embedding model in every server process before anything is measured.

    Each new session opens a new connection, which the kernel hands to one of the processes at random."""
    import requests

    for number in range(8):
        session = requests.Session()
        token = _CSRF.search(session.get(f"{base}/login").text).group(1)
        session.post(
            f"{base}/login", data={"username": f"bench{number:03d}", "password": PASSWORD, "csrf_token": token}
        )
        for path in ("/inquiries/", f"/answers/{draft_id}", f"/knowledge/search?q={KNOWLEDGE_QUERIES[0]}"):
            session.get(base + path, timeout=120)
        session.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(instance: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DRAFTER_INSTANCE_PATH": str(instance),
        "DRAFTER_DATA_DIR": str(instance / "kb"),
        "DRAFTER_BIND": f"127.0.0.1:{port}",
        "DRAFTER_WEB_WORKERS": str(workers),
        "DRAFTER_WEB_THREADS": str(threads),
        "DRAFTER_RATE_LIMIT": "0",
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
    )


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 90) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn beendet mit Code {process.returncode}")
        try:
            if requests.get(f"{base}/login", timeout=30).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    raise RuntimeError("gunicorn antwortet nicht")


@dataclass
class Timings:
    """Latencies per page (ms), collected by all users; only clicks after the warm-up count."""

    measuring: threading.Event = field(default_factory=threading.Event)
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, milliseconds: float, ok: bool) -> None:
        if not self.measuring.is_set():
            return
        with self.lock:
            self.samples.setdefault(page, []).append(milliseconds)
            if not ok:
                self.errors[page] = self.errors.get(page, 0) + 1


class SimulatedUser(threading.Thread):
    """One member of staff: signs in, then clicks every 3–10 seconds until told to stop."""

    def __init__(
        self,
        base: str,
        number: int,
        drafts: list[int],
        editable: list[int],
        pages: int,
        timings: Timings,
        stop: threading.Event,
    ) -> None:
        super().__init__(daemon=True)
        self.base, self.username, self.timings, self.stop = base, f"bench{number:03d}", timings, stop
        self.rng = random.Random(number)
        self.drafts, self.pages = drafts, pages
        # Each user saves its own drafts, so two users do not keep colliding on one (that is tested elsewhere).
        self.own = [d for i, d in enumerate(editable) if i % 100 == number % 100] or editable
        self.workspace: tuple[int, str, int] | None = None  # the draft last opened: id, CSRF token, revision

    def run(self) -> None:
        import requests

        self.session = requests.Session()
        try:
            self._login()
        except Exception as error:  # a user who cannot sign in is reported, the others go on
            print(f"  {self.username}: Anmeldung fehlgeschlagen ({error})")
            return
        while not self.stop.wait(self.rng.uniform(*THINK_SECONDS)):
            action = self.rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
            try:
                getattr(
                    self,
                    "_"
                    + {
                        "Anfragenliste": "list",
                        "Liste mit Suche": "search_list",
                        "Arbeitsbereich": "open_draft",
                        "Wissenssuche": "search_knowledge",
                        "Speichern": "save",
                    }[action],
                )()
            except Exception:
                self.timings.add(action, 0.0, ok=False)

    def _get(self, page: str, path: str):
        started = time.perf_counter()
        response = self.session.get(self.base + path, timeout=60)
        self.timings.add(page, (time.perf_counter() - started) * 1000, response.status_code == 200)
        return response

    def _login(self) -> None:
        token = _CSRF.search(self.session.get(f"{self.base}/login").text).group(1)
        response = self.session.post(
            f"{self.base}/login",
            allow_redirects=False,
            data={"username": self.username, "password": PASSWORD, "csrf_token": token},
        )
        if response.status_code != 302:
            raise RuntimeError(f"HTTP {response.status_code}")

    def _list(self) -> None:
        status = self.rng.choice(["open", "open", "all"])
        self._get("Anfragenliste", f"/inquiries/?status={status}&page={self.rng.randint(1, self.pages)}")

    def _search_list(self) -> None:
        self._get("Liste mit Suche", f"/inquiries/?status=all&q={self.rng.choice(SEARCH_WORDS)}")

    def _open_draft(self, draft_id: int | None = None) -> None:
        draft_id = draft_id or self.rng.choice(self.drafts if self.rng.random() < 0.5 else self.own)
        page = self._get("Arbeitsbereich", f"/answers/{draft_id}").text
        token, base = _CSRF.search(page), _BASE.search(page)
        self.workspace = (draft_id, token.group(1), int(base.group(1))) if token and base else None

    def _search_knowledge(self) -> None:
        self._get("Wissenssuche", f"/knowledge/search?q={self.rng.choice(KNOWLEDGE_QUERIES)}")

    def _save(self) -> None:
        """Edit the draft open in the workspace (opening one first, as a user would) and save it."""
        if self.workspace is None or self.workspace[0] not in self.own:
            self._open_draft(self.rng.choice(self.own))
            if self.workspace is None:
                return
        draft_id, token, base = self.workspace
        text = f"{PASSAGE} [1] Ergänzt von {self.username} um {time.strftime('%H:%M:%S')}. [2]"
        started = time.perf_counter()
        response = self.session.post(
            f"{self.base}/answers/{draft_id}/save",
            allow_redirects=False,
            timeout=60,
            data={"text": text, "base_revision": base, "csrf_token": token},
        )
        self.timings.add("Speichern", (time.perf_counter() - started) * 1000, response.status_code == 302)
        self._open_draft(draft_id)  # the redirect back to the workspace, as the browser follows it


def cpu_ticks(pids: list[int]) -> float:
    """User plus system time of these processes, in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / ticks, sum(values) / ticks


def server_pids(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    children.append(int(entry.name))
            except (OSError, IndexError):
                pass
    return [master, *children]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=150, help="Messdauer nach dem Aufwärmen (mindestens 120)")
    parser.add_argument("--inquiries", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    process = None
    try:
        with tempfile.TemporaryDirectory(prefix="drafter-bench-") as folder:
            instance = Path(folder) / "instance"
            started = time.monotonic()
            drafts, editable = seed(instance, args.users, args.inquiries)
            ingest_sample_knowledge(instance / "kb")
            print(f"Datenbank und Wissensbasis angelegt in {time.monotonic() - started:.0f} s")
            port = free_port()
            process = start_gunicorn(instance, port, args.workers, args.threads)
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, process)
            warm_up(base, drafts[0])
            timings, stop = Timings(), threading.Event()
            pages = -(-args.inquiries // 50)
            users = [SimulatedUser(base, n, drafts, editable, pages, timings, stop) for n in range(args.users)]
            for user in users:
                user.start()
                time.sleep(0.05)  # sign-ins spread out a little, as a morning's logins are
            time.sleep(WARM_UP_SECONDS)
            pids = server_pids(process.pid)
            cpu_before, (busy_before, total_before) = cpu_ticks(pids), machine_busy()
            load_before = os.getloadavg()[0]
            timings.measuring.set()
            window = time.monotonic()
            time.sleep(args.seconds)
            timings.measuring.clear()
            elapsed = time.monotonic() - window
            cpu_used = cpu_ticks(pids) - cpu_before
            busy_after, total_after = machine_busy()
            stop.set()
            for user in users:
                user.join(timeout=70)
            cores = os.cpu_count() or 1
            server_share = cpu_used / (elapsed * cores)
            machine_share = (busy_after - busy_before) / (total_after - total_before)
            print(
                f"gunicorn: {args.workers} Prozesse × {args.threads} Threads; {args.users} Benutzer mit eigener "
                f"Sitzung, {THINK_SECONDS[0]:.0f}–{THINK_SECONDS[1]:.0f} s zwischen zwei Klicks; "
                f"{args.inquiries} Anfragen ({len(drafts)} Antworten); gemessen {elapsed:.0f} s nach "
                f"{WARM_UP_SECONDS} s Aufwärmen"
            )
            for page in ACTIONS:
                values = timings.samples.get(page, [])
                if not values:
                    print(f"  {page:16s} keine Messwerte")
                    continue
                figures = "  ".join(
                    f"{name}={percentile(values, share):6.1f} ms"
                    for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
                )
                errors = timings.errors.get(page, 0)
                note = " (ruft das Embedding-Modell)" if page in MODEL_PAGES else ""
                print(f"  {page:16s} n={len(values):5d}  {figures}{f'  {errors} Fehler' if errors else ''}{note}")
            print(f"  CPU des Servers: {server_share:.0%} von {cores} Kernen ({cpu_used:.0f} s in {elapsed:.0f} s)")
            print(
                f"  ganze Maschine ausgelastet: {machine_share:.0%} (Last vorher {load_before:.2f}, "
                f"nachher {os.getloadavg()[0]:.2f}); der Rest ist andere Arbeit auf der Maschine"
            )
            print("  Ziel: p95 ≤ 150 ms für Seiten ohne Modell")
    except Exception as error:  # a benchmark reports, it never fails a build
        print(f"Benchmark abgebrochen: {type(error).__name__}: {error}")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

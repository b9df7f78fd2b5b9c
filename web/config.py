"""The web app's configuration, read from environment variables with defaults that work offline.

Everything lives in the instance folder unless an environment variable says otherwise, so a
fresh checkout runs with `flask --app wsgi run` and a production install only sets what differs.
The README (section „Web-Anwendung → Konfiguration“) lists every variable; `defaults_from_env` reads
them, except the instance folder (`create_app`) and the session key (`secret_key`).
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from drafter.config import host_name, sqlalchemy_url

INQUIRY_KINDS = ("ifg", "ltranspg", "vig", "council", "citizen")

DEFAULT_LEGAL_BASIS = {
    "ifg": "§ 1 Abs. 1 des Informationsfreiheitsgesetzes (IFG)",
    "ltranspg": "§ 2 Abs. 2 in Verbindung mit §§ 11 und 12 des Landestransparenzgesetzes (LTranspG)",
    "vig": "§ 2 Abs. 1 des Verbraucherinformationsgesetzes (VIG)",
    "council": "der Geschäftsordnung des Kreistages",
    "citizen": "",
}


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "ja", "on"}


def parse_period(text: str) -> tuple[int, int]:
    """Read a deadline like "1m", "2 Monate", "14d", "3w" as (months, days)."""
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", text)
    if not match:
        raise ValueError(f"Frist „{text}“ ist ungültig; erlaubt sind z. B. 1m, 14d oder 3w.")
    number, unit = int(match.group(1)), match.group(2).lower()[:1] or "d"
    if unit == "m":
        return number, 0
    if unit == "w":
        return 0, number * 7
    if unit in {"d", "t"}:
        return 0, number
    raise ValueError(f"Frist „{text}“ ist ungültig; erlaubt sind z. B. 1m, 14d oder 3w.")


def extendable_kinds(text: str) -> frozenset[str]:
    """The kinds whose deadline staff may extend, from "ifg,ltranspg"; "keine" allows none. The default leaves
    out council inquiries: their period is the Geschäftsordnung's, which a county adds here if it provides for one."""
    if text.strip().lower() in {"keine", "none"}:
        return frozenset()
    kinds = frozenset(kind.strip().lower() for kind in text.split(",") if kind.strip())
    unknown = sorted(kinds - set(INQUIRY_KINDS))
    if unknown:
        raise ValueError(
            f"DRAFTER_DEADLINE_EXTENDABLE nennt unbekannte Arten ({', '.join(unknown)}); "
            f"erlaubt sind {', '.join(INQUIRY_KINDS)}."
        )
    return kinds


def database_url(instance_path: Path) -> str:
    return sqlalchemy_url(_env("DATABASE_URL", f"sqlite:///{instance_path / 'drafter.sqlite'}"))


def secret_key(instance_path: Path) -> str:
    """The session signing key: from DRAFTER_SECRET_KEY, else generated once into the instance folder."""
    configured = os.environ.get("DRAFTER_SECRET_KEY", "").strip()
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        _create_secret_key(key_file)
    return key_file.read_text().strip()


def _create_secret_key(key_file: Path) -> None:
    """Write a new key under a name of its own, then link it into place: gunicorn workers that start together
    all read the one complete key that was linked first, never a half-written or a second one."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    staging = key_file.with_name(f".{key_file.name}.{secrets.token_hex(8)}")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        os.link(staging, key_file)
    except FileExistsError:
        pass  # another worker was first; its key stands
    except OSError:  # a file system without hard links: rename, unless another worker was first
        if not key_file.exists():
            os.replace(staging, key_file)
    finally:
        staging.unlink(missing_ok=True)


def job_timing() -> tuple[float, float]:
    """The lease of a running job and the sweep interval, in seconds. The sweep must come round within the lease,
    else a job of a dead host waits for a second lease before another host takes it over."""
    lease = float(_env("DRAFTER_JOB_LEASE_SECONDS", "90"))
    sweep = float(_env("DRAFTER_JOB_SWEEP_SECONDS", "30"))
    if not 0 < sweep < lease:
        raise ValueError(
            f"DRAFTER_JOB_SWEEP_SECONDS ({sweep:g}) muss größer als 0 und kleiner als DRAFTER_JOB_LEASE_SECONDS "
            f"({lease:g}) sein; bitte z. B. 30 und 90 setzen."
        )
    return lease, sweep


MAX_HOST_NAME = 90
"""A job's owner is „host:pid:start time“ in a column of 120 characters."""


def job_host_name() -> str:
    """This host's name in the jobs it runs; refused at start when too long for the job's owner column (PostgreSQL
    would refuse every claim of a job, and the job would wait for ever)."""
    name = host_name()
    if len(name) > MAX_HOST_NAME:
        raise ValueError(
            f"Der Hostname „{name[:40]}…“ ist {len(name)} Zeichen lang, höchstens {MAX_HOST_NAME} sind möglich; "
            "bitte DRAFTER_HOST_NAME auf einen kürzeren Namen setzen (z. B. app1)."
        )
    return name


def defaults_from_env(instance_path: Path) -> dict:
    mb = 1_048_576
    url = database_url(instance_path)
    lease, sweep = job_timing()
    session_hours = float(_env("DRAFTER_SESSION_MAX_HOURS", _env("DRAFTER_SESSION_HOURS", "9")))
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        # A ping before each use finds connections a database server dropped; a SQLite file drops none.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not url.startswith("sqlite")},
        "KNOWLEDGE_DIR": _env("DRAFTER_DATA_DIR", str(instance_path / "knowledge")),
        "UPLOAD_DIR": _env("DRAFTER_UPLOAD_DIR", str(instance_path / "uploads")),
        "MAX_FILE_BYTES": int(float(_env("DRAFTER_MAX_FILE_MB", "50")) * mb),
        "MAX_CONTENT_LENGTH": int(float(_env("DRAFTER_MAX_UPLOAD_MB", "200")) * mb),
        "MAX_FORM_MEMORY_SIZE": 4 * mb,
        "DEADLINES": {kind: _env(f"DRAFTER_DEADLINE_{kind.upper()}", "1m") for kind in INQUIRY_KINDS},
        "DEADLINE_EXTENDABLE": extendable_kinds(_env("DRAFTER_DEADLINE_EXTENDABLE", "ifg,ltranspg,vig,citizen")),
        "STATE": _env("DRAFTER_STATE", "RP").upper(),
        "LEGAL_BASIS": {
            kind: _env(f"DRAFTER_LEGAL_BASIS_{kind.upper()}", text) for kind, text in DEFAULT_LEGAL_BASIS.items()
        },
        "AUTHORITY_NAME": _env("DRAFTER_AUTHORITY_NAME", "[Name der Kreisverwaltung]"),
        "AUTHORITY_ADDRESS": _env("DRAFTER_AUTHORITY_ADDRESS", "[Straße Hausnummer] · [PLZ Ort]"),
        "AUTHORITY_PLACE": _env("DRAFTER_AUTHORITY_PLACE", "[Ort]"),
        "AUTHORITY_PHONE": _env("DRAFTER_AUTHORITY_PHONE", ""),
        "AUTHORITY_EMAIL": _env("DRAFTER_AUTHORITY_EMAIL", ""),
        "COUNCIL_SIGNATORY": _env("DRAFTER_COUNCIL_SIGNATORY", "[Name der Landrätin / des Landrats]"),
        "COUNCIL_SIGNATORY_TITLE": _env("DRAFTER_COUNCIL_SIGNATORY_TITLE", "Landrat"),
        "SOFFICE": _env("DRAFTER_SOFFICE", "soffice"),
        "WORKER_THREADS": max(1, int(_env("DRAFTER_WORKERS", "2"))),
        "JOB_MAX_ATTEMPTS": max(1, int(_env("DRAFTER_JOB_ATTEMPTS", "3"))),
        "JOB_LEASE_SECONDS": lease,
        "JOB_SWEEP_SECONDS": sweep,
        "HOST_NAME": job_host_name(),
        "START_WORKERS": _flag("DRAFTER_START_WORKERS", True),
        "AUTO_MIGRATE": _flag("DRAFTER_AUTO_MIGRATE", True),
        "LOGIN_RATE_LIMIT": _env("DRAFTER_LOGIN_RATE_LIMIT", "5 per minute"),
        "LOGIN_ADDRESS_LIMIT": _env("DRAFTER_LOGIN_ADDRESS_LIMIT", "30 per 10 minutes"),
        "LOGIN_ACCOUNT_LIMIT": _env("DRAFTER_LOGIN_ACCOUNT_LIMIT", "50 per hour"),
        "RATELIMIT_ENABLED": _flag("DRAFTER_RATE_LIMIT", True),
        "BEHIND_PROXY": _flag("DRAFTER_BEHIND_PROXY", False),
        "SESSION_COOKIE_SECURE": _flag("DRAFTER_SECURE_COOKIES", False),
        "REMEMBER_COOKIE_SECURE": _flag("DRAFTER_SECURE_COOKIES", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "drafter_session",
        "SESSION_MAX_HOURS": session_hours,
        "SESSION_IDLE_MINUTES": float(_env("DRAFTER_SESSION_IDLE_MINUTES", "60")),
        "PERMANENT_SESSION_LIFETIME": int(session_hours * 3600),
        "VISIBILITY": _env("DRAFTER_VISIBILITY", "unit"),
        "LDAP_URL": _env("DRAFTER_LDAP_URL", ""),
        "LDAP_BIND_DN": _env("DRAFTER_LDAP_BIND_DN", ""),
        "LDAP_BIND_PASSWORD": os.environ.get("DRAFTER_LDAP_BIND_PASSWORD", ""),
        "LDAP_USER_BASE": _env("DRAFTER_LDAP_USER_BASE", ""),
        "LDAP_USER_FILTER": _env("DRAFTER_LDAP_USER_FILTER", "(uid={username})"),
        "LDAP_GROUP_ROLES": _env("DRAFTER_LDAP_GROUP_ROLES", ""),
        "LDAP_GROUP_UNITS": _env("DRAFTER_LDAP_GROUP_UNITS", ""),
        "LDAP_GROUP_BASE": _env("DRAFTER_LDAP_GROUP_BASE", ""),
        "LDAP_GROUP_FILTER": _env("DRAFTER_LDAP_GROUP_FILTER", "(member={dn})"),
        "LDAP_START_TLS": _flag("DRAFTER_LDAP_START_TLS", False),
        "LDAP_CA_FILE": _env("DRAFTER_LDAP_CA_FILE", ""),
        "LDAP_TIMEOUT": int(_env("DRAFTER_LDAP_TIMEOUT", "5")),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        "PAGE_SIZE": 50,
        "SOURCE_MAX_AGE_YEARS": int(_env("DRAFTER_SOURCE_MAX_AGE_YEARS", "5")),
        "TASKS_DUE_DAYS": int(_env("DRAFTER_TASKS_DUE_DAYS", "7")),
        "BASE_URL": _env("DRAFTER_BASE_URL", "http://localhost:8000").rstrip("/"),
        "SMTP_HOST": _env("DRAFTER_SMTP_HOST", ""),
        "SMTP_PORT": int(_env("DRAFTER_SMTP_PORT", "25")),
        "SMTP_USER": _env("DRAFTER_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("DRAFTER_SMTP_PASSWORD", ""),
        "SMTP_FROM": _env("DRAFTER_SMTP_FROM", "drafter@localhost"),
        "SMTP_STARTTLS": _flag("DRAFTER_SMTP_STARTTLS", False),
        "SMTP_CA_FILE": _env("DRAFTER_SMTP_CA_FILE", ""),
        "SMTP_TIMEOUT": float(_env("DRAFTER_SMTP_TIMEOUT", "10")),
        "EMBEDDER": None,
        "DRAFTER_SETTINGS": None,
    }

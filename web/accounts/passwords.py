"""What a password must satisfy: shared by changing one's own, the administration's forms and the CLI.

Following the BSI (IT-Grundschutz ORP.4): length instead of composition rules, and no password
that is common or built from the account's name. The list of common passwords is a data file of
our own (data/common_passwords.txt) that a county may extend; a password is compared as a whole
and with the digits and signs around a word taken off, so „Passwort2026!“ counts as „passwort“.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
_AROUND_A_WORD = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _forms(password: str) -> set[str]:
    folded = password.strip().lower().translate(_UMLAUTS)
    return {folded, _AROUND_A_WORD.sub("", folded)} - {""}


def _is_repetitive(password: str) -> bool:
    """Few distinct characters or one short piece repeated („aaaaaaaaaa“, „abcabcabca“)."""
    folded = password.lower()
    if len(set(folded)) <= 3:
        return True
    return any(folded == (folded[:size] * len(folded))[: len(folded)] for size in range(1, 5))


def password_problem(password: str, repeated: str, username: str | None = None) -> str | None:
    """The German reason a new password is refused, or None when it may be used."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein."
    if password != repeated:
        return "Die beiden Passwörter stimmen nicht überein."
    if _is_repetitive(password):
        return "Das Passwort wiederholt nur wenige Zeichen. Bitte wählen Sie z. B. einen Satz aus mehreren Wörtern."
    if _forms(password) & common_passwords():
        return (
            "Dieses Passwort gehört zu den häufig verwendeten und wird bei Angriffen zuerst ausprobiert. "
            "Bitte wählen Sie ein anderes, z. B. einen Satz aus mehreren Wörtern."
        )
    name = (username or "").strip().lower().translate(_UMLAUTS)
    if len(name) >= 3 and any(name in form or form in name for form in _forms(password)):
        return "Das Passwort darf den Benutzernamen nicht enthalten. Bitte wählen Sie ein anderes."
    return None

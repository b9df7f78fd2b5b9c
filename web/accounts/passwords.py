"""What a password must satisfy: shared by changing one's own, the administration's forms and the CLI."""

from __future__ import annotations

MIN_PASSWORD_LENGTH = 10


def password_problem(password: str, repeated: str) -> str | None:
    """The German reason a new password is refused, or None when it may be used."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein."
    if password != repeated:
        return "Die beiden Passwörter stimmen nicht überein."
    return None

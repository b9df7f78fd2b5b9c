"""Prompts are German text files next to this module, versioned with the code and loaded by name.

Keeping them as files lets a reviewer read and change the wording without touching Python.
"""

from __future__ import annotations

from pathlib import Path

from drafter.errors import DrafterError

PROMPT_DIR = Path(__file__).resolve().parent


class PromptNotFound(DrafterError):
    def __init__(self, name: str) -> None:
        available = ", ".join(sorted(p.stem for p in PROMPT_DIR.glob("*.md"))) or "keine"
        super().__init__(
            f"Die Prompt-Datei „{name}.md“ fehlt in {PROMPT_DIR}. "
            f"Vorhanden sind: {available}. Bitte die Installation prüfen."
        )


def load_prompt(name: str) -> str:
    """The text of `drafter/prompts/<name>.md`; `name` is a bare file stem, never a path."""
    if not name or Path(name).name != name:
        raise PromptNotFound(name)
    path = PROMPT_DIR / f"{name}.md"
    if not path.is_file():
        raise PromptNotFound(name)
    return path.read_text(encoding="utf-8")

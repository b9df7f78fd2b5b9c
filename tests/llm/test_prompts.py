"""Prompts are German files loaded by name; a missing one says where it was expected."""

from __future__ import annotations

import pytest

from drafter.prompts import PromptNotFound, load_prompt


def test_answer_prompts_are_german_files_with_the_rules():
    system = load_prompt("antwortentwurf_system")

    assert "ausschließlich aus den nummerierten Fundstellen" in system
    assert "Sie-Form" in system
    assert "unverändert" in system
    assert '"saetze"' in system and '"abstention"' in system
    assert "$frage" in load_prompt("antwortentwurf_user")


@pytest.mark.parametrize("name", ["gibt_es_nicht", "../config", ""])
def test_unknown_prompt_name_is_refused_with_german_message(name):
    with pytest.raises(PromptNotFound, match="Prompt-Datei"):
        load_prompt(name)

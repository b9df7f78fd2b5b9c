"""What the model writes back is read leniently in form and strictly in content."""

from __future__ import annotations

import pytest

from drafter.llm import ABSTENTION_SENTENCE
from drafter.llm.output_parsing import INVALID_SOURCE, MalformedOutput, parse_model_output

PLAIN = '{"saetze": [{"text": "Es gingen 42 Anträge ein.", "quellen": [1], "zitat": "42 Anträge"}]}'


@pytest.mark.parametrize(
    "raw",
    [
        PLAIN,
        f"```json\n{PLAIN}\n```",
        f"Hier ist die Antwort:\n{PLAIN}\nIch hoffe, das hilft.",
        '{"saetze": [{"text": "Es gingen 42 Anträge ein.", "quellen": [1,], "zitat": "42 Anträge",},],}',
        '[{"text": "Es gingen 42 Anträge ein. [1]", "quellen": "1", "zitat": "42 Anträge"}]',
        f"Entwurf [vorläufig]: {PLAIN}",
    ],
    ids=["plain", "code-fence", "prose-around", "trailing-commas", "bare-list", "bracket-in-prose"],
)
def test_answer_is_read_despite_wrapping(raw):
    output = parse_model_output(raw)

    assert not output.abstention
    [sentence] = output.sentences
    assert sentence.text == "Es gingen 42 Anträge ein."
    assert sentence.sources == [1]
    assert sentence.quote == "42 Anträge"


@pytest.mark.parametrize(
    "raw",
    [
        '{"abstention": true}',
        f'{{"abstention": true, "text": "{ABSTENTION_SENTENCE}"}}',
        ABSTENTION_SENTENCE,
        f"„{ABSTENTION_SENTENCE}“",
        f'{{"saetze": [{{"text": "{ABSTENTION_SENTENCE}", "quellen": [], "zitat": ""}}]}}',
        '{ "abstention": true, "text": "Die Wissensbasis enthält zu dieser Frage keine bel',
    ],
    ids=["bare", "with-sentence", "sentence-only", "sentence-in-quotes", "as-sentence", "cut-off"],
)
def test_abstention_is_recognised_in_every_form(raw):
    assert parse_model_output(raw).abstention


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "Gerne beantworte ich Ihre Frage: Es gingen 42 Anträge ein.",
        '{"antwort": "Es gingen 42 Anträge ein."}',
        '{"saetze": []}',
        '{"saetze": [{"quellen": [1]}]}',
        '{"saetze": [{"text": "Es gingen',
    ],
    ids=["empty", "prose", "wrong-key", "no-sentences", "sentence-without-text", "cut-off"],
)
def test_unusable_output_is_malformed(raw):
    with pytest.raises(MalformedOutput, match="keine auswertbare Antwort"):
        parse_model_output(raw)


def test_sources_in_other_forms_are_read_and_nonsense_stays_invalid():
    raw = (
        '{"saetze": [{"text": "A.", "quellen": ["Fundstelle 2", 3.0], "zitat": "x"},'
        ' {"text": "B.", "quellen": ["Anlage"], "zitat": "y"}, {"text": "C.", "quellen": null}]}'
    )

    first, second, third = parse_model_output(raw).sentences

    assert first.sources == [2, 3]
    assert second.sources == [INVALID_SOURCE]
    assert third.sources == [] and third.quote == ""


def test_a_sentence_the_model_breaks_over_lines_stays_one_sentence():
    raw = '{"saetze": [{"text": "Es gingen\\n\\n42 Anträge   ein.", "quellen": [1], "zitat": "42 Anträge"}]}'

    [sentence] = parse_model_output(raw).sentences

    assert sentence.text == "Es gingen 42 Anträge ein."  # a blank line would split it into two in the editor

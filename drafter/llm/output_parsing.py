"""Reads the model's JSON answer leniently in form and strictly in content.

Models wrap JSON in code fences, put a sentence before it or leave a trailing comma; those are
repaired. What cannot be read as sentences with sources and quotes is `MalformedOutput`, which
the drafter treats like a failed request (retry, then extractive fallback).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from drafter.errors import DrafterError
from drafter.llm.prompting import ABSTENTION_SENTENCE
from drafter.text_cleaning import collapse_whitespace

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_INLINE_MARKERS = re.compile(r"\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]")
_INTEGER = re.compile(r"\d+")
# An abstention cut off by the output limit still says what it is in its first key.
_ABSTENTION_START = re.compile(r'^\s*\{\s*"(?:abstention|enthaltung)"\s*:\s*true\b')
# A source the model named in a form that is no passage number; never among the supplied passages.
INVALID_SOURCE = 0

ANSWER_SCHEMA: dict = {
    "anyOf": [
        {
            "type": "object",
            "properties": {
                "saetze": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "properties": {
                            "text": {"type": "string"},
                            "quellen": {"type": "array", "items": {"type": "integer"}},
                            "zitat": {"type": "string"},
                        },
                        "required": ["text", "quellen", "zitat"],
                    },
                }
            },
            "required": ["saetze"],
        },
        {
            "type": "object",
            "properties": {"abstention": {"const": True}, "text": {"type": "string"}},
            "required": ["abstention", "text"],
        },
    ]
}
"""The answer format of the prompt as JSON Schema, for servers that constrain output to a schema."""


class MalformedOutput(DrafterError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"Das Sprachmodell lieferte keine auswertbare Antwort ({detail}).")


@dataclass
class ProposedSentence:
    """A sentence as the model proposed it, not yet checked against the passages."""

    text: str
    sources: list[int]
    quote: str


@dataclass
class ModelOutput:
    abstention: bool
    sentences: list[ProposedSentence] = field(default_factory=list)


def parse_model_output(raw: str) -> ModelOutput:
    text = (raw or "").strip()
    if not text:
        raise MalformedOutput("leere Antwort")
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    data = _first_json_value(text)
    if data is None:
        if _is_abstention_text(text) or _ABSTENTION_START.match(text):
            return ModelOutput(abstention=True)
        raise MalformedOutput("kein JSON-Objekt gefunden")
    return _read_answer(data)


def _first_json_value(text: str) -> object | None:
    """The JSON object (or list) in `text`, trying each opening bracket from the left."""
    starts = sorted(i for i in (text.find("{"), text.find("[")) if i >= 0)
    for start in starts:
        end = text.rfind("}" if text[start] == "{" else "]")
        candidates = [text[start : end + 1]] if end > start else []
        for candidate in [*candidates, *(_TRAILING_COMMA.sub(r"\1", c) for c in candidates)]:
            try:
                return json.loads(candidate)
            except json.JSONDecodeError:
                pass
        try:
            return json.JSONDecoder().raw_decode(_TRAILING_COMMA.sub(r"\1", text[start:]))[0]
        except json.JSONDecodeError:
            continue
    return None


def _read_answer(data: object) -> ModelOutput:
    if isinstance(data, list):
        data = {"saetze": data}
    if not isinstance(data, dict):
        raise MalformedOutput("JSON ist kein Objekt")
    if data.get("abstention") is True or data.get("enthaltung") is True:
        return ModelOutput(abstention=True)
    items = next((data[key] for key in ("saetze", "sätze", "sentences") if key in data), None)
    if not isinstance(items, list) or not items:
        raise MalformedOutput("keine Sätze im Feld „saetze“")
    sentences = [_read_sentence(item) for item in items]
    if len(sentences) == 1 and _is_abstention_text(sentences[0].text):
        return ModelOutput(abstention=True)
    return ModelOutput(abstention=False, sentences=sentences)


def _read_sentence(item: object) -> ProposedSentence:
    if not isinstance(item, dict):
        raise MalformedOutput("ein Satz ist kein JSON-Objekt")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise MalformedOutput("ein Satz ohne Text")
    quote = item.get("zitat", item.get("quote", ""))
    return ProposedSentence(
        text=collapse_whitespace(_INLINE_MARKERS.sub("", text)),  # a line break in a sentence would split it on save
        sources=_read_sources(item.get("quellen", item.get("sources", []))),
        quote=quote.strip() if isinstance(quote, str) else "",
    )


def _read_sources(value: object) -> list[int]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    sources: list[int] = []
    for entry in values:
        if isinstance(entry, bool) or entry is None:
            sources.append(INVALID_SOURCE)
        elif isinstance(entry, int | float):
            sources.append(int(entry) if float(entry).is_integer() else INVALID_SOURCE)
        elif isinstance(entry, str):
            numbers = [int(n) for n in _INTEGER.findall(entry)]
            sources.extend(numbers or [INVALID_SOURCE])
        else:
            sources.append(INVALID_SOURCE)
    return list(dict.fromkeys(sources))


def _is_abstention_text(text: str) -> bool:
    cleaned = " ".join(text.split()).strip(" \"'„“")
    return fuzz.ratio(cleaned, ABSTENTION_SENTENCE) >= 90

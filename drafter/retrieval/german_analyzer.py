"""German text analysis for the keyword index: the same function for passages and queries.

Measured on the development set (bench/retrieval.py), each step earns its place:
Snowball stemming (PyStemmer) folds inflection and umlauts („Plätze“ → „platz“),
compound splitting adds the parts of long compounds („Heimarbeitsplätze“ → heim, arbeit,
platz) so that a question about „Arbeitsplätze“ finds them, and stop words (bm25s' German
list plus the question words that every inquiry repeats) keep scores on content words.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_GERMAN
from compound_split import char_split

# Words that every inquiry and reply repeats and that carry no topic.
_EXTRA_STOPWORDS = {
    "welche",
    "welcher",
    "welches",
    "welchen",
    "wie",
    "wann",
    "warum",
    "weshalb",
    "wieso",
    "wo",
    "woran",
    "wer",
    "was",
    "ob",
    "gibt",
    "gab",
    "geben",
    "wird",
    "werden",
    "wurde",
    "wurden",
    "worden",
    "sind",
    "ist",
    "sowie",
    "bzw",
    "z",
    "b",
    "u",
    "a",
    "ca",
    "rd",
    "ja",
    "nein",
    "bitte",
    "sie",
    "ihre",
    "ihrer",
    "frage",
    "fragen",
    "antwort",
}
STOPWORDS = frozenset(STOPWORDS_GERMAN) | _EXTRA_STOPWORDS
_WORD = re.compile(r"[0-9a-zäöüß]+", re.IGNORECASE)
# Gender-inclusive forms („Mitarbeiter*innen“, „Bürger:innen“, „BürgerInnen“) fold to the word stem.
_GENDER_SUFFIX = re.compile(r"(?<=[a-zäöüß])(?:[*:_/]in(?:nen)?|Innen|In)\b")
_MIN_COMPOUND = 10
_MIN_PART = 4
_MIN_SPLIT_SCORE = 0.5


class GermanAnalyzer:
    def __init__(self, decompound: bool = True) -> None:
        self.decompound = decompound
        self._stemmer = Stemmer.Stemmer("german")
        self._stem = lru_cache(maxsize=200_000)(self._stemmer.stemWord)
        self._parts = lru_cache(maxsize=200_000)(self._compound_parts)

    def tokens(self, text: str) -> list[str]:
        result: list[str] = []
        for stem, parts in self.words(text):
            result.append(stem)
            result.extend(parts)
        return result

    def words(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Each content word's stem with the stems of its compound parts: a part stands for its word only
        when the word itself is not found, so judging evidence needs to know which word a part came from."""
        result: list[tuple[str, tuple[str, ...]]] = []
        for match in _WORD.finditer(_GENDER_SUFFIX.sub("", text)):
            word = match.group(0).lower()
            if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
                continue
            compound = self.decompound and len(word) >= _MIN_COMPOUND and not word.isdigit()
            result.append((self._stem(word), self._parts(word) if compound else ()))
        return result

    def _compound_parts(self, word: str, depth: int = 0) -> tuple[str, ...]:
        """Stems of the parts of a compound, split recursively (at most two levels)."""
        score, head, tail = char_split.split_compound(word)[0]
        if score < _MIN_SPLIT_SCORE or len(head) < _MIN_PART or len(tail) < _MIN_PART:
            return ()
        parts: list[str] = []
        for part in (head.lower(), tail.lower()):
            stem = self._stem(part.removesuffix("s") if part.endswith(("ungs", "heits", "keits", "ions")) else part)
            if part not in STOPWORDS:
                parts.append(stem)
            if depth == 0 and len(part) >= _MIN_COMPOUND:
                parts.extend(self._compound_parts(part, depth + 1))
        return tuple(parts)

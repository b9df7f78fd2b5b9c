"""Finding how an inquiry numbers its questions: label tokens and the one consistent sequence.

Senders number questions as 1a), 2., 1.1, II., a) or bullets, and the same tokens also occur
as dates, paragraphs of law, amounts and references ("Falls Frage 3a) …"). No single token can
be trusted on its own, so every plausible label is collected and the heaviest sequence in which
each label continues the numbering so far (1a→1b→2a, 1.→2., 1.1→1.2→2.1, I.→II.) is chosen
with a small Viterbi search over numbering states. Stray tokens that break the running
sequence then drop out by themselves instead of through special cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import groupby


class Scheme(StrEnum):
    NUMBER = "number"  # 1.  1)  (1)  Frage 1:
    NUMBER_LETTER = "number_letter"  # 1a)
    DECIMAL = "decimal"  # 1.1  1.1.1
    LETTER = "letter"  # a)  a.  (a)
    DOUBLE_LETTER = "double_letter"  # aa)  ab)  under a)
    CAPITAL = "capital"  # A.  B)  or a bare "A " before a section heading
    ROMAN = "roman"  # I.  II.
    BULLET = "bullet"  # •  -  *  –


@dataclass(frozen=True)
class LabelToken:
    """A place where a label could start; `value` orders it within its scheme (1a → (1, 1)).

    `style` is how it is written ("." or ")"; one style for all bullet symbols): "1)" does not
    continue a list of "1." items, so a heading level "1)" can hold questions "1.", "2." ….
    """

    start: int
    end: int
    scheme: Scheme
    style: str
    value: tuple[int, ...]
    own: str  # the label as written, normalised ("1a", "2.3", "II"); empty for bullets
    line_start: bool
    asks: bool = False  # a "?" follows before the next token
    weight: float = 0.0

    @property
    def kind(self) -> tuple[Scheme, str]:
        return self.scheme, self.style


@dataclass(frozen=True)
class LabelLink:
    """A token accepted into the label sequence, with its nesting depth and enclosing label."""

    token: LabelToken
    depth: int
    parent: int | None  # index of the enclosing link in the sequence


_MONTHS_AND_PERIODS = (
    r"Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    r"|Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sept?|Okt|Nov|Dez|Quartal|Halbjahr|Jahrhundert|Jahrestag"
)
_ORDINAL_FOLLOWER = re.compile(rf"\s*(?:{_MONTHS_AND_PERIODS})\b")
# The word before a token that makes it a reference to another question or a legal citation.
_REFERENCE_WORDS = frozenset(
    "frage fragen nr. nr nummer ziffer ziff. punkt siehe vgl. abs. absatz § art. artikel satz s. "
    "anlage anlagen kapitel top seite lit. buchst. buchstabe zu und oder bis sowie bzw.".split()
)
_ABBREVIATIONS = frozenset(
    "abs. art. bzw. ca. evtl. ggf. inkl. insb. mio. mrd. nr. str. tsd. usw. vgl. ziff. etc. "
    "geb. gem. max. min. dr. prof. jan. feb. mär. apr. jun. jul. aug. sep. sept. okt. nov. dez. "
    "bspw. sog. zzgl. abzgl. lfd. allg. anm. tel. st. ff.".split()
)

_INITIALS_OR_ORDINAL = re.compile(r"(?:[^\W\d_]\.)+|\d{1,2}\.")  # "z.B.", "A.", "28."
_LINE_START = re.compile(r"^[^\S\n]*", re.M)
_AFTER_SENTENCE = re.compile(r"[?!.:;\"“”»«][^\S\n]+(?=\S)")
_FRAGE = re.compile(r"Frage\s+(\d{1,2})\s*[:.)](?=\s|$)")
# "3.1.Hält …": a decimal label closed by its dot may run into the question without a space.
_DECIMAL = re.compile(r"(\d{1,2})\.(\d{1,2})(?:\.(\d{1,2}))?(?!\.?\d)(?:\.|\))?(?:(?=\s|$)|(?<=\.)(?=[A-ZÄÖÜ]))")
_NUMBER_LETTER = re.compile(r"(\d{1,2})[.\s]?([a-z])([).])(?=\s|$)")
_NUMBER = re.compile(r"(\d{1,2})(\.\)|\)|\.)(?=\s|$)")
_BRACKETED = re.compile(r"\((\d{1,2}|[a-z])\)(?=\s|$)")
_LETTER = re.compile(r"([a-z])([).])(?=\s|$)")
_DOUBLE_LETTER = re.compile(r"([a-z])([a-z])\)(?=\s|$)")
_CAPITAL = re.compile(r"([A-Z]{1,6})([).])(?=\s|$)")
# "B Messverfahren": a section letter without punctuation, on a heading line that is no sentence.
_BARE_CAPITAL = re.compile(r"([A-Z]{1,6})[^\S\n]+(?=[A-ZÄÖÜ„\"»])(?![^\n]*[.,;:?!][^\S\n]*$)", re.M)
_BULLET = re.compile(r"[•\-*–·▪◦●■►➢][^\S\n]+")
# A bullet's text runs on over indented lines only.
_BULLET_END = re.compile(r"\n(?![^\S\n]+[^\s•\-*–·▪◦●■►➢])")

_BEAM_WIDTH = 16
_MAX_DEPTH = 4
_RESTART_PENALTY = 1.0
# A question at a line start may skip or repeat a number ("1." then "1.2", "12." then "11."), at a
# cost that keeps a quoted "8. …?" in the preamble from breaking into a running sequence.
_GAP_PENALTY = 1.75
# Where one token has two readings, opening a level costs a little more than continuing one:
# "I." after "H." is the ninth letter, not roman one below it.
_AMBIGUOUS_OPEN_COST = 0.05


def _roman_numerals() -> dict[str, int]:
    ones = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    tens = ["", "X", "XX", "XXX"]
    return {tens[n // 10] + ones[n % 10]: n for n in range(1, 40)}


_ROMAN = _roman_numerals()


def scan_label_tokens(text: str) -> list[LabelToken]:
    """Every place in `text` that could be a question label, ordered by position.

    Tokens are looked for at line starts and, for the inline layout of pasted FOI requests,
    right after the end of a sentence or a colon. One position can yield two readings
    ("V." as roman five or as letter V); the sequence search decides.
    """
    positions: dict[int, bool] = {m.end(): True for m in _LINE_START.finditer(text)}
    for m in _AFTER_SENTENCE.finditer(text):
        positions.setdefault(m.end(), False)
    found: list[LabelToken] = []
    for pos in sorted(positions):
        if pos < len(text) and not _is_reference(text, pos, positions[pos]):
            found.extend(_tokens_at(text, pos, positions[pos]))
    return _weighted(text, found)


def _is_reference(text: str, pos: int, line_start: bool) -> bool:
    """Whether the word before `pos` turns a label-like token into a citation or reference."""
    before = text[max(0, pos - 60) : pos].split()
    if not before:
        return False
    word = before[-1].lower()
    if word in _REFERENCE_WORDS:
        return True
    return not line_start and is_abbreviation(word)


def is_abbreviation(word: str) -> bool:
    """Whether a word ending in "." is an abbreviation, initial or ordinal ("Abs.", "z.B.", "28.")
    rather than the end of a sentence."""
    word = word.lower()
    return word.endswith(".") and (word in _ABBREVIATIONS or bool(_INITIALS_OR_ORDINAL.fullmatch(word)))


def _tokens_at(text: str, pos: int, line_start: bool) -> list[LabelToken]:
    def token(m: re.Match, scheme: Scheme, style: str, value: tuple[int, ...], own: str) -> LabelToken:
        return LabelToken(m.start(), m.end(), scheme, style, value, own, line_start)

    if line_start and (m := _FRAGE.match(text, pos)):
        return [token(m, Scheme.NUMBER, "Frage", (int(m[1]),), m[1])]
    if m := _DECIMAL.match(text, pos):
        parts = tuple(int(p) for p in m.groups() if p)
        return [token(m, Scheme.DECIMAL, str(len(parts)), parts, ".".join(map(str, parts)))]
    if m := _NUMBER_LETTER.match(text, pos):
        return [token(m, Scheme.NUMBER_LETTER, m[3], (int(m[1]), _letter_value(m[2])), f"{int(m[1])}{m[2]}")]
    if m := _NUMBER.match(text, pos):
        if m[2] == "." and _ORDINAL_FOLLOWER.match(text, m.end()):
            return []
        return [token(m, Scheme.NUMBER, m[2], (int(m[1]),), str(int(m[1])))]
    if m := _LETTER.match(text, pos):
        if m[2] == ")" or line_start:
            return [token(m, Scheme.LETTER, m[2], (_letter_value(m[1]),), m[1])]
        return []
    if m := _DOUBLE_LETTER.match(text, pos):  # aa) ab) ac) or aa) bb) cc): the second letter counts
        return [token(m, Scheme.DOUBLE_LETTER, ")", (_letter_value(m[2]),), m[1] + m[2])]
    if not line_start:
        return []
    if m := _BRACKETED.match(text, pos):
        if m[1].isdigit():
            return [token(m, Scheme.NUMBER, "()", (int(m[1]),), str(int(m[1])))]
        return [token(m, Scheme.LETTER, "()", (_letter_value(m[1]),), m[1])]
    if (m := _CAPITAL.match(text, pos)) or (m := _BARE_CAPITAL.match(text, pos)):
        if _ORDINAL_FOLLOWER.match(text, m.end()):
            return []
        style = m[2] if m.re is _CAPITAL else ""
        readings = []
        if m[1] in _ROMAN:
            readings.append(token(m, Scheme.ROMAN, style, (_ROMAN[m[1]],), m[1]))
        if len(m[1]) == 1:
            readings.append(token(m, Scheme.CAPITAL, style, (ord(m[1]) - ord("A") + 1,), m[1]))
        return readings
    if m := _BULLET.match(text, pos):
        block_end = _BULLET_END.search(text, m.end())
        if "?" in text[m.end() : block_end.start() if block_end else len(text)]:
            return [LabelToken(m.start(), m.start() + 1, Scheme.BULLET, "", (0,), "", True)]
    return []


def _letter_value(letter: str) -> int:
    return ord(letter.lower()) - ord("a") + 1


def _weighted(text: str, tokens: list[LabelToken]) -> list[LabelToken]:
    """Give each token its weight: a label at a line start, followed by a question, counts most."""
    starts = [*sorted({t.start for t in tokens}), len(text)]
    following = {s: starts[i + 1] for i, s in enumerate(starts[:-1])}
    weighted = []
    for t in tokens:
        asks = "?" in text[t.end : following[t.start]]
        base = 1.0 if t.scheme is Scheme.BULLET else (2.0 if t.line_start else 1.5)
        weighted.append(replace(t, asks=asks, weight=base + (0.5 if asks else 0.0)))
    return weighted


def find_label_sequence(text: str) -> list[LabelLink]:
    """The heaviest consistent label sequence of `text` (empty when it has no numbering).

    A state is the stack of open numbering levels plus the last value seen per label kind;
    each token position either extends a state or is skipped, and only the best states survive.
    """
    beam: dict[tuple, tuple[float, tuple | None]] = {((), ()): (0.0, None)}
    for _, alternatives in groupby(scan_label_tokens(text), key=lambda t: t.start):
        readings = list(alternatives)
        extended = dict(beam)  # every state may also skip this position
        for (stack, memory), (score, path) in beam.items():
            remembered = dict(memory)
            for token in readings:
                step = _advance(stack, remembered, token)
                if step is None:
                    continue
                new_stack, gain = step
                if len(readings) > 1 and len(new_stack) > len(stack):
                    gain -= _AMBIGUOUS_OPEN_COST
                new_memory = tuple(sorted({**remembered, token.kind: token.value}.items()))
                key = (new_stack, new_memory)
                if key not in extended or extended[key][0] < score + gain:
                    extended[key] = (score + gain, (token, len(new_stack) - 1, path))
        beam = dict(sorted(extended.items(), key=lambda item: -item[1][0])[:_BEAM_WIDTH])
    _, path = max(beam.values(), key=lambda item: item[0])
    return _links(path)


def _links(path: tuple | None) -> list[LabelLink]:
    """Unroll the winning path (token, depth, previous) into links that know their parent."""
    accepted: list[tuple[LabelToken, int]] = []
    while path is not None:
        token, depth, path = path
        accepted.append((token, depth))
    accepted.reverse()
    links: list[LabelLink] = []
    for token, depth in accepted:
        parent = next((i for i in range(len(links) - 1, -1, -1) if links[i].depth == depth - 1), None)
        links.append(LabelLink(token, depth, parent if depth else None))
    return links


def _advance(stack: tuple, memory: dict, token: LabelToken) -> tuple[tuple, float] | None:
    """The numbering state after accepting `token`, with the weight gained, or None if it does not fit.

    A token of a scheme already open continues it (closing deeper levels); a new scheme opens
    a level below the current one and must start it (1, a, I, 1.1 under 1.) or continue the
    numbering it had before, as when arabic numbers run on across roman sections. A question
    at a line start may also break the numbering (a gap, a repeated number) at a cost.
    """
    may_break = token.line_start and token.asks
    for level, (kind, value) in enumerate(stack):
        if kind != token.kind:
            continue
        parent = stack[level - 1] if level else None
        if _follows(token.scheme, value, token.value):
            if _within(token, parent):
                return (*stack[:level], (token.kind, token.value)), token.weight
            if _runs_on_past(token, parent):  # 2.1 after 1.4 below "1.": the missing "2." is implied
                return (*stack[: level - 1], (token.kind, token.value)), token.weight
        if may_break and _opens(token, parent):
            return (*stack[:level], (token.kind, token.value)), token.weight - _RESTART_PENALTY
        if may_break and _within(token, parent):
            return (*stack[:level], (token.kind, token.value)), token.weight - _GAP_PENALTY
        return None
    if stack and _continues_major_number(stack[-1], token):
        return (*stack[:-1], (token.kind, token.value)), token.weight
    if len(stack) >= _MAX_DEPTH:
        return None
    earlier = memory.get(token.kind)
    parent = stack[-1] if stack else None
    if _opens(token, parent) or (
        earlier is not None and _follows(token.scheme, earlier, token.value) and _within(token, parent)
    ):
        return (*stack, (token.kind, token.value)), token.weight
    if may_break and token.scheme is Scheme.DECIMAL and parent and parent[1] == token.value[:-1]:
        # "1." followed by "1.2": the first sub-question is missing or was never numbered
        return (*stack, (token.kind, token.value)), token.weight - _GAP_PENALTY
    return None


def _runs_on_past(token: LabelToken, parent: tuple | None) -> bool:
    """Whether a decimal label continues past the number heading it stands under (1. → 1.4 → 2.1)."""
    if parent is None or token.scheme is not Scheme.DECIMAL or parent[0][0] is not Scheme.NUMBER:
        return False
    return token.value[0] == parent[1][0] + 1


def _continues_major_number(top: tuple, token: LabelToken) -> bool:
    """1a) 1b) 2) 3a): a bare number and lettered numbers run on as one numbering at the same level;
    so do decimals and numbers (2.1 … 3.5, then 4.)."""
    (scheme, style), value = top
    if scheme is Scheme.DECIMAL and token.scheme is Scheme.NUMBER and token.style == ".":
        return token.value == (value[0] + 1,)
    if style != token.kind[1]:
        return False
    if scheme is Scheme.NUMBER_LETTER and token.scheme is Scheme.NUMBER:
        return token.value == (value[0] + 1,)
    if scheme is Scheme.NUMBER and token.scheme is Scheme.NUMBER_LETTER:
        return token.value == (value[0] + 1, 1)
    return False


def _follows(scheme: Scheme, previous: tuple[int, ...], value: tuple[int, ...]) -> bool:
    if scheme is Scheme.BULLET:
        return True
    if scheme is Scheme.NUMBER_LETTER:
        return value in ((previous[0], previous[1] + 1), (previous[0] + 1, 1))
    if scheme is Scheme.DECIMAL:
        return any(
            value[:i] == previous[:i] and value[i] == previous[i] + 1 and all(v == 1 for v in value[i + 1 :])
            for i in range(len(value))
        )
    return value[0] == previous[0] + 1


def _within(token: LabelToken, parent: tuple | None) -> bool:
    """Labels that repeat their heading's number keep it: under "2)" only 2a), 2b) … or 2.1, 2.2 …."""
    if parent is None or token.scheme not in (Scheme.NUMBER_LETTER, Scheme.DECIMAL):
        return True
    parent_scheme, parent_value = parent[0][0], parent[1]
    if parent_scheme not in (Scheme.NUMBER, Scheme.DECIMAL):
        return True
    return token.value[: len(parent_value)] == parent_value


def _opens(token: LabelToken, parent: tuple | None) -> bool:
    """Whether `token` can be the first label of a new level below `parent`."""
    parent_scheme, parent_value = (parent[0][0], parent[1]) if parent else (None, ())
    if token.scheme is Scheme.BULLET:
        return True
    if token.scheme is Scheme.NUMBER_LETTER:
        expected = parent_value[0] if parent_scheme is Scheme.NUMBER else 1
        return token.value == (expected, 1)
    if token.scheme is Scheme.DECIMAL:
        head = token.value[:-1]
        if token.value[-1] != 1:
            return False
        if parent_scheme in (Scheme.NUMBER, Scheme.DECIMAL):
            return head == parent_value
        return all(v == 1 for v in head)
    return token.value == (1,)


def join_label(parent_label: str, parent: LabelToken, child: LabelToken, own: str, *, under_heading: bool) -> str:
    """The label of `child` as a clerk cites it: as printed under a section heading ("3." under
    "II." stays 3; the heading becomes its group), joined to a question it follows up
    (I + 1 → I.1). Printed labels that repeat their parent keep it (1 + 1a → 1a, 2 + 2.1 → 2.1),
    and letters join a number (1 + a → 1a) whether it heads a section or asks."""
    repeats_parent = (child.scheme is Scheme.NUMBER_LETTER and parent.scheme is Scheme.NUMBER) or (
        child.scheme is Scheme.DECIMAL and parent.scheme in (Scheme.NUMBER, Scheme.DECIMAL)
    )
    if repeats_parent and child.value[: len(parent.value)] == parent.value and parent_label.endswith(parent.own):
        return parent_label[: len(parent_label) - len(parent.own)] + own
    if child.scheme is Scheme.LETTER and parent_label[-1:].isdigit():
        return parent_label + own
    if under_heading and not (child.scheme is Scheme.BULLET and parent_label[-1:].isdigit()):
        return own
    return f"{parent_label}.{own}"

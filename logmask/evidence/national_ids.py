"""National identifiers and tax numbers, validated with python-stdnum.

Each entry of ``ID_SHAPES`` is data: how the number is written (a shape regex
that proposes candidates), the python-stdnum module whose ``is_valid`` checks
its check digits and structure, the words that name it, and how confident a
hit is when no such word is near.

Precision comes first. A bare run of digits (a BSN is any nine digits passing
the 11-test; one in eleven random nine-digit numbers does) is an identifier
only when the text names it ("BSN: 111222333"); otherwise it is a seed, a
timestamp or a count. Shapes that only an identifier has (a NINO's letters,
the spaced NIR, a DNI's check letter) count without a naming word, at medium
confidence; groupings that lists of numbers share (Aadhaar 4-4-4, Steuer-ID
2-3-3-3) are low without one (redacted at run time, not reported by default).
Documented example numbers are low.

python-stdnum is imported only when a candidate has the right shape, so
``import logmask`` and texts without such candidates never load it. The UK
NINO has no stdnum module; its prefix rules (HMRC) are the shape itself.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from logmask.findings import Confidence

__all__ = ["ID_KINDS", "ID_SHAPES", "IdKind", "IdShape", "find_national_ids", "named_nearby"]


@dataclass(frozen=True)
class IdKind:
    """What an identifier is called in messages, its redaction marker and naming words."""

    label: str
    marker: str
    words: tuple[str, ...]  # regexes of the words that name it
    samples: frozenset[str] = frozenset()  # documented examples, compact form
    context: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "context", _words(self.words))


# What a text must contain before a shape is worth scanning for: a run of seven
# digits (the caller's gate), two capitals before two digits, or six digits.
Gate = Literal["digit_run", "capitals", "six_digits"]
# What may not stand right before a match: "digits" (a number, version or path
# continuing into it) or "word" (letters or digits: part of a longer token).
Edge = Literal["digits", "word"]


@dataclass(frozen=True)
class IdShape:
    """One written form of an identifier kind."""

    kind: str
    pattern: re.Pattern[str]
    validator: str | None  # stdnum module with is_valid(); None: the shape is the check
    alone: Confidence | None  # confidence without a naming word; None: needs one
    gate: Gate = "digit_run"
    edge: Edge = "digits"

    def starts_clean(self, text: str, start: int) -> bool:
        """Nothing continues into the match from the left.

        Checked here rather than as a lookbehind in ``pattern``: a pattern that
        starts with a character class lets the regex engine skip ahead fast.
        """
        if start == 0:
            return True
        before = text[start - 1]
        if before.isalnum() or before in "_-./\\@#$":  # a token, path, DOI or version
            return False
        if self.edge == "word":
            return True
        if before in ",+":
            return False
        return not (before == " " and start >= 2 and text[start - 2].isdigit())


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])(?:" + "|".join(words) + r")(?![a-z])", re.IGNORECASE)


ID_KINDS: dict[str, IdKind] = {
    "nino": IdKind(
        "a UK national insurance number",
        "<NINO>",
        (r"nino", r"ni\s*(?:number|no)", r"national\s+insurance"),
        frozenset({"AB123456C", "AA000000A"}),
    ),
    "nhs": IdKind("a UK NHS number", "<NHS>", (r"nhs",)),
    "bsn": IdKind(
        "a Dutch citizen service number (BSN)",
        "<BSN>",
        (r"bsn", r"burgerservicenummer", r"sofi(?:nummer)?", r"citizen\s+service\s+number"),
        frozenset({"111222333", "123456782"}),
    ),
    "steuer_id": IdKind(
        "a German tax identification number",
        "<STEUER_ID>",
        (
            r"steuer[\s-]*id(?:nr)?",
            r"steuer[\s-]*identifikationsnummer",
            r"identifikationsnummer",
            r"idnr",
            r"tax\s*id",
            r"tin",
        ),
    ),
    "nir": IdKind(
        "a French social security number (NIR)",
        "<NIR>",
        (
            r"nir",
            r"insee",
            r"s[ée]curit[ée]\s+sociale",
            r"num[ée]ro\s+de\s+s[ée]cu",
            r"carte\s+vitale",
            r"social\s+security",
        ),
    ),
    "dni": IdKind(
        "a Spanish DNI/NIE number",
        "<DNI>",
        (r"dni", r"nie", r"nif", r"documento\s+nacional"),
        frozenset({"12345678Z", "00000000T", "X1234567L"}),
    ),
    "aadhaar": IdKind(
        "an Indian Aadhaar number",
        "<AADHAAR>",
        (r"aadhaa?r", r"uidai"),
    ),
    "in_pan": IdKind(
        "an Indian PAN (tax number)",
        "<PAN>",
        (r"pan", r"permanent\s+account\s+number", r"income\s+tax"),
        frozenset({"ABCPE1234F", "AAAPZ1234C", "ABCDE1234F"}),
    ),
    "itin": IdKind(
        "a US individual taxpayer identification number",
        "<ITIN>",
        (r"itin", r"taxpayer\s+identification"),
    ),
    "ssn": IdKind("a US social security number", "<SSN>", (r"ssn", r"social\s+security")),
}

# Nothing may continue a match on the right either (the left: IdShape.starts_clean).
_DIGITS_AFTER = r"(?![\w/]|[.,:\-]\d| \d)"
_WORD_AFTER = r"(?![A-Za-z0-9_]|[./\\@]\w)"


def _digits(
    kind: str, body: str, validator: str, alone: Confidence | None, gate: Gate = "digit_run"
) -> IdShape:
    return IdShape(kind, re.compile(body + _DIGITS_AFTER), validator, alone, gate, "digits")


def _token(
    kind: str,
    body: str,
    validator: str | None,
    alone: Confidence | None,
    gate: Gate,
    flags: int = 0,
) -> IdShape:
    return IdShape(kind, re.compile(body + _WORD_AFTER, flags), validator, alone, gate, "word")


# HMRC: first letter not D F I Q U V, second not D F I O Q U V; BG GB KN NK NT TN ZZ unused.
_NINO = (
    r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z](?<!BG|GB|KN|NK|NT|TN|ZZ)"
    r"(?P<s> ?)\d\d(?P=s)\d\d(?P=s)\d\d(?P=s)[A-D]"
)

ID_SHAPES: tuple[IdShape, ...] = (
    _token("nino", _NINO, None, "medium", "capitals"),
    _token("nino", _NINO, None, None, "six_digits", re.IGNORECASE),
    _digits("nhs", r"\d{3}(?P<s>[ \-]?)\d{3}(?P=s)\d{4}", "stdnum.gb.nhs", None),
    _digits("bsn", r"\d{9}", "stdnum.nl.bsn", None),
    _digits("bsn", r"\d{4}\.\d\d\.\d{3}", "stdnum.nl.bsn", None),
    # 2-3-3-3 and 4-4-4 are also how numbers and lists of numbers are printed: low alone
    _digits("steuer_id", r"\d\d \d{3} \d{3} \d{3}", "stdnum.de.idnr", "low"),
    _digits("steuer_id", r"\d{11}", "stdnum.de.idnr", None),
    _digits("nir", r"[1-478] \d\d \d\d (?:\d\d|2[AB]) \d{3} \d{3} \d\d", "stdnum.fr.nir", "medium"),
    _digits("nir", r"[1-478]\d{4}(?:\d\d|2[AB])\d{8}", "stdnum.fr.nir", None),
    _token("dni", r"\d{8}[ \-]?[A-Z]", "stdnum.es.dni", "medium", "digit_run"),
    _token("dni", r"[XYZ][ \-]?\d{7}[ \-]?[A-Z]", "stdnum.es.nie", "medium", "digit_run"),
    _digits("aadhaar", r"[2-9]\d{3}(?P<s>[ \-])\d{4}(?P=s)\d{4}", "stdnum.in_.aadhaar", "low"),
    _digits("aadhaar", r"[2-9]\d{11}", "stdnum.in_.aadhaar", None),
    # Only persons (P) and Hindu undivided families (H): a company's PAN is not personal.
    _token("in_pan", r"[A-Z]{3}[PH][A-Z]\d{4}[A-Z]", "stdnum.in_.pan", "medium", "capitals"),
    _digits("itin", r"9\d\d(?P<s>[ \-])\d\d(?P=s)\d{4}", "stdnum.us.itin", "high"),
    _digits("itin", r"9\d{8}", "stdnum.us.itin", None),
    _digits("ssn", r"[0-8]\d{8}", "stdnum.us.ssn", None),
)

_CONTEXT_BEFORE = 48
_CONTEXT_AFTER = 16
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")
# YYYYMMDD: a date stamp, not a DNI number.
_DATE_STAMP = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


def named_nearby(text: str, start: int, end: int, words: re.Pattern[str]) -> bool:
    """Whether a word naming the value stands just before it (or right after it)."""
    before = text[max(0, start - _CONTEXT_BEFORE) : start]
    after = text[end : end + _CONTEXT_AFTER]
    return words.search(before) is not None or words.search(after) is not None


@cache
def _validator(module: str) -> Any:
    return importlib.import_module(module).is_valid


def _valid(shape: IdShape, compact: str) -> bool:
    if shape.validator is None:
        return True
    try:
        return bool(_validator(shape.validator)(compact))
    except Exception:  # a validator bug must not break logging or linting
        return False


_GATES: dict[Gate, re.Pattern[str]] = {
    "capitals": re.compile(r"[A-Z][A-Z] ?\d\d"),
    "six_digits": re.compile(r"\d\d ?\d\d ?\d\d"),
}
_DIGIT_SHAPES = tuple(shape for shape in ID_SHAPES if shape.edge == "digits")
_TOKEN_SHAPES = tuple(shape for shape in ID_SHAPES if shape.edge == "word")
_NUMBER = re.compile(r"\d+")
# Every digit shape has nine digits or more, single separators between them.
_NINE_DIGITS = re.compile(r"\d(?:[ .\-]?[\dAB]){8}")


def find_national_ids(
    text: str, *, long_digit_run: bool = True
) -> Iterator[tuple[str, Confidence, int, int]]:
    """Yield ``(kind, confidence, start, end)`` for each validated identifier in *text*.

    ``long_digit_run`` says whether the caller saw a seven-digit cluster; the
    shapes that need one are skipped without it. Digit shapes are tried only
    where a number starts (``match`` at that position, not a scan per shape);
    letter shapes only when their cheap gate matches. Naming words are looked
    for only around a candidate.
    """
    if long_digit_run:
        for number in _NUMBER.finditer(text):
            start = number.start()
            if not _NINE_DIGITS.match(text, start) or not _DIGIT_SHAPES[0].starts_clean(
                text, start
            ):
                continue
            for shape in _DIGIT_SHAPES:
                m = shape.pattern.match(text, start)
                if m is not None:
                    yield from _judge(shape, text, m)
    gates: dict[Gate, bool] = {"digit_run": long_digit_run}
    for shape in _TOKEN_SHAPES:
        gate = gates.get(shape.gate)
        if gate is None:
            gate = gates[shape.gate] = _GATES[shape.gate].search(text) is not None
        if gate:
            for m in shape.pattern.finditer(text):
                if shape.starts_clean(text, m.start()):
                    yield from _judge(shape, text, m)


def _judge(
    shape: IdShape, text: str, m: re.Match[str]
) -> Iterator[tuple[str, Confidence, int, int]]:
    """The verdict on one candidate: named nearby, check digits, documented sample."""
    kind = ID_KINDS[shape.kind]
    start, end = m.start(), m.end()
    named = named_nearby(text, start, end, kind.context)
    if shape.alone is None and not named:
        return
    compact = _NON_ALNUM.sub("", m.group()).upper()
    if len(set(compact)) == 1 or not _valid(shape, compact):
        return
    confidence: Confidence = "high" if named else shape.alone or "high"
    if compact in kind.samples or (shape.kind == "dni" and _DATE_STAMP.match(compact)):
        confidence = "low"
    yield shape.kind, confidence, start, end

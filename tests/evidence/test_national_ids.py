"""National identifiers (python-stdnum): flag and no-flag side by side.

The valid numbers are the examples of each scheme's own documentation; each
has an off-by-one twin that its check digit must reject. A bare run of digits
counts only when a word names it, so the same digits appear in both tables.
"""

from __future__ import annotations

import hashlib
import random
import string
import uuid

import pytest

from logmask.evidence.national_ids import ID_KINDS, ID_SHAPES, find_national_ids
from logmask.evidence.values import ValueEvidence, find_values, redact_for_display


def hits(text: str) -> list[tuple[str, str, str]]:
    return [(h.kind, h.confidence, text[h.start : h.end]) for h in find_values(text)]


def elfproef_complete(body: str) -> str:
    """A Dutch BSN: append the digit that makes the weighted sum divisible by 11."""
    for last in "0123456789":
        digits = [int(c) for c in body + last]
        total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[-1]
        if total % 11 == 0:
            return body + last
    raise AssertionError(f"no BSN completes {body}")


BSN = elfproef_complete("26211085")

FLAG = [
    # UK NINO: letters and prefix rules are the check; medium alone, high when named
    ("JG103759A", "nino", "medium", "JG103759A"),
    ("JG 10 37 59 A", "nino", "medium", "JG 10 37 59 A"),
    ("my NI number is JG103759A", "nino", "high", "JG103759A"),
    ("national insurance: jg 10 37 59 a", "nino", "high", "jg 10 37 59 a"),
    ("AB123456C", "nino", "low", "AB123456C"),  # the example HMRC forms print
    # Dutch BSN: any nine digits pass the 11-test one time in eleven: needs its name
    (f"BSN: {BSN}", "bsn", "high", BSN),
    (f"mijn burgerservicenummer is {BSN}", "bsn", "high", BSN),
    ("bsn 1112.22.333", "bsn", "low", "1112.22.333"),
    # German Steuer-ID: the official 2-3-3-3 grouping alone, bare digits when named
    ("36 574 261 809", "steuer_id", "low", "36 574 261 809"),  # also a grouped number
    ("IdNr. 36 574 261 809", "steuer_id", "high", "36 574 261 809"),
    ("Steuer-ID 36574261809", "steuer_id", "high", "36574261809"),
    ("IdNr: 36574261809", "steuer_id", "high", "36574261809"),
    # French NIR (numéro de sécurité sociale)
    ("2 95 10 99 126 111 93", "nir", "medium", "2 95 10 99 126 111 93"),
    ("numéro de sécurité sociale 295109912611193", "nir", "high", "295109912611193"),
    # Spanish DNI and NIE: eight digits and the mod-23 letter
    ("54362315K", "dni", "medium", "54362315K"),
    ("DNI 54362315-K", "dni", "high", "54362315-K"),
    ("X2482300W", "dni", "medium", "X2482300W"),
    ("12345678Z", "dni", "low", "12345678Z"),
    # Indian Aadhaar: 4-4-4 and the Verhoeff digit
    ("2341 2341 2346", "aadhaar", "low", "2341 2341 2346"),  # also a list of numbers
    ("aadhaar: 2341-2341-2346", "aadhaar", "high", "2341-2341-2346"),
    ("Aadhaar no. 234123412346", "aadhaar", "high", "234123412346"),
    # Indian PAN of a person (fourth letter P)
    ("ACUPA7085R", "in_pan", "medium", "ACUPA7085R"),
    ("PAN: ACUPA7085R", "in_pan", "high", "ACUPA7085R"),
    # US ITIN: SSN-shaped with a 9xx area and the ITIN groups
    ("912-90-3456", "itin", "high", "912-90-3456"),
    ("ITIN 912903456", "itin", "high", "912903456"),
    # US SSN without separators, named
    ("SSN 536904399", "ssn", "high", "536904399"),
    ("social security number: 536904399", "ssn", "high", "536904399"),
    # UK NHS number (mod 11), named: the same digits alone are a phone-shaped run
    ("NHS number 943 476 5919", "nhs", "high", "943 476 5919"),
]


@pytest.mark.parametrize(("text", "kind", "confidence", "value"), FLAG)
def test_identifier_flagged(text: str, kind: str, confidence: str, value: str) -> None:
    assert hits(text) == [(kind, confidence, value)]


REJECT = [
    # bare digits nobody named: seeds, timestamps, counts
    BSN,
    f"seed={BSN}",
    "36574261809",
    "295109912611193",
    "234123412346",
    "536904399",
    "912903456",
    "step 123456782 of 999999999",
    # named, but the check digit is off by one
    f"BSN {BSN[:-1]}{(int(BSN[-1]) + 1) % 10}",
    "Steuer-ID 36574261808",
    "36 574 261 808",
    "NIR 295109912611194",
    "54362315J",
    "X2482300X",
    "2341 2341 2347",
    "Aadhaar 234123412347",
    "912-89-3456",  # group 89 is not an ITIN group
    "912-93-3456",
    "987-65-4321",
    # NINO prefixes and suffixes HMRC never issues
    "GB123456A",
    "BG123456A",
    "QQ123456C",
    "DA123456A",
    "JG123456E",
    # a company's PAN is not personal
    "AAACA1234F",
    # shapes inside longer tokens
    "JG103759AB",
    "xJG103759A",
    "v54362315K",
    "doi:10.1137/10081232X",  # a DOI suffix, not a DNI
    "54362315K.pdf",
    "X2482300W@corp",
    "2341 2341 2346 7",
    "1.2341 2341 2346",
    "aadhaar 2341-2341 2346",
    # ML literals
    "run-20240115-123045",
    "d41d8cd98f00b204e9800998ecf8427e",
    "ckpt_step=123456789.pt",
    "shape (1024, 768)",
    "resnet50_v1b_0000000000",
    "uid 234123412346",  # a generic uid is not an Aadhaar number
]


@pytest.mark.parametrize("text", REJECT)
def test_identifier_rejected(text: str) -> None:
    found = [h for h in hits(text) if h[0] in ID_KINDS]
    assert found == []


def test_every_kind_has_a_flag_example_and_a_marker() -> None:
    flagged = {kind for _, kind, _, _ in FLAG}
    assert flagged == set(ID_KINDS)
    assert {shape.kind for shape in ID_SHAPES} == set(ID_KINDS)
    for kind in ID_KINDS:
        assert ValueEvidence(kind, "high", 0, 1).marker.startswith("<")


def test_named_identifier_wins_over_a_phone_of_the_same_digits() -> None:
    text = "NHS number 943 476 5919"
    assert [h.kind for h in find_values(text)] == ["nhs"]


def test_stdnum_is_loaded_only_for_candidates() -> None:
    assert list(find_national_ids("loss 0.25 after 3 epochs")) == []
    assert list(find_national_ids("JG103759A", long_digit_run=False)) == [("nino", "medium", 0, 9)]
    assert list(find_national_ids(f"BSN {BSN}", long_digit_run=False)) == []


@pytest.mark.parametrize(("text", "_kind", "_confidence", "value"), FLAG)
def test_display_never_shows_the_number(
    text: str, _kind: str, _confidence: str, value: str
) -> None:
    hit = find_values(text)[0]
    shown = redact_for_display(text, hit)
    assert value not in shown
    assert sum(ch.isalnum() for ch in shown) <= 1


def _ml_literals(rng: random.Random) -> dict[str, list[str]]:
    """Literals that ML code logs: none is personal, whatever its digits."""
    n = 400

    def digits(k: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(k))

    return {
        "md5": [hashlib.md5(digits(12).encode()).hexdigest() for _ in range(n)],
        "sha256": [hashlib.sha256(digits(12).encode()).hexdigest() for _ in range(n)],
        "uuid": [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(n)],
        "seed": [str(rng.randrange(10 ** rng.randint(1, 15))) for _ in range(n)],
        "timestamp": [str(rng.randint(1_500_000_000, 1_800_000_000_000)) for _ in range(n)],
        "version": [".".join(str(rng.randint(0, 40)) for _ in range(3)) for _ in range(n)],
        "shape": [f"({rng.choice([1, 8, 32])}, {rng.choice([224, 768, 50257])})" for _ in range(n)],
        "run name": [f"run-{rng.randint(20200101, 20251231)}-{digits(6)}" for _ in range(n)],
        "checkpoint": [f"checkpoint-{digits(rng.randint(1, 12))}" for _ in range(n)],
        "upper id": [
            "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(10))
            for _ in range(n)
        ],
    }


@pytest.mark.parametrize("family", list(_ml_literals(random.Random(0))))
def test_ml_literals_stay_quiet(family: str) -> None:
    literals = _ml_literals(random.Random(15))[family]
    flagged = [
        (text, h.kind) for text in literals for h in find_values(text) if h.confidence != "low"
    ]
    assert flagged == []

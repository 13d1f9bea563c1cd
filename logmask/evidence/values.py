"""Recognizers for personal values inside strings (e-mail, card, IBAN, SSN, phone, IP, MAC,
national identifiers).

Each recognizer is a cheap regex that proposes candidates followed by a validator
(TLD snapshot, Luhn and the card issuer table, mod-97 and python-stdnum's
per-country IBAN structure, SSN ranges, ``phonenumbers`` for numbers whose
country is known, ``ipaddress``; national identifiers in
``logmask.evidence.national_ids``) so that digit runs that merely look personal
(timestamps, seeds, versions, hashes) are not reported. The runtime maskers
import this module too, so the libraries are imported only when a candidate
needs them.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

from logmask.evidence.national_ids import ID_KINDS, find_national_ids, named_nearby
from logmask.evidence.person_names import find_person_names
from logmask.findings import Confidence

__all__ = [
    "Confidence",
    "ValueEvidence",
    "find_values",
    "redact_for_display",
    "strongest_value",
]


_CONFIDENCE_RANK: dict[str, int] = {"high": 3, "medium": 2, "low": 1}

# On equal confidence the more specific (checksummed) recognizer wins an overlap.
_KIND_PRIORITY: dict[str, int] = {
    "payment_card": 20,
    "iban": 19,
    # national identifiers: shape, check digits and usually a naming word
    **{kind: 10 + rank for rank, kind in enumerate(reversed(ID_KINDS))},
    "ssn": 9,
    "email": 4,
    "mac_address": 3,
    "ip_address": 2,
    "phone": 1,
    "person": 0,
}

_LABELS: dict[str, str] = {
    "email": "an e-mail address",
    "payment_card": "a payment card number",
    "iban": "an IBAN",
    "ssn": "a US social security number",
    "phone": "a phone number",
    "ip_address": "an IP address",
    "mac_address": "a MAC address",
    "person": "a person's name",
    **{kind: id_kind.label for kind, id_kind in ID_KINDS.items() if kind != "ssn"},
}

_MARKERS: dict[str, str] = {
    "email": "<EMAIL>",
    "payment_card": "<CARD>",
    "iban": "<IBAN>",
    "ssn": "<SSN>",
    "phone": "<PHONE>",
    "ip_address": "<IP>",
    "mac_address": "<MAC>",
    "person": "<PERSON>",
    **{kind: id_kind.marker for kind, id_kind in ID_KINDS.items()},
}


@dataclass(frozen=True, slots=True)
class ValueEvidence:
    """One validated personal value found at ``text[start:end]``."""

    kind: str
    confidence: Confidence
    start: int
    end: int

    @property
    def label(self) -> str:
        """Human words for messages ("an e-mail address")."""
        return _LABELS.get(self.kind, "a personal value")

    @property
    def marker(self) -> str:
        """The typed redaction marker that replaces the value ("<EMAIL>")."""
        return _MARKERS.get(self.kind, "<PII>")


# --------------------------------------------------------------------------- cheap gates

_ANY_DIGIT = re.compile(r"\d")
_DIGITS = "0123456789"
# Seven digits with at most three non-digits between neighbours: the least that a
# card, IBAN, SSN or phone number needs. Texts without it skip those recognizers.
_SEVEN_DIGITS = re.compile(r"\d(?:\D{0,3}\d){6}")

# --------------------------------------------------------------------------- e-mail

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9_%+\-.])"
    r"(?P<local>[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*)"
    r"@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}|localhost)"
    r"(?![\w\-]|\.[A-Za-z0-9])"
)
# scheme://user@host is URL userinfo, not a mailbox.
_URL_USERINFO_BEFORE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/@]*$")
# git@github.com:org/repo is an scp-style SSH remote.
_SCP_PATH_AFTER = re.compile(r":[\w~./\-]")

_RESERVED_EMAIL_DOMAINS = frozenset({"example.com", "example.org", "example.net", "localhost"})
_RESERVED_EMAIL_TLDS = frozenset(
    {"example", "test", "invalid", "local", "localhost", "localdomain", "internal", "lan", "home"}
)
# Real registrable names that documentation uses as stand-ins.
_PLACEHOLDER_DOMAINS = frozenset(
    {
        "domain.com",
        "yourdomain.com",
        "mydomain.com",
        "somedomain.com",
        "yourcompany.com",
        "company.com",
        "foo.com",
        "bar.com",
        "foobar.com",
        "test.com",
        "website.com",
        "somewhere.com",
    }
)
# Two-label domains whose "TLD" is far more often a file extension (train.py).
_FILE_EXTENSION_TLDS = frozenset({"py", "md", "sh", "zip", "mov"})

_NOREPLY_LOCALS = frozenset(
    {
        "noreply",
        "no-reply",
        "no_reply",
        "donotreply",
        "do-not-reply",
        "do_not_reply",
        "mailer-daemon",
        "postmaster",
        "bounce",
        "bounces",
        "notifications",
        "notification",
    }
)
# Functional mailboxes (support@, team@): an organisation's address, not a person's.
_FUNCTIONAL_TOKENS = frozenset(
    {
        "team",
        "support",
        "info",
        "admin",
        "administrator",
        "contact",
        "help",
        "hello",
        "sales",
        "office",
        "webmaster",
        "hostmaster",
        "abuse",
        "security",
        "billing",
        "jobs",
        "careers",
        "press",
        "marketing",
        "newsletter",
        "feedback",
        "privacy",
        "legal",
        "hr",
        "dpo",
        "alerts",
        "ops",
        "devops",
        "service",
        "services",
        "staff",
        "root",
        "bot",
        "noc",
        "inbox",
        "list",
        "accounts",
        "enquiries",
        "inquiries",
    }
)
# Placeholder local parts: documentation and fixtures, not a person.
_PLACEHOLDER_TOKENS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "tester",
        "user",
        "users",
        "username",
        "foo",
        "bar",
        "baz",
        "qux",
        "foobar",
        "example",
        "someone",
        "somebody",
        "nobody",
        "anonymous",
        "anon",
        "name",
        "firstname",
        "lastname",
        "first",
        "last",
        "email",
        "mail",
        "me",
        "you",
        "your",
        "yourname",
        "my",
        "myname",
        "dummy",
        "fake",
        "sample",
        "placeholder",
        "demo",
        "xxx",
        "abc",
        "address",
        "local",
        "part",
        "localpart",
        "no",
        "reply",
    }
)
_ROLE_TOKENS = _FUNCTIONAL_TOKENS | _PLACEHOLDER_TOKENS


_NON_LETTERS = re.compile(r"[^a-z]+")
_PERSON_LOCAL = re.compile(r"[A-Za-z]+(?:[._\-][A-Za-z]+){1,2}[0-9]{0,4}")


@cache
def _tlds() -> frozenset[str]:
    """The bundled TLD snapshot: an e-mail is only real if its TLD exists."""
    text = resources.files(__package__).joinpath("tlds.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _local_tokens(local: str) -> list[str]:
    base = local.lower().split("+", 1)[0] or local.lower()
    return [t for t in _NON_LETTERS.split(base) if t]


def _looks_like_person(local: str, tokens: list[str]) -> bool:
    """first.last, alice.w, j.doe: two or three name parts, like a real mailbox."""
    base = local.split("+", 1)[0]
    if not _PERSON_LOCAL.fullmatch(base):
        return False
    return sum(map(len, tokens)) >= 4 and max(map(len, tokens)) >= 2


def _email_confidence(local: str, domain: str) -> Confidence | None:
    tokens = _local_tokens(local)
    lower_local = local.lower()
    labels = domain.split(".")
    tld = labels[-1]
    reserved = (
        domain in _RESERVED_EMAIL_DOMAINS
        or domain in _PLACEHOLDER_DOMAINS
        or any(domain.endswith("." + d) for d in ("example.com", "example.org", "example.net"))
        or tld in _RESERVED_EMAIL_TLDS
    )
    if not reserved and tld not in _tlds():
        return None
    if lower_local in _NOREPLY_LOCALS or "noreply" in labels or "no-reply" in labels:
        return "low"
    if "".join(tokens) in {"noreply", "donotreply"}:
        return "low"
    person = _looks_like_person(local, tokens)
    if reserved:
        role = any(t in _ROLE_TOKENS for t in tokens)
        return "medium" if person and not role else "low"
    placeholders = [t in _PLACEHOLDER_TOKENS for t in tokens]
    if tokens and (all(placeholders) or (any(placeholders) and not person)):
        return "low"
    if len(labels) == 2 and tld in _FILE_EXTENSION_TLDS:
        return "low"
    if tokens and (tokens[-1] in _FUNCTIONAL_TOKENS or all(t in _ROLE_TOKENS for t in tokens)):
        return "low"
    return "high"


def _find_emails(text: str) -> Iterator[ValueEvidence]:
    for m in _EMAIL.finditer(text):
        local, domain = m.group("local"), m.group("domain").lower()
        if len(local) > 64 or len(domain) > 253:
            continue
        if local.lower() == "git" or _SCP_PATH_AFTER.match(text, m.end()):
            continue
        if _URL_USERINFO_BEFORE.search(text, max(0, m.start() - 200), m.start()):
            continue
        confidence = _email_confidence(local, domain)
        if confidence is not None:
            yield ValueEvidence("email", confidence, m.start(), m.end())


# --------------------------------------------------------------------------- payment card

# A maximal run of digit groups; windows of it are tried as card numbers so that
# "4111 1111 1111 1111 123" (a trailing CVV) still finds the card.
_DIGIT_RUN = re.compile(r"(?<![\w.,+\-/])\d+(?:[ \-]\d+)*(?![\w/]|[.,]\d)")
_DIGIT_GROUP = re.compile(r"\d+")

# (prefix range low, high, allowed lengths); prefixes compared on equal-width digits.
_IIN_TABLE: tuple[tuple[int, int, frozenset[int]], ...] = (
    (4, 4, frozenset({13, 16, 19})),  # Visa
    (51, 55, frozenset({16})),  # Mastercard
    (2221, 2720, frozenset({16})),  # Mastercard 2-series
    (34, 34, frozenset({15})),  # American Express
    (37, 37, frozenset({15})),
    (6011, 6011, frozenset(range(16, 20))),  # Discover
    (65, 65, frozenset(range(16, 20))),
    (644, 649, frozenset(range(16, 20))),
    (622126, 622925, frozenset(range(16, 20))),  # Discover / UnionPay co-brand
    (3528, 3589, frozenset(range(16, 20))),  # JCB
    (300, 305, frozenset({14, 16})),  # Diners Club
    (3095, 3095, frozenset({14, 16})),
    (36, 36, frozenset({14, 16})),
    (38, 39, frozenset({14, 16})),
    (62, 62, frozenset(range(16, 20))),  # UnionPay
    (2200, 2204, frozenset(range(16, 20))),  # Mir
    (5018, 5018, frozenset(range(13, 20))),  # Maestro
    (5020, 5020, frozenset(range(13, 20))),
    (5038, 5038, frozenset(range(13, 20))),
    (5893, 5893, frozenset(range(13, 20))),
    (6304, 6304, frozenset(range(13, 20))),
    (6759, 6759, frozenset(range(13, 20))),
    (6761, 6763, frozenset(range(13, 20))),
)

# Published processor test numbers (Stripe, Braintree, Adyen, PayPal docs).
_TEST_PANS = frozenset(
    {
        "4111111111111111",
        "4242424242424242",
        "4012888888881881",
        "4222222222222",
        "4000056655665556",
        "4000000000000002",
        "4000000000000077",
        "4000000000000069",
        "4000000000000127",
        "4000000000009995",
        "4000002500003155",
        "4000000760000002",
        "4000001240000000",
        "4917610000000000",
        "4462030000000000",
        "4917300800000000",
        "4484070000000000",
        "5555555555554444",
        "5200828282828210",
        "5105105105105100",
        "5454545454545454",
        "2223003122003222",
        "2222400010000008",
        "5431111111111111",
        "378282246310005",
        "371449635398431",
        "378734493671000",
        "340000000000009",
        "6011111111111117",
        "6011000990139424",
        "6011000000000004",
        "6011601160116611",
        "3056930009020004",
        "36227206271667",
        "30569309025904",
        "38520000023237",
        "3566002020360505",
        "3530111333300000",
        "3566111111111113",
        "6200000000000005",
        "6205500000000000004",
    }
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _iin_ok(digits: str) -> bool:
    n = len(digits)
    for low, high, lengths in _IIN_TABLE:
        width = len(str(low))
        if n in lengths and low <= int(digits[:width]) <= high:
            return True
    return False


def _card_at(digits: str) -> Confidence | None:
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return None
    if not _iin_ok(digits) or not _luhn_ok(digits):
        return None
    return "medium" if digits in _TEST_PANS else "high"


def _card_windows(lengths: list[int], seps: list[str], i: int) -> list[int]:
    """End indexes of the group windows starting at `i` printed like a card.

    A card is one compact group, or a 4-digit group followed by groups of 3-7
    digits (4-4-4-4, 4-6-5, 4-4-4-4-3) with one separator throughout.
    """
    ends = [i + 1] if 13 <= lengths[i] <= 19 else []
    if lengths[i] != 4:
        return ends
    total = 4
    for j in range(i + 1, len(lengths)):
        if not 3 <= lengths[j] <= 7 or (j > i + 1 and seps[j] != seps[i + 1]):
            break
        total += lengths[j]
        if total > 19:
            break
        if total >= 13:
            ends.append(j + 1)
    return ends


def _find_cards(text: str) -> Iterator[ValueEvidence]:
    for run in _DIGIT_RUN.finditer(text):
        raw = run.group()
        if len(raw) - raw.count(" ") - raw.count("-") < 13:
            continue
        groups = [(g.start(), g.end()) for g in _DIGIT_GROUP.finditer(text, run.start(), run.end())]
        lengths = [end - start for start, end in groups]
        # the separator before each group ("" for the first)
        seps = [""] + [text[start - 1] for start, _ in groups[1:]]
        i, n = 0, len(groups)
        while i < n:
            found = False
            if i == 0 or seps[i] == " ":  # only cut a run at a space
                for j in reversed(_card_windows(lengths, seps, i)):
                    if j < n and seps[j] != " ":
                        continue
                    start, end = groups[i][0], groups[j - 1][1]
                    confidence = _card_at(text[start:end].replace(" ", "").replace("-", ""))
                    if confidence is not None:
                        yield ValueEvidence("payment_card", confidence, start, end)
                        i, found = j, True
                        break
            if not found:
                i += 1


# --------------------------------------------------------------------------- IBAN

_IBAN = re.compile(
    r"(?<![A-Za-z0-9])"
    r"(?:[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)"
    r"|[a-z]{2}[0-9]{2}(?:[a-z0-9]{11,30}|(?: [a-z0-9]{4}){2,7}(?: [a-z0-9]{1,4})?))"
    r"(?![A-Za-z0-9])"
)

# SWIFT IBAN registry: total length per country.
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616 mod-97 check on a compact, upper-case IBAN."""
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97 == 1


def _find_ibans(text: str) -> Iterator[ValueEvidence]:
    for m in _IBAN.finditer(text):
        raw = m.group()
        compact = raw.replace(" ", "").upper()
        expected = _IBAN_LENGTHS.get(compact[:2])
        if expected is None or len(compact) < expected:
            continue
        end = m.end()
        if len(compact) > expected:
            # Spaced form followed by another group ("... 0130 00 1234"): cut at
            # the country's length if that falls on a group boundary.
            if " " not in raw:
                continue
            cut = _nth_alnum_end(raw, expected)
            if cut < len(raw) and raw[cut] != " ":
                continue
            compact, end = compact[:expected], m.start() + cut
        if iban_checksum_ok(compact) and _iban_structure_ok(compact):
            yield ValueEvidence("iban", "high", m.start(), end)


def _iban_structure_ok(compact: str) -> bool:
    """python-stdnum's per-country BBAN structure (``DE``: 18 digits, ``GB``: 4 letters 14 digits).

    Mod-97 alone passes one string in 97 of the right length; the structure
    rejects most of the rest. stdnum's national checks are not used
    (``check_country=False``): some look bank codes up in a list that ages
    (the registry's own Belgian example fails it).
    """
    from stdnum import iban
    from stdnum.exceptions import ValidationError

    try:
        iban.validate(compact, check_country=False)
    except ValidationError:
        return False
    return True


def _nth_alnum_end(raw: str, n: int) -> int:
    seen = 0
    for index, ch in enumerate(raw):
        if ch != " ":
            seen += 1
            if seen == n:
                return index + 1
    return len(raw)


# --------------------------------------------------------------------------- US SSN

_SSN = re.compile(
    r"(?<![\w.\-/+#$])(?<!\d[ ])"
    r"(?P<area>\d{3})(?P<sep>[\- ])(?P<group>\d{2})(?P=sep)(?P<serial>\d{4})"
    r"(?![\w/]|[.,:\-]\d|[ ]\d)"
)
# Published samples (Woolworth wallet card, SSA pamphlet, textbook) and stock fakes.
_SAMPLE_SSNS = frozenset({"078051120", "123456789", "219099999", "111223333", "123121234"})


def _find_ssns(text: str) -> Iterator[ValueEvidence]:
    for m in _SSN.finditer(text):
        area = m.group("area")
        if area in ("000", "666") or area[0] == "9":
            continue
        if m.group("group") == "00" or m.group("serial") == "0000":
            continue
        digits = area + m.group("group") + m.group("serial")
        sample = digits in _SAMPLE_SSNS or len(set(digits)) == 1
        confidence: Confidence = "low" if sample else "high"
        yield ValueEvidence("ssn", confidence, m.start(), m.end())


# --------------------------------------------------------------------------- phone

# A run of digit groups with phone-ish separators; the validator picks the window.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+.\-/\\#@$%&])(?<!\d[.,])\+?\(?\d[\d ().\-]{4,}\d(?!\d)")
_DECIMAL_BEFORE = re.compile(r"\d[.,]\d+ $")
_DECIMAL_AFTER = re.compile(r"[.,]\d")
_DECIMAL_BEFORE_GROUP = re.compile(r"\d[.,]$")
_PHONE_TOKEN = re.compile(r"\+?\(\d{1,5}\)|\+?\d+|[ .\-]+|[()]")
_DATE_SHAPE = re.compile(
    r"(?:19|20)\d{2}[\-./ ](?:0?[1-9]|1[0-2])[\-./ ](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[\-./ ](?:0?[1-9]|1[0-2])[\-./ ](?:19|20)\d{2}"
    r"|(?:0?[1-9]|1[0-2])[\-./ ](?:0?[1-9]|[12]\d|3[01])[\-./ ](?:19|20)\d{2}"
)
# Words that say the digits that follow are a phone number ("call me on 07911123456").
_PHONE_WORDS = re.compile(
    r"(?<![a-z])(?:phone|telephone|tel|mobile|cell|cellphone|call|ring|text\s+me|whats\s*app"
    r"|sms|fax|handy|telefon|t[ée]l[ée]phone|portable|m[óo]vil|celular)(?![a-z])",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def _library_phone_verdict(number: str, region: str | None) -> Confidence | None:
    """libphonenumber's verdict on a number whose country is known.

    ``number`` is ``+<country code><digits>`` or, with ``region``, a national
    number of that region. An assigned number is medium (a value alone says
    nothing about whose it is); one of a possible length in an unassigned
    range is low (fixtures such as area code 555); anything else is rejected.
    """
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(parsed):
        return "medium"
    return "low" if phonenumbers.is_possible_number(parsed) else None


class _Group(NamedTuple):
    start: int
    end: int
    digits: str
    paren: bool
    plus: bool
    sep_before: str  # separator text between the previous group and this one


def _phone_groups(candidate: str, offset: int) -> list[list[_Group]]:
    """Split a candidate into runs of groups joined by single separators."""
    runs: list[list[_Group]] = [[]]
    sep = ""
    for tok in _PHONE_TOKEN.finditer(candidate):
        s = tok.group()
        if s[0] in " .-":
            if len(s) > 1 or sep:
                runs.append([])
                sep = ""
                continue
            sep = s
            continue
        if s in "()":
            runs.append([])
            sep = ""
            continue
        plus = s[0] == "+"
        if plus and runs[-1]:
            runs.append([])
            sep = ""
        body = s.lstrip("+")
        paren = body.startswith("(")
        runs[-1].append(
            _Group(offset + tok.start(), offset + tok.end(), body.strip("()"), paren, plus, sep)
        )
        sep = ""
    return [r for r in runs if r]


def _is_ssn_shape(groups: list[_Group]) -> bool:
    return (
        len(groups) == 3
        and [len(g.digits) for g in groups] == [3, 2, 4]
        and not any(g.paren for g in groups)
        and groups[1].sep_before == groups[2].sep_before != ""
    )


def _is_thousands_shape(groups: list[_Group]) -> bool:
    """1 234 567 or 12.345.678: a number written with digit grouping."""
    if len(groups) < 3 or any(g.paren for g in groups):
        return False
    if not 1 <= len(groups[0].digits) <= 3:
        return False
    return all(len(g.digits) == 3 for g in groups[1:])


def _phone_confidence(groups: list[_Group], window: str) -> Confidence | None:
    """Structure checks, then ``phonenumbers`` where the number says its country.

    A ``+``/``00`` number is validated for its country code and a NANP-shaped
    one for the NANP. A national number with a trunk ``0`` (``020 7946 0958``)
    names no country, and is valid in some of the hundred regions that use
    one, so its structure alone decides.
    """
    parens = [g for g in groups if g.paren]
    if len(parens) > 1:
        return None
    seps = {g.sep_before for g in groups[1:]}
    if "." in seps and seps != {"."}:
        return None  # dots mixed with other separators: a decimal or a version
    if _DATE_SHAPE.search(window):
        return None
    digits = "".join(g.digits for g in groups)
    lengths = [len(g.digits) for g in groups]
    if groups[0].plus:
        significant = digits
        if parens and parens[0].digits == "0":
            significant = "".join(g.digits for g in groups if g is not parens[0])
        elif parens and groups.index(parens[0]) not in (1,):
            return None
        if not 8 <= len(significant) <= 15:
            return None
        if len(groups) > 1 and lengths[0] > 4:
            return None
        if sum(1 for n in lengths[1:] if n == 1) > 1:
            return None  # "+1 2 3 4 5 6 7 8" is a list of numbers
        if len(significant) == 11 and significant[0] == "1" and significant[4:9] == "55501":
            return "low"  # fictional +1 NXX 555-01xx
        return _library_phone_verdict("+" + significant, None)
    if len(groups) < 2:
        return None  # bare digit runs: timestamps, seeds, ids
    if parens and groups.index(parens[0]) > 1:
        return None
    if _is_ssn_shape(groups) or _is_thousands_shape(groups):
        return None
    if lengths == [5, 4] and seps == {"-"}:
        return None  # US ZIP+4
    dotted = seps == {"."}
    # NANP: [1] (NXX) NXX-XXXX
    core = groups[1:] if len(groups) == 4 and groups[0].digits == "1" else groups
    if [len(g.digits) for g in core] == [3, 3, 4]:
        area = core[0]
        if area.digits[0] in "01" or (parens and parens[0] is not area):
            return None
        if not area.paren and core[1].sep_before != core[2].sep_before:
            return None  # "259-264 1970": a page range and a year
        if core[1].digits == "555" and core[2].digits.startswith("01"):
            return "low"  # fictional 555-01xx
        return _library_phone_verdict("+1" + "".join(g.digits for g in core), None)
    if lengths == [3, 4] and digits.startswith("55501") and not parens:
        return "low"  # fictional 555-01xx
    if dotted and not (digits[0] == "0" and all(n == 2 for n in lengths)):
        return None  # dotted numbers are versions and decimals (French 06.12.34.56.78 aside)
    if digits.startswith("00"):
        # International call prefix: 00 + country code + number.
        rest = digits[2:]
        if not 2 <= lengths[0] <= 5 or sum(1 for n in lengths[1:] if n == 1) > 1:
            return None
        if 8 <= len(rest) <= 15:
            return _library_phone_verdict("+" + rest, None)
        return None
    if digits[0] == "0":
        # Trunk-prefixed national numbers: 020 7946 0958, 030 1234567, 06 12 34 56 78.
        if not 9 <= len(digits) <= 12 or not 2 <= len(groups) <= 5:
            return None
        if not 2 <= lengths[0] <= 5 or not all(2 <= n <= 8 for n in lengths):
            return None
        if parens and parens[0] is not groups[0]:
            return None
        return "medium"
    return None


def _loose_breaks(run: list[_Group]) -> list[int]:
    """For each group index, the first later index where the run is loosely grouped.

    A window cut from a longer run must not itself be space-separated digit
    groups: "0104 140 014 0410" tables and "77, 259-264 1970" references are
    runs of numbers; "(555) 123-4567" and "+1 555-123-4567" carry their own
    structure. Window ``run[i:j]`` is tight when ``j <= breaks[i]``; computed
    once per run, so each window is checked in constant time.
    """
    n = len(run)
    breaks = [n] * n
    next_break = n
    for k in range(n - 1, -1, -1):
        breaks[k] = next_break  # the first loose joint after group k
        if k > 0:
            prev, group = run[k - 1], run[k]
            if group.sep_before == " " and not (prev.paren or group.paren or prev.plus):
                next_break = k
    return breaks


def _window_text(text: str, groups: list[_Group]) -> str:
    return text[groups[0].start : groups[-1].end]


def _phone_in_run(text: str, run: list[_Group]) -> Iterator[ValueEvidence]:
    """Yield phone numbers from a run of groups, trying the longest window first."""
    i, n = 0, len(run)
    breaks = _loose_breaks(run)
    total = sum(len(g.digits) for g in run)
    while i < n:
        # A window cut out of a longer run must be cut at a space.
        if i > 0 and run[i].sep_before not in (" ", ""):
            i += 1
            continue
        ends: list[int] = []
        count = 0
        for j in range(i + 1, min(n, breaks[i]) + 1):  # tight windows only
            count += len(run[j - 1].digits)
            if count > 17:
                break
            if count >= 7:
                ends.append(j)
        if i == 0 and breaks[0] < n and 7 <= total <= 17:
            ends.append(n)  # the whole run needs no tightness
        found = False
        for j in reversed(ends):
            if j < n and run[j].sep_before not in (" ", ""):
                continue
            window = run[i:j]
            start, end = window[0].start, window[-1].end
            if _DECIMAL_AFTER.match(text, end) or _DECIMAL_BEFORE_GROUP.search(
                text, max(0, start - 2), start
            ):
                continue
            confidence = _phone_confidence(window, _window_text(text, window))
            if confidence is not None:
                yield ValueEvidence("phone", confidence, start, end)
                i, found = j, True
                break
        if not found:
            i += 1


def _named_bare_phone(text: str, start: int, end: int) -> ValueEvidence | None:
    """Unseparated digits that a phone word names: "call me on 07911123456"."""
    digits = text[start:end]
    if not named_nearby(text, start, end, _PHONE_WORDS):
        return None
    confidence: Confidence | None = None
    if digits.startswith("00"):
        confidence = _library_phone_verdict("+" + digits[2:], None)
    elif digits[0] == "0":
        confidence = "medium" if 10 <= len(digits) <= 11 else None
    elif len(digits) == 10 and digits[0] not in "01":
        confidence = _library_phone_verdict("+1" + digits, None)
    elif len(digits) == 11 and digits[0] == "1":
        confidence = _library_phone_verdict("+" + digits, None)
    return None if confidence is None else ValueEvidence("phone", confidence, start, end)


def _find_phones(text: str) -> Iterator[ValueEvidence]:
    for m in _PHONE_CANDIDATE.finditer(text):
        if m.end() < len(text) and (text[m.end()].isalnum() or text[m.end()] in "_@"):
            continue
        if _DECIMAL_BEFORE.search(text, max(0, m.start() - 32), m.start()):
            continue  # "-2.002 319 304 3622": digit groups continuing a decimal
        if m.group().isdigit():
            # bare digit runs are timestamps, seeds and ids, unless named a phone
            bare = _named_bare_phone(text, m.start(), m.end())
            if bare is not None:
                yield bare
            continue
        date = _DATE_SHAPE.match(text, m.start())
        for whole_run in _phone_groups(m.group(), m.start()):
            run = whole_run
            if date is not None:
                # "2024-01-15 12": no phone window may start inside the date.
                run = [g for g in run if g.start >= date.end()]
                if not run:
                    continue
            seps = {g.sep_before for g in run[1:]}
            if "." in seps and len(seps - {""}) > 1:
                continue  # 2.002 319 304 3622: decimals in a table, not phones
            yield from _phone_in_run(text, run)


# --------------------------------------------------------------------------- IP

_IPV4 = re.compile(r"(?<![\w.\-])(?:\d{1,3}\.){3}\d{1,3}(?![\w\-]|\.\w)")
_IP_SEPARATORS = re.compile(r"[:.]")
_CIDR_AFTER = re.compile(r"/\d{1,3}(?!\d)")
_IPV6 = re.compile(
    r"(?<![\w:.\-])"
    r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}"
    r"(?![\w:\-]|\.\d)"
)
_VERSION_BEFORE = re.compile(
    r"(?i)(?:(?<![a-z])(?:version|ver|v|release|rel|tag|build|firmware|fw"
    r"|section|sec|chapter|ch|figure|fig|table|step|clause)|__version__|§)"
    r"[\"']?\s*(?:[:=]{1,2}|\bis\b)?\s*[\"']?\s*$"
    r"|(?:[=<>~!]=|@)\s*[\"']?$"
)
_PLACEHOLDER_IPS = frozenset(
    {
        "1.2.3.4",
        "4.3.2.1",
        "123.45.67.89",
        "1.1.1.1",
        "1.0.0.1",
        "8.8.8.8",
        "8.8.4.4",
        "9.9.9.9",
        "208.67.222.222",
        "208.67.220.220",
    }
)


def _ip_confidence(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address, text: str, end: int
) -> Confidence:
    """Public -> medium; loopback, private, documentation, reserved ... -> low."""
    if str(ip) in _PLACEHOLDER_IPS or _CIDR_AFTER.match(text, end):
        return "low"  # a placeholder, or a network written in CIDR notation
    if ip.version == 4 and all(int(octet) < 10 for octet in str(ip).split(".")):
        return "low"  # 3.1.1.6: far likelier a version or section number than a host
    return "medium" if ip.is_global and not ip.is_multicast else "low"


def _find_ips(text: str) -> Iterator[ValueEvidence]:
    if "." in text:
        for m in _IPV4.finditer(text):
            if _VERSION_BEFORE.search(text[max(0, m.start() - 24) : m.start()]):
                continue
            try:
                ip4 = ipaddress.IPv4Address(m.group())
            except ValueError:
                continue
            confidence = _ip_confidence(ip4, text, m.end())
            yield ValueEvidence("ip_address", confidence, m.start(), m.end())
    if text.count(":") >= 2:
        for m in _IPV6.finditer(text):
            candidate = m.group()
            if candidate.count(":") < 2 or not _ANY_DIGIT.search(candidate):
                continue  # '::', 'a::b' scopes, 'dead::beef'
            groups = [g for g in _IP_SEPARATORS.split(candidate) if g]
            if candidate.count(":") == 2 and candidate != "::1" and all(map(str.isdigit, groups)):
                continue  # slices such as x[24::3]
            try:
                ip6 = ipaddress.IPv6Address(candidate)
            except ValueError:
                continue
            confidence = _ip_confidence(ip6, text, m.end())
            yield ValueEvidence("ip_address", confidence, m.start(), m.end())


# --------------------------------------------------------------------------- MAC

_MAC = re.compile(
    r"(?<![\w:.\-])"
    r"(?:[0-9A-Fa-f]{2}(?P<sep>[:\-])[0-9A-Fa-f]{2}(?:(?P=sep)[0-9A-Fa-f]{2}){4}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})"
    r"(?![\w]|[:.\-][0-9A-Fa-f])"
)


_MAC_SEPARATORS = str.maketrans("", "", ":-.")


def _find_macs(text: str) -> Iterator[ValueEvidence]:
    for m in _MAC.finditer(text):
        hexdigits = m.group().lower().translate(_MAC_SEPARATORS)
        if hexdigits in ("000000000000", "ffffffffffff"):
            continue
        yield ValueEvidence("mac_address", "medium", m.start(), m.end())


# --------------------------------------------------------------------------- public API


def _candidates(text: str, names: bool) -> Iterator[ValueEvidence]:
    has_digit = any(d in text for d in _DIGITS)
    if "@" in text:
        yield from _find_emails(text)
    long_digit_run = has_digit and _SEVEN_DIGITS.search(text) is not None
    if long_digit_run:
        yield from _find_cards(text)
        yield from _find_ibans(text)
        yield from _find_ssns(text)
        yield from _find_phones(text)
    if has_digit:
        for kind, confidence, start, end in find_national_ids(text, long_digit_run=long_digit_run):
            yield ValueEvidence(kind, confidence, start, end)
    if has_digit and ("." in text or ":" in text):
        yield from _find_ips(text)
    if text.count(":") >= 5 or text.count("-") >= 5 or text.count(".") >= 2:
        yield from _find_macs(text)
    if names:
        for start, end in find_person_names(text):
            yield ValueEvidence("person", "low", start, end)


def find_values(text: str, *, names: bool = False) -> list[ValueEvidence]:
    """Every validated personal value in free text, left to right, non-overlapping.

    ``names=True`` also looks for person names (``logmask.evidence.person_names``,
    always low confidence): ``redact_text`` does, the linter does not.

    On overlap the stronger hit wins (confidence, then the more specific kind, then
    the longer span). Low-confidence hits are included: callers decide to filter.
    """
    if len(text) < 3:
        return []
    hits = list(_candidates(text, names))
    if len(hits) <= 1:
        return hits
    hits.sort(
        key=lambda h: (
            -_CONFIDENCE_RANK[h.confidence],
            -_KIND_PRIORITY[h.kind],
            h.start - h.end,
            h.start,
        )
    )
    # Kept hits stay sorted by start and never overlap, so a new hit can only
    # overlap its two neighbours: n log n however many values a text holds.
    kept: list[ValueEvidence] = []
    starts: list[int] = []
    for hit in hits:
        at = bisect.bisect_left(starts, hit.start)
        if at > 0 and kept[at - 1].end > hit.start:
            continue
        if at < len(kept) and kept[at].start < hit.end:
            continue
        kept.insert(at, hit)
        starts.insert(at, hit.start)
    return kept


def strongest_value(text: str) -> ValueEvidence | None:
    """The highest-confidence hit in ``text`` (first on ties), or None."""
    best: ValueEvidence | None = None
    for hit in find_values(text):
        if best is None or _CONFIDENCE_RANK[hit.confidence] > _CONFIDENCE_RANK[best.confidence]:
            best = hit
    return best


def redact_for_display(text: str, hit: ValueEvidence) -> str:
    """A safe rendering of a hit for messages: at most its first character.

    Messages must never carry the personal value itself, so each kind keeps only
    what identifies its shape: the first character, the e-mail domain (whose
    owner is an organisation), an IBAN's country code and a phone's '+'.
    """
    value = text[hit.start : hit.end]
    first = next((ch for ch in value if ch.isalnum()), "")
    if hit.kind == "email":
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if hit.kind == "payment_card":
        return first + re.sub(r"\d", "*", value[1:])
    if hit.kind == "iban":
        return value[:2].upper() + "**…"
    if hit.kind == "ssn":
        return re.sub(r"\d", "*", value)
    if hit.kind == "phone":
        return ("+" if value.startswith("+") else "") + first + "***"
    if hit.kind == "ip_address":
        return first + ("*.*.*.*" if "." in value and ":" not in value else "***:…")
    if hit.kind == "mac_address":
        return first + re.sub(r"[0-9A-Fa-f]", "*", value[1:])
    return first + "***"

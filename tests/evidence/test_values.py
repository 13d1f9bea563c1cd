"""Value recognizers: must-flag and must-not-flag side by side, one table per kind.

Valid cards and IBANs are built here with an independent Luhn / mod-97 so the
tables test the recognizer rather than copy its output.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import string
from importlib import resources

import pytest

from logmask.evidence.values import (
    ValueEvidence,
    find_values,
    redact_for_display,
    strongest_value,
)

# --------------------------------------------------------------------------- helpers


def hits(text: str) -> list[tuple[str, str, str]]:
    return [(h.kind, h.confidence, text[h.start : h.end]) for h in find_values(text)]


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit to `body`."""
    for check in "0123456789":
        digits = [int(c) for c in body + check][::-1]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
        )
        if total % 10 == 0:
            return body + check
    raise AssertionError("unreachable")


def luhn_off_by_one(number: str) -> str:
    """Same number with the last digit changed: Luhn must fail."""
    last = (int(number[-1]) + 1) % 10
    return number[:-1] + str(last)


def make_iban(country: str, bban: str) -> str:
    """An IBAN with correct check digits (ISO 13616), compact form."""
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def spaced(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def one_digit_off(iban: str) -> str:
    """Change the last BBAN digit: mod-97 must fail."""
    for i in range(len(iban) - 1, 3, -1):
        if iban[i].isdigit():
            return iban[:i] + str((int(iban[i]) + 1) % 10) + iban[i + 1 :]
    raise AssertionError("no digit in BBAN")


# --------------------------------------------------------------------------- e-mail

EMAIL_FLAG = [
    # real domains
    ("jane.doe@gmail.com", "high"),
    ("j.smith@company.co.uk", "high"),
    ("alice@acme.io", "high"),
    ("bob+ml@proton.me", "high"),
    ("Jane.Doe@Example.DE", "high"),
    ("x_y-z@mail.ru", "high"),
    ("naimetti@yahoo.com.ar", "high"),
    ("customer42@shop.amsterdam", "high"),
    ("jane.doe@gmail.com.", "high"),
    # functional mailboxes at a real domain: an organisation's address, not a person's
    ("support@wandb.com", "low"),
    ("ml-team@acme.com", "low"),
    ("info@egenix.com", "low"),
    # no-reply and placeholders at a real domain
    ("noreply@github.com", "low"),
    ("no-reply@accounts.google.com", "low"),
    ("do-not-reply@bank.de", "low"),
    ("12345+octocat@users.noreply.github.com", "low"),
    ("test@gmail.com", "low"),
    ("user123@gmail.com", "low"),
    ("first.last@company.org", "low"),
    ("model@train.py", "low"),
    # reserved / example domains: a person-like local part is medium
    ("jane.doe@example.org", "medium"),
    ("alice.w@example.com", "medium"),
    ("bob.k@example.com", "medium"),
    ("charlie.p@example.net", "medium"),
    ("john_smith@corp.example.com", "medium"),
    ("jane.doe@mail.test", "medium"),
    ("jane.doe@foo.invalid", "medium"),
    ("jane.doe@localhost", "medium"),
    ("mary-ann.lee@intranet.local", "medium"),
    ("expert_reviewer@company.com", "medium"),
    # ... and a role or placeholder local part is low
    ("alice@example.com", "low"),
    ("a@example.com", "low"),
    ("test@example.com", "low"),
    ("ml-team@example.com", "low"),
    ("noreply@example.com", "low"),
    ("someone@example.net", "low"),
    ("first.last@example.com", "low"),
    ("foo.bar@example.com", "low"),
    ("support@example.org", "low"),
    ("user@domain.com", "low"),
    ("foo@bar.com", "low"),
    ("root@localhost", "low"),
    ("admin@router.local", "low"),
    ("me@example.com", "low"),
    ("your.name@example.com", "low"),
]

EMAIL_REJECT = [
    "a@b.notatld",
    "jane@corp.internalx",
    "user@host",
    "foo@bar.baz",
    "a@b.c",
    "git@github.com:org/repo.git",
    "ssh://git@github.com/org/repo.git",
    "https://user:pw@host.com/x",
    "wasbs://container@account.blob.core.windows.net",
    "jane@host.com:org/repo",
    "@mlflow.trace",
    "@wandb.com",
    "x @ y.T",
    "y = x@w.T",
    "name@v1.2",
    "pkg@1.2.3",
    "{user}@{domain}.com",
    "jane@example.com1",
    "jane..doe@gmail.com",
    "user@@gmail.com",
    "https://docs.example.com/start",
    "mailto:",
    "@",
]


@pytest.mark.parametrize(("text", "confidence"), EMAIL_FLAG)
def test_email_flagged(text: str, confidence: str) -> None:
    value = text.rstrip(".")
    assert hits(text) == [("email", confidence, value)]


@pytest.mark.parametrize("text", EMAIL_REJECT)
def test_email_rejected(text: str) -> None:
    assert [h for h in hits(text) if h[0] == "email"] == []


def test_email_in_prose_and_markup() -> None:
    assert hits("reach me at jane.doe@example.org") == [("email", "medium", "jane.doe@example.org")]
    assert hits("Ka-Ping Yee <ping@lfw.org>") == [("email", "high", "ping@lfw.org")]
    assert hits("'jane.doe@gmail.com'") == [("email", "high", "jane.doe@gmail.com")]
    assert hits("email=jane.doe@gmail.com&x=1") == [("email", "high", "jane.doe@gmail.com")]
    assert hits("mailto:jane.doe@gmail.com") == [("email", "high", "jane.doe@gmail.com")]
    assert hits("My e-mail address is test@example.com") == [("email", "low", "test@example.com")]


# --------------------------------------------------------------------------- payment cards

# (brand, prefix, length); every row is Luhn-completed below.
CARD_BRANDS = [
    ("visa13", "4556", 13),
    ("visa16", "4929", 16),
    ("visa19", "4716", 19),
    ("mastercard51", "51", 16),
    ("mastercard55", "5500", 16),
    ("mastercard2221", "2221", 16),
    ("mastercard2720", "2720", 16),
    ("amex34", "34", 15),
    ("amex37", "37", 15),
    ("discover6011", "6011", 16),
    ("discover65", "65", 16),
    ("discover644", "644", 16),
    ("discover649_19", "649", 19),
    ("jcb3528", "3528", 16),
    ("jcb3589_19", "3589", 19),
    ("diners300", "300", 14),
    ("diners305", "305", 14),
    ("diners36", "36", 14),
    ("diners38", "38", 14),
    ("unionpay62_16", "6212", 16),
    ("unionpay62_19", "6212", 19),
    ("maestro6759", "6759", 18),
]


def _brand_number(prefix: str, length: int) -> str:
    body = (prefix + "7390264815" * 2)[: length - 1]
    return luhn_complete(body)


VALID_CARDS = [(brand, _brand_number(p, n)) for brand, p, n in CARD_BRANDS]

TEST_PANS = [
    "4111111111111111",
    "4242424242424242",
    "4012888888881881",
    "4000056655665556",
    "5555555555554444",
    "5105105105105100",
    "2223003122003222",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "6011000990139424",
    "3056930009020004",
    "36227206271667",
    "3566002020360505",
    "6200000000000005",
]


@pytest.mark.parametrize(("brand", "number"), VALID_CARDS, ids=[b for b, _ in VALID_CARDS])
def test_card_valid_compact(brand: str, number: str) -> None:
    assert hits(number) == [("payment_card", "high", number)]


@pytest.mark.parametrize(("brand", "number"), VALID_CARDS, ids=[b for b, _ in VALID_CARDS])
def test_card_luhn_failure_rejected(brand: str, number: str) -> None:
    bad = luhn_off_by_one(number)
    assert [h for h in hits(bad) if h[0] == "payment_card"] == []


@pytest.mark.parametrize("pan", TEST_PANS)
def test_card_test_pans_are_medium(pan: str) -> None:
    assert hits(pan) == [("payment_card", "medium", pan)]


@pytest.mark.parametrize(
    ("text", "value", "confidence"),
    [
        ("4111 1111 1111 1111", "4111 1111 1111 1111", "medium"),
        ("4111-1111-1111-1111", "4111-1111-1111-1111", "medium"),
        ("3782 822463 10005", "3782 822463 10005", "medium"),
        ("card number is 4095-2609-9393-4932.", "4095-2609-9393-4932", "high"),
        ("4095 2609 9393 4932 exp 12/27", "4095 2609 9393 4932", "high"),
        ("4095 2609 9393 4932 123", "4095 2609 9393 4932", "high"),
        ("pay with 4095260993934932 now", "4095260993934932", "high"),
        ("(4095 2609 9393 4932)", "4095 2609 9393 4932", "high"),
    ],
)
def test_card_formats(text: str, value: str, confidence: str) -> None:
    assert hits(text) == [("payment_card", confidence, value)]


CARD_REJECT = [
    "4111 1111 1111 1112",  # Luhn fails
    "4111111111111112",
    "4095-2609 9393-4932",  # mixed separators
    "4095 26099393 4932",  # odd grouping (8)
    "40 95 26 09 93 93 49 32",
    "0000000000000000",  # all same digit
    "4444444444444444",
    "1234567812345670",  # Luhn ok, no issuer starts with 1
    "9999999999999995",
    luhn_complete("41111111111111"),  # Visa, 15 digits
    luhn_complete("341111111111111"),  # Amex, 16 digits
    luhn_complete("51111111111111111"),  # Mastercard, 18 digits
    "0.4111111111111111",  # a float
    "4111111111111111.5",
    "40952609939349321234",  # 20 digits
    "x4095260993934932",
    "4095260993934932abc",
    "1667470478",
    "0.2371151234",
]


@pytest.mark.parametrize("text", CARD_REJECT)
def test_card_rejected(text: str) -> None:
    assert [h for h in hits(text) if h[0] == "payment_card"] == []


# --------------------------------------------------------------------------- IBAN

IBAN_BBANS = [
    ("DE", "370400440532013000"),
    ("GB", "NWBK60161331926819"),
    ("FR", "20041010050500013M02606"),
    ("ES", "21000418450200051332"),
    ("IT", "X0542811101000000123456"),
    ("NL", "ABNA0417164300"),
    ("BE", "539007547034"),
    ("CH", "00762011623852957"),
    ("AT", "1904300234573201"),
    ("NO", "86011117947"),
    ("PL", "109010140000071219812874"),
    ("PT", "000201231234567890154"),
    ("SE", "50000000058398257466"),
    ("IE", "AIBK93115212345678"),
    ("DK", "00400440116243"),
    ("FI", "12345600000785"),
    ("LU", "0010001234567891"),
    ("MT", "MALT011000012345MTLCAST001S"),
    ("RU", "04452560040702810412345678901"),
    ("LC", "HEMM000100010012001200023015"),
    ("BR", "00360305000010009795493P1"),
    ("SA", "80000000608010167519"),
    ("TR", "0006100519786457841326"),
    ("UA", "3223130000026007233566001"),
    ("GR", "01101250000000012300695"),
    ("HU", "117730161111101800000000"),
    ("KW", "CBKU0000000000001234560101"),
    ("XK", "1212012345678906"),
]
VALID_IBANS = [make_iban(cc, bban) for cc, bban in IBAN_BBANS]


def test_iban_helper_matches_registry_examples() -> None:
    assert make_iban("DE", "370400440532013000") == "DE89370400440532013000"
    assert make_iban("GB", "NWBK60161331926819") == "GB29NWBK60161331926819"


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_iban_valid_compact(iban: str) -> None:
    assert hits(iban) == [("iban", "high", iban)]


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_iban_valid_spaced(iban: str) -> None:
    text = f"IBAN: {spaced(iban)}."
    assert hits(text) == [("iban", "high", spaced(iban))]


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_iban_one_digit_off_rejected(iban: str) -> None:
    assert [h for h in hits(one_digit_off(iban)) if h[0] == "iban"] == []


IBAN_REJECT = [
    "DE89370400440532013001",  # checksum
    "DE8937040044053201300",  # too short for DE
    "DE893704004405320130000",  # too long for DE
    "GB82WEST1234569876543",  # GB is 22
    "ZZ89370400440532013000",  # no such country
    "US64SVBKUS6S3300958879",  # not an IBAN country
    "De89370400440532013000",  # mixed case
    "xDE89370400440532013000",
    "DE89 3704 0044 0532 0130 0",  # spaced, short
]


@pytest.mark.parametrize("text", IBAN_REJECT)
def test_iban_rejected(text: str) -> None:
    assert [h for h in hits(text) if h[0] == "iban"] == []


def test_iban_lower_case_and_trailing_group() -> None:
    assert hits("de89 3704 0044 0532 0130 00") == [("iban", "high", "de89 3704 0044 0532 0130 00")]
    text = "DE89 3704 0044 0532 0130 00 1234"
    assert [h for h in hits(text) if h[0] == "iban"] == [
        ("iban", "high", "DE89 3704 0044 0532 0130 00")
    ]


def test_iban_wins_over_phone_inside_it() -> None:
    assert [k for k, _, _ in hits("DE89 3704 0044 0532 0130 00")] == ["iban"]


# --------------------------------------------------------------------------- US SSN

SSN_FLAG = [
    ("536-90-4399", "high"),
    ("536 90 4399", "high"),
    ("001-01-0001", "high"),
    ("665-99-9999", "high"),
    ("667-12-3456", "high"),
    ("899-99-9999", "high"),
    ("ssn:536-90-4399", "high"),
    ("078-05-1120", "low"),
    ("123-45-6789", "low"),
    ("219-09-9999", "low"),
    ("111-22-3333", "low"),
    ("555-55-5555", "low"),
]

SSN_REJECT = [
    "000-12-3456",
    "666-12-3456",
    "900-12-3456",
    "987-65-4321",
    "999-99-9999",
    "536-00-4399",
    "536-90-0000",
    "536-90 4399",  # mixed separators
    "536.90.4399",
    "536904399",  # bare nine digits: no context here
    "1536-90-4399",
    "536-90-43991",
    "536-90-4399-1",
    "2024-01-15",
    "v536-90-4399",
]


@pytest.mark.parametrize(("text", "confidence"), SSN_FLAG)
def test_ssn_flagged(text: str, confidence: str) -> None:
    value = text.split(":")[-1]
    assert hits(text) == [("ssn", confidence, value)]


@pytest.mark.parametrize("text", SSN_REJECT)
def test_ssn_rejected(text: str) -> None:
    assert [h for h in hits(text) if h[0] == "ssn"] == []


# --------------------------------------------------------------------------- phone

PHONE_FLAG = [
    ("(415) 234-5678", "medium"),
    ("(415)234-5678", "medium"),
    ("415-234-5678", "medium"),
    ("415.234.5678", "medium"),
    ("415 234 5678", "medium"),
    ("1-415-234-5678", "medium"),
    ("+1 (415) 234-5678", "medium"),
    ("+1-415-234-5678", "medium"),
    ("+1 415 234 5678", "medium"),
    ("+14152345678", "medium"),
    # phonenumbers: the right length but no such area code (555) or range: a fixture
    ("(555) 123-4567", "low"),
    ("555-123-4567", "low"),
    ("+1 555 123 4567", "low"),
    ("+15551234567", "low"),
    ("+44 7700 900123", "low"),  # Ofcom's range for drama
    ("+44 20 7946 0958", "medium"),
    ("+442079460958", "medium"),
    ("+44 (0)20 7946 0958", "medium"),
    ("0044 20 7946 0958", "medium"),
    ("020 7946 0958", "medium"),
    ("(020) 7946 0958", "medium"),
    ("07700 900123", "medium"),
    ("+33 6 12 34 56 78", "medium"),
    ("+33.6.12.34.56.78", "medium"),
    ("06 12 34 56 78", "medium"),
    ("06.12.34.56.78", "medium"),
    ("+49 30 12345678", "medium"),
    ("030 12345678", "medium"),
    ("+49-89-636-48018", "medium"),
    ("+91 98765 43210", "medium"),
    ("+81 3-1234-5678", "medium"),
    ("03-1234-5678", "medium"),
    ("+61 2 9876 5432", "medium"),
    ("02 9876 5432", "medium"),
    ("+86 138 0013 8000", "medium"),
    # fictional US numbers
    ("(212) 555-0123", "low"),
    ("212-555-0199", "low"),
    ("1-800-555-0199", "low"),
    ("+1-212-555-0123", "low"),
    ("555-0123", "low"),
]

PHONE_REJECT = [
    "1667470478",  # unix timestamp
    "0.2371151234",  # a float
    "1667470478.123",
    "12345.6789",
    "5551234567",  # bare digits
    "+1 2 3 4 5 6 7 8",
    "2024-01-15",
    "2024-01-15 12:30:45",
    "15.01.2024 10:00",
    "01/15/2024",
    "12:30:45",
    "10.7.31.9",
    "1.2.3.4.5.6.7",
    "v1.2.3",
    "1 234 567",
    "12 345 678",
    "1.234.567",
    "100-200",
    "2019-2020",
    "02110-1301",  # ZIP+4
    "123-456-7890",  # NANP area cannot start with 1
    "055-123-4567",
    "259-264 1970",
    "-2.002 319 304 3622",
    "0104 140 014 0410",
    "10 20 30 40 50 60",
    "1234567",
    "555-1234",
    "12345678901234567890",
    "batch 32 seed 1234 step 5678",
    "call555-123-4567",
    "555-123-4567x",
    "id-555-123-4567",
    "+0 20 7946 0958",  # no country code starts with 0
    "+2024-01-15",
]


@pytest.mark.parametrize(("text", "confidence"), PHONE_FLAG)
def test_phone_flagged(text: str, confidence: str) -> None:
    assert hits(text) == [("phone", confidence, text)]


@pytest.mark.parametrize("text", PHONE_REJECT)
def test_phone_rejected(text: str) -> None:
    assert [h for h in hits(text) if h[0] == "phone"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Call me at (415) 234-5678.", "(415) 234-5678"),
        ("tel:+44 20 7946 0958", "+44 20 7946 0958"),
        ("phone=415-234-5678", "415-234-5678"),
        ("room 12 (415) 234-5678", "(415) 234-5678"),
        ("ext. 4, +1 415 234 5678", "+1 415 234 5678"),
        # unseparated digits count only when a phone word names them
        ("call me on 07911123456", "07911123456"),
        ("my mobile: 4152345678", "4152345678"),
        ("WhatsApp 0612345678 after 6", "0612345678"),
        ("tel. 004915112345678", "004915112345678"),
    ],
)
def test_phone_in_prose(text: str, value: str) -> None:
    assert hits(text) == [("phone", "medium", value)]


# --------------------------------------------------------------------------- IP addresses

IP_FLAG = [
    ("93.184.216.34", "medium"),
    ("134.213.44.18", "medium"),
    ("2606:4700:4700::1111", "medium"),
    ("2a00:1450:4001:82a::200e", "medium"),
    # not a person's public address
    ("127.0.0.1", "low"),
    ("10.0.0.1", "low"),
    ("10.7.31.9", "low"),
    ("192.168.1.10", "low"),
    ("172.16.5.4", "low"),
    ("169.254.1.1", "low"),
    ("100.64.0.1", "low"),
    ("224.0.0.1", "low"),
    ("0.0.0.0", "low"),
    ("255.255.255.255", "low"),
    ("255.255.255.0", "low"),
    ("240.0.0.1", "low"),
    ("192.0.2.1", "low"),
    ("198.51.100.7", "low"),
    ("203.0.113.9", "low"),
    ("1.2.3.4", "low"),
    ("8.8.8.8", "low"),
    ("1.1.1.1", "low"),
    ("123.45.67.89", "low"),
    ("3.1.1.6", "low"),
    ("::1", "low"),
    ("fe80::1ff:fe23:4567:890a", "low"),
    ("2001:db8::1", "low"),
    ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "low"),
    ("fd12:3456:789a::1", "low"),
    ("ff02::1", "low"),
    ("::ffff:192.0.2.1", "low"),
]

IP_REJECT = [
    "version 10.7.31.9",
    "version=10.7.31.9",
    'version: "93.184.216.34"',
    '{"version": "93.184.216.34"}',
    "ver 93.184.216.34",
    "Version 93.184.216.34",
    "v1.2.3.4",
    "v 93.184.216.34",
    "==1.2.3.4",
    "pkg==93.184.216.34",
    ">=93.184.216.34",
    "release 93.184.216.34",
    "tag: 93.184.216.34",
    "__version__ = '93.184.216.34'",
    "section 93.184.216.34",
    "::",
    "std::vector",
    "std::map<int, int>",
    "a::b",
    "dead::beef",
    "x[24::3]",
    "12:30:45",
    "2024-01-15T12:30:45Z",
    "1.2.3.4.5",
    "256.1.1.1",
    "01.02.03.04",
    "1.0.0.127.in-addr.arpa",
    "encoder.0",
    "24.0",
    "1.2.3",
]


@pytest.mark.parametrize(("text", "confidence"), IP_FLAG)
def test_ip_flagged(text: str, confidence: str) -> None:
    assert hits(text) == [("ip_address", confidence, text)]


@pytest.mark.parametrize("text", IP_REJECT)
def test_ip_rejected(text: str) -> None:
    assert [h for h in hits(text) if h[0] == "ip_address"] == []


@pytest.mark.parametrize(
    ("text", "value", "confidence"),
    [
        ("client 93.184.216.34 connected", "93.184.216.34", "medium"),
        ("93.184.216.34:8080", "93.184.216.34", "medium"),
        ("http://[2606:4700:4700::1111]:443/", "2606:4700:4700::1111", "medium"),
        ("10.0.0.0/8", "10.0.0.0", "low"),
        ("93.184.216.0/24", "93.184.216.0", "low"),  # a network, not a host
        ("2606:4700::/32", "2606:4700::", "low"),
        ("at 93.184.216.34.", "93.184.216.34", "medium"),
    ],
)
def test_ip_in_context(text: str, value: str, confidence: str) -> None:
    assert hits(text) == [("ip_address", confidence, value)]


# --------------------------------------------------------------------------- MAC addresses

MAC_FLAG = [
    "00:1A:2B:3C:4D:5E",
    "00-1a-2b-3c-4d-5e",
    "001a.2b3c.4d5e",
    "de:ad:be:ef:ca:fe",
    "8C:0F:5F:60:F5:C4",
    "01:00:5e:00:00:fb",
]

MAC_REJECT = [
    "00:00:00:00:00:00",
    "FF:FF:FF:FF:FF:FF",
    "ff-ff-ff-ff-ff-ff",
    "0000.0000.0000",
    "ffff.ffff.ffff",
    "00:1A:2B:3C:4D",
    "00:1A:2B:3C:4D:5E:6F",
    "00:1A-2B:3C:4D:5E",
    "gg:hh:ii:jj:kk:ll",
    "001a.2b3c.4d5e.6f70",
    "x00:1A:2B:3C:4D:5E",
]


@pytest.mark.parametrize("text", MAC_FLAG)
def test_mac_flagged(text: str) -> None:
    assert hits(text) == [("mac_address", "medium", text)]


@pytest.mark.parametrize("text", MAC_REJECT)
def test_mac_rejected(text: str) -> None:
    assert [h for h in hits(text) if h[0] == "mac_address"] == []


# --------------------------------------------------------------------------- nothing at all

CLEAN = [
    "",
    "a",
    "resnet50",
    "bert-base-uncased",
    "baseline-run",
    "encoder.layer.0.attention",
    "cuda:0",
    "loss",
    "0.2371151234",
    "1667470478",
    "1e-3",
    "3.14159",
    "24.0",
    "v2",
    "2.0.1",
    "10.7.31",
    "2024-01-15",
    "2024-01-15T12:30:45.123Z",
    "12:30:45",
    "run-20240115-123045",
    "ckpt_epoch=12_step=123456.pt",
    "s3://bucket/path/to/file.csv",
    "https://docs.example.com/start",
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "123e4567-e89b-12d3-a456-426614174000",
    "d41d8cd98f00b204e9800998ecf8427e",
    "std::vector<int>",
    "::",
    "model@v1.2",
    "@mlflow.trace",
    "torch==2.3.1",
    "numpy>=1.24,<2",
    "lr=0.001 batch_size=32 epochs=100",
    "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]",
    "1 2 3 4 5 6 7 8 9",
    "shape (1024, 768)",
    "accuracy 0.9123456 loss 0.1234567",
    "The quick brown fox jumps over the lazy dog.",
    "version 10.7.31.9",
    "x[24::3]",
    "42",
    "-1234567",
    "ids: 1234567, 2345678, 3456789",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_strings(text: str) -> None:
    assert find_values(text) == []


# --------------------------------------------------------------------------- free text

FREE_TEXT = (
    "Contact Jane at jane.doe@gmail.com or +44 20 7946 0958; card 4095 2609 9393 4932, "
    "IBAN DE89 3704 0044 0532 0130 00, SSN 536-90-4399, seen from 93.184.216.34 "
    "(MAC 00:1A:2B:3C:4D:5E)."
)


def test_free_text_finds_every_value_in_order() -> None:
    assert hits(FREE_TEXT) == [
        ("email", "high", "jane.doe@gmail.com"),
        ("phone", "medium", "+44 20 7946 0958"),
        ("payment_card", "high", "4095 2609 9393 4932"),
        ("iban", "high", "DE89 3704 0044 0532 0130 00"),
        ("ssn", "high", "536-90-4399"),
        ("ip_address", "medium", "93.184.216.34"),
        ("mac_address", "medium", "00:1A:2B:3C:4D:5E"),
    ]


def test_free_text_spans() -> None:
    found = find_values(FREE_TEXT)
    first = found[0]
    assert (first.start, first.end) == (16, 34)
    assert FREE_TEXT[first.start : first.end] == "jane.doe@gmail.com"
    starts = [h.start for h in found]
    assert starts == sorted(starts)
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


def test_free_text_mixed_confidence() -> None:
    text = "call 020 7946 0958 or mail bob.k@example.com from 10.0.0.7 and noreply@github.com"
    assert hits(text) == [
        ("phone", "medium", "020 7946 0958"),
        ("email", "medium", "bob.k@example.com"),
        ("ip_address", "low", "10.0.0.7"),
        ("email", "low", "noreply@github.com"),
    ]


def test_repeated_values_each_found() -> None:
    text = "a: jane.doe@gmail.com, b: jane.doe@gmail.com"
    assert [(h.start, h.end) for h in find_values(text)] == [(3, 21), (26, 44)]


ALL_FLAG_TEXTS = (
    [t for t, _ in EMAIL_FLAG]
    + [n for _, n in VALID_CARDS]
    + TEST_PANS
    + VALID_IBANS
    + [t for t, _ in SSN_FLAG]
    + [t for t, _ in PHONE_FLAG]
    + [t for t, _ in IP_FLAG]
    + MAC_FLAG
    + [FREE_TEXT]
)


@pytest.mark.parametrize("text", ALL_FLAG_TEXTS)
def test_results_sorted_and_non_overlapping(text: str) -> None:
    found = find_values(text)
    assert found
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start
    for h in found:
        assert 0 <= h.start < h.end <= len(text)


# --------------------------------------------------------------------------- strongest_value


def test_strongest_value_prefers_confidence() -> None:
    text = "from 10.0.0.7, mail alice@example.com or jane.doe@gmail.com"
    best = strongest_value(text)
    assert best is not None
    assert text[best.start : best.end] == "jane.doe@gmail.com"
    assert best.confidence == "high"


def test_strongest_value_first_on_ties() -> None:
    text = "93.184.216.34 then 134.213.44.18"
    best = strongest_value(text)
    assert best is not None
    assert (best.start, best.kind, best.confidence) == (0, "ip_address", "medium")


def test_strongest_value_none() -> None:
    assert strongest_value("loss 0.123") is None
    assert strongest_value("") is None


def test_strongest_value_low_only() -> None:
    best = strongest_value("host 127.0.0.1")
    assert best is not None and best.confidence == "low"


# --------------------------------------------------------------------------- the dataclass

LABELS = {
    "email": ("an e-mail address", "<EMAIL>"),
    "payment_card": ("a payment card number", "<CARD>"),
    "iban": ("an IBAN", "<IBAN>"),
    "ssn": ("a US social security number", "<SSN>"),
    "phone": ("a phone number", "<PHONE>"),
    "ip_address": ("an IP address", "<IP>"),
    "mac_address": ("a MAC address", "<MAC>"),
}


@pytest.mark.parametrize(("kind", "expected"), LABELS.items())
def test_label_and_marker(kind: str, expected: tuple[str, str]) -> None:
    hit = ValueEvidence(kind, "high", 0, 1)
    assert (hit.label, hit.marker) == expected


def test_value_evidence_is_frozen_and_slotted() -> None:
    hit = ValueEvidence("email", "high", 0, 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.kind = "phone"  # type: ignore[misc]
    assert not hasattr(hit, "__dict__")
    assert hit == ValueEvidence("email", "high", 0, 5)


# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize("text", ALL_FLAG_TEXTS)
def test_redaction_reveals_at_most_the_first_character(text: str) -> None:
    for hit in find_values(text):
        value = text[hit.start : hit.end]
        shown = redact_for_display(text, hit)
        assert shown != value
        checked = shown
        if hit.kind == "email":
            local, _, domain = value.rpartition("@")
            assert shown == f"{local[0]}***@{domain}"
            checked = shown.rpartition("@")[0]
            if len(local) > 1:
                assert local[1:] not in checked
        first_alnum = next(c for c in value if c.isalnum())
        shown_digits = re.findall(r"\d", checked)
        assert len(shown_digits) <= 1
        if shown_digits:
            assert shown_digits == [first_alnum]
        shown_letters = [c for c in checked if c in string.ascii_letters]
        if hit.kind == "iban":
            assert checked.startswith(value[:2].upper())
            assert len(shown_letters) <= 2
        else:
            assert len(shown_letters) <= 1


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("reach me at jane.doe@example.org", "j***@example.org"),
        ("4111 1111 1111 1111", "4*** **** **** ****"),
        ("4095260993934932", "4***************"),
        ("+44 20 7946 0958", "+4***"),
        ("(555) 123-4567", "5***"),
        ("DE89 3704 0044 0532 0130 00", "DE**…"),
        ("536-90-4399", "***-**-****"),
        ("536 90 4399", "*** ** ****"),
        ("93.184.216.34", "9*.*.*.*"),
        ("2606:4700:4700::1111", "2***:…"),
        ("00:1A:2B:3C:4D:5E", "0*:**:**:**:**:**"),
        ("001a.2b3c.4d5e", "0***.****.****"),
    ],
)
def test_redaction_renderings(text: str, shown: str) -> None:
    hit = strongest_value(text)
    assert hit is not None
    assert redact_for_display(text, hit) == shown


# --------------------------------------------------------------------------- TLD snapshot


def _snapshot() -> list[str]:
    text = resources.files("logmask.evidence").joinpath("tlds.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_tld_snapshot_shape() -> None:
    tlds = _snapshot()
    assert len(tlds) > 1000
    assert len(tlds) == len(set(tlds))
    assert all(re.fullmatch(r"[a-z0-9-]+", t) for t in tlds)


@pytest.mark.parametrize(
    "tld",
    [
        "com",
        "org",
        "net",
        "edu",
        "gov",
        "io",
        "ai",
        "dev",
        "app",
        "me",
        "uk",
        "de",
        "fr",
        "jp",
        "cn",
        "br",
        "in",
        "ru",
        "nl",
        "ar",
        "au",
        "ca",
        "ch",
        "za",
        "amsterdam",
        "xn--p1ai",
    ],
)
def test_tld_snapshot_has(tld: str) -> None:
    assert tld in _snapshot()


@pytest.mark.parametrize(
    "name", ["example", "test", "invalid", "local", "localhost", "notatld", "internal"]
)
def test_tld_snapshot_lacks_reserved_names(name: str) -> None:
    assert name not in _snapshot()


def test_all_iso_cctlds_present() -> None:
    # Every IBAN country here but Kosovo (XK, a user-assigned code) has a ccTLD.
    tlds = set(_snapshot())
    for cc, _ in IBAN_BBANS:
        assert cc == "XK" or cc.lower() in tlds

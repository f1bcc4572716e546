"""What bad input looks like: hypothesis strategies shared by every form's property."""

import uuid

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# CI: reproducible (derandomize, no example database), no deadline (the first request of a
# test warms caches), a test client inside a function-scoped fixture is what we want.
FORM_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
XSS = [
    SCRIPT,
    IMG,
    "<svg/onload=alert(1)>",
    "'><script>alert(1)</script>",
    "javascript:alert(1)",
    "{{ request.user.password }}{% debug %}",
]
# Markers that must never reach a page unescaped.
RAW_MARKERS = ["<script>alert(1)", "<img src=x onerror", "<svg/onload"]

UNICODE = [
    "\x00",
    "a\x00b",
    "\u202etxt.exe\u202c",  # right-to-left override
    "مرحبا بالعالم",  # Arabic (RTL)
    "שלום עולם",  # Hebrew (RTL)
    "👩🏽‍💻🚀🇺🇸",
    "\ufeffBOM",
    "Zalgo t̷̢̛e̶͇x̸t",
    "Robert'); DROP TABLE customers_customer;--",
    "%s %n %x {0} ${x}",
    "../../etc/passwd",
    "line\r\nbreak\ttab",
    " ",
    "",
    "０１２",  # full-width digits
]

_ID = "0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7"
GUID_LOOKALIKES = [
    _ID.upper(),
    "{" + _ID + "}",
    _ID[:-1],
    _ID + "0",
    _ID.replace("-", ""),
    "urn:uuid:" + _ID,
    _ID.replace("f", "g"),
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    " " + _ID + " ",
]

NUMBERS = [
    "-1",
    "0",
    "1",
    "10000",
    "10001",
    str(10**12),
    str(10**30),
    "1e9",
    "NaN",
    "Infinity",
    "-0",
    "1.5",
    "0x10",
    " 7 ",
    "٣",  # Arabic-Indic digit
    "9" * 400,
]


# Appended to an otherwise valid value, so the input gets past the form to the service and
# the database: a NUL byte (PostgreSQL refuses it in text), markup, RTL override, emoji.
POISON = ["\x00", SCRIPT, IMG, "\u202e", "👩🏽‍💻", "   "]


def poisoned(valid: str):
    return st.sampled_from(POISON).map(lambda poison: valid + poison)


def huge_text():
    """10k+ characters, ASCII, accented, emoji or markup."""
    return st.builds(
        lambda unit, n: unit * n,
        st.sampled_from(["A", "é", "😀", SCRIPT, "a-"]),
        st.integers(min_value=10_001, max_value=12_000),
    ).map(lambda s: s[:12_000] if len(s) > 12_000 else s)


def bad_text():
    """Any one kind of bad input for a text field."""
    return st.one_of(
        st.text(max_size=300),  # random text (no surrogates: they cannot be encoded)
        st.sampled_from(XSS + UNICODE + GUID_LOOKALIKES + NUMBERS),
        st.builds(lambda a, b: a + b, st.text(max_size=20), st.sampled_from(XSS + POISON)),
        huge_text(),
    )


def bad_number():
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(10**15), max_value=10**15).map(str),
        bad_text(),
    )


def bad_guid():
    return st.one_of(
        st.sampled_from(GUID_LOOKALIKES),
        st.uuids().map(str),
        bad_text(),
    )


def field_or_bad(valid, bad):
    """Keep the valid value, leave the field out, poison it, or replace it with bad input."""
    options = [st.just(valid), st.just(None), bad]
    if isinstance(valid, str) and valid:
        options.insert(2, poisoned(valid))
    return st.one_of(options)


def form_data(valid: dict, bad_for: dict) -> st.SearchStrategy:
    """A post: each field of ``valid`` kept, dropped (None) or replaced by its bad strategy."""
    fields = {
        name: field_or_bad(value, bad_for.get(name, bad_text())) for name, value in valid.items()
    }
    return st.fixed_dictionaries(fields).map(
        lambda data: {name: value for name, value in data.items() if value is not None}
    )


def fresh_key() -> str:
    return str(uuid.uuid4())

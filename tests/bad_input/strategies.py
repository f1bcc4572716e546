"""What bad input looks like: hypothesis strategies for the forms' and the API's properties."""

import json
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


# --- /v1/: what only an API client can send ------------------------------------------------

# Digits of other scripts, which Python's int() reads (and "²", which isdigit() calls a digit).
NON_ASCII_DIGITS = ["５", "１０", "٣", "١٢", "۴", "५", "৫", "߇", "𝟓", "²", "1_0", "٣.0"]
# Each stands for an ASCII letter under Python's re IGNORECASE, or looks like one.
LOOK_ALIKE_LETTERS = {"s": "ſ", "i": "ı", "k": "\u212a", "a": "а", "e": "е", "o": "ο", "p": "ｐ"}
LOOK_ALIKE_PREFIXES = [
    "ſpringfield",
    "springfıeld",
    "sprİngfield",
    "\u212aingcounty",
    "homoſraph",
    "ｓpringfield",
    "springfiеld",  # Cyrillic e
]
LONE_SURROGATES = ["\ud800", "a\udfffb", "\udbff", "\udc00x", "\ud83d"]  # no pair
# HTTP can carry these in a header value: tab, visible ASCII, space, and bytes 0x80-0xFF
# (obs-text, which servers hand to Django as latin-1 characters).
HEADER_ALPHABET = st.characters(
    codec="latin-1", exclude_characters="\r\n", exclude_categories=["Cc"]
) | st.sampled_from(["\t", "\x85", "\x9f"])


def look_alike_domain(suffix: str = ".onmicrosoft.com"):
    """A domain in which one letter is a look-alike of an ASCII letter."""
    plain = st.sampled_from(["springfield", "parkside", "kingcounty", "homograph"])
    return st.builds(_swap_one, plain, st.randoms(use_true_random=False)).map(
        lambda prefix: prefix + suffix
    ) | st.sampled_from([p + suffix for p in LOOK_ALIKE_PREFIXES])


def _swap_one(word: str, rnd) -> str:
    spots = [i for i, ch in enumerate(word) if ch in LOOK_ALIKE_LETTERS]
    i = rnd.choice(spots)
    return word[:i] + LOOK_ALIKE_LETTERS[word[i]] + word[i + 1 :]


def non_ascii_digits():
    """A number written in another script's digits (or with separators int() skips)."""
    return st.sampled_from(NON_ASCII_DIGITS) | st.integers(0, 9999).map(
        lambda n: str(n).translate(FULLWIDTH)
    )


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def header_value():
    """Any value a header can carry, and the ones worth trying on purpose."""
    return st.one_of(
        st.text(HEADER_ALPHABET, max_size=80),
        st.sampled_from(
            XSS
            + GUID_LOOKALIKES
            + [
                "",
                " ",
                '";=,',
                "a;b=c",
                "\xe9\xff",
                "x" * 64,
                "x" * 65,
                "x" * 128,
                "x" * 129,
                "A" * 8000,
                "0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7",
                "../../etc/passwd",
                "${jndi:ldap://x/a}",
            ]
        ),
    )


def deep_json(max_depth: int = 100_000):
    """``(depth, closed, text)``: brackets nested from just under the API's limit of 32 to
    ``max_depth`` deep, closed again or not."""
    return st.builds(
        lambda depth, opener, closed: (
            depth,
            closed,
            opener * depth + "1" + ("]" if opener == "[" else "}") * (depth if closed else 0),
        ),
        st.one_of(st.integers(28, 40), st.sampled_from([1_200, 50_000, max_depth])),
        st.sampled_from(["[", '{"a":']),
        st.booleans(),
    )


JSON_SCALARS = st.one_of(
    bad_text(),
    st.sampled_from(NON_ASCII_DIGITS + LONE_SURROGATES),
    look_alike_domain(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(bad_text(), inner, max_size=3),
    max_leaves=6,
)


# --- Spoiling a valid JSON body ----------------------------------------------------------------


def json_paths(document, prefix=()) -> list[tuple]:
    """Every path into ``document`` (keys and list indexes), the root ``()`` first."""
    paths = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            paths += json_paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            paths += json_paths(value, (*prefix, index))
    return paths


def object_paths(document) -> list[tuple]:
    return [p for p in json_paths(document) if isinstance(value_at(document, p), dict)]


def value_at(document, path: tuple):
    for step in path:
        document = document[step]
    return document


def replaced(document, path: tuple, value):
    """A copy of ``document`` with the value at ``path`` replaced (the whole, for ``()``)."""
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    value_at(copy, path[:-1])[path[-1]] = value
    return copy


def without(document, path: tuple):
    copy = json.loads(json.dumps(document))
    parent = value_at(copy, path[:-1])
    if isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    return copy


DUPLICATE = "__the_key_again__"


def with_duplicate_key(document, path: tuple, key: str, value, spelling: str) -> str:
    """``document`` as JSON text, the object at ``path`` sending ``key`` a second time (as
    given, or in another case), with ``value``."""
    copy = json.loads(json.dumps(document))
    value_at(copy, path)[DUPLICATE] = value
    again = {"same": key, "upper": key.upper(), "lower": key.lower(), "swap": key.swapcase()}
    return json.dumps(copy).replace(json.dumps(DUPLICATE), json.dumps(again[spelling]))


def encoded(document) -> st.SearchStrategy[bytes]:
    """The document as bytes: escaped ASCII (lone surrogates as \\ud800), or UTF-8 (where a
    lone surrogate becomes bytes that are no UTF-8 at all)."""
    return st.sampled_from(
        [
            json.dumps(document).encode(),
            json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass"),
        ]
    )

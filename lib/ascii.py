"""Whole numbers that people and tools type are ASCII by rule (GUIDs too: the GUID fields of
api.serializers and lib.formfields refuse non-ASCII text before ``uuid.UUID`` reads it).

Python reads every script's digits: ``int("５") == 5``, ``int("١٢") == 12``, ``int("1_000")
== 1000``, and ``uuid.UUID`` parses through ``int(…, 16)`` as well. Django's and DRF's integer
and UUID fields inherit that, so a quantity typed in fullwidth digits placed an order. Here a
whole number is ASCII digits with an optional sign (ASCII spaces around it are dropped).
"""

import re

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+", re.ASCII)
ASCII_SPACE = " \t\r\n"


def is_whole_number(text: str) -> bool:
    """Whether ``text`` is a whole number in ASCII digits: ``"12"``, ``" -3 "``; not ``"５"``,
    ``"1_000"``, ``"1.0"`` or ``"1e3"``."""
    return WHOLE_NUMBER.fullmatch(text.strip(ASCII_SPACE)) is not None


def whole_number(text: str) -> int:
    """``text`` as an int; ValueError unless ``is_whole_number(text)`` (or too many digits)."""
    if not is_whole_number(text):
        raise ValueError(f"{text[:20]!r} is not a whole number in ASCII digits")
    return int(text.strip(ASCII_SPACE))

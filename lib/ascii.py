"""Whole numbers and GUIDs that people and tools type are ASCII by rule.

Python reads every script's digits: ``int("５") == 5``, ``int("١٢") == 12``, ``int("1_000")
== 1000``, and ``uuid.UUID`` parses through ``int(…, 16)`` as well. Django's and DRF's integer
and UUID fields inherit that, so a quantity typed in fullwidth digits placed an order. Here a
whole number is ASCII digits with an optional sign (ASCII spaces around it are dropped), and a
GUID is ASCII text in any spelling ``uuid.UUID`` reads.
"""

import re
import uuid

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


def guid(text: str) -> uuid.UUID:
    """``text`` as a UUID; ValueError if it is not one, or if it is not ASCII (``uuid.UUID``
    would read fullwidth hex digits as the GUID they look like)."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("a GUID is written in ASCII")
    return uuid.UUID(text.strip(ASCII_SPACE))

"""The /v1/ JSON reader: request bodies (``StrictJsonParser``) and JSON in query parameters
(``loads``, for ``filter=``) are read by the same rules.

Python's ``json`` accepts what no client means and some that it cannot survive:

* nesting thousands deep recurses until ``RecursionError`` (a 500): here the depth is
  counted first, without recursion, and over ``MAX_DEPTH`` levels is refused;
* a key sent twice keeps the last value (``{"quantity": 20000, "quantity": 1}`` ordered 1):
  refused, and since the API matches keys without case (``keys.match_keys``), so are
  ``quantity`` and ``Quantity`` in one object;
* ``"\\ud800"`` decodes to a lone surrogate, which no database or response can encode:
  refused, anywhere in the document (values and keys);
* ``NaN``, ``Infinity`` and numbers that overflow a float (``1e400``): refused.
"""

import json
import math
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .keys import key_fold

MAX_DEPTH = 32  # the deepest body of the API nests 4 levels

# A JSON string, or an unterminated one up to the end of the text (possessive, so no text
# makes the scan backtrack).
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_INNERMOST_PAIR = re.compile(r"\[\]|\{\}")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonInputError(ValueError):
    """Why a JSON text is refused, in words for the caller."""


def _within_depth(text: str, limit: int) -> bool:
    """Whether the text's brackets (outside strings) nest at most ``limit`` deep, and pair up.
    Each round removes the innermost pairs, one level, at regex speed."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(limit):
        if not brackets:
            return True
        brackets, removed = _INNERMOST_PAIR.subn("", brackets)
        if not removed:
            return False
    return not brackets


def _object(pairs: list) -> dict:
    seen = {}
    for key, _value in pairs:
        folded = key_fold(key)
        if folded in seen:
            if seen[folded] == key:
                raise JsonInputError(f"the key {key[:64]!r} is sent twice in one object")
            raise JsonInputError(
                f"the keys {seen[folded][:64]!r} and {key[:64]!r} are the same key (keys are "
                "matched without case)"
            )
        seen[folded] = key
    return dict(pairs)


def _constant(name: str):
    raise JsonInputError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonInputError(f"the number {text[:32]} is out of range")
    return value


def _has_lone_surrogate(document) -> bool:
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def loads(text: str):
    """The JSON document in ``text``; JsonInputError (a ValueError) saying why not."""
    if not _within_depth(text, MAX_DEPTH):
        raise JsonInputError(
            f"it nests deeper than {MAX_DEPTH} levels, or its brackets do not pair up"
        )
    try:
        document = json.loads(
            text, object_pairs_hook=_object, parse_constant=_constant, parse_float=_finite
        )
    except JsonInputError:
        raise
    except RecursionError as exc:  # not expected after the depth check; never a 500
        raise JsonInputError(f"it nests deeper than {MAX_DEPTH} levels") from exc
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4,300 digits
        raise JsonInputError(str(exc)) from exc
    if _has_lone_surrogate(document):
        raise JsonInputError(
            "it has a lone surrogate (a \\ud800-\\udfff escape without its pair), which is no "
            "character"
        )
    return document


class StrictJsonParser(JSONParser):
    """DRF's JSONParser, reading by ``loads``: every /v1/ body (REST_FRAMEWORK settings)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)  # bytes.decode: text encodings only
        except (LookupError, ValueError) as exc:
            raise ParseError(f"the body is not {str(encoding)[:40]} text") from exc
        try:
            return loads(text)
        except JsonInputError as exc:
            raise ParseError(str(exc)) from exc

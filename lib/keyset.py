"""Keyset ("seek") pagination over a two-column sort key, e.g. (name, id).

A page is found from the key of the row before (or after) it, so page 4,000 costs what page 1
does: an index on the key is read from that point, and nothing is counted or skipped. The
cursor in the URL is signed, so it is only ever one this code wrote.
"""

from dataclasses import dataclass

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "lib.keyset"
FIRST, NEXT, PREVIOUS, LAST = "first", "next", "previous", "last"


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    next_cursor: str | None  # the page after, if any
    previous_cursor: str | None  # the page before, if any

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _after(first: str, second: str, key, *, backwards: bool) -> Q:
    """Rows after ``key`` in (first, second) order (before it, ``backwards``). Written so an
    index on (…, first, second) seeks to it: ``first >= x AND (first > x OR second > y)``."""
    op = "lt" if backwards else "gt"
    return Q(**{f"{first}__{op}e": key[0]}) & (
        Q(**{f"{first}__{op}": key[0]}) | Q(**{f"{second}__{op}": key[1]})
    )


def cursor_for(key) -> str:
    return signing.dumps([str(key[0]), int(key[1])], salt=SALT, compress=True)


def key_from(cursor: str | None):
    """The key a cursor names; None for a missing or tampered one (the first page)."""
    if not cursor:
        return None
    try:
        first, second = signing.loads(cursor, salt=SALT)
        return str(first), int(second)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def keyset_page(
    rows: QuerySet,
    *,
    order: tuple[str, str],
    key_of,
    size: int,
    cursor: str | None = None,
    direction: str = FIRST,
) -> KeysetPage:
    """One page of ``rows`` in ``order`` (two fields, the second unique): the first, the last,
    or the one after / before ``cursor``. ``key_of(row)`` gives a row's (first, second)."""
    first, second = order
    key = key_from(cursor)
    backwards = direction in (PREVIOUS, LAST)
    if direction in (NEXT, PREVIOUS) and key is None:
        direction, backwards = FIRST, False
    if direction in (NEXT, PREVIOUS):
        rows = rows.filter(_after(first, second, key, backwards=backwards))
    ordering = (f"-{first}", f"-{second}") if backwards else (first, second)
    found = list(rows.order_by(*ordering)[: size + 1])
    more, found = len(found) > size, found[:size]
    if backwards:
        found.reverse()
    if not found:
        return KeysetPage([], None, None)
    # Going forwards, there is a page before unless this is the first; backwards, after.
    has_next = more if not backwards else direction == PREVIOUS
    has_previous = more if backwards else direction == NEXT
    return KeysetPage(
        found,
        next_cursor=cursor_for(key_of(found[-1])) if has_next else None,
        previous_cursor=cursor_for(key_of(found[0])) if has_previous else None,
    )

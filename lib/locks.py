"""A lock held until the current transaction ends, for "check, then create" under retries.

Two copies of the same submission (a double click, a client's retry racing its first attempt)
each read "no earlier order" and both insert: the loser's insert then fails on the unique
submission key. Holding a lock named after the key from before the read until the commit makes
the second copy wait for the first one's commit and then read its result.

On PostgreSQL this is a transaction-level advisory lock (released at COMMIT or ROLLBACK, no row
needed). SQLite needs none: the portal opens its transactions with ``BEGIN IMMEDIATE``, so
writing transactions already run one at a time.
"""

import hashlib

from django.db import connection


def lock_for_transaction(name: str) -> None:
    """Wait for, then hold until this transaction ends, the lock called ``name``. Outside a
    transaction it only waits for whoever holds it (the lock ends with the statement)."""
    if connection.vendor != "postgresql":
        return
    # pg_advisory_xact_lock takes a signed 64-bit key: the first 8 bytes of the name's digest.
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])

"""Django's cache, failing open: an unreachable cache (Redis down) is a miss, never an error.

What is kept here can always be computed again, so a cache outage costs time, not pages.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def cache_get(key: str):
    """The value kept under ``key``, or None (also when the cache can't be reached)."""
    try:
        return cache.get(key)
    except Exception as exc:  # each cache backend raises its own client's errors
        logger.warning("cache unreachable, computing again: %s", exc)
        return None


def cache_set(key: str, value, seconds: float) -> None:
    """Keep ``value`` for ``seconds`` (0: not at all); a cache that can't be reached is skipped."""
    if seconds <= 0:
        return
    try:
        cache.set(key, value, seconds)
    except Exception as exc:
        logger.warning("cache unreachable, not kept: %s", exc)

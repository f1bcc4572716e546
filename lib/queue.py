"""Enqueue Celery tasks after the transaction commits, without failing when the broker is down.

Work is always recorded in the database first; a task is only a nudge. If the broker cannot
be reached, the beat sweep finds the work in the database and does it later.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _send(task, args: tuple) -> None:
    try:
        task.delay(*args)
    except Exception:  # kombu raises several kinds of connection errors
        logger.warning("broker unreachable; %s%r left for the sweep", task.name, args)


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: _send(task, args))

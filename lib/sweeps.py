"""Sweeps that take their items one at a time: one item that raises never blocks the others.

The review sweep (validation) and the provisioning sweep (orders) share this. Their models
carry the bookkeeping fields ``sweep_attempts``, ``sweep_error`` and ``stuck_at``.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

# Whoever moves an item on (the review starts, a decision, a provisioning, a retry) clears the
# sweep's bookkeeping: only failures in a row count, and an item that moved on is not stuck.
SWEEP_RESET = {"sweep_attempts": 0, "sweep_error": "", "stuck_at": None}


def sweep_reset(item) -> list[str]:
    """Clear ``item``'s sweep bookkeeping (not saved); return the fields to save."""
    for name, value in SWEEP_RESET.items():
        setattr(item, name, value)
    return list(SWEEP_RESET)


@dataclass
class SweepOutcome:
    done: dict[int, object] = field(default_factory=dict)  # pk -> what the work returned
    failed: dict[int, str] = field(default_factory=dict)  # pk -> "ExceptionClass: message"
    stuck: list[int] = field(default_factory=list)  # set aside by this sweep


def sweep_one_at_a_time(
    candidates: QuerySet, work: Callable[[int], object], *, limit: int, now: datetime
) -> SweepOutcome:
    """Run ``work(pk)`` on up to ``limit`` of ``candidates`` (in their order), each claimed and
    committed on its own transaction: ``select_for_update(skip_locked=True)`` on that one row,
    so two sweeps on PostgreSQL split the work and never take the same item.

    An item whose work raises is rolled back alone (a savepoint), counted as a failed attempt
    while still locked, and set aside as stuck after ``GCC_SWEEP_MAX_ATTEMPTS`` failures in a
    row; the sweep goes on with the rest. Each item is tried at most once per sweep.
    ``candidates`` is a queryset of a model with ``sweep_attempts``, ``sweep_error`` and
    ``stuck_at`` that leaves stuck items out."""
    outcome = SweepOutcome()
    tried: list[int] = []
    for _ in range(limit):
        with transaction.atomic():
            pk = (
                candidates.select_for_update(skip_locked=True)
                .exclude(pk__in=tried)
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                break
            tried.append(pk)
            try:
                with transaction.atomic():
                    outcome.done[pk] = work(pk)
            except Exception as exc:  # one bad item must not stop the others
                outcome.failed[pk], stuck = _sweep_failure_record(
                    candidates.model, pk, exc, now=now
                )
                if stuck:
                    outcome.stuck.append(pk)
    return outcome


def _short_error(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return (f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__)[:300]


def _sweep_failure_record(model, pk: int, exc: Exception, *, now: datetime) -> tuple[str, bool]:
    """Count a failed try on the item (locked by the caller); return its error and whether it
    is now stuck. The full traceback goes to the log."""
    item = model.objects.get(pk=pk)
    item.sweep_attempts += 1
    item.sweep_error = _short_error(exc)
    limit = settings.GCC_SWEEP_MAX_ATTEMPTS
    stuck = item.sweep_attempts >= limit
    if stuck:
        item.stuck_at = now
    item._change_reason = f"Sweep attempt {item.sweep_attempts} of {limit} failed" + (
        ": set aside (stuck)." if stuck else "."
    )  # the history row's reason (validation requests)
    item.save(update_fields=list(SWEEP_RESET))
    logger.error(
        "sweep: %s %s failed (attempt %d of %d)%s",
        model._meta.label,
        pk,
        item.sweep_attempts,
        limit,
        ", set aside as stuck" if stuck else "",
        exc_info=exc,
        extra={"item": f"{model._meta.label_lower}:{pk}", "stuck": stuck},
    )
    return item.sweep_error, stuck

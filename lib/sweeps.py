"""Sweeps: one item that raises never blocks the others, and a beat tick drains a backlog.

The review sweep (validation) and the provisioning sweep (orders) share this. Their models
carry the bookkeeping fields ``sweep_attempts``, ``sweep_error`` and ``stuck_at``.

- ``sweep_one_at_a_time``: each item claimed, worked and committed on its own.
- ``sweep_batch``: a whole batch claimed and worked set-based in one transaction; if that
  raises, the same items go through ``sweep_one_at_a_time`` (which isolates the bad one).
- ``drain``: a beat tick runs batches until nothing is left or its time budget is spent.
"""

import contextvars
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Case, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

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

    @property
    def tried(self) -> list[int]:
        return [*self.done, *self.failed]


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


def sweep_batch(
    candidates: QuerySet,
    work: Callable[[list], dict[int, object]],
    work_one: Callable[[int], object],
    *,
    limit: int,
    now: datetime,
) -> SweepOutcome:
    """Claim up to ``limit`` of ``candidates`` (in their order) at once and hand them, as model
    instances, to ``work(items)``, which does everything set-based and returns pk -> outcome;
    all in one transaction, the rows locked (``select_for_update(skip_locked=True)``): two
    sweeps split the work, and whoever else wants one of these rows waits until the batch
    commits, then finds it changed.

    If ``work`` raises, the batch is rolled back and its items go one at a time through
    ``sweep_one_at_a_time`` with ``work_one(pk)``: the bad item is counted (and set aside as
    stuck in the end), the others are done."""
    items: list = []
    try:
        with transaction.atomic():
            items = list(candidates.select_for_update(skip_locked=True)[:limit])
            if not items:
                return SweepOutcome()
            return SweepOutcome(done=work(items))
    except Exception as exc:  # one bad item must not stop the others
        if not items:
            raise
        logger.warning(
            "sweep: a batch of %d %s failed (%s); taking them one at a time",
            len(items),
            candidates.model._meta.label,
            _short_error(exc),
            exc_info=exc,
        )
    pks = [item.pk for item in items]
    return sweep_one_at_a_time(candidates.filter(pk__in=pks), work_one, limit=len(pks), now=now)


# --- Set-based writes --------------------------------------------------------------------


def _grouped(values: dict[int, object]) -> list[tuple[object, list[int]]]:
    """``values`` (pk -> value) as (value, pks) for each distinct value, in first-seen order."""
    groups: dict[str, tuple[object, list[int]]] = {}
    for pk, value in values.items():
        # Equal values have equal reprs here (JSON-like values built the same way); two equal
        # values that print differently only make one more branch.
        groups.setdefault(repr(value), (value, []))[1].append(pk)
    return list(groups.values())


def per_row(model, field_name: str, values: dict[int, object]):
    """An expression for ``QuerySet.update``: each row (by pk) gets its own value of
    ``field_name``. One CASE, as ``bulk_update`` writes it, with one branch per distinct value
    (rows of a batch often share theirs: the same checklist, the same reason)."""
    output = model._meta.get_field(field_name)
    case = Case(
        *(
            When(pk__in=pks, then=Value(value, output_field=output))
            for value, pks in _grouped(values)
        ),
        output_field=output,
    )
    if connection.features.requires_casted_case_in_updates:
        return Cast(case, output_field=output)
    return case


# The columns django-simple-history adds to a model's own in its historical table.
HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def history_copy(model, reasons: dict[int, str | None], *, history_type: str) -> None:
    """The history rows (django-simple-history) ``save()`` would write for these rows of
    ``model``, as they are now in the database: copied by the database in one
    ``INSERT … SELECT``, with ``reasons`` (pk -> change reason) and no user (the sweeps act for
    nobody). ``history_type`` is "+" (created) or "~" (changed). A historical model with more
    than the standard columns is written with ``bulk_history_create`` instead."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not reasons:
        return
    history = model.history.model
    tracked = list(history.tracked_fields)
    own = {f.column for f in history._meta.concrete_fields} - {f.column for f in tracked}
    if own != HISTORY_COLUMNS:
        rows = list(model.objects.filter(pk__in=list(reasons)))
        for row in rows:
            row._change_reason = reasons[row.pk]
        model.history.bulk_history_create(rows, update=history_type == "~")
        return
    qn = connection.ops.quote_name
    source = {f.attname: f.column for f in model._meta.concrete_fields}
    columns = [f.column for f in tracked]
    selected = [qn(source[f.attname]) for f in tracked]
    params: list = []
    branches = []
    for reason, pks in _grouped(reasons):
        branches.append(
            f"WHEN {qn(model._meta.pk.column)} IN ({', '.join(['%s'] * len(pks))}) THEN %s"
        )
        params += [*pks, reason]
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {qn(history._meta.db_table)} "
        f"({', '.join(qn(c) for c in columns)}, history_date, history_change_reason, "
        f"history_type, history_user_id) "
        f"SELECT {', '.join(selected)}, %s, CASE {' '.join(branches)} END, %s, NULL "
        f"FROM {qn(model._meta.db_table)} "
        f"WHERE {qn(model._meta.pk.column)} IN ({', '.join(['%s'] * len(reasons))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [when, *params, history_type, *reasons])


# --- Draining a backlog ----------------------------------------------------------------------

_clock = time.monotonic  # tests replace it


def sweep_time_budget() -> float:
    """Seconds a beat tick may spend sweeping: ``GCC_SWEEP_TIME_BUDGET_SECONDS``, and never
    more than half the interval between ticks (a tick must not run into the next one)."""
    return min(settings.GCC_SWEEP_TIME_BUDGET_SECONDS, settings.GCC_SWEEP_INTERVAL_SECONDS / 2)


def drain(run_batch: Callable[[], bool], *, budget_seconds: float, threads: int = 1) -> int:
    """Run ``run_batch()`` (it returns whether more may be waiting) until it says nothing is
    left or ``budget_seconds`` are spent; at least once. The budget is checked between batches,
    so a tick overruns it by at most one batch. Returns how many batches ran.

    With ``threads`` > 1, as many loops run at once, each in a thread with its own database
    connection (closed at the end): while one waits for the database, another works in Python.
    ``run_batch`` must then be safe to call from several threads at once (its batches claimed
    with ``skip_locked``). Threads are used only where they help and can work: on a database
    with concurrent writers and row locks that skip (PostgreSQL, not SQLite), and outside a
    transaction (a thread's connection would not see what it has not committed)."""
    deadline = _clock() + budget_seconds
    default = connections[DEFAULT_DB_ALIAS]
    if (
        threads <= 1
        or default.in_atomic_block
        or not default.features.has_select_for_update_skip_locked
    ):
        return _drain_loop(run_batch, deadline)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sweep") as pool:
        loops = [  # each in a copy of this context: log lines keep the task's ids
            pool.submit(contextvars.copy_context().run, _drain_in_thread, run_batch, deadline)
            for _ in range(threads)
        ]
        return sum(loop.result() for loop in loops)


def _drain_loop(run_batch: Callable[[], bool], deadline: float) -> int:
    batches = 0
    while True:
        batches += 1
        if not run_batch() or _clock() >= deadline:
            return batches


def _drain_in_thread(run_batch: Callable[[], bool], deadline: float) -> int:
    try:
        return _drain_loop(run_batch, deadline)
    finally:
        connections.close_all()  # this thread's connections only


def excluding(candidates: QuerySet, pks: Iterable[int]) -> QuerySet:
    """``candidates`` without the items a tick already tried (each is tried once per tick)."""
    pks = list(pks)
    return candidates.exclude(pk__in=pks) if pks else candidates

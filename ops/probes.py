"""Queue probes: prove end to end that a task enqueued the way a page enqueues it is run once.

``manage.py queue_probe`` enqueues numbered probe tasks (after commit, through the same
``enqueue_on_commit`` the services use); each run of the task writes a ``QueueProbe`` row, so
missing rows are lost messages and extra rows are messages delivered twice.
"""

import statistics
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lib.queue import enqueue_on_commit

from .models import QueueProbe


def probe_enqueue(*, label: str, seq: int) -> None:
    from .tasks import queue_probe_task

    with transaction.atomic():
        enqueue_on_commit(queue_probe_task, label, seq, timezone.now().isoformat())


def probe_record(*, label: str, seq: int, enqueued_at: datetime, task_id: str = "") -> None:
    QueueProbe.objects.create(
        label=label, seq=seq, enqueued_at=enqueued_at, executed_at=timezone.now(), task_id=task_id
    )


@dataclass(frozen=True)
class ProbeReport:
    expected: int
    executed: int  # distinct probes that ran
    duplicated: int  # probes that ran more than once
    latencies_ms: list[float]

    @property
    def missing(self) -> int:
        return self.expected - self.executed

    @property
    def summary(self) -> str:
        text = f"{self.executed}/{self.expected} probes executed, {self.duplicated} twice or more"
        if self.latencies_ms:
            ordered = sorted(self.latencies_ms)
            p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
            text += (
                f"; enqueue to run: median {statistics.median(ordered):.0f} ms, "
                f"p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms"
            )
        return text


def probe_report(*, label: str, expected: int) -> ProbeReport:
    rows = QueueProbe.objects.filter(label=label)
    counts = rows.values("seq").annotate(runs=Count("pk"))
    latencies = [
        (executed - enqueued).total_seconds() * 1000
        for enqueued, executed in rows.values_list("enqueued_at", "executed_at")
    ]
    return ProbeReport(
        expected=expected,
        executed=len(counts),
        duplicated=sum(1 for row in counts if row["runs"] > 1),
        latencies_ms=latencies,
    )


def probes_delete(*, label: str) -> int:
    return QueueProbe.objects.filter(label=label).delete()[0]

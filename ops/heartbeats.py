"""Heartbeats: when the worker and the beat-driven review sweep last ran (/healthz, gcc_status)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .models import Heartbeat

WORKER = "worker"
REVIEW_SWEEP = "review_sweep"
KNOWN = (WORKER, REVIEW_SWEEP)


def heartbeat_record(*, name: str, detail: dict | None = None, now: datetime | None = None) -> None:
    """Note that ``name`` is alive now (one row per name, overwritten)."""
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": now or timezone.now(), "detail": detail or {}}
    )


@dataclass(frozen=True)
class HeartbeatAge:
    name: str
    at: datetime | None
    seconds: float | None  # None: never seen

    @property
    def as_dict(self) -> dict:
        return {
            "last_seen": self.at.isoformat() if self.at else None,
            "age_seconds": round(self.seconds, 1) if self.seconds is not None else None,
        }


def heartbeat_ages(*, now: datetime | None = None) -> dict[str, HeartbeatAge]:
    """Each known heartbeat's age, in one query."""
    now = now or timezone.now()
    seen = dict(Heartbeat.objects.filter(name__in=KNOWN).values_list("name", "at"))
    return {
        name: HeartbeatAge(
            name, seen.get(name), (now - seen[name]).total_seconds() if name in seen else None
        )
        for name in KNOWN
    }

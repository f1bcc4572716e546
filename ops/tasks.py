"""Thin Celery wrappers: sending recorded emails, the worker's heartbeat, queue probes."""

from datetime import datetime

from celery import shared_task
from django.conf import settings

from . import heartbeats, notifications, probes


@shared_task(
    autoretry_for=notifications.TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_email_task(notification_id: int) -> bool:
    return notifications.email_send(notification_id=notification_id)


@shared_task
def send_emails_task(notification_ids: list[int]) -> list[int]:
    """Emails recorded together (``notify_many_on_commit``), sent over one SMTP connection.
    No retry here: a row that could not be sent is left for the beat sweep, with its backoff."""
    return notifications.emails_send(notification_ids=notification_ids)


@shared_task
def send_pending_emails_task() -> list[int]:
    return notifications.emails_send_pending_drain(batch_size=settings.GCC_SWEEP_BATCH_SIZE)


@shared_task
def worker_heartbeat_task() -> None:
    heartbeats.heartbeat_record(name=heartbeats.WORKER)


@shared_task(bind=True)
def queue_probe_task(self, label: str, seq: int, enqueued_at: str) -> None:
    probes.probe_record(
        label=label,
        seq=seq,
        enqueued_at=datetime.fromisoformat(enqueued_at),
        task_id=self.request.id or "",
    )

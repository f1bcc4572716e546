"""Thin Celery wrappers: they take ids, call one service, return a small value."""

from celery import shared_task
from django.conf import settings

from . import emails, services


@shared_task
def screen_request_task(request_id: int) -> bool:
    return services.validation_request_screen(request_id=request_id)


@shared_task
def sweep_reviews_task() -> dict:
    report = services.sweep_reviews(batch_size=settings.GCC_SWEEP_BATCH_SIZE)
    return {"screened": report.screened, "decided": report.decided}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_request_task(request_id: int, event: str) -> int:
    return emails.send_request_email(request_id=request_id, event=event)

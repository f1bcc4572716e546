"""Thin Celery wrappers: they take ids, call one service, return a small value."""

from celery import shared_task
from django.conf import settings

from ops.heartbeats import REVIEW_SWEEP, heartbeat_record

from . import services


@shared_task
def screen_request_task(request_id: int) -> bool:
    return services.validation_request_screen(request_id=request_id)


@shared_task
def sweep_reviews_task() -> dict:
    report = services.sweep_reviews_drain(batch_size=settings.GCC_SWEEP_REVIEW_BATCH_SIZE)
    # "failed": request id -> error, for the requests whose screening or decision raised.
    summary = {"screened": report.screened, "decided": report.decided, "failed": report.failed}
    heartbeat_record(name=REVIEW_SWEEP, detail=summary)  # /healthz and gcc_status show its age
    return summary

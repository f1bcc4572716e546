"""Thin Celery wrappers for the API's housekeeping."""

from celery import shared_task

from . import services


@shared_task
def purge_idempotent_responses_task() -> int:
    """Drop stored answers older than the 24-hour MS-RequestId window."""
    return services.idempotent_responses_purge()

"""Thin Celery wrappers around customer services."""

from celery import shared_task

from .services import relationship_requests_expire


@shared_task
def expire_relationship_requests_task() -> int:
    return relationship_requests_expire()

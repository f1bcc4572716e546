"""Thin Celery wrappers: they take ids, call one service, return a small value."""

from celery import shared_task
from django.conf import settings

from . import lifecycle, services


@shared_task
def provision_order_task(order_id: int) -> bool:
    return services.order_provision(order_id=order_id)


@shared_task
def sweep_pending_orders_task() -> list[int]:
    return services.orders_sweep_drain(batch=settings.GCC_SWEEP_BATCH_SIZE)


@shared_task
def renew_subscriptions_task() -> dict:
    return lifecycle.subscriptions_renew_due()

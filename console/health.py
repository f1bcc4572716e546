"""/healthz: is the database up, is the broker reachable, when did the background work last run,
and how many requests and orders the sweeps set aside as stuck.

The checks are django-health-check's (its ``Database`` check, our ``Broker`` check on its
``HealthCheck`` base, run with its per-check timeout). Its own view answers 500 and has no place
for the heartbeat ages, so this small view renders the JSON: 200 when every check passes, 503
naming the failing ones otherwise. The body never carries a check's error text (it can name
hosts, ports, paths): that goes to the log. The ages and stuck counts are reported, not judged:
a deployment decides how old is too old (``gcc_status --max-heartbeat-age`` can fail on it).
"""

import asyncio
import dataclasses
import datetime
import logging
import os

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from kombu import Connection

from ops.heartbeats import heartbeat_ages
from orders.selectors import stuck_order_count
from validation.selectors import stuck_validation_request_count

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Broker(HealthCheck):
    """Connect to the Celery broker (Redis, or the embedded filesystem transport) and let go.

    The connection timeout is bounded, so a broker that is down or unreachable answers within
    seconds instead of hanging the probe.
    """

    timeout: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(
            seconds=settings.GCC_HEALTH_BROKER_TIMEOUT_SECONDS
        ),
        repr=False,
    )

    def run(self):
        seconds = self.timeout.total_seconds()
        options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
        options.setdefault("socket_timeout", seconds)
        options.setdefault("socket_connect_timeout", seconds)
        options["max_retries"] = 0
        embedded = settings.CELERY_BROKER_URL.startswith("filesystem://")  # lib/broker.py
        connection = Connection(
            settings.CELERY_BROKER_URL,
            transport=getattr(settings, "CELERY_BROKER_TRANSPORT", None) if embedded else None,
            connect_timeout=seconds,
            transport_options=options,
        )
        try:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=seconds)
            channel = connection.default_channel
            client = getattr(channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()  # Redis: a round trip, not just an open socket
            folder = options.get("data_folder_out")
            # The embedded broker: a folder this process can write to.
            if embedded and folder and not os.access(folder, os.W_OK):
                raise OSError(f"{folder} is not writable")
        except Exception as exc:  # kombu and redis raise several kinds
            raise ServiceUnavailable(f"broker unreachable ({type(exc).__name__})") from exc
        finally:
            connection.release()


CHECKS = {"database": Database, "broker": Broker}


async def _run_checks() -> dict[str, Exception | None]:
    """Each check's error, None when it passed."""
    names = list(CHECKS)
    results = await asyncio.gather(*(CHECKS[name]().get_result() for name in names))
    return {name: result.error for name, result in zip(names, results, strict=True)}


def _database_figures() -> tuple[dict, dict]:
    """The heartbeat ages and the stuck counts; nothing if the database fails meanwhile."""
    try:
        ages = {name: age.as_dict for name, age in heartbeat_ages().items()}
        stuck = {
            "validation_requests": stuck_validation_request_count(),
            "orders": stuck_order_count(),
        }
    except DatabaseError:
        logger.warning("health: the database failed after its check passed", exc_info=True)
        return {}, {}
    return ages, stuck


@transaction.non_atomic_requests
async def healthz(request):
    errors = await _run_checks()
    failing = [name for name, error in errors.items() if error is not None]
    ages, stuck = ({}, {}) if "database" in failing else await sync_to_async(_database_figures)()
    body = {
        "status": "ok" if not failing else "unavailable",
        "failing": failing,
        "checks": {
            name: f"Unavailable: {name} unreachable" if error is not None else "ok"
            for name, error in errors.items()
        },
        "heartbeats": ages,
        "stuck": stuck,
    }
    for name in failing:
        error = errors[name]
        logger.warning(
            "health check failing",
            extra={"check": name, "error": str(error), "cause": str(error.__cause__ or "")},
        )
    response = JsonResponse(body, status=503 if failing else 200)
    add_never_cache_headers(response)
    return response

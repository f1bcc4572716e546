"""/healthz: is the database up, is the broker reachable, and when did the background work last run.

The checks are django-health-check's (its ``Database`` check, our ``Broker`` check on its
``HealthCheck`` base, run with its per-check timeout). Its own view answers 500 and has no place
for the heartbeat ages, so this small view renders the JSON: 200 when every check passes, 503
naming the failing ones otherwise. The ages are reported, not judged: a deployment decides how
old is too old (``gcc_status --max-heartbeat-age`` can fail on it).
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

from .heartbeats import heartbeat_ages

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
        connection = Connection(
            settings.CELERY_BROKER_URL, connect_timeout=seconds, transport_options=options
        )
        try:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=seconds)
            channel = connection.default_channel
            client = getattr(channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()  # Redis: a round trip, not just an open socket
            folder = options.get("data_folder_out")
            # The embedded broker: a folder this process can write to.
            if (
                connection.transport_cls == "filesystem"
                and folder
                and not os.access(folder, os.W_OK)
            ):
                raise OSError(f"{folder} is not writable")
        except Exception as exc:  # kombu and redis raise several kinds
            raise ServiceUnavailable(f"broker unreachable ({type(exc).__name__})") from exc
        finally:
            connection.release()


CHECKS = {"database": Database, "broker": Broker}


async def _run_checks() -> dict[str, str]:
    names = list(CHECKS)
    results = await asyncio.gather(*(CHECKS[name]().get_result() for name in names))
    return {
        name: "ok" if result.error is None else str(result.error)
        for name, result in zip(names, results, strict=True)
    }


def _ages() -> dict:
    try:
        return {name: age.as_dict for name, age in heartbeat_ages().items()}
    except DatabaseError:
        return {}


@transaction.non_atomic_requests
async def healthz(request):
    checks = await _run_checks()
    ages = await sync_to_async(_ages)() if checks["database"] == "ok" else {}
    failing = [name for name, outcome in checks.items() if outcome != "ok"]
    body = {
        "status": "ok" if not failing else "unavailable",
        "failing": failing,
        "checks": checks,
        "heartbeats": ages,
    }
    if failing:
        logger.warning("health check failing", extra={"failing": ",".join(failing)})
    response = JsonResponse(body, status=503 if failing else 200)
    add_never_cache_headers(response)
    return response

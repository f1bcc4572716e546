"""Structured logs: one line per event, with the ids that tie a line to a request or a task.

- ``RequestContextMiddleware`` gives each HTTP request a request id (an incoming
  ``X-Request-ID`` is kept) and a correlation id (an incoming ``MS-CorrelationId``, as Partner
  Center clients send, is kept), echoes both in the response headers and logs one line per
  request.
- Celery tasks run with their task id, and with the correlation id of the request that
  enqueued them (carried in a message header, see gccportal/celery.py).
- ``ContextFilter`` puts those ids on every log record; ``StructuredFormatter`` writes the
  record as ``key=value`` pairs (logfmt) or as one JSON object.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
CORRELATION_ID_HEADER = "MS-CorrelationId"
# What an incoming id may look like: a GUID or up to 64 ASCII letters, digits and ``._:-``.
# Pages replace anything else (it is never logged nor echoed); /v1/ refuses it (api.base).
SAFE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,64}", re.ASCII)
SAFE_ID_RULE = "a GUID or at most 64 ASCII letters, digits, '.', '_', ':' or '-'"


def is_safe_id(value: str) -> bool:
    return SAFE_ID.fullmatch(value) is not None


request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
correlation_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "correlation_id", default=""
)
task_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")

logger = logging.getLogger("gccportal.requests")


def _incoming_or_new(value: str | None) -> str:
    return value if value and is_safe_id(value) else str(uuid.uuid4())


def current_correlation_id() -> str:
    return correlation_id_var.get()


def _loaded_user_id(request) -> int | None:
    """The signed-in user's id if the view already loaded the user, else None.

    Never loads it here: that reads the session from the database, and with the database down
    the log line would turn the response (/healthz's 503, say) into a 500.
    """
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:  # a lazy user never read
        return None
    return user.pk if user.is_authenticated else None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _incoming_or_new(request.headers.get(REQUEST_ID_HEADER))
        correlation_id = _incoming_or_new(request.headers.get(CORRELATION_ID_HEADER))
        request.request_id, request.correlation_id = request_id, correlation_id
        tokens = (request_id_var.set(request_id), correlation_id_var.set(correlation_id))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response.headers.setdefault(REQUEST_ID_HEADER, request_id)
            response.headers.setdefault(CORRELATION_ID_HEADER, correlation_id)
            self._log(request, response, started)
            return response
        finally:
            request_id_var.reset(tokens[0])
            correlation_id_var.reset(tokens[1])

    @staticmethod
    def _log(request, response, started) -> None:
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return
        level = logging.DEBUG if request.path == "/healthz" else logging.INFO
        logger.log(
            level,
            "http_request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": _loaded_user_id(request),
            },
        )


class ContextFilter(logging.Filter):
    """Adds request_id, correlation_id and task_id (empty when not set) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.correlation_id = correlation_id_var.get()
        record.task_id = task_id_var.get()
        return True


# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "correlation_id",
    "task_id",
}


def _logfmt_value(value) -> str:
    text = "" if value is None else str(value)
    if text and not re.search(r'[\s="\\]', text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class StructuredFormatter(logging.Formatter):
    """``style="logfmt"``: ``ts=… level=INFO logger=… msg="…" request_id=… k=v``; or ``"json"``."""

    def __init__(self, style: str = "logfmt", **kwargs):
        super().__init__()
        if style not in ("logfmt", "json"):
            raise ValueError(f"LOG_FORMAT must be logfmt or json, not {style!r}")
        self.output = style

    def fields(self, record: logging.LogRecord) -> dict:
        fields = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in ("request_id", "correlation_id", "task_id"):
            if getattr(record, name, ""):
                fields[name] = getattr(record, name)
        for name, value in vars(record).items():
            if name not in _STANDARD and not name.startswith("_"):
                fields[name] = value
        if record.name.startswith("celery."):
            fields.pop("data", None)  # Celery's copy of what its message already says
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        return fields

    def format(self, record: logging.LogRecord) -> str:
        fields = self.fields(record)
        if self.output == "json":
            return json.dumps(fields, default=str)
        return " ".join(f"{key}={_logfmt_value(value)}" for key, value in fields.items())

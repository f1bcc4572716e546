"""What every /v1/ view shares: correlation headers, idempotent retries, the error shape."""

import re
import uuid

from django.db import IntegrityError, transaction
from rest_framework.response import Response
from rest_framework.views import APIView

from lib.locks import lock_for_transaction
from lib.logging import SAFE_ID_RULE, is_safe_id

from . import services
from .auth import BearerTokenAuthentication, TokenRateThrottle
from .errors import ApiError, invalid
from .renderers import JsonRenderer

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SERVER_ID = "gccportal-sandbox"
# MS-CV is a correlation vector: base64 characters and dot-separated counters.
CORRELATION_VECTOR = re.compile(r"[A-Za-z0-9+/=._:\-]{1,128}", re.ASCII)
CHECKED_HEADERS = {
    "MS-RequestId": (is_safe_id, SAFE_ID_RULE),
    "MS-CorrelationId": (is_safe_id, SAFE_ID_RULE),
    "MS-CV": (
        lambda value: CORRELATION_VECTOR.fullmatch(value) is not None,
        "at most 128 ASCII letters, digits, '+', '/', '=', '.', '_', ':' or '-'",
    ),
}
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


class Replay(Exception):
    def __init__(self, stored):
        self.stored = stored


def _header(request, name: str) -> str:
    return request.headers.get(name, "").strip()


def _header_problem(request) -> str | None:
    for name, (fits, rule) in CHECKED_HEADERS.items():
        value = _header(request, name)
        if value and not fits(value):
            return f"{name} must be {rule}."
    return None


def _resource_id(value: str) -> str:
    """One spelling per id: a GUID in any case, with or without hyphens, is the same id."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return value.lower()


class ApiView(APIView):
    """A Partner Center-shaped endpoint. Views stay thin: parse, call a service, shape."""

    authentication_classes = [BearerTokenAuthentication]
    throttle_classes = [TokenRateThrottle]
    renderer_classes = [JsonRenderer]

    def initial(self, request, *args, **kwargs):
        if problem := _header_problem(request):
            raise invalid(problem)
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttling
        request_id = _header(request, "MS-RequestId")
        if request.method in UNSAFE and request_id:
            # A retry racing its first attempt waits here for that attempt's commit, then
            # gets its answer back.
            lock_for_transaction(f"api-request:{self.idempotency_name()}")
            stored = services.idempotent_response_get(
                agent=request.user,
                request_id=request_id,
                method=request.method,
                resource=self.resource(),
            )
            if stored is not None:
                raise Replay(stored)

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            response = Response(exc.stored.body, status=exc.stored.status)
            response["MS-Replayed"] = "true"
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        valid_headers = _header_problem(request) is None
        request_id = _header(request, "MS-RequestId") if valid_headers else ""
        if (
            request.method in UNSAFE
            and request_id
            and 200 <= response.status_code < 300
            and not response.has_header("MS-Replayed")
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            response = self._remember(request, request_id, response)
        response["MS-RequestId"] = request_id or str(uuid.uuid4())
        # The id the request-context middleware logs this request under (and hands to tasks).
        response["MS-CorrelationId"] = request.correlation_id
        cv = _header(request, "MS-CV") if valid_headers else ""
        response["MS-CV"] = cv or uuid.uuid4().hex[:22]
        response["MS-ServerId"] = SERVER_ID
        return response

    def _remember(self, request, request_id, response):
        try:
            with transaction.atomic():
                services.idempotent_response_store(
                    agent=request.user,
                    request_id=request_id,
                    method=request.method,
                    resource=self.resource(),
                    status=response.status_code,
                    body=response.data,
                )
        except IntegrityError:
            # Cannot happen while initial() holds the request's lock; kept as the last guard.
            transaction.set_rollback(True)
            conflict = ApiError(
                409,
                800060,
                "A request with this MS-RequestId is already being processed; retry it shortly "
                "to get its answer.",
            )
            response = self.handle_exception(conflict)
            response = super().finalize_response(request, response)
        return response

    def resource(self) -> str:
        """The resource this request names, whatever the spelling of the URL: its route with
        each id in one form (``v1/customers/<id>/orders``), not the literal path."""
        match = self.request.resolver_match
        return ROUTE_PARAMETER.sub(
            lambda part: _resource_id(str(match.kwargs[part.group(1)])), match.route
        )

    def idempotency_name(self) -> str:
        request_id = _header(self.request, "MS-RequestId")
        return f"{self.request.user.pk}:{request_id}:{self.request.method}:{self.resource()}"

    @property
    def actor(self):
        return self.request.user

    def submission_key(self) -> uuid.UUID:
        """A stable key per (agent, MS-RequestId, method, resource) for services that dedupe
        by key."""
        request_id = _header(self.request, "MS-RequestId")
        if not request_id:
            return uuid.uuid4()
        return uuid.uuid5(uuid.NAMESPACE_URL, self.idempotency_name())

"""What every /v1/ view shares: correlation headers, idempotent retries, the error shape."""

import uuid

from django.db import IntegrityError, transaction
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .auth import BearerTokenAuthentication, TokenRateThrottle
from .errors import ApiError, invalid
from .renderers import JsonRenderer

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SERVER_ID = "gccportal-sandbox"


class Replay(Exception):
    def __init__(self, stored):
        self.stored = stored


def _header(request, name: str) -> str:
    return request.headers.get(name, "").strip()


class ApiView(APIView):
    """A Partner Center-shaped endpoint. Views stay thin: parse, call a service, shape."""

    authentication_classes = [BearerTokenAuthentication]
    throttle_classes = [TokenRateThrottle]
    renderer_classes = [JsonRenderer]

    def initial(self, request, *args, **kwargs):
        request_id = _header(request, "MS-RequestId")
        if len(request_id) > 64 or len(_header(request, "MS-CorrelationId")) > 64:
            raise invalid("MS-RequestId and MS-CorrelationId are at most 64 characters.")
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttling
        if request.method in UNSAFE and request_id:
            stored = services.idempotent_response_get(
                agent=request.user, request_id=request_id, method=request.method, path=request.path
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
        request_id = _header(request, "MS-RequestId")
        if (
            request.method in UNSAFE
            and request_id
            and len(request_id) <= 64
            and 200 <= response.status_code < 300
            and not response.has_header("MS-Replayed")
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            response = self._remember(request, request_id, response)
        response["MS-RequestId"] = request_id[:64] or str(uuid.uuid4())
        # The id the request-context middleware logs this request under (and hands to tasks).
        response["MS-CorrelationId"] = request.correlation_id
        response["MS-CV"] = _header(request, "MS-CV")[:128] or uuid.uuid4().hex[:22]
        response["MS-ServerId"] = SERVER_ID
        return response

    def _remember(self, request, request_id, response):
        try:
            with transaction.atomic():
                services.idempotent_response_store(
                    agent=request.user,
                    request_id=request_id,
                    method=request.method,
                    path=request.path,
                    status=response.status_code,
                    body=response.data,
                )
        except IntegrityError:
            # A concurrent request with the same MS-RequestId answered first: undo this one.
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

    @property
    def actor(self):
        return self.request.user

    def submission_key(self) -> uuid.UUID:
        """A stable key per (agent, MS-RequestId, path) for services that dedupe by key."""
        request_id = _header(self.request, "MS-RequestId")
        if not request_id:
            return uuid.uuid4()
        name = f"{self.request.user.pk}:{request_id}:{self.request.path}"
        return uuid.uuid5(uuid.NAMESPACE_URL, name)

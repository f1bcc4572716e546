"""Partner Center error bodies: ``{code, description, data, source}`` (reference section 2).

Every refusal of the services (``lib.refusals.Refusal``) gets its API twin here: the service's
own message becomes the ``description``; the table below picks the status and the Partner
Center code by the refusal's code, so no rule is written twice and no text is matched.
"""

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from lib.refusals import Refusal, RefusalCode

logger = logging.getLogger(__name__)

SOURCE = "PartnerFD"
JSON = "application/json; charset=utf-8"  # as Partner Center answers (renderers.JsonRenderer)


class ApiError(exceptions.APIException):
    """An answer in Partner Center's error shape."""

    def __init__(self, http_status: int, code: int, description: str, data=None):
        super().__init__(description)
        self.status_code = http_status
        self.code = code
        self.description = description[:1024]
        self.data = data or []


def not_found(what: str = "The resource was not found.", code: int = 1000) -> ApiError:
    return ApiError(404, code, what)


def invalid(description: str, code: int = 800002, data=None) -> ApiError:
    return ApiError(400, code, description, data)


CUSTOMER_NOT_FOUND = "The customer was not found, or it is not managed by your organization."

# A refusal's (HTTP status, Partner Center code) in the API. A refusal not listed answers its
# own status (lib.refusals.STATUS) with the generic code 3000.
REFUSAL_ERRORS: dict[RefusalCode, tuple[int, int]] = {
    RefusalCode.ROLE_NOT_ALLOWED: (403, 900150),
    RefusalCode.PARTNER_NOT_GCC: (403, 2006),
    RefusalCode.CUSTOMER_NOT_GCC: (400, 800086),
    RefusalCode.GCC_CUSTOMER_COMMERCIAL_OFFER: (403, 2085),
    RefusalCode.ADDON_NEEDS_BASE: (403, 2085),
    RefusalCode.OFFER_RETIRED: (403, 2091),
    RefusalCode.QUANTITY_OUT_OF_BOUNDS: (400, 2002),
    RefusalCode.UNKNOWN_OFFER: (400, 800004),
    RefusalCode.EMPTY_CART: (400, 800002),
    RefusalCode.NOT_YOUR_CUSTOMER: (404, 60003),
    RefusalCode.NOT_YOUR_SUBSCRIPTION: (404, 20003),
    RefusalCode.NOT_YOUR_RESELLER: (400, 800016),
    RefusalCode.DOMAIN_TAKEN: (409, 3000),
    RefusalCode.CUSTOMER_ALREADY_GCC: (409, 3000),
    RefusalCode.REQUEST_ALREADY_OPEN: (409, 3000),
    RefusalCode.VALIDATION_LIMIT_REACHED: (429, 3000),
    RefusalCode.CODE_USED_UP: (400, 3000),
    RefusalCode.CODE_UNKNOWN: (400, 3000),
    RefusalCode.DUPLICATE_OFFER: (400, 800002),
    RefusalCode.PARTNER_ID_UNKNOWN: (404, 800015),
    RefusalCode.PARTNER_ID_NOT_RESELLER: (400, 800016),
    RefusalCode.PARTNER_ID_OWN: (404, 2072),
    RefusalCode.ACTIVE_SUBSCRIPTIONS: (409, 3000),
    RefusalCode.NOT_YOUR_CART: (404, 1000),
    RefusalCode.CART_ORDERED: (400, 800065),
    RefusalCode.CART_EXPIRED: (400, 3000),
}


def refusal_error(exc: Refusal) -> ApiError:
    http_status, code = REFUSAL_ERRORS.get(exc.code, (exc.status, 3000))
    return ApiError(http_status, code, exc.message)


def validation_error(exc: DjangoValidationError) -> ApiError:
    if hasattr(exc, "message_dict"):
        data = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    else:
        data = list(exc.messages)
    return ApiError(400, 3000, " ".join(data) or "Invalid input.", data)


def _drf_error(exc: exceptions.APIException) -> tuple[int, int, str, list]:
    if isinstance(exc, exceptions.NotAuthenticated):
        return 401, 800001, "The partner token is missing from the request.", []
    if isinstance(exc, exceptions.AuthenticationFailed):
        return 401, 400, "Access denied: the token is not valid, or it was revoked.", []
    if isinstance(exc, exceptions.PermissionDenied):
        return 403, 900150, str(exc.detail), []
    if isinstance(exc, exceptions.NotFound):
        return 404, 1000, "The resource was not found.", []
    if isinstance(exc, exceptions.ValidationError):
        data = _flatten(exc.detail)
        return 400, 800002, "Invalid request input: " + "; ".join(data), data
    if isinstance(exc, exceptions.ParseError):
        return 400, 800002, f"The request body is not valid JSON: {exc.detail}", []
    if isinstance(exc, exceptions.MethodNotAllowed):
        return 405, 1000, str(exc.detail), []
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return 415, 800002, str(exc.detail), []
    if isinstance(exc, exceptions.NotAcceptable):
        return 406, 800002, str(exc.detail), []
    return exc.status_code, exc.status_code, str(exc.detail), []


def _flatten(detail, prefix="") -> list[str]:
    if isinstance(detail, dict):
        return [m for k, v in detail.items() for m in _flatten(v, f"{prefix}{k}.")]
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [f"{prefix.rstrip('.') or 'body'}: {item}" for item in detail]
        return [m for i, v in enumerate(detail) for m in _flatten(v, f"{prefix}{i}.") if v]
    return [f"{prefix.rstrip('.') or 'body'}: {detail}"]


def error_body(code: int, description: str, data=None) -> dict:
    return {"code": code, "description": description, "data": data or [], "source": SOURCE}


def error_response(http_status: int, code: int, description: str) -> JsonResponse:
    """An error body answered outside DRF (the middleware, the unknown-route view)."""
    return JsonResponse(error_body(code, description), status=http_status, content_type=JSON)


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every refusal in the reference's shape, never a 500 for input."""
    if isinstance(exc, exceptions.Throttled):
        wait = max(int(exc.wait or 1), 1)
        set_rollback()
        return Response(
            {"statusCode": 429, "message": f"Rate limit is exceeded. Try again in {wait} seconds."},
            status=429,
            headers={"Retry-After": str(wait)},
        )
    if isinstance(exc, Refusal):
        exc = refusal_error(exc)
    elif isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = not_found()
    if isinstance(exc, ApiError):
        http_status, code, description, data = exc.status_code, exc.code, exc.description, exc.data
    elif isinstance(exc, exceptions.APIException):
        http_status, code, description, data = _drf_error(exc)
    else:
        return None  # a real bug: Django's 500, in this shape by middleware.ApiErrorMiddleware
    headers = {}
    if http_status == status.HTTP_401_UNAUTHORIZED:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    set_rollback()
    return Response(error_body(code, description, data), status=http_status, headers=headers)

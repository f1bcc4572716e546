"""Every /v1/ error leaves as Partner Center's JSON error body, whatever wrote it.

The API's views answer their refusals in that shape already (``errors.exception_handler``).
Everything else that can end a /v1/ request is Django's, and HTML (or with ``DEBUG``, the
technical 404/500 page): an exception in a view or in a middleware (500), ``DisallowedHost``
and other ``SuspiciousOperation`` (400). ``ApiErrorMiddleware``, first in ``MIDDLEWARE``, turns
each such answer into the JSON body with the same status, keeping the headers (request and
correlation ids, ``WWW-Authenticate``, ``Retry-After``, ...). Django has already logged the
exception behind a 500 (logger ``django.request``, with its traceback); the body says nothing
of it.

It also refuses a request body over ``GCC_API_MAX_BODY_BYTES`` (413) before anything reads it:
DRF reads the request stream itself, so Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not
apply. A body sent without a Content-Length (chunked) gets a 411: Django would read it as
empty, and the development server cannot read it at all.

The codes this module answers with (Partner Center documents none for these cases):

=====  ======  ==================================================================
http   code    why
=====  ======  ==================================================================
400    800002  "invalid request input", the API's generic code for a bad request
403    2032    Partner Center's generic "access denied"
404    1000    "not found", as the unknown-route view answers
405    1000    as ``errors.exception_handler`` answers DRF's 405
411    800002  no Content-Length: invalid request input
413    800002  body too large: invalid request input
5xx    0       Partner Center's code for an exception it does not define
other  status  the HTTP status itself, as ``errors.exception_handler`` does
=====  ======  ==================================================================
"""

from django.conf import settings
from rest_framework.response import Response

from .errors import JSON, SOURCE, error_response

PREFIX = "/v1/"
JSON_TYPE = JSON.split(";")[0]
ERROR_KEYS = {"code", "description", "data", "source"}

GENERIC = {
    400: (800002, "The request is not valid."),
    403: (2032, "Access denied."),
    404: (1000, "The resource was not found."),
    405: (1000, "This method is not allowed on this resource."),
}
INTERNAL = (
    0,
    "An internal error occurred; it was logged. Retry later, and if it persists report the "
    "MS-CorrelationId of this response.",
)


def _for_api(request) -> bool:
    return request.path_info.startswith(PREFIX)


def _in_shape(response) -> bool:
    if response.get("Content-Type", "").split(";")[0].strip() == JSON_TYPE:
        return True
    # A view's deliberately empty answer (the domain check's 404 "free", a HEAD).
    return isinstance(response, Response) and not response.content


def _reshaped(response):
    status = response.status_code
    data = getattr(response, "data", None)
    if isinstance(data, dict) and set(data) == ERROR_KEYS and data["source"] == SOURCE:
        code, description = data["code"], data["description"]  # a DRF view's, rendered as HTML
    elif status >= 500:
        code, description = INTERNAL
    else:
        code, description = GENERIC.get(status, (status, response.reason_phrase))
    reshaped = error_response(status, code, description)
    for header, value in response.items():
        if header.lower() not in ("content-type", "content-length"):
            reshaped[header] = value
    reshaped.cookies = response.cookies
    return reshaped


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _for_api(request) and response.status_code >= 400 and not _in_shape(response):
            response = _reshaped(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """The body limit, checked after the other middleware's request phase (so the answer
        carries the request ids and is logged) and before any view reads the body."""
        if not _for_api(request):
            return None
        length = request.headers.get("content-length", "")
        if not length:
            if "transfer-encoding" in request.headers:
                return error_response(411, 800002, "Send the request body with a Content-Length.")
            return None
        try:
            size = int(length)
        except ValueError:
            size = -1
        if size < 0:
            return error_response(400, 800002, "The Content-Length header is not valid.")
        limit = settings.GCC_API_MAX_BODY_BYTES
        if size > limit:
            return error_response(413, 800002, f"The request body is over {limit} bytes.")
        return None

"""Bearer-token authentication and the per-token rate limit."""

import logging

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from lib.refusals import Refusal

from .services import api_token_authenticate

logger = logging.getLogger(__name__)

ACCESS_DENIED = 400  # Partner Center's code for a 401 "access denied", as for any bad token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``: the request acts as the token's agent."""

    keyword = "bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header:
            return None
        if header[0].lower() != self.keyword or len(header) != 2:
            raise exceptions.AuthenticationFailed()
        try:
            token = api_token_authenticate(header[1])
        except Refusal as exc:  # expired: say so, in the same shape as any bad token
            # Imported here: api.errors imports rest_framework.views, which imports this
            # module (DEFAULT_AUTHENTICATION_CLASSES) while it loads.
            from .errors import ApiError

            raise ApiError(401, ACCESS_DENIED, exc.message) from exc
        if token is None:
            raise exceptions.AuthenticationFailed()
        return token.agent, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API token."}


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """``GCC_API_RATE`` requests per token (e.g. ``600/min``), counted in Django's cache.

    Fails open: with the cache unreachable (Redis down) the request goes through unthrottled
    and a warning is logged; a cache outage must never be an API outage.
    """

    scope = "api"

    def get_rate(self):
        return settings.GCC_API_RATE

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)  # reads and writes the cache
        except Exception as exc:  # each cache backend raises its own client's errors
            logger.warning("rate-limit cache unreachable, request not throttled: %s", exc)
            return True

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None:
            return None  # unauthenticated requests are refused before they cost anything
        # The token's hash, not its row id: an id can come back (a restored database, a rolled
        # back test), and the new token would inherit the old one's count.
        return self.cache_format % {"scope": self.scope, "ident": f"token-{token.token_hash}"}

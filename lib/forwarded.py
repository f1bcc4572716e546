"""Who is really asking: forwarded headers believed from the trusted proxy only.

Behind the reverse proxy (deploy/nginx/) every connection comes from the proxy, which tells the
real client's address in ``X-Forwarded-For`` and the scheme it was reached by in
``X-Forwarded-Proto``. Anyone can send those headers, so they mean something only when the
connection comes from an address in ``settings.GCC_TRUSTED_PROXIES`` (addresses or CIDRs;
empty, the default, trusts nobody):

- ``ForwardedHeadersMiddleware`` (first in ``MIDDLEWARE``) drops every forwarding header of a
  request that did not come from a trusted proxy, so nothing after it (``SECURE_PROXY_SSL_HEADER``,
  the SSL redirect, secure cookies, CSRF) can be fooled by them.
- ``client_ip`` is the address sign-in throttling keys on (``AXES_CLIENT_IP_CALLABLE``): the
  connection's own address, or, from a trusted proxy, the nearest address in
  ``X-Forwarded-For`` that is not a trusted proxy itself.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PROTOCOL",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:203.0.113.9) is that IPv4 client.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address: Address | None) -> bool:
    if address is None:
        return False
    return any(address in network for network in _networks(tuple(settings.GCC_TRUSTED_PROXIES)))


def from_trusted_proxy(request) -> bool:
    return _trusted(_address(request.META.get("REMOTE_ADDR", "")))


def client_ip(request) -> str:
    """The client's address as far as it can be believed (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not from_trusted_proxy(request):
        return remote
    hops = [hop for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):  # each proxy appends the address it was reached from
        address = _address(hop)
        if address is None:
            return remote  # not an address: believe nothing further along the chain
        if not _trusted(address):
            return str(address)
    return remote


class ForwardedHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for header in FORWARDING_HEADERS:
                request.META.pop(header, None)
            request.__dict__.pop("headers", None)  # a cached request.headers is read anew
        return self.get_response(request)

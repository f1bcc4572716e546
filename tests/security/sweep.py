"""The URL patterns the isolation sweep walks, read from the resolver, and how to request them."""

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

ADMIN, API, PORTAL = "admin", "api", "portal"


@dataclass(frozen=True)
class UrlPattern:
    route: str  # the full route, every included prefix joined
    name: str | None  # with its namespaces, e.g. "orders:detail"
    converters: dict
    callback: object

    @property
    def key(self) -> str:
        """How the sweep's table names it: its URL name, or its route when it has none."""
        return self.name or self.route

    @property
    def area(self) -> str:
        if self.route.startswith("admin/"):
            return ADMIN
        if self.route.startswith("v1/"):
            return API
        return PORTAL


def _walk(resolver, prefix: str, namespace: str | None, converters: dict):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(
                entry,
                prefix + str(entry.pattern),
                ns,
                {**converters, **entry.pattern.converters},
            )
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield UrlPattern(
                route=prefix + str(entry.pattern),
                name=name,
                converters={**converters, **entry.pattern.converters},
                callback=entry.callback,
            )
        else:  # pragma: no cover - Django has only these two
            raise TypeError(f"unknown URL entry {entry!r}")


def url_patterns() -> list[UrlPattern]:
    """Every URL pattern the project serves, walked recursively from the root resolver."""
    return list(_walk(get_resolver(), "", None, {}))


PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>\w+)>")


def build_path(pattern: UrlPattern, kwargs: dict | None = None, args=(), path=None) -> str:
    """The path for ``pattern`` with its parameters filled (or ``path`` as given, for regex
    patterns), checked to resolve back to it."""
    kwargs = {k: str(v) for k, v in (kwargs or {}).items()}
    if path is not None:
        pass
    elif pattern.name:
        path = reverse(pattern.name, args=[str(a) for a in args], kwargs=kwargs)
    else:
        unused = dict(kwargs)
        path = "/" + PARAMETER.sub(lambda m: unused.pop(m.group("parameter")), pattern.route)
        assert not unused, f"{pattern.key}: parameters {sorted(unused)} are not in the route"
        assert "^" not in path and "$" not in path, f"{pattern.key}: give the sweep a path"
    match = resolve(path)
    assert match.func is pattern.callback, f"{path} resolves to {match.route}, not {pattern.key}"
    return path


def with_query(path: str, query: dict | None) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def api_call(client, method: str, path: str, *, token: str | None = None, body=None):
    """A /v1/ request as a tool sends it: JSON body, optional bearer token."""
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if body is None:
        return client.generic(method.upper(), path, **extra)
    return client.generic(
        method.upper(), path, json.dumps(body), content_type="application/json", **extra
    )


def api_methods(pattern: UrlPattern) -> list[str]:
    """The HTTP methods a /v1/ view implements (read from the view class)."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return ["get"]
    return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]


def text_of(response) -> str:
    """Everything a client receives that could carry data: body and Location."""
    body = b"" if getattr(response, "streaming", False) else response.content
    return body.decode("utf-8", errors="replace") + "\n" + response.get("Location", "")

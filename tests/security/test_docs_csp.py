"""/v1/docs/ (drf-spectacular's Swagger UI) renders under the portal's Content-Security-Policy:
no inline style or script the policy would block; everything it loads comes from the portal."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The page's <style> elements, inline <script>s, style attributes and loaded resources."""

    def __init__(self):
        super().__init__()
        self.inline_styles, self.inline_scripts, self.style_attributes = [], [], []
        self.stylesheets, self.scripts, self._open = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes.append((tag, attrs["style"]))
        if tag == "style":
            self._open = ("style", attrs)
        elif tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            else:
                self._open = ("script", attrs)
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])

    def handle_data(self, data):
        if self._open and data.strip():
            kind, attrs = self._open
            (self.inline_styles if kind == "style" else self.inline_scripts).append(attrs)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._open = None


def _directives(policy: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())


def test_the_docs_page_has_nothing_inline_the_policy_blocks(client):
    response = client.get("/v1/docs/")
    assert response.status_code == 200
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["style-src"] == "'self'" and policy["script-src"] == "'self'"

    page = _Page()
    page.feed(response.content.decode())
    # The policy carries no nonce or hash, so any inline <style>/<script> would be blocked.
    assert page.inline_styles == [] and page.inline_scripts == []
    assert page.style_attributes == []
    assert any(href.endswith("api-docs.css") for href in page.stylesheets)
    assert len(page.scripts) == 3  # the Swagger UI bundle, its preset, the page's own script


def test_everything_the_docs_page_loads_comes_from_the_portal_and_answers(client):
    page = _Page()
    page.feed(client.get("/v1/docs/").content.decode())
    for url in [*page.stylesheets, *page.scripts]:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url  # same origin: 'self'
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert body, url
    css = b"".join(client.get(settings.STATIC_URL.rstrip("/") + "/css/api-docs.css"))
    assert b"box-sizing" in css  # the rules the inline <style> held

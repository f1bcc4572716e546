"""Property-based bad input over every form of the portal, posted by the right agent."""

from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import transaction

from ..orders.conftest import gcc_customer, offer_catalog, seller  # noqa: F401
from .strategies import RAW_MARKERS

EXAMPLES: Counter = Counter()  # hypothesis examples run, per form


def pytest_terminal_summary(terminalreporter):
    if EXAMPLES:
        terminalreporter.section("bad input: hypothesis examples run")
        for name, count in sorted(EXAMPLES.items()):
            terminalreporter.write_line(f"{name}: {count}")
        terminalreporter.write_line(f"total: {sum(EXAMPLES.values())}")


def counts(*models) -> tuple[int, ...]:
    return tuple(model.objects.count() for model in models)


def assert_escaped(response) -> None:
    """No script payload reaches the page unescaped (a 3xx has no page to check)."""
    if response.status_code >= 300 and response.status_code < 400:
        return
    html = response.content.decode(errors="replace")
    for marker in RAW_MARKERS:
        assert marker not in html, f"unescaped {marker!r} in {response.request['PATH_INFO']}"


@contextmanager
def example(form: str):
    """One hypothesis example: counted, and rolled back so examples don't see each other."""
    EXAMPLES[form] += 1
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def post_checked(client, url, data, *, models, form: str, accepted=(302,)):
    """POST bad data: never a 5xx, nothing saved when refused, nothing unescaped."""
    before = counts(*models)
    response = client.post(url, data)
    assert response.status_code < 500, (response.status_code, data)
    assert_escaped(response)
    if response.status_code not in accepted:  # refused: nothing was saved
        assert counts(*models) == before, (form, data)
    return response


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in

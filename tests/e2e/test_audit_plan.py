"""The accessibility sweep's plan covers the resolver (runs without the browser)."""

from ..security.sweep import ADMIN
from ..security.test_isolation import TABLE
from .pages import NOT_PAGES, PAGES, PATTERNS, is_action, who_sees


def test_every_url_pattern_is_audited_or_said_not_to_be_a_page():
    for pattern in PATTERNS:
        if is_action(pattern):
            continue
        if pattern.area != ADMIN:
            assert pattern.key in TABLE, f"{pattern.key}: not in the isolation sweep's table"
        assert who_sees(pattern), f"{pattern.key}: nobody is signed in to audit it"
    assert {p.key for p in PAGES} | {p.key for p in PATTERNS if is_action(p)} == {
        p.key for p in PATTERNS
    }
    assert set(NOT_PAGES) <= {p.key for p in PATTERNS}, "NOT_PAGES names a pattern gone"

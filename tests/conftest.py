"""Personas (healthchecks-style): two partners, an agent of each role, a reviewer."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from partners.models import Role
from validation.reviewers import reviewer_create

from .factories import PASSWORD, PartnerFactory, UserFactory

AXE_LEDGERS = Path(__file__).resolve().parents[1] / "artifacts" / "e2e"


def pytest_sessionstart(session):
    """The browser suite's per-process accessibility ledgers of an earlier run are gone."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        for old in AXE_LEDGERS.glob("axe-summary-*.json"):
            old.unlink()


def pytest_terminal_summary(terminalreporter):
    """What the browser suite audited, all processes added up (here, not in tests/e2e: with
    pytest-xdist the reporting process loads no conftest below this one)."""
    ledgers = sorted(AXE_LEDGERS.glob("axe-summary-*.json"))
    if ledgers:
        from .e2e.browser import AxeLedger

        ledger = AxeLedger.merged(ledgers)
        terminalreporter.write_sep("-", "accessibility (tests/e2e)")
        terminalreporter.write_line(ledger.summary())
        ledger.write(AXE_LEDGERS / "axe-summary.json")


@pytest.fixture(autouse=True)
def _real_review_clock(settings):
    """Tests start on real business days, whatever the developer's shell exports."""
    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = None
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_to_start():
    """Each test starts in the default language: LocaleMiddleware leaves the language of the
    last request active in the thread, so a Spanish page an earlier test fetched would make
    this test's messages Spanish (seen when pytest-xdist changed the tests' order)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Contoso Government Solutions")


@pytest.fixture
def other_partner(db):
    return PartnerFactory(name="Litware Inc")


@pytest.fixture
def admin_agent(partner):
    return UserFactory(partner=partner, role=Role.ADMIN_AGENT, username="adele@contoso.test")


@pytest.fixture
def sales_agent(partner):
    return UserFactory(partner=partner, role=Role.SALES_AGENT, username="sam@contoso.test")


@pytest.fixture
def helpdesk_agent(partner):
    return UserFactory(partner=partner, role=Role.HELPDESK_AGENT, username="hana@contoso.test")


@pytest.fixture
def global_admin(partner):
    return UserFactory(partner=partner, role=Role.GLOBAL_ADMIN, username="grace@contoso.test")


@pytest.fixture
def outsider(other_partner):
    """An admin agent of another partner."""
    return UserFactory(partner=other_partner, role=Role.ADMIN_AGENT, username="olga@litware.test")


@pytest.fixture
def reviewer(db):
    return reviewer_create(
        username="riley@microsoft.test", email="riley@microsoft.test", password=PASSWORD
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client, signed in as ``user``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real Celery worker and beat on the configured broker (Redis in CI), on the test DB.

    Stopped before the test database is flushed, so the worker never sees a half-reset DB.
    """
    from django.db import connection

    from .celery_worker import purge_queue, start_worker

    purge_queue()
    worker = start_worker(db_settings=connection.settings_dict, workdir=tmp_path)
    yield worker
    worker.stop()

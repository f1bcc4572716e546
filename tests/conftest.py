"""Personas (healthchecks-style): two partners, an agent of each role, a reviewer."""

import pytest

from partners.models import Role
from validation.reviewers import reviewer_create

from .factories import PASSWORD, PartnerFactory, UserFactory


@pytest.fixture(autouse=True)
def _real_review_clock(settings):
    """Tests start on real business days, whatever the developer's shell exports."""
    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = None
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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

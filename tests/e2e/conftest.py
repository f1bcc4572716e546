"""The browser suite's fixtures: Debian's Chromium (Playwright, sync API) against Django's live
server, a fresh window per person, and the offer catalog the data migration loads."""

import importlib
import os
import shutil

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import sync_playwright

from .browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LEDGER, Person, Scenario

load_catalog = importlib.import_module("orders.migrations.0002_load_catalog")
catalog_terms = importlib.import_module("orders.migrations.0007_terms_backfill")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and item.get_closest_marker("e2e"):
        item.e2e_call_failed = report.failed
    return report


def pytest_sessionfinish(session):
    """Each process (each pytest-xdist worker) writes what it audited; tests/conftest.py's
    summary, in the process that reports, adds them up."""
    if LEDGER.audits:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        LEDGER.write(ARTIFACTS / f"axe-summary-{worker}.json")


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the test bodies (factories, the
    # live server's setup) still use the database from it. Only while the browser suite runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def offer_catalog(transactional_db):
    """The catalog the data migration loads; an earlier transactional test's flush emptied it."""
    from orders.models import Offer

    if not Offer.objects.exists():
        load_catalog.load(django_apps, schema_editor=None)
        catalog_terms.offer_terms(django_apps)


@pytest.fixture
def portal(live_server, settings, offer_catalog):
    """The live portal. Links in drafts and emails point at it; its review clock is the
    worker's (a business day lasts one second)."""
    settings.GCC_SITE_URL = live_server.url
    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = 1
    return live_server.url


@pytest.fixture
def person(browser, portal, request):
    """``person()`` / ``person("customer-admin")``: a new browser window with its own cookies.
    Screenshots go to artifacts/e2e/<test name>/NN-[label-]name.png."""
    folder = ARTIFACTS / request.node.name.removeprefix("test_")
    shutil.rmtree(folder, ignore_errors=True)
    scenario = Scenario(folder)
    contexts, people = [], []

    def open_window(label: str = "") -> Person:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        someone = Person(context.new_page(), portal, scenario, label)
        people.append(someone)
        return someone

    yield open_window
    for context in contexts:
        context.close()
    if not getattr(request.node, "e2e_call_failed", True):
        for someone in people:
            someone.assert_all_checked()

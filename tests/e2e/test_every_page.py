"""The accessibility sweep: every URL pattern the resolver knows, as each person who can reach
it sees it, at desktop width and at 640 px (1280 px at 200% zoom).

The pages and their parameters come from the isolation sweep's table (tests/security): a new
URL pattern fails there until the table fills it, and is audited here from then on; one that
is not a page is listed in ``pages.NOT_PAGES`` with its reason (test_audit_plan.py checks the
plan covers the resolver). Each page is audited by ``browser.audit``: no serious or critical
axe-core violation, every control labelled and its error announced, a form's errors summarized,
no sideways scrolling; and no link the person was shown may lead to a 403. The states: each
role's view (a refused role sees the refusal page), another partner's empty lists and a 404,
every validation request state, each POST form submitted empty (its errors), each dialog open,
emailed links valid and tampered. All findings of a run are listed together; the error, dialog
and 403/404 states are kept as screenshots in artifacts/e2e/every_page/<person>/.
"""

import re
import time
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from partners.models import Role
from validation.models import DECIDED_STATES, RequestKind, RequestState, ValidationRequest

from ..factories import PartnerRequestFactory
from ..security.conftest import World, build_world
from ..security.sweep import ADMIN
from ..security.test_isolation import OWN, PARTNER, TABLE, admin_path, fills, request_for
from .browser import ARTIFACTS, LEDGER, audit
from .pages import PAGES, PARTNER_ROLES, who_sees

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
ZOOMED = {"width": 640, "height": 900}  # 1280 px at 200% zoom
REJECTED_BECAUSE = "The contract reference is not a government contract."


@dataclass(frozen=True)
class Visit:
    pattern: str
    path: str
    state: str


def request_states(w: World) -> list[ValidationRequest]:
    """Partner A's customer requests in the states the world lacks (it has one waiting for an
    answer)."""
    agent = w.a.agents[Role.GLOBAL_ADMIN]
    states = (
        (RequestState.SUBMITTED, ""),
        (RequestState.IN_REVIEW, ""),
        (RequestState.APPROVED, ""),
        (RequestState.REJECTED, REJECTED_BECAUSE),
    )
    return [
        PartnerRequestFactory(
            kind=RequestKind.CUSTOMER,
            submitted_by=agent,
            organization_name=f"County of {state.label}",
            domain=f"{state.value.replace('_', '')}.example.gov",
            status=state,
            decided_at=timezone.now() if state in DECIDED_STATES else None,
            decided_by=w.reviewer if state in DECIDED_STATES else None,
            decision_reason=reason,
        )
        for state, reason in states
    ]


def reset_links(w: World) -> list[tuple[str, str]]:
    user = w.a.agents[Role.GLOBAL_ADMIN]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return [
        ("link valid", reverse("password_reset_confirm", args=[uid, token])),
        ("link used or expired", reverse("password_reset_confirm", args=[uid, "0-expired"])),
    ]


# Public pages reached by a link the portal emails: their address carries a token.
LINKS_SENT = {
    "password_reset_confirm": reset_links,
    "admin_center:invitation": lambda w: [
        ("link valid", reverse("admin_center:invitation", args=[w.invitation_token])),
        ("link tampered", reverse("admin_center:invitation", args=["x" + w.invitation_token])),
    ],
    "validation:contact_answer": lambda w: [
        ("link valid", reverse("validation:contact_answer", args=[w.answer_token])),
        ("link tampered", reverse("validation:contact_answer", args=["x" + w.answer_token])),
    ],
}


def visits_for(person: str, w: World, extra_requests) -> list[Visit]:
    visits = []
    for pattern in PAGES:
        if person not in who_sees(pattern):
            continue
        if pattern.area == ADMIN:
            visits.append(Visit(pattern.key, admin_path(pattern, w), "as shown"))
            if pattern.key == "admin:validation_validationrequest_change":
                for request in extra_requests:
                    path = reverse(pattern.key, args=[request.pk])
                    visits.append(Visit(pattern.key, path, request.status))
            continue
        if pattern.key in LINKS_SENT:
            for state, path in LINKS_SENT[pattern.key](w):
                visits.append(Visit(pattern.key, path, state))
            continue
        page = TABLE[pattern.key]
        for n, kwargs in enumerate(fills(page, w)):
            visits.append(Visit(pattern.key, request_for(pattern, page, w, kwargs), f"fill {n}"))
        if pattern.key == "validation:detail":
            for request in extra_requests:
                path = request_for(pattern, page, w, {"request_uuid": request.uuid})
                visits.append(Visit(pattern.key, path, request.status))
    return visits


def partner_b_visits(w: World) -> list[Visit]:
    """Partner B's own pages (lists with nothing of A's: B has almost nothing), A's customer
    (the 404 page) and an address that is no page."""
    own = [
        Visit(p.key, request_for(p, TABLE[p.key], w, {}), "another partner's, empty")
        for p in PAGES
        if p.area != ADMIN
        and TABLE[p.key].access == PARTNER
        and TABLE[p.key].scope == OWN
        and not TABLE[p.key].fill
    ]
    a_customer = reverse("customers:detail", args=[w.customer.uuid])
    return [
        *own,
        Visit("customers:detail", a_customer, "another partner's customer: 404"),
        Visit("(none)", "/no-such-page/", "no such page: 404"),
    ]


def user_of(person: str, w: World):
    if person == "customer_admin":
        return w.customer_admin
    if person == "reviewer":
        return w.reviewer
    if person == "partner_b":
        return w.b.agents[Role.GLOBAL_ADMIN]
    return w.a.agents[person]


def window(browser, base_url: str, person: str, w: World, viewport: dict):
    context = browser.new_context(viewport=viewport)
    if person != "anonymous":
        client = Client()
        client.force_login(user_of(person, w))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def submit_empty(page) -> bool:
    """Clear the main form's typed fields and submit it: its page with errors. False when the
    page has no such form."""
    form = page.locator(
        "main form[method=post], #content form[method=post]",
        has=page.locator("input[type=text], input[type=email], input:not([type]), textarea"),
    )
    if not form.count():
        return False
    form = form.first
    for field in form.locator(
        "input[type=text]:visible, input[type=email]:visible, input:not([type]):visible, "
        "input[type=tel]:visible, input[type=url]:visible, textarea:visible"
    ).all():
        if field.is_editable():
            field.fill("")
    submit = form.locator("button[type=submit], input[type=submit], button:not([type])")
    if not submit.count():
        return False
    try:
        with page.expect_navigation(timeout=5_000):
            submit.first.click()
    except PlaywrightTimeout:
        raise AssertionError("submitted empty, the form did not go to the server") from None
    return True


def open_dialog(page) -> bool:
    trigger = page.locator("main [data-bs-toggle=modal]:visible")
    if not trigger.count():
        return False
    trigger.first.click()
    page.locator(".modal.show").wait_for()
    page.wait_for_timeout(400)  # the fade-in transition
    return True


def keep(page, person: str, name: str) -> None:
    """A screenshot of a state worth looking at: artifacts/e2e/every_page/<person>/."""
    folder = ARTIFACTS / "every_page" / person
    folder.mkdir(parents=True, exist_ok=True)
    file_name = re.sub(r"[^\w.-]+", "-", name)  # a route's regex, a namespace's colon
    page.screenshot(path=folder / f"{file_name}.png", full_page=True)


def sweep(browser, base_url, person, w, visits, *, states: bool) -> tuple[list[str], int]:
    """Audit every visit as ``person`` at both widths; the problems found, and the count."""
    problems, audits = [], 0
    linked = {}  # each same-site link shown: the first page that showed it
    for viewport in (DESKTOP, ZOOMED):
        context, page = window(browser, base_url, person, w, viewport)
        width = f"{viewport['width']} px"
        try:
            for visit in visits:
                response = page.goto(base_url + visit.path)
                where = f"{visit.pattern} [{person}, {visit.state}, {width}] {visit.path}"
                kind = (response.headers.get("content-type", "") if response else "") or ""
                if "text/html" not in kind:
                    problems.append(f"{where}: not an HTML page ({kind})")
                    continue
                if viewport is DESKTOP:
                    for href in page.evaluate(LINKS_JS):
                        linked.setdefault(href.split("#")[0], visit.path)
                found = audit(page)
                audits += 1
                LEDGER.record(page.url, f"{person} {visit.state} {width}")
                if response.status in (403, 404):
                    keep(page, person, f"{response.status}-{visit.pattern}-{viewport['width']}")
                problems += [f"{where}: {p}" for p in found]
                if not states or viewport is ZOOMED:
                    continue
                if open_dialog(page):
                    audits += 1
                    problems += [f"{where} (dialog open): {p}" for p in audit(page)]
                    keep(page, person, f"dialog-{visit.pattern}")
                try:
                    submitted = submit_empty(page)
                except AssertionError as error:
                    problems.append(f"{where}: {error}")
                    continue
                if submitted:
                    audits += 1
                    problems += [f"{where} (submitted empty): {p}" for p in audit(page)]
                    keep(page, person, f"errors-{visit.pattern}")
            if viewport is DESKTOP:
                problems += forbidden_links(page, base_url, linked)
        finally:
            context.close()
    return problems, audits


LINKS_JS = """() => [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href"))
  .filter((href) => href.startsWith("/") && !href.startsWith("//"))"""


def forbidden_links(page, base_url: str, linked: dict) -> list[str]:
    """Each link the person was shown, followed once: none may lead to a refusal (403)."""
    problems = []
    for href, shown_on in sorted(linked.items()):
        status = page.request.get(base_url + href, max_redirects=0).status
        if status == 403:
            problems.append(f"{shown_on} links to {href}, which is 403 for this person")
    return problems


@pytest.fixture
def world_for_browser(portal):
    """The isolation sweep's two partners, committed for the live server, and a customer
    request in each state."""
    w = build_world()
    return w, request_states(w)


PEOPLE = (*PARTNER_ROLES, "customer_admin", "anonymous", "reviewer", "partner_b")


@pytest.mark.parametrize("person", PEOPLE)
def test_every_page_is_accessible(browser, portal, world_for_browser, person):
    w, extra_requests = world_for_browser
    started = time.monotonic()
    visits = partner_b_visits(w) if person == "partner_b" else visits_for(person, w, extra_requests)
    # Each form's errors and each dialog once per page: as the global admin, the reviewer and
    # a signed-out visitor (the other roles see the same forms, or their refusal).
    states = person in (Role.GLOBAL_ADMIN, "reviewer", "anonymous", "customer_admin")
    problems, audits = sweep(browser, portal, person, w, visits, states=states)
    print(
        f"\n{person}: {audits} audits of {len(visits)} pages in {time.monotonic() - started:.0f} s"
    )
    assert visits, f"{person} sees no page"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)

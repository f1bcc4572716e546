"""The portal's notifications (the bell): recorded with the emails a person waits for
(ops/notifications.py), for the user whose address it is; the badge counts the unread ones (an
htmx fragment, so no page pays for it); the list, newest first; mark one read (and go where it
points) or all; nobody sees another user's."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ops import notifications
from ops.models import EmailNotification, PortalNotification
from ops.notifications import (
    PORTAL_TEMPLATES,
    Email,
    notify_many_on_commit,
    notify_on_commit,
    portal_link,
)
from orders.models import Offer
from orders.services import CartLine, order_place, order_provision
from partners.models import Role
from validation import services as validation_services

from ..factories import UserFactory, customer_request_data, gcc_partner
from ..orders.conftest import G3, managed_customer, offer_catalog  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# Enough of each event's context for its subject, and the path it links to.
EVENTS = {
    "validation_approved": {"reference": "GCC-000001", "request_path": "/validation/r1/"},
    "validation_rejected": {"reference": "GCC-000001", "request_path": "/validation/r1/"},
    "validation_info_requested": {
        "reference": "GCC-000001",
        "request_path": "/validation/r1/",
        "answer_path": "/validation/answer/t0ken/",
    },
    "validation_answered": {"reference": "GCC-000001", "request_path": "/validation/r1/"},
    "relationship_accepted": {
        "customer_name": "County of Lincoln",
        "partner_name": "Tailspin",
        "request_path": "/customers/relationships/r1/",
    },
    "order_completed": {
        "customer_name": "County of Lincoln",
        "lines": [{"offer": G3, "quantity": 5, "name": "Clerk"}],
        "order_path": "/customers/c1/orders/o1/",
    },
    "subscription_changed": {
        "subscription_name": "Clerk",
        "customer_name": "County of Lincoln",
        "changes": [{"what": "Quantity", "from": "5", "to": "10"}],
        "path": "/customers/c1/subscriptions/s1/",
    },
}


def notifications_of(user):
    return list(PortalNotification.objects.filter(user=user))


def badge_text(response) -> str:
    return re.sub(r"<[^>]+>", "", response.content.decode()).strip()


@pytest.fixture
def agent(partner):
    return UserFactory(partner=partner, role=Role.SALES_AGENT, email="Sam@Tailspin.test")


# --- The hook ---------------------------------------------------------------------------------


def test_every_listed_event_is_an_event_template():
    assert set(EVENTS) == PORTAL_TEMPLATES


@pytest.mark.parametrize("template", sorted(EVENTS))
def test_each_event_email_is_a_notification_for_its_user(agent, template):
    notify_on_commit(
        key=f"{template}:1",
        template=template,
        to=["sam@tailspin.test", "someone@elsewhere.test"],  # case differs; not a user
        context=EVENTS[template],
    )
    (notification,) = PortalNotification.objects.all()
    assert notification.user == agent
    assert notification.key == f"{template}:1"
    assert notification.read_at is None
    assert notification.title and "\n" not in notification.title
    # The first portal path of the context: the request's page, not the contact's answer link.
    first = next(v for k, v in EVENTS[template].items() if k.endswith("path"))
    assert notification.link == first


def test_subject_is_the_title(agent):
    notify_on_commit(
        key="k",
        template="validation_approved",
        to=[agent.email],
        context=EVENTS["validation_approved"],
    )
    assert notifications_of(agent)[0].title == "GCC-000001: approved for Government Community Cloud"


@pytest.mark.parametrize("template", ["password_reset", "validation_submitted"])
def test_other_emails_are_not_notifications(agent, template):
    notify_on_commit(
        key="k",
        template=template,
        to=[agent.email],
        context={"reference": "GCC-000001", "request_path": "/validation/r1/"},
    )
    assert not PortalNotification.objects.exists()


def test_the_same_key_again_is_no_second_notification(agent):
    for _ in range(2):
        notify_on_commit(
            key="order:1:completed",
            template="order_completed",
            to=[agent.email, agent.email.upper()],
            context=EVENTS["order_completed"],
        )
        notify_many_on_commit(
            [
                Email(
                    "order:1:completed", "order_completed", [agent.email], EVENTS["order_completed"]
                )
            ]
        )
    assert PortalNotification.objects.count() == 1


def test_only_active_users_whose_address_it_is(agent, partner):
    other = UserFactory(partner=partner, email="pat@tailspin.test")
    UserFactory(partner=partner, email="gone@tailspin.test", is_active=False)
    notify_on_commit(
        key="k",
        template="order_completed",
        to=["gone@tailspin.test", agent.email],
        context=EVENTS["order_completed"],
    )
    assert [n.user for n in PortalNotification.objects.all()] == [agent]
    assert notifications_of(other) == []


def test_a_batch_is_one_lookup_and_one_insert(agent, partner, django_assert_max_num_queries):
    pat = UserFactory(partner=partner, email="pat@tailspin.test")
    emails = [
        Email(
            f"approved:{n}",
            "validation_approved",
            [agent.email, pat.email],
            EVENTS["validation_approved"],
        )
        for n in range(30)
    ] + [Email("submitted:1", "validation_submitted", [agent.email], {"reference": "X"})]
    # The keys recorded, the emails' insert, then the users' lookup and the notifications'.
    with django_assert_max_num_queries(4):
        notify_many_on_commit(emails)
    assert PortalNotification.objects.filter(user=agent).count() == 30
    assert PortalNotification.objects.filter(user=pat).count() == 30


@pytest.mark.parametrize(
    "path, kept",
    [
        ("/validation/r1/", True),
        ("https://evil.test/x", False),
        ("//evil.test/x", False),
        ("/\\evil.test", False),
        ("validation/r1/", False),
        (42, False),
    ],
)
def test_only_a_path_on_this_site_is_a_link(path, kept):
    assert portal_link({"request_path": path}) == (path if kept else "")


def test_the_first_path_present_is_the_link():
    assert portal_link({"answer_path": "/a/", "request_path": "/r/"}) == "/r/"
    assert portal_link({"answer_path": "/a/"}) == "/a/"
    assert portal_link({"reference": "x"}) == ""


def test_a_subject_that_does_not_render_records_the_email_without_a_notification(
    agent, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("a broken template")

    monkeypatch.setattr(notifications, "render_to_string", broken)
    notify_on_commit(
        key="k", template="order_completed", to=[agent.email], context=EVENTS["order_completed"]
    )
    assert EmailNotification.objects.filter(key="k").exists()  # the service goes on
    assert not PortalNotification.objects.exists()


# --- Real events --------------------------------------------------------------------------------


def test_a_decided_validation_request_notifies_its_submitter_not_the_submission(partner):
    submitter = UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.ADMIN_AGENT)
    request = validation_services.customer_validation_submit(
        actor=submitter,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(submitter.partner, domain="lincolncounty.gov"),
    )
    assert notifications_of(submitter) == []  # "received": nothing to do
    validation_services.validation_request_approve(request_id=request.pk)
    (notification,) = notifications_of(submitter)
    assert notification.title.startswith(request.reference)
    assert notification.link == reverse("validation:detail", args=[request.uuid])


@pytest.mark.usefixtures("offer_catalog")
def test_a_completed_order_notifies_the_agent_who_placed_it():
    seller = UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)
    customer = managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")
    offer = Offer.objects.get(name=G3)
    order = order_place(
        actor=seller,
        customer=customer,
        lines=[CartLine(offer.offer_id, 5, friendly_name="Clerk")],
        submission_key=uuid.uuid4(),
    )
    assert notifications_of(seller) == []
    order_provision(order_id=order.pk)
    (notification,) = notifications_of(seller)
    assert notification.title == "Order completed for County of Lincoln: 1 subscription ready"
    assert notification.link == reverse("orders:detail", args=[customer.uuid, order.uuid])


# --- The pages ----------------------------------------------------------------------------------


def make(user, n: int, *, read: int = 0, link: str = "/customers/"):
    now = timezone.now()
    return [
        PortalNotification.objects.create(
            user=user,
            key=f"{user.pk}:{i}",
            title=f"Event {i} for {user.email}",
            link=link,
            created_at=now - timedelta(minutes=n - i),  # Event n-1 is the newest
            read_at=now if i < read else None,
        )
        for i in range(n)
    ]


def test_the_badge_counts_the_unread(
    client_for, agent, global_admin, django_assert_max_num_queries
):
    make(agent, 5, read=2)
    make(global_admin, 4)
    client = client_for(agent)
    # The session, the user, the count (and the request's savepoint).
    with django_assert_max_num_queries(5):
        response = client.get(reverse("notifications:badge"))
    assert response.status_code == 200
    assert badge_text(response) == "3 unread notifications"
    assert 'hx-get="/notifications/badge/?shown=3"' in response.content.decode()


def test_the_badge_is_empty_when_nothing_is_unread(client_for, agent):
    make(agent, 2, read=2)
    response = client_for(agent).get(reverse("notifications:badge"))
    assert response.status_code == 200
    assert badge_text(response) == ""


def test_the_badge_says_one_notification(client_for, agent):
    make(agent, 1)
    assert badge_text(client_for(agent).get(reverse("notifications:badge"))) == (
        "1 unread notification"
    )


@pytest.mark.parametrize(
    "shown, status",
    [
        ("3", 204),
        ("2", 200),
        ("x", 200),
        ("-1", 200),
        ("", 200),
        ("9" * 5000, 200),
        ("\u0663", 200),
    ],
)
def test_the_same_count_again_is_left_in_place(client_for, agent, shown, status):
    make(agent, 3)
    response = client_for(agent).get(reverse("notifications:badge"), {"shown": shown})
    assert response.status_code == status


def test_an_ordinary_page_does_not_count_notifications(client_for, agent):
    """The bell is loaded after the page: the page itself never asks (its query count
    is what it was), it only carries the htmx loader."""
    make(agent, 3)
    client = client_for(agent)
    with CaptureQueriesContext(connection) as page:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert not [q for q in page.captured_queries if "ops_portalnotification" in q["sql"]]
    html = response.content.decode()
    assert f'hx-get="{reverse("notifications:badge")}"' in html
    assert 'aria-live="polite"' in html
    assert "unread notification" not in html


def test_the_list_is_newest_first_with_the_unread_marked(client_for, agent, global_admin):
    make(agent, 3, read=1)
    make(global_admin, 2)
    response = client_for(agent).get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(r"Event (\d) for ", html)
    assert titles == ["2", "1", "0"]
    assert html.count(">Unread<") == 2
    assert global_admin.email not in html
    assert "2 unread notifications" in html
    assert "Mark all as read" in html


def test_the_list_is_paginated_in_bounded_queries(client_for, agent, django_assert_max_num_queries):
    make(agent, 45)
    client = client_for(agent)
    with django_assert_max_num_queries(8):
        first = client.get(reverse("notifications:list"))
    assert "Page 1 of 3" in first.content.decode()
    last = client.get(reverse("notifications:list"), {"page": "3"})
    assert re.findall(r"Event (\d+) for ", last.content.decode()) == ["4", "3", "2", "1", "0"]
    assert client.get(reverse("notifications:list"), {"page": "nope"}).status_code == 200
    assert client.get(reverse("notifications:list"), {"page": "99"}).status_code == 200


def test_an_empty_list(client_for, agent):
    response = client_for(agent).get(reverse("notifications:list"))
    assert response.status_code == 200
    assert "No notifications yet." in response.content.decode()
    assert "Mark all as read" not in response.content.decode()


def test_following_one_marks_it_read_and_goes_to_its_link(
    client_for, agent, django_assert_max_num_queries
):
    first, second = make(agent, 2, link="/customers/")
    client = client_for(agent)
    with django_assert_max_num_queries(6):
        response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/customers/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    read_at = first.read_at
    client.post(reverse("notifications:read", args=[first.pk]))  # again: still the first time
    first.refresh_from_db()
    assert first.read_at == read_at
    assert badge_text(client.get(reverse("notifications:badge"))) == "1 unread notification"


def test_one_without_a_link_goes_to_the_list(client_for, agent):
    (notification,) = make(agent, 1, link="")
    response = client_for(agent).post(reverse("notifications:read", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_reading_is_a_post(client_for, agent):
    (notification,) = make(agent, 1)
    response = client_for(agent).get(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_another_users_notification_is_a_404(client_for, agent, global_admin):
    (theirs,) = make(global_admin, 1)
    client = client_for(agent)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[999999])).status_code == 404
    assert client.post(reverse("notifications:read", args=[10**30])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_is_only_mine(client_for, agent, global_admin):
    make(agent, 3)
    make(global_admin, 2)
    client = client_for(agent)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    assert not PortalNotification.objects.filter(user=agent, read_at__isnull=True).exists()
    assert PortalNotification.objects.filter(user=global_admin, read_at__isnull=True).count() == 2
    page = client.get(reverse("notifications:list")).content.decode()
    assert "3 notifications marked as read." in page
    assert "No unread notifications." in page
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_signed_out_is_sent_to_sign_in(client):
    for name in ("notifications:list", "notifications:badge"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

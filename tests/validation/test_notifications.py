"""Emails a person waits for: recorded with the change, sent once after commit, retried on
SMTP failure without sending twice, and the one generic function other apps call."""

import re
import smtplib
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import resolve, reverse
from django.utils import timezone

from gccportal.celery import app as celery_app
from lib.refusals import RefusalCode
from ops import notifications
from ops.models import EmailNotification, EmailStatus
from ops.notifications import email_send, emails_send_pending, notify_on_commit
from ops.tasks import send_email_task
from relationships import services as relationships
from validation import services

from ..emails import send_recorded
from ..factories import (
    CustomerAdminFactory,
    PartnerRequestFactory,
    UserFactory,
    customer_request_data,
    gcc_partner,
    partner_request_data,
)
from ..refusals import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_tasks():
    """Tasks run in this process when enqueued (after commit), as a worker would run them."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


class FlakyBackend(EmailBackend):
    """The in-memory backend, but the SMTP server is down for the first ``failures`` sends."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.validation.test_notifications.FlakyBackend"
    FlakyBackend.calls = 0

    def down_for(failures: int):
        FlakyBackend.failures = failures

    return down_for


def record(key="test:1", **overrides):
    return notify_on_commit(
        key=key,
        template=overrides.pop("template", "validation_rejected"),
        to=overrides.pop("to", ["pat@example.test"]),
        context=overrides.pop(
            "context",
            {
                "reference": "GCC-000001",
                "organization_name": "Contoso & Sons",
                "kind_label": "partner GCC validation",
                "contact_name": "Pat",
                "decision_reason": "Not CSP.",
                "request_path": "/validation/x/",
            },
        ),
    )


# --- The generic function -----------------------------------------------------------------------


class TestNotifyOnCommit:
    def test_sent_once_after_the_transaction_commits(
        self, eager_tasks, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            record()
            assert mail.outbox == []  # nothing leaves before commit
        (message,) = mail.outbox
        assert message.subject == "GCC-000001: GCC validation not approved"
        assert "Contoso & Sons" in message.body  # text part: not HTML-escaped
        assert "Contoso &amp; Sons" in message.alternatives[0][0]
        assert "http://" in message.body and "/validation/x/" in message.body
        row = EmailNotification.objects.get()
        assert (row.status, row.attempts, row.subject) == ("sent", 1, message.subject)

    def test_nothing_is_recorded_or_sent_when_the_transaction_rolls_back(
        self, eager_tasks, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    record()
                    raise RuntimeError("the service failed")
            except RuntimeError:
                pass
        assert not EmailNotification.objects.exists() and mail.outbox == []

    def test_the_same_key_twice_is_one_email(self, eager_tasks, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            first = record()
            again = record()
        assert first.pk == again.pk and len(callbacks) == 1
        assert len(mail.outbox) == 1

    def test_a_second_run_of_the_task_sends_nothing(self):
        row = record()
        assert send_email_task.apply(args=[row.pk]).get() is True
        assert send_email_task.apply(args=[row.pk]).get() is False
        assert len(mail.outbox) == 1

    def test_recipients_are_deduplicated_and_blank_ones_dropped(self):
        row = record(to=["b@example.test", "", "a@example.test", "b@example.test"])
        assert row.to == ["a@example.test", "b@example.test"]
        assert record(key="nobody", to=["", " "]) is None

    def test_context_must_be_json(self):
        with pytest.raises(TypeError):
            record(context={"when": timezone.now()})
        with pytest.raises(ValueError, match="Not an email address"):
            record(to=["not-an-address"])

    def test_the_site_url_is_given_to_the_templates(self, settings):
        settings.GCC_SITE_URL = "https://portal.example.gov"
        record()
        (message,) = send_recorded()
        assert "https://portal.example.gov/validation/x/" in message.body


# --- Retries ------------------------------------------------------------------------------------


class TestRetries:
    def test_an_smtp_failure_is_retried_and_the_email_sent_once(self, flaky_smtp):
        flaky_smtp(2)
        row = record()
        result = send_email_task.apply(args=[row.pk])  # eager: retries run at once
        assert result.get() is True
        assert FlakyBackend.calls == 3 and len(mail.outbox) == 1
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("sent", 3)

    def test_a_failure_puts_the_email_back_with_a_backoff(self, flaky_smtp):
        flaky_smtp(1)
        row = record()
        now = timezone.now()
        with pytest.raises(smtplib.SMTPServerDisconnected):
            email_send(notification_id=row.pk, now=now)
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.next_attempt_at == now + timedelta(seconds=30)
        assert "SMTPServerDisconnected" in row.last_error
        assert emails_send_pending(now=now) == []  # not due yet
        assert emails_send_pending(now=now + timedelta(seconds=31)) == [row.pk]
        assert len(mail.outbox) == 1

    def test_gives_up_after_the_last_attempt(self, flaky_smtp, settings):
        settings.GCC_EMAIL_MAX_ATTEMPTS = 2
        flaky_smtp(10)
        row = record()
        send_email_task.apply(args=[row.pk])
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 2)
        assert emails_send_pending(now=timezone.now() + timedelta(days=1)) == []
        assert mail.outbox == []

    def test_a_broken_template_is_not_retried(self):
        row = record(template="no_such_email")
        with pytest.raises(Exception, match="no_such_email"):
            email_send(notification_id=row.pk)
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 1)

    def test_the_sweep_sends_what_the_broker_never_delivered(self):
        row = record()  # recorded; the after-commit task never ran (broker down)
        assert emails_send_pending(now=timezone.now()) == []  # the task gets a head start
        later = timezone.now() + notifications.SWEEP_GRACE
        assert emails_send_pending(now=later) == [row.pk]
        assert emails_send_pending(now=later) == []
        assert len(mail.outbox) == 1

    def test_a_send_left_half_done_by_a_dead_worker_is_taken_again(self):
        row = record()
        claimed_at = timezone.now()
        EmailNotification.objects.filter(pk=row.pk).update(
            status=EmailStatus.SENDING, claimed_at=claimed_at, attempts=1
        )
        assert email_send(notification_id=row.pk, now=claimed_at) is False  # someone has it
        assert emails_send_pending(now=claimed_at + notifications.STALE_CLAIM) == [row.pk]
        assert len(mail.outbox) == 1


# --- Each email a person waits for ----------------------------------------------------------------


class TestEachEmail:
    def test_screening_is_not_an_event_anyone_waits_for(self, admin_agent):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        services.validation_request_screen(request_id=request.pk)
        assert not EmailNotification.objects.exists()

    def test_submitted_decision_and_answer_emails(self, admin_agent, reviewer):
        request = services.partner_validation_submit(
            actor=admin_agent,
            submission_key=uuid.uuid4(),
            intake=partner_request_data(admin_agent.partner, contract_reference=""),
        )
        (received,) = send_recorded("validation_submitted")
        assert received.to == sorted(["pat@example.test", admin_agent.email])
        assert request.reference in received.subject and "decision is expected by" in received.body
        assert "received the partner GCC validation for" in received.body

        services.validation_request_request_info(
            request_id=request.pk, question="Your GSA schedule?", actor=reviewer
        )
        (question,) = send_recorded("validation_info_requested")
        assert "pat@example.test" in question.to
        assert "Your GSA schedule?" in question.body
        # The signed link carries its own timestamp, so it is read from the email, not rebuilt.
        link = re.search(r"https?://\S+(/validation/answer/\S+/)", question.body).group(1)
        match = resolve(link)
        assert match.view_name == "validation:contact_answer"
        token = match.kwargs["token"]

        services.validation_request_answer_by_contact(token=token, response="GS-35F-0119Y")
        (answered,) = send_recorded("validation_answered")
        assert answered.to == [admin_agent.email]  # the partner user waiting on it
        assert "GS-35F-0119Y" in answered.body and "the contact answered" in answered.subject

        services.validation_request_reject(
            request_id=request.pk, reason="Schedule expired.", actor=reviewer
        )
        (rejected,) = send_recorded("validation_rejected")
        assert "Reason: Schedule expired." in rejected.body

    def test_an_answer_by_a_partner_user_in_the_portal_emails_nobody(self, admin_agent):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        services.validation_request_request_info(request_id=request.pk, question="Agency?")
        services.validation_request_answer(actor=admin_agent, request=request, response="DHS")
        assert not EmailNotification.objects.filter(template="validation_answered").exists()

    def test_approved_customer_request_gives_the_code(self, db):
        seller = UserFactory(partner=gcc_partner(), role="sales_agent")
        request = services.customer_validation_submit(
            actor=seller, submission_key=uuid.uuid4(), intake=customer_request_data(seller.partner)
        )
        services.validation_request_approve(request_id=request.pk)
        (approved,) = send_recorded("validation_approved")
        assert request.validation_code.validation_id in approved.body
        assert "it@lincolncounty.gov" in approved.to

    def test_each_transition_is_its_own_email_even_when_repeated(self, admin_agent):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        for question in ("First question?", "Second question?"):
            services.validation_request_request_info(request_id=request.pk, question=question)
            services.validation_request_answer(actor=admin_agent, request=request, response="A")
        first, second = send_recorded("validation_info_requested")
        assert "First question?" in first.body and "Second question?" in second.body

    def test_relationship_accepted_tells_the_partner_user_who_asked(self, admin_agent):
        invitation = relationships.relationship_request_create(actor=admin_agent)
        token = relationships.relationship_link_token(invitation)
        customer_admin = CustomerAdminFactory(
            first_name="Cora", last_name="Admin", customer__company_name="City of Springfield"
        )
        relationships.relationship_request_accept(actor=customer_admin, token=token)
        (accepted,) = send_recorded("relationship_accepted")
        assert accepted.to == [admin_agent.email]
        assert accepted.subject == (
            f"City of Springfield accepted {admin_agent.partner.name} as its reseller"
        )
        assert "Cora Admin" in accepted.body
        assert reverse("relationships:detail", args=[invitation.uuid]) in accepted.body

    def test_a_declined_relationship_emails_nobody(self, admin_agent):
        invitation = relationships.relationship_request_create(actor=admin_agent)
        token = relationships.relationship_link_token(invitation)
        relationships.relationship_request_decline(actor=CustomerAdminFactory(), token=token)
        assert not EmailNotification.objects.exists()

    def test_a_decision_that_loses_a_race_emails_nobody(self, reviewer):
        request = PartnerRequestFactory()
        services.validation_request_approve(request_id=request.pk)
        with refused(RefusalCode.ALREADY_DECIDED):
            services.validation_request_reject(
                request_id=request.pk, reason="Late.", actor=reviewer
            )
        assert not EmailNotification.objects.filter(template="validation_rejected").exists()

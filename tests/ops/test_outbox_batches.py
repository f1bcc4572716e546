"""The email outbox sends in batches over one SMTP connection, marking each row sent or failed
as a single send does; what a service records at once (``notify_many_on_commit``) is the same
rows ``notify_on_commit`` records, sent after commit by one task; a beat tick drains the
outbox batch after batch until nothing is due, the SMTP server fails or its budget is spent."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from gccportal.celery import app as celery_app
from lib import sweeps
from ops import notifications
from ops.models import EmailNotification, EmailStatus
from ops.notifications import (
    Email,
    emails_send,
    emails_send_batch,
    emails_send_pending_drain,
    notify_many_on_commit,
    notify_on_commit,
)
from ops.tasks import send_pending_emails_task

pytestmark = pytest.mark.django_db

CONTEXT = {
    "reference": "GCC-000001",
    "organization_name": "Contoso & Sons",
    "kind_label": "partner GCC validation",
    "contact_name": "Pat",
    "decision_reason": "Not CSP.",
    "request_path": "/validation/x/",
}


class CountingBackend(EmailBackend):
    """The in-memory backend; counts connections opened and what each one sent. With
    ``fail_at``, the n-th message sent (1-based, over all connections) fails as an SMTP server
    that drops the connection."""

    opened: list["CountingBackend"] = []
    sent = 0
    fail_at = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = 0

    def open(self):
        type(self).opened.append(self)
        return True

    def send_messages(self, messages):
        for _ in messages:
            type(self).sent += 1
            if type(self).sent == type(self).fail_at:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        self.messages += len(messages)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def smtp(settings):
    settings.EMAIL_BACKEND = "tests.ops.test_outbox_batches.CountingBackend"
    CountingBackend.opened, CountingBackend.sent, CountingBackend.fail_at = [], 0, None
    return CountingBackend


def email(n: int, **overrides) -> Email:
    return Email(
        key=overrides.pop("key", f"test:{n}"),
        template=overrides.pop("template", "validation_rejected"),
        to=overrides.pop("to", [f"pat{n}@example.test"]),
        context=overrides.pop("context", CONTEXT),
    )


def recorded(count: int, **overrides) -> list[int]:
    return [row.pk for row in notify_many_on_commit(email(n, **overrides) for n in range(count))]


def due_later() -> timezone.datetime:
    return timezone.now() + notifications.SWEEP_GRACE + timedelta(seconds=1)


# --- Recording many at once -------------------------------------------------------------------


def test_recording_many_writes_the_rows_one_at_a_time_writes():
    one = notify_on_commit(
        key="one", template="validation_rejected", to=["b@x.test", "a@x.test"], context=CONTEXT
    )
    (many,) = notify_many_on_commit(
        [Email("many", "validation_rejected", ["b@x.test", "", "a@x.test"], CONTEXT)]
    )
    fields = ["template", "to", "context", "status", "attempts", "claimed_at", "sent_at", "subject"]
    assert {f: getattr(many, f) for f in fields} == {f: getattr(one, f) for f in fields}
    many.refresh_from_db()
    assert many.to == ["a@x.test", "b@x.test"]
    assert many.next_attempt_at - many.created_at == notifications.SWEEP_GRACE


def test_a_key_recorded_before_is_not_recorded_again():
    notify_on_commit(key="test:1", template="validation_rejected", to=["a@x.test"], context=CONTEXT)
    new = notify_many_on_commit([email(1), email(2), email(2), email(3, to=["", " "])])
    assert [row.key for row in new] == ["test:2"]  # 1 existed, 2 twice is once, 3 has nobody
    assert EmailNotification.objects.count() == 2


def test_a_bad_email_records_nothing():
    with pytest.raises(ValueError, match="Not an email address"):
        notify_many_on_commit([email(1), email(2, to=["not-an-address"])])
    with pytest.raises(TypeError):
        notify_many_on_commit([email(3, context={"when": timezone.now()})])
    assert not EmailNotification.objects.exists()


def test_after_commit_one_task_sends_them_all_over_one_connection(
    smtp, django_capture_on_commit_callbacks
):
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            recorded(12)
            assert mail.outbox == []
    finally:
        celery_app.conf.task_always_eager = False
    assert len(callbacks) == 1
    assert len(mail.outbox) == 12 and len(smtp.opened) == 1
    assert EmailNotification.objects.filter(status=EmailStatus.SENT).count() == 12


# --- Sending a batch --------------------------------------------------------------------------


def test_a_batch_is_sent_over_one_connection(smtp):
    ids = recorded(30)
    assert sorted(emails_send(notification_ids=ids)) == sorted(ids)
    (connection,) = smtp.opened
    assert connection.messages == 30 and len(mail.outbox) == 30
    for row in EmailNotification.objects.all():
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
        assert row.sent_at and row.subject == "GCC-000001: GCC validation not approved"
    assert emails_send(notification_ids=ids) == []  # sent once
    assert len(mail.outbox) == 30


def test_a_broken_email_fails_alone():
    ids = recorded(5)
    EmailNotification.objects.filter(pk=ids[2]).update(template="no_such_email")
    result = emails_send_batch(notification_ids=ids)
    assert sorted(result.sent) == sorted(ids[:2] + ids[3:]) and not result.interrupted
    bad = EmailNotification.objects.get(pk=ids[2])
    assert (bad.status, bad.attempts) == ("failed", 1) and "no_such_email" in bad.last_error


def test_an_smtp_failure_ends_the_batch_and_puts_the_rest_back(smtp):
    smtp.fail_at = 3
    ids = recorded(6)
    now = timezone.now()
    result = emails_send_batch(notification_ids=ids, now=now)
    assert result.interrupted and sorted(result.sent) == sorted(ids[:2])
    rows = {row.pk: row for row in EmailNotification.objects.all()}
    failed = rows[ids[2]]
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert failed.next_attempt_at == now + timedelta(seconds=30)
    assert "SMTPServerDisconnected" in failed.last_error
    for pk in ids[3:]:  # never tried: as they were
        assert (rows[pk].status, rows[pk].attempts, rows[pk].claimed_at) == ("pending", 0, None)
    assert len(smtp.opened) == 1


def test_a_row_another_worker_is_sending_is_left_to_it():
    ids = recorded(3)
    EmailNotification.objects.filter(pk=ids[0]).update(
        status=EmailStatus.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert sorted(emails_send(notification_ids=ids)) == sorted(ids[1:])
    assert len(mail.outbox) == 2


# --- A beat tick drains the outbox ------------------------------------------------------------


def test_a_tick_sends_batch_after_batch_until_nothing_is_due(smtp):
    ids = recorded(120)
    sent = emails_send_pending_drain(batch_size=50, budget_seconds=60, now=due_later())
    assert sorted(sent) == sorted(ids)
    assert [c.messages for c in smtp.opened] == [50, 50, 20]  # one connection per batch


def test_a_tick_stops_when_its_budget_is_spent(smtp, monkeypatch):
    recorded(120)
    clock = iter(range(0, 1000, 10))
    monkeypatch.setattr(sweeps, "_clock", lambda: next(clock))
    sent = emails_send_pending_drain(batch_size=50, budget_seconds=15, now=due_later())
    assert len(sent) == 100 and [c.messages for c in smtp.opened] == [50, 50]
    assert EmailNotification.objects.filter(status=EmailStatus.PENDING).count() == 20


def test_a_tick_stops_when_the_smtp_server_fails(smtp):
    smtp.fail_at = 60
    recorded(120)
    sent = emails_send_pending_drain(batch_size=50, budget_seconds=60, now=due_later())
    assert len(sent) == 59 and len(smtp.opened) == 2  # the second batch failed: no third
    assert EmailNotification.objects.filter(status=EmailStatus.PENDING, attempts=0).count() == 60


def test_the_beat_task_drains_with_the_settings(settings):
    settings.GCC_SWEEP_BATCH_SIZE = 10
    ids = recorded(25)
    EmailNotification.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert sorted(send_pending_emails_task()) == sorted(ids)

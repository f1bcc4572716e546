"""Emails a person waits for: recorded with the change that caused them, sent once, after commit.

The one function to call, from inside the service's transaction::

    notify_on_commit(
        *,
        key: str,                 # unique per event, e.g. f"order:{order.pk}:completed"
        template: str,            # base name under templates/emails/: renders
                                  #   emails/<template>_subject.txt, <template>.txt, <template>.html
        to: Iterable[str],        # recipients' addresses (blank ones are dropped)
        context: dict | None = None,  # JSON-serialisable values only (ids, strings, numbers,
                                      # lists, dicts): the templates see them plus ``site_url``
    ) -> EmailNotification | None

It saves an outbox row in the current transaction (rolled back with it) and, once the
transaction commits, asks a worker to send it (``send_email_task``). The same ``key`` recorded
again is the same row: a retried service or a re-run never sends twice. A send claims the row
with a conditional UPDATE, so of two workers only one sends. SMTP and network errors are retried
with exponential backoff (by the task, and by the beat sweep ``send_pending_emails_task`` if the
broker was down or the retries ran out) until ``GCC_EMAIL_MAX_ATTEMPTS``; then the row is
marked failed. If a worker dies between handing the message to the SMTP server and recording
it, the row is sent again after ``STALE_CLAIM`` (at least once for that crash, never otherwise).
"""

import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from lib.queue import enqueue_on_commit

from .models import EmailNotification, EmailStatus

logger = logging.getLogger(__name__)

# The task sent after commit normally gets there first; the sweep waits this long before
# sending a row itself (the broker was down, or the message was lost).
SWEEP_GRACE = timedelta(seconds=30)
# A row claimed this long ago by a worker that never finished (it died) is sent again.
STALE_CLAIM = timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600

# An SMTP server that is down, refuses or drops the connection: smtplib's errors are OSErrors.
TRANSIENT_ERRORS = (OSError,)


def _recipients(to: Iterable[str]) -> list[str]:
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValueError(f"Not an email address: {address!r}") from exc
    return recipients


def notify_on_commit(
    *, key: str, template: str, to: Iterable[str], context: dict | None = None
) -> EmailNotification | None:
    """Record an email for ``key`` and send it after the transaction commits (see above).

    Returns the outbox row (the existing one if ``key`` was recorded before), or None when no
    recipient is left. Raises TypeError for a context that is not JSON-serialisable and
    ValueError for a malformed address: both are bugs in the caller.
    """
    context = dict(context or {})
    json.dumps(context)  # TypeError now, not in a worker later
    recipients = _recipients(to)
    if not recipients:
        logger.warning("email %s not recorded: no recipient", key)
        return None
    now = timezone.now()
    notification, created = EmailNotification.objects.get_or_create(
        key=key,
        defaults={
            "template": template,
            "to": recipients,
            "context": context,
            "created_at": now,
            "next_attempt_at": now + SWEEP_GRACE,
        },
    )
    if created:
        from .tasks import send_email_task

        enqueue_on_commit(send_email_task, notification.pk)
    return notification


def _backoff(attempts: int) -> timedelta:
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def _claim(notification_id: int, *, now: datetime) -> bool:
    """Take the row for this send: pending, or left in sending by a worker that died."""
    claimable = Q(status=EmailStatus.PENDING) | Q(
        status=EmailStatus.SENDING, claimed_at__lte=now - STALE_CLAIM
    )
    with transaction.atomic():
        return (
            EmailNotification.objects.filter(claimable, pk=notification_id).update(
                status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
            == 1
        )


def _render(notification: EmailNotification) -> EmailMultiAlternatives:
    base = f"emails/{notification.template}"
    context = {**notification.context, "site_url": settings.GCC_SITE_URL}
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{base}.txt", context), to=notification.to
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    return message


def email_send(*, notification_id: int, now: datetime | None = None) -> bool:
    """Send one recorded email if nobody has; True if this call sent it.

    A transient error puts the row back (pending, with a backoff) and is raised again so the
    task retries; any other error marks it failed.
    """
    now = now or timezone.now()
    if not _claim(notification_id, now=now):
        return False
    notification = EmailNotification.objects.get(pk=notification_id)
    try:
        message = _render(notification)
        message.send()
    except Exception as exc:
        transient = isinstance(exc, TRANSIENT_ERRORS)
        gave_up = not transient or notification.attempts >= settings.GCC_EMAIL_MAX_ATTEMPTS
        EmailNotification.objects.filter(pk=notification_id).update(
            status=EmailStatus.FAILED if gave_up else EmailStatus.PENDING,
            claimed_at=None,
            next_attempt_at=now + _backoff(notification.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning(
            "email %s attempt %s failed (%s)%s",
            notification.key,
            notification.attempts,
            type(exc).__name__,
            "; giving up" if gave_up else "; will retry",
        )
        raise
    EmailNotification.objects.filter(pk=notification_id).update(
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        subject=message.subject[:255],
        last_error="",
    )
    logger.info("email %s sent to %s recipient(s)", notification.key, len(notification.to))
    return True


def emails_send_pending(*, now: datetime | None = None, batch_size: int = 50) -> list[int]:
    """Send what the after-commit task did not (broker down, retries used up, a dead worker).

    Returns the ids this call sent. A transient failure leaves the row for a later sweep.
    """
    now = now or timezone.now()
    due = (
        EmailNotification.objects.filter(
            Q(status=EmailStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=EmailStatus.SENDING, claimed_at__lte=now - STALE_CLAIM)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch_size]
    )
    sent = []
    for pk in list(due):
        try:
            if email_send(notification_id=pk, now=now):
                sent.append(pk)
        except Exception:  # recorded on the row; the next sweep (or nobody, if failed) retries
            continue
    return sent


def email_outbox_counts() -> dict[str, int]:
    """How many recorded emails are in each status (every status present, zeros included)."""
    counts = dict(
        EmailNotification.objects.order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status.value: counts.get(status.value, 0) for status in EmailStatus}

"""Emails a person waits for: recorded with the change that caused them, sent once, after commit.

The one function to call, from inside the service's transaction::

    notify_on_commit(
        *,
        key: str,                 # unique per event, e.g. f"order:{order.pk}:completed"
        template: str,            # base name under templates/emails/: renders
                                  #   emails/<template>_subject.txt, <template>.txt, <template>.html
        to: Iterable[str],        # recipients' addresses (blank ones are dropped)
        context: dict | None = None,  # JSON-serialisable values only (ids, strings, numbers,
                                      # lists, dicts): the templates see them plus ``site_url``;
                                      # "language": the recipients' (lib.i18n.language_of),
                                      # rendered in it (default: settings.LANGUAGE_CODE)
    ) -> EmailNotification | None

It saves an outbox row in the current transaction (rolled back with it) and, once the
transaction commits, asks a worker to send it (``send_email_task``). A service that records
many at once (the review sweep's batch) calls ``notify_many_on_commit([Email(...), ...])``: the
same rows in one insert, sent after commit by one task over one SMTP connection
(``emails_send``); the beat sweep ``send_pending_emails_task`` sends what is left the same
way, batch after batch, until nothing is due or its time budget is spent. The same ``key`` recorded
again is the same row: a retried service or a re-run never sends twice. A send claims the row
with a conditional UPDATE, so of two workers only one sends. SMTP and network errors are retried
with exponential backoff (by the task, and by the beat sweep ``send_pending_emails_task`` if the
broker was down or the retries ran out) until ``GCC_EMAIL_MAX_ATTEMPTS``; then the row is
marked failed. If a worker dies between handing the message to the SMTP server and recording
it, the row is sent again after ``STALE_CLAIM`` (at least once for that crash, never otherwise).

The portal's notifications (the bell, ``ops/notification_views.py``) are recorded here too, with
the email: for the event templates of ``PORTAL_TEMPLATES``, each recipient address that belongs
to an active user account gets a ``PortalNotification`` (title: the rendered subject; link: the
first portal path of ``PORTAL_LINK_KEYS`` in the context). Once per (user, key), like the email.
"""

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from lib.i18n import supported
from lib.queue import enqueue_on_commit
from lib.sweeps import drain, sweep_time_budget

from .models import EmailNotification, EmailStatus, PortalNotification

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


def _recipients(to: Iterable[str], valid: set[str] | None = None) -> list[str]:
    """The addresses, deduplicated and sorted, blank ones dropped; a malformed one raises.
    ``valid``: addresses already checked by this caller (added to as it goes)."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    for address in recipients:
        if valid is not None and address in valid:
            continue
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValueError(f"Not an email address: {address!r}") from exc
        if valid is not None:
            valid.add(address)
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
        _portal_record([notification])
    return notification


@dataclass(frozen=True)
class Email:
    """One email to record: ``notify_on_commit``'s arguments."""

    key: str
    template: str
    to: Iterable[str]
    context: dict = field(default_factory=dict)


def notify_many_on_commit(emails: Iterable[Email]) -> list[EmailNotification]:
    """``notify_on_commit`` for many emails at once: one query for the keys already recorded,
    one insert for the new rows, and after commit one task that sends them all over one SMTP
    connection. Returns the new rows: a key recorded earlier keeps its row (nothing is sent
    again), a key given twice is one row. Raises as ``notify_on_commit`` does, before anything
    is saved."""
    now = timezone.now()
    rows: dict[str, EmailNotification] = {}
    valid: set[str] = set()  # a partner user is told about many requests: check it once
    for email in emails:
        context = dict(email.context or {})
        json.dumps(context)  # TypeError now, not in a worker later
        recipients = _recipients(email.to, valid)
        if not recipients:
            logger.warning("email %s not recorded: no recipient", email.key)
            continue
        rows.setdefault(
            email.key,
            EmailNotification(
                key=email.key,
                template=email.template,
                to=recipients,
                context=context,
                created_at=now,
                next_attempt_at=now + SWEEP_GRACE,
            ),
        )
    if not rows:
        return []
    recorded = set(
        EmailNotification.objects.filter(key__in=list(rows)).values_list("key", flat=True)
    )
    new = EmailNotification.objects.bulk_create(
        [row for key, row in rows.items() if key not in recorded]
    )
    if new:
        from .tasks import send_emails_task

        enqueue_on_commit(send_emails_task, [row.pk for row in new])
        _portal_record(new)
    return new


# --- The portal's notifications (the bell) ---------------------------------------------------

# The emails that are also shown in the portal: the events a partner user waits for. Not the
# password reset (its link is a secret), not the copy of "request received" (nothing to do).
PORTAL_TEMPLATES = frozenset(
    {
        "validation_approved",
        "validation_rejected",
        "validation_info_requested",
        "validation_answered",
        "relationship_accepted",
        "order_completed",
        "subscription_changed",
    }
)
# Where a notification links to: the first of these the email's context holds.
PORTAL_LINK_KEYS = ("request_path", "order_path", "path", "answer_path")


def portal_link(context: dict) -> str:
    """The portal path a notification links to: the first of ``PORTAL_LINK_KEYS`` present in
    ``context``, kept only if it is a path on this site ("/..."), else blank."""
    for name in PORTAL_LINK_KEYS:
        if name in context:
            value = context[name]
            if (
                isinstance(value, str)
                and value.startswith("/")
                and len(value) <= 500
                and url_has_allowed_host_and_scheme(value, allowed_hosts=None)
            ):
                return value
            return ""
    return ""


def _language(context: dict) -> str:
    """The recipients' language, as the service that recorded the email put it in the context
    (``"language"``; lib.i18n.language_of), else the default."""
    return supported(context.get("language")) or settings.LANGUAGE_CODE


def _subject(row: EmailNotification) -> str | None:
    """The email's subject as the recipient will read it; None if it does not render (the
    email's own send marks it failed; the service that recorded it goes on)."""
    context = {**row.context, "site_url": settings.GCC_SITE_URL}
    try:
        with translation.override(_language(context)):
            subject = render_to_string(f"emails/{row.template}_subject.txt", context)
    except Exception:
        logger.exception("portal notification for email %s not recorded", row.key)
        return None
    return " ".join(subject.split())[:255]


def _portal_record(rows: list[EmailNotification]) -> None:
    """A ``PortalNotification`` for each recipient of the new ``rows`` (of ``PORTAL_TEMPLATES``)
    whose address is an active user's (case-insensitive): one query for the users, one insert.
    A (user, key) recorded before is left as it was."""
    rows = [row for row in rows if row.template in PORTAL_TEMPLATES]
    if not rows:
        return
    addresses = {address.lower() for row in rows for address in row.to}
    users: dict[str, list[int]] = defaultdict(list)
    found = (
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(is_active=True, address__in=addresses)
        .values_list("pk", "address")
    )
    for pk, address in found:
        users[address].append(pk)
    if not users:
        return
    notifications = []
    for row in rows:
        pks = sorted({pk for address in row.to for pk in users.get(address.lower(), ())})
        if not pks:
            continue
        title = _subject(row)
        if title is None:
            continue
        link = portal_link(row.context)
        notifications += [
            PortalNotification(
                user_id=pk, key=row.key, title=title, link=link, created_at=row.created_at
            )
            for pk in pks
        ]
    PortalNotification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=500)


def _backoff(attempts: int) -> timedelta:
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def _claimable(now: datetime) -> Q:
    """Rows a send may take: pending, or left in sending by a worker that died."""
    return Q(status=EmailStatus.PENDING) | Q(
        status=EmailStatus.SENDING, claimed_at__lte=now - STALE_CLAIM
    )


def _claim(notification_id: int, *, now: datetime) -> bool:
    """Take the row for this send: pending, or left in sending by a worker that died."""
    claimable = _claimable(now)
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
    language = _language(context)
    with translation.override(language):
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"{base}.txt", context),
            to=notification.to,
            headers={"Content-Language": language},
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
        _failure_record(notification, exc, now=now)
        raise
    _sent_record(notification, message)
    return True


def _failure_record(notification: EmailNotification, exc: Exception, *, now: datetime) -> None:
    """A transient error puts the row back (pending, with a backoff) until the last attempt;
    any other error marks it failed."""
    transient = isinstance(exc, TRANSIENT_ERRORS)
    gave_up = not transient or notification.attempts >= settings.GCC_EMAIL_MAX_ATTEMPTS
    EmailNotification.objects.filter(pk=notification.pk).update(
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


def _sent_record(notification: EmailNotification, message: EmailMultiAlternatives) -> None:
    EmailNotification.objects.filter(pk=notification.pk).update(
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        subject=message.subject[:255],
        last_error="",
    )
    logger.info("email %s sent to %s recipient(s)", notification.key, len(notification.to))


@dataclass
class BatchSent:
    sent: list[int] = field(default_factory=list)  # ids sent by this call
    tried: list[int] = field(default_factory=list)  # ids this call claimed
    interrupted: bool = False  # the SMTP server failed: the rest of the batch was put back


def _claim_many(notification_ids: list[int], *, now: datetime) -> list[EmailNotification]:
    """Take the rows of ``notification_ids`` nobody else is sending (locked, then marked
    sending with one UPDATE): of two workers, each row goes to one."""
    with transaction.atomic():
        pks = list(
            EmailNotification.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now), pk__in=list(notification_ids))
            .values_list("pk", flat=True)
        )
        EmailNotification.objects.filter(pk__in=pks).update(
            status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(EmailNotification.objects.filter(pk__in=pks).order_by("pk"))


def emails_send_batch(*, notification_ids, now: datetime | None = None) -> BatchSent:
    """Send the recorded emails of ``notification_ids`` nobody has sent, over one SMTP
    connection, marking each row sent or failed as ``email_send`` does.

    A message that fails for its own sake (a broken template) is marked failed and the batch
    goes on. An SMTP or network error is counted on that row (pending, with a backoff) and
    ends the batch: the rows not yet tried go back as they were, for a later send."""
    now = now or timezone.now()
    result = BatchSent()
    rows = _claim_many(list(notification_ids), now=now)
    result.tried = [row.pk for row in rows]
    if not rows:
        return result
    connection = get_connection()
    left, opened = list(rows), False
    try:
        while left:
            notification = left.pop(0)
            try:
                if not opened:  # one connection for the whole batch
                    connection.open()
                    opened = True
                message = _render(notification)
                connection.send_messages([message])
            except Exception as exc:
                _failure_record(notification, exc, now=now)
                if isinstance(exc, TRANSIENT_ERRORS):
                    result.interrupted = True
                    logger.warning("email batch interrupted: %d email(s) put back", len(left))
                    break
                continue
            _sent_record(notification, message)
            result.sent.append(notification.pk)
    finally:
        if left:  # never tried: as they were before the claim
            EmailNotification.objects.filter(pk__in=[row.pk for row in left]).update(
                status=EmailStatus.PENDING, claimed_at=None, attempts=F("attempts") - 1
            )
        _close(connection)
    return result


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # the server already dropped it; every row is recorded
        logger.warning("closing the SMTP connection failed", exc_info=True)


def emails_send(*, notification_ids, now: datetime | None = None) -> list[int]:
    """``emails_send_batch``; returns the ids it sent (``send_emails_task``)."""
    return emails_send_batch(notification_ids=notification_ids, now=now).sent


def _due(now: datetime):
    return EmailNotification.objects.filter(
        Q(status=EmailStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=EmailStatus.SENDING, claimed_at__lte=now - STALE_CLAIM)
    ).order_by("next_attempt_at", "pk")


def emails_send_pending(*, now: datetime | None = None, batch_size: int = 50) -> list[int]:
    """Send what the after-commit task did not (broker down, retries used up, a dead worker):
    one batch of up to ``batch_size``, over one SMTP connection.

    Returns the ids this call sent. A transient failure leaves the row for a later sweep.
    """
    return _send_pending_batch(now=now or timezone.now(), batch_size=batch_size).sent


def _send_pending_batch(*, now: datetime, batch_size: int) -> BatchSent:
    due = _due(now).values_list("pk", flat=True)[:batch_size]
    return emails_send_batch(notification_ids=list(due), now=now)


def emails_send_pending_drain(
    *, batch_size: int, budget_seconds: float | None = None, now: datetime | None = None
) -> list[int]:
    """What a beat tick does: send due emails batch after batch (each over one connection)
    until none is due, the SMTP server fails, or ``budget_seconds`` (default: the sweeps'
    budget, ``lib.sweeps.sweep_time_budget``) are spent. A row tried once is no longer due in
    this tick (sent, failed, or put back with a backoff). Returns the ids sent."""
    sent: list[int] = []

    def batch() -> bool:
        outcome = _send_pending_batch(now=now or timezone.now(), batch_size=batch_size)
        sent.extend(outcome.sent)
        return len(outcome.tried) >= batch_size and not outcome.interrupted

    budget = sweep_time_budget() if budget_seconds is None else budget_seconds
    drain(batch, budget_seconds=budget)
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

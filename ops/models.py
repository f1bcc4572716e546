from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class EmailStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    SENDING = "sending", gettext_lazy("Sending")
    SENT = "sent", gettext_lazy("Sent")
    FAILED = "failed", gettext_lazy("Failed")


class EmailNotification(models.Model):
    """One email a person waits for, recorded in the transaction that caused it.

    ``key`` names the event (e.g. ``validation-event:42``): recording the same key twice is one
    row, and a row is sent once (a conditional UPDATE claims it), however often a task runs.
    """

    key = models.CharField(gettext_lazy("key"), max_length=200, unique=True)
    template = models.CharField(
        gettext_lazy("template"),
        max_length=100,
        help_text=gettext_lazy("Base name under templates/emails/ (subject, .txt, .html)."),
    )
    to = models.JSONField(gettext_lazy("to"), default=list)
    context = models.JSONField(gettext_lazy("context"), default=dict, blank=True)
    status = models.CharField(
        gettext_lazy("status"), max_length=8, choices=EmailStatus, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)
    created_at = models.DateTimeField(gettext_lazy("created at"))
    next_attempt_at = models.DateTimeField(gettext_lazy("next attempt at"))
    claimed_at = models.DateTimeField(gettext_lazy("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(gettext_lazy("sent at"), null=True, blank=True)
    subject = models.CharField(gettext_lazy("subject"), max_length=255, blank=True)
    last_error = models.TextField(gettext_lazy("last error"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("email notification")
        verbose_name_plural = gettext_lazy("email notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                name="sent_email_has_sent_at",
                condition=~models.Q(status=EmailStatus.SENT) | models.Q(sent_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} to {', '.join(self.to)} ({self.get_status_display().lower()})"


class Heartbeat(models.Model):
    """When a background process last proved it was alive (``worker``, ``review_sweep``)."""

    name = models.CharField(gettext_lazy("name"), max_length=50, primary_key=True)
    at = models.DateTimeField(gettext_lazy("at"))
    detail = models.JSONField(gettext_lazy("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = gettext_lazy("heartbeat")
        verbose_name_plural = gettext_lazy("heartbeats")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S %Z}"


class QueueProbe(models.Model):
    """One probe task's run: ``manage.py queue_probe`` enqueues probes and waits for these rows.

    No unique constraint on purpose: a message delivered twice shows as two rows.
    """

    label = models.CharField(gettext_lazy("label"), max_length=100, db_index=True)
    seq = models.PositiveIntegerField(gettext_lazy("seq"))
    enqueued_at = models.DateTimeField(gettext_lazy("enqueued at"))
    executed_at = models.DateTimeField(gettext_lazy("executed at"))
    task_id = models.CharField(gettext_lazy("task id"), max_length=255, blank=True)

    class Meta:
        verbose_name = gettext_lazy("queue probe")
        verbose_name_plural = gettext_lazy("queue probes")
        ordering = ["label", "seq"]

    def __str__(self) -> str:
        return f"probe {self.label}#{self.seq}"


class PortalNotification(models.Model):
    """The portal's copy of an email a user waits for (ops/notifications.py records both):
    the bell's unread count, the notifications list. One per (user, email key)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="portal_notifications",
        verbose_name=gettext_lazy("user"),
    )
    key = models.CharField(
        gettext_lazy("key"),
        max_length=200,
        help_text=gettext_lazy("The email's key (EmailNotification.key)."),
    )
    title = models.CharField(gettext_lazy("title"), max_length=255)
    link = models.CharField(
        gettext_lazy("link"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy("A portal path, or blank."),
    )
    created_at = models.DateTimeField(gettext_lazy("created at"))
    read_at = models.DateTimeField(gettext_lazy("read at"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("portal notification")
        verbose_name_plural = gettext_lazy("portal notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["user", "read_at", "-created_at"], name="ops_portalnotif_unread_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="portal_notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} for {self.user} ({'read' if self.read_at else 'unread'})"

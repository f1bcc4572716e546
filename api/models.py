"""API tokens of partner agents, and the stored answers that make retries idempotent."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy


def password_binding(password_hash: str) -> str:
    """What a token remembers of its agent's password: a digest of the stored password hash, so
    any change of password (whoever made it) no longer matches. Not keyed with SECRET_KEY on
    purpose: rotating the key must not revoke every token as "password changed"; the digest of a
    salted slow hash reveals nothing the hash does not."""
    return hashlib.sha256(password_hash.encode()).hexdigest()


class RevokedReason(models.TextChoices):
    BY_AGENT = "by_agent", "by you"
    USER_DEACTIVATED = "user_deactivated", "account deactivated"
    PASSWORD_CHANGED = "password_changed", "password changed"


class ApiToken(models.Model):
    """A bearer token that acts as its agent (same partner, same role). Only a hash is kept.

    It stops working when revoked (by its agent, or for good when the agent is deactivated or
    their password changes) and after ``expires_at`` (never when that is empty)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=gettext_lazy("agent"),
    )
    name = models.CharField(gettext_lazy("name"), max_length=100)
    token_hash = models.CharField(gettext_lazy("token hash"), max_length=64, unique=True)
    prefix = models.CharField(
        gettext_lazy("prefix"), max_length=12, help_text="The first characters, for recognition."
    )
    created_at = models.DateTimeField(gettext_lazy("created at"))
    last_used_at = models.DateTimeField(gettext_lazy("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(gettext_lazy("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(
        gettext_lazy("revoked reason"), max_length=20, choices=RevokedReason, blank=True, default=""
    )
    expires_at = models.DateTimeField(
        gettext_lazy("expires at"), null=True, blank=True, help_text="Empty: no expiry."
    )
    password_binding = models.CharField(
        gettext_lazy("password binding"),
        max_length=64,
        default="",
        help_text="password_binding() of the agent's password.",
    )

    class Meta:
        verbose_name = gettext_lazy("api token")
        verbose_name_plural = gettext_lazy("api tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="api_token_revoked_with_reason",
                condition=(Q(revoked_at__isnull=True) & Q(revoked_reason=""))
                | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """Not revoked (it may still have expired: ``is_expired``)."""
        return self.revoked_at is None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def expired(self) -> bool:  # for templates
        return self.is_expired()


class IdempotentResponse(models.Model):
    """The answer to a successful write, replayed when the same MS-RequestId comes back."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("agent"),
    )
    request_id = models.CharField(gettext_lazy("request id"), max_length=64)
    method = models.CharField(gettext_lazy("method"), max_length=8)
    resource = models.CharField(
        gettext_lazy("resource"),
        max_length=500,
        help_text="The route with its ids in one spelling, not the literal path.",
    )
    status = models.PositiveSmallIntegerField(gettext_lazy("status"))
    body = models.JSONField(gettext_lazy("body"), null=True, blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("idempotent response")
        verbose_name_plural = gettext_lazy("idempotent responses")
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "request_id", "method", "resource"],
                name="one_answer_per_request_id",
            ),
            models.CheckConstraint(
                name="idempotent_status_is_http", condition=Q(status__gte=100, status__lte=599)
            ),
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.resource} [{self.request_id}] → {self.status}"

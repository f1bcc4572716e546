from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy


class RelationshipRequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("relationship request", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("relationship request", "Accepted")
    DECLINED = "declined", pgettext_lazy("relationship request", "Declined")
    EXPIRED = "expired", pgettext_lazy("relationship request", "Expired")


class RelationshipRequest(models.Model):
    """A reseller relationship invitation: the personalized link a partner emails a customer."""

    uuid = models.UUIDField(gettext_lazy("uuid"), default=uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="relationship_requests",
        verbose_name=gettext_lazy("partner"),
    )
    indirect_reseller = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("indirect reseller"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("created by"),
    )
    created_at = models.DateTimeField(gettext_lazy("created at"))
    expires_at = models.DateTimeField(gettext_lazy("expires at"))
    status = models.CharField(
        gettext_lazy("status"),
        max_length=16,
        choices=RelationshipRequestStatus,
        default=RelationshipRequestStatus.PENDING,
    )
    answered_at = models.DateTimeField(gettext_lazy("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("answered by"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=gettext_lazy("customer"),
    )

    class Meta:
        verbose_name = gettext_lazy("relationship request")
        verbose_name_plural = gettext_lazy("relationship requests")
        db_table = "customers_relationshiprequest"  # made there; the rows stayed put
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="accepted_request_names_customer",
                condition=~Q(status=RelationshipRequestStatus.ACCEPTED) | Q(customer__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return gettext("Relationship request from %(partner)s (%(status)s)") % {
            "partner": self.partner,
            "status": self.get_status_display(),
        }

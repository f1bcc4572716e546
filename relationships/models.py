from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q


class RelationshipRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


class RelationshipRequest(models.Model):
    """A reseller relationship invitation: the personalized link a partner emails a customer."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="relationship_requests"
    )
    indirect_reseller = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=16,
        choices=RelationshipRequestStatus,
        default=RelationshipRequestStatus.PENDING,
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        db_table = "customers_relationshiprequest"  # made there; the rows stayed put
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="accepted_request_names_customer",
                condition=~Q(status=RelationshipRequestStatus.ACCEPTED) | Q(customer__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"Relationship request from {self.partner} ({self.get_status_display()})"

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q


class Customer(models.Model):
    """A customer organization: one Microsoft tenant, managed by one or more partners."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    tenant_id = models.UUIDField("Microsoft ID (customer tenant ID)", default=uuid4, unique=True)
    company_name = models.CharField(max_length=200)
    domain = models.CharField(
        max_length=100,
        unique=True,
        help_text="The initial domain, e.g. springfield.onmicrosoft.com",
    )
    address_line = models.CharField("street address", max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField("state or territory", max_length=2)
    postal_code = models.CharField("ZIP code", max_length=10)
    contact_name = models.CharField("primary contact", max_length=200)
    contact_email = models.EmailField("primary contact email")
    contact_phone = models.CharField("primary contact phone", max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company_name"]

    def __str__(self) -> str:
        return self.company_name


class CustomerRelationship(models.Model):
    """A reseller relationship: the partner may transact for and administer the customer."""

    class Origin(models.TextChoices):
        CREATED = "created", "Created by the partner"
        INVITATION = "invitation", "Accepted reseller relationship request"

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="customer_relationships"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="relationships")
    # An indirect provider's customer belongs to one of its indirect resellers.
    indirect_reseller = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(max_length=16, choices=Origin.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "customer"], name="one_relationship_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} manages {self.customer}"


class SpecialQualificationKind(models.TextChoices):
    GOVERNMENT_COMMUNITY_CLOUD = "GovernmentCommunityCloud", "Government Community Cloud"
    EDUCATION = "Education", "Education"
    NONPROFIT = "Nonprofit", "Nonprofit"
    STATE_OWNED_ENTITY = "StateOwnedEntity", "State-owned entity"


class SpecialQualification(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="special_qualifications"
    )
    qualification = models.CharField(max_length=32, choices=SpecialQualificationKind.choices)
    granted_at = models.DateTimeField()
    validation_code = models.ForeignKey(
        "validation.ValidationCode", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "qualification"], name="one_special_qualification_of_a_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_qualification_display()}"


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
        choices=RelationshipRequestStatus.choices,
        default=RelationshipRequestStatus.PENDING,
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="accepted_request_names_customer",
                condition=~Q(status=RelationshipRequestStatus.ACCEPTED) | Q(customer__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"Relationship request from {self.partner} ({self.get_status_display()})"

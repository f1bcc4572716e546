import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class RequestKind(models.TextChoices):
    PARTNER = "partner", "Partner GCC validation"


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    INFO_REQUESTED = "info_requested", "Information requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


OPEN_STATES = (RequestState.SUBMITTED, RequestState.IN_REVIEW, RequestState.INFO_REQUESTED)
DECIDED_STATES = (RequestState.APPROVED, RequestState.REJECTED)


class GovernmentBasis(models.TextChoices):
    """How the partner serves US government customers (checklist 9a, at least one)."""

    GOVERNMENT_ENTITIES = (
        "government_entities",
        "Serves US federal, state, local or tribal government entities",
    )
    GOVERNMENT_CONTRACTS = (
        "government_contracts",
        "Provides services or solutions to US government customers through direct or "
        "indirect contracts",
    )
    CONTRACT_VEHICLES = (
        "contract_vehicles",
        "Serves US government customers through GSA schedules or other contract vehicles",
    )


class ValidationRequest(models.Model):
    """One intake form sent to Microsoft's eligibility team, and its review."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="validation_requests"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A hidden token on the form: the same form posted twice creates one request.
    submission_key = models.UUIDField(unique=True)

    # What the partner entered.
    organization_name = models.CharField("legal organization name", max_length=200)
    tenant_id = models.UUIDField("commercial tenant ID")
    address_line = models.CharField("street address", max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField("state or territory", max_length=2)
    postal_code = models.CharField("ZIP code", max_length=10)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=32)
    government_basis = models.JSONField(default=list)
    contract_reference = models.CharField(
        "contract, schedule number or agency reference", max_length=200, blank=True
    )
    attested = models.BooleanField(default=False)

    # The review.
    status = models.CharField(
        max_length=16, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    submitted_at = models.DateTimeField()
    due_at = models.DateTimeField("decision expected by")
    screened_at = models.DateTimeField(null=True, blank=True)
    checklist = models.JSONField(default=list, blank=True)
    info_request_message = models.TextField(blank=True)
    info_response = models.TextField(blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        permissions = [("decide_validationrequest", "Can decide validation requests")]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(kind=RequestKind.PARTNER, status__in=OPEN_STATES),
                name="one_open_partner_request",
            ),
            models.CheckConstraint(
                name="rejection_has_reason",
                condition=~Q(status=RequestState.REJECTED) | ~Q(decision_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.organization_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def reference(self) -> str:
        return f"GCC-{self.pk:06d}"


class ValidationEvent(models.Model):
    """One transition of a request: its timeline for partners, its audit trail for reviewers."""

    request = models.ForeignKey(ValidationRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Shown when there is no person behind the change (the simulated reviewer, the system).
    actor_label = models.CharField(max_length=100, blank=True)
    from_state = models.CharField(max_length=16, choices=RequestState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=RequestState.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        before = self.get_from_state_display() or "New"
        return f"{before} → {self.get_to_state_display()}"

    @property
    def actor_name(self) -> str:
        return str(self.actor) if self.actor_id else self.actor_label

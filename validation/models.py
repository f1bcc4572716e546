import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lib.domains import validate_domain


class RequestKind(models.TextChoices):
    PARTNER = "partner", "Partner GCC validation"
    CUSTOMER = "customer", "Customer GCC validation"


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    INFO_REQUESTED = "info_requested", "Information requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


OPEN_STATES = (RequestState.SUBMITTED, RequestState.IN_REVIEW, RequestState.INFO_REQUESTED)
DECIDED_STATES = (RequestState.APPROVED, RequestState.REJECTED)


class CustomerGccStatus(models.TextChoices):
    """A customer's GCC validation status, as its partners' lists show and filter it."""

    VALIDATED = "validated", "Validated for GCC"
    PENDING = "pending", "Validation pending"
    REJECTED = "rejected", "Validation rejected"
    NONE = "none", "Not validated"


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


class EntityType(models.TextChoices):
    """The customer's eligibility basis (gcc-domain.md section 9): A = government, B = data."""

    FEDERAL = "federal", "US federal agency, bureau, office or department"
    STATE_LOCAL = "state_local", "US state or local government entity (territories included)"
    TRIBAL = "tribal", "Tribal entity"
    REGIONAL = "regional", "Regional or interstate government body"
    FFRDC = "ffrdc", "Federally funded research and development center (FFRDC)"
    COMMERCIAL = "commercial", "Commercial private entity holding government-regulated data"


GOVERNMENT_ENTITY_TYPES = (
    EntityType.FEDERAL,
    EntityType.STATE_LOCAL,
    EntityType.TRIBAL,
    EntityType.REGIONAL,
    EntityType.FFRDC,
)


class RegulatedData(models.TextChoices):
    ITAR = "itar", "ITAR (International Traffic in Arms) data"
    CUI = "cui", "Controlled Unclassified Information (CUI)"
    DOD_UCNI = "dod_ucni", "DoD Unclassified Controlled Nuclear Information (UCNI)"
    DOE_UCNI = "doe_ucni", "DoE UCNI"
    CJI = "cji", "Criminal Justice Information (CJI)"
    DOD_IL = "dod_il", "DoD Impact Level data"
    AZURE_GOV = "azure_gov", "Other data that requires Azure Government"


class ValidationRequest(models.Model):
    """One intake form sent to Microsoft's eligibility team, and its review."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=RequestKind)
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
    government_basis = models.JSONField(default=list, blank=True)
    contract_reference = models.CharField(
        "contract, schedule number or agency reference", max_length=200, blank=True
    )
    attested = models.BooleanField(default=False)
    # The rejected request this one corrects (validation.services.resubmission_refusal): a
    # request is resubmitted at most once, so the chain reads both ways.
    resubmission_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resubmitted_as",
        help_text="The rejected request this one resubmits.",
    )

    # What a customer request adds (kind = customer), filled on the customer's behalf.
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="validation_requests",
        help_text="Set when an existing customer asks for GCC.",
    )
    domain = models.CharField(
        "customer domain", max_length=100, blank=True, validators=[validate_domain]
    )
    entity_type = models.CharField(max_length=16, choices=EntityType, blank=True)
    jurisdiction = models.CharField("jurisdiction or agency", max_length=200, blank=True)
    regulated_data = models.JSONField(default=list, blank=True)
    is_us_entity = models.BooleanField("a US organization", default=True)
    us_presence = models.TextField("verified US presence", blank=True)

    # The review.
    status = models.CharField(max_length=16, choices=RequestState, default=RequestState.SUBMITTED)
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
    # The reviewer working on it (not a transition: recorded in the history, not the timeline).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="assigned reviewer",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    # The sweep's bookkeeping (validation.services.sweep_reviews): failed tries in a row, the
    # last error, and when the sweep set the request aside. A stuck request is left to
    # reviewers until one retries it (admin action) or decides it.
    sweep_attempts = models.PositiveSmallIntegerField("failed sweep attempts", default=0)
    sweep_error = models.TextField("last sweep error", blank=True)
    stuck_at = models.DateTimeField("stuck since", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        permissions = [("decide_validationrequest", "Can decide validation requests")]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["decided_at"]),
            models.Index(fields=["tenant_id", "submitted_at"]),
            models.Index(fields=["partner", "-submitted_at"], name="requests_of_partner"),
            models.Index(
                fields=["stuck_at"], condition=Q(stuck_at__isnull=False), name="request_stuck"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(kind=RequestKind.PARTNER, status__in=OPEN_STATES),
                name="one_open_partner_request",
            ),
            models.UniqueConstraint(
                fields=["partner", "domain"],
                condition=Q(kind=RequestKind.CUSTOMER, status__in=OPEN_STATES),
                name="one_open_request_per_customer_domain",
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

    @property
    def is_customer_request(self) -> bool:
        return self.kind == RequestKind.CUSTOMER


class ValidationCode(models.Model):
    """What an approved customer validation yields: picked when creating the GCC customer."""

    validation_id = models.CharField("validation ID", max_length=12, unique=True)
    request = models.OneToOneField(
        ValidationRequest, on_delete=models.PROTECT, related_name="validation_code"
    )
    # The transacting partner the code belongs to, and the indirect reseller that asked for it.
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="validation_codes"
    )
    requested_by = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization_name = models.CharField(max_length=200)
    max_creates = models.PositiveIntegerField()
    remaining_creates = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        # The code lists (Add customer's picker, the codes API) read these in name order.
        indexes = [
            models.Index(fields=["partner", "organization_name", "id"], name="codes_of_partner"),
            models.Index(
                fields=["requested_by", "organization_name", "id"], name="codes_of_reseller"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="remaining_creates_within_max",
                condition=Q(remaining_creates__lte=models.F("max_creates")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.validation_id} ({self.organization_name})"


class ValidationEvent(models.Model):
    """One transition of a request: its timeline for partners, its audit trail for reviewers."""

    request = models.ForeignKey(ValidationRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Shown when there is no person behind the change (the simulated reviewer, the system).
    actor_label = models.CharField(max_length=100, blank=True)
    from_state = models.CharField(max_length=16, choices=RequestState, blank=True)
    to_state = models.CharField(max_length=16, choices=RequestState)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        before = self.get_from_state_display() or "New"
        return f"{before} → {self.get_to_state_display()}"

    @property
    def actor_name(self) -> str:
        return str(self.actor) if self.actor_id else self.actor_label


class SpecialQualificationKind(models.TextChoices):
    GOVERNMENT_COMMUNITY_CLOUD = "GovernmentCommunityCloud", "Government Community Cloud"
    EDUCATION = "Education", "Education"
    NONPROFIT = "Nonprofit", "Nonprofit"
    STATE_OWNED_ENTITY = "StateOwnedEntity", "State-owned entity"


class SpecialQualification(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="special_qualifications"
    )
    qualification = models.CharField(max_length=32, choices=SpecialQualificationKind)
    granted_at = models.DateTimeField()
    validation_code = models.ForeignKey(
        ValidationCode, null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        db_table = "customers_specialqualification"  # made there; the rows stayed put
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "qualification"], name="one_special_qualification_of_a_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_qualification_display()}"


class EvidenceVia(models.TextChoices):
    FORM = "form", "With the validation form"
    ANSWER = "answer", "With an answer to the reviewer"


def evidence_upload_to(instance: "EvidenceDocument", filename: str) -> str:
    """An unguessable path: the request's uuid and a fresh uuid4 (the name is never used, only
    the extension of the type sniffed from the content)."""
    ext = EVIDENCE_EXTENSIONS.get(instance.content_type, "bin")
    return f"evidence/{instance.request.uuid}/{uuid.uuid4()}.{ext}"


EVIDENCE_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


class EvidenceDocument(models.Model):
    """A document attached to a validation request (never served by a public URL)."""

    request = models.ForeignKey(
        ValidationRequest, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_via = models.CharField(max_length=8, choices=EvidenceVia)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

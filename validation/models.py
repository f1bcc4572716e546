import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords

from lib.domains import validate_domain


class RequestKind(models.TextChoices):
    PARTNER = "partner", gettext_lazy("Partner GCC validation")
    CUSTOMER = "customer", gettext_lazy("Customer GCC validation")


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    IN_REVIEW = "in_review", gettext_lazy("In review")
    INFO_REQUESTED = "info_requested", gettext_lazy("Information requested")
    APPROVED = "approved", gettext_lazy("Approved")
    REJECTED = "rejected", gettext_lazy("Rejected")


OPEN_STATES = (RequestState.SUBMITTED, RequestState.IN_REVIEW, RequestState.INFO_REQUESTED)
DECIDED_STATES = (RequestState.APPROVED, RequestState.REJECTED)


class CustomerGccStatus(models.TextChoices):
    """A customer's GCC validation status, as its partners' lists show and filter it."""

    VALIDATED = "validated", gettext_lazy("Validated for GCC")
    PENDING = "pending", gettext_lazy("Validation pending")
    REJECTED = "rejected", gettext_lazy("Validation rejected")
    NONE = "none", gettext_lazy("Not validated")


class GovernmentBasis(models.TextChoices):
    """How the partner serves US government customers (checklist 9a, at least one)."""

    GOVERNMENT_ENTITIES = (
        "government_entities",
        gettext_lazy("Serves US federal, state, local or tribal government entities"),
    )
    GOVERNMENT_CONTRACTS = (
        "government_contracts",
        gettext_lazy(
            "Provides services or solutions to US government customers through direct or "
            "indirect contracts"
        ),
    )
    CONTRACT_VEHICLES = (
        "contract_vehicles",
        gettext_lazy(
            "Serves US government customers through GSA schedules or other contract vehicles"
        ),
    )


class EntityType(models.TextChoices):
    """The customer's eligibility basis (docs/reference/gcc-domain.md section 9): A = government,
    B = data."""

    FEDERAL = "federal", gettext_lazy("US federal agency, bureau, office or department")
    STATE_LOCAL = (
        "state_local",
        gettext_lazy("US state or local government entity (territories included)"),
    )
    TRIBAL = "tribal", gettext_lazy("Tribal entity")
    REGIONAL = "regional", gettext_lazy("Regional or interstate government body")
    FFRDC = "ffrdc", gettext_lazy("Federally funded research and development center (FFRDC)")
    COMMERCIAL = (
        "commercial",
        gettext_lazy("Commercial private entity holding government-regulated data"),
    )


GOVERNMENT_ENTITY_TYPES = (
    EntityType.FEDERAL,
    EntityType.STATE_LOCAL,
    EntityType.TRIBAL,
    EntityType.REGIONAL,
    EntityType.FFRDC,
)


class RegulatedData(models.TextChoices):
    ITAR = "itar", gettext_lazy("ITAR (International Traffic in Arms) data")
    CUI = "cui", gettext_lazy("Controlled Unclassified Information (CUI)")
    DOD_UCNI = "dod_ucni", gettext_lazy("DoD Unclassified Controlled Nuclear Information (UCNI)")
    DOE_UCNI = "doe_ucni", gettext_lazy("DoE UCNI")
    CJI = "cji", gettext_lazy("Criminal Justice Information (CJI)")
    DOD_IL = "dod_il", gettext_lazy("DoD Impact Level data")
    AZURE_GOV = "azure_gov", gettext_lazy("Other data that requires Azure Government")


class ValidationRequest(models.Model):
    """One intake form sent to Microsoft's eligibility team, and its review."""

    uuid = models.UUIDField(gettext_lazy("uuid"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(gettext_lazy("kind"), max_length=16, choices=RequestKind)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="validation_requests",
        verbose_name=gettext_lazy("partner"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("submitted by"),
    )
    # A hidden token on the form: the same form posted twice creates one request.
    submission_key = models.UUIDField(gettext_lazy("submission key"), unique=True)

    # What the partner entered.
    organization_name = models.CharField(gettext_lazy("legal organization name"), max_length=200)
    tenant_id = models.UUIDField(gettext_lazy("commercial tenant ID"))
    address_line = models.CharField(gettext_lazy("street address"), max_length=200)
    city = models.CharField(gettext_lazy("city"), max_length=100)
    state = models.CharField(gettext_lazy("state or territory"), max_length=2)
    postal_code = models.CharField(gettext_lazy("ZIP code"), max_length=10)
    contact_name = models.CharField(gettext_lazy("contact name"), max_length=200)
    contact_email = models.EmailField(gettext_lazy("contact email"))
    contact_phone = models.CharField(gettext_lazy("contact phone"), max_length=32)
    contact_language = models.CharField(
        gettext_lazy("contact's language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=gettext_lazy("The emails to the contact are written in it."),
    )
    government_basis = models.JSONField(gettext_lazy("government basis"), default=list, blank=True)
    contract_reference = models.CharField(
        gettext_lazy("contract, schedule number or agency reference"), max_length=200, blank=True
    )
    attested = models.BooleanField(gettext_lazy("attested"), default=False)
    # The rejected request this one corrects (validation.services.resubmission_refusal): a
    # request is resubmitted at most once, so the chain reads both ways.
    resubmission_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resubmitted_as",
        help_text=gettext_lazy("The rejected request this one resubmits."),
        verbose_name=gettext_lazy("resubmission of"),
    )

    # What a customer request adds (kind = customer), filled on the customer's behalf.
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="validation_requests",
        help_text=gettext_lazy("Set when an existing customer asks for GCC."),
        verbose_name=gettext_lazy("customer"),
    )
    domain = models.CharField(
        gettext_lazy("customer domain"), max_length=100, blank=True, validators=[validate_domain]
    )
    entity_type = models.CharField(
        gettext_lazy("entity type"), max_length=16, choices=EntityType, blank=True
    )
    jurisdiction = models.CharField(
        gettext_lazy("jurisdiction or agency"), max_length=200, blank=True
    )
    regulated_data = models.JSONField(gettext_lazy("regulated data"), default=list, blank=True)
    is_us_entity = models.BooleanField(gettext_lazy("a US organization"), default=True)
    us_presence = models.TextField(gettext_lazy("verified US presence"), blank=True)

    # The review.
    status = models.CharField(
        gettext_lazy("status"), max_length=16, choices=RequestState, default=RequestState.SUBMITTED
    )
    submitted_at = models.DateTimeField(gettext_lazy("submitted at"))
    due_at = models.DateTimeField(gettext_lazy("decision expected by"))
    screened_at = models.DateTimeField(gettext_lazy("screened at"), null=True, blank=True)
    checklist = models.JSONField(gettext_lazy("checklist"), default=list, blank=True)
    info_request_message = models.TextField(gettext_lazy("info request message"), blank=True)
    info_response = models.TextField(gettext_lazy("info response"), blank=True)
    paused_at = models.DateTimeField(gettext_lazy("paused at"), null=True, blank=True)
    decided_at = models.DateTimeField(gettext_lazy("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("decided by"),
    )
    decision_reason = models.TextField(gettext_lazy("decision reason"), blank=True)
    # The reviewer working on it (not a transition: recorded in the history, not the timeline).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("assigned reviewer"),
    )
    assigned_at = models.DateTimeField(gettext_lazy("assigned at"), null=True, blank=True)
    # The sweep's bookkeeping (validation.services.sweep_reviews): failed tries in a row, the
    # last error, and when the sweep set the request aside. A stuck request is left to
    # reviewers until one retries it (admin action) or decides it.
    sweep_attempts = models.PositiveSmallIntegerField(
        gettext_lazy("failed sweep attempts"), default=0
    )
    sweep_error = models.TextField(gettext_lazy("last sweep error"), blank=True)
    stuck_at = models.DateTimeField(gettext_lazy("stuck since"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("validation request")
        verbose_name_plural = gettext_lazy("validation requests")
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
        return gettext("%(kind)s for %(organization)s") % {
            "kind": self.get_kind_display(),
            "organization": self.organization_name,
        }

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

    validation_id = models.CharField(gettext_lazy("validation ID"), max_length=12, unique=True)
    request = models.OneToOneField(
        ValidationRequest,
        on_delete=models.PROTECT,
        related_name="validation_code",
        verbose_name=gettext_lazy("request"),
    )
    # The transacting partner the code belongs to, and the indirect reseller that asked for it.
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="validation_codes",
        verbose_name=gettext_lazy("partner"),
    )
    requested_by = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("requested by"),
    )
    organization_name = models.CharField(gettext_lazy("organization name"), max_length=200)
    max_creates = models.PositiveIntegerField(gettext_lazy("max creates"))
    remaining_creates = models.PositiveIntegerField(gettext_lazy("remaining creates"))
    created_at = models.DateTimeField(gettext_lazy("created at"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("validation code")
        verbose_name_plural = gettext_lazy("validation codes")
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

    request = models.ForeignKey(
        ValidationRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=gettext_lazy("request"),
    )
    at = models.DateTimeField(gettext_lazy("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("actor"),
    )
    # Shown when there is no person behind the change (the simulated reviewer, the system).
    actor_label = models.CharField(gettext_lazy("actor label"), max_length=100, blank=True)
    from_state = models.CharField(
        gettext_lazy("from state"), max_length=16, choices=RequestState, blank=True
    )
    to_state = models.CharField(gettext_lazy("to state"), max_length=16, choices=RequestState)
    note = models.TextField(gettext_lazy("note"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("validation event")
        verbose_name_plural = gettext_lazy("validation events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        before = self.get_from_state_display() or gettext("New")
        return f"{before} → {self.get_to_state_display()}"

    @property
    def actor_name(self) -> str:
        return str(self.actor) if self.actor_id else self.actor_label


class SpecialQualificationKind(models.TextChoices):
    GOVERNMENT_COMMUNITY_CLOUD = (
        "GovernmentCommunityCloud",
        gettext_lazy("Government Community Cloud"),
    )
    EDUCATION = "Education", gettext_lazy("Education")
    NONPROFIT = "Nonprofit", gettext_lazy("Nonprofit")
    STATE_OWNED_ENTITY = "StateOwnedEntity", gettext_lazy("State-owned entity")


class SpecialQualification(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="special_qualifications",
        verbose_name=gettext_lazy("customer"),
    )
    qualification = models.CharField(
        gettext_lazy("qualification"), max_length=32, choices=SpecialQualificationKind
    )
    granted_at = models.DateTimeField(gettext_lazy("granted at"))
    validation_code = models.ForeignKey(
        ValidationCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=gettext_lazy("validation code"),
    )

    class Meta:
        verbose_name = gettext_lazy("special qualification")
        verbose_name_plural = gettext_lazy("special qualifications")
        db_table = "customers_specialqualification"  # made there; the rows stayed put
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "qualification"], name="one_special_qualification_of_a_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_qualification_display()}"


class EvidenceVia(models.TextChoices):
    FORM = "form", gettext_lazy("With the validation form")
    ANSWER = "answer", gettext_lazy("With an answer to the reviewer")


def evidence_upload_to(instance: "EvidenceDocument", filename: str) -> str:
    """An unguessable path: the request's uuid and a fresh uuid4 (the name is never used, only
    the extension of the type sniffed from the content)."""
    ext = EVIDENCE_EXTENSIONS.get(instance.content_type, "bin")
    return f"evidence/{instance.request.uuid}/{uuid.uuid4()}.{ext}"


EVIDENCE_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


class EvidenceDocument(models.Model):
    """A document attached to a validation request (never served by a public URL)."""

    request = models.ForeignKey(
        ValidationRequest,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=gettext_lazy("request"),
    )
    file = models.FileField(gettext_lazy("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(gettext_lazy("original name"), max_length=200)
    content_type = models.CharField(gettext_lazy("content type"), max_length=64)
    size = models.PositiveBigIntegerField(gettext_lazy("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("uploaded by"),
    )
    uploaded_via = models.CharField(gettext_lazy("uploaded via"), max_length=8, choices=EvidenceVia)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("evidence document")
        verbose_name_plural = gettext_lazy("evidence documents")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords


class PartnerType(models.TextChoices):
    DIRECT_RESELLER = "direct_reseller", gettext_lazy("Direct reseller")
    INDIRECT_PROVIDER = "indirect_provider", gettext_lazy("Indirect provider")
    INDIRECT_RESELLER = "indirect_reseller", gettext_lazy("Indirect reseller")


DIRECT_BILL_TYPES = (PartnerType.DIRECT_RESELLER, PartnerType.INDIRECT_PROVIDER)


class Partner(models.Model):
    """A CSP partner organization, identified by its commercial tenant (the "Microsoft ID")."""

    name = models.CharField(gettext_lazy("name"), max_length=200)
    partner_type = models.CharField(
        gettext_lazy("partner type"), max_length=32, choices=PartnerType
    )
    indirect_provider = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indirect_resellers",
        limit_choices_to={"partner_type": PartnerType.INDIRECT_PROVIDER},
        verbose_name=gettext_lazy("indirect provider"),
    )
    csp_enrolled = models.BooleanField(gettext_lazy("enrolled in CSP"), default=False)
    tenant_id = models.UUIDField(gettext_lazy("Microsoft ID (commercial tenant ID)"), unique=True)
    azure_gcc_tenant_id = models.UUIDField(
        gettext_lazy("Azure GCC tenant ID"),
        null=True,
        blank=True,
        unique=True,
        help_text=gettext_lazy("On record only: never accepted on a GCC form."),
    )
    # The partner ID (formerly the MPN ID) Microsoft gives each partner location: an indirect
    # reseller's is how its provider names it as the partner of record on an order.
    mpn_id = models.CharField(
        gettext_lazy("partner ID (MPN)"),
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(r"\A[0-9]{6,7}\Z", gettext_lazy("A partner ID is 6 or 7 digits."))
        ],
    )
    address_line = models.CharField(gettext_lazy("address line"), max_length=200, blank=True)
    city = models.CharField(gettext_lazy("city"), max_length=100, blank=True)
    state = models.CharField(gettext_lazy("state"), max_length=2, blank=True)
    postal_code = models.CharField(gettext_lazy("postal code"), max_length=10, blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    # A new value with every change to the partner's customer list (customers.services): the
    # list's rendered pages are cached under it, so a change is never served from an old page.
    book_version = models.UUIDField(
        gettext_lazy("book version"), default=uuid.uuid4, editable=False
    )

    class Meta:
        verbose_name = gettext_lazy("partner")
        verbose_name_plural = gettext_lazy("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mpn_id"], condition=~Q(mpn_id=""), name="one_partner_per_mpn_id"
            ),
            models.CheckConstraint(
                name="indirect_reseller_has_provider",
                condition=(
                    Q(partner_type=PartnerType.INDIRECT_RESELLER, indirect_provider__isnull=False)
                    | (
                        ~Q(partner_type=PartnerType.INDIRECT_RESELLER)
                        & Q(indirect_provider__isnull=True)
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_direct_bill(self) -> bool:
        return self.partner_type in DIRECT_BILL_TYPES

    @property
    def transacting_partner(self) -> "Partner":
        """The direct-bill partner that buys from Microsoft for this one."""
        return self.indirect_provider if self.indirect_provider_id else self


class ResellerQualificationKind(models.TextChoices):
    GOVERNMENT_COMMUNITY_CLOUD = "Government_community_cloud", "Government_community_cloud"


class ResellerQualification(models.Model):
    """A qualification on the partner's profile, such as ``Government_community_cloud``."""

    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="qualifications",
        verbose_name=gettext_lazy("partner"),
    )
    qualification = models.CharField(
        gettext_lazy("qualification"), max_length=64, choices=ResellerQualificationKind
    )
    granted_at = models.DateTimeField(gettext_lazy("granted at"))
    granted_by_request = models.ForeignKey(
        "validation.ValidationRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=gettext_lazy("granted by request"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("reseller qualification")
        verbose_name_plural = gettext_lazy("reseller qualifications")
        ordering = ["qualification"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "qualification"], name="one_qualification_of_a_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.qualification}"


class Role(models.TextChoices):
    GLOBAL_ADMIN = "global_admin", gettext_lazy("Global admin")
    ADMIN_AGENT = "admin_agent", gettext_lazy("Admin agent")
    SALES_AGENT = "sales_agent", gettext_lazy("Sales agent")
    HELPDESK_AGENT = "helpdesk_agent", gettext_lazy("Helpdesk agent")


class User(AbstractUser):
    """Anyone who signs in: partner users (with a partner and a role), reviewers and ops.

    Partner users never get ``is_staff``; reviewers and ops have no partner.
    """

    public_id = models.UUIDField(
        gettext_lazy("public id"), default=uuid.uuid4, unique=True, editable=False
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=gettext_lazy("partner"),
    )
    role = models.CharField(gettext_lazy("role"), max_length=32, choices=Role, blank=True)
    # A customer admin: a global admin of a customer organization (accepts invitations).
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admins",
        verbose_name=gettext_lazy("customer"),
    )
    # Sessions that began before this moment are ended (a global admin reset the user's second
    # factors: whoever holds them must sign in, and enrol, again).
    sessions_revoked_at = models.DateTimeField(
        gettext_lazy("sessions revoked at"), null=True, blank=True, editable=False
    )
    # The language the user chose with the switcher (blank: the browser's); emails use it too.
    language = models.CharField(
        gettext_lazy("language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = gettext_lazy("user")
        verbose_name_plural = gettext_lazy("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="customer_admin_is_not_a_partner_user",
                condition=Q(customer__isnull=True)
                | Q(partner__isnull=True, is_staff=False, is_superuser=False),
            ),
            models.CheckConstraint(
                name="partner_user_has_role",
                condition=(
                    Q(partner__isnull=True, role="") | (Q(partner__isnull=False) & ~Q(role=""))
                ),
            ),
            models.CheckConstraint(
                name="partner_user_is_not_staff",
                condition=Q(partner__isnull=True) | Q(is_staff=False, is_superuser=False),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_partner_user(self) -> bool:
        return self.partner_id is not None

    @property
    def is_customer_admin(self) -> bool:
        return self.customer_id is not None


class SecurityEventKind(models.TextChoices):
    AUTHENTICATOR_ADDED = "authenticator_added", gettext_lazy("Authenticator app added")
    PASSKEY_ADDED = "passkey_added", gettext_lazy("Passkey added")
    FACTOR_REMOVED = "factor_removed", gettext_lazy("Sign-in method removed")
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", gettext_lazy("Recovery codes issued")
    RECOVERY_CODE_USED = "recovery_code_used", gettext_lazy("Recovery code used to sign in")
    FACTORS_RESET = "factors_reset", gettext_lazy("Sign-in methods reset")


class SecurityEvent(models.Model):
    """A change to how someone signs in: their own, or a global admin's on their behalf (the
    audit trail of the Security page and of the Users page)."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="security_events",
        verbose_name=gettext_lazy("user"),
    )
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("actor"),
    )
    kind = models.CharField(gettext_lazy("kind"), max_length=32, choices=SecurityEventKind)
    detail = models.CharField(gettext_lazy("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("security event")
        verbose_name_plural = gettext_lazy("security events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="security_event_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.user})"

from uuid import uuid4

from django.db import models
from django.utils.translation import gettext, gettext_lazy

from lib.domains import normalized, validate_domain
from validation.models import CustomerGccStatus


class Customer(models.Model):
    """A customer organization: one Microsoft tenant, managed by one or more partners."""

    uuid = models.UUIDField(gettext_lazy("uuid"), default=uuid4, unique=True, editable=False)
    tenant_id = models.UUIDField(
        gettext_lazy("Microsoft ID (customer tenant ID)"), default=uuid4, unique=True
    )
    company_name = models.CharField(gettext_lazy("company name"), max_length=200)
    domain = models.CharField(
        gettext_lazy("domain"),
        max_length=100,
        unique=True,
        validators=[validate_domain],  # ASCII by rule: no look-alike of another's (lib.domains)
        help_text=gettext_lazy("The initial domain, e.g. springfield.onmicrosoft.com"),
    )
    address_line = models.CharField(gettext_lazy("street address"), max_length=200)
    city = models.CharField(gettext_lazy("city"), max_length=100)
    state = models.CharField(gettext_lazy("state or territory"), max_length=2)
    postal_code = models.CharField(gettext_lazy("ZIP code"), max_length=10)
    contact_name = models.CharField(gettext_lazy("primary contact"), max_length=200)
    contact_email = models.EmailField(gettext_lazy("primary contact email"))
    contact_phone = models.CharField(gettext_lazy("primary contact phone"), max_length=32)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("customer")
        verbose_name_plural = gettext_lazy("customers")
        ordering = ["company_name"]

    def __str__(self) -> str:
        return self.company_name

    def clean(self):
        # After the fields' validators (which see the domain as typed), before the uniqueness
        # check: the domain is unique lower-cased.
        if self.domain.isascii():
            self.domain = normalized(self.domain)


# Between the name and the domain in ``search_text``; never part of a search (the selectors
# drop it), so a match is always inside one of the two.
SEARCH_SEPARATOR = "\x1f"


def book_search_text(company_name: str, domain: str) -> str:
    """A relationship row's ``search_text``: the name, then the domain, upper-cased (searches
    are upper-cased the same way, so the match ignores case without UPPER() per row)."""
    return f"{company_name}{SEARCH_SEPARATOR}{domain}".upper()


class CustomerRelationship(models.Model):
    """A reseller relationship: the partner may transact for and administer the customer."""

    class Origin(models.TextChoices):
        CREATED = "created", gettext_lazy("Created by the partner")
        INVITATION = "invitation", gettext_lazy("Accepted reseller relationship request")

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="customer_relationships",
        verbose_name=gettext_lazy("partner"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="relationships",
        verbose_name=gettext_lazy("customer"),
    )
    # An indirect provider's customer belongs to one of its indirect resellers.
    indirect_reseller = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("indirect reseller"),
    )
    origin = models.CharField(gettext_lazy("origin"), max_length=16, choices=Origin.choices)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    # Copied from the customer and its GCC standing, so a partner's list of 100,000 sorts,
    # filters and searches on this one indexed row: customers.services keeps them current.
    company_name = models.CharField(gettext_lazy("company name"), max_length=200, default="")
    domain = models.CharField(gettext_lazy("domain"), max_length=100, default="")
    gcc_status = models.CharField(
        gettext_lazy("gcc status"),
        max_length=16,
        choices=CustomerGccStatus,
        default=CustomerGccStatus.NONE,
    )
    # What the list's search and the API's name and domain filters read (book_search_text): one
    # plain column, so a filter costs one LIKE per row, and the covering indexes carry it.
    search_text = models.TextField(gettext_lazy("search text"), default="", editable=False)

    class Meta:
        verbose_name = gettext_lazy("customer relationship")
        verbose_name_plural = gettext_lazy("customer relationships")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "customer"], name="one_relationship_per_pair"
            )
        ]
        # Covering: a page of the list (and a search, and a filter) is found in the index alone
        # (an index-only scan), and only the page's 25 rows are read from the tables.
        indexes = [
            models.Index(
                fields=["partner", "company_name", "id"],
                include=["search_text", "gcc_status"],
                name="book_by_name",
            ),
            models.Index(
                fields=["partner", "gcc_status", "company_name", "id"],
                include=["search_text"],
                name="book_by_status",
            ),
            # The list's other sorts (customers.selectors.SORTS), and an indirect provider's
            # filter by reseller in the default sort: each pages on its own index.
            models.Index(
                fields=["partner", "domain", "id"],
                include=["search_text", "gcc_status"],
                name="book_by_domain",
            ),
            models.Index(
                fields=["partner", "created_at", "id"],
                include=["search_text", "gcc_status"],
                name="book_by_added",
            ),
            models.Index(
                fields=["partner", "indirect_reseller", "company_name", "id"],
                include=["search_text", "gcc_status"],
                name="book_by_reseller",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(partner)s manages %(customer)s") % {
            "partner": self.partner,
            "customer": self.customer,
        }

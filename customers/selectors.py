"""Reads of customers, always scoped to the acting partner user's relationships."""

import re
from dataclasses import replace
from uuid import UUID

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Prefetch,
    Q,
    QuerySet,
)

from lib.keyset import FIRST, LAST, NEXT, PREVIOUS, KeysetPage, keyset_page
from partners.models import Partner, User
from validation.models import (
    CustomerGccStatus,
    RequestState,
    SpecialQualificationKind,
    ValidationEvent,
    ValidationRequest,
)
from validation.selectors import QualificationState, customer_special_qualification_list

from .models import SEARCH_SEPARATOR, Customer, CustomerRelationship

GCC = SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD


# A search that is a whole initial domain (springfield.onmicrosoft.com) finds that customer
# only; one that looks like part of a domain (springfield.onmicro) is looked for in domains.
INITIAL_DOMAIN = ".onmicrosoft.com"
DOMAIN_LIKE = re.compile(r"^[a-z0-9-]*\.[a-z0-9.-]*$", re.IGNORECASE)

# A count of the list stops here: past it the page says "more than 1,000", so a book of
# 100,000 costs what a book of 1,000 does.
COUNT_LIMIT = 1_000

# The list's order, kept on the partner's relationship row (the "book") with an index.
BOOK_ORDER = ("company_name", "id")

# The list's sortable columns: the relationship row's field each sorts on, then its id, on an
# index that starts (partner, field, id): so every sort pages, in either direction, like the
# default one (keyset pages; a descending sort is the ascending one read from the other end).
SORTS = {"name": "company_name", "domain": "domain", "added": "created_at"}
DEFAULT_SORT = "name"
# A descending sort's page is the ascending one's, read from its other end.
_FLIPPED = {FIRST: LAST, LAST: FIRST, NEXT: PREVIOUS, PREVIOUS: NEXT}
DIRECT = "direct"  # the reseller filter's value for an indirect provider's own customers


def sort_of(sort: str | None) -> tuple[str, bool]:
    """A ``sort`` parameter (``name``, ``-domain``…) as (column, descending); anything else is
    the default sort."""
    sort = sort or DEFAULT_SORT
    column, descending = sort.removeprefix("-"), sort.startswith("-")
    if column not in SORTS:
        return DEFAULT_SORT, False
    return column, descending


def _book_filter(
    *,
    search: str = "",
    qualification: str = "",
    status: str = "",
    name_prefix: str | None = None,
    domain_prefix: str | None = None,
    indirect_reseller: str | None = None,
    indirect_provider: str | None = None,
    reseller: str | None = None,
) -> Q:
    """The list's filters, on the relationship row (the fields it copies from the customer).
    ``reseller`` is the page's indirect-reseller filter: a reseller's Microsoft ID, or DIRECT
    for the provider's own customers (anything else filters nothing)."""
    where = Q()
    if reseller == DIRECT:
        where &= Q(indirect_reseller__isnull=True)
    elif reseller:
        try:
            where &= Q(indirect_reseller__tenant_id=UUID(reseller))
        except ValueError:
            where &= Q(pk__in=[])  # not a reseller's ID: nothing matches
    if name_prefix is not None:  # search_text starts with the name, ends with the domain
        where &= Q(search_text__startswith=_searchable(name_prefix))
    if domain_prefix is not None:
        where &= Q(search_text__contains=SEARCH_SEPARATOR + _searchable(domain_prefix))
    if indirect_reseller is not None:
        try:
            where &= Q(indirect_reseller__tenant_id=UUID(indirect_reseller))
        except ValueError:
            where &= Q(indirect_reseller__name__istartswith=indirect_reseller)
    if indirect_provider is not None:  # the provider an indirect reseller's book goes through
        try:
            where &= Q(partner__indirect_provider__tenant_id=UUID(indirect_provider))
        except ValueError:
            where &= Q(partner__indirect_provider__name__istartswith=indirect_provider)
    search = _searchable(search).strip()
    if search:
        try:  # a Microsoft ID, or a whole domain, is matched exactly on its unique index
            where &= Q(customer__tenant_id=UUID(search))
        except ValueError:
            if search.lower().endswith(INITIAL_DOMAIN):
                where &= Q(customer__domain=search.lower())
            elif DOMAIN_LIKE.match(search):  # part of a domain: the domain's trigrams only
                where &= Q(domain__icontains=search)
            else:  # in the name or the domain
                where &= Q(search_text__contains=search)
    if qualification == GCC:
        where &= Q(gcc_status=CustomerGccStatus.VALIDATED)
    elif qualification == "none":
        where &= ~Q(gcc_status=CustomerGccStatus.VALIDATED)
    if status in CustomerGccStatus.values:
        where &= Q(gcc_status=status)
    return where


def _searchable(text: str) -> str:
    """A search as search_text is written (book_search_text): upper-cased, without the
    separator, nor NUL (PostgreSQL refuses it in a query)."""
    return text.replace("\x00", "").replace(SEARCH_SEPARATOR, "").upper()


def _customers(actor: User) -> QuerySet[Customer]:
    """The actor's partner's customers, each with its relationship row as ``book``: what the
    list sorts, filters and searches on (customers.models.CustomerRelationship)."""
    mine = Q(relationships__partner_id=actor.partner_id)
    return (
        Customer.objects.annotate(book=FilteredRelation("relationships", condition=mine))
        .filter(book__isnull=False)
        .annotate(
            gcc_status=F("book__gcc_status"),
            has_gcc=ExpressionWrapper(
                Q(book__gcc_status=CustomerGccStatus.VALIDATED), output_field=BooleanField()
            ),
            book_id=F("book__id"),
            # The Microsoft ID of the indirect reseller the customer belongs to, if any.
            indirect_reseller_tenant_id=F("book__indirect_reseller__tenant_id"),
            indirect_reseller_name=F("book__indirect_reseller__name"),
            added_at=F("book__created_at"),
        )
    )


def book_key(row: CustomerRelationship) -> tuple[str, int]:
    """A listed row's place in the list's order (for keyset pages)."""
    return row.company_name, row.id


def customer_page(
    *,
    actor: User,
    size: int,
    cursor: str | None = None,
    direction: str = FIRST,
    sort: str | None = None,
    **filters,
) -> KeysetPage:
    """One keyset page (lib.keyset) of the partner's customers by company name (or another of
    SORTS, either way), searched by name, domain or Microsoft ID, and filtered by qualification
    or validation status (or, for an indirect provider, by indirect reseller); the API filters
    by the start of the name or the domain, or by the indirect reseller (its Microsoft ID, or
    the start of its name).

    Two reads: the page's relationship rows are found on the book's covering indexes alone
    (and, on PostgreSQL, a trigram index for a rare search), then only those rows' customers
    are read. So a book of 100,000 pages, searches and filters like one of 100."""
    column, descending = sort_of(sort)
    field = SORTS[column]
    rows = CustomerRelationship.objects.filter(
        _book_filter(**filters), partner_id=actor.partner_id
    ).only(field, "id")

    def key_of(row):
        return getattr(row, field), row.id

    if descending:
        direction = _FLIPPED.get(direction, LAST)
    page = keyset_page(
        rows, order=(field, "id"), key_of=key_of, size=size, cursor=cursor, direction=direction
    )
    if descending:
        page = KeysetPage(
            list(reversed(page.rows)),
            next_cursor=page.previous_cursor,
            previous_cursor=page.next_cursor,
        )
    listed = {c.book_id: c for c in _customers(actor).filter(book_id__in=[r.id for r in page])}
    return replace(page, rows=[listed[r.id] for r in page])


EXPORT_BATCH = 1_000


def customer_export_rows(*, actor: User, sort: str | None = None, **filters):
    """Every customer the list shows with these filters, in its order, for the CSV export:
    read in keyset batches of EXPORT_BATCH (two queries each), so a book of 100,000 is never
    held in memory at once, and each batch seeks on the same index the pages do."""
    cursor, direction = None, FIRST
    while True:
        page = customer_page(
            actor=actor, size=EXPORT_BATCH, cursor=cursor, direction=direction, sort=sort, **filters
        )
        yield from page.rows
        if not page.next_cursor:
            return
        cursor, direction = page.next_cursor, NEXT


def customer_count(*, actor: User, sort: str | None = None, **filters) -> tuple[int, bool]:
    """How many customers ``customer_page`` pages through (up to COUNT_LIMIT), and whether there are
    more; counted on the relationship rows alone (in whichever sort: ``sort`` changes nothing)."""
    rows = CustomerRelationship.objects.filter(_book_filter(**filters), partner_id=actor.partner_id)
    if not filters.get("search"):
        # In an index's order, so the LIMIT stops the scan of a big book early (a search reads
        # its trigram index instead).
        rows = (
            rows.order_by("gcc_status", "company_name", "id")
            if filters.get("status")
            else rows.order_by("company_name", "id")
        )
    counted = rows.values("pk")[: COUNT_LIMIT + 1].count()
    return min(counted, COUNT_LIMIT), counted > COUNT_LIMIT


def customer_get(*, actor: User, uuid=None, tenant_id=None) -> Customer:
    """One of the partner's customers, by its uuid (the portal's URLs) or its Microsoft ID (the
    API's); DoesNotExist (a 404) for anyone else's or a bad id."""
    key, value = ("uuid", uuid) if tenant_id is None else ("tenant_id", tenant_id)
    try:
        value = UUID(str(value))
    except ValueError as exc:
        raise Customer.DoesNotExist from exc
    return _customers(actor).get(**{key: value})


def customer_reseller_list(*, actor: User, customer: Customer) -> list[Partner]:
    """The indirect resellers linked to one of the partner's customers (Partner Center's
    GET /customers/{id}/relationships): the reseller the customer belongs to, and any of the
    partner's indirect resellers that manage it too."""
    linked = CustomerRelationship.objects.filter(customer=customer)
    return list(
        Partner.objects.filter(
            Q(pk__in=linked.filter(partner_id=actor.partner_id).values("indirect_reseller_id"))
            | Q(pk__in=linked.values("partner_id"), indirect_provider_id=actor.partner_id)
        ).order_by("name", "pk")
    )


def partner_manages_customer(*, partner_id: int, customer_id: int) -> bool:
    """Whether the partner has a reseller relationship with the customer."""
    return CustomerRelationship.objects.filter(
        partner_id=partner_id, customer_id=customer_id
    ).exists()


def customer_domain_taken(*, domain: str) -> bool:
    """True when a customer (of any partner) has this initial domain: a tenant's domain is
    unique across Microsoft, so this check is not scoped to the actor's partner."""
    return Customer.objects.filter(domain=domain.lower()).exists()  # kept lowercased


def customer_latest_request(*, actor: User, customer: Customer) -> ValidationRequest | None:
    """The newest GCC validation request the partner submitted for this customer."""
    events = ValidationEvent.objects.select_related("actor").order_by("at", "pk")
    return (
        ValidationRequest.objects.filter(customer=customer, partner_id=actor.partner_id)
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("-submitted_at")
        .first()
    )


def customer_qualification_list(*, actor: User, customer: Customer) -> list[QualificationState]:
    """The customer's special qualifications as Partner Center lists them: each one it holds
    and, while it lacks GCC, the partner's latest GCC validation request for it unless that was
    approved (under review, or rejected)."""
    held = customer_special_qualification_list(actor=actor, customer=customer)
    states = [QualificationState.held(q) for q in held]
    if not any(state.qualification == GCC for state in states):
        latest = customer_latest_request(actor=actor, customer=customer)
        if latest is not None and latest.status != RequestState.APPROVED:
            states.append(QualificationState.requested(latest))
    return states

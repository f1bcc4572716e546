"""Reads of validation requests: the partner side always scoped to the acting user's partner;
the reviewers' side (queue, dashboard, report) sees every request."""

import re
import statistics
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import Exact, In
from django.utils import timezone

from lib.locks import lock_for_transaction
from partners.models import User

from .codes import validation_code_list
from .models import (
    DECIDED_STATES,
    OPEN_STATES,
    CustomerGccStatus,
    EvidenceDocument,
    RequestState,
    SpecialQualification,
    SpecialQualificationKind,
    ValidationCode,
    ValidationEvent,
    ValidationRequest,
)

GCC = SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD


# --- "The customer holds GCC": the one place it is written ---------------------------------


def customer_holds_gcc(customer) -> bool:
    """Whether the customer holds the Government Community Cloud special qualification."""
    return SpecialQualification.objects.filter(customer=customer, qualification=GCC).exists()


def customer_holds_gcc_expression(customer_ref: str = "pk") -> Exists:
    """The same, as an expression to annotate a customer queryset with (one query per list)."""
    return Exists(
        SpecialQualification.objects.filter(customer=OuterRef(customer_ref), qualification=GCC)
    )


def customer_gcc_status_expression(customer_ref: str = "pk") -> Case:
    """A customer's CustomerGccStatus, as an expression over the customer ``customer_ref``:
    validated when it holds GCC, else what its latest request says (none if it never asked,
    or its latest approval was for a code that was not redeemed into it)."""
    latest = Subquery(
        ValidationRequest.objects.filter(customer=OuterRef(customer_ref))
        .order_by("-submitted_at", "-pk")
        .values("status")[:1]
    )
    return Case(
        When(customer_holds_gcc_expression(customer_ref), then=Value(CustomerGccStatus.VALIDATED)),
        When(In(latest, list(OPEN_STATES)), then=Value(CustomerGccStatus.PENDING)),
        When(Exact(latest, RequestState.REJECTED), then=Value(CustomerGccStatus.REJECTED)),
        default=Value(CustomerGccStatus.NONE),
    )


CODE_CHOICES_SHOWN = 50  # a picker lists this many codes; more are found by searching


def validation_code_search(*, actor: User, search: str = "") -> QuerySet[ValidationCode]:
    """The actor's usable codes matching ``search``: the start of a validation ID, or part of
    the organization's name. Slice it: a partner may hold thousands."""
    codes = validation_code_list(actor=actor)
    search = search.replace("\x00", "").strip()
    if search.isdigit():
        return codes.filter(validation_id__startswith=search)
    if search:
        return codes.filter(organization_name__icontains=search)
    return codes


def validation_request_list(*, actor: User) -> QuerySet[ValidationRequest]:
    return ValidationRequest.objects.filter(partner_id=actor.partner_id).select_related(
        "submitted_by"
    )


def validation_request_get(*, actor: User, uuid) -> ValidationRequest:
    """The request with its timeline and its resubmission chain (the request it resubmits,
    the one it was resubmitted as); DoesNotExist (a 404) for another partner's request."""
    events = ValidationEvent.objects.select_related("actor").order_by("at", "pk")
    return (
        validation_request_list(actor=actor)
        .select_related(
            "partner",
            "decided_by",
            "customer",
            "validation_code",
            "resubmission_of",
            "resubmitted_as",
        )
        .prefetch_related(Prefetch("events", queryset=events), "documents")
        .get(uuid=uuid)
    )


def evidence_document_get(*, actor: User, request_uuid, document_id: int):
    """A document of one of the actor's partner's requests; DoesNotExist (a 404) for another
    partner's."""
    return EvidenceDocument.objects.select_related("request").get(
        pk=document_id, request__in=validation_request_list(actor=actor), request__uuid=request_uuid
    )


def validation_request_for_resubmission(*, actor: User, request_uuid) -> ValidationRequest:
    """The request ``request_uuid`` names, to resubmit; DoesNotExist for another partner's
    request or a malformed uuid (both a 404)."""
    try:
        key = uuid.UUID(str(request_uuid))
    except ValueError as exc:
        raise ValidationRequest.DoesNotExist(request_uuid) from exc
    return validation_request_list(actor=actor).select_related("customer").get(uuid=key)


CHAIN_SHOWN = 20  # a resubmission chain is read this far each way


def validation_request_chain(request: ValidationRequest) -> list[ValidationRequest]:
    """The resubmission chain ``request`` is part of, oldest first (itself included): the
    requests it resubmits, then the ones it was resubmitted as, at most CHAIN_SHOWN each way
    (one query a step: a chain is short)."""
    before, current = [], request
    while current.resubmission_of_id and len(before) < CHAIN_SHOWN:
        current = ValidationRequest.objects.get(pk=current.resubmission_of_id)
        before.append(current)
    after, current = [], request
    while len(after) < CHAIN_SHOWN:
        current = ValidationRequest.objects.filter(resubmission_of=current).first()
        if current is None:
            break
        after.append(current)
    return [*reversed(before), request, *after]


def validation_request_page_rows(
    *, actor: User, kind: str = "", state: str = "", search: str = ""
) -> QuerySet[ValidationRequest]:
    """The partner's requests (both kinds), newest first, filtered by kind, state and the
    organization's or customer's name (part of it): what the Validation requests page lists.
    Page it: one query per page whatever the filters."""
    rows = validation_request_list(actor=actor).select_related("customer", "resubmission_of")
    if kind:
        rows = rows.filter(kind=kind)
    if state:
        rows = rows.filter(status=state)
    search = search.replace("\x00", "").strip()
    if search:
        rows = rows.filter(
            Q(organization_name__icontains=search) | Q(customer__company_name__icontains=search)
        )
    return rows.order_by("-submitted_at", "-pk")


def validation_code_page_rows(*, actor: User) -> QuerySet[ValidationCode]:
    """Every code of the actor's partner (used-up ones too), in name order, with the request
    that yielded it, the reseller that asked, and the customers created with it (prefetched:
    two queries per page)."""
    created = SpecialQualification.objects.select_related("customer").order_by(
        "customer__company_name", "pk"
    )
    return (
        validation_code_list(actor=actor, usable_only=False)
        .select_related("request", "requested_by")
        .prefetch_related(Prefetch("specialqualification_set", queryset=created, to_attr="grants"))
    )


def validation_request_for_submission(*, actor: User, submission_key) -> ValidationRequest | None:
    """The request an earlier post of the same form created, if any (double submits),
    waiting for a copy of the same submission still in flight (lib.locks)."""
    try:
        key = uuid.UUID(str(submission_key))
    except ValueError:
        return None
    lock_for_transaction(f"validation-submission:{key}")
    return validation_request_list(actor=actor).filter(submission_key=key).first()


def partner_validation_code_list(*, actor: User) -> QuerySet[ValidationCode]:
    """Every validation code the actor's partner may use, used-up ones included, with the
    partner that owns each."""
    return validation_code_list(actor=actor, usable_only=False).select_related("partner")


def customer_special_qualification_list(*, actor: User, customer) -> QuerySet[SpecialQualification]:
    """The special qualifications a customer the actor's partner manages holds."""
    return SpecialQualification.objects.filter(
        customer=customer, customer__relationships__partner_id=actor.partner_id
    ).order_by("pk")


def customer_gcc_validation_get(*, actor: User, customer) -> SpecialQualification | None:
    """The GCC qualification a customer the actor's partner manages got with a validation
    code, with the code and its partner; None if it never did."""
    return (
        SpecialQualification.objects.filter(
            customer=customer,
            customer__relationships__partner_id=actor.partner_id,
            qualification=GCC,
            validation_code__isnull=False,
        )
        .select_related("validation_code__partner", "customer")
        .first()
    )


@dataclass(frozen=True)
class QualificationState:
    """A customer's special qualification as Partner Center lists it: one it holds (approved,
    since it was granted), or GCC asked for by a validation request (the request's state, since
    it was submitted, and the decision's reason once rejected)."""

    qualification: str
    status: str  # a RequestState
    since: datetime
    reason: str | None = None

    @classmethod
    def held(cls, qualification: SpecialQualification) -> "QualificationState":
        return cls(qualification.qualification, RequestState.APPROVED, qualification.granted_at)

    @classmethod
    def requested(cls, request: ValidationRequest) -> "QualificationState":
        rejected = request.status == RequestState.REJECTED
        return cls(
            GCC, request.status, request.submitted_at, request.decision_reason if rejected else None
        )


# --- The reviewers' side (Microsoft sees every partner's requests) ----------------------------

WAITING_FOR_REVIEW = (RequestState.SUBMITTED, RequestState.IN_REVIEW)


def overdue_q(*, now: datetime) -> Q:
    """Requests past their two business days and not paused for information."""
    return Q(status__in=WAITING_FOR_REVIEW, due_at__lte=now)


def validation_request_queue() -> QuerySet[ValidationRequest]:
    """Every request, with what the queue's columns show."""
    return ValidationRequest.objects.select_related(
        "partner", "partner__indirect_provider", "assigned_to"
    )


def validation_requests_same_tenant(
    *, request: ValidationRequest, limit: int = 10
) -> tuple[list[ValidationRequest], int]:
    """Earlier requests naming the same tenant ID (newest first, at most ``limit``) and how
    many there are in all."""
    earlier = (
        ValidationRequest.objects.filter(
            tenant_id=request.tenant_id, submitted_at__lt=request.submitted_at
        )
        .exclude(pk=request.pk)
        .select_related("partner", "decided_by")
        .order_by("-submitted_at")
    )
    return list(earlier[:limit]), earlier.count()


def stuck_validation_request_count() -> int:
    """Requests the sweep set aside after failing on them (until a reviewer retries them)."""
    return ValidationRequest.objects.filter(stuck_at__isnull=False).count()


@dataclass(frozen=True)
class DayFigures:
    day: date
    approved: int
    rejected: int
    median_hours: float | None

    @property
    def decisions(self) -> int:
        return self.approved + self.rejected


@dataclass(frozen=True)
class ReviewDashboard:
    since: date
    until: date
    by_state: list[tuple[str, str, int]]  # (state, label, how many), every state
    open_total: int
    overdue: int
    unassigned: int
    days: list[DayFigures]  # one per calendar day (US Eastern), oldest first
    decisions: int
    median_hours: float | None

    @property
    def approved_total(self) -> int:
        return sum(day.approved for day in self.days)

    @property
    def rejected_total(self) -> int:
        return sum(day.rejected for day in self.days)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def review_dashboard(*, now: datetime | None = None, days: int = 30) -> ReviewDashboard:
    """The reviewers' figures, in three queries whatever the data size: the queue by state,
    overdue and unassigned counts, and each decision of the last ``days`` days."""
    now = now or timezone.now()
    until = timezone.localdate(now)
    since = until - timedelta(days=days - 1)
    counts = dict(
        ValidationRequest.objects.order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    totals = ValidationRequest.objects.aggregate(
        overdue=Count("pk", filter=overdue_q(now=now)),
        unassigned=Count("pk", filter=Q(status__in=OPEN_STATES, assigned_to__isnull=True)),
    )
    start = timezone.make_aware(datetime.combine(since, time.min))
    decided = ValidationRequest.objects.filter(
        status__in=DECIDED_STATES, decided_at__gte=start, decided_at__lte=now
    ).values_list("decided_at", "submitted_at", "status")

    per_day: dict[date, dict] = {
        since + timedelta(days=i): {"approved": 0, "rejected": 0, "hours": []} for i in range(days)
    }
    all_hours = []
    for decided_at, submitted_at, status in decided:
        bucket = per_day.get(timezone.localdate(decided_at))
        if bucket is None:
            continue
        hours = (decided_at - submitted_at).total_seconds() / 3600
        bucket[status] += 1
        bucket["hours"].append(hours)
        all_hours.append(hours)
    return ReviewDashboard(
        since=since,
        until=until,
        by_state=[(state.value, state.label, counts.get(state.value, 0)) for state in RequestState],
        open_total=sum(counts.get(state, 0) for state in OPEN_STATES),
        overdue=totals["overdue"],
        unassigned=totals["unassigned"],
        days=[
            DayFigures(day, b["approved"], b["rejected"], _median(b["hours"]))
            for day, b in per_day.items()
        ],
        decisions=len(all_hours),
        median_hours=_median(all_hours),
    )


def validation_report_rows(*, since: date, until: date) -> QuerySet[ValidationRequest]:
    """Requests submitted from ``since`` to ``until`` (US Eastern dates, both included)."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
    return (
        ValidationRequest.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .select_related("partner", "partner__indirect_provider")
        .order_by("submitted_at", "pk")
    )


REFERENCE_PATTERN = re.compile(r"^(?:GCC-)?0*(\d+)$", re.IGNORECASE)


def validation_request_find(reference: str) -> ValidationRequest:
    """A request by its reference (``GCC-000012``), its number (``12``) or its UUID.

    DoesNotExist when there is none.
    """
    reference = reference.strip()
    match = REFERENCE_PATTERN.match(reference)
    if match:
        return ValidationRequest.objects.get(pk=int(match.group(1)))
    try:
        return ValidationRequest.objects.get(uuid=uuid.UUID(reference))
    except ValueError as exc:
        raise ValidationRequest.DoesNotExist(reference) from exc

"""Reseller relationship requests (docs/reference/gcc-domain.md section 8): the invitation a
partner emails an existing customer, and the customer admin's answer.

Every rule lives here, once. The link carries a signed token (the request's uuid and the
partner's id), so it cannot be forged or pointed at another partner. A request is answered
exactly once: the answer is a conditional UPDATE on ``status=pending``, so of two clicks (or two
customer admins) at once the second changes nothing and is told the link was already used.
"""

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.models import Customer, CustomerRelationship
from customers.services import customer_relationship_add, customer_relationship_remove
from lib.i18n import language_of
from lib.locks import lock_for_transaction
from lib.refusals import Refusal, RefusalCode
from ops.notifications import notify_on_commit
from partners import permissions
from partners.models import Partner, PartnerType, User
from partners.permissions import Action
from validation.models import (
    OPEN_STATES,
    SpecialQualification,
    ValidationRequest,
)
from validation.selectors import customer_gcc_status_expression

from .models import RelationshipRequest, RelationshipRequestStatus

Status = RelationshipRequestStatus

LINK_SALT = "customers.relationship-request"

NOT_A_PROVIDER = gettext_noop(
    "Only an indirect provider can name an indirect reseller on the request."
)
NOT_YOUR_RESELLER = gettext_noop("Choose one of your own indirect resellers.")
LINK_INVALID = gettext_noop(
    "This invitation link is not valid. It may have been cut short or changed when it was "
    "copied. Open the link exactly as it appears in the email, or ask the partner that sent it "
    "for a new one."
)
LINK_EXPIRED = gettext_noop("This invitation link has expired. Ask {partner} to send a new one.")
LINK_USED = gettext_noop(
    "This invitation link has already been used: the request was {answer} on {date}. Each link "
    "works once. If your organization still wants {partner} as its reseller, ask {partner} to "
    "send a new one."
)
NOT_CUSTOMER_ADMIN = gettext_noop(
    "Only a global admin of the customer organization can accept or decline a reseller "
    "relationship request. Sign out, then sign in with your organization's global admin account."
)

# An invitation link that cannot be used is LINK_INVALID (tampered, truncated, unknown, or not
# this partner's), LINK_EXPIRED (past its date) or LINK_USED (accepted or declined); once the
# token checked out, the refusal is ``about`` its request.


def _link_invalid() -> Refusal:
    return Refusal(RefusalCode.LINK_INVALID, _(LINK_INVALID))


def _link_expired(request: RelationshipRequest) -> Refusal:
    message = _(LINK_EXPIRED).format(partner=request.partner.name)
    return Refusal(RefusalCode.LINK_EXPIRED, message, about=request)


# --- Creating ---------------------------------------------------------------------------------


@transaction.atomic
def relationship_request_create(
    *, actor: User, indirect_reseller: Partner | None = None, now: datetime | None = None
) -> RelationshipRequest:
    """Open a reseller relationship request; its link is valid for GCC_RELATIONSHIP_LINK_DAYS."""
    permissions.require(actor, Action.REQUEST_RELATIONSHIP)
    if indirect_reseller is not None:
        if actor.partner.partner_type != PartnerType.INDIRECT_PROVIDER:
            raise Refusal(RefusalCode.NOT_A_PROVIDER, _(NOT_A_PROVIDER), field="indirect_reseller")
        if (
            indirect_reseller.partner_type != PartnerType.INDIRECT_RESELLER
            or indirect_reseller.indirect_provider_id != actor.partner_id
        ):
            raise Refusal(
                RefusalCode.NOT_YOUR_RESELLER, _(NOT_YOUR_RESELLER), field="indirect_reseller"
            )
    now = now or timezone.now()
    return RelationshipRequest.objects.create(
        partner=actor.partner,
        indirect_reseller=indirect_reseller,
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.GCC_RELATIONSHIP_LINK_DAYS),
    )


@transaction.atomic
def relationship_request_current(
    *, actor: User, indirect_reseller: Partner | None = None, now: datetime | None = None
) -> RelationshipRequest:
    """The partner's pending request (for this indirect reseller, or none) that still has at
    least a day to run, else a new one: what the API's GET answers, so that asking for the link
    again gives the same link instead of a new row each time."""
    permissions.require(actor, Action.REQUEST_RELATIONSHIP)
    now = now or timezone.now()
    reseller_id = indirect_reseller.pk if indirect_reseller else None
    lock_for_transaction(f"relationship-request:{actor.partner_id}:{reseller_id}")
    current = (
        RelationshipRequest.objects.filter(
            partner_id=actor.partner_id,
            indirect_reseller_id=reseller_id,
            status=Status.PENDING,
            expires_at__gt=now + timedelta(days=1),
        )
        .order_by("-expires_at", "-pk")
        .first()
    )
    return current or relationship_request_create(
        actor=actor, indirect_reseller=indirect_reseller, now=now
    )


# --- The link ---------------------------------------------------------------------------------


def relationship_link_token(request: RelationshipRequest) -> str:
    return signing.Signer(salt=LINK_SALT).sign_object(
        {"r": request.uuid.hex, "p": request.partner_id}
    )


def relationship_link(request: RelationshipRequest) -> str:
    """The personalized absolute URL the customer's global admin opens."""
    path = reverse("admin_center:invitation", kwargs={"token": relationship_link_token(request)})
    return f"{settings.GCC_SITE_URL}{path}"


def _request_from_token(token: str) -> RelationshipRequest:
    try:
        payload = signing.Signer(salt=LINK_SALT).unsign_object(token)
        request_uuid = UUID(payload["r"])
        partner_id = int(payload["p"])
        request = RelationshipRequest.objects.select_related(
            "partner", "indirect_reseller", "customer", "answered_by"
        ).get(uuid=request_uuid)
    except (
        signing.BadSignature,
        RelationshipRequest.DoesNotExist,
        KeyError,
        TypeError,
        ValueError,
    ) as exc:
        raise _link_invalid() from exc
    if request.partner_id != partner_id:
        raise _link_invalid()
    return request


def _refusal(request: RelationshipRequest) -> Refusal:
    """Why a request that is no longer pending cannot be answered."""
    if request.status == Status.EXPIRED:
        return _link_expired(request)
    answered = timezone.localtime(request.answered_at) if request.answered_at else None
    return Refusal(
        RefusalCode.LINK_USED,
        _(LINK_USED).format(
            answer=request.get_status_display().lower(),
            date=date_format(answered, "NEWS_DATE_FORMAT") if answered else _("an earlier date"),
            partner=request.partner.name,
        ),
        about=request,
    )


def relationship_request_open(*, token: str, now: datetime | None = None) -> RelationshipRequest:
    """The pending request a link is for, or the reason it cannot be used.

    A pending request found past its date is marked expired on the way (committed even though
    LINK_EXPIRED is raised).
    """
    now = now or timezone.now()
    request = _request_from_token(token)
    if request.status == Status.PENDING and now > request.expires_at:
        with transaction.atomic():
            RelationshipRequest.objects.filter(pk=request.pk, status=Status.PENDING).update(
                status=Status.EXPIRED
            )
        request.refresh_from_db()
    if request.status != Status.PENDING:
        raise _refusal(request)
    return request


# --- Answering --------------------------------------------------------------------------------


def _answer(*, actor: User, token: str, status: str, now: datetime | None):
    if not getattr(actor, "customer_id", None):
        raise Refusal(RefusalCode.NOT_CUSTOMER_ADMIN, _(NOT_CUSTOMER_ADMIN))
    now = now or timezone.now()
    request = relationship_request_open(token=token, now=now)
    with transaction.atomic():
        # The guarded transition: only one answer moves it out of pending.
        claimed = RelationshipRequest.objects.filter(
            pk=request.pk, status=Status.PENDING, expires_at__gte=now
        ).update(status=status, answered_at=now, answered_by=actor, customer_id=actor.customer_id)
        if not claimed:
            request.refresh_from_db()
            if request.status == Status.PENDING:  # its date passed between the two reads
                raise _link_expired(request)
            raise _refusal(request)
        if status == Status.ACCEPTED:
            # Already managed by this partner: the request is accepted, nothing is duplicated.
            customer_relationship_add(
                partner_id=request.partner_id,
                customer=Customer.objects.get(pk=actor.customer_id),
                indirect_reseller_id=request.indirect_reseller_id,
                origin=CustomerRelationship.Origin.INVITATION,
            )
            language = language_of(request.created_by)
            with translation.override(language):
                accepted_at = date_format(timezone.localtime(now), "NEWS_DATETIME_FORMAT")
            notify_on_commit(  # the partner user who sent the invitation is waiting for this
                key=f"relationship-request:{request.pk}:accepted",
                template="relationship_accepted",
                to=[request.created_by.email],
                context={
                    "language": language,
                    "requester_name": request.created_by.get_full_name(),
                    "partner_name": request.partner.name,
                    "customer_name": actor.customer.company_name,
                    "accepted_by": actor.get_full_name() or actor.username,
                    "accepted_at": accepted_at,
                    "request_path": reverse("relationships:detail", args=[request.uuid]),
                },
            )
    request.refresh_from_db()
    return request


def relationship_request_accept(
    *, actor: User, token: str, now: datetime | None = None
) -> RelationshipRequest:
    """A customer admin accepts for their own organization: the partner now manages it."""
    return _answer(actor=actor, token=token, status=Status.ACCEPTED, now=now)


def relationship_request_decline(
    *, actor: User, token: str, now: datetime | None = None
) -> RelationshipRequest:
    """A customer admin declines: the link is used up and no relationship is created."""
    return _answer(actor=actor, token=token, status=Status.DECLINED, now=now)


@transaction.atomic
def relationship_requests_expire(*, now: datetime | None = None) -> int:
    """Mark pending requests past their date expired; return how many. Safe to run twice."""
    now = now or timezone.now()
    return RelationshipRequest.objects.filter(status=Status.PENDING, expires_at__lt=now).update(
        status=Status.EXPIRED
    )


# --- Reads ------------------------------------------------------------------------------------


def relationship_request_list(*, actor: User) -> QuerySet[RelationshipRequest]:
    """The acting partner's requests, newest first."""
    return RelationshipRequest.objects.filter(partner_id=actor.partner_id).select_related(
        "created_by", "customer", "indirect_reseller", "answered_by"
    )


def relationship_request_get(*, actor: User, uuid) -> RelationshipRequest:
    """One of the acting partner's requests; DoesNotExist (a 404) for another partner's."""
    return relationship_request_list(actor=actor).select_related("partner").get(uuid=uuid)


def customer_for_admin(*, actor: User) -> Customer:
    """A customer admin's own organization (DoesNotExist for anyone else)."""
    return Customer.objects.get(pk=actor.customer_id)


def customer_relationship_list(*, actor: User) -> QuerySet[CustomerRelationship]:
    """The partners that manage a customer admin's organization."""
    return (
        CustomerRelationship.objects.filter(customer_id=actor.customer_id)
        .select_related("partner", "indirect_reseller")
        .order_by("partner__name")
    )


def relationship_request_effective_status(
    request: RelationshipRequest, *, now: datetime | None = None
) -> str:
    """The status to show: a pending request past its date shows as expired."""
    now = now or timezone.now()
    if request.status == Status.PENDING and now > request.expires_at:
        return Status.EXPIRED
    return request.status


# --- The customer's admin center: its qualifications, and removing a partner -----------------

NOT_YOUR_PARTNER = gettext_noop("This partner does not manage your organization (any more).")
PARTNER_REMOVED = gettext_noop(
    "{partner} no longer manages your organization: its reseller relationship and delegated "
    "admin rights ended. Subscriptions bought through {partner} stay active, and billed, until "
    "they are cancelled: ask {partner} or Microsoft support to cancel them."
)


def customer_admin_gcc_status(*, actor: User) -> str:
    """The customer admin's organization's GCC standing (a CustomerGccStatus), as its partners'
    lists show it."""
    return (
        Customer.objects.filter(pk=actor.customer_id)
        .annotate(status=customer_gcc_status_expression())
        .values_list("status", flat=True)
        .get()
    )


def customer_admin_qualification_list(*, actor: User) -> QuerySet[SpecialQualification]:
    """The special qualifications the customer admin's organization holds."""
    return SpecialQualification.objects.filter(customer_id=actor.customer_id).order_by("pk")


def customer_admin_open_request_list(*, actor: User) -> QuerySet[ValidationRequest]:
    """GCC validation requests a partner submitted for the organization that are still open
    (under review, or waiting for information), oldest first, with the partner."""
    return (
        ValidationRequest.objects.filter(customer_id=actor.customer_id, status__in=OPEN_STATES)
        .select_related("partner")
        .order_by("submitted_at", "pk")
    )


@transaction.atomic
def customer_partner_remove(*, actor: User, partner_tenant_id) -> Partner:
    """The customer's global admin ends a partner's reseller relationship with the
    organization (Microsoft 365 admin center > Partner relationships): the customer leaves
    that partner's list and the partner's agents can no longer reach it; its history (orders,
    subscriptions, validation requests) stays.

    Not refused while the partner's subscriptions are active, unlike the partner's side
    (orders.services.customer_relationship_end): the tenant belongs to the customer, who must
    be able to let a partner go at any time; those subscriptions stay until cancelled (the
    page says so). NOT_YOUR_PARTNER (a 404) for a partner that does not manage it."""
    if not getattr(actor, "customer_id", None) or not actor.is_customer_admin:
        raise Refusal(RefusalCode.NOT_CUSTOMER_ADMIN, _(NOT_CUSTOMER_ADMIN))
    customer = Customer.objects.select_for_update().get(pk=actor.customer_id)
    try:
        partner_tenant_id = UUID(str(partner_tenant_id))
        relationship = CustomerRelationship.objects.select_related("partner").get(
            customer=customer, partner__tenant_id=partner_tenant_id
        )
    except (ValueError, CustomerRelationship.DoesNotExist) as exc:
        raise Refusal(RefusalCode.NOT_YOUR_PARTNER, _(NOT_YOUR_PARTNER)) from exc
    customer_relationship_remove(partner_id=relationship.partner_id, customer=customer)
    return relationship.partner

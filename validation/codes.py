"""Validation codes: issued on a customer approval, consumed one create at a time."""

import secrets
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lib.refusals import Refusal, RefusalCode
from lib.sweeps import history_copy
from partners.models import PartnerType, User

from .models import (
    SpecialQualification,
    SpecialQualificationKind,
    ValidationCode,
    ValidationRequest,
)
from .signals import gcc_changed

CODE_USED_UP = gettext_noop(
    "This validation code has no creates left: every customer it allows has been created. "
    "Submit a new customer validation request."
)
CODE_UNKNOWN = gettext_noop("Choose one of your organization's validation codes.")


def _new_validation_id() -> str:
    while True:  # six digits, like Partner Center's examples; retry the rare collision
        candidate = f"{secrets.randbelow(900000) + 100000}"
        if not ValidationCode.objects.filter(validation_id=candidate).exists():
            return candidate


def _code_for(request: ValidationRequest, *, validation_id: str, now: datetime) -> ValidationCode:
    partner = request.partner
    transacting_id = partner.indirect_provider_id or partner.pk
    max_creates = settings.GCC_VALIDATION_CODE_MAX_CREATES
    return ValidationCode(
        validation_id=validation_id,
        request=request,
        partner_id=transacting_id,
        requested_by=partner if transacting_id != partner.pk else None,
        organization_name=request.organization_name,
        max_creates=max_creates,
        remaining_creates=max_creates,
        created_at=now,
    )


def validation_code_issue(*, request: ValidationRequest, now: datetime) -> ValidationCode:
    """The code an approved customer request yields, owned by the transacting partner."""
    code = _code_for(request, validation_id=_new_validation_id(), now=now)
    code.save()
    return code


ISSUE_ATTEMPTS = 5  # draws of a batch's IDs before giving up (the batch is then retried alone)


def _new_validation_ids(count: int) -> list[str]:
    """``count`` distinct six-digit IDs no code has: candidates drawn at once, checked with one
    query (drawn again for the rare collisions)."""
    chosen: list[str] = []
    while len(chosen) < count:
        drawn = [f"{secrets.randbelow(900000) + 100000}" for _ in range(count - len(chosen) + 8)]
        taken = set(chosen) | set(
            ValidationCode.objects.filter(validation_id__in=drawn).values_list(
                "validation_id", flat=True
            )
        )
        for candidate in drawn:
            if len(chosen) < count and candidate not in taken:
                taken.add(candidate)
                chosen.append(candidate)
    return chosen


def validation_codes_issue(
    *, requests: list[ValidationRequest], now: datetime
) -> dict[int, ValidationCode]:
    """``validation_code_issue`` for many approved customer requests at once (the review
    sweep's batch): the codes and their history rows in one insert each. Returns request pk ->
    its code. Call inside the transaction that approves them."""
    if not requests:
        return {}
    codes = [_code_for(request, validation_id="", now=now) for request in requests]
    for attempt in range(1, ISSUE_ATTEMPTS + 1):
        for code, validation_id in zip(codes, _new_validation_ids(len(codes)), strict=True):
            code.validation_id = validation_id
        try:
            with transaction.atomic():
                ValidationCode.objects.bulk_create(codes)
            break
        except IntegrityError:
            # Another batch, not committed when the IDs were checked, took one of them (and
            # has committed since: the next check sees it). Draw again.
            if attempt == ISSUE_ATTEMPTS:
                raise
    # bulk_create sends no post_save: the history rows save() would have written ("+").
    history_copy(ValidationCode, dict.fromkeys(code.pk for code in codes), history_type="+")
    return {code.request_id: code for code in codes}


def validation_code_list(*, actor: User, usable_only: bool = True) -> QuerySet[ValidationCode]:
    """Codes every agent of the transacting partner, and the reseller that asked, may use.

    A code belongs to a transacting partner (direct, or indirect provider) and names the
    indirect reseller that asked for it, if one did; so an indirect reseller sees the codes it
    asked for and any other partner its own, each list read in name order on its index."""
    if actor.partner.partner_type == PartnerType.INDIRECT_RESELLER:
        codes = ValidationCode.objects.filter(requested_by_id=actor.partner_id)
    else:
        codes = ValidationCode.objects.filter(partner_id=actor.partner_id)
    if usable_only:
        codes = codes.filter(remaining_creates__gt=0)
    return codes.order_by("organization_name", "id")


def validation_code_consume(*, actor: User, code_id: int) -> ValidationCode:
    """Use up one create of a code, atomically: of two agents racing for the last create,
    one gets it and the other a clear refusal. Call inside the transaction that creates the
    customer, so a failure there gives the create back."""
    visible = validation_code_list(actor=actor, usable_only=False)
    if not visible.filter(pk=code_id).exists():
        raise Refusal(RefusalCode.CODE_UNKNOWN, _(CODE_UNKNOWN), field="validation_code")
    taken = visible.filter(pk=code_id, remaining_creates__gt=0).update(
        remaining_creates=F("remaining_creates") - 1
    )
    if taken != 1:
        raise Refusal(RefusalCode.CODE_USED_UP, _(CODE_USED_UP), field="validation_code")
    code = ValidationCode.objects.get(pk=code_id)
    # The conditional UPDATE bypasses save(): record the change in the code's history here.
    ValidationCode.history.bulk_history_create(
        [code], update=True, default_user=actor, default_change_reason="One customer create used"
    )
    return code


def customer_gcc_qualification_grant(
    *, customer, code: ValidationCode, now: datetime | None = None
) -> SpecialQualification:
    """Give a customer the GCC special qualification, recorded with the code that allowed it.
    Call inside the transaction that consumed (or issued) the code."""
    qualification, _created = SpecialQualification.objects.get_or_create(
        customer=customer,
        qualification=SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
        defaults={"granted_at": now or timezone.now(), "validation_code": code},
    )
    gcc_changed(customer.pk)
    return qualification


def customer_gcc_qualifications_grant(*, codes: list[ValidationCode], now: datetime) -> None:
    """``customer_gcc_qualification_grant`` for many (customer, code) at once: the existing
    customers of approved requests get GCC with their new code, unless they hold it already
    (one insert). The caller sends ``gcc_changed`` for the batch's customers."""
    SpecialQualification.objects.bulk_create(
        [
            SpecialQualification(
                customer_id=code.request.customer_id,
                qualification=SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
                granted_at=now,
                validation_code=code,
            )
            for code in codes
            if code.request.customer_id
        ],
        ignore_conflicts=True,
    )

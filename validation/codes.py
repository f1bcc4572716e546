"""Validation codes: issued on a customer approval, consumed one create at a time."""

import secrets
from datetime import datetime

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from lib.refusals import Refusal, RefusalCode
from partners.models import User

from .models import (
    SpecialQualification,
    SpecialQualificationKind,
    ValidationCode,
    ValidationRequest,
)

CODE_USED_UP = (
    "This validation code has no creates left: every customer it allows has been created. "
    "Submit a new customer validation request."
)
CODE_UNKNOWN = "Choose one of your organization's validation codes."


def _new_validation_id() -> str:
    while True:  # six digits, like Partner Center's examples; retry the rare collision
        candidate = f"{secrets.randbelow(900000) + 100000}"
        if not ValidationCode.objects.filter(validation_id=candidate).exists():
            return candidate


def validation_code_issue(*, request: ValidationRequest, now: datetime) -> ValidationCode:
    """The code an approved customer request yields, owned by the transacting partner."""
    partner = request.partner
    transacting_id = partner.indirect_provider_id or partner.pk
    max_creates = settings.GCC_VALIDATION_CODE_MAX_CREATES
    return ValidationCode.objects.create(
        validation_id=_new_validation_id(),
        request=request,
        partner_id=transacting_id,
        requested_by=partner if transacting_id != partner.pk else None,
        organization_name=request.organization_name,
        max_creates=max_creates,
        remaining_creates=max_creates,
        created_at=now,
    )


def validation_code_list(*, actor: User, usable_only: bool = True) -> QuerySet[ValidationCode]:
    """Codes every agent of the transacting partner, and the reseller that asked, may use."""
    codes = ValidationCode.objects.filter(
        Q(partner_id=actor.partner_id) | Q(requested_by_id=actor.partner_id)
    )
    if usable_only:
        codes = codes.filter(remaining_creates__gt=0)
    return codes.order_by("organization_name", "validation_id")


def validation_code_consume(*, actor: User, code_id: int) -> ValidationCode:
    """Use up one create of a code, atomically: of two agents racing for the last create,
    one gets it and the other a clear refusal. Call inside the transaction that creates the
    customer, so a failure there gives the create back."""
    visible = validation_code_list(actor=actor, usable_only=False)
    if not visible.filter(pk=code_id).exists():
        raise Refusal(RefusalCode.CODE_UNKNOWN, CODE_UNKNOWN, field="validation_code")
    taken = visible.filter(pk=code_id, remaining_creates__gt=0).update(
        remaining_creates=F("remaining_creates") - 1
    )
    if taken != 1:
        raise Refusal(RefusalCode.CODE_USED_UP, CODE_USED_UP, field="validation_code")
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
    qualification, _ = SpecialQualification.objects.get_or_create(
        customer=customer,
        qualification=SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
        defaults={"granted_at": now or timezone.now(), "validation_code": code},
    )
    return qualification

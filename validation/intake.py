"""What Microsoft's two intake forms carry (typed), and the rules on their answers.

The page's form and the API build an intake and the submit services check it here, so both
doors refuse the same answers with the same code. The form also asks these rules while it is
being filled (``basis_refusals``), to show every problem at once.
"""

import uuid
from dataclasses import asdict, dataclass, field, fields

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lib.refusals import Refusal, RefusalCode

from .models import EntityType

NOT_ATTESTED = gettext_noop("You must confirm before submitting.")
GOVERNMENT_BASIS_REQUIRED = gettext_noop(
    "Choose at least one way you serve US government customers."
)
REGULATED_DATA_REQUIRED = gettext_noop(
    "A commercial entity qualifies only with government-regulated data: choose the kinds it holds."
)
JURISDICTION_REQUIRED = gettext_noop("Name the agency or jurisdiction.")


@dataclass(frozen=True, kw_only=True)
class Intake:
    """What both forms ask: the organization, its address and contact, the attestation."""

    organization_name: str
    tenant_id: uuid.UUID
    address_line: str
    city: str
    state: str
    postal_code: str
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_language: str = "en"
    attested: bool

    def fields(self) -> dict:
        """The ValidationRequest fields this intake fills."""
        return asdict(self)

    def refusals(self) -> list[Refusal]:
        if not self.attested:
            return [Refusal(RefusalCode.NOT_ATTESTED, _(NOT_ATTESTED), field="attested")]
        return []


@dataclass(frozen=True, kw_only=True)
class PartnerIntake(Intake):
    """The "CSP partner" form."""

    government_basis: list[str]
    contract_reference: str = ""

    def refusals(self) -> list[Refusal]:
        found = super().refusals()
        if not self.government_basis:
            found.append(
                Refusal(
                    RefusalCode.GOVERNMENT_BASIS_REQUIRED,
                    _(GOVERNMENT_BASIS_REQUIRED),
                    field="government_basis",
                )
            )
        return found


@dataclass(frozen=True, kw_only=True)
class CustomerIntake(Intake):
    """The "CSP customer" form, filled on the customer's behalf."""

    domain: str
    entity_type: str
    jurisdiction: str = ""
    regulated_data: list[str] = field(default_factory=list)
    is_us_entity: bool = True
    us_presence: str = ""

    def refusals(self) -> list[Refusal]:
        return super().refusals() + basis_refusals(
            entity_type=self.entity_type,
            jurisdiction=self.jurisdiction,
            regulated_data=self.regulated_data,
        )


def basis_refusals(*, entity_type: str, jurisdiction: str, regulated_data: list) -> list[Refusal]:
    """A customer qualifies as a government entity (named) or by the regulated data it holds."""
    if entity_type == EntityType.COMMERCIAL and not regulated_data:
        return [
            Refusal(
                RefusalCode.REGULATED_DATA_REQUIRED,
                _(REGULATED_DATA_REQUIRED),
                field="regulated_data",
            )
        ]
    if entity_type and entity_type != EntityType.COMMERCIAL and not jurisdiction.strip():
        return [
            Refusal(
                RefusalCode.JURISDICTION_REQUIRED, _(JURISDICTION_REQUIRED), field="jurisdiction"
            )
        ]
    return []


def resubmission_initial(request) -> dict:
    """A rejected request's answers, to prefill the form that resubmits it: everything its
    intake carried but the attestation, which is given again."""
    intake_class = CustomerIntake if request.is_customer_request else PartnerIntake
    names = [f.name for f in fields(intake_class) if f.name != "attested"]
    return {name: getattr(request, name) for name in names}


def resubmission_notice(request) -> str:
    """Said above the form prefilled from the rejected ``request``."""
    return _(
        "You are resubmitting %(reference)s, which was rejected: %(reason)s The form is filled "
        "with what was sent; correct it, confirm again and submit."
    ) % {"reference": request.reference, "reason": request.decision_reason}

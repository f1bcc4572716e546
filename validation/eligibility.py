"""The eligibility rules (gcc-domain.md sections 4 and 9), each written once.

The submit service refuses a form with them; the simulated reviewer applies them again at
review time as its checklist, since a partner's standing can change while a request waits.
"""

from dataclasses import asdict, dataclass
from uuid import UUID

from partners.models import Partner

from .models import RequestState, ValidationRequest

WHERE_TO_FIND_TENANT = "Find it under Settings > Organization profile > Microsoft ID."


def tenant_id_problem(*, partner: Partner, tenant_id: UUID) -> str | None:
    """Why ``tenant_id`` is not the transacting partner's commercial tenant ID, if it is not."""
    transacting = partner.transacting_partner
    azure_ids = {p.azure_gcc_tenant_id for p in (partner, transacting) if p.azure_gcc_tenant_id}
    if tenant_id in azure_ids:
        return (
            "This is an Azure GCC tenant ID. GCC forms accept only the commercial tenant ID "
            f"({transacting.tenant_id}), never the Azure GCC one. {WHERE_TO_FIND_TENANT}"
        )
    if tenant_id != transacting.tenant_id:
        if transacting.pk != partner.pk:
            return (
                "Enter your indirect provider's commercial tenant ID "
                f"({transacting.name}: {transacting.tenant_id}): it is the transacting partner "
                "that buys from Microsoft for your customers."
            )
        return (
            "This is not your organization's commercial tenant ID. Enter "
            f"{transacting.tenant_id}. {WHERE_TO_FIND_TENANT}"
        )
    return None


def partner_standing_problem(partner: Partner) -> str | None:
    """Why this partner cannot apply for GCC itself, if it cannot."""
    if not partner.is_direct_bill:
        provider = partner.indirect_provider
        return (
            "Partner GCC validation is for direct-bill partners. As an indirect reseller, work "
            f"through your indirect provider ({provider.name if provider else 'not set'}): "
            "its GCC qualification covers your GCC sales."
        )
    if not partner.csp_enrolled:
        return (
            "Your organization is not enrolled in the Cloud Solution Provider program. CSP "
            "enrollment is a prerequisite for GCC approval."
        )
    return None


# --- The simulated reviewer's checklist -------------------------------------------------------

REJECT = "reject"
ASK = "ask"  # fails: request information instead of rejecting


@dataclass(frozen=True)
class Finding:
    code: str
    label: str
    passed: bool
    detail: str = ""
    on_failure: str = REJECT

    def as_dict(self) -> dict:
        return asdict(self)


def partner_request_findings(request: ValidationRequest) -> list[Finding]:
    partner = request.partner
    standing = partner_standing_problem(partner)
    tenant = tenant_id_problem(partner=partner, tenant_id=request.tenant_id)
    has_reference = bool(request.contract_reference.strip() or request.info_response.strip())
    return [
        Finding(
            "standing",
            "Enrolled in CSP and a direct-bill partner",
            standing is None,
            standing or "",
        ),
        Finding(
            "tenant",
            "Tenant ID is the partner's commercial tenant ID (not Azure GCC)",
            tenant is None,
            tenant or "",
        ),
        Finding(
            "government_basis",
            "Serves US government customers (at least one basis)",
            bool(request.government_basis),
            "" if request.government_basis else "No basis for serving US government given.",
        ),
        Finding(
            "contract_reference",
            "Contract or schedule number, or an agency reference",
            has_reference,
            ""
            if has_reference
            else "Please send a contract or schedule number, or an agency reference.",
            on_failure=ASK,
        ),
    ]


@dataclass(frozen=True)
class Verdict:
    decision: str  # one of RequestState.APPROVED / REJECTED / INFO_REQUESTED
    note: str


def verdict_from(findings: list[Finding]) -> Verdict:
    failed = [f for f in findings if not f.passed]
    rejections = [f.detail for f in failed if f.on_failure == REJECT]
    if rejections:
        return Verdict(RequestState.REJECTED, " ".join(rejections))
    questions = [f.detail for f in failed if f.on_failure == ASK]
    if questions:
        return Verdict(RequestState.INFO_REQUESTED, " ".join(questions))
    return Verdict(RequestState.APPROVED, "Every eligibility check holds.")

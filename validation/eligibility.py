"""The eligibility rules (docs/reference/gcc-domain.md sections 4 and 9), each written once.

The submit service refuses a form with them; the simulated reviewer applies them again at
review time as its checklist, since a partner's standing can change while a request waits.
"""

import re
from dataclasses import dataclass
from uuid import UUID

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lib.refusals import Refusal, RefusalCode
from partners.models import Partner, ResellerQualification, ResellerQualificationKind
from partners.selectors import partner_holds_gcc

from .models import (
    GOVERNMENT_ENTITY_TYPES,
    EntityType,
    EvidenceDocument,
    RequestKind,
    RequestState,
    ValidationRequest,
)


def _tenant_refusal(code: RefusalCode, message: str) -> Refusal:
    return Refusal(code, message, field="tenant_id")


def tenant_id_problem(*, partner: Partner, tenant_id: UUID) -> Refusal | None:
    """Why ``tenant_id`` is not the transacting partner's commercial tenant ID, if it is not."""
    transacting = partner.transacting_partner
    azure_ids = {p.azure_gcc_tenant_id for p in (partner, transacting) if p.azure_gcc_tenant_id}
    if tenant_id in azure_ids:
        return _tenant_refusal(
            RefusalCode.AZURE_GCC_TENANT_ID,
            _(
                "This is an Azure GCC tenant ID. GCC forms accept only the commercial tenant ID "
                "(%(tenant_id)s), never the Azure GCC one. Find it under Settings > "
                "Organization profile > Microsoft ID."
            )
            % {"tenant_id": transacting.tenant_id},
        )
    if tenant_id != transacting.tenant_id:
        if transacting.pk != partner.pk:
            return _tenant_refusal(
                RefusalCode.WRONG_TENANT_ID,
                _(
                    "Enter your indirect provider's commercial tenant ID (%(provider)s: "
                    "%(tenant_id)s): it is the transacting partner that buys from Microsoft for "
                    "your customers."
                )
                % {"provider": transacting.name, "tenant_id": transacting.tenant_id},
            )
        return _tenant_refusal(
            RefusalCode.WRONG_TENANT_ID,
            _(
                "This is not your organization's commercial tenant ID. Enter %(tenant_id)s. "
                "Find it under Settings > Organization profile > Microsoft ID."
            )
            % {"tenant_id": transacting.tenant_id},
        )
    return None


def partner_standing_problem(partner: Partner) -> Refusal | None:
    """Why this partner cannot apply for GCC itself, if it cannot."""
    if not partner.is_direct_bill:
        provider = partner.indirect_provider
        return Refusal(
            RefusalCode.NOT_DIRECT_BILL,
            _(
                "Partner GCC validation is for direct-bill partners. As an indirect reseller, "
                "work through your indirect provider (%(provider)s): its GCC qualification "
                "covers your GCC sales."
            )
            % {"provider": provider.name if provider else _("not set")},
        )
    if not partner.csp_enrolled:
        return Refusal(
            RefusalCode.NOT_CSP_ENROLLED,
            _(
                "Your organization is not enrolled in the Cloud Solution Provider program. CSP "
                "enrollment is a prerequisite for GCC approval."
            ),
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
        return dict(vars(self))  # what asdict() gives for these flat fields, without its deep copy


def partner_request_findings(request: ValidationRequest) -> list[Finding]:
    partner = request.partner
    standing = partner_standing_problem(partner)
    tenant = tenant_id_problem(partner=partner, tenant_id=request.tenant_id)
    has_reference = bool(request.contract_reference.strip() or request.info_response.strip())
    return [
        Finding(
            "standing",
            _("Enrolled in CSP and a direct-bill partner"),
            standing is None,
            standing.message if standing else "",
        ),
        Finding(
            "tenant",
            _("Tenant ID is the partner's commercial tenant ID (not Azure GCC)"),
            tenant is None,
            tenant.message if tenant else "",
        ),
        Finding(
            "government_basis",
            _("Serves US government customers (at least one basis)"),
            bool(request.government_basis),
            "" if request.government_basis else _("No basis for serving US government given."),
        ),
        Finding(
            "contract_reference",
            _("Contract or schedule number, or an agency reference"),
            has_reference,
            ""
            if has_reference
            else _("Please send a contract or schedule number, or an agency reference."),
            on_failure=ASK,
        ),
    ]


NOT_GCC_ENABLED = gettext_noop(
    "Your organization cannot submit customer GCC validations until it holds "
    "Government_community_cloud (an indirect reseller: until its indirect provider does)."
)


def legal_name_problem(name: str) -> str | None:
    """Microsoft wants the exact, complete legal name: no acronyms, no test names."""
    letters = re.sub(r"[^A-Za-z]", "", name)
    if re.search(r"\b(test|demo|sample)\b", name, re.IGNORECASE):
        return _("Enter the customer's exact legal name: test or sample names are not accepted.")
    if letters.isupper() and len(letters) <= 6:
        return _("Enter the customer's complete legal name, not an acronym.")
    return None


# The review sweep judges a whole batch of requests at once: it reads whether their partners
# may transact GCC with one query (``partners_may_transact_read``) instead of one per request
# (``partner_holds_gcc``), and the checklist uses what it read.
PARTNER_MAY_TRANSACT = "partner_may_transact_gcc"


def partners_may_transact_read(requests: list[ValidationRequest]) -> None:
    """Mark each request with whether its partner may transact GCC (its transacting partner
    holds Government_community_cloud), for all of them with one query. Their partners must be
    loaded with their indirect providers' ids (always: a foreign key's id is on the row)."""
    transacting = {r.partner.indirect_provider_id or r.partner_id for r in requests}
    holding = set(
        ResellerQualification.objects.filter(
            partner_id__in=transacting,
            qualification=ResellerQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
        ).values_list("partner_id", flat=True)
    )
    for request in requests:
        setattr(
            request,
            PARTNER_MAY_TRANSACT,
            (request.partner.indirect_provider_id or request.partner_id) in holding,
        )


def _partner_may_transact(request: ValidationRequest) -> bool:
    known = getattr(request, PARTNER_MAY_TRANSACT, None)
    return partner_holds_gcc(request.partner) if known is None else known


# Whether a request has evidence documents: the sweep reads it for a batch with one query
# (``evidence_read``); one request alone asks the database.
HAS_EVIDENCE = "has_evidence_documents"
EVIDENCE_MISSING = gettext_noop(
    "Attach the document that makes the data government-regulated (for example the contract "
    "clause, export license or agency agreement that covers the ITAR, CUI or CJI data)."
)


def evidence_read(requests: list[ValidationRequest]) -> None:
    """Mark each request with whether it has evidence documents, for all with one query."""
    with_documents = set(
        EvidenceDocument.objects.filter(request__in=[r.pk for r in requests]).values_list(
            "request_id", flat=True
        )
    )
    for request in requests:
        setattr(request, HAS_EVIDENCE, request.pk in with_documents)


def _has_evidence(request: ValidationRequest) -> bool:
    known = getattr(request, HAS_EVIDENCE, None)
    return request.documents.exists() if known is None else known


def customer_request_findings(request: ValidationRequest) -> list[Finding]:
    partner_ok = _partner_may_transact(request)
    name = legal_name_problem(request.organization_name)
    tenant = tenant_id_problem(partner=request.partner, tenant_id=request.tenant_id)
    government = request.entity_type in GOVERNMENT_ENTITY_TYPES
    regulated = request.entity_type == EntityType.COMMERCIAL and bool(request.regulated_data)
    findings = [
        Finding(
            "partner",
            _("Partner may transact GCC"),
            partner_ok,
            "" if partner_ok else _(NOT_GCC_ENABLED),
        ),
        Finding("legal_name", _("Exact and complete legal name"), name is None, name or ""),
        Finding(
            "tenant",
            _("Tenant ID is the transacting partner's commercial tenant ID (not Azure GCC)"),
            tenant is None,
            tenant.message if tenant else "",
        ),
        Finding(
            "basis",
            _("A: US government entity, or B: commercial entity holding government-regulated data"),
            government or regulated,
            ""
            if government or regulated
            else _("A commercial entity qualifies only when it holds government-regulated data."),
        ),
    ]
    if regulated:  # basis B: the reviewer wants the document that makes the data regulated
        has_evidence = _has_evidence(request)
        findings.append(
            Finding(
                "evidence",
                _("B: a document shows the data is government-regulated"),
                has_evidence,
                "" if has_evidence else _(EVIDENCE_MISSING),
                on_failure=ASK,
            )
        )
    if not request.is_us_entity:
        if government:
            findings.append(
                Finding(
                    "us_presence",
                    _("US entity (international bodies do not count)"),
                    False,
                    _("Only US government entities qualify under A; international bodies do not."),
                )
            )
        else:
            has_presence = bool(request.us_presence.strip() or request.info_response.strip())
            findings.append(
                Finding(
                    "us_presence",
                    _("Non-US commercial entity: verified US presence"),
                    has_presence,
                    ""
                    if has_presence
                    else _(
                        "Describe the organization's verified US presence (mailing address, "
                        "physical location)."
                    ),
                    on_failure=ASK,
                )
            )
    return findings


def request_findings(request: ValidationRequest) -> list[Finding]:
    if request.kind == RequestKind.CUSTOMER:
        return customer_request_findings(request)
    return partner_request_findings(request)


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
    return Verdict(RequestState.APPROVED, _("Every eligibility check holds."))

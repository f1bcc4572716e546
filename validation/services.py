"""Every change to a validation request: submit, screen, approve, reject, request information,
answer, assign, sweep.

A request is decided exactly once, whoever gets there first (a reviewer in the admin or the
simulated reviewer in a worker): each transition locks the request and checks the state it
expects (``_lock``), so the loser changes nothing and is told so (ALREADY_DECIDED).
"""

import logging
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lib.queue import enqueue_on_commit
from lib.refusals import Refusal, RefusalCode, refuse_nul
from lib.sweeps import (
    SWEEP_RESET,
    drain,
    excluding,
    history_copy,
    per_row,
    sweep_batch,
    sweep_reset,
    sweep_time_budget,
)
from ops.notifications import notify_many_on_commit
from partners import permissions
from partners.models import Partner, User
from partners.permissions import Action
from partners.selectors import partner_holds_gcc
from partners.services import gcc_qualification_grant

from .calendar import review_due_at
from .codes import (
    customer_gcc_qualification_grant,
    customer_gcc_qualifications_grant,
    validation_code_issue,
    validation_codes_issue,
)
from .eligibility import (
    NOT_GCC_ENABLED,
    evidence_read,
    partner_standing_problem,
    partners_may_transact_read,
    request_findings,
    tenant_id_problem,
    verdict_from,
)
from .intake import CustomerIntake, Intake, PartnerIntake
from .models import (
    OPEN_STATES,
    RequestKind,
    RequestState,
    ValidationCode,
    ValidationEvent,
    ValidationRequest,
)
from .reviewers import DECIDE_PERMISSION
from .selectors import customer_holds_gcc, validation_request_for_submission
from .signals import gcc_changed

logger = logging.getLogger(__name__)

SIMULATED_REVIEWER = gettext_noop("Simulated reviewer (Microsoft eligibility team)")
ALREADY_OPEN = gettext_noop(
    "Your organization already has a partner GCC validation request under review. "
    "Follow it from the organization profile."
)
ALREADY_QUALIFIED = gettext_noop(
    "Your organization already holds the Government_community_cloud qualification."
)
REASON_REQUIRED = gettext_noop("A rejection needs a reason: the partner sees it.")
MESSAGE_REQUIRED = gettext_noop(
    "Say what information is needed: the contact receives this message."
)
NOT_A_REVIEWER = gettext_noop("Only a Microsoft reviewer can decide or take validation requests.")
NOTHING_TO_ASSIGN = gettext_noop(
    "This request is already %(state)s; there is nothing left to assign."
)
NOT_SAFE_TO_BULK_APPROVE = gettext_noop(
    "Not every eligibility check holds: open the request and decide it on its own."
)
NOT_STUCK = gettext_noop(
    "This request is not stuck: the sweep takes it as usual; nothing to retry."
)


def _event(request, *, to_state, from_state="", actor=None, label="", note="", now=None):
    """Record a state change on the timeline; every change of state writes one."""
    event = ValidationEvent.objects.create(
        request=request,
        at=now or timezone.now(),
        actor=actor,
        actor_label=label if actor is None else "",
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    gcc_changed(request.customer_id)
    return event


# --- Submitting ------------------------------------------------------------------------------


def partner_validation_refusal(*, actor: User) -> Refusal | None:
    """Why ``actor`` cannot submit a partner validation now, if it cannot (shown on the page)."""
    if not permissions.allows(actor, Action.SUBMIT_PARTNER_VALIDATION):
        return permissions.role_refusal(Action.SUBMIT_PARTNER_VALIDATION)
    partner = actor.partner
    problem = partner_standing_problem(partner)
    if problem:
        return problem
    if partner_holds_gcc(partner):
        return Refusal(RefusalCode.PARTNER_ALREADY_GCC, _(ALREADY_QUALIFIED))
    if ValidationRequest.objects.filter(
        partner=partner, kind=RequestKind.PARTNER, status__in=OPEN_STATES
    ).exists():
        return Refusal(RefusalCode.REQUEST_ALREADY_OPEN, _(ALREADY_OPEN))
    return None


OPEN_REQUESTS_LIMIT = gettext_noop(
    "Your organization has %(count)s customer GCC validation requests under review, the most it "
    "may have at once. Wait for Microsoft's decisions before submitting more."
)
DAILY_CODES_LIMIT = gettext_noop(
    "Your organization received %(codes)s validation codes in the last 24 hours and has %(open)s "
    "requests under review: at most %(limit)s a day. Try again tomorrow."
)
CONTACT_LIMIT = gettext_noop(
    "This contact was already named on %(count)s GCC validation requests in the last 24 hours; "
    "Microsoft does not email the same contact more often. Try again tomorrow or name another "
    "contact."
)


def customer_request_limit(*, partner, contact_email: str, now: datetime) -> Refusal | None:
    """Why the partner may not submit another customer request now, if a cap says so.

    Each request emails its contact (an address the submitter chose) and each approval issues a
    code: the caps bound both, per partner and per contact (settings GCC_VALIDATION_*). Two
    submissions at the same moment may pass one cap by one; they are caps, not counts."""
    day_ago = now - timedelta(days=1)
    open_requests = ValidationRequest.objects.filter(
        partner=partner, kind=RequestKind.CUSTOMER, status__in=OPEN_STATES
    ).count()
    if open_requests >= settings.GCC_VALIDATION_OPEN_REQUESTS_MAX:
        return Refusal(
            RefusalCode.VALIDATION_LIMIT_REACHED,
            _(OPEN_REQUESTS_LIMIT) % {"count": open_requests},
        )
    codes = ValidationCode.objects.filter(request__partner=partner, created_at__gte=day_ago).count()
    limit = settings.GCC_VALIDATION_CODES_PER_DAY_MAX
    if codes + open_requests >= limit:
        return Refusal(
            RefusalCode.VALIDATION_LIMIT_REACHED,
            _(DAILY_CODES_LIMIT) % {"codes": codes, "open": open_requests, "limit": limit},
        )
    named = ValidationRequest.objects.filter(
        contact_email__iexact=contact_email.strip(), submitted_at__gte=day_ago
    ).count()
    if named >= settings.GCC_VALIDATION_REQUESTS_PER_CONTACT_PER_DAY_MAX:
        return Refusal(
            RefusalCode.VALIDATION_LIMIT_REACHED,
            _(CONTACT_LIMIT) % {"count": named},
            field="contact_email",
        )
    return None


def _submit(
    *,
    actor: User,
    kind: str,
    submission_key: uuid.UUID,
    intake: Intake,
    refusal: Refusal | None,
    conflict: Refusal,
    customer=None,
    resubmission_of: ValidationRequest | None = None,
    now: datetime | None = None,
) -> ValidationRequest:
    """Save a request first, then ask a worker to screen it; the same form posted twice
    (same ``submission_key``) returns the first request, waiting for a concurrent copy."""
    earlier = validation_request_for_submission(actor=actor, submission_key=submission_key)
    if earlier:
        return earlier
    if refusal:
        raise refusal
    if resubmission_of is not None:
        # Locked: of two resubmissions of the same request, the second is told of the first.
        resubmission_of = ValidationRequest.objects.select_for_update().get(pk=resubmission_of.pk)
        if problem := resubmission_refusal(
            actor=actor, earlier=resubmission_of, kind=kind, customer=customer
        ):
            raise problem
    if problems := intake.refusals():
        raise problems[0]
    now = now or timezone.now()
    if kind == RequestKind.CUSTOMER and (
        limit := customer_request_limit(
            partner=actor.partner, contact_email=intake.contact_email, now=now
        )
    ):
        raise limit
    tenant_problem = tenant_id_problem(partner=actor.partner, tenant_id=intake.tenant_id)
    if tenant_problem:
        raise tenant_problem

    request = ValidationRequest(
        kind=kind,
        partner=actor.partner,
        submitted_by=actor,
        submission_key=submission_key,
        customer=customer,
        resubmission_of=resubmission_of,
        submitted_at=now,
        due_at=review_due_at(now),
        **intake.fields(),
    )
    request.full_clean(exclude=["partner", "submitted_by", "customer", "resubmission_of"])
    request._history_user = actor
    request._change_reason = (
        f"Resubmission of {resubmission_of.reference}." if resubmission_of else "Request submitted."
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # lost a race with a concurrent submit
        raise conflict from exc
    note = f"Resubmission of {resubmission_of.reference}." if resubmission_of else ""
    event = _event(
        request,
        to_state=RequestState.SUBMITTED,
        actor=actor,
        note=f"Request submitted. {note}".strip(),
        now=now,
    )
    _notify(request, "submitted", event)
    from .tasks import screen_request_task

    enqueue_on_commit(screen_request_task, request.pk)
    return request


@transaction.atomic
def partner_validation_submit(
    *,
    actor: User,
    submission_key: uuid.UUID,
    intake: PartnerIntake,
    resubmission_of: ValidationRequest | None = None,
    now: datetime | None = None,
) -> ValidationRequest:
    """Record a partner GCC validation request (``resubmission_of``: the rejected request it
    corrects, see ``resubmission_refusal``)."""
    return _submit(
        actor=actor,
        kind=RequestKind.PARTNER,
        submission_key=submission_key,
        intake=intake,
        refusal=partner_validation_refusal(actor=actor),
        conflict=Refusal(RefusalCode.REQUEST_ALREADY_OPEN, _(ALREADY_OPEN)),
        resubmission_of=resubmission_of,
        now=now,
    )


ALREADY_OPEN_FOR_DOMAIN = gettext_noop(
    "A GCC validation request for this customer domain is already under review. "
    "Follow it instead of submitting another."
)
CUSTOMER_ALREADY_GCC = gettext_noop(
    "This customer already holds the Government Community Cloud qualification."
)


def customer_validation_refusal(*, actor: User, customer=None) -> Refusal | None:
    """Why ``actor`` cannot submit a customer GCC validation now, if it cannot."""
    if not permissions.allows(actor, Action.SUBMIT_CUSTOMER_VALIDATION):
        return permissions.role_refusal(Action.SUBMIT_CUSTOMER_VALIDATION)
    if not partner_holds_gcc(actor.partner):
        return Refusal(RefusalCode.PARTNER_NOT_GCC, _(NOT_GCC_ENABLED))
    if customer is not None and customer_holds_gcc(customer):
        return Refusal(RefusalCode.CUSTOMER_ALREADY_GCC, _(CUSTOMER_ALREADY_GCC))
    return None


@transaction.atomic
def customer_validation_submit(
    *,
    actor: User,
    submission_key: uuid.UUID,
    intake: CustomerIntake,
    customer=None,
    resubmission_of: ValidationRequest | None = None,
    now: datetime | None = None,
) -> ValidationRequest:
    """Record a customer GCC validation request, filled on the customer's behalf.

    ``customer`` is an existing customer of the partner asking for GCC; on approval it gets the
    qualification with the new code. Without it, the code is for a customer yet to be created.
    ``resubmission_of`` is the rejected request it corrects (``resubmission_refusal``).
    """
    return _submit(
        actor=actor,
        kind=RequestKind.CUSTOMER,
        submission_key=submission_key,
        intake=intake,
        refusal=customer_validation_refusal(actor=actor, customer=customer),
        conflict=Refusal(
            RefusalCode.REQUEST_ALREADY_OPEN, _(ALREADY_OPEN_FOR_DOMAIN), field="domain"
        ),
        customer=customer,
        resubmission_of=resubmission_of,
        now=now,
    )


# --- Resubmitting a rejected request ---------------------------------------------------------

NOT_REJECTED = gettext_noop(
    "Only a rejected request can be resubmitted: %(reference)s is %(state)s. Follow it from its "
    "page."
)
ALREADY_RESUBMITTED = gettext_noop(
    "%(reference)s was already resubmitted as %(newer)s: follow that request, or resubmit it if it "
    "is rejected too."
)
RESUBMISSION_MISMATCH = gettext_noop(
    "A resubmission is for the same kind of request and the same customer as the request it "
    "corrects."
)
SUBMIT_ACTIONS = {
    RequestKind.PARTNER: Action.SUBMIT_PARTNER_VALIDATION,
    RequestKind.CUSTOMER: Action.SUBMIT_CUSTOMER_VALIDATION,
}


def resubmitted_as(refusal: Refusal) -> ValidationRequest | None:
    """The newer request an ALREADY_RESUBMITTED refusal points to (None for any other)."""
    return refusal.about if refusal.code == RefusalCode.ALREADY_RESUBMITTED else None


def resubmission_refusal(
    *, actor: User, earlier: ValidationRequest, kind: str | None = None, customer=None
) -> Refusal | None:
    """Why ``actor`` may not resubmit ``earlier`` (a request of its own partner: the selectors
    give another partner's as a 404), if it may not: only a role that may submit that kind of
    request, only a rejected request, and only once (the newer request is resubmitted next).

    ``kind`` and ``customer``, when the resubmission is being submitted, must be the earlier
    request's: the form that corrects a request is the one that made it."""
    action = SUBMIT_ACTIONS[RequestKind(earlier.kind)]
    if not permissions.allows(actor, action):
        return permissions.role_refusal(action)
    if earlier.partner_id != actor.partner_id:  # the views 404 first; a service call too
        return Refusal(RefusalCode.RESUBMISSION_MISMATCH, _(RESUBMISSION_MISMATCH))
    if kind is not None and (
        kind != earlier.kind or getattr(customer, "pk", None) != earlier.customer_id
    ):
        return Refusal(RefusalCode.RESUBMISSION_MISMATCH, _(RESUBMISSION_MISMATCH))
    if earlier.status != RequestState.REJECTED:
        state = RequestState(earlier.status).label.lower()
        return Refusal(
            RefusalCode.NOT_REJECTED,
            _(NOT_REJECTED) % {"reference": earlier.reference, "state": state},
        )
    try:
        newer = earlier.resubmitted_as  # read once (or selected with ``earlier``)
    except ValidationRequest.DoesNotExist:
        newer = None
    if newer is not None:
        return Refusal(
            RefusalCode.ALREADY_RESUBMITTED,
            _(ALREADY_RESUBMITTED) % {"reference": earlier.reference, "newer": newer.reference},
            about=newer,
        )
    return None


# --- The review ------------------------------------------------------------------------------


def _already_decided(message: str) -> Refusal:
    """The request is no longer in the state this transition expected."""
    return Refusal(RefusalCode.ALREADY_DECIDED, message)


def _lock(request_id: int, *, from_states) -> ValidationRequest:
    """The request, locked, if it is in one of ``from_states``; else ALREADY_DECIDED.

    Call inside a transaction.
    """
    request = ValidationRequest.objects.select_for_update().get(pk=request_id)
    if request.status not in from_states:
        label = RequestState(request.status).label.lower()
        raise _already_decided(
            _("This request is already %(state)s; nothing was changed.") % {"state": label}
        )
    return request


def _save(request: ValidationRequest, fields, *, actor: User | None, reason: str) -> None:
    """Save ``fields``; the history row names ``actor`` (else the signed-in user) and why."""
    if actor is not None:
        request._history_user = actor
    request._change_reason = reason[:100]
    request.save(update_fields=list(fields))


def _claim(
    request_id: int, *, from_states, actor: User | None = None, reason: str = "", **changes
) -> tuple[ValidationRequest, str]:
    """Lock a request and move it out of one of ``from_states``; return it and its old state.

    Refuses (ALREADY_DECIDED) when it had already left them. Call inside a transaction.
    """
    request = _lock(request_id, from_states=from_states)
    before = request.status
    for name, value in changes.items():
        setattr(request, name, value)
    _save(request, changes, actor=actor, reason=reason)
    return request, before


@transaction.atomic
def validation_request_screen(*, request_id: int, now: datetime | None = None) -> bool:
    """Start the review: record the simulated reviewer's checklist. False if already started."""
    now = now or timezone.now()
    request = ValidationRequest.objects.select_for_update().get(pk=request_id)
    if request.status != RequestState.SUBMITTED:
        return False
    request.status = RequestState.IN_REVIEW
    request.screened_at = now
    request.checklist = [f.as_dict() for f in request_findings(request)]
    _save(
        request,
        ["status", "screened_at", "checklist", *sweep_reset(request)],
        actor=None,
        reason="Review started; eligibility checklist recorded.",
    )
    _event(
        request,
        from_state=RequestState.SUBMITTED,
        to_state=RequestState.IN_REVIEW,
        label=SIMULATED_REVIEWER,
        note=gettext_noop("Review started; eligibility checklist recorded."),
        now=now,
    )
    return True


def _decision_note(actor: User | None, note: str) -> str:
    """What every decision checks first: the actor is a reviewer (None is the simulated
    reviewer or ops), and the note it wrote (the admin's panel posts raw text)."""
    if actor is not None:
        _require_reviewer(actor)
    note = note.strip()
    refuse_nul(note, field="note")
    return note


def _decide(
    *,
    request_id: int,
    to_state: str,
    from_states,
    actor: User | None,
    actor_label: str,
    note: str,
    now: datetime,
    **changes,
) -> ValidationRequest:
    """Move a request to ``to_state`` from one of ``from_states``, with ``changes``; record the
    timeline event, the email it owes and the log line. Call inside a transaction.

    ``actor`` is the reviewer deciding; None means no person (the simulated reviewer, or ops,
    named by ``actor_label`` on the timeline).
    """
    label = str(RequestState(to_state).label)
    request, before = _claim(
        request_id,
        from_states=from_states,
        actor=actor,
        reason=f"{label}: {note}" if note else label,
        status=to_state,
        **changes,
        **SWEEP_RESET,
    )
    if to_state == RequestState.APPROVED:
        _on_approval(request, now=now)
    event = _event(
        request,
        from_state=before,
        to_state=to_state,
        actor=actor,
        label=actor_label,
        note=note or _approval_note(request),
        now=now,
    )
    _notify(request, to_state, event)
    logger.info(
        "validation request %s %s by %s", request.pk, to_state, actor or actor_label or "system"
    )
    return request


# ``expected_states`` lets a reviewer's page say which state it showed, so a stale page cannot
# decide twice; without it, any open state will do.


@transaction.atomic
def validation_request_approve(
    *,
    request_id: int,
    actor: User | None = None,
    actor_label: str = SIMULATED_REVIEWER,
    note: str = "",
    expected_states=None,
    now: datetime | None = None,
) -> ValidationRequest:
    """Approve: a partner gets Government_community_cloud; a customer request, its code."""
    note = _decision_note(actor, note)
    now = now or timezone.now()
    return _decide(
        request_id=request_id,
        to_state=RequestState.APPROVED,
        from_states=list(expected_states or OPEN_STATES),
        actor=actor,
        actor_label=actor_label,
        note=note,
        now=now,
        decided_at=now,
        decided_by=actor,
        decision_reason="",
    )


@transaction.atomic
def validation_request_reject(
    *,
    request_id: int,
    reason: str,
    actor: User | None = None,
    actor_label: str = SIMULATED_REVIEWER,
    expected_states=None,
    now: datetime | None = None,
) -> ValidationRequest:
    """Reject, with the ``reason`` the partner sees."""
    reason = _decision_note(actor, reason)
    if not reason:
        raise Refusal(RefusalCode.REASON_REQUIRED, _(REASON_REQUIRED), field="note")
    now = now or timezone.now()
    return _decide(
        request_id=request_id,
        to_state=RequestState.REJECTED,
        from_states=list(expected_states or OPEN_STATES),
        actor=actor,
        actor_label=actor_label,
        note=reason,
        now=now,
        decided_at=now,
        decided_by=actor,
        decision_reason=reason,
    )


@transaction.atomic
def validation_request_request_info(
    *,
    request_id: int,
    question: str,
    actor: User | None = None,
    actor_label: str = SIMULATED_REVIEWER,
    expected_states=None,
    now: datetime | None = None,
) -> ValidationRequest:
    """Ask the contact ``question``; the review clock stops until the answer."""
    question = _decision_note(actor, question)
    if not question:
        raise Refusal(RefusalCode.QUESTION_REQUIRED, _(MESSAGE_REQUIRED), field="note")
    now = now or timezone.now()
    waiting = (RequestState.SUBMITTED, RequestState.IN_REVIEW)  # not already paused
    return _decide(
        request_id=request_id,
        to_state=RequestState.INFO_REQUESTED,
        from_states=[state for state in expected_states or OPEN_STATES if state in waiting],
        actor=actor,
        actor_label=actor_label,
        note=question,
        now=now,
        info_request_message=question,
        info_response="",
        paused_at=now,
    )


def _on_approval(request: ValidationRequest, *, now: datetime) -> None:
    if request.kind == RequestKind.PARTNER:
        gcc_qualification_grant(partner=request.partner, granted_by_request=request, now=now)
        return
    code = validation_code_issue(request=request, now=now)
    if request.customer_id:  # an existing customer asked: it gets GCC with the new code
        customer_gcc_qualification_grant(customer=request.customer, code=code, now=now)


def _approval_note(request: ValidationRequest) -> str:
    if request.status != RequestState.APPROVED:
        return ""
    if request.kind == RequestKind.PARTNER:
        return gettext_noop("Approved: Government_community_cloud granted.")
    code = request.validation_code
    return f"Approved: validation code {code.validation_id} ({code.max_creates} creates)."


def _resume_review(
    *, request_id: int, response: str, actor: User | None, label: str, now: datetime | None
) -> tuple[ValidationRequest, ValidationEvent]:
    response = response.strip()
    if not response:
        raise Refusal(
            RefusalCode.ANSWER_REQUIRED, _("Write an answer for the reviewer."), field="response"
        )
    refuse_nul(response, field="response")
    now = now or timezone.now()
    request = ValidationRequest.objects.select_for_update().get(pk=request_id)
    if request.status != RequestState.INFO_REQUESTED:
        raise _already_decided(_("This request is not waiting for information any more."))
    # The clock stopped when the question was asked; it resumes with the time that was left.
    remaining = max(request.due_at - (request.paused_at or now), timedelta(0))
    request.status = RequestState.IN_REVIEW
    request.info_response = response
    request.paused_at = None
    request.due_at = now + remaining
    _save(
        request,
        ["status", "info_response", "paused_at", "due_at"],
        actor=actor,
        reason="Information sent; the review resumes.",
    )
    return request, _event(
        request,
        from_state=RequestState.INFO_REQUESTED,
        to_state=RequestState.IN_REVIEW,
        actor=actor,
        label=label,
        note=response,
        now=now,
    )


def answer_action(request: ValidationRequest) -> Action:
    """Who may answer for the partner: whoever may submit that kind of request."""
    if request.kind == RequestKind.CUSTOMER:
        return Action.SUBMIT_CUSTOMER_VALIDATION
    return Action.SUBMIT_PARTNER_VALIDATION


@transaction.atomic
def validation_request_answer(
    *, actor: User, request: ValidationRequest, response: str, now: datetime | None = None
) -> ValidationRequest:
    """A partner user answers an information request; the paused review clock resumes."""
    permissions.require(actor, answer_action(request))
    answered, _event_row = _resume_review(
        request_id=request.pk, response=response, actor=actor, label="", now=now
    )
    return answered


# The contact answers from the emailed link, without an account.
ANSWER_LINK_SALT = "validation.info-answer"
ANSWER_LINK_INVALID = gettext_noop(
    "This answer link is not valid. Use the link in the latest email."
)


def answer_link_token(request: ValidationRequest) -> str:
    return signing.dumps(
        {"r": str(request.uuid), "q": request.paused_at.isoformat()}, salt=ANSWER_LINK_SALT
    )


def validation_request_from_answer_token(token: str) -> ValidationRequest:
    """The request a contact's answer link is for; it works only for the question it was sent
    with (a later question gets a new link)."""
    try:
        payload = signing.loads(token, salt=ANSWER_LINK_SALT)
        request = ValidationRequest.objects.select_related("partner").get(uuid=payload["r"])
    except (signing.BadSignature, ValidationRequest.DoesNotExist, KeyError, ValueError) as exc:
        raise Refusal(RefusalCode.LINK_INVALID, _(ANSWER_LINK_INVALID)) from exc
    asked = request.paused_at.isoformat() if request.paused_at else None
    if request.status != RequestState.INFO_REQUESTED or payload.get("q") != asked:
        raise Refusal(
            RefusalCode.LINK_USED, _("This question was already answered; nothing more is needed.")
        )
    return request


@transaction.atomic
def validation_request_answer_by_contact(
    *, token: str, response: str, now: datetime | None = None
) -> ValidationRequest:
    request = validation_request_from_answer_token(token)
    answered, event = _resume_review(
        request_id=request.pk,
        response=response,
        actor=None,
        label=f"{request.contact_name} (contact, by email link)",
        now=now,
    )
    _notify(answered, "answered", event)  # the partner user who submitted it is waiting
    return answered


def simulated_review_decide(*, request_id: int, now: datetime | None = None) -> ValidationRequest:
    """The simulated reviewer applies the checklist and decides a due request."""
    with transaction.atomic():
        request = ValidationRequest.objects.select_related("partner").get(pk=request_id)
        findings = request_findings(request)
        verdict = verdict_from(findings)
        ValidationRequest.objects.filter(pk=request_id, status=RequestState.IN_REVIEW).update(
            checklist=[f.as_dict() for f in findings]
        )
        due = {"request_id": request_id, "expected_states": [RequestState.IN_REVIEW], "now": now}
        if verdict.decision == RequestState.APPROVED:
            return validation_request_approve(**due)
        if verdict.decision == RequestState.REJECTED:
            return validation_request_reject(reason=verdict.note, **due)
        return validation_request_request_info(question=verdict.note, **due)


# --- The sweeps ------------------------------------------------------------------------------
#
# A beat tick (``sweep_reviews_drain``) runs sweeps until nothing is new or due, or its time
# budget is spent (on PostgreSQL two at once). Each sweep (``sweep_reviews``) screens one batch
# and decides one batch, set-based: the batch's rows are claimed and locked in one transaction,
# read with a few queries for the whole batch, judged in Python by the same checklist, and
# written with one conditional UPDATE per target state and one insert per kind of row (events,
# history, codes, qualifications, emails): the same rows the one-at-a-time path
# (``simulated_review_decide``) writes. A batch that raises is rolled back and taken one
# request at a time, so one bad request never blocks the rest.


@dataclass
class SweepReport:
    screened: list[int] = field(default_factory=list)
    decided: dict[int, str] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # request id -> its error
    stuck: list[int] = field(default_factory=list)  # set aside by this sweep

    def add(self, other: "SweepReport") -> None:
        self.screened += other.screened
        self.decided |= other.decided
        self.skipped += other.skipped
        self.failed |= other.failed
        self.stuck += other.stuck


def _simulated_decision(request_id: int, *, now: datetime) -> str | None:
    try:
        return simulated_review_decide(request_id=request_id, now=now).status
    except Refusal as exc:
        if exc.code != RefusalCode.ALREADY_DECIDED:
            raise
        return None  # a reviewer decided it meanwhile


# What a batch reads of its requests: the checklist's inputs and what the decision, its code
# and its email show. Loading only these halves the cost of reading a batch; a field missing
# here would be loaded one request at a time (the sweep's query-count tests would see it).
_SWEEP_READS = (
    "kind",
    "status",
    "uuid",
    "partner",
    "submitted_by",
    "customer",
    "organization_name",
    "tenant_id",
    "contact_name",
    "contact_email",
    "contact_language",
    "government_basis",
    "contract_reference",
    "entity_type",
    "regulated_data",
    "is_us_entity",
    "us_presence",
    "info_response",
    "due_at",
)


def _batch_reads(requests: list[ValidationRequest], *, submitters: bool) -> None:
    """Load what the checklist, the decision and its email read, for a whole batch with one
    query each (a few partners and agents submit many requests): the partners with their
    indirect providers, whether each may transact GCC, and the submitters' addresses."""
    partners = Partner.objects.select_related("indirect_provider").in_bulk(
        {r.partner_id for r in requests}
    )
    users = {}
    if submitters:
        users = User.objects.only("email", "language").in_bulk(
            {r.submitted_by_id for r in requests}
        )
    for request in requests:
        request.partner = partners[request.partner_id]
        if submitters:
            request.submitted_by = users[request.submitted_by_id]
    partners_may_transact_read(requests)
    evidence_read(requests)


def _history_write(requests: list[ValidationRequest]) -> None:
    """The history rows ``_save`` writes (each request's ``_change_reason``), copied from the
    updated rows in one statement: the conditional UPDATE bypasses save()."""
    history_copy(ValidationRequest, {r.pk: r._change_reason for r in requests}, history_type="~")


def _expect_updated(updated: int, requests: list) -> None:
    if updated != len(requests):  # the rows are locked: only a bug gets here
        raise RuntimeError(f"{len(requests) - updated} of {len(requests)} requests changed state")


def _screen_batch(requests: list[ValidationRequest], *, now: datetime) -> dict[int, bool]:
    """``validation_request_screen`` for a batch of submitted requests (claimed, locked)."""
    reason = gettext_noop("Review started; eligibility checklist recorded.")
    _batch_reads(requests, submitters=False)
    checklists = {}
    for request in requests:
        checklists[request.pk] = [f.as_dict() for f in request_findings(request)]
        request.status = RequestState.IN_REVIEW
        request.screened_at = now
        request.checklist = checklists[request.pk]
        sweep_reset(request)
        request._change_reason = reason
    updated = ValidationRequest.objects.filter(
        pk__in=list(checklists), status=RequestState.SUBMITTED
    ).update(
        status=RequestState.IN_REVIEW,
        screened_at=now,
        checklist=per_row(ValidationRequest, "checklist", checklists),
        **SWEEP_RESET,
    )
    _expect_updated(updated, requests)
    _history_write(requests)
    ValidationEvent.objects.bulk_create(
        _new_event(r, from_state=RequestState.SUBMITTED, note=reason, now=now) for r in requests
    )
    gcc_changed(*(r.customer_id for r in requests))
    return {request.pk: True for request in requests}


def _new_event(request, *, from_state: str, note: str, now: datetime) -> ValidationEvent:
    """The timeline row ``_event`` writes for the simulated reviewer."""
    return ValidationEvent(
        request_id=request.pk,
        at=now,
        actor_id=None,
        actor_label=SIMULATED_REVIEWER,
        from_state=from_state,
        to_state=request.status,
        note=note,
    )


# What each decision sets besides the state (``validation_request_approve`` / ``_reject`` /
# ``_request_info`` through ``_decide``), and the field that carries the verdict's note.
def _decision_fields(decision: str, *, now: datetime) -> dict:
    if decision == RequestState.APPROVED:
        return {"decided_at": now, "decided_by": None, "decision_reason": ""}
    if decision == RequestState.REJECTED:
        return {"decided_at": now, "decided_by": None}  # + decision_reason, per request
    return {"info_response": "", "paused_at": now}  # + info_request_message, per request


_NOTE_FIELD = {
    RequestState.REJECTED: "decision_reason",
    RequestState.INFO_REQUESTED: "info_request_message",
}
_NOTE_REQUIRED = {  # the refusal of an empty note, as the transition functions refuse it
    RequestState.REJECTED: (RefusalCode.REASON_REQUIRED, REASON_REQUIRED),
    RequestState.INFO_REQUESTED: (RefusalCode.QUESTION_REQUIRED, MESSAGE_REQUIRED),
}


def _decide_batch(requests: list[ValidationRequest], *, now: datetime) -> dict[int, str]:
    """``simulated_review_decide`` for a batch of due requests in review (claimed, locked):
    the same checklist, state, fields, history row, event, code, qualification and email per
    request, written set-based."""
    _batch_reads(requests, submitters=True)
    by_decision: dict[str, list[ValidationRequest]] = {}
    notes: dict[int, str] = {}
    for request in requests:
        findings = request_findings(request)
        verdict = verdict_from(findings)
        request.checklist = [f.as_dict() for f in findings]
        label = str(RequestState(verdict.decision).label)
        if verdict.decision == RequestState.APPROVED:
            note = ""  # the simulated reviewer approves without a note: the event says what
        else:
            note = _decision_note(None, verdict.note)
            if not note:
                code, message = _NOTE_REQUIRED[verdict.decision]
                raise Refusal(code, _(message), field="note")
            setattr(request, _NOTE_FIELD[verdict.decision], note)
        notes[request.pk] = note
        request.status = verdict.decision
        for name, value in _decision_fields(verdict.decision, now=now).items():
            setattr(request, name, value)
        sweep_reset(request)
        request._change_reason = (f"{label}: {note}" if note else label)[:100]
        by_decision.setdefault(verdict.decision, []).append(request)

    for decision, decided in by_decision.items():
        pks = [r.pk for r in decided]
        per_request = {"checklist": {r.pk: r.checklist for r in decided}}
        if decision in _NOTE_FIELD:
            per_request[_NOTE_FIELD[decision]] = {r.pk: notes[r.pk] for r in decided}
        updated = ValidationRequest.objects.filter(
            pk__in=pks, status=RequestState.IN_REVIEW
        ).update(
            status=decision,
            **_decision_fields(decision, now=now),
            **SWEEP_RESET,
            **{name: per_row(ValidationRequest, name, v) for name, v in per_request.items()},
        )
        _expect_updated(updated, decided)
    _history_write(requests)

    approved = by_decision.get(RequestState.APPROVED, [])
    _approvals_grant(approved, now=now)
    events = ValidationEvent.objects.bulk_create(
        _new_event(
            request,
            from_state=RequestState.IN_REVIEW,
            note=notes[request.pk] or _approval_note(request),
            now=now,
        )
        for request in requests
    )
    _notify_many(requests, events)
    gcc_changed(*(r.customer_id for r in requests))
    logger.info(
        "review sweep decided %d requests: %s",
        len(requests),
        ", ".join(f"{len(v)} {k}" for k, v in sorted(by_decision.items())),
    )
    return {request.pk: request.status for request in requests}


def _approvals_grant(approved: list[ValidationRequest], *, now: datetime) -> None:
    """``_on_approval`` for a batch: partners get Government_community_cloud (rare: one call
    each), customer requests their codes and existing customers GCC (one insert each)."""
    customers = []
    for request in approved:
        if request.kind == RequestKind.PARTNER:
            gcc_qualification_grant(partner=request.partner, granted_by_request=request, now=now)
        else:
            customers.append(request)
    codes = validation_codes_issue(requests=customers, now=now)
    for request in customers:
        request.validation_code = codes[request.pk]
    customer_gcc_qualifications_grant(codes=list(codes.values()), now=now)


def _notify_many(requests: list[ValidationRequest], events: list[ValidationEvent]) -> None:
    """``_notify`` for a batch: the same outbox rows, keyed by their events, in one insert."""
    from .emails import request_emails

    notify_many_on_commit(
        request_emails(
            (request, request.status, event)
            for request, event in zip(requests, events, strict=True)
        )
    )


def _sweep(*, now: datetime, batch_size: int, exclude=()) -> tuple[SweepReport, bool]:
    """One sweep; and whether more may be waiting (a batch came back full)."""
    waiting = excluding(
        ValidationRequest.objects.filter(stuck_at__isnull=True).only(*_SWEEP_READS), exclude
    )
    screened = sweep_batch(
        waiting.filter(status=RequestState.SUBMITTED).order_by("submitted_at", "pk"),
        partial(_screen_batch, now=now),
        lambda pk: validation_request_screen(request_id=pk, now=now),
        limit=batch_size,
        now=now,
    )
    decided = sweep_batch(
        waiting.filter(status=RequestState.IN_REVIEW, due_at__lte=now).order_by("due_at", "pk"),
        partial(_decide_batch, now=now),
        partial(_simulated_decision, now=now),
        limit=batch_size,
        now=now,
    )
    report = SweepReport(
        screened=[pk for pk, started in screened.done.items() if started],
        decided={pk: state for pk, state in decided.done.items() if state},
        skipped=[pk for pk, state in decided.done.items() if not state],
        failed=screened.failed | decided.failed,
        stuck=screened.stuck + decided.stuck,
    )
    return report, max(len(screened.tried), len(decided.tried)) >= batch_size


def sweep_reviews(*, now: datetime | None = None, batch_size: int = 50, exclude=()) -> SweepReport:
    """Screen whatever was never screened and decide whatever is due: one batch of up to
    ``batch_size`` of each, set-based (see above), leaving out the ids in ``exclude``. Safe to
    run anywhere, twice: two sweeps at once split the requests (``skip_locked``), and a
    reviewer deciding a request the sweep holds waits, then is told it was decided.

    A batch that raises is taken one request at a time (``lib.sweeps.sweep_batch``): the one
    that raises is retried by the next sweeps, then set aside as stuck, and never holds up the
    others.
    """
    report, _more = _sweep(now=now or timezone.now(), batch_size=batch_size, exclude=exclude)
    return report


def sweep_reviews_drain(
    *,
    batch_size: int | None = None,
    budget_seconds: float | None = None,
    threads: int | None = None,
    now: datetime | None = None,
) -> SweepReport:
    """What a beat tick does: sweep after sweep until nothing is new or due or
    ``budget_seconds`` are spent, ``threads`` sweeps at once on PostgreSQL (defaults:
    ``GCC_SWEEP_REVIEW_BATCH_SIZE``, ``lib.sweeps.sweep_time_budget()``,
    ``GCC_SWEEP_REVIEW_THREADS``). A request that fails is tried once per tick."""
    batch_size = batch_size or settings.GCC_SWEEP_REVIEW_BATCH_SIZE
    report = SweepReport()
    lock = threading.Lock()

    def one_sweep() -> bool:
        with lock:
            failed = list(report.failed)
        swept, more = _sweep(now=now or timezone.now(), batch_size=batch_size, exclude=failed)
        with lock:
            report.add(swept)
        return more

    drain(
        one_sweep,
        budget_seconds=sweep_time_budget() if budget_seconds is None else budget_seconds,
        threads=settings.GCC_SWEEP_REVIEW_THREADS if threads is None else threads,
    )
    return report


@transaction.atomic
def validation_request_retry(*, request_id: int, actor: User) -> ValidationRequest:
    """A reviewer puts a stuck request back: the next sweep tries it again, with a fresh count."""
    _require_reviewer(actor)
    request = ValidationRequest.objects.select_for_update().get(pk=request_id)
    if request.stuck_at is None:
        raise Refusal(RefusalCode.NOT_STUCK, _(NOT_STUCK))
    _save(
        request,
        sweep_reset(request),
        actor=actor,
        reason="Put back for the sweep after it was stuck.",
    )
    logger.info("validation request %s put back for the sweep by %s", request.pk, actor)
    return request


def _notify(request: ValidationRequest, name: str, event: ValidationEvent) -> None:
    """Record the email this transition owes (sent after commit, once per event)."""
    from .emails import request_notify

    request_notify(request=request, name=name, event=event)


# --- The reviewers' workbench ----------------------------------------------------------------


def _require_reviewer(actor: User) -> None:
    if not actor.has_perm(DECIDE_PERMISSION):
        raise Refusal(RefusalCode.NOT_A_REVIEWER, _(NOT_A_REVIEWER))


@transaction.atomic
def validation_request_assign(
    *, request_id: int, actor: User, now: datetime | None = None
) -> ValidationRequest:
    """The reviewer takes an open request (from whoever had it). Taking one's own is a no-op."""
    _require_reviewer(actor)
    request = ValidationRequest.objects.select_for_update().get(pk=request_id)
    if not request.is_open:
        label = RequestState(request.status).label.lower()
        raise _already_decided(_(NOTHING_TO_ASSIGN) % {"state": label})
    if request.assigned_to_id == actor.pk:
        return request
    request.assigned_to = actor
    request.assigned_at = now or timezone.now()
    _save(request, ["assigned_to", "assigned_at"], actor=actor, reason=f"Assigned to {actor}")
    logger.info("validation request %s assigned to %s", request.pk, actor)
    return request


@dataclass
class BulkOutcome:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # request id -> why


def validation_requests_bulk_approve(
    *, request_ids, actor: User, now: datetime | None = None
) -> BulkOutcome:
    """Approve, each on its own, the requests waiting for a decision (submitted or in review,
    not waiting for information) whose every eligibility check holds now; skip the rest."""
    _require_reviewer(actor)
    outcome = BulkOutcome()
    requests = ValidationRequest.objects.select_related("partner", "partner__indirect_provider")
    for request in requests.filter(pk__in=list(request_ids)).order_by("pk"):
        if not all(finding.passed for finding in request_findings(request)):
            outcome.skipped[request.pk] = _(NOT_SAFE_TO_BULK_APPROVE)
            continue
        try:
            validation_request_approve(
                request_id=request.pk,
                actor=actor,
                expected_states=[RequestState.SUBMITTED, RequestState.IN_REVIEW],
                now=now,
            )
        except Refusal as exc:
            outcome.skipped[request.pk] = exc.message
        else:
            outcome.done.append(request.pk)
    return outcome


def validation_requests_bulk_reject(
    *, request_ids, actor: User, reason: str, now: datetime | None = None
) -> BulkOutcome:
    """Reject each open request with the same reason (the partners see it); skip decided ones."""
    _require_reviewer(actor)
    if not reason.strip():
        raise Refusal(RefusalCode.REASON_REQUIRED, _(REASON_REQUIRED), field="note")
    refuse_nul(reason, field="note")
    outcome = BulkOutcome()
    for pk in sorted(request_ids):
        try:
            validation_request_reject(request_id=pk, actor=actor, reason=reason, now=now)
        except Refusal as exc:
            outcome.skipped[pk] = exc.message
        else:
            outcome.done.append(pk)
    return outcome


def validation_requests_bulk_retry(*, request_ids, actor: User) -> BulkOutcome:
    """Put each stuck request back for the sweep; skip those that are not stuck."""
    _require_reviewer(actor)
    outcome = BulkOutcome()
    for pk in sorted(request_ids):
        try:
            validation_request_retry(request_id=pk, actor=actor)
        except Refusal as exc:
            outcome.skipped[pk] = exc.message
        else:
            outcome.done.append(pk)
    return outcome


def validation_requests_bulk_assign(
    *, request_ids, actor: User, now: datetime | None = None
) -> BulkOutcome:
    outcome = BulkOutcome()
    for pk in sorted(request_ids):
        try:
            validation_request_assign(request_id=pk, actor=actor, now=now)
        except Refusal as exc:
            outcome.skipped[pk] = exc.message
        else:
            outcome.done.append(pk)
    return outcome

"""The review sweep decides its due requests set-based, a batch at a time, and writes for each
exactly what the one-at-a-time path (``simulated_review_decide``) writes: the state and its
fields, the checklist, the history row, the timeline event, the code, the qualifications and
the email. Its queries per batch do not grow with the batch; a bad request falls back to the
one-at-a-time path without blocking the rest; a reviewer deciding a request the sweep holds
waits and is told it was decided; a beat tick drains a backlog within its time budget."""

import json
import re
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lib import sweeps
from lib.refusals import RefusalCode
from ops.models import EmailNotification
from partners.models import PartnerType, ResellerQualification, Role
from validation import codes, services
from validation.models import (
    RequestKind,
    RequestState,
    SpecialQualification,
    ValidationCode,
    ValidationEvent,
    ValidationRequest,
)
from validation.signals import customer_gcc_changed
from validation.tasks import sweep_reviews_task

from ..concurrency import run_together
from ..factories import (
    CustomerFactory,
    PartnerFactory,
    PartnerRequestFactory,
    UserFactory,
    customer_request_data,
    gcc_partner,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday: submitted, and screened
T1 = T0 + timedelta(days=7)  # every request is due


# --- Requests the simulated reviewer approves, rejects or asks about --------------------------

# Customer request variants: (intake overrides, with an existing customer?, expected decision).
CUSTOMER_VARIANTS = [
    ({}, False, RequestState.APPROVED),
    ({}, True, RequestState.APPROVED),  # an existing customer: it gets GCC with the code
    ({"organization_name": "Test County"}, False, RequestState.REJECTED),  # a test name
    ({"organization_name": "LCGOV"}, True, RequestState.REJECTED),  # an acronym
    (  # a non-US commercial entity with regulated data: where is its US presence?
        {"entity_type": "commercial", "regulated_data": ["cui"], "is_us_entity": False},
        False,
        RequestState.INFO_REQUESTED,
    ),
]


def customer_request(seller, i: int, *, now=T0) -> ValidationRequest:
    overrides, existing, _ = CUSTOMER_VARIANTS[i % len(CUSTOMER_VARIANTS)]
    customer = None
    if existing:
        who = seller.username.split("@")[0]
        customer = CustomerFactory(
            company_name=f"Existing customer {i}",
            domain=f"existing{i}-{who}.onmicrosoft.com",
            contact_email=f"it{i}@existing.example.gov",
        )
    data = {
        "organization_name": f"County of Lincoln {i}",
        "domain": f"county{i}.gov",
        "contact_email": f"it{i}@county.example.gov",
        **overrides,
    }
    return services.customer_validation_submit(
        actor=seller,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(seller.partner, **data),
        customer=customer,
        now=now,
    )


def in_review(requests, *, now=T0) -> list[ValidationRequest]:
    for request in requests:
        services.validation_request_screen(request_id=request.pk, now=now)
    return requests


def sellers():
    """A direct GCC partner's sales agent and an indirect reseller's (its provider holds GCC)."""
    direct = UserFactory(
        partner=gcc_partner(name="Fabrikam Federal", tenant_id=uuid.UUID(int=1)),
        role=Role.SALES_AGENT,
        username="sam@fabrikam.test",
    )
    provider = gcc_partner(
        name="Tailspin Distribution",
        partner_type=PartnerType.INDIRECT_PROVIDER,
        tenant_id=uuid.UUID(int=2),
    )
    reseller = PartnerFactory(
        name="Northwind Resellers",
        partner_type=PartnerType.INDIRECT_RESELLER,
        indirect_provider=provider,
        tenant_id=uuid.UUID(int=3),
    )
    indirect = UserFactory(partner=reseller, role=Role.SALES_AGENT, username="nora@northwind.test")
    return direct, indirect


def scenario() -> list[ValidationRequest]:
    """Every kind of decision the sweep makes, in review and due at ``T1``."""
    direct, indirect = sellers()
    requests = [customer_request(direct, i) for i in range(len(CUSTOMER_VARIANTS))]
    requests += [customer_request(indirect, i) for i in range(2)]  # codes of the provider
    for n, (changes, partner_changes) in enumerate(
        [
            ({}, {}),  # approved: Government_community_cloud
            ({"contract_reference": ""}, {}),  # information requested
            ({}, {"csp_enrolled": False}),  # rejected: not in CSP
        ]
    ):
        applicant = UserFactory(
            partner=PartnerFactory(
                name=f"Applicant {n} LLC", tenant_id=uuid.UUID(int=100 + n), **partner_changes
            ),
            username=f"ada{n}@applicant.test",
        )
        requests.append(
            PartnerRequestFactory(
                submitted_by=applicant, submitted_at=T0, contact_email="pat@example.test", **changes
            )
        )
    return in_review(requests)


# --- What a decision wrote, comparable across runs ----------------------------------------------

REQUEST_FIELDS = [
    "status",
    "checklist",
    "screened_at",
    "decided_at",
    "decided_by_id",
    "decision_reason",
    "info_request_message",
    "info_response",
    "paused_at",
    "due_at",
    "sweep_attempts",
    "sweep_error",
    "stuck_at",
]


def snapshot(requests) -> dict:
    """Everything the decisions wrote, per request, with what differs between two runs by
    nature (ids, uuids, random code numbers, the real clock of history rows) named instead."""
    out = {}
    for request in ValidationRequest.objects.filter(pk__in=[r.pk for r in requests]):
        code = ValidationCode.objects.filter(request=request).first()
        names = {request.reference: "<reference>", str(request.uuid): "<uuid>"}
        if code:
            names[code.validation_id] = "<validation id>"

        def named(text, names=names, request=request):
            text = json.dumps(text, sort_keys=True, default=str)
            for value, name in names.items():
                text = text.replace(value, name)
            return ANSWER_LINK.sub(lambda m: answer_link(m, request), text)

        events = list(request.events.order_by("at", "pk"))
        emails = {e.key: e for e in EmailNotification.objects.all()}
        out[(request.kind, request.organization_name, request.submitted_by.username)] = {
            "request": {name: getattr(request, name) for name in REQUEST_FIELDS},
            "events": [
                (
                    e.from_state,
                    e.to_state,
                    e.actor.username if e.actor_id else e.actor_label,
                    named(e.note),
                    e.at,
                )
                for e in events
            ],
            "history": [
                (
                    h.history_type,
                    h.history_change_reason,
                    h.history_user.username if h.history_user_id else None,
                    *(getattr(h, name) for name in REQUEST_FIELDS),
                )
                for h in request.history.order_by("history_date", "history_id")
            ],
            "code": code
            and (
                code.partner.name,
                code.requested_by.name if code.requested_by else None,
                code.organization_name,
                code.max_creates,
                code.remaining_creates,
                code.created_at,
                [
                    (
                        h.history_type,
                        h.history_change_reason,
                        h.history_user_id,
                        h.validation_id == code.validation_id,
                    )
                    for h in code.history.all()
                ],
            ),
            "customer_gcc": [
                (q.qualification, q.granted_at, q.validation_code_id == (code and code.pk))
                for q in SpecialQualification.objects.filter(customer_id=request.customer_id)
            ],
            "partner_gcc": [
                (q.qualification, q.granted_at, q.granted_by_request_id == request.pk)
                for q in ResellerQualification.objects.filter(partner=request.partner)
                if request.kind == RequestKind.PARTNER
            ],
            "emails": [
                (
                    emails[key].template,
                    emails[key].to,
                    named(emails[key].context),
                    emails[key].status,
                    emails[key].attempts,
                    emails[key].next_attempt_at - emails[key].created_at,
                )
                for key in (f"validation-event:{e.pk}" for e in events)
                if key in emails
            ],
        }
    return out


ANSWER_LINK = re.compile(r"/validation/answer/([^/\"]+)/")


def answer_link(match, request) -> str:
    """A signed link carries the second it was signed: name it once it proves to be this
    request's link for its current question."""
    assert services.validation_request_from_answer_token(match.group(1)).pk == request.pk
    return "/validation/answer/<answer token>/"


class _Rollback(Exception):
    pass


def outcome_of(decide) -> tuple[dict, object]:
    """Build the scenario, let ``decide`` decide it, take the snapshot, and roll it all back."""
    try:
        with transaction.atomic():
            requests = scenario()
            result = decide()
            taken = snapshot(requests)
            raise _Rollback
    except _Rollback:
        return taken, result


def no_fallback(monkeypatch):
    """Make the one-at-a-time path fail: a sweep that falls back reports failures."""

    def fallback(*args, **kwargs):
        raise AssertionError("the batch fell back to one request at a time")

    monkeypatch.setattr(services, "_simulated_decision", fallback)


def one_at_a_time() -> sweeps.SweepOutcome:
    due = ValidationRequest.objects.filter(status=RequestState.IN_REVIEW, due_at__lte=T1)
    return sweeps.sweep_one_at_a_time(
        due.order_by("due_at", "pk"),
        partial(services._simulated_decision, now=T1),
        limit=100,
        now=T1,
    )


def test_a_batch_writes_what_the_one_at_a_time_path_writes(monkeypatch):
    single, outcome = outcome_of(one_at_a_time)
    assert not outcome.failed and len(outcome.done) == 10

    no_fallback(monkeypatch)
    batch, report = outcome_of(lambda: services.sweep_reviews(now=T1, batch_size=100))
    assert report.failed == {} and len(report.decided) == 10

    decided = sorted(s["request"]["status"] for s in batch.values())
    assert decided == sorted(["approved"] * 5 + ["rejected"] * 3 + ["info_requested"] * 2), (
        "the scenario covers every decision"
    )
    assert batch.keys() == single.keys()
    for key in single:
        assert batch[key] == single[key], key


def test_every_decision_has_its_event_history_code_qualification_and_email(monkeypatch):
    no_fallback(monkeypatch)
    requests = scenario()
    report = services.sweep_reviews(now=T1, batch_size=100)
    assert len(report.decided) == len(requests) and not report.failed
    for request in ValidationRequest.objects.filter(pk__in=[r.pk for r in requests]):
        decision = request.events.get(from_state=RequestState.IN_REVIEW)
        assert decision.to_state == request.status == report.decided[request.pk]
        assert request.history.latest("history_date", "history_id").status == request.status
        assert EmailNotification.objects.filter(
            key=f"validation-event:{decision.pk}", template=f"validation_{request.status}"
        ).exists()
        approved = request.status == RequestState.APPROVED
        if request.kind == RequestKind.CUSTOMER:
            assert ValidationCode.objects.filter(request=request).exists() == approved
            if request.customer_id:
                assert (
                    SpecialQualification.objects.filter(customer=request.customer).exists()
                    == approved
                )
        else:
            assert ResellerQualification.objects.filter(partner=request.partner).exists() == (
                approved
            )
    codes = ValidationCode.objects.values_list("validation_id", flat=True)
    assert len(set(codes)) == len(codes) == 4
    assert all(len(c) == 6 and c.isdigit() for c in codes)


def test_new_codes_skip_numbers_taken_or_drawn_twice(monkeypatch):
    direct, _ = sellers()
    in_review([customer_request(direct, 0)])
    services.sweep_reviews(now=T1)
    taken = ValidationCode.objects.get().validation_id
    draws = iter([int(taken) - 100000, 5, 5, 7, *range(10, 100)])
    monkeypatch.setattr(codes.secrets, "randbelow", lambda n: next(draws))
    with CaptureQueriesContext(connection) as queries:
        assert codes._new_validation_ids(3) == ["100005", "100007", "100010"]
    assert len(queries) == 1  # the candidates checked at once


def test_codes_taken_meanwhile_by_another_batch_are_drawn_again(monkeypatch):
    """Two batches at once check their new IDs before either commits: the second to insert
    waits for the first, fails on the unique ID, and draws again (now it sees the first's)."""
    direct, _ = sellers()
    in_review([customer_request(direct, 0)])
    services.sweep_reviews(now=T1)
    taken = ValidationCode.objects.get().validation_id
    no_fallback(monkeypatch)
    real = codes._new_validation_ids
    draws = iter([[taken, "100001"]])  # the first draw as the check saw it: before the commit
    monkeypatch.setattr(codes, "_new_validation_ids", lambda n: next(draws, None) or real(n))
    requests = in_review([customer_request(direct, 5), customer_request(direct, 10)])
    report = services.sweep_reviews(now=T1)
    assert report.failed == {} and sorted(report.decided) == sorted(r.pk for r in requests)
    issued = ValidationCode.objects.filter(request__in=requests).values_list(
        "validation_id", flat=True
    )
    assert len(set(issued)) == 2 and taken not in issued


def test_the_sweep_tells_customers_once_per_batch(monkeypatch):
    requests = scenario()
    calls = []

    def receiver(sender, *, customer_ids, **kwargs):
        calls.append(customer_ids)

    customer_gcc_changed.connect(receiver)
    try:
        services.sweep_reviews(now=T1, batch_size=100)
    finally:
        customer_gcc_changed.disconnect(receiver)
    assert calls == [sorted(r.customer_id for r in requests if r.customer_id)]


# --- Queries per batch ----------------------------------------------------------------------------


def decide_capturing(count: int) -> tuple[list[dict], services.SweepReport]:
    direct, indirect = sellers()
    in_review([customer_request(direct if i % 3 else indirect, i) for i in range(count)])
    PartnerRequestFactory(submitted_at=T0)  # one partner request: screened and decided too
    with CaptureQueriesContext(connection) as queries:
        report = services.sweep_reviews(now=T1, batch_size=500)
    return queries.captured_queries, report


def _not_insert(queries) -> list[dict]:
    return [q for q in queries if not q["sql"].lstrip().upper().startswith("INSERT")]


def test_queries_per_batch_do_not_grow_with_the_batch(monkeypatch):
    no_fallback(monkeypatch)
    with transaction.atomic():
        small, report = decide_capturing(10)
        assert len(report.decided) == 11 and len(report.screened) == 1
        transaction.set_rollback(True)
    with transaction.atomic():
        large, report = decide_capturing(100)
        assert len(report.decided) == 101 and len(report.screened) == 1
        transaction.set_rollback(True)

    assert len(small) <= 40, [q["sql"][:120] for q in small]
    if connection.vendor == "postgresql":
        assert len(large) == len(small)
    else:  # SQLite: Django splits each bulk insert into statements of at most 999 parameters
        assert len(_not_insert(large)) == len(_not_insert(small))
        assert len(large) < 100


# --- One bad request ------------------------------------------------------------------------------


def poison_checklist(monkeypatch, bad_pk):
    real = services.request_findings

    def findings(request):
        if request.pk == bad_pk:
            raise RuntimeError("eligibility records timed out")
        return real(request)

    monkeypatch.setattr(services, "request_findings", findings)
    return "RuntimeError: eligibility records timed out"


def poison_address(monkeypatch, bad_pk):
    """A stored address the outbox refuses: the batch fails while writing its emails."""
    ValidationRequest.objects.filter(pk=bad_pk).update(contact_email="not-an-address")
    return "ValueError: Not an email address: 'not-an-address'"


@pytest.mark.parametrize("poison", [poison_checklist, poison_address])
def test_a_bad_request_does_not_block_the_rest_of_its_batch(monkeypatch, settings, poison):
    settings.GCC_SWEEP_MAX_ATTEMPTS = 3
    direct, _ = sellers()
    requests = in_review([customer_request(direct, i) for i in range(12)])
    bad = requests[4]
    error = poison(monkeypatch, bad.pk)

    report = services.sweep_reviews(now=T1, batch_size=100)

    assert report.failed == {bad.pk: error} and report.stuck == []
    assert sorted(report.decided) == sorted(r.pk for r in requests if r != bad)
    bad.refresh_from_db()
    assert (bad.status, bad.sweep_attempts, bad.sweep_error) == ("in_review", 1, error)
    assert not bad.events.filter(from_state=RequestState.IN_REVIEW).exists()
    good = [r for r in requests if r != bad]
    decisions = ValidationEvent.objects.filter(request__in=good, from_state="in_review")
    assert decisions.count() == len(good)
    emails = EmailNotification.objects.filter(
        key__in=[f"validation-event:{e.pk}" for e in decisions]
    )
    assert emails.count() == len(good)


# --- A reviewer and the sweep at once -------------------------------------------------------------


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_reviewer_deciding_a_request_the_sweep_holds_is_told_it_was_decided(
    monkeypatch, reviewer
):
    direct, _ = sellers()
    requests = in_review([customer_request(direct, i * 5) for i in range(6)])  # all approved
    target = requests[3]
    claimed, release = threading.Event(), threading.Event()
    real = services.request_findings

    def findings(request):  # the sweep holds its batch, locked, while the reviewer tries
        claimed.set()
        release.wait(timeout=30)
        return real(request)

    monkeypatch.setattr(services, "request_findings", findings)

    def reviewer_rejects():
        assert claimed.wait(timeout=30)
        return services.validation_request_reject(
            request_id=target.pk, actor=reviewer, reason="Checked by hand: no."
        )

    def release_when_the_reviewer_waits():
        assert claimed.wait(timeout=30)
        deadline = time.monotonic() + 10
        if connection.vendor == "postgresql":  # the reviewer's SELECT … FOR UPDATE waits
            while not _waiting_on_a_lock():
                assert time.monotonic() < deadline, "the reviewer never waited for the lock"
                time.sleep(0.05)
        else:  # SQLite: its write transaction waits for the sweep's
            time.sleep(0.5)
        release.set()

    outcomes = run_together(
        lambda: services.sweep_reviews(now=T1, batch_size=100),
        reviewer_rejects,
        release_when_the_reviewer_waits,
    )

    (sweep_kind, report), (kind, refusal), (released, _) = outcomes
    assert sweep_kind == "ok" and released == "ok", outcomes
    assert sorted(report.decided) == sorted(r.pk for r in requests)
    assert kind == "error" and refusal.code == RefusalCode.ALREADY_DECIDED, outcomes
    target.refresh_from_db()
    assert target.status == RequestState.APPROVED and target.decided_by is None
    decisions = ValidationEvent.objects.filter(request=target, from_state=RequestState.IN_REVIEW)
    assert decisions.count() == 1
    assert ValidationCode.objects.filter(request=target).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_sweep_leaves_a_request_a_reviewer_holds(reviewer):
    direct, _ = sellers()
    requests = in_review([customer_request(direct, i * 5) for i in range(4)])
    target = requests[1]
    deciding, release, swept = threading.Event(), threading.Event(), threading.Event()

    def reviewer_rejects_and_waits():
        with transaction.atomic():
            services.validation_request_reject(
                request_id=target.pk, actor=reviewer, reason="Checked by hand: no."
            )
            deciding.set()
            release.wait(timeout=30)

    def sweep():
        assert deciding.wait(timeout=30)
        try:
            return services.sweep_reviews(now=T1, batch_size=100)
        finally:
            swept.set()

    def release_reviewer():
        assert deciding.wait(timeout=30)
        if connection.vendor == "postgresql":  # skip_locked: the sweep does not wait
            assert swept.wait(timeout=30), "the sweep waited for the reviewer's row"
        else:  # SQLite: one writer at a time; the sweep waits for the reviewer to commit
            time.sleep(0.5)
        release.set()

    outcomes = run_together(reviewer_rejects_and_waits, sweep, release_reviewer)

    assert [kind for kind, _ in outcomes] == ["ok", "ok", "ok"], outcomes
    report = outcomes[1][1]
    assert sorted(report.decided) == sorted(r.pk for r in requests if r != target)
    target.refresh_from_db()
    assert (target.status, target.decided_by) == (RequestState.REJECTED, reviewer)
    decisions = ValidationEvent.objects.filter(request=target, from_state=RequestState.IN_REVIEW)
    assert decisions.count() == 1
    assert not ValidationCode.objects.filter(request=target).exists()


# --- A beat tick drains a backlog ---------------------------------------------------------------


class Runs(list):
    """How many requests each sweep decided, in order; ``threads``: where they ran."""

    threads: set


@pytest.fixture
def counted_sweeps(monkeypatch):
    runs = Runs()
    runs.threads = set()
    real = services._sweep

    def sweep(**kwargs):
        report, more = real(**kwargs)
        runs.append(len(report.decided))
        runs.threads.add(threading.current_thread().name)
        return report, more

    monkeypatch.setattr(services, "_sweep", sweep)
    return runs


def backlog(count: int) -> list[ValidationRequest]:
    direct, _ = sellers()
    return in_review([customer_request(direct, i * 5) for i in range(count)])


def test_a_tick_sweeps_until_nothing_is_due(counted_sweeps):
    requests = backlog(25)
    report = services.sweep_reviews_drain(batch_size=10, budget_seconds=60, now=T1)
    assert sorted(report.decided) == sorted(r.pk for r in requests)
    assert counted_sweeps == [10, 10, 5]  # the third came back short: nothing more is due


def test_a_tick_stops_when_its_budget_is_spent(counted_sweeps, monkeypatch):
    backlog(25)
    clock = iter(range(0, 1000, 10))  # each look at the clock: 10 s later
    monkeypatch.setattr(sweeps, "_clock", lambda: next(clock))
    report = services.sweep_reviews_drain(batch_size=10, budget_seconds=15, now=T1)
    assert counted_sweeps == [10, 10] and len(report.decided) == 20
    assert ValidationRequest.objects.filter(status=RequestState.IN_REVIEW).count() == 5


def test_a_tick_tries_a_failing_request_once(counted_sweeps, monkeypatch):
    requests = backlog(15)
    bad = requests[0]
    error = poison_checklist(monkeypatch, bad.pk)
    report = services.sweep_reviews_drain(batch_size=10, budget_seconds=60, now=T1)
    assert report.failed == {bad.pk: error}
    assert sorted(report.decided) == sorted(r.pk for r in requests if r != bad)
    bad.refresh_from_db()
    assert bad.sweep_attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_tick_in_two_threads_decides_each_request_once(counted_sweeps):
    requests = backlog(45)
    report = services.sweep_reviews_drain(batch_size=10, budget_seconds=60, threads=2, now=T1)
    assert sorted(report.decided) == sorted(r.pk for r in requests) and not report.failed
    decisions = ValidationEvent.objects.filter(from_state=RequestState.IN_REVIEW)
    assert sorted(decisions.values_list("request_id", flat=True)) == sorted(r.pk for r in requests)
    assert ValidationCode.objects.count() == 45
    assert sum(counted_sweeps) == 45
    if connection.vendor == "postgresql":  # SQLite has one writer: the sweeps run inline
        assert len(counted_sweeps.threads) == 2, counted_sweeps.threads


def test_the_beat_task_drains_with_the_settings(settings):
    settings.GCC_SWEEP_REVIEW_BATCH_SIZE = 10
    requests = backlog(25)
    ValidationRequest.objects.update(due_at=T0)  # due now, by the real clock
    summary = sweep_reviews_task()
    assert sorted(summary["decided"]) == sorted(r.pk for r in requests)


def test_a_tick_never_runs_into_the_next(settings):
    settings.GCC_SWEEP_TIME_BUDGET_SECONDS = 20
    settings.GCC_SWEEP_INTERVAL_SECONDS = 60
    assert sweeps.sweep_time_budget() == 20
    settings.GCC_SWEEP_INTERVAL_SECONDS = 3
    assert sweeps.sweep_time_budget() == 1.5

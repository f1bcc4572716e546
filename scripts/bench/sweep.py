"""Benchmark: the review sweep deciding a backlog of due requests, against a bare SQL UPDATE of
the same rows (issue 13, item 3; and item 4, the default schedule draining the backlog).

Run it with the project's venv, PostgreSQL on postgres://postgres@127.0.0.1:5432/ ::

    .venv/bin/python scripts/bench/sweep.py [--requests 10000] [--keep]

It creates its own database ``gcc_bench_sweep`` (marked as this benchmark's with a comment),
migrates it, and drops it at the end (``--keep`` leaves it for EXPLAINs). It refuses to touch
a database of that name it did not create. Nothing else is written but ``var/bench-sweep/``
(the broker folder the emails' after-commit tasks are published to, emptied at the end; no
worker reads it).

What it does, in one run (about a minute on 2 cores):

1. Seeds, with bulk inserts, ``--requests`` customer GCC validation requests in review and
   due (one every 17 s, as a backlog builds up), with their submitted and in-review timeline
   events and history rows: ten submitting partners (six direct GCC partners, two indirect
   providers with two resellers each), 40% of the requests for an existing customer the
   partner manages; the checklist approves 70%, rejects 15% (test or acronym names, non-US
   government bodies) and asks about 15% (non-US commercial entities without a verified US
   presence).
2. Times one bare ``UPDATE validation_validationrequest SET … WHERE id IN (…)`` of the same
   rows (the fields an approval sets), three times, the rows reset and vacuumed in between.
3. Times the sweep deciding them: ``sweep_reviews_drain``, what the beat task calls each tick,
   with the default settings (batch size, time budget), tick after tick until none is due;
   after a warm-up sweep of 100 other requests (a beat worker is warm after its first tick).
4. Prints rows, seconds and rows/s for both, their ratio (goal: at least 1/25 = 0.04), the
   queries per batch, what was written (events, history rows, codes, qualifications, emails),
   and how long the default beat schedule needs for the backlog (goal: within 2 minutes).

It exits 0 when a goal is missed (it is a measurement); the GOALS lines say which.
"""

import argparse
import math
import os
import shutil
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = "postgres://postgres@127.0.0.1:5432/"
DB_NAME = "gcc_bench_sweep"
MARKER = "throwaway: scripts/bench/sweep.py"
BENCH_ENV = {
    "DATABASE_URL": SERVER_URL + DB_NAME,
    "DEBUG": "false",
    "SECRET_KEY": "bench-only",
    "ALLOWED_HOSTS": "localhost",
    "GCC_VAR_DIR": "var/bench-sweep",  # its own broker folder: no worker reads it
    "GCC_CELERY_QUEUE": "bench-sweep",
    "LOG_LEVEL": "WARNING",
}
WARM_UP = 100  # requests decided before measuring: a beat worker is warm after its first tick
RATIO_GOAL = 1 / 25
DRAIN_GOAL_SECONDS = 120
BARE_RUNS = 3

# One in 20 requests: 14 approved, 3 rejected, 3 asked for information.
REJECTED_NAMES = {14: "Test Agency {i}", 15: "LCG", 16: None}  # None: a non-US government
ASKED = {17, 18, 19}


# --- The database ---------------------------------------------------------------------------


def admin_sql(sql: str, params=None) -> list:
    """Run one statement on the server's maintenance database (autocommit)."""
    import psycopg2

    connection = psycopg2.connect(SERVER_URL + "postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def database_create() -> None:
    """A fresh database of our own; one of that name we did not create is refused."""
    found = admin_sql(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [DB_NAME],
    )
    if found and found[0][0] != MARKER:
        sys.exit(
            f"Refusing: a database {DB_NAME!r} exists and was not created by this benchmark "
            f"(no comment {MARKER!r}). Drop it yourself if it is a throwaway."
        )
    database_drop()
    admin_sql(f'CREATE DATABASE "{DB_NAME}"')
    admin_sql(f"COMMENT ON DATABASE \"{DB_NAME}\" IS '{MARKER}'")


def database_drop() -> None:
    found = admin_sql(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [DB_NAME],
    )
    if found and found[0][0] == MARKER:
        admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def django_start() -> None:
    for name in ("REDIS_URL", "EMAIL_URL"):  # never someone's Redis or mail server
        os.environ.pop(name, None)
    os.environ.update(BENCH_ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gccportal.settings"
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if connection.vendor != "postgresql" or connection.settings_dict["NAME"] != DB_NAME:
        sys.exit(f"Refusing: connected to {connection.settings_dict['NAME']!r}, not {DB_NAME!r}")
    call_command("migrate", interactive=False, verbosity=0)


def say(text: str) -> None:
    print(text, flush=True)


# --- Seeding --------------------------------------------------------------------------------


def seed(count: int) -> list[int]:
    """The partners, their sales agents, customers and relationships, and ``count`` due
    customer requests in review with their events and history; returns the requests' ids."""
    from django.db import connection, transaction
    from django.utils import timezone

    from customers.models import Customer, CustomerRelationship, book_search_text
    from customers.services import customer_gcc_status_refresh
    from partners.models import Partner, PartnerType, ResellerQualification, Role, User
    from validation.eligibility import PARTNER_MAY_TRANSACT, request_findings
    from validation.models import (
        EntityType,
        RequestKind,
        RequestState,
        ValidationEvent,
        ValidationRequest,
    )
    from validation.services import SIMULATED_REVIEWER

    now = timezone.now()
    address = {"address_line": "1 Main Street", "city": "Arlington", "state": "VA"}

    def partner(name, kind, provider=None):
        return Partner(
            name=name,
            partner_type=kind,
            indirect_provider=provider,
            csp_enrolled=True,
            tenant_id=uuid.uuid4(),
            azure_gcc_tenant_id=uuid.uuid4(),
            postal_code="22201",
            **address,
        )

    with transaction.atomic():
        direct = Partner.objects.bulk_create(
            [partner(f"Bench Federal {n}", PartnerType.DIRECT_RESELLER) for n in range(6)]
        )
        providers = Partner.objects.bulk_create(
            [partner(f"Bench Distribution {n}", PartnerType.INDIRECT_PROVIDER) for n in range(2)]
        )
        resellers = Partner.objects.bulk_create(
            [
                partner(f"Bench Reseller {n}", PartnerType.INDIRECT_RESELLER, providers[n // 2])
                for n in range(4)
            ]
        )
        ResellerQualification.objects.bulk_create(
            ResellerQualification(
                partner=p, qualification="Government_community_cloud", granted_at=now
            )
            for p in direct + providers
        )
        submitting = direct + resellers
        agents = User.objects.bulk_create(
            User(
                username=f"sales{n}@bench.test",
                email=f"sales{n}@bench.test",
                first_name="Sam",
                last_name=f"Seller {n}",
                partner=p,
                role=Role.SALES_AGENT,
            )
            for n, p in enumerate(submitting)
        )
        with_customer = [i for i in range(count) if i % 5 in (1, 3)]  # 40%
        customers = Customer.objects.bulk_create(
            Customer(
                company_name=f"Existing Customer {i}",
                domain=f"existing{i}.onmicrosoft.com",
                contact_name="Casey Contact",
                contact_email=f"it{i}@existing.example.gov",
                contact_phone="+1 217 555 0100",
                postal_code="62701",
                **address,
            )
            for i in with_customer
        )
        customer_of = dict(zip(with_customer, customers, strict=True))
        CustomerRelationship.objects.bulk_create(
            CustomerRelationship(
                partner=submitting[i % len(submitting)],
                customer=c,
                origin="created",
                company_name=c.company_name,
                domain=c.domain,
                search_text=book_search_text(c.company_name, c.domain),
            )
            for i, c in customer_of.items()
        )
        customer_gcc_status_refresh(customer_ids=[c.pk for c in customers])

        requests = []
        for i in range(count):
            # A backlog as it builds up: one request due every 17 s, the last an hour ago.
            due_at = now - timedelta(hours=1, seconds=17 * (count - i))
            submitted_at = due_at - timedelta(days=2)
            p = submitting[i % len(submitting)]
            agent = agents[i % len(submitting)]
            slot = i % 20
            fields = {
                "organization_name": f"County of Bench {i}",
                "entity_type": EntityType.STATE_LOCAL,
                "jurisdiction": f"Bench County {i}",
                "regulated_data": [],
                "is_us_entity": True,
            }
            if slot in REJECTED_NAMES:
                if REJECTED_NAMES[slot]:
                    fields["organization_name"] = REJECTED_NAMES[slot].format(i=i)
                else:
                    fields |= {"organization_name": f"Bench Commission {i}", "is_us_entity": False}
            elif slot in ASKED:
                fields |= {
                    "entity_type": EntityType.COMMERCIAL,
                    "regulated_data": ["cui"],
                    "is_us_entity": False,
                }
            requests.append(
                ValidationRequest(
                    kind=RequestKind.CUSTOMER,
                    partner=p,
                    submitted_by=agent,
                    submission_key=uuid.uuid4(),
                    tenant_id=(p.indirect_provider or p).tenant_id,
                    postal_code="68508",
                    contact_name="Casey Morgan",
                    contact_email=f"it{i}@county.example.gov",
                    contact_phone="+1 402 555 0100",
                    attested=True,
                    customer=customer_of.get(i),
                    domain=f"county{i}.gov",
                    status=RequestState.IN_REVIEW,
                    submitted_at=submitted_at,
                    screened_at=submitted_at,
                    due_at=due_at,
                    **address,
                    **fields,
                )
            )
        for request in requests:  # the checklist the screening recorded
            setattr(request, PARTNER_MAY_TRANSACT, True)  # each partner holds GCC (or its provider)
            request.checklist = [f.as_dict() for f in request_findings(request)]
        ValidationRequest.objects.bulk_create(requests, batch_size=2000)
        for request in requests:
            request._change_reason = "Request submitted."
        ValidationRequest.history.bulk_history_create(requests, batch_size=2000)
        ValidationEvent.objects.bulk_create(
            [
                event
                for r in requests
                for event in (
                    ValidationEvent(
                        request=r,
                        at=r.submitted_at,
                        actor=r.submitted_by,
                        to_state=RequestState.SUBMITTED,
                        note="Request submitted.",
                    ),
                    ValidationEvent(
                        request=r,
                        at=r.submitted_at,
                        actor_label=SIMULATED_REVIEWER,
                        from_state=RequestState.SUBMITTED,
                        to_state=RequestState.IN_REVIEW,
                        note="Review started; eligibility checklist recorded.",
                    ),
                )
            ],
            batch_size=4000,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return [r.pk for r in requests]


# --- Measuring ------------------------------------------------------------------------------

# The bare UPDATE sets what an approval sets on the request row; the reset puts them back.
BARE_UPDATE = """
    UPDATE validation_validationrequest
       SET status = 'approved', decided_at = now(), decided_by_id = NULL, decision_reason = '',
           sweep_attempts = 0, sweep_error = '', stuck_at = NULL
     WHERE id IN ({ids})
"""
RESET = """
    UPDATE validation_validationrequest
       SET status = 'in_review', decided_at = NULL
     WHERE id IN ({ids})
"""


def bare_update(ids: list[int]) -> float:
    """Seconds for one bare UPDATE of the rows (committed); the rows are reset afterwards."""
    from django.db import connection, transaction

    listed = ",".join(map(str, ids))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BARE_UPDATE.format(ids=listed))
        assert cursor.rowcount == len(ids), cursor.rowcount
    seconds = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RESET.format(ids=listed))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE validation_validationrequest")
    return seconds


class QueryCounter:
    """Counts the statements a connection runs (django's execute_wrapper: no DEBUG needed)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def sweep(ids: list[int]) -> dict:
    """Beat ticks (``sweep_reviews_drain``, the default settings) until none is due."""
    from django.conf import settings
    from django.db import connection

    from validation import services
    from validation.models import RequestState, ValidationRequest

    batches: list[tuple[int, int]] = []  # per sweep: requests decided, queries
    real = services._sweep

    def counted(**kwargs):  # one sweep (a batch to screen, a batch to decide), in its thread
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            report, more = real(**kwargs)
        batches.append((len(report.decided), counter.count))
        return report, more

    services._sweep = counted
    ticks, decided, failed, tick_seconds = 0, 0, 0, []
    due = ValidationRequest.objects.filter(pk__in=ids, status=RequestState.IN_REVIEW)
    try:
        started = time.perf_counter()
        while True:
            tick_started = time.perf_counter()
            report = services.sweep_reviews_drain()  # what sweep_reviews_task calls
            tick_seconds.append(time.perf_counter() - tick_started)
            ticks += 1
            decided += len(report.decided)
            failed += len(report.failed)
            if not report.decided or not due.exists():
                break
        seconds = time.perf_counter() - started
    finally:
        services._sweep = real
    full = [queries for n, queries in batches if n == settings.GCC_SWEEP_REVIEW_BATCH_SIZE]
    return {
        "seconds": seconds,
        "decided": decided,
        "failed": failed,
        "ticks": ticks,
        "tick_seconds": tick_seconds,
        "sweeps": len(batches),
        "queries": sum(queries for _, queries in batches),
        "queries_per_full_batch": (min(full), max(full)) if full else None,
    }


def written(ids: list[int]) -> dict:
    from django.db.models import Count

    from ops.models import EmailNotification
    from validation.models import (
        SpecialQualification,
        ValidationCode,
        ValidationEvent,
        ValidationRequest,
    )

    decided = ValidationRequest.objects.filter(pk__in=ids)
    return {
        "states": dict(decided.values_list("status").annotate(n=Count("pk")).order_by()),
        "decision events": ValidationEvent.objects.filter(
            request_id__in=ids, from_state="in_review"
        ).count(),
        "history rows of decisions": ValidationRequest.history.filter(
            id__in=ids, history_type="~"
        ).count(),
        "validation codes": ValidationCode.objects.filter(request_id__in=ids).count(),
        "customer GCC qualifications": SpecialQualification.objects.filter(
            validation_code__request_id__in=ids
        ).count(),
        "approved with an existing customer": decided.filter(
            status="approved", customer__isnull=False
        ).count(),
        "decision emails": EmailNotification.objects.filter(
            key__in=[
                f"validation-event:{pk}"
                for pk in ValidationEvent.objects.filter(
                    request_id__in=ids, from_state="in_review"
                ).values_list("pk", flat=True)
            ]
        ).count(),
    }


def split(ids: list[int]) -> tuple[list[int], list[int]]:
    """The first requests (due first) warm the process up; the others are measured."""
    return ids[:WARM_UP], ids[WARM_UP:]


def warm_up(ids: list[int]) -> None:
    """Decide ``ids`` (due before the others) with one sweep, so that the measured sweeps run
    in a warm process (URL resolver, translations, adapters loaded) as a beat worker does."""
    from validation import services

    report = services.sweep_reviews(batch_size=len(ids))
    assert sorted(report.decided) == sorted(ids), "the warm-up took other requests"
    say(f"Warmed up: {len(ids)} other requests decided first (not measured).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000, help="due requests to seed")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME}")
    args = parser.parse_args()

    say(f"Creating the database {DB_NAME} and migrating it ...")
    database_create()
    try:
        django_start()
        from django.conf import settings

        say(f"Seeding {args.requests:,} due customer requests in review ...")
        started = time.monotonic()
        warm, ids = split(seed(WARM_UP + args.requests))
        say(f"Seeded in {time.monotonic() - started:.1f} s.")
        warm_up(warm)

        say(f"Bare UPDATE of the same rows, {BARE_RUNS} runs (reset and vacuumed between) ...")
        runs = [bare_update(ids) for _ in range(BARE_RUNS)]
        bare = statistics.median(runs)

        batch = settings.GCC_SWEEP_REVIEW_BATCH_SIZE
        say(
            f"The sweep: sweep_reviews_drain ticks (batch {batch}, "
            f"{settings.GCC_SWEEP_REVIEW_THREADS} threads, budget "
            f"{settings.GCC_SWEEP_TIME_BUDGET_SECONDS:g} s) until none is due ..."
        )
        result = sweep(ids)
        rows = result["decided"]
        sweep_rate = rows / result["seconds"]
        bare_rate = len(ids) / bare
        ratio = sweep_rate / bare_rate

        print()
        print(f"{'':<28}{'rows':>10}{'seconds':>10}{'rows/s':>10}")
        print(f"{'bare UPDATE (median)':<28}{len(ids):>10,}{bare:>10.3f}{bare_rate:>10,.0f}")
        print(
            f"{'sweep (drain, all ticks)':<28}{rows:>10,}{result['seconds']:>10.3f}"
            f"{sweep_rate:>10,.0f}"
        )
        print(f"  bare UPDATE runs: {', '.join(f'{s:.3f} s' for s in runs)}")
        print(f"  ratio sweep/bare: {ratio:.4f} (1/{1 / ratio:.1f}); goal >= {RATIO_GOAL:.2f}")
        low, high = result["queries_per_full_batch"] or (0, 0)
        print(
            f"  queries: {result['queries']:,} in {result['sweeps']} sweeps; per full batch of "
            f"{batch}: {low}-{high} ({high / batch:.3f} per decision)"
        )
        print(f"  failed: {result['failed']}")
        for name, value in written(ids).items():
            print(f"  {name}: {value}")

        interval = settings.GCC_SWEEP_INTERVAL_SECONDS
        budget = min(settings.GCC_SWEEP_TIME_BUDGET_SECONDS, interval / 2)
        ticks = result["ticks"]
        # Beat starts a tick every interval: the backlog is done after the last tick's work.
        drain_seconds = (ticks - 1) * interval + result["tick_seconds"][-1]
        print(
            f"  beat schedule (interval {interval:g} s, budget {budget:g} s per tick): "
            f"{ticks} tick(s) of {', '.join(f'{s:.1f} s' for s in result['tick_seconds'])}; "
            f"{rows:,} decided {drain_seconds:.1f} s after the first tick began "
            f"(50 per tick, as before: {math.ceil(rows / 50) * interval / 3600:.1f} h)"
        )
        print()
        print("GOALS")
        print(f"  ratio >= 1/25: {'met' if ratio >= RATIO_GOAL else 'MISSED'} ({ratio:.4f})")
        print(
            f"  backlog within {DRAIN_GOAL_SECONDS} s at the defaults: "
            f"{'met' if drain_seconds <= DRAIN_GOAL_SECONDS else 'MISSED'} ({drain_seconds:.1f} s)"
        )
        print(
            f"  every request decided, nothing failed: "
            f"{'met' if rows == len(ids) and not result['failed'] else 'MISSED'}"
        )
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if args.keep:
            say(f"Kept the database {DB_NAME}.")
        else:
            database_drop()
        shutil.rmtree(ROOT / BENCH_ENV["GCC_VAR_DIR"] / "broker", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

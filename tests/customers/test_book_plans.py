"""On PostgreSQL, a book of 10,000 customers: the list's queries read indexes, never a whole
table, and never sort the whole book (EXPLAIN). The benchmark (scripts/bench/book.py) times
them; this guards the plans, which do not depend on the machine."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers import selectors
from customers.models import Customer
from lib.keyset import LAST, NEXT, PREVIOUS, cursor_for

from ..factories import CustomerFactory, UserFactory, bulk_book, gcc_partner

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans are PostgreSQL's (CI runs them)"
    ),
]
BOOK_TABLES = {"customers_customer", "customers_customerrelationship"}
BIG_SORT = 1_000  # rows: a sort of more than a page's worth is a sort of the book


@pytest.fixture
def seller():
    user = UserFactory(partner=gcc_partner(name="Tailspin Federal"))
    other = gcc_partner(name="Contoso Gov")
    for partner, count in ((user.partner, 10_000), (other, 2_000)):
        prefix = partner.name.split()[0].lower()
        bulk_book(
            partner,
            [
                CustomerFactory.build(
                    company_name=f"{('County', 'City', 'Water District')[n % 3]} {n:05d}",
                    domain=f"{prefix}{n}.onmicrosoft.com",
                )
                for n in range(count)
            ],
            statuses=("none", "pending", "validated", "rejected"),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE customers_customerrelationship")
    return user


def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def problems(sql: str, params) -> list[str]:
    with connection.cursor() as cursor:
        # At 10,000 rows a sequential scan can still be the cheaper plan; at 100,000 it is not.
        # With it priced out, a scan that remains means no index can serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (row,) = cursor.fetchone()
    plan = (json.loads(row) if isinstance(row, str) else row)[0]["Plan"]
    found = []
    for node in nodes(plan):
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BOOK_TABLES:
            found.append(f"sequential scan of {node['Relation Name']}")
        if node["Node Type"] in ("Sort", "Incremental Sort") and node["Plan Rows"] > BIG_SORT:
            found.append(f"sort of {node['Plan Rows']} rows")
    return found


def plans_of(run) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        run()
    found = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if "customers_customerrelationship" in sql:
            found += [f"{p} in: {sql[:160]}" for p in problems(sql, None)]
            # A second join of the book (a filter() on the relation) can't seek on the index.
            if (joins := sql.count('JOIN "customers_customerrelationship"')) > 1:
                found.append(f"the relationship table joined {joins} times in: {sql[:160]}")
    return found


def page(seller, direction="first", cursor=None, **filters):
    return lambda: (
        selectors.customer_page(
            actor=seller, size=25, cursor=cursor, direction=direction, **filters
        ),
        selectors.customer_count(actor=seller, **filters),
    )


CASES = [
    ("first", {}),
    (LAST, {}),
    ("first", {"search": "water district 0999"}),
    ("first", {"search": "tailspin1234.onmicrosoft"}),
    ("first", {"search": "tailspin1234.onmicrosoft.com"}),
    ("first", {"status": "pending"}),
    (LAST, {"status": "rejected"}),
    ("first", {"qualification": "GovernmentCommunityCloud"}),
    ("first", {"qualification": "none"}),
    ("first", {"name_prefix": "City 07"}),
    ("first", {"domain_prefix": "tailspin99"}),
    # The list's other sorts, either way, and an indirect provider's reseller filter.
    ("first", {"sort": "-name"}),
    (LAST, {"sort": "-name"}),
    ("first", {"sort": "domain"}),
    ("first", {"sort": "-domain"}),
    ("first", {"sort": "added"}),
    ("first", {"sort": "-added"}),
    ("first", {"sort": "-domain", "status": "pending"}),
    ("first", {"reseller": "direct"}),
    ("first", {"reseller": str(uuid.uuid4())}),
]


def test_the_list_reads_indexes_only(seller):
    # One seeding of the book for every case (seeding is most of this test's time).
    tenant = str(Customer.objects.filter(relationships__partner=seller.partner).first().tenant_id)
    middle = cursor_for(("County 05001", 5001))
    cases = [
        *CASES,
        ("first", {"search": tenant}),
        ("first", {"search": str(uuid.uuid4())}),
        (NEXT, {"cursor": middle}),
        (PREVIOUS, {"cursor": middle}),
        (NEXT, {"cursor": middle, "status": "validated"}),
        (NEXT, {"cursor": middle, "name_prefix": "City"}),
        (NEXT, {"cursor": middle, "sort": "-name"}),
        (PREVIOUS, {"cursor": middle, "sort": "-name"}),
        (NEXT, {"cursor": cursor_for(("tailspin5001.onmicrosoft.com", 5001)), "sort": "domain"}),
    ]
    found = {
        f"{direction} {filters}": plans_of(page(seller, direction, **filters))
        for direction, filters in cases
    }
    assert {case: problems for case, problems in found.items() if problems} == {}

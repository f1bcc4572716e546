"""Benchmark: a GCC partner's book of 100 customers against one of 100,000 (issue 13).

Run it with ``python3 run.py bench`` (sets up .venv, then runs this and, if present,
scripts/bench/sweep.py), or directly::

    .venv/bin/python scripts/bench/book.py [--keep]

It needs PostgreSQL on postgres://postgres@127.0.0.1:5432/ and Redis on 127.0.0.1:6379
(database 9), and wrk (Debian's package) for the load part. ``--keep`` leaves the database
``gcc_bench_book`` behind for EXPLAINs; it is dropped (and re-created) on every run.

What it measures, in one run:

1. Seeds one database with bulk inserts: the GCC partners Tailspin Federal (100 customers)
   and Contoso Federal (100,000), and two more partners of 5,000 each, with realistic
   shapes: relationship rows (with the copies of name, domain and GCC status the list reads),
   30% of each book validated for GCC (with a validation code), 10% pending, 5% rejected,
   codes for 8% of the book, and 20% of the customers with an order and a subscription.
2. In process (Django's test Client, production settings): for every partner page and /v1/
   endpoint, the queries and the median time at 100 and at 100,000 customers, paired and
   interleaved. Goal: at 100,000 at most 2x the time at 100, and the same queries.
3. Under gunicorn (2 workers, production settings) with wrk on loopback: requests per second
   of a minimal view (one trivial query through the same middleware), of the big partner's
   customer list and of its search. Goal: each at least 25% of the minimal view's. The list's
   rendered pages are cached under the book's version, as deployed (a change to the book is
   seen at once); the same pages without that cache are measured too, for reference.

It exits 0 when goals are missed (it is a measurement); the GOALS block says which.
"""

import argparse
import contextlib
import html
import http.client
import json
import logging
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
SERVER_URL = "postgres://postgres@127.0.0.1:5432/"
DB_NAME = "gcc_bench_book"
VAR_DIR = ROOT / "var" / "bench"
BENCH_ENV = {
    "DATABASE_URL": SERVER_URL + DB_NAME,
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only",
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "GCC_VAR_DIR": "var/bench",
    "GCC_API_RATE": "1000000/min",  # the benchmark is not throttled: it measures the work
    # In process (2.) the list's rendered pages are not cached: that table shows each page's
    # own work. Under gunicorn (3.) they are, as deployed; and measured without, for reference.
    "GCC_BOOK_PAGE_CACHE_SECONDS": "0",
}
PAGE_CACHE = {"GCC_BOOK_PAGE_CACHE_SECONDS": "300"}
# Without the page cache: nothing kept, and another Redis database, so no page kept before.
NO_PAGE_CACHE = {"GCC_BOOK_PAGE_CACHE_SECONDS": "0", "REDIS_URL": "redis://127.0.0.1:6379/10"}
HOST = "localhost"

SMALL, BIG, OTHER = 100, 100_000, 5_000
BOOKS = [  # name, key (for usernames and domains), customers
    ("Tailspin Federal", "tailspin", SMALL),
    ("Contoso Federal", "contoso", BIG),
    ("Fabrikam Government Services", "fabrikam", OTHER),
    ("Northwind Public Sector", "northwind", OTHER),
]
CHUNK = 5_000  # customers seeded per round (and bulk_create's batch size)
VALIDATED, PENDING, REJECTED = 0.30, 0.10, 0.05  # shares of each book; the rest: none
CODES, ORDERED = 0.08, 0.20  # codes per customer; customers with an order
MAX_CREATES = 5

WARMUPS, RUNS = 3, 15
TIME_RATIO_GOAL, RPS_RATIO_GOAL = 2.0, 0.25
WRK = ["/usr/bin/wrk", "-t2", "-c8", "-d10s"]
WRK_WARMUP = ["/usr/bin/wrk", "-t2", "-c8", "-d2s"]

STARTED = time.monotonic()


def say(message: str) -> None:
    """A progress line: elapsed time, the 1-minute load average (other work on this machine
    skews the figures: on 2 cores, a load above 2 means the benchmark shared them)."""
    load = os.getloadavg()[0]
    print(f"[{time.monotonic() - STARTED:6.1f}s load {load:4.1f}] {message}", flush=True)


# --- The names a book is made of ----------------------------------------------------------

KINDS = [
    "County", "City", "Town", "Village", "Police Department", "Fire District",
    "School District", "Water Authority", "Transit Authority", "Housing Authority",
    "Public Library", "Port Authority", "Sheriff's Office", "Board of Elections",
    "Health Department", "Parks and Recreation", "Municipal Court", "Planning Commission",
    "Soil and Water Conservation District", "Airport Authority", "Emergency Management Agency",
    "Community College", "Department of Transportation", "Tax Assessor", "Clerk of Courts",
    "Utility District", "Sanitation District", "Hospital District", "Public Defender",
    "District Attorney", "Veterans Services", "Economic Development Corporation",
    "Workforce Board", "Juvenile Court", "Animal Services", "Building Department",
    "Metropolitan Planning Organization", "Mosquito Control District", "Public Works",
    "Conservation Commission",
]  # fmt: skip

PLACES_BY_STATE = {
    "AL": "Birmingham,Montgomery,Huntsville,Mobile,Tuscaloosa,Dothan",
    "AK": "Anchorage,Fairbanks,Juneau,Sitka,Ketchikan,Wasilla",
    "AZ": "Phoenix,Tucson,Mesa,Chandler,Flagstaff,Yuma",
    "AR": "Little Rock,Fayetteville,Fort Smith,Jonesboro,Conway,Rogers",
    "CA": "Sacramento,Fresno,Oakland,Riverside,Bakersfield,Santa Rosa",
    "CO": "Denver,Boulder,Aurora,Pueblo,Greeley,Durango",
    "CT": "Hartford,New Haven,Stamford,Waterbury,Norwalk,Danbury",
    "DE": "Dover,Wilmington,Newark,Milford,Seaford,Smyrna",
    "FL": "Tallahassee,Orlando,Tampa,Gainesville,Pensacola,Sarasota",
    "GA": "Atlanta,Savannah,Augusta,Macon,Athens,Valdosta",
    "HI": "Honolulu,Hilo,Kailua,Kapolei,Pearl City,Lahaina",
    "ID": "Boise,Nampa,Idaho Falls,Pocatello,Coeur d'Alene,Twin Falls",
    "IL": "Springfield,Peoria,Rockford,Naperville,Joliet,Champaign",
    "IN": "Indianapolis,Fort Wayne,Evansville,South Bend,Bloomington,Lafayette",
    "IA": "Des Moines,Cedar Rapids,Davenport,Sioux City,Iowa City,Dubuque",
    "KS": "Topeka,Wichita,Lawrence,Manhattan,Salina,Olathe",
    "KY": "Frankfort,Louisville,Lexington,Bowling Green,Owensboro,Paducah",
    "LA": "Baton Rouge,Shreveport,Lafayette Parish,Lake Charles,Monroe,Houma",
    "ME": "Augusta County,Portland,Bangor,Lewiston,Biddeford,Auburn",
    "MD": "Annapolis,Baltimore,Frederick,Rockville,Hagerstown,Salisbury",
    "MA": "Boston,Worcester,Springfield County,Lowell,Cambridge,New Bedford",
    "MI": "Lansing,Detroit,Grand Rapids,Ann Arbor,Kalamazoo,Flint",
    "MN": "Saint Paul,Minneapolis,Duluth,Rochester,Bloomington County,St. Cloud",
    "MS": "Jackson,Gulfport,Hattiesburg,Biloxi,Tupelo,Meridian",
    "MO": "Jefferson City,Kansas City,St. Louis,Columbia,Joplin,Independence",
    "MT": "Helena,Billings,Missoula,Bozeman,Great Falls,Butte",
    "NE": "Lincoln,Omaha,Grand Island,Kearney,Norfolk,Bellevue",
    "NV": "Carson City,Las Vegas,Reno,Henderson,Sparks,Elko",
    "NH": "Concord,Manchester,Nashua,Dover County,Keene,Portsmouth",
    "NJ": "Trenton,Newark City,Jersey City,Camden,Paterson,Princeton",
    "NM": "Santa Fe,Albuquerque,Las Cruces,Roswell,Farmington,Gallup",
    "NY": "Albany,Buffalo,Rochester City,Syracuse,Yonkers,Ithaca",
    "NC": "Raleigh,Charlotte,Durham,Greensboro,Asheville,Wilmington County",
    "ND": "Bismarck,Fargo,Grand Forks,Minot,Williston,Dickinson",
    "OH": "Columbus,Cleveland,Cincinnati,Toledo,Akron,Dayton",
    "OK": "Oklahoma City,Tulsa,Norman,Lawton,Stillwater,Enid",
    "OR": "Salem,Portland City,Eugene,Bend,Medford,Corvallis",
    "PA": "Harrisburg,Philadelphia,Pittsburgh,Allentown,Erie,Scranton",
    "RI": "Providence,Warwick,Cranston,Pawtucket,Newport,Woonsocket",
    "SC": "Columbia City,Charleston,Greenville,Spartanburg,Myrtle Beach,Rock Hill",
    "SD": "Pierre,Sioux Falls,Rapid City,Aberdeen,Brookings,Watertown",
    "TN": "Nashville,Memphis,Knoxville,Chattanooga,Clarksville,Murfreesboro",
    "TX": "Austin,Houston,Dallas,San Antonio,El Paso,Lubbock",
    "UT": "Salt Lake City,Provo,Ogden,St. George,Logan,Orem",
    "VT": "Montpelier,Burlington,Rutland,Barre,Bennington,Brattleboro",
    "VA": "Richmond,Arlington,Norfolk City,Alexandria,Roanoke,Fairfax",
    "WA": "Olympia,Seattle,Spokane,Tacoma,Bellingham,Yakima",
    "WV": "Charleston City,Huntington,Morgantown,Parkersburg,Wheeling,Beckley",
    "WI": "Madison,Milwaukee,Green Bay,Kenosha,Eau Claire,La Crosse",
    "WY": "Cheyenne,Casper,Laramie,Gillette,Rock Springs,Sheridan",
}
PLACES = [(city, state) for state, cities in PLACES_BY_STATE.items() for city in cities.split(",")]

FIRST_NAMES = [
    "Ana", "Ben", "Carla", "Dev", "Elena", "Frank", "Grace", "Hiro", "Iris", "Jamal", "Kara",
    "Luis", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera",
]  # fmt: skip
LAST_NAMES = [
    "Ruiz", "Chen", "Patel", "Okafor", "Novak", "Silva", "Kim", "Jensen", "Murphy", "Haddad",
    "Rossi", "Nguyen", "Brooks", "Ortiz", "Walsh", "Tanaka", "Fischer", "Morgan", "Reyes",
]  # fmt: skip
STREETS = [
    "Main", "Court", "Civic Center", "State", "Market", "Capitol", "Elm", "Oak", "Lincoln",
]  # fmt: skip


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


# --- The database and Django --------------------------------------------------------------


def admin_sql(sql: str) -> None:
    """Run one statement on the server's maintenance database (autocommit)."""
    import psycopg2

    connection = psycopg2.connect(SERVER_URL + "postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def database_create() -> None:
    database_drop()
    admin_sql(f'CREATE DATABASE "{DB_NAME}"')


def database_drop() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def django_start() -> None:
    """The benchmark's environment, django.setup() on the production settings, migrate, and
    the static files (collected under var/bench, as bench_settings has them for gunicorn)."""
    os.environ.update(BENCH_ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gccportal.settings"
    os.chdir(ROOT)
    sys.path[:0] = [str(ROOT), str(BENCH_DIR)]
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.STATIC_ROOT = settings.VAR_DIR / "staticfiles"  # bench_settings' value
    quiet_app_logs()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def quiet_app_logs() -> None:
    """The app's log lines (one per request) go to var/bench/book.log, formatted as always."""
    log = open(VAR_DIR / "book.log", "w")  # noqa: SIM115 (open for the whole run)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(log)


def django_stop() -> None:
    from django.db import connections

    connections.close_all()


# --- Seeding ------------------------------------------------------------------------------


@dataclass
class Profile:
    """One customer of a book, planned before it exists."""

    index: int
    kind: str
    city: str
    state: str
    name: str
    status: str  # a CustomerGccStatus value
    code_slot: int | None = None  # the validated customer's code (round-robin)
    ordered: bool = False


@dataclass
class Sample:
    """What a book's pages are measured with: real rows of that book."""

    customer: object = None  # validated, with an order and a subscription
    order: object = None
    subscription: object = None
    plain_customer: object = None  # not validated, no open request
    pending_request: object = None
    code: object = None


@dataclass
class Book:
    partner: object
    admin: object
    key: str
    size: int
    profiles: list = field(default_factory=list)
    codes: list = field(default_factory=list)
    sample: Sample = field(default_factory=Sample)


def plan_book(rng: random.Random, size: int) -> list[Profile]:
    """Names (kind of place, a number from the second round on), statuses in their shares,
    codes round-robin over the validated customers, orders for the first validated ones."""
    combos = [(kind, city, state) for kind in KINDS for city, state in PLACES]
    rng.shuffle(combos)
    statuses = (
        ["validated"] * round(size * VALIDATED)
        + ["pending"] * round(size * PENDING)
        + ["rejected"] * round(size * REJECTED)
    )
    statuses += ["none"] * (size - len(statuses))
    rng.shuffle(statuses)
    n_codes, n_ordered = max(1, round(size * CODES)), round(size * ORDERED)
    profiles, validated = [], 0
    for index in range(size):
        kind, city, state = combos[index % len(combos)]
        round_ = index // len(combos)
        name = f"{kind} of {city}" + (f" {round_ + 1}" if round_ else "")
        profile = Profile(index, kind, city, state, name, statuses[index])
        if profile.status == "validated":
            profile.code_slot = validated % n_codes
            profile.ordered = validated < n_ordered
            validated += 1
        profiles.append(profile)
    return profiles


def gcc_base_offers() -> list:
    from orders.models import Offer

    offers = Offer.objects.filter(is_gcc=True, is_active=True).order_by("offer_id")
    return [offer for offer in offers if not offer.requires_base_families]


def partner_create(name: str, key: str, rng: random.Random, reviewer) -> tuple:
    """A GCC partner (approved partner validation, Government_community_cloud) and its users:
    a global admin, an admin agent and a sales agent. Returns (partner, global admin)."""
    from django.utils import timezone

    from partners.models import Partner, PartnerType, ResellerQualification, Role, User
    from validation.models import GovernmentBasis, RequestKind, RequestState, ValidationRequest

    city, state = rng.choice(PLACES)
    partner = Partner.objects.create(
        name=name,
        partner_type=PartnerType.DIRECT_RESELLER,
        csp_enrolled=True,
        tenant_id=uuid.uuid4(),
        azure_gcc_tenant_id=uuid.uuid4(),
        mpn_id=str(rng.randint(1_000_000, 9_999_999)),
        address_line=f"{rng.randint(1, 9999)} {rng.choice(STREETS)} Street",
        city=city,
        state=state,
        postal_code=f"{rng.randint(10000, 99999)}",
    )
    users = [
        User(
            username=f"{who}@{key}.test",
            email=f"{who}@{key}.test",
            first_name=who.title(),
            last_name=name.split()[0],
            partner=partner,
            role=role,
        )
        for who, role in (
            ("grace", Role.GLOBAL_ADMIN),
            ("adele", Role.ADMIN_AGENT),
            ("sam", Role.SALES_AGENT),
        )
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    admin = users[0]
    now = timezone.now()
    request = ValidationRequest.objects.create(
        kind=RequestKind.PARTNER,
        partner=partner,
        submitted_by=admin,
        submission_key=uuid.uuid4(),
        organization_name=name,
        tenant_id=partner.tenant_id,
        address_line=partner.address_line,
        city=city,
        state=state,
        postal_code=partner.postal_code,
        contact_name=f"Grace {name.split()[0]}",
        contact_email=admin.email,
        contact_phone="+1 202 555 0143",
        government_basis=[GovernmentBasis.GOVERNMENT_ENTITIES],
        contract_reference="GS-35F-0119Y",
        attested=True,
        status=RequestState.APPROVED,
        submitted_at=now - timedelta(days=400),
        due_at=now - timedelta(days=398),
        decided_at=now - timedelta(days=399),
        decided_by=reviewer,
        decision_reason="Eligible: serves US state and local government entities.",
    )
    ResellerQualification.objects.create(
        partner=partner,
        qualification="Government_community_cloud",
        granted_at=request.decided_at,
        granted_by_request=request,
    )
    return partner, admin


class BookSeeder:
    """Seeds one book chunk by chunk (``step()`` seeds one chunk; False when done), so several
    books are seeded interleaved, their rows mixed in the tables as in production."""

    def __init__(self, book: Book, *, rng, offers, reviewer, validation_ids, domain_numbers):
        from django.utils import timezone

        self.book, self.rng, self.offers, self.reviewer = book, rng, offers, reviewer
        self.validation_ids, self.domain_numbers = validation_ids, domain_numbers
        self.now = timezone.now()
        self.position = 0
        book.profiles = plan_book(rng, book.size)
        self.codes_create()

    # -- one customer's fields

    def contact(self, profile: Profile, domain_stem: str) -> dict:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        return {
            "address_line": f"{rng.randint(1, 9999)} {rng.choice(STREETS)} Street",
            "city": profile.city,
            "state": profile.state,
            "postal_code": f"{rng.randint(10000, 99999)}",
            "contact_name": f"{first} {last}",
            "contact_email": f"{first}.{last}@{domain_stem}.gov".lower(),
            "contact_phone": f"+1 {rng.randint(201, 989)} 555 {rng.randint(100, 9999):04d}",
        }

    def request(self, profile: Profile, *, status: str, domain: str, customer=None, ago=None):
        """A customer validation request as the services leave it in ``status``."""
        from validation.calendar import review_due_at
        from validation.models import EntityType, RequestKind, RequestState, ValidationRequest

        submitted = self.now - (ago or timedelta(days=self.rng.randint(3, 300)))
        decided = status in (RequestState.APPROVED, RequestState.REJECTED)
        details = self.contact(profile, slug(profile.name)[:30])
        if customer is not None:
            details = {name: getattr(customer, name) for name in details}
        return ValidationRequest(
            kind=RequestKind.CUSTOMER,
            partner=self.book.partner,
            submitted_by=self.book.admin,
            submission_key=uuid.uuid4(),
            organization_name=profile.name,
            tenant_id=self.book.partner.tenant_id,
            **details,
            attested=True,
            customer=customer,
            domain=domain,
            entity_type=EntityType.STATE_LOCAL,
            jurisdiction=f"{profile.city}, {profile.state}",
            status=status,
            submitted_at=submitted,
            due_at=review_due_at(submitted),
            screened_at=submitted + timedelta(hours=1),
            decided_at=submitted + timedelta(days=1) if decided else None,
            decided_by=self.reviewer if decided else None,
            decision_reason={
                RequestState.APPROVED: "Eligible: a US state or local government entity.",
                RequestState.REJECTED: "Not eligible: the jurisdiction could not be verified.",
            }.get(status, ""),
        )

    def events(self, requests: list) -> list:
        """Each request's timeline: submitted, in review, and its decision if any."""
        from validation.models import RequestState, ValidationEvent

        label = "Simulated reviewer (Microsoft eligibility team)"
        events = []
        for r in requests:
            steps = [("", RequestState.SUBMITTED, r.submitted_at, self.book.admin, "")]
            steps.append(
                (RequestState.SUBMITTED, RequestState.IN_REVIEW, r.screened_at, None, label)
            )
            if r.decided_at:
                steps.append((RequestState.IN_REVIEW, r.status, r.decided_at, self.reviewer, ""))
            events += [
                ValidationEvent(
                    request=r, at=at, actor=actor, actor_label=who, from_state=a, to_state=b
                )
                for a, b, at, actor, who in steps
            ]
        return events

    # -- the codes, before the customers that redeem them

    def codes_create(self) -> None:
        """Codes for 8% of the book, each from its own approved request (no customer set),
        named after the first customer that redeemed it; creates left = 5 - redeemed."""
        from validation.models import (
            RequestState,
            ValidationCode,
            ValidationEvent,
            ValidationRequest,
        )

        validated = [p for p in self.book.profiles if p.code_slot is not None]
        n_codes = max(1, round(self.book.size * CODES))
        first_of, used = {}, [0] * n_codes
        for profile in validated:
            first_of.setdefault(profile.code_slot, profile)
            used[profile.code_slot] += 1
        requests = []
        for slot in range(n_codes):
            profile = first_of.get(slot) or self.rng.choice(self.book.profiles)
            domain = f"{slug(profile.name)[:30]}.gov"
            requests.append(self.request(profile, status=RequestState.APPROVED, domain=domain))
        ValidationRequest.objects.bulk_create(requests, batch_size=CHUNK)
        ValidationEvent.objects.bulk_create(self.events(requests), batch_size=CHUNK)
        self.book.codes = ValidationCode.objects.bulk_create(
            [
                ValidationCode(
                    validation_id=next(self.validation_ids),
                    request=request,
                    partner=self.book.partner,
                    organization_name=request.organization_name,
                    max_creates=MAX_CREATES,
                    remaining_creates=MAX_CREATES - used[slot],
                    created_at=request.decided_at,
                )
                for slot, request in enumerate(requests)
            ],
            batch_size=CHUNK,
        )

    # -- the customers, a chunk at a time

    def step(self) -> bool:
        from django.db import transaction

        profiles = self.book.profiles[self.position : self.position + CHUNK]
        if not profiles:
            return False
        with transaction.atomic():
            customers = self.customers_create(profiles)
            self.standing_create(profiles, customers)
            self.orders_create(profiles, customers)
        self.position += len(profiles)
        return True

    def customers_create(self, profiles: list) -> list:
        from customers.models import Customer, CustomerRelationship, book_search_text

        customers = []
        for profile in profiles:
            stem = f"{slug(profile.name)[:30]}{next(self.domain_numbers)}"
            customers.append(
                Customer(
                    company_name=profile.name,
                    domain=f"{stem}.onmicrosoft.com",
                    **self.contact(profile, stem),
                )
            )
        Customer.objects.bulk_create(customers, batch_size=CHUNK)
        CustomerRelationship.objects.bulk_create(
            [
                CustomerRelationship(
                    partner=self.book.partner,
                    customer=customer,
                    origin="invitation" if self.rng.random() < 0.1 else "created",
                    company_name=customer.company_name,
                    domain=customer.domain,
                    search_text=book_search_text(customer.company_name, customer.domain),
                    gcc_status=profile.status,
                )
                for profile, customer in zip(profiles, customers, strict=True)
            ],
            batch_size=CHUNK,
        )
        return customers

    def standing_create(self, profiles: list, customers: list) -> None:
        """Validated: GCC with its code. Pending: a request in review. Rejected: one rejected."""
        from validation.models import (
            RequestState,
            SpecialQualification,
            SpecialQualificationKind,
            ValidationEvent,
            ValidationRequest,
        )

        qualifications, requests = [], []
        for profile, customer in zip(profiles, customers, strict=True):
            if profile.status == "validated":
                code = self.book.codes[profile.code_slot]
                qualifications.append(
                    SpecialQualification(
                        customer=customer,
                        qualification=SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
                        granted_at=code.created_at + timedelta(days=1),
                        validation_code=code,
                    )
                )
            elif profile.status in ("pending", "rejected"):
                pending = profile.status == "pending"
                requests.append(
                    self.request(
                        profile,
                        status=RequestState.IN_REVIEW if pending else RequestState.REJECTED,
                        domain=customer.domain,
                        customer=customer,
                        ago=timedelta(hours=self.rng.randint(2, 20)) if pending else None,
                    )
                )
                if pending and self.book.sample.pending_request is None:
                    self.book.sample.pending_request = requests[-1]
            elif self.book.sample.plain_customer is None and profile.index >= self.book.size // 2:
                self.book.sample.plain_customer = customer
        SpecialQualification.objects.bulk_create(qualifications, batch_size=CHUNK)
        ValidationRequest.objects.bulk_create(requests, batch_size=CHUNK)
        ValidationEvent.objects.bulk_create(self.events(requests), batch_size=CHUNK)

    def orders_create(self, profiles: list, customers: list) -> None:
        """One completed order, one line and one active subscription of a GCC offer each."""
        from orders.models import Order, OrderLine, OrderStatus, Subscription

        ordered = [(p, c) for p, c in zip(profiles, customers, strict=True) if p.ordered]
        orders, lines, subscriptions = [], [], []
        for _, customer in ordered:
            at = self.now - timedelta(
                days=self.rng.randint(1, 330), minutes=self.rng.randint(0, 1440)
            )
            orders.append(
                Order(
                    customer=customer,
                    partner=self.book.partner,
                    billing_partner=self.book.partner,
                    created_by=self.book.admin,
                    submission_key=uuid.uuid4(),
                    status=OrderStatus.COMPLETED,
                    created_at=at,
                    completed_at=at + timedelta(minutes=2),
                )
            )
        Order.objects.bulk_create(orders, batch_size=CHUNK)
        for order in orders:
            offer = self.rng.choice(self.offers)
            quantity = self.rng.randint(offer.min_quantity, min(offer.max_quantity, 500))
            lines.append(
                OrderLine(
                    order=order,
                    offer=offer,
                    quantity=quantity,
                    friendly_name=offer.name,
                    unit_price=offer.unit_price,
                )
            )
        OrderLine.objects.bulk_create(lines, batch_size=CHUNK)
        for order, line in zip(orders, lines, strict=True):
            subscriptions.append(
                Subscription(
                    customer=order.customer,
                    order_line=line,
                    offer=line.offer,
                    quantity=line.quantity,
                    friendly_name=line.friendly_name,
                    billing_cycle=line.offer.billing_cycle,
                    term=line.offer.term,
                    start_date=order.completed_at.date(),
                )
            )
        Subscription.objects.bulk_create(subscriptions, batch_size=CHUNK)
        middle = [
            (order, s)
            for (profile, _), order, s in zip(ordered, orders, subscriptions, strict=True)
            if profile.index >= self.book.size // 2
        ]
        if middle and self.book.sample.customer is None:
            order, subscription = middle[0]
            sample = self.book.sample
            sample.customer, sample.order, sample.subscription = order.customer, order, subscription


def seed() -> dict:
    """Every book, seeded interleaved; returns the books by key. Then VACUUM ANALYZE."""
    from django.db import connection

    from validation.reviewers import reviewer_create

    rng = random.Random(13)
    reviewer = reviewer_create(
        username="riley@microsoft.test", email="riley@microsoft.test", password=uuid.uuid4().hex
    )
    offers = gcc_base_offers()
    total_codes = sum(max(1, round(size * CODES)) for _, _, size in BOOKS)
    validation_ids = iter(str(n) for n in rng.sample(range(100_000, 10_000_000), total_codes))
    domain_numbers = iter(range(1, 10**9))
    books, seeders = {}, []
    for name, key, size in BOOKS:
        partner, admin = partner_create(name, key, rng, reviewer)
        books[key] = Book(partner=partner, admin=admin, key=key, size=size)
        seeders.append(
            BookSeeder(
                books[key],
                rng=rng,
                offers=offers,
                reviewer=reviewer,
                validation_ids=validation_ids,
                domain_numbers=domain_numbers,
            )
        )
    while seeders:
        seeders = [seeder for seeder in seeders if seeder.step()]
    for book in books.values():
        book.sample.code = book.codes[len(book.codes) // 2]
    with connection.cursor() as cursor:
        # What autovacuum leaves a table in once it has caught up with a bulk load: statistics,
        # and a visibility map (index-only scans need it).
        cursor.execute("VACUUM ANALYZE")
    return books


def row_counts() -> list[tuple[str, int]]:
    from django.apps import apps
    from django.db import connection

    names = ["partners.Partner", "partners.User", "customers.Customer"]
    names += ["customers.CustomerRelationship", "validation.ValidationRequest"]
    names += ["validation.ValidationEvent", "validation.ValidationCode"]
    names += ["validation.SpecialQualification", "orders.Order", "orders.OrderLine"]
    names += ["orders.Subscription", "orders.Offer"]
    counts = []
    with connection.cursor() as cursor:
        for name in names:
            table = apps.get_model(name)._meta.db_table
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts.append((name, cursor.fetchone()[0]))
    return counts


def status_mismatches() -> int:
    """Relationship rows whose gcc_status is not what the app computes for their customer."""
    from django.db.models import F

    from customers.models import CustomerRelationship
    from validation.selectors import customer_gcc_status_expression

    return (
        CustomerRelationship.objects.alias(expected=customer_gcc_status_expression("customer_id"))
        .exclude(gcc_status=F("expected"))
        .count()
    )


# --- In process: queries and time of every page at 100 and at 100,000 --------------------


@dataclass
class Target:
    """One page or endpoint of one book: the path and the request's extra headers."""

    label: str
    path: str
    headers: dict = field(default_factory=dict)


@dataclass
class Result:
    queries: int = 0
    ms: float = 0.0
    kib: float = 0.0
    status: int = 0
    error: str = ""
    slowest_sql: str = ""
    slowest_ms: float = 0.0


@dataclass
class Signed:
    """A book's signed-in global admin: a test Client for pages and a bearer token for /v1/."""

    book: Book
    client: object
    token: str


def sign_in(book: Book) -> Signed:
    from django.test import Client

    from api.services import api_token_create

    client = Client(HTTP_HOST=HOST)
    client.force_login(book.admin)
    token = api_token_create(actor=book.admin, name="bench").raw
    return Signed(book=book, client=client, token=token)


def get(signed: Signed, target: Target):
    headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in target.headers.items()}
    if target.path.startswith("/v1/"):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {signed.token}"
    return signed.client.get(target.path, secure=True, **headers)


def middle_key(book: Book, **filters) -> tuple[str, int]:
    """The (name, relationship id) of the book's middle row, for a page from the middle."""
    from customers.models import CustomerRelationship

    rows = CustomerRelationship.objects.filter(partner=book.partner, **filters)
    rows = rows.order_by("company_name", "id").values_list("company_name", "id")
    return rows[rows.count() // 2]


def api_next(signed: Signed, path: str) -> Target:
    """The page after ``path``'s first, as a client follows it: links.next, or the
    MS-ContinuationToken response header (the codes API answers a bare array)."""
    response = get(signed, Target("", path))
    body = json.loads(response.content)
    if isinstance(body, dict):
        link = body["links"]["next"]
        headers = {h["key"]: h["value"] for h in link["headers"]}
        return Target("", "/v1" + link["uri"], headers)
    token = response.headers["MS-ContinuationToken"]
    return Target("", path.split("?")[0] + "?seekOperation=Next", {"MS-ContinuationToken": token})


def name_search(customer) -> str:
    """A realistic name fragment that matches few rows: the customer's "kind of place",
    without the number later rounds add (9 or so rows at 100,000, 1 at 100)."""
    name = customer.company_name
    return name.rsplit(" ", 1)[0] if name[-1].isdigit() else name


def page_two(signed: Signed) -> Target:
    """The list's second page, as a browser gets there: the first page's Next link."""
    content = get(signed, Target("", "/customers/")).content.decode()
    found = re.search(r'href="\?([^"]*page=next[^"]*)" rel="next"', content)
    return Target("", "/customers/?" + html.unescape(found.group(1)))


def api_filters(book: Book) -> tuple[str, str]:
    """The /v1/customers filters measured: the start of the sample's name and of its domain."""
    c = book.sample.customer
    return (
        json.dumps({"Field": "CompanyName", "Value": name_search(c)[:12]}),
        json.dumps({"Field": "Domain", "Value": c.domain[:10]}),
    )


def api_filter_size(book: Book) -> int:
    """A page size both books fill for the filters: what the small book holds of both (a
    filter matches a share of a book, so at 100,000 it fills any page; unequal answers would
    time the answer's size, not the book's)."""
    from api.views import _customer_filter
    from customers.selectors import customer_count

    counts = [
        customer_count(actor=book.admin, **_customer_filter(raw))[0] for raw in api_filters(book)
    ]
    return max(1, min(counts))


def targets(signed: Signed, filter_size: int) -> list[Target]:
    """Every page and /v1/ endpoint measured, for one book (same labels for every book)."""
    from django.core import signing

    from api.views import TOKEN_SALT
    from lib.keyset import cursor_for

    book, s = signed.book, signed.book.sample
    c = s.customer
    kind_of_city, city = name_search(c), c.city
    middle = cursor_for(middle_key(book))
    middle_validated = cursor_for(middle_key(book, gcc_status="validated"))
    customers = "/customers/"
    mine = f"/customers/{c.uuid}/"
    api_c = f"/v1/customers/{c.tenant_id}"
    middle_token = signing.dumps({"s": 50, "f": None, "c": middle}, salt=TOKEN_SALT)
    name_filter, domain_filter = api_filters(book)
    pages = [
        ("list: first page", customers),
        ("list: page 2 (Next link)", None),
        ("list: next page, middle", f"{customers}?page=next&cursor={quote(middle)}"),
        ("list: previous page, middle", f"{customers}?page=previous&cursor={quote(middle)}"),
        ("list: last page", f"{customers}?page=last"),
        ("list: search name (kind of place)", f"{customers}?{urlencode({'q': kind_of_city})}"),
        ("list: search place", f"{customers}?{urlencode({'q': city})}"),
        ("list: search domain", f"{customers}?{urlencode({'q': c.domain})}"),
        ("list: search Microsoft ID", f"{customers}?q={c.tenant_id}"),
        ("list: search, no match", f"{customers}?q=Zzyzx"),
        *[(f"list: status={v}", f"{customers}?status={v}") for v in STATUSES],
        (
            "list: status=validated, next, middle",
            f"{customers}?status=validated&page=next&cursor={quote(middle_validated)}",
        ),
        ("list: status=none, last page", f"{customers}?status=none&page=last"),
        ("list: qualification=GCC", f"{customers}?qualification=GovernmentCommunityCloud"),
        ("list: qualification=none", f"{customers}?qualification=none"),
        ("list: search place + status", f"{customers}?{urlencode({'q': city})}&status=validated"),
        ("home", "/"),
        ("organization profile", "/settings/organization/"),
        ("add customer (form)", "/customers/new/"),
        ("add customer: code picker", "/customers/new/codes/"),
        (
            "add customer: code search, ID",
            f"/customers/new/codes/?code_search={s.code.validation_id[:3]}",
        ),
        (
            "add customer: code search, name",
            f"/customers/new/codes/?{urlencode({'code_search': city})}",
        ),
        ("account page", mine),
        ("orders list", f"{mine}orders/"),
        ("order detail", f"{mine}orders/{s.order.uuid}/"),
        ("subscriptions list", f"{mine}subscriptions/"),
        ("validation request (pending)", f"/validation/requests/{s.pending_request.uuid}/"),
        (
            "customer validation form",
            f"/customers/validation/new/?customer={s.plain_customer.uuid}",
        ),
        ("relationship requests", "/customers/relationships/"),
        ("users", "/settings/users/"),
        ("API tokens", "/settings/api-tokens/"),
        ("/v1/customers (100)", "/v1/customers?size=100"),
        ("/v1/customers next page (size 50)", None),
        ("/v1/customers next, middle (size 50)", None),
        (
            f"/v1/customers filter name (size {filter_size})",
            f"/v1/customers?{urlencode({'filter': name_filter, 'size': filter_size})}",
        ),
        (
            f"/v1/customers filter domain (size {filter_size})",
            f"/v1/customers?{urlencode({'filter': domain_filter, 'size': filter_size})}",
        ),
        ("/v1/customers/{id}", api_c),
        ("/v1/customers/{id}/profiles/company", f"{api_c}/profiles/company"),
        ("/v1/customers/{id}/profiles/billing", f"{api_c}/profiles/billing"),
        ("/v1/customers/all/validations", "/v1/customers/all/validations"),
        ("/v1/customers/all/validations next (size 4)", None),
        ("/v1/customers/{id}/validations", f"{api_c}/validations"),
        ("/v1/customers/{id}/qualifications", f"{api_c}/qualifications"),
        ("/v1/customers/{id}/qualification", f"{api_c}/qualification"),
        ("/v1/customers/{id}/offers", f"{api_c}/offers"),
        ("/v1/customers/{id}/orders", f"{api_c}/orders"),
        ("/v1/customers/{id}/orders/{id}", f"{api_c}/orders/{s.order.uuid}"),
        ("/v1/customers/{id}/subscriptions", f"{api_c}/subscriptions"),
        ("/v1/customers/{id}/subscriptions/{id}", f"{api_c}/subscriptions/{s.subscription.uuid}"),
        ("/v1/domains/{domain}", f"/v1/domains/{c.domain}"),
        ("/v1/relationships", "/v1/relationships?relationship_type=IsIndirectResellerOf"),
        ("/v1/offers", "/v1/offers?country=US"),
    ]
    found = []
    for label, path in pages:
        # The small book has one page of 100 customers and 8 codes: its next pages are of 50
        # customers and of 4 codes, and so are the big book's, so both do the same work.
        if label.startswith("list: page 2"):
            target = page_two(signed)
        elif label.startswith("/v1/customers next page"):
            target = api_next(signed, "/v1/customers?size=50")
        elif label.startswith("/v1/customers next, middle"):
            target = Target("", "/v1/customers?size=50&seekOperation=Next")
            target.headers = {"MS-ContinuationToken": middle_token}
        elif label.startswith("/v1/customers/all/validations next"):
            target = api_next(signed, "/v1/customers/all/validations?size=4")
        else:
            target = Target("", path)
        target.label = label
        found.append(target)
    return found


STATUSES = ("validated", "pending", "rejected", "none")


def run_once(signed: Signed, target: Target, *, capture: bool = False) -> Result:
    """One request: its time, size and status; with ``capture``, its queries too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result()
    context = CaptureQueriesContext(connection) if capture else contextlib.nullcontext()
    try:
        with context as queries:
            started = time.perf_counter()
            response = get(signed, target)
            result.ms = (time.perf_counter() - started) * 1000
    except Exception:
        result.error = traceback.format_exc()
        return result
    result.status, result.kib = response.status_code, len(response.content) / 1024
    if capture:
        result.queries = len(queries.captured_queries)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default=None)
        if slowest:
            result.slowest_sql, result.slowest_ms = slowest["sql"], float(slowest["time"]) * 1000
    if result.status != 200:
        result.error = f"HTTP {result.status}: {response.content[:300]!r}"
    return result


def measure_pair(pair: list[tuple[Signed, Target]]) -> list[Result]:
    """Warm-ups (the last one counts the queries), then RUNS timed rounds, alternating which
    book goes first; the medians. A page that fails is not timed further."""
    for warmup in range(WARMUPS):
        captured = [run_once(*item, capture=warmup == WARMUPS - 1) for item in pair]
        if any(result.error for result in captured):
            return captured
    times = [[] for _ in pair]
    for n in range(RUNS):
        order = range(len(pair)) if n % 2 == 0 else reversed(range(len(pair)))
        for i in order:
            times[i].append(run_once(*pair[i]).ms)
    for result, ms in zip(captured, times, strict=True):
        result.ms = statistics.median(ms)
    return captured


def measure_pages(books: dict) -> list[tuple[str, Result, Result]]:
    small, big = sign_in(books["tailspin"]), sign_in(books["contoso"])
    size = api_filter_size(books["tailspin"])
    rows = []
    for small_target, big_target in zip(targets(small, size), targets(big, size), strict=True):
        a, b = measure_pair([(small, small_target), (big, big_target)])
        rows.append((small_target.label, a, b))
    return rows


def flags_of(a: Result, b: Result) -> list[str]:
    flags = []
    for result, which in ((a, "100"), (b, "100k")):
        if result.error:
            flags.append(f"ERROR@{which}: {result.error.strip().splitlines()[-1][:80]}")
    if not (a.error or b.error):
        if a.queries != b.queries:
            flags.append("QUERIES DIFFER")
        if ratio_of(a, b) > TIME_RATIO_GOAL:
            flags.append(f"RATIO > {TIME_RATIO_GOAL:g}")
    return flags


def ratio_of(a: Result, b: Result) -> float:
    return b.ms / a.ms if a.ms else float("inf")


def print_page_table(rows: list) -> None:
    header = (
        "page",
        "queries@100",
        "ms@100",
        "queries@100k",
        "ms@100k",
        "time ratio",
        "KiB@100k",
        "flags",
    )
    width = max(len(label) for label, _, _ in rows)
    line = f"{{:<{width}}} | {{:>11}} | {{:>7}} | {{:>12}} | {{:>7}} | {{:>10}} | {{:>8}} | {{}}"
    print(line.format(*header))
    print("-" * (width + 90))
    for label, a, b in rows:
        print(
            line.format(
                label,
                a.queries,
                f"{a.ms:.1f}",
                b.queries,
                f"{b.ms:.1f}",
                f"{ratio_of(a, b):.2f}",
                f"{b.kib:.1f}",
                ", ".join(flags_of(a, b)),
            )
        )


def print_errors(rows: list) -> None:
    for label, a, b in rows:
        for result, which in ((a, "100"), (b, "100,000")):
            if result.error:
                print(f"\n--- {label} at {which}: {result.error}")


def print_explains(rows: list) -> None:
    """EXPLAIN ANALYZE of the slowest query at 100,000 of each page over the time goal."""
    from django.db import connection

    for label, a, b in rows:
        if a.error or b.error or ratio_of(a, b) <= TIME_RATIO_GOAL or not b.slowest_sql:
            continue
        print(f"\n--- {label}: slowest query at 100,000 ({b.slowest_ms:.1f} ms)\n{b.slowest_sql}")
        if not b.slowest_sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + b.slowest_sql)
            print("\n".join(row[0] for row in cursor.fetchall()))


# --- Under gunicorn: requests per second with wrk ----------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_start(port: int, settings: dict) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", **settings}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "gccportal.wsgi:application",
        "--workers=2",
        f"--bind=127.0.0.1:{port}",
        f"--chdir={ROOT}",
        f"--pythonpath={BENCH_DIR}",
        "--log-level=warning",
    ]
    log = open(VAR_DIR / "gunicorn.log", "w")  # noqa: SIM115 (the server's whole life)
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def gunicorn_stop(process: subprocess.Popen) -> None:
    """Stop the server and its workers (its process group): TERM, then KILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def http_get(port: int, path: str, headers: dict) -> tuple[int, str, bytes]:
    """One plain request (no redirects followed): status, Location, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Location", ""), response.read()
    finally:
        connection.close()


def wait_until_up(port: int, process: subprocess.Popen, headers: dict) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited ({process.returncode}): see var/bench/gunicorn.log"
            )
        with contextlib.suppress(OSError):
            if http_get(port, "/bench/minimal", headers)[0] == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /bench/minimal within 60 s")


def wrk(port: int, path: str, headers: dict, command=WRK) -> tuple[float, int]:
    """Requests per second, and the non-2xx/3xx answers wrk counted."""
    args = [*command]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def browser_headers(book: Book) -> dict:
    """A signed-in browser's headers: its session cookie, HTTPS as a proxy forwards it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(book.admin)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "Host": HOST,
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
        "X-Forwarded-Proto": "https",
    }


def measure_load(books: dict) -> list[tuple[str, float, int]]:
    """rps of the minimal view, the big book's list and its searches under gunicorn as deployed
    (the list's pages cached under the book's version); for reference (no goal), the small
    book's list, and the big book's without the page cache (every request does the work)."""
    small, big = books["tailspin"], books["contoso"]
    as_small, as_big = browser_headers(small), browser_headers(big)
    c = big.sample.customer
    search_name = f"/customers/?{urlencode({'q': name_search(c)})}"
    search_place = f"/customers/?{urlencode({'q': c.city})}"
    servers = [
        (
            PAGE_CACHE,
            [
                ("minimal view", "/bench/minimal", as_big),
                ("list@100k: first page", "/customers/", as_big),
                ("list@100k: search name", search_name, as_big),
                ("list@100k: search place", search_place, as_big),
                ("list@100: first page (ref.)", "/customers/", as_small),
            ],
        ),
        (
            NO_PAGE_CACHE,
            [
                ("no page cache: first page (ref.)", "/customers/", as_big),
                ("no page cache: search (ref.)", search_place, as_big),
            ],
        ),
    ]
    django_stop()  # the server's workers use the database now
    results = []
    for settings, paths in servers:
        port = free_port()
        process = gunicorn_start(port, settings)
        try:
            wait_until_up(port, process, as_big)
            for label, path, headers in paths:
                status, location, body = http_get(port, path, headers)
                if status != 200:
                    raise RuntimeError(
                        f"{label}: {path} answered {status} {location} {body[:200]!r}"
                    )
            for label, path, headers in paths:
                wrk(port, path, headers, command=WRK_WARMUP)
                rps, bad = wrk(port, path, headers)
                results.append((label, rps, bad))
                say(f"{label}: {rps:.1f} requests/s")
        finally:
            gunicorn_stop(process)
    return results


def print_load_table(results: list) -> None:
    minimal = results[0][1]
    print(f"{'page':<34} | {'requests/s':>10} | {'vs minimal':>10} | flags")
    print("-" * 74)
    for label, rps, bad in results:
        flags = f"{bad} non-2xx/3xx" if bad else ""
        print(f"{label:<34} | {rps:>10.1f} | {rps / minimal:>10.3f} | {flags}")


# --- The goals ----------------------------------------------------------------------------


def print_goals(rows: list, load: list) -> None:
    print("\nGOALS")
    for label, a, b in rows:
        ok = not (a.error or b.error) and a.queries == b.queries
        ok = ok and ratio_of(a, b) <= TIME_RATIO_GOAL
        detail = f"time x{ratio_of(a, b):.2f} (goal <= {TIME_RATIO_GOAL:g}), queries {a.queries}"
        detail += f" -> {b.queries}" if a.queries != b.queries else " = "
        print(f"  {'PASS' if ok else 'MISS'}  {label}: {detail}")
    minimal = load[0][1] if load else 0
    for label, rps, bad in load[1:]:
        if "@100k" not in label:
            continue
        ratio = rps / minimal if minimal else 0
        ok = ratio >= RPS_RATIO_GOAL and not bad
        print(
            f"  {'PASS' if ok else 'MISS'}  {label}: {rps:.1f} requests/s = {ratio:.3f} of the "
            f"minimal view's {minimal:.1f} (goal >= {RPS_RATIO_GOAL:g})"
        )
    missed = sum(1 for label, a, b in rows if flags_of(a, b))
    print(f"  pages and endpoints: {len(rows) - missed} of {len(rows)} within the goals")


# --- main ---------------------------------------------------------------------------------


def machine() -> str:
    """The date and what the figures were measured on."""
    import django
    from django.db import connection
    from django.utils import timezone

    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1).strip() if found else cpu
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    return (
        f"{timezone.localdate():%Y-%m-%d}, {cpu}, {os.cpu_count()} cores; PostgreSQL {postgres}, "
        f"Python {sys.version.split()[0]}, Django {django.get_version()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME}")
    args = parser.parse_args()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    say(f"Creating the database {DB_NAME} ...")
    database_create()
    try:
        django_start()
        say(f"Migrated. Machine: {machine()}")
        say("Seeding ...")
        started = time.monotonic()
        books = seed()
        say(f"Seeded in {time.monotonic() - started:.1f} s (VACUUM ANALYZE included):")
        for name, count in row_counts():
            print(f"    {name:<32} {count:>9,}")
        print(
            f"    relationship rows whose gcc_status disagrees with the app: {status_mismatches()}"
        )
        say(f"Measuring pages: {WARMUPS} warm-ups + {RUNS} runs each, 100 and 100,000 paired ...")
        rows = measure_pages(books)
        print()
        print_page_table(rows)
        print_errors(rows)
        print_explains(rows)
        print()
        say("Under gunicorn (2 workers) with wrk -t2 -c8 -d10s on loopback ...")
        load = measure_load(books)
        print()
        print_load_table(load)
        print_goals(rows, load)
    finally:
        with contextlib.suppress(Exception):
            django_stop()
        if not args.keep:
            database_drop()
        else:
            print(f"\nKept the database: {BENCH_ENV['DATABASE_URL']}")
    say("Done.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

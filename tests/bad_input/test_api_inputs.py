"""/v1/ under bad input, route by route (api_routes.ROUTES, checked against the resolver):
the raw body of every write, bodies sent to every route and method, the query string and path
ids of every GET, and the headers of every request.

Every answer passes ``api_routes.check``: never a 5xx; a 4xx is Partner Center's JSON error
body; a refused request saved nothing (the row count of every table of the project's apps is
unchanged). What the rules refuse whatever else it holds must be a 400 with code 800002:
nesting deeper than 32 levels (up to 100,000), a lone surrogate (``\\ud800``), a key sent twice
(or in two cases), a number in non-ASCII digits (``５``, ``١٢``, ``²``), a look-alike domain
(``ſpringfield.onmicrosoft.com``), a filter with any of these.

Examples per target (``max_examples`` times the cases a property is parametrized with; a run
prints those it ran under "bad input: hypothesis examples run", explicit ``@example``s and the
forms' targets included):

==========================================  ==========  =======  ========
target                                      per case    cases    examples
==========================================  ==========  =======  ========
api body: each write (route, method)        60          11       660
api body: each route, any other method      8           29       232
api query: each GET route (query and ids)   24          27       648
api headers: each route, any method         12          29       348
the portal's forms (test_*_forms.py)        30          18       540
==========================================  ==========  =======  ========
total asked for (test_the_suite_runs_at_least_2000_examples)     2,428
==========================================  ==========  =======  ========

Measured: ``python3 run.py test tests/bad_input`` ran 2,453 examples (the 2,428 and the
explicit ones) in 66 s on SQLite, on 2 cores; the /v1/ properties alone, 1,888 in 49 s.
"""

import importlib
import inspect
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from api.parsers import MAX_DEPTH

from .api_routes import (
    PATTERNS,
    READS,
    ROUTES,
    WRITES,
    FrontDoorHandler,
    Write,
    build_world,
    check,
    documented,
    fill,
    methods_of,
    parameters_of,
    row_counts,
    send,
    signed_state_token,
)
from .conftest import example
from .strategies import (
    FORM_SETTINGS,
    JSON_VALUES,
    LONE_SURROGATES,
    NON_ASCII_DIGITS,
    bad_guid,
    bad_number,
    bad_text,
    deep_json,
    encoded,
    header_value,
    json_paths,
    look_alike_domain,
    non_ascii_digits,
    object_paths,
    replaced,
    value_at,
    with_duplicate_key,
    without,
)

pytestmark = pytest.mark.django_db

BODY_SETTINGS = settings(FORM_SETTINGS, max_examples=60)
OTHER_BODY_SETTINGS = settings(FORM_SETTINGS, max_examples=8)
QUERY_SETTINGS = settings(FORM_SETTINGS, max_examples=24)
HEADER_SETTINGS = settings(FORM_SETTINGS, max_examples=12)
UNSAFE = ("post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at its end; each test runs in
    a savepoint inside it, and each example in one more (conftest.example)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def api(client, world, settings):
    settings.GCC_API_RATE = "1000000/min"  # the rate limit is not what is fuzzed here
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.token}"
    client.handler = FrontDoorHandler(enforce_csrf_checks=False)
    return client


# --- Bodies ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    kind: str
    raw: bytes
    refused_by_rule: bool = False  # whatever else it holds: a 400, code 800002


def _deep_inside(valid, deep) -> Body:
    depth, closed, text = deep
    if isinstance(valid, dict) and valid:
        raw = json.dumps(valid)[:-1] + f', "nested": {text}}}'
        depth += 1
    else:
        raw = text
    return Body("deep", raw.encode(), refused_by_rule=depth > MAX_DEPTH or not closed)


def bodies(valid, write: Write) -> st.SearchStrategy[Body]:
    """A write's valid body, kept, spoiled at one place, or replaced by junk."""
    paths = json_paths(valid)
    keyed = [p for p in paths if p and isinstance(p[-1], str)]
    objects = object_paths(valid)
    options = [
        encoded(valid).map(lambda raw: Body("valid", raw)),
        st.builds(lambda p, v: replaced(valid, p, v), st.sampled_from(paths), JSON_VALUES)
        .flatmap(encoded)
        .map(lambda raw: Body("spoiled", raw)),
        deep_json().map(lambda deep: _deep_inside(valid, deep)),
        st.builds(
            lambda p, s: Body("surrogate", json.dumps(replaced(valid, p, s)).encode(), True),
            st.sampled_from(paths),
            st.sampled_from(LONE_SURROGATES),
        ),
        st.one_of(
            st.binary(max_size=300),
            bad_text().map(lambda t: t.encode()),
            st.sampled_from([b"", b"null", b"[]", b"{}", b"NaN", b'"', b"\xef\xbb\xbf{}"]),
            st.integers(0, 200).map(lambda n: json.dumps(valid).encode()[:n]),
        ).map(lambda raw: Body("junk", raw)),
    ]
    if keyed:
        options.append(
            st.sampled_from(keyed).map(lambda p: Body("missing", _dump(without(valid, p))))
        )
    pairs = [(p, k) for p in objects for k in value_at(valid, p)]
    if pairs:
        options.append(
            st.sampled_from(pairs).flatmap(
                lambda pk: st.builds(
                    lambda value, spelling: Body(
                        "duplicate",
                        with_duplicate_key(valid, pk[0], pk[1], value, spelling).encode(),
                        True,
                    ),
                    JSON_VALUES,
                    st.sampled_from(["same", "upper", "lower", "swap"]),
                )
            )
        )
    if write.numbers:
        options.append(
            st.builds(
                lambda p, n: Body("digits", _dump(replaced(valid, p, n)), True),
                st.sampled_from(write.numbers),
                non_ascii_digits(),
            )
        )
    if write.domains:
        options.append(
            st.builds(
                lambda p, d: Body("look-alike", _dump(replaced(valid, p, d)), True),
                st.sampled_from(write.domains),
                look_alike_domain(),
            )
        )
    return st.one_of(options)


def _dump(document) -> bytes:
    return json.dumps(document).encode()


def assert_refused_by_rule(response, error, sent):
    assert response.status_code == 400 and error["code"] == 800002, (sent, response.content)


@pytest.mark.parametrize(("key", "method"), WRITES, ids=[f"{m} {k}" for k, m in WRITES])
@BODY_SETTINGS
@given(data=st.data())
def test_write_bodies(api, world, key, method, data):
    route = ROUTES[key]
    write = route.writes[method]
    body = data.draw(bodies(write.body(world), write), label="body")
    with example(f"api body: {method.upper()} {key}"):
        before = row_counts()
        response = send(api, method, fill(key, world), query=route.query(world), raw=body.raw)
        sent = (body.kind, body.raw[:300])
        error = check(response, method=method, before=before, sent=sent)
        if body.refused_by_rule and write.reads_body:
            assert_refused_by_rule(response, error, sent)


OTHER_BODY = st.one_of(
    JSON_VALUES.flatmap(encoded),
    deep_json().map(lambda deep: deep[2].encode()),
    st.binary(max_size=200),
)


@pytest.mark.parametrize("key", list(ROUTES))
@OTHER_BODY_SETTINGS
@given(data=st.data())
def test_bodies_to_every_route(api, world, key, data):
    """Every route, every method (those it has not, too), with a body of any kind."""
    writes = set(ROUTES[key].writes)
    method = data.draw(st.sampled_from([m for m in (*UNSAFE, "get") if m not in writes]))
    raw = data.draw(OTHER_BODY, label="body")
    with example(f"api body: any other method {key}"):
        before = row_counts()
        response = send(api, method, fill(key, world), raw=raw)
        check(response, method=method, before=before, sent=(method, raw[:300]))


# --- Query strings and path ids --------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    text: str
    refused_by_rule: bool = False


FILTER_FIELDS = ["CompanyName", "Domain", "IndirectReseller", "IndirectCloudSolutionProvider"]


def _filter(field="CompanyName", value="Lin", operator="starts_with") -> dict:
    return {"Field": field, "Value": value, "Operator": operator}


def filters() -> st.SearchStrategy[Filter]:
    spec = st.builds(
        _filter,
        st.one_of(st.sampled_from(FILTER_FIELDS), bad_text()),
        st.one_of(bad_text(), look_alike_domain(""), st.sampled_from(NON_ASCII_DIGITS)),
        st.one_of(st.sampled_from(["starts_with", "StartsWith", "equals"]), bad_text()),
    )
    return st.one_of(
        spec.map(lambda f: Filter(json.dumps(f))),
        st.builds(
            lambda p, v: replaced(_filter(), p, v),
            st.sampled_from(json_paths(_filter())),
            JSON_VALUES,
        ).map(lambda f: Filter(json.dumps(f))),
        deep_json(2_000).map(lambda d: Filter(d[2], d[0] > MAX_DEPTH or not d[1])),
        st.builds(
            lambda key, s: Filter(json.dumps(replaced(_filter(), (key,), s)), True),
            st.sampled_from(["Field", "Value", "Operator"]),
            st.sampled_from(LONE_SURROGATES),
        ),
        st.builds(
            lambda key, spelling: Filter(
                with_duplicate_key(_filter(), (), key, "Har", spelling), True
            ),
            st.sampled_from(["Field", "Value", "Operator"]),
            st.sampled_from(["same", "upper", "lower", "swap"]),
        ),
        bad_text().map(Filter),
    )


def tokens(world) -> st.SearchStrategy[str]:
    """Continuation tokens: ours, spoiled ones, and ones we signed in shapes we do not read."""
    real = world.next_token
    return st.one_of(
        st.just(real),
        st.integers(0, len(real) - 1).map(
            lambda i: real[:i] + ("A" if real[i] != "A" else "B") + real[i + 1 :]
        ),
        st.integers(0, len(real)).map(lambda n: real[:n]),
        st.sampled_from(
            [
                signed_state_token({"s": "x", "f": None, "c": "y"}),
                signed_state_token({"s": 10**9, "f": 5, "c": None}),
                signed_state_token([1, 2, 3]),
                signed_state_token({"s": 1, "f": "[" * 2_000, "c": "z"}),
            ]
        ),
        bad_text(),
    )


def query_params(world) -> dict:
    """A bad strategy for every query parameter the OpenAPI document lists (a new one fails
    test_every_documented_parameter_has_a_strategy until it is added here)."""
    return {
        "filter": filters().map(lambda f: f.text),
        "size": st.one_of(
            bad_number(), non_ascii_digits(), st.sampled_from(["0", "1", "500", "501"])
        ),
        "offset": st.one_of(bad_number(), non_ascii_digits()),
        "seekOperation": st.one_of(
            st.sampled_from(["Next", "next", "NEXT", "Previous", ""]), bad_text()
        ),
        "continuationToken": tokens(world),
        "country": st.one_of(st.sampled_from(["US", "us", "USA", "ＵＳ", "ｕs", ""]), bad_text()),
        "relationship_type": st.one_of(
            st.sampled_from(
                [
                    "IsIndirectResellerOf",
                    "IsIndirectCloudSolutionProviderOf",
                    "ısındirectresellerof",
                ]
            ),
            bad_text(),
        ),
        "indirectResellerId": bad_guid(),
        "indirectCloudSolutionProviderId": bad_guid(),
        "dualRoleIndirectRelationship": st.one_of(
            st.sampled_from(["true", "false", "１"]), bad_text()
        ),
        "order_id": bad_guid(),
        "mpn_id": st.one_of(bad_number(), non_ascii_digits()),
        "code": st.one_of(st.just(world.code.validation_id), bad_text(), non_ascii_digits()),
    }


def raw_queries() -> st.SearchStrategy[str]:
    """Query strings no encoder writes: broken percent escapes, bytes that are no UTF-8."""
    escape = st.integers(0, 255).map(lambda b: f"%{b:02X}")
    piece = st.one_of(escape, st.sampled_from(["filter=", "size=", "&", "=", "%", "%E", "+", ";"]))
    return st.lists(piece, max_size=30).map("".join)


@pytest.mark.parametrize("key", READS)
@QUERY_SETTINGS
@given(data=st.data())
def test_query_strings_and_ids(api, world, key, data):
    route = ROUTES[key]
    strategies = query_params(world)
    names = [name for name in documented(key, "get", "query") if name != "filter"]
    valid = {name: st.just(value) for name, value in route.query(world).items()}
    params = data.draw(
        st.fixed_dictionaries({}, optional={**valid, **{n: strategies[n] for n in names}}),
        label="params",
    )
    spec = None
    if "filter" in documented(key, "get", "query"):
        spec = data.draw(st.none() | filters(), label="filter")
        if spec is not None:
            params["filter"] = spec.text
    params.update(data.draw(st.dictionaries(bad_text(), bad_text(), max_size=2), label="extra"))
    query = data.draw(st.one_of(st.just(params), raw_queries()), label="query")
    ids = {
        name: data.draw(st.one_of(st.none(), bad_guid(), bad_text()), label=name)
        for name in parameters_of(key)
    }
    method = data.draw(st.sampled_from(["get", "head"] if "head" in methods_of(key) else ["get"]))
    path = fill(key, world, {name: value for name, value in ids.items() if value is not None})
    with example(f"api query: GET {key}"):
        before = row_counts()
        response = send(api, method, path, query=query)
        error = check(response, method=method, before=before, sent=(path, query))
        paging_on = str(params.get("seekOperation", "")).lower() != "next"
        if query is params and spec and spec.refused_by_rule and paging_on and method == "get":
            assert_refused_by_rule(response, error, query)


# --- Headers ---------------------------------------------------------------------------------


def headers(world) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({}, optional=header_strategies(world))


def header_strategies(world) -> dict:
    """Each header a /v1/ client sends, any value (a new documented header fails
    test_every_documented_parameter_has_a_strategy until it is added here)."""
    token = world.token
    return {
        "MS-RequestId": st.one_of(st.uuids().map(str), header_value()),
        "MS-CorrelationId": st.one_of(st.uuids().map(str), header_value()),
        "MS-CV": st.one_of(st.just("bS6oSvYEkkuOSDjyuEl5PA.1"), header_value()),
        "Authorization": st.one_of(
            st.sampled_from(
                [
                    "",
                    "Bearer",
                    "Bearer ",
                    f"bearer {token}",
                    f"Bearer  {token}",
                    f"Bearer {token} extra",
                    f"Bearer {token}\xe9",
                    f"Bearer {token[:-1]}",
                    "Basic dXNlcjpwYXNz",
                    f"Token {token}",
                ]
            ),
            header_value().map(lambda v: f"Bearer {v}"),
            header_value(),
        ),
        "Content-Type": st.one_of(
            st.sampled_from(
                [
                    "application/json",
                    "application/json; charset=utf-8",
                    "application/json; charset=latin-1",
                    "application/json; charset=base64",
                    "application/json; charset=utf-16",
                    "application/json; charset=\xff",
                    "application/json; charset=",
                    "application/JSON",
                    "text/plain",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data",
                    "multipart/form-data; boundary=x",
                    "*/*",
                    "",
                ]
            ),
            header_value(),
        ),
        "Accept": st.one_of(
            st.sampled_from(
                [
                    "application/json",
                    "*/*",
                    "text/html",
                    "application/xml",
                    "",
                    "application/json;q=0",
                    "application/*",
                ]
            ),
            header_value(),
        ),
        "MS-ContinuationToken": tokens(world),
        "If-Match": st.one_of(st.just('"0123456789abcdef"'), header_value()),
    }


@pytest.mark.parametrize("key", list(ROUTES))
@HEADER_SETTINGS
@given(data=st.data())
def test_headers(api, world, key, data):
    route = ROUTES[key]
    method = data.draw(st.sampled_from([*methods_of(key), "options"]), label="method")
    sent = data.draw(headers(world), label="headers")
    write = route.writes.get(method)
    raw = json.dumps(write.body(world)).encode() if write else b""
    query = route.query(world)
    if "seekOperation" in documented(key, "get", "query") and data.draw(st.booleans()):
        query = {**query, "seekOperation": "Next"}  # so MS-ContinuationToken is read
    with example(f"api headers: {key}"):
        before = row_counts()
        response = send(api, method, fill(key, world), query=query, raw=raw, headers=sent)
        check(response, method=method, before=before, sent=(method, sent))


# --- The suite covers the API -----------------------------------------------------------------


def test_every_v1_route_is_fuzzed():
    """Each /v1/ URL pattern is in ROUTES, each of its writes with a valid body to spoil."""
    assert set(PATTERNS) - set(ROUTES) == set(), "add the new route to api_routes.ROUTES"
    assert set(ROUTES) - set(PATTERNS) == set(), "a route in api_routes.ROUTES is gone"
    for key in PATTERNS:
        writes = {m for m in methods_of(key) if m in UNSAFE}
        assert writes == set(ROUTES[key].writes), f"{key}: give each write a valid body"


def test_every_documented_parameter_has_a_strategy(world):
    query, header = set(query_params(world)) | {"filter"}, set(header_strategies(world))
    for key in PATTERNS:
        for method in methods_of(key):
            missing_query = set(documented(key, method, "query")) - query
            missing_header = set(documented(key, method, "header")) - header
            assert not missing_query, f"{method} {key}: no bad strategy for {missing_query}"
            assert not missing_header, f"{method} {key}: no bad strategy for {missing_header}"


def test_the_suite_runs_at_least_2000_examples():
    """The examples the bad-input suite asks for: max_examples of each property, times the
    cases it is parametrized with (the docstring's table)."""
    total = 0
    for module_path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(f"{__package__}.{module_path.stem}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("test_") or not hasattr(function, "hypothesis"):
                continue
            cases = 1
            for mark in getattr(function, "pytestmark", []):
                if mark.name == "parametrize":
                    cases *= len(mark.args[1])
            total += function._hypothesis_internal_use_settings.max_examples * cases
    assert total >= 2000, total

"""Odd query parameters on every page and API endpoint: the parsers' exact results, then every URL of
the URLconf and every operation of the API that declares query parameters, hit with odd values — no
5xx, and 400 (pages) / 422 (API) naming the parameter where the value does not parse.

The URLs come from the URLconf and the API's routers, so a new page or endpoint is covered as soon
as it declares its parameters; ``test_no_view_reads_the_query_string_by_hand`` makes declaring them
the only way to read one."""

import html
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from cityhall.core import params
from cityhall.core.api import api
from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY
from cityhall.plans import feeds
from cityhall.streetlights.registry.services import registry_build_from_seed


@pytest.fixture
def registry(db):
    """The streetlight registry built from the seed (the site pages need it)."""
    return registry_build_from_seed(actor=Actor.system("test:registry"))


ODD = [
    "--5",
    "-1",
    "+3",
    "99999999999999999999",
    "\x00",
    "0000-01-01",
    "2025-13-40",
    "",
    "２０２５",
    "abc",
]


# -- the parsers -------------------------------------------------------------------------------------


def parse_one(param: params.Param, raw: str | None):
    return params.parse({} if raw is None else {"x": raw}, {"x": param})["x"]


def problem(param: params.Param, raw: str) -> str:
    with pytest.raises(params.ParamError) as caught:
        parse_one(param, raw)
    return caught.value.errors["x"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("2025", 2025),
        (" 2025 ", 2025),
        ("２０２５", 2025),  # full-width digits are read after NFKC normalisation
        ("0", 0),
    ],
)
def test_int_reads(raw, expected):
    assert parse_one(params.Int(max=5000), raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("--5", "'--5'은(는) 정수가 아닙니다."),
        ("-1", "'-1': 부호(+, -) 없이 숫자만 입력하세요."),
        ("+3", "'+3': 부호(+, -) 없이 숫자만 입력하세요."),
        ("99999999999999999999", "99999999999999999999은(는) 범위를 벗어납니다. 0~5000 사이로 입력하세요."),
        ("9" * 40, "99999999999999999999…은(는) 범위를 벗어납니다. 0~5000 사이로 입력하세요."),
        ("5001", "5001은(는) 범위를 벗어납니다. 0~5000 사이로 입력하세요."),
        ("\x00", "제어 문자(NUL 등)는 쓸 수 없습니다."),
        ("20\x0025", "제어 문자(NUL 등)는 쓸 수 없습니다."),
        ("1_000", "'1_000'은(는) 정수가 아닙니다."),
        ("1 000", "'1 000'은(는) 정수가 아닙니다."),
        ("2.5", "'2.5'은(는) 정수가 아닙니다."),
        ("\u0662\u0660", "'\u0662\u0660'은(는) 정수가 아닙니다."),  # Arabic-Indic digits stay non-digits
        ("abc", "'abc'은(는) 정수가 아닙니다."),
        ("1,000", "'1,000'은(는) 정수가 아닙니다."),
    ],
)
def test_int_refuses(raw, message):
    assert problem(params.Int(max=5000), raw) == message


def test_int_signs_and_commas_only_where_declared():
    assert parse_one(params.Int(min=-10, max=10), "-3") == -3
    assert problem(params.Int(min=-10, max=10), "+3") == "'+3': 부호(+, -) 없이 숫자만 입력하세요."
    assert parse_one(params.Int(max=10**6, commas=True), "2,555") == 2555
    assert problem(params.Int(max=10**6, commas=True), "2,55") == "'2,55'은(는) 정수가 아닙니다."


def test_year_bounds_and_default():
    assert parse_one(params.Year(), "2024") == 2024
    assert parse_one(params.Year(default=2025), "") == 2025
    assert problem(params.Year(), "1899") == "1899은(는) 범위를 벗어납니다. 1900~2100 사이로 입력하세요."
    assert problem(params.Year(), "0000-01-01") == "'0000-01-01'은(는) 정수가 아닙니다."


def test_decimal():
    param = params.Decimal(min=Decimal("0.01"), max=Decimal(10))
    assert parse_one(param, "1.15") == Decimal("1.15")
    assert parse_one(param, "１.５") == Decimal("1.5")
    assert problem(param, "-1") == "'-1'은(는) 숫자가 아닙니다."
    assert problem(param, "1e3") == "'1e3'은(는) 숫자가 아닙니다."
    assert problem(param, "NaN") == "'NaN'은(는) 숫자가 아닙니다."
    assert problem(param, "0") == "0은(는) 범위를 벗어납니다. 0.01~10 사이로 입력하세요."
    assert problem(param, "9" * 19) == "'9999999999999999999'은(는) 너무 깁니다."


def test_date():
    param = params.Date()
    assert parse_one(param, "2025-04-15") == date(2025, 4, 15)
    assert parse_one(param, "２０２５-０４-１５") == date(2025, 4, 15)
    assert problem(param, "0000-01-01") == "0000-01-01은(는) 없는 날짜입니다."
    assert problem(param, "2025-13-40") == "2025-13-40은(는) 없는 날짜입니다."
    assert problem(param, "2025-02-29") == "2025-02-29은(는) 없는 날짜입니다."
    assert (
        problem(param, "1999-12-31")
        == "1999-12-31은(는) 범위를 벗어납니다. 2000-01-01~2100-12-31 사이로 입력하세요."
    )
    assert problem(param, "2025/04/15") == "'2025/04/15'은(는) 날짜가 아닙니다. 2025-04-15처럼 입력하세요."


def test_bool_choice_text():
    assert [parse_one(params.Bool(), v) for v in ("true", "1", "ON", "no", "")] == [
        True,
        True,
        True,
        False,
        None,
    ]
    assert problem(params.Bool(), "maybe") == "'maybe': true 또는 false로 입력하세요."
    choice = params.Choice(choices=("on", "off"))
    assert parse_one(choice, "off") == "off"
    assert problem(choice, "OFF") == "'OFF'은(는) 고를 수 있는 값이 아닙니다. 가능한 값: on, off"
    assert parse_one(params.Choice(choices=lambda: ["a"]), "a") == "a"
    assert parse_one(params.Text(max_length=3), " 가로등 ") == "가로등"
    assert problem(params.Text(max_length=3), "가로등길") == "3자 이하로 입력하세요."
    assert problem(params.Text(), "가로\x00등") == "제어 문자(NUL 등)는 쓸 수 없습니다."
    assert parse_one(params.Text(), "탭\t허용") == "탭\t허용"


def test_every_problem_at_once_named_by_label_and_parameter():
    spec = {"year": params.Year(label="연도"), "page": params.PAGE, "q": params.Text()}
    with pytest.raises(params.ParamError) as caught:
        params.parse({"year": "--5", "page": "0", "q": "ok"}, spec)
    assert caught.value.messages() == [
        "연도(year): '--5'은(는) 정수가 아닙니다.",
        "쪽(page): 0은(는) 범위를 벗어납니다. 1~1000000 사이로 입력하세요.",
    ]
    assert caught.value.api_detail() == [
        {"loc": ["query", "year"], "msg": "'--5'은(는) 정수가 아닙니다.", "type": "value_error"},
        {
            "loc": ["query", "page"],
            "msg": "0은(는) 범위를 벗어납니다. 1~1000000 사이로 입력하세요.",
            "type": "value_error",
        },
    ]


# -- what each odd value must give, by kind of parameter -------------------------------------------------


def parses(param: params.Param, raw: str) -> bool:
    """Whether ``raw`` is a valid value of ``param``, decided from its declaration (kind and bounds),
    not by running its parser."""
    if raw == "":
        return True
    if "\x00" in raw:
        return False
    if param.kind in {"int", "year"}:
        number = {"２０２５": 2025, "-1": -1}.get(raw)
        return number is not None and param.min <= number <= param.max
    if param.kind == "decimal":
        number = {"２０２５": 2025, "-1": -1}.get(raw)
        return number is not None and param.min <= number <= param.max
    if param.kind in {"date", "month"}:
        return False  # none of the odd values is a date or a month in range
    if param.kind == "bbox":
        return False  # none of the odd values is four numbers
    if param.kind in {"bool", "choice"}:
        return raw in (param.values() if param.kind == "choice" else ())
    return len(raw) <= param.max_length  # free text


# Parameters whose values a view checks beyond their declaration (the department's own groups).
CHECKED_BY_VIEW = {("organisation:department", "group"), ("documents:verify", "code")}


# -- pages ---------------------------------------------------------------------------------------------


def url_patterns(patterns=None, prefix="", namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback


# Path arguments for the pages that take some, by URL name: a new page with query parameters and
# path arguments fails ``test_every_page_with_query_parameters_is_covered`` until it has a sample.
SAMPLES = {
    "core:record_list": [{"type_slug": name.replace("_", "-")} for name in REGISTRY],
    "organisation:department": [{"code": "smart-city"}],
    "military:year": [{"year": "2025"}],  # no such year in the test database: the parameters are read first
    "pledges:review": [{"pk": "999999"}],  # no such round: the parameters are read first
    "participation:proposals": [{"code": "no-such-process"}],  # the parameters are read first
    "participation:proposals_map": [{"code": "no-such-process"}],  # the parameters are read first
    "plans:calendar_feed": [{"token": "viewer"}],
    "finance:execution_xlsx": [{"year": "2024"}],
    "finance:entrusted_score": [{"code": "no-such-evaluation"}],  # the parameters are read first
    "bus:gtfs_rt": [{"feed": "alerts"}],
    "finance:execution_hwpx": [{"year": "2024"}],
    "streetlights:site": [{"code": "HAGUN6"}],
    "streetlights:site_panel": [{"code": "HAGUN6"}],
    "streetlights:site_command": [{"code": "HAGUN6"}],
    "streetlights:site_schedule": [{"code": "HAGUN6"}],
    "gis:layer": [{"code": "no-such-layer"}],  # the parameters are read first
    "gis:tile": [{"collection_id": "streetlight-sites", "z": "8", "x": "218", "y": "98"}],
    "ogc:collection": [{"collection_id": "streetlight-sites"}],
    "ogc:items": [{"collection_id": "streetlight-sites"}],
    "ogc:item": [{"collection_id": "streetlight-sites", "feature_id": "HAGUN6"}],
}
STREETLIGHT_TYPES = {"streetlight-sites", "base-stations", "streetlights", "site-schedules", "repair-orders"}
POST_ONLY = {"streetlights:site_command", "streetlights:site_schedule"}


def pages_with_parameters():
    for route, name, callback in url_patterns():
        if getattr(callback, "query_params", None) is not None:
            yield route, name, callback


def page_cases():
    for route, name, _callback in pages_with_parameters():
        for kwargs in SAMPLES.get(name, [{}]):
            yield pytest.param(route, name, kwargs, id=f"{name}-{'-'.join(kwargs.values()) or 'plain'}")


def test_every_page_with_query_parameters_is_covered():
    names = {name for _route, name, _cb in pages_with_parameters()}
    assert names >= {
        "core:record_list",
        "dashboard:search",
        "organisation:diagnosis",
        "organisation:diagnosis_xlsx",
        "organisation:department",
        "plans:task_list",
        "plans:calendar",
        "plans:calendar_feed",
        "performance:overview",
        "streetlights:site",
        "streetlights:repairs",
        "streetlights:repair_export",
        "streetlights:energy",
        "streetlights:energy_xlsx",
    }
    for route, name, _callback in pages_with_parameters():
        if "<" in route:
            assert name in SAMPLES, f"{route}: add sample path arguments to SAMPLES"


# Every place in the code that reads a query parameter goes through ``cityhall.core.params``.
READS_BY_HAND = re.compile(r"\.GET(\.get\(|\[|\.getlist\()|\bQuery\[")


def test_no_view_reads_the_query_string_by_hand():
    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if "tests" not in path.parts and path.name != "params.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if READS_BY_HAND.search(line)
    ]
    assert offenders == []


def _url(route: str, kwargs: dict, user) -> str:
    path = route
    for key, value in kwargs.items():
        if key == "token":
            value = feeds.feed_token(user)
        path = re.sub(rf"<(\w+:)?{key}>", value, path)
    return "/" + path


@pytest.mark.parametrize(("route", "name", "kwargs"), list(page_cases()))
def test_odd_values_on_every_page(request, client, roles, route, name, kwargs):
    if name.startswith(("streetlights:", "ogc:")) or kwargs.get("type_slug") in STREETLIGHT_TYPES:
        request.getfixturevalue("registry")
    user = roles["director"]
    client.force_login(user)
    url = _url(route, kwargs, user)
    callback = resolve(url).func
    spec = callback.query_params
    spec = spec(**kwargs) if callable(spec) else spec
    send = client.post if name in POST_ONLY else client.get
    baseline = send(url).status_code
    assert baseline < 500
    for param_name, param in spec.items():
        for raw in ODD:
            if raw == "" and name not in POST_ONLY and param.default is None:
                continue  # blank is absent: the baseline
            response = send(f"{url}?{param_name}={_quote(raw)}")
            status = response.status_code
            assert status < 500, (url, param_name, raw)
            if (name, param_name) in CHECKED_BY_VIEW:
                assert status == (baseline if raw == "" else 400), (url, param_name, raw)
                continue
            if parses(param, raw):
                assert status != 400, (url, param_name, raw)
                continue
            assert status == 400, (url, param_name, raw, status)
            body = html.unescape(response.content.decode("utf-8", "replace"))
            assert f"({param_name}): " in body or f"{param_name}: " in body, (url, param_name, raw)


def _quote(raw: str) -> str:
    from urllib.parse import quote

    return quote(raw, safe="")


# -- the API -------------------------------------------------------------------------------------------


def api_operations():
    """(route, view function) of every GET operation of the API, from its URL patterns."""
    for route, _name, callback in url_patterns(api.urls[0]):
        cells = [c.cell_contents for c in getattr(callback, "__closure__", None) or ()]
        for path_view in (c for c in cells if hasattr(c, "operations")):
            for operation in path_view.operations:
                if "GET" in operation.methods:
                    yield route, operation.view_func


def test_every_documented_query_parameter_is_declared():
    """A GET endpoint listing query parameters in the OpenAPI document reads them through
    ``cityhall.core.params`` (ninja's own query parsing would apply other rules)."""
    declared: dict[str, set[str]] = {}
    for route, view in api_operations():
        path = "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        declared.setdefault(path, set()).update(getattr(view, "query_params", None) or ())
    missing = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        names = {p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"}
        if names - declared.get(path, set()):
            missing.append((path, sorted(names - declared.get(path, set()))))
    assert declared and missing == []


def api_cases():
    for route, view in api_operations():
        spec = getattr(view, "query_params", None)
        if spec:
            yield pytest.param(route, spec, id=route)


@pytest.mark.parametrize(("route", "spec"), list(api_cases()))
def test_odd_values_on_every_api_endpoint(registry, roles, route, spec):
    client = Client()
    client.force_login(roles["director"])
    url = "/api/v1/" + route
    ngsi = "ngsi-ld" in route
    assert client.get(url + ("?type=Streetlight" if ngsi else "")).status_code == 200
    for param_name, param in spec.items():
        for raw in ODD:
            query = f"{param_name}={_quote(raw)}" + (
                "&type=Streetlight" if ngsi and param_name != "type" else ""
            )
            response = client.get(f"{url}?{query}")
            assert response.status_code < 500, (url, param_name, raw)
            if parses(param, raw) or (ngsi and param_name == "type" and raw == ""):
                assert response.status_code in {200, 400 if ngsi else 200}, (url, param_name, raw)
                continue
            if ngsi:  # NGSI-LD's own error shape
                assert response.status_code == 400, (url, param_name, raw)
                assert f"({param_name}): " in response.json()["detail"]
                continue
            assert response.status_code == 422, (url, param_name, raw, response.content)
            assert [d["loc"] for d in response.json()["detail"]] == [["query", param_name]]


# -- the example, in both languages --------------------------------------------------------------


def test_the_records_year_example_is_a_korean_400(client, roles):
    client.force_login(roles["viewer"])
    response = client.get("/records/programs/?year=--5")
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "연도(year): '--5'은(는) 정수가 아닙니다." in body
    assert response.context["rows"] == []


def test_the_generic_400_page_in_english(client, roles):
    client.force_login(roles["viewer"])
    response = client.get("/performance/?year=%2B3", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "<h1>Bad request</h1>" in body
    assert "(year): '+3': enter digits only, without a sign (+, -)." in body


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/records/programs/99999999999999999999/", 404),
        ("/records/programs/99999999999999999999/history/", 404),
        ("/pledges/rounds/99999999999999999999/", 404),
        ("/api/v1/programs/99999999999999999999", 404),
        ("/api/v1/pledges/rounds/99999999999999999999/missing", 404),
        ("/api/v1/performance/allocation/99999999999999999999", 422),
    ],
)
def test_huge_numbers_in_paths_are_not_errors(client, roles, url, status):
    client.force_login(roles["director"])
    assert client.get(url).status_code == status

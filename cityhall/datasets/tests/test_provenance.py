"""Every value of every record against the source lines it cites: a value moved to a wrong line, or a
derived value whose rule does not hold, fails."""

import copy

import pytest

from cityhall.budget.models import FundingShare, Program
from cityhall.core.provenance import check_document, value_fields
from cityhall.core.records import REGISTRY
from cityhall.core.transfer import export_document, read_dataset, source_text

DATASET = "gimpo-2025"
SOURCE = source_text(DATASET)
DOC = read_dataset(DATASET)


def _doc():
    return copy.deepcopy(DOC)


def _find(doc, type_name, **match):
    found = [r for r in doc[type_name] if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (type_name, match, len(found))
    return found[0]


def _problems(doc):
    return [(f.type_name, f.field, f.value, f.lines, f.message) for f in check_document(doc, SOURCE)]


def test_every_value_stands_on_the_lines_its_record_cites():
    assert [str(f) for f in check_document(DOC, SOURCE)] == []


def test_the_exported_plan_keeps_its_provenance(db):
    """What `cityhall export` writes (money in won, numbers parsed) passes the same check."""
    exported = export_document()
    assert [str(f) for f in check_document(exported, SOURCE)] == []
    department = _find(exported, "org_units", code="policy-planning")
    assert department["lines"] == {"budget": 37, "duties": 37, "supernumerary": 29, "note": 29}


def test_the_check_looks_at_every_value_field():
    assert value_fields("org_units") == ["name", "duties", "budget", "supernumerary", "note"]
    assert value_fields("programs") == [
        "name",
        "year",
        "number",
        "executing_unit",
        "budget",
        "period",
        "scale",
        "note",
    ]
    assert value_fields("funding_shares") == ["amount", "percent", "note"]
    assert value_fields("equipment") == ["kind", "location", "count", "sites", "installed", "as_of", "note"]
    assert value_fields("positions") == ["quota", "current"]
    assert value_fields("figures") == ["value", "year"]
    assert value_fields("task_items") == ["heading", "text"]
    assert value_fields("work_plan_tasks") == ["number", "title", "goals"]
    assert value_fields("committees") == [
        "number",
        "name",
        "member_count",
        "chair",
        "purpose",
        "composition",
        "meeting_frequency",
    ]
    # Every record type of the dataset is looked at.
    assert all(value_fields(name) for name in DOC if name in REGISTRY and name != "committee_members")


def test_departments_cite_their_budget_duties_and_staffing_lines():
    cited = {u["code"]: u["lines"] for u in DOC["org_units"] if u.get("kind") == "department"}
    assert cited == {
        "policy-planning": {"budget": 37, "duties": 37, "supernumerary": 29, "note": 29},
        "budget-legal": {"budget": 38, "duties": 38, "supernumerary": 30},
        "info-comm": {"budget": 39, "duties": 39},
        "smart-city": {"budget": 40, "duties": 40, "supernumerary": 32},
    }


def test_values_cited_off_their_record_line():
    assert _find(DOC, "work_plan_tasks", code="policy-planning-2")["lines"] == {"goals": [443, 444]}
    assert _find(DOC, "work_plan_tasks", code="policy-planning-1")["lines"] == {"goals": 412}
    items = [i for i in DOC["achievement_items"] if i["achievement"] == "info-comm-a1" and i["order"] >= 4]
    assert {(i["line"], tuple(i["lines"]["text"])) for i in items} == {(302, (301, 302))}
    assert _find(DOC, "programs", code="smart-city-2024-1")["lines"] == {
        "budget": 369,
        "period": 367,
        "scale": 368,
    }
    assert _find(DOC, "programs", code="smart-city-2024-4")["lines"] == {
        "budget": 387,
        "period": 385,
        "scale": 386,
    }
    assert _find(DOC, "programs", code="policy-planning-noise-compensation")["lines"] == {
        "budget": 565,
        "scale": 564,
    }
    storage = _find(DOC, "programs", code="info-comm-storage-destruction")
    assert storage["lines"] == {"period": 910, "non_budget": 911, "scale": [912, 913]}
    other = _find(DOC, "equipment", system="cctv", kind="기타")
    assert other["lines"] == {"as_of": 145, "kind": 182, "note": 185}


def test_derived_values_are_marked_with_their_rule():
    marked = sorted(
        (name, field, rule["rule"])
        for name, records in DOC.items()
        if isinstance(records, list)
        for r in records
        for field, rule in (r.get("derived") or {}).items()
    )
    assert marked == sorted(
        [("committees", "number", "inferred")] * 3
        + [("equipment", "installed", "merged_cell")] * 4
        + [("facilities", "purpose", "merged_cell")]
        + [("programs", "executing_unit", "merged_cell")] * 5
        + [("programs", "parent", "children_sum")] * 4
        + [("programs", "budget", "sum")]
        + [("figures", "rule", "inferred"), ("figures", "label", "inferred")]
        + [("fibre_routes", "laid_year", "inferred")]
    )
    units = {
        r["line"]: r["derived"]["executing_unit"]["line"]
        for r in DOC["programs"]
        if "derived" in r and "executing_unit" in r["derived"]
    }
    assert units == {588: 587, 589: 587, 591: 590, 592: 590, 594: 593}
    expansion = _find(DOC, "programs", code="smart-city-cctv-2")
    assert (expansion["budget"], expansion["derived"]["budget"]["terms"]) == (
        "120백만원",
        ["36백만원", "84백만원"],
    )


def test_approximate_money_is_flagged_on_the_value(db):
    compensation = Program.objects.get(code="policy-planning-noise-compensation")
    assert (compensation.budget, compensation.budget_approximate, compensation.note) == (40_000_000, True, "")
    share = FundingShare.objects.get(program=compensation)
    assert (share.source, share.amount, share.amount_approximate, share.percent) == (
        "national",
        40_000_000,
        True,
        100,
    )
    assert list(Program.objects.filter(budget_approximate=True).values_list("code", flat=True)) == [
        "policy-planning-noise-compensation"
    ]
    assert FundingShare.objects.filter(amount_approximate=True).count() == 1


# -- the check fails when a value stands elsewhere ---------------------------------------------


def test_a_budget_cited_on_the_wrong_line_fails():
    doc = _doc()
    _find(doc, "org_units", code="policy-planning")["lines"]["budget"] = 38
    assert _problems(doc) == [("org_units", "budget", "750,548천원", (38,), "인용한 행에 이 값이 없습니다.")]


def test_a_value_falling_back_to_the_record_line_fails():
    doc = _doc()
    del _find(doc, "programs", code="smart-city-2024-2")["lines"]["budget"]
    assert _problems(doc) == [("programs", "budget", "100,000천원", (371,), "인용한 행에 이 값이 없습니다.")]


@pytest.mark.parametrize(
    ("type_name", "match", "field", "wrong"),
    [
        ("programs", {"code": "policy-planning-p1"}, "budget", "50,001천원"),  # money in 천원
        ("programs", {"code": "smart-city-cctv-1"}, "budget", "401백만원"),  # 백만원
        ("figures", {"key": "smart-city.its-phase2.budget.total"}, "value", "40.3억원"),  # 억원
        ("funding_shares", {"program": "smart-city-p9"}, "percent", 31),  # a percentage
        ("equipment", {"kind": "BIT"}, "count", 499),  # a count
        ("positions", {"org_unit": "info-comm", "grade": "g6"}, "current", 4),  # a quota/current cell
        ("milestones", {"task": "smart-city-2", "period": "2025. 3. ~ 4."}, "period", "2025. 3. ~ 5."),
        ("committees", {"code": "budget-legal-c6"}, "member_count", 42),
        ("work_plan_tasks", {"code": "smart-city-5"}, "title", "방범 CCTV 확대설치"),
    ],
)
def test_a_value_that_is_not_on_its_line_fails(type_name, match, field, wrong):
    doc = _doc()
    _find(doc, type_name, **match)[field] = wrong
    problems = [(p[0], p[1]) for p in _problems(doc)]
    expected = {
        # A sub-program's budget also breaks its parent's sum; a grade's cell is read as quota/current.
        "smart-city-cctv-1": [("programs", "budget"), ("programs", "parent"), ("programs", "parent")],
        "g6": [("positions", "quota"), ("positions", "current")],
    }
    key = match.get("code") or match.get("grade")
    assert problems == expected.get(key, [(type_name, field)])


def test_a_record_moved_to_a_neighbouring_line_fails_on_each_value():
    doc = _doc()
    _find(doc, "programs", code="policy-planning-p2")["line"] = 53
    assert [p[1] for p in _problems(doc)] == ["name", "number", "budget", "scale"]


def test_derived_values_are_checked_against_their_rule():
    doc = _doc()
    _find(doc, "programs", code="policy-planning-mas-2")["derived"]["executing_unit"]["line"] = 590
    _find(doc, "programs", code="smart-city-cctv-2")["derived"]["budget"]["terms"] = ["36백만원", "80백만원"]
    _find(doc, "programs", code="smart-city-cctv-4")["budget"] = "990백만원"
    _find(doc, "facilities", name="통신실")["derived"]["purpose"]["reason"] = ""
    assert sorted(_problems(doc)) == sorted(
        [
            (
                "facilities",
                "purpose",
                "김포시 정보시스템 및 통신환경의 안정성과 신뢰성 보장을 위한 접근통제시설",
                (115,),
                "추론 근거(reason)가 없습니다.",
            ),
            ("programs", "executing_unit", "월곶면", (588,), "병합 셀 590행에 이 값이 없습니다."),
            ("programs", "budget", "120백만원", (1162,), "항 80백만원이(가) 1162행에 없습니다."),
            (
                "programs",
                "parent",
                "smart-city-p11",
                (1163,),
                "하위 기록의 budget 합계 1390000000이(가) 상위 기록의 값과 다릅니다.",
            ),
            ("programs", "budget", "990백만원", (1164,), "인용한 행에 이 값이 없습니다."),
            (
                "programs",
                "parent",
                "smart-city-p11",
                (1164,),
                "하위 기록의 budget 합계 1390000000이(가) 상위 기록의 값과 다릅니다.",
            ),
        ]
    )


def test_citing_an_unknown_field_or_an_unknown_rule_fails():
    doc = _doc()
    _find(doc, "programs", code="policy-planning-p1")["lines"] = {"budjet": 51}
    _find(doc, "programs", code="policy-planning-p3")["derived"] = {
        "budget": {"rule": "guess", "reason": "x"}
    }
    assert [(p[0], p[1], p[4]) for p in _problems(doc)] == [
        ("programs", "budjet", "알 수 없는 필드를 인용합니다."),
        (
            "programs",
            "budget",
            "규칙은 merged_cell, sum, difference, children_sum, inferred 중 하나여야 합니다.",
        ),
    ]


# -- the format's bad paths ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "derived", "message"),
    [
        ({"budget": 0}, {}, "lines: budget: 출처 행은 양의 정수나 그 목록이어야 합니다."),
        ({"budget": [37, "38"]}, {}, "lines: budget: 출처 행은 양의 정수나 그 목록이어야 합니다."),
        ([37], {}, "lines: 값별 출처 행은 {필드: 행} 객체여야 합니다."),
        (
            {},
            {"budget": {"rule": "guess", "reason": "x"}},
            "derived: budget: 규칙(rule)은 merged_cell, sum, "
            "difference, children_sum, inferred 중 하나여야 합니다.",
        ),
        ({}, {"budget": {"rule": "inferred"}}, "derived: budget: 추론 근거(reason)가 필요합니다."),
    ],
)
def test_an_import_rejects_malformed_provenance(db, lines, derived, message):
    from cityhall.core.transfer import validate_document

    doc = _doc()
    record = _find(doc, "programs", code="policy-planning-p1")
    record["lines"], record["derived"] = lines, derived
    _, errors = validate_document(doc)
    assert errors == [f"programs[0] (policy-planning-p1): {message}"]

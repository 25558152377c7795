"""Whole-plan export and import: a round trip keeps every record; an invalid document loads nothing."""

import copy
import json

import pytest

from cityhall.budget.models import Program
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.records import REGISTRY
from cityhall.core.transfer import FORMAT, PlanImportError, export_document, import_document, read_dataset
from cityhall.organisation.models import OrgUnit

ACTOR = Actor.system("test:import")


@pytest.fixture(scope="module")
def exported(django_db_blocker):
    with django_db_blocker.unblock():
        return export_document()


def test_export_holds_every_record_type_and_record(db, exported):
    assert exported["format"] == FORMAT
    assert exported["document"]["code"] == "gimpo-2025"
    for name, rtype in REGISTRY.items():
        assert len(exported[name]) == rtype.model.objects.count(), name
    program = next(p for p in exported["programs"] if p["code"] == "smart-city-p1")
    assert program["budget"] == 18_054_000  # money in won
    assert program["org_unit"] == "smart-city"  # references by code
    assert program["period_start"] == "2025-01-01"
    json.dumps(exported, ensure_ascii=False)  # plain JSON


def test_export_matches_the_bundled_dataset_counts(db, exported):
    source = read_dataset("gimpo-2025")
    for name in REGISTRY:
        assert len(exported[name]) == len(source.get(name, [])), name


def test_round_trip_into_an_empty_database(empty_db, exported):
    report = import_document(exported, actor=ACTOR)
    assert report.counts["programs"] == len(exported["programs"])
    again = export_document()
    assert again == exported
    # The import is audited record by record, by the command that ran it.
    assert AuditEvent.objects.filter(actor="test:import", action="create").count() == sum(
        report.counts.values()
    )


def test_import_refuses_a_database_that_is_not_empty(db, exported):
    with pytest.raises(PlanImportError) as error:
        import_document(exported, actor=ACTOR)
    assert error.value.errors == [
        "데이터베이스가 비어 있지 않습니다. 빈 데이터베이스에만 가져올 수 있습니다."
    ]


def _broken(exported):
    doc = copy.deepcopy(exported)
    doc["programs"][0]["budget"] = "많이"
    doc["programs"][1]["org_unit"] = "no-such-unit"
    doc["positions"][0]["quota"] = -1
    doc["committees"][1]["code"] = doc["committees"][0]["code"]
    doc["milestones"][0]["period"] = "2025. 13."
    doc["people"][0]["surname"] = "x"
    doc["figures"][0]["rule"] = {"count": "nothing"}
    doc["task_items"][0]["kind"] = "wish"
    doc["funding_shares"][0].pop("source")
    doc["unknown_things"] = []
    return doc


def test_invalid_document_lists_every_error_by_record_and_loads_nothing(empty_db, exported):
    doc = _broken(exported)
    with pytest.raises(PlanImportError) as error:
        import_document(doc, actor=ACTOR)
    errors = error.value.errors
    first_program = doc["programs"][0]["code"]
    bad_money = "금액 '많이'을(를) 읽을 수 없습니다. 예: 750,548천원, 102백만원, 1.2억원"
    assert f"programs[0] ({first_program}): budget: {bad_money}" in errors
    assert any(
        e.startswith("programs[1]") and "org_unit: 코드 'no-such-unit'인 기구이(가) 없습니다." in e
        for e in errors
    )
    assert any(e.startswith("positions[0]: quota:") for e in errors)
    assert any(e.startswith("committees[1]") and "code: 같은 코드가 이미 있습니다" in e for e in errors)
    assert any(e.startswith("milestones[0]: period: 기간 '2025. 13.'") for e in errors)
    assert any(e.startswith("people[0]") and "surname: 알 수 없는 필드입니다." in e for e in errors)
    assert any(e.startswith("figures[0]: rule:") and "nothing" in e for e in errors)
    assert any(e.startswith("task_items[0]: kind:") for e in errors)
    assert "funding_shares[0]: source: 필수 항목입니다." in errors
    assert "unknown_things: 알 수 없는 기록 유형입니다." in errors
    assert len(errors) == 10
    for rtype in REGISTRY.values():
        assert not rtype.model.objects.exists(), rtype.name
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "문서는 JSON 객체여야 합니다."),
        ({"format": "other/9"}, "format: 'other/9'은(는) 지원하지 않는 형식입니다 (cityhall.plan/1)."),
        ({"programs": {"a": 1}}, "programs: 기록 목록(list)이어야 합니다."),
        ({"programs": ["x"]}, "programs[0]: __all__: 기록은 객체(JSON object)여야 합니다."),
        ({"document": {"title": "t", "colour": "red"}}, "document.colour: 알 수 없는 필드입니다."),
    ],
)
def test_malformed_documents(empty_db, doc, message):
    with pytest.raises(PlanImportError) as error:
        import_document(doc, actor=ACTOR)
    assert message in error.value.errors


def test_a_cycle_of_parents_is_an_error(empty_db):
    doc = {
        "org_units": [
            {"code": "a", "name": "A", "kind": "department", "parent": "b"},
            {"code": "b", "name": "B", "kind": "department", "parent": "a"},
        ]
    }
    with pytest.raises(PlanImportError) as error:
        import_document(doc, actor=ACTOR)
    assert any("순환" in e for e in error.value.errors)
    assert not OrgUnit.objects.exists()


def test_parents_may_come_after_their_children(empty_db):
    doc = {
        "org_units": [
            {"code": "team", "name": "팀", "kind": "team", "parent": "dept"},
            {"code": "dept", "name": "과", "kind": "department"},
        ],
        "programs": [
            {"code": "p", "name": "사업", "org_unit": "team", "group": "main", "budget": "1,000천원"}
        ],
    }
    import_document(doc, actor=ACTOR)
    assert OrgUnit.objects.get(code="team").parent.code == "dept"
    assert Program.objects.get(code="p").budget == 1_000_000

"""Reform cases through the generic record services (with the app's rules) and the dashboard."""

import pytest

from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid, record_create
from cityhall.organisation.models import Role
from cityhall.reform import selectors, services
from cityhall.reform.models import ContestEntry, RegulationCase

SYSTEM = Actor.system("test")
CASE = {
    "code": "case-x",
    "title": "과제",
    "department": "policy-planning",
    "source": "citizen_report",
    "regulation": "규제",
    "legal_basis": "법 제1조",
    "improvement": "ministry_proposal",
    "ministry": "국방부",
    "found_on": "2025-03-01",
}


def test_samples_and_dashboard(db):
    assert services.samples_load() == 4
    assert services.samples_load() == 0
    board = selectors.dashboard(2025)
    assert (board.total, board.proposals, board.accepted) == (4, 2, 1)
    assert [c.code for c in board.awaiting] == ["reform-sample-02"]
    entries = list(selectors.contests(2025)[0].entries.all())
    assert [e.award for e in entries] == ["gold", "silver"] and ContestEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ministry": ""}, "__all__", "중앙부처 건의는 소관 부처를 적습니다."),
        (
            {"improvement": "self_fix", "ministry": "", "answer": "accepted"},
            "answer",
            "자체 개선 과제에는 부처 회신이 없습니다.",
        ),
        ({"answer": "accepted"}, "proposed_on", "회신을 적으려면 건의일이 필요합니다."),
        ({"status": "done"}, "__all__", "개선 완료에는 완료일이 필요합니다."),
    ],
)
def test_case_rules(db, change, field, message):
    with pytest.raises(RecordInvalid) as exc:
        record_create(rtype=REGISTRY["regulation_cases"], data={**CASE, **change}, actor=SYSTEM)
    assert message in exc.value.errors[field]
    assert not RegulationCase.objects.filter(code="case-x").exists()


def test_planning_edits_other_departments_do_not(db, make_user):
    from django.core.exceptions import PermissionDenied

    planner = make_user("pp-editor", Role.EDITOR, "policy-planning")
    record_create(rtype=REGISTRY["regulation_cases"], data=CASE, actor=Actor.for_user(planner))
    other = make_user("sc-editor", Role.EDITOR, "smart-city")
    with pytest.raises(PermissionDenied):
        record_create(
            rtype=REGISTRY["regulation_cases"], data={**CASE, "code": "case-y"}, actor=Actor.for_user(other)
        )

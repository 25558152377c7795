"""The plan consistency check finds exactly the seed's real inconsistencies, and only those."""

import json
from decimal import Decimal

import pytest

from cityhall import cli
from cityhall.budget.models import FundingShare
from cityhall.plans.checks import CheckError, agrees, check_plan, plan_notes, validate_check
from cityhall.plans.models import Figure

GIMPO_MISMATCHES = [
    ("figure", 586, "군부대 주변지역 지원사업 시비 합계", "242,000천원", "252,000천원"),
    ("figure", 586, "군부대 주변지역 지원사업 도비 합계", "242,000천원", "252,000천원"),
    ("funding-split", 591, "용정1리 배수로 정비 사업 재원", "20,000천원", "40,000천원"),
]


NOTE_OUTPUT = (
    "참고 1건:\n"
    "  [261행 II.2] 제3기 주민참여예산위원회 위원 수: 기재 42명, 계산 45명 — "
    "해당 위원회 1건의 '위원수' 값와(과) 다릅니다. 오류가 아니라 참고로 알립니다.\n"
)


def test_gimpo_plan_has_exactly_the_military_area_support_typo(db):
    found = [(m.rule, m.line, m.label, m.stated, m.expected) for m in check_plan()]
    assert found == GIMPO_MISMATCHES


def test_a_consistent_plan_reports_nothing(db):
    # 용정1리: 합계 20,000 = 도비 10,000 + 시비 10,000 makes the table add up.
    FundingShare.objects.filter(program__code="policy-planning-mas-5").update(amount=10_000_000)
    assert check_plan() == []


def test_a_restated_figure_that_disagrees_is_reported(db):
    figure = Figure.objects.filter(key="streetlights.count").order_by("line").last()
    Figure.objects.filter(pk=figure.pk).update(value=639)
    found = [m for m in check_plan() if m.key == "streetlights.count"]
    assert {m.rule for m in found} >= {"restatement", "figure"}
    assert all(m.line == figure.line and m.stated == "639대" for m in found)


def test_a_total_that_disagrees_with_its_rows_is_reported(db):
    Figure.objects.filter(key="office.staff.quota").update(value=83)
    found = [m for m in check_plan() if m.key == "office.staff.quota"]
    assert found and all(m.expected == "82명" for m in found if m.rule == "figure")


def test_a_broken_rule_is_reported_not_raised(db):
    figure = Figure.objects.filter(rule__isnull=False).first()
    Figure.objects.filter(pk=figure.pk).update(rule={"sum_of": ["no.such.key"]})
    found = [m for m in check_plan() if m.rule == "invalid-check"]
    assert len(found) == 1 and "no.such.key" in found[0].message


@pytest.mark.parametrize(
    ("stated", "computed", "precision", "ok"),
    [
        ("39.4", "39.49790794979079", "0.1", True),  # truncated, as 472/1,195 is written
        ("39.5", "39.49790794979079", "0.1", True),  # rounded
        ("39.3", "39.49790794979079", "0.1", False),
        ("16", "16.0714", "1", True),
        ("102000000", "102000000", "1000000", True),
        ("7000000", "7248000", "1000000", True),  # 7백만원 for 7,248천원
        ("8000000", "7248000", "1000000", False),
        ("242000000", "252000000", "1000", False),
    ],
)
def test_agrees(stated, computed, precision, ok):
    assert agrees(Decimal(stated), Decimal(computed), Decimal(precision)) is ok


def test_check_plan_command_reports_lines_and_values(db, capsys):
    assert cli.main(["check-plan"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "계획 수치 불일치 3건:"
    assert out.endswith(NOTE_OUTPUT)  # the notes follow the errors
    assert "[591행 IV.1.6] 용정1리 배수로 정비 사업 재원: 기재 20,000천원, 계산 40,000천원" in out


def test_check_plan_command_json(db, capsys):
    assert cli.main(["check-plan", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(d["line"], d["stated"], d["expected"], d["severity"]) for d in data] == [
        (586, "242,000천원", "252,000천원", "error"),
        (586, "242,000천원", "252,000천원", "error"),
        (591, "20,000천원", "40,000천원", "error"),
        (261, "42명", "45명", "note"),
    ]


def test_check_plan_command_passes_a_consistent_plan_and_prints_only_its_notes(db, capsys):
    FundingShare.objects.filter(program__code="policy-planning-mas-5").update(amount=10_000_000)
    assert cli.main(["check-plan"]) == 0
    assert capsys.readouterr().out == NOTE_OUTPUT


def test_check_plan_command_is_silent_with_neither_errors_nor_notes(db, capsys):
    FundingShare.objects.filter(program__code="policy-planning-mas-5").update(amount=10_000_000)
    Figure.objects.filter(key="budget-legal.participatory-budget.committee-members.2024").update(value=45)
    assert cli.main(["check-plan"]) == 0
    assert capsys.readouterr().out == ""


def test_a_percent_share_that_disagrees_with_its_amount_is_reported(db):
    # 상하수도 정보 수정 갱신: 국비 30% of 833,334천원 is 250,000천원 (IV.4.4); 260,000 is not.
    FundingShare.objects.filter(program__code="smart-city-p9", source="national").update(amount=260_000_000)
    found = [(m.rule, m.stated, m.expected) for m in check_plan() if m.key == "programs.smart-city-p9"]
    assert ("share-percent", "260,000천원", "250,000천원") in found


def test_parts_that_do_not_add_up_to_their_program_are_reported(db):
    from cityhall.budget.models import Program

    # 방법CCTV 확대설치 520,000 = 북부권 400,000 + 확대설치 120,000 (IV.4.5); make one part 130,000.
    Program.objects.filter(code="smart-city-cctv-2").update(budget=130_000_000)
    found = [(m.rule, m.stated, m.expected) for m in check_plan() if m.key == "programs.smart-city-p12"]
    assert found == [("parts-sum", "520,000천원", "530,000천원")]


# -- notes: differences the plan may mean -----------------------------------------------------


def test_the_participatory_budget_committee_is_a_note_not_an_error(db):
    """주민참여예산 위원회 has 45 members (I.3, line 90); its 3rd term was formed with 42 (II.2, line 261)."""
    notes = [(m.rule, m.severity, m.line, m.section, m.label, m.stated, m.expected) for m in plan_notes()]
    assert notes == [("note", "note", 261, "II.2", "제3기 주민참여예산위원회 위원 수", "42명", "45명")]
    assert all(m.severity == "error" for m in check_plan())


def test_a_note_rule_is_validated_like_any_rule():
    validate_check({"value": "committees.member_count", "where": {"code": "x"}, "severity": "note"})
    with pytest.raises(CheckError, match="severity"):
        validate_check({"value": "committees.member_count", "severity": "warning"})


def test_a_note_that_agrees_is_not_reported(db):
    from cityhall.committees.models import Committee

    Committee.objects.filter(code="budget-legal-c6").update(member_count=42)
    assert plan_notes() == []


# -- sums the seed states without a total row ------------------------------------------------


def test_new_cctv_sites_14_are_10_plus_4(db):
    """I.3 line 141: 신규설치 14개소 = IV.4.5 북부권 10개소 (1161) + 확대설치 4개소 (1162)."""
    total = Figure.objects.get(key="smart-city.cctv-expansion.new-sites")
    assert (total.value, total.line, total.rule) == (
        14,
        141,
        {"sum_of": ["smart-city.cctv-expansion.northern.sites", "smart-city.cctv-expansion.expansion.sites"]},
    )
    Figure.objects.filter(key="smart-city.cctv-expansion.northern.sites").update(value=11)
    found = [(m.rule, m.line, m.stated, m.expected) for m in check_plan() if m.key == total.key]
    assert found == [("figure", 141, "14개소", "15개소")]


def test_intelligent_cctv_licences_1400_are_400_plus_1000(db):
    """I.3 line 140: 라이선스 1,400조 = IV.4.5 지능형 관제 S/W 400개 (1163) + 방법형 1,000개 (1164)."""
    total = Figure.objects.get(key="smart-city.intelligent-cctv.licenses")
    assert (total.value, total.line) == (1400, 140)
    Figure.objects.filter(key="smart-city.intelligent-cctv.expansion.units").update(value=900)
    found = [(m.rule, m.line, m.stated, m.expected) for m in check_plan() if m.key == total.key]
    assert found == [("figure", 140, "1,400조", "1,300조")]

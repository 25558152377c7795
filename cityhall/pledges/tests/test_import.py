"""The XLSX import of the real pledge list: a good workbook replaces the samples; a bad one is refused
with its errors by row and nothing written."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.pledges import services
from cityhall.pledges.importer import PledgeImportError, pledge_import_xlsx
from cityhall.pledges.models import Pledge

HEADER = [
    "번호",
    "코드",
    "공약명",
    "구분",
    "주관부서",
    "협조부서",
    "목표",
    "사업비",
    "추진상황",
    "사유",
    "진척률",
    "공개",
]


def workbook(rows, header=HEADER) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


GOOD = [
    [
        1,
        "",
        "첫째 공약",
        "시 선도사업",
        "smart-city",
        "info-comm, 예산법무과",
        "목표 1",
        "50,000천원",
        "정상추진",
        "",
        40,
        "Y",
    ],
    [2, "p-two", "둘째 공약", "부서 중점사업", "정책기획과", "", "", 1200000, "이행완료", "", 100, ""],
    [3, "", "셋째 공약", "부서 중점사업", "info-comm", None, None, None, "보류", "예산 미확보", 10, "N"],
]


@pytest.fixture
def planner(roles):
    return Actor.for_user(roles["other_editor"])


def test_good_workbook_replaces_the_samples(db, planner):
    services.pledges_load_sample()
    assert pledge_import_xlsx(workbook(GOOD), planner) == 3
    assert list(
        Pledge.objects.values_list("code", "number", "status", "progress", "budget", "public", "sample")
    ) == [
        ("pledge-01", 1, "on_track", 40, 50_000_000, True, False),
        ("p-two", 2, "completed", 100, 1_200_000, True, False),
        ("pledge-03", 3, "on_hold", 10, None, False, False),
    ]
    first = Pledge.objects.get(number=1)
    assert first.lead_department.code == "smart-city"
    assert sorted(first.cooperating_departments.values_list("code", flat=True)) == [
        "budget-legal",
        "info-comm",
    ]
    assert AuditEvent.objects.filter(record_type="pledges", action="delete").count() == 56
    assert AuditEvent.objects.filter(record_type="pledges", action="create", actor="pp-editor").count() == 3
    # Importing the same workbook again changes nothing.
    assert pledge_import_xlsx(workbook(GOOD), planner) == 3
    assert AuditEvent.objects.filter(record_type="pledges", action="update").count() == 0


def test_bad_workbook_lists_errors_by_row_and_writes_nothing(db, planner):
    services.pledges_load_sample()
    bad = [
        GOOD[0],
        [1, "", "", "기타", "없는과", "없는협조", "", "abc", "진행중", "", 150, "예"],
        [4, "", "넷째", "부서 중점사업", "smart-city", "", "", "", "부진", "", 30, ""],
        [5, "", "다섯째", "부서 중점사업", "smart-city", "", "", "", "이행완료", "", 90, ""],
    ]
    with pytest.raises(PledgeImportError) as caught:
        pledge_import_xlsx(workbook(bad), planner)
    errors = caught.value.errors
    assert errors[0] == "3행: 번호 1이(가) 2행과 겹칩니다."
    assert "3행: 공약명이 비어 있습니다." in errors
    assert "3행: 구분 '기타'은(는) 시 선도사업 또는 부서 중점사업이어야 합니다." in errors
    assert "3행: 주관부서 '없는과'을(를) 찾을 수 없습니다." in errors
    assert "3행: 협조부서 '없는협조'을(를) 찾을 수 없습니다." in errors
    assert any(e.startswith("3행: 사업비:") for e in errors)
    assert "3행: 진척률은 0에서 100 사이의 정수여야 합니다." in errors
    assert "3행: 공개는 Y 또는 N이어야 합니다." in errors
    assert "4행: 부진·보류·폐기에는 사유를 적어야 합니다." in errors
    assert "5행: 이행완료인 공약의 진척률은 100이어야 합니다." in errors
    assert Pledge.objects.count() == 56 and Pledge.objects.filter(sample=True).count() == 56
    assert not AuditEvent.objects.filter(record_type="pledges", action="delete").exists()


def test_missing_columns_and_non_workbooks_are_refused(db, planner):
    with pytest.raises(PledgeImportError) as caught:
        pledge_import_xlsx(workbook([[1, "x"]], header=["번호", "공약명"]), planner)
    assert caught.value.errors == ["1행: 필수 열이 없습니다: 구분, 주관부서, 추진상황, 진척률"]
    with pytest.raises(PledgeImportError, match="XLSX 파일을 읽을 수 없습니다"):
        pledge_import_xlsx(BytesIO(b"not a workbook"), planner)
    with pytest.raises(PledgeImportError, match="한 건도 없습니다"):
        pledge_import_xlsx(workbook([]), planner)


def test_only_the_planning_team_imports(db, roles):
    with pytest.raises(PermissionDenied):
        pledge_import_xlsx(workbook(GOOD), Actor.for_user(roles["editor"]))
    assert not Pledge.objects.exists()

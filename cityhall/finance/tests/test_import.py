"""The ledger import: all or nothing, errors by row in Korean, a month replaced alone, closed months
refused, totals checked, audited; only the budget staff import."""

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.finance.execution.importer import ExecutionImportError, execution_import, execution_month_close
from cityhall.finance.execution.selectors import overview
from cityhall.finance.models import BudgetLine, BudgetProgram, Execution, ExecutionMonth
from cityhall.organisation.models import Role

from .helpers import YEAR, csv_bytes, line, two_lines, xlsx_bytes

SYSTEM = Actor.system("test")


def _import(content, month=1, actor=SYSTEM):
    return execution_import(year=YEAR, month=month, content=content, file_name="t.csv", actor=actor)


@pytest.fixture
def budget_editor(make_user):
    return make_user("bl-editor", Role.EDITOR, "budget-legal")


def test_a_good_file_builds_the_structure_and_the_month(db):
    result = _import(csv_bytes(two_lines(), total=(4_000_000, 400_000)))
    assert (result.rows, result.replaced, result.new_lines) == (2, 0, 2)
    assert BudgetProgram.objects.filter(name__in=["정책 가", "단위 가", "세부 A", "세부 B"]).count() == 4
    detail = BudgetProgram.objects.get(name="세부 A")
    assert (detail.level, detail.parent.name, detail.parent.parent.name) == ("detail", "단위 가", "정책 가")
    assert detail.department.code == "budget-legal" and detail.sector.parent.name == "일반공공행정"
    m = ExecutionMonth.objects.get(year=YEAR, month=1)
    assert (m.code, m.rows, m.current_budget, m.executed) == ("2030-01", 2, 4_000_000, 400_000)
    assert (
        AuditEvent.objects.filter(record_type="execution_months", record_id=m.pk, action="create").count()
        == 1
    )
    o = overview(YEAR, 1)
    assert (o.total.budget, o.total.executed, str(o.total.standing.rate)) == (4_000_000, 400_000, "10.00")


def test_xlsx_reads_like_csv(db):
    assert _import(xlsx_bytes(two_lines())).rows == 2


def test_cp949_csv_is_read(db):
    assert _import(csv_bytes(two_lines(), encoding="cp949")).rows == 2


def test_errors_are_listed_by_row_and_nothing_is_written(db):
    rows = [
        line("A-1", 1_000_000, 300_000),
        line("A-1", 1_000_000, 1),  # duplicate code
        line("C-1", "천만원", -5, source="구비", nature="경상"),
    ]
    with pytest.raises(ExecutionImportError) as caught:
        _import(csv_bytes(rows))
    assert caught.value.rows == [
        "3행: 과목코드 'A-1'이(가) 2행과 겹칩니다.",
        "4행: 재원 '구비'은(는) 쓸 수 없습니다 (국비, 도비, 시비, 특별교부세, 특별조정교부금).",
        "4행: 성질 '경상'은(는) 소비·투자·기타 중 하나여야 합니다.",
        "4행: 예산현액 '천만원'은(는) 0 이상의 원 단위 정수여야 합니다.",
        "4행: 집행액 '-5'은(는) 0 이상의 원 단위 정수여야 합니다.",
    ]
    assert not BudgetLine.objects.filter(year=YEAR).exists()
    assert not Execution.objects.filter(month__year=YEAR).exists()
    assert not BudgetProgram.objects.filter(name="세부 A").exists()


def test_missing_columns_are_named(db):
    with pytest.raises(ExecutionImportError) as caught:
        _import(csv_bytes(two_lines(), columns=("과목코드", "회계", "예산현액")))
    assert caught.value.rows == [
        "1행: 필수 열이 없습니다: 분야, 부문, 정책사업, 단위사업, 세부사업, 부서, 재원, 성질, 집행액"
    ]


def test_a_total_that_does_not_add_up_is_refused(db):
    with pytest.raises(ExecutionImportError) as caught:
        _import(csv_bytes(two_lines(), total=(4_000_000, 400_001)))
    assert caught.value.rows == ["4행: 합계의 집행액 400001원이 행의 합 400,000원과 다릅니다."]
    assert not ExecutionMonth.objects.filter(year=YEAR, rows__gt=0).exists()


def test_running_total_may_not_pass_the_budget(db):
    _import(csv_bytes(two_lines((800_000, 0))), month=1)
    with pytest.raises(ExecutionImportError) as caught:
        _import(csv_bytes(two_lines((300_000, 0))), month=2)
    assert caught.value.rows == [
        "2행: 집행액 누계 1,100,000원(전월까지 800,000원)이 예산현액 1,000,000원을 넘습니다."
    ]


def test_reimport_replaces_that_month_only(db):
    _import(csv_bytes(two_lines((100_000, 200_000))), month=1)
    _import(csv_bytes(two_lines((50_000, 60_000))), month=2)
    result = _import(csv_bytes(two_lines((110_000, 0))), month=2)
    assert result.replaced == 2
    by_month = {
        (e.month.month, e.line.ledger_code): e.executed for e in Execution.objects.filter(month__year=YEAR)
    }
    assert by_month == {(1, "A-1"): 100_000, (1, "B-1"): 200_000, (2, "A-1"): 110_000, (2, "B-1"): 0}
    m2 = ExecutionMonth.objects.get(year=YEAR, month=2)
    assert (
        AuditEvent.objects.filter(record_type="execution_months", record_id=m2.pk, action="update").count()
        == 1
    )
    assert overview(YEAR, 2).total.executed == 410_000


def test_a_closed_month_is_refused_and_unchanged(db):
    _import(csv_bytes(two_lines()), month=1)
    execution_month_close(year=YEAR, month=1, actor=SYSTEM)
    with pytest.raises(ExecutionImportError) as caught:
        _import(csv_bytes(two_lines((1, 1))), month=1)
    assert caught.value.rows == ["2030년 1월은 마감되어 다시 가져올 수 없습니다."]
    assert sorted(Execution.objects.filter(month__year=YEAR).values_list("executed", flat=True)) == [
        100_000,
        300_000,
    ]


def test_only_the_budget_staff_import(db, roles, budget_editor):
    with pytest.raises(PermissionDenied):
        _import(csv_bytes(two_lines()), actor=Actor.for_user(roles["editor"]))
    assert not ExecutionMonth.objects.filter(year=YEAR).exists()
    assert _import(csv_bytes(two_lines()), actor=Actor.for_user(budget_editor)).rows == 2
    assert _import(csv_bytes(two_lines()), month=2, actor=Actor.for_user(roles["director"])).rows == 2


def test_targets_make_lines_behind(db):
    from decimal import Decimal

    from cityhall.finance.models import ExecutionTarget

    for quarter, percent in enumerate((30, 60, 75, 90), start=1):
        ExecutionTarget.objects.create(
            year=YEAR, quarter=quarter, scope="consumption", percent=Decimal(percent)
        )
        ExecutionTarget.objects.create(
            year=YEAR, quarter=quarter, scope="investment", percent=Decimal(percent)
        )
    _import(csv_bytes(two_lines((50_000, 400_000))), month=1)
    o = overview(YEAR, 1)
    # Month 1 expects 10 %: A-1 has 5 % of 1,000,000 (50,000 short of 100,000); B-1 13.33 % (ahead).
    assert [(g.label, g.standing.shortfall) for g in o.behind] == [("세부 A", 50_000)]
    assert str(o.total.standing.expected) == "10.00"


def test_a_later_month_moves_the_current_budget_an_earlier_one_does_not(db):
    _import(csv_bytes(two_lines()), month=2)
    changed = [line("A-1", 1_500_000, 0), two_lines()[1]]
    _import(csv_bytes(changed), month=3)  # 추경: A-1's budget grows
    _import(csv_bytes(two_lines((0, 0))), month=1)  # an earlier month leaves the latest budget alone
    assert BudgetLine.objects.get(year=YEAR, ledger_code="A-1").current_budget == 1_500_000
    assert overview(YEAR, 3).total.budget == 4_500_000 and overview(YEAR, 2).total.budget == 4_000_000

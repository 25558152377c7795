"""The sample data (예시) reproduces the seed's figures exactly (II.2, lines 244–268)."""

from decimal import Decimal

from django.db.models import Sum

from cityhall.core.audit import Actor
from cityhall.finance.evaluation import selectors as evaluation
from cityhall.finance.execution import selectors as execution
from cityhall.finance.grants import selectors as grants
from cityhall.finance.models import PeerRanking, PriorityPlan, ProgramEvaluation, SavingsClaim
from cityhall.finance.priorities import selectors as priorities
from cityhall.finance.services import finance_load_sample


def test_the_sample_reproduces_the_seed(db):
    finance_load_sample(actor=Actor.system("test"))

    # line 267: 예산현액 20,945억원의 87.01% 집행
    o = execution.overview(2024)
    assert (o.month, o.total.budget, o.total.executed) == (12, 2_094_500_000_000, 1_822_424_450_000)
    assert o.total.standing.rate == Decimal("87.01")
    # line 268: 4분기 소비투자 1,230억 (소비 414억, 투자 816억)
    assert o.quarters["소비"][3] == 41_400_000_000 and o.quarters["투자"][3] == 81_600_000_000
    # line 269: 적극집행 경기도 내 17위 / 4분기 소비투자 4위
    assert sorted(PeerRanking.objects.filter(year=2024).values_list("rank", "line")) == [(4, 269), (17, 269)]
    assert o.behind_count > 0  # the sample has lines behind the 예시 targets

    # line 244: 102개 중 14개
    board = priorities.board(PriorityPlan.objects.get(code="sample-priorities-2024"))
    assert (len(board.ranked), sum(r.selected for r in board.ranked), board.weights_total) == (102, 14, 100)
    assert all(r.explanation for r in board.ranked)

    # lines 249–250: 특교세 14 / 41.37억, 특조금 10 / 102.51억, 공모사업 37 선정
    totals = {t.kind: (t.selected, t.amount) for t in grants.totals(2024)}
    assert totals["special_grant"] == (14, 4_137_000_000)
    assert totals["special_adjustment_grant"] == (10, 10_251_000_000)
    assert totals["competitive"][0] == 37

    # line 257: 186개 평가, 미흡·매우미흡 감액 등
    report = evaluation.report(2024)
    assert len(report.rows) == ProgramEvaluation.objects.count() == 186
    assert all(r.keeps_rule and r.outcome for r in report.rows)
    assert report.cut_total > 0

    # line 256: '23회계연도 8개 사업 10,601백만원
    claims = SavingsClaim.objects.filter(fiscal_year=2023)
    assert claims.count() == 8 and claims.aggregate(s=Sum("amount"))["s"] == 10_601_000_000
    assert set(claims.values_list("state", flat=True)) == {"paid"}

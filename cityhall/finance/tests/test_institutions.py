"""지방공공기관: the 경영공시 calendar and its completeness, the 위수탁 scoring (rules, the screen, bad
sheets refused whole), and the peer-data import (all or nothing, errors by row)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.finance.analysis.importer import PeerImportError, peer_import
from cityhall.finance.analysis.selectors import peer_comparisons
from cityhall.finance.analysis.services import analysis_load_sample
from cityhall.finance.institutions import scoring, selectors, services
from cityhall.finance.models import (
    DisclosureItem,
    EntrustedEvaluation,
    EntrustedScore,
    FiscalIndicator,
    PeerValue,
)
from cityhall.organisation.models import Role

SYSTEM = Actor.system("test")
TODAY = date(2025, 8, 1)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", TODAY.isoformat())


@pytest.fixture
def sample(db):
    services.institutions_load_sample(actor=SYSTEM)


@pytest.fixture
def budget_editor(make_user):
    return make_user("bl-editor", Role.EDITOR, "budget-legal")


# -- 경영공시 ---------------------------------------------------------------------------------------


def test_disclosure_completeness_is_computed_from_the_calendar(sample):
    rows, completeness = selectors.disclosure_calendar(2025, TODAY)
    assert len(rows) == 18  # 3 institutions × 6 items (예시)
    by_name = {c.institution.name: c for c in completeness}
    corp = by_name["김포도시관리공사"]
    # Due by 2025-08-01: 4 items; 3 on time, 1 late (고객만족도 on 8-04 > 7-31), the 2 October ones upcoming.
    assert (corp.due, corp.on_time, corp.late, corp.overdue, corp.upcoming) == (4, 3, 1, 0, 2)
    assert corp.percent == Decimal("100.0")
    funded2 = by_name["예시 출연기관 2"]
    assert (funded2.on_time, funded2.late, funded2.overdue) == (1, 1, 2)
    assert funded2.percent == Decimal("50.0")


def test_recording_a_disclosure_is_checked_and_audited(sample, budget_editor, make_user):
    item = DisclosureItem.objects.get(institution__code="sample-funded-2", title="임직원 현황·인건비")
    with pytest.raises(RecordInvalid, match="오늘보다 늦습니다"):
        services.disclosure_record(
            item=item, disclosed_on=date(2025, 8, 2), actor=Actor.for_user(budget_editor)
        )
    with pytest.raises(PermissionDenied):
        services.disclosure_record(
            item=item,
            disclosed_on=date(2025, 8, 1),
            actor=Actor.for_user(make_user("sc-editor", Role.EDITOR, "smart-city")),
        )
    item.refresh_from_db()
    assert item.disclosed_on is None
    services.disclosure_record(item=item, disclosed_on=date(2025, 8, 1), actor=Actor.for_user(budget_editor))
    assert selectors.disclosure_state(DisclosureItem.objects.get(pk=item.pk), TODAY) == "late"
    event = AuditEvent.objects.filter(
        record_type="disclosure_items", record_id=item.pk, action="update"
    ).get()
    assert (event.before["disclosed_on"], event.after["disclosed_on"]) == (None, "2025-08-01")


# -- 위수탁 평가 -------------------------------------------------------------------------------------

CRITERIA = [
    scoring.Criterion("plan", "사업계획", 20),
    scoring.Criterion("performance", "실적", 40),
    scoring.Criterion("budget", "예산", 20),
    scoring.Criterion("satisfaction", "만족도", 20),
]


def test_the_total_is_the_evaluators_mean_of_weighted_sums():
    rows = [
        ("A", "plan", Decimal(90)),
        ("A", "performance", Decimal(85)),
        ("A", "budget", Decimal(90)),
        ("A", "satisfaction", Decimal(88)),
        ("B", "plan", Decimal(85)),
        ("B", "performance", Decimal(90)),
        ("B", "budget", Decimal(80)),
        ("B", "satisfaction", Decimal(92)),
        ("C", "plan", Decimal(10)),  # not finished: left out, and said so
    ]
    result = scoring.result(CRITERIA, rows)
    # A: 18 + 34 + 18 + 17.6 = 87.6; B: 17 + 36 + 16 + 18.4 = 87.4; mean 87.50
    assert result.by_evaluator == {"A": Decimal("87.60"), "B": Decimal("87.40")}
    assert (result.total, result.evaluators, result.needs_improvement) == (Decimal("87.50"), 2, False)
    assert "A 87.60, B 87.40의 평균 = 87.50점" in result.explanation and "C" in result.explanation
    assert scoring.result(CRITERIA, []).total is None
    with pytest.raises(ValueError, match="0–100"):
        scoring.parse_score("100.5")
    with pytest.raises(ValueError, match="소수 둘째"):
        scoring.parse_score("9.125")
    with pytest.raises(ValueError, match="숫자"):
        scoring.parse_score("아흔")


def test_the_sample_evaluations_reproduce_their_totals(sample):
    results = dict(
        (e.task.code, r)
        for e, r in selectors.entrusted_results(selectors.entrusted_evaluations(2024), services.criteria())
    )
    assert results["sample-entrusted-sports"].total == Decimal("87.50")
    parking = results["sample-entrusted-parking"]
    assert (parking.total, parking.needs_improvement) == (Decimal("65.00"), True)


def test_a_bad_sheet_is_refused_whole_naming_each_criterion(sample, budget_editor):
    evaluation = EntrustedEvaluation.objects.get(code="sample-entrusted-sports-2024")
    before = EntrustedScore.objects.count()
    with pytest.raises(RecordInvalid) as caught:
        services.entrusted_scores_submit(
            evaluation=evaluation,
            evaluator="평가위원 C",
            scores={
                "sample-ec-plan": "101",
                "sample-ec-performance": "",
                "sample-ec-budget": "x",
                "sample-ec-satisfaction": "80",
            },
            actor=Actor.for_user(budget_editor),
        )
    messages = caught.value.errors["scores"]
    assert messages == [
        "사업계획의 적정성: '101' — 0–100 사이여야 합니다.",
        "사업 실적·목표 달성: 점수를 입력하세요.",
        "예산 집행의 적정성: 'x' — 숫자가 아닙니다.",
    ]
    assert EntrustedScore.objects.count() == before


def test_scoring_again_replaces_that_evaluators_sheet(sample, budget_editor):
    evaluation = EntrustedEvaluation.objects.get(code="sample-entrusted-parking-2024")
    result = services.entrusted_scores_submit(
        evaluation=evaluation,
        evaluator="평가위원 B",
        scores={
            "sample-ec-plan": "80",
            "sample-ec-performance": "80",
            "sample-ec-budget": "80",
            "sample-ec-satisfaction": "80",
        },
        actor=Actor.for_user(budget_editor),
    )
    # A 66.00, B 80.00 → 73.00: no longer below 70.
    assert (result.total, result.needs_improvement) == (Decimal("73.00"), False)
    assert evaluation.scores.filter(evaluator="평가위원 B").count() == 4
    event = AuditEvent.objects.filter(record_type="entrusted_evaluations", record_id=evaluation.pk).latest(
        "id"
    )
    assert event.before["scores"]["sample-ec-plan"] == "65.00" and event.after["total"] == "80.00"


def test_the_scoring_screen(client, sample, budget_editor, make_user):
    evaluation = EntrustedEvaluation.objects.get(code="sample-entrusted-parking-2024")
    url = f"/finance/institutions/entrusted/{evaluation.code}/score/"
    client.force_login(make_user("viewer", Role.VIEWER, "budget-legal"))
    assert client.get(url).status_code == 403
    client.force_login(budget_editor)
    page = client.get(url).content.decode()
    assert "65.00" in page and "개선 조치 요구" in page
    response = client.post(url, {"evaluator": "평가위원 C", "score-sample-ec-plan": "120"})
    body = response.content.decode()
    assert (
        response.status_code == 422 and "사업계획의 적정성: &#x27;120&#x27; — 0–100 사이여야 합니다." in body
    )
    response = client.post(
        url,
        {
            "evaluator": "평가위원 C",
            "score-sample-ec-plan": "100",
            "score-sample-ec-performance": "100",
            "score-sample-ec-budget": "100",
            "score-sample-ec-satisfaction": "100",
        },
    )
    assert response.status_code == 302
    # (66 + 64 + 100) / 3 = 76.67
    assert "76.67" in client.get(url).content.decode()
    listing = client.get("/finance/institutions/?year=2025").content.decode()
    assert "미공시 (기한 지남)" in listing and "76.67" in listing


# -- peer-data import ---------------------------------------------------------------------------------


def _csv(rows, columns=("지표코드", "자치단체", "값")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def indicators(db):
    analysis_load_sample(actor=SYSTEM)


def test_a_good_peer_file_ranks_the_city_among_its_peers(indicators):
    indicator = FiscalIndicator.objects.get(code="sample-fa-01")  # higher is better; city 77, peer 68 (예시)
    result = peer_import(
        year=2024,
        content=_csv(
            [["sample-fa-01", "가시", "80.5"], ["sample-fa-01", "나시", "70"], ["sample-fa-01", "다시", "77"]]
        ),
        file_name="peers.csv",
        actor=SYSTEM,
    )
    assert (result.rows, result.indicators, result.replaced) == (3, 1, 0)
    comparison = peer_comparisons([indicator])[indicator.pk]
    assert (comparison.peers, comparison.peer_mean, comparison.rank, comparison.of, comparison.best) == (
        3,
        Decimal("75.83"),
        2,
        4,
        "가시",
    )
    # A second import replaces that indicator's values only.
    peer_import(year=2024, content=_csv([["sample-fa-01", "가시", "60"]]), file_name="p2.csv", actor=SYSTEM)
    assert list(PeerValue.objects.values_list("city", "value")) == [("가시", Decimal("60.00"))]
    assert (
        AuditEvent.objects.filter(
            record_type="fiscal_indicators", record_id=indicator.pk, action="update"
        ).count()
        == 2
    )


def test_a_bad_peer_file_is_refused_whole_with_errors_by_row(indicators, make_user):
    bad = _csv(
        [
            ["sample-fa-01", "가시", "80"],
            ["sample-fa-99", "나시", "70"],
            ["sample-fa-02", "", "열"],
            ["sample-fa-01", "가시", "81"],
            ["sample-fa-03", "김포시", "1.234"],
        ]
    )
    with pytest.raises(PeerImportError) as caught:
        peer_import(year=2024, content=bad, file_name="bad.csv", actor=SYSTEM)
    assert caught.value.rows == [
        "3행: 2024년 지표에 'sample-fa-99'이(가) 없습니다",
        "4행: 자치단체가 비어 있습니다; 값 '열'이(가) 숫자가 아닙니다 (소수 둘째 자리까지)",
        "5행: 2행과 같은 지표·자치단체입니다",
        "6행: 우리 시의 값은 지표에 있습니다 (비교 자치단체만 넣으세요); "
        "값 '1.234'이(가) 숫자가 아닙니다 (소수 둘째 자리까지)",
    ]
    assert not PeerValue.objects.exists()
    with pytest.raises(PeerImportError, match="필수 열이 없습니다: 값"):
        peer_import(
            year=2024, content=_csv([], columns=("지표코드", "자치단체")), file_name="x.csv", actor=SYSTEM
        )
    with pytest.raises(PeerImportError, match="2031년 재정분석 지표가 없습니다"):
        peer_import(year=2031, content=_csv([]), file_name="x.csv", actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        peer_import(
            year=2024,
            content=_csv([["sample-fa-01", "가시", "80"]]),
            file_name="x.csv",
            actor=Actor.for_user(make_user("sc-editor", Role.EDITOR, "smart-city")),
        )
    assert not PeerValue.objects.exists()


def test_the_peer_import_page(client, indicators, budget_editor):
    client.force_login(budget_editor)
    upload = io.BytesIO(_csv([["sample-fa-01", "가시", "80"], ["sample-fa-01", "나시", "숫자아님"]]))
    upload.name = "peers.csv"
    response = client.post("/finance/analysis/import/", {"year": "2024", "file": upload})
    assert (
        response.status_code == 400
        and "3행: 값 &#x27;숫자아님&#x27;이(가) 숫자가 아닙니다" in response.content.decode()
    )
    upload = io.BytesIO(_csv([["sample-fa-01", "가시", "80"], ["sample-fa-01", "나시", "70"]]))
    upload.name = "peers.csv"
    assert client.post("/finance/analysis/import/", {"year": "2024", "file": upload}).status_code == 302
    page = client.get("/finance/analysis/").content.decode()
    assert "3곳 중 2위 (최고: 가시)" in page

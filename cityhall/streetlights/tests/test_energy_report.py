"""The energy report: measured months from hand-made roll-ups, estimated months from the model, the
seed's 2024 figure beside the model, the XLSX, permissions and bad ``year`` input."""

from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cityhall.streetlights.energy import model as energy
from cityhall.streetlights.energy import reports
from cityhall.streetlights.energy.daily import refresh_days
from cityhall.streetlights.models import SiteSchedule, Streetlight
from cityhall.streetlights.operations.dimming import DEFAULT_SCHEDULE, parse_schedule
from cityhall.telemetry.models import DailyRollup

KST = ZoneInfo("Asia/Seoul")
TODAY = date(2025, 6, 15)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=KST)


def dark_hours(day: date) -> float:
    return energy.dark_hours(midnight(day), midnight(day + timedelta(days=1)))


def rollup(code: str, day: date, wh: int, *, simulated=False, until: datetime | None = None) -> DailyRollup:
    """A device-day reported from just after midnight to just before the next (or ``until``)."""
    ts = midnight(day).astimezone(UTC) + timedelta(minutes=1)
    last = until or midnight(day + timedelta(days=1)).astimezone(UTC) - timedelta(minutes=1)
    return DailyRollup(
        device_id=code, day=day, readings=10, first_ts=ts, last_ts=last, first_energy_wh=0, last_energy_wh=wh,
        last_lamp_on=False, last_faulty=False, energy_in_day_wh=wh, carry_wh=0, energy_wh=wh,
        burning_s=0, fault_s=0, power_min_w=0, power_max_w=0, power_sum_w=0, simulated=simulated,
        computed_at=ts,
    )  # fmt: skip


def store(rollups: list[DailyRollup]) -> None:
    """Store roll-ups and the per-site totals of their days, as the roll-up job does."""
    DailyRollup.objects.bulk_create(rollups)
    refresh_days({r.day for r in rollups})


@pytest.fixture
def measured(registry):
    """June 2025 at 학운 4-1: two lights on two days (one rated 200 W); 풍무동 simulated on one day."""
    Streetlight.objects.filter(code="SL-HAGUN41-002").update(rated_power_w=200)
    store(
        [
            rollup("SL-HAGUN41-001", date(2025, 6, 1), 500),
            rollup("SL-HAGUN41-002", date(2025, 6, 1), 900),
            rollup("SL-HAGUN41-001", date(2025, 6, 2), 450),
            rollup("SL-PUNGMU-001", date(2025, 6, 3), 700, simulated=True),
            rollup("SL-HAGUN41-001", date(2024, 6, 3), 999),  # another year: not in 2025
            rollup("BS-HAGUN41-01", date(2025, 6, 1), 50),  # a base station: not a light
        ]
    )


def row_of(report, code):
    return next(row for row in report.sites if row.site.code == code)


def test_measured_month(measured, roles):
    report = reports.energy_report(year=2025, user=roles["viewer"], today=TODAY)
    june = row_of(report, "HAGUN41").months[5]
    assert (june.label, june.css, june.days, june.light_days) == ("측정", "measured", 2, 3)
    assert june.used_wh == 1850
    expected_base = 100 * dark_hours(date(2025, 6, 1)) + 200 * dark_hours(date(2025, 6, 1))
    expected_base += 100 * dark_hours(date(2025, 6, 2))
    assert june.baseline_wh == pytest.approx(expected_base, rel=1e-12)
    # 3,762.33 Wh baseline − 1,850 Wh used = 1,912.33 Wh saved; at 130원/kWh 248.6원, cut to whole won.
    assert round(june.baseline_wh, 2) == 3762.33
    assert june.saved_won == 248
    assert june.saved_percent == pytest.approx(100 * (expected_base - 1850) / expected_base)
    # A dark June night at Gimpo is about 9.4 h: 400 W·9.4 h vs 1.85 kWh used.
    assert 3.7 < june.baseline_kwh < 3.8
    pungmu = row_of(report, "PUNGMU").months[5]
    assert (pungmu.label, pungmu.css, pungmu.used_wh) == ("모의", "simulated", 700)


def test_a_partly_reported_day_compares_only_its_covered_dark_hours(registry, roles):
    """Today, reported since the morning: the night still to come is not in the baseline."""
    day = date(2025, 6, 1)
    until = midnight(day).astimezone(UTC) + timedelta(hours=22)  # 22:00 KST, two hours after sunset
    store([rollup("SL-HAGUN41-001", day, 150, until=until)])
    june = row_of(reports.energy_report(year=2025, user=roles["viewer"], today=TODAY), "HAGUN41").months[5]
    covered = energy.dark_hours(midnight(day) + timedelta(minutes=1), until)
    assert june.baseline_wh == pytest.approx(100 * covered, rel=1e-12)
    assert 7 < covered < dark_hours(day) - 2  # the small hours and 19:5x–22:00, not the rest


def test_months_without_data_are_estimated_and_future_months_empty(measured, roles):
    report = reports.energy_report(year=2025, user=roles["viewer"], today=TODAY)
    hagun = row_of(report, "HAGUN41")
    may = hagun.months[4]
    assert (may.label, may.css, may.days, may.light_days) == ("추정", "estimate", 31, 0)
    # 57 lights at 100 W and one at 200 W on the default schedule, all of May.
    start, end = midnight(date(2025, 5, 1)), midnight(date(2025, 6, 1))
    at_100 = energy.savings(start, end, DEFAULT_SCHEDULE, 130, count=57)
    at_200 = energy.savings(start, end, DEFAULT_SCHEDULE, 130, luminaire=energy.Luminaire(200), count=1)
    assert may.used_wh == pytest.approx(at_100.used_wh + at_200.used_wh, rel=1e-12)
    assert may.baseline_wh == pytest.approx(at_100.baseline_wh + at_200.baseline_wh, rel=1e-12)
    # The current month of a site without data is estimated up to today; later months are empty.
    yangchon = row_of(report, "YANGCHON")
    assert (yangchon.months[5].label, yangchon.months[5].days) == ("추정", 15)
    assert all(cell.empty and cell.used_wh == 0 for cell in yangchon.months[6:])
    # Totals add the cells; the mixed year is labelled as such.
    assert hagun.total.label == "측정·추정"
    assert report.total.used_wh == pytest.approx(sum(c.used_wh for c in report.months))
    assert report.total.baseline_wh == pytest.approx(sum(r.total.baseline_wh for r in report.sites))
    assert report.seed is None  # the seed reports 2024 only


def test_a_site_schedule_changes_the_estimate(registry, roles):
    site = Streetlight.objects.get(code="SL-PUNGMU-001").site
    SiteSchedule.objects.create(site=site, name="전야 50%", periods=[["sunset", "sunrise", 50]])
    report = reports.energy_report(year=2024, user=roles["viewer"], today=TODAY)
    march = row_of(report, "PUNGMU").months[2]
    # Half power all night saves exactly half of the baseline.
    assert march.saved_wh == pytest.approx(march.baseline_wh / 2, rel=1e-9)
    assert row_of(report, "PUNGMU").schedule_name == "전야 50%"
    assert parse_schedule([["sunset", "sunrise", 50]]).periods[0].level == 50


def test_seed_2024_figure_beside_the_model(registry, roles):
    report = reports.energy_report(year=2024, user=roles["viewer"], today=TODAY)
    seed = report.seed
    assert (seed.reported_kwh, seed.source, seed.lights, seed.mean_rated_w) == (
        139324.0,
        "II.4 · 341행",
        638,
        100,
    )
    # The model's year (months added up) is the year computed in one go: 638 lamps, default schedule.
    year = energy.savings(
        midnight(date(2024, 1, 1)), midnight(date(2025, 1, 1)), DEFAULT_SCHEDULE, 130, count=638
    )
    assert seed.estimate_kwh == pytest.approx(year.saved_kwh, rel=1e-9)
    assert 69_000 < seed.estimate_kwh < 71_000  # docs/streetlights.md: about 70,052 kWh, half the report
    assert 195 < seed.implied_rated_w < 202
    assert report.assumed_rating is True
    assert report.total.label == "추정" and report.total.saved_kwh == pytest.approx(seed.estimate_kwh)


# --- pages ------------------------------------------------------------------------------------------


@pytest.fixture
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", TODAY.isoformat())


def test_page_shows_the_report(client, measured, roles, pinned_today):
    client.force_login(roles["viewer"])
    response = client.get(reverse("streetlights:energy"), {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025년 스마트가로등 전력 절감 보고" in html
    assert 'data-testid="month-chart"' in html and 'data-testid="site-chart"' in html
    assert "측정" in html and "모의" in html and "추정" in html
    assert 'data-testid="seed"' not in html
    default = client.get(reverse("streetlights:energy"))
    assert default.status_code == 200 and "2025년 스마트가로등" in default.content.decode()
    seed_year = client.get(reverse("streetlights:energy"), {"year": "2024"}).content.decode()
    assert "139,324 kWh" in seed_year and "100 W" in seed_year


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "연도(year): 'abc'은(는) 정수가 아닙니다."),
        ("1999", "연도(year): 1999은(는) 범위를 벗어납니다. 2000~2100 사이로 입력하세요."),
        ("20245", "연도(year): 20245은(는) 범위를 벗어납니다. 2000~2100 사이로 입력하세요."),
        ("-1", "연도(year): '-1': 부호(+, -) 없이 숫자만 입력하세요."),
        ("２０２４년", "연도(year): '２０２４년'은(는) 정수가 아닙니다."),
    ],
)
def test_bad_year_is_a_korean_error_not_a_500(client, registry, roles, value, message, pinned_today):
    client.force_login(roles["viewer"])
    for name in ("streetlights:energy", "streetlights:energy_xlsx"):
        response = client.get(reverse(name), {"year": value})
        assert response.status_code == 400
        html = unescape(response.content.decode())
        assert message in html and 'role="alert"' in html
        assert f'value="{value}"' in html  # the input is kept to be corrected


def test_full_width_digits_read_as_the_year(client, registry, roles, pinned_today):
    client.force_login(roles["viewer"])
    response = client.get(reverse("streetlights:energy"), {"year": "２０２４"})
    assert response.status_code == 200
    assert "139,324 kWh" in response.content.decode()


def test_who_may_see(client, registry, roles, pinned_today):
    url = reverse("streetlights:energy")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(roles["norole"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("streetlights:energy_xlsx")).status_code == 403
    for role in ("viewer", "other_editor", "director"):
        client.force_login(roles[role])
        assert client.get(url, {"year": "2024"}).status_code == 200
    assert client.post(url).status_code == 405


def test_xlsx_holds_the_same_figures(client, measured, roles, pinned_today):
    client.force_login(roles["other_editor"])
    response = client.get(reverse("streetlights:energy_xlsx"), {"year": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["지역·월별", "산출 기준"]
    sheet = book["지역·월별"]
    assert "요금 단가 130원/kWh" in sheet["A1"].value
    rows = {(r[0], r[1]): r[2:] for r in sheet.iter_rows(min_row=3, values_only=True)}
    report = reports.energy_report(year=2025, user=roles["viewer"], today=TODAY)
    june = row_of(report, "HAGUN41").months[5]
    assert rows[("학운 4-1", "6월")] == (
        "측정", 2, 3, 1.9, round(june.baseline_kwh, 1), round(june.saved_kwh, 1), june.saved_won,
        round(june.saved_percent, 1),
    )  # fmt: skip
    assert rows[("학운 4-1", "12월")][:2] == ("-", 0)
    assert rows[("전체", "합계")][6] == report.total.saved_won
    basis = {r[0]: r[1:] for r in book["산출 기준"].iter_rows(min_row=2, values_only=True)}
    assert basis["요금 단가(원/kWh)"][0] == "130"


def test_tariff_setting(settings, measured, roles):
    settings.STREETLIGHTS_TARIFF_WON_PER_KWH = "200.5"
    report = reports.energy_report(year=2025, user=roles["viewer"], today=TODAY)
    june = row_of(report, "HAGUN41").months[5]
    assert round(june.saved_wh, 2) == 1912.33
    assert june.saved_won == 383  # 1.91233 kWh × 200.5원 = 383.4원, cut to whole won
    settings.STREETLIGHTS_TARIFF_WON_PER_KWH = 130.5
    with pytest.raises(Exception, match="STREETLIGHTS_TARIFF_WON_PER_KWH"):
        reports.tariff()

"""The streetlight energy report (스마트가로등 전력 절감 보고): per site and month, the energy used, the
full-power baseline, the saving in kWh, won and percent; charts; the XLSX.

- **Measured (측정 / 모의)**: from the telemetry's daily roll-ups, summed per site, rated power and
  day by the roll-up job (``SiteEnergyDay``, see ``energy.daily``). Used is the lights' metered
  energy; the baseline is, for each day a light reported, its rated power × that day's dark hours
  (``energy.baseline_wh`` over the local day), so a partly covered month compares like with like. A
  month with any simulated device-day is 모의. A light's day counts toward the site and rating it had
  when that day was rolled up.
- **Estimated (추정)**: a month (up to today) without any roll-up gets the model's figure,
  ``energy.energy_wh`` / ``energy.baseline_wh`` with the site's schedule and the registry's rated
  powers of the lights installed by then.
- The seed's reported saving of a year (``Figure`` ``streetlights.energy-saved.<year>``) is shown
  beside the model's estimate for the whole year, with the rated power that would close the gap.

Money: the tariff is an assumption (the seed gives none): ``settings.STREETLIGHTS_TARIFF_WON_PER_KWH``,
default 130 원/kWh; saved won = ``energy.cost_won`` of the saved energy, truncated once per cell.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from cityhall.core.permissions import VIEW, restrict
from cityhall.core.records import record_type_for
from cityhall.telemetry.rollups import max_gap

from ..choices import LightState
from ..models import SiteEnergyDay, SiteSchedule, Streetlight, StreetlightSite
from ..operations import solar
from ..operations.dimming import DEFAULT_SCHEDULE, SEOUL, DimmingSchedule
from . import model as energy

#: ASSUMPTION (가정): the seed gives no electricity price. 130 원/kWh is about what a city pays for
#: metered street lighting (가로등(을) 전력량요금 plus the usual surcharges) in 2024–2025; set
#: ``STREETLIGHTS_TARIFF_WON_PER_KWH`` (int or a decimal string such as "128.5") to the contract price.
DEFAULT_TARIFF_WON_PER_KWH = 130
SEED_FIGURE_KEY = "streetlights.energy-saved.{year}"
YEAR_MIN, YEAR_MAX = 2000, 2100

MEASURED, SIMULATED, ESTIMATE, NONE = "measured", "simulated", "estimate", "none"


def tariff() -> Decimal:
    value = getattr(settings, "STREETLIGHTS_TARIFF_WON_PER_KWH", DEFAULT_TARIFF_WON_PER_KWH)
    try:
        if isinstance(value, float | bool):
            raise TypeError
        price = Decimal(str(value))
    except (TypeError, InvalidOperation):
        raise ImproperlyConfigured(
            f"STREETLIGHTS_TARIFF_WON_PER_KWH={value!r}: 정수나 '128.5' 같은 문자열로 주세요."
        ) from None
    if price < 0 or not price.is_finite():
        raise ImproperlyConfigured(f"STREETLIGHTS_TARIFF_WON_PER_KWH={value!r}: 0 이상이어야 합니다.")
    return price


@dataclass
class Cell:
    """Energy of one site-month, a site's year, a month of all sites, or the grand total."""

    used_wh: float = 0.0
    baseline_wh: float = 0.0
    sources: set[str] = field(default_factory=set)
    days: int = 0  # days with data (measured) or estimated
    light_days: int = 0  # device-days behind a measured figure
    price: Decimal = Decimal(DEFAULT_TARIFF_WON_PER_KWH)

    def add(self, other: Cell) -> None:
        self.used_wh += other.used_wh
        self.baseline_wh += other.baseline_wh
        self.sources |= other.sources - {NONE}
        self.days = max(self.days, other.days)
        self.light_days += other.light_days

    @property
    def empty(self) -> bool:
        return not (self.sources - {NONE})

    @property
    def saved_wh(self) -> float:
        return self.baseline_wh - self.used_wh

    @property
    def used_kwh(self) -> float:
        return self.used_wh / 1000

    @property
    def baseline_kwh(self) -> float:
        return self.baseline_wh / 1000

    @property
    def saved_kwh(self) -> float:
        return self.saved_wh / 1000

    @property
    def saved_won(self) -> int:
        saved = self.saved_wh
        return energy.cost_won(saved, self.price) if saved >= 0 else -energy.cost_won(-saved, self.price)

    @property
    def saved_percent(self) -> float | None:
        return 100 * self.saved_wh / self.baseline_wh if self.baseline_wh else None

    @property
    def label(self) -> str:
        """측정 / 모의 / 추정, or a mix such as 측정·추정."""
        names = {MEASURED: _("측정"), SIMULATED: _("모의"), ESTIMATE: _("추정")}
        return "·".join(names[s] for s in (MEASURED, SIMULATED, ESTIMATE) if s in self.sources)

    @property
    def css(self) -> str:
        if self.empty:
            return "none"
        if self.sources == {ESTIMATE}:
            return "estimate"
        return "simulated" if SIMULATED in self.sources else "measured"


@dataclass
class SiteRow:
    site: StreetlightSite
    lights: int  # in service now
    schedule_name: str
    months: list[Cell]
    total: Cell


@dataclass
class SeedComparison:
    """The seed's reported saving of the year next to the model's estimate for the same year."""

    reported_kwh: float
    source: str  # "II.4 · 341행"
    text: str  # the document's own words, where found
    estimate_kwh: float
    lights: int
    mean_rated_w: float

    @property
    def ratio(self) -> float | None:
        return self.reported_kwh / self.estimate_kwh if self.estimate_kwh else None

    @property
    def implied_rated_w(self) -> float | None:
        """The mean rating at which the model, on the same schedules, would report the seed's figure."""
        return self.mean_rated_w * self.ratio if self.ratio else None


@dataclass
class EnergyReport:
    year: int
    today: date
    price: Decimal
    sites: list[SiteRow]
    months: list[Cell]  # all sites, per month
    total: Cell
    seed: SeedComparison | None
    assumed_rating: bool  # every light still has the default 100 W rating (가정)
    month_labels: list[str] = field(default_factory=list)


# --- arithmetic helpers ----------------------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SEOUL)


def _month_days(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    return first, last


@lru_cache(maxsize=8192)
def _dark_hours(day: date, lat: float, lon: float) -> float:
    """Hours from sunset to sunrise within the local day (the two halves of two nights)."""
    return energy.dark_hours(_local_midnight(day), _local_midnight(day + timedelta(days=1)), lat, lon)


def _covered_dark_hours(day: date, totals, lat: float, lon: float, slack: timedelta | None = None) -> float:
    """Dark hours of ``day`` that the readings cover: the whole day's once they span it (give or take a
    reporting interval), else only from the first to the last reading — today, or the day reporting
    began, must not be compared with a whole night's full-power baseline."""
    start, end = _local_midnight(day), _local_midnight(day + timedelta(days=1))
    if slack is None:
        slack = timedelta(seconds=max_gap())  # a reading's state holds that long at most
    if totals.first_ts - start <= slack and end - totals.last_ts <= slack:
        return _dark_hours(day, lat, lon)
    return energy.dark_hours(max(start, totals.first_ts), min(end, totals.last_ts), lat, lon)


@lru_cache(maxsize=4096)
def _model_wh(schedule: DimmingSchedule, first: date, last: date, lat: float, lon: float, rated_w: int):
    """(used, baseline) Wh of one lamp on a schedule over the local days first..last."""
    start, end = _local_midnight(first), _local_midnight(last + timedelta(days=1))
    lamp = energy.Luminaire(rated_w=rated_w)
    return (
        energy.energy_wh(start, end, schedule, lat, lon, lamp),
        energy.baseline_wh(start, end, lat, lon, lamp),
    )


def _coords(site: StreetlightSite) -> tuple[float, float]:
    if site.lat is not None and site.lon is not None:
        return float(site.lat), float(site.lon)
    return solar.GIMPO_LAT, solar.GIMPO_LON


def _site_schedule(site: StreetlightSite) -> tuple[DimmingSchedule, str]:
    try:
        stored = site.schedule
    except SiteSchedule.DoesNotExist:
        return DEFAULT_SCHEDULE, DEFAULT_SCHEDULE.name
    return stored.as_schedule(), stored.name or _("사용자 지정")


def _site_days(site_ids: list[int], year: int) -> dict[int, list]:
    """The per-site daily totals of ``year``, per site, in day order (named tuples: a model instance
    per row costs more than the report's arithmetic)."""
    out: dict[int, list] = defaultdict(list)
    fields = ("site_id", "day", "rated_power_w", "devices", "energy_wh", "simulated_devices")
    rows = (
        SiteEnergyDay.objects.filter(
            site_id__in=site_ids, day__gte=date(year, 1, 1), day__lte=date(year, 12, 31)
        )
        .order_by("site_id", "day", "rated_power_w")
        .values_list(*fields, "first_ts", "last_ts", named=True)
    )
    for row in rows:
        out[row.site_id].append(row)
    return out


def _measured(days: list, lights: list[Streetlight], lat: float, lon: float, price: Decimal) -> list[Cell]:
    """12 month cells from a site's daily totals of a year (every light that reported, retired too)."""
    cells = [Cell(price=price) for _ in range(12)]
    by_rating: dict[int, list] = {light.rated_power_w: [] for light in lights}
    for row in days:
        by_rating.setdefault(row.rated_power_w, []).append(row)
    days_seen: list[set[date]] = [set() for _ in range(12)]
    slack = timedelta(seconds=max_gap())
    # Ratings in the lights' code order, each in day order: the sums add up as they always have.
    for rated_w, rows in by_rating.items():
        for totals in rows:
            day = totals.day
            cell = cells[day.month - 1]
            cell.used_wh += totals.energy_wh
            cell.baseline_wh += totals.devices * rated_w * _covered_dark_hours(day, totals, lat, lon, slack)
            cell.light_days += totals.devices
            cell.sources.add(SIMULATED if totals.simulated_devices else MEASURED)
            days_seen[day.month - 1].add(day)
    for cell, seen in zip(cells, days_seen, strict=True):
        cell.days = len(seen)
    return cells


def _estimate(
    lights: list[Streetlight],
    schedule: DimmingSchedule,
    first: date,
    last: date,
    lat: float,
    lon: float,
    price: Decimal,
) -> Cell:
    """The model's figure for the lights in service installed by ``last``, over first..last."""
    cell = Cell(price=price, sources={ESTIMATE}, days=(last - first).days + 1)
    counts: dict[int, int] = defaultdict(int)
    for light in lights:
        if light.state != LightState.RETIRED and (light.installed is None or light.installed <= last):
            counts[light.rated_power_w] += 1
    for rated_w, n in counts.items():
        used, baseline = _model_wh(schedule, first, last, lat, lon, rated_w)
        cell.used_wh += used * n
        cell.baseline_wh += baseline * n
    return cell


def _seed_figure(year: int):
    from cityhall.plans.selectors import stated_figure

    return stated_figure(SEED_FIGURE_KEY.format(year=year))


def energy_report(*, year: int, user, today: date) -> EnergyReport:
    """The report for ``year`` as ``user`` may see it (any role may view the registry)."""
    price = tariff()
    lights_qs = restrict(
        Streetlight.objects.select_related("site"), user, VIEW, record_type_for(Streetlight)
    ).order_by("code")
    by_site: dict[int, list[Streetlight]] = defaultdict(list)
    for light in lights_qs:
        by_site[light.site_id].append(light)
    sites = list(StreetlightSite.objects.select_related("schedule").filter(pk__in=list(by_site)))
    sites.sort(key=lambda s: (s.installed_start or date.max, s.code))
    site_days = _site_days([site.pk for site in sites], year)
    rows: list[SiteRow] = []
    months = [Cell(price=price) for _ in range(12)]
    total = Cell(price=price)
    year_estimate_wh = 0.0
    for site in sites:
        lights = by_site[site.pk]
        lat, lon = _coords(site)
        schedule, schedule_name = _site_schedule(site)
        cells = _measured(site_days[site.pk], lights, lat, lon, price)
        for index in range(12):
            first, last = _month_days(year, index + 1)
            model = _estimate(lights, schedule, first, last, lat, lon, price)
            year_estimate_wh += model.saved_wh
            if cells[index].empty and first <= today:
                # No roll-up this month: the model's figure, up to today in the current month.
                cells[index] = _estimate(lights, schedule, first, min(last, today), lat, lon, price)
        site_total = Cell(price=price)
        for index, cell in enumerate(cells):
            site_total.add(cell)
            months[index].add(cell)
        site_total.days = sum(c.days for c in cells)
        total.add(site_total)
        in_service = sum(1 for light in lights if light.state != LightState.RETIRED)
        rows.append(SiteRow(site, in_service, schedule_name, cells, site_total))
    total.days = sum(c.days for c in months)
    all_lights = [light for lights in by_site.values() for light in lights]
    in_service = [light for light in all_lights if light.state != LightState.RETIRED]
    seed = None
    figure = _seed_figure(year)
    if figure is not None and in_service:
        seed = SeedComparison(
            reported_kwh=float(figure.value),
            source=figure.source_label,
            text=figure.label,
            estimate_kwh=year_estimate_wh / 1000,
            lights=len(in_service),
            mean_rated_w=sum(light.rated_power_w for light in in_service) / len(in_service),
        )
    return EnergyReport(
        year=year,
        today=today,
        price=price,
        sites=rows,
        months=months,
        total=total,
        seed=seed,
        assumed_rating=bool(in_service)
        and all(light.rated_power_w == energy.DEFAULT_RATED_W for light in in_service),
        month_labels=[_("%(m)s월") % {"m": m} for m in range(1, 13)],
    )


# --- charts (server-rendered SVG) ------------------------------------------------------------------


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, float, str]]  # x, y, text
    ticks: list[tuple[float, str]]  # y, text
    summary: str
    plot_left: int = 0
    plot_right: int = 0
    baseline_y: float = 0


def _kwh(value: float) -> str:
    return f"{value / 1000:,.0f} kWh"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(f"{int(value):d}") - 1)
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _grouped_chart(labels: list[str], cells: list[Cell], title: str, width: int = 760) -> Chart:
    """Two bars per group: used (measured/simulated/estimated) and the full-power baseline."""
    left, right, top, plot_h = 64, width - 10, 22, 200
    scale = _nice_max(max([max(c.used_wh, c.baseline_wh) for c in cells] + [0]))
    group_w = (right - left) / max(len(cells), 1)
    bar_w = min(22.0, group_w / 2 - 4)
    bars, text, ticks = [], [], []
    for index, (label, cell) in enumerate(zip(labels, cells, strict=True)):
        x0 = left + index * group_w + (group_w - 2 * bar_w) / 2
        for offset, value, css, name in (
            (0, cell.used_wh, f"used {cell.css}", _("사용")),
            (bar_w, cell.baseline_wh, "baseline", _("최대사용(기준)")),
        ):
            height = plot_h * value / scale
            tip = f"{label} {name} {_kwh(value)}"
            if name == _("사용") and cell.label:
                tip += f" ({cell.label})"
            bars.append(Bar(round(x0 + offset, 1), round(top + plot_h - height, 1), round(bar_w, 1),
                            round(height, 1), css, tip))  # fmt: skip
        text.append((round(left + index * group_w + group_w / 2, 1), top + plot_h + 16, label))
    for fraction in (0, 0.5, 1):
        ticks.append((round(top + plot_h - plot_h * fraction, 1), f"{scale * fraction / 1000:,.0f}"))
    used_label, baseline_label = _("사용"), _("기준")
    summary = f"{title}: " + ", ".join(
        f"{label} {used_label} {_kwh(c.used_wh)} / {baseline_label} {_kwh(c.baseline_wh)}"
        for label, c in zip(labels, cells, strict=True)
    )
    return Chart(width, top + plot_h + 28, bars, text, ticks, summary, left, right, top + plot_h)


def month_chart(report: EnergyReport) -> Chart:
    return _grouped_chart(report.month_labels, report.months, _("월별 사용량과 최대사용 기준"))


def site_chart(report: EnergyReport) -> Chart:
    return _grouped_chart(
        [row.site.name[:8] for row in report.sites],
        [row.total for row in report.sites],
        _("지역별 사용량과 최대사용 기준"),
    )


# --- XLSX --------------------------------------------------------------------------------------------


def _pct(cell: Cell) -> float | None:
    return None if cell.saved_percent is None else round(cell.saved_percent, 1)


def _values(cell: Cell) -> list:
    return [
        cell.label or "-",
        cell.days,
        cell.light_days,
        round(cell.used_kwh, 1),
        round(cell.baseline_kwh, 1),
        round(cell.saved_kwh, 1),
        cell.saved_won,
        _pct(cell),
    ]


def xlsx_sheets(report: EnergyReport):
    from cityhall.core.exports import Sheet

    headers = [
        _("지역"),
        _("월"),
        _("구분"),
        _("일수"),
        _("측정 등·일"),
        _("사용(kWh)"),
        _("최대사용 기준(kWh)"),
        _("절감(kWh)"),
        _("절감 요금(원)"),
        _("절감률(%)"),
    ]
    rows = []
    for row in report.sites:
        for label, cell in zip(report.month_labels, row.months, strict=True):
            rows.append([row.site.name, label, *_values(cell)])
        rows.append([row.site.name, _("합계"), *_values(row.total)])
    for label, cell in zip(report.month_labels, report.months, strict=True):
        rows.append([_("전체"), label, *_values(cell)])
    rows.append([_("전체"), _("합계"), *_values(report.total)])
    note = _("%(year)s년 스마트가로등 전력 절감 (요금 단가 %(price)s원/kWh, 가정)") % {
        "year": report.year,
        "price": report.price,
    }
    basis = [
        [_("요금 단가(원/kWh)"), str(report.price), _("원문에 없어 설정값(가정)을 씁니다.")],
        [
            _("측정"),
            "",
            _("일별 집계(계량기 누적값)의 사용량, 기준은 보고한 등의 정격 전력 × 그날의 야간 시간"),
        ],
        [_("모의"), "", _("시뮬레이터 자료가 섞인 측정값")],
        [_("추정"), "", _("자료가 없는 달: 지역 디밍 스케줄과 등록부 정격 전력으로 계산한 모델 값")],
    ]
    if report.assumed_rating:
        basis.append([_("정격 전력"), "100 W", _("원문에 없어 모든 등을 100 W로 가정했습니다.")])
    if report.seed is not None:
        seed = report.seed
        basis.append([_("원문 보고 절감량(kWh)"), round(seed.reported_kwh, 1), seed.source])
        basis.append([_("모델 추정 절감량(kWh)"), round(seed.estimate_kwh, 1), _("연간 전체, 추정")])
        if seed.implied_rated_w:
            basis.append([_("보고치에 맞는 평균 정격 전력(W)"), round(seed.implied_rated_w), ""])
    return [
        Sheet(_("지역·월별"), headers, rows, note=note),
        Sheet(_("산출 기준"), [_("항목"), _("값"), _("설명")], basis, widths={3: 70}),
    ]

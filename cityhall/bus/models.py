"""버스정보시스템 (seed IV.4 스마트도시과, lines 132–172, 348–356, 1087–1114): routes, stops with their
BIT units, trips on the traffic twin's network, the vehicles' live state from AVL, stop events and
segment travel times, service alerts, and the city notices BITs show.

The network is synthetic (모의, ``simulated=True``): the seed gives only counts (1,195 stops, 472 with
a BIT, 63 village routes) — see ``choices.SEED_*``. Stop times are not stored per trip: a trip's
stop times are its start plus the pattern's offsets (``RouteStop.offset_s``), so a timetable change
is one row, and GTFS ``stop_times.txt`` is written from both."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityhall.organisation.models import OrgUnit

from .choices import BitState, NoticeStatus, Occupancy, RouteKind, ServiceDay


class Route(models.Model):
    """노선: one loop pattern (city or village bus)."""

    code = models.CharField(_("노선 ID"), max_length=20, unique=True)
    number = models.CharField(_("노선 번호"), max_length=20)
    name = models.CharField(_("노선명"), max_length=100)
    kind = models.CharField(_("구분"), max_length=10, choices=RouteKind.choices)
    color = models.CharField(_("색상"), max_length=6, default="2E7D32")
    headway_min = models.PositiveSmallIntegerField(_("배차간격(분)"))
    first_departure = models.TimeField(_("첫차"))
    last_departure = models.TimeField(_("막차"))
    simulated = models.BooleanField(_("모의 데이터"), default=False)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("버스 노선")
        verbose_name_plural = _("버스 노선")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()})"


class Stop(models.Model):
    """정류소, with whether a BIT stands there (through ``bits``)."""

    code = models.CharField(_("정류소 ID"), max_length=20, unique=True)
    name = models.CharField(_("정류소명"), max_length=100)
    x = models.FloatField(_("X(m)"))
    y = models.FloatField(_("Y(m)"))
    lon = models.FloatField(_("경도"))
    lat = models.FloatField(_("위도"))
    simulated = models.BooleanField(_("모의 데이터"), default=False)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("정류소")
        verbose_name_plural = _("정류소")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class RouteStop(models.Model):
    """노선 경유 정류소: the route's pattern, with the scheduled minutes from the trip's start."""

    route = models.ForeignKey(Route, verbose_name=_("노선"), on_delete=models.CASCADE, related_name="stops")
    sequence = models.PositiveSmallIntegerField(_("순번"))
    stop = models.ForeignKey(
        Stop, verbose_name=_("정류소"), on_delete=models.PROTECT, related_name="route_stops"
    )
    distance_m = models.FloatField(_("기점 거리(m)"))
    offset_s = models.PositiveIntegerField(_("기점 출발 후(초)"))

    class Meta:
        verbose_name = _("노선 경유 정류소")
        verbose_name_plural = _("노선 경유 정류소")
        ordering = ["route", "sequence"]
        constraints = [models.UniqueConstraint(fields=["route", "sequence"], name="bus_routestop_unique")]

    def __str__(self) -> str:
        return f"{self.route.code} #{self.sequence} {self.stop.code}"


class Trip(models.Model):
    """운행 회차: one loop of a route, leaving its first stop at ``start_s`` seconds after midnight."""

    route = models.ForeignKey(Route, verbose_name=_("노선"), on_delete=models.CASCADE, related_name="trips")
    code = models.CharField(_("회차 ID"), max_length=40, unique=True)
    service = models.CharField(_("운행일"), max_length=10, choices=ServiceDay.choices)
    start_s = models.PositiveIntegerField(_("기점 출발(초)"))

    class Meta:
        verbose_name = _("운행 회차")
        verbose_name_plural = _("운행 회차")
        ordering = ["route", "service", "start_s"]
        indexes = [models.Index(fields=["route", "service", "start_s"], name="bus_trip_route_start")]

    def __str__(self) -> str:
        return self.code


class Vehicle(models.Model):
    """차량: a bus with its AVL unit, assigned to one route."""

    code = models.CharField(_("차량 ID"), max_length=20, unique=True)
    route = models.ForeignKey(
        Route, verbose_name=_("노선"), on_delete=models.PROTECT, related_name="vehicles"
    )
    plate = models.CharField(_("차량번호"), max_length=20, blank=True)
    simulated = models.BooleanField(_("모의 데이터"), default=False)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("버스 차량")
        verbose_name_plural = _("버스 차량")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class VehicleState(models.Model):
    """차량 최신 상태: the last AVL report, matched to the route (distance along it) and trip."""

    vehicle = models.OneToOneField(
        Vehicle, verbose_name=_("차량"), on_delete=models.CASCADE, related_name="state"
    )
    trip = models.ForeignKey(
        Trip, verbose_name=_("운행 회차"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service_date = models.DateField(_("운행일자"), null=True, blank=True)
    lon = models.FloatField(_("경도"))
    lat = models.FloatField(_("위도"))
    speed_kmh = models.FloatField(_("속도(km/h)"), default=0)
    door_open = models.BooleanField(_("문 열림"), default=False)
    occupancy = models.CharField(_("혼잡도"), max_length=24, choices=Occupancy.choices, blank=True)
    distance_m = models.FloatField(_("기점 거리(m)"), default=0)
    last_stop_index = models.IntegerField(_("최근 정류소 순번"), default=-1)
    departed_at = models.DateTimeField(_("최근 정류소 출발"), null=True, blank=True)
    delay_s = models.IntegerField(_("지연(초)"), null=True, blank=True)
    observed_at = models.DateTimeField(_("최종 보고"))
    last_message_id = models.CharField(_("최종 메시지 ID"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("차량 상태")
        verbose_name_plural = _("차량 상태")

    def __str__(self) -> str:
        return f"{self.vehicle.code} @ {self.observed_at:%H:%M:%S}"


class StopEvent(models.Model):
    """정류소 도착·출발: from the doors (open = arrived, closed = departed), matched to trip and stop."""

    trip = models.ForeignKey(Trip, verbose_name=_("운행 회차"), on_delete=models.CASCADE, related_name="+")
    service_date = models.DateField(_("운행일자"))
    sequence = models.PositiveSmallIntegerField(_("순번"))
    stop = models.ForeignKey(Stop, verbose_name=_("정류소"), on_delete=models.CASCADE, related_name="+")
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("차량"), on_delete=models.CASCADE, related_name="+")
    arrived_at = models.DateTimeField(_("도착"), null=True, blank=True)
    departed_at = models.DateTimeField(_("출발"), null=True, blank=True)
    delay_s = models.IntegerField(_("도착 지연(초)"), null=True, blank=True)

    class Meta:
        verbose_name = _("정류소 도착·출발")
        verbose_name_plural = _("정류소 도착·출발")
        ordering = ["-service_date", "trip", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["trip", "service_date", "sequence"], name="bus_stopevent_unique")
        ]

    def __str__(self) -> str:
        return f"{self.trip_id} {self.service_date} #{self.sequence}"


class SegmentTravel(models.Model):
    """구간 통행시간: one bus from stop i (departure) to stop i+1 (arrival); what predictions learn from."""

    route = models.ForeignKey(Route, verbose_name=_("노선"), on_delete=models.CASCADE, related_name="+")
    segment_index = models.PositiveSmallIntegerField(_("구간 순번"))
    trip = models.ForeignKey(Trip, verbose_name=_("운행 회차"), on_delete=models.CASCADE, related_name="+")
    service_date = models.DateField(_("운행일자"))
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("차량"), on_delete=models.CASCADE, related_name="+")
    departed_at = models.DateTimeField(_("출발"))
    travel_s = models.FloatField(_("통행시간(초)"))
    simulated = models.BooleanField(_("모의 데이터"), default=False)

    class Meta:
        verbose_name = _("구간 통행시간")
        verbose_name_plural = _("구간 통행시간")
        ordering = ["-departed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trip", "service_date", "segment_index"], name="bus_segmenttravel_unique"
            )
        ]
        indexes = [models.Index(fields=["route", "departed_at"], name="bus_segment_route_time")]

    def __str__(self) -> str:
        return f"{self.trip_id} {self.service_date} segment {self.segment_index}: {self.travel_s:.0f}s"


class ServiceAlert(models.Model):
    """운행 알림 (GTFS-Realtime ServiceAlerts): a detour, a closed stop, for a route or a stop."""

    header = models.CharField(_("제목"), max_length=100)
    description = models.TextField(_("내용"), blank=True)
    route = models.ForeignKey(
        Route, verbose_name=_("노선"), on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    stop = models.ForeignKey(
        Stop, verbose_name=_("정류소"), on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("운행 알림")
        verbose_name_plural = _("운행 알림")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="bus_alert_period"
            ),
        ]

    def __str__(self) -> str:
        return self.header


class Bit(models.Model):
    """버스정보안내단말기 (BIT): a display at a stop; reports its health, shows arrivals and notices."""

    code = models.CharField(_("단말기 ID"), max_length=20, unique=True)
    stop = models.ForeignKey(Stop, verbose_name=_("정류소"), on_delete=models.PROTECT, related_name="bits")
    installed = models.DateField(_("설치일"), null=True, blank=True)
    state = models.CharField(_("상태"), max_length=10, choices=BitState.choices, default=BitState.ONLINE)
    last_seen = models.DateTimeField(_("최종 응답"), null=True, blank=True)
    # A unit that never answers goes offline BIT_OFFLINE_S after it was registered.
    registered_at = models.DateTimeField(_("등록 시각"), default=timezone.now)
    simulated = models.BooleanField(_("모의 데이터"), default=False)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("버스정보안내단말기")
        verbose_name_plural = _("버스정보안내단말기")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class NoticeTemplate(models.Model):
    """시정홍보 문안 양식: a reusable text with ``{placeholders}``."""

    code = models.CharField(_("양식 코드"), max_length=30, unique=True)
    name = models.CharField(_("양식명"), max_length=100)
    body = models.TextField(_("문안"))
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("시정홍보 양식")
        verbose_name_plural = _("시정홍보 양식")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BitNotice(models.Model):
    """BIT 시정홍보: a city notice shown on BITs between two times once approved (seed l.356: 77건 in
    2024; those are samples here, ``sample=True``, labelled 예시)."""

    number = models.CharField(_("번호"), max_length=20, unique=True)
    template = models.ForeignKey(
        NoticeTemplate,
        verbose_name=_("양식"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    text = models.CharField(_("표출 문구"), max_length=200)
    starts_at = models.DateTimeField(_("표출 시작"))
    ends_at = models.DateTimeField(_("표출 종료"))
    status = models.CharField(
        _("상태"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    requested_by = models.CharField(_("요청 부서"), max_length=100, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("승인자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("승인 시각"), null=True, blank=True)
    sample = models.BooleanField(_("예시 데이터"), default=False)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("BIT 시정홍보")
        verbose_name_plural = _("BIT 시정홍보")
        ordering = ["-starts_at", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="bus_notice_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:20]}"


class SitingWeight(models.Model):
    """BIT 설치지 선정 가중치: the city's weight for one criterion of the ranking (siting.py);
    criteria without a row use the ranking's defaults."""

    criterion = models.CharField(_("기준"), max_length=40, unique=True)
    weight = models.FloatField(_("가중치"))
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("BIT 설치지 가중치")
        verbose_name_plural = _("BIT 설치지 가중치")
        ordering = ["criterion"]

    def __str__(self) -> str:
        return f"{self.criterion}={self.weight:g}"


class PredictionRecord(models.Model):
    """도착 예정 기록: what the model (and the baseline) predicted for one bus at one coming stop, kept
    to compare with the arrival that happened (the accuracy page). A telemetry-like series: written in
    batches by the runtime, not audited row by row, pruned after ``accuracy.KEEP_DAYS``."""

    route = models.ForeignKey(Route, verbose_name=_("노선"), on_delete=models.CASCADE, related_name="+")
    trip = models.ForeignKey(Trip, verbose_name=_("운행 회차"), on_delete=models.CASCADE, related_name="+")
    service_date = models.DateField(_("운행일자"))
    sequence = models.PositiveSmallIntegerField(_("순번"))
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("차량"), on_delete=models.CASCADE, related_name="+")
    made_at = models.DateTimeField(_("예측 시각"))
    predicted_s = models.FloatField(_("예측(초)"))
    baseline_s = models.FloatField(_("기준 예측(초)"), null=True, blank=True)
    model = models.CharField(_("모형"), max_length=20)
    simulated = models.BooleanField(_("모의 데이터"), default=False)

    class Meta:
        verbose_name = _("도착 예정 기록")
        verbose_name_plural = _("도착 예정 기록")
        ordering = ["-made_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trip", "service_date", "sequence", "made_at"], name="bus_prediction_unique"
            )
        ]
        indexes = [models.Index(fields=["made_at"], name="bus_prediction_made_at")]

    def __str__(self) -> str:
        return f"{self.trip_id} {self.service_date} #{self.sequence} @ {self.made_at:%H:%M}"

"""교통 디지털트윈 (seed IV.4 스마트도시과: 긴급차량 우선신호, ITS): the twin's network, the signal
controllers with their plans, emergency-vehicle preemption runs with their junction plans, and the
benchmark reports."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.organisation.models import OrgUnit

from .choices import (
    JunctionAction,
    NetworkSource,
    RunStatus,
    Strategy,
    VehicleType,
    VmsMessageStatus,
    VmsSendStatus,
)


class TrafficNetwork(models.Model):
    """도로망: the SUMO network the twin runs (one active)."""

    code = models.CharField(_("코드"), max_length=64, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    source = models.CharField(_("출처"), max_length=12, choices=NetworkSource.choices)
    path = models.CharField(_("망 파일"), max_length=500)
    active = models.BooleanField(_("사용 중"), default=True)
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("도로망")
        verbose_name_plural = _("도로망")
        ordering = ["-active", "-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def synthetic(self) -> bool:
        return self.source == NetworkSource.SYNTHETIC


class SignalController(models.Model):
    """교통신호제어기: one signal-controlled junction (스마트교차로) of the network."""

    network = models.ForeignKey(TrafficNetwork, on_delete=models.CASCADE, related_name="controllers")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT)
    code = models.CharField(_("코드"), max_length=170, unique=True)
    tls_id = models.CharField(_("신호 ID"), max_length=100)
    name = models.CharField(_("교차로명"), max_length=100)
    x = models.IntegerField(_("X(m)"), default=0)
    y = models.IntegerField(_("Y(m)"), default=0)
    link_count = models.PositiveSmallIntegerField(_("연결 수"), default=0)
    online = models.BooleanField(_("온라인"), default=True)

    class Meta:
        verbose_name = _("신호제어기")
        verbose_name_plural = _("신호제어기")
        ordering = ["network", "tls_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "tls_id"],
                name="traffic_controller_unique_tls",
                violation_error_message=_("이 도로망에 같은 신호 ID의 제어기가 이미 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tls_id})"


class SignalPlan(models.Model):
    """신호 운영계획: cycle, offset and phases (green stages with minimum greens, yellows, all-reds)."""

    controller = models.OneToOneField(SignalController, on_delete=models.CASCADE, related_name="plan")
    cycle_s = models.PositiveSmallIntegerField(_("주기(초)"), validators=[MinValueValidator(1)])
    offset_s = models.PositiveSmallIntegerField(_("옵셋(초)"), default=0)
    phases = models.JSONField(_("현시"), default=list)
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("신호 운영계획")
        verbose_name_plural = _("신호 운영계획")
        ordering = ["controller"]

    def __str__(self) -> str:
        return f"{self.controller.tls_id} {self.cycle_s}s/{self.offset_s}s"


class EmergencyRun(models.Model):
    """긴급차량 우선신호 운행: a vehicle's request for priority on its dispatched route, and the twin's
    outcome against the same trip without preemption."""

    network = models.ForeignKey(TrafficNetwork, on_delete=models.PROTECT, related_name="runs")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT)
    unit = models.CharField(_("출동 차량"), max_length=50)
    vehicle_type = models.CharField(_("차종"), max_length=12, choices=VehicleType.choices)
    incident = models.CharField(_("사건"), max_length=200)
    route = models.JSONField(_("경로(링크)"), default=list)
    strategy = models.CharField(
        _("우선신호 방식"), max_length=12, choices=Strategy.choices, default=Strategy.PREDICTIVE
    )
    status = models.CharField(
        _("상태"), max_length=12, choices=RunStatus.choices, default=RunStatus.REQUESTED
    )
    seed = models.PositiveIntegerField(_("난수 시드"), default=1)
    travel_time_s = models.PositiveIntegerField(_("통행시간(초)"), null=True, blank=True)
    baseline_travel_time_s = models.PositiveIntegerField(_("우선신호 없을 때(초)"), null=True, blank=True)
    stops = models.PositiveSmallIntegerField(_("정지 횟수"), null=True, blank=True)
    baseline_stops = models.PositiveSmallIntegerField(_("우선신호 없을 때 정지"), null=True, blank=True)
    decision_p99_ms = models.DecimalField(
        _("판단 시간 p99(ms)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    others_delay_change = models.DecimalField(
        _("다른 차량 지체 변화"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    warnings = models.JSONField(_("경고"), default=list, blank=True)
    positions = models.JSONField(_("위치 기록"), default=list, blank=True)
    commands = models.JSONField(_("신호 명령"), default=list, blank=True)
    link_speeds = models.JSONField(_("링크 속도(km/h)"), default=dict, blank=True)
    demand_veh_h = models.PositiveIntegerField(_("배경 교통량(대/시)"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("요청 시각"), auto_now_add=True)
    completed_at = models.DateTimeField(_("완료 시각"), null=True, blank=True)
    handed_over_from = models.CharField(_("인계 기관"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("긴급차량 우선신호 운행")
        verbose_name_plural = _("긴급차량 우선신호 운행")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.incident}"

    @property
    def saved_s(self) -> float | None:
        if self.travel_time_s is None or self.baseline_travel_time_s is None:
            return None
        return self.baseline_travel_time_s - self.travel_time_s

    @property
    def change(self) -> float | None:
        if not self.baseline_travel_time_s or self.travel_time_s is None:
            return None
        return self.travel_time_s / self.baseline_travel_time_s - 1


class JunctionPlan(models.Model):
    """교차로별 우선신호 계획과 결과: predicted arrival, green needed by, what the signal did, when the
    vehicle crossed, whether it stopped."""

    run = models.ForeignKey(EmergencyRun, on_delete=models.CASCADE, related_name="junctions")
    order = models.PositiveSmallIntegerField(_("순서"))
    tls_id = models.CharField(_("신호 ID"), max_length=100)
    action = models.CharField(_("조치"), max_length=12, choices=JunctionAction.choices)
    first_call_s = models.FloatField(_("요청 시각(초)"), null=True, blank=True)
    predicted_arrival_s = models.FloatField(_("예측 도착(초)"), null=True, blank=True)
    green_by_s = models.FloatField(_("녹색 필요 시각(초)"), null=True, blank=True)
    arrived_s = models.FloatField(_("실제 통과(초)"), null=True, blank=True)
    stopped = models.BooleanField(_("정지"), default=False)

    class Meta:
        verbose_name = _("교차로 우선신호 계획")
        verbose_name_plural = _("교차로 우선신호 계획")
        ordering = ["run", "order"]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.tls_id}"


class BenchmarkReport(models.Model):
    """우선신호 성능 비교: one ``cityhall bench evp`` result."""

    created_at = models.DateTimeField(_("측정 시각"), auto_now_add=True)
    smoke = models.BooleanField(_("간이 측정"), default=False)
    result = models.JSONField(_("결과"))

    class Meta:
        verbose_name = _("우선신호 성능 비교")
        verbose_name_plural = _("우선신호 성능 비교")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"evp {self.created_at:%Y-%m-%d %H:%M}"


class DetectorReading(models.Model):
    """차량검지기(VDS) 측정값: one detector's (one lane's loop) counts for one interval, as reported
    over MQTT (``vds.py``). Append-only, stored once per (detector, interval end); not audited one by
    one (CONVENTIONS, habit 4)."""

    id = models.BigAutoField(primary_key=True)
    detector_id = models.CharField(_("검지기 ID"), max_length=32)
    edge = models.CharField(_("링크"), max_length=100)
    ts = models.DateTimeField(_("집계 종료 시각"))
    interval_s = models.PositiveSmallIntegerField(_("집계 주기(초)"), default=30)
    volume = models.PositiveSmallIntegerField(_("교통량(대)"))
    speed_kmh = models.FloatField(_("평균 속도(km/h)"), null=True, blank=True)
    occupancy_pct = models.FloatField(_("점유율(%)"))
    simulated = models.BooleanField(_("모의 데이터"), default=False)
    received_at = models.DateTimeField(_("수신 시각"))

    class Meta:
        verbose_name = _("차량검지기 측정값")
        verbose_name_plural = _("차량검지기 측정값")
        constraints = [
            # Idempotency: an interval's report, redelivered or repeated, is stored once.
            models.UniqueConstraint(fields=["detector_id", "ts"], name="traffic_vds_unique_interval"),
        ]
        indexes = [models.Index(fields=["ts", "edge"], name="traffic_vds_ts_edge")]

    def __str__(self) -> str:
        return f"{self.detector_id} {self.ts:%Y-%m-%d %H:%M:%S}"


class VmsSign(models.Model):
    """도로전광표지(VMS): one of the 29 signs (seed: VMS 29). Locations on the twin's network are
    예시 (the seed gives the count, not the sites). What it shows is composed by ``vms.compose`` from
    congestion and incidents ahead, unless an operator has overridden it (with a reason)."""

    code = models.CharField(_("코드"), max_length=16, unique=True)
    name = models.CharField(_("설치 위치"), max_length=100)
    edge = models.CharField(_("설치 링크"), max_length=100)
    watch = models.JSONField(_("안내 대상 링크"), default=list)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT)
    override_text = models.CharField(_("수동 문안"), max_length=80, blank=True)
    override_reason = models.CharField(_("수동 표출 사유"), max_length=200, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(_("수동 표출 시각"), null=True, blank=True)
    # What the sign itself last confirmed (its ack), beside what the rules say it should show.
    acked_text = models.CharField(_("표출 확인 문안"), max_length=80, blank=True)
    acked_at = models.DateTimeField(_("표출 확인 시각"), null=True, blank=True)
    reachable = models.BooleanField(_("통신 정상"), default=True)

    class Meta:
        verbose_name = _("도로전광표지")
        verbose_name_plural = _("도로전광표지")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DsrcReport(models.Model):
    """DSRC 노변기지국 보고: one reader's 30-s report (its heartbeat), how many equipped vehicles it saw."""

    id = models.BigAutoField(primary_key=True)
    reader_id = models.CharField(_("기지국 ID"), max_length=32)
    ts = models.DateTimeField(_("집계 종료 시각"))
    interval_s = models.PositiveSmallIntegerField(_("집계 주기(초)"), default=30)
    passes = models.PositiveSmallIntegerField(_("통과 차량(대)"), default=0)
    simulated = models.BooleanField(_("모의 데이터"), default=False)
    received_at = models.DateTimeField(_("수신 시각"))

    class Meta:
        verbose_name = _("DSRC 기지국 보고")
        verbose_name_plural = _("DSRC 기지국 보고")
        constraints = [models.UniqueConstraint(fields=["reader_id", "ts"], name="traffic_dsrc_unique_report")]
        indexes = [models.Index(fields=["ts"], name="traffic_dsrc_report_ts")]

    def __str__(self) -> str:
        return f"{self.reader_id} {self.ts:%Y-%m-%d %H:%M:%S}"


class DsrcSighting(models.Model):
    """DSRC 통과 기록: an equipped vehicle seen by a reader. The OBU is kept only as its keyed hash of
    the day (``dsrc.obu_hash``), never its ID; purged after ``CITYHALL_DSRC_SIGHTING_DAYS``."""

    id = models.BigAutoField(primary_key=True)
    reader_id = models.CharField(_("기지국 ID"), max_length=32)
    obu_hash = models.CharField(_("단말기 가명"), max_length=32)
    ts = models.DateTimeField(_("통과 시각"))

    class Meta:
        verbose_name = _("DSRC 통과 기록")
        verbose_name_plural = _("DSRC 통과 기록")
        constraints = [
            models.UniqueConstraint(fields=["reader_id", "obu_hash", "ts"], name="traffic_dsrc_unique_pass")
        ]
        indexes = [models.Index(fields=["ts"], name="traffic_dsrc_pass_ts")]

    def __str__(self) -> str:
        return f"{self.reader_id} {self.ts:%H:%M:%S}"


class LinkTravelTime(models.Model):
    """구간 통행시간: one link's travel time over one interval from matched DSRC pairs (median of the
    plausible ones), its speed and congestion level."""

    edge = models.CharField(_("링크"), max_length=100)
    start = models.DateTimeField(_("구간 시작"))
    period_s = models.PositiveIntegerField(_("집계 주기(초)"), default=300)
    samples = models.PositiveIntegerField(_("매칭 수"), default=0)
    used = models.PositiveIntegerField(_("사용한 매칭 수"), default=0)
    median_s = models.FloatField(_("통행시간 중앙값(초)"), null=True, blank=True)
    speed_kmh = models.FloatField(_("구간 속도(km/h)"), null=True, blank=True)
    level = models.CharField(_("소통 등급"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("구간 통행시간")
        verbose_name_plural = _("구간 통행시간")
        ordering = ["-start", "edge"]
        constraints = [
            models.UniqueConstraint(fields=["edge", "start", "period_s"], name="traffic_travel_time_unique")
        ]

    def __str__(self) -> str:
        return f"{self.edge} {self.start:%Y-%m-%d %H:%M}"


class DetectorRollup(models.Model):
    """검지기 집계: one VDS loop's 30-s readings summed over 5 minutes or an hour (kept after the raw
    readings are purged)."""

    id = models.BigAutoField(primary_key=True)
    detector_id = models.CharField(_("검지기 ID"), max_length=32)
    edge = models.CharField(_("링크"), max_length=100, blank=True)
    start = models.DateTimeField(_("구간 시작"))
    period_s = models.PositiveIntegerField(_("집계 주기(초)"))
    intervals = models.PositiveIntegerField(_("측정 횟수"))
    volume = models.PositiveIntegerField(_("교통량(대)"))
    speed_kmh = models.FloatField(_("평균 속도(km/h)"), null=True, blank=True)
    occupancy_pct = models.FloatField(_("평균 점유율(%)"))

    class Meta:
        verbose_name = _("검지기 집계")
        verbose_name_plural = _("검지기 집계")
        constraints = [
            models.UniqueConstraint(
                fields=["detector_id", "start", "period_s"], name="traffic_detector_rollup_unique"
            )
        ]
        indexes = [models.Index(fields=["period_s", "start"], name="traffic_rollup_period_start")]

    def __str__(self) -> str:
        return f"{self.detector_id} {self.start:%Y-%m-%d %H:%M}/{self.period_s}"


class VmsMessage(models.Model):
    """VMS 문안: a template (incident, congestion ahead, travel times to named destinations, city
    notice) for some signs (none = all) over a schedule, shown only once a second person approved it."""

    kind = models.CharField(_("유형"), max_length=16)
    text = models.CharField(_("문안"), max_length=80, blank=True)
    destinations = models.JSONField(_("목적지"), default=list, blank=True)
    signs = models.JSONField(_("대상 표지"), default=list, blank=True)
    starts_at = models.DateTimeField(_("표출 시작"))
    ends_at = models.DateTimeField(_("표출 종료"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=VmsMessageStatus.choices, default=VmsMessageStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("작성 시각"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("승인 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("VMS 문안")
        verbose_name_plural = _("VMS 문안")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class VmsSend(models.Model):
    """VMS 전송: one message sent to one sign over MQTT, its retries and the sign's acknowledgement.
    The row is its own log (not audited row by row, as streetlight commands are not)."""

    sign = models.ForeignKey(VmsSign, on_delete=models.CASCADE, related_name="sends")
    cmd_id = models.UUIDField(_("명령 ID"), unique=True)
    text = models.CharField(_("문안"), max_length=80)
    kind = models.CharField(_("유형"), max_length=16)
    source = models.CharField(_("근거"), max_length=40, blank=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=VmsSendStatus.choices, default=VmsSendStatus.PENDING
    )
    created_at = models.DateTimeField(_("만든 때"))
    attempts = models.PositiveSmallIntegerField(_("전송 횟수"), default=0)
    sent_at = models.DateTimeField(_("처음 전송"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("다음 전송"), null=True, blank=True)
    acked_at = models.DateTimeField(_("표출 확인"), null=True, blank=True)
    result = models.CharField(_("결과"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("VMS 전송")
        verbose_name_plural = _("VMS 전송")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="traffic_vmssend_due")]

    def __str__(self) -> str:
        return f"{self.sign_id} {self.cmd_id}"

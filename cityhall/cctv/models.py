"""The CCTV control centre (CCTV 통합관제센터, 스마트도시과 도시안전정보센터).

The registry (sites, cameras, analytics servers) holds the seed's counts as labelled samples (예시):
the seed gives 7,430 monitored cameras (line 131), 14 analytics servers and 1,400 licences (line 140;
400 intelligent + 1,000 selective, lines 1163–1164) and the 2025 new sites (lines 1161–1162), never
the cameras one by one. ``samples.py`` builds them and cites the lines.

Analytics events are field data, like telemetry readings: written in batches by the triage worker,
not audited one by one; what operators do with them is audited.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import Sourced
from cityhall.organisation.models import OrgUnit

from .choices import (
    Analytics,
    CameraStatus,
    DismissReason,
    EventKind,
    EventStatus,
    HandoverMethod,
    LegalBasis,
    Purpose,
    Requester,
    VideoStatus,
)

CODE_MAX = 32
EVENT_ID_MAX = 64


class CameraSite(Sourced):
    """CCTV 설치 개소: a pole or place with one or more cameras."""

    code = models.CharField(_("코드"), max_length=CODE_MAX, unique=True)
    name = models.CharField(_("위치"), max_length=200)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("부서"), on_delete=models.PROTECT, related_name="cctv_sites"
    )
    purpose = models.CharField(_("주 목적"), max_length=10, choices=Purpose.choices, default=Purpose.CRIME)
    risk = models.PositiveSmallIntegerField(
        _("위험도(1~5)"), default=2, help_text=_("범죄·사고 이력으로 정한 개소 위험도 (1 낮음 ~ 5 높음)")
    )
    lat = models.DecimalField(_("위도"), max_digits=9, decimal_places=6, help_text=_("WGS84"))
    lon = models.DecimalField(_("경도"), max_digits=9, decimal_places=6, help_text=_("WGS84"))
    program = models.CharField(
        _("사업"), max_length=100, blank=True, help_text=_("설치 사업 (예: 북부권 CCTV 설치)")
    )
    sample = models.BooleanField(_("예시"), default=False, help_text=_("원문에 개수만 있어 만든 예시 개소"))

    class Meta:
        verbose_name = _("CCTV 설치 개소")
        verbose_name_plural = _("CCTV 설치 개소")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(risk__gte=1, risk__lte=5),
                name="cctv_site_risk_range",
                violation_error_message=_("위험도는 1~5입니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AnalyticsServer(Sourced):
    """지능형 영상분석 서버 (2025 지능형CCTV 확대설치: 서버 14대)."""

    code = models.CharField(_("코드"), max_length=CODE_MAX, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    capacity = models.PositiveIntegerField(_("분석 채널 수"), default=100)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("영상분석 서버")
        verbose_name_plural = _("영상분석 서버")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Camera(Sourced):
    """방범 CCTV 한 대: site, purpose, install year, analytics licence and the field of view that the
    new-site scoring reads (heading, angle, range)."""

    code = models.CharField(_("코드"), max_length=CODE_MAX, unique=True)
    site = models.ForeignKey(
        CameraSite, verbose_name=_("설치 개소"), on_delete=models.PROTECT, related_name="cameras"
    )
    purpose = models.CharField(_("목적"), max_length=10, choices=Purpose.choices, default=Purpose.CRIME)
    installed_year = models.PositiveSmallIntegerField(_("설치 연도"))
    analytics = models.CharField(
        _("영상분석"), max_length=12, choices=Analytics.choices, default=Analytics.NONE
    )
    licence = models.CharField(_("라이선스 번호"), max_length=32, blank=True)
    server = models.ForeignKey(
        AnalyticsServer,
        verbose_name=_("분석 서버"),
        on_delete=models.PROTECT,
        related_name="cameras",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=CameraStatus.choices, default=CameraStatus.ACTIVE
    )
    lat = models.DecimalField(_("위도"), max_digits=9, decimal_places=6, help_text=_("WGS84"))
    lon = models.DecimalField(_("경도"), max_digits=9, decimal_places=6, help_text=_("WGS84"))
    heading = models.PositiveSmallIntegerField(_("방향(°)"), default=0, help_text=_("정북 0°, 시계 방향"))
    fov = models.PositiveSmallIntegerField(_("화각(°)"), default=90)
    range_m = models.PositiveSmallIntegerField(_("감시 거리(m)"), default=50)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("CCTV 카메라")
        verbose_name_plural = _("CCTV 카메라")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(analytics=Analytics.NONE, licence="")
                    | (~models.Q(analytics=Analytics.NONE) & ~models.Q(licence=""))
                ),
                name="cctv_camera_licence",
                violation_error_message=_(
                    "영상분석 카메라에는 라이선스 번호가, 일반 카메라에는 없어야 합니다."
                ),
            ),
            models.UniqueConstraint(
                fields=["licence"],
                condition=~models.Q(licence=""),
                name="cctv_camera_licence_unique",
                violation_error_message=_("라이선스 하나는 카메라 한 대에만 씁니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    heading__lt=360, fov__gte=1, fov__lte=360, range_m__gte=1, range_m__lte=1000
                ),
                name="cctv_camera_view",
                violation_error_message=_("방향은 0~359°, 화각은 1~360°, 감시 거리는 1~1,000 m입니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CameraRate(models.Model):
    """The per-camera rate limit's token bucket, shared by every triage worker: each batch reads and
    writes the buckets of its cameras inside its own transaction (locked rows on PostgreSQL, the
    database's write lock on SQLite), so N workers on one consumer enforce one limit, and a restarted
    worker carries on from the stored state."""

    camera = models.OneToOneField(
        Camera, verbose_name=_("카메라"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    tokens = models.FloatField(_("남은 토큰"))
    updated = models.FloatField(_("갱신 시각(epoch 초)"))

    class Meta:
        verbose_name = _("카메라별 빈도 제한 상태")
        verbose_name_plural = _("카메라별 빈도 제한 상태")

    def __str__(self) -> str:
        return f"{self.camera_id}: {self.tokens:.1f}"


class Suppression(models.Model):
    """억제 규칙: events of a camera (or a whole site) in a zone (the analytics rule name) and/or at
    given hours (Asia/Seoul) are stored but kept off the wall — a construction site, a market night."""

    camera = models.ForeignKey(
        Camera, verbose_name=_("카메라"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        CameraSite,
        verbose_name=_("설치 개소"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    rule = models.CharField(_("구역(분석 규칙)"), max_length=64, blank=True, help_text=_("비우면 모든 구역"))
    kinds = models.JSONField(_("이벤트 유형"), default=list, blank=True, help_text=_("비우면 모든 유형"))
    start = models.TimeField(_("시작 시각"), null=True, blank=True, help_text=_("비우면 종일"))
    end = models.TimeField(_("끝 시각"), null=True, blank=True)
    valid_until = models.DateTimeField(_("만료"), null=True, blank=True)
    reason = models.CharField(_("사유"), max_length=200)

    class Meta:
        verbose_name = _("이벤트 억제 규칙")
        verbose_name_plural = _("이벤트 억제 규칙")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(camera__isnull=False) | models.Q(site__isnull=False),
                name="cctv_suppression_target",
                violation_error_message=_("카메라나 설치 개소 중 하나는 정해야 합니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True, end__isnull=True)
                | models.Q(start__isnull=False, end__isnull=False),
                name="cctv_suppression_hours",
                violation_error_message=_("시작 시각과 끝 시각은 함께 정합니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.reason


class Event(models.Model):
    """영상분석 이벤트 (ONVIF 분석 이벤트에 가까운 형태): camera, rule, type, confidence, time and a
    snapshot reference into the VMS (cityhall stores no video). ``code`` is the source's id: the
    database key that absorbs redeliveries.

    Every index costs each of thousands of inserts a second, so there are no more than the pages
    read by: the key is a plain unique constraint (a unique field would add a second, pattern-matching
    index on PostgreSQL), and the camera's own index is the (camera, status) one."""

    code = models.CharField(_("이벤트 ID"), max_length=EVENT_ID_MAX)
    camera = models.ForeignKey(
        Camera, verbose_name=_("카메라"), on_delete=models.PROTECT, related_name="events", db_index=False
    )
    rule = models.CharField(_("분석 규칙(구역)"), max_length=64, blank=True)
    kind = models.CharField(_("유형"), max_length=20, choices=EventKind.choices)
    confidence = models.FloatField(_("신뢰도"))
    occurred_at = models.DateTimeField(_("발생 시각"))
    received_at = models.DateTimeField(_("접수 시각"))
    triaged_at = models.DateTimeField(_("분류 시각"))
    snapshot = models.CharField(_("스냅샷 참조"), max_length=300, blank=True)
    severity = models.PositiveSmallIntegerField(_("위험 점수"))
    reasons = models.JSONField(_("점수 근거"), default=list)
    status = models.CharField(_("상태"), max_length=12, choices=EventStatus.choices, default=EventStatus.NEW)
    simulated = models.BooleanField(_("모의"), default=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("처리자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("처리 시각"), null=True, blank=True)
    dismiss_reason = models.CharField(
        _("종결 사유"), max_length=12, choices=DismissReason.choices, blank=True
    )
    note = models.CharField(_("메모"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("영상분석 이벤트")
        verbose_name_plural = _("영상분석 이벤트")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["status", "occurred_at"], name="cctv_event_status_time"),
            models.Index(fields=["camera", "status"], name="cctv_event_camera_status"),
        ]
        constraints = [models.UniqueConstraint(fields=["code"], name="cctv_event_code_unique")]

    def __str__(self) -> str:
        return self.code


class PoliceRequest(models.Model):
    """경찰 협조 요청: an escalated event, with what was asked of whom."""

    number = models.CharField(_("번호"), max_length=20, unique=True)
    event = models.OneToOneField(
        Event, verbose_name=_("이벤트"), on_delete=models.PROTECT, related_name="police_request"
    )
    camera = models.ForeignKey(Camera, verbose_name=_("카메라"), on_delete=models.PROTECT, related_name="+")
    station = models.CharField(_("관할 경찰서·지구대"), max_length=100)
    detail = models.TextField(_("요청 내용"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("요청자"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("요청 시각"))

    class Meta:
        verbose_name = _("경찰 협조 요청")
        verbose_name_plural = _("경찰 협조 요청")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.number


class VideoRequest(models.Model):
    """영상정보 열람·제공 요청: who asks for which camera's recording of which period, on what legal
    basis, the decision (with the masking of third parties it requires) and until when the request
    and its hand-over log are kept. cityhall stores no video: ``vms_ref`` points into the VMS by
    camera and time."""

    number = models.CharField(_("번호"), max_length=20, unique=True)
    requester_kind = models.CharField(_("요청자 구분"), max_length=10, choices=Requester.choices)
    requester_name = models.CharField(_("요청자"), max_length=100)
    requester_org = models.CharField(_("소속 기관"), max_length=100, blank=True)
    camera = models.ForeignKey(Camera, verbose_name=_("카메라"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateTimeField(_("영상 시작 시각"))
    period_end = models.DateTimeField(_("영상 끝 시각"))
    purpose = models.TextField(_("요청 목적"))
    legal_basis = models.CharField(_("법적 근거"), max_length=12, choices=LegalBasis.choices)
    status = models.CharField(
        _("상태"), max_length=12, choices=VideoStatus.choices, default=VideoStatus.RECEIVED
    )
    masking_required = models.BooleanField(_("제3자 마스킹 필요"), default=True)
    decision_note = models.TextField(_("결정 사유"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("결정자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("결정 시각"), null=True, blank=True)
    retention_until = models.DateField(_("보관 기한"), null=True, blank=True)
    # 파기: the requester's name, the purpose and the recipients of hand-overs were erased when the
    # retention ended; the request (number, camera, period, basis, decision) stays for the audit.
    purged = models.BooleanField(_("개인정보 파기"), default=False)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("접수자"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("접수 시각"))

    class Meta:
        verbose_name = _("영상정보 열람·제공 요청")
        verbose_name_plural = _("영상정보 열람·제공 요청")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="cctv_video_period",
                violation_error_message=_("영상 끝 시각은 시작 시각보다 뒤여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def vms_ref(self) -> str:
        """The recording in the VMS (cityhall keeps no video)."""
        start = self.period_start.strftime("%Y%m%dT%H%M%SZ")
        end = self.period_end.strftime("%Y%m%dT%H%M%SZ")
        return f"vms://{self.camera.code}/{start}-{end}"


class VideoHandover(models.Model):
    """개인영상정보 제공 기록 (관리대장): each viewing or copy handed over, to whom, how."""

    request = models.ForeignKey(
        VideoRequest, verbose_name=_("요청"), on_delete=models.PROTECT, related_name="handovers"
    )
    method = models.CharField(_("방법"), max_length=10, choices=HandoverMethod.choices)
    recipient = models.CharField(_("받은 사람"), max_length=100)
    masked = models.BooleanField(_("마스킹 처리함"), default=False)
    note = models.CharField(_("메모"), max_length=500, blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("제공자"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    handed_at = models.DateTimeField(_("제공 시각"))

    class Meta:
        verbose_name = _("영상정보 제공 기록")
        verbose_name_plural = _("영상정보 제공 기록")
        ordering = ["handed_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.handed_at:%Y-%m-%d}"


class CandidateSite(Sourced):
    """CCTV 신규 설치 후보지, scored by ``siting.rank`` for 통합관제 운영위원회."""

    code = models.CharField(_("코드"), max_length=CODE_MAX, unique=True)
    name = models.CharField(_("위치"), max_length=200)
    lat = models.DecimalField(_("위도"), max_digits=9, decimal_places=6, help_text=_("WGS84"))
    lon = models.DecimalField(_("경도"), max_digits=9, decimal_places=6, help_text=_("WGS84"))
    incidents = models.PositiveIntegerField(_("사건 수(3년)"), default=0)
    requests = models.PositiveIntegerField(_("주민 설치 요청"), default=0)
    school_zone = models.BooleanField(_("어린이보호구역"), default=False)
    cameras = models.PositiveSmallIntegerField(_("설치할 카메라 수"), default=5)
    cost = models.PositiveBigIntegerField(_("사업비(원)"))
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("CCTV 설치 후보지")
        verbose_name_plural = _("CCTV 설치 후보지")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost__gt=0, cameras__gte=1),
                name="cctv_candidate_cost",
                violation_error_message=_("사업비와 카메라 수는 0보다 커야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

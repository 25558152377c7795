"""정보통신과 (seed I.3, II.3, IV.3): informatization projects and the reviews that gate their
phases, and the office's IT assets and network — machine-room equipment, PCs with their replacement
cycle, public Wi-Fi sites and the city's own fibre routes."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import MoneyField, Sourced
from cityhall.organisation.models import OrgUnit, code_validator


class Phase(models.TextChoices):
    """정보화사업 전 단계 (seed II.3 line 298: 계획~구축~운영~성과~폐기)."""

    PLAN = "plan", _("계획")
    BUILD = "build", _("구축")
    OPERATE = "operate", _("운영")
    MEASURE = "measure", _("성과")
    DISPOSE = "dispose", _("폐기")


class ReviewKind(models.TextChoices):
    """The reviews the seed counts (II.3 line 301–303), and the disposal review closing the cycle."""

    FEASIBILITY = "feasibility", _("타당성심사")
    TASK_REVIEW = "task_review", _("과업심의")
    PRIOR_CONSULTATION = "prior_consultation", _("사전협의")
    SECURITY_REVIEW = "security_review", _("보안성검토")
    QUALITY = "quality", _("품질관리")
    PERFORMANCE = "performance", _("성과측정")
    IMPROVEMENT = "improvement", _("개선계획")
    DISPOSAL = "disposal", _("폐기심의")


class ReviewResult(models.TextChoices):
    PENDING = "pending", _("검토 중")
    PASSED = "passed", _("적합")
    CONDITIONAL = "conditional", _("조건부 적합")
    FAILED = "failed", _("부적합")
    IMPROVE = "improve", _("개선 필요")


class InformatizationProject(models.Model):
    """정보화사업: one project of a department, moving through the phases only past its gates."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("사업명"), max_length=200)
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("사업부서"),
        on_delete=models.PROTECT,
        related_name="informatization_projects",
        limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT},
    )
    year = models.PositiveSmallIntegerField(_("사업연도"), validators=[MinValueValidator(2000)])
    budget = MoneyField(_("사업비"), null=True, blank=True, validators=[MinValueValidator(0)])
    software = models.BooleanField(
        _("소프트웨어사업"), default=True, help_text=_("과업심의(소프트웨어사업 과업심의위원회) 대상")
    )
    needs_prior_consultation = models.BooleanField(
        _("사전협의 대상"), default=False, help_text=_("행정안전부 정보화사업 사전협의 대상 여부")
    )
    phase = models.CharField(_("단계"), max_length=10, choices=Phase.choices, default=Phase.PLAN)
    description = models.TextField(_("내용"), blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("정보화사업")
        verbose_name_plural = _("정보화사업")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class ProjectReview(models.Model):
    """One review of a project (타당성심사, 과업심의 …): requested, then decided with its findings."""

    project = models.ForeignKey(
        InformatizationProject, verbose_name=_("정보화사업"), on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField(_("검토 구분"), max_length=20, choices=ReviewKind.choices)
    requested_on = models.DateField(_("요청일"))
    decided_on = models.DateField(_("결정일"), null=True, blank=True)
    result = models.CharField(
        _("결과"), max_length=12, choices=ReviewResult.choices, default=ReviewResult.PENDING
    )
    findings = models.TextField(_("검토 의견"), blank=True)

    class Meta:
        verbose_name = _("정보화사업 검토")
        verbose_name_plural = _("정보화사업 검토")
        ordering = ["project", "requested_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="pending", decided_on__isnull=True)
                | (~Q(result="pending") & Q(decided_on__isnull=False)),
                name="it_review_decided_has_date",
                violation_error_message=_(
                    "결과가 나온 검토에는 결정일이, 검토 중인 검토에는 결정일이 없어야 합니다."
                ),
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("requested_on")),
                name="it_review_decided_after_request",
                violation_error_message=_("결정일은 요청일보다 빠를 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} · {self.get_kind_display()}"


class AssetKind(models.TextChoices):
    SERVER = "server", _("서버")
    STORAGE = "storage", _("스토리지")
    NETWORK = "network", _("네트워크 장비")
    SECURITY = "security", _("정보보호시스템")
    PC = "pc", _("PC")
    LAPTOP = "laptop", _("노트북")
    UPS = "ups", _("UPS")
    COOLING = "cooling", _("항온항습기")
    SOFTWARE = "software", _("소프트웨어")


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", _("사용")
    SPARE = "spare", _("예비")
    DISPOSED = "disposed", _("불용")


class Asset(models.Model):
    """An IT asset (하드웨어·소프트웨어) in a department or a machine room (전산실·통신실)."""

    code = models.CharField(_("자산번호"), max_length=64, unique=True, validators=[code_validator])
    kind = models.CharField(_("구분"), max_length=10, choices=AssetKind.choices)
    name = models.CharField(_("품명"), max_length=120)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT, related_name="it_assets"
    )
    room = models.CharField(
        _("설치 장소"), max_length=40, blank=True, help_text=_("전산실·통신실 등 (시설물 이름)")
    )
    acquired_on = models.DateField(_("취득일"))
    useful_life_years = models.PositiveSmallIntegerField(
        _("내용연수(년)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("비우면 구분별 기본값(설정)을 씁니다."),
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=AssetStatus.choices, default=AssetStatus.IN_USE
    )
    disposed_on = models.DateField(_("불용일"), null=True, blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("정보자산")
        verbose_name_plural = _("정보자산")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disposed_on__isnull=True) | Q(disposed_on__gte=models.F("acquired_on")),
                name="it_asset_disposed_after_acquired",
                violation_error_message=_("불용일은 취득일보다 빠를 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class WifiStatus(models.TextChoices):
    ACTIVE = "active", _("운영")
    PLANNED = "planned", _("설치 예정")
    REMOVED = "removed", _("철거")


class WifiSite(models.Model):
    """공공와이파이 설치 장소 (시민용): 592 at the end of 2024 (seed II.3 line 326)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("장소"), max_length=120)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT, related_name="wifi_sites"
    )
    district = models.CharField(_("읍면동"), max_length=20, blank=True)
    installed_year = models.PositiveSmallIntegerField(_("설치연도"), validators=[MinValueValidator(2000)])
    upgraded_year = models.PositiveSmallIntegerField(
        _("성능개선 연도"), null=True, blank=True, validators=[MinValueValidator(2000)]
    )
    status = models.CharField(_("상태"), max_length=10, choices=WifiStatus.choices, default=WifiStatus.ACTIVE)
    latitude = models.DecimalField(_("위도"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("경도"), max_digits=9, decimal_places=6, null=True, blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("공공와이파이")
        verbose_name_plural = _("공공와이파이")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(upgraded_year__isnull=True) | Q(upgraded_year__gte=models.F("installed_year")),
                name="it_wifi_upgraded_after_installed",
                violation_error_message=_("성능개선 연도는 설치연도보다 빠를 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FibreRoute(Sourced):
    """자가통신망 광케이블 구간 (seed II.3 line 329: 하성면~월곶면 8.8km 48코어)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("구간"), max_length=120)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT, related_name="fibre_routes"
    )
    length_km = models.DecimalField(
        _("길이(km)"), max_digits=7, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    cores = models.PositiveSmallIntegerField(_("코어 수"), validators=[MinValueValidator(1)])
    laid_year = models.PositiveSmallIntegerField(_("포설연도"), validators=[MinValueValidator(1990)])
    redundant = models.BooleanField(_("이중화"), default=False)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("광케이블 구간")
        verbose_name_plural = _("광케이블 구간")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class InspectionStatus(models.TextChoices):
    RECEIVED = "received", _("접수")
    DOCUMENTS_CHECKED = "documents_checked", _("서류 검토 완료")
    INSPECTED = "inspected", _("현장 검사 완료")
    PASSED = "passed", _("합격")
    FAILED = "failed", _("불합격")


OPEN_INSPECTION_STATUSES = (
    InspectionStatus.RECEIVED,
    InspectionStatus.DOCUMENTS_CHECKED,
    InspectionStatus.INSPECTED,
)


class TelecomInspection(models.Model):
    """정보통신공사 사용전검사 (seed II.3 line 332–335): a building's telecom works inspected before use,
    within the legal processing period counted as the civil-petition rules count it."""

    code = models.CharField(_("접수번호"), max_length=20, unique=True)
    building = models.CharField(_("건축물"), max_length=120)
    address = models.CharField(_("소재지"), max_length=200)
    applicant = models.CharField(_("신청인(공사업체)"), max_length=120)
    applicant_contact = models.CharField(_("신청인 연락처"), max_length=40, blank=True)
    received_on = models.DateField(_("접수일"))
    due_on = models.DateField(_("처리기한"))  # counted by the service (managed record type)
    status = models.CharField(
        _("상태"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.RECEIVED
    )
    documents_checked_on = models.DateField(_("서류 검토일"), null=True, blank=True)
    inspected_on = models.DateField(_("현장 검사일"), null=True, blank=True)
    decided_on = models.DateField(_("처리일"), null=True, blank=True)
    findings = models.TextField(_("검사 의견"), blank=True)
    certificate_number = models.CharField(_("필증 번호"), max_length=30, blank=True)
    reinspection_of = models.OneToOneField(
        "self",
        verbose_name=_("재검사 대상"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reinspection",
    )
    reinspect_by = models.DateField(_("재검사 신청 기한"), null=True, blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("사용전검사")
        verbose_name_plural = _("사용전검사")
        ordering = ["-received_on", "-code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("received_on")),
                name="it_inspection_decided_after_receipt",
                violation_error_message=_("처리일은 접수일보다 빠를 수 없습니다."),
            ),
            models.CheckConstraint(
                condition=Q(inspected_on__isnull=True) | Q(inspected_on__gte=models.F("received_on")),
                name="it_inspection_inspected_after_receipt",
                violation_error_message=_("현장 검사일은 접수일보다 빠를 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.building}"


class VenueKind(models.TextChoices):
    """교육 방식 (seed IV.3.3 line 874–879)."""

    MAIN = "main", _("주요 교육장")
    EDU_BUS = "edu_bus", _("에듀 버스")
    EXPERIENCE = "experience", _("체험존")
    ONLINE = "online", _("온라인")


class EducationVenue(models.Model):
    """디지털 역량강화교육의 교육장 (주요 교육장, 에듀 버스 방문지, 체험존, 온라인)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("교육장"), max_length=120)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT, related_name="education_venues"
    )
    kind = models.CharField(_("구분"), max_length=12, choices=VenueKind.choices)
    district = models.CharField(_("읍면동"), max_length=20, blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("교육장")
        verbose_name_plural = _("교육장")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class CourseLevel(models.TextChoices):
    BASIC = "basic", _("기초")
    INTERMEDIATE = "intermediate", _("중급")
    ADVANCED = "advanced", _("활용")


class Course(models.Model):
    """수준별 디지털 역량강화 과정."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    title = models.CharField(_("과정명"), max_length=120)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT, related_name="courses"
    )
    level = models.CharField(_("수준"), max_length=12, choices=CourseLevel.choices)
    description = models.TextField(_("내용"), blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("교육 과정")
        verbose_name_plural = _("교육 과정")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_level_display()})"


class CourseSession(models.Model):
    """A run of a course at a venue; its seats and waiting list are a booking slot."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    course = models.ForeignKey(
        Course, verbose_name=_("과정"), on_delete=models.PROTECT, related_name="sessions"
    )
    venue = models.ForeignKey(
        EducationVenue, verbose_name=_("교육장"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_on = models.DateField(_("시작일"))
    ends_on = models.DateField(_("종료일"))
    capacity = models.PositiveSmallIntegerField(_("정원"), validators=[MinValueValidator(1)])
    slot = models.OneToOneField(
        "bookings.Slot",
        verbose_name=_("예약 시간대"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_session",
    )
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("교육 일정")
        verbose_name_plural = _("교육 일정")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="it_session_ends_after_start",
                violation_error_message=_("종료일은 시작일보다 빠를 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} · {self.venue.name} · {self.starts_on:%Y-%m-%d}"


class AgeGroup(models.TextChoices):
    UNDER_20 = "under_20", _("19세 이하")
    AGE_20S = "20s", _("20대")
    AGE_30S = "30s", _("30대")
    AGE_40S = "40s", _("40대")
    AGE_50S = "50s", _("50대")
    AGE_60S = "60s", _("60대")
    OVER_70 = "70_plus", _("70세 이상")


class Enrolment(models.Model):
    """수강 신청: a citizen's place in a session (its seat or waiting place is the booking). Records
    brought over from before the booking service (the 2024 samples) have no booking."""

    session = models.ForeignKey(
        CourseSession, verbose_name=_("교육 일정"), on_delete=models.PROTECT, related_name="enrolments"
    )
    booking = models.OneToOneField(
        "bookings.Booking",
        verbose_name=_("예약"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolment",
    )
    name = models.CharField(_("이름"), max_length=40)
    phone = models.CharField(_("연락처"), max_length=20, blank=True)  # erased when retention ends
    age_group = models.CharField(_("연령대"), max_length=10, choices=AgeGroup.choices)
    district = models.CharField(_("읍면동"), max_length=20, blank=True)
    attended = models.BooleanField(_("출석"), null=True, blank=True)
    completed = models.BooleanField(_("수료"), default=False)
    created_at = models.DateTimeField(_("신청 시각"), default=timezone.now)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("수강 신청")
        verbose_name_plural = _("수강 신청")
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed=False) | Q(attended=True),
                name="it_enrolment_completed_attended",
                violation_error_message=_("출석하지 않은 수강생은 수료할 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.name}"


class ZoneVisitDay(models.Model):
    """체험존 하루 방문 인원."""

    venue = models.ForeignKey(
        EducationVenue, verbose_name=_("체험존"), on_delete=models.PROTECT, related_name="visit_days"
    )
    day = models.DateField(_("날짜"))
    visitors = models.PositiveIntegerField(_("방문 인원"))
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("체험존 방문")
        verbose_name_plural = _("체험존 방문")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["venue", "day"], name="it_zone_visit_one_per_day")]

    def __str__(self) -> str:
        return f"{self.venue} {self.day:%Y-%m-%d}: {self.visitors}"


class CampaignKind(models.TextChoices):
    DISPATCH = "dispatch", _("파견교육")
    CAMPAIGN = "campaign", _("캠페인")


class DependenceCampaign(models.Model):
    """지능정보서비스 과의존 예방 (seed IV.3.3 line 881–889): a dispatched class or a school campaign."""

    kind = models.CharField(_("구분"), max_length=10, choices=CampaignKind.choices)
    title = models.CharField(_("내용"), max_length=200)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT, related_name="dependence_campaigns"
    )
    held_on = models.DateField(_("일자"))
    place = models.CharField(_("장소"), max_length=120)
    participants = models.PositiveIntegerField(_("참여 인원"), default=0)

    class Meta:
        verbose_name = _("과의존 예방 활동")
        verbose_name_plural = _("과의존 예방 활동")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class MediaType(models.TextChoices):
    """파기 대상 (seed IV.3.4 line 913): PC·노트북용 하드디스크(HDD, SSD, M.2), 메모리 등."""

    HDD = "hdd", _("HDD")
    SSD = "ssd", _("SSD")
    M2 = "m2", _("M.2")
    MEMORY = "memory", _("메모리(USB 등)")


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("시민")
    COMPANY = "company", _("기업")


class DestructionStatus(models.TextChoices):
    APPLIED = "applied", _("신청")
    RECEIVED = "received", _("접수(일련번호 확인)")
    DESTROYED = "destroyed", _("파기 완료")
    CANCELLED = "cancelled", _("취소")


class MediaDestruction(models.Model):
    """저장매체 파기 서비스 (seed IV.3.4): a citizen's or a company's application, the drop-off booking,
    the serials checked on receipt, the shredding and the certificate. Personal data (name, phone) is
    kept until ``purge_after`` and then erased; the certificate keeps what it states."""

    code = models.CharField(_("접수번호"), max_length=20, unique=True)
    applicant_kind = models.CharField(_("신청인 구분"), max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("신청인"), max_length=40)
    company_name = models.CharField(_("기업명"), max_length=120, blank=True)
    phone = models.CharField(_("연락처"), max_length=20, blank=True)  # erased when retention ends
    booking = models.OneToOneField(
        "bookings.Booking",
        verbose_name=_("반입 예약"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_destruction",
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=DestructionStatus.choices, default=DestructionStatus.APPLIED
    )
    applied_at = models.DateTimeField(_("신청 시각"), default=timezone.now)
    received_on = models.DateField(_("접수일"), null=True, blank=True)
    destroyed_on = models.DateField(_("파기일"), null=True, blank=True)
    certificate_code = models.CharField(_("확인서 인증번호"), max_length=24, blank=True)
    purge_after = models.DateField(_("개인정보 파기 예정일"), null=True, blank=True)
    purged = models.BooleanField(_("개인정보 파기됨"), default=False)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("저장매체 파기")
        verbose_name_plural = _("저장매체 파기")
        ordering = ["-applied_at", "-code"]

    def __str__(self) -> str:
        return self.code


class DestructionItem(models.Model):
    """One storage medium of an application, with its serial as the applicant wrote it."""

    destruction = models.ForeignKey(
        MediaDestruction, verbose_name=_("파기 신청"), on_delete=models.CASCADE, related_name="items"
    )
    media_type = models.CharField(_("매체"), max_length=10, choices=MediaType.choices)
    serial = models.CharField(_("일련번호"), max_length=60)
    checked = models.BooleanField(_("일련번호 확인"), default=False)

    class Meta:
        verbose_name = _("파기 매체")
        verbose_name_plural = _("파기 매체")
        ordering = ["destruction", "id"]
        constraints = [
            models.UniqueConstraint(fields=["destruction", "serial"], name="it_destruction_serial_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_media_type_display()} {self.serial}"


class Severity(models.TextChoices):
    CRITICAL = "critical", _("긴급")
    HIGH = "high", _("높음")
    MEDIUM = "medium", _("보통")
    LOW = "low", _("낮음")


class FindingSource(models.TextChoices):
    WEB = "web", _("웹사이트 취약점 점검")
    SERVER = "server", _("서버 취약점 점검")
    SELF = "self", _("분야별 자체 진단")
    AUDIT = "audit", _("외부 감사·평가")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("조치 중")
    FIXED = "fixed", _("조치 완료")
    VERIFIED = "verified", _("재점검 확인")


class SecurityFinding(models.Model):
    """취약점: found by a check, due by its severity, fixed, and confirmed by a re-check (IV.3.5)."""

    code = models.CharField(_("코드"), max_length=30, unique=True)
    source = models.CharField(_("출처"), max_length=10, choices=FindingSource.choices)
    target = models.CharField(_("대상"), max_length=120)
    asset = models.ForeignKey(
        Asset,
        verbose_name=_("정보자산"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    title = models.CharField(_("취약점"), max_length=200)
    severity = models.CharField(_("위험도"), max_length=10, choices=Severity.choices)
    found_on = models.DateField(_("발견일"))
    due_on = models.DateField(_("조치 기한"))  # follows the severity (managed record type)
    fix = models.TextField(_("조치 내용"), blank=True)
    fixed_on = models.DateField(_("조치일"), null=True, blank=True)
    rechecked_on = models.DateField(_("재점검일"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )

    class Meta:
        verbose_name = _("보안 취약점")
        verbose_name_plural = _("보안 취약점")
        ordering = ["status", "due_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_on__isnull=True) | Q(fixed_on__gte=models.F("found_on")),
                name="it_finding_fixed_after_found",
                violation_error_message=_("조치일은 발견일보다 빠를 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class IncidentKind(models.TextChoices):
    MALWARE = "malware", _("악성코드·랜섬웨어")
    PHISHING = "phishing", _("해킹 메일")
    DDOS = "ddos", _("DDoS")
    INTRUSION = "intrusion", _("전산망 침투")
    LEAK = "leak", _("개인정보 유·노출")


class SecurityIncident(models.Model):
    """침해사고: what happened, when it was detected, reported and closed."""

    kind = models.CharField(_("유형"), max_length=10, choices=IncidentKind.choices)
    summary = models.CharField(_("요약"), max_length=200)
    detected_at = models.DateTimeField(_("탐지 시각"))
    reported_at = models.DateTimeField(_("보고 시각"), null=True, blank=True)
    closed_at = models.DateTimeField(_("종결 시각"), null=True, blank=True)
    impact = models.TextField(_("영향·조치"), blank=True)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT, related_name="security_incidents"
    )

    class Meta:
        verbose_name = _("침해사고")
        verbose_name_plural = _("침해사고")
        ordering = ["-detected_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("detected_at")),
                name="it_incident_closed_after_detected",
                violation_error_message=_("종결 시각은 탐지 시각보다 빠를 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.detected_at:%Y-%m-%d} {self.summary}"


class DrillKind(models.TextChoices):
    PHISHING = "phishing", _("해킹 메일 모의훈련")
    DDOS = "ddos", _("DDoS 대응훈련")
    INTRUSION = "intrusion", _("전산망 침투 대응훈련")


class SecurityDrill(models.Model):
    """모의훈련 (seed II.3 line 316): participants, and for mail drills who opened and who reported."""

    kind = models.CharField(_("훈련"), max_length=10, choices=DrillKind.choices)
    held_on = models.DateField(_("일자"))
    participants = models.PositiveIntegerField(_("대상 인원"), validators=[MinValueValidator(1)])
    clicked = models.PositiveIntegerField(_("열람·클릭 인원"), default=0)
    reported = models.PositiveIntegerField(_("신고 인원"), default=0)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("관리부서"), on_delete=models.PROTECT, related_name="security_drills"
    )

    class Meta:
        verbose_name = _("보안 모의훈련")
        verbose_name_plural = _("보안 모의훈련")
        ordering = ["-held_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(clicked__lte=models.F("participants"))
                & Q(reported__lte=models.F("participants")),
                name="it_drill_counts_within_participants",
                violation_error_message=_("열람·신고 인원은 대상 인원보다 많을 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def click_rate(self) -> Decimal:
        return (Decimal(100) * self.clicked / self.participants).quantize(Decimal("0.1"))

    @property
    def report_rate(self) -> Decimal:
        return (Decimal(100) * self.reported / self.participants).quantize(Decimal("0.1"))


class PersonalDataFile(models.Model):
    """개인정보파일 (개인정보 보호법 §32): who keeps it, why, on what basis, how long, and whether it is
    given to third parties or entrusted — checked yearly by 정보통신과."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("개인정보파일"), max_length=120)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("보유 부서"), on_delete=models.PROTECT, related_name="personal_data_files"
    )
    purpose = models.CharField(_("보유 목적"), max_length=200)
    legal_basis = models.CharField(_("법적 근거"), max_length=200)
    records = models.PositiveIntegerField(_("정보주체 수"), default=0)
    retention_years = models.PositiveSmallIntegerField(_("보유 기간(년)"), validators=[MinValueValidator(1)])
    third_party = models.CharField(_("제3자 제공처"), max_length=200, blank=True)
    entrusted_to = models.CharField(_("처리 위탁 업체"), max_length=200, blank=True)
    last_checked_on = models.DateField(_("최근 점검일"), null=True, blank=True)

    class Meta:
        verbose_name = _("개인정보파일")
        verbose_name_plural = _("개인정보파일")
        ordering = ["department", "code"]

    def __str__(self) -> str:
        return self.name

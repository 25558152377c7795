"""의회·법무 (seed II.2 행 271–284, IV.2.5 행 725–750): the city's own laws (자치법규) with their versions
and revisions, the council's sessions, data requests and bills, and the legal cases of 예산법무과
(lawsuits, advisory opinions, administrative appeals and hearings, taxpayer-protection complaints,
staff-protection actions)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import MoneyField
from cityhall.organisation.models import OrgUnit, code_validator

# -- 자치법규 ----------------------------------------------------------------------------------------


class RegulationKind(models.TextChoices):
    ORDINANCE = "ordinance", _("조례")
    RULE = "rule", _("규칙")
    DIRECTIVE = "directive", _("훈령")
    ESTABLISHED_RULE = "established_rule", _("예규")


# 조례규칙심의회 deliberates 조례 and 규칙 (지방자치법 시행령 and the city's 조례규칙심의회 규칙);
# 훈령 and 예규 are administrative rules issued without it.
DELIBERATED_KINDS = frozenset({RegulationKind.ORDINANCE, RegulationKind.RULE})
# Only ordinances go through the council (지방자치법 §32).
COUNCIL_KINDS = frozenset({RegulationKind.ORDINANCE})


class Regulation(models.Model):
    """자치법규: one of the city's 조례·규칙·훈령·예규, kept by its responsible department (소관부서)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    kind = models.CharField(_("종류"), max_length=20, choices=RegulationKind.choices)
    title = models.CharField(_("법규명"), max_length=200)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("소관부서"), on_delete=models.PROTECT, related_name="regulations"
    )
    repealed = models.BooleanField(_("폐지됨"), default=False)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("자치법규")
        verbose_name_plural = _("자치법규")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_kind_display()})"


class RegulationVersion(models.Model):
    """A version of a regulation: its articles as structured text (``[{number, title, text}]``, the
    text's lines being its 항·호), from the day it took effect."""

    code = models.CharField(_("코드"), max_length=80, unique=True)  # "<regulation code>-v<number>"
    regulation = models.ForeignKey(
        Regulation, verbose_name=_("자치법규"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("판 번호"), validators=[MinValueValidator(1)])
    articles = models.JSONField(_("조문"), default=list)
    promulgated_on = models.DateField(_("공포일"), null=True, blank=True)
    effective_on = models.DateField(_("시행일"), null=True, blank=True)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("자치법규 판")
        verbose_name_plural = _("자치법규 판")
        ordering = ["regulation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "number"],
                name="legal_version_number_unique",
                violation_error_message=_("같은 판 번호가 이미 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.regulation.title} 제{self.number}판"


class RevisionKind(models.TextChoices):
    ENACT = "enact", _("제정")
    AMEND = "amend", _("개정")
    REPEAL = "repeal", _("폐지")


class Stage(models.TextChoices):
    """The revision pipeline, in order."""

    DRAFTING = "drafting", _("입안(소관부서)")
    CONSULTATION = "consultation", _("사전협의")
    LEGAL_REVIEW = "legal_review", _("법제심사")
    NOTICE = "notice", _("입법예고")
    DELIBERATION = "deliberation", _("조례규칙심의회")
    COUNCIL = "council", _("의회 의결")
    PROMULGATION = "promulgation", _("공포")
    IN_FORCE = "in_force", _("시행")
    WITHDRAWN = "withdrawn", _("철회")


class BulkRevision(models.Model):
    """일괄개정: one revision opened across every regulation that contains a phrase (the '만 나이' case)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    title = models.CharField(_("제목"), max_length=200)
    phrase = models.CharField(_("찾을 문구"), max_length=200)
    replacement = models.CharField(_("바꿀 문구"), max_length=200, blank=True)
    regex = models.BooleanField(_("정규식"), default=False)
    reason = models.TextField(_("개정 사유"), blank=True)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("일괄개정")
        verbose_name_plural = _("일괄개정")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """자치법규 제·개정·폐지: one regulation's revision through the pipeline, with its draft articles
    (the 개정안) compared against the version in force (현행)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    regulation = models.ForeignKey(
        Regulation, verbose_name=_("자치법규"), on_delete=models.PROTECT, related_name="revisions"
    )
    kind = models.CharField(_("구분"), max_length=10, choices=RevisionKind.choices)
    title = models.CharField(_("제목"), max_length=200)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("입안부서"), on_delete=models.PROTECT, related_name="regulation_revisions"
    )
    stage = models.CharField(_("단계"), max_length=16, choices=Stage.choices, default=Stage.DRAFTING)
    base_version = models.ForeignKey(
        RegulationVersion,
        verbose_name=_("현행 판"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    draft = models.JSONField(_("개정안 조문"), default=list, blank=True)
    reason = models.TextField(_("제안 이유"), blank=True)
    bulk = models.ForeignKey(
        BulkRevision,
        verbose_name=_("일괄개정"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
    )
    notice_starts_on = models.DateField(_("입법예고 시작일"), null=True, blank=True)
    notice_ends_on = models.DateField(_("입법예고 종료일"), null=True, blank=True)
    deliberated_on = models.DateField(_("심의회 심의일"), null=True, blank=True)
    deliberation_meeting = models.ForeignKey(
        "committees.Meeting",
        verbose_name=_("조례규칙심의회 회의"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regulation_revisions",
    )
    council_passed_on = models.DateField(_("의회 의결일"), null=True, blank=True)
    received_on = models.DateField(_("의결 이송 접수일"), null=True, blank=True)
    promulgated_on = models.DateField(_("공포일"), null=True, blank=True)
    effective_on = models.DateField(_("시행일"), null=True, blank=True)
    new_version = models.ForeignKey(
        RegulationVersion,
        verbose_name=_("개정된 판"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("연도"))
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("자치법규 제·개정")
        verbose_name_plural = _("자치법규 제·개정")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_ends_on__isnull=True)
                | Q(notice_starts_on__isnull=True)
                | Q(notice_ends_on__gte=models.F("notice_starts_on")),
                name="legal_notice_ends_after_start",
                violation_error_message=_("입법예고 종료일은 시작일보다 앞설 수 없습니다."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class RevisionTransition(models.Model):
    """A revision's move from one stage to the next: who, when, why (the audited pipeline)."""

    revision = models.ForeignKey(
        Revision, verbose_name=_("제·개정"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(_("이전 단계"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("다음 단계"), max_length=16, choices=Stage.choices)
    on = models.DateField(_("일자"))
    actor = models.CharField(_("처리자"), max_length=150)
    note = models.CharField(_("메모"), max_length=300, blank=True)
    at = models.DateTimeField(_("기록 시각"), default=timezone.now)

    class Meta:
        verbose_name = _("단계 이동")
        verbose_name_plural = _("단계 이동")
        ordering = ["revision", "at", "id"]

    def __str__(self) -> str:
        return f"{self.revision} {self.get_from_stage_display()} → {self.get_to_stage_display()}"


# -- 의회 -------------------------------------------------------------------------------------------


class CouncilSession(models.Model):
    """회기: a session of the city council (정례회·임시회)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("정례회")
        EXTRAORDINARY = "extraordinary", _("임시회")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    number = models.PositiveSmallIntegerField(_("회"))
    kind = models.CharField(_("구분"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("시작일"))
    ends_on = models.DateField(_("종료일"))
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("의회 회기")
        verbose_name_plural = _("의회 회기")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="legal_session_ends_after_start",
                violation_error_message=_("회기 종료일은 시작일보다 앞설 수 없습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"제{self.number}회 {self.get_kind_display()}"


class DataRequest(models.Model):
    """의원요구자료 / 행정사무감사 요구자료: a council member's request routed to a department, due by a
    date, answered with text and attachments."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("의원요구자료")
        AUDIT = "audit", _("행정사무감사 요구자료")

    class Status(models.TextChoices):
        OPEN = "open", _("작성 중")
        ANSWERED = "answered", _("제출 완료")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    kind = models.CharField(_("구분"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    session = models.ForeignKey(
        CouncilSession,
        verbose_name=_("회기"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_requests",
    )
    member = models.CharField(_("요구 의원"), max_length=50)
    subject = models.CharField(_("요구 자료"), max_length=200)
    details = models.TextField(_("요구 내용"), blank=True)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("제출부서"), on_delete=models.PROTECT, related_name="council_requests"
    )
    requested_on = models.DateField(_("요구일"))
    due_on = models.DateField(_("제출기한"))
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("제출 내용"), blank=True)
    answered_on = models.DateField(_("제출일"), null=True, blank=True)
    # The due date the last reminder was sent for: one reminder per due date, again if it moves.
    reminded_due = models.DateField(_("알림 보낸 제출기한"), null=True, blank=True, editable=False)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("의회 요구자료")
        verbose_name_plural = _("의회 요구자료")
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("requested_on")),
                name="legal_request_due_after_request",
                violation_error_message=_("제출기한은 요구일보다 앞설 수 없습니다."),
            )
        ]

    def __str__(self) -> str:
        return self.subject


class DataRequestAttachment(models.Model):
    """A file submitted with an answer."""

    request = models.ForeignKey(
        DataRequest, verbose_name=_("요구자료"), on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("파일명"), max_length=200)
    content_type = models.CharField(_("형식"), max_length=100)
    content = models.BinaryField(_("내용"))
    size = models.PositiveIntegerField(_("크기(바이트)"))
    uploaded_at = models.DateTimeField(_("올린 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("제출 첨부파일")
        verbose_name_plural = _("제출 첨부파일")
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return self.name


class Bill(models.Model):
    """의안: a 조례안 or 일반안건 the city submits, through committee to the plenary."""

    class Kind(models.TextChoices):
        ORDINANCE = "ordinance", _("조례안")
        GENERAL = "general", _("일반안건")

    class Stage(models.TextChoices):
        SUBMITTED = "submitted", _("제출")
        COMMITTEE = "committee", _("상임위원회 심사")
        PLENARY = "plenary", _("본회의")
        PASSED = "passed", _("가결")
        AMENDED = "amended", _("수정가결")
        REJECTED = "rejected", _("부결")
        WITHDRAWN = "withdrawn", _("철회")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    kind = models.CharField(_("구분"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("의안명"), max_length=200)
    session = models.ForeignKey(
        CouncilSession, verbose_name=_("회기"), on_delete=models.PROTECT, related_name="bills"
    )
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("제출부서"), on_delete=models.PROTECT, related_name="council_bills"
    )
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("자치법규 제·개정"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
    )
    committee = models.CharField(_("소관 상임위원회"), max_length=100, blank=True)
    stage = models.CharField(_("단계"), max_length=12, choices=Stage.choices, default=Stage.SUBMITTED)
    submitted_on = models.DateField(_("제출일"))
    decided_on = models.DateField(_("의결일"), null=True, blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("의안")
        verbose_name_plural = _("의안")
        ordering = ["-submitted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("submitted_on")),
                name="legal_bill_decided_after_submitted",
                violation_error_message=_("의결일은 제출일보다 앞설 수 없습니다."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class BillTransition(models.Model):
    """A bill's move from one stage to the next: who, when, why (the audited bill pipeline)."""

    bill = models.ForeignKey(
        Bill, verbose_name=_("의안"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(_("이전 단계"), max_length=12, choices=Bill.Stage.choices)
    to_stage = models.CharField(_("다음 단계"), max_length=12, choices=Bill.Stage.choices)
    on = models.DateField(_("일자"))
    actor = models.CharField(_("처리자"), max_length=150)
    note = models.CharField(_("메모"), max_length=300, blank=True)
    at = models.DateTimeField(_("기록 시각"), default=timezone.now)

    class Meta:
        verbose_name = _("의안 단계 이동")
        verbose_name_plural = _("의안 단계 이동")
        ordering = ["bill", "at", "id"]

    def __str__(self) -> str:
        return f"{self.bill} {self.get_from_stage_display()} → {self.get_to_stage_display()}"


# -- 사건 ------------------------------------------------------------------------------------------


class CaseKind(models.TextChoices):
    CIVIL = "civil", _("민사소송")
    ADMINISTRATIVE = "administrative", _("행정소송")
    ADVISORY = "advisory", _("법률자문")
    APPEAL = "appeal", _("행정심판")
    HEARING = "hearing", _("청문")
    TAXPAYER = "taxpayer", _("납세자보호")
    STAFF_PROTECTION = "staff_protection", _("피해공무원 법적대응")


LAWSUIT_KINDS = frozenset({CaseKind.CIVIL, CaseKind.ADMINISTRATIVE})


class Case(models.Model):
    """법무 사건: a lawsuit, an advisory request to a retained lawyer, an administrative appeal or
    hearing, a taxpayer-protection complaint or a staff-protection action, of one department."""

    class Status(models.TextChoices):
        OPEN = "open", _("진행")
        CLOSED = "closed", _("종결")

    class Instance(models.TextChoices):
        FIRST = "first", _("1심")
        SECOND = "second", _("2심")
        THIRD = "third", _("3심")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    kind = models.CharField(_("구분"), max_length=20, choices=CaseKind.choices)
    title = models.CharField(_("사건명"), max_length=200)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("관련부서"), on_delete=models.PROTECT, related_name="legal_cases"
    )
    court = models.CharField(_("법원·기관"), max_length=100, blank=True)
    case_number = models.CharField(_("사건번호"), max_length=50, blank=True)
    opponent = models.CharField(_("상대방"), max_length=100, blank=True)
    instance = models.CharField(_("심급"), max_length=8, choices=Instance.choices, blank=True)
    lawyer = models.CharField(_("담당 변호사"), max_length=50, blank=True)
    received_on = models.DateField(_("접수일"))
    filed_on = models.DateField(_("제소·청구일"), null=True, blank=True)
    judgment_on = models.DateField(_("판결·결정일"), null=True, blank=True)
    judgment_served_on = models.DateField(_("판결 송달일"), null=True, blank=True)
    result = models.CharField(_("결과"), max_length=100, blank=True)
    cost = MoneyField(_("소송비용"), null=True, blank=True, validators=[MinValueValidator(0)])
    status = models.CharField(_("상태"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("종결일"), null=True, blank=True)
    # The deadline the last warning was sent for: one warning per deadline.
    warned_due = models.DateField(_("경고 보낸 기한"), null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("연도"))
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("법무 사건")
        verbose_name_plural = _("법무 사건")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(judgment_on__isnull=True)
                | Q(filed_on__isnull=True)
                | Q(judgment_on__gte=models.F("filed_on")),
                name="legal_case_judgment_after_filing",
                violation_error_message=_("판결일은 제소일보다 앞설 수 없습니다."),
            ),
            models.CheckConstraint(
                condition=Q(judgment_served_on__isnull=True)
                | Q(judgment_on__isnull=False, judgment_served_on__gte=models.F("judgment_on")),
                name="legal_case_served_after_judgment",
                violation_error_message=_("판결 송달일은 판결일 이후여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        number = f" {self.case_number}" if self.case_number else ""
        return f"{self.title}{number}"


class CaseEvent(models.Model):
    """A step of a case with a date: a hearing (변론기일), a document served, an answer submitted."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("변론·심리기일")
        SERVED = "served", _("서류 송달")
        SUBMITTED = "submitted", _("서면 제출")
        OPINION = "opinion", _("자문 회신")
        OTHER = "other", _("기타")

    case = models.ForeignKey(Case, verbose_name=_("사건"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("구분"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("일자"))
    note = models.CharField(_("내용"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("사건 진행")
        verbose_name_plural = _("사건 진행")
        ordering = ["case", "on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.on}"


# -- 무료법률상담 ------------------------------------------------------------------------------------


class Eligibility(models.TextChoices):
    """상담대상 (행 734): 김포시민 및 거소자, 관내 기업체 및 공공기관 종사자."""

    RESIDENT = "resident", _("김포시민 (주민등록)")
    DWELLER = "dweller", _("거소자 (김포시에 거주)")
    COMPANY = "company", _("관내 기업체 종사자")
    PUBLIC_BODY = "public_body", _("관내 공공기관 종사자")


class ConsultationTopic(models.TextChoices):
    """상담범위 (행 735): 행정·민사·형사·가사."""

    ADMINISTRATIVE = "administrative", _("행정")
    CIVIL = "civil", _("민사")
    CRIMINAL = "criminal", _("형사")
    FAMILY = "family", _("가사")


class Consultation(models.Model):
    """무료법률상담 신청: a citizen's request for a consultation on a day, with the seat (or place in line)
    the shared bookings hold for it. The person's data lives here only, masked on lists and erased when
    its retention period ends (``purge_after``)."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("예약")
        WAITLISTED = "waitlisted", _("대기")
        CANCELLED = "cancelled", _("취소")
        ATTENDED = "attended", _("상담 완료")
        NO_SHOW = "no_show", _("불참")

    code = models.CharField(_("신청 번호"), max_length=20, unique=True)
    booking = models.OneToOneField(
        "bookings.Booking",
        verbose_name=_("예약"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_consultation",
    )
    day = models.DateField(_("상담일"))
    starts_at = models.DateTimeField(_("상담 시각"), null=True, blank=True)
    lawyer = models.CharField(_("상담 변호사"), max_length=50, blank=True)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices)
    name = models.CharField(_("성명"), max_length=50, blank=True)
    phone = models.CharField(_("연락처"), max_length=20, blank=True)
    email = models.EmailField(_("이메일"), blank=True)
    holder_key = models.CharField(_("신청인 식별값"), max_length=64, blank=True)  # HMAC of the phone
    eligibility = models.CharField(_("상담대상 구분"), max_length=12, choices=Eligibility.choices)
    topic = models.CharField(_("상담 분야"), max_length=16, choices=ConsultationTopic.choices)
    summary = models.TextField(_("상담 요지"), blank=True)
    notes = models.TextField(_("상담 기록"), blank=True)  # kept by the lawyer
    recorded_by = models.CharField(_("기록자"), max_length=150, blank=True)
    purge_after = models.DateField(_("개인정보 파기 예정일"), null=True, blank=True)
    purged = models.BooleanField(_("개인정보 파기됨"), default=False)
    created_at = models.DateTimeField(_("신청 시각"), default=timezone.now)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("무료법률상담")
        verbose_name_plural = _("무료법률상담")
        ordering = ["-day", "starts_at", "id"]
        constraints = [
            # One active request per person per day, whatever the slot (bookings keep one per slot).
            models.UniqueConstraint(
                fields=["day", "holder_key"],
                condition=Q(status__in=["booked", "waitlisted"]) & ~Q(holder_key=""),
                name="legal_one_consultation_per_person_day",
                violation_error_message=_("같은 날 이미 신청한 상담이 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.day}"

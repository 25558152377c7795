"""군·관 협력 (councils, cooperation tasks, agreements), 군소음 보상 (the versioned rule table, the
compensation years, applications and objections) and the support projects' progress."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityhall.budget.models import Program
from cityhall.committees.models import Committee, Meeting
from cityhall.core.models import MoneyField, Sourced
from cityhall.organisation.models import OrgUnit, code_validator


class Zone(models.TextChoices):
    FIRST = "1", _("제1종 구역")
    SECOND = "2", _("제2종 구역")
    THIRD = "3", _("제3종 구역")


# -- 군소음 보상: the rule table ---------------------------------------------------------------------
class NoiseRuleVersion(models.Model):
    """보상금 산정 규칙표의 판(version): a decided year keeps the version it was decided with."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    title = models.CharField(_("제목"), max_length=200)
    effective_from = models.DateField(_("시행일"))
    note = models.TextField(_("비고"), blank=True)

    class Meta:
        verbose_name = _("군소음 보상 규칙표")
        verbose_name_plural = _("군소음 보상 규칙표")
        ordering = ["-effective_from", "code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.effective_from:%Y-%m-%d})"


class NoiseRuleRow(models.Model):
    """규칙표의 한 행, with its legal source and whether it was checked against the law's text."""

    class Kind(models.TextChoices):
        ZONE_AMOUNT = "zone_amount", _("구역별 월 기준금액")
        MOVE_IN = "move_in", _("전입 시기 감액")
        BEFORE_BASE = "before_base", _("비행장 설치 전 전입 (감액 제외)")
        WORKPLACE = "workplace", _("근무지 위치 감액")
        CAP = "cap", _("감액 합산 상한")

    version = models.ForeignKey(
        NoiseRuleVersion, verbose_name=_("규칙표"), on_delete=models.CASCADE, related_name="rows"
    )
    kind = models.CharField(_("구분"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("키"), max_length=16, help_text=_("구역(1/2/3) 또는 구간 이름"))
    amount = MoneyField(_("금액(원)"), null=True, blank=True)
    rate = models.PositiveSmallIntegerField(_("감액률(%)"), null=True, blank=True)
    starts_on = models.DateField(_("구간 시작일"), null=True, blank=True)
    ends_on = models.DateField(_("구간 종료일"), null=True, blank=True)
    source = models.CharField(_("법적 근거"), max_length=300)
    verified = models.BooleanField(_("법령 원문 확인"), default=False)
    is_setting = models.BooleanField(_("시 설정값"), default=False)

    class Meta:
        verbose_name = _("군소음 보상 규칙")
        verbose_name_plural = _("군소음 보상 규칙")
        ordering = ["version", "kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind", "key"],
                name="military_rule_row_unique",
                violation_error_message=_("같은 규칙표에 같은 구분·키의 행이 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__lte=100),
                name="military_rule_rate_le_100",
                violation_error_message=_("감액률은 100%%를 넘을 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version.code} · {self.get_kind_display()} {self.key}"


# -- 군소음 보상: years, applications, objections ----------------------------------------------------
class CompensationYear(Sourced):
    """한 해의 보상 (지급연도 ``year``, 보상 대상 기간은 전년도 1.1.~12.31.)."""

    class State(models.TextChoices):
        RECEIVING = "receiving", _("신청 접수")
        DECIDED = "decided", _("심의 결정")
        NOTIFIED = "notified", _("결정 통지")
        PAID = "paid", _("지급 완료")

    year = models.PositiveSmallIntegerField(_("지급연도"), unique=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("소관 부서"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.CharField(_("소음대책지역"), max_length=200)
    base_established_on = models.DateField(_("군용비행장 설치일"), null=True, blank=True)
    rule_version = models.ForeignKey(
        NoiseRuleVersion, verbose_name=_("적용 규칙표"), on_delete=models.PROTECT, related_name="years"
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("심의위원회"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("심의 회의"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    state = models.CharField(_("상태"), max_length=12, choices=State.choices, default=State.RECEIVING)
    decided_on = models.DateField(_("심의 결정일"), null=True, blank=True)
    notified_on = models.DateField(_("결정 통지일"), null=True, blank=True)
    paid_on = models.DateField(_("지급일"), null=True, blank=True)
    budget = MoneyField(_("소요예산"), null=True, blank=True)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("군소음 보상 연도")
        verbose_name_plural = _("군소음 보상 연도")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}년 군소음 피해 보상"

    @property
    def residence_year(self) -> int:
        return self.year - 1


class NoiseApplication(models.Model):
    """보상금 지급 신청. Resident and account numbers are stored encrypted (Fernet) and shown masked;
    ``resident_index`` (a keyed hash) finds a second application of the same person in a year."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("접수")
        APPROVED = "approved", _("지급 결정")
        REJECTED = "rejected", _("부지급 결정")
        PAID = "paid", _("지급 완료")

    year = models.ForeignKey(
        CompensationYear, verbose_name=_("보상 연도"), on_delete=models.CASCADE, related_name="applications"
    )
    number = models.PositiveIntegerField(_("접수번호"))
    name = models.CharField(_("성명"), max_length=50)
    resident_number = models.TextField(_("주민등록번호(암호화)"), editable=False)
    resident_index = models.CharField(_("주민등록번호 색인"), max_length=64, editable=False)
    address = models.CharField(_("주소"), max_length=200)
    zone = models.CharField(_("구역"), max_length=1, choices=Zone.choices)
    moved_in_on = models.DateField(_("전입일"))
    moved_out_on = models.DateField(_("전출일"), null=True, blank=True)
    workplace_outside_months = models.JSONField(_("근무지가 구역 밖인 월"), default=list, blank=True)
    applied_on = models.DateField(_("신청일"))
    bank_code = models.CharField(_("은행코드"), max_length=3)
    account_number = models.TextField(_("계좌번호(암호화)"), editable=False)
    account_holder = models.CharField(_("예금주"), max_length=50)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    computed_amount = MoneyField(_("산정액"), null=True, blank=True)
    decided_amount = MoneyField(_("결정액"), null=True, blank=True)
    explanation = models.JSONField(_("산정 내역"), default=list, blank=True)
    decided_rule_version = models.ForeignKey(
        NoiseRuleVersion,
        verbose_name=_("결정 규칙표"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reject_reason = models.CharField(_("부지급 사유"), max_length=200, blank=True)
    paid_on = models.DateField(_("지급일"), null=True, blank=True)
    retain_until = models.DateField(_("개인정보 보유기한"), null=True, blank=True)
    purged = models.BooleanField(_("개인정보 파기"), default=False)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("군소음 보상 신청")
        verbose_name_plural = _("군소음 보상 신청")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                name="military_application_number_unique",
                violation_error_message=_("같은 연도에 같은 접수번호가 이미 있습니다."),
            ),
            models.UniqueConstraint(
                fields=["year", "resident_index"],
                condition=~Q(resident_index=""),
                name="military_application_person_unique",
                violation_error_message=_("이 사람의 올해 신청이 이미 있습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year}-{self.number:04d}"


class Objection(models.Model):
    """이의신청과 재심의."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("재심의 중")
        ACCEPTED = "accepted", _("인용")
        PARTLY = "partly", _("일부 인용")
        DISMISSED = "dismissed", _("기각")

    application = models.ForeignKey(
        NoiseApplication, verbose_name=_("신청"), on_delete=models.CASCADE, related_name="objections"
    )
    filed_on = models.DateField(_("이의신청일"))
    due_on = models.DateField(_("이의신청 기한"))
    reason = models.TextField(_("이의 사유"))
    corrections = models.JSONField(_("정정 요청 사항"), default=dict, blank=True)
    outcome = models.CharField(
        _("재심의 결과"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("재심의일"), null=True, blank=True)
    amount_before = MoneyField(_("종전 결정액"), null=True, blank=True)
    amount_after = MoneyField(_("재심의 결정액"), null=True, blank=True)
    explanation = models.JSONField(_("재심의 산정 내역"), default=list, blank=True)

    class Meta:
        verbose_name = _("이의신청")
        verbose_name_plural = _("이의신청")
        ordering = ["-filed_on", "id"]

    def __str__(self) -> str:
        return f"{self.application} 이의신청 ({self.filed_on:%Y-%m-%d})"


# -- 지원사업 ---------------------------------------------------------------------------------------
class SupportProjectProgress(models.Model):
    """A support project's progress and settlement. Cost and shares stay on the budget ``Program``
    (linked, not copied); this keeps what happens to it during the year."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("계획")
        IN_PROGRESS = "in_progress", _("추진 중")
        DONE = "done", _("완료")
        SETTLED = "settled", _("정산 완료")

    program = models.OneToOneField(
        Program, verbose_name=_("사업"), on_delete=models.CASCADE, related_name="military_progress"
    )
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("진척률(%)"), default=0)
    settled_amount = MoneyField(_("정산액"), null=True, blank=True)
    note = models.TextField(_("비고"), blank=True)

    class Meta:
        verbose_name = _("지원사업 추진상황")
        verbose_name_plural = _("지원사업 추진상황")
        ordering = ["program__group", "program__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="military_support_progress_le_100",
                violation_error_message=_("진척률은 100%%를 넘을 수 없습니다."),
            )
        ]

    def __str__(self) -> str:
        return str(self.program)


# -- 군·관 협력 -------------------------------------------------------------------------------------
class CooperationCouncil(models.Model):
    """군·관 상생발전 협의체의 한 단계: the council itself (name, composition, purpose, cadence, members)
    is the committees app's ``Committee`` (kind 협의체, seed lines 535–537), and so are its meetings
    (agenda, attendance, minutes); this keeps what the cooperation work adds — the tier and the
    regular interval the reminders follow."""

    class Tier(models.TextChoices):
        REPRESENTATIVE = "representative", _("대표협의체")
        WORKING = "working", _("실무협의체")
        SUBCOMMITTEE = "subcommittee", _("실무분과")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    committee = models.OneToOneField(
        Committee, verbose_name=_("협의체"), on_delete=models.PROTECT, related_name="military_council"
    )
    tier = models.CharField(_("단계"), max_length=16, choices=Tier.choices)
    cadence_months = models.PositiveSmallIntegerField(
        _("정기 개최 간격(개월)"), null=True, blank=True, help_text=_("비우면 수시 개최 (알림 없음)")
    )
    reminded_due = models.DateField(_("알림 보낸 개최 기한"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("군·관 협의체")
        verbose_name_plural = _("군·관 협의체")
        ordering = ["committee__number", "id"]

    def __str__(self) -> str:
        return self.committee.name

    @property
    def name(self) -> str:
        return self.committee.name


class CooperationTask(Sourced):
    """군·관 협력과제: followed across meetings until closed (``updates``: date, note, next step)."""

    class Status(models.TextChoices):
        OPEN = "open", _("발굴")
        IN_PROGRESS = "in_progress", _("협의 중")
        DONE = "done", _("완료")
        DROPPED = "dropped", _("중단")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    title = models.CharField(_("과제"), max_length=200)
    council = models.ForeignKey(
        CooperationCouncil, verbose_name=_("협의체"), on_delete=models.PROTECT, related_name="tasks"
    )
    owner = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="+"
    )
    partner_unit = models.CharField(_("협력 부대"), max_length=100)
    next_step = models.CharField(_("다음 단계"), max_length=200, blank=True)
    due_on = models.DateField(_("기한"), null=True, blank=True)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.OPEN)
    updates = models.JSONField(_("추진 경과"), default=list, blank=True)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("군·관 협력과제")
        verbose_name_plural = _("군·관 협력과제")
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Agreement(Sourced):
    """군·관 상생발전 협약."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("체결 추진")
        SIGNED = "signed", _("체결")
        EXPIRED = "expired", _("만료")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("소관 부서"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.CharField(_("협약 부대"), max_length=100)
    title = models.CharField(_("협약명"), max_length=200)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    signed_on = models.DateField(_("체결일"), null=True, blank=True)
    signed_period = models.CharField(_("체결 시기(원문)"), max_length=30, blank=True)
    terms = models.TextField(_("주요 내용"), blank=True)
    expires_on = models.DateField(_("만료일"), null=True, blank=True)
    renewal_due_on = models.DateField(_("갱신 검토일"), null=True, blank=True)

    class Meta:
        verbose_name = _("군·관 협약")
        verbose_name_plural = _("군·관 협약")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

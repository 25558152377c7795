"""Finance (재정): budget structure and execution read from the ledger's exports (e-호조), the
large-investment priorities (정책가계부), transfers and grants, program evaluation (재정사업 평가),
savings rewards (예산성과금), fiscal analysis (재정분석) and the public institutions (지방공공기관).

The plan's programs and their funding shares stay in ``budget``; a 세부사업 may point at the plan's
program it carries out. Rates are never stored: selectors compute them from the amounts."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityhall.budget.models import Program
from cityhall.core.models import MoneyField, Sourced
from cityhall.organisation.models import OrgUnit, code_validator
from cityhall.pledges.models import Pledge

from .choices import (
    AccountKind,
    ClaimKind,
    ClaimState,
    Consequence,
    CouncilDecision,
    EvaluationCategory,
    FiscalArea,
    Grade,
    GrantKind,
    GrantStatus,
    InstitutionKind,
    Level,
    MonthState,
    Nature,
    ProposalSource,
    ReviewStatus,
    Source,
    TargetScope,
)

SAMPLE = _("예시")


def _code():
    return models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])


def _department(related_name: str, *, null: bool = False):
    return models.ForeignKey(
        OrgUnit,
        verbose_name=_("부서"),
        on_delete=models.PROTECT,
        related_name=related_name,
        null=null,
        blank=null,
    )


def _keeper():
    """담당 부서: the department that keeps a setting (예산법무과); its editors change it."""
    return models.ForeignKey(
        OrgUnit,
        verbose_name=_("담당 부서"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )


# -- budget structure and execution (예산 구조와 집행) -------------------------------------------


class Account(models.Model):
    """회계: 일반회계 or one of the 특별회계."""

    code = _code()
    name = models.CharField(_("회계명"), max_length=100)
    kind = models.CharField(_("구분"), max_length=16, choices=AccountKind.choices)

    class Meta:
        verbose_name = _("회계")
        verbose_name_plural = _("회계")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """분야 (parent empty) and 부문 (under a 분야), the functional classification of spending."""

    code = _code()
    name = models.CharField(_("이름"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("분야"), null=True, blank=True, on_delete=models.PROTECT, related_name="parts"
    )

    class Meta:
        verbose_name = _("분야·부문")
        verbose_name_plural = _("분야·부문")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name


class BudgetProgram(models.Model):
    """정책사업 → 단위사업 → 세부사업: the program structure of the budget (one model, three levels)."""

    code = _code()
    name = models.CharField(_("사업명"), max_length=200)
    level = models.CharField(_("단계"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("상위 사업"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )
    department = _department("budget_programs", null=True)
    department_name = models.CharField(_("부서명(원장)"), max_length=100, blank=True)
    account = models.ForeignKey(
        Account, verbose_name=_("회계"), on_delete=models.PROTECT, related_name="programs"
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("부문"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
    )
    plan_program = models.ForeignKey(
        Program,
        verbose_name=_("업무계획 사업"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_programs",
    )
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("예산 사업")
        verbose_name_plural = _("예산 사업")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="policy", parent__isnull=True)
                | (~Q(level="policy") & Q(parent__isnull=False)),
                name="budget_program_parent_by_level",
                violation_error_message=_(
                    "정책사업은 상위 사업이 없고, 단위·세부사업은 상위 사업이 있어야 합니다."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """예산과목: one 세부사업's money from one source in one year, with its current budget (예산현액)."""

    code = models.CharField(_("코드"), max_length=80, unique=True, help_text=_("회계연도-과목코드"))
    year = models.PositiveSmallIntegerField(_("회계연도"))
    ledger_code = models.CharField(_("과목코드"), max_length=64)
    program = models.ForeignKey(
        BudgetProgram, verbose_name=_("세부사업"), on_delete=models.PROTECT, related_name="lines"
    )
    source = models.CharField(_("재원"), max_length=32, choices=Source.choices)
    nature = models.CharField(_("성질"), max_length=16, choices=Nature.choices, default=Nature.OTHER)
    current_budget = MoneyField(_("예산현액"), validators=[MinValueValidator(0)])
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("예산과목")
        verbose_name_plural = _("예산과목")
        ordering = ["year", "ledger_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "ledger_code"],
                name="budget_line_code_per_year",
                violation_error_message=_("같은 회계연도에 같은 과목코드가 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=Q(current_budget__gte=0),
                name="budget_line_budget_not_negative",
                violation_error_message=_("예산현액은 0 이상이어야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.ledger_code}"


class ExecutionMonth(models.Model):
    """One month of execution as imported from the ledger: the batch a re-import replaces, and the
    month's state (a closed month refuses imports)."""

    code = models.CharField(_("코드"), max_length=7, unique=True, help_text=_("연-월 (2024-12)"))
    year = models.PositiveSmallIntegerField(_("회계연도"))
    month = models.PositiveSmallIntegerField(
        _("월"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    state = models.CharField(_("상태"), max_length=8, choices=MonthState.choices, default=MonthState.OPEN)
    rows = models.PositiveIntegerField(_("행 수"), default=0)
    current_budget = MoneyField(_("예산현액 합계"), default=0)
    executed = MoneyField(_("집행액 합계"), default=0)
    file_name = models.CharField(_("파일"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("가져온 때"), null=True, blank=True)
    imported_by = models.CharField(_("가져온 사람"), max_length=150, blank=True)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("월별 집행 자료")
        verbose_name_plural = _("월별 집행 자료")
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"],
                name="execution_month_unique",
                violation_error_message=_("같은 연월의 집행 자료가 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12),
                name="execution_month_range",
                violation_error_message=_("월은 1에서 12 사이입니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}년 {self.month}월"


class Execution(models.Model):
    """A budget line's execution in one month (that month's spending, not the running total)."""

    month = models.ForeignKey(
        ExecutionMonth, verbose_name=_("연월"), on_delete=models.CASCADE, related_name="items"
    )
    line = models.ForeignKey(
        BudgetLine, verbose_name=_("예산과목"), on_delete=models.CASCADE, related_name="executions"
    )
    current_budget = MoneyField(_("예산현액(당월)"), validators=[MinValueValidator(0)])
    executed = MoneyField(_("집행액(당월)"), validators=[MinValueValidator(0)])
    row = models.PositiveIntegerField(_("원장 행"), default=0, help_text=_("가져온 파일의 행 번호"))

    class Meta:
        verbose_name = _("월별 집행")
        verbose_name_plural = _("월별 집행")
        ordering = ["month", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "line"],
                name="execution_line_once_a_month",
                violation_error_message=_("한 달에 한 과목은 한 번만 집행 자료가 있습니다."),
            ),
            models.CheckConstraint(
                condition=Q(executed__gte=0) & Q(current_budget__gte=0),
                name="execution_amounts_not_negative",
                violation_error_message=_("금액은 0 이상이어야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} · {self.month}"


class ExecutionTarget(Sourced):
    """신속집행 target: the share of the budget to have executed by the end of a quarter."""

    year = models.PositiveSmallIntegerField(_("회계연도"))
    quarter = models.PositiveSmallIntegerField(
        _("분기"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    scope = models.CharField(_("대상"), max_length=16, choices=TargetScope.choices)
    percent = models.DecimalField(
        _("목표(%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    keeper = _keeper()
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("신속집행 목표")
        verbose_name_plural = _("신속집행 목표")
        ordering = ["year", "scope", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "scope"],
                name="execution_target_unique",
                violation_error_message=_("같은 연도·분기·대상의 목표가 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4) & Q(percent__gte=0, percent__lte=100),
                name="execution_target_range",
                violation_error_message=_("분기는 1–4, 목표는 0–100%입니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.quarter}분기 {self.get_scope_display()} {self.percent}%"


class PeerRanking(Sourced):
    """A ranking among peer cities, entered by staff (e.g. 적극집행 경기도 내 17위)."""

    year = models.PositiveSmallIntegerField(_("연도"))
    title = models.CharField(_("평가"), max_length=100)
    group = models.CharField(_("비교 집단"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("순위"), validators=[MinValueValidator(1)])
    as_of = models.CharField(_("기준"), max_length=40, blank=True)
    keeper = _keeper()

    class Meta:
        verbose_name = _("집행 순위")
        verbose_name_plural = _("집행 순위")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.title} {self.rank}위"


# -- 정책가계부 (large-investment priorities) --------------------------------------------------------


class PriorityPlan(Sourced):
    """One round of 정책가계부: how many projects it selects, its published criteria and weights."""

    code = _code()
    year = models.PositiveSmallIntegerField(_("연도"))
    title = models.CharField(_("이름"), max_length=200)
    selected_count = models.PositiveSmallIntegerField(_("선정 수"))
    published = models.BooleanField(_("기준 공개"), default=True)
    keeper = _keeper()
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("정책가계부")
        verbose_name_plural = _("정책가계부")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class PriorityCriterion(models.Model):
    """A published criterion of the multi-criteria score, with its weight (the weights sum to 100)."""

    plan = models.ForeignKey(
        PriorityPlan, verbose_name=_("정책가계부"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = _code()
    name = models.CharField(_("기준"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("가중치"), validators=[MaxValueValidator(100)])
    description = models.CharField(_("설명"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("우선순위 기준")
        verbose_name_plural = _("우선순위 기준")
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class LargeProject(models.Model):
    """대규모 투자사업: cost, years, funding, investment review, pledge link."""

    plan = models.ForeignKey(
        PriorityPlan, verbose_name=_("정책가계부"), on_delete=models.CASCADE, related_name="projects"
    )
    code = _code()
    number = models.PositiveSmallIntegerField(_("연번"))
    name = models.CharField(_("사업명"), max_length=200)
    department = _department("large_projects")
    total_cost = MoneyField(_("총사업비"), validators=[MinValueValidator(0)])
    external_funding = MoneyField(_("국·도비 등"), default=0, validators=[MinValueValidator(0)])
    start_year = models.PositiveSmallIntegerField(_("시작 연도"))
    end_year = models.PositiveSmallIntegerField(_("완료 연도"))
    review_status = models.CharField(
        _("투자심사"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    pledge = models.ForeignKey(
        Pledge,
        verbose_name=_("공약"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="large_projects",
    )
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("대규모 투자사업")
        verbose_name_plural = _("대규모 투자사업")
        ordering = ["plan", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="large_project_years_in_order",
                violation_error_message=_("완료 연도는 시작 연도보다 앞설 수 없습니다."),
            ),
            models.CheckConstraint(
                condition=Q(external_funding__lte=models.F("total_cost")),
                name="large_project_funding_within_cost",
                violation_error_message=_("국·도비 등은 총사업비를 넘을 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectScore(models.Model):
    """A project's score (0–100) on one criterion."""

    project = models.ForeignKey(
        LargeProject, verbose_name=_("사업"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        PriorityCriterion, verbose_name=_("기준"), on_delete=models.CASCADE, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(_("점수"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("사업 점수")
        verbose_name_plural = _("사업 점수")
        ordering = ["project", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "criterion"],
                name="project_score_once",
                violation_error_message=_("한 사업은 한 기준에 점수가 하나입니다."),
            ),
            models.CheckConstraint(
                condition=Q(score__lte=100),
                name="project_score_range",
                violation_error_message=_("점수는 0–100입니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.criterion.name} {self.score}"


class FiscalRoom(Sourced):
    """가용재원: what a year can put into the plan's large projects (city money)."""

    plan = models.ForeignKey(
        PriorityPlan, verbose_name=_("정책가계부"), on_delete=models.CASCADE, related_name="rooms"
    )
    year = models.PositiveSmallIntegerField(_("연도"))
    amount = MoneyField(_("가용재원"), validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("연도별 가용재원")
        verbose_name_plural = _("연도별 가용재원")
        ordering = ["plan", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                name="fiscal_room_once",
                violation_error_message=_("한 해에 하나입니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}"


# -- transfers and grants (이전재원) ----------------------------------------------------------------


class Grant(Sourced):
    """A subsidy or grant applied for: the result, the amount, and the city's matching share."""

    code = _code()
    year = models.PositiveSmallIntegerField(_("연도"))
    kind = models.CharField(_("구분"), max_length=32, choices=GrantKind.choices)
    name = models.CharField(_("사업명"), max_length=200)
    department = _department("grants")
    agency = models.CharField(_("교부 기관"), max_length=100, blank=True)
    applied_on = models.DateField(_("신청일"), null=True, blank=True)
    status = models.CharField(
        _("결과"), max_length=16, choices=GrantStatus.choices, default=GrantStatus.APPLIED
    )
    amount = MoneyField(_("교부액"), default=0, validators=[MinValueValidator(0)])
    matching = MoneyField(_("시 부담"), default=0, validators=[MinValueValidator(0)])
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("이전재원·공모사업")
        verbose_name_plural = _("이전재원·공모사업")
        ordering = ["-year", "kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(matching__gte=0),
                name="grant_amounts_not_negative",
                violation_error_message=_("금액은 0 이상이어야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(status="selected") | Q(amount=0),
                name="grant_amount_only_when_selected",
                violation_error_message=_("선정된 사업만 교부액이 있습니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


# -- program evaluation (재정사업 평가) ---------------------------------------------------------------


class GradeRule(Sourced):
    """The configured rule: a score band gives a grade, and the grade a consequence for next year's
    budget proposal (감액 by a percent, or 일몰)."""

    grade = models.CharField(_("등급"), max_length=16, choices=Grade.choices, unique=True)
    min_score = models.DecimalField(_("최저 점수"), max_digits=5, decimal_places=2)
    consequence = models.CharField(_("환류"), max_length=16, choices=Consequence.choices)
    cut_percent = models.PositiveSmallIntegerField(
        _("감액률(%)"), default=0, validators=[MaxValueValidator(100)]
    )
    keeper = _keeper()
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("평가 환류 규칙")
        verbose_name_plural = _("평가 환류 규칙")
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return self.get_grade_display()


class ProgramEvaluation(Sourced):
    """One program evaluated in a year: evaluators' score; grade and consequence follow from the rule."""

    code = _code()
    year = models.PositiveSmallIntegerField(_("평가 연도"))
    name = models.CharField(_("사업명"), max_length=200)
    department = _department("program_evaluations")
    category = models.CharField(_("평가 구분"), max_length=16, choices=EvaluationCategory.choices)
    budget = MoneyField(_("예산액"), validators=[MinValueValidator(0)])
    score = models.DecimalField(
        _("평가 점수"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    next_budget = MoneyField(_("차년도 반영액"), null=True, blank=True, validators=[MinValueValidator(0)])
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("재정사업 평가")
        verbose_name_plural = _("재정사업 평가")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="evaluation_score_range",
                violation_error_message=_("평가 점수는 0–100입니다."),
            )
        ]

    def __str__(self) -> str:
        return self.name


# -- savings rewards (예산성과금) --------------------------------------------------------------------


class RewardRule(Sourced):
    """How a reward follows from the amount saved or raised: a percent, with a cap per claim."""

    kind = models.CharField(_("구분"), max_length=32, choices=ClaimKind.choices, unique=True)
    percent = models.DecimalField(_("지급률(%)"), max_digits=5, decimal_places=2)
    cap = MoneyField(_("상한"), validators=[MinValueValidator(0)])
    keeper = _keeper()
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("예산성과금 지급 기준")
        verbose_name_plural = _("예산성과금 지급 기준")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class SavingsClaim(Sourced):
    """예산성과금 신청: a department's claim that a change saved spending or raised revenue."""

    code = _code()
    fiscal_year = models.PositiveSmallIntegerField(_("회계연도"))
    title = models.CharField(_("사업명"), max_length=200)
    department = _department("savings_claims")
    kind = models.CharField(_("구분"), max_length=32, choices=ClaimKind.choices)
    amount = MoneyField(_("절약·증대액"), validators=[MinValueValidator(0)])
    evidence = models.TextField(_("근거"))
    state = models.CharField(
        _("상태"), max_length=16, choices=ClaimState.choices, default=ClaimState.SUBMITTED
    )
    reviewed_on = models.DateField(_("심사일"), null=True, blank=True)
    review_note = models.CharField(_("심사 의견"), max_length=300, blank=True)
    reward = MoneyField(_("성과금"), null=True, blank=True, validators=[MinValueValidator(0)])
    paid_on = models.DateField(_("지급일"), null=True, blank=True)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("예산성과금")
        verbose_name_plural = _("예산성과금")
        ordering = ["-fiscal_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["approved", "paid"]) | Q(reward__isnull=True),
                name="claim_reward_only_when_approved",
                violation_error_message=_("심사에서 채택된 신청만 성과금이 있습니다."),
            ),
            models.CheckConstraint(
                condition=~Q(state="paid") | Q(paid_on__isnull=False),
                name="claim_paid_has_date",
                violation_error_message=_("지급 완료에는 지급일이 있어야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


# -- fiscal analysis (재정분석) and public institutions (지방공공기관) --------------------------------


class FiscalIndicator(Sourced):
    """A 재정분석 indicator: the city's value against its peer group's, and what is done if weak."""

    code = _code()
    year = models.PositiveSmallIntegerField(_("분석 연도"))
    area = models.CharField(_("분야"), max_length=16, choices=FiscalArea.choices)
    name = models.CharField(_("지표"), max_length=100)
    higher_is_better = models.BooleanField(_("높을수록 좋음"), default=True)
    city_value = models.DecimalField(_("우리 시"), max_digits=10, decimal_places=2)
    peer_value = models.DecimalField(_("유형 평균"), max_digits=10, decimal_places=2)
    improvement = models.CharField(_("개선 방안"), max_length=300, blank=True)
    keeper = _keeper()
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("재정분석 지표")
        verbose_name_plural = _("재정분석 지표")
        ordering = ["-year", "area", "code"]

    def __str__(self) -> str:
        return self.name


class PublicInstitution(Sourced):
    """지방공공기관: a corporation or funded body the city oversees."""

    code = _code()
    name = models.CharField(_("기관명"), max_length=100)
    kind = models.CharField(_("유형"), max_length=16, choices=InstitutionKind.choices)
    department = _department("public_institutions")
    budget = MoneyField(_("시 지원액"), null=True, blank=True, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("지방공공기관")
        verbose_name_plural = _("지방공공기관")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstitutionReview(Sourced):
    """A yearly result: management evaluation grade, customer satisfaction, disclosure completeness,
    entrusted-task evaluation and the improvement actions asked for."""

    institution = models.ForeignKey(
        PublicInstitution, verbose_name=_("기관"), on_delete=models.CASCADE, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(_("연도"))
    management_grade = models.CharField(_("경영평가 등급"), max_length=8, blank=True)
    satisfaction = models.DecimalField(_("고객만족도"), max_digits=5, decimal_places=2, null=True, blank=True)
    disclosures_due = models.PositiveSmallIntegerField(_("공시 항목"), default=0)
    disclosures_done = models.PositiveSmallIntegerField(_("공시 완료"), default=0)
    entrusted_score = models.DecimalField(
        _("위수탁 평가"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    improvement = models.TextField(_("개선 조치"), blank=True)

    class Meta:
        verbose_name = _("공공기관 평가")
        verbose_name_plural = _("공공기관 평가")
        ordering = ["institution", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year"],
                name="institution_review_once",
                violation_error_message=_("한 해에 하나입니다."),
            ),
            models.CheckConstraint(
                condition=Q(disclosures_done__lte=models.F("disclosures_due")),
                name="institution_disclosures_within_due",
                violation_error_message=_("공시 완료는 공시 항목 수를 넘을 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}"


class DisclosureItem(Sourced):
    """경영공시 (seed IV.6 행 783 "경영실적 공시를 통한 투명성 확보"): one item an institution must publish
    by a date in a year. Completeness is computed from these rows (on time, late, missing), not typed."""

    code = _code()
    institution = models.ForeignKey(
        PublicInstitution, verbose_name=_("기관"), on_delete=models.CASCADE, related_name="disclosures"
    )
    year = models.PositiveSmallIntegerField(_("공시 연도"))
    title = models.CharField(_("공시 항목"), max_length=200)
    due_on = models.DateField(_("공시 기한"))
    disclosed_on = models.DateField(_("공시일"), null=True, blank=True)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("경영공시 항목")
        verbose_name_plural = _("경영공시 항목")
        ordering = ["due_on", "institution", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "title"],
                name="disclosure_item_once",
                violation_error_message=_("같은 해에 같은 공시 항목이 이미 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year} {self.title}"


class EntrustedTask(Sourced):
    """위수탁 대행사무 (seed II.2 행 289, IV.6 행 785): a task the city entrusts to one of its
    institutions, evaluated regularly."""

    code = _code()
    institution = models.ForeignKey(
        PublicInstitution,
        verbose_name=_("수탁기관"),
        on_delete=models.PROTECT,
        related_name="entrusted_tasks",
    )
    name = models.CharField(_("대행사무"), max_length=200)
    department = _department("entrusted_tasks")  # 위탁 부서
    budget = MoneyField(_("위탁 사업비"), null=True, blank=True, validators=[MinValueValidator(0)])
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("위수탁 대행사무")
        verbose_name_plural = _("위수탁 대행사무")
        ordering = ["institution", "name"]

    def __str__(self) -> str:
        return self.name


class EntrustedCriterion(Sourced):
    """위수탁 평가 항목: a published criterion and its points (배점); all criteria's points add to 100."""

    code = _code()
    name = models.CharField(_("평가 항목"), max_length=100)
    points = models.PositiveSmallIntegerField(
        _("배점"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    keeper = _keeper()
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("위수탁 평가 항목")
        verbose_name_plural = _("위수탁 평가 항목")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.points}점)"


class EntrustedEvaluation(Sourced):
    """One year's evaluation of an entrusted task; its total is computed from the evaluators' scores."""

    code = _code()
    task = models.ForeignKey(
        EntrustedTask, verbose_name=_("대행사무"), on_delete=models.CASCADE, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(_("평가 연도"))
    improvement = models.TextField(_("개선 조치"), blank=True)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("위수탁 평가")
        verbose_name_plural = _("위수탁 평가")
        ordering = ["-year", "task"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "year"],
                name="entrusted_evaluation_once",
                violation_error_message=_("한 대행사무의 평가는 한 해에 하나입니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.year}"


class EntrustedScore(models.Model):
    """One evaluator's score on one criterion, as a percent of the criterion's points (0–100)."""

    evaluation = models.ForeignKey(
        EntrustedEvaluation, verbose_name=_("위수탁 평가"), on_delete=models.CASCADE, related_name="scores"
    )
    evaluator = models.CharField(_("평가위원"), max_length=50)
    criterion = models.ForeignKey(
        EntrustedCriterion, verbose_name=_("평가 항목"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(
        _("점수(%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("위수탁 평가 점수")
        verbose_name_plural = _("위수탁 평가 점수")
        ordering = ["evaluation", "evaluator", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "evaluator", "criterion"],
                name="entrusted_score_once",
                violation_error_message=_("한 평가위원은 한 항목에 한 번 채점합니다."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="entrusted_score_range",
                violation_error_message=_("점수는 0–100입니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.evaluator} {self.criterion.name}"


class PeerValue(models.Model):
    """A peer city's value of a 재정분석 indicator, from the peer-data import (유형 자치단체 비교)."""

    indicator = models.ForeignKey(
        FiscalIndicator, verbose_name=_("지표"), on_delete=models.CASCADE, related_name="peer_values"
    )
    city = models.CharField(_("자치단체"), max_length=50)
    value = models.DecimalField(_("값"), max_digits=10, decimal_places=2)
    source_file = models.CharField(_("가져온 파일"), max_length=200, blank=True)
    row = models.PositiveIntegerField(_("파일의 행"), null=True, blank=True)

    class Meta:
        verbose_name = _("비교 자치단체 값")
        verbose_name_plural = _("비교 자치단체 값")
        ordering = ["indicator", "city"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "city"],
                name="peer_value_once",
                violation_error_message=_("한 지표에 한 자치단체의 값은 하나입니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.city} {self.value}"


# -- the budget proposal (예산안 편성) -------------------------------------------------------------


class ProposedItem(models.Model):
    """예산안 반영 사업: an item of a year's budget proposal that came from outside the ledger — a
    project funded by 주민참여예산 (the process decides in year N, the item is in the budget proposal
    of year N+1). Written only by ``budget_proposal.services``; one item per source project, so
    deciding twice changes the item instead of adding another."""

    year = models.PositiveSmallIntegerField(_("예산 연도"))
    name = models.CharField(_("사업명"), max_length=200)
    amount = MoneyField(_("요구액"), validators=[MinValueValidator(0)])
    department = _department("proposed_items", null=True)
    district = models.CharField(_("지역"), max_length=40, blank=True)
    source = models.CharField(_("출처"), max_length=16, choices=ProposalSource.choices)
    source_code = models.CharField(_("출처 절차"), max_length=40, help_text=_("주민참여예산 절차 코드"))
    source_number = models.PositiveIntegerField(_("출처 번호"), help_text=_("절차 안의 제안 번호"))
    source_title = models.CharField(_("출처 이름"), max_length=200, blank=True)
    source_url = models.CharField(_("출처 주소"), max_length=200, blank=True)
    # The council decides the budget proposal (예산안 심의·의결): written only by
    # ``budget_proposal.services.council_decision_record``; ``rules.council_decision_errors`` says
    # which amounts go with which decision.
    council_decision = models.CharField(
        _("의회 의결"), max_length=8, choices=CouncilDecision.choices, default=CouncilDecision.PENDING
    )
    decided_amount = MoneyField(_("의결액"), null=True, blank=True, validators=[MinValueValidator(0)])
    decided_on = models.DateField(_("의결일"), null=True, blank=True)
    council_note = models.CharField(_("의결 내용"), max_length=300, blank=True)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("예산안 반영 사업")
        verbose_name_plural = _("예산안 반영 사업")
        ordering = ["year", "source", "source_code", "source_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_code", "source_number"],
                name="proposed_item_once_per_source",
                violation_error_message=_("한 출처 사업은 예산안에 한 번만 반영합니다."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="proposed_item_amount_not_negative",
                violation_error_message=_("요구액은 0원 이상이어야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(decided_amount__isnull=True) | Q(decided_amount__lte=models.F("amount")),
                name="proposed_item_decided_within_request",
                violation_error_message=_("의결액은 요구액을 넘을 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

"""성과관리: indicators (자체평가 and 경기도 시군종합평가), their actuals and grades, the self-evaluation
cycle (계획 → 실행 → 평가 → 환류), the incentive-pay rule (성과급 배분 기준) and the department scores
computed from them (seed: 정책기획과 과제 3 '최우수 기관 달성을 위한 성과관리', II.1 성과)."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import MoneyField
from cityhall.organisation.models import OrgUnit

code_validator = RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("코드는 영문 소문자, 숫자, 하이픈만 씁니다."))
not_negative = MinValueValidator(Decimal("0"), _("음수는 쓸 수 없습니다."))


class Grade(models.TextChoices):
    """경기도 시군종합평가 등급 (the office's goal: every indicator S)."""

    S = "S", "S"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"


class Indicator(models.Model):
    """성과지표: one indicator of one year, owned by a department; quantitative (목표·실적) or
    qualitative (정성, scored by grade)."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("정량")
        QUALITATIVE = "qualitative", _("정성")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("높을수록 좋음")
        LOWER = "lower", _("낮을수록 좋음")

    class Source(models.TextChoices):
        SELF = "self", _("자체평가")
        PROVINCIAL = "provincial", _("시군종합평가")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("지표명"), max_length=200)
    year = models.PositiveSmallIntegerField(_("연도"))
    kind = models.CharField(_("구분"), max_length=12, choices=Kind.choices, default=Kind.QUANTITATIVE)
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("담당부서"),
        on_delete=models.PROTECT,
        related_name="indicators",
        limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT},
    )
    unit = models.CharField(_("단위"), max_length=20, blank=True)
    direction = models.CharField(_("방향"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(
        _("목표"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[not_negative]
    )
    weight = models.DecimalField(
        _("가중치"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"), _("가중치는 0보다 커야 합니다."))],
    )
    source = models.CharField(_("평가 구분"), max_length=12, choices=Source.choices, default=Source.SELF)
    is_new = models.BooleanField(_("신규지표"), default=False)
    evidence = models.TextField(_("증빙"), blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False, help_text=_("계획서에 없는 예시 자료입니다."))

    class Meta:
        verbose_name = _("성과지표")
        verbose_name_plural = _("성과지표")
        ordering = ["year", "department__order", "code"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class IndicatorActual(models.Model):
    """지표 실적: the cumulative actual of an indicator up to a quarter of its year (4분기 = 연간)."""

    class Quarter(models.IntegerChoices):
        Q1 = 1, _("1분기")
        Q2 = 2, _("2분기")
        Q3 = 3, _("3분기")
        Q4 = 4, _("4분기(연간)")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("지표"), on_delete=models.CASCADE, related_name="actuals"
    )
    quarter = models.PositiveSmallIntegerField(_("분기"), choices=Quarter.choices)
    value = models.DecimalField(_("실적"), max_digits=14, decimal_places=2, validators=[not_negative])
    evidence = models.TextField(_("증빙"), blank=True)
    recorded_by = models.CharField(_("입력자"), max_length=150, blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("지표 실적")
        verbose_name_plural = _("지표 실적")
        ordering = ["indicator__code", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "quarter"],
                name="indicator_actual_unique_quarter",
                violation_error_message=_("이 지표의 이 분기 실적이 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="indicator_actual_not_negative",
                violation_error_message=_("실적은 음수일 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_quarter_display()}: {self.value}"


class IndicatorGrade(models.Model):
    """시군종합평가 등급: the grade the province gave an indicator for its year."""

    indicator = models.OneToOneField(
        Indicator, verbose_name=_("지표"), on_delete=models.CASCADE, related_name="grade"
    )
    grade = models.CharField(_("등급"), max_length=1, choices=Grade.choices)
    note = models.CharField(_("비고"), max_length=200, blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("지표 등급")
        verbose_name_plural = _("지표 등급")
        ordering = ["indicator__code"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.grade}"


class EvaluationCycle(models.Model):
    """자체평가 주기: one year's cycle, 계획 → 실행 → 평가 → 환류 (advanced by the planning team)."""

    class Stage(models.TextChoices):
        PLAN = "plan", _("계획")
        EXECUTE = "execute", _("실행")
        EVALUATE = "evaluate", _("평가")
        FEEDBACK = "feedback", _("환류")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    year = models.PositiveSmallIntegerField(_("연도"), unique=True)
    stage = models.CharField(_("단계"), max_length=10, choices=Stage.choices, default=Stage.PLAN)
    result_note = models.TextField(_("평가 결과"), blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("평가 주기")
        verbose_name_plural = _("평가 주기")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_stage_display()}"


class IncentiveRule(models.Model):
    """성과급 배분 기준: the pool of a year and how it is split among departments.

    ``parameters`` (all optional): ``grade_points`` ({"S": 100, "A": 90, …}), ``achievement_cap``
    (percent, default 120), ``tiers`` for the tiered kind ([{"min_score": 95, "rate": 1.2}, …]).
    """

    class Kind(models.TextChoices):
        PROPORTIONAL = "proportional", _("점수×현원 비례")
        TIERED = "tiered", _("점수 구간별 차등")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    year = models.PositiveSmallIntegerField(_("연도"), unique=True)
    pool = MoneyField(_("배분 총액"), validators=[MinValueValidator(0, _("배분 총액은 음수일 수 없습니다."))])
    kind = models.CharField(_("배분 방식"), max_length=12, choices=Kind.choices, default=Kind.PROPORTIONAL)
    parameters = models.JSONField(_("배분 변수"), default=dict, blank=True)
    sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("성과급 배분 기준")
        verbose_name_plural = _("성과급 배분 기준")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"


class DepartmentScore(models.Model):
    """부서 성과점수와 성과급 배분액: computed by ``incentive_allocate`` and stored with its explanation."""

    cycle = models.ForeignKey(
        EvaluationCycle, verbose_name=_("평가 주기"), on_delete=models.CASCADE, related_name="scores"
    )
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("부서"), on_delete=models.PROTECT, related_name="performance_scores"
    )
    score = models.DecimalField(_("성과점수"), max_digits=7, decimal_places=2)
    staff = models.PositiveSmallIntegerField(_("현원"))
    amount = MoneyField(_("배분액"))
    explanation = models.TextField(_("산출 근거"))

    class Meta:
        verbose_name = _("부서 성과점수")
        verbose_name_plural = _("부서 성과점수")
        ordering = ["cycle__year", "department__order"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "department"], name="department_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.department}: {self.score}"

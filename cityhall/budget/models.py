"""Programs (사업) with their budgets in won and funding shares (재원)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import MoneyField, Sourced
from cityhall.organisation.models import OrgUnit, code_validator
from cityhall.plans.models import WorkPlanTask


class Program(Sourced):
    """사업: a budgeted (or 비예산) programme of the office, with period and scale."""

    PERIODS = {"period": ("period_start", "period_end")}

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("사업명"), max_length=200)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("부서"), on_delete=models.PROTECT, related_name="programs"
    )
    year = models.PositiveSmallIntegerField(_("연도"), default=2025)
    group = models.CharField(_("구분"), max_length=64, help_text=_("사업이 실린 표 (main, task, …)"))
    number = models.PositiveSmallIntegerField(_("연번"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("상위 사업"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )
    task = models.ForeignKey(
        WorkPlanTask,
        verbose_name=_("업무계획 과제"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programs",
    )
    executing_unit = models.CharField(_("시행 부서"), max_length=100, blank=True)
    budget = MoneyField(_("사업비"), null=True, blank=True, validators=[MinValueValidator(0)])
    budget_approximate = models.BooleanField(
        _("사업비 약"), default=False, help_text=_("원문이 '약'으로 적은 금액")
    )
    non_budget = models.BooleanField(_("비예산"), default=False)
    period = models.CharField(_("사업기간"), max_length=50, blank=True)
    period_start = models.DateField(_("시작"), null=True, editable=False)
    period_end = models.DateField(_("종료"), null=True, editable=False)
    scale = models.TextField(_("사업규모"), blank=True)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("사업")
        verbose_name_plural = _("사업")
        ordering = ["org_unit__order", "year", "group", "number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0) | Q(budget__isnull=True),
                name="program_budget_not_negative",
                violation_error_message=_("사업비는 0 이상이어야 합니다."),
            ),
            models.CheckConstraint(
                condition=~(Q(non_budget=True) & Q(budget__gt=0)),
                name="program_non_budget_has_no_budget",
                violation_error_message=_("비예산 사업에는 사업비를 적지 않습니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundingShare(Sourced):
    """재원: the part of a program's budget that one funding source pays (amount and/or percent)."""

    class Source(models.TextChoices):
        NATIONAL = "national", _("국비")
        PROVINCIAL = "provincial", _("도비")
        CITY = "city", _("시비")
        NATIONAL_PROVINCIAL = "national_provincial", _("국·도비")
        SPECIAL_GRANT = "special_grant", _("특별교부세")
        SPECIAL_ADJUSTMENT_GRANT = "special_adjustment_grant", _("특별조정교부금")

    program = models.ForeignKey(
        Program, verbose_name=_("사업"), on_delete=models.CASCADE, related_name="shares"
    )
    source = models.CharField(_("재원"), max_length=32, choices=Source.choices)
    amount = MoneyField(_("금액"), null=True, blank=True, validators=[MinValueValidator(0)])
    amount_approximate = models.BooleanField(
        _("금액 약"), default=False, help_text=_("원문이 '약'으로 적은 금액")
    )
    percent = models.DecimalField(_("비율(%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("재원")
        verbose_name_plural = _("재원")
        ordering = ["program", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=False) | Q(percent__isnull=False),
                name="share_has_amount_or_percent",
                violation_error_message=_("금액이나 비율 중 하나는 있어야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gte=0) & Q(percent__lte=100)),
                name="share_percent_range",
                violation_error_message=_("비율은 0에서 100 사이입니다."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="share_amount_not_negative",
                violation_error_message=_("금액은 0 이상이어야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.get_source_display()}"

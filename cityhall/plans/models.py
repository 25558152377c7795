"""The work plan itself (주요업무계획): vision, core tasks, the work-plan tasks with their items,
milestones, owners and partners, the 2024 achievements, and the figures the document states."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import Sourced
from cityhall.core.money import MoneyError, parse_money
from cityhall.organisation.models import OrgUnit, Person, code_validator

from .expressions import CheckError, validate_check

DEPARTMENTS = {"kind": OrgUnit.Kind.DEPARTMENT}


class PlanDocument(models.Model):
    """The source document a loaded plan came from (one per database)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    title = models.CharField(_("제목"), max_length=200)
    organisation = models.CharField(_("기관"), max_length=100)
    city = models.CharField(_("시"), max_length=50)
    year = models.PositiveSmallIntegerField(_("연도"))
    source_file = models.CharField(_("원문 파일"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("계획 문서")
        verbose_name_plural = _("계획 문서")

    def __str__(self) -> str:
        return self.title


class Vision(Sourced):
    """비전."""

    text = models.CharField(_("비전"), max_length=300)

    class Meta:
        verbose_name = _("비전")
        verbose_name_plural = _("비전")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class CoreTask(Sourced):
    """핵심과제 of a department (section III)."""

    department = models.ForeignKey(
        OrgUnit, verbose_name=_("부서"), on_delete=models.PROTECT, limit_choices_to=DEPARTMENTS
    )
    order = models.PositiveSmallIntegerField(_("순서"))
    text = models.CharField(_("핵심과제"), max_length=300)

    class Meta:
        verbose_name = _("핵심과제")
        verbose_name_plural = _("핵심과제")
        ordering = ["department__order", "order"]
        constraints = [models.UniqueConstraint(fields=["department", "order"], name="coretask_unique_order")]

    def __str__(self) -> str:
        return self.text


class WorkPlanTask(Sourced):
    """주요업무 추진계획의 과제: one of the plan's 24 tasks."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("부서"),
        on_delete=models.PROTECT,
        related_name="work_plan_tasks",
        limit_choices_to=DEPARTMENTS,
    )
    number = models.PositiveSmallIntegerField(_("번호"))
    title = models.CharField(_("과제명"), max_length=200)
    goals = models.JSONField(_("목표"), default=list, blank=True)

    class Meta:
        verbose_name = _("업무계획 과제")
        verbose_name_plural = _("업무계획 과제")
        ordering = ["department__order", "number"]
        constraints = [models.UniqueConstraint(fields=["department", "number"], name="task_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class TaskItem(Sourced):
    """A line of a task's body: a direction, an action, an expected effect or its basis."""

    class Kind(models.TextChoices):
        DIRECTION = "direction", _("추진방향")
        ACTION = "action", _("추진내용")
        EFFECT = "effect", _("기대효과")
        BASIS = "basis", _("추진근거·배경")

    task = models.ForeignKey(
        WorkPlanTask, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("순서"))
    kind = models.CharField(_("구분"), max_length=12, choices=Kind.choices)
    heading = models.CharField(_("제목"), max_length=200, blank=True)
    text = models.TextField(_("내용"))
    level = models.PositiveSmallIntegerField(_("수준"), default=0)

    class Meta:
        verbose_name = _("과제 내용")
        verbose_name_plural = _("과제 내용")
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "order"], name="taskitem_unique_order")]

    def __str__(self) -> str:
        return self.text[:60]


class Milestone(Sourced):
    """추진일정: a date or month range and what happens then."""

    class Stage(models.TextChoices):
        PLAN = "plan", _("추진계획")
        PROGRESS = "progress", _("추진현황")

    PERIODS = {"period": ("period_start", "period_end")}

    task = models.ForeignKey(
        WorkPlanTask, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="milestones"
    )
    order = models.PositiveSmallIntegerField(_("순서"))
    period = models.CharField(_("기간"), max_length=50)
    period_start = models.DateField(_("시작"), null=True, editable=False)
    period_end = models.DateField(_("종료"), null=True, editable=False)
    action = models.CharField(_("내용"), max_length=300)
    stage = models.CharField(_("단계"), max_length=10, choices=Stage.choices, default=Stage.PLAN)
    done = models.BooleanField(_("완료"), default=False)
    done_on = models.DateField(_("완료일"), null=True, blank=True)

    class Meta:
        verbose_name = _("추진일정")
        verbose_name_plural = _("추진일정")
        ordering = ["period_start", "task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "order"], name="milestone_unique_order")]

    def __str__(self) -> str:
        return f"{self.period} {self.action}"


class TaskOwner(Sourced):
    """추진부서: who owns a task (department head, team lead, staff)."""

    class Role(models.TextChoices):
        DEPARTMENT_HEAD = "department_head", _("과장")
        TEAM_LEAD = "team_lead", _("팀장")
        STAFF = "staff", _("담당자")

    task = models.ForeignKey(
        WorkPlanTask, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="owners"
    )
    person = models.ForeignKey(Person, verbose_name=_("직원"), on_delete=models.PROTECT, related_name="tasks")
    role = models.CharField(_("역할"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("추진부서 담당")
        verbose_name_plural = _("추진부서 담당")
        ordering = ["task", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "person", "role"], name="owner_unique")]

    def __str__(self) -> str:
        return f"{self.task.code} {self.get_role_display()} {self.person.name}"


class TaskPartner(Sourced):
    """협조부서: a unit that cooperates on a task (often outside the office, so kept as written)."""

    task = models.ForeignKey(
        WorkPlanTask, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="partners"
    )
    name = models.CharField(_("협조부서"), max_length=200)
    note = models.CharField(_("비고"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("협조부서")
        verbose_name_plural = _("협조부서")
        ordering = ["task", "id"]

    def __str__(self) -> str:
        return self.name


class Achievement(Sourced):
    """주요성과: a headline achievement of a department in the previous year."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("부서"),
        on_delete=models.PROTECT,
        related_name="achievements",
        limit_choices_to=DEPARTMENTS,
    )
    order = models.PositiveSmallIntegerField(_("순서"))
    title = models.CharField(_("성과"), max_length=300)
    year = models.PositiveSmallIntegerField(_("연도"))

    class Meta:
        verbose_name = _("주요성과")
        verbose_name_plural = _("주요성과")
        ordering = ["department__order", "order"]

    def __str__(self) -> str:
        return self.title


class AchievementItem(Sourced):
    achievement = models.ForeignKey(
        Achievement, verbose_name=_("성과"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("순서"))
    text = models.TextField(_("내용"))
    level = models.PositiveSmallIntegerField(_("수준"), default=0)

    class Meta:
        verbose_name = _("성과 내용")
        verbose_name_plural = _("성과 내용")
        ordering = ["achievement", "order"]
        constraints = [
            models.UniqueConstraint(fields=["achievement", "order"], name="achievementitem_unique")
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Award(Sourced):
    """수상·평가 등급: an award, a grade, a selection or a commendation an achievement reports —
    what it was (``name`` as written), the result (장려상, S등급), who gave it and when."""

    class Kind(models.TextChoices):
        AWARD = "award", _("수상")
        GRADE = "grade", _("평가 등급")
        SELECTION = "selection", _("선정")
        COMMENDATION = "commendation", _("표창")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    achievement = models.ForeignKey(
        Achievement, verbose_name=_("성과"), on_delete=models.CASCADE, related_name="awards"
    )
    kind = models.CharField(_("구분"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("평가·시상명"), max_length=200)
    result = models.CharField(_("결과"), max_length=100, help_text=_("원문 그대로: 장려상, 대상, S등급 …"))
    evaluator = models.CharField(_("평가·시상 기관"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("연도"))
    count = models.PositiveSmallIntegerField(_("건수"), null=True, blank=True, help_text=_("지표 4건 등"))
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("수상·평가 등급")
        verbose_name_plural = _("수상·평가 등급")
        ordering = ["achievement__department__order", "achievement__order", "line", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.result}"


class Figure(Sourced):
    """기재 수치: a number the document states, and how it can be recomputed (see docs/dataset-format.md).

    Several statements of one fact share a ``key``; the plan check compares them with each other
    and with ``rule``.
    """

    key = models.CharField(_("키"), max_length=120, db_index=True)
    label = models.CharField(_("항목"), max_length=200)
    value = models.DecimalField(_("값"), max_digits=24, decimal_places=6)
    precision = models.DecimalField(_("표기 단위"), max_digits=24, decimal_places=6, default=1)
    unit = models.CharField(_("단위"), max_length=20, blank=True)
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("부서"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
        limit_choices_to=DEPARTMENTS,
    )
    year = models.PositiveSmallIntegerField(_("연도"), null=True, blank=True)
    approximate = models.BooleanField(_("약"), default=False)
    rule = models.JSONField(_("검증식"), null=True, blank=True)

    class Meta:
        verbose_name = _("기재 수치")
        verbose_name_plural = _("기재 수치")
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"{self.label} {self.value.normalize():f}{self.unit}"

    def clean(self) -> None:
        try:
            validate_check(self.rule)
        except CheckError as exc:
            raise ValidationError({"rule": str(exc)}) from exc

    @classmethod
    def normalise_input(cls, data: dict, errors: dict) -> dict:
        """Read ``value`` as written in the source ("39.4", "102백만원", 82) into value and precision."""
        if "value" in data:
            try:
                value, precision, money = stated_number(data["value"])
            except ValueError as exc:
                errors.setdefault("value", []).append(str(exc))
                data.pop("value")
                return data
            data["value"] = value
            data.setdefault("precision", precision)
            if money:
                data.setdefault("unit", "원")
        return data


def stated_number(raw: object) -> tuple[Decimal, Decimal, bool]:
    """``(value, precision, is_money)`` of a number as a document writes it."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError("값은 숫자여야 합니다.")
    if isinstance(raw, int):
        return Decimal(raw), Decimal(1), False
    if isinstance(raw, float):
        raw = repr(raw)
    if not isinstance(raw, str):
        raise ValueError("값은 숫자여야 합니다.")
    text = raw.strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        try:
            won, step = parse_money(raw)
        except MoneyError as exc:
            raise ValueError(f"값 '{raw}'을(를) 읽을 수 없습니다.") from exc
        return Decimal(won), Decimal(step), True
    if not number.is_finite():
        raise ValueError(f"값 '{raw}'을(를) 읽을 수 없습니다.")
    exponent = number.as_tuple().exponent
    return number, Decimal(1).scaleb(min(0, int(exponent))), False

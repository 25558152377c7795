"""The office's organisation: units, grade quotas, people and their roles (seed section I.1)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import MoneyField, Sourced

code_validator = RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("코드는 영문 소문자, 숫자, 하이픈만 씁니다."))


class OrgUnitQuerySet(models.QuerySet):
    def departments(self) -> "OrgUnitQuerySet":
        """The departments (과) in the plan's order."""
        return self.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("order", "id")


class OrgUnit(Sourced):
    """기구: the office (실), its departments (과) and teams (팀)."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("실")
        DEPARTMENT = "department", _("과")
        TEAM = "team", _("팀")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("이름"), max_length=100)
    kind = models.CharField(_("구분"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("상위 기구"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    duties = models.JSONField(_("주요업무"), default=list, blank=True)
    budget = MoneyField(_("2025년 예산"), null=True, blank=True, validators=[MinValueValidator(0)])
    supernumerary = models.PositiveSmallIntegerField(_("정원외 인력"), null=True, blank=True)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("기구")
        verbose_name_plural = _("기구")
        ordering = ["kind", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def department(self) -> "OrgUnit | None":
        if self.kind == self.Kind.DEPARTMENT:
            return self
        if self.kind == self.Kind.TEAM:
            return self.parent
        return None


class Position(Sourced):
    """직급별 정원·현원: quota and current staff of one grade in one department."""

    class Grade(models.TextChoices):
        G3 = "g3", _("3급")
        G4 = "g4", _("4급")
        G5 = "g5", _("5급")
        G6 = "g6", _("6급")
        G7 = "g7", _("7급")
        G8 = "g8", _("8급")
        G9 = "g9", _("9급")

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("기구"), on_delete=models.CASCADE, related_name="positions"
    )
    grade = models.CharField(_("직급"), max_length=3, choices=Grade.choices)
    quota = models.PositiveSmallIntegerField(_("정원"))
    current = models.PositiveSmallIntegerField(_("현원"))

    class Meta:
        verbose_name = _("직급별 정원")
        verbose_name_plural = _("직급별 정원")
        ordering = ["org_unit__order", "grade"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "grade"], name="position_unique_grade")]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.get_grade_display()} {self.quota}/{self.current}"

    @property
    def vacancies(self) -> int:
        return self.quota - self.current


class Person(Sourced):
    """직원: a member of staff named in the plan, with title and extension (내선)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("이름"), max_length=50)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("소속"), on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(_("직위"), max_length=50, blank=True)
    extension = models.CharField(
        _("내선"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{3,5}$", _("내선은 숫자 3~5자리입니다."))],
    )
    note = models.CharField(_("비고"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("계정"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = _("직원")
        verbose_name_plural = _("직원")
        ordering = ["org_unit__order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name


class Role(models.TextChoices):
    VIEWER = "viewer", _("열람자")
    EDITOR = "editor", _("편집자")
    MANAGER = "manager", _("관리자(부서)")
    DIRECTOR = "director", _("실장")
    ADMINISTRATOR = "administrator", _("시스템 관리자")


DEPARTMENT_ROLES = {Role.VIEWER, Role.EDITOR, Role.MANAGER}
OFFICE_ROLES = {Role.DIRECTOR, Role.ADMINISTRATOR}


def _values(roles: set[Role]) -> list[str]:
    return sorted(r.value for r in roles)  # sorted: a set's order would change the migration


class RoleAssignment(models.Model):
    """역할: what a user may do — within one department (viewer/editor/manager) or office-wide."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("사용자"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("역할"), max_length=16, choices=Role.choices)
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("부서"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT},
    )

    class Meta:
        verbose_name = _("역할 부여")
        verbose_name_plural = _("역할 부여")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "department"], name="role_unique"),
            models.CheckConstraint(
                condition=(Q(role__in=_values(DEPARTMENT_ROLES)) & Q(department__isnull=False))
                | (Q(role__in=_values(OFFICE_ROLES)) & Q(department__isnull=True)),
                name="role_scope_matches",
                violation_error_message=_("부서 역할에는 부서가, 실 전체 역할에는 부서가 없어야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.department.name if self.department_id else _("실 전체")
        return f"{self.user} · {self.get_role_display()} · {scope}"


# -- 조직진단: workload analysis ---------------------------------------------------------------------

DEFAULT_HOURS_PER_PERSON_YEAR = 1952  # 244 working days × 8 hours: one person-year (1인 연간 근무시간)


class WorkloadCategory(models.TextChoices):
    """업무 유형: how tasks of different teams are compared (유사 팀 비교)."""

    PLANNING = "planning", _("기획·조정")
    EVALUATION = "evaluation", _("평가·점검")
    BUDGET = "budget", _("예산·회계")
    LEGAL = "legal", _("법무·소송")
    SYSTEMS = "systems", _("정보시스템 운영")
    LIAISON = "liaison", _("대외협력·민원")
    ADMIN = "admin", _("서무·행정지원(공통)")


class WorkloadAnalysis(models.Model):
    """업무량 분석 기준: the year and the hours one person works in a year (1인 연간 근무시간)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    year = models.PositiveSmallIntegerField(_("기준 연도"))
    hours_per_person_year = models.PositiveIntegerField(
        _("1인 연간 근무시간(시간)"),
        default=DEFAULT_HOURS_PER_PERSON_YEAR,
        validators=[MinValueValidator(1)],
        help_text=_("기본 1,952시간 = 244일 × 8시간"),
    )
    note = models.CharField(_("비고"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("작성자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("작성 시각"), default=timezone.now)

    class Meta:
        verbose_name = _("업무량 분석 기준")
        verbose_name_plural = _("업무량 분석 기준")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_person_year__gt=0),
                name="workload_analysis_hours_positive",
                violation_error_message=_("1인 연간 근무시간은 0보다 커야 합니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.hours_per_person_year:,}h)"


class TeamStaffing(models.Model):
    """팀별 현원 (업무량 분석용): the seed gives staff per department only, so the team's head count
    for the analysis is entered here; ``is_sample`` marks the shipped sample figures."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    team = models.OneToOneField(
        OrgUnit,
        verbose_name=_("팀"),
        on_delete=models.CASCADE,
        related_name="staffing",
        limit_choices_to={"kind": OrgUnit.Kind.TEAM},
    )
    current = models.PositiveSmallIntegerField(_("현원(명)"))
    is_sample = models.BooleanField(_("예시 자료"), default=False)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("팀별 현원(업무량 분석)")
        verbose_name_plural = _("팀별 현원(업무량 분석)")
        ordering = ["team__parent__order", "team__order"]

    def __str__(self) -> str:
        return f"{self.team} {self.current}명"


class WorkloadTask(models.Model):
    """단위업무 업무량: one task of a team with its annual volume (연간 처리건수) and standard time
    (건당 표준처리시간); volume × time, summed over a team, gives the hours it needs in a year."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("팀"),
        on_delete=models.CASCADE,
        related_name="workload_tasks",
        limit_choices_to={"kind": OrgUnit.Kind.TEAM},
    )
    name = models.CharField(_("단위업무"), max_length=200)
    category = models.CharField(_("업무 유형"), max_length=16, choices=WorkloadCategory.choices)
    annual_volume = models.IntegerField(
        _("연간 업무량(건·회)"),
        validators=[MinValueValidator(0, _("연간 업무량은 0 이상이어야 합니다."))],
    )
    unit = models.CharField(_("단위"), max_length=10, default="건")
    standard_hours = models.DecimalField(
        _("단위당 표준시간(시간)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), _("표준시간은 0보다 커야 합니다."))],
    )
    is_sample = models.BooleanField(_("예시 자료"), default=False)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("단위업무 업무량")
        verbose_name_plural = _("단위업무 업무량")
        ordering = ["team__parent__order", "team__order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_volume__gte=0),
                name="workload_task_volume_not_negative",
                violation_error_message=_("연간 업무량은 0 이상이어야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(standard_hours__gt=0),
                name="workload_task_hours_positive",
                violation_error_message=_("표준시간은 0보다 커야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.name}"

    @property
    def annual_hours(self) -> Decimal:
        return self.annual_volume * self.standard_hours

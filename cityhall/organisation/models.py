"""The office's organisation: units, grade quotas, people and their roles (seed section I.1)."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import MoneyField, Sourced

code_validator = RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("코드는 영문 소문자, 숫자, 하이픈만 씁니다."))


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

"""규제혁신·적극행정: regulation cases (「1부서 1과제」, citizen reports, registered-regulation review)
through self-fix or a proposal to the central ministry, the contests with their entries, scores and
awards, and the staff incentives."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import Sourced
from cityhall.organisation.models import OrgUnit, code_validator


class RegulationCase(Sourced):
    """규제 개선 과제."""

    class Source(models.TextChoices):
        DEPARTMENT_TASK = "department_task", _("1부서 1과제")
        CITIZEN_REPORT = "citizen_report", _("시민 불편신고")
        REGISTERED_REVIEW = "registered_review", _("등록규제 정비")

    class Improvement(models.TextChoices):
        SELF_FIX = "self_fix", _("자체 개선")
        MINISTRY_PROPOSAL = "ministry_proposal", _("중앙부처 건의")

    class Answer(models.TextChoices):
        NONE = "", _("해당 없음")
        PENDING = "pending", _("회신 대기")
        ACCEPTED = "accepted", _("수용")
        PARTLY = "partly", _("일부 수용")
        LONG_TERM = "long_term", _("중장기 검토")
        REJECTED = "rejected", _("불수용")

    class Status(models.TextChoices):
        FOUND = "found", _("발굴")
        REVIEWING = "reviewing", _("검토 중")
        PROPOSED = "proposed", _("건의")
        IMPROVING = "improving", _("개선 추진")
        DONE = "done", _("개선 완료")
        DROPPED = "dropped", _("종결(미개선)")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    title = models.CharField(_("과제명"), max_length=200)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("발굴 부서"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("발굴 경로"), max_length=20, choices=Source.choices)
    regulation = models.CharField(_("규제 내용"), max_length=300)
    legal_basis = models.CharField(_("근거 법령"), max_length=200)
    improvement = models.CharField(_("개선 방식"), max_length=20, choices=Improvement.choices)
    ministry = models.CharField(_("소관 부처"), max_length=100, blank=True)
    proposed_on = models.DateField(_("건의일"), null=True, blank=True)
    answer = models.CharField(_("부처 회신"), max_length=12, choices=Answer.choices, blank=True, default="")
    answer_note = models.TextField(_("회신 내용"), blank=True)
    follow_up = models.TextField(_("후속 조치"), blank=True)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.FOUND)
    found_on = models.DateField(_("발굴일"))
    completed_on = models.DateField(_("완료일"), null=True, blank=True)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("규제 개선 과제")
        verbose_name_plural = _("규제 개선 과제")
        ordering = ["-found_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(improvement="ministry_proposal") | ~Q(ministry=""),
                name="reform_proposal_names_ministry",
                violation_error_message=_("중앙부처 건의는 소관 부처를 적습니다."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="reform_done_has_date",
                violation_error_message=_("개선 완료에는 완료일이 필요합니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Contest(Sourced):
    """경진대회 (규제 공감 콘테스트, 적극행정 우수사례 경진대회)."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    title = models.CharField(_("대회명"), max_length=200)
    year = models.PositiveSmallIntegerField(_("연도"))
    held_on = models.DateField(_("개최일"), null=True, blank=True)
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("경진대회")
        verbose_name_plural = _("경진대회")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.title


class ContestEntry(models.Model):
    """참가 사례, with the judges' average score and the award."""

    class Award(models.TextChoices):
        NONE = "", _("없음")
        GRAND = "grand", _("대상")
        GOLD = "gold", _("최우수")
        SILVER = "silver", _("우수")
        BRONZE = "bronze", _("장려")

    contest = models.ForeignKey(
        Contest, verbose_name=_("대회"), on_delete=models.CASCADE, related_name="entries"
    )
    title = models.CharField(_("사례명"), max_length=200)
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("부서"), on_delete=models.PROTECT, related_name="+"
    )
    presenter = models.CharField(_("발표자"), max_length=50)
    score = models.DecimalField(_("심사 점수"), max_digits=5, decimal_places=2, null=True, blank=True)
    award = models.CharField(_("시상"), max_length=8, choices=Award.choices, blank=True, default="")
    incentive = models.CharField(
        _("인센티브"), max_length=100, blank=True, help_text=_("포상, 근무평정 가산점 등")
    )

    class Meta:
        verbose_name = _("경진대회 참가 사례")
        verbose_name_plural = _("경진대회 참가 사례")
        ordering = ["contest", "-score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="reform_entry_score_0_100",
                violation_error_message=_("심사 점수는 0~100점입니다."),
            )
        ]

    def __str__(self) -> str:
        return self.title

"""공약 관리 (seed II.1, IV.1.1): the mayor's pledges, their quarterly check-in rounds and each lead
department's check-in (점검) for a round."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import MoneyField
from cityhall.organisation.models import OrgUnit, code_validator


class Category(models.TextChoices):
    FLAGSHIP = "flagship", _("시 선도사업")
    DEPARTMENT = "department", _("부서 중점사업")


class Status(models.TextChoices):
    """추진상황: the seed's three, and those a manifesto evaluation (매니페스토 평가) adds."""

    COMPLETED = "completed", _("이행완료")
    DUE_THIS_YEAR = "due_this_year", _("올해 완료목표")
    ON_TRACK = "on_track", _("정상추진")
    LAGGING = "lagging", _("부진")
    ON_HOLD = "on_hold", _("보류")
    ABANDONED = "abandoned", _("폐기")


# Statuses that need a reason (사유) written down.
STATUSES_NEEDING_REASON = {Status.LAGGING, Status.ON_HOLD, Status.ABANDONED}


class Pledge(models.Model):
    """공약사업: one of the mayor's pledges (민선8기), led by one department with others cooperating."""

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    number = models.PositiveSmallIntegerField(_("번호"), unique=True)
    title = models.CharField(_("공약명"), max_length=200)
    category = models.CharField(_("구분"), max_length=12, choices=Category.choices)
    lead_department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("주관부서"),
        on_delete=models.PROTECT,
        related_name="led_pledges",
        limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT},
    )
    cooperating_departments = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("협조부서"),
        blank=True,
        related_name="cooperating_pledges",
        limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT},
    )
    goal = models.TextField(_("목표"), blank=True)
    budget = MoneyField(_("사업비"), null=True, blank=True, validators=[MinValueValidator(0)])
    status = models.CharField(_("추진상황"), max_length=16, choices=Status.choices, default=Status.ON_TRACK)
    status_reason = models.TextField(_("사유"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("진척률(%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    sample = models.BooleanField(_("예시 자료"), default=False)
    public = models.BooleanField(_("공개"), default=True)

    class Meta:
        verbose_name = _("공약사업")
        verbose_name_plural = _("공약사업")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="pledge_progress_0_100",
                violation_error_message=_("진척률은 0에서 100 사이여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class PledgeMilestone(models.Model):
    """공약 추진일정: a dated step of a pledge."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("공약사업"), on_delete=models.CASCADE, related_name="milestones"
    )
    order = models.PositiveSmallIntegerField(_("순서"), default=1)
    title = models.CharField(_("내용"), max_length=200)
    due = models.DateField(_("목표일"), null=True, blank=True)
    done = models.BooleanField(_("완료"), default=False)

    class Meta:
        verbose_name = _("공약 추진일정")
        verbose_name_plural = _("공약 추진일정")
        ordering = ["pledge", "order", "id"]

    def __str__(self) -> str:
        return f"{self.pledge.number}-{self.order} {self.title}"


class CheckinRound(models.Model):
    """공약 추진현황 분기 점검: a quarterly round in which each lead department reports."""

    class State(models.TextChoices):
        OPEN = "open", _("진행 중")
        CLOSED = "closed", _("마감")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    year = models.PositiveSmallIntegerField(_("연도"))
    quarter = models.PositiveSmallIntegerField(
        _("분기"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    opened_on = models.DateField(_("개시일"))
    closes_on = models.DateField(_("제출기한"))
    state = models.CharField(_("상태"), max_length=8, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(_("마감 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("공약 점검 회차")
        verbose_name_plural = _("공약 점검 회차")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"],
                name="checkin_round_unique_quarter",
                violation_error_message=_("이 연도·분기의 점검 회차가 이미 있습니다."),
            ),
            # One open round at a time, decided by the database: two planners opening rounds at the
            # same moment cannot both succeed (a lock on "no open round" would lock nothing).
            models.UniqueConstraint(
                fields=["state"],
                condition=Q(state="open"),
                name="checkin_round_one_open",
                violation_error_message=_("진행 중인 점검 회차가 있습니다. 먼저 마감하세요."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="checkin_round_quarter_1_4",
                violation_error_message=_("분기는 1에서 4 사이여야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opened_on")),
                name="checkin_round_closes_after_opening",
                violation_error_message=_("제출기한은 개시일 이후여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}년 {self.quarter}분기 공약 점검"


class PledgeCheckin(models.Model):
    """공약 추진현황 제출: a lead department's status, progress and evidence for one pledge in a round."""

    class Review(models.TextChoices):
        SUBMITTED = "submitted", _("제출")
        ACCEPTED = "accepted", _("확인")
        RETURNED = "returned", _("보완요청")

    round = models.ForeignKey(
        CheckinRound, verbose_name=_("점검 회차"), on_delete=models.CASCADE, related_name="checkins"
    )
    pledge = models.ForeignKey(
        Pledge, verbose_name=_("공약사업"), on_delete=models.CASCADE, related_name="checkins"
    )
    status = models.CharField(_("추진상황"), max_length=16, choices=Status.choices)
    status_reason = models.TextField(_("사유"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("진척률(%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    evidence = models.TextField(_("추진실적·근거"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("제출자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("제출 시각"))
    review = models.CharField(_("검토"), max_length=10, choices=Review.choices, default=Review.SUBMITTED)
    review_comment = models.TextField(_("검토 의견(내부)"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("검토자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("검토 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("공약 점검 제출")
        verbose_name_plural = _("공약 점검 제출")
        ordering = ["round", "pledge__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "pledge"],
                name="pledge_checkin_one_per_round",
                violation_error_message=_("이 회차에 이 공약의 제출이 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="pledge_checkin_progress_0_100",
                violation_error_message=_("진척률은 0에서 100 사이여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.pledge}"

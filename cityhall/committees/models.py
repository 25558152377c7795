"""Committees (위원회) and councils (협의체) the office runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import Sourced
from cityhall.organisation.models import OrgUnit, code_validator


class Committee(Sourced):
    """위원회 / 협의체."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("위원회")
        COUNCIL = "council", _("협의체")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("소관 부서"), on_delete=models.PROTECT, related_name="committees"
    )
    kind = models.CharField(_("구분"), max_length=12, choices=Kind.choices, default=Kind.COMMITTEE)
    number = models.PositiveSmallIntegerField(_("연번"), null=True, blank=True)
    name = models.CharField(_("위원회명"), max_length=100)
    member_count = models.PositiveSmallIntegerField(_("위원수"), null=True, blank=True)
    chair = models.CharField(_("위원장"), max_length=100, blank=True)
    purpose = models.TextField(_("주요내용"), blank=True)
    composition = models.CharField(_("구성"), max_length=200, blank=True)
    meeting_frequency = models.CharField(_("운영"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("위원회")
        verbose_name_plural = _("위원회")
        ordering = ["org_unit__order", "kind", "number", "id"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """위원: a member of a committee. Personal data: names are masked on lists."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("위원장")
        VICE_CHAIR = "vice_chair", _("부위원장")
        MEMBER = "member", _("위원")

    committee = models.ForeignKey(
        Committee, verbose_name=_("위원회"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("이름"), max_length=50)
    role = models.CharField(_("직위"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    affiliation = models.CharField(_("소속"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("위원")
        verbose_name_plural = _("위원")
        ordering = ["committee", "role", "name"]

    def __str__(self) -> str:
        return f"{self.committee} · {self.name}"


class Meeting(models.Model):
    """회의: one sitting of a committee, numbered per committee and year (제N차). ``members_total`` (재적)
    and ``quorum`` (개의 정족수) are fixed when the meeting is created, as the rules say they are counted."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("정기회")
        EXTRAORDINARY = "extraordinary", _("임시회")
        WRITTEN = "written", _("서면심의")

    code = models.CharField(_("코드"), max_length=100, unique=True)  # "<committee>-<year>-<number>"
    committee = models.ForeignKey(
        Committee, verbose_name=_("위원회"), on_delete=models.PROTECT, related_name="meetings"
    )
    number = models.PositiveSmallIntegerField(_("차수"))
    kind = models.CharField(_("구분"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    held_on = models.DateField(_("개최일"))
    place = models.CharField(_("장소"), max_length=100, blank=True)
    members_total = models.PositiveSmallIntegerField(_("재적위원"))
    quorum = models.PositiveSmallIntegerField(_("개의 정족수"))
    allowance_per_attendee = models.PositiveIntegerField(_("참석수당(원)"), default=0)
    attendance_recorded = models.BooleanField(_("출석 확인"), default=False)
    present_count = models.PositiveSmallIntegerField(_("출석위원"), default=0)
    minutes = models.TextField(_("회의록"), blank=True)

    class Meta:
        verbose_name = _("위원회 회의")
        verbose_name_plural = _("위원회 회의")
        ordering = ["committee", "-held_on", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum__gte=1) & models.Q(quorum__lte=models.F("members_total")),
                name="committee_meeting_quorum_within_members",
                violation_error_message=_("정족수는 1 이상 재적위원 수 이하여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} 제{self.number}차 ({self.held_on:%Y-%m-%d})"


class AgendaItem(models.Model):
    """안건: an item of a meeting's agenda, and what the meeting decided on it (의결)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("미처리")
        APPROVED = "approved", _("원안가결")
        AMENDED = "amended", _("수정가결")
        REJECTED = "rejected", _("부결")
        DEFERRED = "deferred", _("보류")
        REPORTED = "reported", _("보고")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("회의"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("순서"))
    title = models.CharField(_("안건명"), max_length=300)
    decision = models.CharField(
        _("의결 결과"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    votes_for = models.PositiveSmallIntegerField(_("찬성"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("반대"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("기권"), null=True, blank=True)
    note = models.TextField(_("비고"), blank=True)

    class Meta:
        verbose_name = _("안건")
        verbose_name_plural = _("안건")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"],
                name="committee_agenda_unique_order",
                violation_error_message=_("같은 순서의 안건이 이미 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.order}. {self.title}"


class Attendance(models.Model):
    """출석: whether a member attended a meeting, and the allowance (참석수당, 원) owed for it.
    Written only through ``meeting_record_attendance`` (audited on the meeting)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("회의"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        CommitteeMember, verbose_name=_("위원"), on_delete=models.PROTECT, related_name="attendances"
    )
    present = models.BooleanField(_("출석"))
    allowance = models.PositiveIntegerField(_("참석수당(원)"), default=0)

    class Meta:
        verbose_name = _("출석")
        verbose_name_plural = _("출석")
        ordering = ["meeting", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="committee_attendance_once",
                violation_error_message=_("이 위원의 출석이 이미 기록되어 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member.name}"

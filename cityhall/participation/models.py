"""The participation engine (주민참여예산·제안제도): processes with phases and budgets, proposals with
their status history, review and committee scores, verification of voters, and ballots kept apart
from who cast them (docs/adr/0013-ballot-secrecy.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import Sourced

from .choices import (
    BallotKind,
    Channel,
    ConflictKind,
    ConflictState,
    CountingRule,
    Eligibility,
    PhaseKind,
    ProcessKind,
    ProposalStatus,
    ProposerKind,
    ReviewStage,
    SuggestionGrade,
    VerificationMethod,
)


class Process(Sourced):
    """주민참여예산 (one a year) or a 제안 round: its budget, ballot and counting rule, eligibility."""

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    kind = models.CharField(_("구분"), max_length=16, choices=ProcessKind.choices, default=ProcessKind.BUDGET)
    title = models.CharField(_("이름"), max_length=200)
    year = models.PositiveIntegerField(_("연도"))
    description = models.TextField(_("설명"), blank=True)
    budget = models.BigIntegerField(_("예산 한도(원)"), default=0)
    ballot_kind = models.CharField(
        _("투표 방식"), max_length=16, choices=BallotKind.choices, default=BallotKind.KNAPSACK
    )
    max_projects = models.PositiveIntegerField(_("최대 선택 사업 수"), null=True, blank=True)
    min_projects = models.PositiveIntegerField(_("최소 선택 사업 수"), default=0)
    min_budget_percent = models.PositiveIntegerField(_("최소 사용 예산(%)"), default=0)
    counting_rule = models.CharField(
        _("집계 방식"), max_length=16, choices=CountingRule.choices, default=CountingRule.GREEDY
    )
    committee_weight = models.PositiveIntegerField(_("위원회 점수 비중(%)"), default=0)
    vote_weight = models.PositiveIntegerField(_("투표 비중(%)"), default=100)
    rule_locked_at = models.DateTimeField(_("집계 방식 확정 시각"), null=True, blank=True)
    eligibility = models.CharField(
        _("투표 자격"), max_length=16, choices=Eligibility.choices, default=Eligibility.RESIDENTS
    )
    min_age = models.PositiveIntegerField(_("최소 나이"), default=14)
    # The department's decision deadline, counted by a named rule of the shared calendar
    # (국민제안 규정: 30일; configurable as the ordinance says).
    review_days = models.PositiveIntegerField(_("검토 기간(일)"), default=30)
    review_rule = models.CharField(_("검토 기한 계산 규칙"), max_length=32, default="civil_petition_days")
    scorers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, verbose_name=_("심사 위원"))
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("심의 위원회")
    )
    sample = models.BooleanField(_("예시"), default=False)

    class Meta:
        verbose_name = _("참여 절차")
        verbose_name_plural = _("참여 절차")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committee_weight__lte=100) & Q(vote_weight__lte=100),
                name="process_weights_percent",
                violation_error_message=_("비중은 0~100%여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("단계"), max_length=16, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("끝"))

    class Meta:
        verbose_name = _("단계")
        ordering = ["process", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["process", "kind"], name="phase_once_per_process"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="phase_ends_after_start",
                violation_error_message=_("단계의 끝은 시작보다 뒤여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process.code} {self.get_kind_display()}"


class Heading(models.Model):
    """A budget group: the whole city or one district (권역), each with its own ceiling."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="headings")
    code = models.SlugField(_("코드"), max_length=40)
    name = models.CharField(_("이름"), max_length=100)
    budget = models.BigIntegerField(_("예산 한도(원)"))

    class Meta:
        verbose_name = _("예산 구분")
        ordering = ["process", "code"]
        constraints = [models.UniqueConstraint(fields=["process", "code"], name="heading_code_unique")]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("이름"), max_length=100)

    class Meta:
        verbose_name = _("분야")
        ordering = ["process", "name"]
        constraints = [models.UniqueConstraint(fields=["process", "name"], name="category_name_unique")]

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals")
    heading = models.ForeignKey(Heading, on_delete=models.PROTECT, related_name="proposals")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True)
    number = models.PositiveIntegerField(_("번호"))
    title = models.CharField(_("제목"), max_length=200)
    description = models.TextField(_("내용"), max_length=5000)
    district = models.CharField(_("지역"), max_length=40, blank=True)
    latitude = models.DecimalField(_("위도"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("경도"), max_digits=9, decimal_places=6, null=True, blank=True)
    estimated_cost = models.BigIntegerField(_("추정 사업비(원)"))
    revised_cost = models.BigIntegerField(_("검토 사업비(원)"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True)
    department = models.ForeignKey(
        "organisation.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("검토 부서")
    )
    review_due = models.DateField(_("검토 기한"), null=True, blank=True)
    review_reason = models.TextField(_("검토 의견(공개)"), blank=True)
    internal_note = models.TextField(_("내부 메모(비공개)"), blank=True)
    proposer_kind = models.CharField(
        _("제안자 구분"), max_length=8, choices=ProposerKind.choices, default=ProposerKind.CITIZEN
    )
    grade = models.CharField(_("창안등급"), max_length=16, choices=SuggestionGrade.choices, blank=True)
    award = models.BigIntegerField(_("부상금(원)"), default=0)
    sample = models.BooleanField(_("예시"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("제안 사업")
        verbose_name_plural = _("제안 사업")
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="proposal_number_unique"),
            models.CheckConstraint(
                condition=Q(estimated_cost__gte=0),
                name="proposal_cost_not_negative",
                violation_error_message=_("사업비는 0원 이상이어야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def cost(self) -> int:
        return self.revised_cost if self.revised_cost is not None else self.estimated_cost


class StageDecision(models.Model):
    """A suggestion's decision at one review stage, public: whether 실무심의회 referred it (and the
    grade it recommends), or what 제안심사위원회 decided, with the citizens' votes it had then."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("심사 단계"), max_length=16, choices=ReviewStage.choices)
    referred = models.BooleanField(_("상정·채택"))
    grade = models.CharField(_("창안등급"), max_length=16, choices=SuggestionGrade.choices, blank=True)
    votes = models.PositiveIntegerField(_("시민 투표 수"), null=True, blank=True)
    reason = models.TextField(_("사유(공개)"), blank=True)
    decided_by = models.CharField(_("결정 입력자"), max_length=150)
    decided_at = models.DateTimeField(_("결정 시각"))

    class Meta:
        verbose_name = _("심사 단계 결정")
        verbose_name_plural = _("심사 단계 결정")
        ordering = ["proposal", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "stage"], name="stage_decision_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.get_stage_display()}"


class ProgressReport(models.Model):
    """Public follow-up of a funded project or an adopted suggestion: the responsible department's
    reports of how far it has got (as pledges have), the newest last."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="progress_reports")
    reported_on = models.DateField(_("보고일"))
    percent = models.PositiveSmallIntegerField(_("추진율(%)"))
    note = models.TextField(_("추진 내용(공개)"), max_length=1000)
    reported_by = models.CharField(_("보고자"), max_length=150)

    class Meta:
        verbose_name = _("추진 상황")
        verbose_name_plural = _("추진 상황")
        ordering = ["proposal", "reported_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="progress_percent_at_most_100",
                violation_error_message=_("추진율은 0에서 100 사이여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.reported_on} · {self.percent}%"


class StatusChange(models.Model):
    """Public history of a proposal's status, with the reason (shown to everyone)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ProposalStatus.choices)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["proposal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.from_status} → {self.to_status}"


class CommitteeScore(models.Model):
    """One committee member's score sheet line for a proposal; a recused member gives no score."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    score = models.PositiveIntegerField(null=True, blank=True)
    recused = models.BooleanField(default=False)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="score_once_per_member"),
            models.CheckConstraint(
                condition=(Q(recused=True) & Q(score__isnull=True)) | (Q(recused=False) & Q(score__lte=100)),
                name="score_or_recusal",
                violation_error_message=_("점수는 0~100점이며, 제척·회피한 위원은 점수를 줄 수 없습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.member_id}"


class CensusEntry(models.Model):
    """One eligible person on the city's list: a keyed hash (HMAC-SHA256 with the census secret) of
    the resident identifier, never the number itself."""

    person_key = models.CharField(max_length=64, unique=True)
    birth_year = models.PositiveIntegerField()
    district = models.CharField(max_length=40, blank=True)
    works_here = models.BooleanField(default=False)
    loaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.person_key[:12]


class Verification(models.Model):
    """An account verified as one person (the same keyed hash as the census)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person_key = models.CharField(max_length=64, unique=True)
    method = models.CharField(max_length=20, choices=VerificationMethod.choices)
    birth_year = models.PositiveIntegerField()
    district = models.CharField(max_length=40, blank=True)
    resident = models.BooleanField(default=True)  # False: works (or studies) in the city only
    verified_by = models.CharField(max_length=150, blank=True)
    verified_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} ({self.method})"


class Conflict(models.Model):
    """An admin's queue: two accounts for one person, a paper ballot from someone who voted online,
    two entries of a paper ballot that disagree."""

    kind = models.CharField(max_length=24, choices=ConflictKind.choices)
    state = models.CharField(max_length=12, choices=ConflictState.choices, default=ConflictState.OPEN)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, null=True, blank=True)
    person_key = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    detail = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["state", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"


class Participation(models.Model):
    """Who voted (the roll): one row per person and heading, with no trace of the choices."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="participations")
    heading = models.ForeignKey(Heading, on_delete=models.CASCADE)
    person_key = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    first_voted_at = models.DateTimeField()
    birth_year = models.PositiveIntegerField()  # participation statistics by age
    district = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["heading", "person_key"], name="participation_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.process_id} · {self.person_key[:12]}"


class Ballot(models.Model):
    """What was chosen, with nothing that names the voter: a random id, no time, no user; the
    choices in one JSON list (no per-line rows whose ids would keep insertion order). ``ballot_key``
    is an HMAC, with the ballot secret, of the heading and the person's key: only the server holding
    that secret can find the ballot again to replace it (ADR 0012)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    heading = models.ForeignKey(Heading, on_delete=models.CASCADE, related_name="ballots")
    ballot_key = models.CharField(max_length=64, unique=True)
    projects = models.JSONField(default=list)  # proposal numbers, sorted

    class Meta:
        ordering = ["heading", "ballot_key"]

    def __str__(self) -> str:
        return str(self.id)


class PaperEntry(models.Model):
    """One staff member's entry of a paper ballot sheet; two matching entries by two people cast it."""

    heading = models.ForeignKey(Heading, on_delete=models.CASCADE)
    sheet = models.CharField(max_length=40)
    entry = models.PositiveSmallIntegerField()  # 1 or 2
    person_key = models.CharField(max_length=64)
    projects = models.JSONField(default=list)
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["heading", "sheet", "entry"], name="paper_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet}#{self.entry}"


class Tally(models.Model):
    """The count of a heading under the process's rule: winners and the explanation, frozen."""

    heading = models.OneToOneField(Heading, on_delete=models.CASCADE, related_name="tally")
    rule = models.CharField(max_length=16, choices=CountingRule.choices)
    ballots = models.PositiveIntegerField()
    result = models.JSONField()
    counted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.heading_id} ({self.rule})"


class Attachment(models.Model):
    """A file attached to a proposal (a photo, a map, a PDF), kept in the database: small, few, and
    then backed up with everything else. Only checked types (by content, not by name)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["proposal", "pk"]

    def __str__(self) -> str:
        return self.name

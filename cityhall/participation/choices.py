"""Choices shared by the models, services, pages and exports of the participation engine."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessKind(models.TextChoices):
    BUDGET = "budget", _("주민참여예산")
    SUGGESTION = "suggestion", _("제안제도")


class PhaseKind(models.TextChoices):
    """The phases in their order (Consul's, shortened to what the office runs)."""

    ACCEPTING = "accepting", _("제안 접수")
    REVIEWING = "reviewing", _("부서 검토")
    SCORING = "scoring", _("위원회 심사")
    VOTING = "voting", _("주민 투표")
    COUNTING = "counting", _("집계")
    FINISHED = "finished", _("결과 공개")


class BallotKind(models.TextChoices):
    KNAPSACK = "knapsack", _("예산 내 선택 (배낭형)")
    APPROVAL = "approval", _("최대 k개 선택 (찬성형)")


class CountingRule(models.TextChoices):
    GREEDY = "greedy", _("득표순 (예산 한도 내)")
    EQUAL_SHARES = "mes", _("균등 몫 방식 (Method of Equal Shares)")
    COMBINED = "combined", _("위원회 점수·투표 합산")


class Eligibility(models.TextChoices):
    RESIDENTS = "residents", _("김포시 주민")
    LIVE_OR_WORK = "live_or_work", _("김포시에 살거나 일하는 사람")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("접수")
    WITHDRAWN = "withdrawn", _("철회")
    MERGED = "merged", _("병합")
    REVIEWING = "reviewing", _("부서 검토 중")
    ELIGIBLE = "eligible", _("적격")
    NOT_ELIGIBLE = "not_eligible", _("부적격")
    SELECTED = "selected", _("선정")
    NOT_SELECTED = "not_selected", _("미선정")


class VerificationMethod(models.TextChoices):
    CENSUS = "census", _("주민 명부 대조")
    IN_PERSON = "in_person", _("방문 확인 (직원)")
    IDENTITY_PROVIDER = "identity_provider", _("본인인증")


class Channel(models.TextChoices):
    ONLINE = "online", _("온라인")
    PAPER = "paper", _("종이 투표")


class ConflictKind(models.TextChoices):
    TWO_ACCOUNTS = "two_accounts", _("한 사람, 두 계정")
    PAPER_AFTER_ONLINE = "paper_after_online", _("온라인 투표 후 종이 투표")
    PAPER_MISMATCH = "paper_mismatch", _("종이 투표 이중 입력 불일치")


class ConflictState(models.TextChoices):
    OPEN = "open", _("처리 대기")
    RESOLVED = "resolved", _("처리 완료")


class ProposerKind(models.TextChoices):
    CITIZEN = "citizen", _("시민")
    STAFF = "staff", _("공무원")


class SuggestionGrade(models.TextChoices):
    """창안등급 (제안심사위원회): the adopted grades; NOT_ADOPTED closes a suggestion without one."""

    GOLD = "gold", _("금상")
    SILVER = "silver", _("은상")
    BRONZE = "bronze", _("동상")
    ENCOURAGEMENT = "encouragement", _("장려상")
    EFFORT = "effort", _("노력상")
    NOT_ADOPTED = "not_adopted", _("불채택")


class ReviewStage(models.TextChoices):
    """The two review stages of a suggestion after the department's (제안심사실무심의회 refers the
    suggestions worth grading, with the grade it recommends; 제안심사위원회 decides)."""

    WORKING = "working", _("제안심사실무심의회")
    COMMITTEE = "committee", _("제안심사위원회")

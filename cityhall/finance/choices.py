"""Choices shared by the finance models, services, importers and pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    GENERAL = "general", _("일반회계")
    SPECIAL = "special", _("특별회계")


class Level(models.TextChoices):
    POLICY = "policy", _("정책사업")
    UNIT = "unit", _("단위사업")
    DETAIL = "detail", _("세부사업")


class Source(models.TextChoices):
    """재원: who pays a budget line (the ledger's 재원 column)."""

    NATIONAL = "national", _("국비")
    PROVINCIAL = "provincial", _("도비")
    CITY = "city", _("시비")
    SPECIAL_GRANT = "special_grant", _("특별교부세")
    SPECIAL_ADJUSTMENT_GRANT = "special_adjustment_grant", _("특별조정교부금")


class Nature(models.TextChoices):
    """성질: 신속집행 counts consumption and investment lines separately."""

    CONSUMPTION = "consumption", _("소비")
    INVESTMENT = "investment", _("투자")
    OTHER = "other", _("기타")


class TargetScope(models.TextChoices):
    OVERALL = "overall", _("전체")
    CONSUMPTION = "consumption", _("소비")
    INVESTMENT = "investment", _("투자")


class MonthState(models.TextChoices):
    OPEN = "open", _("열림")
    CLOSED = "closed", _("마감")


class ReviewStatus(models.TextChoices):
    """투자심사: the investment review a large project needs before money goes in."""

    NOT_REQUIRED = "not_required", _("대상 아님")
    PENDING = "pending", _("심사 전")
    PASSED = "passed", _("적정")
    CONDITIONAL = "conditional", _("조건부")
    REJECTED = "rejected", _("부적정")


class GrantKind(models.TextChoices):
    NATIONAL_SUBSIDY = "national_subsidy", _("국고보조금")
    PROVINCIAL_SUBSIDY = "provincial_subsidy", _("도비보조금")
    SPECIAL_GRANT = "special_grant", _("특별교부세")
    SPECIAL_ADJUSTMENT_GRANT = "special_adjustment_grant", _("특별조정교부금")
    COMPETITIVE = "competitive", _("공모사업")


class GrantStatus(models.TextChoices):
    APPLIED = "applied", _("신청")
    SELECTED = "selected", _("선정")
    REJECTED = "rejected", _("미선정")


class EvaluationCategory(models.TextChoices):
    INVESTMENT = "investment", _("투자사업(2억 이상)")
    EVENT = "event", _("행사성사업")
    SUBSIDY = "subsidy", _("보조사업")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("매우우수")
    GOOD = "good", _("우수")
    FAIR = "fair", _("보통")
    POOR = "poor", _("미흡")
    VERY_POOR = "very_poor", _("매우미흡")


class Consequence(models.TextChoices):
    EXPAND = "expand", _("확대 검토")
    KEEP = "keep", _("유지")
    CUT = "cut", _("감액")
    SUNSET = "sunset", _("일몰")


class ClaimKind(models.TextChoices):
    SPENDING_CUT = "spending_cut", _("지출절약")
    REVENUE_INCREASE = "revenue_increase", _("수입증대")


class ClaimState(models.TextChoices):
    SUBMITTED = "submitted", _("신청")
    APPROVED = "approved", _("심사 채택")
    REJECTED = "rejected", _("심사 불채택")
    PAID = "paid", _("지급 완료")


class FiscalArea(models.TextChoices):
    SOUNDNESS = "soundness", _("건전성")
    EFFICIENCY = "efficiency", _("효율성")
    PLANNING = "planning", _("계획성")


class InstitutionKind(models.TextChoices):
    CORPORATION = "corporation", _("지방공사·공단")
    FUNDED = "funded", _("출연기관")
    INVESTED = "invested", _("출자기관")


class ProposalSource(models.TextChoices):
    """Where an item of the budget proposal (예산안) came from."""

    PARTICIPATORY = "participatory", _("주민참여예산")


class CouncilDecision(models.TextChoices):
    """What the city council (시의회) decided on an item of the budget proposal."""

    PENDING = "pending", _("의결 전")
    PASSED = "passed", _("원안 가결")
    REDUCED = "reduced", _("감액 가결")
    CUT = "cut", _("전액 삭감")

"""예산성과금: the reward a claim earns under the configured rule, as a pure function."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Reward:
    amount: int
    explanation: str


def reward(saved: int, percent: Decimal, cap: int) -> Reward:
    """``percent`` of ``saved`` won, cut to the won below, and no more than ``cap``."""
    raw = int((Decimal(saved) * Decimal(percent) / 100).to_integral_value(rounding=ROUND_DOWN))
    amount = min(raw, cap)
    if raw > cap:
        text = _("%(saved)s원 × %(percent)s%% = %(raw)s원 → 상한 %(cap)s원 적용")
    else:
        text = _("%(saved)s원 × %(percent)s%% = %(raw)s원 (상한 %(cap)s원 이내)")
    return Reward(
        amount,
        text % {"saved": f"{saved:,}", "percent": percent, "raw": f"{raw:,}", "cap": f"{cap:,}"},
    )


def claim_rules(obj, before) -> dict[str, list[str]]:
    """Record rule: an approved or paid claim's reward is the configured rule's, never typed."""
    from ..models import RewardRule

    if obj.state not in ("approved", "paid"):
        return {}
    rule = RewardRule.objects.filter(kind=obj.kind).first()
    if rule is None:
        return {"reward": [_("이 구분의 지급 기준이 없습니다.")]}
    expected = reward(obj.amount, rule.percent, rule.cap).amount
    if obj.reward != expected:
        return {
            "reward": [
                _("성과금은 지급 기준에 따라 %(amount)s원이어야 합니다.") % {"amount": f"{expected:,}"}
            ]
        }
    return {}

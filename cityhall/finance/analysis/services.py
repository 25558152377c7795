"""재정분석 writes: the sample indicators (예시)."""

from __future__ import annotations

from django.db import transaction

from cityhall.core.audit import Actor
from cityhall.organisation.models import OrgUnit

from ..models import FiscalIndicator
from ..selectors import BUDGET_DEPARTMENT
from ..services import save_audited
from . import samples


@transaction.atomic
def analysis_load_sample(*, actor: Actor) -> int:
    keeper = OrgUnit.objects.get(code=BUDGET_DEPARTMENT)
    written = 0
    for row in samples.indicators():
        if FiscalIndicator.objects.filter(code=row["code"]).exists():
            continue
        weak = (
            row["city_value"] < row["peer_value"]
            if row["higher_is_better"]
            else row["city_value"] > row["peer_value"]
        )
        obj = FiscalIndicator(
            year=samples.YEAR,
            keeper=keeper,
            sample=True,
            section="IV.2.3",
            line=samples.SEED_LINE,
            improvement="예시: 미흡 지표 개선 실무회의에서 개선 방안 마련" if weak else "",
            **row,
        )
        save_audited(actor, "fiscal_indicators", obj, None)
        written += 1
    return written


def is_weak(indicator: FiscalIndicator) -> bool:
    if indicator.higher_is_better:
        return indicator.city_value < indicator.peer_value
    return indicator.city_value > indicator.peer_value

"""Execution writes beyond the import: the sample year (예시), through the same import as a real export."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit

from ..models import BudgetLine, ExecutionMonth, ExecutionTarget, PeerRanking
from ..selectors import BUDGET_DEPARTMENT
from ..services import save_audited
from . import samples
from .importer import execution_import

RANKINGS = (  # II.2, line 269: * 적극집행 경기도 내 17위 / 4분기 소비투자 경기도 내 4위 (12.31.기준)
    ("하반기 지방재정 적극집행", 17),
    ("4분기 소비투자 집행", 4),
)


@transaction.atomic
def execution_load_sample(*, actor: Actor) -> int:
    """Import the sample 2024 ledger (12 monthly files), the 예시 targets and the seed's rankings.
    Refuses when real execution of that year exists; returns the rows imported."""
    year = samples.YEAR
    if BudgetLine.objects.filter(year=year, sample=False).exists():
        raise RecordInvalid(
            _("실제 %(year)d년 집행 자료가 있어 예시 자료를 불러오지 않습니다.") % {"year": year}
        )
    ExecutionMonth.objects.filter(year=year, sample=True).update(state="open")
    rows = 0
    for month, content in samples.month_files():
        result = execution_import(
            year=year,
            month=month,
            content=content,
            file_name=f"예시_{year}_{month:02d}.csv",
            actor=actor,
            sample=True,
        )
        rows += result.rows
    keeper = OrgUnit.objects.filter(code=BUDGET_DEPARTMENT).first()
    for scope, percents in samples.TARGETS.items():
        for quarter, percent in enumerate(percents, start=1):
            obj = ExecutionTarget.objects.filter(year=year, quarter=quarter, scope=scope).first()
            if obj is None:
                obj = ExecutionTarget(year=year, quarter=quarter, scope=scope, percent=Decimal(percent))
                obj.sample, obj.keeper = True, keeper
                save_audited(actor, "execution_targets", obj, None)
    for title, rank in RANKINGS:
        if not PeerRanking.objects.filter(year=year, title=title).exists():
            obj = PeerRanking(
                year=year, title=title, group="경기도 시·군", rank=rank, as_of="12.31.기준", keeper=keeper
            )
            obj.section, obj.line = "II.2", samples.SEED_LINES["rankings"]
            save_audited(actor, "peer_rankings", obj, None)
    return rows

"""Transfers and grants writes: the sample year (예시)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from cityhall.core.audit import Actor
from cityhall.organisation import departments
from cityhall.organisation.models import OrgUnit

from ..models import Grant
from ..selectors import BUDGET_DEPARTMENT
from ..services import save_audited
from . import samples

DEPARTMENTS = (
    departments.BUDGET_LEGAL,
    departments.SMART_CITY,
    departments.INFO_COMM,
    departments.POLICY_PLANNING,
)


@transaction.atomic
def grants_load_sample(*, actor: Actor) -> int:
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=DEPARTMENTS)}
    written = 0
    for i, row in enumerate(samples.grants()):
        if Grant.objects.filter(code=row["code"]).exists():
            continue
        department = units[BUDGET_DEPARTMENT] if row["kind"] != "competitive" else units[DEPARTMENTS[i % 4]]
        g = Grant(
            code=row["code"],
            year=samples.YEAR,
            kind=row["kind"],
            name=row["name"],
            department=department,
            agency=row["agency"],
            applied_on=date(samples.YEAR, 1 + i % 11, 1 + i % 27),
            status=row["status"],
            amount=row["amount"],
            matching=row["matching"],
            sample=True,
            section="II.2",
            line=row["line"],
        )
        save_audited(actor, "grants", g, None)
        written += 1
    return written

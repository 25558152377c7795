"""Reads shared by the finance pages: who the budget staff are, and the years that have data."""

from __future__ import annotations

from cityhall.organisation import departments
from cityhall.organisation.models import OrgUnit

# 예산법무과 keeps the budget: its editors and managers (with the director and administrators) import
# the ledger, set targets and rules, and decide; other departments see everything and submit their own.
BUDGET_DEPARTMENT = departments.BUDGET_LEGAL
BUDGET_STAFF = "budget_staff"


def budget_department_id() -> int | None:
    return OrgUnit.objects.filter(code=BUDGET_DEPARTMENT).values_list("pk", flat=True).first()

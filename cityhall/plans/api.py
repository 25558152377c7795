"""업무계획 endpoints beyond the generated CRUD: the plan check (stated figures against the records).

Mounted at /api/v1 by ``PlansConfig.ready``; any role may read.
"""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from cityhall.core.permissions import require_role

from .checks import check_plan, plan_notes

router = Router(tags=["업무계획"])


class PlanCheckOut(Schema):
    consistent: bool
    mismatches: list[dict[str, Any]]
    notes: list[dict[str, Any]]  # differences the plan may mean: never inconsistencies


@router.get("/plan-check", response=PlanCheckOut, summary="계획 수치 일관성 검사")
def plan_check(request):
    require_role(request.user)
    mismatches = [m.as_dict() for m in check_plan()]
    notes = [m.as_dict() for m in plan_notes()]
    return {"consistent": not mismatches, "mismatches": mismatches, "notes": notes}

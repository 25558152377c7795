"""업무계획 endpoints beyond the generated CRUD: the plan check (stated figures against the records).

Mounted at /api/v1 by ``PlansConfig.ready``; any role may read.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from cityhall.core.permissions import scope_of

from .checks import check_plan

router = Router(tags=["업무계획"])


class PlanCheckOut(Schema):
    consistent: bool
    mismatches: list[dict[str, Any]]


@router.get("/plan-check", response=PlanCheckOut, summary="계획 수치 일관성 검사")
def plan_check(request):
    if not scope_of(request.user).any_role:
        raise PermissionDenied("역할이 없는 사용자는 조회할 수 없습니다.")
    mismatches = [m.as_dict() for m in check_plan()]
    return {"consistent": not mismatches, "mismatches": mismatches}

"""Organisation endpoints beyond the generated CRUD: the 조직진단 workload analysis, read-only.

Mounted at /api/v1/organisation (and the account endpoint at /api/v1/me) by ``OrganisationConfig.ready``;
authentication is the API's (session or token); any role may read, as on the page.
"""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema, Status

from cityhall.core import params
from cityhall.core.api import Problems
from cityhall.core.permissions import require_role

from . import filters, workload
from .models import RoleAssignment

router = Router(tags=["조직진단"])
account = Router(tags=["계정"])


class MeOut(Schema):
    username: str
    roles: list[dict[str, str | None]]


@account.get("/me", response=MeOut, summary="내 계정과 역할")
def me(request):
    roles = [
        {"role": r.role, "department": r.department.code if r.department_id else None}
        for r in RoleAssignment.objects.filter(user=request.user).select_related("department")
    ]
    return {"username": request.user.get_username(), "roles": roles}


@router.get(
    "/workload-analysis",
    response={200: dict[str, Any], 422: Problems},
    summary="팀별 업무량 분석 (소요인력 대비 현원)",
    openapi_extra={"parameters": params.openapi_parameters(filters.WORKLOAD_PARAMS)},
)
@params.api(**filters.WORKLOAD_PARAMS)
def workload_analysis(request):
    """소요인력 = Σ(연간 업무량 × 단위당 표준시간) ÷ 1인 연간 근무시간 (``hours``, 기본: 최근 분석 기준 또는
    1,952); 비율 = 소요인력 ÷ 현원; 비율 > ``over`` 과부하, < ``under`` 여유."""
    require_role(request.user)
    values = request.query.given()
    report = workload.workload_report(
        hours_per_person_year=values.get("hours"),
        over=values.get("over", workload.DEFAULT_OVER),
        under=values.get("under", workload.DEFAULT_UNDER),
    )
    return Status(200, workload.workload_data(report))

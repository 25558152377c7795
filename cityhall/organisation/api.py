"""Organisation endpoints beyond the generated CRUD: the 조직진단 workload analysis, read-only.

Mounted at /api/v1/organisation by ``cityhall.core.api``; authentication is the API's (session or
token); any role may read, as on the page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Router, Status

from cityhall.core import params
from cityhall.core.permissions import scope_of

from . import filters, selectors

router = Router(tags=["조직진단"])


@router.get(
    "/workload-analysis",
    response={200: dict[str, Any], 422: dict[str, Any]},
    summary="팀별 업무량 분석 (소요인력 대비 현원)",
    openapi_extra={"parameters": params.openapi_parameters(filters.WORKLOAD_PARAMS)},
)
@params.api(**filters.WORKLOAD_PARAMS)
def workload_analysis(request):
    """소요인력 = Σ(연간 업무량 × 단위당 표준시간) ÷ 1인 연간 근무시간 (``hours``, 기본: 최근 분석 기준 또는
    1,952); 비율 = 소요인력 ÷ 현원; 비율 > ``over`` 과부하, < ``under`` 여유."""
    if not scope_of(request.user).any_role:
        raise PermissionDenied("역할이 없는 사용자는 조회할 수 없습니다.")
    values = request.query.given()
    try:
        report = selectors.workload_report(
            hours_per_person_year=values.get("hours"),
            over=values.get("over", selectors.DEFAULT_OVER),
            under=values.get("under", selectors.DEFAULT_UNDER),
        )
    except selectors.WorkloadError as exc:
        return Status(422, {"detail": str(exc)})
    return Status(200, selectors.workload_data(report))

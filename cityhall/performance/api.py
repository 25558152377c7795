"""성과관리 API beyond the generated CRUD: the incentive allocation of a year, computed (read-only)."""

from ninja import Router, Schema

from cityhall.core.api import Problems
from cityhall.core.permissions import require_role

from . import services

router = Router(tags=["성과관리"])


class AllocationRowOut(Schema):
    department: str
    department_name: str
    score: float
    staff: int
    factor: float
    amount: int
    explanation: str


class AllocationOut(Schema):
    year: int
    pool: int
    kind: str
    sample: bool
    formula: str
    total: int
    departments: list[AllocationRowOut]


@router.get(
    "/allocation/{year}",
    response={200: AllocationOut, 422: Problems},
    summary="성과급 배분 계산 (읽기 전용, 산출 근거 포함)",
)
def allocation(request, year: int):
    require_role(request.user)
    result = services.incentive_allocation(year=year)
    return {
        "year": result.year,
        "pool": result.rule.pool,
        "kind": result.rule.kind,
        "sample": result.rule.sample,
        "formula": result.formula,
        "total": result.total,
        "departments": [
            {
                "department": r.department.code,
                "department_name": r.department.name,
                "score": float(r.score),
                "staff": r.staff,
                "factor": float(r.factor),
                "amount": r.amount,
                "explanation": r.explanation,
            }
            for r in result.results
        ],
    }

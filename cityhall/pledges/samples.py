"""The sample portfolio (예시 자료): 56 made-up pledges that reproduce the seed's figures exactly
(II.1 line 198–199, IV.1.1 line 426–427): 15 시 선도사업 + 41 부서 중점사업; as of January 2025 27 이행완료,
9 '25년 완료목표, 20 정상추진. The seed does not list the pledges, so every title says 예시 공약 and
none resembles a real pledge of the mayor; replace them with the real list by the XLSX import."""

from __future__ import annotations

from .models import Category, Status

FLAGSHIP, DEPARTMENT_LED = 15, 41
STATUS_COUNTS = ((Status.COMPLETED, 27), (Status.DUE_THIS_YEAR, 9), (Status.ON_TRACK, 20))
TOTAL = FLAGSHIP + DEPARTMENT_LED


def sample_pledges(departments: list[str]) -> list[dict]:
    """The 56 rows, spread over ``departments`` (codes) in turn; statuses interleaved by a fixed
    permutation (i × 17 mod 56) so each department and category gets a mix."""
    statuses = [status for status, count in STATUS_COUNTS for _ in range(count)]
    rows = []
    for i in range(TOTAL):
        number = i + 1
        status = statuses[(i * 17) % TOTAL]
        category = Category.FLAGSHIP if number <= FLAGSHIP else Category.DEPARTMENT
        lead = departments[i % len(departments)]
        cooperating = [departments[(i + 1) % len(departments)]] if category == Category.FLAGSHIP else []
        progress = {Status.COMPLETED: 100, Status.DUE_THIS_YEAR: 70 + (i % 3) * 10}.get(
            status, 30 + (i % 5) * 10
        )
        rows.append(
            {
                "code": f"sample-{number:02d}",
                "number": number,
                "title": f"예시 공약 {number:02d} ({category.label} 예시)",
                "category": category.value,
                "lead_department": lead,
                "cooperating_departments": cooperating,
                "goal": "예시 자료입니다. 실제 공약이 아닙니다 (공약 목록은 XLSX로 가져오세요).",
                "budget": (number % 4) * 250_000_000 or None,
                "status": status.value,
                "status_reason": "",
                "progress": progress,
                "sample": True,
                "public": True,
            }
        )
    return rows

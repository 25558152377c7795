"""The sample 정책가계부 (예시 자료): 102 made-up large projects of which 14 are selected (II.2, line
244: "대규모투자사업 102개 사업 중 우선순위 14개 사업 선정"). The seed names neither the projects nor the
criteria: the criteria follow the issue's example (pledge, urgency, readiness, external funding,
operating cost) with 예시 weights, and the scores are a fixed pattern."""

from __future__ import annotations

PROJECTS, SELECTED = 102, 14  # line 244
SEED_LINE = 244
YEAR = 2024
CRITERIA = (  # code, name, weight, description
    ("pledge", "공약 연계", 25, "민선8기 공약 사업이면 100, 아니면 40"),
    ("urgency", "시급성", 25, "안전·법정 기한·민원 등 늦출 수 없는 정도"),
    ("readiness", "사업 준비도", 20, "투자심사·설계·부지 확보 정도"),
    ("external", "외부재원", 15, "총사업비 중 국·도비 등의 비율 (%)"),
    ("operating", "운영비 부담", 15, "완공 뒤 운영비가 적을수록 높음"),
)
ROOMS = {year: 250_000_000_000 for year in range(2025, 2031)}  # 예시 가용재원 2,500억원/년
REVIEW_CYCLE = ("passed", "pending", "conditional", "passed", "not_required", "passed", "rejected")


def projects() -> list[dict]:
    rows = []
    for i in range(PROJECTS):
        number = i + 1
        total = (10 + (i * 37) % 49 * 10) * 1_000_000_000  # 10억–490억원
        external = total * ((i * 13) % 7) // 10  # 0–60 %
        start = 2025 + i % 3
        rows.append(
            {
                "code": f"sample-lp-{number:03d}",
                "number": number,
                "name": f"예시 대규모 투자사업 {number:03d}",
                "total_cost": total,
                "external_funding": external,
                "start_year": start,
                "end_year": start + 1 + i % 3,
                "review_status": REVIEW_CYCLE[i % len(REVIEW_CYCLE)],
                "pledge_number": (i // 7) % 56 + 1 if i % 7 == 0 else None,
                "scores": {
                    "pledge": 100 if i % 7 == 0 else 40,
                    "urgency": 40 + (i * 37) % 61,
                    "readiness": 30 + (i * 53) % 71,
                    "external": 100 * external // total,
                    "operating": 50 + (i * 29) % 51,
                },
            }
        )
    return rows

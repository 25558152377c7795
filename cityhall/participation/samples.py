"""Sample processes (예시 자료) for the demo and tests.

- 2024 주민참여예산 (finished): reproduces the seed's figures exactly — "제안접수 139건 중 36건
  (1,545,150천원) 2025년 예산 반영" (II.2, line 263). The seed gives only these totals, so titles,
  costs, districts and the 2,400 ballots are made up (each title says 예시); the funded 36 cost
  1,545,150천원 in all, and greedy counting of the sample ballots within that ceiling funds exactly
  them. 139 = 124 on the ballot + 12 not eligible + 3 merged duplicates.
- 2025 주민참여예산 (voting now): 24 eligible sample proposals, a knapsack ballot, the combined rule
  (위원회 50 % · 투표 50 %), so a new user can verify (모의 본인인증) and vote at once.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal

SEED_SECTION, SEED_LINE = "II.2", 263
PROPOSALS_2024, FUNDED_2024, FUNDED_COST_2024 = 139, 36, 1_545_150_000
NOT_ELIGIBLE_2024, MERGED_2024 = 12, 3
ON_BALLOT_2024 = PROPOSALS_2024 - NOT_ELIGIBLE_2024 - MERGED_2024  # 124
VOTERS_2024 = 2_400

DISTRICTS = (
    "김포본동",
    "장기본동",
    "사우동",
    "풍무동",
    "통진읍",
    "고촌읍",
    "양촌읍",
    "대곶면",
    "월곶면",
    "하성면",
    "장기동",
    "구래동",
    "마산동",
    "운양동",
)
# 예시 위치: the rough centre of each district (WGS84, latitude, longitude), so the sample proposals
# can be drawn on the shared map. Not surveyed points: each sample proposal sits near its district's
# centre, spread by its number, and is labelled 예시 on the map.
DISTRICT_CENTRES = {
    "김포본동": (37.6153, 126.7156),
    "장기본동": (37.6406, 126.6636),
    "사우동": (37.6206, 126.7199),
    "풍무동": (37.6049, 126.7275),
    "통진읍": (37.6920, 126.5990),
    "고촌읍": (37.6010, 126.7717),
    "양촌읍": (37.6470, 126.6290),
    "대곶면": (37.6450, 126.5570),
    "월곶면": (37.7130, 126.5530),
    "하성면": (37.7230, 126.6360),
    "장기동": (37.6429, 126.6673),
    "구래동": (37.6453, 126.6276),
    "마산동": (37.6410, 126.6460),
    "운양동": (37.6530, 126.6825),
}


def sample_position(district: str, number: int) -> tuple[Decimal, Decimal] | None:
    """A 예시 position near the district's centre, a few hundred metres apart by proposal number."""
    centre = DISTRICT_CENTRES.get(district)
    if centre is None:
        return None
    dlat = ((number * 37) % 11 - 5) * 0.0009
    dlon = ((number * 53) % 13 - 6) * 0.0011
    return Decimal(f"{centre[0] + dlat:.6f}"), Decimal(f"{centre[1] + dlon:.6f}")


CATEGORIES = ("안전", "환경", "교통", "문화·체육", "복지", "교육", "공원·녹지")
THINGS = (
    "어린이 통학로 안전 펜스",
    "마을 쉼터 그늘막",
    "산책로 보안등",
    "하천변 운동기구",
    "경로당 냉난방기",
    "버스정류장 온열의자",
    "공원 맨발 걷기길",
    "작은도서관 도서 확충",
    "골목길 미끄럼 방지 포장",
    "반려견 놀이터",
    "청소년 동아리방 정비",
    "다문화 가족 한국어 교실",
)


def _thousands(value: int) -> int:
    return value * 1000


def funded_costs_2024() -> list[int]:
    """36 costs (won, whole 천원) adding up to 1,545,150천원 exactly."""
    costs = [_thousands(22_000 + ((k * 37) % 41) * 1_000) for k in range(1, FUNDED_2024)]
    costs.append(FUNDED_COST_2024 - sum(costs))
    assert costs[-1] > 0 and sum(costs) == FUNDED_COST_2024
    return costs


def ballots_2024() -> list[list[int]]:
    """2,400 approval ballots (up to 10 of the 124 ballot positions 1…124), fixed by a seeded
    generator: ballot position p has popularity falling with p, so the counts fall with p too."""
    rng = random.Random(2024)  # noqa: S311 - sample ballots, not secrets
    weights = [1.0 / (8 + p) for p in range(1, ON_BALLOT_2024 + 1)]
    ballots = []
    for _ in range(VOTERS_2024):
        size = rng.randint(3, 10)
        chosen: set[int] = set()
        while len(chosen) < size:
            chosen.add(rng.choices(range(1, ON_BALLOT_2024 + 1), weights=weights)[0])
        ballots.append(sorted(chosen))
    return ballots


def proposals_2024() -> tuple[list[dict], list[list[int]]]:
    """The 139 proposals (by number) and the ballots (by proposal number). The 36 with the most
    votes get the funded costs; every other costs more than nothing, so once the 36 have filled the
    ceiling none fits."""
    ballots = ballots_2024()
    counts = [0] * (ON_BALLOT_2024 + 1)
    for ballot in ballots:
        for position in ballot:
            counts[position] += 1
    ranked = sorted(range(1, ON_BALLOT_2024 + 1), key=lambda p: (-counts[p], p))
    assert counts[ranked[FUNDED_2024 - 1]] > counts[ranked[FUNDED_2024]], "a tie on the line"
    funded = dict(zip(ranked[:FUNDED_2024], funded_costs_2024(), strict=True))
    rows, number_of = [], {}
    for number in range(1, PROPOSALS_2024 + 1):
        rows.append({"number": number})
    off = [n for n in range(1, PROPOSALS_2024 + 1) if n % 9 == 0]  # 9, 18, … 135: 15 off the ballot
    on_ballot = [n for n in range(1, PROPOSALS_2024 + 1) if n % 9]
    assert len(on_ballot) == ON_BALLOT_2024 and len(off) == NOT_ELIGIBLE_2024 + MERGED_2024
    for position, number in enumerate(on_ballot, start=1):
        number_of[position] = number
    for row in rows:
        n = row["number"]
        thing = THINGS[n % len(THINGS)]
        district = DISTRICTS[n % len(DISTRICTS)]
        row.update(
            title=f"[예시] {district} {thing}",
            description=f"예시 자료입니다. {district}에 {thing}을(를) 설치·운영하자는 제안입니다.",
            district=district,
            category=CATEGORIES[n % len(CATEGORIES)],
        )
    position_of = {number: position for position, number in number_of.items()}
    for row in rows:
        n = row["number"]
        if n in position_of:
            position = position_of[n]
            row["status"] = "eligible"
            row["cost"] = funded.get(position, _thousands(30_000 + (n * 53 % 60) * 1_000))
            row["reason"] = "예시: 사업 타당성 적격"
        else:
            index = off.index(n)
            row["cost"] = _thousands(50_000 + n * 100)
            if index < NOT_ELIGIBLE_2024:
                row["status"] = "not_eligible"
                row["reason"] = "예시: 국·도비 사업과 중복되어 부적격"
            else:
                row["status"] = "merged"
                row["merged_into"] = on_ballot[index]
                row["reason"] = "예시: 같은 장소의 비슷한 제안"
    return rows, [[number_of[p] for p in ballot] for ballot in ballots]


def phases(year: int) -> dict[str, tuple[datetime, datetime]]:
    def at(month: int, day: int, y: int = year) -> datetime:
        return datetime(y, month, day, tzinfo=UTC)

    return {
        "accepting": (at(3, 1), at(5, 1)),
        "reviewing": (at(5, 1), at(7, 1)),
        "scoring": (at(7, 1), at(8, 1)),
        "voting": (at(8, 1), at(9, 1)),
        "counting": (at(9, 1), at(9, 15)),
        "finished": (at(9, 15), at(12, 31, year + 5)),
    }


PROPOSALS_2025 = 30  # 24 eligible, 4 not eligible, 2 under review
BUDGET_2025 = 1_600_000_000


def proposals_2025() -> list[dict]:
    rows = []
    for n in range(1, PROPOSALS_2025 + 1):
        thing = THINGS[(n * 5) % len(THINGS)]
        district = DISTRICTS[(n * 3) % len(DISTRICTS)]
        status = "eligible" if n <= 24 else ("not_eligible" if n <= 28 else "reviewing")
        rows.append(
            {
                "number": n,
                "title": f"[예시] {district} {thing}",
                "description": f"예시 자료입니다. {district} 주민이 제안한 {thing} 사업입니다.",
                "district": district,
                "category": CATEGORIES[(n * 2) % len(CATEGORIES)],
                "cost": _thousands(40_000 + (n * 71 % 23) * 10_000),
                "status": status,
                "score": 60 + (n * 13 % 40),
                "reason": "예시: 부서 검토 적격" if status == "eligible" else "예시: 검토 의견",
            }
        )
    return rows


# 제안제도 2024 (finished): "제안심사위원회 개최(3회) … 제안 채택에 따른 부상금 지급 : 540만원" (II.1,
# lines 229–231). Twelve sample suggestions, eight adopted with awards adding up to 5,400,000원.
SUGGESTION_SECTION, SUGGESTION_LINE = "II.1", 231
AWARDS_2024 = 5_400_000
SUGGESTIONS_2024 = (
    # (title, proposer kind, grade, award)
    ("[예시] 운양도서관 명칭 제안", "citizen", "gold", 1_500_000),
    ("[예시] 대학생 시정 제안: 통학버스 시간표 공개", "citizen", "silver", 1_000_000),
    ("[예시] 인구정책 슬로건 제안", "citizen", "silver", 1_000_000),
    ("[예시] 생명존중 인구정책 홍보 제안", "citizen", "bronze", 500_000),
    ("[예시] 민원서류 무인발급기 안내 개선", "staff", "bronze", 500_000),
    ("[예시] 경로당 안전점검 일정 공유", "staff", "encouragement", 300_000),
    ("[예시] 공원 화장실 위치 안내판", "citizen", "encouragement", 300_000),
    ("[예시] 불법주정차 신고 안내 문자", "citizen", "encouragement", 300_000),
    ("[예시] 시청 주차장 요일제 운영", "citizen", "not_adopted", 0),
    ("[예시] 축제 셔틀버스 증편", "citizen", "not_adopted", 0),
    ("[예시] 행정복지센터 야간 운영", "staff", "not_adopted", 0),
    ("[예시] 하천 산책로 음악 방송", "citizen", "not_adopted", 0),
)

# The committees that decide (dataset codes; I.3 lines 60 and 90).
PB_COMMITTEE, SUGGESTION_COMMITTEE = "budget-legal-c6", "policy-planning-c2"

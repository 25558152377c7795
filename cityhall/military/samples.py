"""Sample data (예시): the seed gives only totals for the compensation (IV.1.6, lines 564–565: about 150
residents near the 월곶면 군하리 army heliport, about 40,000천원), so 150 made-up applicants reproduce
exactly 150 people and 40,000,000 won for 2025 (residence in 2024). Names, numbers and accounts are
invented (주민등록번호 shapes with real birth dates; account numbers of the right length only); every
row is marked ``sample``. The councils, agreements and agenda items come from the seed's lines."""

from __future__ import annotations

from datetime import date

SEED_APPLICANTS_LINE, SEED_BUDGET_LINE = 564, 565
TOTAL_APPLICANTS, TOTAL_AMOUNT = 150, 40_000_000
AREA = "월곶면 군하리 군용헬기장 주변 소음대책지역"

# profile → (count, zone, moved in, moved out, months the workplace lay outside the area)
PROFILES = [
    ("z1-old", 2, "1", date(1970, 3, 3), None, ()),
    ("z1-out-apr", 5, "1", date(1980, 5, 5), date(2024, 4, 10), ()),
    ("z2-old", 17, "2", date(1985, 3, 2), None, ()),
    ("z2-1989", 9, "2", date(1998, 6, 15), None, ()),
    ("z2-2011", 10, "2", date(2016, 9, 1), None, ()),
    ("z2-out-sep", 4, "2", date(2012, 1, 1), date(2024, 9, 10), ()),
    ("z3-old", 20, "3", date(1979, 4, 20), None, ()),
    ("z3-1989", 25, "3", date(2003, 11, 11), None, ()),
    ("z3-2011", 31, "3", date(2019, 2, 8), None, ()),
    ("z3-2011-work", 19, "3", date(2014, 5, 30), None, tuple(range(1, 13))),
    ("z3-1989-work", 5, "3", date(1995, 8, 1), None, tuple(range(3, 13))),
    ("z3-new-jul", 3, "3", date(2024, 7, 1), None, ()),
]

FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = [
    "민준",
    "서연",
    "도윤",
    "하은",
    "시우",
    "지우",
    "주원",
    "서윤",
    "예준",
    "지민",
    "건우",
    "수아",
    "현우",
    "채원",
    "영수",
    "순자",
    "정희",
    "영호",
    "미숙",
    "상철",
]
HAMLETS = ["군하1리", "군하2리", "갈산1리", "갈산2리", "보구곶리"]
BANK_CODES = ["011", "012", "004", "071", "088", "020", "081", "003"]


def applicants() -> list[dict]:
    rows = []
    i = 0
    for _profile, count, zone, moved_in, moved_out, months in PROFILES:
        for _ in range(count):
            i += 1
            born = date(1940 + (i * 7) % 60, (i % 12) + 1, (i % 27) + 1)
            gender = ("1", "2")[i % 2] if born.year < 2000 else ("3", "4")[i % 2]
            rrn = f"{born:%y%m%d}-{gender}{(i * 7919) % 1_000_000:06d}"
            bank = BANK_CODES[i % len(BANK_CODES)]
            account = f"{(i * 104729) % 10**12:012d}"
            rows.append(
                {
                    "name": FAMILY[i % len(FAMILY)] + GIVEN[(i * 3) % len(GIVEN)],
                    "resident_number": rrn,
                    "address": f"경기도 김포시 월곶면 {HAMLETS[i % len(HAMLETS)]} {100 + i}번지 (예시)",
                    "zone": zone,
                    "moved_in_on": moved_in.isoformat(),
                    "moved_out_on": moved_out.isoformat() if moved_out else "",
                    "workplace_outside_months": list(months),
                    "applied_on": date(2025, 2, 3 + i % 25).isoformat(),
                    "bank_code": bank,
                    "account_number": account,
                }
            )
    return rows


# The councils are the committees app's records (seed lines 535–537); the cadence in months follows
# their 운영 column (연 1~2회 → at least every 6 months, 분기 1회 → every quarter, 수시 → no reminder).
COUNCILS = [
    ("mil-council-representative", "policy-planning-council-1", "representative", 6),
    ("mil-council-working", "policy-planning-council-2", "working", 3),
    ("mil-council-subcommittee", "policy-planning-council-3", "subcommittee", None),
]

AGREEMENTS = [
    {
        "code": "mil-agreement-marine-2",
        "partner": "해병대 제2사단",
        "title": "김포시 ↔ 해병대 제2사단 상생발전 협약",
        "status": "signed",
        "signed_period": "2024. 8.",
        "section": "IV.1.5",
        "line": 542,
    },
    {
        "code": "mil-agreement-infantry-17",
        "partner": "육군 제17사단",
        "title": "김포시 ↔ 육군제17사단 군·관 상생발전 업무협약",
        "status": "planned",
        "section": "IV.1.5",
        "line": 550,
    },
]

# The agenda items the plan names (lines 548–549); the partner units and next steps are 예시.
TASKS = [
    ("mil-task-river-fence", "한강 및 염하강 경계철책 철거", "해병대 제2사단", 548),
    ("mil-task-heungsin-depot", "양촌읍 흥신리 탄약고 이전", "해병대 제2사단", 548),
    ("mil-task-munsusan-forest", "문수산 국립숲체원 지정", "해병대 제2사단", 549),
    ("mil-task-aegibong-park", "애기봉평화생태공원 관광 활성화", "해병대 제2사단", 549),
]

"""예시 자료: records that reproduce the seed's 2024 counts where the seed gives only totals
(II.2 행 274–284). Every sample row is flagged ``sample`` and the pages label it 예시.

- 행 275–276: 조례규칙심의회 24회, 자치법규 제·개정 120건 = 제정 28 / 개정 90 / 폐지 2 = 조례 88 / 규칙 23 /
  훈령 8 / 예규 1. The split of each kind across the regulation kinds is not in the seed (예시): below.
- 행 277: the '만 나이' bulk revision — 12 of the 90 amendments here (예시).
- 행 282–284: 민사 77, 행정 114, 자문 386, 행정심판·청문 455 (split 401 / 54, 예시).
"""

from __future__ import annotations

from datetime import date, timedelta

SOURCE_LINES = {
    "revisions": 276,
    "meetings": 275,
    "bulk": 277,
    "lawsuits": 282,
    "advisory": 283,
    "appeals": 284,
}

# (regulation kind, revision kind) → count: rows sum to 88/23/8/1, columns to 28/90/2 (행 276).
REVISION_SPLIT = {
    ("ordinance", "enact"): 20,
    ("ordinance", "amend"): 67,
    ("ordinance", "repeal"): 1,
    ("rule", "enact"): 5,
    ("rule", "amend"): 17,
    ("rule", "repeal"): 1,
    ("directive", "enact"): 3,
    ("directive", "amend"): 5,
    ("established_rule", "amend"): 1,
}
MEETINGS_2024 = 24  # 행 275
AGE_BULK_COUNT = 12  # of the amendments (예시)

CASES_2024 = {  # 행 282–284
    "civil": 77,
    "administrative": 114,
    "advisory": 386,
    "appeal": 401,  # 행정심판 + 청문 = 455 (split 예시)
    "hearing": 54,
}

TOPICS = [
    "청년 기본",
    "노인복지 증진",
    "주차장 설치 및 관리",
    "도시공원 관리",
    "공공시설 사용료",
    "평생교육 진흥",
    "아동 돌봄 지원",
    "체육시설 운영",
    "재난 안전관리",
    "지역상권 활성화",
    "환경 보전",
    "문화예술 진흥",
    "자원봉사 활성화",
    "장애인 복지 증진",
    "주민자치회 운영",
]
KIND_SUFFIX = {
    "ordinance": "조례",
    "rule": "조례 시행규칙",
    "directive": "운영 훈령",
    "established_rule": "처리 예규",
}


def meeting_days(year: int = 2024, count: int = MEETINGS_2024) -> list[date]:
    """The 심의회's meeting days (예시): the second and fourth Thursday of each month."""
    days = []
    for month in range(1, 13):
        first = date(year, month, 1)
        thursday = first + timedelta(days=(3 - first.weekday()) % 7)
        days += [thursday + timedelta(days=7), thursday + timedelta(days=21)]
    return days[:count]


def base_articles(title: str, *, age_phrase: bool) -> list[dict[str, str]]:
    """A regulation's articles (예시): purpose, definitions, support, delegation."""
    support = (
        "시장은 만 65세 이상인 사람에게 예산의 범위에서 비용을 지원할 수 있다."
        if age_phrase
        else ("시장은 예산의 범위에서 필요한 비용의 전부 또는 일부를 지원할 수 있다.")
    )
    return [
        {
            "number": "제1조",
            "title": "목적",
            "text": f"이 조례는 김포시 {title}에 관하여 필요한 사항을 규정함을 목적으로 한다.",
        },
        {
            "number": "제2조",
            "title": "정의",
            "text": "이 조례에서 사용하는 용어의 뜻은 다음과 같다.\n"
            '1. "시민"이란 김포시에 주소를 둔 사람을 말한다.',
        },
        {"number": "제3조", "title": "지원", "text": support},
        {"number": "제4조", "title": "시행규칙", "text": "이 조례의 시행에 필요한 사항은 규칙으로 정한다."},
    ]


def revised_articles(articles: list[dict[str, str]], index: int) -> list[dict[str, str]]:
    """An amendment (예시): one article reworded and, every third time, an article added."""
    out = [dict(a) for a in articles]
    out[2]["text"] = out[2]["text"].replace("예산의 범위에서", "매년 예산의 범위에서")
    if index % 3 == 0:
        out.append(
            {"number": "제3조의2", "title": "협력", "text": "시장은 관계 기관과 협력체계를 구축할 수 있다."}
        )
    return out


def sample_revisions() -> list[dict]:
    """The 120 revisions of 2024 (예시), in a fixed order; ``meeting`` is the 심의회 day or None."""
    days = meeting_days()
    rows, n, deliberated = [], 0, 0
    age_left = AGE_BULK_COUNT
    for (reg_kind, rev_kind), count in REVISION_SPLIT.items():
        for i in range(count):
            n += 1
            topic = TOPICS[n % len(TOPICS)]
            title = f"김포시 {topic} {KIND_SUFFIX[reg_kind]}"
            age = rev_kind == "amend" and reg_kind == "ordinance" and age_left > 0
            if age:
                age_left -= 1
            meeting = None
            if reg_kind in {"ordinance", "rule"}:
                meeting = days[deliberated % len(days)]
                deliberated += 1
            rows.append(
                {
                    "n": n,
                    "regulation_kind": reg_kind,
                    "kind": rev_kind,
                    "title": f"{title} (예시 {n})",
                    "age_bulk": age,
                    "meeting": meeting,
                    "index": i,
                }
            )
    return rows


CONSULTATION_DAYS_2024 = 48  # 행 281: 무료법률 상담실 운영 48회
CONSULTATIONS_2024 = 247  # 행 281: 247건


def consultation_days_2024(is_holiday) -> list[tuple[date, int]]:
    """The 48 consultation days of 2024 (예시: the first 48 Tuesdays that are not public holidays) and the
    consultations each held, 247 in all (5 a day, 6 on the first seven days)."""
    days, day = [], date(2024, 1, 2)  # the first Tuesday of 2024
    while len(days) < CONSULTATION_DAYS_2024:
        if not is_holiday(day):
            days.append(day)
        day += timedelta(days=7)
    extra = CONSULTATIONS_2024 - 5 * CONSULTATION_DAYS_2024
    return [(d, 6 if i < extra else 5) for i, d in enumerate(days)]

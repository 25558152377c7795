"""Sample data (예시 자료) for what the seed only counts (II.3 line 298–335): informatization projects
whose 2024 reviews add up to the seed's 타당성심사 53, 과업심의 38, 사전협의 5, 보안성검토 36, 품질관리 398,
성과측정 8 and 개선계획 1; the 233 PCs replaced in 2024 (line 323) among older PCs that fall due later;
and the 592 public Wi-Fi sites, 30 of them built in 2024 (line 326). Every name says 예시; real
records replace them through the record pages, the API or an XLSX import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from .models import AssetKind, Phase, ReviewKind, ReviewResult

YEAR = 2024
#: The seed's 2024 counts (II.3 line 302) that the sample projects reproduce.
REVIEWS_2024 = {
    ReviewKind.FEASIBILITY: 53,
    ReviewKind.TASK_REVIEW: 38,
    ReviewKind.PRIOR_CONSULTATION: 5,
    ReviewKind.SECURITY_REVIEW: 36,
    ReviewKind.QUALITY: 398,
    ReviewKind.PERFORMANCE: 8,
    ReviewKind.IMPROVEMENT: 1,
}
PCS_REPLACED_2024 = 233
WIFI_TOTAL, WIFI_NEW_2024 = 592, 30
DISTRICTS = [
    "통진읍", "고촌읍", "양촌읍", "대곶면", "월곶면", "하성면", "김포본동",
    "장기본동", "사우동", "풍무동", "장기동", "구래동", "마산동", "운양동",
]  # fmt: skip


@dataclass
class SampleProject:
    code: str
    name: str
    year: int
    phase: str
    software: bool
    needs_prior_consultation: bool
    reviews: list[tuple[str, date, str, str]] = field(default_factory=list)  # kind, decided, result, findings


def _on(year: int, month: int, day: int = 15) -> date:
    return date(year, month, day)


def sample_projects() -> list[SampleProject]:
    """53 projects planned in 2024 and 8 older ones measured in 2024.

    Of the 53: 3 fail 타당성심사 and stay in 계획; 38 are software projects (과업심의), 5 of them also
    subject to 사전협의; 36 pass 보안성검토 and move to 구축, where 398 품질관리 checks run (11 each, 12 for
    the first two); the first 12 of those pass into 운영. The 8 older projects (2021) are in 성과: their
    2024 성과측정 passed for 7 and asked for improvement for one, whose 개선계획 followed."""
    projects: list[SampleProject] = []
    feasibility = REVIEWS_2024[ReviewKind.FEASIBILITY]
    for i in range(feasibility):
        n = i + 1
        failed = n > feasibility - 3
        software = not failed and n <= REVIEWS_2024[ReviewKind.TASK_REVIEW]
        p = SampleProject(
            code=f"sample-2024-{n:02d}",
            name=f"예시 정보화사업 {n:02d}",
            year=YEAR,
            phase=Phase.PLAN,
            software=software,
            needs_prior_consultation=software and n <= REVIEWS_2024[ReviewKind.PRIOR_CONSULTATION],
        )
        month = 1 + i % 6
        if failed:
            p.reviews.append(
                (ReviewKind.FEASIBILITY, _on(YEAR, month), ReviewResult.FAILED, "예시: 사업 필요성 부족")
            )
            projects.append(p)
            continue
        p.reviews.append((ReviewKind.FEASIBILITY, _on(YEAR, month), ReviewResult.PASSED, ""))
        if software:
            p.reviews.append((ReviewKind.TASK_REVIEW, _on(YEAR, month + 1), ReviewResult.PASSED, ""))
        if p.needs_prior_consultation:
            p.reviews.append(
                (ReviewKind.PRIOR_CONSULTATION, _on(YEAR, month + 1, 20), ReviewResult.PASSED, "")
            )
        # 36 of the 38 software projects pass the security review; the other two wait in 계획.
        if software and n <= REVIEWS_2024[ReviewKind.SECURITY_REVIEW]:
            p.reviews.append((ReviewKind.SECURITY_REVIEW, _on(YEAR, month + 2), ReviewResult.PASSED, ""))
            p.phase = Phase.BUILD
            checks = 12 if n <= 2 else 11
            for c in range(checks):
                p.reviews.append(
                    (
                        ReviewKind.QUALITY,
                        _on(YEAR, month + 3 + c // 6, 1 + (c % 6) * 4),
                        ReviewResult.PASSED,
                        "",
                    )
                )
            if n <= 12:
                p.phase = Phase.OPERATE
        projects.append(p)
    for i in range(REVIEWS_2024[ReviewKind.PERFORMANCE]):
        n = i + 1
        p = SampleProject(
            code=f"sample-2021-{n:02d}",
            name=f"예시 운영 정보시스템 {n:02d}",
            year=2021,
            phase=Phase.MEASURE,
            software=True,
            needs_prior_consultation=False,
        )
        p.reviews += [
            (ReviewKind.FEASIBILITY, _on(2021, 2), ReviewResult.PASSED, ""),
            (ReviewKind.TASK_REVIEW, _on(2021, 3), ReviewResult.PASSED, ""),
            (ReviewKind.SECURITY_REVIEW, _on(2021, 4), ReviewResult.PASSED, ""),
            (ReviewKind.QUALITY, _on(2021, 10), ReviewResult.PASSED, ""),
        ]
        if n == 1:
            p.reviews.append(
                (ReviewKind.PERFORMANCE, _on(YEAR, 9), ReviewResult.IMPROVE, "예시: 이용률 목표 미달")
            )
            p.reviews.append((ReviewKind.IMPROVEMENT, _on(YEAR, 11), ReviewResult.PASSED, ""))
        else:
            p.reviews.append((ReviewKind.PERFORMANCE, _on(YEAR, 9), ReviewResult.PASSED, ""))
        projects.append(p)
    return projects


#: PCs bought per year (the 2024 row is the seed's 233 replacements); older ones fall due later.
PC_PURCHASES = {2018: 160, 2019: 210, 2020: 190, 2021: 180, 2022: 200, 2023: 220, 2024: PCS_REPLACED_2024}


def sample_assets() -> list[dict]:
    rows = []
    for year, count in PC_PURCHASES.items():
        for n in range(1, count + 1):
            rows.append(
                {
                    "code": f"sample-pc-{year}-{n:03d}",
                    "kind": AssetKind.PC,
                    "name": f"예시 업무용 PC ({year}년 도입)",
                    "acquired_on": date(year, 3 + n % 9, 1 + n % 27),
                    "room": "",
                }
            )
    machine_room = [
        (AssetKind.SERVER, "예시 서버", 2017, 12),
        (AssetKind.STORAGE, "예시 스토리지", 2019, 3),
        (AssetKind.NETWORK, "예시 백본 스위치", 2016, 2),
        (AssetKind.SECURITY, "예시 정보보호시스템", 2020, 31),
        (AssetKind.UPS, "예시 UPS", 2018, 2),
        (AssetKind.COOLING, "예시 항온항습기", 2015, 2),
    ]
    for kind, name, year, count in machine_room:
        for n in range(1, count + 1):
            rows.append(
                {
                    "code": f"sample-{kind}-{n:02d}",
                    "kind": kind,
                    "name": f"{name} {n:02d}",
                    "acquired_on": date(year + n % 4, 6, 1),
                    "room": "전산실",
                }
            )
    return rows


def sample_wifi_sites() -> list[dict]:
    """592 sites: 562 built 2015–2023, 30 in 2024; spread over the 14 읍면동 in turn."""
    rows = []
    for i in range(WIFI_TOTAL):
        n = i + 1
        built_2024 = n > WIFI_TOTAL - WIFI_NEW_2024
        district = DISTRICTS[i % len(DISTRICTS)]
        rows.append(
            {
                "code": f"sample-wifi-{n:03d}",
                "name": f"예시 공공와이파이 {n:03d} ({district})",
                "district": district,
                "installed_year": YEAR if built_2024 else 2015 + i % 9,
            }
        )
    return rows


INSPECTIONS_2024 = 291  # seed II.3 line 334
#: 처리일 of the sample cases in turn: averages exactly 5.0 days over 291 cases (line 335).
INSPECTION_DAYS_CYCLE = (3, 4, 5, 6, 7)


def sample_inspections() -> list[dict]:
    """291 cases received on the working days of 2024 in turn, each decided (합격) after 3–7 working
    days, so that the average is the seed's 5.0."""
    from cityhall.core import deadlines

    working = [
        d for d in (date(YEAR, 1, 2) + timedelta(days=n) for n in range(330)) if deadlines.is_working_day(d)
    ]
    rows = []
    for i in range(INSPECTIONS_2024):
        received = working[i * len(working) // INSPECTIONS_2024]
        days = INSPECTION_DAYS_CYCLE[i % len(INSPECTION_DAYS_CYCLE)] if i < INSPECTIONS_2024 - 1 else 5
        decided = received
        while deadlines.working_days_between(received, decided) < days:
            decided += timedelta(days=1)
        rows.append(
            {
                "code": f"{YEAR}-{i + 1:04d}",
                "building": f"예시 건축물 {i + 1:03d}",
                "address": f"김포시 {DISTRICTS[i % len(DISTRICTS)]} (예시 주소)",
                "applicant": f"예시 정보통신공사업체 {i % 17 + 1:02d}",
                "received_on": received,
                "documents_checked_on": received,
                "inspected_on": decided,
                "decided_on": decided,
                "status": "passed",
                "certificate_number": f"사용전검사-{YEAR}-{i + 1:04d}",
            }
        )
    return rows


#: 디지털 역량강화교육 (seed II.3 line 308): 6 main venues, 3,824 graduates; 1 experience zone, 1,814 visits.
MAIN_VENUES, GRADUATES_2024, ZONE_VISITORS_2024 = 6, 3824, 1814
SESSION_SEATS = 25
COURSES = [
    ("sample-smartphone-basic", "예시 스마트폰 기초", "basic"),
    ("sample-kiosk", "예시 키오스크 이용", "basic"),
    ("sample-public-apps", "예시 공공 앱 활용", "intermediate"),
    ("sample-ai-life", "예시 생활 속 인공지능", "advanced"),
]
AGE_CYCLE = ("60s", "70_plus", "50s", "60s", "40s", "70_plus", "30s", "60s", "20s", "under_20")


def sample_education() -> dict[str, list[dict]]:
    """Venues, courses, the 2024 sessions at the main venues with their graduates (153 sessions: 152 of
    25 and one of 24 = 3,824), and the experience zone's visits on 1,814 / 240 working days."""
    venues = [
        {
            "code": f"sample-venue-{n}",
            "name": f"예시 주요 교육장 {n} ({DISTRICTS[n * 2]})",
            "kind": "main",
            "district": DISTRICTS[n * 2],
        }
        for n in range(1, MAIN_VENUES + 1)
    ]
    venues += [
        {"code": "sample-edu-bus", "name": "예시 에듀 버스", "kind": "edu_bus", "district": ""},
        {"code": "sample-zone", "name": "예시 디지털 체험존", "kind": "experience", "district": "사우동"},
        {"code": "sample-online", "name": "예시 온라인 교육", "kind": "online", "district": ""},
    ]
    courses = [{"code": c, "title": t, "level": lv} for c, t, lv in COURSES]
    sessions, enrolments = [], []
    full, rest = divmod(GRADUATES_2024, SESSION_SEATS)
    for i in range(full + (1 if rest else 0)):
        seats = SESSION_SEATS if i < full else rest
        start = date(YEAR, 3 + i % 9, 1 + (i * 3) % 20)
        code = f"sample-2024-session-{i + 1:03d}"
        sessions.append(
            {
                "code": code,
                "course": COURSES[i % len(COURSES)][0],
                "venue": f"sample-venue-{i % MAIN_VENUES + 1}",
                "starts_on": start,
                "ends_on": start + timedelta(days=7),
                "capacity": SESSION_SEATS,
            }
        )
        for k in range(seats):
            n = i * SESSION_SEATS + k
            enrolments.append(
                {
                    "session": code,
                    "name": f"예시 수강생 {n + 1:04d}",
                    "phone": f"010-0000-{n % 10000:04d}",
                    "age_group": AGE_CYCLE[n % len(AGE_CYCLE)],
                    "district": DISTRICTS[n % len(DISTRICTS)],
                }
            )
    from cityhall.core import deadlines

    days = [
        d for d in (date(YEAR, 1, 2) + timedelta(days=n) for n in range(364)) if deadlines.is_working_day(d)
    ][:240]
    base, extra = divmod(ZONE_VISITORS_2024, len(days))
    visits = [{"day": d, "visitors": base + (1 if i < extra else 0)} for i, d in enumerate(days)]
    return {
        "venues": venues,
        "courses": courses,
        "sessions": sessions,
        "enrolments": enrolments,
        "visits": visits,
    }

"""Every kind of page passes axe-core's WCAG 2.1 A/AA rules in Chromium with no serious or critical
violation, so a new module cannot bring one in unnoticed.

``PAGE_KINDS`` is the one list of page kinds (one entry per distinct page a person can land on, with
the state it is checked in); ``NOT_PAGES`` names every URL pattern that is not a page of its own, and
why. ``test_every_url_pattern_is_a_page_kind_or_says_why_not`` fails when a URL pattern is in neither,
so a new page is checked from the day its URL is added. axe-core comes from the pinned
``axe-playwright-python`` package (its bundled ``axe.min.js``); nothing loads from the network.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django_otp.plugins.otp_totp.models import TOTPDevice

from cityhall.bookings.selectors import slots as booking_slots
from cityhall.bookings.tests.test_pages import booking_sample
from cityhall.budget.models import Program
from cityhall.bus import predictions as bus_predictions
from cityhall.bus import services as bus_services
from cityhall.bus.models import Stop as BusStop
from cityhall.core.audit import Actor
from cityhall.documents.tests.test_pages import certificate_sample
from cityhall.finance.models import BudgetProgram, EntrustedEvaluation
from cityhall.finance.services import finance_load_sample
from cityhall.gis.services import gis_load_sample
from cityhall.it.services import it_load_sample
from cityhall.jobs import runs
from cityhall.legal.consultations.services import RESOURCE_KEY, consultation_book, consultation_month_open
from cityhall.legal.models import Bill, CouncilSession, DataRequest
from cityhall.legal.services import legal_load_sample
from cityhall.maintenance.services import AssetRef
from cityhall.maintenance.services import order_open as maintenance_order_open
from cityhall.military import services as military
from cityhall.notifications.tests.test_pages import notification_sample
from cityhall.organisation import tasks as organisation_tasks
from cityhall.organisation.models import OrgUnit, Role
from cityhall.organisation.services import workload_load_sample
from cityhall.participation import services as participation_services
from cityhall.participation.models import Process as ParticipationProcess
from cityhall.participation.services import participation_load_sample
from cityhall.performance.services import performance_load_sample
from cityhall.pledges import services as pledges
from cityhall.reform import services as reform
from cityhall.streetlights.registry.services import registry_build_from_seed
from cityhall.streetlights.repairs.services import repair_order_open
from cityhall.streetlights.tests.test_live_pages import put_state
from cityhall.traffic import services as traffic_services

from .browser import (  # noqa: F401 - the fixtures register by being imported
    PASSWORD,
    browser_fixture,
    close_context,
    log_in,
    page_fixture,
    requests_elsewhere,
    requires_chromium,
    site_fixture,
    sync_api,
)

axe_playwright = pytest.importorskip(
    "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
)

expect = sync_api.expect

# WCAG 2.0 and 2.1, levels A and AA; a violation of these rules with one of these impacts fails.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}
YEAR = 2025
DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def bad_budget(page) -> None:
    page.get_by_label("사업비", exact=True).fill("많이")
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_role("alert")).to_have_text("입력을 확인해 주세요. 아래에 잘못된 항목을 표시했습니다.")


def wrong_password(page) -> None:
    page.get_by_label("아이디").fill("the-director")
    page.get_by_label("비밀번호").fill("not-the-password")
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("alert")).to_have_text(
        "아이디 또는 비밀번호가 맞지 않습니다. 다시 입력해 주세요."
    )


def book_consultation(page) -> None:
    page.get_by_label("성명", exact=True).fill("김시민")
    page.get_by_label("휴대전화").fill("010-2345-6789")
    page.get_by_label("상담대상 구분").select_option("resident")
    page.get_by_label("상담 분야").select_option("civil")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="신청하기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("상담이 예약되었습니다")


def bad_consultation(page) -> None:
    page.get_by_label("성명", exact=True).fill("김시민")
    page.get_by_label("휴대전화").fill("123")
    page.get_by_label("상담대상 구분").select_option("resident")
    page.get_by_label("상담 분야").select_option("civil")
    page.get_by_role("button", name="신청하기").click()
    expect(page.get_by_role("alert")).to_contain_text("입력을 확인해 주세요.")


def bad_noise_application(page) -> None:
    page.get_by_label("성명").fill("신청인")
    page.get_by_label("주민등록번호").fill("800101-1234567")
    page.get_by_label("주소").fill("월곶면 군하리")
    page.get_by_label("구역(1·2·3)").fill("4")
    page.get_by_label("계좌번호").fill("12-34")
    page.get_by_label("전입일").fill("2025-02-20")
    page.get_by_label("신청일").fill("2025-02-10")
    page.get_by_role("button", name="접수").click()
    expect(page.get_by_role("alert")).to_have_text("입력을 확인해 주세요. 아래에 잘못된 항목을 표시했습니다.")


def noise_compute(page) -> None:
    page.get_by_label("전입일").fill("2015-01-07")
    page.get_by_role("button", name="계산").click()
    expect(page.locator("#result-amount")).to_be_visible()


def bad_ledger(page) -> None:
    """The ledger import refused: a line spends more than its budget."""
    header = "과목코드,회계,분야,부문,정책사업,단위사업,세부사업,부서,재원,성질,예산현액,집행액\n"
    row = "X-1,일반회계,일반공공행정,일반행정,정책,단위,세부,예산법무과,시비,소비,100,200\n"
    form = page.locator("form", has=page.locator("#id_file"))
    form.locator("#id_file").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": (header + row).encode()}
    )
    form.get_by_role("button", name="가져오기").click()
    page.wait_for_load_state()


def bad_import(page) -> None:
    page.get_by_label("레이어 코드", exact=True).fill("bad-layer")
    page.get_by_label("파일", exact=True).set_input_files(
        {
            "name": "bad.geojson",
            "mimeType": "application/geo+json",
            "buffer": b'{"type": "FeatureCollection"}',
        }
    )
    page.get_by_role("button", name="가져오기").click()
    expect(page.get_by_role("alert")).to_contain_text("가져오지 못했습니다")


def log_out(page) -> None:
    page.get_by_role("button", name="로그아웃").click()


def wait_for_operations(page) -> None:
    """Swagger UI draws its operations after the page loads. They are checked closed: an opened
    operation with a choice parameter shows Swagger UI's own unlabelled select (not fixed yet)."""
    expect(page.locator(".opblock-summary-control").first).to_be_visible(timeout=60_000)


def open_operation(page) -> None:
    """Swagger UI draws its operations after the page loads; one is opened, as a reader would."""
    operation = page.locator(".opblock-summary-control").first
    expect(operation).to_be_visible(timeout=60_000)  # the whole schema is drawn first
    operation.click(no_wait_after=True, timeout=60_000)  # Swagger UI may still be busy drawing
    expect(operation).to_have_attribute("aria-expanded", "true")


# The scenario's video-information request: the first of the (Seoul) year.
CCTV_VIDEO_NUMBER = f"VR-{datetime.now(ZoneInfo('Asia/Seoul')).year}-00001"


@dataclass(frozen=True)
class PageKind:
    """One kind of page: the URL pattern it answers (``namespace:name``), the path visited (``{…}``
    filled from the scenario's records), its exact first heading, who looks at it, what they do there
    first (``then``), the status it answers and whether the project writes its markup (``ours``)."""

    name: str
    url_name: str
    path: str
    heading: str
    who: str = "director"  # "director", "viewer", "anonymous" or "admin" (a superuser, for the admin)
    then: Callable | None = field(default=None, repr=False)
    status: int = 200
    ours: bool = True


PAGE_KINDS = [
    PageKind("dashboard", "dashboard:home", "/", "기획조정실 업무 플랫폼"),
    PageKind("search", "dashboard:search", "/search/?q=가로등", "검색"),
    PageKind("organisation", "organisation:index", "/organisation/", "기획조정실"),
    PageKind("department", "organisation:department", "/departments/smart-city/", "스마트도시과"),
    PageKind("team", "organisation:team", "/teams/traffic-info/", "교통정보팀"),
    PageKind("diagnosis", "organisation:diagnosis", "/organisation/diagnosis/", "조직진단"),
    PageKind("public", "organisation:public", "/public/", "기획조정실 안내", who="anonymous"),
    PageKind("task list", "plans:task_list", "/tasks/", "업무계획 과제"),
    PageKind("task", "plans:task", "/tasks/smart-city-2/", "2. 시민 안전 긴급차량 우선신호시스템 운영"),
    PageKind("calendar", "plans:calendar", "/calendar/", "2025년 추진일정"),
    PageKind("pledge list", "pledges:list", "/pledges/", "민선8기 공약 관리"),
    PageKind("pledge", "pledges:pledge", "/pledges/sample-04/", "4. 예시 공약 04 (시 선도사업 예시)"),
    PageKind("pledge import", "pledges:import", "/pledges/import/", "공약 목록 가져오기(XLSX)"),
    PageKind("check-in rounds", "pledges:rounds", "/pledges/rounds/", "공약 분기 점검"),
    PageKind("check-in round", "pledges:round", "/pledges/rounds/{round}/", "2025년 2분기 공약 점검"),
    PageKind(
        "department check-ins",
        "pledges:department",
        "/pledges/rounds/{round}/departments/smart-city/",
        "스마트도시과 공약 추진현황 제출",
    ),
    PageKind(
        "check-in review", "pledges:review", "/pledges/rounds/{round}/review/", "2025년 2분기 공약 점검 검토"
    ),
    PageKind(
        "public pledges", "pledges:public", "/public/pledges/", "민선8기 공약 이행 현황", who="anonymous"
    ),
    PageKind("participation", "participation:index", "/participation/", "주민참여", who="anonymous"),
    PageKind(
        "participation process",
        "participation:process",
        "/participation/pb-2024/",
        "2024년 주민참여예산 (2025년 예산 반영, 예시)",
        who="anonymous",
    ),
    PageKind(
        "participation proposals",
        "participation:proposals",
        "/participation/pb-2024/proposals/?status=selected",
        "제안 사업: 2024년 주민참여예산 (2025년 예산 반영, 예시)",
        who="anonymous",
    ),
    PageKind(
        "participation proposal",
        "participation:proposal",
        "/participation/pb-2024/proposals/1/",
        "1. [예시] 장기본동 마을 쉼터 그늘막",
        who="anonymous",
    ),
    PageKind(
        "participation results",
        "participation:results",
        "/participation/pb-2024/results/",
        "결과: 2024년 주민참여예산 (2025년 예산 반영, 예시)",
        who="anonymous",
    ),
    PageKind(
        "participation statistics",
        "participation:statistics",
        "/participation/pb-2024/statistics/",
        "참여 통계: 2024년 주민참여예산 (2025년 예산 반영, 예시)",
        who="anonymous",
    ),
    PageKind(
        "participation signup",
        "participation:signup",
        "/participation/signup/",
        "계정 만들기",
        who="anonymous",
    ),
    PageKind(
        "participation vote",
        "participation:vote",
        "/participation/pb-2025/vote/",
        "투표: 2025년 주민참여예산 (2026년 예산 편성, 예시)",
    ),
    PageKind(
        "participation new proposal",
        "participation:proposal_new",
        "/participation/pb-2025/proposals/new/",
        "제안하기: 2025년 주민참여예산 (2026년 예산 편성, 예시)",
    ),
    PageKind(
        "participation review",
        "participation:review",
        "/participation/pb-2025/review/",
        "검토 대기열: 2025년 주민참여예산 (2026년 예산 편성, 예시)",
    ),
    PageKind(
        "participation conflicts",
        "participation:conflicts",
        "/participation/conflicts/",
        "관리자 확인 대기열",
    ),
    PageKind(
        "participation scoring",
        "participation:scoring",
        "/participation/pb-2025/scoring/",
        "채점표: 2025년 주민참여예산 (2026년 예산 편성, 예시)",
    ),
    PageKind(
        "participation paper",
        "participation:paper",
        "/participation/pb-2025/paper/",
        "종이 투표지 입력: 2025년 주민참여예산 (2026년 예산 편성, 예시)",
    ),
    PageKind(
        "participation grading",
        "participation:grading",
        "/participation/sg-2024/grading/",
        "창안등급 심사: 2024년 제안제도 (예시)",
    ),
    PageKind(
        "participation in-person check",
        "participation:verify_in_person",
        "/participation/verify-in-person/",
        "방문 확인 (직원)",
    ),
    PageKind("performance", "performance:overview", f"/performance/?year={YEAR}", "2025년 성과관리"),
    PageKind(
        "indicator",
        "performance:indicator",
        "/performance/indicators/s24-bl-execution/",
        "[예시] 지방재정 신속집행률 예시 자료",
    ),
    PageKind(
        "incentives", "performance:incentives", f"/performance/incentives/{YEAR}/", "2025년 성과급 배분"
    ),
    PageKind("finance execution", "finance:execution", "/finance/?year=2024", "2024년 예산 집행"),
    PageKind(
        "finance program",
        "finance:program",
        "/finance/execution/2024/programs/{finance_program}/",
        "예시 세부사업 001 예시",
    ),
    PageKind(
        "finance import",
        "finance:execution_import",
        "/finance/execution/import/",
        "집행 자료 가져오기 (원장 집행현황 XLSX·CSV)",
    ),
    PageKind(
        "finance import with errors",
        "finance:execution_import",
        "/finance/execution/import/",
        "집행 자료 가져오기 (원장 집행현황 XLSX·CSV)",
        then=bad_ledger,
    ),
    PageKind(
        "priorities", "finance:priorities", "/finance/priorities/", "정책가계부 (대규모 투자사업 우선순위)"
    ),
    PageKind(
        "priorities what-if",
        "finance:priorities",
        "/finance/priorities/?w1=60&w2=10",
        "정책가계부 (대규모 투자사업 우선순위)",
    ),
    PageKind("grants", "finance:grants", "/finance/grants/?year=2024", "2024년 이전재원·공모사업"),
    PageKind(
        "budget proposal",
        "finance:budget_proposal",
        "/finance/budget-proposal/?year=2025",
        "2025년 예산안 반영 사업",
    ),
    PageKind("evaluations", "finance:evaluations", "/finance/evaluations/?year=2024", "2024년 재정사업 평가"),
    PageKind("rewards", "finance:rewards", "/finance/rewards/?year=2023", "예산성과금 (2023회계연도)"),
    PageKind("fiscal analysis", "finance:analysis", "/finance/analysis/", "재정분석과 지방공공기관"),
    PageKind("streetlights live", "streetlights:live", "/streetlights/", "스마트가로등 실시간 현황"),
    PageKind("streetlight site", "streetlights:site", "/streetlights/sites/HAGUN41/", "학운 4-1"),
    PageKind(
        "streetlight", "streetlights:light", "/streetlights/lights/SL-HAGUN41-001/", "가로등 SL-HAGUN41-001"
    ),
    PageKind("cctv wall", "cctv:wall", "/cctv/", "CCTV 선별관제"),
    PageKind("cctv registry", "cctv:registry", "/cctv/registry/", "CCTV 카메라 대장"),
    PageKind("cctv event", "cctv:event", "/cctv/events/{cctv_event}/", "CAM-AX 침입"),
    PageKind("cctv videos", "cctv:video_requests", "/cctv/video-requests/", "영상정보 열람·제공 요청"),
    PageKind("cctv video", "cctv:video_request", "/cctv/video-requests/{cctv_video}/", CCTV_VIDEO_NUMBER),
    PageKind("cctv sites", "cctv:site_ranking", "/cctv/sites/ranking/", "CCTV 신규 설치 후보지 순위"),
    PageKind("repair orders", "streetlights:repairs", "/streetlights/repairs/", "보수 요청"),
    PageKind("traffic twin", "traffic:overview", "/traffic/", "교통 디지털트윈 모의"),
    PageKind("emergency runs", "traffic:runs", "/traffic/runs/", "긴급차량 우선신호 모의"),
    PageKind("emergency run", "traffic:run", "/traffic/runs/{ev_run}/", "김포119-구급1 · 심정지 (모의) 모의"),
    PageKind("signal plan", "traffic:plan", "/traffic/plans/C2/", "신호 운영계획 · 모의 교차로 C2 모의"),
    PageKind("preemption benchmark", "traffic:benchmark", "/traffic/benchmark/", "우선신호 성능 비교 모의"),
    PageKind("vms board", "traffic:vms", "/traffic/vms/", "도로전광표지(VMS) 예시"),
    PageKind("traffic detectors", "traffic:detectors", "/traffic/detectors/", "교통 검지기 (VDS·DSRC) 모의"),
    PageKind("vms sign", "traffic:vms_sign", "/traffic/vms/VMS-01/", "VMS-01 예시 A0→A1 접근로"),
    PageKind("vms messages", "traffic:vms_messages", "/traffic/vms/messages/", "도로전광표지 문안 예시"),
    PageKind("repair order", "streetlights:repair", "/streetlights/repairs/{repair}/", "{repair} 램프 고장"),
    PageKind("new repair order", "streetlights:repair_new", "/streetlights/repairs/new/", "보수 요청 접수"),
    PageKind(
        "energy report",
        "streetlights:energy",
        "/streetlights/energy/?year=2024",
        "2024년 스마트가로등 전력 절감 보고",
    ),
    PageKind("IT overview", "it:overview", "/it/?year=2024", "정보통신과 업무 현황"),
    PageKind("IT project", "it:project", "/it/projects/sample-2024-37/", "예시 정보화사업 37"),
    PageKind("inspections", "it:inspections", "/it/inspections/", "정보통신공사 사용전검사"),
    PageKind("digital education", "it:education", "/it/education/?year=2024", "디지털 역량강화교육"),
    PageKind(
        "education session",
        "it:session",
        "/it/education/sessions/sample-2024-session-001/",
        "예시 스마트폰 기초 · 예시 주요 교육장 1 (양촌읍)",
    ),
    PageKind("public classes", "it:classes", "/public/classes/", "디지털 역량강화교육 신청", who="anonymous"),
    PageKind("media destructions", "it:destructions", "/it/destruction/", "저장매체 파기"),
    PageKind("IT security", "it:security", "/it/security/", "정보보호 운영"),
    PageKind(
        "media destruction application",
        "it:destruction_apply",
        "/public/media-destruction/",
        "저장매체 파기 신청",
        who="anonymous",
    ),
    PageKind(
        "inspection", "it:inspection", "/it/inspections/2024-0001/", "사용전검사 2024-0001 · 예시 건축물 001"
    ),
    PageKind("legal overview", "legal:overview", "/legal/?year=2024", "의회·법무"),
    PageKind("regulations", "legal:regulations", "/legal/regulations/?q=65세", "자치법규"),
    PageKind(
        "regulation",
        "legal:regulation",
        "/legal/regulations/sample-reg-021/",
        "김포시 아동 돌봄 지원 조례 (예시 21)",
    ),
    PageKind("revisions", "legal:revisions", "/legal/revisions/?year=2024", "자치법규 제·개정"),
    PageKind(
        "revision",
        "legal:revision",
        "/legal/revisions/sample-2024-021/",
        "김포시 아동 돌봄 지원 조례 (예시 21) 개정",
    ),
    PageKind("bulk revision", "legal:bulk", "/legal/bulk/sample-2024-age/", "'만 나이' 규정 일괄개정 (예시)"),
    PageKind("council requests", "legal:requests", "/legal/requests/", "의회 요구자료"),
    PageKind("council request", "legal:request", "/legal/requests/{request}/", "최근 3년간 위원회 운영 현황"),
    PageKind("legal cases", "legal:cases", "/legal/cases/?year=2024", "법무 사건"),
    PageKind("legal case", "legal:case", "/legal/cases/sample-open-1/", "손해배상(기) 청구 (예시)"),
    PageKind("military", "military:overview", "/military/", "군관협력·군소음 보상"),
    PageKind("noise years", "military:years", "/military/noise/", "군소음 피해 보상"),
    PageKind("noise year", "military:year", "/military/noise/2025/", "2025년 군소음 피해 보상"),
    PageKind(
        "noise application form", "military:apply", "/military/noise/2025/apply/", "보상금 지급 신청 접수"
    ),
    PageKind(
        "noise application form with errors",
        "military:apply",
        "/military/noise/2025/apply/",
        "보상금 지급 신청 접수",
        then=bad_noise_application,
        status=200,
    ),
    PageKind(
        "noise application", "military:application", "/military/noise/2025/applications/1/", "신청 2025-0001"
    ),
    PageKind(
        "noise calculator",
        "military:compute",
        "/military/noise/compute/",
        "보상금 계산기",
        then=noise_compute,
    ),
    PageKind("support projects", "military:support", "/military/support/", "군소음·군부대 주변지역 지원사업"),
    PageKind(
        "military cooperation", "military:cooperation", "/military/cooperation/", "군·관 상생발전 협의체"
    ),
    PageKind("reform", "reform:dashboard", "/reform/?year=2025", "2025년 규제혁신·적극행정"),
    PageKind("spatial information", "gis:index", "/gis/", "공간정보"),
    PageKind("spatial layer", "gis:layer", "/gis/layers/road-facilities/", "도로 시설물 (예시)"),
    PageKind("layer import", "gis:import", "/gis/import/", "레이어 가져오기"),
    PageKind("layer import with errors", "gis:import", "/gis/import/", "레이어 가져오기", then=bad_import),
    PageKind("spatial projects", "gis:projects", "/gis/projects/", "2025년 공간정보 추진사업"),
    PageKind("spatial project", "gis:project", "/gis/projects/road-facility-db-2025/", "도로 시설물 DB 구축"),
    PageKind("booking resources", "bookings:resources", "/bookings/", "예약 현황"),
    PageKind(
        "consultation days",
        "legal_public:days",
        "/public/legal-consultation/",
        "무료법률상담 예약",
        who="anonymous",
    ),
    PageKind(
        "consultation form",
        "legal_public:book",
        "/public/legal-consultation/book/{slot}/",
        "무료법률상담 신청",
        who="anonymous",
    ),
    PageKind(
        "consultation form with errors",
        "legal_public:book",
        "/public/legal-consultation/book/{slot}/",
        "무료법률상담 신청",
        who="anonymous",
        then=bad_consultation,
        status=200,
    ),
    PageKind(
        "consultation booked",
        "legal_public:done",
        "/public/legal-consultation/book/{slot}/",
        "상담이 예약되었습니다",
        who="anonymous",
        then=book_consultation,
    ),
    PageKind(
        "consultation cancel",
        "legal_public:cancel",
        "/public/legal-consultation/cancel/",
        "상담 신청 취소",
        who="anonymous",
    ),
    PageKind("consultations", "legal:consultations", "/legal/consultations/", "무료법률상담 관리"),
    PageKind(
        "consultation",
        "legal:consultation",
        "/legal/consultations/{consultation}/",
        "상담 신청 {consultation}",
    ),
    PageKind("notification outbox", "notifications:outbox", "/notifications/outbox/", "알림 발송함"),
    PageKind(
        "notification preferences",
        "notifications:preferences",
        "/notifications/preferences/",
        "알림 수신 설정",
    ),
    PageKind("verify", "documents:verify", "/verify/", "증명서 진위 확인", who="anonymous"),
    PageKind(
        "verify with errors",
        "documents:verify",
        "/verify/?code=1234",
        "증명서 진위 확인",
        who="anonymous",
        status=400,
    ),
    PageKind(
        "verified certificate",
        "documents:verify_result",
        "/verify/{certificate}/",
        "증명서 진위 확인",
        who="anonymous",
    ),
    PageKind(
        "invalid certificate",
        "documents:verify_result",
        "/verify/ABCD-EFGH-JKMN-PQRS/",
        "증명서 진위 확인",
        who="anonymous",
        status=404,
    ),
    PageKind("record types", "core:records", "/records/", "전체 기록"),
    PageKind("record list", "core:record_list", "/records/programs/", "사업"),
    PageKind("record", "core:record_detail", "/records/programs/{program}/", "스마트가로등 운영"),
    PageKind("new record", "core:record_new", "/records/programs/new/", "새 기록: 사업"),
    PageKind(
        "record edit", "core:record_edit", "/records/programs/{program}/edit/", "수정: 스마트가로등 운영"
    ),
    PageKind(
        "record edit with errors",
        "core:record_edit",
        "/records/programs/{program}/edit/",
        "수정: 스마트가로등 운영",
        then=bad_budget,
    ),
    PageKind(
        "record history",
        "core:record_history",
        "/records/programs/{program}/history/",
        "변경 이력: 스마트가로등 운영",
    ),
    PageKind("not found", "plans:task", "/tasks/no-such-task/", "찾을 수 없습니다", status=404),
    PageKind(
        "forbidden",
        "core:record_edit",
        "/records/programs/{program}/edit/",
        "권한이 없습니다",
        who="viewer",
        status=403,
    ),
    PageKind("login", "login", "/accounts/login/", "로그인", who="anonymous"),
    PageKind(
        "login with errors", "login", "/accounts/login/", "로그인", who="anonymous", then=wrong_password
    ),
    PageKind("logged out", "logout", "/", "로그아웃했습니다", then=log_out),
    PageKind(
        "API docs",
        "api:openapi-view",
        "/api/v1/docs",
        "cityhall API 1 OAS 3.1",
        ours=False,
        then=open_operation,
    ),
    PageKind("bus overview", "bus:overview", "/bus/", "버스정보시스템 (BIS)"),
    PageKind("bus routes", "bus:routes", "/bus/routes/", "버스 노선도 모의"),
    PageKind("bus BITs", "bus:bits", "/bus/bits/", "버스정보안내단말기 (BIT) 모의"),
    PageKind("bus notices", "bus:notices", "/bus/notices/", "BIT 시정홍보"),
    PageKind("bus BIT siting", "bus:siting", "/bus/siting/", "BIT 설치지 선정 모의"),
    PageKind("bus accuracy", "bus:accuracy", "/bus/accuracy/", "도착 예측 정확도 모의"),
    PageKind("maintenance queue", "maintenance:queue", "/maintenance/", "유지보수 요청"),
    PageKind(
        "maintenance order", "maintenance:order", "/maintenance/{maintenance}/", "{maintenance_heading}"
    ),
    PageKind("bus stop", "bus:stop", "/bus/stops/{bus_stop}/", "{bus_stop_heading}", who="anonymous"),
    PageKind(
        "two-factor setup",
        "core:two_factor_setup",
        "/accounts/two-factor/setup/",
        "2단계 인증 등록",
        who="viewer",
    ),
    PageKind("two-factor code", "core:two_factor_verify", "/accounts/two-factor/verify/", "2단계 인증"),
    PageKind(
        "two-factor backup codes",
        "core:two_factor_backup_codes",
        "/accounts/two-factor/backup-codes/",
        "백업 코드",
        who="viewer",
    ),
    PageKind(
        "public institutions",
        "finance:institutions",
        "/finance/institutions/",
        "지방공공기관: 경영공시 일정과 위수탁 평가",
    ),
    PageKind(
        "entrusted scoring",
        "finance:entrusted_score",
        "/finance/institutions/entrusted/{entrusted}/score/",
        "위수탁 평가 채점: {entrusted_task} (2024)",
    ),
    PageKind(
        "peer import",
        "finance:peer_import",
        "/finance/analysis/import/",
        "비교 자치단체 자료 가져오기 (재정분석, XLSX·CSV)",
    ),
    PageKind("council calendar", "legal:council", "/legal/council/", "의회 회기 일정"),
    PageKind(
        "council session",
        "legal:council_session",
        "/legal/council/sample-session-1/",
        "{council_session} 예시",
    ),
    PageKind("bill", "legal:bill", "/legal/bills/sample-bill-1/", "{bill} 예시"),
    PageKind(
        "participation proposal edit",
        "participation:proposal_edit",
        "/participation/pb-2025/proposals/{own_proposal}/edit/",
        "제안 고치기: {own_proposal}. {own_proposal_title}",
        status=422,  # pb-2025 is past its accepting phase: the form answers that it can no longer change
    ),
    PageKind("failed tasks", "jobs:failed", "/jobs/failed/", "실패한 작업"),
    PageKind("job run", "jobs:run", "/jobs/runs/{job_run}/", "기획조정실 일반현황 보고서 (XLSX)"),
    PageKind("admin", "admin:index", "/admin/", "사이트 관리", who="admin", ours=False),
    PageKind(
        "admin list",
        "admin:budget_program_changelist",
        "/admin/budget/program/",
        "변경할 사업 선택",
        who="admin",
        ours=False,
    ),
    PageKind(
        "admin change",
        "admin:budget_program_change",
        "/admin/budget/program/{program}/change/",
        "사업 변경",
        who="admin",
        ours=False,
    ),
]

# URL patterns that are not a page of their own, and why.
DOWNLOAD = "a file download, not a page"
ACTION = "a form's POST target: it redirects to, or re-renders, a page checked above"
FRAGMENT = "an htmx fragment, checked inside its page (the pages wait for their fragments)"
LIVE_FEED = "a live map overlay's JSON feed (cityhall.gis.live), drawn on its page's map"
NOT_PAGES = {
    "dashboard:plan_check": FRAGMENT,
    "organisation:diagnosis_xlsx": DOWNLOAD,
    "organisation:summary_xlsx": DOWNLOAD,
    "organisation:summary_hwpx": DOWNLOAD,
    "plans:milestone_done": ACTION,
    "cctv:wall_panel": FRAGMENT,
    "gis:tile": "a vector tile (binary)",
    "cctv:event_acknowledge": ACTION,
    "cctv:event_dismiss": ACTION,
    "cctv:event_escalate": ACTION,
    "cctv:video_request_decide": ACTION,
    "cctv:video_request_hand_over": ACTION,
    "plans:calendar_feed": "an iCalendar feed",
    "plans:department_plan_xlsx": DOWNLOAD,
    "plans:department_plan_hwpx": DOWNLOAD,
    "pledges:submit": ACTION,
    "pledges:checkin_review": ACTION,
    "pledges:close": ACTION,
    "pledges:report_xlsx": DOWNLOAD,
    "pledges:report_hwpx": DOWNLOAD,
    "participation:verify": ACTION,
    "participation:proposals_map": LIVE_FEED,
    "participation:review_submit": ACTION,
    "participation:scoring_submit": ACTION,
    "participation:conflict_resolve": ACTION,
    "participation:export_pb": DOWNLOAD,
    "participation:results_hwpx": DOWNLOAD,
    "participation:attachment": DOWNLOAD,
    "participation:tally_xlsx": DOWNLOAD,
    "performance:actual_record": ACTION,
    "performance:grade_set": ACTION,
    "performance:cycle_advance": ACTION,
    "performance:incentives_allocate": ACTION,
    "performance:incentives_xlsx": DOWNLOAD,
    "finance:execution_close": ACTION,
    "finance:execution_xlsx": DOWNLOAD,
    "finance:execution_hwpx": DOWNLOAD,
    "finance:priorities_xlsx": DOWNLOAD,
    "finance:evaluations_xlsx": DOWNLOAD,
    "finance:claim_review": ACTION,
    "finance:claim_pay": ACTION,
    "streetlights:live_panel": FRAGMENT,
    "streetlights:live_map": LIVE_FEED,
    "streetlights:site_panel": FRAGMENT,
    "streetlights:site_commands_panel": FRAGMENT,
    "streetlights:site_command": ACTION,
    "streetlights:site_schedule": ACTION,
    "streetlights:repair_export": DOWNLOAD,
    "streetlights:repair_assign": ACTION,
    "streetlights:repair_close": ACTION,
    "streetlights:repair_reopen": ACTION,
    "streetlights:energy_xlsx": DOWNLOAD,
    "legal:statistics_xlsx": DOWNLOAD,
    "legal:bulk_new": ACTION,
    "legal:comparison_xlsx": DOWNLOAD,
    "legal:comparison_hwpx": DOWNLOAD,
    "legal:attachment": DOWNLOAD,
    "legal:cases_xlsx": DOWNLOAD,
    "legal:consultations_purge": ACTION,
    "military:year_step": ACTION,
    "military:decisions_xlsx": DOWNLOAD,
    "military:decisions_hwpx": DOWNLOAD,
    "military:payments_csv": DOWNLOAD,
    "military:reveal": ACTION,
    "military:objection_file": ACTION,
    "military:objection_decide": ACTION,
    "military:meeting_record": ACTION,
    "military:task_follow_up": ACTION,
    "gis:progress_add": ACTION,
    "core:record_delete": ACTION,
    "it:advance": ACTION,
    "it:review_request": ACTION,
    "it:review_decide": ACTION,
    "it:inspection_step": ACTION,
    "it:inspection_reinspect": ACTION,
    "it:enrolment_action": ACTION,
    "it:destruction_action": ACTION,
    "it:finding_action": ACTION,
    "it:destruction_pdf": DOWNLOAD,
    "it:report_xlsx": DOWNLOAD,
    "it:report_hwpx": DOWNLOAD,
    "it:destruction_certificate": DOWNLOAD,
    "it:destruction": "a staff page shown by the destruction browser test (the scenario has no application)",
    "it:enrol": "POST only: its answer page is checked by the enrolment browser test",
    "bus:live_panel": FRAGMENT,
    "bus:live_map": LIVE_FEED,
    "traffic:live_map": LIVE_FEED,
    "bus:stop_panel": FRAGMENT,
    "bus:stop_qr": "an SVG image (the stop page's QR code), not a page",
    "bus:gtfs": DOWNLOAD,
    "bus:gtfs_rt": "a GTFS-Realtime feed (protobuf) for other systems",
    "bus:network_setup": ACTION,
    "finance:disclosure_record": ACTION,
    "participation:progress_report": ACTION,
    "participation:proposal_withdraw": ACTION,
    "jobs:resolve": ACTION,
    "jobs:run_download": DOWNLOAD,
    "organisation:summary_generate": ACTION,
    "healthz": "a probe's answer (JSON), for the service manager",
    "readyz": "a probe's answer (JSON), for the load balancer",
    "metrics": "Prometheus text for the metrics scraper",
    "set_language": ACTION,
    "password_change": "Django's admin page, not linked from the application",
    "password_change_done": "Django's admin page, not linked from the application",
    "password_reset": "Django's admin page, not linked from the application (no mail is configured)",
    "password_reset_done": "Django's admin page, not linked from the application",
    "password_reset_confirm": "Django's admin page, not linked from the application",
    "password_reset_complete": "Django's admin page, not linked from the application",
}
# Whole namespaces: the API and OGC API – Features answer JSON (the API's one HTML page, the docs, is a
# page kind above), and the
# admin's pages are Django's, the same for every model (three of them are page kinds above).
NOT_PAGE_NAMESPACES = {"api", "admin", "ogc"}  # ogc: OGC API – Features, JSON for other systems


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL pattern of the site, as ``namespace:name``."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_pattern_is_a_page_kind_or_says_why_not():
    kinds = {kind.url_name for kind in PAGE_KINDS}
    unlisted = {
        name
        for name in url_names()
        if name.split(":")[0] not in NOT_PAGE_NAMESPACES and name not in kinds and name not in NOT_PAGES
    }
    assert unlisted == set(), "add these to PAGE_KINDS (or to NOT_PAGES, saying why they are no page)"
    assert kinds & set(NOT_PAGES) == set()
    assert set(NOT_PAGES) - url_names() == set(), "NOT_PAGES names patterns that no longer exist"


def cctv_scenario_event() -> str:
    """One camera and one waiting analytics event on the operators' wall."""
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    from cityhall.cctv import services as cctv
    from cityhall.cctv import triage
    from cityhall.cctv.models import Camera, CameraSite
    from cityhall.organisation.models import OrgUnit

    site = CameraSite.objects.create(
        code="CS-AX",
        name="사우동 시험",
        org_unit=OrgUnit.objects.get(code="smart-city"),
        risk=3,
        lat=Decimal("37.62"),
        lon=Decimal("126.71"),
    )
    Camera.objects.create(code="CAM-AX", site=site, installed_year=2020, lat=site.lat, lon=site.lon)
    moment = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    payload = triage.encoder.encode(
        {"id": "ax-1", "camera": "CAM-AX", "type": "intrusion", "confidence": 0.9, "time": moment}
    )
    cctv.events_triage([cctv.Incoming(payload, datetime.now(UTC).timestamp())], context=cctv.TriageContext())
    return "ax-1"


def cctv_scenario_video() -> str:
    """A received video-information request (decision and hand-over forms showing) and the candidate
    sites of the new-site ranking."""
    from datetime import UTC, datetime, timedelta

    from cityhall.cctv import services as cctv

    system = Actor.system("test:accessibility")
    now = datetime.now(UTC)
    cctv.candidates_build_samples(actor=system)
    item = cctv.video_request_create(
        camera="CAM-AX",
        requester_kind="police",
        requester_name="김수사",
        requester_org="김포경찰서",
        period_start=now - timedelta(hours=2),
        period_end=now - timedelta(hours=1),
        purpose="절도 사건 수사",
        legal_basis="art18_2_7",
        actor=system,
    )
    return item.number


@pytest.fixture
def scenario(site, make_user, monkeypatch):
    """Records for every page kind to show something: the sample pledges with an open round, sample
    indicators and workloads, the streetlight registry with two lights reporting and a repair order."""
    monkeypatch.setenv("CITYHALL_TODAY", "2025-04-10")
    system = Actor.system("test:accessibility")
    director = make_user("the-director", Role.DIRECTOR)
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    get_user_model().objects.create_superuser("the-admin", password=PASSWORD)
    pledges.pledges_load_sample(actor=system)
    round_ = pledges.round_open(
        year=YEAR, quarter=2, closes_on=date(YEAR, 4, 30), actor=Actor.for_user(director)
    )
    performance_load_sample(actor=system)
    participation_load_sample(actor=system)
    ParticipationProcess.objects.get(code="pb-2025").scorers.add(director)
    workload_load_sample(actor=system)
    finance_load_sample(actor=system)
    registry_build_from_seed(actor=system)
    it_load_sample(actor=system)
    gis_load_sample(actor=system)
    put_state("SL-HAGUN41-001", on=True, power=100.0, simulated=True)
    put_state("SL-HAGUN41-002", on=False, power=0.0, faults=["LAMP_FAIL"], simulated=True)
    repair = repair_order_open(actor=system, kind="lamp_failure", detail="램프 불량", light="SL-HAGUN41-002")
    legal_load_sample(actor=system)
    consultation_month_open(year=2030, month=5, actor=system)
    slots = booking_slots(RESOURCE_KEY, date(2030, 5, 7), date(2030, 5, 7))
    consultation = consultation_book(
        slot=slots[1].id,
        name="홍길동",
        phone="010-1234-5678",
        eligibility="resident",
        topic="civil",
        consent=True,
        actor=system,
    )
    military.samples_load(actor=system)
    reform.samples_load(actor=system)
    cctv_event = cctv_scenario_event()
    cctv_video = cctv_scenario_video()
    ev_run = traffic_services.emergency_run_request(
        unit="김포119-구급1",
        vehicle_type="ambulance",
        incident="심정지 (모의)",
        origin="left2A2",
        destination="F2right2",
        actor=system,
    )
    traffic_services.emergency_run_simulate(run=ev_run, actor=system)
    booking_sample(actor=system)
    notification_sample()
    certificate = certificate_sample()
    bus_predictions.forget()  # the arrival predictions' cache, as the bus tests do
    bus_services.network_ensure(actor=system)
    bus_services.notices_load_samples(actor=system)
    bus_stop = BusStop.objects.get(code="F1F2")
    maintenance, _created = maintenance_order_open(
        asset=AssetRef(
            app="bus", key="bit:A11Y", label="BIT 점검용", org_unit=OrgUnit.objects.get(code="smart-city")
        ),
        kind="bit_offline",
        kind_label="BIT 통신 두절",
        due_hours=24,
        actor=system,
    )
    TOTPDevice.objects.create(user=director, name="인증 앱", confirmed=True)  # the code page, not enrolment
    entrusted = EntrustedEvaluation.objects.select_related("task").order_by("code").first()
    own_proposal = participation_services.proposal_submit(
        process=ParticipationProcess.objects.get(code="pb-2025"),
        title="[모의] 접근성 점검용 제안",
        description="고치기 화면을 점검하기 위한 모의 제안입니다.",
        estimated_cost=1_000_000,
        actor=Actor.for_user(director),
    )
    job_run = runs.run_start(
        task=organisation_tasks.summary_report_run,
        kind="organisation.summary_report",
        label="기획조정실 일반현황 보고서 (XLSX)",
        actor=Actor.for_user(director),
        params={"format": "xlsx", "back": "/organisation/"},
    )
    return {
        "job_run": job_run.pk,
        "bus_stop": bus_stop.code,
        "maintenance": maintenance.number,
        "maintenance_heading": f"{maintenance.number} BIT 점검용",
        "bus_stop_heading": f"{bus_stop.name} 모의" if bus_stop.simulated else bus_stop.name,
        "entrusted": entrusted.code,
        "entrusted_task": entrusted.task.name,
        "council_session": str(CouncilSession.objects.get(code="sample-session-1")),
        "bill": Bill.objects.get(code="sample-bill-1").title,
        "own_proposal": own_proposal.number,
        "own_proposal_title": own_proposal.title,
        "request": DataRequest.objects.get(code="sample-request-1").pk,
        "slot": slots[0].id,
        "consultation": consultation.code,
        "cctv_event": cctv_event,
        "cctv_video": cctv_video,
        "ev_run": ev_run.pk,
        "round": round_.pk,
        "repair": repair.number,
        "certificate": certificate.code,
        "program": Program.objects.get(code="smart-city-p1").pk,
        "finance_program": BudgetProgram.objects.get(name="예시 세부사업 001").code,
    }


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it stands."""
    results = axe_playwright.Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{rule['id']} ({rule['impact']}): "
        + " | ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
        for rule in results["violations"]
        if rule["impact"] in FAILING_IMPACTS
    ]


# Every element that scrolls (or would, with more content or a narrower window) can be reached from the
# keyboard and is named, whether or not it overflows right now: axe only sees the ones that do.
UNREACHABLE_SCROLL_REGIONS = """() => [...document.querySelectorAll("body *")]
  .filter((e) => !["TEXTAREA", "SELECT", "INPUT"].includes(e.tagName))
  .filter((e) => {
    const style = getComputedStyle(e);
    return [style.overflowX, style.overflowY].some((o) => o === "auto" || o === "scroll");
  })
  .filter((e) => {
    const ids = (e.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const named = (e.getAttribute("aria-label") || "").trim() !== "" ||
      (ids.length > 0 && ids.every((id) => (document.getElementById(id)?.textContent || "").trim() !== ""));
    return !(e.getAttribute("tabindex") === "0" && named);
  })
  .map((e) => e.outerHTML.slice(0, 100))"""


def settle(page) -> None:
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


@requires_chromium
def test_every_page_kind_has_no_serious_accessibility_violation(browser, site, scenario):
    found: dict[str, list[str]] = {}
    pages = {}
    requested: list[str] = []
    for kind in PAGE_KINDS:
        if kind.who not in pages:
            context = browser.new_context(locale="ko-KR", viewport=DESK)
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.requested = []
            page.on("request", lambda request, page=page: page.requested.append(request.url))
            # Any Content-Security-Policy violation Chromium reports fails the page kind too.
            page.csp = []
            page.on(
                "console",
                lambda msg, page=page: "Content Security Policy" in msg.text and page.csp.append(msg.text),
            )
            if kind.who != "anonymous":
                log_in(
                    page, site, {"director": "the-director", "viewer": "sc-viewer"}.get(kind.who, "the-admin")
                )
            pages[kind.who] = page
        page = pages[kind.who]
        page.set_viewport_size(DESK)
        response = page.goto(site + kind.path.format(**scenario))
        assert response.status == kind.status, kind.name
        if kind.then:
            kind.then(page)
        page.wait_for_load_state("networkidle")  # the htmx fragments too
        assert resolve(urlsplit(page.url).path).view_name == kind.url_name, kind.name
        expect(page.get_by_role("heading", level=1).first).to_have_text(kind.heading.format(**scenario))
        problems = [f"{DESK['width']}px {problem}" for problem in serious_violations(page)]
        page.set_viewport_size(PHONE)  # tables and charts scroll sideways on a phone
        settle(page)
        problems += [f"{PHONE['width']}px {problem}" for problem in serious_violations(page)]
        if kind.ours:
            problems += [
                f"scroll region without tabindex=0 and a name: {html}"
                for html in page.evaluate(UNREACHABLE_SCROLL_REGIONS)
            ]
        # Django's own admin (not our markup) sets one inline style that the policy refuses: cosmetic,
        # and left so. Any refused script, and anything refused on our pages, is a finding.
        problems += [f"CSP: {text}" for text in page.csp if kind.ours or "Applying inline style" not in text]
        page.csp.clear()
        # Known and not fixed yet: Swagger UI draws its choice parameters as a select with no label.
        problems = [p for p in problems if not (kind.name == "API docs" and "select-name" in p)]
        if problems:
            found[kind.name] = problems
        if kind.then is log_out:  # the director's next page kind logs in again
            requested += pages.pop(kind.who).requested
    for page in pages.values():
        requested += page.requested
        close_context(page.context)
    assert [url for url in requested if not url.startswith(f"{site}/")] == []
    assert found == {}

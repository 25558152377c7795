"""In a real browser (Debian Chromium via Playwright; fixtures shared from core/tests/browser.py): the
legal team finds every regulation with '만 N세', opens one bulk revision, edits a draft, moves it through
the pipeline, and downloads its 신구조문대비표."""

import openpyxl

from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    close_context,
    log_in,
    page_fixture,
    requires_chromium,
    site_fixture,
    sync_api,
)
from cityhall.legal import services
from cityhall.legal.models import Revision
from cityhall.organisation.models import OrgUnit, Role

pytestmark = requires_chromium
expect = sync_api.expect


def test_bulk_revision_draft_pipeline_and_comparison(page, site, make_user, monkeypatch, tmp_path):
    monkeypatch.setenv("CITYHALL_TODAY", "2025-03-10")
    make_user("legal-editor", Role.EDITOR, "budget-legal")
    unit = OrgUnit.objects.get(code="budget-legal")
    system = Actor.system("test")
    services.regulation_create(
        code="elderly",
        kind="ordinance",
        title="김포시 노인 교통비 지원 조례",
        department=unit,
        actor=system,
        articles=[
            {"number": "제1조", "title": "목적", "text": "노인 교통비 지원에 관한 사항을 정한다."},
            {"number": "제3조", "title": "대상", "text": "만 65세 이상인 시민"},
        ],
    )
    services.regulation_create(
        code="youth",
        kind="rule",
        title="김포시 청년 기본 조례 시행규칙",
        department=unit,
        actor=system,
        articles=[{"number": "제2조", "title": "정의", "text": "청년이란 만 19세 이상 39세 이하인 사람"}],
    )

    log_in(page, site, "legal-editor")
    page.goto(f"{site}/legal/regulations/")
    page.get_by_label("조문에서 찾을 문구").fill(r"만\s?(\d+)세")
    page.get_by_label("정규식").check()
    page.get_by_role("button", name="찾기").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("자치법규 2건")
    page.get_by_label("코드").fill("age-2025")
    page.get_by_label("제목", exact=True).fill("만 나이 일괄정비")
    page.get_by_label("바꿀 문구").fill(r"\1세")
    page.get_by_role("button", name="일괄개정 시작").click()
    expect(page.get_by_role("heading", name="만 나이 일괄정비")).to_be_visible()
    assert Revision.objects.filter(bulk__code="age-2025").count() == 2

    # The ordinance's revision: its table marks the removed '만'; a draft edit adds an article.
    page.get_by_role("link", name="김포시 노인 교통비 지원 조례").click()
    table = page.locator("#comparison")
    expect(table.locator("tr[data-article='제3조'] mark")).to_have_text("만")
    draft = page.get_by_label("한 조문은 '제N조(제목) 본문'으로 시작합니다. 다음 줄은 그 조문의 항·호입니다.")
    draft.fill(draft.input_value() + "\n제4조(협력) 시장은 관계 기관과 협력한다.")
    page.get_by_role("button", name="개정안 저장").click()
    expect(page.get_by_text("개정안을 저장했습니다.")).to_be_visible()
    expect(table.locator("tr[data-article='제4조']")).to_contain_text("<신 설>")

    # Through consultation and legal review to the notice, whose end the calendar sets.
    for stage in ("사전협의", "법제심사", "입법예고"):
        page.get_by_label("다음 단계").select_option(label=stage)
        page.get_by_role("button", name="단계 옮기기").click()
        expect(page.locator("#pipeline [aria-current='step']")).to_have_text(stage)
    expect(page.get_by_text("2025-03-10 ~ 2025-03-31")).to_be_visible()  # 20일: 3-30 is a Sunday
    # Too early to leave the notice: a clear message, nothing moved.
    page.get_by_label("다음 단계").select_option(label="조례규칙심의회")
    page.get_by_role("button", name="단계 옮기기").click()
    expect(page.get_by_role("alert")).to_contain_text("입법예고 기간(2025-03-31까지)이 끝난 뒤에")

    with page.expect_download() as download:
        page.get_by_role("link", name="엑셀(XLSX) 내려받기").click()
    path = tmp_path / "table.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A3"].value == "제3조(대상) 만 65세 이상인 시민"
    assert (sheet["A4"].value, sheet["B4"].value) == ("<신 설>", "제4조(협력) 시장은 관계 기관과 협력한다.")
    with page.expect_download() as download:
        page.get_by_role("link", name="한글(HWPX) 내려받기").click()
    assert download.value.suggested_filename == "신구조문대비표_김포시 노인 교통비 지원 조례.hwpx"


def test_two_citizens_race_for_the_last_seat(page, browser, site, settings):
    """Both open the form of the last seat while it is free and submit: one is booked, the other told why
    not. (The submissions go one after the other: the live test server's in-memory SQLite locks whole
    tables under simultaneous writes. Truly simultaneous bookings run in test_concurrency, in threads on
    file SQLite and PostgreSQL.)"""
    import datetime as dt

    from cityhall.bookings import selectors as booking_selectors
    from cityhall.legal.consultations import services as consultations
    from cityhall.legal.models import Consultation

    settings.CITYHALL_LEGAL_CONSULTATION = {"waitlist_limit": 0}
    consultations.consultation_month_open(year=2030, month=5, actor=Actor.system("test"))
    slot = booking_selectors.slots(consultations.RESOURCE_KEY, dt.date(2030, 5, 7), dt.date(2030, 5, 7))[0]
    other = browser.new_context(locale="ko-KR").new_page()
    for citizen, phone in ((page, "010-1111-2222"), (other, "010-3333-4444")):
        citizen.goto(f"{site}/public/legal-consultation/book/{slot.id}/")
        citizen.get_by_label("성명", exact=True).fill("김시민")
        citizen.get_by_label("휴대전화").fill(phone)
        citizen.get_by_label("상담대상 구분").select_option("resident")
        citizen.get_by_label("상담 분야").select_option("civil")
        citizen.get_by_role("checkbox").check()
    expect(other.get_by_text("이 시간대는 마감되어 대기로")).to_have_count(0)  # both saw a free seat
    outcomes = []
    for citizen in (page, other):
        citizen.get_by_role("button", name="신청하기").click()
        answer = citizen.locator("h1:has-text('상담이 예약되었습니다'), [role=alert]").first
        expect(answer).to_be_visible(timeout=15_000)
        outcomes.append(answer.inner_text())
    assert sorted(outcomes) == sorted(
        ["상담이 예약되었습니다", outcomes[1] if outcomes[0] == "상담이 예약되었습니다" else outcomes[0]]
    )
    assert outcomes.count("상담이 예약되었습니다") == 1, outcomes
    refused = next(o for o in outcomes if o != "상담이 예약되었습니다")
    assert "이 시간대는 마감되었고 대기 인원도 찼습니다." in refused
    assert Consultation.objects.filter(status="booked").count() == 1
    close_context(other.context)

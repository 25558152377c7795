"""In a real browser (Debian Chromium via Playwright; fixtures shared from core/tests/browser.py):
a citizen enrols in a class; a citizen applies to have a disk destroyed, staff check it in and shred
it, and anyone verifies the certificate; a pre-use inspection passes within its clock over 추석."""

import datetime as dt

from cityhall.core import deadlines
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
from cityhall.it.destruction import services as destruction
from cityhall.it.education import services as education
from cityhall.it.models import Course, EducationVenue, Enrolment, MediaDestruction, TelecomInspection
from cityhall.organisation.models import OrgUnit, Role

pytestmark = requires_chromium
expect = sync_api.expect
SYSTEM = Actor.system("test")
SOON = dt.date.today() + dt.timedelta(days=10)


def test_a_citizen_enrols_in_a_class_on_a_phone(browser, site):
    it = OrgUnit.objects.get(code="info-comm")
    venue = EducationVenue.objects.create(code="v1", name="사우동 교육장", kind="main", department=it)
    course = Course.objects.create(code="c1", title="스마트폰 기초", level="basic", department=it)
    education.session_open(course=course, venue=venue, starts_on=SOON, ends_on=SOON, capacity=1, actor=SYSTEM)
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(f"{site}/public/classes/")
    expect(phone.get_by_role("heading", name="스마트폰 기초")).to_be_visible()
    phone.get_by_text("신청하기").click()
    phone.get_by_label("이름:", exact=True).fill("홍길동")
    phone.get_by_label("휴대전화:", exact=True).fill("010-1234-5678")
    phone.get_by_label("연령대").select_option("70_plus")
    phone.get_by_role("button", name="신청").click()
    expect(phone.locator(".errorlist")).to_contain_text("필수 항목입니다.")  # the consent box
    phone.get_by_label("개인정보 수집·이용에 동의합니다", exact=False).check()
    phone.get_by_role("button", name="신청").click()
    expect(phone.get_by_role("status")).to_contain_text("스마트폰 기초 수강이 확정되었습니다.")
    close_context(context)
    assert Enrolment.objects.get().booking.status == "booked"


def test_a_disk_from_application_to_the_verified_certificate(page, browser, site, make_user):
    destruction.dropoff_slots_open(day=deadlines.next_working_day(SOON), hours=[10], capacity=3, actor=SYSTEM)
    make_user("ic-editor", Role.EDITOR, "info-comm")
    citizen = browser.new_context(locale="ko-KR").new_page()
    citizen.goto(f"{site}/public/media-destruction/")
    citizen.get_by_label("신청인 이름").fill("김시민")
    citizen.get_by_label("휴대전화:", exact=True).fill("010-2222-3333")
    citizen.get_by_label("파기할 매체", exact=False).fill("HDD WD-WCC4N1234567\nSSD S3Z9NB0K123456")
    citizen.get_by_label("반입 일시").select_option(index=1)
    citizen.get_by_label("개인정보(이름·휴대전화)", exact=False).check()
    citizen.get_by_role("button", name="신청").click()
    expect(citizen.get_by_role("heading", name="파기 신청을 받았습니다")).to_be_visible()
    code = MediaDestruction.objects.get().code

    log_in(page, site, "ic-editor")
    page.goto(f"{site}/it/destruction/{code}/")
    page.get_by_label("반입된 매체의 일련번호", exact=False).fill("WD-WCC4N1234567")
    page.get_by_role("button", name="확인하고 접수").click()
    expect(page.locator(".errorlist")).to_contain_text("확인하지 않은 일련번호: S3Z9NB0K123456")
    page.get_by_label("반입된 매체의 일련번호", exact=False).fill("WD-WCC4N1234567\nS3Z9NB0K123456")
    page.get_by_role("button", name="확인하고 접수").click()
    page.get_by_role("button", name="파쇄 완료 · 확인서 발급").click()
    expect(page.get_by_text("파기 완료")).to_be_visible()
    certificate = MediaDestruction.objects.get().certificate_code

    citizen.goto(f"{site}/verify/")
    citizen.get_by_label("인증번호").fill(certificate)
    citizen.get_by_role("button", name="확인").click()
    expect(citizen.get_by_role("status")).to_have_text("유효한 증명서입니다.")
    expect(citizen.locator("dl.certificate")).to_contain_text("WD-WCC4N1234567")
    expect(citizen.locator("dl.certificate")).to_contain_text("김*민")


def test_an_inspection_passes_within_its_clock_over_chuseok(page, site, make_user, monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", "2025-10-22")
    make_user("ic-editor", Role.EDITOR, "info-comm")
    log_in(page, site, "ic-editor")
    page.goto(f"{site}/it/inspections/")
    page.get_by_label("건축물").fill("김포 예시빌딩")
    page.get_by_label("소재지").fill("김포시 사우동 1")
    page.get_by_label("신청인(공사업체)").fill("예시통신")
    page.get_by_label("접수일").fill("2025-09-29")
    page.get_by_role("button", name="접수", exact=True).click()
    # 14 working days from Monday 29 September, 추석 and its substitute holiday skipped: 23 October.
    expect(page.locator(".deadline-badge")).to_contain_text("2025-10-23")
    expect(page.locator(".deadline-badge")).to_contain_text("민원 처리에 관한 법률 제19조제2항")
    for day in ("2025-09-30", "2025-10-20"):
        page.get_by_label("일자").fill(day)
        page.locator("form[action$='/step/'] button").click()
    page.get_by_label("일자").fill("2025-10-22")
    page.get_by_label("결과", exact=True).select_option("1")
    page.get_by_role("button", name="처리 결과 기록").click()
    expect(page.locator("dl.facts")).to_contain_text("합격")
    case = TelecomInspection.objects.get()
    assert (case.status, case.decided_on, case.due_on) == (
        "passed",
        dt.date(2025, 10, 22),
        dt.date(2025, 10, 23),
    )

"""In a real browser (Debian Chromium via Playwright): a new citizen creates an account, verifies
(모의 본인인증), votes in the 2025 sample process, changes the vote, and after the count sees the
result page explaining every project."""

from datetime import timedelta

from django.utils import timezone

from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    page_fixture,
    requests_elsewhere,
    requires_chromium,
    site_fixture,
    sync_api,
)
from cityhall.core.tests.test_browser_accessibility import serious_violations
from cityhall.participation import services
from cityhall.participation.choices import PhaseKind
from cityhall.participation.models import Ballot, Phase, Process, Proposal

from .factories import process as make_process

pytestmark = requires_chromium
expect = sync_api.expect


def test_sign_up_verify_vote_change_and_see_the_result(page, site):
    services.participation_load_sample()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{site}/participation/pb-2025/")
    page.get_by_role("link", name="투표하기").click()
    page.get_by_role("link", name="계정 만들기").click()
    page.get_by_label("사용자 이름").fill("new-citizen")
    page.get_by_label("비밀번호", exact=True).fill("a-long-passphrase-42")
    page.get_by_label("비밀번호 확인").fill("a-long-passphrase-42")
    page.get_by_role("button", name="만들기").click()
    page.goto(f"{site}/participation/pb-2025/vote/")
    page.get_by_label("휴대전화 번호").fill("12")  # a wrong number first: the reason, the form kept
    page.get_by_label("출생 연도").first.fill("1988")
    page.get_by_role("button", name="확인").first.click()
    expect(page.get_by_role("alert")).to_contain_text("휴대전화 번호는 010으로 시작하는")
    expect(page.get_by_label("휴대전화 번호")).to_have_value("12")
    expect(page.get_by_label("출생 연도").first).to_have_value("1988")
    assert serious_violations(page) == []
    page.get_by_label("휴대전화 번호").fill("010-5555-0001")
    page.get_by_role("button", name="확인").first.click()
    expect(page.get_by_text("주민 확인을 마쳤습니다")).to_be_visible()

    page.goto(f"{site}/participation/pb-2025/vote/")  # again, without the flash message (core markup)
    assert serious_violations(page) == []  # the ballot, on a phone (the page kinds check the rest)
    page.get_by_label("1. ", exact=False).first.check()
    page.get_by_label("2. ", exact=False).first.check()
    expect(page.locator("#ballot-total")).not_to_have_text("0")
    page.get_by_role("button", name="투표하기").click()
    expect(page.get_by_text("투표했습니다.", exact=True)).to_be_visible()
    assert Ballot.objects.filter(heading__process__code="pb-2025").get().projects == [1, 2]

    page.get_by_label("2. ", exact=False).first.uncheck()
    page.get_by_label("3. ", exact=False).first.check()
    page.get_by_role("button", name="투표 바꾸기").click()
    expect(page.get_by_text("투표를 바꿨습니다.")).to_be_visible()
    assert Ballot.objects.filter(heading__process__code="pb-2025").get().projects == [1, 3]

    # Voting closes; the office counts.
    process = Process.objects.get(code="pb-2025")
    now = timezone.now()
    Phase.objects.filter(process=process).delete()
    Phase.objects.create(
        process=process,
        kind=PhaseKind.VOTING,
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(seconds=1),
    )
    Phase.objects.create(
        process=process,
        kind=PhaseKind.FINISHED,
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(days=30),
    )
    services.tally_count(process=process, actor=Actor.system("test:count"))
    page.goto(f"{site}/participation/pb-2025/results/")
    expect(
        page.get_by_role("heading", name="결과: 2025년 주민참여예산 (2026년 예산 편성, 예시)")
    ).to_be_visible()
    rows = page.locator("table.pb-results tbody tr")
    expect(rows).to_have_count(24)
    expect(rows.first.locator("td").last).to_contain_text("선정")
    expect(page.locator("table.pb-results")).to_contain_text("미선정")
    assert serious_violations(page) == []


def test_the_public_proposals_map_follows_the_filters_on_a_phone(page, site):
    services.participation_load_sample()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone, signed out
    page.goto(f"{site}/participation/pb-2024/proposals/")
    canvas = page.locator("[data-gis-map] .gis-map-canvas")
    expect(canvas).to_have_attribute("data-live-points", "139")  # every proposal of the list, on the map
    expect(page.locator(".gis-live-mark")).to_have_count(139)

    page.get_by_label("상태", exact=True).select_option(label="선정")
    page.get_by_role("button", name="찾기").click()
    expect(page.get_by_text("36건", exact=True)).to_be_visible()
    expect(canvas).to_have_attribute("data-live-points", "36")  # the same filter on the map
    expect(page.locator(".gis-live-mark.gis-live-selected")).to_have_count(36)
    expect(page.locator(".gis-live-mark:not(.gis-live-selected)")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert serious_violations(page) == []

    # a point's popup: the project, not its proposer (markers may overlap: the event, not a pointer)
    page.locator(".gis-live-mark").first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("선정")
    expect(popup).to_contain_text("예시 위치")


def test_a_click_on_the_form_map_places_the_new_proposal(page, site, make_user):
    proc = make_process(code="pb-map", phase=PhaseKind.ACCEPTING, costs=())
    make_user("proposer")
    log_in(page, site, "proposer")
    page.goto(f"{site}/participation/{proc.code}/proposals/new/")
    page.get_by_label("제목").fill("공원 그늘막")
    page.get_by_label("내용").fill("놀이터 옆에 그늘막을 놓아 주세요.")
    page.get_by_label("추정 사업비", exact=False).fill("12,000천원")
    latitude, longitude = page.get_by_label("위도"), page.get_by_label("경도")
    expect(latitude).to_have_value("")
    picker = page.get_by_role("region", name="위치 고르기 지도")
    expect(picker).to_be_visible()
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(latitude).not_to_have_value("")
    clicked = (float(latitude.input_value()), float(longitude.input_value()))
    assert 37.55 <= clicked[0] <= 37.79 and 126.50 <= clicked[1] <= 126.81
    assert serious_violations(page) == []
    page.get_by_role("button", name="제출").click()
    expect(page.get_by_text("제안을 접수했습니다.")).to_be_visible()
    proposal = Proposal.objects.get(process=proc)
    assert (float(proposal.latitude), float(proposal.longitude)) == clicked
    assert requests_elsewhere(page, site) == []

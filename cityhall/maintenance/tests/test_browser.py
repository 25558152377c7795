"""In a real browser: the smart-city manager finds an offline BIT's order in the work queue, assigns it
to a colleague, is told in Korean what is missing when closing without a word, then closes it."""

import pytest

from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    open_menu,
    page_fixture,
    requires_chromium,
    site_fixture,
    sync_api,
)
from cityhall.maintenance import services
from cityhall.organisation.models import OrgUnit, Role

pytestmark = [requires_chromium, pytest.mark.slow]
expect = sync_api.expect


def test_a_manager_assigns_and_closes_an_order(page, site, make_user):
    make_user("sc-lead", Role.MANAGER, "smart-city")
    make_user("sc-tech", Role.EDITOR, "smart-city")
    order, _created = services.order_open(
        asset=services.AssetRef(
            app="bus",
            key="bit:BIT-W1",
            label="BIT 김포시청 앞",
            org_unit=OrgUnit.objects.get(code="smart-city"),
        ),
        kind="bit_offline",
        kind_label="BIT 통신 두절",
        due_hours=24,
        actor=Actor.system("test:rules"),
    )
    log_in(page, site, "sc-lead")
    open_menu(page, "유지보수 요청")
    expect(page.get_by_role("heading", level=1)).to_have_text("유지보수 요청")
    page.get_by_role("link", name=order.number).click()
    page.get_by_label("담당자 (담당 부서 편집자·관리자)").select_option(label="sc-tech")
    page.get_by_label("배정 메모").fill("오전 출동")
    page.get_by_role("button", name="배정", exact=True).click()
    expect(page.locator("#order-status")).to_have_text("배정")
    expect(page.locator("#order-assignment")).to_contain_text("sc-tech (오전 출동)")
    page.get_by_role("button", name="완료", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("처리 내용을 입력하세요.")
    page.get_by_label("처리 내용").fill("통신 모뎀 교체")
    page.get_by_role("button", name="완료", exact=True).click()
    expect(page.locator("#order-status")).to_have_text("완료")
    expect(page.locator("#order-history")).to_contain_text("담당 배정")

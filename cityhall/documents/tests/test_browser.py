"""In a real browser: a citizen types the code from the paper certificate and sees what it states."""

from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    page_fixture,
    requires_chromium,
    site_fixture,
    sync_api,
)
from cityhall.documents.tests.test_pages import certificate_sample

pytestmark = requires_chromium
expect = sync_api.expect


def test_verify_a_certificate_by_its_code(page, site):
    cert = certificate_sample()
    page.goto(f"{site}/verify/")
    page.get_by_label("인증번호").fill("1234")
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_role("alert")).to_contain_text("16자리")
    page.get_by_label("인증번호").fill(cert.code.lower().replace("-", " "))
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_role("status")).to_have_text("유효한 증명서입니다.")
    expect(page.get_by_role("heading", level=2)).to_have_text("예시 확인서")
    expect(page.locator("dl.certificate")).to_contain_text("홍*동")
    page.get_by_role("link", name="다른 인증번호 확인").click()
    page.get_by_label("인증번호").fill("ABCD-EFGH-JKMN-PQRS")
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_role("alert")).to_have_text("유효하지 않은 인증번호입니다.")

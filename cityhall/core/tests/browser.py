"""What the real-browser tests share: Debian's headless Chromium, driven by Playwright, against
pytest-django's live server.

A test module takes the fixtures (``browser`` per module, ``site``, ``page``) by importing them, and
skips its tests where /usr/bin/chromium is missing::

    from .browser import (  # noqa: F401 - the fixtures register by being imported
        browser_fixture, page_fixture, site_fixture, ...
    )
    pytestmark = requires_chromium

Importing this module skips the importing test module (with the reason) where Playwright is not
installed; Playwright never downloads a browser of its own here. ``CITYHALL_SCREENSHOTS=1`` makes
``screenshot`` write docs/screenshots/<name>.

The live server needs transactional database access; each transactional test ends with a flush of
every table, after which cityhall/conftest.py loads the session's dataset again.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PASSWORD = "pw-for-tests-1"  # make_user's password (cityhall/conftest.py)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')"
)
requires_chromium = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing (apt-get install chromium)"
)


@pytest.fixture(name="browser", scope="module")
def browser_fixture():
    # Playwright's sync API runs an asyncio loop in this thread, so Django would refuse the ORM calls
    # the tests make while the browser is open.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_api.sync_playwright().start()
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
        finally:
            playwright.stop()


@pytest.fixture(name="site")
def site_fixture(live_server, transactional_db, settings):
    """The live server with the dataset loaded; a fast password hasher keeps account creation cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


@pytest.fixture(name="page")
def page_fixture(browser, site):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.requested = []  # every URL the page asked for
    page.on("request", lambda request: page.requested.append(request.url))
    yield page
    close_context(context)


def close_context(context) -> None:
    """Let the pages' last requests (map tiles, say) finish before the test's flush: a live-server
    thread still reading a table locks it in SQLite's shared in-memory database, and the flush fails."""
    for page in context.pages:
        try:
            page.wait_for_load_state("networkidle", timeout=5_000)
        except sync_api.Error:
            pass  # still busy after five seconds: close anyway, as before
    context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    if os.environ.get("CITYHALL_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.wait_for_load_state("load")  # the stylesheets too, not only the text the test waited for
        page.screenshot(path=SCREENSHOTS / name, full_page=full_page)


def log_in(page, site: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()


def open_menu(page, name: str) -> None:
    """Follow the staff menu's link ``name``: open its section's drop-down, then click it."""
    link = page.get_by_role("link", name=name, exact=True, include_hidden=True)  # matched inside each section
    section = page.get_by_role("navigation", name="주 메뉴").locator("details").filter(has=link)
    section.locator("summary").click()
    section.get_by_role("link", name=name, exact=True).click()


def path_of(page, site: str) -> str:
    assert page.url.startswith(site)
    return page.url[len(site) :]


def requests_elsewhere(page, site: str) -> list[str]:
    """The URLs the page asked for that are not on the live server (there should be none)."""
    return [url for url in page.requested if not url.startswith(f"{site}/")]

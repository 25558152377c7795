"""The interface in English: Korean is the source language of every message and the default; the English
catalogue (cityhall/locale/en) is chosen by the language cookie (the switcher) or Accept-Language."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from cityhall.organisation.models import Role

LOCALE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
FORMAT = re.compile(r"%\([a-z_]+\)[sd]|%\([a-z_]+\)02d|\{[a-z_]+\}")


def _po_entries() -> list[dict]:
    """The entries of django.po as {"flags", "msgctxt", "msgid", "msgid_plural", "msgstr", ...}."""
    entries = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, value = line.split(" ", 1)
                entry[key] = ast.literal_eval(value)
        entries.append(entry)
    return [e for e in entries if e.get("msgid")]  # without the header


def _translations(entry: dict) -> list[str]:
    return [entry[k] for k in sorted(entry) if k.startswith("msgstr")]


@pytest.fixture
def director(make_user):
    return make_user("i18n-director", Role.DIRECTOR)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# -- the catalogue ----------------------------------------------------------------------------


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = _po_entries()
    assert len(entries) > 400
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not [e["msgid"] for e in entries if not all(_translations(e))]


def test_translations_keep_the_placeholders():
    for entry in _po_entries():
        wanted = sorted(FORMAT.findall(entry.get("msgid_plural", entry["msgid"])))
        for text in _translations(entry):
            assert sorted(FORMAT.findall(text)) == wanted, entry["msgid"]


def test_the_compiled_catalogue_matches_the_source():
    """django.mo is what Django reads: it must be compiled from the django.po beside it."""
    with (LOCALE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for entry in _po_entries():
        if "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"]
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr[1]"]
        elif "msgctxt" in entry:  # a word in another sense (운영: a meeting's frequency / in service)
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"], entry["msgid"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


# -- Korean stays the default ---------------------------------------------------------------------


def test_korean_is_the_default(client, director):
    client.force_login(director)
    html = client.get("/").content.decode()
    assert '<html lang="ko">' in html
    assert "기획조정실 업무 플랫폼" in html
    assert "내 역할" in html
    assert "My roles" not in html


def test_login_page_is_korean_by_default(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">아이디</label>' in html
    assert "Username" not in html


# -- English ------------------------------------------------------------------------------------


def test_dashboard_in_english(english, director):
    english.force_login(director)
    response = english.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "<title>Dashboard · Planning & Coordination Office Work Platform</title>" in html
    for label in ("Dashboard", "My roles", "Organisation and staffing", "Budget by department", "Log out"):
        assert label in html, label
    assert "Authorised/Current staff" in html
    assert "Programmes by funding source" in html
    assert "대시보드" not in html and "내 역할" not in html


def test_department_page_in_english(english, director):
    english.force_login(director)
    html = english.get("/departments/smart-city/").content.decode()
    for label in ("Main duties and 2025 budget", "Staffing by grade", "Work plan tasks", "Grade 6"):
        assert label in html, label
    assert '<th scope="col" class="num">Vacancies</th>' in html
    assert "Unit: thousand KRW" in html
    # Source references follow the language too (section · line N).
    assert re.search(r">[IVX.\d]+ · line \d+</a>", html)
    assert "스마트도시과" in html  # data stays as recorded


def test_organisation_grades_follow_the_language(english, director):
    english.force_login(director)
    html = english.get("/organisation/").content.decode()
    assert '<th scope="col" class="num">Grade 6</th>' in html
    assert "6급" not in html


def test_login_page_in_english_by_accept_language(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert '<button type="submit">Log in</button>' in html


def test_language_switcher_sets_english(client, director):
    client.force_login(director)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tasks/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(response["Location"]).content.decode()
    assert "<h1>Work plan tasks</h1>" in html


def test_streetlight_pages_in_english(english, director):
    english.force_login(director)
    html = english.get("/streetlights/").content.decode()
    assert "<h1>Smart streetlights: live status</h1>" in html
    assert ">Repair orders</a>" in html and ">Energy savings report</a>" in html
    assert "스마트가로등 실시간 현황" not in html


@pytest.mark.django_db
def test_a_counter_reads_as_cases_and_only_pledges_count_pledges(english):
    from cityhall.participation import services

    services.participation_load_sample()
    html = english.get("/participation/").content.decode()
    assert "Proposals 139 cases" in html  # the 2024 process (예시)
    assert " pledges" not in html

"""The twin's messages (Korean templates with their values, twin/text.py) in the reader's language:
translated by the traffic app, found in the English catalogue, and a run's stored warnings shown in
English too."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cityhall.core.audit import Actor
from cityhall.traffic import services, twin_text
from cityhall.traffic.twin import simulation
from cityhall.traffic.twin.network import import_osm
from cityhall.traffic.twin.signals import Plan, default_plan, plan_errors
from cityhall.traffic.twin.sumo import SumoError
from cityhall.traffic.twin.text import Text, gettext_noop, parse

TWIN = Path(__file__).resolve().parents[1] / "twin"
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo"


def twin_templates() -> list[str]:
    """Every literal the twin marks with gettext_noop (what makemessages collects)."""
    found = []
    for source in sorted(TWIN.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "gettext_noop"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append(node.args[0].value)
    return found


def test_a_text_is_its_korean_sentence_and_keeps_its_template():
    text = gettext_noop(
        "옵셋 %(offset)s초는 0 이상, 주기 %(cycle)s초 미만이어야 합니다.", offset=95, cycle=90
    )
    assert text == "옵셋 95초는 0 이상, 주기 90초 미만이어야 합니다."
    assert text.template == "옵셋 %(offset)s초는 0 이상, 주기 %(cycle)s초 미만이어야 합니다."
    assert text.values == {"offset": 95, "cycle": 90}
    assert gettext_noop("녹색 현시가 둘 이상 있어야 합니다.") == "녹색 현시가 둘 이상 있어야 합니다."


def test_every_twin_template_is_in_the_english_catalogue():
    templates = twin_templates()
    assert len(templates) == 25
    with CATALOGUE.open("rb") as f:
        english = gettext.GNUTranslations(f)
    assert [t for t in templates if english.gettext(t) == t] == []


def test_plan_errors_follow_the_active_language():
    base = default_plan(["GGrr", "rrGG"])
    (loc, message), *_ = plan_errors(Plan(cycle=90, offset=90, phases=base.phases))
    assert (loc, message) == ("offset", "옵셋 90초는 0 이상, 주기 90초 미만이어야 합니다.")
    with translation.override("en"):
        assert twin_text.translated(message) == (
            "The offset of 90 s must be at least 0 and less than the cycle of 90 s."
        )
    with translation.override("ko"):
        assert twin_text.translated(message) == "옵셋 90초는 0 이상, 주기 90초 미만이어야 합니다."
    assert twin_text.translated("그대로") == "그대로"


def test_twin_exceptions_follow_the_active_language(tmp_path):
    missing = tmp_path / "none.osm"
    with pytest.raises(SumoError) as caught:
        import_osm(missing, tmp_path / "net")
    error = caught.value
    assert str(error) == f"파일이 없습니다: {missing}"
    with translation.override("en"):
        assert twin_text.error_text(error) == f"No such file: {missing}"
        assert twin_text.error_text(ValueError("평문")) == "평문"


def test_stored_run_warnings_are_read_back_against_the_templates():
    stored = str(Text(simulation.OFFLINE_WARNING, {"tls_id": "C2"}))
    assert stored == "C2 제어기 오프라인: 우선신호를 요청할 수 없습니다."
    assert parse(stored, simulation.WARNINGS).values == {"tls_id": "C2"}
    with translation.override("en"):
        assert twin_text.run_warnings([stored, "다른 경고"]) == [
            "C2 controller offline: priority cannot be requested.",
            "다른 경고",
        ]
    with translation.override("ko"):
        assert twin_text.run_warnings([stored]) == [stored]


def test_run_page_shows_the_offline_warning_in_english(network, client, roles):
    run = services.emergency_run_request(
        unit="김포119-구급1",
        vehicle_type="ambulance",
        incident="심정지",
        origin="left2A2",
        destination="F2right2",
        actor=Actor.for_user(roles["editor"]),
    )
    run.warnings = ["C2 제어기 오프라인: 우선신호를 요청할 수 없습니다."]
    run.save(update_fields=["warnings"])
    client.force_login(roles["viewer"])
    url = reverse("traffic:run", args=[run.pk])
    assert "C2 제어기 오프라인: 우선신호를 요청할 수 없습니다." in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert "C2 controller offline: priority cannot be requested." in html
    assert "제어기 오프라인" not in html

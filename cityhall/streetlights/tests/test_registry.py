"""The registry built from the seed's 장비현황 rows, and the named changes to it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.facilities.models import Equipment
from cityhall.streetlights.models import BaseStation, Streetlight, StreetlightSite
from cityhall.streetlights.registry.selectors import known_device_ids
from cityhall.streetlights.registry.services import (
    BuildResult,
    RegistryMismatch,
    registry_build_from_seed,
    streetlight_add,
    streetlight_move,
    streetlight_retire,
)

# (code, location, lights, base stations, installed as written, parsed start, source line)
SEED = [
    ("HASEONG", "하성 마곡-시암", 103, 2, "2020. 3.", date(2020, 3, 1), 151),
    ("DAEGOT", "대곶면", 0, 9, "2020. 12.", date(2020, 12, 1), 152),
    ("YANGCHON", "양촌 산업단지 일부(해병대 사거리)", 148, 3, "2020. 12.", date(2020, 12, 1), 153),
    ("PUNGMU", "풍무동 도시숲", 64, 3, "2020. 12.", date(2020, 12, 1), 154),
    ("HAGUN41", "학운 4-1", 58, 2, "2021. 9.", date(2021, 9, 1), 155),
    ("HAGUN6", "학운 6", 265, 6, "2022. 4.", date(2022, 4, 1), 156),
]


def light(code: str) -> Streetlight:
    return Streetlight.objects.select_related("site", "base_station").get(code=code)


def site(code: str) -> StreetlightSite:
    return StreetlightSite.objects.get(code=code)


class TestBuildFromSeed:
    def test_counts_per_site_exactly_as_the_seed(self, registry):
        assert registry == BuildResult(sites=6, base_stations=25, lights=638, created=True)
        assert Streetlight.objects.count() == 638
        assert BaseStation.objects.count() == 25
        got = {
            s.code: (s.name, s.n_lights, s.n_stations, s.installed, s.installed_start, s.section, s.line)
            for s in StreetlightSite.objects.annotate(
                n_lights=Count("lights", distinct=True), n_stations=Count("base_stations", distinct=True)
            )
        }
        assert got == {
            code: (name, lights, stations, installed, start, "I.3", line)
            for code, name, lights, stations, installed, start, line in SEED
        }
        assert set(StreetlightSite.objects.values_list("org_unit__code", flat=True)) == {"smart-city"}
        assert not StreetlightSite.objects.filter(lat__isnull=False).exists()

    def test_lights_go_round_robin_over_the_site_stations(self, registry):
        assert light("SL-HASEONG-001").base_station.code == "BS-HASEONG-01"
        assert light("SL-HASEONG-002").base_station.code == "BS-HASEONG-02"
        assert light("SL-HASEONG-003").base_station.code == "BS-HASEONG-01"
        assert light("SL-HAGUN6-265").base_station.code == "BS-HAGUN6-01"  # 265 = 44 × 6 + 1
        per_station = dict(
            BaseStation.objects.filter(site__code="YANGCHON")
            .annotate(n=Count("lights"))
            .values_list("code", "n")
        )
        assert per_station == {"BS-YANGCHON-01": 50, "BS-YANGCHON-02": 49, "BS-YANGCHON-03": 49}
        assert set(
            BaseStation.objects.filter(site__code="DAEGOT")
            .annotate(n=Count("lights"))
            .values_list("n", flat=True)
        ) == {0}

    def test_each_light_has_the_assumed_rated_power_and_site_install_date(self, registry):
        first = light("SL-HAGUN41-001")
        assert (first.rated_power_w, first.model, first.state, first.installed) == (
            100,
            "",
            "active",
            date(2021, 9, 1),
        )
        ids = known_device_ids()
        assert len(ids) == 663 and {"SL-HAGUN41-001", "BS-DAEGOT-09"} <= ids

    def test_every_device_creation_is_audited(self, registry):
        events = AuditEvent.objects.filter(actor="test:registry", action="create")
        assert events.filter(record_type="streetlights").count() == 638
        assert events.filter(record_type="base_stations").count() == 25
        assert events.filter(record_type="streetlight_sites").count() == 6
        event = events.get(record_type="streetlights", record_repr="SL-PUNGMU-064")
        assert event.after["base_station"] == "BS-PUNGMU-01" and event.after["site"] == "PUNGMU"

    def test_a_second_build_writes_nothing(self, registry):
        before = AuditEvent.objects.count()
        again = registry_build_from_seed(actor=Actor.system("test:again"))
        assert again == BuildResult(sites=6, base_stations=25, lights=638, created=False)
        assert Streetlight.objects.count() == 638 and BaseStation.objects.count() == 25
        assert AuditEvent.objects.count() == before

    def test_refuses_when_the_registry_differs_from_the_seed(self, registry, roles):
        streetlight_retire(light=light("SL-HAGUN6-001"), actor=Actor.system("t"))  # retired still counts
        assert registry_build_from_seed(actor=Actor.system("t")).created is False
        streetlight_add(site=site("PUNGMU"), actor=Actor.system("t"))
        with pytest.raises(RegistryMismatch) as exc:
            registry_build_from_seed(actor=Actor.system("t"))
        assert (
            str(exc.value)
            == "가로등 대장이 원문 장비현황과 다릅니다(풍무동 도시숲). 원문에서 다시 만들 수 없습니다."
        )
        assert exc.value.reasons == [
            {
                "reason": "count_mismatch",
                "site": "PUNGMU",
                "location": "풍무동 도시숲",
                "seed": {"lights": 64, "base_stations": 3},
                "registry": {"lights": 65, "base_stations": 3},
            }
        ]

    def test_refuses_without_seed_rows(self, db):
        Equipment.objects.filter(system="streetlight").delete()
        with pytest.raises(RegistryMismatch) as exc:
            registry_build_from_seed(actor=Actor.system("t"))
        assert exc.value.reasons == [{"reason": "no_seed_rows"}]
        assert not StreetlightSite.objects.exists()


class TestAdd:
    def test_editor_adds_a_light_on_the_least_loaded_station(self, registry, roles):
        new = streetlight_add(site=site("YANGCHON"), actor=Actor.for_user(roles["editor"]), model="LED-120")
        assert (new.code, new.base_station.code, new.rated_power_w, new.model) == (
            "SL-YANGCHON-149",
            "BS-YANGCHON-02",
            100,
            "LED-120",
        )
        event = AuditEvent.objects.get(record_type="streetlights", record_id=new.pk)
        assert (event.action, event.actor, event.user) == ("create", "sc-editor", roles["editor"])

    def test_other_department_may_not_add(self, registry, roles):
        with pytest.raises(PermissionDenied):
            streetlight_add(site=site("YANGCHON"), actor=Actor.for_user(roles["other_editor"]))
        assert Streetlight.objects.count() == 638

    def test_a_station_of_another_site_is_refused(self, registry, roles):
        with pytest.raises(RecordInvalid) as exc:
            streetlight_add(
                site=site("YANGCHON"),
                base_station=BaseStation.objects.get(code="BS-HAGUN6-01"),
                actor=Actor.for_user(roles["editor"]),
            )
        assert exc.value.errors == {
            "base_station": ["기지국 BS-HAGUN6-01은(는) 양촌 산업단지 일부(해병대 사거리)에 있지 않습니다."]
        }

    def test_a_duplicate_code_is_refused_in_korean(self, registry, roles):
        with pytest.raises(RecordInvalid) as exc:
            streetlight_add(site=site("PUNGMU"), code="SL-PUNGMU-001", actor=Actor.for_user(roles["editor"]))
        assert list(exc.value.errors) == ["code"]

    def test_rated_power_out_of_range_is_refused(self, registry, roles):
        with pytest.raises(RecordInvalid) as exc:
            streetlight_add(site=site("PUNGMU"), rated_power_w=5000, actor=Actor.for_user(roles["editor"]))
        assert exc.value.errors == {"__all__": ["정격 전력은 1~2,000 W여야 합니다."]}


class TestMoveAndRetire:
    def test_move_to_another_site(self, registry, roles):
        moved = streetlight_move(
            light=light("SL-HAGUN6-010"), site=site("DAEGOT"), actor=Actor.for_user(roles["editor"])
        )
        assert (moved.site.code, moved.base_station.code) == ("DAEGOT", "BS-DAEGOT-01")
        event = AuditEvent.objects.get(record_type="streetlights", record_id=moved.pk, action="update")
        assert event.before == {**event.after, "site": "HAGUN6", "base_station": "BS-HAGUN6-04"}
        assert event.changed_fields == ["base_station", "site"]

    def test_move_to_another_station_of_the_same_site(self, registry, roles):
        target = BaseStation.objects.get(code="BS-HAGUN6-06")
        moved = streetlight_move(
            light=light("SL-HAGUN6-001"), base_station=target, actor=Actor.for_user(roles["editor"])
        )
        assert (moved.site.code, moved.base_station.code) == ("HAGUN6", "BS-HAGUN6-06")

    def test_other_department_may_not_move(self, registry, roles):
        with pytest.raises(PermissionDenied):
            streetlight_move(
                light=light("SL-HAGUN6-010"), site=site("DAEGOT"), actor=Actor.for_user(roles["other_editor"])
            )
        assert light("SL-HAGUN6-010").site.code == "HAGUN6"
        assert not AuditEvent.objects.filter(record_type="streetlights", action="update").exists()

    def test_retire(self, registry, roles):
        retired = streetlight_retire(light=light("SL-HASEONG-103"), actor=Actor.for_user(roles["editor"]))
        assert retired.state == "retired"
        event = AuditEvent.objects.get(record_type="streetlights", record_id=retired.pk, action="update")
        assert (event.before["state"], event.after["state"], event.actor) == (
            "active",
            "retired",
            "sc-editor",
        )
        assert "SL-HASEONG-103" not in known_device_ids()
        with pytest.raises(RecordInvalid) as exc:
            streetlight_retire(light=light("SL-HASEONG-103"), actor=Actor.for_user(roles["editor"]))
        assert exc.value.errors == {"state": ["가로등 SL-HASEONG-103은(는) 이미 철거되었습니다."]}
        with pytest.raises(RecordInvalid):
            streetlight_move(
                light=light("SL-HASEONG-103"), site=site("DAEGOT"), actor=Actor.for_user(roles["editor"])
            )

    def test_other_department_and_viewer_may_not_retire(self, registry, roles):
        for who in ("other_editor", "viewer"):
            with pytest.raises(PermissionDenied):
                streetlight_retire(light=light("SL-HASEONG-103"), actor=Actor.for_user(roles[who]))
        assert light("SL-HASEONG-103").state == "active"

    def test_generic_api_refuses_a_station_of_another_site(self, registry, roles):
        from django.test import Client

        client = Client()
        client.force_login(roles["editor"])
        pk = light("SL-HAGUN6-010").pk
        response = client.patch(
            f"/api/v1/streetlights/{pk}",
            data={"base_station": "BS-DAEGOT-01"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["detail"] == [
            {
                "loc": ["body", "base_station"],
                "msg": "기지국 BS-DAEGOT-01은(는) 이 가로등의 설치 지역에 있지 않습니다.",
                "type": "value_error",
            }
        ]


class TestRulesOnEveryWritePath:
    """The registry's rules hold on the record pages and the generic API too, not only in the services."""

    @pytest.fixture
    def retired_station(self, registry):
        BaseStation.objects.filter(code="BS-HAGUN6-06").update(state="retired")
        return BaseStation.objects.get(code="BS-HAGUN6-06")

    def _edit_form(self, client, pk: int) -> dict:
        form = client.get(f"/records/streetlights/{pk}/edit/").context["form"]
        return {k: ("" if v is None else v) for k, v in form.initial.items()}

    def test_record_page_refuses_a_retired_base_station(self, client, roles, retired_station):
        client.force_login(roles["editor"])
        target = light("SL-HAGUN6-001")
        response = client.post(
            f"/records/streetlights/{target.pk}/edit/",
            self._edit_form(client, target.pk) | {"base_station": "BS-HAGUN6-06"},
        )
        assert response.status_code == 400
        assert response.context["form"].errors["base_station"] == [
            "기지국 BS-HAGUN6-06은(는) 철거되었습니다."
        ]
        assert light("SL-HAGUN6-001").base_station.code == "BS-HAGUN6-01"
        assert not AuditEvent.objects.filter(record_type="streetlights", action="update").exists()

    def test_record_page_new_light_on_a_retired_base_station_is_refused(self, client, roles, retired_station):
        client.force_login(roles["editor"])
        data = {"code": "SL-HAGUN6-900", "site": "HAGUN6", "base_station": "BS-HAGUN6-06", "state": "active"}
        data |= {"rated_power_w": "100", "model": "", "installed": ""}
        response = client.post("/records/streetlights/new/", data)
        assert response.status_code == 400
        assert response.context["form"].errors["base_station"] == [
            "기지국 BS-HAGUN6-06은(는) 철거되었습니다."
        ]
        assert not Streetlight.objects.filter(code="SL-HAGUN6-900").exists()

    def test_api_refuses_a_retired_base_station_and_moving_a_retired_light(
        self, client, roles, retired_station
    ):
        client.force_login(roles["editor"])
        pk = light("SL-HAGUN6-001").pk
        response = client.patch(
            f"/api/v1/streetlights/{pk}",
            data={"base_station": "BS-HAGUN6-06"},
            content_type="application/json",
        )
        assert (response.status_code, response.json()["detail"]) == (
            422,
            [
                {
                    "loc": ["body", "base_station"],
                    "msg": "기지국 BS-HAGUN6-06은(는) 철거되었습니다.",
                    "type": "value_error",
                }
            ],
        )
        streetlight_retire(light=light("SL-HAGUN6-001"), actor=Actor.for_user(roles["editor"]))
        response = client.patch(
            f"/api/v1/streetlights/{pk}",
            data={"base_station": "BS-HAGUN6-02"},
            content_type="application/json",
        )
        assert (response.status_code, response.json()["detail"][0]["msg"]) == (
            422,
            "가로등 SL-HAGUN6-001은(는) 철거되어 옮길 수 없습니다.",
        )
        assert light("SL-HAGUN6-001").base_station.code == "BS-HAGUN6-01"

    def test_a_light_already_on_a_retired_station_can_still_be_edited(self, client, roles, registry):
        BaseStation.objects.filter(code="BS-HAGUN6-01").update(state="retired")
        client.force_login(roles["editor"])
        pk = light("SL-HAGUN6-001").pk
        response = client.patch(
            f"/api/v1/streetlights/{pk}", data={"model": "LED-100"}, content_type="application/json"
        )
        assert (response.status_code, response.json()["model"]) == (200, "LED-100")

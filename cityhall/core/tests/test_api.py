"""The REST API under /api/v1: who may read and write which records, validation answers, lists,
authentication, and the OpenAPI description. Every test runs against the preloaded Gimpo dataset."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cityhall.budget.models import FundingShare, Program
from cityhall.committees.models import Committee
from cityhall.core.models import ApiToken, AuditEvent
from cityhall.core.records import REGISTRY
from cityhall.organisation.models import OrgUnit, Person
from cityhall.plans.models import TaskItem, Vision

pytestmark = pytest.mark.django_db

API = "/api/v1"


# -- helpers --------------------------------------------------------------------------------------


def path_of(type_name: str) -> str:
    return f"{API}/{type_name.replace('_', '-')}/"


def program(code: str) -> Program:
    return Program.objects.get(code=code)


def program_url(code: str) -> str:
    return f"{API}/programs/{program(code).pk}"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def patch(client: Client, url: str, data, **extra):
    return client.patch(url, data=json.dumps(data), content_type="application/json", **extra)


def post(client: Client, url: str, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def row(model, pk: int) -> dict:
    """The stored row as a dict, to compare before and after a refused request."""
    return model.objects.filter(pk=pk).values().get()


def error_locs(response) -> list[list]:
    return [error["loc"] for error in response.json()["detail"]]


def audit_events(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


# The dataset's facts the tests rely on.
SC_P1 = "smart-city-p1"  # 스마트가로등 운영, 18,054천원, no parts and no funding shares
SC_P1_BUDGET = 18_054_000
PP_P1 = "policy-planning-p1"  # 성과관리 만족도 조사 용역, 50,000천원
PP_P1_BUDGET = 50_000_000
SC_P12 = "smart-city-p12"  # 방법CCTV 확대설치: parent of smart-city-cctv-1 and -2 (PROTECT)


def new_program(**overrides) -> dict:
    data = {
        "code": "smart-city-new",
        "name": "스마트 횡단보도 설치",
        "org_unit": "smart-city",
        "group": "main",
        "number": 99,
        "budget": "19,000천원",
        "period": "'25. 3. ~ 8.",
        "scale": "횡단보도 5개소",
    }
    data.update(overrides)
    return data


# -- reading --------------------------------------------------------------------------------------


class TestReadPermissions:
    def test_anonymous_gets_401_on_list_and_detail(self):
        client = Client()
        pk = program(SC_P1).pk
        for url in (f"{API}/programs/", f"{API}/programs/{pk}", f"{API}/programs/{pk}/history", f"{API}/me"):
            response = client.get(url)
            assert response.status_code == 401, url
            assert response.json() == {"detail": "로그인하거나 API 토큰을 보내야 합니다."}

    @pytest.mark.parametrize("type_name", ["programs", "task_items", "org_units", "visions", "people"])
    def test_user_without_role_gets_403(self, roles, type_name):
        client = client_for(roles["norole"])
        response = client.get(path_of(type_name))
        assert response.status_code == 403
        obj = REGISTRY[type_name].model.objects.order_by("pk").first()
        assert client.get(f"{path_of(type_name)}{obj.pk}").status_code == 403
        assert client.get(f"{path_of(type_name)}{obj.pk}/history").status_code == 403

    def test_user_without_role_cannot_run_the_plan_check(self, roles):
        assert client_for(roles["norole"]).get(f"{API}/plan-check").status_code == 403

    @pytest.mark.parametrize("role", ["viewer", "editor", "manager", "other_editor", "director", "admin"])
    @pytest.mark.parametrize("type_name", ["programs", "task_items", "org_units", "visions"])
    def test_every_role_may_read_every_record(self, roles, role, type_name):
        """Everyone with a role may view the office's records, not only their department's."""
        client = client_for(roles[role])
        model = REGISTRY[type_name].model
        response = client.get(path_of(type_name), {"limit": 1000})
        assert response.status_code == 200
        assert response.json()["count"] == model.objects.count()
        obj = model.objects.order_by("pk").last()
        detail = client.get(f"{path_of(type_name)}{obj.pk}")
        assert detail.status_code == 200
        assert detail.json()["id"] == obj.pk

    def test_detail_shows_the_record_as_exchanged(self, roles):
        client = client_for(roles["viewer"])
        response = client.get(program_url(SC_P1))
        assert response.status_code == 200
        data = response.json()
        assert data["id"] == program(SC_P1).pk
        assert data["code"] == SC_P1
        assert data["name"] == "스마트가로등 운영"
        assert data["org_unit"] == "smart-city"
        assert data["budget"] == SC_P1_BUDGET
        assert data["group"] == "main"
        assert data["number"] == 1
        assert data["period"] == "연 중"
        assert data["period_start"] == "2025-01-01"
        assert data["period_end"] == "2025-12-31"
        assert data["parent"] is None

    def test_other_department_editor_reads_a_task_item(self, roles):
        item = TaskItem.objects.filter(task__code="smart-city-1", order=2).get()
        response = client_for(roles["other_editor"]).get(f"{API}/task-items/{item.pk}")
        assert response.status_code == 200
        assert response.json()["task"] == "smart-city-1"
        assert response.json()["text"] == "사업금액 : 18,054천원"

    @pytest.mark.parametrize("type_name", ["programs", "task_items", "org_units", "visions"])
    def test_unknown_id_is_404(self, roles, type_name):
        client = client_for(roles["director"])
        missing = REGISTRY[type_name].model.objects.order_by("-pk").first().pk + 1000
        assert client.get(f"{path_of(type_name)}{missing}").status_code == 404
        assert patch(client, f"{path_of(type_name)}{missing}", {}).status_code == 404
        assert client.delete(f"{path_of(type_name)}{missing}").status_code == 404
        assert client.get(f"{path_of(type_name)}{missing}/history").status_code == 404

    def test_non_integer_id_is_not_found(self, roles):
        response = client_for(roles["viewer"]).get(f"{API}/programs/abc")
        assert response.status_code == 404  # no such path: ids are integers


# -- writing: the permission matrix ---------------------------------------------------------------


def smart_city_record(type_name: str):
    """One record per type that the smart-city roles own (the vision has no owner)."""
    return {
        "programs": lambda: program(SC_P1),
        "task_items": lambda: TaskItem.objects.filter(task__code="smart-city-1", order=2).get(),
        "org_units": lambda: OrgUnit.objects.get(code="traffic-info"),
        "visions": lambda: Vision.objects.get(),
    }[type_name]()


CHANGE_OF = {
    "programs": ("note", "고친 비고"),
    "task_items": ("text", "고친 내용"),
    "org_units": ("note", "고친 비고"),
    "visions": ("text", "고친 비전"),
}

# Who may change a smart-city record (or the vision): True = 200, False = 403.
CHANGE_MATRIX = {
    "viewer": {"programs": False, "task_items": False, "org_units": False, "visions": False},
    "editor": {"programs": True, "task_items": True, "org_units": True, "visions": False},
    "manager": {"programs": True, "task_items": True, "org_units": True, "visions": False},
    "other_editor": {"programs": False, "task_items": False, "org_units": False, "visions": False},
    "director": {"programs": True, "task_items": True, "org_units": True, "visions": True},
    "admin": {"programs": True, "task_items": True, "org_units": True, "visions": True},
}


class TestPermissionMatrix:
    @pytest.mark.parametrize("type_name", list(CHANGE_OF))
    @pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("norole", 403), ("viewer", 403)])
    def test_refused_writes_change_nothing(self, roles, type_name, who, status):
        client = client_for(None if who == "anonymous" else roles[who])
        obj = smart_city_record(type_name)
        model = type(obj)
        before = row(model, obj.pk)
        count = model.objects.count()
        events = AuditEvent.objects.count()
        url = f"{path_of(type_name)}{obj.pk}"
        field, value = CHANGE_OF[type_name]

        assert patch(client, url, {field: value}).status_code == status
        assert client.delete(url).status_code == status

        assert row(model, obj.pk) == before
        assert model.objects.count() == count
        assert AuditEvent.objects.count() == events

    @pytest.mark.parametrize("type_name", list(CHANGE_OF))
    @pytest.mark.parametrize("role", list(CHANGE_MATRIX))
    def test_change(self, roles, role, type_name):
        obj = smart_city_record(type_name)
        model = type(obj)
        before = row(model, obj.pk)
        field, value = CHANGE_OF[type_name]

        response = patch(client_for(roles[role]), f"{path_of(type_name)}{obj.pk}", {field: value})

        events = audit_events(record_type=type_name, record_id=obj.pk, action="update")
        if CHANGE_MATRIX[role][type_name]:
            assert response.status_code == 200, response.content
            assert response.json()[field] == value
            assert row(model, obj.pk) == {**before, field: value}
            [event] = events
            assert event.actor == roles[role].username
            assert event.changed_fields == [field]
            assert (event.before[field], event.after[field]) == (before[field], value)
        else:
            assert response.status_code == 403, response.content
            assert row(model, obj.pk) == before
            assert events == []

    @pytest.mark.parametrize(
        ("role", "status"),
        [("viewer", 403), ("editor", 403), ("other_editor", 403), ("manager", 204), ("director", 204)],
    )
    @pytest.mark.parametrize("type_name", ["programs", "task_items"])
    def test_delete(self, roles, role, status, type_name):
        obj = smart_city_record(type_name)
        model = type(obj)
        before = row(model, obj.pk)

        response = client_for(roles[role]).delete(f"{path_of(type_name)}{obj.pk}")

        assert response.status_code == status
        events = audit_events(record_type=type_name, record_id=obj.pk, action="delete")
        if status == 204:
            assert not model.objects.filter(pk=obj.pk).exists()
            [event] = events
            assert event.actor == roles[role].username
            assert event.after is None
            assert event.before == REGISTRY[type_name].to_data(obj)
        else:
            assert row(model, obj.pk) == before
            assert events == []


class TestAnonymousWrites:
    def test_anonymous_cannot_change_create_or_delete(self):
        client = Client()
        obj = program(SC_P1)
        before = row(Program, obj.pk)
        count = Program.objects.count()
        events = AuditEvent.objects.count()

        assert patch(client, program_url(SC_P1), {"budget": 1}).status_code == 401
        assert client.delete(program_url(SC_P1)).status_code == 401
        assert post(client, f"{API}/programs/", new_program()).status_code == 401

        assert row(Program, obj.pk) == before
        assert Program.objects.count() == count
        assert not Program.objects.filter(code="smart-city-new").exists()
        assert AuditEvent.objects.count() == events


class TestNoRoleWrites:
    def test_user_without_role_cannot_change_create_or_delete(self, roles):
        client = client_for(roles["norole"])
        obj = program(SC_P1)
        before = row(Program, obj.pk)
        events = AuditEvent.objects.count()

        assert patch(client, program_url(SC_P1), {"budget": 1}).status_code == 403
        assert client.delete(program_url(SC_P1)).status_code == 403
        assert post(client, f"{API}/programs/", new_program()).status_code == 403

        assert row(Program, obj.pk) == before
        assert not Program.objects.filter(code="smart-city-new").exists()
        assert AuditEvent.objects.count() == events

    def test_user_without_role_learns_nothing_from_validation(self, roles):
        """Without a role the answer is 403 whatever the body: validation messages would tell which
        codes exist."""
        client = client_for(roles["norole"])
        response = post(client, f"{API}/programs/", new_program(org_unit="no-such-unit"))
        assert response.status_code == 403


class TestViewer:
    def test_viewer_cannot_change_own_department_program(self, roles):
        client = client_for(roles["viewer"])
        obj = program(SC_P1)
        before = row(Program, obj.pk)

        response = patch(client, program_url(SC_P1), {"budget": "1,000천원", "name": "바뀐 이름"})

        assert response.status_code == 403
        assert response.json()["detail"] == "이 기록을 고칠 권한이 없습니다."
        assert row(Program, obj.pk) == before
        obj.refresh_from_db()
        assert obj.budget == SC_P1_BUDGET
        assert obj.name == "스마트가로등 운영"
        assert audit_events(record_type="programs", record_id=obj.pk, action="update") == []

    def test_viewer_cannot_create_or_delete(self, roles):
        client = client_for(roles["viewer"])
        obj = program(SC_P1)
        before = row(Program, obj.pk)
        assert post(client, f"{API}/programs/", new_program()).status_code == 403
        assert client.delete(program_url(SC_P1)).status_code == 403
        assert not Program.objects.filter(code="smart-city-new").exists()
        assert row(Program, obj.pk) == before

    def test_viewer_cannot_change_a_task_item(self, roles):
        item = TaskItem.objects.filter(task__code="smart-city-1", order=2).get()
        before = row(TaskItem, item.pk)
        response = patch(client_for(roles["viewer"]), f"{API}/task-items/{item.pk}", {"text": "바꿈"})
        assert response.status_code == 403
        assert row(TaskItem, item.pk) == before

    def test_viewer_cannot_change_own_department_unit(self, roles):
        unit = OrgUnit.objects.get(code="smart-city")
        before = row(OrgUnit, unit.pk)
        response = patch(client_for(roles["viewer"]), f"{API}/org-units/{unit.pk}", {"name": "바꿈"})
        assert response.status_code == 403
        assert row(OrgUnit, unit.pk) == before


class TestEditor:
    def test_editor_changes_own_department_program_and_it_is_audited(self, roles):
        client = client_for(roles["editor"])
        obj = program(SC_P1)
        before = row(Program, obj.pk)

        response = patch(client, program_url(SC_P1), {"budget": "19,000천원"})

        assert response.status_code == 200, response.content
        assert response.json()["budget"] == 19_000_000
        assert response.json()["code"] == SC_P1
        obj.refresh_from_db()
        assert obj.budget == 19_000_000
        after = row(Program, obj.pk)
        assert {k: v for k, v in after.items() if k != "budget"} == {
            k: v for k, v in before.items() if k != "budget"
        }

        [event] = audit_events(record_type="programs", record_id=obj.pk, action="update")
        assert event.user == roles["editor"]
        assert event.actor == "sc-editor"
        assert event.before["budget"] == SC_P1_BUDGET
        assert event.after["budget"] == 19_000_000
        assert event.changed_fields == ["budget"]
        assert event.record_repr == "스마트가로등 운영"

        history = client.get(f"{program_url(SC_P1)}/history")
        assert history.status_code == 200
        latest = history.json()[0]
        assert latest["action"] == "update"
        assert latest["actor"] == "sc-editor"
        assert latest["changed_fields"] == ["budget"]
        assert latest["before"]["budget"] == SC_P1_BUDGET
        assert latest["after"]["budget"] == 19_000_000
        assert latest["after"]["code"] == SC_P1

    def test_budget_as_integer_won(self, roles):
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"budget": 18_100_500})
        assert response.status_code == 200
        assert response.json()["budget"] == 18_100_500
        assert program(SC_P1).budget == 18_100_500

    @pytest.mark.parametrize(
        ("text", "won"), [("1.2억원", 120_000_000), ("102백만원", 102_000_000), ("750,548천원", 750_548_000)]
    )
    def test_budget_with_other_units(self, roles, text, won):
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"budget": text})
        assert response.status_code == 200
        assert program(SC_P1).budget == won

    def test_unchanged_patch_writes_no_audit_event(self, roles):
        obj = program(SC_P1)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"budget": SC_P1_BUDGET})
        assert response.status_code == 200
        assert audit_events(record_type="programs", record_id=obj.pk, action="update") == []

    def test_editor_cannot_change_another_department_program(self, roles):
        obj = program(PP_P1)
        before = row(Program, obj.pk)

        response = patch(client_for(roles["editor"]), program_url(PP_P1), {"budget": 1_000})

        assert response.status_code == 403
        assert row(Program, obj.pk) == before
        assert program(PP_P1).budget == PP_P1_BUDGET
        assert audit_events(record_type="programs", record_id=obj.pk, action="update") == []

    def test_other_department_editor_cannot_change_smart_city_program(self, roles):
        obj = program(SC_P1)
        before = row(Program, obj.pk)
        response = patch(client_for(roles["other_editor"]), program_url(SC_P1), {"budget": 1_000})
        assert response.status_code == 403
        assert row(Program, obj.pk) == before

    def test_editor_cannot_move_a_program_to_another_department(self, roles):
        obj = program(SC_P1)
        before = row(Program, obj.pk)

        response = patch(
            client_for(roles["editor"]), program_url(SC_P1), {"org_unit": "policy-planning", "budget": 1}
        )

        assert response.status_code == 403
        assert response.json()["detail"] == "이 부서로 기록을 옮길 권한이 없습니다."
        assert row(Program, obj.pk) == before
        assert program(SC_P1).org_unit.code == "smart-city"
        assert program(SC_P1).budget == SC_P1_BUDGET
        assert audit_events(record_type="programs", record_id=obj.pk, action="update") == []

    def test_editor_cannot_move_a_program_to_another_department_team(self, roles):
        obj = program(SC_P1)
        before = row(Program, obj.pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"org_unit": "planning"})
        assert response.status_code == 403
        assert row(Program, obj.pk) == before

    def test_editor_may_move_a_program_to_a_team_of_own_department(self, roles):
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"org_unit": "traffic-info"})
        assert response.status_code == 200
        assert response.json()["org_unit"] == "traffic-info"
        assert program(SC_P1).org_unit.code == "traffic-info"
        # …and keeps the right to change it there (a team belongs to its department).
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"budget": 5_000})
        assert response.status_code == 200
        assert program(SC_P1).budget == 5_000

    def test_editor_cannot_delete(self, roles):
        obj = program(SC_P1)
        before = row(Program, obj.pk)
        response = client_for(roles["editor"]).delete(program_url(SC_P1))
        assert response.status_code == 403
        assert row(Program, obj.pk) == before
        assert audit_events(record_type="programs", record_id=obj.pk, action="delete") == []

    def test_editor_changes_own_department_task_item(self, roles):
        item = TaskItem.objects.filter(task__code="smart-city-1", order=2).get()
        response = patch(
            client_for(roles["editor"]), f"{API}/task-items/{item.pk}", {"text": "사업금액 : 19,000천원"}
        )
        assert response.status_code == 200
        item.refresh_from_db()
        assert item.text == "사업금액 : 19,000천원"
        [event] = audit_events(record_type="task_items", record_id=item.pk, action="update")
        assert event.changed_fields == ["text"]

    def test_editor_cannot_change_another_department_task_item(self, roles):
        item = TaskItem.objects.filter(task__code="policy-planning-1", order=1).get()
        before = row(TaskItem, item.pk)
        response = patch(client_for(roles["editor"]), f"{API}/task-items/{item.pk}", {"text": "바꿈"})
        assert response.status_code == 403
        assert row(TaskItem, item.pk) == before

    def test_editor_cannot_move_a_task_item_to_another_department_task(self, roles):
        item = TaskItem.objects.filter(task__code="smart-city-1", order=2).get()
        before = row(TaskItem, item.pk)
        response = patch(
            client_for(roles["editor"]),
            f"{API}/task-items/{item.pk}",
            {"task": "policy-planning-1", "order": 999},
        )
        assert response.status_code == 403
        assert row(TaskItem, item.pk) == before

    def test_editor_changes_own_department_and_its_teams(self, roles):
        client = client_for(roles["editor"])
        department = OrgUnit.objects.get(code="smart-city")
        team = OrgUnit.objects.get(code="traffic-info")
        assert patch(client, f"{API}/org-units/{department.pk}", {"note": "비고"}).status_code == 200
        assert patch(client, f"{API}/org-units/{team.pk}", {"note": "팀 비고"}).status_code == 200
        department.refresh_from_db()
        team.refresh_from_db()
        assert (department.note, team.note) == ("비고", "팀 비고")

    @pytest.mark.parametrize("code", ["policy-planning", "planning", "office"])
    def test_editor_cannot_change_other_units(self, roles, code):
        unit = OrgUnit.objects.get(code=code)
        before = row(OrgUnit, unit.pk)
        response = patch(client_for(roles["editor"]), f"{API}/org-units/{unit.pk}", {"note": "바꿈"})
        assert response.status_code == 403
        assert row(OrgUnit, unit.pk) == before

    def test_editor_cannot_move_own_team_to_another_department(self, roles):
        team = OrgUnit.objects.get(code="traffic-info")
        before = row(OrgUnit, team.pk)
        response = patch(
            client_for(roles["editor"]), f"{API}/org-units/{team.pk}", {"parent": "policy-planning"}
        )
        assert response.status_code == 403
        assert row(OrgUnit, team.pk) == before

    def test_editor_creates_in_own_department(self, roles):
        response = post(client_for(roles["editor"]), f"{API}/programs/", new_program())
        assert response.status_code == 201, response.content
        data = response.json()
        created = program("smart-city-new")
        assert data["id"] == created.pk
        assert data["budget"] == 19_000_000
        assert data["org_unit"] == "smart-city"
        assert data["period_start"] == "2025-03-01"
        assert data["period_end"] == "2025-08-31"
        assert created.budget == 19_000_000
        [event] = audit_events(record_type="programs", record_id=created.pk)
        assert event.action == "create"
        assert event.actor == "sc-editor"
        assert event.before is None
        assert event.after["code"] == "smart-city-new"
        assert event.after["budget"] == 19_000_000

    def test_editor_cannot_create_in_another_department(self, roles):
        count = Program.objects.count()
        response = post(client_for(roles["editor"]), f"{API}/programs/", new_program(org_unit="planning"))
        assert response.status_code == 403
        assert Program.objects.count() == count

    @pytest.mark.parametrize("role", ["viewer", "editor", "manager", "other_editor"])
    def test_department_roles_cannot_change_the_vision(self, roles, role):
        vision = Vision.objects.get()
        before = row(Vision, vision.pk)
        client = client_for(roles[role])
        assert patch(client, f"{API}/visions/{vision.pk}", {"text": "새 비전"}).status_code == 403
        assert post(client, f"{API}/visions/", {"text": "둘째 비전"}).status_code == 403
        assert client.delete(f"{API}/visions/{vision.pk}").status_code == 403
        assert row(Vision, vision.pk) == before
        assert Vision.objects.count() == 1


class TestManager:
    def test_manager_deletes_a_deletable_program_and_it_is_audited(self, roles):
        obj = program(SC_P1)
        pk = obj.pk
        client = client_for(roles["manager"])

        response = client.delete(program_url(SC_P1))

        assert response.status_code == 204
        assert response.content == b""
        assert not Program.objects.filter(pk=pk).exists()
        [event] = audit_events(record_type="programs", record_id=pk, action="delete")
        assert event.actor == "sc-manager"
        assert event.user == roles["manager"]
        assert event.before["code"] == SC_P1
        assert event.before["budget"] == SC_P1_BUDGET
        assert event.after is None
        assert event.record_repr == "스마트가로등 운영"
        assert client.get(f"{API}/programs/{pk}").status_code == 404

    def test_manager_cannot_delete_another_department_program(self, roles):
        obj = program(PP_P1)
        before = row(Program, obj.pk)
        assert client_for(roles["manager"]).delete(program_url(PP_P1)).status_code == 403
        assert row(Program, obj.pk) == before

    def test_protected_program_is_not_deleted(self, roles):
        obj = program(SC_P12)
        parts = sorted(Program.objects.filter(parent=obj).values_list("code", flat=True))
        assert parts == ["smart-city-cctv-1", "smart-city-cctv-2"]
        shares = FundingShare.objects.filter(program=obj).count()
        programs = Program.objects.count()
        before = row(Program, obj.pk)

        response = client_for(roles["manager"]).delete(program_url(SC_P12))

        assert response.status_code == 409
        assert response.json() == {"detail": "다른 기록이 이 기록을 참조하고 있어 지울 수 없습니다."}
        assert row(Program, obj.pk) == before
        assert Program.objects.count() == programs
        assert FundingShare.objects.filter(program=obj).count() == shares
        assert audit_events(record_type="programs", record_id=obj.pk, action="delete") == []

    def test_protected_department_is_not_deleted(self, roles):
        unit = OrgUnit.objects.get(code="smart-city")
        counts = {name: rtype.model.objects.count() for name, rtype in REGISTRY.items()}

        response = client_for(roles["manager"]).delete(f"{API}/org-units/{unit.pk}")

        assert response.status_code == 409
        assert OrgUnit.objects.filter(pk=unit.pk).exists()
        assert {name: rtype.model.objects.count() for name, rtype in REGISTRY.items()} == counts
        assert audit_events(action="delete") == []

    def test_manager_deletes_a_task_item_with_cascade_free_record(self, roles):
        item = TaskItem.objects.filter(task__code="smart-city-1", order=2).get()
        response = client_for(roles["manager"]).delete(f"{API}/task-items/{item.pk}")
        assert response.status_code == 204
        assert not TaskItem.objects.filter(pk=item.pk).exists()
        [event] = audit_events(record_type="task_items", record_id=item.pk, action="delete")
        assert event.before["text"] == "사업금액 : 18,054천원"


class TestOfficeWide:
    @pytest.mark.parametrize(("role", "username"), [("director", "the-director"), ("admin", "the-admin")])
    def test_office_roles_change_anything(self, roles, role, username):
        client = client_for(roles[role])
        vision = Vision.objects.get()
        office = OrgUnit.objects.get(code="office")
        item = TaskItem.objects.filter(task__code="policy-planning-1", order=1).get()

        assert patch(client, program_url(PP_P1), {"budget": "51,000천원"}).status_code == 200
        assert patch(client, program_url(SC_P1), {"org_unit": "planning"}).status_code == 200
        assert patch(client, f"{API}/visions/{vision.pk}", {"text": "새 비전"}).status_code == 200
        assert patch(client, f"{API}/org-units/{office.pk}", {"note": "실 비고"}).status_code == 200
        assert patch(client, f"{API}/task-items/{item.pk}", {"level": 2}).status_code == 200

        assert program(PP_P1).budget == 51_000_000
        assert program(SC_P1).org_unit.code == "planning"
        vision.refresh_from_db()
        office.refresh_from_db()
        item.refresh_from_db()
        assert (vision.text, office.note, item.level) == ("새 비전", "실 비고", 2)
        assert {e.actor for e in audit_events(action="update")} == {username}
        assert len(audit_events(action="update")) == 5

    @pytest.mark.parametrize("role", ["director", "admin"])
    def test_office_roles_create_and_delete_anywhere(self, roles, role):
        client = client_for(roles[role])
        response = post(client, f"{API}/visions/", {"text": "둘째 비전"})
        assert response.status_code == 201
        assert response.json()["text"] == "둘째 비전"
        pk = response.json()["id"]
        assert client.delete(f"{API}/visions/{pk}").status_code == 204
        assert client.delete(program_url(PP_P1)).status_code == 204
        assert not Program.objects.filter(code=PP_P1).exists()
        assert [e.action for e in audit_events(record_type="visions", record_id=pk)] == ["create", "delete"]


# -- validation -----------------------------------------------------------------------------------


class TestValidation:
    def assert_unchanged(self, before: dict):
        assert row(Program, before["id"]) == before

    def test_unknown_field_is_named(self, roles):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"budget": 1, "colour": "red"})
        assert response.status_code == 422
        assert error_locs(response) == [["body", "colour"]]
        self.assert_unchanged(before)

    @pytest.mark.parametrize("field", ["period_start", "id", "user"])
    def test_derived_and_hidden_fields_cannot_be_written(self, roles, field):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {field: "2024-01-01"})
        assert response.status_code == 422
        assert error_locs(response) == [["body", field]]
        self.assert_unchanged(before)

    def test_unknown_field_on_create_is_named(self, roles):
        response = post(client_for(roles["editor"]), f"{API}/programs/", new_program(colour="red"))
        assert response.status_code == 422
        assert error_locs(response) == [["body", "colour"]]
        assert not Program.objects.filter(code="smart-city-new").exists()

    def test_bad_money_string(self, roles):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"budget": "많이"})
        assert response.status_code == 422
        assert error_locs(response) == [["body", "budget"]]
        assert "많이" in response.json()["detail"][0]["msg"]
        self.assert_unchanged(before)

    @pytest.mark.parametrize("budget", [-1, "-5,000천원"])
    def test_negative_budget(self, roles, budget):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"budget": budget})
        assert response.status_code == 422
        assert ["body", "budget"] in error_locs(response)
        self.assert_unchanged(before)

    def test_budget_too_large_for_the_database(self, roles):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"budget": 10**19})
        assert response.status_code == 422
        self.assert_unchanged(before)

    def test_fractional_won(self, roles):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"budget": "1.5원"})
        assert response.status_code == 422
        assert error_locs(response) == [["body", "budget"]]
        self.assert_unchanged(before)

    def test_unknown_reference_code(self, roles):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"org_unit": "no-such-unit"})
        assert response.status_code == 422
        assert error_locs(response) == [["body", "org_unit"]]
        assert "no-such-unit" in response.json()["detail"][0]["msg"]
        self.assert_unchanged(before)

    def test_bad_period(self, roles):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"period": "2025. 13."})
        assert response.status_code == 422
        assert error_locs(response) == [["body", "period"]]
        self.assert_unchanged(before)

    def test_good_period_updates_the_dates(self, roles):
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"period": "2025. 3. ~ 8."})
        assert response.status_code == 200
        assert response.json()["period_start"] == "2025-03-01"
        assert response.json()["period_end"] == "2025-08-31"

    def test_non_budget_program_with_budget(self, roles):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), {"non_budget": True})
        assert response.status_code == 422
        self.assert_unchanged(before)

    @pytest.mark.parametrize(
        "body",
        [
            {"name": 5},
            {"name": ["a"]},
            {"budget": [1]},
            {"budget": {"won": 1}},
            {"budget": 1.5},
            {"budget": True},
            {"number": "first"},
            {"number": True},
            {"number": -1},
            {"year": False},
            {"non_budget": "maybe"},
            {"org_unit": 5},
            {"org_unit": ["smart-city"]},
        ],
    )
    def test_wrong_json_type(self, roles, body):
        before = row(Program, program(SC_P1).pk)
        response = patch(client_for(roles["editor"]), program_url(SC_P1), body)
        assert response.status_code == 422, response.content
        [field] = body
        assert error_locs(response) == [["body", field]], response.content
        self.assert_unchanged(before)

    @pytest.mark.parametrize("body", [{"percent": True}, {"amount": True}, {"percent": [30]}])
    def test_wrong_json_type_for_a_share(self, roles, body):
        share = FundingShare.objects.filter(program__code="policy-planning-mas-5", source="city").get()
        before = row(FundingShare, share.pk)
        response = patch(client_for(roles["director"]), f"{API}/funding-shares/{share.pk}", body)
        assert response.status_code == 422, response.content
        assert error_locs(response) == [["body", *body]]
        assert row(FundingShare, share.pk) == before

    @pytest.mark.parametrize(
        "body, status",
        [
            ("{", 400),  # not JSON at all: the body cannot be parsed
            ("not json", 400),
            ('{"budget": }', 400),
            ("", 422),  # JSON of the wrong shape: the body fails validation
            ("[1, 2]", 422),
            ('"text"', 422),
            ("null", 422),
        ],
    )
    def test_malformed_body_is_a_client_error(self, roles, body, status):
        before = row(Program, program(SC_P1).pk)
        count = Program.objects.count()
        client = client_for(roles["editor"])
        response = client.patch(program_url(SC_P1), data=body, content_type="application/json")
        assert response.status_code == status, (body, response.content)
        self.assert_unchanged(before)
        response = client.post(f"{API}/programs/", data=body, content_type="application/json")
        assert response.status_code == status, (body, response.content)
        assert Program.objects.count() == count

    def test_missing_required_field_on_create(self, roles):
        count = Program.objects.count()
        data = new_program()
        del data["name"]
        del data["group"]
        response = post(client_for(roles["editor"]), f"{API}/programs/", data)
        assert response.status_code == 422
        assert sorted(error_locs(response)) == [["body", "group"], ["body", "name"]]
        assert Program.objects.count() == count

    def test_duplicate_code_on_create(self, roles):
        count = Program.objects.count()
        response = post(client_for(roles["editor"]), f"{API}/programs/", new_program(code=SC_P1))
        assert response.status_code == 422
        assert ["body", "code"] in error_locs(response)
        assert Program.objects.count() == count

    def test_bad_code_on_create(self, roles):
        response = post(client_for(roles["editor"]), f"{API}/programs/", new_program(code="Not A Code"))
        assert response.status_code == 422
        assert ["body", "code"] in error_locs(response)
        assert not Program.objects.filter(code="Not A Code").exists()

    def test_invalid_create_writes_no_audit(self, roles):
        client = client_for(roles["editor"])  # the sign-in is audited too: counted from after it
        events = AuditEvent.objects.count()
        response = post(client, f"{API}/programs/", new_program(budget="많이"))
        assert response.status_code == 422
        assert AuditEvent.objects.count() == events

    def test_create_of_a_task_item_by_reference(self, roles):
        response = post(
            client_for(roles["editor"]),
            f"{API}/task-items/",
            {"task": "smart-city-1", "order": 99, "kind": "action", "text": "새 추진내용"},
        )
        assert response.status_code == 201, response.content
        created = TaskItem.objects.get(pk=response.json()["id"])
        assert (created.task.code, created.order, created.text) == ("smart-city-1", 99, "새 추진내용")
        assert response.json()["level"] == 0

    def test_bad_choice(self, roles):
        item = TaskItem.objects.filter(task__code="smart-city-1", order=2).get()
        before = row(TaskItem, item.pk)
        response = patch(client_for(roles["editor"]), f"{API}/task-items/{item.pk}", {"kind": "wish"})
        assert response.status_code == 422
        assert ["body", "kind"] in error_locs(response)
        assert row(TaskItem, item.pk) == before


# -- lists ----------------------------------------------------------------------------------------


class TestLists:
    def test_pagination(self, roles):
        client = client_for(roles["viewer"])
        total = Program.objects.count()
        assert total == 57

        everything = client.get(f"{API}/programs/", {"limit": 1000}).json()
        assert everything["count"] == total
        assert len(everything["items"]) == total
        ids = [item["id"] for item in everything["items"]]
        assert len(set(ids)) == total

        page = client.get(f"{API}/programs/", {"limit": 10, "offset": 20}).json()
        assert page["count"] == total
        assert [item["id"] for item in page["items"]] == ids[20:30]

        last = client.get(f"{API}/programs/", {"limit": 10, "offset": 50}).json()
        assert last["count"] == total
        assert [item["id"] for item in last["items"]] == ids[50:]

        beyond = client.get(f"{API}/programs/", {"limit": 10, "offset": 100}).json()
        assert beyond == {"items": [], "count": total}

    def test_default_page(self, roles):
        response = client_for(roles["viewer"]).get(f"{API}/people/")
        assert response.status_code == 200
        assert response.json()["count"] == 63
        assert len(response.json()["items"]) == 63

    @pytest.mark.parametrize("query", [{"limit": "x"}, {"offset": "-1"}, {"limit": "0"}])
    def test_bad_pagination_is_422(self, roles, query):
        response = client_for(roles["viewer"]).get(f"{API}/programs/", query)
        assert response.status_code == 422

    @pytest.mark.parametrize("name", list(REGISTRY))
    def test_a_page_of_100_costs_the_queries_of_a_page_of_5(self, roles, name):
        """Paginated in the database: the page (LIMIT/OFFSET) and the total (COUNT), whatever the
        page size — not the whole table read and serialised for every page."""
        client = client_for(roles["director"])
        url = f"{API}/{name.replace('_', '-')}/"
        client.get(url)  # the session and roles, once
        counts = {}
        for limit in (5, 100):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {"limit": limit})
            assert response.status_code == 200
            counts[limit] = len(queries)
            sql = [q["sql"] for q in queries.captured_queries]
            assert sum("COUNT(" in q for q in sql) == 1, sql
            assert sum(f"LIMIT {limit}" in q for q in sql) == 1, sql
        assert counts[100] == counts[5], counts

    def test_page_items_and_count_from_the_database(self, roles):
        client = client_for(roles["viewer"])
        everything = client.get(f"{API}/people/", {"limit": 1000}).json()
        page = client.get(f"{API}/people/", {"limit": 5, "offset": 60}).json()
        assert everything["count"] == page["count"] == 63
        assert page["items"] == everything["items"][60:]
        assert client.get(f"{API}/people/", {"offset": 63}).json() == {"items": [], "count": 63}

    def test_order_is_stable(self, roles):
        client = client_for(roles["viewer"])
        first = [i["id"] for i in client.get(f"{API}/programs/", {"limit": 1000}).json()["items"]]
        again = [i["id"] for i in client.get(f"{API}/programs/", {"limit": 1000}).json()["items"]]
        assert first == again

    def test_filter_by_org_unit(self, roles):
        response = client_for(roles["viewer"]).get(
            f"{API}/programs/", {"org_unit": "smart-city", "limit": 100}
        )
        data = response.json()
        expected = set(Program.objects.filter(org_unit__code="smart-city").values_list("code", flat=True))
        assert data["count"] == len(expected) == 24
        assert {item["code"] for item in data["items"]} == expected
        assert {item["org_unit"] for item in data["items"]} == {"smart-city"}

    def test_filter_by_group(self, roles):
        data = client_for(roles["viewer"]).get(f"{API}/programs/", {"group": "main", "limit": 100}).json()
        assert data["count"] == Program.objects.filter(group="main").count() == 33
        assert {item["group"] for item in data["items"]} == {"main"}

    def test_filters_combine(self, roles):
        data = (
            client_for(roles["viewer"])
            .get(f"{API}/programs/", {"group": "main", "org_unit": "smart-city", "limit": 100})
            .json()
        )
        assert data["count"] == 14
        assert [item["number"] for item in data["items"]] == list(range(1, 15))

    def test_filter_by_integer_field(self, roles):
        data = client_for(roles["viewer"]).get(f"{API}/programs/", {"year": "2025", "limit": 100}).json()
        assert data["count"] == Program.objects.filter(year=2025).count()
        data = client_for(roles["viewer"]).get(f"{API}/programs/", {"year": "1999"}).json()
        assert data == {"items": [], "count": 0}

    @pytest.mark.parametrize("value", ["abc", "2025a", "20.25", "--2025", "2\u00b2", "\u0662\u0660"])
    def test_filter_on_integer_field_with_non_integer_is_422(self, roles, value):
        response = client_for(roles["viewer"]).get(f"{API}/programs/", {"year": value})
        assert response.status_code == 422, value
        assert response.json()["detail"][0]["loc"] == ["query", "year"]

    def test_filter_on_integer_field_out_of_range_is_422(self, roles):
        response = client_for(roles["viewer"]).get(f"{API}/programs/", {"year": "9" * 30})
        assert response.status_code == 422
        assert response.json() == {
            "detail": [
                {
                    "loc": ["query", "year"],
                    "msg": "99999999999999999999…은(는) 범위를 벗어납니다. 1900~2100 사이로 입력하세요.",
                    "type": "value_error",
                }
            ]
        }

    def test_filter_with_unknown_reference_finds_nothing(self, roles):
        data = client_for(roles["viewer"]).get(f"{API}/programs/", {"org_unit": "nowhere"}).json()
        assert data == {"items": [], "count": 0}

    def test_search_partial_korean(self, roles):
        data = client_for(roles["viewer"]).get(f"{API}/programs/", {"q": "가로등"}).json()
        assert data["count"] == 1
        assert [item["code"] for item in data["items"]] == [SC_P1]

    def test_search_combines_with_filters(self, roles):
        client = client_for(roles["viewer"])
        data = client.get(f"{API}/programs/", {"q": "CCTV", "org_unit": "smart-city", "limit": 100}).json()
        expected = set(
            Program.objects.filter(org_unit__code="smart-city", name__icontains="CCTV").values_list(
                "code", flat=True
            )
        )
        assert expected
        assert {item["code"] for item in data["items"]} >= expected
        assert client.get(f"{API}/programs/", {"q": "가로등", "org_unit": "policy-planning"}).json() == {
            "items": [],
            "count": 0,
        }

    def test_search_task_items(self, roles):
        data = client_for(roles["viewer"]).get(f"{API}/task-items/", {"q": "가로등", "limit": 100}).json()
        # The four items of task smart-city-1 (스마트가로등 운영) that name the streetlights.
        assert data["count"] == 4
        assert [(item["task"], item["heading"], item["text"][:14]) for item in data["items"]] == [
            ("smart-city-1", "사업개요", "과업범위 : 스마트가로등 "),
            ("smart-city-1", "사업개요", "스마트가로등의 원활한 서비"),
            ("smart-city-1", "추진현황 및 향후계획", "스마트가로등 현황"),
            ("smart-city-1", "기대효과", "스마트가로등 서비스 제공으"),
        ]

    def test_task_item_filter_by_task(self, roles):
        data = client_for(roles["viewer"]).get(f"{API}/task-items/", {"task": "smart-city-1"}).json()
        assert data["count"] == TaskItem.objects.filter(task__code="smart-city-1").count()
        assert [item["order"] for item in data["items"]] == sorted(item["order"] for item in data["items"])

    def test_org_unit_filter_by_kind_and_parent(self, roles):
        client = client_for(roles["viewer"])
        assert client.get(f"{API}/org-units/", {"kind": "department"}).json()["count"] == 4
        teams = client.get(f"{API}/org-units/", {"parent": "smart-city"}).json()
        assert {item["code"] for item in teams["items"]} == {
            "smart-city-team",
            "traffic-info",
            "spatial-info",
            "urban-safety-center",
        }

    def test_staff_names_are_not_masked(self, roles):
        """People are the staff the published plan names: shown as written."""
        people = client_for(roles["viewer"]).get(f"{API}/people/", {"limit": 100}).json()["items"]
        names = dict(Person.objects.values_list("pk", "name"))
        assert {item["id"]: item["name"] for item in people} == names

    def test_committee_member_names_are_masked_except_for_who_may_change_them(self, roles):
        committee = Committee.objects.filter(org_unit__code="smart-city").order_by("pk").first()
        director = client_for(roles["director"])
        response = post(
            director, f"{API}/committee-members/", {"committee": committee.code, "name": "홍길동"}
        )
        assert response.status_code == 201, response.content
        assert response.json()["name"] == "홍길동"
        pk = response.json()["id"]
        viewer = client_for(roles["viewer"])
        listed = viewer.get(f"{API}/committee-members/").json()
        assert listed["count"] == 1
        assert listed["items"][0]["name"] == "홍*동"
        # In full only for those who may change the record (here the director), masked for a viewer.
        assert viewer.get(f"{API}/committee-members/{pk}").json()["name"] == "홍*동"
        assert director.get(f"{API}/committee-members/{pk}").json()["name"] == "홍길동"

    @pytest.mark.parametrize("type_name", sorted(REGISTRY))
    def test_every_record_type_lists_and_shows(self, roles, type_name):
        client = client_for(roles["viewer"])
        model = REGISTRY[type_name].model
        listed = client.get(path_of(type_name), {"limit": 1000})
        assert listed.status_code == 200, listed.content
        assert listed.json()["count"] == model.objects.count()
        for obj in model.objects.order_by("pk")[:3]:
            detail = client.get(f"{path_of(type_name)}{obj.pk}")
            assert detail.status_code == 200
            assert detail.json()["id"] == obj.pk


# -- authentication -------------------------------------------------------------------------------


class TestTokens:
    def test_bearer_token_reads_and_writes(self, roles):
        _, raw = ApiToken.issue(user=roles["editor"], name="sync")
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        assert client.get(f"{API}/me", **headers).json()["username"] == "sc-editor"
        response = patch(client, program_url(SC_P1), {"budget": 20_000_000}, **headers)
        assert response.status_code == 200
        assert program(SC_P1).budget == 20_000_000
        [event] = audit_events(record_type="programs", action="update")
        assert event.actor == "sc-editor"
        assert event.user == roles["editor"]

    def test_x_api_token_header(self, roles):
        _, raw = ApiToken.issue(user=roles["viewer"], name="report")
        client = Client()
        response = client.get(f"{API}/programs/", HTTP_X_API_TOKEN=raw)
        assert response.status_code == 200
        assert response.json()["count"] == 57
        # A token gives its user's rights, no more.
        response = patch(client, program_url(SC_P1), {"budget": 1}, HTTP_X_API_TOKEN=raw)
        assert response.status_code == 403
        assert program(SC_P1).budget == SC_P1_BUDGET

    def test_token_use_is_recorded(self, roles):
        token, raw = ApiToken.issue(user=roles["viewer"], name="report")
        assert token.last_used is None
        Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
        token.refresh_from_db()
        assert token.last_used is not None

    @pytest.mark.parametrize(
        "headers",
        [
            {"HTTP_AUTHORIZATION": "Bearer wrong-token"},
            {"HTTP_AUTHORIZATION": "Bearer "},
            {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
            {"HTTP_X_API_TOKEN": "wrong-token"},
        ],
    )
    def test_wrong_token_is_401(self, roles, headers):
        ApiToken.issue(user=roles["director"], name="real")
        client = Client()
        assert client.get(f"{API}/programs/", **headers).status_code == 401
        response = patch(client, program_url(SC_P1), {"budget": 1}, **headers)
        assert response.status_code == 401
        assert program(SC_P1).budget == SC_P1_BUDGET

    def test_token_of_an_inactive_user_is_401(self, roles):
        _, raw = ApiToken.issue(user=roles["director"], name="old")
        roles["director"].is_active = False
        roles["director"].save()
        assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401

    def test_token_post_needs_no_csrf(self, roles):
        _, raw = ApiToken.issue(user=roles["editor"], name="sync")
        client = Client(enforce_csrf_checks=True)
        response = post(client, f"{API}/programs/", new_program(), HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 201


class TestSessionCsrf:
    def test_session_post_without_csrf_token_is_rejected(self, roles):
        client = Client(enforce_csrf_checks=True)
        client.force_login(roles["editor"])
        count = Program.objects.count()
        response = post(client, f"{API}/programs/", new_program())
        assert response.status_code == 403
        assert Program.objects.count() == count

    def test_session_patch_and_delete_without_csrf_token_are_rejected(self, roles):
        client = Client(enforce_csrf_checks=True)
        client.force_login(roles["manager"])
        obj = program(SC_P1)
        before = row(Program, obj.pk)
        assert patch(client, program_url(SC_P1), {"budget": 1}).status_code == 403
        assert client.delete(program_url(SC_P1)).status_code == 403
        assert row(Program, obj.pk) == before

    def test_session_post_with_csrf_token_is_accepted(self, roles):
        client = Client(enforce_csrf_checks=True)
        client.force_login(roles["editor"])
        client.get("/accounts/login/")  # sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        response = post(client, f"{API}/programs/", new_program(), HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 201

    def test_session_get_needs_no_csrf(self, roles):
        client = Client(enforce_csrf_checks=True)
        client.force_login(roles["viewer"])
        assert client.get(f"{API}/programs/").status_code == 200


# -- account, plan check, description ---------------------------------------------------------------


class TestMe:
    def test_me_lists_department_role(self, roles):
        response = client_for(roles["editor"]).get(f"{API}/me")
        assert response.status_code == 200
        assert response.json() == {
            "username": "sc-editor",
            "roles": [{"role": "editor", "department": "smart-city"}],
        }

    def test_me_lists_office_role(self, roles):
        response = client_for(roles["director"]).get(f"{API}/me")
        assert response.json() == {
            "username": "the-director",
            "roles": [{"role": "director", "department": None}],
        }

    def test_me_without_role(self, roles):
        response = client_for(roles["norole"]).get(f"{API}/me")
        assert response.status_code == 200
        assert response.json() == {"username": "norole", "roles": []}


class TestPlanCheck:
    def test_gimpo_plan_has_three_mismatches(self, roles):
        response = client_for(roles["viewer"]).get(f"{API}/plan-check")
        assert response.status_code == 200
        data = response.json()
        assert data["consistent"] is False
        assert len(data["mismatches"]) == 3
        assert [m["line"] for m in data["mismatches"]] == [586, 586, 591]
        assert [m["rule"] for m in data["mismatches"]] == ["figure", "figure", "funding-split"]
        assert data["mismatches"][2]["stated"] == "20,000천원"
        assert data["mismatches"][2]["expected"] == "40,000천원"
        # 45 members of 주민참여예산 위원회 beside the 42 of its 3rd term: a note, not a mismatch
        assert [(n["line"], n["stated"], n["expected"], n["severity"]) for n in data["notes"]] == [
            (261, "42명", "45명", "note")
        ]

    def test_plan_check_follows_a_fix(self, roles):
        share = FundingShare.objects.get(program__code="policy-planning-mas-5", source="city")
        client = client_for(roles["director"])
        response = client.delete(f"{API}/funding-shares/{share.pk}")
        assert response.status_code == 204
        data = client.get(f"{API}/plan-check").json()
        assert [m["line"] for m in data["mismatches"] if m["rule"] == "funding-split"] == []

    def test_plan_check_needs_login(self):
        assert Client().get(f"{API}/plan-check").status_code == 401


class TestOpenApi:
    def test_docs_and_schema_need_login(self):
        for url in (f"{API}/openapi.json", f"{API}/docs"):
            response = Client().get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/")

    def test_token_holders_read_the_schema(self, roles):
        _, raw = ApiToken.issue(user=roles["viewer"], name="generator")
        for headers in ({"HTTP_AUTHORIZATION": f"Bearer {raw}"}, {"HTTP_X_API_TOKEN": raw}):
            response = Client().get(f"{API}/openapi.json", **headers)
            assert response.status_code == 200, headers
            assert response.json()["info"]["title"] == "cityhall API"
        assert Client().get(f"{API}/docs", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    @pytest.mark.parametrize(
        "headers", [{"HTTP_AUTHORIZATION": "Bearer wrong-token"}, {"HTTP_X_API_TOKEN": "wrong-token"}]
    )
    def test_a_wrong_token_is_401_not_a_login_page(self, headers):
        response = Client().get(f"{API}/openapi.json", **headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "로그인하거나 API 토큰을 보내야 합니다."}

    def test_a_revoked_users_token_reads_nothing(self, roles):
        _, raw = ApiToken.issue(user=roles["viewer"], name="generator")
        roles["viewer"].is_active = False
        roles["viewer"].save()
        assert Client().get(f"{API}/openapi.json", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401

    def test_the_schema_is_built_once_per_language(self, roles, monkeypatch):
        from ninja import NinjaAPI

        from cityhall.core import api as api_module

        built = []
        original = NinjaAPI.get_openapi_schema

        def counting(self, **kwargs):
            built.append(kwargs.get("path_prefix"))
            return original(self, **kwargs)

        monkeypatch.setattr(NinjaAPI, "get_openapi_schema", counting)
        monkeypatch.setattr(api_module, "_SCHEMAS", {})
        client = client_for(roles["viewer"])
        first = client.get(f"{API}/openapi.json").json()
        assert client.get(f"{API}/openapi.json").json() == first
        english = client.get(f"{API}/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
        client.get(f"{API}/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
        assert built == ["/api/v1/", "/api/v1/"]  # Korean once, English once
        assert first["paths"].keys() == english["paths"].keys()

    def test_every_operation_has_its_own_id(self, roles):
        """Client generators name their methods after operationIds: the record types' shared handlers
        must not collide (programs_list, streetlights_list, …)."""
        schema = client_for(roles["viewer"]).get(f"{API}/openapi.json").json()
        ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
        assert len(ids) == len(set(ids))
        assert schema["paths"]["/api/v1/programs/"]["get"]["operationId"] == "programs_list"
        assert schema["paths"]["/api/v1/programs/{record_id}"]["patch"]["operationId"] == "programs_update"

    def test_schema_lists_every_record_type(self, roles):
        response = client_for(roles["viewer"]).get(f"{API}/openapi.json")
        assert response.status_code == 200
        schema = response.json()
        paths = schema["paths"]
        for name in REGISTRY:
            base = path_of(name)
            assert base in paths, base
            managed = bool(REGISTRY[name].managed_at)
            assert set(paths[base]) == ({"get"} if managed else {"get", "post"}), base
            assert set(paths[base + "{record_id}"]) == ({"get"} if managed else {"get", "patch", "delete"})
            assert set(paths[base + "{record_id}/history"]) == {"get"}
        assert f"{API}/me" in paths
        assert f"{API}/plan-check" in paths

    def test_schema_describes_token_auth(self, roles):
        schema = client_for(roles["viewer"]).get(f"{API}/openapi.json").json()
        schemes = schema["components"]["securitySchemes"]
        assert any(s.get("scheme") == "bearer" for s in schemes.values())
        assert any(s.get("name") == "X-API-Token" for s in schemes.values())

    def test_docs_use_only_local_assets(self, roles):
        response = client_for(roles["viewer"]).get(f"{API}/docs")
        assert response.status_code == 200
        html = response.content.decode()
        external = re.findall(r"(?:https?:)?//[^\s\"'<>)]+", html)
        hosts = {re.sub(r"^(?:https?:)?//", "", url).split("/")[0] for url in external}
        assert hosts <= {"testserver"}, hosts
        assert "/static/" in html

    def test_float_fields_are_numbers_in_the_schema(self, roles):
        """A FloatField (e.g. a detection's confidence) is a number in and out, not a string."""
        from django.db import models as dj_models

        floats = [
            (rtype, spec)
            for rtype in REGISTRY.values()
            for spec in rtype.fields
            if isinstance(spec.field, dj_models.FloatField)
        ]
        assert floats, "no record type has a FloatField any more: pick another case"
        schemas = client_for(roles["viewer"]).get(f"{API}/openapi.json").json()["components"]["schemas"]
        for rtype, spec in floats:
            name = "".join(part.capitalize() for part in rtype.name.split("_"))
            prop = schemas[f"{name}Out"]["properties"][spec.name]
            types = {option.get("type") for option in prop.get("anyOf", [prop])}
            assert "number" in types and "string" not in types, (rtype.name, spec.name, prop)

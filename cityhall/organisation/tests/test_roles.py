"""The roles core's permission choke point reads, and the memory of users without one."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cityhall.core.permissions import scope_of
from cityhall.organisation import roles
from cityhall.organisation.models import OrgUnit, Role, RoleAssignment


def test_a_user_without_a_role_is_asked_once(make_user):
    citizen = make_user("citizen")
    with CaptureQueriesContext(connection) as queries:
        assert roles.role_rows(citizen) == []
        assert roles.role_rows(citizen) == []
        assert not scope_of(citizen).any_role
    assert len(queries) == 1


def test_a_holder_s_roles_are_always_read_from_the_database(make_user):
    editor = make_user("sc-editor", Role.EDITOR, "smart-city")
    unit = OrgUnit.objects.get(code="smart-city")
    with CaptureQueriesContext(connection) as queries:
        assert roles.role_rows(editor) == [("editor", unit.pk)]
        assert roles.role_rows(editor) == [("editor", unit.pk)]
    assert len(queries) == 2


def test_a_role_given_or_taken_counts_at_once_in_this_process(make_user):
    user = make_user("clerk")
    assert roles.role_rows(user) == []
    assignment = RoleAssignment.objects.create(user=user, role=Role.DIRECTOR, department=None)
    assert roles.role_rows(user) == [("director", None)]
    assignment.delete()
    assert roles.role_rows(user) == []


def test_a_role_taken_elsewhere_counts_at_once(make_user):
    user = make_user("leaver", Role.MANAGER, "smart-city")
    assert roles.role_rows(user)
    # as another server process would: the row goes without this process's signal
    RoleAssignment.objects.filter(user=user)._raw_delete(connection.alias)
    assert roles.role_rows(user) == []


def test_a_role_given_elsewhere_counts_once_the_memory_expires(make_user, monkeypatch):
    user = make_user("newcomer")
    assert roles.role_rows(user) == []
    # as another server process would: the row comes without this process's signal
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=Role.ADMINISTRATOR, department=None)])
    assert roles.role_rows(user) == []
    monkeypatch.setattr(roles, "ROLELESS_SECONDS", 0.0)
    assert roles.role_rows(user) == [("administrator", None)]

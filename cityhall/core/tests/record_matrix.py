"""The permission matrix every record type answers the same way, for the apps' own tests: through the
API and the record pages, anonymous, a user without a role, another department's editor, a viewer, an
editor and a manager of the owning department. A refused call changes nothing and records no audit
event."""

import json

from django.test import Client

from cityhall.core.models import AuditEvent

API = "/api/v1"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def row(model, pk: int) -> dict:
    return model.objects.filter(pk=pk).values().get()


def events(type_name: str, pk: int) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(record_type=type_name, record_id=pk)
        .order_by("id")
        .values_list("action", "actor")
    )


# Who may change a record of the smart-city department, and what they are answered.
UPDATE = {"anonymous": 401, "norole": 403, "other_editor": 403, "viewer": 403, "editor": 200, "manager": 200}
DELETE = {"anonymous": 401, "norole": 403, "other_editor": 403, "viewer": 403, "editor": 403, "manager": 204}
EDIT_PAGE = {
    "anonymous": 302,
    "norole": 403,
    "other_editor": 403,
    "viewer": 403,
    "editor": 200,
    "manager": 200,
}


def api_update(roles, who: str, type_name: str, obj, change: dict):
    user = None if who == "anonymous" else roles[who]
    return client_for(user).patch(
        f"{API}/{type_name.replace('_', '-')}/{obj.pk}", json.dumps(change), content_type="application/json"
    )


def api_delete(roles, who: str, type_name: str, obj):
    user = None if who == "anonymous" else roles[who]
    return client_for(user).delete(f"{API}/{type_name.replace('_', '-')}/{obj.pk}")


def assert_refused_changes_nothing(roles, type_name: str, obj, change: dict) -> None:
    """Every role the matrix refuses gets its exact status, and the row and the audit trail stay."""
    model = type(obj)
    before = row(model, obj.pk)
    trail = events(type_name, obj.pk)
    answered = {}
    for who, status in UPDATE.items():
        if status != 200:
            answered[who] = api_update(roles, who, type_name, obj, change).status_code
    for who, status in DELETE.items():
        if status != 204:
            answered[f"{who} delete"] = api_delete(roles, who, type_name, obj).status_code
    assert answered == {
        **{who: status for who, status in UPDATE.items() if status != 200},
        **{f"{who} delete": status for who, status in DELETE.items() if status != 204},
    }
    assert row(model, obj.pk) == before
    assert events(type_name, obj.pk) == trail

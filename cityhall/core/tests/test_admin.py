"""The back office's deletes: each one and its audit event are written together, and "delete
selected" deletes all the chosen records or none of them."""

import pytest
from django.contrib import admin
from django.db import DatabaseError

from cityhall.core import admin as audited_admin
from cityhall.core.models import AuditEvent
from cityhall.organisation.models import Role
from cityhall.plans.models import Award

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_of(rf, make_user):
    request = rf.post("/admin/plans/award/")
    request.user = make_user("admin-delete", Role.ADMINISTRATOR)
    return request


def test_delete_selected_is_audited_for_every_record(request_of):
    chosen = Award.objects.order_by("pk")[:2]
    codes = [a.code for a in chosen]
    admin.site._registry[Award].delete_queryset(request_of, chosen)
    assert not Award.objects.filter(code__in=codes).exists()
    events = AuditEvent.objects.filter(action="delete", actor="admin-delete")
    assert sorted(e.before["code"] for e in events) == sorted(codes)


def test_delete_selected_keeps_every_record_when_one_audit_fails(request_of, monkeypatch):
    chosen = list(Award.objects.order_by("pk")[:3])
    made = []
    real_event = audited_admin.audit.event

    def second_fails(*args, **kwargs):
        event = real_event(*args, **kwargs)
        made.append(event)
        if len(made) == 2:
            event.save = lambda: (_ for _ in ()).throw(DatabaseError("audit table unavailable"))
        return event

    monkeypatch.setattr(audited_admin.audit, "event", second_fails)
    with pytest.raises(DatabaseError):
        admin.site._registry[Award].delete_queryset(
            request_of, Award.objects.filter(pk__in=[a.pk for a in chosen])
        )
    assert Award.objects.filter(pk__in=[a.pk for a in chosen]).count() == 3
    assert not AuditEvent.objects.filter(action="delete", actor="admin-delete").exists()

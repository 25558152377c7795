"""Generic record writes: what cascades with a deleted record is audited record by record."""

import pytest

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInUse, record_delete
from cityhall.plans.models import TaskItem, WorkPlanTask


def test_deleting_a_task_audits_its_cascaded_items(db):
    task = WorkPlanTask.objects.get(code="smart-city-2")
    task_id = task.pk
    item_ids = set(task.items.values_list("pk", flat=True))
    milestone_count = task.milestones.count()
    record_delete(rtype=REGISTRY["work_plan_tasks"], obj=task, actor=Actor.system("test"))
    assert not TaskItem.objects.filter(pk__in=item_ids).exists()
    deleted = AuditEvent.objects.filter(action="delete", actor="test")
    assert set(deleted.filter(record_type="task_items").values_list("record_id", flat=True)) == item_ids
    assert deleted.filter(record_type="milestones").count() == milestone_count
    event = deleted.get(record_type="work_plan_tasks")
    assert event.before["code"] == "smart-city-2" and event.record_id == task_id


def test_a_protected_record_is_kept_and_nothing_is_audited(db):
    from cityhall.organisation.models import OrgUnit

    unit = OrgUnit.objects.get(code="smart-city")
    with pytest.raises(RecordInUse):
        record_delete(rtype=REGISTRY["org_units"], obj=unit, actor=Actor.system("test"))
    assert OrgUnit.objects.filter(pk=unit.pk).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()

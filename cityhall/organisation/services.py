"""Writes of the organisation app: the workload analysis of 조직진단 (its settings, team staffing and
tasks) and the labelled sample data that shows it working.

Plain record changes go through ``cityhall.core.services.record_create/record_update`` (permission,
validation, audit); these functions add the rules and Korean messages around them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from cityhall.core import audit
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid, record_create, record_update

from .models import OrgUnit, TeamStaffing, WorkloadAnalysis, WorkloadCategory, WorkloadTask

SAMPLE_FILE = "workload.yaml"


def _team(code: Any, errors: dict[str, list[str]]) -> OrgUnit | None:
    if not code:
        errors.setdefault("team", []).append("팀을 지정해야 합니다.")
        return None
    team = OrgUnit.objects.filter(code=code, kind=OrgUnit.Kind.TEAM).first()
    if team is None:
        errors.setdefault("team", []).append(f"코드 '{code}'인 팀이 없습니다.")
    return team


def check_workload_task(data: dict[str, Any]) -> dict[str, list[str]]:
    """Korean messages for a task's data, before anything is written (empty when it is fine)."""
    errors: dict[str, list[str]] = {}
    _team(data.get("team"), errors)
    if not str(data.get("name") or "").strip():
        errors.setdefault("name", []).append("단위업무 이름을 적어야 합니다.")
    if data.get("category") not in WorkloadCategory.values:
        errors.setdefault("category", []).append("업무 유형을 목록에서 골라야 합니다.")
    volume = data.get("annual_volume")
    if volume in (None, ""):
        errors.setdefault("annual_volume", []).append("연간 업무량을 적어야 합니다.")
    else:
        try:
            number = Decimal(str(volume))
        except InvalidOperation:
            errors.setdefault("annual_volume", []).append("연간 업무량은 숫자여야 합니다.")
        else:
            if number != number.to_integral_value():
                errors.setdefault("annual_volume", []).append("연간 업무량은 정수(건·회)여야 합니다.")
            elif number < 0:
                errors.setdefault("annual_volume", []).append("연간 업무량은 0 이상이어야 합니다.")
    hours = data.get("standard_hours")
    if hours in (None, ""):
        errors.setdefault("standard_hours", []).append("표준시간을 적어야 합니다.")
    else:
        try:
            number = Decimal(str(hours))
        except InvalidOperation:
            errors.setdefault("standard_hours", []).append("표준시간은 숫자여야 합니다.")
        else:
            if not number.is_finite() or number <= 0:
                errors.setdefault("standard_hours", []).append("표준시간은 0보다 커야 합니다.")
    return errors


@transaction.atomic
def workload_task_create(*, data: dict[str, Any], actor: audit.Actor) -> WorkloadTask:
    """단위업무 등록: validated with Korean messages first; then permission, save and audit."""
    errors = check_workload_task(data)
    if errors:
        raise RecordInvalid(errors)
    return record_create(rtype=record_type_for(WorkloadTask), data=data, actor=actor)


@transaction.atomic
def team_staffing_set(*, team: str, current: Any, actor: audit.Actor, note: str = "") -> TeamStaffing:
    """팀 현원 입력 (creating or replacing the team's row). Zero is allowed: the analysis flags it."""
    errors: dict[str, list[str]] = {}
    unit = _team(team, errors)
    if isinstance(current, bool) or not isinstance(current, int) or current < 0:
        errors.setdefault("current", []).append("현원은 0 이상의 정수여야 합니다.")
    if errors:
        raise RecordInvalid(errors)
    rtype = record_type_for(TeamStaffing)
    existing = TeamStaffing.objects.filter(team=unit).first()
    if existing is None:
        data = {"code": f"staffing-{team}", "team": team, "current": current, "note": note}
        return record_create(rtype=rtype, data=data, actor=actor)

    return record_update(rtype=rtype, obj=existing, data={"current": current, "note": note}, actor=actor)


@transaction.atomic
def workload_analysis_create(
    *, year: Any, hours_per_person_year: Any, actor: audit.Actor, code: str = "", note: str = ""
) -> WorkloadAnalysis:
    """업무량 분석 기준 등록: the year and the hours of one person-year (office-wide roles only)."""
    errors: dict[str, list[str]] = {}
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.setdefault("year", []).append("기준 연도는 2000~2100 사이의 정수여야 합니다.")
    if (
        isinstance(hours_per_person_year, bool)
        or not isinstance(hours_per_person_year, int)
        or hours_per_person_year <= 0
    ):
        errors.setdefault("hours_per_person_year", []).append("1인 연간 근무시간은 0보다 큰 정수여야 합니다.")
    if errors:
        raise RecordInvalid(errors)
    data = {
        "code": code or f"workload-{year}",
        "year": year,
        "hours_per_person_year": hours_per_person_year,
        "note": note,
    }
    analysis = record_create(rtype=record_type_for(WorkloadAnalysis), data=data, actor=actor)
    if actor.user is not None and actor.user.pk:
        WorkloadAnalysis.objects.filter(pk=analysis.pk).update(created_by=actor.user)
        analysis.created_by = actor.user
    return analysis


def read_sample() -> dict[str, Any]:
    text = resources.files("cityhall.organisation.samples").joinpath(SAMPLE_FILE).read_text("utf-8")
    return yaml.safe_load(text)


@transaction.atomic
def workload_load_sample(*, actor: audit.Actor | None = None) -> dict[str, int]:
    """Load the labelled sample (예시 자료) of team staffing and workload tasks; safe to run again.

    Every record it writes has ``is_sample`` set. A team whose staffing was entered for real (not a
    sample) keeps it; sample tasks are matched by their ``sample-`` codes. Returns counts written.
    """
    actor = actor or audit.Actor.system("workload-sample")
    data = read_sample()
    teams = {u.code: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM)}
    missing = sorted({r["team"] for r in [*data["staffing"], *data["tasks"]]} - set(teams))
    if missing:
        raise RecordInvalid({"team": [f"예시 자료의 팀이 조직에 없습니다: {', '.join(missing)}"]})
    staffing_type, task_type = record_type_for(TeamStaffing), record_type_for(WorkloadTask)
    counts = {"staffing": 0, "tasks": 0, "analyses": 0}
    events = []
    for row in data["staffing"]:
        team = teams[row["team"]]
        existing = TeamStaffing.objects.filter(team=team).first()
        if existing is not None and not existing.is_sample:
            continue  # real figures win over the sample
        obj, created = TeamStaffing.objects.update_or_create(
            team=team,
            defaults={
                "code": f"sample-staffing-{team.code}",
                "current": row["current"],
                "is_sample": True,
                "note": "예시 자료",
            },
        )
        events.append(audit.event(actor, "create" if created else "update", staffing_type, obj))
        counts["staffing"] += 1
    for row in data["tasks"]:
        values = {
            "team": teams[row["team"]],
            "name": row["name"],
            "category": row["category"],
            "annual_volume": row["annual_volume"],
            "unit": row.get("unit", "건"),
            "standard_hours": Decimal(str(row["standard_hours"])),
            "is_sample": True,
            "note": "예시 자료",
        }
        task = WorkloadTask(code=row["code"], **values)
        task.full_clean(exclude=["code"], validate_unique=False)
        obj, created = WorkloadTask.objects.update_or_create(code=row["code"], defaults=values)
        events.append(audit.event(actor, "create" if created else "update", task_type, obj))
        counts["tasks"] += 1
    if not WorkloadAnalysis.objects.exists():
        obj = WorkloadAnalysis.objects.create(
            code="sample-workload-2025",
            year=2025,
            hours_per_person_year=data.get("hours_per_person_year", 1952),
            note="예시 자료: 244일 × 8시간",
        )
        events.append(audit.event(actor, "create", record_type_for(WorkloadAnalysis), obj))
        counts["analyses"] += 1
    audit.record_many(events)
    return counts

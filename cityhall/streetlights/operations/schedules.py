"""Editing a site's dimming schedule (디밍 스케줄): validated by ``operation.parse_schedule``, audited.

A form gives the periods as rows (start, end, level). Fully blank rows are dropped (a form shows a
few spare rows); every other row is checked, and every problem is reported at the row the person
typed it in, not at its position among the non-blank rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.models import AuditEvent
from cityhall.core.permissions import CHANGE, allowed
from cityhall.core.records import record_type_for

from ..models import SiteSchedule, StreetlightSite
from . import dimming as operation

NAME_MAX = SiteSchedule._meta.get_field("name").max_length
_WHERE = re.compile(r"^구간 (\d+)(?: (시작|종료|밝기))?$")
_PART = {"시작": "start", "종료": "end", "밝기": "level"}


@dataclass(frozen=True)
class RowProblem:
    """A problem at form row ``row`` (1-based, as shown; 0 = the schedule as a whole) and ``part``
    (``start``, ``end``, ``level`` or ``""``)."""

    row: int
    part: str
    code: str
    message: str

    def __str__(self) -> str:
        where = _("구간 %(row)s") % {"row": self.row} if self.row else _("스케줄")
        return f"{where}: {self.message}"


class ScheduleInvalid(ValueError):
    def __init__(self, problems: list[RowProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def can_edit(user, site: StreetlightSite) -> bool:
    """Editors and managers of the site's department (and office-wide roles) may edit its schedule."""
    return allowed(user, CHANGE, record_type_for(SiteSchedule), SiteSchedule(site=site))


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def schedule_save(
    *, site: StreetlightSite, rows: list[tuple[object, object, object]], name: str = "", actor: audit.Actor
) -> SiteSchedule:
    """Store ``rows`` as the site's schedule (created on first save). Raises ``ScheduleInvalid`` with
    every problem by form row, ``PermissionDenied`` if the actor may not change the site's schedule.
    Nothing is written unless everything is valid."""
    if actor.user is not None and not can_edit(actor.user, site):
        raise PermissionDenied(_("이 지역의 디밍 스케줄을 바꿀 권한이 없습니다."))
    name = _text(name)
    problems: list[RowProblem] = []
    if len(name) > NAME_MAX:
        problems.append(
            RowProblem(0, "name", "too_long", _("이름은 %(n)s자 이하여야 합니다.") % {"n": NAME_MAX})
        )
    kept: list[int] = []  # form row number of each period handed to the parser
    periods: list[list[str]] = []
    for number, row in enumerate(rows, start=1):
        cells = [_text(v) for v in row]
        if not any(cells):
            continue
        kept.append(number)
        periods.append(cells)
    try:
        operation.parse_schedule(periods, name=name)
    except operation.ScheduleError as exc:
        for problem in exc.problems:
            match = _WHERE.match(problem.where)
            if match and 1 <= int(match.group(1)) <= len(kept):
                row_number, part = kept[int(match.group(1)) - 1], _PART.get(match.group(2) or "", "")
            else:
                row_number, part = 0, ""
            problems.append(RowProblem(row_number, part, problem.code, problem.message))
    if problems:
        raise ScheduleInvalid(problems)
    # Stored as given (after trimming) so the form shows it back as the person wrote it; levels as
    # integers, which the simulator and the rules read.
    stored = [[start, end, int(level.removesuffix("%").strip())] for start, end, level in periods]
    rtype = record_type_for(SiteSchedule)
    with transaction.atomic():
        # The site's row, not the schedule's: a site without a schedule yet has nothing to lock,
        # and two first saves would both insert.
        StreetlightSite.objects.select_for_update().filter(pk=site.pk).first()
        schedule = SiteSchedule.objects.filter(site=site).first()
        before = {"name": schedule.name, "periods": schedule.periods} if schedule else None
        if schedule is None:
            schedule = SiteSchedule(site=site)
        if before == {"name": name, "periods": stored}:
            return schedule
        schedule.name, schedule.periods = name, stored
        schedule.save()
        audit.record(
            actor,
            AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            rtype,
            schedule,
            before=before,
            after={"name": name, "periods": stored},
        )
    return schedule

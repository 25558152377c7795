"""The office's milestones as an iCalendar feed a member of staff subscribes to (RFC 5545).

Calendar clients fetch a feed without a login session, so the feed URL carries a secret: the user
id signed with the site's secret key and a salt of its own (``django.core.signing``). The token is
stable per user (the same URL on every visit) and cannot be forged or moved to another user; it
stops working when the user is deactivated or loses every role, or when the secret key changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.core import signing
from icalendar import Calendar, Event, Timezone

from cityhall.core.permissions import scope_of

from .models import Milestone

SALT = "cityhall.plans.calendar-feed"
TIMEZONE = "Asia/Seoul"
PRODID = "-//cityhall//기획조정실 추진일정//KO"


@lru_cache(maxsize=1)
def _vtimezone() -> Timezone:
    """Asia/Seoul as a VTIMEZONE (built from the tz database once per process)."""
    return Timezone.from_tzid(TIMEZONE)


def feed_token(user) -> str:
    return signing.Signer(salt=SALT).sign(str(user.pk))


def user_for_token(token: str):
    """The active user with a role that ``token`` was issued to, or None (bad, tampered, revoked)."""
    try:
        user_id = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    if not user_id.isdigit():
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not scope_of(user).any_role:
        return None
    return user


def milestone_uid(milestone: Milestone, document_code: str) -> str:
    return f"milestone-{milestone.pk}@{document_code or 'cityhall'}.cityhall"


def calendar_name(department_name: str | None) -> str:
    base = "기획조정실 추진일정"
    return f"{base} · {department_name}" if department_name else base


def milestone_event(milestone: Milestone, *, document_code: str, stamp: datetime) -> Event | None:
    """One all-day VEVENT: DTSTART = period start, DTEND = period end + 1 day (exclusive)."""
    if milestone.period_start is None:
        return None
    task = milestone.task
    event = Event()
    event.add("uid", milestone_uid(milestone, document_code))
    event.add("dtstamp", stamp)
    event.add("dtstart", milestone.period_start)
    if milestone.period_end is not None:
        event.add("dtend", milestone.period_end + timedelta(days=1))
    event.add("summary", f"[{task.department.name}] {milestone.action}")
    lines = [
        f"과제: {task.number}. {task.title}",
        f"기간: {milestone.period}" + ("" if milestone.period_end else " (종료일 미정)"),
        f"단계: {milestone.get_stage_display()}",
    ]
    if milestone.done:
        lines.append("완료" + (f" ({milestone.done_on.isoformat()})" if milestone.done_on else ""))
    if milestone.source_label:
        lines.append(f"출처: {milestone.source_label}")
    event.add("description", "\n".join(lines))
    event.add("categories", [task.department.name, str(milestone.get_stage_display())])
    event.add("transp", "TRANSPARENT")  # a plan period does not make anyone busy
    return event


def calendar_feed(
    milestones: Iterable[Milestone],
    *,
    document_code: str,
    department_name: str | None = None,
    stamp: datetime | None = None,
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name(department_name))
    cal.add("x-wr-timezone", TIMEZONE)
    cal.add_component(_vtimezone())
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    for milestone in milestones:
        event = milestone_event(milestone, document_code=document_code, stamp=stamp)
        if event is not None:
            cal.add_component(event)
    return cal.to_ical()

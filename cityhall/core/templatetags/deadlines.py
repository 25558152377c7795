"""``{% load deadlines %}{% deadline_badge deadline %}``: a deadline with the rule it was counted by.

Also the filters ``holiday_name`` (a date's 공휴일 name or "") and ``days_left`` (a deadline's days left)."""

from django import template

from cityhall.core import deadlines

register = template.Library()


@register.inclusion_tag("core/partials/deadline_badge.html")
def deadline_badge(deadline, today=None, explain=True):
    if deadline is None:
        return {"deadline": None}
    left = deadlines.days_left(deadline, today)
    return {
        "deadline": deadline,
        "is_moment": hasattr(deadline.due, "hour"),
        "left": left,
        "overdue": left < 0,
        "overdue_days": -left,
        "explain": explain,
    }


@register.filter
def holiday_name(value):
    return deadlines.holiday_name(value) or "" if value else ""


@register.filter
def days_left(deadline):
    return deadlines.days_left(deadline) if deadline else ""

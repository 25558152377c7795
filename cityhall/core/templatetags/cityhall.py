"""Template filters for the office's conventions: money in 천원, dates in Asia/Seoul."""

from django import template
from django.utils.translation import pgettext

from cityhall.core.money import format_thousand_won

register = template.Library()


@register.filter
def won(value):
    """Integer won shown as 천원 with separators: ``750548000`` → ``750,548``."""
    if value in (None, ""):
        return "-"
    return format_thousand_won(int(value))


@register.filter
def approx(obj, field):
    """'약 ' before an amount the source states as approximate (the record's ``<field>_approximate``)."""
    return pgettext("amount", "약") + " " if getattr(obj, f"{field}_approximate", False) else ""


@register.filter
def percent(part, whole):
    """``part`` as a percentage of ``whole`` (one decimal), '-' when ``whole`` is 0 or missing."""
    try:
        return f"{100 * float(part) / float(whole):.1f}"
    except (TypeError, ValueError, ZeroDivisionError):
        return "-"


@register.filter
def comma(value):
    """An integer with thousands separators, for amounts exact to the won: ``463134`` → ``463,134``."""
    if value in (None, ""):
        return "-"
    return f"{int(value):,}"


@register.filter(name="mask_name")
def mask_name_filter(value):
    """A person's name as lists show it: 홍길동 → 홍*동."""
    from cityhall.core.masking import mask_name

    return mask_name(str(value)) if value else ""


@register.filter(name="mask_phone")
def mask_phone_filter(value):
    """A phone number as lists show it: 010-****-5678."""
    from cityhall.core.masking import mask_phone

    return mask_phone(str(value)) if value else ""

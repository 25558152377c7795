"""Links to the generic record pages (/records/<type>/<id>/), built from registry names."""

from django import template

from cityhall.dashboard.selectors import record_edit_path, record_path

register = template.Library()


@register.simple_tag
def record_url(name: str, pk: int) -> str:
    """``{% record_url "milestones" m.pk %}`` → ``/records/milestones/7/``."""
    return record_path(name, pk)


@register.simple_tag
def record_edit_url(name: str, pk: int) -> str:
    return record_edit_path(name, pk)

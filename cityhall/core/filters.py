"""The filters of the record lists, defined once per record type from the registry and used by both
the list pages (``/records/<type>/``) and the API's list endpoints (``/api/v1/<type>/``), so the two
read ``?year=``, ``?org_unit=`` or ``?q=`` alike."""

from __future__ import annotations

from functools import cache

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from . import params
from .records import REGISTRY, RecordType

# Integer fields' ranges: a filter value outside them cannot match and must not reach the database.
_INT_RANGES = {
    "PositiveSmallIntegerField": (0, 32767),
    "SmallIntegerField": (-32768, 32767),
    "PositiveIntegerField": (0, 2**31 - 1),
    "IntegerField": (-(2**31), 2**31 - 1),
    "PositiveBigIntegerField": (0, 10**params.MAX_DIGITS - 1),
    "BigIntegerField": (-(10**params.MAX_DIGITS - 1), 10**params.MAX_DIGITS - 1),
}
SEARCH = params.Text(label=gettext_lazy("검색어"), max_length=100)


def _param(rtype: RecordType, name: str) -> params.Param:
    spec = rtype.spec(name)
    field = spec.field
    label = field.verbose_name
    if spec.is_ref:
        return params.Text(label=label, max_length=100)  # the referenced record's code
    if field.choices:
        return params.Choice(label=label, choices=tuple(str(value) for value, _label in field.choices))
    if isinstance(field, models.BooleanField):
        return params.Bool(label=label)
    if isinstance(field, models.IntegerField):
        low, high = _INT_RANGES.get(field.get_internal_type(), _INT_RANGES["IntegerField"])
        if name == "year":
            return params.Year(label=label)
        return params.Int(label=label, min=low, max=high)
    return params.Text(label=label, max_length=field.max_length or 200)


@cache
def record_filters(type_name: str) -> dict[str, params.Param]:
    """``q`` (if the type is searchable) and each declared filter, as query parameters."""
    rtype = REGISTRY[type_name]
    spec: dict[str, params.Param] = {}
    if rtype.search:
        spec["q"] = SEARCH
    for name in rtype.filters:
        spec[name] = _param(rtype, name)
    return spec


def apply(rtype: RecordType, qs: models.QuerySet, values: params.Parsed) -> models.QuerySet:
    """Narrow ``qs`` by the parsed filter values (references by their code, ``q`` by partial match
    in any of the type's search fields)."""
    given = values.given()
    for name in rtype.filters:
        if name not in given:
            continue
        value = given[name]
        spec = rtype.spec(name)
        if spec.is_ref:
            qs = qs.filter(**{f"{name}__{REGISTRY[spec.target].key}": value})
        else:
            qs = qs.filter(**{name: value})
    if rtype.search and given.get("q"):
        condition = Q()
        for field in rtype.search:
            condition |= Q(**{f"{field}__icontains": given["q"]})
        qs = qs.filter(condition)
    return qs

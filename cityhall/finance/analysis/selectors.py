"""Reads of fiscal analysis and the public institutions."""

from __future__ import annotations

from ..models import FiscalIndicator, InstitutionReview, PublicInstitution


def indicators(year: int | None = None):
    qs = FiscalIndicator.objects.order_by("-year", "area", "code")
    return qs.filter(year=year) if year else qs


def institutions():
    return PublicInstitution.objects.select_related("department").order_by("name")


def reviews():
    return InstitutionReview.objects.select_related("institution").order_by("institution__name", "-year")

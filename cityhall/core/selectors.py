"""Reads every app shares."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet


def count_by(queryset: QuerySet, path: str) -> dict[int, int]:
    """``path`` value (e.g. an org unit id) -> number of rows of ``queryset``, in one query."""
    counts: dict[int, int] = defaultdict(int)
    for key, n in queryset.values_list(path).annotate(n=Count("id")).order_by():
        counts[key] += n
    return dict(counts)

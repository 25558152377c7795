"""Notification reads: the outbox for the staff page (masked), a user's preferences."""

from __future__ import annotations

from django.db.models import QuerySet

from .choices import Kind
from .models import Notification, Preference
from .services import mask_recipient

__all__ = ["mask_recipient", "outbox", "preferences_of"]


def outbox(*, status: str = "") -> QuerySet[Notification]:
    queryset = Notification.objects.order_by("-id")
    return queryset.filter(status=status) if status else queryset


def preferences_of(user) -> dict[str, dict[str, bool]]:
    """Every kind with the user's choice (both channels on when never set)."""
    chosen = {p.kind: p for p in Preference.objects.filter(user=user)}
    return {
        kind: {"email": chosen[kind].email, "sms": chosen[kind].sms}
        if kind in chosen
        else {"email": True, "sms": True}
        for kind in Kind.values
    }

"""Text messages go through a backend named by the setting ``CITYHALL_SMS_BACKEND`` (a dotted path to a
class with ``send(phone, text) -> SmsResult``). The default sends nothing: it only records the message in
the outbox, labelled 모의 (simulated), until the city contracts a carrier's gateway."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "cityhall.notifications.sms.RecordingBackend"


@dataclass(frozen=True)
class SmsResult:
    simulated: bool
    reference: str = ""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> SmsResult:
        """Send ``text`` to ``phone`` (digits only, e.g. ``01012345678``); raise on failure."""
        ...


class RecordingBackend:
    """모의: keeps the message in the outbox only."""

    def send(self, phone: str, text: str) -> SmsResult:
        return SmsResult(simulated=True, reference="모의")


def backend() -> SmsBackend:
    return import_string(getattr(settings, "CITYHALL_SMS_BACKEND", "") or DEFAULT_BACKEND)()

"""Today's date in Asia/Seoul. ``CITYHALL_TODAY`` (ISO date) pins it, for demos and tests."""

import os
from datetime import date

from django.utils import timezone


def today() -> date:
    pinned = os.environ.get("CITYHALL_TODAY")
    if pinned:
        return date.fromisoformat(pinned)
    return timezone.localdate()

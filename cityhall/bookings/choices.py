from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("예약")
    WAITLISTED = "waitlisted", _("대기")
    CANCELLED = "cancelled", _("취소")
    ATTENDED = "attended", _("참석")
    NO_SHOW = "no_show", _("불참")


# A seat is taken by a booking that is booked, or was (attended, no-show).
SEAT_STATUSES = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
# A holder has at most one of these per slot.
ACTIVE_STATUSES = (*SEAT_STATUSES, BookingStatus.WAITLISTED)

AUDIT_ACTIONS = [
    ("book", _("예약")),
    ("cancel", _("예약 취소")),
    ("promote", _("대기 승격")),
    ("mark", _("참석 처리")),
]

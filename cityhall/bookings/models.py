"""Bookable resources (예약 자원), their time slots (시간대) with a capacity, and bookings (예약) with a
waiting list (대기). Generic: a calling app (legal consultations, IT classes, media drop-off) keeps the
person's data in its own record and refers to a booking; here a booking holds only the app's reference."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cityhall.organisation.models import OrgUnit

from .choices import ACTIVE_STATUSES, BookingStatus


class Resource(models.Model):
    """예약 자원: what is booked (a consultation desk, a classroom, a drop-off counter)."""

    code = models.CharField(_("키"), max_length=100, unique=True)
    label = models.CharField(_("이름"), max_length=200)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("담당 부서"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="booking_resources",
    )
    active = models.BooleanField(_("사용"), default=True)

    class Meta:
        verbose_name = _("예약 자원")
        verbose_name_plural = _("예약 자원")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class Slot(models.Model):
    """시간대: one period of a resource with a number of seats."""

    code = models.CharField(_("코드"), max_length=140, unique=True)  # "<resource>@YYYYMMDD-HHMM[-n]"
    resource = models.ForeignKey(
        Resource, verbose_name=_("예약 자원"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    capacity = models.PositiveSmallIntegerField(_("정원"))
    waitlist_limit = models.PositiveSmallIntegerField(_("대기 한도"), null=True, blank=True)
    label = models.CharField(_("구분"), max_length=200, blank=True)
    closed = models.BooleanField(_("접수 마감"), default=False)

    class Meta:
        verbose_name = _("예약 시간대")
        verbose_name_plural = _("예약 시간대")
        ordering = ["resource", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="booking_slot_ends_after_start",
                violation_error_message=_("종료 시각은 시작 시각보다 늦어야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="booking_slot_capacity_positive",
                violation_error_message=_("정원은 1명 이상이어야 합니다."),
            ),
        ]
        indexes = [models.Index(fields=["resource", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.resource} · {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    """예약: a holder's seat (or place in the waiting list) in a slot. ``holder_ref`` is the calling app's
    reference (``"legal.request:42"``), never a name or phone number."""

    code = models.CharField(_("예약 번호"), max_length=20, unique=True)
    slot = models.ForeignKey(
        Slot, verbose_name=_("시간대"), on_delete=models.PROTECT, related_name="bookings"
    )
    holder_ref = models.CharField(_("신청 참조"), max_length=100)
    status = models.CharField(_("상태"), max_length=12, choices=BookingStatus.choices)
    created_at = models.DateTimeField(_("신청 시각"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("승격 시각"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("취소 시각"), null=True, blank=True)
    cancel_reason = models.CharField(_("취소 사유"), max_length=200, blank=True)
    marked_at = models.DateTimeField(_("참석 처리 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("예약")
        verbose_name_plural = _("예약")
        ordering = ["slot", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "holder_ref"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="booking_one_active_per_holder",
                violation_error_message=_("이 시간대에 이미 예약(또는 대기)되어 있습니다."),
            ),
        ]
        indexes = [models.Index(fields=["slot", "status"])]

    def __str__(self) -> str:
        return f"{self.slot} · {self.holder_ref} ({self.get_status_display()})"

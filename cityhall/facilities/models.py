"""Facilities (시설물), equipment inventories (장비현황) and the services citizens come to (시민 서비스)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import Sourced
from cityhall.organisation.models import OrgUnit, code_validator


class Facility(Sourced):
    """주요 시설물: a machine room, a telecom room …"""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("부서"), on_delete=models.PROTECT, related_name="facilities"
    )
    number = models.PositiveSmallIntegerField(_("연번"), null=True, blank=True)
    name = models.CharField(_("시설명"), max_length=100)
    equipment = models.TextField(_("장비"), blank=True)
    purpose = models.TextField(_("주요내용"), blank=True)

    class Meta:
        verbose_name = _("시설물")
        verbose_name_plural = _("시설물")
        ordering = ["org_unit__order", "number", "id"]

    def __str__(self) -> str:
        return self.name


class Equipment(Sourced):
    """장비현황: a count of one kind of equipment of one system at one site."""

    class System(models.TextChoices):
        STREETLIGHT = "streetlight", _("스마트가로등")
        ITS = "its", _("ITS")
        BIS = "bis", _("BIS")
        GIS = "gis", _("공간정보")
        CCTV = "cctv", _("CCTV 통합관제")
        IT = "it", _("정보통신")

    PERIODS = {"installed": ("installed_start", "installed_end")}

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("부서"), on_delete=models.PROTECT, related_name="equipment"
    )
    system = models.CharField(_("시스템"), max_length=16, choices=System.choices)
    kind = models.CharField(_("장비"), max_length=50)
    location = models.CharField(_("위치"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("수량"), null=True, blank=True)
    unit = models.CharField(_("단위"), max_length=10, blank=True)
    sites = models.PositiveIntegerField(_("개소"), null=True, blank=True)
    installed = models.CharField(_("설치시기"), max_length=30, blank=True)
    installed_start = models.DateField(null=True, editable=False)
    installed_end = models.DateField(null=True, editable=False)
    as_of = models.CharField(_("기준일"), max_length=30, blank=True)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("장비")
        verbose_name_plural = _("장비")
        ordering = ["org_unit__order", "system", "id"]

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.get_system_display()} {self.kind}{where}"


class Service(Sourced):
    """시민 서비스: a service citizens come to at a place and weekly hours (무료법률상담실, 별관 2층,
    화요일 14:00–16:00) — what a booking reads."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("월요일")
        TUESDAY = 1, _("화요일")
        WEDNESDAY = 2, _("수요일")
        THURSDAY = 3, _("목요일")
        FRIDAY = 4, _("금요일")
        SATURDAY = 5, _("토요일")
        SUNDAY = 6, _("일요일")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("부서"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("서비스명"), max_length=100)
    place = models.CharField(_("장소"), max_length=100)
    weekday = models.PositiveSmallIntegerField(_("요일"), choices=Weekday.choices)
    start_time = models.TimeField(_("시작 시각"))
    end_time = models.TimeField(_("종료 시각"))
    recurrence = models.CharField(_("주기"), max_length=20, blank=True, help_text=_("원문 그대로: 매주"))
    audience = models.TextField(_("대상"), blank=True)
    scope = models.TextField(_("범위"), blank=True)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("시민 서비스")
        verbose_name_plural = _("시민 서비스")
        ordering = ["org_unit__order", "weekday", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="service_ends_after_it_starts",
                violation_error_message=_("종료 시각은 시작 시각보다 뒤여야 합니다."),
            )
        ]

    def __str__(self) -> str:
        return self.name

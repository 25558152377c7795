from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The audit action of a command sent to field devices (registered with core in StreetlightsConfig.ready).
AUDIT_COMMAND = "command"
AUDIT_COMMAND_LABEL = _("제어")


class StationState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("device state", "운영")
    RETIRED = "retired", _("철거")


class LightState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("device state", "운영")
    FAULT = "fault", _("고장")
    RETIRED = "retired", _("철거")


class CommandAction(models.TextChoices):
    ON = "on", _("점등")
    OFF = "off", _("소등")
    DIM = "dim", _("밝기 조절")
    AUTO = "auto", _("스케줄 복귀")


class CommandStatus(models.TextChoices):
    PENDING = "pending", _("대기")
    SENT = "sent", _("전송")
    ACKED = "acked", _("완료")
    FAILED = "failed", _("실패")
    EXPIRED = "expired", _("응답 없음")


class FaultKind(models.TextChoices):
    LAMP_FAILURE = "lamp_failure", _("램프 고장")
    LIGHT_OFFLINE = "light_offline", _("가로등 통신 두절")
    STATION_OFFLINE = "station_offline", _("기지국 장애")
    ABNORMAL_POWER = "abnormal_power", _("전력 이상")
    FLICKER = "flicker", _("깜빡임")


class RepairStatus(models.TextChoices):
    OPEN = "open", _("접수")
    ASSIGNED = "assigned", _("배정")
    CLOSED = "closed", _("완료")

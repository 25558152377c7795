from django.db import models
from django.utils.translation import gettext_lazy as _


class StationState(models.TextChoices):
    ACTIVE = "active", _("운영")
    RETIRED = "retired", _("철거")


class LightState(models.TextChoices):
    ACTIVE = "active", _("운영")
    FAULT = "fault", _("고장")
    RETIRED = "retired", _("철거")

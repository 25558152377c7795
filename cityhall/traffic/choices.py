from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.organisation import departments

SYNTHETIC_LABEL = _("모의")
DEPARTMENT = departments.SMART_CITY  # 스마트도시과 runs the signals and the preemption system


class NetworkSource(models.TextChoices):
    SYNTHETIC = "synthetic", _("모의 격자망")
    OSM = "osm", _("OpenStreetMap 가져오기")


class RunStatus(models.TextChoices):
    REQUESTED = "requested", _("요청")
    COMPLETED = "completed", _("완료")
    FAILED = "failed", _("실패")


class Strategy(models.TextChoices):
    PREDICTIVE = "predictive", _("예측 우선신호")
    NAIVE = "naive", _("접근 200m 우선신호")
    NONE = "none", _("우선신호 없음")


class VehicleType(models.TextChoices):
    AMBULANCE = "ambulance", _("구급차")
    FIRE = "fire", _("소방차")
    POLICE = "police", _("경찰차")


class JunctionAction(models.TextChoices):
    EARLY_GREEN = "early_green", _("조기 녹색")
    EXTENSION = "extension", _("녹색 연장")
    NONE = "none", _("조정 없음")
    OFFLINE = "offline", _("제어기 오프라인")


class VmsMessageStatus(models.TextChoices):
    DRAFT = "draft", _("승인 대기")
    APPROVED = "approved", _("승인")
    WITHDRAWN = "withdrawn", _("철회")


class VmsSendStatus(models.TextChoices):
    PENDING = "pending", _("전송 대기")
    SENT = "sent", _("전송, 응답 대기")
    ACKED = "acked", _("표출 확인")
    FAILED = "failed", _("응답 없음")
    SUPERSEDED = "superseded", _("다음 문안으로 대체")

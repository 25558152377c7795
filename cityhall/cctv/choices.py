"""Choices shared by the models, the triage rules, the services and the pages of the control centre."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Audit actions of the operators' wall (registered with core in CctvConfig.ready).
AUDIT_ACKNOWLEDGE = "ack"
AUDIT_ACKNOWLEDGE_LABEL = _("관제 확인")
AUDIT_DISMISS = "dismiss"
AUDIT_DISMISS_LABEL = _("관제 종결(오탐 등)")
AUDIT_ESCALATE = "escalate"
AUDIT_ESCALATE_LABEL = _("경찰 협조 요청")


class Purpose(models.TextChoices):
    CRIME = "crime", _("방범")
    CHILD = "child", _("어린이 보호")
    VEHICLE = "vehicle", _("차량 방범")
    DUMPING = "dumping", _("쓰레기 무단투기")
    DISASTER = "disaster", _("재난 감시")


class Analytics(models.TextChoices):
    NONE = "none", _("없음(일반 관제)")
    INTELLIGENT = "intelligent", _("지능형 관제 S/W")
    SELECTIVE = "selective", _("선별관제")


class CameraStatus(models.TextChoices):
    ACTIVE = "active", _("운영")
    FAULT = "fault", _("고장")
    PLANNED = "planned", _("설치 예정")
    RETIRED = "retired", _("철거")


class EventKind(models.TextChoices):
    """ONVIF-style analytics event types (rule engines of the VMS map onto these)."""

    LOITERING = "loitering", _("배회")
    INTRUSION = "intrusion", _("침입")
    FALL = "fall", _("쓰러짐")
    FIGHT = "fight", _("싸움·폭행")
    FIRE_SMOKE = "fire_smoke", _("화재·연기")
    ABANDONED = "abandoned_object", _("물건 방치")
    WRONG_WAY = "wrong_way", _("차량 역주행")
    CROWD = "crowd", _("군집")


class EventStatus(models.TextChoices):
    NEW = "new", _("대기")
    SUPPRESSED = "suppressed", _("억제(구역·시간)")
    THROTTLED = "throttled", _("빈도 제한")
    ACKNOWLEDGED = "acknowledged", _("확인")
    DISMISSED = "dismissed", _("종결")
    ESCALATED = "escalated", _("경찰 협조 요청")


class DismissReason(models.TextChoices):
    FALSE_ALARM = "false_alarm", _("오탐(분석 오류)")
    NO_ACTION = "no_action", _("조치 불필요")
    DUPLICATE = "duplicate", _("중복")
    TEST = "test", _("시험·점검")


# Video-information requests (영상정보 열람·제공, 개인정보 보호법).
AUDIT_VIDEO_DECIDE = "vr_decide"
AUDIT_VIDEO_DECIDE_LABEL = _("영상정보 요청 결정")
AUDIT_VIDEO_HANDOVER = "vr_give"
AUDIT_VIDEO_HANDOVER_LABEL = _("영상정보 제공(인계)")


class Requester(models.TextChoices):
    DATA_SUBJECT = "subject", _("정보주체 본인")
    POLICE = "police", _("수사기관")
    COURT = "court", _("법원")
    AGENCY = "agency", _("다른 공공기관")


class LegalBasis(models.TextChoices):
    """The Personal Information Protection Act's grounds for showing or giving out personal video."""

    ART35 = "art35", _("개인정보 보호법 제35조 (정보주체의 열람 요구)")
    ART18_2_2 = "art18_2_2", _("제18조 제2항 제2호 (다른 법률의 특별한 규정)")
    ART18_2_7 = "art18_2_7", _("제18조 제2항 제7호 (범죄의 수사와 공소의 제기·유지)")
    ART18_2_8 = "art18_2_8", _("제18조 제2항 제8호 (법원의 재판업무 수행)")


class VideoStatus(models.TextChoices):
    RECEIVED = "received", _("접수")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("거부")
    HANDED_OVER = "handed_over", _("제공 완료")


class HandoverMethod(models.TextChoices):
    VIEWING = "viewing", _("열람(센터 내)")
    COPY = "copy", _("사본 제공")

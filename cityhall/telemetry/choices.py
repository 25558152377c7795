"""Stable reason codes for rejected telemetry (machines read the code, people the Korean label)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    BAD_TOPIC = "bad_topic", _("토픽 형식 오류")
    PAYLOAD_TOO_LARGE = "payload_too_large", _("메시지 크기 초과")
    MALFORMED_JSON = "malformed_json", _("JSON 형식 오류")
    NOT_AN_OBJECT = "not_an_object", _("JSON 객체가 아님")
    MISSING_FIELD = "missing_field", _("필수 항목 누락")
    WRONG_TYPE = "wrong_type", _("자료형 오류")
    OUT_OF_RANGE = "out_of_range", _("허용 범위 초과")
    BAD_TIMESTAMP = "bad_timestamp", _("시각 형식 오류")
    TS_IN_FUTURE = "ts_in_future", _("미래 시각")
    TOPIC_DEVICE_MISMATCH = "topic_device_mismatch", _("토픽과 장치 불일치")
    UNKNOWN_DEVICE = "unknown_device", _("등록되지 않은 장치")
    NOT_AN_ARRAY = "not_an_array", _("JSON 배열이 아님")
    BATCH_TOO_MANY = "batch_too_many", _("묶음 측정값 개수 초과")
    UNEXPECTED = "unexpected", _("예기치 않은 오류")

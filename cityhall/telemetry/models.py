"""Telemetry storage: the append-only readings, the dead letters and each device's last state.

Readings are written in bulk by ``services.ingest_batch`` and are not audited one by one (see
CONVENTIONS, habit 4), so none of these models is in the record registry. ADR 0007 explains the
design (topics, payload, idempotency, ordering, retention).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Reason

DEVICE_ID_MAX = 32
MESSAGE_ID_MAX = 64
TOPIC_MAX = 255


class LampMeasurement(models.Model):
    """What a streetlight reports: shared by a reading and a device's last state."""

    lamp_on = models.BooleanField(_("점등"))
    dim = models.PositiveSmallIntegerField(_("밝기(%)"))
    power_w = models.FloatField(_("전력(W)"))
    energy_wh = models.BigIntegerField(_("누적 전력량(Wh)"))
    voltage_v = models.FloatField(_("전압(V)"))
    current_a = models.FloatField(_("전류(A)"))
    temperature_c = models.FloatField(_("온도(℃)"))
    # Sent by the simulator (cityhall simulate streetlights): shown as 모의 wherever the data shows.
    simulated = models.BooleanField(_("모의 데이터"), default=False)

    class Meta:
        abstract = True


class Reading(LampMeasurement):
    """측정값: one validated telemetry message of one device, stored once (append-only)."""

    id = models.BigAutoField(primary_key=True)
    device_id = models.CharField(_("장치 ID"), max_length=DEVICE_ID_MAX)
    message_id = models.CharField(_("메시지 ID"), max_length=MESSAGE_ID_MAX)
    ts = models.DateTimeField(_("측정 시각"))
    received_at = models.DateTimeField(_("수신 시각"))
    heartbeat = models.BooleanField(_("하트비트"), default=False)
    faults = models.JSONField(_("고장 코드"), default=list, blank=True)

    class Meta:
        verbose_name = _("측정값")
        verbose_name_plural = _("측정값")
        # No default ordering: this table grows to years of rows, and an implicit ORDER BY on every
        # query (counts, existence checks) would cost a sort. Readers order explicitly by (device, ts).
        constraints = [
            # Idempotency: a redelivered message (QoS 1 is at-least-once) is stored once. Its index
            # (device_id first) also serves lookups by device.
            models.UniqueConstraint(
                fields=["device_id", "message_id"],
                name="telemetry_reading_unique_message",
                violation_error_message=_("같은 장치의 같은 메시지 ID가 이미 저장되어 있습니다."),
            ),
        ]
        indexes = [models.Index(fields=["device_id", "ts"], name="telemetry_reading_device_ts")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.ts:%Y-%m-%d %H:%M:%S}"


class DeadLetter(models.Model):
    """거부된 메시지: a message that could not be stored as a reading, with the reason."""

    PAYLOAD_MAX_CHARS = 4096

    id = models.BigAutoField(primary_key=True)
    received_at = models.DateTimeField(_("수신 시각"))
    topic = models.CharField(_("토픽"), max_length=TOPIC_MAX)
    payload = models.TextField(_("원문"), blank=True, help_text=_("앞부분 4,096자까지 보관합니다."))
    payload_bytes = models.PositiveIntegerField(_("원문 크기(바이트)"))
    reason = models.CharField(_("사유 코드"), max_length=32, choices=Reason.choices)
    message = models.TextField(_("사유"))
    field = models.CharField(_("항목"), max_length=64, blank=True)
    device_id = models.CharField(_("장치 ID"), max_length=DEVICE_ID_MAX, blank=True)

    class Meta:
        verbose_name = _("거부된 메시지")
        verbose_name_plural = _("거부된 메시지")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["received_at"], name="telemetry_deadletter_received"),
            models.Index(fields=["reason", "received_at"], name="telemetry_deadletter_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.topic}"


class DeviceState(LampMeasurement):
    """장치 최종 상태: the newest reading of a device (by device time) and when it was last heard."""

    device_id = models.CharField(_("장치 ID"), max_length=DEVICE_ID_MAX, unique=True)
    last_ts = models.DateTimeField(_("최종 측정 시각"))
    last_message_id = models.CharField(_("최종 메시지 ID"), max_length=MESSAGE_ID_MAX)
    last_seen = models.DateTimeField(_("최종 수신 시각"))
    faults = models.JSONField(_("고장 코드"), default=list, blank=True)

    class Meta:
        verbose_name = _("장치 최종 상태")
        verbose_name_plural = _("장치 최종 상태")
        ordering = ["device_id"]

    def __str__(self) -> str:
        return self.device_id

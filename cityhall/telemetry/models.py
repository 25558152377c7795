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


class DailyRollup(models.Model):
    """일별 집계: one device's readings of one local day (Asia/Seoul), kept after the raw rows go.

    Computed by ``rollups`` from the raw readings. Energy comes from the cumulative meter: the sum of
    its increases between consecutive readings of the day (``energy_in_day_wh``; equal to max − min
    when the meter only counts up, and never negative across a reset), plus ``carry_wh``, the step
    from the device's previous roll-up's last reading to this day's first one, so no energy is lost
    between days. Times are time-weighted: a reading's state holds until the next reading, for at most
    the roll-up gap (``rollups.max_gap``), and an interval that crosses midnight is split at it.
    """

    id = models.BigAutoField(primary_key=True)
    device_id = models.CharField(_("장치 ID"), max_length=DEVICE_ID_MAX)
    day = models.DateField(_("일자"), help_text=_("Asia/Seoul 기준 날짜"))
    readings = models.PositiveIntegerField(_("측정 건수"))
    first_ts = models.DateTimeField(_("첫 측정 시각"))
    last_ts = models.DateTimeField(_("마지막 측정 시각"))
    first_energy_wh = models.BigIntegerField(_("첫 누적 전력량(Wh)"))
    last_energy_wh = models.BigIntegerField(_("마지막 누적 전력량(Wh)"))
    last_lamp_on = models.BooleanField(_("마지막 점등"))
    last_faulty = models.BooleanField(_("마지막 고장"))
    energy_in_day_wh = models.BigIntegerField(_("당일 증가 전력량(Wh)"))
    carry_wh = models.BigIntegerField(_("전일 이월 전력량(Wh)"), default=0)
    energy_wh = models.BigIntegerField(_("사용 전력량(Wh)"))
    meter_resets = models.PositiveIntegerField(_("계량기 초기화 횟수"), default=0)
    # Seconds: head = from midnight until the first reading (the previous reading's state), closed =
    # between the day's readings, and the total includes the tail after the last reading.
    head_burning_s = models.FloatField(default=0)
    head_fault_s = models.FloatField(default=0)
    closed_burning_s = models.FloatField(default=0)
    closed_fault_s = models.FloatField(default=0)
    burning_s = models.FloatField(_("점등 시간(초)"))
    fault_s = models.FloatField(_("고장 시간(초)"))
    power_min_w = models.FloatField(_("최소 전력(W)"))
    power_max_w = models.FloatField(_("최대 전력(W)"))
    power_sum_w = models.FloatField(_("전력 합계(W)"))
    simulated = models.BooleanField(_("모의 데이터"), default=False)
    # Final: the raw readings of this day are pruned, so it can no longer be recomputed.
    raw_pruned = models.BooleanField(_("원시 자료 삭제됨"), default=False)
    computed_at = models.DateTimeField(_("집계 시각"))

    class Meta:
        verbose_name = _("일별 집계")
        verbose_name_plural = _("일별 집계")
        constraints = [
            models.UniqueConstraint(fields=["device_id", "day"], name="telemetry_rollup_device_day"),
        ]
        indexes = [
            models.Index(fields=["day"], name="telemetry_rollup_day"),
            # Covers the energy report's per-day sums over a year of a site's lights (rollups_by_day):
            # read from the index alone instead of one table row per light and day.
            models.Index(
                fields=["device_id", "day", "energy_wh", "simulated", "first_ts", "last_ts"],
                name="telemetry_rollup_energy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.day}"

    @property
    def burning_minutes(self) -> float:
        return self.burning_s / 60

    @property
    def fault_minutes(self) -> float:
        return self.fault_s / 60

    @property
    def power_mean_w(self) -> float:
        return self.power_sum_w / self.readings if self.readings else 0.0


class RollupCursor(models.Model):
    """집계 위치: the highest reading id that ``rollups.rollup_recent`` has taken in."""

    name = models.CharField(max_length=32, unique=True)
    last_reading_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("집계 위치")
        verbose_name_plural = _("집계 위치")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_reading_id}"
